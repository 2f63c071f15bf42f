// SPDX-License-Identifier: GPL-2.0
/*
 * Relayed TLS sessions: offload (take two sockets and the keys, install
 * kTLS, start the relay), the per-namespace table, limits, idle timeouts
 * and teardown. See session.h for lifetime and locking.
 */

#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "core/netlink.h"
#include "tls/session.h"

static unsigned int max_sessions = 10000;
module_param(max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions, "live sessions allowed per network namespace");

/*
 * The last reference may be dropped by a relay work after the namespace
 * began to exit: tn->sessions_alive tells tlsgw_sessions_shutdown() when
 * the last one is gone. wake_up_var() only hashes the address, so tn may
 * already be freed when it runs.
 */
static void tlsgw_session_gone(struct tlsgw_net *tn)
{
	if (atomic_dec_and_test(&tn->sessions_alive))
		wake_up_var(&tn->sessions_alive);
}

static void tlsgw_session_free(struct tlsgw_tls_session *s)
{
	struct tlsgw_net *tn = s->tn;

	tlsgw_relay_release(&s->relay);
	tlsgw_service_put(s->svc);
	kfree(s);
	tlsgw_session_gone(tn);
}

/* The last reference frees it and releases its sockets. */
static void tlsgw_session_put_tls(struct tlsgw_tls_session *s)
{
	if (refcount_dec_and_test(&s->ref))
		tlsgw_session_free(s);
}

static struct tlsgw_tls_session *tlsgw_session_of(struct tlsgw_relay *relay)
{
	return container_of(relay, struct tlsgw_tls_session, relay);
}

static void tlsgw_session_relay_get(struct tlsgw_relay *relay)
{
	refcount_inc(&tlsgw_session_of(relay)->ref);
}

static void tlsgw_session_relay_put(struct tlsgw_relay *relay)
{
	tlsgw_session_put_tls(tlsgw_session_of(relay));
}

static int tlsgw_close_counter(enum tlsgw_close_reason reason)
{
	switch (reason) {
	case TLSGW_CLOSE_DONE:
		return TLSGW_CTR_CLOSED_DONE;
	case TLSGW_CLOSE_CLIENT_RESET:
	case TLSGW_CLOSE_BACKEND_RESET:
		return TLSGW_CTR_CLOSED_RESET;
	case TLSGW_CLOSE_IDLE:
		return TLSGW_CTR_CLOSED_IDLE;
	case TLSGW_CLOSE_KILLED:
		return TLSGW_CTR_CLOSED_KILLED;
	case TLSGW_CLOSE_ALERT:
		return TLSGW_CTR_CLOSED_ALERT;
	case TLSGW_CLOSE_KEY_UPDATE:
		return TLSGW_CTR_CLOSED_KEY_UPDATE;
	case TLSGW_CLOSE_TLS_ERROR:
		return TLSGW_CTR_CLOSED_TLS_ERROR;
	default:
		return TLSGW_CTR_UNSPEC;
	}
}

static void tlsgw_session_count(struct tlsgw_tls_session *s, int which, u64 n)
{
	tlsgw_count(s->tn->ctr, which, n);
	tlsgw_count(s->svc->ctr, which, n);
}

/*
 * The relay ended: unlist (under tn->lock, so that the counters and the
 * live sessions' bytes are read consistently), account, tell listeners,
 * drop the registration's reference.
 */
static void tlsgw_session_closed(struct tlsgw_relay *relay,
				 enum tlsgw_close_reason reason)
{
	struct tlsgw_tls_session *s = tlsgw_session_of(relay);
	struct tlsgw_net *tn = s->tn;
	int ctr = tlsgw_close_counter(reason);
	bool event;

	mutex_lock(&tn->lock);
	event = tlsgw_session_unlist(&s->sess);
	tn->n_sessions--;
	s->svc->n_sessions--;
	mutex_unlock(&tn->lock);

	if (ctr)
		tlsgw_session_count(s, ctr, 1);
	if (test_bit(TLSGW_RELAY_ALERTED, &relay->flags))
		tlsgw_session_count(s, TLSGW_CTR_ALERTS_SENT, 1);
	tlsgw_session_count(s, TLSGW_CTR_BYTES_IN, relay->dir[0].bytes);
	tlsgw_session_count(s, TLSGW_CTR_BYTES_OUT, relay->dir[1].bytes);
	if (event)
		tlsgw_session_close_event(&s->sess, reason);
	tlsgw_session_put_tls(s);
}

static const struct tlsgw_relay_ops tlsgw_session_relay_ops = {
	.get = tlsgw_session_relay_get,
	.put = tlsgw_session_relay_put,
	.closed = tlsgw_session_closed,
};

