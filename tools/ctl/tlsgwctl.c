// SPDX-License-Identifier: GPL-2.0
/*
 * tlsgwctl: configure and inspect the tlsgw kernel TLS gateway.
 *
 *   tlsgwctl [OPTIONS] OBJECT [COMMAND [ARGS]]
 *
 * Global options come first, as with ip(8); everything after OBJECT
 * belongs to the object's command. Dispatch is driven by the objects[]
 * table below and each object's command table.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"

static const struct cli_object *const objects[] = {
	&info_object,
	&stats_object,
	&service_object,
	&session_object,
	&socks_object,
	&starttls_object,
	&monitor_object,
	NULL,
};

static void print_usage(FILE *out)
{
	const struct cli_object *const *o;
	const struct cli_cmd *c;

	fprintf(out,
		"Usage: " TLSGWCTL_NAME " [OPTIONS] OBJECT [COMMAND [ARGS]]\n"
		"       " TLSGWCTL_NAME " help\n"
		"\n"
		"Options:\n"
		"  -j, --json       JSON output\n"
		"  -p, --pretty     pretty-printed JSON output (implies -j)\n"
		"  -V, --version    print the version and exit\n"
		"  -h, --help       print this help and exit\n"
		"\n"
		"Objects and commands:\n");
	for (o = objects; *o; o++) {
		fprintf(out, "  %-8s %s\n", (*o)->name, (*o)->help);
		for (c = (*o)->cmds; c->name; c++)
			fprintf(out, "    %s %s%s%s%s\n      %s\n", (*o)->name,
				c->name, c->args[0] ? " " : "", c->args,
				strcmp(c->name, (*o)->default_cmd) ? ""
				: "  (default)", c->help);
	}
	fprintf(out,
		"\n"
		"Exit status: 0 success, 1 the request failed, "
		"2 usage error.\n");
}

static const struct cli_object *find_object(const char *name)
{
	const struct cli_object *const *o;

	for (o = objects; *o; o++)
		if (!strcmp((*o)->name, name))
			return *o;
	return NULL;
}

static const struct cli_cmd *find_cmd(const struct cli_object *obj,
				      const char *name)
{
	const struct cli_cmd *c;

	for (c = obj->cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* argv[0] is the object name. */
static int run_object(const struct cli_opts *opts, int argc, char **argv)
{
	const struct cli_object *obj = find_object(argv[0]);
	const char *name;
	const struct cli_cmd *cmd;

	if (!obj)
		return cli_usage_error("unknown object '%s'", argv[0]);
	name = argc > 1 ? argv[1] : obj->default_cmd;
	if (!strcmp(name, "help")) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	cmd = find_cmd(obj, name);
	if (!cmd && obj->args_without_cmd) {
		cmd = find_cmd(obj, obj->default_cmd);
		if (cmd)
			return cmd->run(opts, argc - 1, argv + 1);
	}
	if (!cmd)
		return cli_usage_error("unknown command '%s' for object '%s'",
				       name, obj->name);
	return argc > 1 ? cmd->run(opts, argc - 2, argv + 2)
			: cmd->run(opts, 0, argv + 1);
}

/* argv[0] is "help". */
static int run_help(int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	print_usage(stdout);
	return CLI_EXIT_OK;
}

/*
 * Returns -1 to go on with argv[*optind_out], or an exit code when the
 * options alone decided the outcome (--help, --version, a bad option).
 */
static int parse_options(int argc, char **argv, struct cli_opts *opts)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;	/* our own messages, in our own format */
	/* '+': stop at OBJECT; later arguments belong to the command. */
	while ((c = getopt_long(argc, argv, "+jpVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts->json = true;
			break;
		case 'p':
			opts->json = opts->pretty = true;
			break;
		case 'V':
			printf(TLSGWCTL_NAME " " TLSGWCTL_VERSION "\n");
			return CLI_EXIT_OK;
		case 'h':
			print_usage(stdout);
			return CLI_EXIT_OK;
		default:
			if (optopt)
				return cli_usage_error("unknown option '-%c'",
						       optopt);
			return cli_usage_error("unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	return -1;
}

/* Output goes to a pipe or file too: a failed write must not exit 0. */
static int flush_stdout(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	cli_error("error writing output: %s", strerror(errno));
	return CLI_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct cli_opts opts = { 0 };
	int rc;

	rc = parse_options(argc, argv, &opts);
	if (rc >= 0)
		return flush_stdout(rc);
	if (optind >= argc)
		return cli_usage_error("no object given");
	if (!strcmp(argv[optind], "help"))
		rc = run_help(argc - optind, argv + optind);
	else
		rc = run_object(&opts, argc - optind, argv + optind);
	return flush_stdout(rc);
}
