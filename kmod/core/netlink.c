// SPDX-License-Identifier: GPL-2.0
/*
 * The tlsgw generic netlink family: the control plane used by tlsgwctl and
 * tlsgwd. uapi/linux/tlsgw.h documents the API. Requests are serialized by
 * the genetlink mutex (the family is not parallel_ops).
 */

#include <linux/ctype.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/tls.h>

#include <linux/tlsgw.h>

#include "core/feature.h"
#include "core/netlink.h"
#include "core/pernet.h"
#include "core/registry.h"
#include "core/version.h"
#include "tls/service.h"
#include "tls/session.h"

#define TLSGW_IDLE_TIMEOUT_MAX	(7 * 24 * 3600)

static const u64 tlsgw_feature_flags = TLSGW_F_INFO | TLSGW_F_COUNTER_RESET |
				  TLSGW_F_KTLS_OFFLOAD | TLSGW_F_EVENTS |
				  TLSGW_F_SOCKS5 | TLSGW_F_STARTTLS;

static struct genl_family tlsgw_genl_family;

/*
 * Events may be sent only while the family is registered: senders hold
 * the read side, unregistration flips tlsgw_genl_live under the write side.
 * STARTTLS events come from netfilter hooks (atomic context): they check
 * tlsgw_genl_live inside an RCU read section instead, and unregistration
 * waits for a grace period after flipping it.
 */
static DECLARE_RWSEM(tlsgw_genl_sem);
static bool tlsgw_genl_live;

/* Policies ---------------------------------------------------------------- */

static const struct nla_policy tlsgw_info_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_INFO_FLAGS] = NLA_POLICY_MASK(NLA_U32, __TLSGW_INFO_F_ALL),
	[TLSGW_A_VERSION] = { .type = NLA_REJECT,
			      .reject_message = "TLSGW_A_VERSION is reply-only" },
	[TLSGW_A_FEATURES] = { .type = NLA_REJECT,
			       .reject_message = "TLSGW_A_FEATURES is reply-only" },
	[TLSGW_A_COUNTERS] = { .type = NLA_REJECT,
			       .reject_message = "TLSGW_A_COUNTERS is reply-only" },
};

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

static const struct nla_policy tlsgw_sess_policy[TLSGW_SESS_A_MAX + 1] = {
	[TLSGW_SESS_A_ID] = { .type = NLA_U64 },
	[TLSGW_SESS_A_SERVICE] = { .type = NLA_NUL_STRING,
				   .len = TLSGW_NAME_MAX - 1 },
	[TLSGW_SESS_A_CLIENT_FD] = { .type = NLA_S32 },
	[TLSGW_SESS_A_BACKEND_FD] = { .type = NLA_S32 },
	[TLSGW_SESS_A_TLS_VERSION] = { .type = NLA_U16 },
	[TLSGW_SESS_A_CIPHER] = { .type = NLA_U16 },
	[TLSGW_SESS_A_TX_KEY] = { .type = NLA_BINARY, .len = 32 },
	[TLSGW_SESS_A_TX_IV] = { .type = NLA_BINARY, .len = 12 },
	[TLSGW_SESS_A_TX_SEQ] = { .type = NLA_U64 },
	[TLSGW_SESS_A_RX_KEY] = { .type = NLA_BINARY, .len = 32 },
	[TLSGW_SESS_A_RX_IV] = { .type = NLA_BINARY, .len = 12 },
	[TLSGW_SESS_A_RX_SEQ] = { .type = NLA_U64 },
	[TLSGW_SESS_A_INITIAL_DATA] = { .type = NLA_BINARY,
					.len = TLSGW_INITIAL_DATA_MAX },
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_CLIENT_PEER),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_CLIENT_LOCAL),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BACKEND_PEER),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BACKEND_LOCAL),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_AGE_MS),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_IDLE_MS),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BYTES_IN),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BYTES_OUT),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_RECORDS_IN),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_RECORDS_OUT),
	[TLSGW_SESS_A_KIND] = NLA_POLICY_RANGE(NLA_U32, TLSGW_SESSION_KIND_TLS,
					       TLSGW_SESSION_KIND_MAX),
};

static const struct nla_policy tlsgw_session_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_SESSION] = NLA_POLICY_NESTED(tlsgw_sess_policy),
};

/*
 * SESSION_OFFLOAD carries keys: its nest is validated in the doit, which
 * clears the keys from the request whether or not it parses. Validated
 * here, a bad nest would be refused with the keys left in the skb.
 */
