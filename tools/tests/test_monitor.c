// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parsing and printing TLSGW_CMD_EVENT messages (lib/ and
 * ctl/monitor.c), built by libnl, so no kernel module is needed. TAP
 * output.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>

#include "ctl.h"
#include "tap.h"

#define PLAN 24

static char *buf;
static size_t len;

static void put_v4(struct nl_msg *msg, int type, const char *ip, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	nla_put(msg, type, sizeof(sin), &sin);
}

static struct nl_msg *event(uint8_t cmd, bool with_event, int type,
			    int reason, bool with_session)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, 0, 0x20, 0, 0, cmd, TLSGW_GENL_VERSION);
	if (with_event) {
		nest = nla_nest_start(msg, TLSGW_A_EVENT | NLA_F_NESTED);
		if (type >= 0)
			nla_put_u32(msg, TLSGW_EV_A_TYPE, type);
		if (reason >= 0)
			nla_put_u32(msg, TLSGW_EV_A_REASON, reason);
		nla_nest_end(msg, nest);
	}
	if (with_session) {
		nest = nla_nest_start(msg, TLSGW_A_SESSION | NLA_F_NESTED);
		nla_put_u64(msg, TLSGW_SESS_A_ID, 7);
		nla_put_string(msg, TLSGW_SESS_A_SERVICE, "web");
		nla_put_u32(msg, TLSGW_SESS_A_KIND, TLSGW_SESSION_KIND_TLS);
		nla_put_u16(msg, TLSGW_SESS_A_TLS_VERSION, 0x0303);
		nla_put_u16(msg, TLSGW_SESS_A_CIPHER, 54);
		put_v4(msg, TLSGW_SESS_A_CLIENT_PEER, "192.0.2.1", 50000);
		put_v4(msg, TLSGW_SESS_A_CLIENT_LOCAL, "192.0.2.2", 443);
		put_v4(msg, TLSGW_SESS_A_BACKEND_PEER, "127.0.0.1", 8080);
		put_v4(msg, TLSGW_SESS_A_BACKEND_LOCAL, "127.0.0.1", 40000);
		nla_put_u64(msg, TLSGW_SESS_A_AGE_MS, 1500);
		nla_put_u64(msg, TLSGW_SESS_A_IDLE_MS, 10);
		nla_put_u64(msg, TLSGW_SESS_A_BYTES_IN, 11);
		nla_put_u64(msg, TLSGW_SESS_A_BYTES_OUT, 22);
		nla_put_u64(msg, TLSGW_SESS_A_RECORDS_IN, 1);
		nla_put_u64(msg, TLSGW_SESS_A_RECORDS_OUT, 2);
		nla_nest_end(msg, nest);
	}
	return msg;
}

static struct nl_msg *good(int type, int reason)
{
	return event(TLSGW_CMD_EVENT, true, type, reason, true);
}

static const char *printed(struct nl_msg *msg, bool json)
{
	struct cli_opts opts = { .json = json };
	struct monitor_event ev;
	struct tnl_status st = { 0 };
	FILE *out;

	free(buf);
	buf = NULL;
	if (event_parse(msg, &ev, &st) < 0) {
		printf("# parse failed: %s\n", st.msg);
		nlmsg_free(msg);
		return NULL;
	}
	nlmsg_free(msg);
	out = open_memstream(&buf, &len);
	if (!out)
		exit(1);
	event_print(out, &ev, &opts);
	fclose(out);
	return buf;
}

#define SESSION_JSON \
	"{\"id\":7,\"kind\":\"tls\",\"service\":\"web\"," \
	"\"version\":\"1.2\"," \
	"\"cipher\":\"chacha20-poly1305\"," \
	"\"client_peer\":\"192.0.2.1:50000\"," \
	"\"client_local\":\"192.0.2.2:443\"," \
	"\"backend_peer\":\"127.0.0.1:8080\"," \
	"\"backend_local\":\"127.0.0.1:40000\",\"age_ms\":1500," \
	"\"idle_ms\":10,\"bytes_in\":11,\"bytes_out\":22," \
	"\"records_in\":1,\"records_out\":2}"