/* Registry operations ----------------------------------------------------- */

static struct tlsgw_tls_session *tlsgw_tls_of(const struct tlsgw_session *sess)
{
	return container_of(sess, struct tlsgw_tls_session, sess);
}

static void tlsgw_tls_get(struct tlsgw_session *sess)
{
	refcount_inc(&tlsgw_tls_of(sess)->ref);
}

static void tlsgw_tls_put(struct tlsgw_session *sess)
{
	tlsgw_session_put_tls(tlsgw_tls_of(sess));
}

static void tlsgw_tls_close(struct tlsgw_session *sess,
			    enum tlsgw_close_reason reason)
{
	tlsgw_relay_close(&tlsgw_tls_of(sess)->relay, reason);
}

static int tlsgw_tls_fill(struct sk_buff *skb,
			  const struct tlsgw_session *sess)
{
	const struct tlsgw_tls_session *s = tlsgw_tls_of(sess);
	const struct tlsgw_relay *r = &s->relay;

	if (nla_put_u16(skb, TLSGW_SESS_A_TLS_VERSION, s->version) ||
	    nla_put_u16(skb, TLSGW_SESS_A_CIPHER, s->cipher) ||
	    nla_put_u64_64bit(skb, TLSGW_SESS_A_RECORDS_IN,
			      READ_ONCE(r->dir[0].records), TLSGW_SESS_A_PAD) ||
	    nla_put_u64_64bit(skb, TLSGW_SESS_A_RECORDS_OUT,
			      READ_ONCE(r->dir[1].records), TLSGW_SESS_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static const struct tlsgw_session_ops tlsgw_tls_session_ops = {
	.get = tlsgw_tls_get,
	.put = tlsgw_tls_put,
	.close = tlsgw_tls_close,
	.fill = tlsgw_tls_fill,
};

/* The extack macros want literals; these come from the tables below. */
static void tlsgw_side_msg(struct netlink_ext_ack *extack, const char *msg)
{
	if (extack)
		extack->_msg = msg;
}

/* Messages per side: [0] client, [1] backend. */
static const char *const tlsgw_msg_badfd[] = {
	"client fd is not an open socket", "backend fd is not an open socket" };
static const char *const tlsgw_msg_not_tcp[] = {
	"client fd is not a TCP socket", "backend fd is not a TCP socket" };
static const char *const tlsgw_msg_netns[] = {
	"client socket belongs to another network namespace",
	"backend socket belongs to another network namespace" };
static const char *const tlsgw_msg_state[] = {
	"client socket is not connected (ESTABLISHED)",
	"backend socket is not connected (ESTABLISHED)" };
static const char *const tlsgw_msg_ulp[] = {
	"client socket already has a ULP (kTLS?)",
	"backend socket already has a ULP (kTLS?)" };
static const char *const tlsgw_msg_busy[] = {
	"client socket is already in a session",
	"backend socket is already in a session" };

static int tlsgw_check_socket(struct socket *sock, struct tlsgw_net *tn,
			      int side, struct netlink_ext_ack *extack)
{
	struct sock *sk = sock->sk;
	int err = 0;

	if (sock->type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		tlsgw_side_msg(extack, tlsgw_msg_not_tcp[side]);
		return -EPROTOTYPE;
	}
	if (!net_eq(sock_net(sk), tn->net)) {
		tlsgw_side_msg(extack, tlsgw_msg_netns[side]);
		return -EINVAL;
	}
	lock_sock(sk);
	if (sk->sk_state != TCP_ESTABLISHED) {
		tlsgw_side_msg(extack, tlsgw_msg_state[side]);
		err = -ENOTCONN;
	} else if (inet_csk(sk)->icsk_ulp_ops) {
		tlsgw_side_msg(extack, tlsgw_msg_ulp[side]);
		err = -EBUSY;
	}
	release_sock(sk);
	return err;
}

static struct socket *tlsgw_lookup_socket(struct tlsgw_net *tn, int fd,
					  int side,
					  struct netlink_ext_ack *extack)
{
	struct socket *sock;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		tlsgw_side_msg(extack, tlsgw_msg_badfd[side]);
		return ERR_PTR(err);
	}
	err = tlsgw_check_socket(sock, tn, side, extack);
	if (err) {
		sockfd_put(sock);
		return ERR_PTR(err);
	}
	return sock;
}

/* Takes a slot against the limits; caller holds tn->lock. */
static int tlsgw_session_reserve(struct tlsgw_net *tn,
				 struct tlsgw_service *svc,
				 struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&tn->lock);
	if (tn->dying)
		return -ENODEV;
	if (tn->n_sessions >= READ_ONCE(max_sessions)) {
		NL_SET_ERR_MSG_MOD(extack, "session limit of the namespace reached (max_sessions)");
		return -ENOSPC;
	}
	if (svc->max_sessions && svc->n_sessions >= svc->max_sessions) {
		NL_SET_ERR_MSG_MOD(extack, "session limit of the service reached");
		return -ENOSPC;
	}
	tn->n_sessions++;
	svc->n_sessions++;
	kref_get(&svc->ref);
	return 0;
}

static void tlsgw_session_unreserve(struct tlsgw_net *tn,
				    struct tlsgw_service *svc)
{
	mutex_lock(&tn->lock);
	tn->n_sessions--;
	svc->n_sessions--;
	mutex_unlock(&tn->lock);
	tlsgw_service_put(svc);
}

static struct tlsgw_service *tlsgw_session_slot(struct tlsgw_net *tn,
						const char *name,
						struct netlink_ext_ack *extack)
{
	struct tlsgw_service *svc;
	int err;

	mutex_lock(&tn->lock);
	svc = tlsgw_service_find(tn, name);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		err = -ENOENT;
	} else {
		err = tlsgw_session_reserve(tn, svc, extack);
	}
	if (err == -ENOSPC) {
		tlsgw_count(tn->ctr, TLSGW_CTR_LIMIT_REJECTED, 1);
		tlsgw_count(svc->ctr, TLSGW_CTR_LIMIT_REJECTED, 1);
	}
	mutex_unlock(&tn->lock);
	return err ? ERR_PTR(err) : svc;
}

