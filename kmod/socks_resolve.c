// SPDX-License-Identifier: GPL-2.0
/*
 * Name resolution for SOCKS5 DOMAINNAME requests: an upcall to tlsgwd.
 * The daemon registers a netlink socket; each lookup is sent to it as a
 * TLSGW_CMD_SOCKS_RESOLVE message with an id, and the answer (a request
 * carrying the same id) completes the request: nobody sleeps on it. The
 * submitter bounds the wait itself (tlsgw_resolve_timeout(), its timer)
 * and then cancels.
 *
 * tn->resolve_lock guards the pending list, each request's pending flag,
 * error and addresses while it is listed, and the registration. A pending
 * request belongs to its submitter (see struct tlsgw_resolve_req).
 */

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

unsigned int tlsgw_resolve_timeout(void)
{
	return clamp(READ_ONCE(socks_resolve_timeout), 1U, 60U);
}

/* Unlists a pending request and calls its done(). */
static void tlsgw_resolve_end(struct tlsgw_net *tn,
			      struct tlsgw_resolve_req *req, int error)
{
	lockdep_assert_held(&tn->resolve_lock);
	list_del(&req->node);
	tn->n_resolves--;
	req->pending = false;
	req->error = error;
	req->done(req);
}

void tlsgw_resolve_net_init(struct tlsgw_net *tn)
{
	mutex_init(&tn->resolve_lock);
	INIT_LIST_HEAD(&tn->resolves);
}

/* Ends every pending request and refuses new lookups. */
void tlsgw_resolve_net_exit(struct tlsgw_net *tn)
{
	struct tlsgw_resolve_req *req, *tmp;

	mutex_lock(&tn->resolve_lock);
	tn->resolve_dying = true;
	list_for_each_entry_safe(req, tmp, &tn->resolves, node)
		tlsgw_resolve_end(tn, req, -ESHUTDOWN);
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

static void tlsgw_resolve_fill(struct tlsgw_resolve_req *req,
			       const struct tlsgw_socks_addrs *addrs);

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
		req->pending = true;
		req->error = 0;
		req->out->n = 0;
		*portid = tn->resolver_portid;
		list_add_tail(&req->node, &tn->resolves);
		tn->n_resolves++;
	}
	mutex_unlock(&tn->resolve_lock);
	return err;
}

/**
 * tlsgw_resolve_start - send a lookup of @name
 * @tn: the namespace
 * @req: port, out and done set by the caller
 * @name: NUL-terminated
 *
 * Return: 0 when @req is pending (@req->done will be called, unless
 * tlsgw_resolve_cancel() wins), or an error when no lookup was made
 * (-ENOTCONN: no resolver registered).
 */
int tlsgw_resolve_start(struct tlsgw_net *tn, struct tlsgw_resolve_req *req,
			const char *name)
{
	u32 portid;
	int err;

	err = tlsgw_resolve_enqueue(tn, req, &portid);
	if (err)
		return err;
	err = tlsgw_genl_resolve_send(tn->net, portid, req->id, name);
	if (!err)
		return 0;
	mutex_lock(&tn->resolve_lock);
	/* A daemon that cannot be reached is gone. */
	if (err == -ECONNREFUSED && tn->resolver_portid == portid)
		tn->resolver_portid = 0;
	if (!req->pending) {
		err = 0;	/* ended meanwhile (namespace exit): done ran */
	} else {
		list_del(&req->node);
		tn->n_resolves--;
		req->pending = false;
	}
	mutex_unlock(&tn->resolve_lock);
	/* The lookup was not made: not the destination's fault. */
	return err == -ECONNREFUSED ? -ENOTCONN : err;
}

/*
 * Ends the pending request id with error and addrs (ports not set yet);
 * -ENOENT if it is not pending any more.
 */
static int tlsgw_resolve_complete(struct tlsgw_net *tn, u64 id, int error,
				  const struct tlsgw_socks_addrs *addrs)
{
	struct tlsgw_resolve_req *req;

	lockdep_assert_held(&tn->resolve_lock);
	list_for_each_entry(req, &tn->resolves, node) {
		if (req->id != id)
			continue;
		if (!error)
			tlsgw_resolve_fill(req, addrs);
		tlsgw_resolve_end(tn, req, error);
		return 0;
	}
	return -ENOENT;
}

/**
 * tlsgw_resolve_cancel - forget a request (timeout, the client left)
 * @tn: the namespace
 * @req: started or not
 *
 * Return: true if @req was pending: its done() will not be called.
 */
bool tlsgw_resolve_cancel(struct tlsgw_net *tn, struct tlsgw_resolve_req *req)
{
	bool was;

	mutex_lock(&tn->resolve_lock);
	was = req->pending;
	if (was) {
		list_del(&req->node);
		tn->n_resolves--;
		req->pending = false;
	}
	mutex_unlock(&tn->resolve_lock);
	return was;
}

/**
 * tlsgw_resolve_pending - whether @req still waits for its answer
 * @tn: the namespace
 * @req: the request
 *
 * Once false, the answer in @req can be read (the lock orders it).
 */
bool tlsgw_resolve_pending(struct tlsgw_net *tn, struct tlsgw_resolve_req *req)
{
	bool pending;

	mutex_lock(&tn->resolve_lock);
	pending = req->pending;
	mutex_unlock(&tn->resolve_lock);
	return pending;
}

/**
 * tlsgw_resolve_result - the outcome of a request whose done() ran
 * @req: the request
 *
 * Return: 0 with addresses in @req->out, -ENOENT for no such name, or why
 * the lookup failed.
 */
int tlsgw_resolve_result(const struct tlsgw_resolve_req *req)
{
	if (!req->error && !req->out->n)
		return -ENOENT;
	return req->error;
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
	int err;

	mutex_lock(&tn->resolve_lock);
	if (!portid || portid != tn->resolver_portid)
		err = -EPERM;
	else
		err = tlsgw_resolve_complete(tn, id, error, addrs);
	mutex_unlock(&tn->resolve_lock);
	return err;
}
