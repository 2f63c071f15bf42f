// SPDX-License-Identifier: GPL-2.0
/*
 * SOCKS5 services: the listening socket and its accept work, the
 * per-namespace list, timeouts and teardown. See socks.h for lifetime and
 * locking.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "socks/socks.h"

static unsigned int socks_connect_timeout = 10;
module_param(socks_connect_timeout, uint, 0644);
MODULE_PARM_DESC(socks_connect_timeout, "seconds for a SOCKS5 outgoing connect (1 to 600)");

static unsigned int socks_bind_timeout = 60;
module_param(socks_bind_timeout, uint, 0644);
MODULE_PARM_DESC(socks_bind_timeout, "seconds a SOCKS5 BIND waits for its peer (1 to 3600)");

static unsigned int socks_max_source_negotiations = 256;
module_param(socks_max_source_negotiations, uint, 0644);
MODULE_PARM_DESC(socks_max_source_negotiations, "SOCKS5 connections from one address that may be negotiating at once, per service (0: no limit)");

#define TLSGW_SOCKS_BACKLOG	128
#define TLSGW_SOCKS_ACCEPT_BUDGET	64	/* connections per work run */

static struct workqueue_struct *socks_wq;

/**
 * tlsgw_socks_wq() - the SOCKS5 workqueue
 *
 * Context: any, between module init and exit.
 * Return: the workqueue of the accept, collector and connection works.
 */
struct workqueue_struct *tlsgw_socks_wq(void)
{
	return socks_wq;
}

/**
 * tlsgw_socks_connect_timeout() - the CONNECT timeout
 *
 * Context: any.
 * Return: the socks_connect_timeout module parameter in seconds, clamped
 * to [1, 600].
 */
unsigned int tlsgw_socks_connect_timeout(void)
{
	return clamp(READ_ONCE(socks_connect_timeout), 1U, 600U);
}

/**
 * tlsgw_socks_bind_timeout() - the BIND timeout
 *
 * Context: any.
 * Return: the socks_bind_timeout module parameter in seconds, clamped to
 * [1, 3600].
 */
unsigned int tlsgw_socks_bind_timeout(void)
{
	return clamp(READ_ONCE(socks_bind_timeout), 1U, 3600U);
}

/**
 * tlsgw_socks_source_limit() - negotiations a client address may have
 *
 * Context: any.
 * Return: the socks_max_source_negotiations module parameter.
 */
unsigned int tlsgw_socks_source_limit(void)
{
	return READ_ONCE(socks_max_source_negotiations);
}

/*
 * The last reference goes with the service's last connection, maybe in a
 * work after the namespace began to exit: tn->socks_alive tells
 * tlsgw_socks_net_exit() when no service (and so no connection) is left.
 * wake_up_var() only hashes the address: tn may be gone when it runs.
 */
static void tlsgw_socks_free(struct kref *ref)
{
	struct tlsgw_socks_svc *svc = container_of(ref, struct tlsgw_socks_svc,
						   ref);
	struct tlsgw_net *tn = svc->tn;

	tlsgw_socks_users_flush(svc);
	tlsgw_socks_rules_flush(svc);
	mutex_destroy(&svc->lock);
	kfree(svc);
	if (atomic_dec_and_test(&tn->socks_alive))
		wake_up_var(&tn->socks_alive);
}

/**
 * tlsgw_socks_put() - drops a reference on a service
 * @svc: the service
 *
 * The last reference goes with the service's last connection, maybe in a
 * work after the namespace began to exit: tn->socks_alive tells
 * tlsgw_socks_net_exit() when no service (and so no connection) is left.
 *
 * Context: process context.
 */
void tlsgw_socks_put(struct tlsgw_socks_svc *svc)
{
	kref_put(&svc->ref, tlsgw_socks_free);
}

/**
 * tlsgw_socks_count() - counts for the service and the user
 * @conn: the connection
 * @which: TLSGW_SOCKS_CTR_*
 * @n: how much
 *
 * Counts for the service and, once authenticated, for the user.
 *
 * Context: any.
 */
