// SPDX-License-Identifier: GPL-2.0
/*
 * tlsgwd: the handshake half of the tlsgw TLS gateway.
 *
 *   tlsgwd [-f] [-d] -c FILE
 *                           run (in the foreground; -f: log to stderr,
 *                           -d: debug messages too)
 *   tlsgwd -t -c FILE       check FILE, its certificates and keys
 *   tlsgwd -n -c FILE       dry run without the kernel module: handshake
 *                           and backend connect, then close (for tests)
 *
 * One epoll loop: non-blocking listeners, non-blocking SSL_accept per
 * connection, then a non-blocking connect to the service's backend, then
 * one TLSGW_CMD_SESSION_OFFLOAD request handing both sockets, the keys
 * (tlskeys.c) and any plaintext OpenSSL already read to tlsgw.ko, after
 * which tlsgwd closes its descriptors: no byte of the session passes
 * through here again. Connections between accept and offload are bounded
 * by max-pending-handshakes and each step by handshake-timeout.
 *
 * [socks NAME] sections are SOCKS5 services the kernel runs itself:
 * tlsgwd only makes the kernel's services match them (daemon/socks_apply.c)
 * and answers the kernel's name resolution upcalls from threads of its
 * own (resolver.c), never in this loop. [starttls NAME] sections are
 * STARTTLS policies the kernel's netfilter hooks enforce: tlsgwd makes
 * the kernel's policies match them (daemon/starttls_apply.c).
 *
 * SIGHUP re-reads the configuration (certificates, limits, listeners;
 * sessions already offloaded are the kernel's and are not touched; a
 * configuration with errors is refused and the old one kept). SIGTERM and
 * SIGINT end tlsgwd; offloaded sessions keep running in the kernel.
 *
 * Exit status: 0 clean exit (or configuration ok), 1 error, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/tlsgw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "nl.h"
#include "resolver.h"
#include "service.h"
#include "session.h"
#include "conf.h"
#include "log.h"
#include "socks_apply.h"
#include "starttls_apply.h"
#include "tlskeys.h"

#define TLSGWD_VERSION	"0.1.0"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

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

static struct {
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
} g;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf,
		      size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(s->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(s->sin6_port));
	} else {
		snprintf(buf, size, "?");
	}
}

static const char *ssl_error_text(void)
{
	static char buf[256];
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "connection closed or reset";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

/* ---- TLS contexts ---- */


/* Picks the certificate by SNI: the first whose names match, else [0]. */
static int cert_cb(SSL *ssl, void *arg)
{
	const struct svc *s = arg;
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	const struct conf_cert *cc = &s->conf->certs[0];
	int i;

	if (!sni)
		return 1;	/* the default is installed in the context */
	for (i = 0; i < s->conf->n_certs; i++)
		if (X509_check_host(s->conf->certs[i].x509, sni, 0,
				    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
				    NULL) == 1) {
			cc = &s->conf->certs[i];
			break;
		}
	if (i == 0 || i == s->conf->n_certs)
		return 1;
	SSL_certs_clear(ssl);
	return SSL_use_cert_and_key(ssl, cc->x509, cc->pkey, cc->chain, 1) == 1;
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		   const unsigned char *in, unsigned int inlen, void *arg)
{
	const struct svc *s = arg;

	(void)ssl;
	if (SSL_select_next_proto((unsigned char **)out, outlen,
				  s->conf->alpn, (unsigned int)s->conf->alpn_len,
				  in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *svc_ctx_new(struct svc *s, FILE *err)
{
	const struct conf_service *c = s->conf;
	const struct conf_cert *cc = &c->certs[0];
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, c->min_version);
	SSL_CTX_set_max_proto_version(ctx, c->max_version);
	/*
	 * No renegotiation (nothing could follow it after the offload), and
	 * never OpenSSL's own kTLS: the kernel module installs it.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE |
			    SSL_OP_NO_COMPRESSION);
	SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_KTLS);
	if (c->ktls_ciphers && SSL_CTX_set_cipher_list(ctx, c->ktls_ciphers) != 1)
		goto fail;
	/* An empty 1.3 list when only 1.2 is on: nothing else can slip in. */
	if (SSL_CTX_set_ciphersuites(ctx, c->ktls_ciphersuites ?
				     c->ktls_ciphersuites : "") != 1)
		goto fail;
	if (!c->ktls_ciphers &&
	    SSL_CTX_set_cipher_list(ctx, "AESGCM:CHACHA20:!aNULL") != 1)
		goto fail;
	if (SSL_CTX_use_cert_and_key(ctx, cc->x509, cc->pkey, cc->chain, 1) != 1)
		goto fail;
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)c->name,
				       (unsigned int)strlen(c->name));
	SSL_CTX_set_cert_cb(ctx, cert_cb, s);
	if (c->alpn_len)
		SSL_CTX_set_alpn_select_cb(ctx, alpn_cb, s);
	if (tlskeys_ctx_setup(ctx))
		goto fail;
	return ctx;
fail:
	fprintf(err, "%s:%d: service '%s': cannot set up TLS: %s\n",
		s->gen->conf.file, c->line, c->name, ssl_error_text());
	SSL_CTX_free(ctx);
	return NULL;
}

