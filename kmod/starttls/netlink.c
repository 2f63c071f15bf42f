// SPDX-License-Identifier: GPL-2.0
/*
 * The STARTTLS commands of the tlsgw family: policies and the flow dump.
 * uapi/linux/tlsgw.h documents them.
 */

#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include <linux/tlsgw.h>

#include "core/feature.h"
#include "core/netlink.h"
#include "core/pernet.h"
#include "starttls/flow.h"
#include "starttls/hook.h"
#include "starttls/policy.h"

static const struct nla_policy tlsgw_stls_nl_policy[TLSGW_STLS_A_MAX + 1] = {
	[TLSGW_STLS_A_NAME] = { .type = NLA_NUL_STRING,
				.len = TLSGW_NAME_MAX - 1 },
	[TLSGW_STLS_A_PROTO] = NLA_POLICY_RANGE(NLA_U32, TLSGW_STARTTLS_SMTP,
						__TLSGW_STARTTLS_PROTO_MAX - 1),
	[TLSGW_STLS_A_PORTS] = { .type = NLA_BINARY,
				 .len = TLSGW_STARTTLS_RANGES_MAX *
					sizeof(struct tlsgw_port_range) },
	[TLSGW_STLS_A_DST_ADDR] = { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[TLSGW_STLS_A_DST_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[TLSGW_STLS_A_MODE] = NLA_POLICY_MAX(NLA_U32,
					     __TLSGW_STARTTLS_MODE_MAX - 1),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_COUNTERS),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_FLOW_ID),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_CLIENT),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_SERVER),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_PHASE),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_FINDINGS),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_STATE),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_AGE_MS),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_IDLE_MS),
	TLSGW_REPLY_ONLY(TLSGW_STLS_A_BLOCKED),
	[TLSGW_STLS_A_FAIL_CLOSED] = { .type = NLA_FLAG },
};

static const struct nla_policy tlsgw_starttls_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_STARTTLS] = NLA_POLICY_NESTED(tlsgw_stls_nl_policy),
};

static int tlsgw_stls_ports(struct genl_info *info, struct nlattr *a,
			    struct tlsgw_stls_policy_conf *conf)
{
	const struct tlsgw_port_range *r = nla_data(a);
	unsigned int i, n = nla_len(a) / sizeof(*r);

	if (!n || nla_len(a) % sizeof(*r)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "ports: 1 to 16 struct tlsgw_port_range");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!r[i].lo || r[i].lo > r[i].hi) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "port range must have 1 <= lo <= hi");
			return -EINVAL;
		}
	}
	conf->ranges = r;
	conf->n_ranges = n;
	return 0;
}

static int tlsgw_stls_dst(struct genl_info *info, struct nlattr **tb,
			  struct tlsgw_stls_policy_conf *conf)
{
	struct nlattr *a = tb[TLSGW_STLS_A_DST_ADDR];
	struct nlattr *plen = tb[TLSGW_STLS_A_DST_PREFIX_LEN];

	if (!a && !plen)
		return 0;
	if (!a || !plen) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a destination needs both address and prefix length");
		return -EINVAL;
	}
	if (nla_len(a) != 4 && nla_len(a) != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "destination address: 4 or 16 bytes");
		return -EINVAL;
	}
	conf->dst_family = nla_len(a) == 4 ? AF_INET : AF_INET6;
	conf->dst_plen = nla_get_u8(plen);
	if (conf->dst_plen > nla_len(a) * 8) {
		NL_SET_ERR_MSG_ATTR(info->extack, plen,
				    "prefix longer than the address");
		return -ERANGE;
	}
	memcpy(&conf->dst, nla_data(a), nla_len(a));
	return 0;
}

static const int tlsgw_stls_new_required[] = {
	TLSGW_STLS_A_NAME, TLSGW_STLS_A_PROTO, TLSGW_STLS_A_PORTS,
	TLSGW_STLS_A_MODE,
};

