/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_RELAY_H
#define _TLSGW_RELAY_H

#include <linux/lockdep.h>
#include <linux/net.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#include <linux/tlsgw.h>

/*
 * The relay engine: moves bytes between two connected TCP sockets in both
 * directions, driven by socket callbacks and a workqueue, never blocking.
 * Side 0 is the client; when it carries kTLS RX, non-data records are
 * recognised (close_notify, alerts, TLS 1.3 KeyUpdate).
 *
 * Setup: tlsgw_relay_setup() initializes the relay, claims and hooks both
 * sockets and runs the owner's pre-start step (kTLS), undoing its own steps
 * on failure; the owner then makes itself reachable and calls
 * tlsgw_relay_start().
 *
 * Lifetime: the owner embeds a struct tlsgw_relay and provides get/put on
 * itself through the ops. The socket callbacks find the relay through
 * sk_user_data under sk_callback_lock and take a reference for each queued
 * work; the work drops it when done. tlsgw_relay_close() unhooks the
 * callbacks (afterwards no callback can reach the relay and no pointer into
 * this module is left in the sockets), shuts the connections down and calls
 * ops->closed() exactly once. The files (and so the sockets) are released
 * by tlsgw_relay_release() when the owner frees itself.
 *
 * Locking: the work function is the only one that touches the buffers and
 * the direction state; work items are not reentrant, so it needs no lock.
 * The counters are read locklessly by dumps. close() may run concurrently
 * with the work; the DEAD bit makes the work stop at its next check.
 */

struct tlsgw_relay;

/**
 * struct tlsgw_relay_ops - what the owner of a relay provides
 * @get: takes a reference on the owner
 * @put: drops a reference on the owner
 * @closed: called once, in process context, when the relay has ended
 */
struct tlsgw_relay_ops {
	void (*get)(struct tlsgw_relay *relay);
	void (*put)(struct tlsgw_relay *relay);
	void (*closed)(struct tlsgw_relay *relay,
		       enum tlsgw_close_reason reason);
};

/**
 * struct tlsgw_relay_dir - one direction of a relay
 * @buf: bytes read and not yet written
 * @size: capacity of @buf
 * @head: start of the bytes of @buf not yet written, [@head, @tail)
 * @tail: end of the bytes of @buf not yet written
 * @eof: the reading side finished
 * @shut: end propagated to the writing side
 * @bytes: plaintext relayed; read locklessly by dumps
 * @records: TLS records (client side only); read locklessly by dumps
 *
 * Reads from one side, writes to the other. Only the relay work touches
 * it (see struct tlsgw_relay).
 */
struct tlsgw_relay_dir {
	u8 *buf;
	size_t size;
	size_t head;
	size_t tail;
	bool eof;
	bool shut;
	u64 bytes;
	u64 records;
};

/**
 * struct tlsgw_relay_hook - one side's socket and its stock callbacks
 * @sock: the socket
 * @data_ready: the socket's sk_data_ready before the relay hooked it
 * @write_space: the socket's sk_write_space before the relay hooked it
 * @state_change: the socket's sk_state_change before the relay hooked it
 * @error_report: the socket's sk_error_report before the relay hooked it
 */
struct tlsgw_relay_hook {
	struct socket *sock;
	void (*data_ready)(struct sock *sk);
	void (*write_space)(struct sock *sk);
	void (*state_change)(struct sock *sk);
	void (*error_report)(struct sock *sk);
};

enum {
	TLSGW_RELAY_DEAD,
	TLSGW_RELAY_ALERTED,	/* a fatal alert went to the client */
};

/**
 * struct tlsgw_relay - a relay between two connected TCP sockets
 * @ops: the owner's operations
 * @side: the sockets, 0: client, 1: backend
 * @dir: the directions, dir[i] reads side[i]
 * @client_tls: the client socket carries kTLS RX
 * @alert: fatal alert owed to the client, 0: none
 * @flags: TLSGW_RELAY_* bits (atomic bit operations)
 * @last_active: jiffies of the last relayed data; written with
 *	WRITE_ONCE(), read locklessly by the idle collector
 * @work: the relay work
 *
 * Embedded in its owner; lifetime and locking are described at the top
 * of this file: only the work touches the buffers and the direction
 * state, the counters are read locklessly, and close may run concurrently
 * with the work (@flags' DEAD bit stops it).
 */