static const struct nla_policy tlsgw_offload_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_SESSION] = { .type = NLA_NESTED },
};

/* Helpers ----------------------------------------------------------------- */

/**
 * tlsgw_request_net() - a request's namespace state; counts the request
 * @info: the request
 *
 * Context: a netlink request.
 * Return: the struct tlsgw_net of the request's namespace.
 */
struct tlsgw_net *tlsgw_request_net(struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_net(genl_info_net(info));

	tlsgw_count(tn->ctr, TLSGW_CTR_REQUESTS, 1);
	return tn;
}

/**
 * tlsgw_parse_nest() - parses the nest named by @attr into @tb
 * @info: the request
 * @attr: the nest's attribute type; it must be present
 * @maxtype: the nest's highest attribute type
 * @policy: the nest's policy
 * @tb: the parsed attributes, by type
 *
 * Context: a netlink request.
 * Return: 0 or a negative errno (with a message in the request's extack).
 */
int tlsgw_parse_nest(struct genl_info *info, int attr, int maxtype,
		     const struct nla_policy *policy, struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return -EINVAL;
	return nla_parse_nested(tb, maxtype, info->attrs[attr], policy,
				info->extack);
}

/**
 * tlsgw_require() - requires an attribute of a parsed nest
 * @info: the request, whose extack names a missing attribute
 * @nest: the nest
 * @tb: its parsed attributes
 * @type: the required attribute type
 *
 * Context: a netlink request.
 * Return: true if @tb holds @type.
 */
bool tlsgw_require(struct genl_info *info, struct nlattr *nest,
		   struct nlattr **tb, int type)
{
	if (tb[type])
		return true;
	NL_SET_ERR_ATTR_MISS(info->extack, nest, type);
	NL_SET_ERR_MSG_MOD(info->extack, "required attribute missing");
	return false;
}

/**
 * tlsgw_parse_nest_req() - tlsgw_parse_nest(), then tlsgw_require() of @req
 * @info: the request
 * @attr: the nest's attribute type; it must be present
 * @maxtype: the nest's highest attribute type
 * @policy: the nest's policy
 * @tb: the parsed attributes, by type
 * @req: the attribute type the nest must hold
 *
 * Context: a netlink request.
 * Return: 0 or a negative errno (with a message in the request's extack).
 */
int tlsgw_parse_nest_req(struct genl_info *info, int attr, int maxtype,
			 const struct nla_policy *policy, struct nlattr **tb,
			 int req)
{
	int err = tlsgw_parse_nest(info, attr, maxtype, policy, tb);

	if (err)
		return err;
	return tlsgw_require(info, info->attrs[attr], tb, req) ? 0 : -EINVAL;
}

/**
 * tlsgw_name_valid() - whether a name is a valid object name
 * @name: the name
 *
 * Context: any.
 * Return: true if @name is not empty and only has letters, digits, "_",
 * "." and "-".
 */
bool tlsgw_name_valid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isalnum(*name) && !strchr("_.-", *name))
			return false;
	return true;
}

static int tlsgw_put_counter(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, TLSGW_CTR_UNSPEC);
}

static bool tlsgw_counter_skip(const struct tlsgw_counters *c, int i)
{
	bool stls = (i >= TLSGW_CTR_STARTTLS_FLOWS_ACTIVE &&
		     i <= TLSGW_CTR_STARTTLS_BLOCKED) ||
		    (i >= TLSGW_CTR_STARTTLS_FLOWS_LOST &&
		     i <= TLSGW_CTR_STARTTLS_UNTRACKED);

	if (i == TLSGW_CTR_NAMESPACES)
		return !c->namespaces;
	if (c->starttls)
		return !stls;
	return c->service && (stls || i == TLSGW_CTR_REQUESTS ||
			      i == TLSGW_CTR_OFFLOAD_FAILED);
}

/*
 * With reset, each stored counter is read and zeroed at once, so the
 * report is exactly what was cleared. Byte counters include live sessions.
 */
static u64 tlsgw_counter_value(const struct tlsgw_counters *c, int i)
{
	u64 v;

	if (i == TLSGW_CTR_NAMESPACES)
		return tlsgw_net_count();
	if (i == TLSGW_CTR_SESSIONS_ACTIVE)
		return c->active;
	if (i == TLSGW_CTR_STARTTLS_FLOWS_ACTIVE)
		return c->stls_active;
	v = c->reset ? atomic64_xchg(&c->ctr[i], 0) : atomic64_read(&c->ctr[i]);
	if (i == TLSGW_CTR_BYTES_IN)
		v += c->live_in;
	if (i == TLSGW_CTR_BYTES_OUT)
		v += c->live_out;
	return v;
}

