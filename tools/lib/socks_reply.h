/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SOCKS_GET replies (TLSGW_A_SOCKS) parsed into a struct: the service's
 * settings and counters and, in a doit reply, its users and rules.
 * Shared by tlsgwctl (printing) and tlsgwd (making the kernel match its
 * configuration).
 */
#ifndef TLSGW_SOCKS_REPLY_H
#define TLSGW_SOCKS_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tlsgw.h>

#include "fmt.h"
#include "nl.h"
#include "socks_rule.h"

#define SOCKS_MAX_COUNTERS	64

struct socks_counter {
	uint16_t type;		/* enum tlsgw_socks_counter, maybe unknown */
	uint64_t value;
};

struct socks_user {
	char name[SOCKS_USER_MAX + 1];
	unsigned int n_counters;
	struct socks_counter counters[SOCKS_MAX_COUNTERS];
};

struct socks_svc {
	char name[TLSGW_NAME_MAX];
	union fmt_addr listen;
	uint32_t auth;			/* enum tlsgw_socks_auth */
	uint32_t flags;			/* TLSGW_SOCKS_F_* */
	uint32_t max_sessions, neg_timeout, idle_timeout;
	unsigned int n_counters;
	struct socks_counter counters[SOCKS_MAX_COUNTERS];	/* kernel order */
	bool has_users, has_rules;	/* doit replies */
	struct socks_user *users;
	size_t n_users;
	struct socks_rule *rules;
	size_t n_rules;
};

/*
 * Parses one SOCKS_GET reply; -1 with st filled if it breaks the
 * contract. svc must be released with socks_svc_free() either way.
 */
int socks_svc_parse(struct nl_msg *msg, struct socks_svc *svc,
		    struct tnl_status *st);
void socks_svc_free(struct socks_svc *svc);

/* "active", "requests_ok", ...; unknown ones as "counter<N>" in buf. */
const char *socks_counter_name(unsigned int type, char *buf, size_t size);

/* The value of counter type, or false if it was not reported. */
bool socks_counter_get(const struct socks_counter *c, unsigned int n,
		       unsigned int type, uint64_t *value);

#endif /* TLSGW_SOCKS_REPLY_H */
