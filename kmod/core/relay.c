// SPDX-License-Identifier: GPL-2.0
/*
 * The relay engine: see relay.h for the lifetime and locking rules.
 */

#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tls.h>

#include "core/relay.h"

enum {
	TLSGW_RELAY_STARTED = TLSGW_RELAY_ALERTED + 1,
	TLSGW_RELAY_NOTIFIED,		/* close_notify went to the client */
};

/* TLS record content types (RFC 8446 5.1). */
enum {
	TLS_CT_ALERT = 21,
	TLS_CT_HANDSHAKE = 22,
	TLS_CT_APPLICATION_DATA = 23,
};

#define TLS_HS_KEY_UPDATE	24
#define TLS_ALERT_WARNING	1
#define TLS_ALERT_FATAL		2

/* Alert descriptions (RFC 8446 6). */
enum {
	TLS_ALERT_CLOSE_NOTIFY = 0,
	TLS_ALERT_UNEXPECTED_MESSAGE = 10,
	TLS_ALERT_BAD_RECORD_MAC = 20,
	TLS_ALERT_RECORD_OVERFLOW = 22,
	TLS_ALERT_DECODE_ERROR = 50,
	TLS_ALERT_INTERNAL_ERROR = 80,
};

/*
 * Bytes one work run may move (both directions together) before other
 * sessions get a turn: a direction that never runs dry must still yield.
 */
#define TLSGW_RELAY_BUDGET	(256 * 1024)
/* What one direction may move before the other gets its turn. */
#define TLSGW_RELAY_SLICE	(64 * 1024)

static struct workqueue_struct *tlsgw_relay_wq;

static unsigned int relay_buffer = 16384;
module_param(relay_buffer, uint, 0644);
MODULE_PARM_DESC(relay_buffer, "bytes buffered per session and direction (4096 to 4194304)");

/**
 * tlsgw_relay_bufsize() - the relay buffer size of new sessions
 *
 * Context: any.
 * Return: the relay_buffer module parameter, clamped to [4096, 4 MiB].
 */
size_t tlsgw_relay_bufsize(void)
{
	return clamp_t(size_t, READ_ONCE(relay_buffer), 4096, 4 << 20);
}

static void tlsgw_relay_kick(struct tlsgw_relay *relay)
{
	relay->ops->get(relay);
	if (!queue_work(tlsgw_relay_wq, &relay->work))
		relay->ops->put(relay);
}

/*
 * Socket callbacks, in softirq context. A relay found in sk_user_data
 * under sk_callback_lock is hooked, so its owner still holds a reference
 * and the put in tlsgw_relay_kick() is never the last one.
 */
static struct tlsgw_relay *tlsgw_relay_of(struct sock *sk)
{
	lockdep_assert_held(&sk->sk_callback_lock);
	return (struct tlsgw_relay *)sk->sk_user_data;
}