/**
 * tlsgw_put_counters() - puts a counters nest
 * @skb: the message
 * @attr: the nest's attribute type
 * @c: the counters and what to report beyond them
 *
 * With @c->reset, each stored counter is read and zeroed at once.
 *
 * Context: any.
 * Return: 0 or -EMSGSIZE.
 */
int tlsgw_put_counters(struct sk_buff *skb, int attr,
		       const struct tlsgw_counters *c)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = TLSGW_CTR_REQUESTS; i <= TLSGW_CTR_MAX; i++) {
		if (tlsgw_counter_skip(c, i))
			continue;
		if (tlsgw_put_counter(skb, i, tlsgw_counter_value(c, i))) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tlsgw_reply(struct genl_info *info, struct sk_buff *msg, void *hdr,
		       int err)
{
	if (err) {
		nlmsg_free(msg);
		return err == -EMSGSIZE ? -ENOBUFS : err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* GET_INFO ---------------------------------------------------------------- */

static int tlsgw_get_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_counters c = { .ctr = tn->ctr };
	struct net *net = genl_info_net(info);
	struct sk_buff *msg;
	u32 flags = 0;
	void *hdr;
	int err, i;

	if (info->attrs[TLSGW_A_INFO_FLAGS])
		flags = nla_get_u32(info->attrs[TLSGW_A_INFO_FLAGS]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tlsgw_genl_family, 0,
				TLSGW_CMD_GET_INFO);
	if (!hdr) {
		nlmsg_free(msg);
		return -ENOBUFS;
	}
	/* The namespace gauge describes the whole host: init_net only. */
	c.namespaces = net_eq(net, &init_net);
	c.reset = flags & TLSGW_INFO_F_RESET_COUNTERS;
	for (i = 0; i < TLSGW_FEATURES; i++)
		if (tlsgw_features[i]->gauges)
			tlsgw_features[i]->gauges(tn, &c);
	err = -EMSGSIZE;
	if (!nla_put_string(msg, TLSGW_A_VERSION, TLSGW_VERSION) &&
	    !nla_put_u64_64bit(msg, TLSGW_A_FEATURES, tlsgw_feature_flags,
			       TLSGW_A_UNSPEC))
		err = tlsgw_put_counters(msg, TLSGW_A_COUNTERS, &c);
	return tlsgw_reply(info, msg, hdr, err);
}

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

	hdr = genlmsg_put(skb, portid, seq, &tlsgw_genl_family, flags,
			  TLSGW_CMD_SERVICE_GET);
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

/* Sessions ---------------------------------------------------------------- */

static int tlsgw_put_addr(struct sk_buff *skb, int type,
			  const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return nla_put(skb, type, sizeof(struct sockaddr_in), ss);
	if (ss->ss_family == AF_INET6)
		return nla_put(skb, type, sizeof(struct sockaddr_in6), ss);
	return 0;
}

/**
 * tlsgw_ms_since() - milliseconds since a time in jiffies
 * @then: the time, jiffies
 *
 * Context: any.
 * Return: the milliseconds since @then.
 */
u64 tlsgw_ms_since(unsigned long then)
{
	return jiffies_to_msecs(jiffies - then);
}

/*
 * Addresses are left out of events: their subscribers need CAP_NET_ADMIN
 * as every command does, but an event may outlive the session it tells of.
 * The caller holds a reference on the session.
 */
static int tlsgw_put_session(struct sk_buff *skb, struct tlsgw_session *s,
			     bool addresses)
{
	struct sockaddr_storage addr[TLSGW_ADDR_NUM];
	const struct tlsgw_relay *r;
	struct nlattr *nest;
	int i;

	r = tlsgw_session_snapshot(s, addr);
	nest = nla_nest_start(skb, TLSGW_A_SESSION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TLSGW_SESS_A_ID, s->id, TLSGW_SESS_A_PAD) ||
	    nla_put_u32(skb, TLSGW_SESS_A_KIND, s->kind) ||
	    nla_put_string(skb, TLSGW_SESS_A_SERVICE, s->service))
		goto cancel;
	for (i = 0; addresses && i < TLSGW_ADDR_NUM; i++)
		if (tlsgw_put_addr(skb, TLSGW_SESS_A_CLIENT_PEER + i, &addr[i]))
			goto cancel;
	if (nla_put_u64_64bit(skb, TLSGW_SESS_A_AGE_MS,
			      tlsgw_ms_since(s->created), TLSGW_SESS_A_PAD))
		goto cancel;
	if (r && (nla_put_u64_64bit(skb, TLSGW_SESS_A_IDLE_MS,
				    tlsgw_ms_since(READ_ONCE(r->last_active)),
				    TLSGW_SESS_A_PAD) ||
		  nla_put_u64_64bit(skb, TLSGW_SESS_A_BYTES_IN,
				    READ_ONCE(r->dir[0].bytes),
				    TLSGW_SESS_A_PAD) ||
		  nla_put_u64_64bit(skb, TLSGW_SESS_A_BYTES_OUT,
				    READ_ONCE(r->dir[1].bytes),
				    TLSGW_SESS_A_PAD)))
		goto cancel;
	if (s->ops->fill && s->ops->fill(skb, s))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int tlsgw_put_session_msg(struct sk_buff *skb, u32 portid, u32 seq,
				 int flags, u8 cmd, struct tlsgw_session *s)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &tlsgw_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (tlsgw_put_session(skb, s, true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

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
	hdr = genlmsg_put_reply(msg, info, &tlsgw_genl_family, 0,
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

static int tlsgw_session_id(struct genl_info *info, u64 *id)
{
	struct nlattr *tb[TLSGW_SESS_A_MAX + 1];
	int err;

	err = tlsgw_parse_nest_req(info, TLSGW_A_SESSION, TLSGW_SESS_A_MAX,
				   tlsgw_sess_policy, tb, TLSGW_SESS_A_ID);
	if (err)
		return err;
	*id = nla_get_u64(tb[TLSGW_SESS_A_ID]);
	return 0;
}

static struct tlsgw_session *tlsgw_session_lookup(struct genl_info *info,
						  struct tlsgw_net *tn)
{
	struct tlsgw_session *s;
	u64 id;
	int err;

	err = tlsgw_session_id(info, &id);
	if (err)
		return ERR_PTR(err);
	s = tlsgw_session_get_by_id(&tn->sessions, id);
	if (!s) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such session");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

static int tlsgw_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_session *s;
	struct sk_buff *msg;
	int err;

	s = tlsgw_session_lookup(info, tn);
	if (IS_ERR(s))
		return PTR_ERR(s);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = msg ? tlsgw_put_session_msg(msg, info->snd_portid,
					  info->snd_seq, 0,
					  TLSGW_CMD_SESSION_GET, s) : -ENOMEM;
	tlsgw_session_put(s);
	if (err) {
		nlmsg_free(msg);
		return err == -EMSGSIZE ? -ENOBUFS : err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The dump's filter: TLSGW_A_SESSION with KIND and SERVICE, both optional
 * (the policy checked them already); anything else in it is refused.
 */
static int tlsgw_session_filter(struct netlink_callback *cb, u32 *kind,
				const char **service)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *nest = info->attrs[TLSGW_A_SESSION];
	struct nlattr *tb[TLSGW_SESS_A_MAX + 1];
	int err, i;

	*kind = 0;
	*service = NULL;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, TLSGW_SESS_A_MAX, nest, tlsgw_sess_policy,
			       cb->extack);
	if (err)
		return err;
	for (i = 1; i <= TLSGW_SESS_A_MAX; i++) {
		if (!tb[i] || i == TLSGW_SESS_A_KIND ||
		    i == TLSGW_SESS_A_SERVICE)
			continue;
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[i],
				    "only KIND and SERVICE filter a session dump");
		return -EINVAL;
	}
	if (tb[TLSGW_SESS_A_KIND])
		*kind = nla_get_u32(tb[TLSGW_SESS_A_KIND]);
	if (tb[TLSGW_SESS_A_SERVICE])
		*service = nla_data(tb[TLSGW_SESS_A_SERVICE]);
	return 0;
}

/* cb->args[0]: the last session id dumped; the registry is in id order. */
static int tlsgw_session_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct tlsgw_net *tn = tlsgw_net(sock_net(skb->sk));
	struct tlsgw_session *s;
	const char *service;
	u32 kind;
	int err;

	err = tlsgw_session_filter(cb, &kind, &service);
	if (err)
		return err;
	while ((s = tlsgw_session_get_next(&tn->sessions, cb->args[0], kind,
					   service))) {
		err = tlsgw_put_session_msg(skb, NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    TLSGW_CMD_SESSION_GET, s);
		if (!err)
			cb->args[0] = s->id;
		tlsgw_session_put(s);
		if (err)
			break;
	}
	return skb->len;
}

static int tlsgw_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_session *s;

	s = tlsgw_session_lookup(info, tn);
	if (IS_ERR(s))
		return PTR_ERR(s);
	tlsgw_session_close(s, TLSGW_CLOSE_KILLED);
	tlsgw_session_put(s);
	return 0;
}

/* Events ------------------------------------------------------------------ */

/**
 * tlsgw_genl_read_lock() - keeps the family registered
 *
 * Context: process context; sleeps. Held from tlsgw_event_wanted() or
 * tlsgw_genl_is_live() to the send; senders in atomic context hold
 * rcu_read_lock() instead.
 */
void tlsgw_genl_read_lock(void)
{
	down_read(&tlsgw_genl_sem);
}

/**
 * tlsgw_genl_read_unlock() - undoes tlsgw_genl_read_lock()
 *
 * Context: process context.
 */
void tlsgw_genl_read_unlock(void)
{
	up_read(&tlsgw_genl_sem);
}

/**
 * tlsgw_genl_is_live() - whether messages may be sent
 *
 * Context: under tlsgw_genl_read_lock() or rcu_read_lock().
 * Return: false once the family is being unregistered.
 */
bool tlsgw_genl_is_live(void)
{
	return READ_ONCE(tlsgw_genl_live);
}

/**
 * tlsgw_event_start() - an event message up to its TLSGW_A_EVENT nest
 * @type: the event's TLSGW_EV_A_TYPE
 * @gfp: allocation flags
 * @hdr: the message's user header, for tlsgw_event_send()
 * @nest: the open TLSGW_A_EVENT nest
 *
 * The caller adds its own attributes, closes @nest and calls
 * tlsgw_event_send().
 *
 * Context: as @gfp allows.
 * Return: the message, or NULL (the event is dropped) on no memory.
 */
struct sk_buff *tlsgw_event_start(u32 type, gfp_t gfp, void **hdr,
				  struct nlattr **nest)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &tlsgw_genl_family, 0, TLSGW_CMD_EVENT);
	*nest = *hdr ? nla_nest_start(msg, TLSGW_A_EVENT) : NULL;
	if (!*nest || nla_put_u32(msg, TLSGW_EV_A_TYPE, type)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * tlsgw_event_send() - multicasts an event to its namespace's listeners
 * @net: the namespace
 * @msg: from tlsgw_event_start()
 * @hdr: from tlsgw_event_start()
 * @gfp: allocation flags
 *
 * Context: as @gfp allows; consumes @msg.
 */
void tlsgw_event_send(struct net *net, struct sk_buff *msg, void *hdr,
		      gfp_t gfp)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&tlsgw_genl_family, net, msg, 0, 0, gfp);
}

