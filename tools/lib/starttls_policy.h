/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STARTTLS policy words shared by tlsgwctl ("starttls policy add NAME
 * proto P ports LIST [dst PREFIX] mode M [fail open|closed]") and tlsgwd
 * ("[starttls NAME]" sections with the keys proto, ports, dst, mode and
 * fail): the protocol and
 * mode names, the port list, the destination prefix, and the policy as a
 * TLSGW_A_STARTTLS nest in both directions. One source so that both
 * programs accept the same text and send the same request.
 *
 *   PROTO  := smtp | pop3 | imap | ftp
 *   PORTS  := RANGE[,RANGE...]    (1 to TLSGW_STARTTLS_RANGES_MAX)
 *   RANGE  := P | P-Q             (1 <= P <= Q <= 65535)
 *   PREFIX := IPV4[/0..32] | IPV6[/0..128]   (a bare address is the
 *             full length)
 *   MODE   := monitor | block-cleartext-auth | require-tls |
 *             block-injection
 *   FAIL   := open | closed      (default open; closed needs a MODE
 *             that resets: the kernel refuses it with monitor)
 */
#ifndef TLSGW_STARTTLS_POLICY_H
#define TLSGW_STARTTLS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tlsgw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "nl.h"

struct stls_policy {
	char name[TLSGW_NAME_MAX];
	uint32_t proto;			/* enum tlsgw_starttls_proto, 0: none */
	uint32_t mode;			/* enum tlsgw_starttls_mode */
	bool has_mode;
	bool fail_closed;		/* fail closed; default: open */
	unsigned int n_ranges;
	struct tlsgw_port_range ranges[TLSGW_STARTTLS_RANGES_MAX];
	int dst_family;			/* 0: none; AF_INET or AF_INET6 */
	uint8_t dst[16], dst_plen;
};

/* names[v], or "<what><v>" in buf if v has no name. */
const char *stls_name_of(const char *const *names, size_t n, uint32_t v,
			 const char *what, char *buf, size_t size);

/* Names; unknown values as "proto<N>" or "mode<N>" in buf. */
const char *stls_proto_name(uint32_t v, char *buf, size_t size);
const char *stls_mode_name(uint32_t v, char *buf, size_t size);

/*
 * Sets one word of a policy: key "proto", "ports", "dst", "mode" or
 * "fail" to val (ports are appended to those p has). Returns 0; -1 with
 * a message for the user in err (no newline, no program name) if val is
 * invalid; 1 if key is none of those.
 */
int stls_policy_set(struct stls_policy *p, const char *key, const char *val,
		    char *err, size_t size);

/*
 * Adds TLSGW_A_STARTTLS with p's name and, if p->proto is set, the
 * protocol, ports, mode, fail-closed flag and destination (what
 * POLICY_NEW takes).
 * 0 or -1.
 */
int stls_policy_put(struct nl_msg *msg, const struct stls_policy *p);

/*
 * Parses a TLSGW_A_STARTTLS nest (a policy, flow or event) into tb and
 * p: the name and protocol are required, the ports, destination and
 * mode taken if present. 0, or -1 with st filled (TNL_BAD_REPLY); the
 * caller reads what else it wants from tb.
 */
int stls_policy_parse(const struct nlattr *nest,
		      struct nlattr *tb[TLSGW_STLS_A_MAX + 1],
		      struct stls_policy *p, struct tnl_status *st);

/* A u32 attribute of exactly 4 bytes into v; 0 or -1. */
int stls_get_u32(const struct nlattr *a, uint32_t *v);

/* Same protocol, ports (in order), destination, mode and fail; names aside. */
bool stls_policy_equal(const struct stls_policy *a,
		       const struct stls_policy *b);

#endif /* TLSGW_STARTTLS_POLICY_H */
