// SPDX-License-Identifier: GPL-2.0
/*
 * SOCKS5 UDP ASSOCIATE: one kernel UDP socket per association relays the
 * client's datagrams (SOCKS UDP header removed) to their destinations and
 * the answers back (header added). Datagrams from the client's address
 * are requests; from a host the client has sent to, answers; anything else
 * is dropped. The association ends with its TCP control connection.
 *
 * The conn's work runs it (conn.c queues the work from the control
 * connection's callbacks, and from the UDP socket's, which point at the
 * same conn); only the work touches struct tlsgw_socks_udp after start.
 * A DOMAINNAME datagram is held while its name is looked up (one at a
 * time per association: others are dropped meanwhile); the answer or the
 * conn's timer queues the work, which then sends it.
 */

#include <asm/unaligned.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include "core/netlink.h"
#include "socks/socks.h"

#define SOCKS_ATYP_IPV4		1
#define SOCKS_ATYP_DOMAIN	3
#define SOCKS_ATYP_IPV6	4

#define TLSGW_UDP_PEERS		16	/* destinations answers may come from */
#define TLSGW_UDP_HEADROOM	(4 + 16 + 2)
#define TLSGW_UDP_MAX		65535
#define TLSGW_UDP_BUDGET	64

/**
 * struct tlsgw_socks_udp - a UDP association's relay state
 * @sock: the relay's UDP socket
 * @data_ready: @sock's stock sk_data_ready, while hooked
 * @client: the client's address; port 0 until the first datagram
 * @n_peers: destinations in @peers
 * @next_peer: the slot of @peers the next destination takes (a ring)
 * @peers: destinations answers may come from
 * @buf: headroom + the largest datagram
 * @held: payload waiting for its name
 * @held_len: length of @held
 */
struct tlsgw_socks_udp {
	struct socket *sock;
	void (*data_ready)(struct sock *sk);
	struct sockaddr_storage client;
	unsigned int n_peers, next_peer;
	struct sockaddr_storage peers[TLSGW_UDP_PEERS];
	u8 *buf;
	u8 *held;
	size_t held_len;
};

/* Gives the UDP socket its callback back, if the conn's claim holds it. */
static void tlsgw_socks_udp_unhook(struct tlsgw_socks_conn *conn,
				   struct tlsgw_socks_udp *udp)
{
	struct sock *sk = udp->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (tlsgw_sk_unclaim(sk, conn))
		WRITE_ONCE(sk->sk_data_ready, udp->data_ready);
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * tlsgw_socks_udp_stop() - unhooks the UDP socket when the conn closes
 * @conn: the connection
 *
 * Afterwards no callback can reach it.
 *
 * Context: process context; takes the socket's sk_callback_lock.
 */
void tlsgw_socks_udp_stop(struct tlsgw_socks_conn *conn)
{
	if (conn->udp && conn->udp->sock)
		tlsgw_socks_udp_unhook(conn, conn->udp);
}

/**
 * tlsgw_socks_udp_free() - frees the UDP association
 * @conn: the connection, on its last put
 *
 * Context: process context.
 */
void tlsgw_socks_udp_free(struct tlsgw_socks_conn *conn)
{
	struct tlsgw_socks_udp *udp = conn->udp;

	if (!udp)
		return;
	if (udp->sock) {
		tlsgw_socks_udp_unhook(conn, udp);
		sock_release(udp->sock);
	}
	kvfree(udp->buf);
	kvfree(udp->held);
	kfree(udp);
	conn->udp = NULL;
}

static u16 tlsgw_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void tlsgw_set_port(struct sockaddr_storage *ss, u16 port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* The socket is AF_INET6 when it can be: IPv4 goes as v4-mapped then. */
static int tlsgw_udp_sockaddr(const struct tlsgw_socks_udp *udp,
			      const struct sockaddr_storage *ss,
			      struct sockaddr_storage *out)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	if (udp->sock->sk->sk_family == AF_INET || ss->ss_family == AF_INET6) {
		if (udp->sock->sk->sk_family == AF_INET &&
		    ss->ss_family != AF_INET)
			return -EAFNOSUPPORT;
		*out = *ss;
		return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
						  sizeof(struct sockaddr_in6);
	}
	memset(out, 0, sizeof(*out));
	sin6->sin6_family = AF_INET6;
	ipv6_addr_set_v4mapped(sin->sin_addr.s_addr, &sin6->sin6_addr);
	sin6->sin6_port = sin->sin_port;
	return sizeof(*sin6);
}

static int tlsgw_udp_send(struct tlsgw_socks_udp *udp,
			  const struct sockaddr_storage *to, void *data,
			  size_t len)
{
	struct sockaddr_storage addr;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = data, .iov_len = len };
	int alen = tlsgw_udp_sockaddr(udp, to, &addr);

