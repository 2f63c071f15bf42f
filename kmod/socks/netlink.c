// SPDX-License-Identifier: GPL-2.0
/*
 * The SOCKS5 commands of the tlsgw family: services, users, rules and the
 * name resolution upcall. uapi/linux/tlsgw.h documents them.
 */

#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "core/feature.h"
#include "core/netlink.h"
#include "socks/socks.h"

#define TLSGW_SOCKS_TIMEOUT_MAX	(7 * 24 * 3600)

static struct netlink_range_validation tlsgw_socks_neg_range = {
	.min = 1, .max = 3600,
};

static struct netlink_range_validation tlsgw_socks_idle_range = {
	.max = TLSGW_SOCKS_TIMEOUT_MAX,
};

static struct netlink_range_validation tlsgw_socks_max_range = {
	.min = 1, .max = 1000000,
};

static const struct nla_policy tlsgw_socks_user_policy[TLSGW_SOCKS_USER_A_MAX + 1] = {
	[TLSGW_SOCKS_USER_A_NAME] = { .type = NLA_NUL_STRING,
				      .len = TLSGW_SOCKS_NAME_MAX },
	[TLSGW_SOCKS_USER_A_PASSWORD] = NLA_POLICY_RANGE(NLA_BINARY, 1,
							 TLSGW_SOCKS_NAME_MAX),
	TLSGW_REPLY_ONLY(TLSGW_SOCKS_USER_A_COUNTERS),
};

static const struct nla_policy tlsgw_socks_rule_policy[TLSGW_SOCKS_RULE_A_MAX + 1] = {
	[TLSGW_SOCKS_RULE_A_INDEX] = { .type = NLA_U32 },
	[TLSGW_SOCKS_RULE_A_ACTION] = NLA_POLICY_RANGE(NLA_U32,
						       TLSGW_SOCKS_ALLOW,
						       TLSGW_SOCKS_DENY),
	[TLSGW_SOCKS_RULE_A_SRC] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[TLSGW_SOCKS_RULE_A_SRC_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[TLSGW_SOCKS_RULE_A_DST] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[TLSGW_SOCKS_RULE_A_DST_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[TLSGW_SOCKS_RULE_A_PORT_MIN] = { .type = NLA_U16 },
	[TLSGW_SOCKS_RULE_A_PORT_MAX] = { .type = NLA_U16 },
	[TLSGW_SOCKS_RULE_A_COMMANDS] = NLA_POLICY_MASK(NLA_U32,
							TLSGW_SOCKS_CMDS_ALL),
	[TLSGW_SOCKS_RULE_A_USER] = { .type = NLA_NUL_STRING,
				      .len = TLSGW_SOCKS_NAME_MAX },
	TLSGW_REPLY_ONLY(TLSGW_SOCKS_RULE_A_HITS),
};

static const struct nla_policy tlsgw_socks_nest_policy[TLSGW_SOCKS_A_MAX + 1] = {
	[TLSGW_SOCKS_A_NAME] = { .type = NLA_NUL_STRING,
				 .len = TLSGW_NAME_MAX - 1 },
	[TLSGW_SOCKS_A_LISTEN] = NLA_POLICY_RANGE(NLA_BINARY,
						  sizeof(struct sockaddr_in),
						  sizeof(struct sockaddr_in6)),
	[TLSGW_SOCKS_A_AUTH] = NLA_POLICY_MAX(NLA_U32,
					      TLSGW_SOCKS_AUTH_USERPASS),
	[TLSGW_SOCKS_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __TLSGW_SOCKS_F_ALL),
	[TLSGW_SOCKS_A_MAX_SESSIONS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &tlsgw_socks_max_range),
	[TLSGW_SOCKS_A_NEG_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &tlsgw_socks_neg_range),
	[TLSGW_SOCKS_A_IDLE_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &tlsgw_socks_idle_range),
	TLSGW_REPLY_ONLY(TLSGW_SOCKS_A_COUNTERS),
	[TLSGW_SOCKS_A_USER] = NLA_POLICY_NESTED(tlsgw_socks_user_policy),
	TLSGW_REPLY_ONLY(TLSGW_SOCKS_A_USERS),
	[TLSGW_SOCKS_A_RULE] = NLA_POLICY_NESTED(tlsgw_socks_rule_policy),
	TLSGW_REPLY_ONLY(TLSGW_SOCKS_A_RULES),
};

static const struct nla_policy tlsgw_socks_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_SOCKS] = NLA_POLICY_NESTED(tlsgw_socks_nest_policy),
};

