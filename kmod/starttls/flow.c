// SPDX-License-Identifier: GPL-2.0
/*
 * The STARTTLS flow table: one hash table per namespace of the TCP
 * connections the netfilter hooks follow, bounded, with a collector for
 * closed and idle flows. Locking is described in flow.h.
 */

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "core/pernet.h"
#include "starttls/flow.h"
#include "starttls/policy.h"

static unsigned int starttls_max_flows = 16384;
module_param(starttls_max_flows, uint, 0644);
MODULE_PARM_DESC(starttls_max_flows,
		 "most STARTTLS flows followed per namespace (default 16384)");

static unsigned int starttls_idle_timeout = 600;
module_param(starttls_idle_timeout, uint, 0644);
MODULE_PARM_DESC(starttls_idle_timeout,
		 "seconds before an idle STARTTLS flow is forgotten (default 600)");

/* How long a closed flow stays to absorb retransmissions and late RSTs. */
#define TLSGW_STLS_LINGER	(5 * HZ)
/* How long a SYN may wait for its SYN-ACK; under pressure, not as long. */
#define TLSGW_STLS_SYN_TIMEOUT	(30 * HZ)
#define TLSGW_STLS_SYN_TIMEOUT_FULL	(5 * HZ)
#define TLSGW_STLS_GC_INTERVAL	HZ

static struct kmem_cache *tlsgw_stls_cache __read_mostly;
static u32 tlsgw_stls_seed __read_mostly;

/* The same for both orientations of a connection. */
static u32 tlsgw_stls_hash(const struct tlsgw_stls_key *k)
{
	u32 a = jhash2((const u32 *)&k->client, 4,
		       tlsgw_stls_seed ^ (__force u16)k->cport);
	u32 b = jhash2((const u32 *)&k->server, 4,
		       tlsgw_stls_seed ^ (__force u16)k->sport);

	return (a + b + k->family) & (TLSGW_STLS_BUCKETS - 1);
}

static bool tlsgw_stls_key_eq(const struct tlsgw_stls_key *a,
			      const struct tlsgw_stls_key *b)
{
	return a->family == b->family && a->cport == b->cport &&
	       a->sport == b->sport && ipv6_addr_equal(&a->client, &b->client) &&
	       ipv6_addr_equal(&a->server, &b->server);
}

/**
 * tlsgw_stls_flow_lookup() - the flow a packet belongs to
 * @tn: the namespace
 * @k: the packet's connection, oriented like the packet
 * @dir: the packet's direction in the flow
 *
 * Context: under RCU.
 * Return: the flow (valid until the RCU section ends), or NULL.
 */
struct tlsgw_stls_flow *tlsgw_stls_flow_lookup(struct tlsgw_net *tn,
					       const struct tlsgw_stls_key *k,
					       enum stls_dir *dir)
{
	struct tlsgw_stls_key rev = {
		.client = k->server, .server = k->client,
		.cport = k->sport, .sport = k->cport, .family = k->family,
	};
	struct tlsgw_stls_flow *f;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "tlsgw: flow lookup outside RCU");
	hlist_for_each_entry_rcu(f, &tn->stls->buckets[tlsgw_stls_hash(k)],
				 node) {
		if (tlsgw_stls_key_eq(&f->key, k)) {
			*dir = STLS_C2S;
			return f;
		}
		if (tlsgw_stls_key_eq(&f->key, &rev)) {
			*dir = STLS_S2C;
			return f;
		}
	}
	return NULL;
}

static void tlsgw_stls_count(struct tlsgw_net *tn,
			     struct tlsgw_stls_policy *pol, int which)
{
	tlsgw_count(tn->ctr, which, 1);
	tlsgw_count(pol->ctr, which, 1);
}

static void tlsgw_stls_flow_unhash(struct tlsgw_stls_table *t,
				   struct tlsgw_stls_flow *f);

/*
 * A full table takes a new SYN only in place of a flow that never got its
 * SYN-ACK, the oldest (spoofed SYNs fill the table with those;
 * established flows are never evicted). t->syns lists the flows that
 * began with a SYN, oldest first; one that got its SYN-ACK since leaves
 * the list when it reaches the head, so each flow is looked at once. The
 * evicted connection is counted as not tracked. Returns whether there is
 * room now. Caller holds t->lock.
 */
