/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "info" object: module version, features and counters
 * (TLSGW_CMD_GET_INFO). Parsing and printing are separate from the
 * netlink round trip so the unit tests can feed them canned replies.
 */
#ifndef TLSGW_INFO_H
#define TLSGW_INFO_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
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

/* Parses one GET_INFO reply; -1 with st filled if it breaks the contract. */
int info_parse(struct nl_msg *msg, struct tlsgw_info *info,
	       struct tnl_status *st);

/* Text or JSON, as opts say. */
void info_print(FILE *out, const struct tlsgw_info *info,
		const struct cli_opts *opts);

extern const struct cli_object info_object;

#endif /* TLSGW_INFO_H */
