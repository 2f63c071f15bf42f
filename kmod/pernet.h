/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_PERNET_H
#define _TLSGW_PERNET_H

#include <linux/atomic.h>
#include <net/net_namespace.h>

/*
 * Per network namespace state. Created by the pernet init hook before the
 * namespace is visible to any netlink request and freed by the core after
 * the exit hook, once no request can still be running in the namespace:
 * holders of a struct net reference may use it without further locking.
 * Counters are atomic and need no lock.
 */
struct tlsgw_net {
	struct net *net;
	atomic64_t requests;
};

struct tlsgw_net *tlsgw_net(const struct net *net);
unsigned int tlsgw_net_count(void);

int tlsgw_pernet_init(void);
void tlsgw_pernet_exit(void);

#endif /* _TLSGW_PERNET_H */
