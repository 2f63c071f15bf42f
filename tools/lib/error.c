// SPDX-License-Identifier: GPL-2.0
/* The library's error messages on stderr; see error.h. */
#include "error.h"

#include <stdio.h>

void cli_verror(const char *fmt, va_list ap)
{
	fputs(TLSGWCTL_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

__attribute__((weak)) void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
}