/**
 * tlsgw_stls_policy_new_doit() - STARTTLS_POLICY_NEW: adds a policy
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_stls_policy_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct nlattr *tb[TLSGW_STLS_A_MAX + 1];
	struct tlsgw_stls_policy_conf conf = {};
	int err, i;

	err = tlsgw_parse_nest(info, TLSGW_A_STARTTLS, TLSGW_STLS_A_MAX,
			       tlsgw_stls_nl_policy, tb);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(tlsgw_stls_new_required); i++)
		if (!tlsgw_require(info, info->attrs[TLSGW_A_STARTTLS], tb,
				   tlsgw_stls_new_required[i]))
			return -EINVAL;
	conf.name = nla_data(tb[TLSGW_STLS_A_NAME]);
	if (!tlsgw_name_valid(conf.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TLSGW_STLS_A_NAME],
				    "policy names are made of A-Z a-z 0-9 _ . -");
		return -EINVAL;
	}
	conf.proto = nla_get_u32(tb[TLSGW_STLS_A_PROTO]);
	conf.mode = nla_get_u32(tb[TLSGW_STLS_A_MODE]);
	conf.fail_closed = nla_get_flag(tb[TLSGW_STLS_A_FAIL_CLOSED]);
	if (conf.fail_closed && conf.mode == TLSGW_STARTTLS_MONITOR) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TLSGW_STLS_A_FAIL_CLOSED],
				    "fail-closed needs a mode that resets flows, not monitor");
		return -EINVAL;
	}
	err = tlsgw_stls_ports(info, tb[TLSGW_STLS_A_PORTS], &conf);
	if (!err)
		err = tlsgw_stls_dst(info, tb, &conf);
	if (err)
		return err;
	return tlsgw_stls_policy_add(tn, &conf, info->extack);
}

static int tlsgw_stls_name(struct genl_info *info, const char **name)
{
	struct nlattr *tb[TLSGW_STLS_A_MAX + 1];
	int err;

	err = tlsgw_parse_nest_req(info, TLSGW_A_STARTTLS, TLSGW_STLS_A_MAX,
				   tlsgw_stls_nl_policy, tb, TLSGW_STLS_A_NAME);
	if (err)
		return err;
	*name = nla_data(tb[TLSGW_STLS_A_NAME]);
	return 0;
}

/**
 * tlsgw_stls_policy_del_doit() - STARTTLS_POLICY_DEL: deletes a policy
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request, under the genetlink mutex).
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_stls_policy_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	const char *name;
	int err;

	err = tlsgw_stls_name(info, &name);
	if (err)
		return err;
	return tlsgw_stls_policy_del(tn, name, info->extack);
}

static int tlsgw_put_stls_dst(struct sk_buff *skb,
			      const struct tlsgw_stls_policy *pol)
{
	if (!pol->dst_family)
		return 0;
	if (nla_put(skb, TLSGW_STLS_A_DST_ADDR,
		    pol->dst_family == AF_INET ? 4 : 16, &pol->dst) ||
	    nla_put_u8(skb, TLSGW_STLS_A_DST_PREFIX_LEN, pol->dst_plen))
		return -EMSGSIZE;
	return 0;
}

/* Caller holds tn->lock. */
static int tlsgw_put_stls_policy(struct sk_buff *skb, u32 portid, u32 seq,
				 int flags, struct tlsgw_net *tn,
				 struct tlsgw_stls_policy *pol)
{
	struct tlsgw_counters c = { .ctr = pol->ctr, .starttls = true };
	struct nlattr *nest;
	void *hdr;

	lockdep_assert_held(&tn->lock);
	c.stls_active = tlsgw_stls_flow_count(tn, pol);
	hdr = tlsgw_genl_put(skb, portid, seq, flags,
			     TLSGW_CMD_STARTTLS_POLICY_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TLSGW_A_STARTTLS);
	if (!nest ||
	    nla_put_string(skb, TLSGW_STLS_A_NAME, pol->name) ||
	    nla_put_u32(skb, TLSGW_STLS_A_PROTO, pol->proto) ||
	    nla_put(skb, TLSGW_STLS_A_PORTS,
		    pol->n_ranges * sizeof(pol->ranges[0]), pol->ranges) ||
	    tlsgw_put_stls_dst(skb, pol) ||
	    nla_put_u32(skb, TLSGW_STLS_A_MODE, pol->mode) ||
	    (pol->fail_closed &&
	     nla_put_flag(skb, TLSGW_STLS_A_FAIL_CLOSED)) ||
	    tlsgw_put_counters(skb, TLSGW_STLS_A_COUNTERS, &c)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * tlsgw_stls_policy_get_doit() - STARTTLS_POLICY_GET of one policy
 * @skb: the request
 * @info: its attributes, namespace and extack
 *
 * Context: process context (a netlink request); takes tn->lock.
 * Return: 0 or a negative errno (with a message in @info's extack).
 */
static int tlsgw_stls_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_stls_policy *pol;
	struct sk_buff *msg;
	const char *name;
	int err;

	err = tlsgw_stls_name(info, &name);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&tn->lock);
	pol = tlsgw_stls_policy_find(tn, name);
	err = pol ? tlsgw_put_stls_policy(msg, info->snd_portid,
					  info->snd_seq, 0, tn, pol) : -ENOENT;
	mutex_unlock(&tn->lock);
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_MOD(info->extack,
					   "no such STARTTLS policy");
		return err == -EMSGSIZE ? -ENOBUFS : err;
	}
	return genlmsg_reply(msg, info);
}