	if (alen < 0)
		return alen;
	msg.msg_name = &addr;
	msg.msg_namelen = alen;
	return kernel_sendmsg(udp->sock, &msg, &iov, 1, len);
}

static int tlsgw_socks_udp_open(struct tlsgw_socks_conn *conn,
				struct tlsgw_socks_udp *udp)
{
	struct net *net = conn->svc->tn->net;
	struct sockaddr_storage local = {};
	struct sockaddr_in6 *any6 = (struct sockaddr_in6 *)&local;
	struct sockaddr_in *any4 = (struct sockaddr_in *)&local;
	int err;

	/* Dual-stack when IPv6 is there, so that any destination works. */
	err = sock_create_kern(net, AF_INET6, SOCK_DGRAM, IPPROTO_UDP,
			       &udp->sock);
	if (!err) {
		udp->sock->sk->sk_ipv6only = false;
		any6->sin6_family = AF_INET6;
		err = kernel_bind(udp->sock, (struct sockaddr *)any6,
				  sizeof(*any6));
		if (!err)
			return 0;
		sock_release(udp->sock);
		udp->sock = NULL;
	}
	err = sock_create_kern(net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &udp->sock);
	if (err)
		return err;
	any4->sin_family = AF_INET;
	return kernel_bind(udp->sock, (struct sockaddr *)any4, sizeof(*any4));
}

/* Claims the UDP socket (tlsgw_sk_claim()); false if claimed already. */
static bool tlsgw_socks_udp_hook(struct tlsgw_socks_conn *conn,
				 struct tlsgw_socks_udp *udp)
{
	struct sock *sk = udp->sock->sk;
	bool claimed;

	write_lock_bh(&sk->sk_callback_lock);
	claimed = tlsgw_sk_claim(sk, conn);
	if (claimed) {
		udp->data_ready = sk->sk_data_ready;
		WRITE_ONCE(sk->sk_data_ready, tlsgw_socks_data_ready);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	return claimed;
}

/**
 * tlsgw_socks_udp_start() - sets a UDP association up and answers the request
 * @conn: the connection, in its work
 * @expect: DST.ADDR and DST.PORT of the request: where the client will
 *	send from (port 0: not known yet)
 *
 * The client's address is that of its TCP connection.
 *
 * Context: the connection's work.
 * Return: 0 or a negative errno (the caller closes the connection).
 */
int tlsgw_socks_udp_start(struct tlsgw_socks_conn *conn,
			  const struct sockaddr_storage *expect)
{
	struct tlsgw_socks_udp *udp;
	struct sockaddr_storage bnd;
	int err;

	/* Destinations are checked per datagram. */
	if (!tlsgw_socks_allowed(conn, NULL)) {
		tlsgw_genl_socks_event(conn->svc, conn->cmd);
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_DENIED, 1);
		tlsgw_socks_reply(conn, SOCKS_REP_NOT_ALLOWED, NULL);
		return -EACCES;
	}
	udp = kzalloc(sizeof(*udp), GFP_KERNEL_ACCOUNT);
	if (!udp)
		goto fail;
	conn->udp = udp;
	udp->buf = kvmalloc(TLSGW_UDP_HEADROOM + TLSGW_UDP_MAX,
			    GFP_KERNEL_ACCOUNT);
	if (!udp->buf || tlsgw_socks_udp_open(conn, udp))
		goto fail;
	udp->client = conn->client_addr;
	tlsgw_set_port(&udp->client, expect->ss_family == udp->client.ss_family ?
		       tlsgw_port(expect) : 0);

