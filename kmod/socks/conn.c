// SPDX-License-Identifier: GPL-2.0
/*
 * One SOCKS5 client: greeting, RFC 1929 authentication and the request are
 * parsed by a work item as bytes arrive (the socket callbacks queue it);
 * the request is then carried out by the same work as a state machine
 * that never sleeps on a peer: the resolver's answer, the callbacks of
 * the outgoing (or BIND listening) socket and a per-connection timer
 * (resolve, connect and BIND timeouts) queue it again. A client that
 * leaves meanwhile ends it. On success the relay engine (CONNECT, BIND) or
 * udp.c (UDP ASSOCIATE) takes over. See socks.h for lifetime and
 * locking.
 */

#include <asm/unaligned.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "core/netlink.h"
#include "socks/socks.h"

#define SOCKS_VERSION		5
#define SOCKS_AUTH_VERSION	1
#define SOCKS_METHOD_NONE	0x00
#define SOCKS_METHOD_USERPASS	0x02
#define SOCKS_METHOD_REFUSED	0xff
#define SOCKS_ATYP_IPV4		1
#define SOCKS_ATYP_DOMAIN	3
#define SOCKS_ATYP_IPV6		4

/* Socket callbacks -------------------------------------------------------- */

/**
 * tlsgw_socks_conn_kick() - queues the connection's work
 * @conn: the connection; the caller holds a reference
 *
 * The queued work takes a reference of its own.
 *
 * Context: any.
 */
void tlsgw_socks_conn_kick(struct tlsgw_socks_conn *conn)
{
	refcount_inc(&conn->ref);
	tlsgw_socks_conn_kick_put(conn);
}

/**
 * tlsgw_socks_conn_kick_put() - queues the work with the caller's reference
 * @conn: the connection
 *
 * Queues the work with a reference the caller holds and gives up. If the
 * work is queued already, that queued work holds a reference of its own,
 * so this put is never the last.
 *
 * Context: any.
 */
void tlsgw_socks_conn_kick_put(struct tlsgw_socks_conn *conn)
{
	if (!queue_work(tlsgw_socks_wq(), &conn->work))
		tlsgw_socks_conn_put(conn);
}

/* Timer (softirq): hands its reference to the work, which sees why. */
static void tlsgw_socks_timer(struct timer_list *t)
{
	struct tlsgw_socks_conn *conn = from_timer(conn, t, timer);

	tlsgw_socks_conn_kick_put(conn);
}

/**
 * tlsgw_socks_arm() - arms the timer for seconds from now
 * @conn: the connection
 * @seconds: the timeout
 *
 * A pending timer holds a reference. The timer is armed under svc->lock,
 * and never once DEAD (the killer disarms after setting it).
 *
 * Context: process context (the connection's work); takes svc->lock.
 * Return: false if the connection is dead.
 */
bool tlsgw_socks_arm(struct tlsgw_socks_conn *conn, unsigned int seconds)
{
	bool alive;

	mutex_lock(&conn->svc->lock);
	alive = !test_bit(TLSGW_SOCKS_DEAD, &conn->flags);
	if (alive) {
		conn->deadline = jiffies + seconds * HZ;
		if (!mod_timer(&conn->timer, conn->deadline))
			refcount_inc(&conn->ref);
	}
	mutex_unlock(&conn->svc->lock);
	return alive;
}

/**
 * tlsgw_socks_disarm() - stops a pending timer
 * @conn: the connection; the caller holds a reference of its own
 *
 * Context: any.
 */
void tlsgw_socks_disarm(struct tlsgw_socks_conn *conn)
{
	if (del_timer(&conn->timer))
		tlsgw_socks_conn_put(conn);
}

/**
 * tlsgw_socks_expired_now() - whether the armed timeout has passed
 * @conn: the connection
 *
 * Context: the connection's work (its view).
 * Return: true once the deadline is reached.
 */
bool tlsgw_socks_expired_now(const struct tlsgw_socks_conn *conn)
{
	return time_after_eq(jiffies, READ_ONCE(conn->deadline));
}

/**
 * tlsgw_socks_data_ready() - data or state change on the client or UDP socket
 * @sk: the socket
 *
 * A conn found in sk_user_data under sk_callback_lock is hooked, so the
 * list still holds its reference; the callback queues the work.
 *
 * Context: softirq; takes @sk's sk_callback_lock for reading.
 */
