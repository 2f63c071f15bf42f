/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_PERNET_H
#define _TLSGW_PERNET_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include <linux/tlsgw.h>

#include "core/registry.h"

struct tlsgw_stls_table;

/**
 * struct tlsgw_net - per network namespace state
 * @net: the namespace
 * @lock: see Locking
 * @services: struct tlsgw_service list; under @lock
 * @n_services: length of @services; under @lock
 * @sessions: the session registry (every kind), with its own lock
 * @n_sessions: TLS sessions holding a slot of the namespace's limit;
 *	under @lock
 * @sessions_alive: TLS sessions allocated, listed or not (atomic)
 * @dying: no new TLS sessions; under @lock
 * @ctr: the namespace's counters (atomic)
 * @socks: SOCKS5 services (socks/service.c); under @lock
 * @n_socks: length of @socks; under @lock
 * @socks_alive: SOCKS5 services allocated, listed or not (atomic)
 * @resolve_lock: guards the name resolution upcalls (socks/resolve.c):
 *	@resolves, @n_resolves, @next_resolve_id, @resolver_portid and
 *	@resolve_dying
 * @resolves: pending upcalls; under @resolve_lock
 * @n_resolves: length of @resolves; under @resolve_lock
 * @next_resolve_id: id of the next upcall; under @resolve_lock
 * @resolver_portid: netlink port id of the registered resolver, 0: none;
 *	under @resolve_lock
 * @resolve_dying: no new upcalls; under @resolve_lock
 * @stls_policies: STARTTLS policies (starttls/policy.c); written under
 *	@lock, read by the netfilter hooks under RCU
 * @n_stls_policies: length of @stls_policies; under @lock
 * @n_stls_fail_closed: fail-closed policies of @stls_policies; written
 *	under @lock, read by the hooks with READ_ONCE() to skip the
 *	untracked check
 * @stls_hooks: whether this namespace's netfilter hooks are registered
 *	(exactly while a policy exists); under @lock
 * @stls: the STARTTLS flow table (starttls/flow.h), with its own lock;
 *	allocated by the feature's namespace init, constant until its exit
 *
 * Lifetime: created by the pernet init hook before the namespace is
 * visible to any netlink request and freed by the core after the exit
 * hook, which ends every session of the namespace first.
 *
 * Locking: @lock is a mutex (it is taken in netlink requests, the relay
 * workqueue and the idle collector, all process context) and guards the
 * members marked so above. The registry's lock nests inside it.
 * Counters are atomic and need no lock.
 */
struct tlsgw_net {
	struct net *net;
	struct mutex lock;		/* see Locking */
	struct list_head services;
	unsigned int n_services;
	struct tlsgw_registry sessions;
	unsigned int n_sessions;
	atomic_t sessions_alive;
	bool dying;
	atomic64_t ctr[__TLSGW_CTR_MAX];
	struct list_head socks;
	unsigned int n_socks;
	atomic_t socks_alive;
	struct mutex resolve_lock;	/* see its member doc */
	struct list_head resolves;
	unsigned int n_resolves;
	u64 next_resolve_id;
	u32 resolver_portid;
	bool resolve_dying;
	struct list_head stls_policies;
	unsigned int n_stls_policies;
	unsigned int n_stls_fail_closed;
	bool stls_hooks;
	struct tlsgw_stls_table *stls;
};

struct tlsgw_net *tlsgw_net(const struct net *net);
unsigned int tlsgw_net_count(void);

static inline void tlsgw_count(atomic64_t *ctr, int which, u64 n)
{
	atomic64_add(n, &ctr[which]);
}

/* Gauges are computed when reported; everything else starts over. */
static inline void tlsgw_counters_reset(atomic64_t *ctr)
{
	int i;

	for (i = 0; i < __TLSGW_CTR_MAX; i++)
		atomic64_set(&ctr[i], 0);
}

int tlsgw_pernet_init(void);
void tlsgw_pernet_exit(void);

#endif /* _TLSGW_PERNET_H */
