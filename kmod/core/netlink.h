/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_NETLINK_H
#define _TLSGW_NETLINK_H

#include <net/genetlink.h>

#include <linux/tlsgw.h>

struct net;
struct tlsgw_net;
struct tlsgw_session;

int tlsgw_genl_init(void);
void tlsgw_genl_exit(void);
void tlsgw_genl_read_lock(void);
void tlsgw_genl_read_unlock(void);
bool tlsgw_genl_is_live(void);
bool tlsgw_event_wanted(struct net *net);
struct sk_buff *tlsgw_event_start(u32 type, gfp_t gfp, void **hdr,
				  struct nlattr **nest);
void tlsgw_event_send(struct net *net, struct sk_buff *msg, void *hdr,
		      gfp_t gfp);

/* Helpers for the command handlers (netlink.c). */
#define TLSGW_REPLY_ONLY(a) \
	[a] = { .type = NLA_REJECT, .reject_message = #a " is reply-only" }

struct tlsgw_net *tlsgw_request_net(struct genl_info *info);
int tlsgw_parse_nest(struct genl_info *info, int attr, int maxtype,
		     const struct nla_policy *policy, struct nlattr **tb);
int tlsgw_parse_nest_req(struct genl_info *info, int attr, int maxtype,
			 const struct nla_policy *policy, struct nlattr **tb,
			 int req);
bool tlsgw_require(struct genl_info *info, struct nlattr *nest,
		   struct nlattr **tb, int type);
bool tlsgw_name_valid(const char *name);
void *tlsgw_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		     u8 cmd);
u64 tlsgw_ms_since(unsigned long then);
int tlsgw_reply(struct genl_info *info, struct sk_buff *msg, void *hdr,
		int err);

/**
 * struct tlsgw_counters - what a counters nest reports
 * @ctr: the stored counters
 * @active: live sessions
 * @live_in: bytes relayed in by live sessions
 * @live_out: bytes relayed out by live sessions
 * @stls_active: tracked STARTTLS flows
 * @service: only the per-session counters
 * @starttls: only the STARTTLS counters
 * @namespaces: the host-wide gauge too
 * @reset: each stored counter is read and zeroed at once
 *
 * The stored counters and what is reported beyond them.
 */
struct tlsgw_counters {
	atomic64_t *ctr;
	unsigned int active;
	u64 live_in, live_out;
	unsigned int stls_active;
	bool service;
	bool starttls;
	bool namespaces;
	bool reset;
};

int tlsgw_put_counters(struct sk_buff *skb, int attr,
		       const struct tlsgw_counters *c);

/*
 * A feature's commands, in its ops array: every command takes the whole
 * attribute space and needs CAP_NET_ADMIN in the namespace's user
 * namespace.
 */
#define TLSGW_OP(_cmd, _doit, _dumpit, _policy)				\
	{								\
		.cmd = _cmd,						\
		.doit = _doit,						\
		.dumpit = _dumpit,					\
		.policy = _policy,					\
		.maxattr = TLSGW_A_MAX,					\
		.flags = GENL_UNS_ADMIN_PERM,				\
	}

#endif /* _TLSGW_NETLINK_H */
