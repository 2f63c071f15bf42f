/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by tlsgwctl's objects: socket address attributes
 * (parse and print), terminal-safe strings from the kernel, strict number
 * parsing for command-line arguments, and the names of TLS versions,
 * ciphers and close reasons.
 */
#ifndef TLSGW_FMT_H
#define TLSGW_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <netinet/in.h>
#include <netlink/attr.h>

/* Just what the kernel reports: AF_INET or AF_INET6, or nothing. */
union fmt_addr {
	sa_family_t family;		/* 0 (AF_UNSPEC): none reported */
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* "[ffff:...:ffff%4294967295]:65535" plus NUL fits. */
#define FMT_ADDR_LEN	(INET6_ADDRSTRLEN + 20)

/*
 * Fills addr from an attribute holding a struct sockaddr_in or
 * sockaddr_in6: 0, or -1 if the length and family do not match.
 */
int fmt_addr_parse(const struct nlattr *a, union fmt_addr *addr);

/* "192.0.2.1:443", "[2001:db8::1]:443", "[fe80::1%2]:443" or "-". */
const char *fmt_addr(const union fmt_addr *addr, char *buf, size_t size);

/*
 * Whether the attributes at head fill len bytes exactly. libnl's parsers
 * stop quietly at a truncated or overlong attribute and drop what follows;
 * a reply like that is malformed, not shorter.
 */
bool fmt_attrs_whole(const struct nlattr *head, int len);

/* The same for a message's genl attributes and for a nest. */
bool fmt_msg_whole(const struct nlmsghdr *nlh);

struct tnl_status;
/*
 * Parses the top-level attributes of a tlsgw message that must be for
 * cmd into tb[TLSGW_A_MAX + 1]; what names it in errors ("SESSION_GET
 * reply"). Returns 0, or -1 with st filled.
 */
int fmt_parse_msg(struct nl_msg *msg, uint8_t cmd, const char *what,
		  struct nlattr **tb, struct tnl_status *st);
bool fmt_nest_whole(const struct nlattr *nest);

/*
 * Room for one more element in the array v of *cap elements of size
 * bytes, n of them in use: v itself, or v grown (and *cap updated). NULL
 * with st filled (out of memory); v is then still valid.
 */
void *fmt_grow(void *v, size_t *cap, size_t n, size_t size,
	       struct tnl_status *st);

/*
 * Copies a string attribute that must be NUL-terminated, non-empty and
 * shorter than size into buf: 0, or -1 if it is not.
 */
int fmt_name_attr(const struct nlattr *a, char *buf, size_t size);

/* Writes s with control bytes (and DEL) replaced by '?'. */
void fmt_sanitized(FILE *out, const char *s);

/*
 * Writes a message for the user into err (of size bytes) and returns -1:
 * "return fmt_err(err, size, ...);" in the parsers shared by tlsgwctl and
 * tlsgwd.
 */
int fmt_err(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Strict decimal (no sign, no spaces, no trailing junk): 0 or -1. */
int fmt_parse_u32(const char *s, uint32_t *v);
int fmt_parse_u64(const char *s, uint64_t *v);

/* "tls1.2"/"tls1.3" style names and "1.2"/"1.3" for JSON; unknown
 * values are given in hex ("0x0305"). */
const char *fmt_tls_version(uint16_t v, bool short_form, char *buf,
			    size_t size);
/* "aes-128-gcm", ...; unknown ones as "cipher<N>". */
const char *fmt_cipher(uint16_t c, char *buf, size_t size);
/* enum tlsgw_close_reason: "done", "client-reset", ...; "reason<N>". */
const char *fmt_close_reason(uint32_t r, char *buf, size_t size);

#endif /* TLSGW_FMT_H */
