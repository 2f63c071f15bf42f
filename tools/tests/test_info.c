// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parsing and printing GET_INFO replies (lib/ and
 * ctl/info.c), fed with replies built by libnl, so no kernel module is
 * needed. TAP output.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <linux/tlsgw.h>

#include "ctl.h"
#include "tap.h"

#define PLAN 13

static char *buf;
static size_t len;

/* A reply as the module sends it, plus an unknown bit and counter. */
static struct nl_msg *good_reply(bool extra)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	uint64_t features = TLSGW_F_INFO | TLSGW_F_COUNTER_RESET;

	genlmsg_put(msg, 0, 1, 0x20, 0, 0, TLSGW_CMD_GET_INFO,
		    TLSGW_GENL_VERSION);
	nla_put_string(msg, TLSGW_A_VERSION, "0.1.0");
	if (extra)
		features |= TLSGW_F_EVENTS | (1ULL << 40);
	nla_put_u64(msg, TLSGW_A_FEATURES, features);
	nest = nla_nest_start(msg, TLSGW_A_COUNTERS | NLA_F_NESTED);
	nla_put_u64(msg, TLSGW_CTR_REQUESTS, 3);
	nla_put_u64(msg, TLSGW_CTR_NAMESPACES, 1);
	if (extra)
		nla_put_u64(msg, 60, UINT64_MAX);
	nla_nest_end(msg, nest);
	return msg;
}

/* A reply from a module with sessions: every counter, padded. */
static struct nl_msg *full_reply(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	int i;

	genlmsg_put(msg, 0, 1, 0x20, 0, 0, TLSGW_CMD_GET_INFO,
		    TLSGW_GENL_VERSION);
	nla_put_string(msg, TLSGW_A_VERSION, "0.2.0");
	nla_put_u64(msg, TLSGW_A_FEATURES, TLSGW_F_INFO | TLSGW_F_COUNTER_RESET |
		    TLSGW_F_KTLS_OFFLOAD | TLSGW_F_EVENTS);
	nest = nla_nest_start(msg, TLSGW_A_COUNTERS | NLA_F_NESTED);
	for (i = TLSGW_CTR_REQUESTS; i <= TLSGW_CTR_MAX; i++) {
		/* What 32-bit kernels put before u64s: skipped. */
		nla_put(msg, TLSGW_CTR_UNSPEC, 0, NULL);
		nla_put_u64(msg, i, 100 + i);
	}
	nla_nest_end(msg, nest);
	return msg;
}

static const char *printed_fn(struct nl_msg *msg, bool json, bool pretty,
			      void (*print)(FILE *, const struct tlsgw_info *,
					    const struct cli_opts *))
{
	struct cli_opts opts = { .json = json, .pretty = pretty };
	struct tlsgw_info info;
	struct tnl_status st = { 0 };
	FILE *out;

	free(buf);
	buf = NULL;
	if (info_parse(msg, &info, &st) < 0) {
		printf("# parse failed: %s\n", st.msg);
		nlmsg_free(msg);
		return NULL;
	}
	nlmsg_free(msg);
	out = open_memstream(&buf, &len);
	if (!out)
		exit(1);
	print(out, &info, &opts);
	fclose(out);
	return buf;
}

static const char *printed(struct nl_msg *msg, bool json, bool pretty)
{
	return printed_fn(msg, json, pretty, info_print);
}

