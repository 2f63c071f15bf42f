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
#include "core/version.h"

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

/**
 * tlsgw_reply() - sends a doit's reply, or frees it on an error
 * @info: the request
 * @msg: the reply
 * @hdr: its user header
 * @err: 0, or the error met while filling @msg (-EMSGSIZE: -ENOBUFS)
 *
 * Context: process context (a doit).
 * Return: the error of genlmsg_reply(), or @err.
 */
int tlsgw_reply(struct genl_info *info, struct sk_buff *msg, void *hdr,
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

/* Helpers for every feature's replies ------------------------------- */

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
