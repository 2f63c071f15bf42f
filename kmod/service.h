/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_SERVICE_H
#define _TLSGW_SERVICE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/netlink.h>

#include "pernet.h"

/*
 * A TLS-terminating service: a name that groups sessions for limits and
 * accounting. Listed in tn->services under tn->lock, which also guards
 * max_sessions and n_sessions; idle_timeout is read locklessly by the idle
 * collector. Each session holds a reference, so a deleted service lives
 * until its last session is freed.
 */
struct tlsgw_service {
	struct list_head node;
	struct kref ref;
	char name[TLSGW_NAME_MAX];
	u32 max_sessions;
	u32 idle_timeout;		/* seconds, 0: none */
	unsigned int n_sessions;
	atomic64_t ctr[__TLSGW_CTR_MAX];
};

#define TLSGW_IDLE_TIMEOUT_DEFAULT	300

struct tlsgw_service_conf {
	const char *name;
	bool has_max_sessions;
	u32 max_sessions;
	bool has_idle_timeout;
	u32 idle_timeout;
};

struct tlsgw_service *tlsgw_service_find(struct tlsgw_net *tn,
					 const char *name);
int tlsgw_service_set(struct tlsgw_net *tn, const struct tlsgw_service_conf *c,
		      bool create, bool replace, struct netlink_ext_ack *extack);
int tlsgw_service_del(struct tlsgw_net *tn, const char *name,
		      struct netlink_ext_ack *extack);
void tlsgw_service_put(struct tlsgw_service *svc);
void tlsgw_services_flush(struct tlsgw_net *tn);

#endif /* _TLSGW_SERVICE_H */
