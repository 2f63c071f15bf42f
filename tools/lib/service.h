/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client for TLS-terminating services, which group sessions
 * for limits and accounting (TLSGW_CMD_SERVICE_NEW, _DEL and _GET), used
 * by tlsgwctl's "service" object and by tlsgwd for its [service NAME]
 * sections. Parsing is separate from the round trips so the unit tests
 * can feed it canned replies.
 */
#ifndef TLSGW_SERVICE_H
#define TLSGW_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tlsgw.h>

#include "info.h"
#include "nl.h"

struct tlsgw_service {
	char name[TLSGW_NAME_MAX];
	uint32_t max_sessions;		/* 0: only the namespace limit */
	uint32_t idle_timeout;		/* seconds, 0: never */
	unsigned int n_counters;
	struct info_counter counters[INFO_MAX_COUNTERS];	/* kernel order */
};

/*
 * Parses one SERVICE_GET reply (doit or dump part): NAME, MAX_SESSIONS
 * and IDLE_TIMEOUT are required, COUNTERS optional. -1 with st filled if
 * it breaks the contract.
 */
int service_parse(struct nl_msg *msg, struct tlsgw_service *svc,
		  struct tnl_status *st);

/* Whether name is acceptable to the kernel: 1 to TLSGW_NAME_MAX - 1
 * bytes of [A-Za-z0-9_.-]. */
bool service_name_valid(const char *name);

/* SERVICE_GET replies in v[0..n); free(v) after. */
struct service_list {
	struct tlsgw_service *v;
	size_t n, cap;
	bool single;		/* a doit: exactly one reply */
};

/* What TLSGW_A_SERVICE carries: has_*: the limit is sent. */
struct service_conf {
	const char *name;	/* NULL: none (a dump) */
	bool has_max_sessions, has_idle_timeout;
	uint32_t max_sessions, idle_timeout;
	uint32_t flags;		/* TLSGW_SVC_F_*, sent if not 0 */
};

/*
 * One request on nl: cmd with c (no TLSGW_A_SERVICE if c->name is NULL);
 * replies, if l, appended to l. 0, or -1 with st filled.
 */
int service_request(struct tnl *nl, uint8_t cmd, int flags,
		    const struct service_conf *c, struct service_list *l,
		    struct tnl_status *st);

#endif /* TLSGW_SERVICE_H */
