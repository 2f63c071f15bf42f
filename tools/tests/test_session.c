// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parsing and printing SESSION_GET replies (lib/session.c,
 * ctl/session.c), fed with replies built by libnl, so no kernel module
 * is needed. Also NLMSG_DONE status parsing (lib/nl.c). TAP output.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>

#include "ctl.h"
#include "tap.h"

#define PLAN 33

static char *buf;
static size_t len;

static void put_v4(struct nl_msg *msg, int type, const char *ip, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	nla_put(msg, type, sizeof(sin), &sin);
}

static void put_v6(struct nl_msg *msg, int type, const char *ip, int port,
		   uint32_t scope)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port),
				     .sin6_scope_id = scope };

	inet_pton(AF_INET6, ip, &sin6.sin6_addr);
	nla_put(msg, type, sizeof(sin6), &sin6);
}

static struct nl_msg *header(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, 0x20, 0, NLM_F_MULTI, cmd, TLSGW_GENL_VERSION);
	return msg;
}

enum variant { V4, V6, BARE, ODD, SOCKS };

/* A session as the module reports it, in several variants. */
static struct nl_msg *reply(enum variant v)
{
	struct nl_msg *msg = header(TLSGW_CMD_SESSION_GET);
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_SESSION |
					     NLA_F_NESTED);

	nla_put_u64(msg, TLSGW_SESS_A_ID, 42);
	/* What 32-bit kernels put before u64s; must be ignored. */
	nla_put(msg, TLSGW_SESS_A_PAD, 0, NULL);
	nla_put_string(msg, TLSGW_SESS_A_SERVICE, v == SOCKS ? "px" : "web");
	if (v == BARE)
		goto end;
	nla_put_u32(msg, TLSGW_SESS_A_KIND, v == ODD ? 99 :
		    v == SOCKS ? TLSGW_SESSION_KIND_SOCKS5 :
		    TLSGW_SESSION_KIND_TLS);
	if (v == SOCKS) {
		/* Negotiating: the client's side and an age only. */
		put_v4(msg, TLSGW_SESS_A_CLIENT_PEER, "192.0.2.1", 50000);
		put_v4(msg, TLSGW_SESS_A_CLIENT_LOCAL, "192.0.2.2", 1080);
		nla_put_u64(msg, TLSGW_SESS_A_AGE_MS, 2000);
		goto end;
	}
	nla_put_u16(msg, TLSGW_SESS_A_TLS_VERSION, v == ODD ? 0x0305 : 0x0304);
	nla_put_u16(msg, TLSGW_SESS_A_CIPHER, v == ODD ? 99 : 51);
	if (v == V6) {
		put_v6(msg, TLSGW_SESS_A_CLIENT_PEER, "2001:db8::1", 50000, 0);
		put_v6(msg, TLSGW_SESS_A_CLIENT_LOCAL, "2001:db8::2", 443, 0);
		put_v6(msg, TLSGW_SESS_A_BACKEND_PEER, "fe80::1", 8080, 3);
		put_v6(msg, TLSGW_SESS_A_BACKEND_LOCAL, "::ffff:10.0.0.1",
		       40000, 0);
	} else {
		put_v4(msg, TLSGW_SESS_A_CLIENT_PEER, "192.0.2.1", 50000);
		put_v4(msg, TLSGW_SESS_A_CLIENT_LOCAL, "192.0.2.2", 443);
		put_v4(msg, TLSGW_SESS_A_BACKEND_PEER, "127.0.0.1", 8080);
		put_v4(msg, TLSGW_SESS_A_BACKEND_LOCAL, "127.0.0.1", 40000);
	}
	nla_put_u64(msg, TLSGW_SESS_A_AGE_MS, 12345);
	nla_put_u64(msg, TLSGW_SESS_A_IDLE_MS, 250);
	nla_put_u64(msg, TLSGW_SESS_A_BYTES_IN, 100);
	nla_put_u64(msg, TLSGW_SESS_A_BYTES_OUT, 2000);
	nla_put_u64(msg, TLSGW_SESS_A_RECORDS_IN, 3);
	nla_put_u64(msg, TLSGW_SESS_A_RECORDS_OUT, 4);
	if (v == ODD)
		nla_put_u32(msg, TLSGW_SESS_A_MAX + 5, 7);	/* newer attr */
