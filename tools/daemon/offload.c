// SPDX-License-Identifier: GPL-2.0
/*
 * A connection from accept to offload: the non-blocking handshake, the
 * keys (tlskeys.c), the non-blocking backend connect, then the one
 * SESSION_OFFLOAD request (lib/session.c) that hands both sockets to
 * the kernel, after which tlsgwd closes its descriptors. Each step is
 * bounded by handshake-timeout; see tlsgwd.h.
 */
#define _GNU_SOURCE
#include "tlsgwd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tlsgw.h>
#include <netlink/msg.h>

#include "log.h"
#include "session.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

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

/* The one request that hands the session to the kernel. */
static int offload(struct conn *c, uint64_t *id, struct tnl_status *st)
{
	return session_offload(&g.nl, c->svc->conf->name, c->fd, c->bfd,
			       &c->keys, id, st);
}

int nl_setup(void)
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

void conn_free(struct conn *c)
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

void conn_event(struct conn *c)
{
	if (c->state == CONN_HANDSHAKE)
		conn_handshake(c);
	else
		conn_connected(c);
}

void conn_accept(struct listener *l, int fd,
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

int conn_expire(void)
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
