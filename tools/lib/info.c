// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client for GET_INFO: the module's version, features and
 * counters, and the names of both; see info.h.
 */
#include "info.h"

#include <string.h>

#include <linux/tlsgw.h>

/* Indexed by bit number of enum tlsgw_features. */
static const char *const feature_names[] = {
	"info", "counter-reset", "ktls-offload", "socks5", "starttls",
	"events",
};

/* Indexed by enum tlsgw_counter: the lower-case enum suffix. */
static const char *const counter_names[] = {
	[TLSGW_CTR_REQUESTS] = "requests",
	[TLSGW_CTR_NAMESPACES] = "namespaces",
	[TLSGW_CTR_SESSIONS_ACTIVE] = "sessions_active",
	[TLSGW_CTR_SESSIONS_OPENED] = "sessions_opened",
	[TLSGW_CTR_OFFLOAD_FAILED] = "offload_failed",
	[TLSGW_CTR_LIMIT_REJECTED] = "limit_rejected",
	[TLSGW_CTR_CLOSED_DONE] = "closed_done",
	[TLSGW_CTR_CLOSED_RESET] = "closed_reset",
	[TLSGW_CTR_CLOSED_IDLE] = "closed_idle",
	[TLSGW_CTR_CLOSED_KILLED] = "closed_killed",
	[TLSGW_CTR_CLOSED_ALERT] = "closed_alert",
	[TLSGW_CTR_CLOSED_KEY_UPDATE] = "closed_key_update",
	[TLSGW_CTR_CLOSED_TLS_ERROR] = "closed_tls_error",
	[TLSGW_CTR_BYTES_IN] = "bytes_in",
	[TLSGW_CTR_BYTES_OUT] = "bytes_out",
	[TLSGW_CTR_STARTTLS_FLOWS_ACTIVE] = "starttls_flows_active",
	[TLSGW_CTR_STARTTLS_FLOWS_TRACKED] = "starttls_flows_tracked",
	[TLSGW_CTR_STARTTLS_FLOWS_DROPPED] = "starttls_flows_dropped",
	[TLSGW_CTR_STARTTLS_OFFERED] = "starttls_offered",
	[TLSGW_CTR_STARTTLS_NOT_OFFERED] = "starttls_not_offered",
	[TLSGW_CTR_STARTTLS_STRIPPED] = "starttls_stripped",
	[TLSGW_CTR_STARTTLS_REQUESTED] = "starttls_requested",
	[TLSGW_CTR_STARTTLS_ACCEPTED] = "starttls_accepted",
	[TLSGW_CTR_STARTTLS_REFUSED] = "starttls_refused",
	[TLSGW_CTR_STARTTLS_TLS_STARTED] = "starttls_tls_started",
	[TLSGW_CTR_STARTTLS_TLS_MISSING] = "starttls_tls_missing",
	[TLSGW_CTR_STARTTLS_CMD_INJECTION] = "starttls_cmd_injection",
	[TLSGW_CTR_STARTTLS_RESP_INJECTION] = "starttls_resp_injection",
	[TLSGW_CTR_STARTTLS_CLEAR_AUTH] = "starttls_clear_auth",
	[TLSGW_CTR_STARTTLS_CCC] = "starttls_ccc",
	[TLSGW_CTR_STARTTLS_PRETLS_CMD] = "starttls_pretls_cmd",
	[TLSGW_CTR_STARTTLS_BLOCKED] = "starttls_blocked",
	[TLSGW_CTR_ALERTS_SENT] = "alerts_sent",
	[TLSGW_CTR_STARTTLS_FLOWS_LOST] = "starttls_flows_lost",
	[TLSGW_CTR_STARTTLS_FLOWS_EXPIRED] = "starttls_flows_expired",
	[TLSGW_CTR_STARTTLS_UNTRACKED] = "starttls_untracked",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* libnl checks lengths (and NUL termination for NLA_STRING) for us. */
static struct nla_policy reply_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_VERSION] = { .type = NLA_STRING },
	[TLSGW_A_FEATURES] = { .type = NLA_U64 },
	[TLSGW_A_COUNTERS] = { .type = NLA_NESTED },
};

