// SPDX-License-Identifier: GPL-2.0
/*
 * TLS-terminating services: names with limits that sessions belong to.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "tls/service.h"
#include "tls/session.h"

/**
 * tlsgw_service_find() - looks a service up by name
 * @tn: the namespace
 * @name: the service's name
 *
 * Context: caller holds @tn->lock.
 * Return: the service (no reference taken), or NULL.
 */
struct tlsgw_service *tlsgw_service_find(struct tlsgw_net *tn,
					 const char *name)
{
	struct tlsgw_service *svc;

	lockdep_assert_held(&tn->lock);
	list_for_each_entry(svc, &tn->services, node)
		if (!strcmp(svc->name, name))
			return svc;
	return NULL;
}

static struct tlsgw_service *tlsgw_service_new(struct tlsgw_net *tn,
					       const char *name,
					       struct netlink_ext_ack *extack)
{
	struct tlsgw_service *svc;

	if (tn->n_services >= TLSGW_SERVICES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many services in this namespace");
		return ERR_PTR(-ENOSPC);
	}
	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	kref_init(&svc->ref);
	strscpy(svc->name, name, sizeof(svc->name));
	svc->idle_timeout = TLSGW_IDLE_TIMEOUT_DEFAULT;
	list_add_tail(&svc->node, &tn->services);
	tn->n_services++;
	return svc;
}

/**
 * tlsgw_service_set() - creates or changes a service
 * @tn: the namespace
 * @c: the name and the settings given
 * @create: a missing service is made
 * @replace: an existing service is changed
 * @extack: for the reason of a refusal
 *
 * An existing service changes only with @replace; a missing one is made
 * only with @create.
 *
 * Context: process context; takes @tn->lock.
 * Return: 0, -EEXIST, -ENOENT, or -ENOSPC (too many services) or -ENOMEM
 * when creating.
 */
int tlsgw_service_set(struct tlsgw_net *tn, const struct tlsgw_service_conf *c,
		      bool create, bool replace, struct netlink_ext_ack *extack)
{
	struct tlsgw_service *svc;
	int err = 0;

	mutex_lock(&tn->lock);
	svc = tlsgw_service_find(tn, c->name);
	if (svc && !replace) {
		NL_SET_ERR_MSG_MOD(extack, "service exists (TLSGW_SVC_F_REPLACE changes it)");
		err = -EEXIST;
		goto out;
	}
	if (!svc && !create) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		err = -ENOENT;
		goto out;
	}
	if (!svc) {
		svc = tlsgw_service_new(tn, c->name, extack);
		if (IS_ERR(svc)) {
			err = PTR_ERR(svc);
			goto out;
		}
	}
	if (c->has_max_sessions)
		svc->max_sessions = c->max_sessions;
	if (c->has_idle_timeout)
		WRITE_ONCE(svc->idle_timeout, c->idle_timeout);
out:
	mutex_unlock(&tn->lock);
	return err;
}

static void tlsgw_service_free(struct kref *ref)
{
	kfree(container_of(ref, struct tlsgw_service, ref));
}

/**
 * tlsgw_service_put() - drops a reference on a service
 * @svc: the service
 *
 * Frees it with the last reference.
 *
 * Context: any.
 */
void tlsgw_service_put(struct tlsgw_service *svc)
{
	kref_put(&svc->ref, tlsgw_service_free);
}

/**
 * tlsgw_service_del() - deletes a service and closes its sessions
 * @tn: the namespace
 * @name: the service's name
 * @extack: for the reason of a refusal
 *
 * Context: process context; takes @tn->lock.
 * Return: 0 or -ENOENT.
 */
int tlsgw_service_del(struct tlsgw_net *tn, const char *name,
		      struct netlink_ext_ack *extack)
{
	struct tlsgw_service *svc;

	mutex_lock(&tn->lock);
	svc = tlsgw_service_find(tn, name);
	if (svc) {
		list_del(&svc->node);
		tn->n_services--;
	}
	mutex_unlock(&tn->lock);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		return -ENOENT;
	}
	tlsgw_sessions_close_service(tn, svc);
	tlsgw_service_put(svc);
	return 0;
}

/**
 * tlsgw_services_flush() - deletes every service of a namespace
 * @tn: the namespace
 *
 * Namespace exit: its sessions are gone already.
 *
 * Context: process context; takes @tn->lock.
 */
void tlsgw_services_flush(struct tlsgw_net *tn)
{
	struct tlsgw_service *svc, *tmp;

	mutex_lock(&tn->lock);
	list_for_each_entry_safe(svc, tmp, &tn->services, node) {
		list_del(&svc->node);
		tlsgw_service_put(svc);
	}
	tn->n_services = 0;
	mutex_unlock(&tn->lock);
}

/**
 * tlsgw_tls_net_init() - a namespace's TLS state
 * @tn: the namespace
 *
 * Context: namespace init.
 * Return: 0.
 */
int tlsgw_tls_net_init(struct tlsgw_net *tn)
{
	INIT_LIST_HEAD(&tn->services);
	return 0;
}

/**
 * tlsgw_tls_net_exit() - ends TLS in a namespace
 * @tn: the namespace
 *
 * Sessions first: they hold their services.
 *
 * Context: namespace exit; sleeps.
 */
void tlsgw_tls_net_exit(struct tlsgw_net *tn)
{
	tlsgw_sessions_shutdown(tn);
	tlsgw_services_flush(tn);
}
