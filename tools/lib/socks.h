/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client for SOCKS5 services (TLSGW_CMD_SOCKS_*), used by
 * tlsgwctl ("socks" object) and tlsgwd ([socks NAME] sections): one
 * request builder for TLSGW_A_SOCKS (a service's settings, a user and its
 * password, a rule) and the collection of SOCKS_GET replies (parsed by
 * socks_reply.c).
 */
#ifndef TLSGW_SOCKS_H
#define TLSGW_SOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "nl.h"
#include "socks_reply.h"
#include "socks_rule.h"

/* A service's settings, as SOCKS_NEW takes them; has_*: the attribute is
 * sent (else the kernel's default applies). */
struct socks_conf {
	const char *name;
	struct sockaddr_storage listen;
	int listen_len;			/* 0: none given */
	bool has_auth, has_flags, has_max, has_neg, has_idle;
	uint32_t auth, flags, max_sessions, neg_timeout, idle_timeout;
};

/* SOCKS_GET replies: services in v[0..n), to free with socks_list_free(). */
struct socks_list {
	struct socks_svc *v;
	size_t n, cap;
	bool single;			/* more than one reply is bad */
};

void socks_list_free(struct socks_list *l);

/* One request: cmd with TLSGW_A_SOCKS holding NAME plus what is set. */
struct socks_req {
	uint8_t cmd;
	int flags;			/* NLM_F_DUMP to list the services */
	const char *name;		/* NULL: no TLSGW_A_SOCKS (a dump) */
	const struct socks_conf *conf;	/* SOCKS_NEW */
	const char *user;		/* USER_NEW, USER_DEL */
	const char *password;		/* USER_NEW; wiped from the message */
	int password_len;
	const struct socks_rule *rule;	/* RULE_NEW, RULE_DEL (its index) */
	struct socks_list *reply;	/* SOCKS_GET: where replies go */
};

/*
 * Sends r on nl and waits for its end; the request is wiped before it
 * is freed (it may hold a password). 0, or -1 with st filled.
 *
 * A SOCKS_GET reply with every user and rule may exceed a page: call
 * nl_socket_enable_msg_peek() on nl->sk first (libnl's default since
 * 3.2.28).
 */
int socks_request(struct tnl *nl, const struct socks_req *r,
		  struct tnl_status *st);

#endif /* TLSGW_SOCKS_H */
