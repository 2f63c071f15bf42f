// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tlsgwd's SOCKS5 resolver (resolver.c): the bounded LRU
 * cache with its TTLs, getaddrinfo() results turned into answers, and
 * the netlink encoding of answers and decoding of upcalls. No threads,
 * no kernel, no DNS. TAP output.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tlsgw.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "resolver.h"
#include "tap.h"

#define PLAN 31

static struct resolver_answer one_addr(uint8_t last)
{
	struct resolver_answer a = { .n = 1, .len = { 4 },
				     .addr = { { 192, 0, 2, last } } };

	return a;
}

static bool has(struct rcache *c, const char *name, uint64_t now,
		uint8_t last)
{
	struct resolver_answer a;

	return rcache_get(c, name, now, &a) && a.n == 1 &&
	       a.addr[0][3] == last;
}

static void test_cache(void)
{
	struct rcache *c = rcache_new(3, 30, 5);
	struct resolver_answer a, nx = { .error = TLSGW_RESOLVE_NXDOMAIN };
	char name[16];
	int i;

	if (!c)
		exit(1);

	tap_ok(!rcache_get(c, "a.example", 0, &a) &&
	       rcache_count(c) == 0, "empty cache misses");
	a = one_addr(1);
	rcache_put(c, "a.example", &a, 1000);
	tap_ok(has(c, "a.example", 1000, 1) && has(c, "A.Example", 2000, 1),
	       "hit, case-insensitive");
	tap_ok(has(c, "a.example", 30999, 1) && !has(c, "a.example", 31000, 1),
	       "positive answer lives 30 s");
	tap_ok(rcache_count(c) == 0, "an expired entry is dropped on lookup");

	rcache_put(c, "nx.example", &nx, 0);
	tap_ok(rcache_get(c, "nx.example", 4999, &a) &&
	       a.error == TLSGW_RESOLVE_NXDOMAIN &&
	       !rcache_get(c, "nx.example", 5000, &a),
	       "negative answer lives 5 s");

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		a = one_addr((uint8_t)i);
		rcache_put(c, name, &a, 100);
	}
	tap_ok(rcache_count(c) == 3, "bounded: 5 names in a cache of 3");
	tap_ok(!has(c, "n0", 100, 0) && !has(c, "n1", 100, 1) &&
	       has(c, "n2", 100, 2) && has(c, "n3", 100, 3) &&
	       has(c, "n4", 100, 4), "the oldest two were evicted");

	/* n2 was used least recently of those three: touch it. */
	tap_ok(has(c, "n2", 100, 2), "touch n2");
	a = one_addr(5);
	rcache_put(c, "n5", &a, 100);
	tap_ok(!has(c, "n3", 100, 3) && has(c, "n2", 100, 2) &&
	       has(c, "n5", 100, 5), "LRU: the least recently used goes");

	a = one_addr(9);
	rcache_put(c, "n5", &a, 200);
	tap_ok(rcache_count(c) == 3 && has(c, "n5", 200, 9) &&
	       has(c, "n5", 30199, 9) && !has(c, "n5", 30200, 9),
	       "replacing an entry updates it and its expiry");
	rcache_free(c);

	c = rcache_new(0, 30, 5);
	if (!c)
		exit(1);
	a = one_addr(1);
	rcache_put(c, "a", &a, 0);
	tap_ok(rcache_count(c) == 0 && !rcache_get(c, "a", 0, &a),
	       "capacity 0 keeps nothing");
	rcache_free(c);

	c = rcache_new(4, 2, 5);
	if (!c)
		exit(1);
	rcache_put(c, "nx", &nx, 0);
	tap_ok(!rcache_get(c, "nx", 2000, &a),
	       "failures never outlive the positive TTL");
	/* Many puts and evictions keep the structure consistent. */
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "x%d", i % 7);
		a = one_addr((uint8_t)i);
		rcache_put(c, name, &a, (uint64_t)i);
	}
	tap_ok(rcache_count(c) == 4 && has(c, "x5", 999, 999 % 256) &&
	       has(c, "x2", 999, 996 % 256) && !has(c, "x1", 999, 995 % 256),
	       "churn: still bounded and consistent");
	rcache_free(c);
}

static struct addrinfo *ai_new(int family, const char *ip,
			       struct addrinfo *next)
{
	struct addrinfo *ai = calloc(1, sizeof(*ai));
	struct sockaddr_in6 *sin6 = calloc(1, sizeof(*sin6));

	ai->ai_family = family;
	ai->ai_addr = (struct sockaddr *)sin6;
	ai->ai_next = next;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)sin6;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, ip, &sin->sin_addr);
		ai->ai_addrlen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
		ai->ai_addrlen = sizeof(*sin6);
	}
	return ai;
}

static void ai_free(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *n = ai->ai_next;

		free(ai->ai_addr);
		free(ai);
		ai = n;
	}
}