/**
 * struct tlsgw_session_keys - the pre-start step's argument
 * @o: the offload request, with the keys
 * @extack: for the reason of a failure
 */
struct tlsgw_session_keys {
	const struct tlsgw_offload *o;
	struct netlink_ext_ack *extack;
};

/*
 * The relay's pre-start step: kTLS goes on after our callbacks, so that
 * it wraps them and wakes the relay once per complete record. Once the
 * ULP is attached the client connection cannot go back to userspace: a
 * later failure resets it.
 */
static int tlsgw_session_ktls(struct tlsgw_relay *relay, void *arg)
{
	const struct tlsgw_session_keys *k = arg;
	struct socket *client = relay->side[0].sock;
	int err;

	err = tlsgw_ktls_attach(client, k->extack);
	if (err)
		return err;
	relay->client_tls = true;
	err = tlsgw_ktls_install(client, &k->o->keys, true, k->extack);
	if (!err)
		err = tlsgw_ktls_install(client, &k->o->keys, false, k->extack);
	if (err) {
		sock_no_linger(client->sk);
		kernel_sock_shutdown(client, SHUT_RDWR);
	}
	return err;
}

static int tlsgw_session_setup(struct tlsgw_net *tn, struct tlsgw_service *svc,
			       const struct tlsgw_offload *o,
			       struct socket *client, struct socket *backend,
			       u64 *id, struct netlink_ext_ack *extack)
{
	struct tlsgw_session_keys keys = { .o = o, .extack = extack };
	struct tlsgw_relay_conf conf = {
		.ops = &tlsgw_session_relay_ops,
		.sock = { client, backend },
		.initial = o->initial,
		.initial_len = o->initial_len,
		.prestart = tlsgw_session_ktls,
		.arg = &keys,
	};
	struct tlsgw_tls_session *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	refcount_set(&s->ref, 1);
	s->tn = tn;
	s->svc = svc;
	s->version = o->keys.version;
	s->cipher = o->keys.cipher;
	tlsgw_session_init(&s->sess, &tlsgw_tls_session_ops,
			   TLSGW_SESSION_KIND_TLS, svc, svc->name,
			   &svc->idle_timeout);
	err = tlsgw_relay_setup(&s->relay, &conf);
	if (err) {
		/* Nothing was listed: the sockets go back to the caller. */
		if (conf.busy >= 0)
			tlsgw_side_msg(extack, tlsgw_msg_busy[conf.busy]);
		kfree(s);
		return err;
	}
	atomic_inc(&tn->sessions_alive);
	/*
	 * Registered, the session can be closed (collector, SESSION_DEL,
	 * SERVICE_DEL) and its registration's reference dropped at any time:
	 * setup holds its own until it is done with s.
	 */
	refcount_inc(&s->ref);
	tlsgw_session_count(s, TLSGW_CTR_SESSIONS_OPENED, 1);
	tlsgw_session_register(&tn->sessions, &s->sess, &s->relay);
	*id = s->sess.id;
	tlsgw_relay_start(&s->relay);
	tlsgw_session_put_tls(s);
	return 0;
}

