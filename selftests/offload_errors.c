// SPDX-License-Identifier: GPL-2.0
/*
 * offload_errors: TLSGW_CMD_SESSION_OFFLOAD refuses every kind of bad
 * input with the documented errno and an extack message, and leaves the
 * sockets untouched (no ULP, no session); then a good offload works once
 * and a duplicate of it is refused; service limits are enforced.
 *
 * Runs as root in the test guest with tlsgw loaded. Needs the network
 * namespace named by argv[1] to exist (for the foreign-namespace case).
 * Prints TAP; exits 0 when every case passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tls.h>
#include <linux/tlsgw.h>
#include <netlink/attr.h>

#include "nl.h"

#define SERVICE "offload-errors"

static struct tnl nl;
static int failed, ntest;

/* A request as a test case describes it; fields left 0 get good values. */
struct offload {
	const char *service;
	int client_fd, backend_fd;
	int version, cipher;
	int tx_key_len, tx_iv_len, rx_key_len, rx_iv_len;
	int omit;		/* an attribute type to leave out */
	const char *initial;	/* TLSGW_SESS_A_INITIAL_DATA */
};

static void tap(int ok, const char *fmt, const char *detail)
{
	ntest++;
	if (!ok)
		failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", ntest, fmt);
	if (detail && *detail)
		printf("# %s\n", detail);
	fflush(stdout);
}

static void put_key(struct nl_msg *m, int type, int len)
{
	unsigned char buf[64];

	memset(buf, 0x5a, sizeof(buf));
	nla_put(m, type, len, buf);
}

static int offload(const struct offload *o, struct tnl_status *st)
{
	int gcm12 = o->version == TLS_1_2_VERSION &&
		    o->cipher != TLS_CIPHER_CHACHA20_POLY1305;
	int key = o->cipher == TLS_CIPHER_AES_GCM_128 ? 16 : 32;
	int iv = gcm12 ? 4 : 12;
	struct nl_msg *m;
	struct nlattr *nest;

	m = tnl_request(&nl, TLSGW_CMD_SESSION_OFFLOAD, 0);
	if (!m)
		return -1;
	nest = nla_nest_start(m, TLSGW_A_SESSION);
	if (o->omit != TLSGW_SESS_A_SERVICE)
		nla_put_string(m, TLSGW_SESS_A_SERVICE,
			       o->service ? o->service : SERVICE);
	nla_put_s32(m, TLSGW_SESS_A_CLIENT_FD, o->client_fd);
	nla_put_s32(m, TLSGW_SESS_A_BACKEND_FD, o->backend_fd);
	nla_put_u16(m, TLSGW_SESS_A_TLS_VERSION, o->version);
	nla_put_u16(m, TLSGW_SESS_A_CIPHER, o->cipher);
	if (o->omit != TLSGW_SESS_A_TX_KEY)
		put_key(m, TLSGW_SESS_A_TX_KEY, o->tx_key_len ?: key);
	put_key(m, TLSGW_SESS_A_TX_IV, o->tx_iv_len ?: iv);
	nla_put_u64(m, TLSGW_SESS_A_TX_SEQ, 2);
	put_key(m, TLSGW_SESS_A_RX_KEY, o->rx_key_len ?: key);
	put_key(m, TLSGW_SESS_A_RX_IV, o->rx_iv_len ?: iv);
	nla_put_u64(m, TLSGW_SESS_A_RX_SEQ, 0);
	if (o->initial)
		nla_put(m, TLSGW_SESS_A_INITIAL_DATA, strlen(o->initial),
			o->initial);
	nla_nest_end(m, nest);
	return tnl_transact(&nl, m, NULL, NULL, st);
}

