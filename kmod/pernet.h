/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_PERNET_H
#define _TLSGW_PERNET_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include <linux/tlsgw.h>

#include "starttls_flow.h"

/*
 * Per network namespace state. Created by the pernet init hook before the
 * namespace is visible to any netlink request and freed by the core after
 * the exit hook, which ends every session of the namespace first.
 *
 * lock (a mutex: it is taken in netlink requests, the relay workqueue and
 * the idle collector, all process context) guards the service and session
 * lists, their counts, next_session_id and dying. Counters are atomic and
 * need no lock.
 *
 * STARTTLS: lock also guards stls_policies (the netfilter hooks read it
 * under RCU), n_stls_policies, n_stls_fail_closed (the fail-closed ones;
 * the hooks read it with READ_ONCE() to skip the untracked check) and
 * stls_hooks (whether this namespace's netfilter hooks are registered:
 * exactly while a policy exists). The flow table has its own lock
 * (starttls_flow.h).
 */
struct tlsgw_net {
	struct net *net;
	struct mutex lock;		/* see above */
	struct list_head services;
	unsigned int n_services;
	struct list_head sessions;	/* in increasing id order */
	unsigned int n_sessions;
	atomic_t sessions_alive;	/* allocated, listed or not */
	u64 next_session_id;
	bool dying;			/* no new sessions */
	struct delayed_work gc;		/* idle timeouts */
	atomic64_t ctr[__TLSGW_CTR_MAX];
	/* SOCKS5 services (socks.c), under lock */
	struct list_head socks;
	unsigned int n_socks;
	atomic_t socks_alive;		/* services allocated, listed or not */
	/* Name resolution upcalls (socks_resolve.c), under resolve_lock */
	struct mutex resolve_lock;
	struct list_head resolves;	/* pending upcalls */
	unsigned int n_resolves;
	u64 next_resolve_id;
	u32 resolver_portid;		/* 0: no daemon registered */
	bool resolve_dying;
	/* STARTTLS policies and flows (starttls_*.c), see above */
	struct list_head stls_policies;
	unsigned int n_stls_policies;
	unsigned int n_stls_fail_closed;
	bool stls_hooks;
	struct tlsgw_stls_table stls;
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