/**
 * tlsgw_event_wanted() - whether an event would reach anyone
 * @net: the namespace
 *
 * Context: under tlsgw_genl_read_lock() or rcu_read_lock().
 * Return: true if the family is live and @net has event listeners.
 */
bool tlsgw_event_wanted(struct net *net)
{
	return READ_ONCE(tlsgw_genl_live) &&
	       genl_has_listeners(&tlsgw_genl_family, net, 0);
}

/**
 * tlsgw_genl_session_event() - multicasts a session event
 * @s: the session
 * @type: TLSGW_EVENT_SESSION_*
 * @reason: enum tlsgw_close_reason, 0: none
 *
 * Sends nothing without listeners or once the family is being
 * unregistered.
 *
 * Context: process context; takes tlsgw_genl_sem for reading.
 */
void tlsgw_genl_session_event(struct tlsgw_session *s, enum tlsgw_event type,
			      enum tlsgw_close_reason reason)
{
	struct net *net = s->reg->net;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	down_read(&tlsgw_genl_sem);
	if (!tlsgw_event_wanted(net))
		goto out;
	msg = tlsgw_event_start(type, GFP_KERNEL, &hdr, &nest);
	if (!msg)
		goto out;
	if (reason && nla_put_u32(msg, TLSGW_EV_A_REASON, reason))
		goto free;
	nla_nest_end(msg, nest);
	if (tlsgw_put_session(msg, s, false))
		goto free;
	tlsgw_event_send(net, msg, hdr, GFP_KERNEL);
	goto out;
free:
	nlmsg_free(msg);
out:
	up_read(&tlsgw_genl_sem);
}