end:
	nla_nest_end(msg, nest);
	return msg;
}

enum how { LINE, DETAIL, JSON, LIST_JSON };

static const char *printed(struct nl_msg *msg, enum how how)
{
	struct cli_opts opts = { .json = true };
	struct tlsgw_session s;
	struct tnl_status st = { 0 };
	struct json j;
	FILE *out;

	free(buf);
	buf = NULL;
	if (session_parse(msg, &s, &st) < 0) {
		printf("# parse failed: %s\n", st.msg);
		nlmsg_free(msg);
		return NULL;
	}
	nlmsg_free(msg);
	out = open_memstream(&buf, &len);
	if (!out)
		exit(1);
	switch (how) {
	case LINE:
		session_print_line(out, &s);
		break;
	case DETAIL:
		session_print_detail(out, &s);
		break;
	case JSON:
		json_init(&j, out, false);
		session_json(&j, &s);
		json_finish(&j);
		break;
	case LIST_JSON:
		session_print_list(out, &s, 1, &opts);
		break;
	}
	fclose(out);
	return buf;
}

static void test_print(void)
{
	tap_is(printed(reply(V4), LINE),
	       "42 tls web 192.0.2.1:50000 -> 192.0.2.2:443 | 127.0.0.1:40000 "
	       "-> 127.0.0.1:8080 tls1.3 aes-128-gcm in 100 out 2000 age 12s "
	       "idle 0s", "IPv4 list line");
	tap_is(printed(reply(V6), LINE),
	       "42 tls web [2001:db8::1]:50000 -> [2001:db8::2]:443 | "
	       "[::ffff:10.0.0.1]:40000 -> [fe80::1%3]:8080 tls1.3 "
	       "aes-128-gcm in 100 out 2000 age 12s idle 0s",
	       "IPv6 list line, with scope and a mapped address");
	tap_is(printed(reply(BARE), LINE),
	       "42 - web - -> - | - -> - - - in - out - age - idle -",
	       "missing attributes print as -");
	tap_is(printed(reply(ODD), LINE),
	       "42 kind99 web 192.0.2.1:50000 -> 192.0.2.2:443 | "
	       "127.0.0.1:40000 -> 127.0.0.1:8080 0x0305 cipher99 in 100 "
	       "out 2000 age 12s idle 0s", "unknown kind, version and cipher "
	       "by number, newer attribute ignored");
	tap_is(printed(reply(SOCKS), LINE),
	       "42 socks5 px 192.0.2.1:50000 -> 192.0.2.2:1080 | - -> - - - "
	       "in - out - age 2s idle -", "SOCKS5 line, negotiating");
	tap_is(printed(reply(SOCKS), JSON),
	       "{\"id\":42,\"kind\":\"socks5\",\"service\":\"px\","
	       "\"version\":null,\"cipher\":null,"
	       "\"client_peer\":\"192.0.2.1:50000\","
	       "\"client_local\":\"192.0.2.2:1080\","
	       "\"backend_peer\":null,\"backend_local\":null,"
	       "\"age_ms\":2000,\"idle_ms\":null,\"bytes_in\":null,"
	       "\"bytes_out\":null,\"records_in\":null,"
	       "\"records_out\":null}\n", "SOCKS5 JSON, negotiating");
	tap_is(printed(reply(V4), DETAIL),
	       "id 42\nkind tls\nservice web\nversion tls1.3\ncipher aes-128-gcm\n"
	       "client-peer 192.0.2.1:50000\nclient-local 192.0.2.2:443\n"
	       "backend-local 127.0.0.1:40000\nbackend-peer 127.0.0.1:8080\n"
	       "age 12.345s\nidle 0.250s\nbytes-in 100\nbytes-out 2000\n"
	       "records-in 3\nrecords-out 4\n", "show: every field");
	tap_is(printed(reply(V6), JSON),
	       "{\"id\":42,\"kind\":\"tls\",\"service\":\"web\","
	       "\"version\":\"1.3\","
	       "\"cipher\":\"aes-128-gcm\","
	       "\"client_peer\":\"[2001:db8::1]:50000\","
	       "\"client_local\":\"[2001:db8::2]:443\","
	       "\"backend_peer\":\"[fe80::1%3]:8080\","
	       "\"backend_local\":\"[::ffff:10.0.0.1]:40000\","
	       "\"age_ms\":12345,\"idle_ms\":250,\"bytes_in\":100,"
	       "\"bytes_out\":2000,\"records_in\":3,\"records_out\":4}\n",
	       "JSON object");
	tap_is(printed(reply(BARE), LIST_JSON),
	       "[{\"id\":42,\"kind\":null,\"service\":\"web\","
	       "\"version\":null,"
	       "\"cipher\":null,\"client_peer\":null,\"client_local\":null,"
	       "\"backend_peer\":null,\"backend_local\":null,"
	       "\"age_ms\":null,\"idle_ms\":null,\"bytes_in\":null,"
	       "\"bytes_out\":null,\"records_in\":null,"
	       "\"records_out\":null}]\n", "JSON list, missing as null");
}

