/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_NETLINK_H
#define _TLSGW_NETLINK_H

#include <net/genetlink.h>

#include <linux/tlsgw.h>

struct net;
struct tlsgw_net;
struct tlsgw_session;
struct tlsgw_socks_svc;

/**
 * struct tlsgw_stls_event - a STARTTLS finding, as the hooks report it
 * @policy: name of the flow's policy
 * @flow_id: the flow's id
 * @proto: enum tlsgw_starttls_proto
 * @finding: enum tlsgw_starttls_finding
 * @blocked: the flow was reset for it
 *
 * No addresses, no data.
 */
struct tlsgw_stls_event {
	const char *policy;
	u64 flow_id;
	u8 proto;
	u8 finding;
	bool blocked;
};

int tlsgw_genl_init(void);
void tlsgw_genl_exit(void);
void tlsgw_genl_session_event(struct tlsgw_session *s, enum tlsgw_event type,
			      enum tlsgw_close_reason reason);
void tlsgw_genl_socks_event(struct tlsgw_socks_svc *svc, u8 cmd);
int tlsgw_genl_resolve_send(struct net *net, u32 portid, u64 id,
			    const char *name);

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

/* SOCKS5 commands (socks_netlink.c). */
extern const struct nla_policy tlsgw_socks_policy[TLSGW_A_MAX + 1];
extern const struct nla_policy tlsgw_resolve_policy[TLSGW_A_MAX + 1];
int tlsgw_socks_new_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_del_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_get_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tlsgw_socks_user_new_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_user_del_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_rule_new_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_socks_resolve_doit(struct sk_buff *skb, struct genl_info *info);

/* STARTTLS commands (starttls_netlink.c). */
extern const struct nla_policy tlsgw_starttls_policy[TLSGW_A_MAX + 1];
int tlsgw_stls_policy_new_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_stls_policy_del_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_stls_policy_get_doit(struct sk_buff *skb, struct genl_info *info);
int tlsgw_stls_policy_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tlsgw_stls_flow_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
void tlsgw_genl_stls_event(struct net *net, const struct tlsgw_stls_event *ev);

#endif /* _TLSGW_NETLINK_H */