static bool tlsgw_stls_make_room(struct tlsgw_net *tn)
{
	struct tlsgw_stls_table *t = tn->stls;
	struct tlsgw_stls_flow *f;

	lockdep_assert_held(&t->lock);
	if (t->n_flows < READ_ONCE(starttls_max_flows))
		return true;
	if (t->n_flows > READ_ONCE(starttls_max_flows))
		return false;	/* the limit was lowered */
	while ((f = list_first_entry_or_null(&t->syns, struct tlsgw_stls_flow,
					     syn_node))) {
		list_del_init(&f->syn_node);
		if (READ_ONCE(f->state) != TLSGW_FLOW_SYN_SENT)
			continue;
		tlsgw_stls_count(tn, f->pol, TLSGW_CTR_STARTTLS_FLOWS_DROPPED);
		tlsgw_stls_flow_unhash(t, f);
		return true;
	}
	return false;
}

/*
 * Creates a flow for k (with syns->s2c_isn valid if s2c: established) and
 * hashes it, in place of old if old is set and still hashed. Under RCU.
 * Returns 0; -ENOSPC if the table is full or memory short (counted as
 * dropped); -EEXIST if another CPU added or replaced the flow first;
 * -ENOENT if pol is being deleted.
 */
static int tlsgw_stls_flow_add(struct tlsgw_net *tn,
			       const struct tlsgw_stls_key *k,
			       const struct tlsgw_stls_syns *syns, bool s2c,
			       struct tlsgw_stls_policy *pol,
			       struct tlsgw_stls_flow *old)
{
	struct tlsgw_stls_table *t = tn->stls;
	unsigned int h = tlsgw_stls_hash(k);
	struct tlsgw_stls_flow *f, *dup;
	enum stls_dir dir;
	bool room;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "tlsgw: flow add outside RCU");
	/* A full table without SYN-only flows costs no allocation per SYN. */
	if (!old && READ_ONCE(t->n_flows) >= READ_ONCE(starttls_max_flows)) {
		spin_lock_bh(&t->lock);
		room = tlsgw_stls_make_room(tn);
		spin_unlock_bh(&t->lock);
		if (!room) {
			tlsgw_stls_count(tn, pol,
					 TLSGW_CTR_STARTTLS_FLOWS_DROPPED);
			return -ENOSPC;
		}
	}
	f = kmem_cache_zalloc(tlsgw_stls_cache, GFP_ATOMIC);
	if (!f) {
		tlsgw_stls_count(tn, pol, TLSGW_CTR_STARTTLS_FLOWS_DROPPED);
		return -ENOSPC;
	}
	f->key = *k;
	INIT_LIST_HEAD(&f->syn_node);
	INIT_LIST_HEAD(&f->ooo_q);
	f->created = jiffies;
	f->last_seen = f->created;
	spin_lock_init(&f->lock);
	f->isn = syns->isn;
	f->state = TLSGW_FLOW_SYN_SENT;
	f->next_seq[STLS_C2S] = syns->isn + 1;
	f->seq_valid = BIT(STLS_C2S);
	f->wscale[STLS_C2S] = syns->wscale;
	f->wscale[STLS_S2C] = -1;
	f->max_win[STLS_C2S] = syns->win;
	if (s2c) {
		f->state = TLSGW_FLOW_ESTABLISHED;
		f->next_seq[STLS_S2C] = syns->s2c_isn + 1;
		f->seq_valid |= BIT(STLS_S2C);
		f->wscale[STLS_S2C] = syns->s2c_wscale;
		f->max_win[STLS_S2C] = syns->s2c_win;
	}
	stls_init(&f->parser, pol->proto);

	spin_lock_bh(&t->lock);
	if (old) {
		/* Replaced already by another CPU: that one won. */
		if (old->unhashed || t->dying)
			goto out_free;
	} else {
		/* A SYN retransmitted, or the same SYN seen on another CPU. */
		dup = tlsgw_stls_flow_lookup(tn, k, &dir);
		if (dup)
			goto out_free;
		if (t->dying || !tlsgw_stls_make_room(tn)) {
			spin_unlock_bh(&t->lock);
			kmem_cache_free(tlsgw_stls_cache, f);
			tlsgw_stls_count(tn, pol,
					 TLSGW_CTR_STARTTLS_FLOWS_DROPPED);
			return -ENOSPC;
		}
	}
	/*
	 * pol was found under RCU: a concurrent delete may have dropped its
	 * last reference. Such a policy no longer polices new flows.
	 */
	if (!refcount_inc_not_zero(&pol->ref)) {
		spin_unlock_bh(&t->lock);
		kmem_cache_free(tlsgw_stls_cache, f);
		return -ENOENT;
	}
	if (old)
		tlsgw_stls_flow_unhash(t, old);
	f->pol = pol;
	f->id = atomic64_inc_return(&t->next_id);
	hlist_add_head_rcu(&f->node, &t->buckets[h]);
	if (!s2c)
		list_add_tail(&f->syn_node, &t->syns);
	WRITE_ONCE(t->n_flows, t->n_flows + 1);
	spin_unlock_bh(&t->lock);

	tlsgw_stls_count(tn, pol, TLSGW_CTR_STARTTLS_FLOWS_TRACKED);
	queue_delayed_work(system_wq, &t->gc, TLSGW_STLS_GC_INTERVAL);
	return 0;

