/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tlsgwd's files share (see tlsgwd.c for the whole picture):
 *
 *   tlsgwd.c    main, the epoll loop, signals, accepting
 *   tls.c       TLS contexts: certificates by SNI, ALPN, kTLS ciphers
 *   offload.c   a connection from accept to offload: handshake, keys,
 *               backend connect, SESSION_OFFLOAD, timeouts
 *   reload.c    configuration generations: load, apply (services,
 *               listeners, SOCKS5, STARTTLS), reload on SIGHUP
 */
#ifndef TLSGW_DAEMON_TLSGWD_H
#define TLSGW_DAEMON_TLSGWD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "conf.h"
#include "nl.h"
#include "tlskeys.h"

enum ev_kind { EV_LISTENER, EV_CONN, EV_SIGNAL };

/* What an epoll event points at: every object starts with its kind. */
struct ev {
	enum ev_kind kind;
};

/* A service as running: its configuration, TLS context and users. */
struct svc {
	struct conf_service *conf;	/* inside the owning struct conf */
	struct gen *gen;
	SSL_CTX *ctx;
};

/*
 * One generation of configuration: replaced as a whole by SIGHUP, freed
 * when no pending connection uses it any more.
 */
struct gen {
	struct conf conf;
	struct svc *svc;
	int refs;		/* pending connections, plus 1 while current */
};

struct listener {
	struct ev ev;
	int fd;
	struct conf_addr addr;
	struct svc *svc;
	struct listener *next;
};

enum conn_state { CONN_HANDSHAKE, CONN_CONNECT };

struct conn {
	struct ev ev;
	enum conn_state state;
	int fd;			/* client */
	int bfd;		/* backend, once connecting */
	SSL *ssl;
	struct svc *svc;
	struct tlskeys keys;
	char peer[80];
	char sni[256];
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC */
	struct conn *prev, *next;
};

/* The daemon's state, shared by its files. */
struct tlsgwd {
	const char *conf_file;
	bool force_stderr;
	bool dry_run;		/* -n: no netlink, sessions are closed */
	int epfd;
	struct ev sig_ev;
	int sigfd;
	struct tnl nl;
	struct gen *cur;
	struct listener *listeners;
	struct conn *conns;		/* pending, in no particular order */
	unsigned int n_pending;
	unsigned long long refused;	/* since the last report */
	uint64_t refused_logged;	/* ms */
	bool quit;
};

extern struct tlsgwd g;

/* tlsgwd.c */
uint64_t now_ms(void);
int ep_set(int fd, struct ev *ev, uint32_t events, bool add);

/* tls.c */
/* OpenSSL's last error as text (and cleared), or a closed connection. */
const char *ssl_error_text(void);
/* The TLS context of s; NULL after printing why to err. */
SSL_CTX *svc_ctx_new(struct svc *s, FILE *err);

/* offload.c */
/* Opens g.nl for offload requests; -1 after logging why. */
int nl_setup(void);
/* A connection accepted on l: it starts its handshake. */
void conn_accept(struct listener *l, int fd,
		 const struct sockaddr_storage *peer);
void conn_event(struct conn *c);
void conn_free(struct conn *c);
/* Closes connections past their deadline; returns ms to the next one. */
int conn_expire(void);

/* reload.c */
/* Reads, checks and prepares a configuration; NULL after printing errors. */
struct gen *gen_load(const char *file, FILE *err);
void gen_put(struct gen *gen);
/*
 * Switches to gen: registers its services, reuses the listening sockets
 * whose address stays, opens the new ones and closes the others. Nothing
 * changes if a new address cannot be opened.
 */
int apply(struct gen *gen);
/* SIGHUP: load the file again and apply it, or keep the running one. */
void reload(void);

#endif /* TLSGW_DAEMON_TLSGWD_H */