static const struct nla_policy tlsgw_resolve_nest_policy[TLSGW_RESOLVE_A_MAX + 1] = {
	[TLSGW_RESOLVE_A_ID] = { .type = NLA_U64 },
	TLSGW_REPLY_ONLY(TLSGW_RESOLVE_A_NAME),
	[TLSGW_RESOLVE_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[TLSGW_RESOLVE_A_ERROR] = NLA_POLICY_MAX(NLA_U32,
						 TLSGW_RESOLVE_TEMPFAIL),
	[TLSGW_RESOLVE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						  __TLSGW_RESOLVE_F_ALL),
};

static const struct nla_policy tlsgw_resolve_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_RESOLVE] = NLA_POLICY_NESTED(tlsgw_resolve_nest_policy),
};

#define SOCKS_PARSE(info, tb) \
	tlsgw_parse_nest_req(info, TLSGW_A_SOCKS, TLSGW_SOCKS_A_MAX, \
			     tlsgw_socks_nest_policy, tb, TLSGW_SOCKS_A_NAME)

/* Services ---------------------------------------------------------------- */

static int tlsgw_socks_listen_attr(struct genl_info *info, struct nlattr *attr,
				   struct sockaddr_storage *ss)
{
	int len = nla_len(attr);

	memset(ss, 0, sizeof(*ss));
	memcpy(ss, nla_data(attr), len);
	if ((ss->ss_family == AF_INET && len == sizeof(struct sockaddr_in)) ||
	    (ss->ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, attr,
			    "listen address is not a sockaddr_in or sockaddr_in6");
	return -EINVAL;
}

/**
 * tlsgw_socks_new_doit() - SOCKS_NEW: creates a SOCKS5 service
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct nlattr *tb[TLSGW_SOCKS_A_MAX + 1];
	struct tlsgw_socks_conf c = {
		.max_sessions = 1000, .neg_timeout = 10, .idle_timeout = 300,
	};
	int err;

	err = SOCKS_PARSE(info, tb);
	if (err)
		return err;
	if (!tlsgw_require(info, info->attrs[TLSGW_A_SOCKS], tb,
			   TLSGW_SOCKS_A_LISTEN))
		return -EINVAL;
	c.name = nla_data(tb[TLSGW_SOCKS_A_NAME]);
	if (!tlsgw_name_valid(c.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TLSGW_SOCKS_A_NAME],
				    "service names are made of A-Z a-z 0-9 _ . -");
		return -EINVAL;
	}
	err = tlsgw_socks_listen_attr(info, tb[TLSGW_SOCKS_A_LISTEN],
				      &c.listen);
	if (err)
		return err;
	if (tb[TLSGW_SOCKS_A_AUTH])
		c.auth = nla_get_u32(tb[TLSGW_SOCKS_A_AUTH]);
	if (tb[TLSGW_SOCKS_A_FLAGS])
		c.flags = nla_get_u32(tb[TLSGW_SOCKS_A_FLAGS]);
	if (tb[TLSGW_SOCKS_A_MAX_SESSIONS])
		c.max_sessions = nla_get_u32(tb[TLSGW_SOCKS_A_MAX_SESSIONS]);
	if (tb[TLSGW_SOCKS_A_NEG_TIMEOUT])
		c.neg_timeout = nla_get_u32(tb[TLSGW_SOCKS_A_NEG_TIMEOUT]);
	if (tb[TLSGW_SOCKS_A_IDLE_TIMEOUT])
		c.idle_timeout = nla_get_u32(tb[TLSGW_SOCKS_A_IDLE_TIMEOUT]);
	return tlsgw_socks_new(tn, &c, info->extack);
}

/**
 * tlsgw_socks_del_doit() - SOCKS_DEL: deletes a SOCKS5 service
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct nlattr *tb[TLSGW_SOCKS_A_MAX + 1];
	int err;

	err = SOCKS_PARSE(info, tb);
	if (err)
		return err;
	return tlsgw_socks_del(tn, nla_data(tb[TLSGW_SOCKS_A_NAME]),
			       info->extack);
}

static struct tlsgw_socks_svc *tlsgw_socks_lookup(struct genl_info *info,
						  struct nlattr **tb)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_socks_svc *svc;

	svc = tlsgw_socks_get(tn, nla_data(tb[TLSGW_SOCKS_A_NAME]));
	if (!svc)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TLSGW_SOCKS_A_NAME],
				    "no such SOCKS5 service");
	return svc;
}

static int tlsgw_socks_put_ctrs(struct sk_buff *skb, int attr,
				atomic64_t *ctr, const u64 *extra)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = TLSGW_SOCKS_CTR_ACTIVE; i <= TLSGW_SOCKS_CTR_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, atomic64_read(&ctr[i]) + extra[i],
				      TLSGW_SOCKS_CTR_UNSPEC)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Live connections and their relayed bytes; caller holds svc->lock. */
static void tlsgw_socks_live(struct tlsgw_socks_svc *svc, u64 *extra)
{
	u64 in, out;

	lockdep_assert_held(&svc->lock);
	extra[TLSGW_SOCKS_CTR_ACTIVE] = svc->n_conns;
	tlsgw_registry_bytes(&svc->tn->sessions, TLSGW_SESSION_KIND_SOCKS5, svc,
			     &in, &out);
	extra[TLSGW_SOCKS_CTR_BYTES_IN] += in;
	extra[TLSGW_SOCKS_CTR_BYTES_OUT] += out;
}

static int tlsgw_socks_put_users(struct sk_buff *skb,
				 struct tlsgw_socks_svc *svc)
{
	static const u64 none[__TLSGW_SOCKS_CTR_MAX];
	struct tlsgw_socks_user *user;
	struct nlattr *list, *nest;