static void gen_put(struct gen *gen)
{
	int i;

	if (--gen->refs > 0)
		return;
	for (i = 0; gen->svc && i < gen->conf.n_svc; i++)
		SSL_CTX_free(gen->svc[i].ctx);
	free(gen->svc);
	conf_free(&gen->conf);
	free(gen);
}

/* Reads, checks and prepares a configuration; NULL after printing errors. */
static struct gen *gen_load(const char *file, FILE *err)
{
	struct gen *gen = calloc(1, sizeof(*gen));
	int i, errors;

	if (!gen)
		return NULL;
	gen->refs = 1;
	errors = conf_parse_file(file, &gen->conf, err);
	if (!errors)
		errors = conf_load_certs(&gen->conf, err);
	if (!errors)
		errors = conf_check_socks(&gen->conf, err);
	if (!errors) {
		gen->svc = calloc((size_t)gen->conf.n_svc + 1,
				  sizeof(*gen->svc));
		if (!gen->svc)
			errors++;
	}
	for (i = 0; !errors && i < gen->conf.n_svc; i++) {
		gen->svc[i].conf = &gen->conf.svc[i];
		gen->svc[i].gen = gen;
		gen->svc[i].ctx = svc_ctx_new(&gen->svc[i], err);
		if (!gen->svc[i].ctx)
			errors++;
	}
	if (errors) {
		gen_put(gen);
		return NULL;
	}
	return gen;
}

/* ---- netlink ---- */

/* Creates the service, or updates the limits of the existing one. */
static int service_register(const struct conf_service *c)
{
	const struct service_conf sc = {
		.name = c->name,
		.has_max_sessions = true, .max_sessions = c->max_sessions,
		.has_idle_timeout = true, .idle_timeout = c->idle_timeout,
		.flags = TLSGW_SVC_F_REPLACE,
	};
	struct tnl_status st;

	if (!service_request(&g.nl, TLSGW_CMD_SERVICE_NEW, 0, &sc, NULL, &st))
		return 0;
	log_msg(LOG_ERR, "service %s: cannot register it with the kernel:",
		c->name);
	tnl_report(&st);
	return -1;
}

/* The one request that hands the session to the kernel. */
static int offload(struct conn *c, uint64_t *id, struct tnl_status *st)
{
	return session_offload(&g.nl, c->svc->conf->name, c->fd, c->bfd,
			       &c->keys, id, st);
}