static void test_kinds(void)
{
	uint32_t k = 0;
	char b[32];

	tap_ok(!session_kind_parse("tls", &k) && k == TLSGW_SESSION_KIND_TLS &&
	       !session_kind_parse("socks5", &k) &&
	       k == TLSGW_SESSION_KIND_SOCKS5,
	       "kind names parse");
	tap_ok(session_kind_parse("socks", &k) < 0 &&
	       session_kind_parse("", &k) < 0 &&
	       session_kind_parse("kind1", &k) < 0,
	       "unknown kind names are refused");
	tap_ok(!strcmp(session_kind_name(TLSGW_SESSION_KIND_SOCKS5, b,
					 sizeof(b)), "socks5") &&
	       !strcmp(session_kind_name(0, b, sizeof(b)), "kind0"),
	       "kind names print, unknown ones by number");
}

static void test_ciphers(void)
{
	char b[32];

	tap_ok(!strcmp(fmt_cipher(52, b, sizeof(b)), "aes-256-gcm") &&
	       !strcmp(fmt_cipher(54, b, sizeof(b)), "chacha20-poly1305") &&
	       !strcmp(fmt_tls_version(0x0303, false, b, sizeof(b)),
		       "tls1.2") &&
	       !strcmp(fmt_tls_version(0x0303, true, b, sizeof(b)), "1.2"),
	       "cipher and version names");
}

/* Replies that break the contract must fail to parse, not misprint. */
static bool rejected(struct nl_msg *msg, const char *what)
{
	struct tlsgw_session s;
	struct tnl_status st = { 0 };
	int rc = session_parse(msg, &s, &st);

	nlmsg_free(msg);
	if (rc == 0)
		return false;
	printf("# %s: %s\n", what, st.msg);
	return st.fail == TNL_BAD_REPLY;
}

/* A session nest holding just what fill() puts there. */
static struct nl_msg *custom(void (*fill)(struct nl_msg *msg))
{
	struct nl_msg *msg = header(TLSGW_CMD_SESSION_GET);
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_SESSION);

	fill(msg);
	nla_nest_end(msg, nest);
	return msg;
}

static void no_id(struct nl_msg *m)
{
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
}

static void no_service(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
}

static void short_id(struct nl_msg *m)
{
	nla_put_u32(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
}

static void long_id(struct nl_msg *m)
{
	char twelve[12] = { 0 };

	nla_put(m, TLSGW_SESS_A_ID, sizeof(twelve), twelve);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
}

static void unterminated(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put(m, TLSGW_SESS_A_SERVICE, 3, "web");
}

static void empty_service(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "");
}

static void long_service(struct nl_msg *m)
{
	char name[TLSGW_NAME_MAX + 1];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, name);
}

static void v4_family_v6_len(struct nl_msg *m)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET };

	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	nla_put(m, TLSGW_SESS_A_CLIENT_PEER, sizeof(sin6), &sin6);
}

static void unix_addr(struct nl_msg *m)
{
	struct sockaddr_in sin = { .sin_family = AF_UNIX };

	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	nla_put(m, TLSGW_SESS_A_BACKEND_LOCAL, sizeof(sin), &sin);
}

static void short_addr(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	nla_put(m, TLSGW_SESS_A_CLIENT_LOCAL, 1, "x");
}

