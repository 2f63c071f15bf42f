/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwd configuration: parsing (the format is described at the top of
 * daemon/conf.c and in examples/tlsgwd.conf), loading the certificates
 * and keys it names, and turning the cipher settings into lists that only
 * hold what kTLS can take over.
 *
 * Errors are printed as "FILE:LINE: message", one per line, on the
 * stream given; the functions return how many there were.
 */
#ifndef TLSGW_DAEMON_CONF_H
#define TLSGW_DAEMON_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <linux/tlsgw.h>
#include <openssl/ssl.h>

#include "socks_rule.h"
#include "starttls_policy.h"
#include "log.h"

#define CONF_LISTEN_MAX		16
#define CONF_CERTS_MAX		16
#define CONF_SERVICES_MAX	TLSGW_SERVICES_MAX
#define CONF_SOCKS_MAX		TLSGW_SOCKS_SERVICES_MAX
#define CONF_STARTTLS_MAX	TLSGW_STARTTLS_POLICIES_MAX

struct conf_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[64];		/* as written: "127.0.0.1:443", "[::]:443" */
};

struct conf_cert {
	char *cert_file;
	char *key_file;
	int line;
	/* Filled by conf_load_certs(). */
	X509 *x509;
	STACK_OF(X509) *chain;
	EVP_PKEY *pkey;
};

struct conf_service {
	char name[TLSGW_NAME_MAX];
	int line;			/* of the [service NAME] header */
	struct conf_addr listen[CONF_LISTEN_MAX];
	int n_listen;
	struct conf_addr backend;
	bool has_backend;
	struct conf_cert certs[CONF_CERTS_MAX];	/* [0] is the default */
	int n_certs;
	int min_version, max_version;	/* TLS1_2_VERSION, TLS1_3_VERSION */
	char *ciphers;			/* TLS 1.2 list as configured */
	char *ciphersuites;		/* TLS 1.3 */
	int ciphers_line, ciphersuites_line;
	unsigned char alpn[256];	/* wire format, server preference */
	size_t alpn_len;
	uint32_t max_sessions;		/* 0: only the kernel's limit */
	uint32_t idle_timeout;		/* seconds; 0: never */
	/* Filled by conf_load_certs(): kTLS-capable only. */
	char *ktls_ciphers;
	char *ktls_ciphersuites;
};

struct conf_socks_user {
	char *name;
	char *password_file;	/* read when applied, never kept */
	int line;
};

/* A [socks NAME] section: a SOCKS5 service the kernel runs. */
struct conf_socks {
	char name[TLSGW_NAME_MAX];
	int line;			/* of the [socks NAME] header */
	struct conf_addr listen;
	bool has_listen;
	uint32_t auth;			/* enum tlsgw_socks_auth */
	uint32_t flags;			/* TLSGW_SOCKS_F_OPEN */
	uint32_t max_sessions;		/* default 1000 */
	uint32_t neg_timeout;		/* seconds, default 10 */
	uint32_t idle_timeout;		/* seconds, default 300; 0: never */
	struct conf_socks_user *users;
	int n_users;
	struct socks_rule *rules;	/* in order; no index */
	int *rule_lines;
	int n_rules;
};

/* A [starttls NAME] section: a STARTTLS policy (pol.name is NAME). */
struct conf_starttls {
	struct stls_policy pol;
	int line;			/* of the [starttls NAME] header */
	unsigned int keys;		/* keys given (valid or not), by bit */
};

struct conf {
	char *file;
	unsigned int max_pending;	/* max-pending-handshakes */
	unsigned int handshake_timeout;	/* seconds */
	enum log_target log;
	unsigned int resolver_cache;	/* names cached; 0: no cache */
	unsigned int resolver_cache_ttl;	/* seconds */
	unsigned int resolver_threads;
	struct conf_service *svc;
	int n_svc;
	struct conf_socks *socks;
	int n_socks;
	struct conf_starttls *starttls;	/* in file order */
	int n_starttls;
};

/* Parses in (named file in messages) into c; c must be freed after. */
int conf_parse(FILE *in, const char *file, struct conf *c, FILE *err);

/* Opens and parses path. */
int conf_parse_file(const char *path, struct conf *c, FILE *err);

/*
 * Loads every service's certificates and keys, checks that each key
 * matches its certificate, and computes the kTLS-capable cipher lists.
 */
int conf_load_certs(struct conf *c, FILE *err);

/*
 * Checks that every SOCKS user's password file can be read and holds a
 * usable password (which is wiped at once).
 */
int conf_check_socks(const struct conf *c, FILE *err);

/*
 * Reads the password of u into buf (size > SOCKS_USER_MAX + 1): its
 * length, or -1 with the reason in err. The caller wipes buf.
 */
int conf_read_password(const struct conf_socks_user *u, char *buf,
		       size_t size, char *err, size_t errsize);

void conf_free(struct conf *c);

/* Parses "1.2.3.4:443" or "[::1]:443". 0 or -1. */
int conf_parse_addr(const char *s, struct conf_addr *a);

/* True if the cipher can be handed to kTLS (AES-GCM, ChaCha20-Poly1305). */
bool conf_ktls_cipher(const SSL_CIPHER *c);

#endif /* TLSGW_DAEMON_CONF_H */
