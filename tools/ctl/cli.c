// SPDX-License-Identifier: GPL-2.0
/*
 * Message helpers shared by tlsgwctl's commands; see cli.h (cli_error()
 * itself is the library's, lib/error.c).
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	fputs("Try '" TLSGWCTL_NAME " help' for more information.\n", stderr);
	return CLI_EXIT_USAGE;
}

int cli_no_args(int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error("unexpected argument '%s'", argv[0]);
	return CLI_EXIT_OK;
}
