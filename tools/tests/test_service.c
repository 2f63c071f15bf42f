// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parsing and printing SERVICE_GET replies (lib/ and
 * ctl/service.c), fed with replies built by libnl, so no kernel module
 * is needed. TAP output.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>

#include "ctl.h"
#include "tap.h"

#define PLAN 16

static char *buf;
static size_t len;

static struct nl_msg *header(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, 0x20, 0, NLM_F_MULTI, cmd, TLSGW_GENL_VERSION);
	return msg;
}

/* A service as the module reports it (with_counters), or without them. */
static struct nl_msg *reply(const char *name, bool with_counters)
{
	struct nl_msg *msg = header(TLSGW_CMD_SERVICE_GET);
	struct nlattr *nest;

	nest = nla_nest_start(msg, TLSGW_A_SERVICE | NLA_F_NESTED);
	nla_put_string(msg, TLSGW_SVC_A_NAME, name);
	nla_put_u32(msg, TLSGW_SVC_A_MAX_SESSIONS, 100);
	nla_put_u32(msg, TLSGW_SVC_A_IDLE_TIMEOUT, 300);
	if (with_counters) {
		struct nlattr *ctr = nla_nest_start(msg, TLSGW_SVC_A_COUNTERS | NLA_F_NESTED);
		nla_put_u64(msg, TLSGW_CTR_REQUESTS, 0);
		/* Padding as 32-bit kernels send it: skipped. */
		nla_put(msg, TLSGW_CTR_UNSPEC, 0, NULL);
		nla_put_u64(msg, TLSGW_CTR_SESSIONS_ACTIVE, 2);
		nla_put_u64(msg, TLSGW_CTR_SESSIONS_OPENED, 5);
		nla_put_u64(msg, TLSGW_CTR_CLOSED_IDLE, 3);
		nla_put_u64(msg, TLSGW_CTR_BYTES_IN, 1000);
		nla_put_u64(msg, TLSGW_CTR_BYTES_OUT, 20000);
		nla_put_u64(msg, 40, 9);	/* a newer counter */
		nla_nest_end(msg, ctr);
	}
	nla_nest_end(msg, nest);
	return msg;
}

enum how { LIST, DETAIL };

/* Parses each of msgs (NULL-terminated) and prints them. */
static const char *printed(struct nl_msg **msgs, enum how how, bool json,
			   bool pretty)
{
	struct cli_opts opts = { .json = json, .pretty = pretty };
	struct tlsgw_service v[4];
	struct tnl_status st = { 0 };
	size_t n = 0;
	bool ok = true;
	FILE *out;

	free(buf);
	buf = NULL;
	for (; *msgs; msgs++) {
		if (ok && service_parse(*msgs, &v[n++], &st) < 0) {
			printf("# parse failed: %s\n", st.msg);
			ok = false;
		}
		nlmsg_free(*msgs);
	}
	if (!ok)
		return NULL;
	out = open_memstream(&buf, &len);
	if (!out)
		exit(1);
	if (how == LIST)
		service_print_list(out, v, n, &opts);
	else
		service_print_detail(out, v, &opts);
	fclose(out);
	return buf;
}

