/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client for TLSGW_CMD_GET_INFO: module version, features
 * and counters, and the counter nests other replies carry too. Parsing
 * is separate from the round trip so the unit tests can feed it canned
 * replies; tlsgwctl's "info" and "stats" objects print the result.
 */
#ifndef TLSGW_INFO_H
#define TLSGW_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

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

/* "ktls-offload", ...; unknown bits as "bit<N>" in buf. */
const char *info_feature_name(unsigned int bit, char *buf, size_t size);

/* The value of counter type, or false if the kernel did not report it. */
bool info_counter_get(const struct info_counter *counters, unsigned int n,
		      unsigned int type, uint64_t *value);

/* Parses one GET_INFO reply; -1 with st filled if it breaks the contract. */
int info_parse(struct nl_msg *msg, struct tlsgw_info *info,
	       struct tnl_status *st);

/*
 * One GET_INFO round trip on nl; flags: TLSGW_A_INFO_FLAGS if not 0
 * (TLSGW_INFO_F_RESET_COUNTERS). 0, or -1 with st filled.
 */
int info_query(struct tnl *nl, uint32_t flags, struct tlsgw_info *info,
	       struct tnl_status *st);

#endif /* TLSGW_INFO_H */
