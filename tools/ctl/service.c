// SPDX-License-Identifier: GPL-2.0
/*
 * The "service" object: tlsgwctl service [list | show NAME | add NAME ... |
 * set NAME ... | del NAME].
 */
#include "ctl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"

/* Printing ----------------------------------------------------------------- */

static void put_counter(FILE *out, const struct tlsgw_service *svc,
			const char *label, unsigned int type)
{
	uint64_t v;

	if (info_counter_get(svc->counters, svc->n_counters, type, &v))
		fprintf(out, " %s %" PRIu64, label, v);
	else
		fprintf(out, " %s -", label);
}

static void print_line(FILE *out, const struct tlsgw_service *svc)
{
	fmt_sanitized(out, svc->name);
	fprintf(out, " max-sessions %" PRIu32 " idle-timeout %" PRIu32,
		svc->max_sessions, svc->idle_timeout);
	put_counter(out, svc, "active", TLSGW_CTR_SESSIONS_ACTIVE);
	put_counter(out, svc, "opened", TLSGW_CTR_SESSIONS_OPENED);
	put_counter(out, svc, "bytes-in", TLSGW_CTR_BYTES_IN);
	put_counter(out, svc, "bytes-out", TLSGW_CTR_BYTES_OUT);
	fputc('\n', out);
}

static void service_json(struct json *j, const struct tlsgw_service *svc)
{
	json_object_open(j);
	json_key(j, "name");
	json_string(j, svc->name);
	json_key(j, "max_sessions");
	json_u64(j, svc->max_sessions);
	json_key(j, "idle_timeout");
	json_u64(j, svc->idle_timeout);
	json_key(j, "counters");
	info_counters_json(j, svc->counters, svc->n_counters);
	json_object_close(j);
}

void service_print_list(FILE *out, const struct tlsgw_service *v, size_t n,
			const struct cli_opts *opts)
{
	struct json j;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < n; i++)
			print_line(out, &v[i]);
		return;
	}
	json_init(&j, out, opts->pretty);
	json_array_open(&j);
	for (i = 0; i < n; i++)
		service_json(&j, &v[i]);
	json_array_close(&j);
	json_finish(&j);
}

void service_print_detail(FILE *out, const struct tlsgw_service *svc,
			  const struct cli_opts *opts)
{
	struct json j;
	char buf[32];
	unsigned int i;

	if (opts->json) {
		json_init(&j, out, opts->pretty);
		service_json(&j, svc);
		json_finish(&j);
		return;
	}
	fputs("name ", out);
	fmt_sanitized(out, svc->name);
	fprintf(out, "\nmax-sessions %" PRIu32 "\nidle-timeout %" PRIu32
		"\ncounters:\n", svc->max_sessions, svc->idle_timeout);
	for (i = 0; i < svc->n_counters; i++)
		fprintf(out, "  %s %" PRIu64 "\n",
			info_counter_name(svc->counters[i].type, buf,
					  sizeof(buf)),
			svc->counters[i].value);
}

/* Netlink ------------------------------------------------------------------ */

static int request(uint8_t cmd, int flags, const struct service_conf *c,
		   struct service_list *l, struct tnl_status *st)
{
	struct tnl nl;
	int rc;

	if (tnl_open(&nl, st) < 0)
		return -1;
	rc = service_request(&nl, cmd, flags, c, l, st);
	tnl_close(&nl);
	return rc;
}

/* argv[0] is NAME; usage error unless it is valid. */
static int take_name(int argc, char **argv, const char *cmd,
		     struct service_conf *c)
{
	if (argc < 1)
		return cli_usage_error("'service %s' needs a service name",
				       cmd);
	if (!service_name_valid(argv[0]))
		return cli_usage_error("invalid service name '%s': 1 to %d "
				       "characters of A-Z a-z 0-9 _ . -",
				       argv[0], TLSGW_NAME_MAX - 1);
	c->name = argv[0];
	return CLI_EXIT_OK;
}

/* NAME [max-sessions N] [idle-timeout S] */
static int parse_conf(int argc, char **argv, const char *cmd,
		      struct service_conf *c)
{
	int i, rc;

