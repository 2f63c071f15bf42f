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
 * (lib/tlskeys.c) and any plaintext OpenSSL already read to tlsgw.ko, after
 * which tlsgwd closes its descriptors: no byte of the session passes
 * through here again. Connections between accept and offload are bounded
 * by max-pending-handshakes and each step by handshake-timeout.
 *
 * [socks NAME] sections are SOCKS5 services the kernel runs itself:
 * tlsgwd only makes the kernel's services match them (daemon/socks_apply.c)
 * and answers the kernel's name resolution upcalls from threads of its
 * own (daemon/resolver.c), never in this loop. [starttls NAME] sections are
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
#include "tlsgwd.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "resolver.h"

#define TLSGWD_VERSION	"0.1.0"

struct tlsgwd g;

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ep_set(int fd, struct ev *ev, uint32_t events, bool add)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(g.epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &e);
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
		conn_accept(l, fd, &peer);
	}
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
		int timeout = conn_expire();
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