struct tlsgw_relay {
	const struct tlsgw_relay_ops *ops;
	struct tlsgw_relay_hook side[2];
	struct tlsgw_relay_dir dir[2];
	bool client_tls;
	u8 alert;
	unsigned long flags;
	unsigned long last_active;
	struct work_struct work;
};

/**
 * struct tlsgw_relay_conf - what tlsgw_relay_setup() makes a relay of
 * @ops: the owner's operations
 * @sock: the sockets, 0: client, 1: backend; the relay owns them once
 *	set up
 * @initial: plaintext from the client, relayed to the backend first
 * @initial_len: length of @initial
 * @prestart: optional, run once both sockets are hooked and before the
 *	relay may start (kTLS goes on there, so that it wraps the relay's
 *	callbacks); its error undoes the whole setup. It must leave the
 *	sockets usable by the caller, or shut them down itself.
 * @arg: @prestart's argument
 * @busy: out: on -EBUSY, the side whose socket was claimed already
 *	(see tlsgw_sk_claim()); -1 otherwise
 */
struct tlsgw_relay_conf {
	const struct tlsgw_relay_ops *ops;
	struct socket *sock[2];
	const void *initial;
	size_t initial_len;
	int (*prestart)(struct tlsgw_relay *relay, void *arg);
	void *arg;
	int busy;
};

/**
 * tlsgw_sk_claim() - claims a socket's callbacks for this module
 * @sk: the socket
 * @data: what sk_user_data will be (possibly with SK_USER_DATA_NOCOPY,
 *	so that a listener's children do not inherit it)
 *
 * The one rule of every user of socket callbacks in this module (the
 * relay, SOCKS5 negotiation, UDP associations, listeners): sk_user_data is
 * the claim; it is taken only when nobody holds it, in the same
 * sk_callback_lock section in which the caller saves and replaces the
 * callbacks. A claimed socket is refused, never taken over.
 *
 * Context: the caller holds @sk's sk_callback_lock for writing.
 * Return: true if claimed, false if another user holds it.
 */
static inline bool tlsgw_sk_claim(struct sock *sk, void *data)
{
	lockdep_assert_held_write(&sk->sk_callback_lock);
	if (sk->sk_user_data)
		return false;
	sk->sk_user_data = data;
	return true;
}

/**
 * tlsgw_sk_unclaim() - gives a claim up, if it is @data's
 * @sk: the socket
 * @data: the claimant, without flag bits
 *
 * Context: the caller holds @sk's sk_callback_lock for writing.
 * Return: true if @data held the claim (the caller then restores the
 * callbacks it replaced), false if it did not.
 */
static inline bool tlsgw_sk_unclaim(struct sock *sk, const void *data)
{
	lockdep_assert_held_write(&sk->sk_callback_lock);
	if (((uintptr_t)sk->sk_user_data & SK_USER_DATA_PTRMASK) !=
	    (uintptr_t)data)
		return false;
	sk->sk_user_data = NULL;
	return true;
}

int tlsgw_relay_module_init(void);
size_t tlsgw_relay_bufsize(void);
void tlsgw_relay_module_exit(void);

int tlsgw_relay_setup(struct tlsgw_relay *relay,
		      struct tlsgw_relay_conf *conf);
void tlsgw_relay_start(struct tlsgw_relay *relay);
void tlsgw_relay_close(struct tlsgw_relay *relay,
		       enum tlsgw_close_reason reason);
void tlsgw_relay_release(struct tlsgw_relay *relay);

static inline bool tlsgw_relay_dead(const struct tlsgw_relay *relay)
{
	return test_bit(TLSGW_RELAY_DEAD, &relay->flags);
}

#endif /* _TLSGW_RELAY_H */