void tlsgw_socks_count(struct tlsgw_socks_conn *conn, int which, u64 n)
{
	atomic64_add(n, &conn->svc->ctr[which]);
	if (conn->user)
		atomic64_add(n, &conn->user->ctr[which]);
}

/**
 * tlsgw_socks_find() - looks a service up by name
 * @tn: the namespace
 * @name: the service's name
 *
 * Context: caller holds @tn->lock.
 * Return: the service (no reference taken), or NULL.
 */
struct tlsgw_socks_svc *tlsgw_socks_find(struct tlsgw_net *tn,
					 const char *name)
{
	struct tlsgw_socks_svc *svc;

	lockdep_assert_held(&tn->lock);
	list_for_each_entry(svc, &tn->socks, node)
		if (!strcmp(svc->name, name))
			return svc;
	return NULL;
}

/**
 * tlsgw_socks_get() - looks a service up by name and takes a reference
 * @tn: the namespace
 * @name: the service's name
 *
 * Context: process context; takes @tn->lock.
 * Return: the service with a reference the caller puts, or NULL.
 */
struct tlsgw_socks_svc *tlsgw_socks_get(struct tlsgw_net *tn,
					const char *name)
{
	struct tlsgw_socks_svc *svc;

	mutex_lock(&tn->lock);
	svc = tlsgw_socks_find(tn, name);
	if (svc)
		kref_get(&svc->ref);
	mutex_unlock(&tn->lock);
	return svc;
}

/* Accept work ------------------------------------------------------------- */

static void tlsgw_socks_admit(struct tlsgw_socks_svc *svc,
			      struct socket *sock)
{
	struct tlsgw_socks_conn *conn = tlsgw_socks_conn_new(svc, sock);

	if (IS_ERR(conn)) {
		sock_no_linger(sock->sk);
		sock_release(sock);
		if (PTR_ERR(conn) == -ENOSPC)
			atomic64_inc(&svc->ctr[TLSGW_SOCKS_CTR_LIMIT_REJECTED]);
		else if (PTR_ERR(conn) == -EMFILE)
			atomic64_inc(&svc->ctr[TLSGW_SOCKS_CTR_SOURCE_LIMITED]);
		return;
	}
	atomic64_inc(&svc->ctr[TLSGW_SOCKS_CTR_CONNECTIONS]);
	tlsgw_socks_conn_start(conn);
}

/*
 * A connection is waiting on the listener (softirq). sk_user_data is
 * flagged NOCOPY: the children do not inherit it, and our callback on
 * them does nothing until the accept work gives them the stock one back.
 */