static void test_print(void)
{
	tap_is(printed(good_reply(false), false, false),
	       "module version 0.1.0\n"
	       "features: info counter-reset\n"
	       "counters:\n"
	       "  requests 3\n"
	       "  namespaces 1\n", "text output");
	tap_is(printed(good_reply(false), true, false),
	       "{\"version\":\"0.1.0\",\"features\":[\"info\",\"counter-reset\"],"
	       "\"counters\":{\"requests\":3,\"namespaces\":1}}\n",
	       "JSON output is one line");
	tap_is(printed(good_reply(true), false, false),
	       "module version 0.1.0\n"
	       "features: info counter-reset events bit40\n"
	       "counters:\n"
	       "  requests 3\n"
	       "  namespaces 1\n"
	       "  counter60 18446744073709551615\n",
	       "unknown feature bits and counters named by number");
	tap_is(printed(good_reply(false), true, true),
	       "{\n  \"version\": \"0.1.0\",\n"
	       "  \"features\": [\n    \"info\",\n    \"counter-reset\"\n  ],\n"
	       "  \"counters\": {\n    \"requests\": 3,\n"
	       "    \"namespaces\": 1\n  }\n}\n", "pretty JSON output");
}

static void test_names(void)
{
	tap_is(printed(full_reply(), false, false),
	       "module version 0.2.0\n"
	       "features: info counter-reset ktls-offload events\n"
	       "counters:\n"
	       "  requests 101\n  namespaces 102\n  sessions_active 103\n"
	       "  sessions_opened 104\n  offload_failed 105\n"
	       "  limit_rejected 106\n  closed_done 107\n"
	       "  closed_reset 108\n  closed_idle 109\n"
	       "  closed_killed 110\n  closed_alert 111\n"
	       "  closed_key_update 112\n  closed_tls_error 113\n"
	       "  bytes_in 114\n  bytes_out 115\n"
	       "  starttls_flows_active 116\n"
	       "  starttls_flows_tracked 117\n"
	       "  starttls_flows_dropped 118\n"
	       "  starttls_offered 119\n"
	       "  starttls_not_offered 120\n"
	       "  starttls_stripped 121\n"
	       "  starttls_requested 122\n"
	       "  starttls_accepted 123\n"
	       "  starttls_refused 124\n"
	       "  starttls_tls_started 125\n"
	       "  starttls_tls_missing 126\n"
	       "  starttls_cmd_injection 127\n"
	       "  starttls_resp_injection 128\n"
	       "  starttls_clear_auth 129\n"
	       "  starttls_ccc 130\n"
	       "  starttls_pretls_cmd 131\n"
	       "  starttls_blocked 132\n"
	       "  alerts_sent 133\n"
	       "  starttls_flows_lost 134\n"
	       "  starttls_flows_expired 135\n"
	       "  starttls_untracked 136\n",
	       "every counter and feature named, padding skipped");
	tap_is(printed_fn(full_reply(), false, false, stats_print),
	       "requests 101\nnamespaces 102\nsessions_active 103\n"
	       "sessions_opened 104\noffload_failed 105\n"
	       "limit_rejected 106\nclosed_done 107\nclosed_reset 108\n"
	       "closed_idle 109\nclosed_killed 110\nclosed_alert 111\n"
	       "closed_key_update 112\nclosed_tls_error 113\n"
	       "bytes_in 114\nbytes_out 115\n"
	       "starttls_flows_active 116\n"
	       "starttls_flows_tracked 117\n"
	       "starttls_flows_dropped 118\n"
	       "starttls_offered 119\n"
	       "starttls_not_offered 120\n"
	       "starttls_stripped 121\n"
	       "starttls_requested 122\n"
	       "starttls_accepted 123\n"
	       "starttls_refused 124\n"
	       "starttls_tls_started 125\n"
	       "starttls_tls_missing 126\n"
	       "starttls_cmd_injection 127\n"
	       "starttls_resp_injection 128\n"
	       "starttls_clear_auth 129\n"
	       "starttls_ccc 130\n"
	       "starttls_pretls_cmd 131\n"
	       "starttls_blocked 132\n"
	       "alerts_sent 133\n"
	       "starttls_flows_lost 134\n"
	       "starttls_flows_expired 135\n"
	       "starttls_untracked 136\n", "stats: text");
	tap_is(printed_fn(full_reply(), true, false, stats_print),
	       "{\"requests\":101,\"namespaces\":102,"
	       "\"sessions_active\":103,\"sessions_opened\":104,"
	       "\"offload_failed\":105,\"limit_rejected\":106,"
	       "\"closed_done\":107,\"closed_reset\":108,"
	       "\"closed_idle\":109,\"closed_killed\":110,"
	       "\"closed_alert\":111,\"closed_key_update\":112,"
	       "\"closed_tls_error\":113,\"bytes_in\":114,"
	       "\"bytes_out\":115,"
	       "\"starttls_flows_active\":116,"
	       "\"starttls_flows_tracked\":117,"
	       "\"starttls_flows_dropped\":118,"
	       "\"starttls_offered\":119,"
	       "\"starttls_not_offered\":120,"
	       "\"starttls_stripped\":121,"
	       "\"starttls_requested\":122,"
	       "\"starttls_accepted\":123,"
	       "\"starttls_refused\":124,"
	       "\"starttls_tls_started\":125,"
	       "\"starttls_tls_missing\":126,"
	       "\"starttls_cmd_injection\":127,"
	       "\"starttls_resp_injection\":128,"
	       "\"starttls_clear_auth\":129,"
	       "\"starttls_ccc\":130,"
	       "\"starttls_pretls_cmd\":131,"
	       "\"starttls_blocked\":132,"
	       "\"alerts_sent\":133,"
	       "\"starttls_flows_lost\":134,"
	       "\"starttls_flows_expired\":135,"
	       "\"starttls_untracked\":136}\n", "stats: JSON object");
	tap_is(printed_fn(good_reply(false), true, true, stats_print),
	       "{\n  \"requests\": 3,\n  \"namespaces\": 1\n}\n",
	       "stats: pretty JSON");
}