static int nl_setup(void)
{
	struct tnl_status st;
	int one = 1;

	/* Initial data makes requests up to 64 KiB plus the rest. */
	nlmsg_set_default_size(TLSGW_INITIAL_DATA_MAX + 4096);
	if (tnl_open(&g.nl, &st)) {
		tnl_report(&st);
		return -1;
	}
	/* Errors need not echo the request (and the keys in it) back. */
	(void)setsockopt(nl_socket_get_fd(g.nl.sk), SOL_NETLINK,
			 NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

/* ---- connections ---- */

static void conn_log(const struct conn *c, const char *result, ...)
	__attribute__((format(printf, 2, 3)));

/* One line per session: who, what was negotiated, what became of it. */
static void conn_log(const struct conn *c, const char *result, ...)
{
	const SSL_CIPHER *cipher = c->ssl ? SSL_get_current_cipher(c->ssl) : NULL;
	const char *ver = "-", *ciph = "-";
	char res[512];
	va_list ap;

	if (c->keys.version) {
		ver = tlskeys_version_name(c->keys.version);
		ciph = tlskeys_cipher_name(c->keys.cipher);
	} else if (cipher && SSL_is_init_finished(c->ssl)) {
		ver = SSL_get_version(c->ssl);
		ciph = SSL_CIPHER_get_name(cipher);
	}
	va_start(ap, result);
	vsnprintf(res, sizeof(res), result, ap);
	va_end(ap);
	log_msg(LOG_INFO, "session service=%s peer=%s sni=%s tls=%s cipher=%s %s",
		c->svc->conf->name, c->peer, c->sni[0] ? c->sni : "-", ver, ciph,
		res);
}

static void conn_free(struct conn *c)
{
	struct gen *gen = c->svc->gen;

	if (c->prev)
		c->prev->next = c->next;
	else
		g.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	g.n_pending--;
	SSL_free(c->ssl);	/* never SSL_shutdown: no alert, no write */
	if (c->fd >= 0)
		close(c->fd);	/* also leaves the epoll set */
	if (c->bfd >= 0)
		close(c->bfd);
	tlskeys_clear(&c->keys);
	free(c);
	gen_put(gen);
}

static int ep_set(int fd, struct ev *ev, uint32_t events, bool add)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(g.epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &e);
}

static void conn_fail(struct conn *c, const char *what, int err)
{
	conn_log(c, "failed: %s: %s", what, strerror(err));
	conn_free(c);
}

/* Backend connected (or failed): hand everything to the kernel. */
static void conn_connected(struct conn *c)
{
	struct tnl_status st;
	uint64_t id = 0;
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->bfd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		char what[96];

		snprintf(what, sizeof(what), "backend %s",
			 c->svc->conf->backend.text);
		conn_fail(c, what, err ? err : errno);
		return;
	}
	epoll_ctl(g.epfd, EPOLL_CTL_DEL, c->bfd, NULL);
	if (g.dry_run) {
		conn_log(c, "dry-run: not offloaded");
		conn_free(c);
		return;
	}
	if (offload(c, &id, &st)) {
		char msg[320];

		switch (st.fail) {
		case TNL_KERNEL:
			snprintf(msg, sizeof(msg), "kernel said: %s%s%s",
				 strerror(st.code), st.msg[0] ? ": " : "", st.msg);
			break;
		case TNL_LOCAL:
			snprintf(msg, sizeof(msg), "netlink: %s",
				 nl_geterror(st.code));
			break;
		default:
			snprintf(msg, sizeof(msg), "%s", st.msg);
		}
		conn_log(c, "failed: offload: %s", msg);
	} else {
		conn_log(c, "offloaded id=%llu", (unsigned long long)id);
	}
	/* Either way our copies go: the kernel holds its own references. */
	conn_free(c);
}

