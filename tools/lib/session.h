/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client for offloaded TLS sessions: SESSION_GET and _DEL
 * (tlsgwctl's "session" object; "monitor" parses the session its events
 * carry with the same parser) and SESSION_OFFLOAD (tlsgwd). Parsing is
 * separate from the round trips so the unit tests can feed it canned
 * replies.
 */
#ifndef TLSGW_SESSION_H
#define TLSGW_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tlsgw.h>

#include "fmt.h"
#include "nl.h"
#include "tlskeys.h"

#define SESSION_N_ADDR	4	/* CLIENT_PEER .. BACKEND_LOCAL, in that order */

struct tlsgw_session {
	uint32_t has;		/* bit 1 << TLSGW_SESS_A_* per attribute seen */
	uint64_t id;
	uint32_t kind;		/* enum tlsgw_session_kind, if has KIND */
	char service[TLSGW_NAME_MAX];
	uint16_t version;
	uint16_t cipher;
	union fmt_addr addr[SESSION_N_ADDR];
	uint64_t age_ms;
	uint64_t idle_ms;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t records_in;
	uint64_t records_out;
};

/* The u64 attributes the kernel reports, and where they go (in order). */
#define SESSION_N_U64	6
struct session_u64_attr {
	int attr;
	size_t off;
};
extern const struct session_u64_attr session_u64_attrs[SESSION_N_U64];

/* "client_peer", "client_local", "backend_peer", "backend_local". */
extern const char *const session_addr_names[SESSION_N_ADDR];

static inline bool session_has(const struct tlsgw_session *s, int attr)
{
	return s->has & (UINT32_C(1) << attr);
}

/*
 * Parses a TLSGW_A_SESSION nest. ID and SERVICE are required; any other
 * attribute may be missing (its bit in has stays clear) but must be well
 * formed if present. -1 with st filled if the nest breaks the contract.
 */
int session_parse_nest(const struct nlattr *nest, struct tlsgw_session *s,
		       struct tnl_status *st);

/*
 * The name of a kind ("tls", "socks5"; "kindN" for one this tool does not
 * know), and back: 0 and *kind set, or -1 for an unknown name.
 */
const char *session_kind_name(uint32_t kind, char *buf, size_t size);
int session_kind_parse(const char *name, uint32_t *kind);

/* Parses one SESSION_GET reply (doit or dump part). */
int session_parse(struct nl_msg *msg, struct tlsgw_session *s,
		  struct tnl_status *st);

/* SESSION_GET replies in v[0..n); free(v) after. */
struct session_list {
	struct tlsgw_session *v;
	size_t n, cap;
	const char *service;	/* only these, or NULL for all */
	uint32_t kind;		/* only these, or 0 for all */
	bool single;		/* a doit: exactly one reply */
};

/*
 * A session request on nl: cmd with the session id (unless flags has
 * NLM_F_DUMP; a dump asks the kernel for l's kind and service only);
 * replies, if l, appended to l. 0, or -1 with st filled.
 */
int session_request(struct tnl *nl, uint8_t cmd, int flags, uint64_t id,
		    struct session_list *l, struct tnl_status *st);

/*
 * SESSION_OFFLOAD: hands the client and backend sockets with the keys k
 * to the kernel as a session of service; its id in *id. The request is
 * wiped before it is freed. 0, or -1 with st filled.
 */
int session_offload(struct tnl *nl, const char *service, int client_fd,
		    int backend_fd, const struct tlskeys *k, uint64_t *id,
		    struct tnl_status *st);

#endif /* TLSGW_SESSION_H */
