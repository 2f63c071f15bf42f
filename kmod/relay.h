/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_RELAY_H
#define _TLSGW_RELAY_H

#include <linux/net.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include <linux/tlsgw.h>

/*
 * The relay engine: moves bytes between two connected TCP sockets in both
 * directions, driven by socket callbacks and a workqueue, never blocking.
 * Side 0 is the client; when it carries kTLS RX, non-data records are
 * recognised (close_notify, alerts, TLS 1.3 KeyUpdate).
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

struct tlsgw_relay_ops {
	void (*get)(struct tlsgw_relay *relay);
	void (*put)(struct tlsgw_relay *relay);
	/* Called once, in process context, when the relay has ended. */
	void (*closed)(struct tlsgw_relay *relay,
		       enum tlsgw_close_reason reason);
};

/* One direction: read from side "from", write to the other side. */
struct tlsgw_relay_dir {
	u8 *buf;
	size_t size;		/* capacity of buf */
	size_t head;		/* bytes of buf not yet written: [head, tail) */
	size_t tail;
	bool eof;		/* the reading side finished */
	bool shut;		/* end propagated to the writing side */
	u64 bytes;		/* plaintext relayed */
	u64 records;		/* TLS records (client side only) */
};

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

struct tlsgw_relay {
	const struct tlsgw_relay_ops *ops;
	struct tlsgw_relay_hook side[2];	/* 0: client, 1: backend */
	struct tlsgw_relay_dir dir[2];		/* dir[i] reads side[i] */
	bool client_tls;
	u8 alert;		/* fatal alert owed to the client, 0: none */
	unsigned long flags;
	unsigned long last_active;		/* jiffies */
	struct work_struct work;
};

int tlsgw_relay_module_init(void);
size_t tlsgw_relay_bufsize(void);
void tlsgw_relay_module_exit(void);

int tlsgw_relay_init(struct tlsgw_relay *relay,
		     const struct tlsgw_relay_ops *ops, struct socket *client,
		     struct socket *backend, size_t bufsize,
		     const void *initial, size_t initial_len);
int tlsgw_relay_hook_socket(struct tlsgw_relay *relay, int side);
void tlsgw_relay_unhook(struct tlsgw_relay *relay);
void tlsgw_relay_start(struct tlsgw_relay *relay);
void tlsgw_relay_close(struct tlsgw_relay *relay,
		       enum tlsgw_close_reason reason);
void tlsgw_relay_release(struct tlsgw_relay *relay);

static inline bool tlsgw_relay_dead(const struct tlsgw_relay *relay)
{
	return test_bit(TLSGW_RELAY_DEAD, &relay->flags);
}

#endif /* _TLSGW_RELAY_H */