static void conn_connect(struct conn *c)
{
	const struct conf_addr *b = &c->svc->conf->backend;

	c->bfd = socket(b->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0);
	if (c->bfd < 0) {
		conn_fail(c, "backend socket", errno);
		return;
	}
	c->state = CONN_CONNECT;
	c->deadline = now_ms() + 1000ULL * c->svc->gen->conf.handshake_timeout;
	if (!connect(c->bfd, (const struct sockaddr *)&b->ss, b->len)) {
		conn_connected(c);
		return;
	}
	if (errno != EINPROGRESS) {
		char what[96];

		snprintf(what, sizeof(what), "backend %s", b->text);
		conn_fail(c, what, errno);
		return;
	}
	/* The client socket stays quiet until the kernel takes it. */
	epoll_ctl(g.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (ep_set(c->bfd, &c->ev, EPOLLOUT, true))
		conn_fail(c, "epoll", errno);
}

static void conn_handshake(struct conn *c)
{
	char err[160];
	const char *sni;
	int r = SSL_accept(c->ssl);

	sni = SSL_get_servername(c->ssl, TLSEXT_NAMETYPE_host_name);
	if (sni && !c->sni[0])
		snprintf(c->sni, sizeof(c->sni), "%s", sni);
	if (r != 1) {
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			ep_set(c->fd, &c->ev, EPOLLIN, false);
			return;
		case SSL_ERROR_WANT_WRITE:
			ep_set(c->fd, &c->ev, EPOLLOUT, false);
			return;
		default:
			conn_log(c, "failed: handshake: %s", ssl_error_text());
			conn_free(c);
			return;
		}
	}
	if (tlskeys_extract(c->ssl, &c->keys, err, sizeof(err))) {
		conn_log(c, "failed: keys: %s", err);
		conn_free(c);
		return;
	}
	conn_connect(c);
}

static void conn_event(struct conn *c)
{
	if (c->state == CONN_HANDSHAKE)
		conn_handshake(c);
	else
		conn_connected(c);
}

static void refused_report(bool force)
{
	uint64_t now = now_ms();

	if (!g.refused || (!force && now - g.refused_logged < 1000))
		return;
	log_msg(LOG_WARNING, "refused %llu connection(s): "
		"max-pending-handshakes (%u) reached", g.refused,
		g.cur->conf.max_pending);
	g.refused = 0;
	g.refused_logged = now;
}

static void accept_one(struct listener *l, int fd,
		       const struct sockaddr_storage *peer)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return;
	}
	c->ev.kind = EV_CONN;
	c->fd = fd;
	c->bfd = -1;
	c->svc = l->svc;
	c->svc->gen->refs++;
	addr_text(peer, c->peer, sizeof(c->peer));
	c->deadline = now_ms() + 1000ULL * g.cur->conf.handshake_timeout;
	c->next = g.conns;
	if (g.conns)
		g.conns->prev = c;
	g.conns = c;
	g.n_pending++;
	c->ssl = SSL_new(c->svc->ctx);
	if (!c->ssl || tlskeys_attach(c->ssl) || !SSL_set_fd(c->ssl, fd)) {
		conn_log(c, "failed: %s", ssl_error_text());
		conn_free(c);
		return;
	}
	SSL_set_accept_state(c->ssl);
	if (ep_set(fd, &c->ev, EPOLLIN, true)) {
		conn_fail(c, "epoll", errno);
		return;
	}
	conn_handshake(c);
}

static void listener_event(struct listener *l)
{
	struct sockaddr_storage peer;
	socklen_t len;

	for (;;) {
		int fd;

		len = sizeof(peer);
		fd = accept4(l->fd, (struct sockaddr *)&peer, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_msg(LOG_WARNING, "accept on %s: %s",
					l->addr.text, strerror(errno));
			return;
		}
		if (g.n_pending >= g.cur->conf.max_pending) {
			close(fd);
			g.refused++;
			refused_report(false);
			continue;
		}
		accept_one(l, fd, &peer);
	}
}

/* Closes connections past their deadline; returns ms to the next one. */
static int expire(void)
{
	uint64_t now = now_ms(), next = UINT64_MAX;
	struct conn *c = g.conns, *n;

	for (; c; c = n) {
		n = c->next;
		if (c->deadline <= now) {
			conn_log(c, "failed: %s timeout",
				 c->state == CONN_HANDSHAKE ? "handshake" :
				 "backend connect");
			conn_free(c);
		} else if (c->deadline < next) {
			next = c->deadline;
		}
	}
	if (g.refused)
		next = next < now + 1000 ? next : now + 1000;
	return next == UINT64_MAX ? -1 : (int)(next - now);
}

/* ---- listeners and configuration ---- */

