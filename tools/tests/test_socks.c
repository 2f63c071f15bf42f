// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the SOCKS5 words (socks_rule.c), SOCKS_GET reply parsing
 * (socks_reply.c) and tlsgwctl's socks printing and argument checks
 * (ctl/socks.c). Replies are built by libnl, so no kernel module is needed.
 * TAP output.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/tlsgw.h>

#include "ctl.h"
#include "tap.h"

#define PLAN 61

static char *buf;
static size_t len;

/* Prefix parsing: "ok TEXT" or "err MESSAGE". */
static const char *prefix(const char *s)
{
	static char res[200];
	struct socks_prefix p;
	char err[160];

	if (socks_parse_prefix(s, &p, err, sizeof(err)) < 0) {
		snprintf(res, sizeof(res), "err %s", err);
	} else {
		char txt[64];

		snprintf(res, sizeof(res), "ok %s len %u",
			 socks_prefix_text(&p, txt, sizeof(txt)), p.len);
	}
	return res;
}

static void test_prefix(void)
{
	tap_is(prefix("10.0.0.0/8"), "ok 10.0.0.0/8 len 4", "IPv4 prefix");
	tap_is(prefix("192.0.2.7"), "ok 192.0.2.7 len 4",
	       "bare IPv4 address is a /32");
	tap_is(prefix("0.0.0.0/0"), "ok 0.0.0.0/0 len 4", "IPv4 /0");
	tap_is(prefix("2001:db8::/32"), "ok 2001:db8::/32 len 16",
	       "IPv6 prefix");
	tap_is(prefix("::1"), "ok ::1 len 16", "bare IPv6 address is a /128");
	tap_is(prefix("10.0.0.1/8"),
	       "err prefix '10.0.0.1/8' has host bits set beyond /8",
	       "host bits refused");
	tap_is(prefix("10.0.0.0/33"),
	       "err invalid prefix length in '10.0.0.0/33': 0 to 32",
	       "IPv4 length above 32");
	tap_is(prefix("2001:db8::/129"),
	       "err invalid prefix length in '2001:db8::/129': 0 to 128",
	       "IPv6 length above 128");
	tap_is(prefix("10.0.0.0/"),
	       "err invalid prefix length in '10.0.0.0/': 0 to 32",
	       "empty length");
	tap_is(prefix("10.0.0.0/+8"),
	       "err invalid prefix length in '10.0.0.0/+8': 0 to 32",
	       "signed length");
	tap_is(prefix("example.com"),
	       "err invalid prefix 'example.com': an IPv4 or IPv6 address, "
	       "optionally /LENGTH", "names refused");
	tap_is(prefix("/8"),
	       "err invalid prefix '/8': an IPv4 or IPv6 address, "
	       "optionally /LENGTH", "no address");
}

static const char *ports(const char *s)
{
	static char res[200];
	uint16_t lo, hi;
	char err[160];

	if (socks_parse_ports(s, &lo, &hi, err, sizeof(err)) < 0)
		snprintf(res, sizeof(res), "err %s", err);
	else
		snprintf(res, sizeof(res), "%u-%u", lo, hi);
	return res;
}

static const char *cmds(const char *s)
{
	static char res[200];
	uint32_t m;
	char err[160];

	if (socks_parse_cmds(s, &m, err, sizeof(err)) < 0) {
		snprintf(res, sizeof(res), "err %s", err);
	} else {
		char txt[64];

		snprintf(res, sizeof(res), "%#x %s", m,
			 socks_cmds_text(m, txt, sizeof(txt)));
	}
	return res;
}

