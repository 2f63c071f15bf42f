/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_STARTTLS_HOOK_H
#define _TLSGW_STARTTLS_HOOK_H

#include <linux/types.h>
#include <net/net_namespace.h>

/**
 * struct tlsgw_stls_event - a STARTTLS finding, as the hooks report it
 * @policy: name of the flow's policy
 * @flow_id: the flow's id
 * @proto: enum tlsgw_starttls_proto
 * @finding: enum tlsgw_starttls_finding
 * @blocked: the flow was reset for it
 *
 * No addresses, no data.
 */
struct tlsgw_stls_event {
	const char *policy;
	u64 flow_id;
	u8 proto;
	u8 finding;
	bool blocked;
};

void tlsgw_genl_stls_event(struct net *net, const struct tlsgw_stls_event *ev);

int tlsgw_stls_hooks_register(struct net *net);
void tlsgw_stls_hooks_unregister(struct net *net);

#endif /* _TLSGW_STARTTLS_HOOK_H */
