// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS commands: services (SERVICE_NEW, _DEL, _GET) and the offload of
 * a handshaken session (SESSION_OFFLOAD). SESSION_GET and _DEL, for every
 * kind, are the registry's (core/registry.c). uapi/linux/tlsgw.h documents
 * them.
 */

#include <linux/string.h>
#include <net/genetlink.h>
#include <uapi/linux/tls.h>

#include <linux/tlsgw.h>

#include "core/feature.h"
#include "core/netlink.h"
#include "core/pernet.h"
#include "core/registry.h"
#include "tls/service.h"
#include "tls/session.h"

#define TLSGW_IDLE_TIMEOUT_MAX	(7 * 24 * 3600)

/* Policies ---------------------------------------------------------------- */

static struct netlink_range_validation tlsgw_idle_range = {
	.max = TLSGW_IDLE_TIMEOUT_MAX,
};

static const struct nla_policy tlsgw_svc_policy[TLSGW_SVC_A_MAX + 1] = {
	[TLSGW_SVC_A_NAME] = { .type = NLA_NUL_STRING,
			       .len = TLSGW_NAME_MAX - 1 },
	[TLSGW_SVC_A_MAX_SESSIONS] = { .type = NLA_U32 },
	[TLSGW_SVC_A_IDLE_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &tlsgw_idle_range),
	[TLSGW_SVC_A_COUNTERS] = { .type = NLA_REJECT,
				   .reject_message = "TLSGW_SVC_A_COUNTERS is reply-only" },
	[TLSGW_SVC_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __TLSGW_SVC_F_ALL),
};

static const struct nla_policy tlsgw_service_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_SERVICE] = NLA_POLICY_NESTED(tlsgw_svc_policy),
};

/*
 * SESSION_OFFLOAD carries keys: its nest is validated in the doit, which
 * clears the keys from the request whether or not it parses. Validated
 * here, a bad nest would be refused with the keys left in the skb.
 */
static const struct nla_policy tlsgw_offload_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_SESSION] = { .type = NLA_NESTED },
};

/* Services ---------------------------------------------------------------- */

static int tlsgw_service_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct nlattr *tb[TLSGW_SVC_A_MAX + 1];
	struct tlsgw_service_conf conf = {};
	u32 flags = 0;
	int err;

	err = tlsgw_parse_nest_req(info, TLSGW_A_SERVICE, TLSGW_SVC_A_MAX,
				   tlsgw_svc_policy, tb, TLSGW_SVC_A_NAME);
	if (err)
		return err;
	conf.name = nla_data(tb[TLSGW_SVC_A_NAME]);
	if (!tlsgw_name_valid(conf.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TLSGW_SVC_A_NAME],
				    "service names are made of A-Z a-z 0-9 _ . -");
		return -EINVAL;
	}
	if (tb[TLSGW_SVC_A_MAX_SESSIONS]) {
		conf.has_max_sessions = true;
		conf.max_sessions = nla_get_u32(tb[TLSGW_SVC_A_MAX_SESSIONS]);
	}
	if (tb[TLSGW_SVC_A_IDLE_TIMEOUT]) {
		conf.has_idle_timeout = true;
		conf.idle_timeout = nla_get_u32(tb[TLSGW_SVC_A_IDLE_TIMEOUT]);
	}
	if (tb[TLSGW_SVC_A_FLAGS])
		flags = nla_get_u32(tb[TLSGW_SVC_A_FLAGS]);
	return tlsgw_service_set(tn, &conf, !(flags & TLSGW_SVC_F_NO_CREATE),
				 flags & TLSGW_SVC_F_REPLACE, info->extack);
}

static int tlsgw_service_name(struct genl_info *info, const char **name)
{
	struct nlattr *tb[TLSGW_SVC_A_MAX + 1];
	int err;

	err = tlsgw_parse_nest_req(info, TLSGW_A_SERVICE, TLSGW_SVC_A_MAX,
				   tlsgw_svc_policy, tb, TLSGW_SVC_A_NAME);
	if (err)
		return err;
	*name = nla_data(tb[TLSGW_SVC_A_NAME]);
	return 0;
}

