/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "session" object: relayed connections of every kind, TLS sessions
 * and SOCKS5 connections (TLSGW_CMD_SESSION_GET and _DEL). The parser and printers are shared with "monitor", whose events
 * carry a session as SESSION_GET reports it; they are separate from the
 * netlink round trips so the unit tests can feed them canned replies.
 */
#ifndef TLSGW_SESSION_H
#define TLSGW_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/tlsgw.h>

#include "cli.h"
#include "fmt.h"
#include "json.h"
#include "nl.h"

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

/*
 * "ID KIND SERVICE CPEER -> CLOCAL | BLOCAL -> BPEER tls1.3 aes-128-gcm
 * in N out N age Ns idle Ns", without the newline; "-" for what is
 * missing.
 */
void session_print_line(FILE *out, const struct tlsgw_session *s);

/* Every field, "name value" one per line (session show). */
void session_print_detail(FILE *out, const struct tlsgw_session *s);

/* The session as a JSON object; null for what is missing. */
void session_json(struct json *j, const struct tlsgw_session *s);

/* A list: one line per session, or a JSON array. */
void session_print_list(FILE *out, const struct tlsgw_session *v, size_t n,
			const struct cli_opts *opts);

extern const struct cli_object session_object;

#endif /* TLSGW_SESSION_H */
