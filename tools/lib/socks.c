// SPDX-License-Identifier: GPL-2.0
/* The netlink client for SOCKS5 services; see socks.h. */
#define _GNU_SOURCE	/* explicit_bzero() */
#include "socks.h"

#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "fmt.h"

static int on_svc(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct socks_list *l = arg;
	struct socks_svc *nv;

	if (l->single && l->n)
		return tnl_bad_reply(st, "more than one SOCKS_GET reply");
	nv = fmt_grow(l->v, &l->cap, l->n, sizeof(*l->v), st);
	if (!nv)
		return -1;
	l->v = nv;
	/* Counted even if malformed, so that its memory is freed. */
	return socks_svc_parse(msg, &l->v[l->n++], st);
}

void socks_list_free(struct socks_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		socks_svc_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int put_conf(struct nl_msg *msg, const struct socks_conf *c)
{
	return nla_put(msg, TLSGW_SOCKS_A_LISTEN, c->listen_len, &c->listen) ||
	       (c->has_auth && nla_put_u32(msg, TLSGW_SOCKS_A_AUTH, c->auth)) ||
	       (c->has_flags &&
		nla_put_u32(msg, TLSGW_SOCKS_A_FLAGS, c->flags)) ||
	       (c->has_max && nla_put_u32(msg, TLSGW_SOCKS_A_MAX_SESSIONS,
					  c->max_sessions)) ||
	       (c->has_neg && nla_put_u32(msg, TLSGW_SOCKS_A_NEG_TIMEOUT,
					  c->neg_timeout)) ||
	       (c->has_idle && nla_put_u32(msg, TLSGW_SOCKS_A_IDLE_TIMEOUT,
					   c->idle_timeout)) ? -1 : 0;
}

static int put_attrs(struct nl_msg *msg, const struct socks_req *r)
{
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_SOCKS);

	if (!nest || nla_put_string(msg, TLSGW_SOCKS_A_NAME, r->name))
		return -1;
	if (r->conf && put_conf(msg, r->conf) < 0)
		return -1;
	if (r->user && socks_user_put(msg, r->user, r->password,
				      r->password_len) < 0)
		return -1;
	if (r->rule && socks_rule_put(msg, r->rule) < 0)
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

int socks_request(struct tnl *nl, const struct socks_req *r,
		  struct tnl_status *st)
{
	struct nl_msg *msg = tnl_request(nl, r->cmd, r->flags);
	int rc;

	if (!msg || (r->name && put_attrs(msg, r) < 0)) {
		if (msg) {
			explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
			nlmsg_free(msg);
		}
		st->fail = TNL_LOCAL;
		st->code = NLE_NOMEM;
		return -1;
	}
	/* Keep the message past tnl_transact() to wipe a password in it. */
	nlmsg_get(msg);
	rc = tnl_transact(nl, msg, r->reply ? on_svc : NULL, r->reply, st);
	explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	nlmsg_free(msg);
	return rc;
}