void tlsgw_socks_data_ready(struct sock *sk)
{
	struct tlsgw_socks_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		tlsgw_socks_conn_kick(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* Claims the client socket (tlsgw_sk_claim()); false if claimed already. */
static bool tlsgw_socks_hook(struct tlsgw_socks_conn *conn)
{
	struct sock *sk = conn->client->sk;
	bool claimed;

	write_lock_bh(&sk->sk_callback_lock);
	claimed = tlsgw_sk_claim(sk, conn);
	if (claimed) {
		conn->data_ready = sk->sk_data_ready;
		conn->state_change = sk->sk_state_change;
		WRITE_ONCE(sk->sk_data_ready, tlsgw_socks_data_ready);
		WRITE_ONCE(sk->sk_state_change, tlsgw_socks_data_ready);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	return claimed;
}

/*
 * The outgoing socket (its connect finished or failed) or the BIND
 * listener (a peer arrived) changed; softirq context. sk_user_data is
 * flagged NOCOPY so that a BIND listener's children do not inherit it.
 */
static void tlsgw_socks_peer_event(struct sock *sk)
{
	struct tlsgw_socks_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = (void *)((uintptr_t)sk->sk_user_data & SK_USER_DATA_PTRMASK);
	if (conn)
		tlsgw_socks_conn_kick(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* Claims a socket of ours (tlsgw_sk_claim()); -EBUSY if claimed already. */
static int tlsgw_socks_hook_peer(struct tlsgw_socks_conn *conn,
				 struct socket *sock)
{
	struct sock *sk = sock->sk;
	bool claimed;

	write_lock_bh(&sk->sk_callback_lock);
	claimed = tlsgw_sk_claim(sk, (void *)((uintptr_t)conn |
					      SK_USER_DATA_NOCOPY));
	if (claimed) {
		conn->peer_data_ready = sk->sk_data_ready;
		conn->peer_state_change = sk->sk_state_change;
		conn->peer_write_space = sk->sk_write_space;
		WRITE_ONCE(sk->sk_data_ready, tlsgw_socks_peer_event);
		WRITE_ONCE(sk->sk_state_change, tlsgw_socks_peer_event);
		WRITE_ONCE(sk->sk_write_space, tlsgw_socks_peer_event);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	return claimed ? 0 : -EBUSY;
}

/*
 * Gives sock the callbacks the peer socket had before we hooked it: on the
 * peer itself (and its claim up), or on a child accepted from the BIND
 * listener (which inherited ours, without sk_user_data: no claim).
 */
static void tlsgw_socks_unhook_peer(struct tlsgw_socks_conn *conn,
				    struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready == tlsgw_socks_peer_event) {
		WRITE_ONCE(sk->sk_data_ready, conn->peer_data_ready);
		WRITE_ONCE(sk->sk_state_change, conn->peer_state_change);
		WRITE_ONCE(sk->sk_write_space, conn->peer_write_space);
		tlsgw_sk_unclaim(sk, conn);
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

static void tlsgw_socks_unhook(struct tlsgw_socks_conn *conn)
{
	struct sock *sk;

	if (!conn->client)
		return;
	sk = conn->client->sk;
	write_lock_bh(&sk->sk_callback_lock);
	if (tlsgw_sk_unclaim(sk, conn)) {
		WRITE_ONCE(sk->sk_data_ready, conn->data_ready);
		WRITE_ONCE(sk->sk_state_change, conn->state_change);
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Lifetime ---------------------------------------------------------------- */

static void tlsgw_socks_work(struct work_struct *work);

static void tlsgw_socks_conn_free(struct tlsgw_socks_conn *conn)
{
	/* A pending timer or resolve holds a reference. */
	WARN_ON_ONCE(timer_pending(&conn->timer) || conn->resolve.pending);
	tlsgw_socks_udp_free(conn);
	if (conn->state == TLSGW_SOCKS_RELAY) {
		tlsgw_relay_release(&conn->relay);
	} else {
		if (conn->peer) {
			tlsgw_socks_unhook_peer(conn, conn->peer);
			sock_release(conn->peer);
		}
		if (conn->client)
			sock_release(conn->client);
	}
	if (conn->user)
		tlsgw_socks_user_put(conn->user);
	tlsgw_socks_put(conn->svc);
	kfree(conn->dsts);
	kfree(conn);
}

/**
 * tlsgw_socks_conn_put() - drops a reference on a connection
 * @conn: the connection
 *
 * The last reference frees it and releases its sockets (unless the relay
 * owns them).
 *
 * Context: process context for the last reference.
 */
void tlsgw_socks_conn_put(struct tlsgw_socks_conn *conn)
{
	if (refcount_dec_and_test(&conn->ref))
		tlsgw_socks_conn_free(conn);
}

/**
 * tlsgw_socks_unmap() - a socks address as the socket API has it
 * @ss: the address, changed in place
 *
 * An IPv4-mapped IPv6 address becomes AF_INET.
 *
 * Context: any.
 */
void tlsgw_socks_unmap(struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	__be32 v4;
	__be16 port;

	if (ss->ss_family != AF_INET6 ||
	    !ipv6_addr_v4mapped(&sin6->sin6_addr))
		return;
	v4 = sin6->sin6_addr.s6_addr32[3];
	port = sin6->sin6_port;
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = v4;
	sin->sin_port = port;
}

static void tlsgw_socks_resolved(struct tlsgw_resolve_req *req);

static struct tlsgw_socks_conn *tlsgw_socks_of(const struct tlsgw_session *s)
{
	return container_of(s, struct tlsgw_socks_conn, sess);
}

/* A connection of the same service from the same address, negotiating. */
static bool tlsgw_socks_same_source(const struct tlsgw_session *s,
				    const void *arg)
{
	const struct tlsgw_socks_conn *new = arg;
	const struct tlsgw_socks_conn *conn;

	if (s->kind != TLSGW_SESSION_KIND_SOCKS5 || s->owner != new->svc)
		return false;
	conn = tlsgw_socks_of(s);
	return READ_ONCE(conn->state) < TLSGW_SOCKS_UDP &&
	       tlsgw_socks_addr_equal(&conn->client_addr, &new->client_addr,
				      false);
}

/* Connections from conn's address (any port) still negotiating. */
static unsigned int tlsgw_socks_negotiating(struct tlsgw_socks_svc *svc,
					    const struct tlsgw_socks_conn *conn)
{
	lockdep_assert_held(&svc->lock);
	return tlsgw_sessions_count(&svc->tn->sessions,
				    tlsgw_socks_same_source, conn);
}

static const struct tlsgw_session_ops tlsgw_socks_session_ops;

/**
 * tlsgw_socks_conn_new() - a new client, listed and hooked
 * @svc: the service; the connection takes a reference
 * @client: the accepted socket; the connection owns it on success
 *
 * Context: process context (the accept work); takes @svc->lock.
 * Return: the connection, or an ERR_PTR: -ENOMEM, -ENOTCONN, -ENOSPC over
 * the service's limit, -EMFILE over the per-source limit on negotiations,
 * -ESHUTDOWN when the service is going away, -EBUSY if the socket's
 * callbacks are claimed already.
 */
struct tlsgw_socks_conn *tlsgw_socks_conn_new(struct tlsgw_socks_svc *svc,
					      struct socket *client)
{
	unsigned int limit = tlsgw_socks_source_limit();
	struct tlsgw_socks_conn *conn;
	int err = 0;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL_ACCOUNT);
	if (!conn)
		return ERR_PTR(-ENOMEM);
	refcount_set(&conn->ref, 1);
	conn->client = client;
	conn->started = jiffies;
	conn->last_active = jiffies;
	INIT_WORK(&conn->work, tlsgw_socks_work);
	timer_setup(&conn->timer, tlsgw_socks_timer, 0);
	conn->resolve.done = tlsgw_socks_resolved;
	if (kernel_getpeername(client, (struct sockaddr *)&conn->client_addr) < 0 ||
	    kernel_getsockname(client, (struct sockaddr *)&conn->local_addr) < 0)
		err = -ENOTCONN;
	tlsgw_socks_unmap(&conn->client_addr);
	tlsgw_socks_unmap(&conn->local_addr);
	tlsgw_session_init(&conn->sess, &tlsgw_socks_session_ops,
			   TLSGW_SESSION_KIND_SOCKS5, svc, svc->name,
			   &svc->idle_timeout);
	conn->sess.addr[TLSGW_ADDR_CLIENT_PEER] = conn->client_addr;
	conn->sess.addr[TLSGW_ADDR_CLIENT_LOCAL] = conn->local_addr;
	conn->svc = svc;	/* for the count; no reference yet */

	mutex_lock(&svc->lock);
	if (svc->dead)
		err = -ESHUTDOWN;
	else if (svc->n_conns >= svc->max_sessions)
		err = -ENOSPC;
	else if (limit && tlsgw_socks_negotiating(svc, conn) >= limit)
		err = -EMFILE;
	if (err) {
		mutex_unlock(&svc->lock);
		kfree(conn);
		return ERR_PTR(err);
	}
	if (!tlsgw_socks_hook(conn)) {
		/* Somebody else's callbacks: not ours to take over. */
		mutex_unlock(&svc->lock);
		kfree(conn);
		return ERR_PTR(-EBUSY);
	}
	kref_get(&svc->ref);
	/* Under svc->lock: tlsgw_socks_stop() sees it, or it sees dead. */
	tlsgw_session_register(&svc->tn->sessions, &conn->sess, NULL);
	svc->n_conns++;
	mutex_unlock(&svc->lock);
	return conn;
}

/**
 * tlsgw_socks_conn_start() - starts the negotiation
 * @conn: a connection tlsgw_socks_conn_new() made
 *
 * Queues the work: bytes may be waiting already.
 *
 * Context: any.
 */
void tlsgw_socks_conn_start(struct tlsgw_socks_conn *conn)
{
	tlsgw_socks_conn_kick(conn);	/* bytes may be waiting already */
}

static void tlsgw_socks_set_state(struct tlsgw_socks_conn *conn, u8 state)
{
	mutex_lock(&conn->svc->lock);
	WRITE_ONCE(conn->state, state);
	mutex_unlock(&conn->svc->lock);
}

/*
 * Unregisters the connection (a close event if it relayed) and drops the
 * registration's reference.
 */
static void tlsgw_socks_unlist(struct tlsgw_socks_conn *conn,
			       enum tlsgw_close_reason reason)
{
	struct tlsgw_socks_svc *svc = conn->svc;

	mutex_lock(&svc->lock);
	svc->n_conns--;
	mutex_unlock(&svc->lock);
	tlsgw_session_unregister(&conn->sess, reason);
	tlsgw_socks_conn_put(conn);
}

/*
 * Marks a connection that the relay does not own dead, once; false if it
 * was already dead or the relay owns it.
 */
static bool tlsgw_socks_mark_dead(struct tlsgw_socks_conn *conn)
{
	bool ok;

	mutex_lock(&conn->svc->lock);
	ok = conn->state != TLSGW_SOCKS_RELAY &&
	     !test_and_set_bit(TLSGW_SOCKS_DEAD, &conn->flags);
	mutex_unlock(&conn->svc->lock);
	return ok;
}

/*
 * After DEAD was set (so no timer can be armed and the work will not
 * start anything new): stops the timer, forgets a pending lookup and
 * closes the sockets' way back to the conn.
 */
static void tlsgw_socks_shutdown(struct tlsgw_socks_conn *conn, bool abort)
{
	struct socket *peer;

	tlsgw_socks_disarm(conn);
	if (tlsgw_resolve_cancel(conn->svc->tn, &conn->resolve))
		tlsgw_socks_conn_put(conn);	/* the lookup's reference */
	tlsgw_socks_unhook(conn);
	tlsgw_socks_udp_stop(conn);
	if (abort)
		sock_no_linger(conn->client->sk);
	kernel_sock_shutdown(conn->client, SHUT_RDWR);
	mutex_lock(&conn->svc->lock);
	peer = conn->peer;
	if (peer) {
		tlsgw_socks_unhook_peer(conn, peer);
		if (abort)
			sock_no_linger(peer->sk);
		kernel_sock_shutdown(peer, SHUT_RDWR);
	}
	mutex_unlock(&conn->svc->lock);
	tlsgw_socks_unlist(conn, TLSGW_CLOSE_UNSPEC);
}

/**
 * tlsgw_socks_conn_close() - ends a connection the work is done with
 * @conn: the connection
 *
 * A graceful close, so that the client reads the reply that says why.
 *
 * Context: the connection's work.
 * Return: false if somebody else ended it first.
 */
bool tlsgw_socks_conn_close(struct tlsgw_socks_conn *conn)
{
	if (!tlsgw_socks_mark_dead(conn))
		return false;
	tlsgw_socks_shutdown(conn, false);
	return true;
}

/* The client left while the request was carried out: abortive, no reply. */
static void tlsgw_socks_abort(struct tlsgw_socks_conn *conn)
{
	if (tlsgw_socks_mark_dead(conn))
		tlsgw_socks_shutdown(conn, true);
}

/*
 * Ends a connection from outside the work (timeouts, SESSION_DEL, service
 * deletion), abortively; counter, if not 0, says why
 * (TLSGW_SOCKS_CTR_NEG_TIMEOUTS or _IDLE_CLOSED). A relayed connection's
 * relay is closed (IDLE or KILLED). The caller holds a reference; takes
 * svc->lock.
 */
static void tlsgw_socks_conn_kill(struct tlsgw_socks_conn *conn, int counter)
{
	bool relay;

	mutex_lock(&conn->svc->lock);
	relay = conn->state == TLSGW_SOCKS_RELAY;
	mutex_unlock(&conn->svc->lock);
	if (relay) {
		tlsgw_relay_close(&conn->relay,
				  counter == TLSGW_SOCKS_CTR_IDLE_CLOSED ?
				  TLSGW_CLOSE_IDLE : TLSGW_CLOSE_KILLED);
		return;
	}
	if (!tlsgw_socks_mark_dead(conn))
		return;
	if (counter)
		tlsgw_socks_count(conn, counter, 1);
	tlsgw_socks_shutdown(conn, true);
}

/* Registry operations ----------------------------------------------------- */

static void tlsgw_socks_sess_get(struct tlsgw_session *s)
{
	refcount_inc(&tlsgw_socks_of(s)->ref);
}

static void tlsgw_socks_sess_put(struct tlsgw_session *s)
{
	tlsgw_socks_conn_put(tlsgw_socks_of(s));
}

static void tlsgw_socks_sess_close(struct tlsgw_session *s,
				   enum tlsgw_close_reason reason)
{
	struct tlsgw_socks_conn *conn = tlsgw_socks_of(s);
	int counter = 0;

	if (reason == TLSGW_CLOSE_IDLE)
		counter = test_bit(TLSGW_SOCKS_TIMED_OUT, &conn->flags) ?
			  TLSGW_SOCKS_CTR_NEG_TIMEOUTS :
			  TLSGW_SOCKS_CTR_IDLE_CLOSED;
	tlsgw_socks_conn_kill(conn, counter);
}

/*
 * The registry's collector asks, under its lock: negotiation timeout
 * until the request is in, then the idle timeout of a relay or a UDP
 * association; the conn's own timer bounds the waits in between.
 */
static bool tlsgw_socks_sess_expired(struct tlsgw_session *s,
				     unsigned long now)
{
	struct tlsgw_socks_conn *conn = tlsgw_socks_of(s);
	struct tlsgw_socks_svc *svc = conn->svc;
	unsigned long idle = svc->idle_timeout * HZ;
	u8 state = READ_ONCE(conn->state);
	unsigned long last;

	if (state <= TLSGW_SOCKS_REQUEST) {
		if (!time_after(now, conn->started + svc->neg_timeout * HZ))
			return false;
		set_bit(TLSGW_SOCKS_TIMED_OUT, &conn->flags);
		return true;
	}
	if (state == TLSGW_SOCKS_RELAY)
		last = READ_ONCE(conn->relay.last_active);
	else if (state == TLSGW_SOCKS_UDP)
		last = READ_ONCE(conn->last_active);
	else
		return false;
	return idle && time_after(now, last + idle);
}

static const struct tlsgw_session_ops tlsgw_socks_session_ops = {
	.get = tlsgw_socks_sess_get,
	.put = tlsgw_socks_sess_put,
	.close = tlsgw_socks_sess_close,
	.expired = tlsgw_socks_sess_expired,
};

/* Replies ----------------------------------------------------------------- */

static int tlsgw_socks_send(struct socket *sock, const void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	int n = kernel_sendmsg(sock, &msg, &iov, 1, len);

	if (n < 0)
		return n;
	return n == len ? 0 : -EAGAIN;	/* a fresh socket takes 22 bytes */
}

/* Writes ATYP, address and port; returns the length. */
static size_t tlsgw_socks_put_addr(u8 *p, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

	if (ss && ss->ss_family == AF_INET6) {
		p[0] = SOCKS_ATYP_IPV6;
		memcpy(p + 1, &sin6->sin6_addr, 16);
		memcpy(p + 17, &sin6->sin6_port, 2);
		return 19;
	}
	p[0] = SOCKS_ATYP_IPV4;
	memset(p + 1, 0, 6);
	if (ss && ss->ss_family == AF_INET) {
		memcpy(p + 1, &sin->sin_addr, 4);
		memcpy(p + 5, &sin->sin_port, 2);
	}
	return 7;
}

/**
 * tlsgw_socks_reply() - sends a RFC 1928 reply
 * @conn: the connection
 * @rep: the reply code, SOCKS_REP_*
 * @bnd: BND.ADDR and BND.PORT, or NULL (0.0.0.0:0)
 *
 * Context: the connection's work; never blocks.
 * Return: 0, -EAGAIN if the socket took only part of it, or the error of
 * sending.
 */
int tlsgw_socks_reply(struct tlsgw_socks_conn *conn, u8 rep,
		      const struct sockaddr_storage *bnd)
{
	u8 msg[3 + 19] = { SOCKS_VERSION, rep, 0 };

	return tlsgw_socks_send(conn->client, msg,
				3 + tlsgw_socks_put_addr(msg + 3, bnd));
}

/**
 * tlsgw_socks_errno_reply() - the reply code for an errno
 * @err: a negative errno
 *
 * Context: any.
 * Return: the SOCKS_REP_* code.
 */
u8 tlsgw_socks_errno_reply(int err)
{
	switch (err) {
	case -ECONNREFUSED:
		return SOCKS_REP_REFUSED;
	case -ENETUNREACH:
	case -ENETDOWN:
		return SOCKS_REP_NET_UNREACH;
	case -EHOSTUNREACH:
	case -EHOSTDOWN:
	case -ENOENT:		/* no such name */
		return SOCKS_REP_HOST_UNREACH;
	case -ETIMEDOUT:
	case -EINPROGRESS:	/* our connect timeout */
		return SOCKS_REP_TTL_EXPIRED;
	case -EACCES:
		return SOCKS_REP_NOT_ALLOWED;
	default:
		return SOCKS_REP_FAILURE;
	}
}

/* Fails the request with rep; counts it under counter. */
static void tlsgw_socks_fail(struct tlsgw_socks_conn *conn, u8 rep,
			     int counter)
{
	if (counter)
		tlsgw_socks_count(conn, counter, 1);
	tlsgw_socks_reply(conn, rep, NULL);
	tlsgw_socks_conn_close(conn);
}

static void tlsgw_socks_deny(struct tlsgw_socks_conn *conn)
{
	tlsgw_genl_socks_event(conn->svc, conn->cmd);
	tlsgw_socks_fail(conn, SOCKS_REP_NOT_ALLOWED, TLSGW_SOCKS_CTR_DENIED);
}

/* Relay ------------------------------------------------------------------- */

static struct tlsgw_socks_conn *tlsgw_socks_of_relay(struct tlsgw_relay *r)
{
	return container_of(r, struct tlsgw_socks_conn, relay);
}

static void tlsgw_socks_relay_get(struct tlsgw_relay *relay)
{
	refcount_inc(&tlsgw_socks_of_relay(relay)->ref);
}

static void tlsgw_socks_relay_put(struct tlsgw_relay *relay)
{
	tlsgw_socks_conn_put(tlsgw_socks_of_relay(relay));
}

static void tlsgw_socks_relay_closed(struct tlsgw_relay *relay,
				     enum tlsgw_close_reason reason)
{
	struct tlsgw_socks_conn *conn = tlsgw_socks_of_relay(relay);

	tlsgw_socks_disarm(conn);	/* none is armed; cheap to be sure */
	if (reason == TLSGW_CLOSE_IDLE)
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_IDLE_CLOSED, 1);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_BYTES_IN, relay->dir[0].bytes);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_BYTES_OUT, relay->dir[1].bytes);
	tlsgw_socks_unlist(conn, reason);
}

static const struct tlsgw_relay_ops tlsgw_socks_relay_ops = {
	.get = tlsgw_socks_relay_get,
	.put = tlsgw_socks_relay_put,
	.closed = tlsgw_socks_relay_closed,
};

/*
 * The relay's pre-start step, with both sockets hooked: unless the
 * connection was killed meanwhile, the relay owns the sockets from now on
 * (under svc->lock, which orders it with the killers).
 */
static int tlsgw_socks_take_over(struct tlsgw_relay *relay, void *arg)
{
	struct tlsgw_socks_conn *conn = arg;
	int err = 0;

	mutex_lock(&conn->svc->lock);
	if (test_bit(TLSGW_SOCKS_DEAD, &conn->flags)) {
		err = -ECONNABORTED;
	} else {
		WRITE_ONCE(conn->state, TLSGW_SOCKS_RELAY);
		conn->client = NULL;	/* the relay owns them now */
		conn->peer = NULL;
	}
	mutex_unlock(&conn->svc->lock);
	return err;
}

/*
 * Hands client and peer to the relay engine with the bytes the client
 * sent after its request. If that fails, or the connection was killed
 * meanwhile, it is closed (by the killer, or here).
 */
static void tlsgw_socks_handoff(struct tlsgw_socks_conn *conn)
{
	struct tlsgw_relay_conf conf = {
		.ops = &tlsgw_socks_relay_ops,
		.sock = { conn->client, conn->peer },
		.initial = conn->buf,
		.initial_len = conn->len,
		.prestart = tlsgw_socks_take_over,
		.arg = conn,
	};
	int err;

	tlsgw_socks_disarm(conn);
	tlsgw_socks_unhook(conn);
	tlsgw_socks_unhook_peer(conn, conn->peer);
	err = tlsgw_relay_setup(&conn->relay, &conf);
	memzero_explicit(conn->buf, sizeof(conn->buf));
	if (!err) {
		tlsgw_session_open(&conn->sess, &conn->relay);
		tlsgw_relay_start(&conn->relay);
		return;
	}
	if (tlsgw_socks_mark_dead(conn))
		tlsgw_socks_shutdown(conn, true);
}

/* Outgoing connections ---------------------------------------------------- */

static int tlsgw_socks_addrlen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					   sizeof(struct sockaddr_in);
}

/* Makes sock the connection's peer, unless it died; -ECONNABORTED then. */
static int tlsgw_socks_set_peer(struct tlsgw_socks_conn *conn,
				struct socket *sock)
{
	int err = 0;

	mutex_lock(&conn->svc->lock);
	if (test_bit(TLSGW_SOCKS_DEAD, &conn->flags))
		err = -ECONNABORTED;
	else
		conn->peer = sock;
	mutex_unlock(&conn->svc->lock);
	return err;
}

static void tlsgw_socks_drop_peer(struct tlsgw_socks_conn *conn, bool reset)
{
	struct socket *peer;

	mutex_lock(&conn->svc->lock);
	peer = conn->peer;
	conn->peer = NULL;
	mutex_unlock(&conn->svc->lock);
	if (peer) {
		tlsgw_socks_unhook_peer(conn, peer);
		if (reset)
			sock_no_linger(peer->sk);
		sock_release(peer);
	}
}

/*
 * Starts a non-blocking connect to dst: -EINPROGRESS when it is under way
 * (the peer's callbacks or the timer will queue the work), another error
 * when it failed at once, -ECONNABORTED when the connection died.
 */
static int tlsgw_socks_dial(struct tlsgw_socks_conn *conn,
			    const struct sockaddr_storage *dst)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(conn->svc->tn->net, dst->ss_family,
			       SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		return err;
	err = tlsgw_socks_hook_peer(conn, sock);
	if (err) {
		sock_release(sock);
		return err;
	}
	err = tlsgw_socks_set_peer(conn, sock);
	if (err) {
		tlsgw_socks_unhook_peer(conn, sock);
		sock_release(sock);
		return err;
	}
	tlsgw_socks_set_state(conn, TLSGW_SOCKS_CONNECTING);
	if (!tlsgw_socks_arm(conn, tlsgw_socks_connect_timeout()))
		return -ECONNABORTED;	/* the peer goes with the conn */
	err = kernel_connect(sock, (struct sockaddr *)dst,
			     tlsgw_socks_addrlen(dst), O_NONBLOCK);
	if (!err)
		err = -EINPROGRESS;	/* the work looks at the state */
	if (err != -EINPROGRESS) {
		tlsgw_socks_disarm(conn);
		tlsgw_socks_drop_peer(conn, true);
	}
	return err;
}

static void tlsgw_socks_connected(struct tlsgw_socks_conn *conn)
{
	struct sockaddr_storage bnd = {};

	tlsgw_socks_disarm(conn);
	if (kernel_getsockname(conn->peer, (struct sockaddr *)&bnd) < 0)
		memset(&bnd, 0, sizeof(bnd));
	tlsgw_socks_unmap(&bnd);
	if (tlsgw_socks_reply(conn, SOCKS_REP_OK, &bnd))
		return (void)tlsgw_socks_conn_close(conn);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_REQUESTS_OK, 1);
	tlsgw_socks_handoff(conn);
}

/* Dials the next allowed address; replies when none is left. */
static void tlsgw_socks_dial_next(struct tlsgw_socks_conn *conn)
{
	const struct sockaddr_storage *dst;
	int err;

	while (conn->next_dst < conn->dsts->n) {
		dst = &conn->dsts->addr[conn->next_dst++];
		if (!tlsgw_socks_allowed(conn, dst))
			continue;
		conn->dial_allowed = true;
		err = tlsgw_socks_dial(conn, dst);
		if (err == -EINPROGRESS || err == -ECONNABORTED)
			return;
		conn->dial_err = err;
	}
	if (!conn->dial_allowed)
		return tlsgw_socks_deny(conn);
	tlsgw_socks_fail(conn, tlsgw_socks_errno_reply(conn->dial_err),
			 TLSGW_SOCKS_CTR_CONNECT_FAILED);
}

static void tlsgw_socks_connect(struct tlsgw_socks_conn *conn)
{
	conn->next_dst = 0;
	conn->dial_err = -EHOSTUNREACH;
	conn->dial_allowed = false;
	tlsgw_socks_dial_next(conn);
}

static bool tlsgw_socks_client_gone(struct tlsgw_socks_conn *conn);

/* CONNECTING: the outgoing socket changed, the timer fired or the client. */
static void tlsgw_socks_connecting(struct tlsgw_socks_conn *conn)
{
	struct sock *sk = conn->peer->sk;
	int err;

	if (tlsgw_socks_client_gone(conn))
		return tlsgw_socks_abort(conn);
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		if (!tlsgw_socks_expired_now(conn))
			return;
		err = -ETIMEDOUT;
		break;
	case TCP_CLOSE:
		err = sock_error(sk) ?: -ECONNREFUSED;
		break;
	default:
		return tlsgw_socks_connected(conn);
	}
	tlsgw_socks_disarm(conn);
	tlsgw_socks_drop_peer(conn, true);
	conn->dial_err = err;
	tlsgw_socks_dial_next(conn);
}

/* BIND -------------------------------------------------------------------- */

/* The local address the gateway would use toward dst (route lookup). */
static void tlsgw_socks_source_for(struct tlsgw_socks_conn *conn,
				   const struct sockaddr_storage *dst,
				   struct sockaddr_storage *src)
{
	struct socket *sock;

	*src = conn->local_addr;
	if (sock_create_kern(conn->svc->tn->net, dst->ss_family, SOCK_DGRAM,
			     IPPROTO_UDP, &sock))
		return;
	if (!kernel_connect(sock, (struct sockaddr *)dst,
			    tlsgw_socks_addrlen(dst), 0))
		kernel_getsockname(sock, (struct sockaddr *)src);
	sock_release(sock);
}

/**
 * tlsgw_socks_addr_equal() - whether two addresses are the same
 * @a: an address
 * @b: another
 * @port: compare the ports too
 *
 * IPv4 is AF_INET on both sides (see tlsgw_socks_unmap()).
 *
 * Context: any.
 * Return: true if they are.
 */
bool tlsgw_socks_addr_equal(const struct sockaddr_storage *a,
			    const struct sockaddr_storage *b, bool port)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr &&
		       (!port || a4->sin_port == b4->sin_port);
	return ipv6_addr_equal(&a6->sin6_addr, &b6->sin6_addr) &&
	       (!port || a6->sin6_port == b6->sin6_port);
}

static bool tlsgw_socks_any_host(const struct sockaddr_storage *a)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;

	if (a->ss_family == AF_INET)
		return !a4->sin_addr.s_addr;
	return ipv6_addr_any(&a6->sin6_addr);
}