/**
 * tlsgw_stls_policy_dumpit() - STARTTLS_POLICY_GET dump: every policy
 * @skb: the reply buffer
 * @cb: the dump's state; cb->args[0]: how many policies were dumped
 *
 * Context: process context; takes tn->lock.
 * Return: the length of @skb; 0 when done.
 */
static int tlsgw_stls_policy_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tlsgw_net *tn = tlsgw_net(sock_net(skb->sk));
	struct tlsgw_stls_policy *pol;
	long i = 0;

	mutex_lock(&tn->lock);
	list_for_each_entry(pol, &tn->stls_policies, node) {
		if (i++ < cb->args[0])
			continue;
		if (tlsgw_put_stls_policy(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI, tn,
					  pol))
			break;
		cb->args[0] = i;
	}
	mutex_unlock(&tn->lock);
	return skb->len;
}

static int tlsgw_put_stls_addr(struct sk_buff *skb, int type, u8 family,
			       const struct in6_addr *addr, __be16 port)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6, .sin6_port = port, .sin6_addr = *addr,
	};
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = port };

	if (family == AF_INET6)
		return nla_put(skb, type, sizeof(sin6), &sin6);
	memcpy(&sin.sin_addr, addr, 4);
	return nla_put(skb, type, sizeof(sin), &sin);
}

/**
 * struct tlsgw_stls_flow_info - a snapshot of a flow taken under its lock
 * @state: enum tlsgw_starttls_state
 * @phase: the parser's phase
 * @findings: 1 << enum tlsgw_starttls_finding
 * @last_seen: jiffies of the flow's last packet
 */
struct tlsgw_stls_flow_info {
	u8 state, phase;
	u32 findings;
	unsigned long last_seen;
};

/* Under RCU. */
static int tlsgw_put_stls_flow(struct sk_buff *skb, u32 portid, u32 seq,
			       struct tlsgw_stls_flow *f)
{
	struct tlsgw_stls_flow_info fi;
	const struct tlsgw_stls_key *k = &f->key;
	struct nlattr *nest;
	void *hdr;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "tlsgw: flow dump outside RCU");
	spin_lock_bh(&f->lock);
	fi.state = f->state;
	fi.phase = stls_phase(&f->parser);
	fi.findings = f->findings;
	fi.last_seen = f->last_seen;
	spin_unlock_bh(&f->lock);

	hdr = tlsgw_genl_put(skb, portid, seq, NLM_F_MULTI,
			     TLSGW_CMD_STARTTLS_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TLSGW_A_STARTTLS);
	if (!nest ||
	    nla_put_u64_64bit(skb, TLSGW_STLS_A_FLOW_ID, f->id,
			      TLSGW_STLS_A_PAD) ||
	    nla_put_string(skb, TLSGW_STLS_A_NAME, f->pol->name) ||
	    nla_put_u32(skb, TLSGW_STLS_A_PROTO, f->pol->proto) ||
	    tlsgw_put_stls_addr(skb, TLSGW_STLS_A_CLIENT, k->family,
				&k->client, k->cport) ||
	    tlsgw_put_stls_addr(skb, TLSGW_STLS_A_SERVER, k->family,
				&k->server, k->sport) ||
	    nla_put_u32(skb, TLSGW_STLS_A_STATE, fi.state) ||
	    nla_put_u32(skb, TLSGW_STLS_A_PHASE, fi.phase) ||
	    nla_put_u32(skb, TLSGW_STLS_A_FINDINGS, fi.findings) ||
	    nla_put_u64_64bit(skb, TLSGW_STLS_A_AGE_MS,
			      tlsgw_ms_since(f->created), TLSGW_STLS_A_PAD) ||
	    nla_put_u64_64bit(skb, TLSGW_STLS_A_IDLE_MS,
			      tlsgw_ms_since(fi.last_seen), TLSGW_STLS_A_PAD) ||
	    (fi.state == TLSGW_FLOW_BLOCKED &&
	     nla_put_flag(skb, TLSGW_STLS_A_BLOCKED))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * tlsgw_stls_flow_dumpit() - STARTTLS_FLOW_GET dump: every tracked flow
 * @skb: the reply buffer
 * @cb: the dump's state; cb->args[0]: the bucket, cb->args[1]: flows of it
 *	already dumped
 *
 * A flow added to or removed from a bucket between two reply buffers may
 * shift the others: one may be missed, or (rarely) reported twice.
 *
 * Context: process context; walks the table under rcu_read_lock().
 * Return: the length of @skb; 0 when done.
 */
static int tlsgw_stls_flow_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tlsgw_net *tn = tlsgw_net(sock_net(skb->sk));
	struct tlsgw_stls_flow *f;
	long b, i;

	rcu_read_lock();
	for (b = cb->args[0]; b < TLSGW_STLS_BUCKETS; b++) {
		i = 0;
		hlist_for_each_entry_rcu(f, &tn->stls->buckets[b], node) {
			if (i++ < cb->args[1])
				continue;
			if (tlsgw_put_stls_flow(skb,
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, f))
				goto out;
			cb->args[1] = i;
		}
		cb->args[0] = b + 1;
		cb->args[1] = 0;
	}
out:
	rcu_read_unlock();
	return skb->len;
}

