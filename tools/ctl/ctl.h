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
#include "service.h"
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
