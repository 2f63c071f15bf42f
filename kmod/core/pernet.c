// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state of tlsgw.
 */

#include <net/netns/generic.h>

#include "core/feature.h"
#include "core/pernet.h"

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

/* Ends the first n features in tn, last first. */
static void tlsgw_net_features_exit(struct tlsgw_net *tn, int n)
{
	while (n--)
		if (tlsgw_features[n]->net_exit)
			tlsgw_features[n]->net_exit(tn);
}

static int __net_init tlsgw_net_init(struct net *net)
{
	struct tlsgw_net *tn = tlsgw_net(net);
	const struct tlsgw_feature *f;
	int err, i;

	tn->net = net;
	mutex_init(&tn->lock);
	tlsgw_registry_init(&tn->sessions, net);
	for (i = 0; i < TLSGW_FEATURES; i++) {
		f = tlsgw_features[i];
		err = f->net_init ? f->net_init(tn) : 0;
		if (err) {
			tlsgw_net_features_exit(tn, i);
			mutex_destroy(&tn->lock);
			return err;
		}
	}
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

	tlsgw_net_features_exit(tn, TLSGW_FEATURES);
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