	/* BND.ADDR: where the client reached us; BND.PORT: the socket's. */
	if (kernel_getsockname(udp->sock, (struct sockaddr *)&bnd) < 0)
		goto fail;
	err = tlsgw_port(&bnd);
	bnd = conn->local_addr;
	tlsgw_set_port(&bnd, err);

	/*
	 * Hooked under the lock that orders kills: a kill either comes first
	 * (DEAD) or sees state UDP and unhooks. Hooked after a kill, a
	 * datagram could take a reference on a conn whose last one is gone.
	 */
	mutex_lock(&conn->svc->lock);
	err = test_bit(TLSGW_SOCKS_DEAD, &conn->flags) ? -ECONNABORTED : 0;
	if (!err && !tlsgw_socks_udp_hook(conn, udp))
		err = -EBUSY;
	if (!err) {
		conn->last_active = jiffies;
		WRITE_ONCE(conn->state, TLSGW_SOCKS_UDP);
	}
	mutex_unlock(&conn->svc->lock);
	if (err)
		return err;
	if (tlsgw_socks_reply(conn, SOCKS_REP_OK, &bnd))
		return -EPIPE;
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_REQUESTS_OK, 1);
	tlsgw_socks_conn_kick(conn);	/* datagrams may be waiting */
	return 0;
fail:
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_CONNECT_FAILED, 1);
	tlsgw_socks_reply(conn, SOCKS_REP_FAILURE, NULL);
	return -ENOMEM;
}

static void tlsgw_udp_remember(struct tlsgw_socks_udp *udp,
			       const struct sockaddr_storage *peer)
{
	unsigned int i;

	for (i = 0; i < udp->n_peers; i++)
		if (tlsgw_socks_addr_equal(&udp->peers[i], peer, true))
			return;
	udp->peers[udp->next_peer] = *peer;
	udp->next_peer = (udp->next_peer + 1) % TLSGW_UDP_PEERS;
	if (udp->n_peers < TLSGW_UDP_PEERS)
		udp->n_peers++;
}

static bool tlsgw_udp_known(struct tlsgw_socks_udp *udp,
			    const struct sockaddr_storage *peer)
{
	unsigned int i;

	for (i = 0; i < udp->n_peers; i++)
		if (tlsgw_socks_addr_equal(&udp->peers[i], peer, true))
			return true;
	return false;
}

/* Destination of a client datagram; returns the header length or 0. */
static size_t tlsgw_udp_parse(struct tlsgw_socks_conn *conn, const u8 *p,
			      size_t len, struct sockaddr_storage *dst)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)dst;
	struct sockaddr_in *sin = (struct sockaddr_in *)dst;
	size_t hlen;

	memset(dst, 0, sizeof(*dst));
	if (len < 4)
		return 0;
	switch (p[3]) {
	case SOCKS_ATYP_IPV4:
		hlen = 4 + 4 + 2;
		if (len < hlen)
			return 0;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, p + 4, 4);
		memcpy(&sin->sin_port, p + 8, 2);
		return hlen;
	case SOCKS_ATYP_IPV6:
		hlen = 4 + 16 + 2;
		if (len < hlen)
			return 0;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, p + 4, 16);
		memcpy(&sin6->sin6_port, p + 20, 2);
		tlsgw_socks_unmap(dst);
		return hlen;
	case SOCKS_ATYP_DOMAIN:
		if (len < 5 || !p[4] || len < 5 + p[4] + 2)
			return 0;
		return 5 + p[4] + 2;	/* dst stays AF_UNSPEC: to resolve */
	default:
		return 0;
	}
}