static void short_counter(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	nla_put_u32(m, TLSGW_SESS_A_BYTES_OUT, 5);
}

static void long_version(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	nla_put_u32(m, TLSGW_SESS_A_TLS_VERSION, 0x0304);
}

static void short_kind(struct nl_msg *m)
{
	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	nla_put_u16(m, TLSGW_SESS_A_KIND, TLSGW_SESSION_KIND_TLS);
}

/* An attribute header claiming more than the nest holds. */
static void truncated_attr(struct nl_msg *m)
{
	struct nlattr *a;

	nla_put_u64(m, TLSGW_SESS_A_ID, 1);
	nla_put_string(m, TLSGW_SESS_A_SERVICE, "web");
	a = nlmsg_reserve(m, sizeof(*a), NLMSG_ALIGNTO);
	a->nla_len = 100;
	a->nla_type = TLSGW_SESS_A_BYTES_IN;
}

static void test_reject(void)
{
	struct nl_msg *msg;

	tap_ok(rejected(custom(no_id), "no id"), "session without id");
	tap_ok(rejected(custom(no_service), "no service"),
	       "session without service");
	tap_ok(rejected(custom(short_id), "u32 id"), "u32 id");
	tap_ok(rejected(custom(long_id), "12-byte id"), "12-byte id");
	tap_ok(rejected(custom(unterminated), "unterminated"),
	       "service name without NUL");
	tap_ok(rejected(custom(empty_service), "empty"), "empty service name");
	tap_ok(rejected(custom(long_service), "long"), "service name too long");
	tap_ok(rejected(custom(v4_family_v6_len), "family/length"),
	       "AF_INET address of sockaddr_in6 length");
	tap_ok(rejected(custom(unix_addr), "AF_UNIX"), "AF_UNIX address");
	tap_ok(rejected(custom(short_addr), "1-byte address"),
	       "truncated address");
	tap_ok(rejected(custom(short_counter), "u32 counter"),
	       "u32 byte counter");
	tap_ok(rejected(custom(long_version), "u32 version"), "u32 version");
	tap_ok(rejected(custom(short_kind), "u16 kind"), "u16 kind");
	tap_ok(rejected(custom(truncated_attr), "truncated attribute"),
	       "truncated attribute at the end of the nest");

	msg = header(TLSGW_CMD_SESSION_GET);
	nla_put_u64(msg, TLSGW_A_FEATURES, 1);
	tap_ok(rejected(msg, "no nest"), "reply without TLSGW_A_SESSION");

	msg = reply(V4);
	genlmsg_hdr(nlmsg_hdr(msg))->cmd = TLSGW_CMD_SERVICE_GET;
	tap_ok(rejected(msg, "wrong cmd"), "reply for another command");

	/* A nest whose last attribute overruns it. */
	msg = reply(V4);
	{
		struct nlattr *a = genlmsg_attrdata(genlmsg_hdr(nlmsg_hdr(msg)),
						    0);

		a->nla_len += 8;
	}
	tap_ok(rejected(msg, "overrun"), "attribute longer than its message");
}

/* NLMSG_DONE ending a dump: success, or the error of a failed dump. */
static void test_done(void)
{
	struct tnl_status st = { .fail = TNL_OK };
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	int err = 0;

	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	tap_ok(tnl_done_status(nlmsg_hdr(msg), &st) == 0 &&
	       st.fail == TNL_OK, "NLMSG_DONE with 0 is success");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	err = -ENOBUFS;
	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "dump failed");
	tap_ok(tnl_done_status(nlmsg_hdr(msg), &st) < 0 &&
	       st.fail == TNL_KERNEL && st.code == ENOBUFS &&
	       !strcmp(st.msg, "dump failed"),
	       "NLMSG_DONE with an error and extack is a kernel failure");
	nlmsg_free(msg);

	st.fail = TNL_OK;
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	tap_ok(tnl_done_status(nlmsg_hdr(msg), &st) == 0 &&
	       st.fail == TNL_OK, "bare NLMSG_DONE is success");
	nlmsg_free(msg);
}

int main(void)
{
	tap_plan(PLAN);
	test_print();
	test_kinds();
	test_ciphers();
	test_reject();
	test_done();
	free(buf);
	return tap_done(PLAN);
}