static void test_print(void)
{
	tap_is(printed(good(TLSGW_EVENT_SESSION_OPEN, -1), false),
	       "session open 7 tls web 192.0.2.1:50000 -> 192.0.2.2:443 | "
	       "127.0.0.1:40000 -> 127.0.0.1:8080 tls1.2 chacha20-poly1305 "
	       "in 11 out 22 age 1s idle 0s\n", "open event, text");
	tap_is(printed(good(TLSGW_EVENT_SESSION_CLOSE,
			    TLSGW_CLOSE_BACKEND_RESET), false),
	       "session close 7 tls web reason backend-reset in 11 out 22\n",
	       "close event, text");
	tap_is(printed(good(TLSGW_EVENT_SESSION_OPEN, -1), true),
	       "{\"event\":\"session-open\",\"session\":" SESSION_JSON "}\n",
	       "open event, JSON line");
	tap_is(printed(good(TLSGW_EVENT_SESSION_CLOSE, TLSGW_CLOSE_KEY_UPDATE),
		       true),
	       "{\"event\":\"session-close\",\"reason\":\"key-update\","
	       "\"session\":" SESSION_JSON "}\n", "close event, JSON line");
	tap_is(printed(good(TLSGW_EVENT_SESSION_CLOSE, 77), true),
	       "{\"event\":\"session-close\",\"reason\":\"reason77\","
	       "\"session\":" SESSION_JSON "}\n", "unknown reason by number");
	tap_is(printed(good(9, -1), false),
	       "session event9 7 tls web 192.0.2.1:50000 -> 192.0.2.2:443 | "
	       "127.0.0.1:40000 -> 127.0.0.1:8080 tls1.2 chacha20-poly1305 "
	       "in 11 out 22 age 1s idle 0s\n", "unknown event by number");
}

/* A SOCKS denial: service name (NULL: no TLSGW_A_SOCKS), command. */
static struct nl_msg *denied(const char *name, int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, 0, 0x20, 0, 0, TLSGW_CMD_EVENT, 1);
	nest = nla_nest_start(msg, TLSGW_A_EVENT);
	nla_put_u32(msg, TLSGW_EV_A_TYPE, TLSGW_EVENT_SOCKS_DENIED);
	if (cmd >= 0)
		nla_put_u32(msg, TLSGW_EV_A_SOCKS_CMD, cmd);
	nla_nest_end(msg, nest);
	if (name) {
		nest = nla_nest_start(msg, TLSGW_A_SOCKS);
		nla_put_string(msg, TLSGW_SOCKS_A_NAME, name);
		nla_nest_end(msg, nest);
	}
	return msg;
}

static void test_socks(void)
{
	tap_is(printed(denied("proxy", TLSGW_SOCKS_CMD_CONNECT), false),
	       "socks denied proxy cmd connect\n", "SOCKS denial, text");
	tap_is(printed(denied("proxy", TLSGW_SOCKS_CMD_UDP_ASSOCIATE), true),
	       "{\"event\":\"socks-denied\",\"service\":\"proxy\","
	       "\"command\":\"udp\"}\n", "SOCKS denial, JSON line");
	tap_is(printed(denied("p", 9), false), "socks denied p cmd cmd9\n",
	       "unknown SOCKS command by number");
	tap_is(printed(denied("p", -1), true),
	       "{\"event\":\"socks-denied\",\"service\":\"p\"}\n",
	       "SOCKS denial without a command");
}

/* Whether event_match() keeps the parsed msg. */
static bool kept(struct nl_msg *msg, uint32_t kind, const char *service)
{
	struct monitor_event ev;
	struct tnl_status st = { 0 };
	bool rc;

	rc = event_parse(msg, &ev, &st) == 0 && event_match(&ev, kind, service);
	nlmsg_free(msg);
	return rc;
}

static void test_filter(void)
{
	tap_ok(kept(good(TLSGW_EVENT_SESSION_OPEN, -1), 0, NULL) &&
	       kept(good(TLSGW_EVENT_SESSION_OPEN, -1),
		    TLSGW_SESSION_KIND_TLS, "web") &&
	       kept(denied("proxy", TLSGW_SOCKS_CMD_CONNECT), 0, "proxy"),
	       "filter: matching events are kept");
	tap_ok(!kept(good(TLSGW_EVENT_SESSION_CLOSE, 1),
		     TLSGW_SESSION_KIND_SOCKS5, NULL),
	       "filter: a TLS session is not of kind socks5");
	tap_ok(!kept(good(TLSGW_EVENT_SESSION_CLOSE, 1), 0, "other") &&
	       !kept(denied("proxy", TLSGW_SOCKS_CMD_CONNECT), 0, "web"),
	       "filter: another service's events are dropped");
	tap_ok(!kept(denied("proxy", TLSGW_SOCKS_CMD_CONNECT),
		     TLSGW_SESSION_KIND_SOCKS5, NULL),
	       "filter: a kind keeps only session events");
}