/**
 * tlsgw_genl_put() - genlmsg_put() for a message of the tlsgw family
 * @skb: the message
 * @portid: the destination port id
 * @seq: the sequence number
 * @flags: netlink message flags
 * @cmd: the command
 *
 * Context: any.
 * Return: the user header, or NULL if @skb has no room.
 */
void *tlsgw_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		     u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &tlsgw_genl_family, flags, cmd);
}

/* Family ------------------------------------------------------------------ */

static const struct genl_ops tlsgw_genl_ops[] = {
	TLSGW_OP(TLSGW_CMD_GET_INFO, tlsgw_get_info_doit, NULL,
		 tlsgw_info_policy),
	TLSGW_OP(TLSGW_CMD_SERVICE_NEW, tlsgw_service_new_doit, NULL,
		 tlsgw_service_policy),
	TLSGW_OP(TLSGW_CMD_SERVICE_DEL, tlsgw_service_del_doit, NULL,
		 tlsgw_service_policy),
	TLSGW_OP(TLSGW_CMD_SERVICE_GET, tlsgw_service_get_doit,
		 tlsgw_service_dumpit, tlsgw_service_policy),
	TLSGW_OP(TLSGW_CMD_SESSION_OFFLOAD, tlsgw_session_offload_doit, NULL,
		 tlsgw_offload_policy),
	TLSGW_OP(TLSGW_CMD_SESSION_GET, tlsgw_session_get_doit,
		 tlsgw_session_dumpit, tlsgw_session_policy),
	TLSGW_OP(TLSGW_CMD_SESSION_DEL, tlsgw_session_del_doit, NULL,
		 tlsgw_session_policy),
};