/*
 * The client ended its side (FIN or reset) while its request was carried
 * out: nobody is left to answer, so the work stops.
 */
static bool tlsgw_socks_client_gone(struct tlsgw_socks_conn *conn)
{
	struct sock *sk = conn->client->sk;

	return READ_ONCE(sk->sk_state) != TCP_ESTABLISHED ||
	       READ_ONCE(sk->sk_err) ||
	       test_bit(TLSGW_SOCKS_DEAD, &conn->flags);
}

static void tlsgw_socks_bind(struct tlsgw_socks_conn *conn,
			     const struct sockaddr_storage *dst)
{
	struct sockaddr_storage bnd;
	struct socket *lsock;
	int err;

	if (!tlsgw_socks_allowed(conn, dst))
		return tlsgw_socks_deny(conn);
	tlsgw_socks_source_for(conn, dst, &bnd);
	tlsgw_socks_unmap(&bnd);
	((struct sockaddr_in *)&bnd)->sin_port = 0;	/* same in sin6 */
	err = sock_create_kern(conn->svc->tn->net, bnd.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &lsock);
	if (err)
		return tlsgw_socks_fail(conn, SOCKS_REP_FAILURE,
					TLSGW_SOCKS_CTR_CONNECT_FAILED);
	err = tlsgw_socks_hook_peer(conn, lsock);
	if (err) {
		sock_release(lsock);
		return tlsgw_socks_fail(conn, SOCKS_REP_FAILURE,
					TLSGW_SOCKS_CTR_CONNECT_FAILED);
	}
	err = tlsgw_socks_set_peer(conn, lsock);
	if (err) {
		tlsgw_socks_unhook_peer(conn, lsock);
		sock_release(lsock);
		return;
	}
	err = kernel_bind(lsock, (struct sockaddr *)&bnd,
			  tlsgw_socks_addrlen(&bnd));
	if (!err)
		err = kernel_listen(lsock, 1);
	if (!err && kernel_getsockname(lsock, (struct sockaddr *)&bnd) < 0)
		err = -EINVAL;
	if (err)
		return tlsgw_socks_fail(conn, tlsgw_socks_errno_reply(err),
					TLSGW_SOCKS_CTR_CONNECT_FAILED);
	tlsgw_socks_unmap(&bnd);
	tlsgw_socks_set_state(conn, TLSGW_SOCKS_BINDING);
	if (!tlsgw_socks_arm(conn, tlsgw_socks_bind_timeout()))
		return;
	if (tlsgw_socks_reply(conn, SOCKS_REP_OK, &bnd))
		return (void)tlsgw_socks_conn_close(conn);
	tlsgw_socks_conn_kick(conn);	/* the peer may be there already */
}

