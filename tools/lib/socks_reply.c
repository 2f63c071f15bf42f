// SPDX-License-Identifier: GPL-2.0
/* Parsing SOCKS_GET replies; see socks_reply.h. */
#include "socks_reply.h"

#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Indexed by enum tlsgw_socks_counter: the lower-case enum suffix. */
static const char *const counter_names[] = {
	[TLSGW_SOCKS_CTR_ACTIVE] = "active",
	[TLSGW_SOCKS_CTR_CONNECTIONS] = "connections",
	[TLSGW_SOCKS_CTR_REQUESTS_OK] = "requests_ok",
	[TLSGW_SOCKS_CTR_DENIED] = "denied",
	[TLSGW_SOCKS_CTR_AUTH_FAILED] = "auth_failed",
	[TLSGW_SOCKS_CTR_PROTO_ERRORS] = "proto_errors",
	[TLSGW_SOCKS_CTR_NEG_TIMEOUTS] = "neg_timeouts",
	[TLSGW_SOCKS_CTR_LIMIT_REJECTED] = "limit_rejected",
	[TLSGW_SOCKS_CTR_CONNECT_FAILED] = "connect_failed",
	[TLSGW_SOCKS_CTR_RESOLVE_FAILED] = "resolve_failed",
	[TLSGW_SOCKS_CTR_EARLY_DATA] = "early_data",
	[TLSGW_SOCKS_CTR_IDLE_CLOSED] = "idle_closed",
	[TLSGW_SOCKS_CTR_BYTES_IN] = "bytes_in",
	[TLSGW_SOCKS_CTR_BYTES_OUT] = "bytes_out",
	[TLSGW_SOCKS_CTR_UDP_IN] = "udp_in",
	[TLSGW_SOCKS_CTR_UDP_OUT] = "udp_out",
	[TLSGW_SOCKS_CTR_UDP_FRAG_DROPPED] = "udp_frag_dropped",
	[TLSGW_SOCKS_CTR_UDP_DROPPED] = "udp_dropped",
	[TLSGW_SOCKS_CTR_SOURCE_LIMITED] = "source_limited",
};

const char *socks_counter_name(unsigned int type, char *buf, size_t size)
{
	if (type < ARRAY_SIZE(counter_names) && counter_names[type])
		return counter_names[type];
	snprintf(buf, size, "counter%u", type);
	return buf;
}

bool socks_counter_get(const struct socks_counter *c, unsigned int n,
		       unsigned int type, uint64_t *value)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (c[i].type == type) {
			*value = c[i].value;
			return true;
		}
	return false;
}

static int parse_counters(const struct nlattr *nest,
			  struct socks_counter *c, unsigned int *n,
			  struct tnl_status *st)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == TLSGW_SOCKS_CTR_UNSPEC)
			continue;	/* padding */
		if (nla_len(a) != sizeof(uint64_t))
			return tnl_bad_reply(st, "SOCKS counter %d is not a "
					     "u64", nla_type(a));
		if (*n == SOCKS_MAX_COUNTERS)
			return tnl_bad_reply(st, "too many SOCKS counters");
		c[*n].type = (uint16_t)nla_type(a);
		c[*n].value = nla_get_u64(a);
		(*n)++;
	}
	if (rem > 0)
		return tnl_bad_reply(st, "%d trailing bytes in a counter nest",
				     rem);
	return 0;
}

static int parse_user(const struct nlattr *nest, struct socks_user *u,
		      struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_SOCKS_USER_A_MAX + 1];

	memset(u, 0, sizeof(*u));
	if (nla_parse_nested(tb, TLSGW_SOCKS_USER_A_MAX,
			     (struct nlattr *)nest, NULL) < 0 ||
	    !fmt_nest_whole(nest))
		return tnl_bad_reply(st, "malformed SOCKS user");
	if (!tb[TLSGW_SOCKS_USER_A_NAME] ||
	    fmt_name_attr(tb[TLSGW_SOCKS_USER_A_NAME], u->name,
			  sizeof(u->name)) < 0)
		return tnl_bad_reply(st, "SOCKS user without a valid name");
	if (tb[TLSGW_SOCKS_USER_A_COUNTERS])
		return parse_counters(tb[TLSGW_SOCKS_USER_A_COUNTERS],
				      u->counters, &u->n_counters, st);
	return 0;
}

/* Counts the nests of type inner in the list nest; -1 if others. */
static int count_list(const struct nlattr *list, int inner)
{
	const struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, list, rem) {
		if (nla_type(a) != inner)
			return -1;
		n++;
	}
	return rem ? -1 : n;
}

static int parse_users(const struct nlattr *list, struct socks_svc *svc,
		       struct tnl_status *st)
{
	const struct nlattr *a;
	int rem, n = count_list(list, TLSGW_SOCKS_A_USER);