out_free:
	spin_unlock_bh(&t->lock);
	kmem_cache_free(tlsgw_stls_cache, f);
	return -EEXIST;
}

/**
 * tlsgw_stls_flow_create() - creates and hashes a flow for a client's SYN
 * @tn: the namespace
 * @k: the connection
 * @syns: the SYN's isn, wscale and win (the s2c_ fields unused)
 * @pol: the matching policy; the flow takes a reference
 *
 * Counts the flow as tracked, or as dropped if the table is full (after
 * trying to evict a SYN-only flow) or memory is short.
 *
 * Context: under RCU; takes the table lock.
 * Return: 0, -ENOSPC when dropped, -EEXIST if the flow exists (a
 * retransmitted SYN) or -ENOENT if @pol is being deleted.
 */
int tlsgw_stls_flow_create(struct tlsgw_net *tn,
			   const struct tlsgw_stls_key *k,
			   const struct tlsgw_stls_syns *syns,
			   struct tlsgw_stls_policy *pol)
{
	return tlsgw_stls_flow_add(tn, k, syns, false, pol, NULL);
}

/**
 * tlsgw_stls_flow_replace() - a new connection on an old flow's 4-tuple
 * @tn: the namespace
 * @old: the flow
 * @syns: the new connection's SYN and SYN-ACK
 *
 * The server acknowledged a new SYN on @old's 4-tuple with a SYN-ACK. @old
 * leaves the table; if a policy matches the new connection, an established
 * flow for it takes its place.
 *
 * Context: under RCU, without @old->lock; takes the table lock.
 */
void tlsgw_stls_flow_replace(struct tlsgw_net *tn, struct tlsgw_stls_flow *old,
			     const struct tlsgw_stls_syns *syns)
{
	const struct tlsgw_stls_key *k = &old->key;
	struct tlsgw_stls_table *t = tn->stls;
	struct tlsgw_stls_policy *pol;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "tlsgw: flow replace outside RCU");
	/* The policies may have changed since the old connection began. */
	pol = tlsgw_stls_policy_match(tn, k->family, &k->server,
				      ntohs(k->sport));
	if (pol && !tlsgw_stls_flow_add(tn, k, syns, true, pol, old))
		return;
	/* Not followed (or replaced by another CPU): old goes all the same. */
	spin_lock_bh(&t->lock);
	if (!old->unhashed)
		tlsgw_stls_flow_unhash(t, old);
	spin_unlock_bh(&t->lock);
}

