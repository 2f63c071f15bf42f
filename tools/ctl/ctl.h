/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwctl's objects (one file each in ctl/): the command table that
 * tlsgwctl.c dispatches to, and the printers and argument parsers the
 * unit tests call. Talking to the kernel is the library's (lib/): a
 * printer takes what its parser there filled in.
 */
#ifndef TLSGW_CTL_H
#define TLSGW_CTL_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "info.h"
#include "json.h"
#include "monitor.h"
#include "service.h"
#include "session.h"
#include "socks.h"
#include "starttls.h"

/* info.c ------------------------------------------------------------------- */

/* The counters as a JSON object of name -> number. */
void info_counters_json(struct json *j, const struct info_counter *counters,
			unsigned int n);

/* Text or JSON, as opts say. */
void info_print(FILE *out, const struct tlsgw_info *info,
		const struct cli_opts *opts);

/* Just the counters ("tlsgwctl stats"): "name value" lines or an object. */
void stats_print(FILE *out, const struct tlsgw_info *info,
		 const struct cli_opts *opts);

extern const struct cli_object info_object;
extern const struct cli_object stats_object;

/* monitor.c ---------------------------------------------------------------- */

/*
 * Follows the TLSGW_MCGRP_EVENTS multicast group and prints each event
 * as one line (text, or one JSON object per line), flushed at once so
 * that a reader at the end of a pipe sees it.
 */
/*
 * Whether the monitor shows an event: kind (0: any) keeps only session
 * events of that kind, service (NULL: any) only session events and SOCKS5
 * denials of a service of that name.
 */
bool event_match(const struct monitor_event *ev, uint32_t kind,
		 const char *service);

/*
 * "session open <as session list>", "session close ID KIND SERVICE reason
 * REASON in N out N", "socks denied SERVICE cmd CMD", "starttls FINDING
 * policy NAME proto P flow ID [blocked]", or a JSON object; with the
 * newline.
 */
void event_print(FILE *out, const struct monitor_event *ev,
		 const struct cli_opts *opts);

extern const struct cli_object monitor_object;

/* service.c ---------------------------------------------------------------- */

/*
 * A list: "NAME max-sessions N idle-timeout S active N opened N bytes-in
 * N bytes-out N" per service, or a JSON array of objects.
 */
void service_print_list(FILE *out, const struct tlsgw_service *v, size_t n,
			const struct cli_opts *opts);

/* One service: every field and counter, one per line, or an object. */
void service_print_detail(FILE *out, const struct tlsgw_service *svc,
			  const struct cli_opts *opts);

extern const struct cli_object service_object;

/* session.c ---------------------------------------------------------------- */

/*
 * "ID SERVICE CPEER -> CLOCAL | BLOCAL -> BPEER tls1.3 aes-128-gcm in N
 * out N age Ns idle Ns", without the newline; "-" for what is missing.
 */
void session_print_line(FILE *out, const struct tlsgw_session *s);

/* Every field, "name value" one per line (session show). */
void session_print_detail(FILE *out, const struct tlsgw_session *s);

/* The session as a JSON object; null for what is missing. */
void session_json(struct json *j, const struct tlsgw_session *s);

/* A list: one line per session, or a JSON array. */
void session_print_list(FILE *out, const struct tlsgw_session *v, size_t n,
			const struct cli_opts *opts);

extern const struct cli_object session_object;

/* socks.c ------------------------------------------------------------------ */

/* One line per service (text) or a JSON array, without users and rules. */
void socks_print_list(FILE *out, const struct socks_svc *v, size_t n,
		      const struct cli_opts *opts);

/* One service with counters, users and rules, or a JSON object. */
void socks_print_detail(FILE *out, const struct socks_svc *svc,
			const struct cli_opts *opts);

/*
 * "NAME listen ADDR:PORT [auth none|userpass] [open] [max-sessions N]
 * [neg-timeout S] [idle-timeout S]" into what "socks add" sends:
 * CLI_EXIT_OK, or CLI_EXIT_USAGE after printing why.
 */
int socks_parse_add(int argc, char **argv, struct socks_conf *c);

extern const struct cli_object socks_object;

/* starttls.c --------------------------------------------------------------- */

extern const struct cli_object starttls_object;

#endif /* TLSGW_CTL_H */