	list = nla_nest_start(skb, TLSGW_SOCKS_A_USERS);
	if (!list)
		return -EMSGSIZE;
	list_for_each_entry(user, &svc->users, node) {
		nest = nla_nest_start(skb, TLSGW_SOCKS_A_USER);
		if (!nest ||
		    nla_put_string(skb, TLSGW_SOCKS_USER_A_NAME, user->name) ||
		    tlsgw_socks_put_ctrs(skb, TLSGW_SOCKS_USER_A_COUNTERS,
					 user->ctr, none))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	nla_nest_end(skb, list);
	return 0;
}

static int tlsgw_put_prefix(struct sk_buff *skb, int addr, int plen,
			    const struct tlsgw_socks_prefix *p)
{
	if (!p->family)
		return 0;
	if (nla_put(skb, addr, p->family == AF_INET ? 4 : 16, p->addr) ||
	    nla_put_u8(skb, plen, p->plen))
		return -EMSGSIZE;
	return 0;
}

static int tlsgw_socks_put_rule(struct sk_buff *skb, u32 index,
				const struct tlsgw_socks_rule *r)
{
	struct nlattr *nest = nla_nest_start(skb, TLSGW_SOCKS_A_RULE);

	if (!nest ||
	    nla_put_u32(skb, TLSGW_SOCKS_RULE_A_INDEX, index) ||
	    nla_put_u32(skb, TLSGW_SOCKS_RULE_A_ACTION, r->action) ||
	    tlsgw_put_prefix(skb, TLSGW_SOCKS_RULE_A_SRC,
			     TLSGW_SOCKS_RULE_A_SRC_PLEN, &r->src) ||
	    tlsgw_put_prefix(skb, TLSGW_SOCKS_RULE_A_DST,
			     TLSGW_SOCKS_RULE_A_DST_PLEN, &r->dst) ||
	    nla_put_u16(skb, TLSGW_SOCKS_RULE_A_PORT_MIN, r->port_min) ||
	    nla_put_u16(skb, TLSGW_SOCKS_RULE_A_PORT_MAX, r->port_max) ||
	    nla_put_u32(skb, TLSGW_SOCKS_RULE_A_COMMANDS, r->commands) ||
	    (r->has_user &&
	     nla_put_string(skb, TLSGW_SOCKS_RULE_A_USER, r->user)) ||
	    nla_put_u64_64bit(skb, TLSGW_SOCKS_RULE_A_HITS,
			      atomic64_read(&r->hits), TLSGW_SOCKS_RULE_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tlsgw_socks_put_rules(struct sk_buff *skb,
				 struct tlsgw_socks_svc *svc)
{
	struct tlsgw_socks_rule *r;
	struct nlattr *list;
	u32 i = 0;

	list = nla_nest_start(skb, TLSGW_SOCKS_A_RULES);
	if (!list)
		return -EMSGSIZE;
	list_for_each_entry(r, &svc->rules, node)
		if (tlsgw_socks_put_rule(skb, i++, r))
			return -EMSGSIZE;
	nla_nest_end(skb, list);
	return 0;
}

static int tlsgw_socks_fill(struct sk_buff *skb, u32 portid, u32 seq,
			    int flags, struct tlsgw_socks_svc *svc, bool full)
{
	u64 extra[__TLSGW_SOCKS_CTR_MAX] = {};
	struct nlattr *nest;
	int len = svc->listen.ss_family == AF_INET ?
		  sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	void *hdr;

	hdr = tlsgw_genl_put(skb, portid, seq, flags, TLSGW_CMD_SOCKS_GET);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&svc->lock);
	tlsgw_socks_live(svc, extra);
	nest = nla_nest_start(skb, TLSGW_A_SOCKS);
	if (!nest ||
	    nla_put_string(skb, TLSGW_SOCKS_A_NAME, svc->name) ||
	    nla_put(skb, TLSGW_SOCKS_A_LISTEN, len, &svc->listen) ||
	    nla_put_u32(skb, TLSGW_SOCKS_A_AUTH, svc->auth) ||
	    nla_put_u32(skb, TLSGW_SOCKS_A_FLAGS, svc->flags) ||
	    nla_put_u32(skb, TLSGW_SOCKS_A_MAX_SESSIONS, svc->max_sessions) ||
	    nla_put_u32(skb, TLSGW_SOCKS_A_NEG_TIMEOUT, svc->neg_timeout) ||
	    nla_put_u32(skb, TLSGW_SOCKS_A_IDLE_TIMEOUT, svc->idle_timeout) ||
	    tlsgw_socks_put_ctrs(skb, TLSGW_SOCKS_A_COUNTERS, svc->ctr,
				 extra) ||
	    (full && (tlsgw_socks_put_users(skb, svc) ||
		      tlsgw_socks_put_rules(skb, svc)))) {
		mutex_unlock(&svc->lock);
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	mutex_unlock(&svc->lock);
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/* Room for a full answer: every user and rule at their largest. */
#define TLSGW_SOCKS_GET_SIZE \
	(NLMSG_GOODSIZE + TLSGW_SOCKS_USERS_MAX * 600 + \
	 TLSGW_SOCKS_RULES_MAX * 400)

/**
 * tlsgw_socks_get_doit() - SOCKS_GET of one service, its users and rules
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TLSGW_SOCKS_A_MAX + 1];
	struct tlsgw_socks_svc *svc;
	struct sk_buff *msg;
	int err;

	err = SOCKS_PARSE(info, tb);
	if (err)
		return err;
	svc = tlsgw_socks_lookup(info, tb);
	if (!svc)
		return -ENOENT;
	msg = genlmsg_new(TLSGW_SOCKS_GET_SIZE, GFP_KERNEL);
	if (!msg) {
		tlsgw_socks_put(svc);
		return -ENOMEM;
	}
	err = tlsgw_socks_fill(msg, info->snd_portid, info->snd_seq, 0, svc,
			       true);
	tlsgw_socks_put(svc);
	if (err) {
		nlmsg_free(msg);
		return -ENOBUFS;
	}
	return genlmsg_reply(msg, info);
}

/**
 * tlsgw_socks_dumpit() - SOCKS_GET dump: every service
 * @skb: the reply buffer
 * @cb: the dump's state; cb->args[0]: how many services were dumped
 *
 * Context: process context; takes tn->lock.
 * Return: the length of @skb; 0 when done.
 */
static int tlsgw_socks_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tlsgw_net *tn = tlsgw_net(sock_net(skb->sk));
	struct tlsgw_socks_svc *svc;
	long i = 0;

	mutex_lock(&tn->lock);
	list_for_each_entry(svc, &tn->socks, node) {
		if (i++ < cb->args[0])
			continue;
		if (tlsgw_socks_fill(skb, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI, svc,
				     false))
			break;
		cb->args[0] = i;
	}
	mutex_unlock(&tn->lock);
	return skb->len;
}

/* Users ------------------------------------------------------------------- */

static int tlsgw_socks_user_req(struct genl_info *info,
				struct tlsgw_socks_svc **svc,
				struct nlattr **utb)
{
	struct nlattr *tb[TLSGW_SOCKS_A_MAX + 1];
	int err;

	err = SOCKS_PARSE(info, tb);
	if (err)
		return err;
	if (!tlsgw_require(info, info->attrs[TLSGW_A_SOCKS], tb,
			   TLSGW_SOCKS_A_USER))
		return -EINVAL;
	err = nla_parse_nested(utb, TLSGW_SOCKS_USER_A_MAX,
			       tb[TLSGW_SOCKS_A_USER], tlsgw_socks_user_policy,
			       info->extack);
	if (err)
		return err;
	if (!tlsgw_require(info, tb[TLSGW_SOCKS_A_USER], utb,
			   TLSGW_SOCKS_USER_A_NAME))
		return -EINVAL;
	if (!nla_len(utb[TLSGW_SOCKS_USER_A_NAME]) ||
	    !*(char *)nla_data(utb[TLSGW_SOCKS_USER_A_NAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack, utb[TLSGW_SOCKS_USER_A_NAME],
				    "user names are 1 to 255 bytes");
		return -EINVAL;
	}
	*svc = tlsgw_socks_lookup(info, tb);
	return *svc ? 0 : -ENOENT;
}

/**
 * tlsgw_socks_user_new_doit() - SOCKS_USER_NEW: adds or changes a user
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_user_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *utb[TLSGW_SOCKS_USER_A_MAX + 1];
	struct tlsgw_socks_svc *svc;
	struct nlattr *pw;
	int err;

	err = tlsgw_socks_user_req(info, &svc, utb);
	if (err)
		return err;
	pw = utb[TLSGW_SOCKS_USER_A_PASSWORD];
	if (!pw) {
		NL_SET_ERR_MSG_MOD(info->extack, "a password is required");
		err = -EINVAL;
	} else {
		err = tlsgw_socks_user_set(svc,
					   nla_data(utb[TLSGW_SOCKS_USER_A_NAME]),
					   nla_data(pw), nla_len(pw),
					   info->extack);
		/* The request's copy of the password goes too. */
		memzero_explicit(nla_data(pw), nla_len(pw));
	}
	tlsgw_socks_put(svc);
	return err;
}

/**
 * tlsgw_socks_user_del_doit() - SOCKS_USER_DEL: deletes a user
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_user_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *utb[TLSGW_SOCKS_USER_A_MAX + 1];
	struct tlsgw_socks_svc *svc;
	int err;

	err = tlsgw_socks_user_req(info, &svc, utb);
	if (err)
		return err;
	err = tlsgw_socks_user_del(svc, nla_data(utb[TLSGW_SOCKS_USER_A_NAME]),
				   info->extack);
	tlsgw_socks_put(svc);
	return err;
}

/* Rules ------------------------------------------------------------------- */

static int tlsgw_socks_prefix(struct genl_info *info, struct nlattr *addr,
			      struct nlattr *plen, struct tlsgw_socks_prefix *p)
{
	int len;

	if (!addr) {
		if (plen) {
			NL_SET_ERR_MSG_ATTR(info->extack, plen,
					    "prefix length without an address");
			return -EINVAL;
		}
		return 0;
	}
	len = nla_len(addr);
	if (len != 4 && len != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "addresses are 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	p->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(p->addr, nla_data(addr), len);
	p->plen = plen ? nla_get_u8(plen) : len * 8;
	if (p->plen > len * 8) {
		NL_SET_ERR_MSG_ATTR(info->extack, plen,
				    "prefix length longer than the address");
		return -EINVAL;
	}
	return 0;
}

static int tlsgw_socks_rule_parse(struct genl_info *info, struct nlattr *nest,
				  struct nlattr **rtb,
				  struct tlsgw_socks_rule *r)
{
	int err;

	err = tlsgw_socks_prefix(info, rtb[TLSGW_SOCKS_RULE_A_SRC],
				 rtb[TLSGW_SOCKS_RULE_A_SRC_PLEN], &r->src) ?:
	      tlsgw_socks_prefix(info, rtb[TLSGW_SOCKS_RULE_A_DST],
				 rtb[TLSGW_SOCKS_RULE_A_DST_PLEN], &r->dst);
	if (err)
		return err;
	if (!tlsgw_require(info, nest, rtb, TLSGW_SOCKS_RULE_A_ACTION))
		return -EINVAL;
	r->action = nla_get_u32(rtb[TLSGW_SOCKS_RULE_A_ACTION]);
	r->port_max = 0xffff;
	if (rtb[TLSGW_SOCKS_RULE_A_PORT_MIN])
		r->port_min = nla_get_u16(rtb[TLSGW_SOCKS_RULE_A_PORT_MIN]);
	if (rtb[TLSGW_SOCKS_RULE_A_PORT_MAX])
		r->port_max = nla_get_u16(rtb[TLSGW_SOCKS_RULE_A_PORT_MAX]);
	if (r->port_min > r->port_max) {
		NL_SET_ERR_MSG_MOD(info->extack, "port range is empty (min > max)");
		return -EINVAL;
	}
	r->commands = TLSGW_SOCKS_CMDS_ALL;
	if (rtb[TLSGW_SOCKS_RULE_A_COMMANDS])
		r->commands = nla_get_u32(rtb[TLSGW_SOCKS_RULE_A_COMMANDS]);
	if (!r->commands) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    rtb[TLSGW_SOCKS_RULE_A_COMMANDS],
				    "a rule must match at least one command");
		return -EINVAL;
	}
	if (rtb[TLSGW_SOCKS_RULE_A_USER]) {
		r->has_user = true;
		nla_strscpy(r->user, rtb[TLSGW_SOCKS_RULE_A_USER],
			    sizeof(r->user));
	}
	return 0;
}

static int tlsgw_socks_rule_req(struct genl_info *info,
				struct tlsgw_socks_svc **svc,
				struct nlattr **rtb, struct nlattr **nest)
{
	struct nlattr *tb[TLSGW_SOCKS_A_MAX + 1];
	int err;

	err = SOCKS_PARSE(info, tb);
	if (err)
		return err;
	if (!tlsgw_require(info, info->attrs[TLSGW_A_SOCKS], tb,
			   TLSGW_SOCKS_A_RULE))
		return -EINVAL;
	*nest = tb[TLSGW_SOCKS_A_RULE];
	err = nla_parse_nested(rtb, TLSGW_SOCKS_RULE_A_MAX, *nest,
			       tlsgw_socks_rule_policy, info->extack);
	if (err)
		return err;
	*svc = tlsgw_socks_lookup(info, tb);
	return *svc ? 0 : -ENOENT;
}

/**
 * tlsgw_socks_rule_new_doit() - SOCKS_RULE_NEW: inserts a rule
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_rule_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *rtb[TLSGW_SOCKS_RULE_A_MAX + 1];
	struct tlsgw_socks_rule *r;
	struct tlsgw_socks_svc *svc;
	struct nlattr *nest;
	s64 index = -1;
	int err;

	err = tlsgw_socks_rule_req(info, &svc, rtb, &nest);
	if (err)
		return err;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		tlsgw_socks_put(svc);
		return -ENOMEM;
	}
	err = tlsgw_socks_rule_parse(info, nest, rtb, r);
	if (rtb[TLSGW_SOCKS_RULE_A_INDEX])
		index = nla_get_u32(rtb[TLSGW_SOCKS_RULE_A_INDEX]);
	if (!err)
		err = tlsgw_socks_rule_add(svc, r, index, info->extack);
	kfree(r);
	tlsgw_socks_put(svc);
	return err;
}

/**
 * tlsgw_socks_rule_del_doit() - SOCKS_RULE_DEL: deletes a rule
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *rtb[TLSGW_SOCKS_RULE_A_MAX + 1];
	struct tlsgw_socks_svc *svc;
	struct nlattr *nest;
	int err;

	err = tlsgw_socks_rule_req(info, &svc, rtb, &nest);
	if (err)
		return err;
	if (tlsgw_require(info, nest, rtb, TLSGW_SOCKS_RULE_A_INDEX))
		err = tlsgw_socks_rule_del(svc,
					   nla_get_u32(rtb[TLSGW_SOCKS_RULE_A_INDEX]),
					   info->extack);
	else
		err = -EINVAL;
	tlsgw_socks_put(svc);
	return err;
}

/* Resolve ----------------------------------------------------------------- */

static int tlsgw_resolve_addrs(struct genl_info *info, struct nlattr *nest,
			       struct tlsgw_socks_addrs *addrs)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		struct sockaddr_storage *ss = &addrs->addr[addrs->n];

		if (nla_type(a) != TLSGW_RESOLVE_A_ADDR)
			continue;
		if (addrs->n >= TLSGW_SOCKS_ADDRS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "too many addresses (TLSGW_RESOLVE_ADDRS_MAX)");
			return -E2BIG;
		}
		memset(ss, 0, sizeof(*ss));
		if (nla_len(a) == 4) {
			ss->ss_family = AF_INET;
			memcpy(&((struct sockaddr_in *)ss)->sin_addr,
			       nla_data(a), 4);
		} else if (nla_len(a) == 16) {
			ss->ss_family = AF_INET6;
			memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr,
			       nla_data(a), 16);
		} else {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "addresses are 4 or 16 bytes");
			return -EINVAL;
		}
		addrs->n++;
	}
	return 0;
}

