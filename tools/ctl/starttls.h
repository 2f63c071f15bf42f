/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "starttls" object: STARTTLS policies (tlsgwctl starttls policy
 * add|del|list|show) and the flows the kernel follows (starttls flows),
 * plus the names and the nest parser monitor uses for STARTTLS events.
 */
#ifndef TLSGW_STARTTLS_H
#define TLSGW_STARTTLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/tlsgw.h>

#include "cli.h"
#include "fmt.h"
#include "info.h"
#include "json.h"
#include "nl.h"
#include "starttls_policy.h"

/*
 * A policy, a flow or an event's TLSGW_A_STARTTLS nest, as reported (a
 * flow's or an event's pol has the policy's name and the protocol).
 */
struct stls_obj {
	struct stls_policy pol;
	unsigned int n_counters;
	struct info_counter counters[INFO_MAX_COUNTERS];
	bool has_flow;
	uint64_t flow_id;
	union fmt_addr client, server;
	uint32_t state, phase, findings;
	uint64_t age_ms, idle_ms;
	bool blocked;
};

int stls_parse_nest(const struct nlattr *nest, struct stls_obj *o,
		    struct tnl_status *st);

/* Names; unknown values as "finding<N>" in buf. */
const char *stls_finding_name(uint32_t v, char *buf, size_t size);

extern const struct cli_object starttls_object;

#endif /* TLSGW_STARTTLS_H */