static void test_print(void)
{
	struct nl_msg *two[] = { reply("web", true), reply("mail.v2", false),
				 NULL };
	struct nl_msg *two_j[] = { reply("web", true), reply("b", false),
				   NULL };
	struct nl_msg *none[] = { NULL };
	struct nl_msg *one[] = { reply("web", true), NULL };
	struct nl_msg *one_j[] = { reply("web", true), NULL };
	struct nl_msg *one_p[] = { reply("b", false), NULL };

	tap_is(printed(two, LIST, false, false),
	       "web max-sessions 100 idle-timeout 300 active 2 opened 5 "
	       "bytes-in 1000 bytes-out 20000\n"
	       "mail.v2 max-sessions 100 idle-timeout 300 active - opened - "
	       "bytes-in - bytes-out -\n",
	       "text list, missing counters as -");
	tap_is(printed(two_j, LIST, true, false),
	       "[{\"name\":\"web\",\"max_sessions\":100,\"idle_timeout\":300,"
	       "\"counters\":{\"requests\":0,\"sessions_active\":2,"
	       "\"sessions_opened\":5,\"closed_idle\":3,\"bytes_in\":1000,"
	       "\"bytes_out\":20000,\"counter40\":9}},"
	       "{\"name\":\"b\",\"max_sessions\":100,\"idle_timeout\":300,"
	       "\"counters\":{}}]\n", "JSON list");
	tap_is(printed(none, LIST, false, false), "", "empty text list");
	none[0] = NULL;
	tap_is(printed(none, LIST, true, false), "[]\n", "empty JSON list");
	tap_is(printed(one, DETAIL, false, false),
	       "name web\nmax-sessions 100\nidle-timeout 300\ncounters:\n"
	       "  requests 0\n  sessions_active 2\n  sessions_opened 5\n"
	       "  closed_idle 3\n  bytes_in 1000\n  bytes_out 20000\n"
	       "  counter40 9\n", "show: every field");
	tap_is(printed(one_j, DETAIL, true, false),
	       "{\"name\":\"web\",\"max_sessions\":100,\"idle_timeout\":300,"
	       "\"counters\":{\"requests\":0,\"sessions_active\":2,"
	       "\"sessions_opened\":5,\"closed_idle\":3,\"bytes_in\":1000,"
	       "\"bytes_out\":20000,\"counter40\":9}}\n", "show: JSON");
	tap_is(printed(one_p, DETAIL, true, true),
	       "{\n  \"name\": \"b\",\n  \"max_sessions\": 100,\n"
	       "  \"idle_timeout\": 300,\n  \"counters\": {}\n}\n",
	       "show: pretty JSON");
}

static bool rejected(struct nl_msg *msg, const char *what)
{
	struct tlsgw_service svc;
	struct tnl_status st = { 0 };
	int rc = service_parse(msg, &svc, &st);

	nlmsg_free(msg);
	if (rc == 0)
		return false;
	printf("# %s: %s\n", what, st.msg);
	return st.fail == TNL_BAD_REPLY;
}

static struct nl_msg *partial(const char *name, int max_len, int idle_len)
{
	struct nl_msg *msg = header(TLSGW_CMD_SERVICE_GET);
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_SERVICE);
	uint64_t zero = 0;

	if (name)
		nla_put_string(msg, TLSGW_SVC_A_NAME, name);
	if (max_len)
		nla_put(msg, TLSGW_SVC_A_MAX_SESSIONS, max_len, &zero);
	if (idle_len)
		nla_put(msg, TLSGW_SVC_A_IDLE_TIMEOUT, idle_len, &zero);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_reject(void)
{
	struct nl_msg *msg;
	struct nlattr *nest, *ctr;

	tap_ok(rejected(partial(NULL, 4, 4), "no name"), "service without name");
	tap_ok(rejected(partial("web", 0, 4), "no max"),
	       "service without max-sessions");
	tap_ok(rejected(partial("web", 4, 0), "no idle"),
	       "service without idle-timeout");
	tap_ok(rejected(partial("web", 8, 4), "u64 max"),
	       "u64 max-sessions");
	tap_ok(rejected(partial("", 4, 4), "empty name"), "empty name");

	msg = header(TLSGW_CMD_SERVICE_GET);
	nest = nla_nest_start(msg, TLSGW_A_SERVICE);
	nla_put_string(msg, TLSGW_SVC_A_NAME, "web");
	nla_put_u32(msg, TLSGW_SVC_A_MAX_SESSIONS, 0);
	nla_put_u32(msg, TLSGW_SVC_A_IDLE_TIMEOUT, 0);
	ctr = nla_nest_start(msg, TLSGW_SVC_A_COUNTERS);
	nla_put_u32(msg, TLSGW_CTR_BYTES_IN, 1);
	nla_nest_end(msg, ctr);
	nla_nest_end(msg, nest);
	tap_ok(rejected(msg, "u32 counter"), "u32 counter");

	msg = reply("web", true);
	genlmsg_hdr(nlmsg_hdr(msg))->cmd = TLSGW_CMD_SESSION_GET;
	tap_ok(rejected(msg, "wrong cmd"), "reply for another command");

	msg = header(TLSGW_CMD_SERVICE_GET);
	tap_ok(rejected(msg, "no nest"), "reply without TLSGW_A_SERVICE");

	tap_ok(service_name_valid("web-1.a_b") && !service_name_valid("") &&
	       !service_name_valid("a b") && !service_name_valid("a/b") &&
	       service_name_valid("0123456789012345678901234567890") &&
	       !service_name_valid("01234567890123456789012345678901"),
	       "service name validation");
}

int main(void)
{
	tap_plan(PLAN);
	test_print();
	test_reject();
	free(buf);
	return tap_done(PLAN);
}