static const int tlsgw_resolve_errno[] = {
	[TLSGW_RESOLVE_OK] = 0,
	[TLSGW_RESOLVE_NXDOMAIN] = -ENOENT,
	[TLSGW_RESOLVE_TEMPFAIL] = -EAGAIN,
};

/**
 * tlsgw_socks_resolve_doit() - SOCKS_RESOLVE: registers the resolver, or its answer
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_socks_resolve_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct nlattr *tb[TLSGW_RESOLVE_A_MAX + 1];
	struct tlsgw_socks_addrs *addrs;
	u32 error = TLSGW_RESOLVE_OK;
	int err;

	err = tlsgw_parse_nest(info, TLSGW_A_RESOLVE, TLSGW_RESOLVE_A_MAX,
			       tlsgw_resolve_nest_policy, tb);
	if (err)
		return err;
	if (tb[TLSGW_RESOLVE_A_FLAGS] &&
	    (nla_get_u32(tb[TLSGW_RESOLVE_A_FLAGS]) &
	     TLSGW_RESOLVE_F_REGISTER)) {
		tlsgw_resolve_register(tn, info->snd_portid);
		return 0;
	}
	if (!tlsgw_require(info, info->attrs[TLSGW_A_RESOLVE], tb,
			   TLSGW_RESOLVE_A_ID))
		return -EINVAL;
	addrs = kzalloc(sizeof(*addrs), GFP_KERNEL);
	if (!addrs)
		return -ENOMEM;
	if (tb[TLSGW_RESOLVE_A_ERROR])
		error = nla_get_u32(tb[TLSGW_RESOLVE_A_ERROR]);
	if (!error)
		err = tlsgw_resolve_addrs(info, info->attrs[TLSGW_A_RESOLVE],
					  addrs);
	if (!err)
		err = tlsgw_resolve_answer(tn, info->snd_portid,
					   nla_get_u64(tb[TLSGW_RESOLVE_A_ID]),
					   tlsgw_resolve_errno[error], addrs);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no pending lookup has that id (expired?)");
	else if (err == -EPERM)
		NL_SET_ERR_MSG_MOD(info->extack, "not the registered resolver");
	kfree(addrs);
	return err;
}

/* Events and the resolver upcall ------------------------------------- */

