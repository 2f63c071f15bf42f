// SPDX-License-Identifier: GPL-2.0
/*
 * Name resolution for SOCKS5 DOMAINNAME requests: an upcall to tlsgwd.
 * The daemon registers a netlink socket; each lookup is sent to it as a
 * TLSGW_CMD_SOCKS_RESOLVE message with an id, and the answer (a request
 * carrying the same id) completes the request: nobody sleeps on it. The
 * submitter bounds the wait itself (tlsgw_resolve_timeout(), its timer)
 * and then cancels.
 *
 * Without a registered daemon (and socks_kernel_dns set), the kernel's
 * dns_resolver answers instead: dns_query() sleeps on a request-key
 * upcall (keyutils' key.dns_resolver, run in the initial namespaces), so
 * each such lookup is a work item of its own on tlsgw_dns_wq, which
 * serves nothing else; it holds a reference on the namespace and
 * completes the request by id like a daemon's answer.
 *
 * tn->resolve_lock guards the pending list, each request's pending flag,
 * error and addresses while it is listed, and the registration. A pending
 * request belongs to its submitter (see struct tlsgw_resolve_req).
 */

#include <linux/time64.h>
#include <linux/dns_resolver.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>

#include "core/netlink.h"
#include "socks/socks.h"

static unsigned int socks_resolve_timeout = 5;
module_param(socks_resolve_timeout, uint, 0644);
MODULE_PARM_DESC(socks_resolve_timeout, "seconds to wait for tlsgwd to resolve a SOCKS5 name (1 to 60)");

static unsigned int socks_max_resolves = 256;
module_param(socks_max_resolves, uint, 0644);
MODULE_PARM_DESC(socks_max_resolves, "pending SOCKS5 name lookups per network namespace");

static bool socks_kernel_dns = true;
module_param(socks_kernel_dns, bool, 0644);
MODULE_PARM_DESC(socks_kernel_dns, "resolve SOCKS5 names with the kernel's dns_resolver (request-key) while tlsgwd is not registered");

/* Kernel lookups at once, all namespaces; more wait their turn. */
#define TLSGW_DNS_ACTIVE	16

static struct workqueue_struct *tlsgw_dns_wq;

/**
 * struct tlsgw_dns_lookup - a lookup by dns_query()
 * @work: runs the lookup
 * @net: the request's namespace; a reference is held
 * @id: the request's id
 * @name: the name to look up
 */
struct tlsgw_dns_lookup {
	struct work_struct work;
	struct net *net;
	u64 id;
	char name[TLSGW_SOCKS_NAME_MAX + 1];
};

/**
 * tlsgw_resolve_timeout() - how long a name lookup may take
 *
 * Context: any.
 * Return: the socks_resolve_timeout module parameter in seconds, clamped
 * to [1, 60].
 */
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

/**
 * tlsgw_resolve_net_init() - initializes a namespace's upcall state
 * @tn: the namespace
 *
 * Context: namespace init.
 */
void tlsgw_resolve_net_init(struct tlsgw_net *tn)
{
	mutex_init(&tn->resolve_lock);
	INIT_LIST_HEAD(&tn->resolves);
}

/**
 * tlsgw_resolve_net_exit() - ends every pending request, refuses new ones
 * @tn: the namespace
 *
 * Each pending request's done() runs with -ESHUTDOWN.
 *
 * Context: process context (namespace exit); takes @tn->resolve_lock.
 */
void tlsgw_resolve_net_exit(struct tlsgw_net *tn)
{
	struct tlsgw_resolve_req *req, *tmp;

	mutex_lock(&tn->resolve_lock);
	tn->resolve_dying = true;
	list_for_each_entry_safe(req, tmp, &tn->resolves, node)
		tlsgw_resolve_end(tn, req, -ESHUTDOWN);
	mutex_unlock(&tn->resolve_lock);
}

/**
 * tlsgw_resolve_register() - makes a socket the namespace's resolver
 * @tn: the namespace
 * @portid: the socket's netlink port id
 *
 * Forgotten when that socket is released.
 *
 * Context: process context; takes @tn->resolve_lock.
 */
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

/**
 * tlsgw_resolve_module_init() - the lookup workqueue and the netlink notifier
 *
 * Context: module init, after the pernet state exists, before the family
 * is registered.
 * Return: 0 or a negative errno.
 */
int tlsgw_resolve_module_init(void)
{
	int err;

	tlsgw_dns_wq = alloc_workqueue("tlsgw_dns", WQ_UNBOUND,
				       TLSGW_DNS_ACTIVE);
	if (!tlsgw_dns_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&tlsgw_resolve_notifier);
	if (err)
		destroy_workqueue(tlsgw_dns_wq);
	return err;
}

/**
 * tlsgw_resolve_module_exit() - undoes tlsgw_resolve_module_init()
 *
 * Context: module exit, process context, before the pernet state goes:
 * kernel lookups still complete requests.
 */