static int tlsgw_service_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	const char *name;
	int err;

	err = tlsgw_service_name(info, &name);
	if (err)
		return err;
	return tlsgw_service_del(tn, name, info->extack);
}

/* Caller holds tn->lock. */
static int tlsgw_put_service(struct sk_buff *skb, u32 portid, u32 seq,
			     int flags, struct tlsgw_net *tn,
			     struct tlsgw_service *svc)
{
	struct tlsgw_counters c = { .ctr = svc->ctr, .service = true };
	struct nlattr *nest;
	void *hdr;

	lockdep_assert_held(&tn->lock);
	c.active = __tlsgw_sessions_bytes(tn, svc, &c.live_in,
					  &c.live_out);

	hdr = tlsgw_genl_put(skb, portid, seq, flags, TLSGW_CMD_SERVICE_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TLSGW_A_SERVICE);
	if (!nest ||
	    nla_put_string(skb, TLSGW_SVC_A_NAME, svc->name) ||
	    nla_put_u32(skb, TLSGW_SVC_A_MAX_SESSIONS, svc->max_sessions) ||
	    nla_put_u32(skb, TLSGW_SVC_A_IDLE_TIMEOUT, svc->idle_timeout) ||
	    tlsgw_put_counters(skb, TLSGW_SVC_A_COUNTERS, &c)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int tlsgw_service_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_service *svc;
	struct sk_buff *msg;
	const char *name;
	int err;

	err = tlsgw_service_name(info, &name);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&tn->lock);
	svc = tlsgw_service_find(tn, name);
	err = svc ? tlsgw_put_service(msg, info->snd_portid, info->snd_seq, 0,
				      tn, svc) : -ENOENT;
	mutex_unlock(&tn->lock);
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_MOD(info->extack, "no such service");
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: how many services were dumped. */
static int tlsgw_service_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct tlsgw_net *tn = tlsgw_net(sock_net(skb->sk));
	struct tlsgw_service *svc;
	long i = 0;

	mutex_lock(&tn->lock);
	list_for_each_entry(svc, &tn->services, node) {
		if (i++ < cb->args[0])
			continue;
		if (tlsgw_put_service(skb, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI, tn, svc))
			break;
		cb->args[0] = i;
	}
	mutex_unlock(&tn->lock);
	return skb->len;
}

/* Offload ----------------------------------------------------------------- */

static void tlsgw_offload_dir(struct nlattr **tb, int key, int iv, int seq,
			      struct tlsgw_ktls_dir *d)
{
	d->key = nla_data(tb[key]);
	d->key_len = nla_len(tb[key]);
	d->iv = nla_data(tb[iv]);
	d->iv_len = nla_len(tb[iv]);
	d->seq = nla_get_u64(tb[seq]);
}

static const int tlsgw_offload_required[] = {
	TLSGW_SESS_A_SERVICE, TLSGW_SESS_A_CLIENT_FD, TLSGW_SESS_A_BACKEND_FD,
	TLSGW_SESS_A_TLS_VERSION, TLSGW_SESS_A_CIPHER,
	TLSGW_SESS_A_TX_KEY, TLSGW_SESS_A_TX_IV, TLSGW_SESS_A_TX_SEQ,
	TLSGW_SESS_A_RX_KEY, TLSGW_SESS_A_RX_IV, TLSGW_SESS_A_RX_SEQ,
};

static int tlsgw_offload_reply(struct genl_info *info, u64 id)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int err = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = tlsgw_genl_put(msg, info->snd_portid, info->snd_seq, 0,
			     TLSGW_CMD_SESSION_OFFLOAD);
	if (!hdr) {
		nlmsg_free(msg);
		return -ENOBUFS;
	}
	nest = nla_nest_start(msg, TLSGW_A_SESSION);
	if (nest && !nla_put_u64_64bit(msg, TLSGW_SESS_A_ID, id,
				       TLSGW_SESS_A_PAD)) {
		nla_nest_end(msg, nest);
		err = 0;
	}
	return tlsgw_reply(info, msg, hdr, err);
}

