// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the STARTTLS policy words shared by tlsgwctl and tlsgwd
 * (starttls_policy.c): setting keys, the TLSGW_A_STARTTLS nest both ways
 * (built and read by libnl, no kernel module needed) and comparison.
 * TAP output.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/tlsgw.h>

#include "starttls_policy.h"
#include "tap.h"

#define PLAN 26

/* stls_policy_set(): "rc N" or "err MESSAGE". */
static const char *set(struct stls_policy *p, const char *key,
		       const char *val)
{
	static char res[240];
	char err[200];
	int rc = stls_policy_set(p, key, val, err, sizeof(err));

	if (rc < 0)
		snprintf(res, sizeof(res), "err %s", err);
	else
		snprintf(res, sizeof(res), "rc %d", rc);
	return res;
}

static void test_set(void)
{
	struct stls_policy p;
	char buf[32];

	memset(&p, 0, sizeof(p));
	tap_is(set(&p, "proto", "pop3"), "rc 0", "proto pop3");
	tap_is(set(&p, "mode", "block-injection"), "rc 0",
	       "mode block-injection");
	tap_ok(p.proto == TLSGW_STARTTLS_POP3 && p.has_mode &&
	       p.mode == TLSGW_STARTTLS_BLOCK_INJECTION, "values set");
	tap_is(set(&p, "ports", "110,995-996"), "rc 0", "ports");
	tap_is(set(&p, "ports", "1110"), "rc 0", "more ports");
	tap_ok(p.n_ranges == 3 && p.ranges[1].lo == 995 &&
	       p.ranges[1].hi == 996 && p.ranges[2].lo == 1110,
	       "ports are appended");
	tap_is(set(&p, "ports", "1-2,3,4,5,6,7,8,9,10,11,12,13,14,15"),
	       "err too many port ranges in "
	       "'1-2,3,4,5,6,7,8,9,10,11,12,13,14,15' (at most 16)",
	       "the limit counts the ranges already there");
	tap_ok(p.n_ranges == 3, "a failed list adds nothing");
	tap_is(set(&p, "ports", "65535-65535"), "rc 0", "port 65535");
	tap_is(set(&p, "dst", "2001:db8::1"), "rc 0", "bare IPv6 address");
	tap_ok(p.dst_family == AF_INET6 && p.dst_plen == 128,
	       "is a /128");
	tap_is(set(&p, "dst", "example.com/8"),
	       "err invalid prefix 'example.com/8': an IPv4 or IPv6 address, "
	       "optionally /LENGTH", "a name is no prefix");
	tap_ok(!p.fail_closed, "fail open by default");
	tap_is(set(&p, "fail", "closed"), "rc 0", "fail closed");
	tap_is(set(&p, "fail", "shut"),
	       "err unknown fail 'shut': open or closed", "fail: open or closed");
	tap_ok(p.fail_closed, "a bad value changes nothing");
	tap_is(set(&p, "port", "25"), "rc 1", "unknown key: 1");
	tap_is(set(&p, "proto", "SMTP"),
	       "err unknown protocol 'SMTP': smtp, pop3, imap or ftp",
	       "names are lower case");
	tap_ok(!strcmp(stls_proto_name(TLSGW_STARTTLS_IMAP, buf, sizeof(buf)),
		       "imap") &&
	       !strcmp(stls_mode_name(TLSGW_STARTTLS_REQUIRE_TLS, buf,
				      sizeof(buf)), "require-tls") &&
	       !strcmp(stls_mode_name(9, buf, sizeof(buf)), "mode9") &&
	       !strcmp(stls_proto_name(0, buf, sizeof(buf)), "proto0"),
	       "names, and unknown values");
}

/* Puts p and reads it back into q; the parse's result. */
static int round_trip(const struct stls_policy *p, struct stls_policy *q,
		      struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_STLS_A_MAX + 1];
	struct nl_msg *msg = nlmsg_alloc();
	int rc = -1;

	if (msg && !stls_policy_put(msg, p))
		rc = stls_policy_parse(nlmsg_attrdata(nlmsg_hdr(msg), 0), tb,
				       q, st);
	nlmsg_free(msg);
	return rc;
}

static void test_nest(void)
{
	struct stls_policy p, q;
	struct tnl_status st;
	struct nlattr *nest, *tb[TLSGW_STLS_A_MAX + 1];
	struct nl_msg *msg;
	char err[200];

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "mail");
	stls_policy_set(&p, "proto", "smtp", err, sizeof(err));
	stls_policy_set(&p, "ports", "25,587", err, sizeof(err));
	stls_policy_set(&p, "dst", "198.51.100.0/24", err, sizeof(err));
	stls_policy_set(&p, "mode", "monitor", err, sizeof(err));
	tap_ok(round_trip(&p, &q, &st) == 0 && !strcmp(q.name, "mail") &&
	       stls_policy_equal(&p, &q), "policy nest round trip");
	p.fail_closed = true;
	tap_ok(round_trip(&p, &q, &st) == 0 && q.fail_closed &&
	       stls_policy_equal(&p, &q), "fail closed goes both ways");
	p.fail_closed = false;

	q = p;
	q.ranges[0].hi = 26;
	tap_ok(!stls_policy_equal(&p, &q), "another port range differs");
	q = p;
	q.mode = TLSGW_STARTTLS_REQUIRE_TLS;
	tap_ok(!stls_policy_equal(&p, &q), "another mode differs");
	q = p;
	q.dst_plen = 25;
	tap_ok(!stls_policy_equal(&p, &q), "another prefix length differs");

	/* A name alone (POLICY_DEL, POLICY_GET): no protocol to read back. */
	memset(&q, 0, sizeof(q));
	snprintf(q.name, sizeof(q.name), "x");
	tap_ok(round_trip(&q, &p, &st) < 0 && st.fail == TNL_BAD_REPLY &&
	       !strcmp(st.msg, "STARTTLS nest without a u32 protocol"),
	       "a name alone has no protocol");

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TLSGW_A_STARTTLS);
	nla_put_string(msg, TLSGW_STLS_A_NAME, "odd");
	nla_put_u32(msg, TLSGW_STLS_A_PROTO, TLSGW_STARTTLS_SMTP);
	nla_put(msg, TLSGW_STLS_A_PORTS, 6, "\0\31\0\31\0\0");
	nla_nest_end(msg, nest);
	tap_ok(stls_policy_parse(nest, tb, &q, &st) < 0 &&
	       !strcmp(st.msg, "STARTTLS attribute of the wrong length"),
	       "ports of 6 bytes refused");
	nlmsg_free(msg);
}

int main(void)
{
	tap_plan(PLAN);
	test_set();
	test_nest();
	return tap_done(PLAN);
}