/* Events are for CAP_NET_ADMIN in the namespace's user namespace, too. */
static const struct genl_multicast_group tlsgw_genl_mcgrps[] = {
	{ .name = TLSGW_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family tlsgw_genl_family __ro_after_init = {
	.name = TLSGW_GENL_NAME,
	.version = TLSGW_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.mcgrps = tlsgw_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tlsgw_genl_mcgrps),
};

/* The core's commands and every feature's, in one array (tlsgw_genl_init()). */
static struct genl_ops *tlsgw_all_ops;

/**
 * tlsgw_genl_init() - registers the generic netlink family
 *
 * Context: module init, after every feature's start.
 * Return: 0, -ENOMEM, or the error of genl_register_family().
 */
int __init tlsgw_genl_init(void)
{
	unsigned int n = ARRAY_SIZE(tlsgw_genl_ops), i;
	const struct tlsgw_feature *f;
	int err;

	for (i = 0; i < TLSGW_FEATURES; i++)
		n += tlsgw_features[i]->n_ops;
	tlsgw_all_ops = kcalloc(n, sizeof(*tlsgw_all_ops), GFP_KERNEL);
	if (!tlsgw_all_ops)
		return -ENOMEM;
	memcpy(tlsgw_all_ops, tlsgw_genl_ops, sizeof(tlsgw_genl_ops));
	n = ARRAY_SIZE(tlsgw_genl_ops);
	for (i = 0; i < TLSGW_FEATURES; i++) {
		f = tlsgw_features[i];
		memcpy(&tlsgw_all_ops[n], f->ops, f->n_ops * sizeof(*f->ops));
		n += f->n_ops;
	}
	tlsgw_genl_family.ops = tlsgw_all_ops;
	tlsgw_genl_family.n_ops = n;

	err = genl_register_family(&tlsgw_genl_family);
	if (err)
		kfree(tlsgw_all_ops);
	tlsgw_genl_live = !err;
	return err;
}

/**
 * tlsgw_genl_exit() - unregisters the generic netlink family
 *
 * Context: module exit, process context. Sessions ended by the unload
 * that follows send no events: events stop first (under tlsgw_genl_sem,
 * and an RCU grace period for STARTTLS events in flight).
 */
void tlsgw_genl_exit(void)
{
	down_write(&tlsgw_genl_sem);
	WRITE_ONCE(tlsgw_genl_live, false);
	up_write(&tlsgw_genl_sem);
	/* STARTTLS events in flight (see tlsgw_genl_live). */
	synchronize_rcu();
	genl_unregister_family(&tlsgw_genl_family);
	kfree(tlsgw_all_ops);
}
