/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "info" and "stats" objects: module version, features and counters
 * (TLSGW_CMD_GET_INFO). Parsing and printing are separate from the
 * netlink round trip so the unit tests can feed them canned replies.
 */
#ifndef TLSGW_INFO_H
#define TLSGW_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "nl.h"

#define INFO_MAX_COUNTERS 64

struct info_counter {
	uint16_t type;		/* enum tlsgw_counter, maybe one we don't know */
	uint64_t value;
};

struct tlsgw_info {
	char version[64];
	uint64_t features;
	unsigned int n_counters;
	struct info_counter counters[INFO_MAX_COUNTERS];	/* kernel order */
};

/*
 * Appends the u64 counters of a TLSGW_A_COUNTERS-style nest to
 * counters[*n] (at most INFO_MAX_COUNTERS in all); padding attributes
 * (type 0) are skipped. -1 with st filled if the nest is malformed.
 */
int info_parse_counters(const struct nlattr *nest,
			struct info_counter *counters, unsigned int *n,
			struct tnl_status *st);

/* "sessions_active", ...; unknown ones as "counter<N>" in buf. */
const char *info_counter_name(unsigned int type, char *buf, size_t size);

/* The counters as a JSON object of name -> number. */
void info_counters_json(struct json *j, const struct info_counter *counters,
			unsigned int n);

/* The value of counter type, or false if the kernel did not report it. */
bool info_counter_get(const struct info_counter *counters, unsigned int n,
		      unsigned int type, uint64_t *value);

/* Parses one GET_INFO reply; -1 with st filled if it breaks the contract. */
int info_parse(struct nl_msg *msg, struct tlsgw_info *info,
	       struct tnl_status *st);

/* Text or JSON, as opts say. */
void info_print(FILE *out, const struct tlsgw_info *info,
		const struct cli_opts *opts);

/* Just the counters ("tlsgwctl stats"): "name value" lines or an object. */
void stats_print(FILE *out, const struct tlsgw_info *info,
		 const struct cli_opts *opts);

extern const struct cli_object info_object;
extern const struct cli_object stats_object;

#endif /* TLSGW_INFO_H */
