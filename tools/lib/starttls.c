// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client for STARTTLS policies and flows: the names of
 * findings, phases and flow states, the TLSGW_A_STARTTLS nest of replies
 * and events, and the requests; see starttls.h.
 */
#include "starttls.h"

#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const finding_names[] = {
	[TLSGW_FINDING_OFFERED] = "offered",
	[TLSGW_FINDING_NOT_OFFERED] = "not-offered",
	[TLSGW_FINDING_STRIPPED] = "stripped",
	[TLSGW_FINDING_REQUESTED] = "requested",
	[TLSGW_FINDING_ACCEPTED] = "accepted",
	[TLSGW_FINDING_REFUSED] = "refused",
	[TLSGW_FINDING_TLS_STARTED] = "tls-started",
	[TLSGW_FINDING_TLS_MISSING] = "tls-missing",
	[TLSGW_FINDING_CMD_INJECTION] = "command-injection",
	[TLSGW_FINDING_RESP_INJECTION] = "response-injection",
	[TLSGW_FINDING_CLEAR_AUTH] = "cleartext-auth",
	[TLSGW_FINDING_CCC] = "ccc",
	[TLSGW_FINDING_PRETLS_CMD] = "pre-tls-command",
};

static const char *const phase_names[] = {
	[TLSGW_PHASE_PLAIN] = "plain",
	[TLSGW_PHASE_REQUESTED] = "requested",
	[TLSGW_PHASE_ACCEPTED] = "accepted",
	[TLSGW_PHASE_TLS] = "tls",
	[TLSGW_PHASE_NO_TLS] = "no-tls",
	[TLSGW_PHASE_CCC] = "ccc",
};

static const char *const state_names[] = {
	[TLSGW_FLOW_SYN_SENT] = "syn-sent",
	[TLSGW_FLOW_ESTABLISHED] = "established",
	[TLSGW_FLOW_CLOSING] = "closing",
	[TLSGW_FLOW_CLOSED] = "closed",
	[TLSGW_FLOW_BLOCKED] = "blocked",
};

const char *stls_finding_name(uint32_t v, char *buf, size_t size)
{
	return stls_name_of(finding_names, ARRAY_SIZE(finding_names), v,
			    "finding", buf, size);
}

const char *stls_phase_name(uint32_t v, char *buf, size_t size)
{
	return stls_name_of(phase_names, ARRAY_SIZE(phase_names), v,
			    "phase", buf, size);
}

const char *stls_state_name(uint32_t v, char *buf, size_t size)
{
	return stls_name_of(state_names, ARRAY_SIZE(state_names), v,
			    "state", buf, size);
}

/* Parsing ------------------------------------------------------------------ */

static int get_u64(const struct nlattr *a, uint64_t *v)
{
	if (nla_len(a) != sizeof(uint64_t))
		return -1;
	*v = nla_get_u64(a);
	return 0;
}

static int parse_flow_attrs(struct nlattr **tb, struct stls_obj *o)
{
	if (tb[TLSGW_STLS_A_FLOW_ID]) {
		if (get_u64(tb[TLSGW_STLS_A_FLOW_ID], &o->flow_id))
			return -1;
		o->has_flow = true;
	}
	if ((tb[TLSGW_STLS_A_CLIENT] &&
	     fmt_addr_parse(tb[TLSGW_STLS_A_CLIENT], &o->client)) ||
	    (tb[TLSGW_STLS_A_SERVER] &&
	     fmt_addr_parse(tb[TLSGW_STLS_A_SERVER], &o->server)) ||
	    (tb[TLSGW_STLS_A_STATE] &&
	     stls_get_u32(tb[TLSGW_STLS_A_STATE], &o->state)) ||
	    (tb[TLSGW_STLS_A_PHASE] &&
	     stls_get_u32(tb[TLSGW_STLS_A_PHASE], &o->phase)) ||
	    (tb[TLSGW_STLS_A_FINDINGS] &&
	     stls_get_u32(tb[TLSGW_STLS_A_FINDINGS], &o->findings)) ||
	    (tb[TLSGW_STLS_A_AGE_MS] &&
	     get_u64(tb[TLSGW_STLS_A_AGE_MS], &o->age_ms)) ||
	    (tb[TLSGW_STLS_A_IDLE_MS] &&
	     get_u64(tb[TLSGW_STLS_A_IDLE_MS], &o->idle_ms)))
		return -1;
	o->blocked = tb[TLSGW_STLS_A_BLOCKED] != NULL;
	return 0;
}

int stls_parse_nest(const struct nlattr *nest, struct stls_obj *o,
		    struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_STLS_A_MAX + 1];

	memset(o, 0, sizeof(*o));
	if (stls_policy_parse(nest, tb, &o->pol, st) < 0)
		return -1;
	if (parse_flow_attrs(tb, o))
		return tnl_bad_reply(st, "STARTTLS attribute of the wrong "
				     "length");
	if (tb[TLSGW_STLS_A_COUNTERS])
		return info_parse_counters(tb[TLSGW_STLS_A_COUNTERS],
					   o->counters, &o->n_counters, st);
	return 0;
}

/* Netlink ------------------------------------------------------------------ */

static int on_obj(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct stls_list *l = arg;
	struct nlattr *tb[TLSGW_A_MAX + 1];
	struct stls_obj *nv;

	if (fmt_parse_msg(msg, l->cmd, "STARTTLS reply", tb, st))
		return -1;
	if (!tb[TLSGW_A_STARTTLS])
		return tnl_bad_reply(st, "STARTTLS reply without "
				     "TLSGW_A_STARTTLS");
	nv = fmt_grow(l->v, &l->cap, l->n, sizeof(*l->v), st);
	if (!nv)
		return -1;
	l->v = nv;
	if (stls_parse_nest(tb[TLSGW_A_STARTTLS], &l->v[l->n], st) < 0)
		return -1;
	l->n++;
	return 0;
}

int stls_request(struct tnl *nl, uint8_t cmd, int flags,
		 const struct stls_policy *p, struct stls_list *l,
		 struct tnl_status *st)
{
	struct nl_msg *msg = tnl_request(nl, cmd, flags);

	if (!msg || (p && stls_policy_put(msg, p) < 0)) {
		nlmsg_free(msg);
		st->fail = TNL_LOCAL;
		st->code = NLE_NOMEM;
		return -1;
	}
	if (l)
		l->cmd = cmd == TLSGW_CMD_STARTTLS_FLOW_GET ? cmd
			: TLSGW_CMD_STARTTLS_POLICY_GET;
	return tnl_transact(nl, msg, l ? on_obj : NULL, l, st);
}
