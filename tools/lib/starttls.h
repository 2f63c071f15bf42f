/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client for STARTTLS policies and the flows the kernel
 * follows (TLSGW_CMD_STARTTLS_*), used by tlsgwctl ("starttls" object,
 * and monitor for STARTTLS events) and tlsgwd ([starttls NAME]
 * sections). The policy words themselves are starttls_policy.h's.
 */
#ifndef TLSGW_STARTTLS_H
#define TLSGW_STARTTLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/tlsgw.h>

#include "fmt.h"
#include "info.h"
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

/* Names; unknown values as "finding<N>", "phase<N>", "state<N>" in buf. */
const char *stls_finding_name(uint32_t v, char *buf, size_t size);
const char *stls_phase_name(uint32_t v, char *buf, size_t size);
const char *stls_state_name(uint32_t v, char *buf, size_t size);

/* POLICY_GET or FLOW_GET replies, in v[0..n); free(v) after. */
struct stls_list {
	struct stls_obj *v;
	size_t n, cap;
	uint8_t cmd;			/* what the replies answer */
};

/*
 * One request on nl: cmd with TLSGW_A_STARTTLS from p (its name only if
 * p->proto is 0; none if p is NULL); replies, if l, appended to l.
 * 0, or -1 with st filled.
 */
int stls_request(struct tnl *nl, uint8_t cmd, int flags,
		 const struct stls_policy *p, struct stls_list *l,
		 struct tnl_status *st);

#endif /* TLSGW_STARTTLS_H */