static void tlsgw_udp_send_to(struct tlsgw_socks_conn *conn,
			      const struct sockaddr_storage *dst, u8 *data,
			      size_t len)
{
	struct tlsgw_socks_udp *udp = conn->udp;

	if (!tlsgw_socks_allowed(conn, dst)) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_DENIED, 1);
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
		return;
	}
	if (tlsgw_udp_send(udp, dst, data, len) < 0) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
		return;
	}
	tlsgw_udp_remember(udp, dst);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_IN, 1);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_BYTES_IN, len);
}

/*
 * A DOMAINNAME datagram (p: its name length byte): holds the payload and
 * starts the lookup, unless one is under way already.
 */
static void tlsgw_udp_resolve(struct tlsgw_socks_conn *conn, const u8 *p,
			      const u8 *data, size_t len)
{
	struct tlsgw_socks_udp *udp = conn->udp;
	struct tlsgw_net *tn = conn->svc->tn;
	char name[TLSGW_SOCKS_NAME_MAX + 1];
	int err;

	memcpy(name, p + 1, p[0]);
	name[p[0]] = '\0';
	if (udp->held || strlen(name) != p[0]) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
		return;
	}
	if (!conn->dsts)
		conn->dsts = kzalloc(sizeof(*conn->dsts), GFP_KERNEL_ACCOUNT);
	udp->held = kvmalloc(len ?: 1, GFP_KERNEL_ACCOUNT);
	if (!conn->dsts || !udp->held)
		goto drop;
	memcpy(udp->held, data, len);
	udp->held_len = len;
	conn->resolve.port = get_unaligned_be16(p + 1 + p[0]);
	conn->resolve.out = conn->dsts;
	if (!tlsgw_socks_arm(conn, tlsgw_resolve_timeout()))
		goto drop;
	refcount_inc(&conn->ref);	/* for the pending lookup */
	err = tlsgw_resolve_start(tn, &conn->resolve, name);
	if (!err)
		return;
	tlsgw_socks_conn_put(conn);
	tlsgw_socks_disarm(conn);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_RESOLVE_FAILED, 1);
drop:
	kvfree(udp->held);
	udp->held = NULL;
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
}

/* The held datagram's lookup ended, or timed out: send or drop it. */
static void tlsgw_udp_resolved(struct tlsgw_socks_conn *conn)
{
	struct tlsgw_socks_udp *udp = conn->udp;
	struct tlsgw_net *tn = conn->svc->tn;
	int err = -EAGAIN;

	if (tlsgw_resolve_pending(tn, &conn->resolve)) {
		if (!tlsgw_socks_expired_now(conn))
			return;
		if (tlsgw_resolve_cancel(tn, &conn->resolve))
			tlsgw_socks_conn_put(conn);	/* not the last */
		else
			err = tlsgw_resolve_result(&conn->resolve);
	} else {
		err = tlsgw_resolve_result(&conn->resolve);
	}
	tlsgw_socks_disarm(conn);
	if (err) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_RESOLVE_FAILED, 1);
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
	} else {
		tlsgw_udp_send_to(conn, &conn->dsts->addr[0], udp->held,
				  udp->held_len);
	}
	kvfree(udp->held);
	udp->held = NULL;
}

static void tlsgw_udp_from_client(struct tlsgw_socks_conn *conn, u8 *p,
				  size_t len)
{
	struct sockaddr_storage dst;
	size_t hlen;

	if (len >= 3 && p[2]) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_FRAG_DROPPED, 1);
		return;
	}
	hlen = tlsgw_udp_parse(conn, p, len, &dst);
	if (!hlen) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
		return;
	}
	if (dst.ss_family == AF_UNSPEC)
		tlsgw_udp_resolve(conn, p + 4, p + hlen, len - hlen);
	else
		tlsgw_udp_send_to(conn, &dst, p + hlen, len - hlen);
}