static int listen_on(const struct conf_addr *a)
{
	int fd, one = 1;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (a->ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(fd, (const struct sockaddr *)&a->ss, a->len) ||
	    listen(fd, 1024)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static struct listener *find_listener(struct listener *list,
				      const struct conf_addr *a)
{
	for (; list; list = list->next)
		if (list->addr.len == a->len &&
		    !memcmp(&list->addr.ss, &a->ss, a->len))
			return list;
	return NULL;
}

/*
 * Switches to gen: registers its services, reuses the listening sockets
 * whose address stays, opens the new ones and closes the others. Nothing
 * changes if a new address cannot be opened.
 */
static int apply(struct gen *gen)
{
	struct listener *next_list = NULL, *l, *old;
	int i, j;

	for (i = 0; i < gen->conf.n_svc; i++) {
		struct svc *s = &gen->svc[i];

		for (j = 0; j < s->conf->n_listen; j++) {
			const struct conf_addr *a = &s->conf->listen[j];

			l = calloc(1, sizeof(*l));
			if (!l)
				goto fail;
			l->ev.kind = EV_LISTENER;
			l->addr = *a;
			l->svc = s;
			old = find_listener(g.listeners, a);
			l->fd = old ? dup(old->fd) : listen_on(a);
			if (l->fd < 0) {
				log_msg(LOG_ERR, "service %s: cannot listen on "
					"%s: %s", s->conf->name, a->text,
					strerror(errno));
				free(l);
				goto fail;
			}
			l->next = next_list;
			next_list = l;
		}
	}
	for (i = 0; !g.dry_run && i < gen->conf.n_svc; i++)
		if (service_register(gen->svc[i].conf))
			goto fail;
	/*
	 * Commit: old listeners go (their dup'ed sockets stay open). The
	 * epoll registration belongs to the open file, which the dup keeps
	 * alive: remove it before the close or it would outlive old.
	 */
	while ((old = g.listeners)) {
		g.listeners = old->next;
		epoll_ctl(g.epfd, EPOLL_CTL_DEL, old->fd, NULL);
		close(old->fd);
		free(old);
	}
	for (l = next_list; l; l = l->next)
		if (ep_set(l->fd, &l->ev, EPOLLIN, true))
			log_msg(LOG_ERR, "epoll on %s: %s", l->addr.text,
				strerror(errno));
	g.listeners = next_list;
	/* SOCKS5 failures are logged, and do not undo the rest. */
	if (!g.dry_run && (i = tsocks_apply(&g.nl, &gen->conf,
					    g.cur ? &g.cur->conf : NULL)))
		log_msg(LOG_ERR, "socks: %d failure(s) applying the "
			"configuration (see above)", i);
	if (!g.dry_run && (i = tstls_apply(&g.nl, &gen->conf,
					   g.cur ? &g.cur->conf : NULL)))
		log_msg(LOG_ERR, "starttls: %d failure(s) applying the "
			"configuration (see above)", i);
	if (g.cur)
		gen_put(g.cur);
	g.cur = gen;
	if (!g.force_stderr)
		log_open(gen->conf.log);
	return 0;
fail:
	while ((l = next_list)) {
		next_list = l->next;
		close(l->fd);
		free(l);
	}
	return -1;
}

static void reload(void)
{
	char *errs = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&errs, &len);
	struct gen *gen;

	log_msg(LOG_NOTICE, "SIGHUP: reloading %s", g.conf_file);
	gen = mem ? gen_load(g.conf_file, mem) : NULL;
	if (mem)
		fclose(mem);
	if (!gen) {
		char *line, *save = NULL;

		for (line = errs ? strtok_r(errs, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			log_msg(LOG_ERR, "%s", line);
		log_msg(LOG_ERR, "reload failed: keeping the running "
			"configuration");
		free(errs);
		return;
	}
	free(errs);
	if (apply(gen)) {
		gen_put(gen);
		log_msg(LOG_ERR, "reload failed: keeping the running "
			"configuration");
		return;
	}
	if (!g.dry_run)
		resolver_reload(&(struct resolver_conf){
			.cache = gen->conf.resolver_cache,
			.cache_ttl = gen->conf.resolver_cache_ttl,
			.threads = gen->conf.resolver_threads });
	log_msg(LOG_NOTICE, "reloaded: %d service(s), %d socks, %d starttls",
		gen->conf.n_svc, gen->conf.n_socks, gen->conf.n_starttls);
}

static void signal_event(void)
{
	struct signalfd_siginfo si;

	while (read(g.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload();
		else
			g.quit = true;
	}
}

static int run(void)
{
	struct epoll_event evs[64];
	sigset_t set;
	struct gen *gen;
	int i;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	g.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	g.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (g.sigfd < 0 || g.epfd < 0) {
		log_msg(LOG_ERR, "signalfd/epoll: %s", strerror(errno));
		return 1;
	}
	g.sig_ev.kind = EV_SIGNAL;
	ep_set(g.sigfd, &g.sig_ev, EPOLLIN, true);

	gen = gen_load(g.conf_file, stderr);
	if (!gen)
		return 1;
	if ((!g.dry_run && nl_setup()) || apply(gen)) {
		gen_put(gen);
		return 1;
	}
	if (!g.dry_run)
		resolver_start(&(struct resolver_conf){
			.cache = gen->conf.resolver_cache,
			.cache_ttl = gen->conf.resolver_cache_ttl,
			.threads = gen->conf.resolver_threads });
	log_msg(LOG_NOTICE, "tlsgwd %s running: %d service(s), %d socks, "
		"%d starttls", TLSGWD_VERSION, gen->conf.n_svc,
		gen->conf.n_socks, gen->conf.n_starttls);

	while (!g.quit) {
		int timeout = expire();
		int n = epoll_wait(g.epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		refused_report(false);
		for (i = 0; i < n; i++) {
			struct ev *ev = evs[i].data.ptr;

			switch (ev->kind) {
			case EV_LISTENER:
				listener_event((struct listener *)ev);
				break;
			case EV_CONN:
				conn_event((struct conn *)ev);
				break;
			case EV_SIGNAL:
				signal_event();
				break;
			}
			/* A reload may free listeners: rescan next round. */
			if (ev->kind == EV_SIGNAL)
				break;
		}
	}
	refused_report(true);
	resolver_stop();
	log_msg(LOG_NOTICE, "exiting: %u pending handshake(s) dropped; "
		"offloaded sessions continue in the kernel", g.n_pending);
	while (g.conns)
		conn_free(g.conns);
	while (g.listeners) {
		struct listener *l = g.listeners;

		g.listeners = l->next;
		close(l->fd);
		free(l);
	}
	gen_put(g.cur);
	if (!g.dry_run)
		tnl_close(&g.nl);
	close(g.epfd);
	close(g.sigfd);
	return 0;
}

static int check_config(const char *file)
{
	struct gen *gen = gen_load(file, stderr);

	if (!gen)
		return 1;
	printf("%s: ok, %d service(s), %d socks, %d starttls\n", file,
	       gen->conf.n_svc, gen->conf.n_socks, gen->conf.n_starttls);
	gen_put(gen);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " TLSGWD_NAME " [-f] [-d] -c FILE   run the gateway "
		"daemon\n"
		"       " TLSGWD_NAME " -t -c FILE            check the "
		"configuration\n"
		"\n"
		"  -c, --config FILE   configuration file\n"
		"  -f, --foreground    log to stderr whatever the file says\n"
		"  -d, --debug         log debug messages too (resolved names)\n"
		"  -t, --test          check FILE, its certificates and keys, "
		"and exit\n"
		"  -n, --dry-run       run without tlsgw.ko: handshake, connect "
		"the backend,\n"
		"                      log and close (testing only)\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 error, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "test", no_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool test = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:fdntVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			g.conf_file = optarg;
			break;
		case 'f':
			g.force_stderr = true;
			break;
		case 'd':
			log_set_debug(true);
			break;
		case 't':
			test = true;
			break;
		case 'n':
			g.dry_run = true;
			break;
		case 'V':
			printf(TLSGWD_NAME " " TLSGWD_VERSION "\n");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, TLSGWD_NAME ": unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!g.conf_file) {
		fprintf(stderr, TLSGWD_NAME ": -c FILE is required\n");
		usage(stderr);
		return 2;
	}
	if (test)
		return check_config(g.conf_file);
	return run();
}