/**
 * tlsgw_session_offload() - makes a relayed session of two sockets
 * @tn: the namespace
 * @o: the service, the caller's socket file descriptors and the keys
 * @id: the new session's id, on success
 * @extack: for the reason of a failure
 *
 * Validates the keys, takes a slot of the service, installs kTLS on the
 * client socket and starts the relay; on success the session owns the
 * sockets. A failure counts as OFFLOAD_FAILED.
 *
 * Context: process context (a netlink request); takes @tn->lock.
 * Return: 0 or a negative errno.
 */
int tlsgw_session_offload(struct tlsgw_net *tn, const struct tlsgw_offload *o,
			  u64 *id, struct netlink_ext_ack *extack)
{
	struct socket *client, *backend = NULL;
	struct tlsgw_service *svc;
	int err;

	err = tlsgw_ktls_validate(&o->keys, extack);
	if (err)
		goto fail;
	client = tlsgw_lookup_socket(tn, o->client_fd, 0, extack);
	if (IS_ERR(client)) {
		err = PTR_ERR(client);
		goto fail;
	}
	backend = tlsgw_lookup_socket(tn, o->backend_fd, 1, extack);
	if (IS_ERR(backend)) {
		err = PTR_ERR(backend);
		goto put_client;
	}
	if (client->sk == backend->sk) {
		NL_SET_ERR_MSG_MOD(extack, "client and backend are the same socket");
		err = -EINVAL;
		goto put_backend;
	}
	svc = tlsgw_session_slot(tn, o->service, extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto put_backend;
	}
	err = tlsgw_session_setup(tn, svc, o, client, backend, id, extack);
	if (!err)
		return 0;	/* the session owns the sockets now */
	tlsgw_session_unreserve(tn, svc);
put_backend:
	sockfd_put(backend);
put_client:
	sockfd_put(client);
fail:
	tlsgw_count(tn->ctr, TLSGW_CTR_OFFLOAD_FAILED, 1);
	return err;
}

/**
 * tlsgw_sessions_close_service() - closes every session of a service
 * @tn: the namespace
 * @svc: the service
 *
 * Context: process context; takes the registry's lock, then closes
 * outside it.
 */
void tlsgw_sessions_close_service(struct tlsgw_net *tn,
				  struct tlsgw_service *svc)
{
	tlsgw_sessions_close_owner(&tn->sessions, svc, TLSGW_CLOSE_KILLED);
}

/**
 * __tlsgw_sessions_bytes() - live sessions and their relayed bytes
 * @tn: the namespace
 * @svc: only the sessions of this service, or NULL for all
 * @in: the bytes they relayed from the client so far
 * @out: the bytes they relayed to the client so far
 *
 * The counters hold only those of closed sessions.
 *
 * Context: caller holds @tn->lock.
 * Return: the number of live sessions.
 */
unsigned int __tlsgw_sessions_bytes(struct tlsgw_net *tn,
				    struct tlsgw_service *svc, u64 *in,
				    u64 *out)
{
	lockdep_assert_held(&tn->lock);
	return tlsgw_registry_bytes(&tn->sessions, TLSGW_SESSION_KIND_TLS, svc,
				    in, out);
}

/**
 * tlsgw_sessions_bytes() - __tlsgw_sessions_bytes() under @tn->lock
 * @tn: the namespace
 * @svc: only the sessions of this service, or NULL for all
 * @in: the bytes they relayed from the client so far
 * @out: the bytes they relayed to the client so far
 *
 * Context: process context; takes @tn->lock.
 * Return: the number of live sessions.
 */
unsigned int tlsgw_sessions_bytes(struct tlsgw_net *tn,
				  struct tlsgw_service *svc, u64 *in, u64 *out)
{
	unsigned int n;

	mutex_lock(&tn->lock);
	n = __tlsgw_sessions_bytes(tn, svc, in, out);
	mutex_unlock(&tn->lock);
	return n;
}

/**
 * tlsgw_sessions_shutdown() - ends every session of a namespace
 * @tn: the namespace
 *
 * Namespace exit (module unload): end every session and stop the
 * collector. A relay work may be closing a session concurrently (it won
 * the close and is on its way to tlsgw_session_closed()), or hold the
 * last reference: wait until this namespace's sessions are all freed, so
 * that nobody touches tn once this returns. Other namespaces' relays are
 * none of its business.
 *
 * Context: process context; sleeps.
 */
void tlsgw_sessions_shutdown(struct tlsgw_net *tn)
{
	mutex_lock(&tn->lock);
	tn->dying = true;
	mutex_unlock(&tn->lock);
	tlsgw_registry_shutdown(&tn->sessions);
	wait_var_event(&tn->sessions_alive, !atomic_read(&tn->sessions_alive));
}
