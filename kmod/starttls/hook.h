/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_STARTTLS_HOOK_H
#define _TLSGW_STARTTLS_HOOK_H

#include <net/net_namespace.h>

int tlsgw_stls_hooks_register(struct net *net);
void tlsgw_stls_hooks_unregister(struct net *net);

#endif /* _TLSGW_STARTTLS_HOOK_H */