static void test_from_ai(void)
{
	struct resolver_answer a;
	struct addrinfo *list, *big = NULL;
	char ip[32];
	int i;

	list = ai_new(AF_INET6, "2001:db8::1",
		      ai_new(AF_INET, "192.0.2.1",
			     ai_new(AF_INET6, "2001:db8::1",
				    ai_new(AF_INET, "192.0.2.2", NULL))));
	resolver_answer_from_ai(0, list, &a);
	tap_ok(!a.error && a.n == 3 && a.len[0] == 16 && a.len[1] == 4 &&
	       a.addr[1][3] == 1 && a.len[2] == 4 && a.addr[2][3] == 2,
	       "both families, getaddrinfo order, duplicates dropped");
	ai_free(list);

	for (i = 0; i < 20; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		big = ai_new(AF_INET, ip, big);
	}
	resolver_answer_from_ai(0, big, &a);
	tap_ok(a.n == TLSGW_RESOLVE_ADDRS_MAX && a.addr[0][3] == 19,
	       "at most TLSGW_RESOLVE_ADDRS_MAX addresses");
	ai_free(big);

	resolver_answer_from_ai(EAI_NONAME, NULL, &a);
	tap_ok(a.error == TLSGW_RESOLVE_NXDOMAIN && !a.n,
	       "EAI_NONAME is NXDOMAIN");
	resolver_answer_from_ai(EAI_NODATA, NULL, &a);
	tap_ok(a.error == TLSGW_RESOLVE_NXDOMAIN, "EAI_NODATA is NXDOMAIN");
	resolver_answer_from_ai(EAI_AGAIN, NULL, &a);
	tap_ok(a.error == TLSGW_RESOLVE_TEMPFAIL, "EAI_AGAIN is TEMPFAIL");
	resolver_answer_from_ai(0, NULL, &a);
	tap_ok(a.error == TLSGW_RESOLVE_TEMPFAIL, "no address is TEMPFAIL");
}

/* Parses what resolver_put_answer() wrote. */
static void test_encode(void)
{
	struct nlattr *tb[TLSGW_A_MAX + 1], *rb[TLSGW_RESOLVE_A_MAX + 1], *x;
	struct resolver_answer a = { .n = 2, .len = { 4, 16 },
				     .addr = { { 10, 0, 0, 1 }, { 0x20, 1 } } };
	struct resolver_answer nx = { .error = TLSGW_RESOLVE_NXDOMAIN };
	struct nl_msg *msg = nlmsg_alloc();
	static const int want[] = { 4, 16 };
	int rem, n = 0;
	bool order = true;

	genlmsg_put(msg, 0, 1, 0x20, 0, 0, TLSGW_CMD_SOCKS_RESOLVE, 1);
	resolver_put_answer(msg, 0x123456789ULL, &a);
	genlmsg_parse(nlmsg_hdr(msg), 0, tb, TLSGW_A_MAX, NULL);
	nla_parse_nested(rb, TLSGW_RESOLVE_A_MAX, tb[TLSGW_A_RESOLVE], NULL);
	tap_ok(rb[TLSGW_RESOLVE_A_ID] &&
	       nla_get_u64(rb[TLSGW_RESOLVE_A_ID]) == 0x123456789ULL &&
	       !rb[TLSGW_RESOLVE_A_ERROR], "answer: ID, no error");
	nla_for_each_nested(x, tb[TLSGW_A_RESOLVE], rem)
		if (nla_type(x) == TLSGW_RESOLVE_A_ADDR) {
			order &= n < 2 && nla_len(x) == want[n];
			n++;
		}
	tap_ok(n == 2 && order, "answer: two raw addresses, 4 then 16 bytes");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 1, 0x20, 0, 0, TLSGW_CMD_SOCKS_RESOLVE, 1);
	resolver_put_answer(msg, 7, &nx);
	genlmsg_parse(nlmsg_hdr(msg), 0, tb, TLSGW_A_MAX, NULL);
	nla_parse_nested(rb, TLSGW_RESOLVE_A_MAX, tb[TLSGW_A_RESOLVE], NULL);
	tap_ok(rb[TLSGW_RESOLVE_A_ERROR] && !rb[TLSGW_RESOLVE_A_ADDR] &&
	       nla_get_u32(rb[TLSGW_RESOLVE_A_ERROR]) ==
	       TLSGW_RESOLVE_NXDOMAIN, "failure: ERROR only");
	nlmsg_free(msg);
}

static struct nl_msg *upcall(uint8_t cmd, bool with_id, const char *name,
			     int name_len)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, 0, 0x20, 0, 0, cmd, 1);
	nest = nla_nest_start(msg, TLSGW_A_RESOLVE);
	if (with_id)
		nla_put_u64(msg, TLSGW_RESOLVE_A_ID, 42);
	if (name)
		nla_put(msg, TLSGW_RESOLVE_A_NAME, name_len, name);
	nla_nest_end(msg, nest);
	return msg;
}