/* Events ------------------------------------------------------------- */

/**
 * tlsgw_genl_stls_event() - multicasts a STARTTLS finding
 * @net: the flow's namespace
 * @ev: the finding
 *
 * Sends nothing without listeners or once the family is being
 * unregistered.
 *
 * Context: from netfilter hooks: atomic context (allocates with
 * GFP_ATOMIC, inside rcu_read_lock()).
 */
void tlsgw_genl_stls_event(struct net *net, const struct tlsgw_stls_event *ev)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	rcu_read_lock();
	if (!tlsgw_event_wanted(net))
		goto out;
	msg = tlsgw_event_start(TLSGW_EVENT_STARTTLS, GFP_ATOMIC, &hdr, &nest);
	if (!msg)
		goto out;
	if (nla_put_u32(msg, TLSGW_EV_A_FINDING, ev->finding))
		goto free;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, TLSGW_A_STARTTLS);
	if (!nest ||
	    nla_put_u64_64bit(msg, TLSGW_STLS_A_FLOW_ID, ev->flow_id,
			      TLSGW_STLS_A_PAD) ||
	    nla_put_string(msg, TLSGW_STLS_A_NAME, ev->policy) ||
	    nla_put_u32(msg, TLSGW_STLS_A_PROTO, ev->proto) ||
	    (ev->blocked && nla_put_flag(msg, TLSGW_STLS_A_BLOCKED)))
		goto free;
	nla_nest_end(msg, nest);
	tlsgw_event_send(net, msg, hdr, GFP_ATOMIC);
	goto out;
free:
	nlmsg_free(msg);
out:
	rcu_read_unlock();
}

static const struct genl_ops tlsgw_stls_genl_ops[] = {
	TLSGW_OP(TLSGW_CMD_STARTTLS_POLICY_NEW, tlsgw_stls_policy_new_doit,
		 NULL, tlsgw_starttls_policy),
	TLSGW_OP(TLSGW_CMD_STARTTLS_POLICY_DEL, tlsgw_stls_policy_del_doit,
		 NULL, tlsgw_starttls_policy),
	TLSGW_OP(TLSGW_CMD_STARTTLS_POLICY_GET, tlsgw_stls_policy_get_doit,
		 tlsgw_stls_policy_dumpit, tlsgw_starttls_policy),
	TLSGW_OP(TLSGW_CMD_STARTTLS_FLOW_GET, NULL, tlsgw_stls_flow_dumpit,
		 tlsgw_starttls_policy),
};

static int tlsgw_stls_net_init(struct tlsgw_net *tn)
{
	INIT_LIST_HEAD(&tn->stls_policies);
	return tlsgw_stls_table_init(tn);
}

/* Policies first: their removal unregisters the hooks. */
static void tlsgw_stls_net_exit(struct tlsgw_net *tn)
{
	tlsgw_stls_policies_flush(tn);
	tlsgw_stls_table_shutdown(tn);
}

static void tlsgw_stls_gauges(struct tlsgw_net *tn, struct tlsgw_counters *c)
{
	c->stls_active = tlsgw_stls_flow_count(tn, NULL);
}

const struct tlsgw_feature tlsgw_stls_feature = {
	.name = "starttls",
	.gauges = tlsgw_stls_gauges,
	.init = tlsgw_stls_flow_module_init,
	.exit = tlsgw_stls_flow_module_exit,
	.net_init = tlsgw_stls_net_init,
	.net_exit = tlsgw_stls_net_exit,
	.ops = tlsgw_stls_genl_ops,
	.n_ops = ARRAY_SIZE(tlsgw_stls_genl_ops),
};