static int service_add(unsigned int max_sessions)
{
	struct tnl_status st;
	struct nl_msg *m;
	struct nlattr *nest;

	m = tnl_request(&nl, TLSGW_CMD_SERVICE_NEW, 0);
	if (!m)
		return -1;
	nest = nla_nest_start(m, TLSGW_A_SERVICE);
	nla_put_string(m, TLSGW_SVC_A_NAME, SERVICE);
	nla_put_u32(m, TLSGW_SVC_A_FLAGS, TLSGW_SVC_F_REPLACE);
	nla_put_u32(m, TLSGW_SVC_A_MAX_SESSIONS, max_sessions);
	nla_nest_end(m, nest);
	if (!tnl_transact(&nl, m, NULL, NULL, &st))
		return 0;
	printf("# service %s: %s: %s\n", SERVICE, strerror(st.code), st.msg);
	return -1;
}

static int has_ulp(int fd)
{
	char name[16] = "";
	socklen_t len = sizeof(name);

	if (getsockopt(fd, IPPROTO_TCP, TCP_ULP, name, &len) < 0)
		return 0;
	return name[0] != 0;
}

/* A connected pair over loopback: *server is the accepted end. */
static void tcp_pair(int *client, int *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (void *)&a, sizeof(a)) ||
	    listen(l, 1) || getsockname(l, (void *)&a, &len)) {
		perror("listener");
		exit(1);
	}
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (void *)&a, sizeof(a))) {
		perror("connect");
		exit(1);
	}
	*server = accept(l, NULL, NULL);
	if (*server < 0) {
		perror("accept");
		exit(1);
	}
	close(l);
}

/* Expects failure with errno want (and an extack message if msg). */
static void expect(const char *desc, const struct offload *o, int want,
		   int msg)
{
	struct tnl_status st = { 0 };
	char detail[400];
	int rc = offload(o, &st);
	int ok = rc < 0 && st.fail == TNL_KERNEL && st.code == want &&
		 (!msg || st.msg[0]);

	const char *what = rc == 0 ? "success" :
			   st.fail == TNL_KERNEL ? strerror(st.code) :
			   "local failure";

	snprintf(detail, sizeof(detail), "kernel: %s%s%s", what,
		 st.msg[0] ? ": " : "", st.msg);
	tap(ok, desc, detail);
}

static struct offload good(int client, int backend)
{
	struct offload o = { .client_fd = client, .backend_fd = backend,
			     .version = TLS_1_3_VERSION,
			     .cipher = TLS_CIPHER_AES_GCM_128 };
	return o;
}

static int socket_in_netns(const char *name)
{
	char path[256];
	int self, other, fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	self = open("/proc/self/ns/net", O_RDONLY);
	other = open(path, O_RDONLY);
	if (self < 0 || other < 0 || setns(other, CLONE_NEWNET))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (setns(self, CLONE_NEWNET))
		exit(1);
	close(self);
	close(other);
	return fd;
}

static void bad_keys(int c, int b)
{
	struct offload o;

	o = good(c, b);
	o.tx_key_len = 15;
	expect("TX key of 15 bytes -> EINVAL", &o, EINVAL, 1);
	o = good(c, b);
	o.cipher = TLS_CIPHER_AES_GCM_256;
	o.rx_key_len = 16;
	expect("AES-256 with a 16-byte RX key -> EINVAL", &o, EINVAL, 1);
	o = good(c, b);
	o.version = TLS_1_2_VERSION;
	o.tx_iv_len = 12;
	expect("TLS 1.2 AES-GCM with a 12-byte IV -> EINVAL", &o, EINVAL, 1);
	o = good(c, b);
	o.cipher = 53;	/* AES-CCM: kTLS has it, tlsgw does not */
	expect("unsupported cipher 53 -> EINVAL", &o, EINVAL, 1);
	o = good(c, b);
	o.version = 0x0302;
	expect("TLS 1.1 -> EINVAL", &o, EINVAL, 1);
	o = good(c, b);
	o.omit = TLSGW_SESS_A_TX_KEY;
	expect("missing TX key -> EINVAL", &o, EINVAL, 1);
}