/*
 * BINDING: takes the connection from the host the client named off the
 * listener (others are reset), without waiting: the listener's callback
 * or the timer queues the work again.
 */
static void tlsgw_socks_binding(struct tlsgw_socks_conn *conn)
{
	const struct sockaddr_storage *expect = &conn->dsts->addr[0];
	struct sockaddr_storage from;
	struct socket *sock;
	int err;

	if (tlsgw_socks_client_gone(conn)) {
		err = -ECONNABORTED;
		goto fail;
	}
	for (;;) {
		err = kernel_accept(conn->peer, &sock, O_NONBLOCK);
		if (err == -EAGAIN) {
			if (!tlsgw_socks_expired_now(conn))
				return;
			err = -ETIMEDOUT;
		}
		if (err)
			goto fail;
		tlsgw_socks_unhook_peer(conn, sock);	/* inherited */
		if (kernel_getpeername(sock, (struct sockaddr *)&from) < 0) {
			sock_release(sock);
			continue;
		}
		tlsgw_socks_unmap(&from);
		if (tlsgw_socks_any_host(expect) ||
		    tlsgw_socks_addr_equal(&from, expect, false))
			break;
		sock_no_linger(sock->sk);
		sock_release(sock);
	}
	tlsgw_socks_disarm(conn);
	tlsgw_socks_drop_peer(conn, false);	/* the listener */
	err = tlsgw_socks_set_peer(conn, sock);
	if (err) {
		sock_no_linger(sock->sk);
		sock_release(sock);
		return;
	}
	if (tlsgw_socks_reply(conn, SOCKS_REP_OK, &from))
		return (void)tlsgw_socks_conn_close(conn);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_REQUESTS_OK, 1);
	tlsgw_socks_handoff(conn);
	return;
