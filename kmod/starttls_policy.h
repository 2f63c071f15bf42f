/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_STARTTLS_POLICY_H
#define _TLSGW_STARTTLS_POLICY_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>

#include <linux/tlsgw.h>

#include "pernet.h"

/*
 * A STARTTLS policy: which new TCP flows to follow (protocol by server
 * port set and optional destination prefix) and what to do with findings.
 *
 * Listed in tn->stls_policies in the order they were added; the first
 * policy that matches a SYN owns the flow. Writers hold tn->lock (netlink
 * requests and namespace exit); the netfilter hooks read the list under
 * RCU. The list holds one reference, each tracked flow another: a deleted
 * policy stops matching new flows at once, and is freed (after an RCU
 * grace period) when its last flow goes. All fields but ctr are constant
 * once listed.
 */
struct tlsgw_stls_policy {
	struct list_head node;
	struct rcu_head rcu;
	refcount_t ref;
	char name[TLSGW_NAME_MAX];
	u8 proto;			/* enum tlsgw_starttls_proto */
	u8 mode;			/* enum tlsgw_starttls_mode */
	u8 dst_family;			/* 0: any destination */
	u8 dst_plen;
	bool fail_closed;		/* untracked flows are not passed */
	struct in6_addr dst;		/* IPv4 in the first 4 bytes */
	unsigned int n_ranges;
	struct tlsgw_port_range ranges[TLSGW_STARTTLS_RANGES_MAX];
	atomic64_t ctr[__TLSGW_CTR_MAX];	/* STARTTLS_* only */
};

struct tlsgw_stls_policy_conf {
	const char *name;
	u8 proto, mode, dst_family, dst_plen;
	bool fail_closed;
	struct in6_addr dst;
	unsigned int n_ranges;
	const struct tlsgw_port_range *ranges;
};

int tlsgw_stls_policy_add(struct tlsgw_net *tn,
			  const struct tlsgw_stls_policy_conf *conf,
			  struct netlink_ext_ack *extack);
int tlsgw_stls_policy_del(struct tlsgw_net *tn, const char *name,
			  struct netlink_ext_ack *extack);
/* Caller holds tn->lock. */
struct tlsgw_stls_policy *tlsgw_stls_policy_find(struct tlsgw_net *tn,
						 const char *name);
void tlsgw_stls_policies_flush(struct tlsgw_net *tn);

/* Under RCU: the first policy for a new flow to (family, daddr, dport). */
struct tlsgw_stls_policy *tlsgw_stls_policy_match(struct tlsgw_net *tn,
						  u8 family,
						  const void *daddr,
						  u16 dport);
void tlsgw_stls_policy_put(struct tlsgw_stls_policy *pol);

#endif /* _TLSGW_STARTTLS_POLICY_H */