void tlsgw_resolve_module_exit(void)
{
	netlink_unregister_notifier(&tlsgw_resolve_notifier);
	destroy_workqueue(tlsgw_dns_wq);
}

static int tlsgw_dns_start(struct tlsgw_net *tn, u64 id, const char *name);
static void tlsgw_resolve_fill(struct tlsgw_resolve_req *req,
			       const struct tlsgw_socks_addrs *addrs);

/* Lists req; returns the daemon's port id (0: the kernel's resolver). */
static int tlsgw_resolve_enqueue(struct tlsgw_net *tn,
				 struct tlsgw_resolve_req *req, u32 *portid)
{
	int err = 0;

	mutex_lock(&tn->resolve_lock);
	if (tn->resolve_dying)
		err = -ESHUTDOWN;
	else if (!tn->resolver_portid && !READ_ONCE(socks_kernel_dns))
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
	if (portid)
		err = tlsgw_genl_resolve_send(tn->net, portid, req->id, name);
	else
		err = tlsgw_dns_start(tn, req->id, name);
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

#if IS_REACHABLE(CONFIG_DNS_RESOLVER)
/* Appends the address text p (len bytes) to addrs; false if not one. */
static bool tlsgw_dns_addr(struct tlsgw_socks_addrs *addrs, const char *p,
			   size_t len)
{
	struct sockaddr_storage *ss = &addrs->addr[addrs->n];
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (in4_pton(p, len, (u8 *)&sin->sin_addr, -1, NULL)) {
		sin->sin_family = AF_INET;
	} else if (in6_pton(p, len, (u8 *)&sin6->sin6_addr, -1, NULL)) {
		sin6->sin6_family = AF_INET6;
		tlsgw_socks_unmap(ss);
	} else {
		return false;
	}
	addrs->n++;
	return true;
}

/* key.dns_resolver's answer: addresses separated by commas. */
static void tlsgw_dns_parse(struct tlsgw_socks_addrs *addrs, const char *p,
			    size_t len)
{
	const char *end = p + len, *comma;

	addrs->n = 0;
	while (p < end && addrs->n < TLSGW_SOCKS_ADDRS_MAX) {
		comma = memchr(p, ',', end - p) ?: end;
		tlsgw_dns_addr(addrs, p, comma - p);
		p = comma + 1;
	}
}

static void tlsgw_dns_work(struct work_struct *work)
{
	struct tlsgw_dns_lookup *l = container_of(work, struct tlsgw_dns_lookup,
						  work);
	struct tlsgw_net *tn = tlsgw_net(l->net);
	struct tlsgw_socks_addrs *addrs;
	char *result = NULL;
	int n, error;

	addrs = kzalloc(sizeof(*addrs), GFP_KERNEL_ACCOUNT);
	n = addrs ? dns_query(l->net, NULL, l->name, strlen(l->name), "list",
			      &result, NULL, false) : -ENOMEM;
	if (n > 0)
		tlsgw_dns_parse(addrs, result, n);
	/*
	 * key.dns_resolver rejects the key for a name it cannot resolve
	 * (the errno says little): host unreachable, as Dante answers;
	 * only our own shortage of memory is a general failure.
	 */
	if (n == -ENOMEM)
		error = -EAGAIN;
	else
		error = n > 0 && addrs->n ? 0 : -ENOENT;
	mutex_lock(&tn->resolve_lock);
	tlsgw_resolve_complete(tn, l->id, error, addrs);
	mutex_unlock(&tn->resolve_lock);
	kfree(result);
	kfree(addrs);
	put_net(l->net);
	kfree(l);
}

/* Queues a dns_query() lookup of name for request id. */
static int tlsgw_dns_start(struct tlsgw_net *tn, u64 id, const char *name)
{
	struct tlsgw_dns_lookup *l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);

	if (!l)
		return -ENOMEM;
	/* A namespace on its way out has no reference left to take. */
	l->net = maybe_get_net(tn->net);
	if (!l->net) {
		kfree(l);
		return -ESHUTDOWN;
	}
	l->id = id;
	strscpy(l->name, name, sizeof(l->name));
	INIT_WORK(&l->work, tlsgw_dns_work);
	queue_work(tlsgw_dns_wq, &l->work);
	return 0;
}
#else
/* A kernel without CONFIG_DNS_RESOLVER: as if nobody could resolve. */
static int tlsgw_dns_start(struct tlsgw_net *tn, u64 id, const char *name)
{
	return -ENOTCONN;
}
#endif

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
 *
 * Context: process context; takes @tn->resolve_lock.
 * Return: true while @req is pending.
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

/**
 * tlsgw_resolve_answer() - the daemon's answer to a request
 * @tn: the namespace
 * @portid: the answering socket; only the registered one may answer
 * @id: the request's id
 * @error: 0, -ENOENT or another errno
 * @addrs: the addresses, with @error 0
 *
 * Context: process context (a netlink request); takes @tn->resolve_lock.
 * Return: 0, -EPERM if @portid is not the resolver, or -ENOENT if the
 * request is not pending any more.
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