fail:
	tlsgw_socks_fail(conn, tlsgw_socks_errno_reply(err),
			 TLSGW_SOCKS_CTR_CONNECT_FAILED);
}

/* Negotiation ------------------------------------------------------------- */

/* A parser step: > 0 bytes consumed, 0 needs more, < 0 ended the conn. */

static int tlsgw_socks_proto_error(struct tlsgw_socks_conn *conn)
{
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_PROTO_ERRORS, 1);
	tlsgw_socks_conn_close(conn);
	return -EPROTO;
}

static int tlsgw_socks_greeting(struct tlsgw_socks_conn *conn)
{
	u8 want = conn->svc->auth == TLSGW_SOCKS_AUTH_USERPASS ?
		  SOCKS_METHOD_USERPASS : SOCKS_METHOD_NONE;
	const u8 *b = conn->buf;
	u8 reply[2] = { SOCKS_VERSION, SOCKS_METHOD_REFUSED };

	if (conn->len < 2)
		return b[0] == SOCKS_VERSION || !conn->len ? 0 :
		       tlsgw_socks_proto_error(conn);
	if (b[0] != SOCKS_VERSION)
		return tlsgw_socks_proto_error(conn);
	if (!b[1]) {
		tlsgw_socks_send(conn->client, reply, sizeof(reply));
		return tlsgw_socks_proto_error(conn);
	}
	if (conn->len < 2 + b[1])
		return 0;
	if (!memchr(b + 2, want, b[1])) {
		tlsgw_socks_send(conn->client, reply, sizeof(reply));
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_AUTH_FAILED, 1);
		tlsgw_socks_conn_close(conn);
		return -EACCES;
	}
	reply[1] = want;
	if (tlsgw_socks_send(conn->client, reply, sizeof(reply))) {
		tlsgw_socks_conn_close(conn);
		return -EPIPE;
	}
	tlsgw_socks_set_state(conn, want ? TLSGW_SOCKS_AUTH :
					   TLSGW_SOCKS_REQUEST);
	return 2 + b[1];
}

