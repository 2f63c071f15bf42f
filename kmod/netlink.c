// SPDX-License-Identifier: GPL-2.0
/*
 * The tlsgw generic netlink family: the control plane used by tlsgwctl and
 * tlsgwd. uapi/linux/tlsgw.h documents the API.
 */

#include <net/genetlink.h>

#include <linux/tlsgw.h>

#include "netlink.h"
#include "pernet.h"
#include "version.h"

static const struct nla_policy tlsgw_genl_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_VERSION] = { .type = NLA_REJECT,
			      .reject_message = "TLSGW_A_VERSION is reply-only" },
	[TLSGW_A_FEATURES] = { .type = NLA_REJECT,
			       .reject_message = "TLSGW_A_FEATURES is reply-only" },
	[TLSGW_A_COUNTERS] = { .type = NLA_REJECT,
			       .reject_message = "TLSGW_A_COUNTERS is reply-only" },
	[TLSGW_A_INFO_FLAGS] = NLA_POLICY_MASK(NLA_U32, __TLSGW_INFO_F_ALL),
	[TLSGW_A_SERVICE] = { .type = NLA_REJECT,
			      .reject_message = "services are not supported by this module" },
	[TLSGW_A_SESSION] = { .type = NLA_REJECT,
			      .reject_message = "sessions are not supported by this module" },
	[TLSGW_A_SOCKS] = { .type = NLA_REJECT,
			    .reject_message = "SOCKS5 is not supported by this module" },
	[TLSGW_A_STARTTLS] = { .type = NLA_REJECT,
			       .reject_message = "STARTTLS is not supported by this module" },
	[TLSGW_A_EVENT] = { .type = NLA_REJECT,
			    .reject_message = "TLSGW_A_EVENT is notification-only" },
};

static const u64 tlsgw_features = TLSGW_F_INFO | TLSGW_F_COUNTER_RESET;

static struct genl_family tlsgw_genl_family;

/*
 * The namespace gauge describes the whole host: only init_net sees it, so
 * a container's administrator learns nothing about other namespaces.
 */
static int tlsgw_put_counters(struct sk_buff *skb, struct net *net,
			      u64 requests)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TLSGW_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;

	if (nla_put_u64_64bit(skb, TLSGW_CTR_REQUESTS, requests,
			      TLSGW_CTR_UNSPEC))
		goto cancel;
	if (net_eq(net, &init_net) &&
	    nla_put_u64_64bit(skb, TLSGW_CTR_NAMESPACES, tlsgw_net_count(),
			      TLSGW_CTR_UNSPEC))
		goto cancel;

	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int tlsgw_put_info(struct sk_buff *skb, struct genl_info *info,
			  u64 requests)
{
	void *hdr;

	hdr = genlmsg_put_reply(skb, info, &tlsgw_genl_family, 0,
				TLSGW_CMD_GET_INFO);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_string(skb, TLSGW_A_VERSION, TLSGW_VERSION) ||
	    nla_put_u64_64bit(skb, TLSGW_A_FEATURES, tlsgw_features,
			      TLSGW_A_UNSPEC) ||
	    tlsgw_put_counters(skb, genl_info_net(info), requests)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}

	genlmsg_end(skb, hdr);
	return 0;
}

static int tlsgw_get_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_net(genl_info_net(info));
	struct sk_buff *msg;
	u32 flags = 0;
	u64 requests;
	int err;

	if (info->attrs[TLSGW_A_INFO_FLAGS])
		flags = nla_get_u32(info->attrs[TLSGW_A_INFO_FLAGS]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	/* A reset reports exactly the values it cleared. */
	atomic64_inc(&tn->requests);
	if (flags & TLSGW_INFO_F_RESET_COUNTERS)
		requests = atomic64_xchg(&tn->requests, 0);
	else
		requests = atomic64_read(&tn->requests);

	err = tlsgw_put_info(msg, info, requests);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static const struct genl_small_ops tlsgw_genl_ops[] = {
	{
		.cmd = TLSGW_CMD_GET_INFO,
		.doit = tlsgw_get_info_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group tlsgw_genl_mcgrps[] = {
	{ .name = TLSGW_MCGRP_EVENTS },
};

static struct genl_family tlsgw_genl_family __ro_after_init = {
	.name = TLSGW_GENL_NAME,
	.version = TLSGW_GENL_VERSION,
	.maxattr = TLSGW_A_MAX,
	.policy = tlsgw_genl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = tlsgw_genl_ops,
	.n_small_ops = ARRAY_SIZE(tlsgw_genl_ops),
	.mcgrps = tlsgw_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tlsgw_genl_mcgrps),
};

int __init tlsgw_genl_init(void)
{
	return genl_register_family(&tlsgw_genl_family);
}

void tlsgw_genl_exit(void)
{
	genl_unregister_family(&tlsgw_genl_family);
}
