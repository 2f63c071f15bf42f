/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "socks" object: SOCKS5 services the kernel runs itself
 * (TLSGW_CMD_SOCKS_*): services, their users and their rules. Parsing
 * (socks_reply.c, socks_rule.c) and printing are separate from the
 * netlink round trips so that the unit tests can feed canned replies.
 */
#ifndef TLSGW_SOCKS_H
#define TLSGW_SOCKS_H

#include <stdio.h>
#include <sys/socket.h>

#include "cli.h"
#include "socks_reply.h"

/* One line per service (text) or a JSON array, without users and rules. */
void socks_print_list(FILE *out, const struct socks_svc *v, size_t n,
		      const struct cli_opts *opts);

/* One service with counters, users and rules, or a JSON object. */
void socks_print_detail(FILE *out, const struct socks_svc *svc,
			const struct cli_opts *opts);

/* What "socks add" sends. */
struct socks_conf {
	const char *name;
	struct sockaddr_storage listen;
	int listen_len;			/* 0: none given */
	bool has_auth, has_max, has_neg, has_idle;
	uint32_t auth, flags, max_sessions, neg_timeout, idle_timeout;
};

/*
 * "NAME listen ADDR:PORT [auth none|userpass] [open] [max-sessions N]
 * [neg-timeout S] [idle-timeout S]": CLI_EXIT_OK, or CLI_EXIT_USAGE
 * after printing why.
 */
int socks_parse_add(int argc, char **argv, struct socks_conf *c);

extern const struct cli_object socks_object;

#endif /* TLSGW_SOCKS_H */
