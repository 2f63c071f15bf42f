// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client for TLS services (TLSGW_CMD_SERVICE_*): SERVICE_GET
 * replies and the requests; see service.h.
 */
#include "service.h"

#include <string.h>

#include "fmt.h"

int service_parse(struct nl_msg *msg, struct tlsgw_service *svc,
		  struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_A_MAX + 1];
	struct nlattr *sb[TLSGW_SVC_A_MAX + 1];
	int err;

	memset(svc, 0, sizeof(*svc));
	if (fmt_parse_msg(msg, TLSGW_CMD_SERVICE_GET, "SERVICE_GET reply", tb,
			  st))
		return -1;
	if (!tb[TLSGW_A_SERVICE])
		return tnl_bad_reply(st, "SERVICE_GET reply without a "
				     "service");
	err = nla_parse_nested(sb, TLSGW_SVC_A_MAX, tb[TLSGW_A_SERVICE], NULL);
	if (err == 0 && !fmt_nest_whole(tb[TLSGW_A_SERVICE]))
		return tnl_bad_reply(st, "truncated attribute in "
				     "a service");
	if (err < 0)
		return tnl_bad_reply(st, "malformed service (%s)",
				     nl_geterror(err));
	if (!sb[TLSGW_SVC_A_NAME] ||
	    fmt_name_attr(sb[TLSGW_SVC_A_NAME], svc->name,
			  sizeof(svc->name)) < 0)
		return tnl_bad_reply(st, "service without a valid name");
	if (!sb[TLSGW_SVC_A_MAX_SESSIONS] || !sb[TLSGW_SVC_A_IDLE_TIMEOUT])
		return tnl_bad_reply(st, "service without its limits");
	if (nla_len(sb[TLSGW_SVC_A_MAX_SESSIONS]) != sizeof(uint32_t) ||
	    nla_len(sb[TLSGW_SVC_A_IDLE_TIMEOUT]) != sizeof(uint32_t))
		return tnl_bad_reply(st, "service limit is not a u32");
	svc->max_sessions = nla_get_u32(sb[TLSGW_SVC_A_MAX_SESSIONS]);
	svc->idle_timeout = nla_get_u32(sb[TLSGW_SVC_A_IDLE_TIMEOUT]);
	if (sb[TLSGW_SVC_A_COUNTERS])
		return info_parse_counters(sb[TLSGW_SVC_A_COUNTERS],
					   svc->counters, &svc->n_counters,
					   st);
	return 0;
}

bool service_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < TLSGW_NAME_MAX &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int on_service(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct service_list *l = arg;
	struct tlsgw_service *nv;

	if (l->single && l->n)
		return tnl_bad_reply(st, "more than one SERVICE_GET reply");
	nv = fmt_grow(l->v, &l->cap, l->n, sizeof(*l->v), st);
	if (!nv)
		return -1;
	l->v = nv;
	if (service_parse(msg, &l->v[l->n], st) < 0)
		return -1;
	l->n++;
	return 0;
}

int service_request(struct tnl *nl, uint8_t cmd, int flags,
		    const struct service_conf *c, struct service_list *l,
		    struct tnl_status *st)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = tnl_request(nl, cmd, flags);
	if (!msg)
		goto nomem;
	if (c->name) {
		nest = nla_nest_start(msg, TLSGW_A_SERVICE);
		if (!nest || nla_put_string(msg, TLSGW_SVC_A_NAME, c->name) ||
		    (c->has_max_sessions &&
		     nla_put_u32(msg, TLSGW_SVC_A_MAX_SESSIONS,
				 c->max_sessions)) ||
		    (c->has_idle_timeout &&
		     nla_put_u32(msg, TLSGW_SVC_A_IDLE_TIMEOUT,
				 c->idle_timeout)) ||
		    (c->flags &&
		     nla_put_u32(msg, TLSGW_SVC_A_FLAGS, c->flags))) {
			nlmsg_free(msg);
			goto nomem;
		}
		nla_nest_end(msg, nest);
	}
	return tnl_transact(nl, msg, l ? on_service : NULL, l, st);
nomem:
	st->fail = TNL_LOCAL;
	st->code = NLE_NOMEM;
	return -1;
}
