// SPDX-License-Identifier: GPL-2.0
/*
 * tlsgwd's configuration generations: a file read, checked and prepared
 * (certificates, TLS contexts) as a whole, then applied to the kernel
 * and the listeners, at start and on each SIGHUP; see tlsgwd.h.
 */
#define _GNU_SOURCE	/* open_memstream() */
#include "tlsgwd.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tlsgw.h>

#include "log.h"
#include "resolver.h"
#include "service.h"
#include "socks_apply.h"
#include "starttls_apply.h"

void gen_put(struct gen *gen)
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

struct gen *gen_load(const char *file, FILE *err)
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

int apply(struct gen *gen)
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

void reload(void)
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