	rc = take_name(argc, argv, cmd, c);
	if (rc)
		return rc;
	for (i = 1; i < argc; i += 2) {
		bool *has;
		uint32_t *v;

		if (!strcmp(argv[i], "max-sessions")) {
			has = &c->has_max_sessions;
			v = &c->max_sessions;
		} else if (!strcmp(argv[i], "idle-timeout")) {
			has = &c->has_idle_timeout;
			v = &c->idle_timeout;
		} else {
			return cli_usage_error("unexpected argument '%s'",
					       argv[i]);
		}
		if (*has)
			return cli_usage_error("'%s' given twice", argv[i]);
		if (i + 1 >= argc)
			return cli_usage_error("'%s' needs a value", argv[i]);
		if (fmt_parse_u32(argv[i + 1], v) < 0)
			return cli_usage_error("invalid %s '%s': a number from "
					       "0 to 4294967295", argv[i],
					       argv[i + 1]);
		*has = true;
	}
	return CLI_EXIT_OK;
}

static int run_simple(uint8_t cmd, int flags, const struct service_conf *c)
{
	struct tnl_status st;

	if (request(cmd, flags, c, NULL, &st) < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static int cmd_list(const struct cli_opts *opts, int argc, char **argv)
{
	struct service_conf c = { 0 };
	struct service_list l = { 0 };
	struct tnl_status st;
	int rc = cli_no_args(argc, argv);

	if (rc)
		return rc;
	if (request(TLSGW_CMD_SERVICE_GET, NLM_F_DUMP, &c, &l, &st) < 0) {
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else {
		service_print_list(stdout, l.v, l.n, opts);
	}
	free(l.v);
	return rc;
}

static int cmd_show(const struct cli_opts *opts, int argc, char **argv)
{
	struct service_conf c = { 0 };
	struct service_list l = { .single = true };
	struct tnl_status st;
	int rc = take_name(argc, argv, "show", &c);

	if (rc)
		return rc;
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	if (request(TLSGW_CMD_SERVICE_GET, 0, &c, &l, &st) < 0) {
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else if (l.n != 1) {
		tnl_bad_reply(&st, "no SERVICE_GET reply before the ack");
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else {
		service_print_detail(stdout, l.v, opts);
	}
	free(l.v);
	return rc;
}

static int cmd_add(const struct cli_opts *opts, int argc, char **argv)
{
	struct service_conf c = { 0 };
	int rc = parse_conf(argc, argv, "add", &c);

	(void)opts;
	return rc ? rc : run_simple(TLSGW_CMD_SERVICE_NEW, 0, &c);
}

static int cmd_set(const struct cli_opts *opts, int argc, char **argv)
{
	struct service_conf c = { 0 };
	int rc = parse_conf(argc, argv, "set", &c);

	(void)opts;
	if (rc)
		return rc;
	if (!c.has_max_sessions && !c.has_idle_timeout)
		return cli_usage_error("nothing to change: give max-sessions "
				       "or idle-timeout");
	/* Generic netlink refuses NLM_F_REPLACE: the flags are attributes. */
	c.flags = TLSGW_SVC_F_REPLACE | TLSGW_SVC_F_NO_CREATE;
	return run_simple(TLSGW_CMD_SERVICE_NEW, 0, &c);
}

static int cmd_del(const struct cli_opts *opts, int argc, char **argv)
{
	struct service_conf c = { 0 };
	int rc = take_name(argc, argv, "del", &c);

	(void)opts;
	if (rc)
		return rc;
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	return run_simple(TLSGW_CMD_SERVICE_DEL, 0, &c);
}

static const struct cli_cmd service_cmds[] = {
	{ "list", "", "the services, one per line", cmd_list },
	{ "show", "NAME", "one service's limits and counters", cmd_show },
	{ "add", "NAME [max-sessions N] [idle-timeout SECONDS]",
	  "create a service (defaults: no own limit, 300 s)", cmd_add },
	{ "set", "NAME [max-sessions N] [idle-timeout SECONDS]",
	  "change an existing service's limits (live sessions keep running)",
	  cmd_set },
	{ "del", "NAME", "delete a service, killing its sessions", cmd_del },
	{ 0 }
};

const struct cli_object service_object = {
	.name = "service",
	.help = "TLS-terminating services (limits and accounting)",
	.default_cmd = "list",
	.cmds = service_cmds,
};
