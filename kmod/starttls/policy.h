/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_STARTTLS_POLICY_H
#define _TLSGW_STARTTLS_POLICY_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>

#include <linux/tlsgw.h>

#include "core/pernet.h"

/**
 * struct tlsgw_stls_policy - a STARTTLS policy
 * @node: in tn->stls_policies; written under tn->lock, read under RCU
 * @rcu: frees the policy after a grace period
 * @ref: the list's reference and one per tracked flow
 * @name: the policy's name
 * @proto: enum tlsgw_starttls_proto
 * @mode: enum tlsgw_starttls_mode
 * @dst_family: the destination prefix's family, 0: any destination
 * @dst_plen: the destination prefix's length
 * @fail_closed: untracked flows are not passed
 * @dst: the destination prefix (IPv4 in the first 4 bytes)
 * @n_ranges: server port ranges in @ranges
 * @ranges: the server port ranges
 * @ctr: the policy's counters, STARTTLS_* only (atomic)
 *
 * Which new TCP flows to follow (protocol by server port set and
 * optional destination prefix) and what to do with findings.
 *
 * Lifetime and locking: listed in tn->stls_policies in the order they were added; the first
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
	u8 proto;
	u8 mode;
	u8 dst_family;
	u8 dst_plen;
	bool fail_closed;
	struct in6_addr dst;
	unsigned int n_ranges;
	struct tlsgw_port_range ranges[TLSGW_STARTTLS_RANGES_MAX];
	atomic64_t ctr[__TLSGW_CTR_MAX];
};

/**
 * struct tlsgw_stls_policy_conf - a request to add a STARTTLS policy
 * @name: the policy's name
 * @proto: enum tlsgw_starttls_proto
 * @mode: enum tlsgw_starttls_mode
 * @dst_family: the destination prefix's family, 0: any destination
 * @dst_plen: the destination prefix's length
 * @fail_closed: untracked flows are not passed
 * @dst: the destination prefix (IPv4 in the first 4 bytes)
 * @n_ranges: server port ranges in @ranges
 * @ranges: the server port ranges
 *
 * The fields of struct tlsgw_stls_policy that a request sets.
 */
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
struct tlsgw_stls_policy *tlsgw_stls_policy_find(struct tlsgw_net *tn,
						 const char *name);
void tlsgw_stls_policies_flush(struct tlsgw_net *tn);

struct tlsgw_stls_policy *tlsgw_stls_policy_match(struct tlsgw_net *tn,
						  u8 family,
						  const void *daddr,
						  u16 dport);
void tlsgw_stls_policy_put(struct tlsgw_stls_policy *pol);

#endif /* _TLSGW_STARTTLS_POLICY_H */
