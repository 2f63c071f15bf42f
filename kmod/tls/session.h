/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_SESSION_H
#define _TLSGW_SESSION_H

#include <linux/refcount.h>
#include <linux/socket.h>

#include "core/ktls.h"
#include "core/pernet.h"
#include "core/registry.h"
#include "core/relay.h"
#include "tls/service.h"

/**
 * struct tlsgw_tls_session - a relayed TLS session
 * @sess: its entry in the namespace's session registry (kind TLS)
 * @ref: see Lifetime
 * @tn: the namespace
 * @svc: the service; a reference is held
 * @version: TLS version
 * @cipher: TLS cipher
 * @relay: the relay between the client and the backend
 *
 * Lifetime: registered from the end of a successful offload until its
 * relay closes; the registration holds one reference, queued relay work,
 * collectors and callers that looked it up hold others. Freed (sockets
 * released) on the last put, in process context.
 *
 * Locking: all fields but the registry's are set before it is registered
 * and constant after.
 */
struct tlsgw_tls_session {
	struct tlsgw_session sess;
	refcount_t ref;
	struct tlsgw_net *tn;
	struct tlsgw_service *svc;
	u16 version;
	u16 cipher;
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

int tlsgw_session_offload(struct tlsgw_net *tn, const struct tlsgw_offload *o,
			  u64 *id, struct netlink_ext_ack *extack);
void tlsgw_sessions_close_service(struct tlsgw_net *tn,
				  struct tlsgw_service *svc);
void tlsgw_sessions_shutdown(struct tlsgw_net *tn);
unsigned int __tlsgw_sessions_bytes(struct tlsgw_net *tn,
				    struct tlsgw_service *svc, u64 *in,
				    u64 *out);
unsigned int tlsgw_sessions_bytes(struct tlsgw_net *tn,
				  struct tlsgw_service *svc, u64 *in, u64 *out);

#endif /* _TLSGW_SESSION_H */