/* RFC 1929: VER ULEN UNAME PLEN PASSWD. */
static int tlsgw_socks_auth(struct tlsgw_socks_conn *conn)
{
	u8 reply[2] = { SOCKS_AUTH_VERSION, 1 };
	struct tlsgw_socks_user *user;
	const u8 *b = conn->buf;
	size_t ulen, plen;

	if (conn->len < 2)
		return 0;
	ulen = b[1];
	if (b[0] != SOCKS_AUTH_VERSION || !ulen) {
		tlsgw_socks_send(conn->client, reply, sizeof(reply));
		return tlsgw_socks_proto_error(conn);
	}
	if (conn->len < 3 + ulen)
		return 0;
	plen = b[2 + ulen];
	if (!plen) {
		tlsgw_socks_send(conn->client, reply, sizeof(reply));
		return tlsgw_socks_proto_error(conn);
	}
	if (conn->len < 3 + ulen + plen)
		return 0;
	user = tlsgw_socks_authenticate(conn->svc, b + 2, ulen, b + 3 + ulen,
					plen);
	memzero_explicit(conn->buf + 3 + ulen, plen);
	if (!user) {
		tlsgw_socks_send(conn->client, reply, sizeof(reply));
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_AUTH_FAILED, 1);
		tlsgw_socks_conn_close(conn);
		return -EACCES;
	}
	conn->user = user;
	atomic64_inc(&user->ctr[TLSGW_SOCKS_CTR_CONNECTIONS]);
	reply[1] = 0;
	if (tlsgw_socks_send(conn->client, reply, sizeof(reply))) {
		tlsgw_socks_conn_close(conn);
		return -EPIPE;
	}
	tlsgw_socks_set_state(conn, TLSGW_SOCKS_REQUEST);
	return 3 + ulen + plen;
}

