/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The error message the library's users see (tnl_report() in nl.c
 * prints through it). The library's cli_error() writes "tlsgwctl: " +
 * message + newline on stderr; a program that wants them elsewhere
 * defines its own cli_error() (tlsgwd: to its log, see daemon/log.c),
 * which takes the place of the library's weak one.
 */
#ifndef TLSGW_ERROR_H
#define TLSGW_ERROR_H

#include <stdarg.h>

#define TLSGWCTL_NAME		"tlsgwctl"

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "tlsgwctl: " + message + newline, on stderr. */
void cli_verror(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif /* TLSGW_ERROR_H */