static void test_ports_cmds(void)
{
	tap_is(ports("443"), "443-443", "single port");
	tap_is(ports("1024-65535"), "1024-65535", "port range");
	tap_is(ports("90-80"),
	       "err invalid port range '90-80': the first port is above the "
	       "last", "reversed range");
	tap_is(ports("65536"),
	       "err invalid port '65536': PORT or FIRST-LAST, 0 to 65535",
	       "port too big");
	tap_is(ports("80-"),
	       "err invalid port '80-': PORT or FIRST-LAST, 0 to 65535",
	       "open range");
	tap_is(ports("http"),
	       "err invalid port 'http': PORT or FIRST-LAST, 0 to 65535",
	       "service names refused");
	tap_is(cmds("connect"), "0x2 connect", "one command");
	tap_is(cmds("udp,connect,bind"), "0xe connect,bind,udp",
	       "three commands, any order");
	tap_is(cmds("udp-associate"), "0x8 udp", "udp-associate alias");
	tap_is(cmds("connect,"),
	       "err invalid command list 'connect,': connect, bind or udp, "
	       "separated by commas", "trailing comma");
	tap_is(cmds("CONNECT"),
	       "err invalid command list 'CONNECT': connect, bind or udp, "
	       "separated by commas", "case matters");
}

/* Parses words; "ok" + the rule printed back, or "err ...". */
static const char *rule(const char *words, bool with_index)
{
	static char res[300];
	char copy[256], *argv[32], *save = NULL, *t, err[160];
	struct socks_rule r;
	int argc = 0;
	FILE *out;

	snprintf(copy, sizeof(copy), "%s", words);
	for (t = strtok_r(copy, " ", &save); t && argc < 32;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	if (socks_rule_parse(argc, argv, with_index, &r, err,
			     sizeof(err)) < 0) {
		snprintf(res, sizeof(res), "err %s", err);
		return res;
	}
	out = fmemopen(res, sizeof(res), "w");
	if (r.has_index)
		fprintf(out, "[%u] ", r.index);
	socks_rule_print(out, &r);
	fclose(out);
	return res;
}

static void test_rules(void)
{
	tap_is(rule("allow", false), "allow", "bare allow");
	tap_is(rule("deny to 2001:db8::/32 from 10.0.0.0/8 port 25 "
		    "cmd connect user bob", false),
	       "deny from 10.0.0.0/8 to 2001:db8::/32 port 25 cmd connect "
	       "user bob", "every criterion");
	tap_is(rule("allow index 3 port 1-1023", true),
	       "[3] allow port 1-1023", "index where allowed");
	tap_is(rule("allow index 3", false),
	       "err 'index' is not taken here: rules apply in the order given",
	       "index refused in the configuration");
	tap_is(rule("allow port 80 port 81", false),
	       "err 'port' given twice in a rule", "criterion twice");
	tap_is(rule("allow from", false), "err 'from' needs a value",
	       "criterion without value");
	tap_is(rule("allow colour red", false),
	       "err unexpected word 'colour' in a rule (index, from, to, "
	       "port, cmd or user)", "unknown word");
	tap_is(rule("maybe", false),
	       "err a rule starts with allow or deny, not 'maybe'",
	       "unknown action");
	tap_is(rule("allow index -1", true),
	       "err invalid index '-1': a number from 0", "negative index");
}

static void test_misc(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char pw[SOCKS_USER_MAX + 2], err[128], big[400];
	int fds[2];

	tap_ok(socks_parse_listen("[::1]:1080", false, &ss) ==
	       (int)sizeof(*sin6) && sin6->sin6_family == AF_INET6 &&
	       ntohs(sin6->sin6_port) == 1080, "listen [::1]:1080");
	tap_ok(socks_parse_listen("0.0.0.0:0", true, &ss) ==
	       (int)sizeof(*sin) && sin->sin_port == 0 &&
	       socks_parse_listen("0.0.0.0:0", false, &ss) < 0,
	       "port 0 only where allowed");
	tap_ok(socks_parse_listen("::1:1080", true, &ss) < 0 &&
	       socks_parse_listen("[1.2.3.4]:1", true, &ss) < 0 &&
	       socks_parse_listen("localhost:1080", true, &ss) < 0 &&
	       socks_parse_listen(":1080", true, &ss) < 0,
	       "bad listen addresses");
	tap_ok(socks_parse_auth("none") == TLSGW_SOCKS_AUTH_NONE &&
	       socks_parse_auth("userpass") == TLSGW_SOCKS_AUTH_USERPASS &&
	       socks_parse_auth("gssapi") < 0, "auth names");

	if (pipe(fds))
		exit(1);
	if (write(fds[1], "s3cret\r\nrest\n", 13) != 13)
		exit(1);
	tap_ok(socks_read_secret(fds[0], pw, sizeof(pw), err,
				 sizeof(err)) == 6 && !strcmp(pw, "s3cret"),
	       "secret: CRLF stripped");
	tap_ok(socks_read_secret(fds[0], pw, sizeof(pw), err,
				 sizeof(err)) == 4 && !strcmp(pw, "rest"),
	       "secret: one line read, the next left");
	close(fds[1]);
	tap_ok(socks_read_secret(fds[0], pw, sizeof(pw), err,
				 sizeof(err)) < 0 &&
	       !strcmp(err, "empty password"), "secret: empty at EOF");
	close(fds[0]);
	if (pipe(fds))
		exit(1);
	memset(big, 'x', sizeof(big));
	if (write(fds[1], big, 256) != 256)
		exit(1);
	close(fds[1]);
	tap_ok(socks_read_secret(fds[0], pw, sizeof(pw), err,
				 sizeof(err)) < 0 && pw[0] == '\0' &&
	       !strcmp(err, "password too long: at most 255 bytes"),
	       "secret: 256 bytes refused and wiped");
	close(fds[0]);
	if (pipe(fds))
		exit(1);
	memset(big, 'y', 255);
	big[255] = '\n';
	if (write(fds[1], big, 256) != 256)
		exit(1);
	close(fds[1]);
	tap_ok(socks_read_secret(fds[0], pw, sizeof(pw), err,
				 sizeof(err)) == 255, "secret: 255 bytes ok");
	close(fds[0]);
}

/* socks_parse_add() return code, with its stderr thrown away. */
static int add_rc(const char *words)
{
	char copy[256], *argv[32], *save = NULL, *t;
	struct socks_conf c;
	int argc = 0, rc, saved = dup(2);
	FILE *null = fopen("/dev/null", "w");

	snprintf(copy, sizeof(copy), "%s", words);
	for (t = strtok_r(copy, " ", &save); t && argc < 32;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	fflush(stderr);
	dup2(fileno(null), 2);
	rc = socks_parse_add(argc, argv, &c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(null);
	return rc;
}

static void test_add_args(void)
{
	struct socks_conf c;
	char *argv[] = { "p", "listen", "[::1]:1080", "auth", "userpass",
			 "open", "max-sessions", "50", "neg-timeout", "5",
			 "idle-timeout", "0" };

	tap_ok(socks_parse_add(12, argv, &c) == CLI_EXIT_OK &&
	       c.listen_len == (int)sizeof(struct sockaddr_in6) &&
	       c.has_auth && c.auth == TLSGW_SOCKS_AUTH_USERPASS &&
	       c.flags == TLSGW_SOCKS_F_OPEN && c.has_max &&
	       c.max_sessions == 50 && c.neg_timeout == 5 && c.has_idle &&
	       c.idle_timeout == 0, "socks add: every option");
	tap_ok(add_rc("p") == CLI_EXIT_USAGE &&
	       add_rc("p listen 1.2.3.4") == CLI_EXIT_USAGE &&
	       add_rc("p/q listen 1.2.3.4:1") == CLI_EXIT_USAGE &&
	       add_rc("p listen 1.2.3.4:1 auth") == CLI_EXIT_USAGE &&
	       add_rc("p listen 1.2.3.4:1 open open") == CLI_EXIT_USAGE &&
	       add_rc("p listen 1.2.3.4:1 max-sessions -1") == CLI_EXIT_USAGE &&
	       add_rc("p listen 1.2.3.4:1 listen 1.2.3.4:2") == CLI_EXIT_USAGE &&
	       add_rc("p listen 1.2.3.4:1 colour red") == CLI_EXIT_USAGE,
	       "socks add: bad arguments are usage errors (exit 2)");
}

/* Runs "socks WORDS" through the object's command table, stderr muted. */
static int cmd_rc(const char *words)
{
	char copy[256], *argv[32], *save = NULL, *t;
	struct cli_opts opts = { 0 };
	const struct cli_cmd *c;
	int argc = 0, rc = -1, saved = dup(2);
	FILE *null = fopen("/dev/null", "w");

	snprintf(copy, sizeof(copy), "%s", words);
	for (t = strtok_r(copy, " ", &save); t && argc < 32;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	fflush(stderr);
	dup2(fileno(null), 2);
	for (c = socks_object.cmds; c->name; c++)
		if (!strcmp(c->name, argv[0]))
			rc = c->run(&opts, argc - 1, argv + 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(null);
	return rc;
}

static void test_cmd_usage(void)
{
	tap_ok(cmd_rc("show") == CLI_EXIT_USAGE &&
	       cmd_rc("show a b") == CLI_EXIT_USAGE &&
	       cmd_rc("del a/b") == CLI_EXIT_USAGE &&
	       cmd_rc("list x") == CLI_EXIT_USAGE,
	       "show, del, list: bad arguments exit 2");
	tap_ok(cmd_rc("user") == CLI_EXIT_USAGE &&
	       cmd_rc("user frob p bob") == CLI_EXIT_USAGE &&
	       cmd_rc("user add p") == CLI_EXIT_USAGE &&
	       cmd_rc("user add p bob s3cret") == CLI_EXIT_USAGE &&
	       cmd_rc("user add p bob password-file") == CLI_EXIT_USAGE &&
	       cmd_rc("user del p bob extra") == CLI_EXIT_USAGE,
	       "user: bad arguments (a password on argv) exit 2");
	tap_ok(cmd_rc("rule add p permit") == CLI_EXIT_USAGE &&
	       cmd_rc("rule add p allow from 10.0.0.1/8") == CLI_EXIT_USAGE &&
	       cmd_rc("rule add p allow port 0-70000") == CLI_EXIT_USAGE &&
	       cmd_rc("rule add p allow cmd ping") == CLI_EXIT_USAGE &&
	       cmd_rc("rule del p") == CLI_EXIT_USAGE &&
	       cmd_rc("rule del p x") == CLI_EXIT_USAGE &&
	       cmd_rc("rule frob p") == CLI_EXIT_USAGE,
	       "rule: bad arguments exit 2");
}

/* Replies ------------------------------------------------------------------ */

static struct nl_msg *header(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, 0x20, 0, 0, TLSGW_CMD_SOCKS_GET,
		    TLSGW_GENL_VERSION);
	return msg;
}

static void put_counters(struct nl_msg *msg, int type, uint64_t base)
{
	struct nlattr *c = nla_nest_start(msg, type);

	nla_put_u64(msg, TLSGW_SOCKS_CTR_CONNECTIONS, base + 3);
	nla_put(msg, TLSGW_SOCKS_CTR_UNSPEC, 0, NULL);	/* padding */
	nla_put_u64(msg, TLSGW_SOCKS_CTR_REQUESTS_OK, base + 2);
	nla_put_u64(msg, TLSGW_SOCKS_CTR_BYTES_IN, base + 100);
	if (type == TLSGW_SOCKS_A_COUNTERS)
		nla_put_u64(msg, 60, 1);	/* a newer counter */
	nla_nest_end(msg, c);
}

static struct nl_msg *svc_reply(const char *name, bool detail)
{
	struct nl_msg *msg = header();
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(1080) };
	struct nlattr *nest;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	nest = nla_nest_start(msg, TLSGW_A_SOCKS);
	nla_put_string(msg, TLSGW_SOCKS_A_NAME, name);
	nla_put(msg, TLSGW_SOCKS_A_LISTEN, sizeof(sin), &sin);
	nla_put_u32(msg, TLSGW_SOCKS_A_AUTH, detail ? 1 : 0);
	nla_put_u32(msg, TLSGW_SOCKS_A_FLAGS, detail ? 0 : 1);
	nla_put_u32(msg, TLSGW_SOCKS_A_MAX_SESSIONS, 1000);
	nla_put_u32(msg, TLSGW_SOCKS_A_NEG_TIMEOUT, 10);
	nla_put_u32(msg, TLSGW_SOCKS_A_IDLE_TIMEOUT, 300);
	put_counters(msg, TLSGW_SOCKS_A_COUNTERS, 0);
	if (detail) {
		char *w1[] = { "allow", "from", "10.0.0.0/8", "cmd",
			       "connect,udp" };
		struct nlattr *list, *u;
		struct socks_rule r;
		char err[100];

		list = nla_nest_start(msg, TLSGW_SOCKS_A_USERS);
		u = nla_nest_start(msg, TLSGW_SOCKS_A_USER);
		nla_put_string(msg, TLSGW_SOCKS_USER_A_NAME, "bob");
		put_counters(msg, TLSGW_SOCKS_USER_A_COUNTERS, 10);
		nla_nest_end(msg, u);
		nla_nest_end(msg, list);
		list = nla_nest_start(msg, TLSGW_SOCKS_A_RULES);
		socks_rule_parse(5, w1, false, &r, err, sizeof(err));
		r.has_index = true;
		r.index = 0;
		socks_rule_put(msg, &r);
		/* As the kernel sends it: index, hits and a pad. */
		u = nla_nest_start(msg, TLSGW_SOCKS_A_RULE);
		nla_put_u32(msg, TLSGW_SOCKS_RULE_A_INDEX, 1);
		nla_put_u32(msg, TLSGW_SOCKS_RULE_A_ACTION, TLSGW_SOCKS_DENY);
		nla_put(msg, TLSGW_SOCKS_RULE_A_DST, 16,
			"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0");
		nla_put_u8(msg, TLSGW_SOCKS_RULE_A_DST_PLEN, 32);
		nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MIN, 25);
		nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MAX, 25);
		nla_put_string(msg, TLSGW_SOCKS_RULE_A_USER, "bob");
		nla_put(msg, TLSGW_SOCKS_RULE_A_PAD, 0, NULL);
		nla_put_u64(msg, TLSGW_SOCKS_RULE_A_HITS, 7);
		nla_nest_end(msg, u);
		nla_nest_end(msg, list);
	}
	nla_nest_end(msg, nest);
	return msg;
}

enum how { LIST, DETAIL };

static const char *printed(struct nl_msg **msgs, enum how how, bool json)
{
	struct cli_opts opts = { .json = json };
	struct socks_svc v[4];
	struct tnl_status st = { 0 };
	size_t n = 0, i;
	bool ok = true;

	free(buf);
	buf = NULL;
	for (; *msgs; msgs++) {
		if (ok && socks_svc_parse(*msgs, &v[n++], &st) < 0) {
			printf("# parse failed: %s\n", st.msg);
			ok = false;
		}
		nlmsg_free(*msgs);
	}
	if (ok) {
		FILE *out = open_memstream(&buf, &len);
		if (!out)
			exit(1);
		if (how == LIST)
			socks_print_list(out, v, n, &opts);
		else
			socks_print_detail(out, v, &opts);
		fclose(out);
	}
	for (i = 0; i < n; i++)
		socks_svc_free(&v[i]);
	return ok ? buf : NULL;
}

static void test_print(void)
{
	struct nl_msg *two[] = { svc_reply("p1", false), svc_reply("p2", false),
				 NULL };
	struct nl_msg *two_j[] = { svc_reply("p1", false), NULL };
	struct nl_msg *one[] = { svc_reply("p", true), NULL };
	struct nl_msg *one_j[] = { svc_reply("p", true), NULL };
	struct nl_msg *none[] = { NULL };

	tap_is(printed(two, LIST, false),
	       "p1 listen 127.0.0.1:1080 auth none open active - connections 3 "
	       "requests_ok 2 denied - auth_failed - bytes_in 100 bytes_out -\n"
	       "p2 listen 127.0.0.1:1080 auth none open active - connections 3 "
	       "requests_ok 2 denied - auth_failed - bytes_in 100 bytes_out -\n",
	       "text list");
	tap_is(printed(two_j, LIST, true),
	       "[{\"name\":\"p1\",\"listen\":\"127.0.0.1:1080\",\"auth\":\"none\","
	       "\"open\":true,\"max_sessions\":1000,\"neg_timeout\":10,"
	       "\"idle_timeout\":300,\"counters\":{\"connections\":3,"
	       "\"requests_ok\":2,\"bytes_in\":100,\"counter60\":1}}]\n",
	       "JSON list: counters keyed by lower-case names");
	tap_is(printed(none, LIST, true), "[]\n", "empty JSON list");
	tap_is(printed(one, DETAIL, false),
	       "name p\nlisten 127.0.0.1:1080\nauth userpass\nopen no\n"
	       "max-sessions 1000\nneg-timeout 10\nidle-timeout 300\n"
	       "counters:\n  connections 3\n  requests_ok 2\n  bytes_in 100\n"
	       "  counter60 1\nusers: 1\n  bob connections 13 requests_ok 12 "
	       "bytes_in 110\nrules: 2\n"
	       "  0 allow from 10.0.0.0/8 cmd connect,udp\n"
	       "  1 deny to 2001:db8::/32 port 25 user bob hits 7\n",
	       "show: settings, counters, users, rules");
	tap_is(printed(one_j, DETAIL, true),
	       "{\"name\":\"p\",\"listen\":\"127.0.0.1:1080\",\"auth\":"
	       "\"userpass\",\"open\":false,\"max_sessions\":1000,"
	       "\"neg_timeout\":10,\"idle_timeout\":300,\"counters\":"
	       "{\"connections\":3,\"requests_ok\":2,\"bytes_in\":100,"
	       "\"counter60\":1},\"users\":[{\"name\":\"bob\",\"counters\":"
	       "{\"connections\":13,\"requests_ok\":12,\"bytes_in\":110}}],"
	       "\"rules\":[{\"index\":0,\"action\":\"allow\",\"from\":"
	       "\"10.0.0.0/8\",\"commands\":[\"connect\",\"udp\"]},"
	       "{\"index\":1,\"action\":\"deny\",\"to\":\"2001:db8::/32\","
	       "\"port_min\":25,\"port_max\":25,\"user\":\"bob\",\"hits\":7}]}\n",
	       "show: JSON");
}

/* A rule nest put by socks_rule_put(), read back. */
static void test_rule_nest(void)
{
	char *w[] = { "deny", "index", "4", "from", "::/0", "to", "192.0.2.0/24",
		      "port", "1-2", "cmd", "bind", "user", "u" };
	char *bare[] = { "allow" };
	char *full[] = { "allow", "port", "0-65535", "cmd", "bind,connect,udp" };
	struct nl_msg *msg = nlmsg_alloc();
	struct socks_rule a, b;
	struct nlattr *nest;
	char err[100];

	socks_rule_parse(13, w, true, &a, err, sizeof(err));
	socks_rule_put(msg, &a);
	nest = nlmsg_attrdata(nlmsg_hdr(msg), 0);
	tap_ok(socks_rule_from_nest(nest, &b, err, sizeof(err)) == 0 &&
	       socks_rule_equal(&a, &b) && b.has_index && b.index == 4 &&
	       !b.has_hits, "rule nest round trip");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TLSGW_SOCKS_A_RULE);
	nla_put_u32(msg, TLSGW_SOCKS_RULE_A_ACTION, TLSGW_SOCKS_ALLOW);
	nla_put(msg, TLSGW_SOCKS_RULE_A_SRC, 5, "12345");
	nla_nest_end(msg, nest);
	tap_ok(socks_rule_from_nest(nest, &b, err, sizeof(err)) < 0 &&
	       !strcmp(err, "malformed address prefix in a rule"),
	       "5-byte address refused");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TLSGW_SOCKS_A_RULE);
	nla_put_u32(msg, TLSGW_SOCKS_RULE_A_ACTION, TLSGW_SOCKS_ALLOW);
	nla_put(msg, TLSGW_SOCKS_RULE_A_DST, 4, "\x0a\0\0\0");
	nla_put_u8(msg, TLSGW_SOCKS_RULE_A_DST_PLEN, 33);
	nla_put_u64(msg, TLSGW_SOCKS_RULE_A_HITS, 1);
	nla_nest_end(msg, nest);
	tap_ok(socks_rule_from_nest(nest, &b, err, sizeof(err)) < 0,
	       "IPv4 prefix length 33 refused");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TLSGW_SOCKS_A_RULE);
	nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MIN, 5);
	nla_nest_end(msg, nest);
	tap_ok(socks_rule_from_nest(nest, &b, err, sizeof(err)) < 0 &&
	       !strcmp(err, "rule without an action"), "rule without action");
	nlmsg_free(msg);

	/* The kernel fills in the defaults: the same as none given. */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TLSGW_SOCKS_A_RULE);
	nla_put_u32(msg, TLSGW_SOCKS_RULE_A_ACTION, TLSGW_SOCKS_ALLOW);
	nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MIN, 0);
	nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MAX, 65535);
	nla_put_u32(msg, TLSGW_SOCKS_RULE_A_COMMANDS, TLSGW_SOCKS_CMDS_ALL);
	nla_nest_end(msg, nest);
	socks_rule_parse(1, bare, false, &a, err, sizeof(err));
	tap_ok(socks_rule_from_nest(nest, &b, err, sizeof(err)) == 0 &&
	       !b.has_ports && !b.cmds && socks_rule_equal(&a, &b),
	       "kernel defaults read back as no criterion");
	socks_rule_parse(5, full, false, &a, err, sizeof(err));
	tap_ok(socks_rule_equal(&a, &b), "full range and all commands "
	       "written out equal no criterion");
	nlmsg_free(msg);
}