/**
 * struct tlsgw_socks_request - a parsed request
 * @cmd: enum tlsgw_socks_cmd
 * @port: the destination port, host order
 * @name: the name to resolve, "" unless DOMAINNAME
 * @addr: the destination address, unless DOMAINNAME
 *
 * One address, or a name to resolve.
 */
struct tlsgw_socks_request {
	u8 cmd;
	u16 port;
	char name[TLSGW_SOCKS_NAME_MAX + 1];
	struct sockaddr_storage addr;
};

/* Length of the request in buf, 0 if incomplete, < 0 after a reply. */
static int tlsgw_socks_request_len(struct tlsgw_socks_conn *conn)
{
	const u8 *b = conn->buf;

	if (conn->len < 4)
		return 0;
	if (b[0] != SOCKS_VERSION) {
		tlsgw_socks_reply(conn, SOCKS_REP_FAILURE, NULL);
		return tlsgw_socks_proto_error(conn);
	}
	if (b[1] < TLSGW_SOCKS_CMD_CONNECT ||
	    b[1] > TLSGW_SOCKS_CMD_UDP_ASSOCIATE) {
		tlsgw_socks_reply(conn, SOCKS_REP_CMD_UNSUPPORTED, NULL);
		return tlsgw_socks_proto_error(conn);
	}
	switch (b[3]) {
	case SOCKS_ATYP_IPV4:
		return 4 + 4 + 2;
	case SOCKS_ATYP_IPV6:
		return 4 + 16 + 2;
	case SOCKS_ATYP_DOMAIN:
		if (conn->len < 5)
			return 0;
		if (!b[4]) {
			tlsgw_socks_reply(conn, SOCKS_REP_FAILURE, NULL);
			return tlsgw_socks_proto_error(conn);
		}
		return 5 + b[4] + 2;
	default:
		tlsgw_socks_reply(conn, SOCKS_REP_ATYP_UNSUPPORTED, NULL);
		return tlsgw_socks_proto_error(conn);
	}
}

static bool tlsgw_socks_name_valid(const u8 *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] >= 0x7f)
			return false;
	return true;
}

/* Decodes a complete request of len bytes; false if the name is bad. */
static bool tlsgw_socks_decode(const u8 *b, int len,
			       struct tlsgw_socks_request *req)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&req->addr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&req->addr;

	memset(req, 0, sizeof(*req));
	req->cmd = b[1];
	req->port = get_unaligned_be16(b + len - 2);
	switch (b[3]) {
	case SOCKS_ATYP_IPV4:
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, b + 4, 4);
		sin->sin_port = htons(req->port);
		break;
	case SOCKS_ATYP_IPV6:
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, b + 4, 16);
		sin6->sin6_port = htons(req->port);
		tlsgw_socks_unmap(&req->addr);
		break;
	default:
		if (!tlsgw_socks_name_valid(b + 5, b[4]))
			return false;
		memcpy(req->name, b + 5, b[4]);
		break;
	}
	return true;
}

/* Carries out the request on the addresses in conn->dsts. */
static void tlsgw_socks_execute_addrs(struct tlsgw_socks_conn *conn)
{
	switch (conn->cmd) {
	case TLSGW_SOCKS_CMD_CONNECT:
		tlsgw_socks_connect(conn);
		break;
	case TLSGW_SOCKS_CMD_BIND:
		tlsgw_socks_bind(conn, &conn->dsts->addr[0]);
		break;
	default:
		if (tlsgw_socks_udp_start(conn, &conn->dsts->addr[0]))
			tlsgw_socks_conn_close(conn);
		break;
	}
}

/* The resolver answered (under tn->resolve_lock): the work goes on. */
static void tlsgw_socks_resolved(struct tlsgw_resolve_req *req)
{
	struct tlsgw_socks_conn *conn = container_of(req,
						     struct tlsgw_socks_conn,
						     resolve);

	lockdep_assert_held(&conn->svc->tn->resolve_lock);
	tlsgw_socks_conn_kick_put(conn);	/* the lookup's reference */
}