static void tlsgw_socks_listen_ready(struct sock *sk)
{
	struct tlsgw_socks_svc *svc;

	read_lock_bh(&sk->sk_callback_lock);
	svc = (void *)((uintptr_t)sk->sk_user_data & SK_USER_DATA_PTRMASK);
	if (svc)
		mod_delayed_work(socks_wq, &svc->accept, 0);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* Our own fresh listening socket: nobody else can have claimed it. */
static void tlsgw_socks_hook_listener(struct tlsgw_socks_svc *svc)
{
	struct sock *sk = svc->lsock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (!WARN_ON_ONCE(!tlsgw_sk_claim(sk, (void *)((uintptr_t)svc |
						       SK_USER_DATA_NOCOPY)))) {
		svc->lsock_data_ready = sk->sk_data_ready;
		WRITE_ONCE(sk->sk_data_ready, tlsgw_socks_listen_ready);
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* On the listener, or on a child that inherited our callback. */
static void tlsgw_socks_unhook_listener(struct tlsgw_socks_svc *svc,
					struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready == tlsgw_socks_listen_ready) {
		WRITE_ONCE(sk->sk_data_ready, svc->lsock_data_ready);
		tlsgw_sk_unclaim(sk, svc);	/* a child has no claim */
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/*
 * Accepts without blocking until the queue is empty (a budget per run,
 * then it yields); the listener's callback queues it again.
 */
static void tlsgw_socks_accept(struct work_struct *work)
{
	struct tlsgw_socks_svc *svc = container_of(to_delayed_work(work),
						   struct tlsgw_socks_svc,
						   accept);
	int budget = TLSGW_SOCKS_ACCEPT_BUDGET;
	struct socket *sock;
	int err;

	while (budget--) {
		err = kernel_accept(svc->lsock, &sock, O_NONBLOCK);
		if (err == -EAGAIN)
			return;
		if (err == -ENOMEM || err == -ENFILE) {
			/* let memory come back */
			queue_delayed_work(socks_wq, &svc->accept, HZ / 50);
			return;
		}
		if (err && READ_ONCE(svc->lsock->sk->sk_state) != TCP_LISTEN)
			return;	/* shut down */
		if (err)
			continue;
		tlsgw_socks_unhook_listener(svc, sock->sk);
		tlsgw_socks_admit(svc, sock);
	}
	mod_delayed_work(socks_wq, &svc->accept, 0);	/* more: yield */
}

/* Create and delete ------------------------------------------------------- */

static int tlsgw_socks_listen(struct tlsgw_net *tn,
			      struct tlsgw_socks_svc *svc,
			      const struct sockaddr_storage *addr,
			      struct netlink_ext_ack *extack)
{
	int len = addr->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					       sizeof(struct sockaddr_in6);
	struct socket *sock;
	int err;

	err = sock_create_kern(tn->net, addr->ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot create the listening socket");
		return err;
	}
	sock_set_reuseaddr(sock->sk);
	err = kernel_bind(sock, (struct sockaddr *)addr, len);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot bind the listening address");
		goto fail;
	}
	err = kernel_listen(sock, TLSGW_SOCKS_BACKLOG);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot listen");
		goto fail;
	}
	err = kernel_getsockname(sock, (struct sockaddr *)&svc->listen);
	if (err < 0)
		goto fail;
	svc->lsock = sock;
	return 0;
fail:
	sock_release(sock);
	return err;
}

static struct tlsgw_socks_svc *tlsgw_socks_alloc(struct tlsgw_net *tn,
						 const struct tlsgw_socks_conf *c)
{
	struct tlsgw_socks_svc *svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);

	if (!svc)
		return NULL;
	kref_init(&svc->ref);
	svc->tn = tn;
	strscpy(svc->name, c->name, sizeof(svc->name));
	svc->auth = c->auth;
	svc->flags = c->flags;
	svc->max_sessions = c->max_sessions;
	svc->neg_timeout = c->neg_timeout;
	svc->idle_timeout = c->idle_timeout;
	mutex_init(&svc->lock);
	INIT_LIST_HEAD(&svc->users);
	INIT_LIST_HEAD(&svc->rules);
	INIT_DELAYED_WORK(&svc->accept, tlsgw_socks_accept);
	atomic_inc(&tn->socks_alive);
	return svc;
}

/*
 * Stops accepting and ends every connection (those the registry's idle
 * collector is ending at the same time are left to it).
 */
static void tlsgw_socks_stop(struct tlsgw_socks_svc *svc)
{
	mutex_lock(&svc->lock);
	svc->dead = true;
	mutex_unlock(&svc->lock);

	if (svc->lsock) {
		/* No callback queues it any more; it may requeue itself. */
		tlsgw_socks_unhook_listener(svc, svc->lsock->sk);
		cancel_delayed_work_sync(&svc->accept);
		kernel_sock_shutdown(svc->lsock, SHUT_RDWR);
	}

	tlsgw_sessions_close_owner(&svc->tn->sessions, svc, TLSGW_CLOSE_KILLED);
	if (svc->lsock) {
		sock_release(svc->lsock);
		svc->lsock = NULL;
	}
}

/**
 * tlsgw_socks_new() - creates a service and starts listening
 * @tn: the namespace
 * @c: the service
 * @extack: for the reason of a refusal
 *
 * Context: process context; takes @tn->lock.
 * Return: 0, -ENOMEM, -EEXIST, -ENOSPC (too many services) or the error of
 * making the listening socket.
 */
int tlsgw_socks_new(struct tlsgw_net *tn, const struct tlsgw_socks_conf *c,
		    struct netlink_ext_ack *extack)
{
	struct tlsgw_socks_svc *svc;
	int err;

	svc = tlsgw_socks_alloc(tn, c);
	if (!svc)
		return -ENOMEM;

	mutex_lock(&tn->lock);
	if (tlsgw_socks_find(tn, c->name)) {
		NL_SET_ERR_MSG_MOD(extack, "a SOCKS5 service of that name exists");
		err = -EEXIST;
		goto unlock;
	}
	if (tn->n_socks >= TLSGW_SOCKS_SERVICES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many SOCKS5 services in this namespace");
		err = -ENOSPC;
		goto unlock;
	}
	err = tlsgw_socks_listen(tn, svc, &c->listen, extack);
	if (err)
		goto unlock;
	list_add_tail(&svc->node, &tn->socks);
	tn->n_socks++;
	tlsgw_socks_hook_listener(svc);
	mutex_unlock(&tn->lock);
	/* Clients may have queued before the hook. */
	mod_delayed_work(socks_wq, &svc->accept, 0);
	return 0;

unlock:
	mutex_unlock(&tn->lock);
	tlsgw_socks_stop(svc);
	tlsgw_socks_put(svc);
	return err;
}

/**
 * tlsgw_socks_del() - deletes a service and stops it
 * @tn: the namespace
 * @name: the service's name
 * @extack: for the reason of a refusal
 *
 * Context: process context; takes @tn->lock.
 * Return: 0 or -ENOENT.
 */
int tlsgw_socks_del(struct tlsgw_net *tn, const char *name,
		    struct netlink_ext_ack *extack)
{
	struct tlsgw_socks_svc *svc;

	mutex_lock(&tn->lock);
	svc = tlsgw_socks_find(tn, name);
	if (svc) {
		list_del(&svc->node);
		tn->n_socks--;
	}
	mutex_unlock(&tn->lock);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such SOCKS5 service");
		return -ENOENT;
	}
	tlsgw_socks_stop(svc);
	tlsgw_socks_put(svc);
	return 0;
}

