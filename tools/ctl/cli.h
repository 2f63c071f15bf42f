/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwctl command-line plumbing shared by all objects: exit codes, the
 * global options every command sees, the object/command tables that drive
 * dispatch, and message helpers.
 *
 * Adding an object means writing a `const struct cli_object` (name, help
 * and a NULL-terminated command table) and listing it in tlsgwctl.c.
 */
#ifndef TLSGW_CLI_H
#define TLSGW_CLI_H

#include <stdbool.h>

#include "error.h"

#define TLSGWCTL_VERSION	"0.1.0"

/* Exit codes: documented in the usage text too. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,		/* the request failed (kernel, netlink, I/O) */
	CLI_EXIT_USAGE = 2,		/* bad command line */
};

struct cli_opts {
	bool json;
	bool pretty;
};

struct cli_cmd {
	const char *name;
	const char *args;	/* argument synopsis for help, "" if none */
	const char *help;	/* one line */
	/* argv[0] is the first argument after the command name. */
	int (*run)(const struct cli_opts *opts, int argc, char **argv);
};

struct cli_object {
	const char *name;
	const char *help;	/* one line */
	const char *default_cmd;	/* run when no command is given */
	const struct cli_cmd *cmds;	/* terminated by a zeroed entry */
	/*
	 * An argument after OBJECT that names no command is the first
	 * argument of default_cmd ("monitor count 5" for "monitor events
	 * count 5"). Otherwise it is an unknown command.
	 */
	bool args_without_cmd;
};

/* cli_error(): "tlsgwctl: " + message + newline, on stderr (error.h). */

/* cli_error() plus a hint at the help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fails with a usage error unless argc == 0 (for argument-less commands). */
int cli_no_args(int argc, char **argv);

#endif /* TLSGW_CLI_H */
