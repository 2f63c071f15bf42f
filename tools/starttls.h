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

/* A policy, a flow or an event's TLSGW_A_STARTTLS nest, as reported. */
struct stls_obj {
	char name[TLSGW_NAME_MAX];
	uint32_t proto, mode;
	unsigned int n_ranges;
	struct tlsgw_port_range ranges[TLSGW_STARTTLS_RANGES_MAX];
	int dst_family;			/* 0: none */
	uint8_t dst[16], dst_plen;
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

/* Names; unknown values as "<what><N>" in buf. */
const char *stls_proto_name(uint32_t v, char *buf, size_t size);
const char *stls_finding_name(uint32_t v, char *buf, size_t size);

extern const struct cli_object starttls_object;

#endif /* TLSGW_STARTTLS_H */
