/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_SERVICE_H
#define _TLSGW_SERVICE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/netlink.h>

#include "core/pernet.h"

/**
 * struct tlsgw_service - a TLS-terminating service
 * @node: in tn->services; under tn->lock
 * @ref: the list's reference and one per session
 * @name: the service's name, constant
 * @max_sessions: session limit, 0: none; under tn->lock
 * @idle_timeout: seconds, 0: none; written under tn->lock with
 *	WRITE_ONCE(), read locklessly by the idle collector
 * @n_sessions: sessions holding a slot of the service; under tn->lock
 * @ctr: the service's counters (atomic)
 *
 * A name that groups sessions for limits and accounting. Each session
 * holds a reference, so a deleted service lives until its last session
 * is freed.
 */
struct tlsgw_service {
	struct list_head node;
	struct kref ref;
	char name[TLSGW_NAME_MAX];
	u32 max_sessions;
	u32 idle_timeout;
	unsigned int n_sessions;
	atomic64_t ctr[__TLSGW_CTR_MAX];
};

#define TLSGW_IDLE_TIMEOUT_DEFAULT	300

/**
 * struct tlsgw_service_conf - a request to create or change a service
 * @name: the service's name
 * @has_max_sessions: @max_sessions is set
 * @max_sessions: session limit, 0: none
 * @has_idle_timeout: @idle_timeout is set
 * @idle_timeout: seconds, 0: none
 */
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
int tlsgw_tls_net_init(struct tlsgw_net *tn);
void tlsgw_tls_net_exit(struct tlsgw_net *tn);

#endif /* _TLSGW_SERVICE_H */