/* Replies that break the contract must fail to parse, not misprint. */
static bool rejected(struct nl_msg *msg, const char *what)
{
	struct tlsgw_info info;
	struct tnl_status st = { 0 };
	int rc = info_parse(msg, &info, &st);

	nlmsg_free(msg);
	if (rc == 0)
		return false;
	printf("# %s: %s\n", what, st.msg);
	return st.fail == TNL_BAD_REPLY;
}

static struct nl_msg *bare_reply(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, 0x20, 0, 0, cmd, TLSGW_GENL_VERSION);
	return msg;
}

static void test_reject(void)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = bare_reply(TLSGW_CMD_GET_INFO);
	nla_put_u64(msg, TLSGW_A_FEATURES, 1);
	tap_ok(rejected(msg, "no version"), "reply without version rejected");

	msg = bare_reply(TLSGW_CMD_GET_INFO);
	nla_put(msg, TLSGW_A_VERSION, 5, "0.1.0");
	tap_ok(rejected(msg, "unterminated"),
	       "version without NUL terminator rejected");

	msg = bare_reply(TLSGW_CMD_GET_INFO);
	nla_put_string(msg, TLSGW_A_VERSION, "0.1.0");
	nla_put_u32(msg, TLSGW_A_FEATURES, 1);
	tap_ok(rejected(msg, "short features"), "u32 features rejected");

	msg = bare_reply(TLSGW_CMD_GET_INFO);
	nla_put_string(msg, TLSGW_A_VERSION, "0.1.0");
	nest = nla_nest_start(msg, TLSGW_A_COUNTERS);
	nla_put_u32(msg, TLSGW_CTR_REQUESTS, 3);
	nla_nest_end(msg, nest);
	tap_ok(rejected(msg, "short counter"), "u32 counter rejected");

	msg = bare_reply(TLSGW_CMD_EVENT);
	nla_put_string(msg, TLSGW_A_VERSION, "0.1.0");
	tap_ok(rejected(msg, "wrong cmd"), "reply for another command rejected");
}

int main(void)
{
	tap_plan(PLAN);
	test_print();
	test_names();
	test_reject();
	free(buf);
	return tap_done(PLAN);
}