/* A STARTTLS finding event; finding < 0: none, policy NULL: no nest. */
static struct nl_msg *stls_event(int finding, const char *policy,
				 bool blocked)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, 0, 0x20, 0, 0, TLSGW_CMD_EVENT,
		    TLSGW_GENL_VERSION);
	nest = nla_nest_start(msg, TLSGW_A_EVENT | NLA_F_NESTED);
	nla_put_u32(msg, TLSGW_EV_A_TYPE, TLSGW_EVENT_STARTTLS);
	if (finding >= 0)
		nla_put_u32(msg, TLSGW_EV_A_FINDING, finding);
	nla_nest_end(msg, nest);
	if (policy) {
		nest = nla_nest_start(msg, TLSGW_A_STARTTLS | NLA_F_NESTED);
		nla_put_u64(msg, TLSGW_STLS_A_FLOW_ID, 42);
		nla_put_string(msg, TLSGW_STLS_A_NAME, policy);
		nla_put_u32(msg, TLSGW_STLS_A_PROTO, TLSGW_STARTTLS_IMAP);
		if (blocked)
			nla_put_flag(msg, TLSGW_STLS_A_BLOCKED);
		nla_nest_end(msg, nest);
	}
	return msg;
}

static void test_starttls(void)
{
	tap_is(printed(stls_event(TLSGW_FINDING_CLEAR_AUTH, "mail", true),
		       false),
	       "starttls cleartext-auth policy mail proto imap flow 42 "
	       "blocked\n", "STARTTLS event, text");
	tap_is(printed(stls_event(TLSGW_FINDING_TLS_STARTED, "mail", false),
		       true),
	       "{\"event\":\"starttls\",\"finding\":\"tls-started\","
	       "\"policy\":\"mail\",\"proto\":\"imap\",\"flow\":42,"
	       "\"blocked\":false}\n", "STARTTLS event, JSON line");
	tap_is(printed(stls_event(99, "mail", false), false),
	       "starttls finding99 policy mail proto imap flow 42\n",
	       "unknown finding by number");
}

static bool rejected(struct nl_msg *msg, const char *what)
{
	struct monitor_event ev;
	struct tnl_status st = { 0 };
	int rc = event_parse(msg, &ev, &st);

	nlmsg_free(msg);
	if (rc == 0)
		return false;
	printf("# %s: %s\n", what, st.msg);
	return st.fail == TNL_BAD_REPLY;
}

static void test_reject(void)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	tap_ok(rejected(event(TLSGW_CMD_EVENT, false, -1, -1, true),
			"no event nest"), "event without TLSGW_A_EVENT");
	tap_ok(rejected(event(TLSGW_CMD_EVENT, true, 1, -1, false),
			"no session"), "event without a session");
	tap_ok(rejected(event(TLSGW_CMD_EVENT, true, -1, 1, true), "no type"),
	       "event without a type");
	tap_ok(rejected(event(TLSGW_CMD_SESSION_GET, true, 1, -1, true),
			"wrong cmd"), "message for another command");

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, 0x20, 0, 0, TLSGW_CMD_EVENT, 1);
	nest = nla_nest_start(msg, TLSGW_A_EVENT);
	nla_put_u16(msg, TLSGW_EV_A_TYPE, 1);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, TLSGW_A_SESSION);
	nla_put_u64(msg, TLSGW_SESS_A_ID, 7);
	nla_put_string(msg, TLSGW_SESS_A_SERVICE, "web");
	nla_nest_end(msg, nest);
	tap_ok(rejected(msg, "u16 type"), "u16 event type");
	tap_ok(rejected(denied(NULL, 1), "no socks nest"),
	       "SOCKS denial without TLSGW_A_SOCKS");
	tap_ok(rejected(stls_event(-1, "mail", false), "no finding") &&
	       rejected(stls_event(1, NULL, false), "no nest"),
	       "STARTTLS event without its finding or nest");
}

int main(void)
{
	tap_plan(PLAN);
	test_print();
	test_socks();
	test_filter();
	test_starttls();
	test_reject();
	free(buf);
	return tap_done(PLAN);
}
