/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_SESSION_H
#define _TLSGW_SESSION_H

#include <linux/refcount.h>
#include <linux/socket.h>

#include "core/ktls.h"
#include "core/pernet.h"
#include "core/relay.h"
#include "tls/service.h"

enum {
	TLSGW_ADDR_CLIENT_PEER,
	TLSGW_ADDR_CLIENT_LOCAL,
	TLSGW_ADDR_BACKEND_PEER,
	TLSGW_ADDR_BACKEND_LOCAL,
	TLSGW_ADDR_NUM,
};

/**
 * struct tlsgw_session - a relayed TLS session
 * @node: in tn->sessions; under tn->lock
 * @reap: in the private list of the one collector closing it
 *	(tlsgw_sessions_close_matching()), or empty; linked, unlinked
 *	and tested under tn->lock
 * @ref: see Lifetime
 * @id: the session's id in its namespace
 * @tn: the namespace
 * @svc: the service; a reference is held
 * @version: TLS version
 * @cipher: TLS cipher
 * @created: jiffies at creation
 * @addr: the sockets' addresses, by TLSGW_ADDR_*
 * @relay: the relay between the client and the backend
 *
 * Lifetime: listed in tn->sessions from the end of a successful offload
 * until its relay closes; the list holds one reference, queued relay work
 * and callers that looked it up hold others. Freed (sockets released) on
 * the last put, in process context.
 *
 * Locking: all fields but the list linkage are set before it is listed
 * and constant after.
 */
struct tlsgw_session {
	struct list_head node;
	struct list_head reap;
	refcount_t ref;
	u64 id;
	struct tlsgw_net *tn;
	struct tlsgw_service *svc;
	u16 version;
	u16 cipher;
	unsigned long created;
	struct sockaddr_storage addr[TLSGW_ADDR_NUM];
	struct tlsgw_relay relay;
};

/**
 * struct tlsgw_offload - a request to relay a handshaken TLS connection
 * @service: name of the service the session belongs to
 * @client_fd: the client's TCP socket, a file descriptor of the caller
 * @backend_fd: the backend's TCP socket, a file descriptor of the caller
 * @keys: the traffic keys for the client socket's kTLS
 * @initial: plaintext from the client, relayed to the backend first
 * @initial_len: length of @initial
 */
struct tlsgw_offload {
	const char *service;
	int client_fd;
	int backend_fd;
	struct tlsgw_ktls_params keys;
	const void *initial;
	size_t initial_len;
};

void tlsgw_sessions_init(struct tlsgw_net *tn);
int tlsgw_session_offload(struct tlsgw_net *tn, const struct tlsgw_offload *o,
			  u64 *id, struct netlink_ext_ack *extack);
struct tlsgw_session *tlsgw_session_get_by_id(struct tlsgw_net *tn, u64 id);
void tlsgw_session_put(struct tlsgw_session *s);
void tlsgw_session_kill(struct tlsgw_session *s);
void tlsgw_sessions_close_service(struct tlsgw_net *tn,
				  struct tlsgw_service *svc);
void tlsgw_sessions_shutdown(struct tlsgw_net *tn);
unsigned int __tlsgw_sessions_bytes(struct tlsgw_net *tn,
				    struct tlsgw_service *svc, u64 *in,
				    u64 *out);
unsigned int tlsgw_sessions_bytes(struct tlsgw_net *tn,
				  struct tlsgw_service *svc, u64 *in, u64 *out);

#endif /* _TLSGW_SESSION_H */