/**
 * tlsgw_genl_socks_event() - multicasts a SOCKS_DENIED event
 * @svc: the service
 * @cmd: the denied request's command
 *
 * Sends nothing without listeners or once the family is being
 * unregistered.
 *
 * Context: process context; takes the family's read lock.
 */
void tlsgw_genl_socks_event(struct tlsgw_socks_svc *svc, u8 cmd)
{
	struct net *net = svc->tn->net;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	tlsgw_genl_read_lock();
	if (!tlsgw_event_wanted(net))
		goto out;
	msg = tlsgw_event_start(TLSGW_EVENT_SOCKS_DENIED, GFP_KERNEL, &hdr,
				&nest);
	if (!msg)
		goto out;
	if (nla_put_u32(msg, TLSGW_EV_A_SOCKS_CMD, cmd))
		goto free;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, TLSGW_A_SOCKS);
	if (!nest || nla_put_string(msg, TLSGW_SOCKS_A_NAME, svc->name))
		goto free;
	nla_nest_end(msg, nest);
	tlsgw_event_send(net, msg, hdr, GFP_KERNEL);
	goto out;
free:
	nlmsg_free(msg);
out:
	tlsgw_genl_read_unlock();
}

/**
 * tlsgw_genl_resolve_send() - the resolver upcall
 * @net: the request's namespace
 * @portid: the daemon's socket, the only one it is unicast to
 * @id: the request's id
 * @name: the name to resolve
 *
 * Context: process context; takes the family's read lock.
 * Return: 0, -ENODEV once the family is being unregistered, -ENOMEM, or
 * the error of genlmsg_unicast() (-ECONNREFUSED: the socket is gone).
 */
