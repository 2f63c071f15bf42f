/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SOCKS5 words shared by tlsgwctl ("socks rule add ...") and tlsgwd
 * ("rule = ..." in a [socks NAME] section): the rule grammar, address
 * prefixes, port ranges and command lists, the listen address, one-line
 * secrets (passwords), and the rule as a TLSGW_SOCKS_A_RULE nest in both
 * directions. One source so that both programs accept the same text.
 *
 *   RULE   := allow|deny [index N] [from PREFIX] [to PREFIX]
 *             [port P|P-Q] [cmd CMD[,CMD...]] [user NAME]
 *   PREFIX := IPV4[/0..32] | IPV6[/0..128]  (no host bits; a bare
 *             address is the full length)
 *   CMD    := connect | bind | udp (or udp-associate)
 */
#ifndef TLSGW_SOCKS_RULE_H
#define TLSGW_SOCKS_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <linux/tlsgw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#define SOCKS_USER_MAX	255	/* bytes of a user name or a password */

struct socks_prefix {
	uint8_t len;		/* 0: none; 4 or 16 address bytes */
	uint8_t plen;		/* prefix length in bits */
	uint8_t addr[16];
};

struct socks_rule {
	uint32_t action;		/* enum tlsgw_socks_action */
	bool has_index;
	uint32_t index;
	struct socks_prefix src, dst;
	bool has_ports;
	uint16_t port_min, port_max;
	uint32_t cmds;			/* 1 << TLSGW_SOCKS_CMD_*; 0: any */
	char user[SOCKS_USER_MAX + 1];	/* "": any */
	bool has_hits;			/* replies only */
	uint64_t hits;
};

/*
 * Each parser returns 0, or -1 with a message for the user in err (no
 * newline, no program name).
 */
int socks_parse_prefix(const char *s, struct socks_prefix *p, char *err,
		       size_t size);
int socks_parse_ports(const char *s, uint16_t *min, uint16_t *max,
		      char *err, size_t size);
int socks_parse_cmds(const char *s, uint32_t *mask, char *err, size_t size);

/*
 * A whole rule from words (argv[0] is allow or deny). "index N" is
 * accepted only if with_index (tlsgwctl; the configuration file's order
 * is the order).
 */
int socks_rule_parse(int argc, char **argv, bool with_index,
		     struct socks_rule *r, char *err, size_t size);

/*
 * "ADDR:PORT" or "[IPV6]:PORT" into a sockaddr_in or sockaddr_in6 (port
 * 0 if allow_zero: the kernel picks one). Returns the length, or -1.
 */
int socks_parse_listen(const char *s, bool allow_zero,
		       struct sockaddr_storage *ss);

/* "none"/"userpass" <-> enum tlsgw_socks_auth; -1 if unknown. */
int socks_parse_auth(const char *s);
const char *socks_auth_name(uint32_t auth, char *buf, size_t size);

/* enum tlsgw_socks_cmd: "connect", "bind", "udp"; else "cmdN". */
const char *socks_cmd_name(uint32_t cmd, char *buf, size_t size);

/* "10.0.0.0/8", "2001:db8::1" (full length shown bare), "any". */
const char *socks_prefix_text(const struct socks_prefix *p, char *buf,
			      size_t size);

/* "connect,bind" ("any" for 0). */
const char *socks_cmds_text(uint32_t mask, char *buf, size_t size);

/* The rule in the grammar above, without index and hits. */
void socks_rule_print(FILE *out, const struct socks_rule *r);

/*
 * Whether two rules have the same action and match the same requests (a
 * missing port or cmd criterion equals the full range or every command:
 * the kernel reports those defaults).
 */
bool socks_rule_equal(const struct socks_rule *a, const struct socks_rule *b);

/* Adds TLSGW_SOCKS_A_RULE with what r has; 0 or a libnl error (< 0). */
int socks_rule_put(struct nl_msg *msg, const struct socks_rule *r);
/* TLSGW_SOCKS_A_USER with the name and, if not NULL, the password. */
int socks_user_put(struct nl_msg *msg, const char *name,
		   const void *password, size_t len);

/*
 * Parses a TLSGW_SOCKS_A_RULE nest; 0, or -1 with err filled. Ports
 * 0-65535 and all three commands, which the kernel reports for a rule
 * without those criteria, come out as absent.
 */
int socks_rule_from_nest(const struct nlattr *nest, struct socks_rule *r,
			 char *err, size_t size);

/*
 * Reads one line from fd into buf (at most SOCKS_USER_MAX bytes plus a
 * NUL; size must be larger), without stdio, so no copy stays in a
 * library buffer; a trailing "\n" or "\r\n" is dropped, and what follows
 * is ignored. Returns the length, or -1 with err filled (I/O error,
 * empty, too long); buf is zeroed on failure. The caller
 * explicit_bzero()s buf after use.
 */
int socks_read_secret(int fd, char *buf, size_t size, char *err,
		      size_t errsize);

#endif /* TLSGW_SOCKS_RULE_H */
