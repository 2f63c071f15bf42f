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

#include "core/netlink.h"
#include "core/pernet.h"
#include "core/relay.h"
#include "socks/socks.h"
#include "starttls/flow.h"
#include "core/version.h"

static int __init tlsgw_init(void)
{
	int err;

	err = tlsgw_relay_module_init();
	if (err)
		return err;

	err = tlsgw_socks_module_init();
	if (err)
		goto relay_exit;

	err = tlsgw_stls_flow_module_init();
	if (err)
		goto socks_exit;

	err = tlsgw_pernet_init();
	if (err)
		goto stls_exit;

	err = tlsgw_resolve_module_init();
	if (err)
		goto pernet_exit;

	err = tlsgw_genl_init();
	if (err)
		goto resolve_exit;

	pr_info("tlsgw " TLSGW_VERSION " loaded\n");
	return 0;

resolve_exit:
	tlsgw_resolve_module_exit();
pernet_exit:
	tlsgw_pernet_exit();
stls_exit:
	tlsgw_stls_flow_module_exit();
socks_exit:
	tlsgw_socks_module_exit();
relay_exit:
	tlsgw_relay_module_exit();
	return err;
}

static void __exit tlsgw_exit(void)
{
	tlsgw_genl_exit();
	tlsgw_resolve_module_exit();
	/* Ends every session of every namespace. */
	tlsgw_pernet_exit();
	/* Flows are freed after an RCU grace period. */
	tlsgw_stls_flow_module_exit();
	tlsgw_socks_module_exit();
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