int tlsgw_genl_resolve_send(struct net *net, u32 portid, u64 id,
			    const char *name)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int err = -ENODEV;

	tlsgw_genl_read_lock();
	if (!tlsgw_genl_is_live())
		goto out;
	err = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = tlsgw_genl_put(msg, portid, 0, 0, TLSGW_CMD_SOCKS_RESOLVE);
	nest = hdr ? nla_nest_start(msg, TLSGW_A_RESOLVE) : NULL;
	if (!nest ||
	    nla_put_u64_64bit(msg, TLSGW_RESOLVE_A_ID, id,
			      TLSGW_RESOLVE_A_PAD) ||
	    nla_put_string(msg, TLSGW_RESOLVE_A_NAME, name)) {
		nlmsg_free(msg);
		goto out;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	err = genlmsg_unicast(net, msg, portid);
out:
	tlsgw_genl_read_unlock();
	return err;
}

static const struct genl_ops tlsgw_socks_genl_ops[] = {
	TLSGW_OP(TLSGW_CMD_SOCKS_NEW, tlsgw_socks_new_doit, NULL,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_DEL, tlsgw_socks_del_doit, NULL,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_GET, tlsgw_socks_get_doit, tlsgw_socks_dumpit,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_USER_NEW, tlsgw_socks_user_new_doit, NULL,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_USER_DEL, tlsgw_socks_user_del_doit, NULL,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_RULE_NEW, tlsgw_socks_rule_new_doit, NULL,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_RULE_DEL, tlsgw_socks_rule_del_doit, NULL,
		 tlsgw_socks_policy),
	TLSGW_OP(TLSGW_CMD_SOCKS_RESOLVE, tlsgw_socks_resolve_doit, NULL,
		 tlsgw_resolve_policy),
};

static int tlsgw_socks_net_init_feature(struct tlsgw_net *tn)
{
	tlsgw_socks_net_init(tn);
	return 0;
}

const struct tlsgw_feature tlsgw_socks_feature = {
	.name = "socks5",
	.init = tlsgw_socks_module_init,
	.exit = tlsgw_socks_module_exit,
	.net_init = tlsgw_socks_net_init_feature,
	.net_exit = tlsgw_socks_net_exit,
	/* The resolver's release notifier looks at namespace state. */
	.start = tlsgw_resolve_module_init,
	.stop = tlsgw_resolve_module_exit,
	.ops = tlsgw_socks_genl_ops,
	.n_ops = ARRAY_SIZE(tlsgw_socks_genl_ops),
};