/* Unknown bits and counters are named by number: newer modules add them. */
const char *info_feature_name(unsigned int bit, char *buf, size_t size)
{
	if (bit < ARRAY_SIZE(feature_names))
		return feature_names[bit];
	snprintf(buf, size, "bit%u", bit);
	return buf;
}

const char *info_counter_name(unsigned int type, char *buf, size_t size)
{
	if (type < ARRAY_SIZE(counter_names) && counter_names[type])
		return counter_names[type];
	snprintf(buf, size, "counter%u", type);
	return buf;
}

bool info_counter_get(const struct info_counter *counters, unsigned int n,
		      unsigned int type, uint64_t *value)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (counters[i].type == type) {
			*value = counters[i].value;
			return true;
		}
	}
	return false;
}

int info_parse_counters(const struct nlattr *nest,
			struct info_counter *counters, unsigned int *n,
			struct tnl_status *st)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		/*
		 * The kernel puts u64s with TLSGW_CTR_UNSPEC as the padding
		 * type: on architectures without efficient unaligned access
		 * empty type-0 attributes come between the counters.
		 */
		if (nla_type(a) == TLSGW_CTR_UNSPEC)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return tnl_bad_reply(st, "counter %d is not a u64",
					     nla_type(a));
		if (*n == INFO_MAX_COUNTERS)
			return tnl_bad_reply(st, "too many counters");
		counters[*n].type = nla_type(a);
		counters[*n].value = nla_get_u64(a);
		(*n)++;
	}
	if (rem > 0)
		return tnl_bad_reply(st, "%d trailing bytes in a counter nest",
				     rem);
	return 0;
}

int info_parse(struct nl_msg *msg, struct tlsgw_info *info,
	       struct tnl_status *st)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[TLSGW_A_MAX + 1];
	int err;

	memset(info, 0, sizeof(*info));
	err = genlmsg_parse(nlh, 0, tb, TLSGW_A_MAX, reply_policy);
	if (err < 0)
		return tnl_bad_reply(st, "malformed GET_INFO reply (%s)",
				     nl_geterror(err));
	if (genlmsg_hdr(nlh)->cmd != TLSGW_CMD_GET_INFO)
		return tnl_bad_reply(st, "reply for command %u",
				     genlmsg_hdr(nlh)->cmd);
	if (!tb[TLSGW_A_VERSION])
		return tnl_bad_reply(st, "GET_INFO reply without a version");
	nla_strlcpy(info->version, tb[TLSGW_A_VERSION], sizeof(info->version));
	if (tb[TLSGW_A_FEATURES])
		info->features = nla_get_u64(tb[TLSGW_A_FEATURES]);
	if (tb[TLSGW_A_COUNTERS])
		return info_parse_counters(tb[TLSGW_A_COUNTERS], info->counters,
					   &info->n_counters, st);
	return 0;
}

struct query {
	struct tlsgw_info *info;
	unsigned int replies;
};

static int on_reply(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct query *q = arg;

	if (q->replies++)
		return tnl_bad_reply(st, "more than one GET_INFO reply");
	return info_parse(msg, q->info, st);
}

int info_query(struct tnl *nl, uint32_t flags, struct tlsgw_info *info,
	       struct tnl_status *st)
{
	struct query q = { .info = info };
	struct nl_msg *msg;
	int rc;

	msg = tnl_request(nl, TLSGW_CMD_GET_INFO, 0);
	if (!msg || (flags && nla_put_u32(msg, TLSGW_A_INFO_FLAGS, flags))) {
		nlmsg_free(msg);
		st->fail = TNL_LOCAL;
		st->code = NLE_NOMEM;
		return -1;
	}
	rc = tnl_transact(nl, msg, on_reply, &q, st);
	if (rc == 0 && q.replies == 0)
		rc = tnl_bad_reply(st, "no GET_INFO reply before the ack");
	return rc;
}
