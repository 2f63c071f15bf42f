// SPDX-License-Identifier: GPL-2.0
/*
 * tlsgw: a TLS gateway whose data path runs in the kernel.
 *
 * Module entry points. Pernet state exists before the netlink family is
 * registered and outlives it, so no request can see a namespace without
 * its state; the relay workqueue outlives both, so that sessions closed
 * on the way out can finish.
 */

#include <linux/module.h>

#include "core/feature.h"
#include "core/netlink.h"
#include "core/pernet.h"
#include "core/relay.h"
#include "core/version.h"

const struct tlsgw_feature *const tlsgw_features[TLSGW_FEATURES] = {
	&tlsgw_registry_feature,
	&tlsgw_tls_feature,
	&tlsgw_socks_feature,
	&tlsgw_stls_feature,
};

/* Undoes the first n features' init (or start), last first. */
static void tlsgw_features_exit(int n)
{
	while (n--)
		if (tlsgw_features[n]->exit)
			tlsgw_features[n]->exit();
}

static void tlsgw_features_stop(int n)
{
	while (n--)
		if (tlsgw_features[n]->stop)
			tlsgw_features[n]->stop();
}

static int __init tlsgw_init(void)
{
	const struct tlsgw_feature *f;
	int err, i, j;

	err = tlsgw_relay_module_init();
	if (err)
		return err;

	for (i = 0; i < TLSGW_FEATURES; i++) {
		f = tlsgw_features[i];
		err = f->init ? f->init() : 0;
		if (err)
			goto features_exit;
	}

	err = tlsgw_pernet_init();
	if (err)
		goto features_exit;

	for (j = 0; j < TLSGW_FEATURES; j++) {
		f = tlsgw_features[j];
		err = f->start ? f->start() : 0;
		if (err)
			goto features_stop;
	}

	err = tlsgw_genl_init();
	if (err)
		goto features_stop;

	pr_info("tlsgw " TLSGW_VERSION " loaded\n");
	return 0;

features_stop:
	tlsgw_features_stop(j);
	tlsgw_pernet_exit();
features_exit:
	tlsgw_features_exit(i);
	tlsgw_relay_module_exit();
	return err;
}

static void __exit tlsgw_exit(void)
{
	tlsgw_genl_exit();
	tlsgw_features_stop(TLSGW_FEATURES);
	/* Ends every session of every namespace. */
	tlsgw_pernet_exit();
	/* STARTTLS flows are freed after an RCU grace period. */
	tlsgw_features_exit(TLSGW_FEATURES);
	/* Runs what the sessions queued; the last of them frees them. */
	tlsgw_relay_module_exit();
	pr_info("tlsgw " TLSGW_VERSION " unloaded\n");
}

module_init(tlsgw_init);
module_exit(tlsgw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TLS gateway: kTLS termination, relay, SOCKS5 and STARTTLS policing");
MODULE_AUTHOR("tlsgw developers");
MODULE_VERSION(TLSGW_VERSION);
/* kTLS (tls.ko) is installed on relayed sockets by name via TCP_ULP. */
MODULE_SOFTDEP("pre: tls");
