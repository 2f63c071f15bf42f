// SPDX-License-Identifier: GPL-2.0
/*
 * STARTTLS policies: ordered rules saying which flows to follow and what
 * to do with their findings. Locking and lifetime: policy.h.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "starttls/flow.h"
#include "starttls/hook.h"
#include "starttls/policy.h"

/**
 * tlsgw_stls_policy_find() - looks a policy up by name
 * @tn: the namespace
 * @name: the policy's name
 *
 * Context: caller holds @tn->lock.
 * Return: the policy (no reference taken), or NULL.
 */
struct tlsgw_stls_policy *tlsgw_stls_policy_find(struct tlsgw_net *tn,
						 const char *name)
{
	struct tlsgw_stls_policy *pol;

	lockdep_assert_held(&tn->lock);
	list_for_each_entry(pol, &tn->stls_policies, node)
		if (!strcmp(pol->name, name))
			return pol;
	return NULL;
}

/**
 * tlsgw_stls_policy_put() - drops a reference on a policy
 * @pol: the policy
 *
 * The last reference frees it after an RCU grace period.
 *
 * Context: any.
 */
void tlsgw_stls_policy_put(struct tlsgw_stls_policy *pol)
{
	if (refcount_dec_and_test(&pol->ref))
		kfree_rcu(pol, rcu);
}

/**
 * tlsgw_stls_policy_add() - adds a policy, after the others
 * @tn: the namespace
 * @conf: the policy
 * @extack: for the reason of a refusal
 *
 * The first policy registers the namespace's netfilter hooks.
 *
 * Context: process context; takes @tn->lock.
 * Return: 0, -EEXIST, -ENOSPC (too many policies), -ENOMEM, or the error
 * of registering the hooks.
 */
int tlsgw_stls_policy_add(struct tlsgw_net *tn,
			  const struct tlsgw_stls_policy_conf *conf,
			  struct netlink_ext_ack *extack)
{
	struct tlsgw_stls_policy *pol;
	int err = 0;

	mutex_lock(&tn->lock);
	if (tlsgw_stls_policy_find(tn, conf->name)) {
		NL_SET_ERR_MSG_MOD(extack, "a policy of that name exists");
		err = -EEXIST;
		goto out;
	}
	if (tn->n_stls_policies >= TLSGW_STARTTLS_POLICIES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many STARTTLS policies");
		err = -ENOSPC;
		goto out;
	}
	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!pol) {
		err = -ENOMEM;
		goto out;
	}
	refcount_set(&pol->ref, 1);
	strscpy(pol->name, conf->name, sizeof(pol->name));
	pol->proto = conf->proto;
	pol->mode = conf->mode;
	pol->dst_family = conf->dst_family;
	pol->dst_plen = conf->dst_plen;
	pol->fail_closed = conf->fail_closed;
	pol->dst = conf->dst;
	pol->n_ranges = conf->n_ranges;
	memcpy(pol->ranges, conf->ranges,
	       conf->n_ranges * sizeof(*conf->ranges));
	if (!tn->stls_hooks) {
		tlsgw_stls_table_revive(tn);
		err = tlsgw_stls_hooks_register(tn->net);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot register netfilter hooks");
			kfree(pol);
			goto out;
		}
		tn->stls_hooks = true;
	}
	list_add_tail_rcu(&pol->node, &tn->stls_policies);
	tn->n_stls_policies++;
	if (pol->fail_closed)
		WRITE_ONCE(tn->n_stls_fail_closed, tn->n_stls_fail_closed + 1);
out:
	mutex_unlock(&tn->lock);
	return err;
}

/* Caller holds tn->lock. Without policies, no hooks and no flows. */
static void tlsgw_stls_policy_unlink(struct tlsgw_net *tn,
				     struct tlsgw_stls_policy *pol)
{
	lockdep_assert_held(&tn->lock);
	list_del_rcu(&pol->node);
	tn->n_stls_policies--;
	if (pol->fail_closed)
		WRITE_ONCE(tn->n_stls_fail_closed, tn->n_stls_fail_closed - 1);
	if (!tn->n_stls_policies && tn->stls_hooks) {
		tlsgw_stls_hooks_unregister(tn->net);
		tn->stls_hooks = false;
		tlsgw_stls_table_flush(tn);
	}
	tlsgw_stls_policy_put(pol);
}

/**
 * tlsgw_stls_policy_del() - deletes a policy
 * @tn: the namespace
 * @name: the policy's name
 * @extack: for the reason of a refusal
 *
 * It stops matching new flows at once; the last policy's deletion
 * unregisters the hooks and frees every flow.
 *
 * Context: process context; takes @tn->lock.
 * Return: 0 or -ENOENT.
 */
int tlsgw_stls_policy_del(struct tlsgw_net *tn, const char *name,
			  struct netlink_ext_ack *extack)
{
	struct tlsgw_stls_policy *pol;
	int err = 0;

	mutex_lock(&tn->lock);
	pol = tlsgw_stls_policy_find(tn, name);
	if (pol) {
		tlsgw_stls_policy_unlink(tn, pol);
	} else {
		NL_SET_ERR_MSG_MOD(extack, "no such STARTTLS policy");
		err = -ENOENT;
	}
	mutex_unlock(&tn->lock);
	return err;
}

/**
 * tlsgw_stls_policies_flush() - deletes every policy of a namespace
 * @tn: the namespace
 *
 * Context: process context (namespace exit); takes @tn->lock.
 */
void tlsgw_stls_policies_flush(struct tlsgw_net *tn)
{
	struct tlsgw_stls_policy *pol, *tmp;

	mutex_lock(&tn->lock);
	list_for_each_entry_safe(pol, tmp, &tn->stls_policies, node)
		tlsgw_stls_policy_unlink(tn, pol);
	mutex_unlock(&tn->lock);
}

static bool tlsgw_stls_prefix_match(const struct tlsgw_stls_policy *pol,
				    const void *daddr)
{
	unsigned int len = pol->dst_family == AF_INET ? 4 : 16;
	const u8 *a = daddr, *p = pol->dst.s6_addr;
	unsigned int bits = pol->dst_plen, i;

	for (i = 0; i < len && bits; i++) {
		u8 mask = bits >= 8 ? 0xff : (u8)(0xff << (8 - bits));

		if ((a[i] ^ p[i]) & mask)
			return false;
		bits = bits >= 8 ? bits - 8 : 0;
	}
	return true;
}

/**
 * tlsgw_stls_policy_match() - the first policy for a new flow
 * @tn: the namespace
 * @family: AF_INET or AF_INET6
 * @daddr: the flow's server address
 * @dport: the flow's server port, host order
 *
 * Context: under RCU.
 * Return: the policy (valid until the RCU section ends; no reference
 * taken), or NULL.
 */
struct tlsgw_stls_policy *tlsgw_stls_policy_match(struct tlsgw_net *tn,
						  u8 family,
						  const void *daddr,
						  u16 dport)
{
	struct tlsgw_stls_policy *pol;
	unsigned int i;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "tlsgw: policy match outside RCU");
	list_for_each_entry_rcu(pol, &tn->stls_policies, node) {
		if (pol->dst_family && (pol->dst_family != family ||
					!tlsgw_stls_prefix_match(pol, daddr)))
			continue;
		for (i = 0; i < pol->n_ranges; i++)
			if (dport >= pol->ranges[i].lo &&
			    dport <= pol->ranges[i].hi)
				return pol;
	}
	return NULL;
}
