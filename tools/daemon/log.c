// SPDX-License-Identifier: GPL-2.0
/* tlsgwd logging; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static enum log_target target = LOG_TO_STDERR;
static bool debug;

void log_set_debug(bool on)
{
	debug = on;
}

void log_open(enum log_target t)
{
	if (t == target)
		return;
	if (target == LOG_TO_SYSLOG)
		closelog();
	target = t;
	if (target == LOG_TO_SYSLOG)
		openlog(TLSGWD_NAME, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int level, const char *fmt, va_list ap)
{
	if (level == LOG_DEBUG && !debug)
		return;
	if (target == LOG_TO_SYSLOG) {
		vsyslog(level, fmt, ap);
		return;
	}
	flockfile(stderr);
	fputs(TLSGWD_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	funlockfile(stderr);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

/*
 * For the library's tnl_report() (lib/nl.c): the same messages tlsgwctl
 * prints, to the log. Takes the place of lib/error.c's weak one.
 */
void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}