static void tlsgw_stls_flow_free_rcu(struct rcu_head *head)
{
	struct tlsgw_stls_flow *f = container_of(head, struct tlsgw_stls_flow,
						 rcu);

	tlsgw_stls_policy_put(f->pol);
	kmem_cache_free(tlsgw_stls_cache, f);
}

/**
 * tlsgw_stls_ooo_free() - frees a flow's kept chunks
 * @t: the flow's table
 * @f: the flow
 *
 * Context: caller holds @f->lock.
 */
void tlsgw_stls_ooo_free(struct tlsgw_stls_table *t,
			 struct tlsgw_stls_flow *f)
{
	struct tlsgw_stls_chunk *c, *tmp;

	lockdep_assert_held(&f->lock);
	list_for_each_entry_safe(c, tmp, &f->ooo_q, node) {
		list_del(&c->node);
		kfree(c);
	}
	atomic_sub(f->ooo_bytes, &t->ooo_bytes);
	f->ooo_bytes = 0;
	f->ooo_n = 0;
}

/*
 * Caller holds t->lock. Readers that find f under RCU see unhashed under
 * f->lock and leave it alone, so its chunks can go now.
 */
static void tlsgw_stls_flow_unhash(struct tlsgw_stls_table *t,
				   struct tlsgw_stls_flow *f)
{
	lockdep_assert_held(&t->lock);
	spin_lock(&f->lock);
	f->unhashed = true;
	tlsgw_stls_ooo_free(t, f);
	spin_unlock(&f->lock);
	hlist_del_rcu(&f->node);
	list_del_init(&f->syn_node);
	WRITE_ONCE(t->n_flows, t->n_flows - 1);
	call_rcu(&f->rcu, tlsgw_stls_flow_free_rcu);
}

/*
 * Whether the collector forgets f now: 0 no, 1 yes (its connection ended
 * or never began), 2 yes while it may still be open (idle: a fall-back,
 * counted). syn_timeout is shorter while the table is nearly full.
 */
static int tlsgw_stls_flow_expired(struct tlsgw_stls_flow *f,
				   unsigned long now, unsigned long syn_timeout)
{
	unsigned long idle = READ_ONCE(starttls_idle_timeout) * HZ;
	unsigned long last;
	u8 state;

	spin_lock(&f->lock);
	last = f->last_seen;
	state = f->state;
	spin_unlock(&f->lock);
	switch (state) {
	case TLSGW_FLOW_CLOSED:
	case TLSGW_FLOW_BLOCKED:
		return time_after(now, last + TLSGW_STLS_LINGER);
	case TLSGW_FLOW_SYN_SENT:
		return time_after(now, last + syn_timeout);
	default:
		return idle && time_after(now, last + idle) ? 2 : 0;
	}
}

static void tlsgw_stls_gc(struct work_struct *work)
{
	struct tlsgw_stls_table *t = container_of(to_delayed_work(work),
						  struct tlsgw_stls_table, gc);
	struct tlsgw_net *tn = t->tn;
	unsigned long syn_timeout = TLSGW_STLS_SYN_TIMEOUT;
	unsigned long now = jiffies;
	struct tlsgw_stls_flow *f;
	struct hlist_node *tmp;
	bool more;
	int i, why;

	if (READ_ONCE(t->n_flows) > READ_ONCE(starttls_max_flows) / 4 * 3)
		syn_timeout = TLSGW_STLS_SYN_TIMEOUT_FULL;
	for (i = 0; i < TLSGW_STLS_BUCKETS; i++) {
		spin_lock_bh(&t->lock);
		hlist_for_each_entry_safe(f, tmp, &t->buckets[i], node) {
			why = tlsgw_stls_flow_expired(f, now, syn_timeout);
			if (why == 2)
				tlsgw_stls_count(tn, f->pol,
						 TLSGW_CTR_STARTTLS_FLOWS_EXPIRED);
			if (why)
				tlsgw_stls_flow_unhash(t, f);
		}
		spin_unlock_bh(&t->lock);
	}
	spin_lock_bh(&t->lock);
	more = t->n_flows && !t->dying;
	spin_unlock_bh(&t->lock);
	if (more)
		queue_delayed_work(system_wq, &t->gc, TLSGW_STLS_GC_INTERVAL);
}