/**
 * tlsgw_socks_net_init() - initializes a namespace's SOCKS5 state
 * @tn: the namespace
 *
 * Context: namespace init.
 */
void tlsgw_socks_net_init(struct tlsgw_net *tn)
{
	INIT_LIST_HEAD(&tn->socks);
	tlsgw_resolve_net_init(tn);
}

/**
 * tlsgw_socks_net_exit() - namespace exit: ends every SOCKS5 service
 * @tn: the namespace
 *
 * Kernel sockets do not pin the namespace, so everything must be closed
 * here: first the upcalls (works waiting for an answer return), then the
 * services, then wait for this namespace's works that still hold them.
 *
 * Context: process context; sleeps.
 */
void tlsgw_socks_net_exit(struct tlsgw_net *tn)
{
	struct tlsgw_socks_svc *svc;

	tlsgw_resolve_net_exit(tn);
	for (;;) {
		mutex_lock(&tn->lock);
		svc = list_first_entry_or_null(&tn->socks,
					       struct tlsgw_socks_svc, node);
		if (svc) {
			list_del(&svc->node);
			tn->n_socks--;
		}
		mutex_unlock(&tn->lock);
		if (!svc)
			break;
		tlsgw_socks_stop(svc);
		tlsgw_socks_put(svc);
	}
	/*
	 * Works of this namespace's connections (negotiation, relay) may
	 * still hold the last references; other namespaces' are none of
	 * its business.
	 */
	wait_var_event(&tn->socks_alive, !atomic_read(&tn->socks_alive));
}

/**
 * tlsgw_socks_module_init() - the SOCKS5 workqueue and hash
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int tlsgw_socks_module_init(void)
{
	int err;

	socks_wq = alloc_workqueue("tlsgw_socks", WQ_UNBOUND, 0);
	if (!socks_wq)
		return -ENOMEM;
	err = tlsgw_socks_auth_init();
	if (err)
		destroy_workqueue(socks_wq);
	return err;
}

/**
 * tlsgw_socks_module_exit() - undoes tlsgw_socks_module_init()
 *
 * Context: module exit, process context.
 */
void tlsgw_socks_module_exit(void)
{
	tlsgw_socks_auth_exit();
	destroy_workqueue(socks_wq);
}