	svc->has_users = true;
	if (n < 0)
		return tnl_bad_reply(st, "malformed SOCKS user list");
	svc->users = calloc((size_t)n + 1, sizeof(*svc->users));
	if (!svc->users)
		return tnl_bad_reply(st, "out of memory");
	nla_for_each_nested(a, list, rem)
		if (parse_user(a, &svc->users[svc->n_users++], st) < 0)
			return -1;
	return 0;
}

static int parse_rules(const struct nlattr *list, struct socks_svc *svc,
		       struct tnl_status *st)
{
	const struct nlattr *a;
	int rem, n = count_list(list, TLSGW_SOCKS_A_RULE);
	char err[128];

	svc->has_rules = true;
	if (n < 0)
		return tnl_bad_reply(st, "malformed SOCKS rule list");
	svc->rules = calloc((size_t)n + 1, sizeof(*svc->rules));
	if (!svc->rules)
		return tnl_bad_reply(st, "out of memory");
	nla_for_each_nested(a, list, rem)
		if (socks_rule_from_nest(a, &svc->rules[svc->n_rules++], err,
					 sizeof(err)) < 0)
			return tnl_bad_reply(st, "%s", err);
	return 0;
}

int socks_svc_parse(struct nl_msg *msg, struct socks_svc *svc,
		    struct tnl_status *st)
{
	static const struct {
		int type;
		size_t off;
	} u32s[] = {
		{ TLSGW_SOCKS_A_AUTH, offsetof(struct socks_svc, auth) },
		{ TLSGW_SOCKS_A_FLAGS, offsetof(struct socks_svc, flags) },
		{ TLSGW_SOCKS_A_MAX_SESSIONS,
		  offsetof(struct socks_svc, max_sessions) },
		{ TLSGW_SOCKS_A_NEG_TIMEOUT,
		  offsetof(struct socks_svc, neg_timeout) },
		{ TLSGW_SOCKS_A_IDLE_TIMEOUT,
		  offsetof(struct socks_svc, idle_timeout) },
	};
	struct nlattr *tb[TLSGW_A_MAX + 1];
	struct nlattr *sb[TLSGW_SOCKS_A_MAX + 1];
	size_t i;
	int err;

	memset(svc, 0, sizeof(*svc));
	if (fmt_parse_msg(msg, TLSGW_CMD_SOCKS_GET, "SOCKS_GET reply", tb, st))
		return -1;
	if (!tb[TLSGW_A_SOCKS])
		return tnl_bad_reply(st, "SOCKS_GET reply without a service");
	err = nla_parse_nested(sb, TLSGW_SOCKS_A_MAX, tb[TLSGW_A_SOCKS], NULL);
	if (err == 0 && !fmt_nest_whole(tb[TLSGW_A_SOCKS]))
		return tnl_bad_reply(st, "truncated attribute in a SOCKS "
				     "service");
	if (err < 0)
		return tnl_bad_reply(st, "malformed SOCKS service (%s)",
				     nl_geterror(err));
	if (!sb[TLSGW_SOCKS_A_NAME] ||
	    fmt_name_attr(sb[TLSGW_SOCKS_A_NAME], svc->name,
			  sizeof(svc->name)) < 0)
		return tnl_bad_reply(st, "SOCKS service without a valid name");
	if (!sb[TLSGW_SOCKS_A_LISTEN] ||
	    fmt_addr_parse(sb[TLSGW_SOCKS_A_LISTEN], &svc->listen) < 0)
		return tnl_bad_reply(st, "SOCKS service without a valid "
				     "listen address");
	for (i = 0; i < ARRAY_SIZE(u32s); i++) {
		const struct nlattr *a = sb[u32s[i].type];

		if (!a || nla_len(a) != sizeof(uint32_t))
			return tnl_bad_reply(st, "SOCKS service without u32 "
					     "attribute %d", u32s[i].type);
		*(uint32_t *)((char *)svc + u32s[i].off) = nla_get_u32(a);
	}
	if (sb[TLSGW_SOCKS_A_COUNTERS] &&
	    parse_counters(sb[TLSGW_SOCKS_A_COUNTERS], svc->counters,
			   &svc->n_counters, st) < 0)
		return -1;
	if (sb[TLSGW_SOCKS_A_USERS] &&
	    parse_users(sb[TLSGW_SOCKS_A_USERS], svc, st) < 0)
		return -1;
	if (sb[TLSGW_SOCKS_A_RULES] &&
	    parse_rules(sb[TLSGW_SOCKS_A_RULES], svc, st) < 0)
		return -1;
	return 0;
}

void socks_svc_free(struct socks_svc *svc)
{
	free(svc->users);
	free(svc->rules);
	svc->users = NULL;
	svc->rules = NULL;
	svc->n_users = svc->n_rules = 0;
}
