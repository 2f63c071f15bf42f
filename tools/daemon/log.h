/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwd's log: stderr ("tlsgwd: message") or syslog (daemon facility).
 * It also provides cli_error(), which the library (lib/nl.c) calls for
 * its standard messages, so that tlsgwd reports netlink failures in
 * tlsgwctl's words.
 */
#ifndef TLSGW_DAEMON_LOG_H
#define TLSGW_DAEMON_LOG_H

#include <stdbool.h>
#include <syslog.h>

#define TLSGWD_NAME	"tlsgwd"

enum log_target {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
};

void log_open(enum log_target target);

/* LOG_DEBUG messages are dropped unless this is on (tlsgwd -d). */
void log_set_debug(bool on);

/*
 * level: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG. Safe to
 * call from several threads: each message stays on its own line.
 */
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TLSGW_DAEMON_LOG_H */