static bool parses(struct nl_msg *msg, uint64_t *id, char *name)
{
	int rc = resolver_parse_upcall(nlmsg_hdr(msg), id, name,
				       RESOLVER_NAME_MAX + 1);

	nlmsg_free(msg);
	return rc == 0;
}

static void test_upcall(void)
{
	char name[RESOLVER_NAME_MAX + 1], big[300];
	uint64_t id = 0;

	tap_ok(parses(upcall(TLSGW_CMD_SOCKS_RESOLVE, true, "example.com", 12),
		      &id, name) && id == 42 && !strcmp(name, "example.com"),
	       "upcall: ID and name");
	tap_ok(!parses(upcall(TLSGW_CMD_SOCKS_RESOLVE, false, "a", 2), &id,
		       name), "upcall without ID refused");
	tap_ok(!parses(upcall(TLSGW_CMD_SOCKS_RESOLVE, true, "abc", 3), &id,
		       name) &&
	       !parses(upcall(TLSGW_CMD_SOCKS_RESOLVE, true, "", 1), &id,
		       name), "unterminated or empty name refused");
	memset(big, 'a', sizeof(big));
	big[256] = '\0';
	tap_ok(!parses(upcall(TLSGW_CMD_SOCKS_RESOLVE, true, big, 257), &id,
		       name) &&
	       !parses(upcall(TLSGW_CMD_SOCKS_GET, true, "a", 2), &id, name),
	       "256-byte name and other commands refused");
}

/* Sends an upcall (ID 42) into the resolver's socket end. */
static void send_upcall(int fd, const char *name)
{
	struct nl_msg *msg = upcall(TLSGW_CMD_SOCKS_RESOLVE, true, name,
				    (int)strlen(name) + 1);

	if (write(fd, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len) < 0)
		exit(1);
	nlmsg_free(msg);
}

/* Waits for one answer: "ID addr,addr" or "ID error N"; NULL on timeout. */
static const char *recv_answer(int fd)
{
	static char res[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct nlattr *tb[TLSGW_A_MAX + 1], *x;
	char buf[4096], ip[64];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t n = 0;
	int rem;

	if (poll(&p, 1, 10000) != 1 || recv(fd, buf, sizeof(buf), 0) <= 0)
		return NULL;
	if (genlmsg_parse(nlh, 0, tb, TLSGW_A_MAX, NULL) < 0 ||
	    !tb[TLSGW_A_RESOLVE])
		return "malformed";
	res[0] = '\0';
	nla_for_each_nested(x, tb[TLSGW_A_RESOLVE], rem) {
		switch (nla_type(x)) {
		case TLSGW_RESOLVE_A_ID:
			n += (size_t)snprintf(res + n, sizeof(res) - n, "%llu",
				(unsigned long long)nla_get_u64(x));
			break;
		case TLSGW_RESOLVE_A_ADDR:
			inet_ntop(nla_len(x) == 4 ? AF_INET : AF_INET6,
				  nla_data(x), ip, sizeof(ip));
			n += (size_t)snprintf(res + n, sizeof(res) - n, " %s",
					      ip);
			break;
		case TLSGW_RESOLVE_A_ERROR:
			n += (size_t)snprintf(res + n, sizeof(res) - n,
					      " error %u", nla_get_u32(x));
			break;
		}
	}
	return res;
}

/* The threads, on a socketpair standing in for the kernel. */
static void test_threads(void)
{
	struct resolver_conf conf = { .cache = 8, .cache_ttl = 30,
				      .threads = 2 };
	int sv[2], saved = dup(2), null = open("/dev/null", O_WRONLY);
	struct nl_msg *bad;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) || saved < 0 ||
	    null < 0)
		exit(1);
	dup2(null, 2);	/* the warning about the malformed request */
	tap_ok(resolver_start_fd(sv[0], 0x20, &conf) == 0,
	       "threads start on a socket");
	send_upcall(sv[1], "192.0.2.33");
	tap_is(recv_answer(sv[1]), "42 192.0.2.33",
	       "numeric IPv4 name answered, once (SOCK_STREAM only)");
	send_upcall(sv[1], "192.0.2.33");
	tap_is(recv_answer(sv[1]), "42 192.0.2.33", "answered again (cache)");
	bad = upcall(TLSGW_CMD_SOCKS_RESOLVE, false, "x", 2);
	if (write(sv[1], nlmsg_hdr(bad), nlmsg_hdr(bad)->nlmsg_len) < 0)
		exit(1);
	nlmsg_free(bad);
	send_upcall(sv[1], "2001:db8::7");
	tap_is(recv_answer(sv[1]), "42 2001:db8::7",
	       "a malformed request is skipped; IPv6 answered");
	resolver_stop();
	dup2(saved, 2);
	close(saved);
	close(null);
	close(sv[0]);
	close(sv[1]);
	tap_ok(true, "stopped");
}

int main(void)
{
	tap_plan(PLAN);
	test_cache();
	test_from_ai();
	test_encode();
	test_upcall();
	test_threads();
	return tap_done(PLAN);
}