static void tlsgw_relay_data_ready(struct sock *sk)
{
	struct tlsgw_relay *relay;

	read_lock_bh(&sk->sk_callback_lock);
	relay = tlsgw_relay_of(sk);
	if (relay)
		tlsgw_relay_kick(relay);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void tlsgw_relay_write_space(struct sock *sk)
{
	struct tlsgw_relay *relay;
	int i;

	read_lock_bh(&sk->sk_callback_lock);
	relay = tlsgw_relay_of(sk);
	if (relay) {
		/*
		 * The stock callback manages SOCK_NOSPACE for TCP: it keeps
		 * it set, and so keeps us called, until the socket is
		 * writable by its own measure. Only then is a run worth it.
		 */
		i = relay->side[1].sock->sk == sk;
		relay->side[i].write_space(sk);
		if (sk_stream_is_writeable(sk))
			tlsgw_relay_kick(relay);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void tlsgw_relay_state_change(struct sock *sk)
{
	tlsgw_relay_data_ready(sk);
}

/*
 * kTLS RX reports a record it cannot even frame (too long, bad header)
 * only by sk_err and this callback: without it the relay would never
 * learn, and the session would hang.
 */
static void tlsgw_relay_error_report(struct sock *sk)
{
	struct tlsgw_relay *relay;
	int i;

	read_lock_bh(&sk->sk_callback_lock);
	relay = tlsgw_relay_of(sk);
	if (relay) {
		i = relay->side[1].sock->sk == sk;
		relay->side[i].error_report(sk);
		tlsgw_relay_kick(relay);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/*
 * Claims one side's socket (0: client, 1: backend) for the relay: the
 * claim (tlsgw_sk_claim()) is taken with the callbacks, so one socket
 * cannot join two relays or another user's callbacks. -EBUSY if it is
 * claimed already.
 */
static int tlsgw_relay_hook_socket(struct tlsgw_relay *relay, int i)
{
	struct tlsgw_relay_hook *side = &relay->side[i];
	struct sock *sk = side->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (!tlsgw_sk_claim(sk, relay)) {
		write_unlock_bh(&sk->sk_callback_lock);
		return -EBUSY;
	}
	side->data_ready = sk->sk_data_ready;
	side->write_space = sk->sk_write_space;
	side->state_change = sk->sk_state_change;
	side->error_report = sk->sk_error_report;
	WRITE_ONCE(sk->sk_data_ready, tlsgw_relay_data_ready);
	WRITE_ONCE(sk->sk_write_space, tlsgw_relay_write_space);
	WRITE_ONCE(sk->sk_state_change, tlsgw_relay_state_change);
	WRITE_ONCE(sk->sk_error_report, tlsgw_relay_error_report);
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

static void tlsgw_relay_restore(void (**cb)(struct sock *sk),
				void (*ours)(struct sock *sk),
				void (*orig)(struct sock *sk))
{
	if (*cb == ours)
		WRITE_ONCE(*cb, orig);
}

/*
 * kTLS, installed after our callbacks, wrapped them: it keeps ours as the
 * callbacks it chains to. Put the originals back there too, so that no
 * pointer into this module survives the relay.
 */
static void tlsgw_relay_unhook_tls(struct tlsgw_relay_hook *side,
				   struct sock *sk)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	struct tls_sw_context_rx *rx;

	if (!ctx)
		return;
	tlsgw_relay_restore(&ctx->sk_write_space, tlsgw_relay_write_space,
			    side->write_space);
	rx = tls_sw_ctx_rx(ctx);
	if (rx)
		tlsgw_relay_restore(&rx->saved_data_ready,
				    tlsgw_relay_data_ready, side->data_ready);
}

static void tlsgw_relay_unhook_socket(struct tlsgw_relay *relay, int i)
{
	struct tlsgw_relay_hook *side = &relay->side[i];
	struct sock *sk = side->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (tlsgw_sk_unclaim(sk, relay)) {
		tlsgw_relay_restore(&sk->sk_data_ready, tlsgw_relay_data_ready,
				    side->data_ready);
		tlsgw_relay_restore(&sk->sk_write_space,
				    tlsgw_relay_write_space, side->write_space);
		tlsgw_relay_restore(&sk->sk_state_change,
				    tlsgw_relay_state_change,
				    side->state_change);
		tlsgw_relay_restore(&sk->sk_error_report,
				    tlsgw_relay_error_report,
				    side->error_report);
		if (i == 0 && relay->client_tls)
			tlsgw_relay_unhook_tls(side, sk);
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/*
 * Undoes tlsgw_relay_hook_socket() on both sockets (those it hooked), for
 * failed setups and tlsgw_relay_close(). Afterwards no callback of ours
 * can reach the relay.
 */
static void tlsgw_relay_unhook(struct tlsgw_relay *relay)
{
	int i;

	for (i = 0; i < 2; i++)
		tlsgw_relay_unhook_socket(relay, i);
}

static enum tlsgw_close_reason tlsgw_relay_reset_reason(int side)
{
	return side ? TLSGW_CLOSE_BACKEND_RESET : TLSGW_CLOSE_CLIENT_RESET;
}

static int tlsgw_relay_send(struct tlsgw_relay *relay, int to,
			    const void *data, size_t len, u8 record_type)
{
	char cbuf[CMSG_SPACE(sizeof(u8))] = {};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)data, .iov_len = len };
	struct cmsghdr *cmsg;

	if (record_type != TLS_CT_APPLICATION_DATA) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = (struct cmsghdr *)cbuf;
		cmsg->cmsg_level = SOL_TLS;
		cmsg->cmsg_type = TLS_SET_RECORD_TYPE;
		cmsg->cmsg_len = CMSG_LEN(sizeof(u8));
		*(u8 *)CMSG_DATA(cmsg) = record_type;
	}
	return kernel_sendmsg(relay->side[to].sock, &msg, &iov, 1, len);
}

/*
 * The client learns that the end is not a truncation. Sent once; -EAGAIN
 * when the socket has no room for it yet (try again on write space).
 */
static int tlsgw_relay_close_notify(struct tlsgw_relay *relay)
{
	static const u8 alert[2] = { TLS_ALERT_WARNING,
				     TLS_ALERT_CLOSE_NOTIFY };
	int n;

	if (!relay->client_tls ||
	    test_bit(TLSGW_RELAY_NOTIFIED, &relay->flags))
		return 0;
	n = tlsgw_relay_send(relay, 0, alert, sizeof(alert), TLS_CT_ALERT);
	if (n == -EAGAIN)
		return n;
	set_bit(TLSGW_RELAY_NOTIFIED, &relay->flags);
	return n < 0 ? n : 0;
}

/*
 * kTLS keeps back what TCP had no room for: the rest of a record partly
 * sent, or encrypted records waiting. A FIN now would go before them and
 * cut the stream. When it is so, SOCK_NOSPACE is set under the socket
 * lock that kTLS pushes under, so the ACKs of whatever it sends later
 * call write_space, and with it the relay, again.
 */
static bool tlsgw_relay_tls_pending(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct tls_context *ctx;
	bool pending;

	lock_sock(sk);
	ctx = tls_get_ctx(sk);
	pending = ctx && ctx->tx_conf == TLS_SW &&
		  (READ_ONCE(ctx->partially_sent_record) ||
		   !list_empty(&tls_sw_ctx_tx(ctx)->tx_list));
	if (pending)
		set_bit(SOCK_NOSPACE, &sock->flags);
	release_sock(sk);
	return pending;
}

/*
 * Propagates the end of a direction to side "to": close_notify (client),
 * then FIN once kTLS has handed everything to TCP. -EAGAIN: not yet, the
 * socket's write space calls the relay again.
 */
static int tlsgw_relay_shut_write(struct tlsgw_relay *relay, int to)
{
	struct socket *sock = relay->side[to].sock;
	int err;

	if (to == 0 && relay->client_tls) {
		err = tlsgw_relay_close_notify(relay);
		if (err)
			return err;
		if (tlsgw_relay_tls_pending(sock))
			return -EAGAIN;
	}
	err = kernel_sock_shutdown(sock, SHUT_WR);
	/* Already closed by the peer: nothing is left to end. */
	return err == -ENOTCONN ? 0 : err;
}

/* A non-data record from the client: says how the session ends. */
static enum tlsgw_close_reason tlsgw_relay_control(struct tlsgw_relay *relay,
						   u8 type, int len)
{
	struct tlsgw_relay_dir *d = &relay->dir[0];

	/*
	 * RFC 8446 5.1 and 6: no record of a type other than application
	 * data is empty, and an alert record holds exactly one alert.
	 */
	if (!len) {
		relay->alert = TLS_ALERT_UNEXPECTED_MESSAGE;
		return TLSGW_CLOSE_TLS_ERROR;
	}
	if (type == TLS_CT_ALERT && len != 2) {
		relay->alert = TLS_ALERT_DECODE_ERROR;
		return TLSGW_CLOSE_TLS_ERROR;
	}
	if (type == TLS_CT_ALERT &&
	    d->buf[1] == TLS_ALERT_CLOSE_NOTIFY) {
		d->eof = true;
		return TLSGW_CLOSE_UNSPEC;
	}
	if (type == TLS_CT_ALERT)
		return TLSGW_CLOSE_ALERT;
	if (type == TLS_CT_HANDSHAKE && len >= 1 &&
	    d->buf[0] == TLS_HS_KEY_UPDATE)
		return TLSGW_CLOSE_KEY_UPDATE;
	/* Any other handshake message, or a content type TLS lacks. */
	relay->alert = TLS_ALERT_UNEXPECTED_MESSAGE;
	return TLSGW_CLOSE_TLS_ERROR;
}

/*
 * A record kTLS RX refused. Its errors say which (net/tls/tls_sw.c):
 * -EBADMSG a record that does not decrypt (or, in TLS 1.3, whose
 * plaintext is all padding), or shorter than its tag; -EMSGSIZE a record
 * longer than TLS allows; -EINVAL a header with the wrong version; -EIO
 * a control record we gave too little room to.
 */
static enum tlsgw_close_reason tlsgw_relay_recv_err(struct tlsgw_relay *relay,
						    int from, int err)
{
	if (from != 0 || !relay->client_tls)
		return tlsgw_relay_reset_reason(from);
	switch (err) {
	case -EBADMSG:
		relay->alert = TLS_ALERT_BAD_RECORD_MAC;
		break;
	case -EMSGSIZE:
		relay->alert = TLS_ALERT_RECORD_OVERFLOW;
		break;
	case -EINVAL:
		relay->alert = TLS_ALERT_DECODE_ERROR;
		break;
	case -EIO:
		relay->alert = TLS_ALERT_INTERNAL_ERROR;
		break;
	default:
		return tlsgw_relay_reset_reason(from);
	}
	return TLSGW_CLOSE_TLS_ERROR;
}

/*
 * Before a TLS error resets the client, RFC 8446 6.2 wants a fatal alert
 * to say why. kTLS RX left its error in sk_err, where kTLS TX would refuse
 * to send anything: it has been reported (to us), so clear it. The reset
 * that follows drops whatever TCP still holds, so Nagle must not keep the
 * small alert back behind unacknowledged data (tlsgwd's session tickets,
 * say): TCP_NODELAY pushes it out with what is queued. Best effort: when
 * the socket has no room the reset goes without it.
 */
static void tlsgw_relay_send_alert(struct tlsgw_relay *relay)
{
	u8 alert[2] = { TLS_ALERT_FATAL, relay->alert };
	struct sock *sk = relay->side[0].sock->sk;

	sock_error(sk);
	tcp_sock_set_nodelay(sk);
	if (tlsgw_relay_send(relay, 0, alert, sizeof(alert), TLS_CT_ALERT) ==
	    sizeof(alert))
		set_bit(TLSGW_RELAY_ALERTED, &relay->flags);
}

/*
 * Reads into the empty buffer of dir[from]. Returns a close reason, or
 * UNSPEC with *got set to the bytes read (0: nothing to read now).
 */
static enum tlsgw_close_reason tlsgw_relay_recv(struct tlsgw_relay *relay,
						int from, size_t *got)
{
	struct tlsgw_relay_dir *d = &relay->dir[from];
	char cbuf[CMSG_SPACE(sizeof(u8))];
	struct msghdr msg = {};
	struct kvec iov = { .iov_base = d->buf, .iov_len = d->size };
	struct cmsghdr *cmsg = (struct cmsghdr *)cbuf;
	u8 type = TLS_CT_APPLICATION_DATA;
	int n;

	*got = 0;
	if (from == 0 && relay->client_tls) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
	}
	n = kernel_recvmsg(relay->side[from].sock, &msg, &iov, 1, d->size,
			   MSG_DONTWAIT);
	if (n == -EAGAIN)
		return TLSGW_CLOSE_UNSPEC;
	if (n < 0)
		return tlsgw_relay_recv_err(relay, from, n);
	/* kTLS returns an empty control record as 0 bytes with its type. */
	if (from == 0 && relay->client_tls &&
	    msg.msg_controllen < sizeof(cbuf) &&
	    cmsg->cmsg_level == SOL_TLS &&
	    cmsg->cmsg_type == TLS_GET_RECORD_TYPE)
		type = *(u8 *)CMSG_DATA(cmsg);
	if (n == 0 && type == TLS_CT_APPLICATION_DATA) {
		d->eof = true;
		return TLSGW_CLOSE_UNSPEC;
	}
	if (from == 0 && relay->client_tls) {
		d->records++;
		if (type != TLS_CT_APPLICATION_DATA)
			return tlsgw_relay_control(relay, type, n);
	}
	d->tail = n;
	*got = n;
	return TLSGW_CLOSE_UNSPEC;
}

/*
 * Moves what it can in one direction, at most *budget bytes (which it
 * lowers); *progress is set on any movement. Stops at once on a close.
 */
static enum tlsgw_close_reason tlsgw_relay_pump(struct tlsgw_relay *relay,
						int from, bool *progress,
						size_t *budget)
{
	struct tlsgw_relay_dir *d = &relay->dir[from];
	enum tlsgw_close_reason reason;
	int to = !from;
	size_t got;
	int n;

	for (;;) {
		if (tlsgw_relay_dead(relay) || !*budget)
			return TLSGW_CLOSE_UNSPEC;
		if (d->head < d->tail) {
			n = tlsgw_relay_send(relay, to, d->buf + d->head,
					     d->tail - d->head,
					     TLS_CT_APPLICATION_DATA);
			if (n == -EAGAIN)
				return TLSGW_CLOSE_UNSPEC;
			if (n < 0)
				return tlsgw_relay_reset_reason(to);
			d->head += n;
			d->bytes += n;
			*budget -= min_t(size_t, n, *budget);
			if (to == 0 && relay->client_tls)
				d->records += DIV_ROUND_UP(n, TLS_MAX_PAYLOAD_SIZE);
			if (d->head == d->tail) {
				d->head = 0;
				d->tail = 0;
			}
			WRITE_ONCE(relay->last_active, jiffies);
			*progress = true;
			continue;
		}
		if (d->eof) {
			if (!d->shut) {
				n = tlsgw_relay_shut_write(relay, to);
				if (n == -EAGAIN)
					return TLSGW_CLOSE_UNSPEC;
				if (n < 0)
					return tlsgw_relay_reset_reason(to);
				d->shut = true;
				*progress = true;
			}
			return TLSGW_CLOSE_UNSPEC;
		}
		reason = tlsgw_relay_recv(relay, from, &got);
		if (reason)
			return reason;
		if (!got && !d->eof)
			return TLSGW_CLOSE_UNSPEC;
		*progress = true;
	}
}

static void tlsgw_relay_work(struct work_struct *work)
{
	struct tlsgw_relay *relay = container_of(work, struct tlsgw_relay,
						 work);
	enum tlsgw_close_reason reason = TLSGW_CLOSE_UNSPEC;
	size_t budget = TLSGW_RELAY_BUDGET, slice, left;
	bool progress = false;
	int i;

	if (!test_bit(TLSGW_RELAY_STARTED, &relay->flags))
		goto out;

	while (!reason && !tlsgw_relay_dead(relay) && budget) {
		progress = false;
		for (i = 0; i < 2 && !reason; i++) {
			slice = min_t(size_t, budget, TLSGW_RELAY_SLICE);
			left = slice;
			reason = tlsgw_relay_pump(relay, i, &progress, &left);
			budget -= slice - left;
		}
		if (!progress)
			break;
	}

	if (!reason && relay->dir[0].shut && relay->dir[1].shut)
		reason = TLSGW_CLOSE_DONE;
	if (reason)
		tlsgw_relay_close(relay, reason);
	else if (progress && !tlsgw_relay_dead(relay))
		tlsgw_relay_kick(relay);	/* budget used up: yield */
out:
	relay->ops->put(relay);
}

/* Initializes a relay between two sockets: 0 or -ENOMEM. */
static int tlsgw_relay_init(struct tlsgw_relay *relay,
			    const struct tlsgw_relay_ops *ops,
			    struct socket *client, struct socket *backend,
			    size_t bufsize, const void *initial,
			    size_t initial_len)
{
	int i;

	relay->ops = ops;
	/* Owners list the relay before it starts: never idle since boot. */
	relay->last_active = jiffies;
	relay->side[0].sock = client;
	relay->side[1].sock = backend;
	INIT_WORK(&relay->work, tlsgw_relay_work);
	for (i = 0; i < 2; i++) {
		relay->dir[i].size = i == 0 ? max(bufsize, initial_len)
					    : bufsize;
		relay->dir[i].buf = kvmalloc(relay->dir[i].size,
					     GFP_KERNEL_ACCOUNT);
		if (!relay->dir[i].buf)
			return -ENOMEM;
	}
	if (initial_len) {
		memcpy(relay->dir[0].buf, initial, initial_len);
		relay->dir[0].tail = initial_len;
	}
	return 0;
}

/**
 * tlsgw_relay_setup() - makes a relay of two sockets, ready to start
 * @relay: the relay, embedded in its (zeroed) owner
 * @conf: the owner's operations, the sockets, the first bytes and the
 *	pre-start step; @conf->busy is set
 *
 * Initializes the relay, hooks (claims) both sockets, then runs
 * @conf->prestart. On success the relay holds the sockets, hooked and not
 * started: the owner makes it reachable, then calls tlsgw_relay_start().
 * On failure it undoes its own steps: the callbacks are restored, the
 * buffers freed, and the sockets are the caller's again.
 *
 * Context: process context; sleeps (allocations), takes the sockets'
 * sk_callback_lock.
 * Return: 0, -ENOMEM, -EBUSY if a socket is claimed already (its side in
 * @conf->busy), or the error of @conf->prestart.
 */
int tlsgw_relay_setup(struct tlsgw_relay *relay, struct tlsgw_relay_conf *conf)
{
	int err, i;

	conf->busy = -1;
	err = tlsgw_relay_init(relay, conf->ops, conf->sock[0], conf->sock[1],
			       tlsgw_relay_bufsize(), conf->initial,
			       conf->initial_len);
	if (err)
		goto release;
	for (i = 0; i < 2; i++) {
		err = tlsgw_relay_hook_socket(relay, i);
		if (err) {
			conf->busy = i;
			goto unhook;
		}
	}
	if (conf->prestart) {
		err = conf->prestart(relay, conf->arg);
		if (err)
			goto unhook;
	}
	return 0;
unhook:
	tlsgw_relay_unhook(relay);
release:
	/* The caller still owns the sockets. */
	relay->side[0].sock = NULL;
	relay->side[1].sock = NULL;
	tlsgw_relay_release(relay);
	return err;
}

/**
 * tlsgw_relay_start() - starts relaying: queues the first work
 * @relay: a hooked relay
 *
 * Context: any.
 */
void tlsgw_relay_start(struct tlsgw_relay *relay)
{
	WRITE_ONCE(relay->last_active, jiffies);
	set_bit(TLSGW_RELAY_STARTED, &relay->flags);
	tlsgw_relay_kick(relay);
}

static bool tlsgw_relay_abortive(enum tlsgw_close_reason reason)
{
	switch (reason) {
	case TLSGW_CLOSE_DONE:
	case TLSGW_CLOSE_IDLE:
	case TLSGW_CLOSE_KEY_UPDATE:
	case TLSGW_CLOSE_SHUTDOWN:
		return false;
	default:
		return true;
	}
}

/**
 * tlsgw_relay_close() - ends the relay, once
 * @relay: the relay
 * @reason: why
 *
 * Graceful reasons send close_notify and FIN, abortive ones make the
 * final close send RST. Calls ops->closed() exactly once, for the first
 * caller; may run concurrently with the work, which stops at its next
 * check of the DEAD bit.
 *
 * Context: process context.
 */
void tlsgw_relay_close(struct tlsgw_relay *relay,
		       enum tlsgw_close_reason reason)
{
	int i;

	if (test_and_set_bit(TLSGW_RELAY_DEAD, &relay->flags))
		return;

	tlsgw_relay_unhook(relay);

	if (reason == TLSGW_CLOSE_TLS_ERROR && relay->alert)
		tlsgw_relay_send_alert(relay);
	if (tlsgw_relay_abortive(reason)) {
		for (i = 0; i < 2; i++)
			sock_no_linger(relay->side[i].sock->sk);
	} else {
		if (test_bit(TLSGW_RELAY_STARTED, &relay->flags))
			tlsgw_relay_close_notify(relay);
		for (i = 0; i < 2; i++)
			kernel_sock_shutdown(relay->side[i].sock, SHUT_RDWR);
	}
	relay->ops->closed(relay, reason);
}

/**
 * tlsgw_relay_release() - frees the buffers and drops the sockets
 * @relay: the relay, closed (or never started)
 *
 * Sockets from userspace are released through their file; the kernel's own
 * (SOCKS5) have none.
 *
 * Context: process context.
 */
void tlsgw_relay_release(struct tlsgw_relay *relay)
{
	int i;

	for (i = 0; i < 2; i++) {
		kvfree(relay->dir[i].buf);
		relay->dir[i].buf = NULL;
		if (relay->side[i].sock && relay->side[i].sock->file)
			sockfd_put(relay->side[i].sock);
		else if (relay->side[i].sock)
			sock_release(relay->side[i].sock);
		relay->side[i].sock = NULL;
	}
}

/**
 * tlsgw_relay_module_init() - allocates the relay workqueue
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int tlsgw_relay_module_init(void)
{
	tlsgw_relay_wq = alloc_workqueue("tlsgw_relay", WQ_UNBOUND, 0);
	return tlsgw_relay_wq ? 0 : -ENOMEM;
}

/**
 * tlsgw_relay_module_exit() - destroys the relay workqueue
 *
 * Context: module exit, process context. Waits for every queued work and
 * for socket callbacks of ours still on their way out (an RCU grace
 * period).
 */
void tlsgw_relay_module_exit(void)
{
	destroy_workqueue(tlsgw_relay_wq);
	/* No socket callback of ours may still be on its way out. */
	synchronize_rcu();
}