/* data is at buf + headroom: the header goes in front of it. */
static void tlsgw_udp_to_client(struct tlsgw_socks_conn *conn,
				const struct sockaddr_storage *from,
				size_t len)
{
	struct tlsgw_socks_udp *udp = conn->udp;
	u8 *data = udp->buf + TLSGW_UDP_HEADROOM;
	size_t hlen = from->ss_family == AF_INET6 ? 4 + 16 + 2 : 4 + 4 + 2;
	u8 *h = data - hlen;

	if (!tlsgw_port(&udp->client)) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
		return;
	}
	memset(h, 0, 3);
	if (from->ss_family == AF_INET6) {
		h[3] = SOCKS_ATYP_IPV6;
		memcpy(h + 4, &((const struct sockaddr_in6 *)from)->sin6_addr,
		       16);
	} else {
		h[3] = SOCKS_ATYP_IPV4;
		memcpy(h + 4, &((const struct sockaddr_in *)from)->sin_addr, 4);
	}
	put_unaligned_be16(tlsgw_port(from), h + hlen - 2);
	if (tlsgw_udp_send(udp, &udp->client, h, hlen + len) < 0) {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
		return;
	}
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_OUT, 1);
	tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_BYTES_OUT, len);
}

static void tlsgw_udp_datagram(struct tlsgw_socks_conn *conn,
			       struct sockaddr_storage *from, size_t len)
{
	struct tlsgw_socks_udp *udp = conn->udp;
	u8 *data = udp->buf + TLSGW_UDP_HEADROOM;

	tlsgw_socks_unmap(from);
	if (tlsgw_socks_addr_equal(from, &conn->client_addr, false) &&
	    (!tlsgw_port(&udp->client) ||
	     tlsgw_port(&udp->client) == tlsgw_port(from))) {
		if (!tlsgw_port(&udp->client))
			udp->client = *from;
		tlsgw_udp_from_client(conn, data, len);
	} else if (tlsgw_udp_known(udp, from)) {
		tlsgw_udp_to_client(conn, from, len);
	} else {
		tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
	}
}

/* The control connection: anything it says is ignored; its end ends us. */
static bool tlsgw_udp_control_open(struct tlsgw_socks_conn *conn)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec iov;
	int n;

	for (;;) {
		iov.iov_base = conn->buf;
		iov.iov_len = sizeof(conn->buf);
		n = kernel_recvmsg(conn->client, &msg, &iov, 1, iov.iov_len,
				   MSG_DONTWAIT);
		if (n == -EAGAIN)
			return true;
		if (n <= 0)
			return false;
	}
}

/**
 * tlsgw_socks_udp_work() - relays the datagrams that are waiting
 * @conn: the connection, an association
 *
 * Closes the connection once its TCP control connection ended. Yields
 * after a budget of datagrams.
 *
 * Context: the connection's work.
 */
void tlsgw_socks_udp_work(struct tlsgw_socks_conn *conn)
{
	struct tlsgw_socks_udp *udp = conn->udp;
	struct sockaddr_storage from;
	struct msghdr msg = {};
	int budget = TLSGW_UDP_BUDGET;
	struct kvec iov;
	int n;

	if (!tlsgw_udp_control_open(conn)) {
		tlsgw_socks_conn_close(conn);
		return;
	}
	if (udp->held)
		tlsgw_udp_resolved(conn);
	while (budget--) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		iov.iov_base = udp->buf + TLSGW_UDP_HEADROOM;
		iov.iov_len = TLSGW_UDP_MAX;
		n = kernel_recvmsg(udp->sock, &msg, &iov, 1, iov.iov_len,
				   MSG_DONTWAIT);
		if (n == -EAGAIN)
			return;
		if (n < 0)
			continue;	/* an ICMP error was reported: go on */
		WRITE_ONCE(conn->last_active, jiffies);
		if (msg.msg_flags & MSG_TRUNC) {
			tlsgw_socks_count(conn, TLSGW_SOCKS_CTR_UDP_DROPPED, 1);
			continue;
		}
		tlsgw_udp_datagram(conn, &from, n);
		if (test_bit(TLSGW_SOCKS_DEAD, &conn->flags))
			return;
	}
	tlsgw_socks_conn_kick(conn);	/* more may be waiting: yield */
}