static bool rejected(struct nl_msg *msg, const char *what)
{
	struct socks_svc svc;
	struct tnl_status st = { 0 };
	int rc = socks_svc_parse(msg, &svc, &st);

	socks_svc_free(&svc);
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

	msg = header();
	tap_ok(rejected(msg, "no nest"), "reply without TLSGW_A_SOCKS");

	msg = header();
	nest = nla_nest_start(msg, TLSGW_A_SOCKS);
	nla_put_string(msg, TLSGW_SOCKS_A_NAME, "p");
	nla_put(msg, TLSGW_SOCKS_A_LISTEN, 3, "abc");
	nla_nest_end(msg, nest);
	tap_ok(rejected(msg, "bad listen"), "bad listen address");

	msg = svc_reply("p", false);
	genlmsg_hdr(nlmsg_hdr(msg))->cmd = TLSGW_CMD_SERVICE_GET;
	tap_ok(rejected(msg, "wrong cmd"), "reply for another command");

	msg = header();
	nest = nla_nest_start(msg, TLSGW_A_SOCKS);
	nla_put_string(msg, TLSGW_SOCKS_A_NAME, "p");
	nla_nest_end(msg, nest);
	tap_ok(rejected(msg, "no listen"), "service without listen");
}

int main(void)
{
	tap_plan(PLAN);
	test_prefix();
	test_ports_cmds();
	test_rules();
	test_misc();
	test_add_args();
	test_cmd_usage();
	test_print();
	test_rule_nest();
	test_reject();
	free(buf);
	return tap_done(PLAN);
}