static void bad_sockets(int c, int b, const char *netns)
{
	struct offload o;
	int fd, p1, p2;

	fd = open("/dev/null", O_RDONLY);
	o = good(fd, b);
	expect("client fd is /dev/null -> ENOTSOCK", &o, ENOTSOCK, 1);
	close(fd);
	o = good(c, 987);
	expect("backend fd not open (another process's number) -> EBADF",
	       &o, EBADF, 1);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	o = good(fd, b);
	expect("UDP client socket -> EPROTOTYPE", &o, EPROTOTYPE, 1);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	o = good(c, fd);
	expect("unconnected backend socket -> ENOTCONN", &o, ENOTCONN, 1);
	listen(fd, 1);
	o = good(fd, b);
	expect("listening client socket -> ENOTCONN", &o, ENOTCONN, 1);
	close(fd);
	o = good(c, c);
	expect("client and backend the same socket -> EINVAL", &o, EINVAL, 1);
	o = good(c, b);
	o.service = "no-such-service";
	expect("unknown service -> ENOENT", &o, ENOENT, 1);
	fd = socket_in_netns(netns);
	o = good(fd, b);
	expect("socket of another network namespace -> EINVAL", &o, EINVAL,
	       1);
	close(fd);

	tcp_pair(&p1, &p2);
	if (setsockopt(p2, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")))
		perror("TCP_ULP");
	o = good(p2, b);
	expect("client socket that already has kTLS -> EBUSY", &o, EBUSY, 1);
	close(p1);
	close(p2);

	tcp_pair(&p1, &p2);
	shutdown(p1, SHUT_RDWR);
	close(p1);
	usleep(200000);
	o = good(p2, b);
	expect("client socket closed by its peer -> ENOTCONN", &o, ENOTCONN,
	       1);
	close(p2);
}

/* What the backend's peer receives within a few seconds. */
static int backend_got(int bpeer, const char *want)
{
	char buf[64] = "";
	struct timeval tv = { .tv_sec = 10 };
	size_t len = strlen(want);
	ssize_t n;

	setsockopt(bpeer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(bpeer, buf, sizeof(buf) - 1, 0);
	return n == (ssize_t)len && !memcmp(buf, want, len);
}

static void good_then_duplicate(int c, int b, int bpeer, int c2, int b2)
{
	struct tnl_status st = { 0 };
	struct offload o = good(c, b);
	int rc;

	tap(!has_ulp(c) && !has_ulp(b),
	    "after all refusals the sockets have no ULP", NULL);
	o.initial = "already read by OpenSSL";
	rc = offload(&o, &st);
	tap(rc == 0, "a good offload succeeds", st.msg);
	tap(has_ulp(c) && !has_ulp(b),
	    "kTLS is on the client socket only", NULL);
	tap(backend_got(bpeer, o.initial),
	    "the initial data reaches the backend first", NULL);
	o.initial = NULL;
	expect("offloading the same sockets again -> EBUSY", &o, EBUSY, 1);
	o = good(c2, b);
	expect("reusing the backend of a live session -> EBUSY", &o, EBUSY,
	       1);
	tap(!has_ulp(c2), "and that client socket was left alone", NULL);

	service_add(1);
	o = good(c2, b2);
	expect("service limit of 1 session -> ENOSPC", &o, ENOSPC, 1);
}

int main(int argc, char **argv)
{
	struct tnl_status st;
	int c, cpeer, b, bpeer, c2, c2peer, b2, b2peer;

	if (argc != 2) {
		fprintf(stderr, "usage: offload_errors NETNS\n");
		return 2;
	}
	printf("TAP version 13\n1..24\n");
	if (tnl_open(&nl, &st) || service_add(0)) {
		printf("Bail out! cannot reach tlsgw\n");
		return 1;
	}
	tcp_pair(&cpeer, &c);
	tcp_pair(&bpeer, &b);
	tcp_pair(&c2peer, &c2);
	tcp_pair(&b2peer, &b2);
	bad_keys(c, b);
	bad_sockets(c, b, argv[1]);
	good_then_duplicate(c, b, bpeer, c2, b2);
	printf("# %d of %d failed\n", failed, ntest);
	tnl_close(&nl);
	return failed ? 1 : 0;
}
