// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state of tlsgw.
 */

#include <net/netns/generic.h>

#include "pernet.h"
#include "service.h"
#include "session.h"
#include "socks.h"
#include "starttls_policy.h"

static unsigned int tlsgw_net_id __read_mostly;
static atomic_t tlsgw_nets = ATOMIC_INIT(0);

/**
 * tlsgw_net() - the per namespace state of tlsgw
 * @net: the namespace
 *
 * Context: any; @net must be alive.
 * Return: @net's struct tlsgw_net.
 */
struct tlsgw_net *tlsgw_net(const struct net *net)
{
	return net_generic(net, tlsgw_net_id);
}

/**
 * tlsgw_net_count() - number of namespaces the module currently serves
 *
 * Context: any.
 * Return: the number of namespaces.
 */
unsigned int tlsgw_net_count(void)
{
	return atomic_read(&tlsgw_nets);
}

static int __net_init tlsgw_net_init(struct net *net)
{
	struct tlsgw_net *tn = tlsgw_net(net);

	tn->net = net;
	mutex_init(&tn->lock);
	INIT_LIST_HEAD(&tn->services);
	tlsgw_registry_init(&tn->sessions, net);
	tlsgw_socks_net_init(tn);
	INIT_LIST_HEAD(&tn->stls_policies);
	tlsgw_stls_table_init(tn);
	atomic_inc(&tlsgw_nets);
	return 0;
}

/*
 * Sockets from userspace pin their namespace, so a namespace with sessions
 * only goes away here when the module is unloaded.
 */
static void __net_exit tlsgw_net_exit(struct net *net)
{
	struct tlsgw_net *tn = tlsgw_net(net);

	tlsgw_socks_net_exit(tn);
	tlsgw_sessions_shutdown(tn);
	/* Hooks first: after that no packet can reach a flow or policy. */
	tlsgw_stls_policies_flush(tn);
	tlsgw_stls_table_shutdown(tn);
	tlsgw_services_flush(tn);
	mutex_destroy(&tn->lock);
	atomic_dec(&tlsgw_nets);
}

static struct pernet_operations tlsgw_net_ops = {
	.init = tlsgw_net_init,
	.exit = tlsgw_net_exit,
	.id = &tlsgw_net_id,
	.size = sizeof(struct tlsgw_net),
};

/**
 * tlsgw_pernet_init() - registers the per namespace operations
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int tlsgw_pernet_init(void)
{
	return register_pernet_subsys(&tlsgw_net_ops);
}

/**
 * tlsgw_pernet_exit() - unregisters the per namespace operations
 *
 * Context: module exit, process context. Every namespace's exit hook
 * runs before it returns.
 */
void tlsgw_pernet_exit(void)
{
	unregister_pernet_subsys(&tlsgw_net_ops);
}
