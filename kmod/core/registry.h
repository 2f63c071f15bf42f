/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_REGISTRY_H
#define _TLSGW_REGISTRY_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include <linux/tlsgw.h>

#include "core/relay.h"

/*
 * The session registry: one per network namespace, listing every relayed
 * connection ("session") whatever its kind (TLS, SOCKS5, ...). It gives
 * sessions their ids, lists and finds them (SESSION_GET, SESSION_DEL),
 * runs the one idle collector over all of them and sends their open and
 * close events. Limits and counters stay with each kind's owner, which
 * embeds a struct tlsgw_session in its own object and provides the
 * operations below. This file knows no feature.
 */

enum {
	TLSGW_ADDR_CLIENT_PEER,
	TLSGW_ADDR_CLIENT_LOCAL,
	TLSGW_ADDR_BACKEND_PEER,
	TLSGW_ADDR_BACKEND_LOCAL,
	TLSGW_ADDR_NUM,
};

struct tlsgw_session;

/**
 * struct tlsgw_session_ops - what the owner of a session provides
 * @get: takes a reference on the owner
 * @put: drops a reference on the owner; the last may free it (process
 *	context)
 * @close: ends the session for @reason (KILLED, IDLE, SHUTDOWN); the
 *	caller holds a reference; process context, may take the owner's
 *	locks (never called under the registry's lock)
 * @expired: optional; whether the session timed out at @now, called
 *	under the registry's lock (must not sleep nor take other locks).
 *	Without it, a session with a relay expires when the relay was idle
 *	longer than its idle timeout.
 * @fill: optional; puts the kind's own attributes into a TLSGW_A_SESSION
 *	nest (replies and events); called without the registry's lock, the
 *	caller holding a reference. Return: 0 or -EMSGSIZE.
 */
struct tlsgw_session_ops {
	void (*get)(struct tlsgw_session *s);
	void (*put)(struct tlsgw_session *s);
	void (*close)(struct tlsgw_session *s, enum tlsgw_close_reason reason);
	bool (*expired)(struct tlsgw_session *s, unsigned long now);
	int (*fill)(struct sk_buff *skb, const struct tlsgw_session *s);
};

/**
 * struct tlsgw_session - one relayed connection, as the registry sees it
 * @node: in reg->sessions while registered, else empty; under reg->lock
 * @reap: in the private list of the one collector closing it
 *	(tlsgw_sessions_close_matching()), or empty; linked, unlinked and
 *	tested under reg->lock
 * @ops: the owner's operations
 * @reg: the registry, once registered
 * @owner: opaque cookie of the owner (its service), for
 *	tlsgw_sessions_close_owner(); constant
 * @id: the session's id in its namespace, set when registered
 * @kind: enum tlsgw_session_kind; constant
 * @service: name of the session's service; constant
 * @idle_timeout: seconds, 0: none; points into the owner's service (which
 *	outlives the session), read with READ_ONCE()
 * @created: jiffies at creation; constant
 * @addr: the sockets' addresses, by TLSGW_ADDR_*; the client's are
 *	constant once registered, the backend's are set with @relay;
 *	under reg->lock
 * @relay: the relay, or NULL while the connection is not relayed yet
 *	(a SOCKS5 negotiation); set once, under reg->lock
 * @opened: the open event was sent (so a close event will be); under
 *	reg->lock
 *
 * Lifetime: embedded in and freed with its owner, which holds a reference
 * of its own for as long as the session is registered and unregisters it
 * (tlsgw_session_unregister()) when it ends. Lookups and collectors take
 * references through @ops.
 *
 * Locking: see the members; @ops, @owner, @kind, @service, @idle_timeout
 * and @created are set by tlsgw_session_init() before it is registered.
 */
struct tlsgw_session {
	struct list_head node;
	struct list_head reap;
	const struct tlsgw_session_ops *ops;
	struct tlsgw_registry *reg;
	const void *owner;
	u64 id;
	u32 kind;
	char service[TLSGW_NAME_MAX];
	const u32 *idle_timeout;
	unsigned long created;
	struct sockaddr_storage addr[TLSGW_ADDR_NUM];
	struct tlsgw_relay *relay;
	bool opened;
};

/**
 * struct tlsgw_registry - the sessions of a network namespace
 * @net: the namespace
 * @lock: guards @sessions, @n_sessions, @next_id, @dying and the
 *	sessions' @node, @reap, @addr, @relay and @opened; innermost (taken
 *	under the owners' locks, nothing is taken under it)
 * @sessions: struct tlsgw_session list, in increasing id order
 * @n_sessions: length of @sessions
 * @next_id: id of the next session
 * @dying: the namespace is going: nothing registers any more
 * @gc: the idle collector, queued on system_wq while sessions are listed
 *
 * Lifetime: embedded in the namespace's state; tlsgw_registry_shutdown()
 * ends every session and stops the collector before it goes.
 */
struct tlsgw_registry {
	struct net *net;
	struct mutex lock;		/* see the member doc */
	struct list_head sessions;
	unsigned int n_sessions;
	u64 next_id;
	bool dying;
	struct delayed_work gc;
};

/* The session nest's policy (SESSION_OFFLOAD's too, in tls/netlink.c). */
extern const struct nla_policy tlsgw_sess_policy[TLSGW_SESS_A_MAX + 1];

void tlsgw_registry_init(struct tlsgw_registry *reg, struct net *net);
void tlsgw_registry_shutdown(struct tlsgw_registry *reg);

void tlsgw_session_init(struct tlsgw_session *s,
			const struct tlsgw_session_ops *ops, u32 kind,
			const void *owner, const char *service,
			const u32 *idle_timeout);
void tlsgw_session_register(struct tlsgw_registry *reg,
			    struct tlsgw_session *s, struct tlsgw_relay *relay);
void tlsgw_session_open(struct tlsgw_session *s, struct tlsgw_relay *relay);
bool tlsgw_session_unlist(struct tlsgw_session *s);
void tlsgw_session_close_event(struct tlsgw_session *s,
			       enum tlsgw_close_reason reason);
void tlsgw_session_unregister(struct tlsgw_session *s,
			      enum tlsgw_close_reason reason);

struct tlsgw_session *tlsgw_session_get_by_id(struct tlsgw_registry *reg,
					      u64 id);
struct tlsgw_session *tlsgw_session_get_next(struct tlsgw_registry *reg,
					     u64 after, u32 kind,
					     const char *service);
void tlsgw_session_put(struct tlsgw_session *s);
struct tlsgw_relay *tlsgw_session_snapshot(struct tlsgw_session *s,
					   struct sockaddr_storage *addr);
void tlsgw_session_close(struct tlsgw_session *s,
			 enum tlsgw_close_reason reason);

void tlsgw_sessions_close_owner(struct tlsgw_registry *reg, const void *owner,
				enum tlsgw_close_reason reason);
unsigned int tlsgw_sessions_count(struct tlsgw_registry *reg,
				  bool (*match)(const struct tlsgw_session *s,
						const void *arg),
				  const void *arg);
unsigned int tlsgw_registry_bytes(struct tlsgw_registry *reg, u32 kind,
				  const void *owner, u64 *in, u64 *out);

#endif /* _TLSGW_REGISTRY_H */