/* Starts the lookup of name; the answer or the timer queues the work. */
static void tlsgw_socks_resolve(struct tlsgw_socks_conn *conn,
				const char *name, u16 port)
{
	struct tlsgw_net *tn = conn->svc->tn;
	int err;

	conn->resolve.port = port;
	conn->resolve.out = conn->dsts;
	tlsgw_socks_set_state(conn, TLSGW_SOCKS_RESOLVING);
	if (!tlsgw_socks_arm(conn, tlsgw_resolve_timeout()))
		return;
	refcount_inc(&conn->ref);	/* for the pending lookup */
	err = tlsgw_resolve_start(tn, &conn->resolve, name);
	if (err) {
		tlsgw_socks_conn_put(conn);
		tlsgw_socks_disarm(conn);
		return tlsgw_socks_fail(conn, tlsgw_socks_errno_reply(err),
					TLSGW_SOCKS_CTR_RESOLVE_FAILED);
	}
	/* Killed before the lookup was listed: its cancel missed it. */
	if (test_bit(TLSGW_SOCKS_DEAD, &conn->flags) &&
	    tlsgw_resolve_cancel(tn, &conn->resolve))
		tlsgw_socks_conn_put(conn);
}

/* RESOLVING: the answer came, the timer fired or the client changed. */
static void tlsgw_socks_resolving(struct tlsgw_socks_conn *conn)
{
	struct tlsgw_net *tn = conn->svc->tn;
	int err;

	if (tlsgw_socks_client_gone(conn))
		return tlsgw_socks_abort(conn);
	if (tlsgw_resolve_pending(tn, &conn->resolve)) {
		if (!tlsgw_socks_expired_now(conn))
			return;
		if (tlsgw_resolve_cancel(tn, &conn->resolve)) {
			tlsgw_socks_conn_put(conn);	/* not the last */
			/* The lookup was not made: not the name's fault. */
			return tlsgw_socks_fail(conn, SOCKS_REP_FAILURE,
						TLSGW_SOCKS_CTR_RESOLVE_FAILED);
		}
		/* answered meanwhile */
	}
	tlsgw_socks_disarm(conn);
	err = tlsgw_resolve_result(&conn->resolve);
	if (err)
		return tlsgw_socks_fail(conn, tlsgw_socks_errno_reply(err),
					TLSGW_SOCKS_CTR_RESOLVE_FAILED);
	tlsgw_socks_execute_addrs(conn);
}

static void tlsgw_socks_execute(struct tlsgw_socks_conn *conn,
				struct tlsgw_socks_request *req)
{
	conn->dsts = kzalloc(sizeof(*conn->dsts), GFP_KERNEL_ACCOUNT);
	if (!conn->dsts)
		return tlsgw_socks_fail(conn, SOCKS_REP_FAILURE, 0);
	if (req->name[0])
		return tlsgw_socks_resolve(conn, req->name, req->port);
	conn->dsts->addr[0] = req->addr;
	conn->dsts->n = 1;
	tlsgw_socks_execute_addrs(conn);
}

static int tlsgw_socks_request(struct tlsgw_socks_conn *conn)
{
	struct tlsgw_socks_request *req;
	int len = tlsgw_socks_request_len(conn);

	if (len <= 0 || conn->len < len)
		return len < 0 ? len : 0;
	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req) {
		tlsgw_socks_fail(conn, SOCKS_REP_FAILURE, 0);
		return -ENOMEM;
	}
	conn->cmd = conn->buf[1];
	if (!tlsgw_socks_decode(conn->buf, len, req)) {
		kfree(req);
		tlsgw_socks_reply(conn, SOCKS_REP_HOST_UNREACH, NULL);
		return tlsgw_socks_proto_error(conn);
	}
	/* What follows the request is the client's first data. */
	conn->len -= len;
	memmove(conn->buf, conn->buf + len, conn->len);
	if (conn->len)
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_EARLY_DATA, 1);
	tlsgw_socks_execute(conn, req);
	kfree(req);
	return -EINPROGRESS;	/* the connection has moved on */
}

/* Reads what the client sent; false on EOF or error. */
static bool tlsgw_socks_read(struct tlsgw_socks_conn *conn)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec iov;
	int n;

	while (conn->len < sizeof(conn->buf)) {
		iov.iov_base = conn->buf + conn->len;
		iov.iov_len = sizeof(conn->buf) - conn->len;
		n = kernel_recvmsg(conn->client, &msg, &iov, 1, iov.iov_len,
				   MSG_DONTWAIT);
		if (n == -EAGAIN)
			return true;
		if (n <= 0)
			return false;
		conn->len += n;
	}
	return true;
}

static void tlsgw_socks_negotiate(struct tlsgw_socks_conn *conn)
{
	bool open = tlsgw_socks_read(conn);
	int n;

	for (;;) {
		switch (conn->state) {
		case TLSGW_SOCKS_GREETING:
			n = tlsgw_socks_greeting(conn);
			break;
		case TLSGW_SOCKS_AUTH:
			n = tlsgw_socks_auth(conn);
			break;
		case TLSGW_SOCKS_REQUEST:
			n = tlsgw_socks_request(conn);
			break;
		default:
			return;
		}
		if (n < 0)
			return;
		if (!n)
			break;
		conn->len -= n;
		memmove(conn->buf, conn->buf + n, conn->len);
	}
	if (!open) {
		/* The client left in the middle of a message. */
		if (conn->len || conn->state != TLSGW_SOCKS_GREETING)
			tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_PROTO_ERRORS, 1);
		tlsgw_socks_conn_close(conn);
	}
}

static void tlsgw_socks_work(struct work_struct *work)
{
	struct tlsgw_socks_conn *conn = container_of(work,
						     struct tlsgw_socks_conn,
						     work);

	if (test_bit(TLSGW_SOCKS_DEAD, &conn->flags))
		goto out;
	switch (conn->state) {
	case TLSGW_SOCKS_GREETING:
	case TLSGW_SOCKS_AUTH:
	case TLSGW_SOCKS_REQUEST:
		tlsgw_socks_negotiate(conn);
		break;
	case TLSGW_SOCKS_RESOLVING:
		tlsgw_socks_resolving(conn);
		break;
	case TLSGW_SOCKS_CONNECTING:
		tlsgw_socks_connecting(conn);
		break;
	case TLSGW_SOCKS_BINDING:
		tlsgw_socks_binding(conn);
		break;
	case TLSGW_SOCKS_UDP:
		tlsgw_socks_udp_work(conn);
		break;
	}
out:
	tlsgw_socks_conn_put(conn);
}
