/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "service" object: TLS-terminating services, which group sessions
 * for limits and accounting (TLSGW_CMD_SERVICE_NEW, _DEL and _GET).
 * Parsing and printing are separate from the netlink round trips so the
 * unit tests can feed them canned replies.
 */
#ifndef TLSGW_SERVICE_H
#define TLSGW_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/tlsgw.h>

#include "cli.h"
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

/*
 * A list: "NAME max-sessions N idle-timeout S active N opened N bytes-in
 * N bytes-out N" per service, or a JSON array of objects.
 */
void service_print_list(FILE *out, const struct tlsgw_service *v, size_t n,
			const struct cli_opts *opts);

/* One service: every field and counter, one per line, or an object. */
void service_print_detail(FILE *out, const struct tlsgw_service *svc,
			  const struct cli_opts *opts);

/* Whether name is acceptable to the kernel: 1 to TLSGW_NAME_MAX - 1
 * bytes of [A-Za-z0-9_.-]. */
bool service_name_valid(const char *name);

extern const struct cli_object service_object;

#endif /* TLSGW_SERVICE_H */