static int tlsgw_session_offload_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct nlattr *tb[TLSGW_SESS_A_MAX + 1];
	struct tlsgw_offload o = {};
	struct nlattr *nest;
	u64 id;
	int err, i;

	err = tlsgw_parse_nest(info, TLSGW_A_SESSION, TLSGW_SESS_A_MAX,
			       tlsgw_sess_policy, tb);
	if (err)
		goto out;
	for (i = 0; i < ARRAY_SIZE(tlsgw_offload_required); i++) {
		if (!tlsgw_require(info, info->attrs[TLSGW_A_SESSION], tb,
				   tlsgw_offload_required[i])) {
			err = -EINVAL;
			goto out;
		}
	}

	o.service = nla_data(tb[TLSGW_SESS_A_SERVICE]);
	o.client_fd = nla_get_s32(tb[TLSGW_SESS_A_CLIENT_FD]);
	o.backend_fd = nla_get_s32(tb[TLSGW_SESS_A_BACKEND_FD]);
	o.keys.version = nla_get_u16(tb[TLSGW_SESS_A_TLS_VERSION]);
	o.keys.cipher = nla_get_u16(tb[TLSGW_SESS_A_CIPHER]);
	tlsgw_offload_dir(tb, TLSGW_SESS_A_TX_KEY, TLSGW_SESS_A_TX_IV,
			  TLSGW_SESS_A_TX_SEQ, &o.keys.tx);
	tlsgw_offload_dir(tb, TLSGW_SESS_A_RX_KEY, TLSGW_SESS_A_RX_IV,
			  TLSGW_SESS_A_RX_SEQ, &o.keys.rx);
	if (tb[TLSGW_SESS_A_INITIAL_DATA]) {
		o.initial = nla_data(tb[TLSGW_SESS_A_INITIAL_DATA]);
		o.initial_len = nla_len(tb[TLSGW_SESS_A_INITIAL_DATA]);
	}

	err = tlsgw_session_offload(tn, &o, &id, info->extack);
	if (!err)
		err = tlsgw_offload_reply(info, id);
out:
	/*
	 * The request skb carries keys: clear them as soon as they are used,
	 * and when the nest did not parse, wherever in it they are.
	 */
	nest = info->attrs[TLSGW_A_SESSION];
	if (nest)
		memzero_explicit(nla_data(nest), nla_len(nest));
	return err;
}

static const struct genl_ops tlsgw_tls_genl_ops[] = {
	TLSGW_OP(TLSGW_CMD_SERVICE_NEW, tlsgw_service_new_doit, NULL,
		 tlsgw_service_policy),
	TLSGW_OP(TLSGW_CMD_SERVICE_DEL, tlsgw_service_del_doit, NULL,
		 tlsgw_service_policy),
	TLSGW_OP(TLSGW_CMD_SERVICE_GET, tlsgw_service_get_doit,
		 tlsgw_service_dumpit, tlsgw_service_policy),
	TLSGW_OP(TLSGW_CMD_SESSION_OFFLOAD, tlsgw_session_offload_doit, NULL,
		 tlsgw_offload_policy),
};

static void tlsgw_tls_gauges(struct tlsgw_net *tn, struct tlsgw_counters *c)
{
	c->active = tlsgw_sessions_bytes(tn, NULL, &c->live_in, &c->live_out);
}

const struct tlsgw_feature tlsgw_tls_feature = {
	.name = "tls",
	.net_init = tlsgw_tls_net_init,
	.net_exit = tlsgw_tls_net_exit,
	.gauges = tlsgw_tls_gauges,
	.ops = tlsgw_tls_genl_ops,
	.n_ops = ARRAY_SIZE(tlsgw_tls_genl_ops),
};
