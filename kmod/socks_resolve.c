// SPDX-License-Identifier: GPL-2.0
/*
 * Name resolution for SOCKS5 DOMAINNAME requests: an upcall to tlsgwd.
 * The daemon registers a netlink socket; each lookup is sent to it as a
 * TLSGW_CMD_SOCKS_RESOLVE message with an id, and the answer (a request
 * carrying the same id) completes the waiter. Waiters sleep in process
 * context (the SOCKS work) for at most socks_resolve_timeout seconds.
 *
 * tn->resolve_lock guards the pending list and the registration. A
 * pending request lives on its waiter's stack: the answer fills it under
 * the lock, and the waiter unlists it under the lock before returning.
 */

#include <linux/completion.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>

#include "netlink.h"
#include "socks.h"

static unsigned int socks_resolve_timeout = 5;
module_param(socks_resolve_timeout, uint, 0644);
MODULE_PARM_DESC(socks_resolve_timeout, "seconds to wait for tlsgwd to resolve a SOCKS5 name (1 to 60)");

static unsigned int socks_max_resolves = 256;
module_param(socks_max_resolves, uint, 0644);
MODULE_PARM_DESC(socks_max_resolves, "pending SOCKS5 name lookups per network namespace");

struct tlsgw_resolve_req {
	struct list_head node;
	u64 id;
	u16 port;
	int error;
	struct tlsgw_socks_addrs *out;
	struct completion done;
};

void tlsgw_resolve_net_init(struct tlsgw_net *tn)
{
	mutex_init(&tn->resolve_lock);
	INIT_LIST_HEAD(&tn->resolves);
}

/* Wakes every waiter and refuses new lookups. */
void tlsgw_resolve_net_exit(struct tlsgw_net *tn)
{
	struct tlsgw_resolve_req *req;

	mutex_lock(&tn->resolve_lock);
	tn->resolve_dying = true;
	list_for_each_entry(req, &tn->resolves, node) {
		req->error = -ESHUTDOWN;
		complete(&req->done);
	}
	mutex_unlock(&tn->resolve_lock);
}

void tlsgw_resolve_register(struct tlsgw_net *tn, u32 portid)
{
	mutex_lock(&tn->resolve_lock);
	tn->resolver_portid = portid;
	mutex_unlock(&tn->resolve_lock);
}

/*
 * The daemon's socket is gone: forget its port id, which another socket
 * (any user's) may bind next and would then receive every lookup.
 */
static int tlsgw_resolve_release(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct tlsgw_net *tn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	tn = tlsgw_net(n->net);
	mutex_lock(&tn->resolve_lock);
	if (tn->resolver_portid == n->portid)
		tn->resolver_portid = 0;
	mutex_unlock(&tn->resolve_lock);
	return NOTIFY_DONE;
}

static struct notifier_block tlsgw_resolve_notifier = {
	.notifier_call = tlsgw_resolve_release,
};

/* After the pernet state exists, before the family is registered. */
int tlsgw_resolve_module_init(void)
{
	return netlink_register_notifier(&tlsgw_resolve_notifier);
}

void tlsgw_resolve_module_exit(void)
{
	netlink_unregister_notifier(&tlsgw_resolve_notifier);
}

/* Lists req; returns the daemon's port id or an error. */
static int tlsgw_resolve_enqueue(struct tlsgw_net *tn,
				 struct tlsgw_resolve_req *req, u32 *portid)
{
	int err = 0;

	mutex_lock(&tn->resolve_lock);
	if (tn->resolve_dying)
		err = -ESHUTDOWN;
	else if (!tn->resolver_portid)
		err = -ENOTCONN;
	else if (tn->n_resolves >= READ_ONCE(socks_max_resolves))
		err = -EBUSY;
	if (!err) {
		req->id = ++tn->next_resolve_id;
		*portid = tn->resolver_portid;
		list_add_tail(&req->node, &tn->resolves);
		tn->n_resolves++;
	}
	mutex_unlock(&tn->resolve_lock);
	return err;
}

/*
 * Resolves name; out gets up to TLSGW_SOCKS_ADDRS_MAX addresses with port.
 * -ENOENT: no such name; other errors: the lookup could not be made.
 */
int tlsgw_resolve(struct tlsgw_net *tn, const char *name, u16 port,
		  struct tlsgw_socks_addrs *out)
{
	unsigned long timeout = clamp(READ_ONCE(socks_resolve_timeout), 1U,
				      60U) * HZ;
	struct tlsgw_resolve_req req = { .port = port, .out = out };
	u32 portid;
	int err;

	init_completion(&req.done);
	err = tlsgw_resolve_enqueue(tn, &req, &portid);
	if (err)
		return err;
	err = tlsgw_genl_resolve_send(tn->net, portid, req.id, name);
	if (!err)
		err = wait_for_completion_timeout(&req.done, timeout) ?
		      req.error : -ETIMEDOUT;

	mutex_lock(&tn->resolve_lock);
	list_del(&req.node);
	tn->n_resolves--;
	/* A daemon that cannot be reached is gone. */
	if (err == -ECONNREFUSED && tn->resolver_portid == portid)
		tn->resolver_portid = 0;
	mutex_unlock(&tn->resolve_lock);
	/* The lookup was not made: not the destination's fault. */
	if (err == -ECONNREFUSED)
		err = -ENOTCONN;
	else if (err == -ETIMEDOUT)
		err = -EAGAIN;
	if (!err && !out->n)
		err = -ENOENT;
	return err;
}

static void tlsgw_resolve_fill(struct tlsgw_resolve_req *req,
			       const struct tlsgw_socks_addrs *addrs)
{
	unsigned int i;

	for (i = 0; i < addrs->n; i++) {
		req->out->addr[i] = addrs->addr[i];
		if (addrs->addr[i].ss_family == AF_INET6)
			((struct sockaddr_in6 *)&req->out->addr[i])->sin6_port =
				htons(req->port);
		else
			((struct sockaddr_in *)&req->out->addr[i])->sin_port =
				htons(req->port);
	}
	req->out->n = addrs->n;
}

/*
 * The daemon's answer, from the socket of port id portid (only the one
 * registered may answer): error is 0, -ENOENT or another errno.
 */
int tlsgw_resolve_answer(struct tlsgw_net *tn, u32 portid, u64 id, int error,
			 const struct tlsgw_socks_addrs *addrs)
{
	struct tlsgw_resolve_req *req;
	int err = -ENOENT;

	mutex_lock(&tn->resolve_lock);
	if (portid != tn->resolver_portid) {
		mutex_unlock(&tn->resolve_lock);
		return -EPERM;
	}
	list_for_each_entry(req, &tn->resolves, node) {
		if (req->id != id)
			continue;
		if (!completion_done(&req->done)) {
			req->error = error;
			if (!error)
				tlsgw_resolve_fill(req, addrs);
			complete(&req->done);
			err = 0;
		}
		break;
	}
	mutex_unlock(&tn->resolve_lock);
	return err;
}