/**
 * tlsgw_stls_flow_count() - tracked flows of a policy, or all
 * @tn: the namespace
 * @pol: the policy, or NULL for every flow
 *
 * Context: any that may take rcu_read_lock().
 * Return: the number of flows.
 */
unsigned int tlsgw_stls_flow_count(struct tlsgw_net *tn,
				   const struct tlsgw_stls_policy *pol)
{
	struct tlsgw_stls_table *t = tn->stls;
	struct tlsgw_stls_flow *f;
	unsigned int n = 0;
	int i;

	if (!pol)
		return READ_ONCE(t->n_flows);
	rcu_read_lock();
	for (i = 0; i < TLSGW_STLS_BUCKETS; i++)
		hlist_for_each_entry_rcu(f, &t->buckets[i], node)
			n += f->pol == pol;
	rcu_read_unlock();
	return n;
}

/**
 * tlsgw_stls_table_init() - allocates a namespace's flow table
 * @tn: the namespace
 *
 * Context: namespace init; sleeps.
 * Return: 0 or -ENOMEM.
 */
int tlsgw_stls_table_init(struct tlsgw_net *tn)
{
	struct tlsgw_stls_table *t;
	int i;

	t = kvzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->tn = tn;
	tn->stls = t;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->syns);
	for (i = 0; i < TLSGW_STLS_BUCKETS; i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	INIT_DELAYED_WORK(&t->gc, tlsgw_stls_gc);
	return 0;
}

/**
 * tlsgw_stls_table_flush() - frees every flow
 * @tn: the namespace
 *
 * No new flows, stop the collector, free every flow (the hooks are
 * unregistered already). tlsgw_stls_table_revive() allows new ones again.
 *
 * Context: process context; takes the table lock.
 */
void tlsgw_stls_table_flush(struct tlsgw_net *tn)
{
	struct tlsgw_stls_table *t = tn->stls;
	struct tlsgw_stls_flow *f;
	struct hlist_node *tmp;
	int i;

	spin_lock_bh(&t->lock);
	t->dying = true;
	spin_unlock_bh(&t->lock);
	cancel_delayed_work_sync(&t->gc);
	spin_lock_bh(&t->lock);
	for (i = 0; i < TLSGW_STLS_BUCKETS; i++)
		hlist_for_each_entry_safe(f, tmp, &t->buckets[i], node)
			tlsgw_stls_flow_unhash(t, f);
	spin_unlock_bh(&t->lock);
}

/**
 * tlsgw_stls_table_revive() - allows new flows again after a flush
 * @tn: the namespace
 *
 * Context: any; takes the table lock.
 */
void tlsgw_stls_table_revive(struct tlsgw_net *tn)
{
	spin_lock_bh(&tn->stls->lock);
	tn->stls->dying = false;
	spin_unlock_bh(&tn->stls->lock);
}

/**
 * tlsgw_stls_table_shutdown() - namespace exit: flushes and frees the table
 * @tn: the namespace
 *
 * The hooks are unregistered already (no packet reads the table), the
 * flush stopped the collector, and the flows' RCU callbacks free only
 * the flows.
 *
 * Context: process context.
 */
void tlsgw_stls_table_shutdown(struct tlsgw_net *tn)
{
	tlsgw_stls_table_flush(tn);
	kvfree(tn->stls);
	tn->stls = NULL;
}

/**
 * tlsgw_stls_flow_module_init() - the flow cache and the hash seed
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int tlsgw_stls_flow_module_init(void)
{
	tlsgw_stls_cache = KMEM_CACHE(tlsgw_stls_flow, SLAB_ACCOUNT);
	if (!tlsgw_stls_cache)
		return -ENOMEM;
	get_random_bytes(&tlsgw_stls_seed, sizeof(tlsgw_stls_seed));
	return 0;
}

/**
 * tlsgw_stls_flow_module_exit() - destroys the flow cache
 *
 * Context: module exit, after every namespace flushed its table; waits for
 * the RCU frees.
 */
void tlsgw_stls_flow_module_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(tlsgw_stls_cache);
}
