// SPDX-License-Identifier: GPL-2.0
/*
 * The "starttls" object: tlsgwctl starttls policy [list | show NAME |
 * add NAME proto P ports LIST [dst PREFIX] mode M [fail open|closed] |
 * del NAME] and
 * tlsgwctl starttls flows.
 */
#include "ctl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

/* Printing ----------------------------------------------------------------- */

static void ports_text(FILE *out, const struct stls_policy *p)
{
	unsigned int i;

	for (i = 0; i < p->n_ranges; i++) {
		fprintf(out, "%s%u", i ? "," : "", p->ranges[i].lo);
		if (p->ranges[i].hi != p->ranges[i].lo)
			fprintf(out, "-%u", p->ranges[i].hi);
	}
}

static const char *dst_text(const struct stls_policy *p, char *buf,
			    size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->dst_family || !inet_ntop(p->dst_family, p->dst, a, sizeof(a)))
		return NULL;
	snprintf(buf, size, "%s/%u", a, p->dst_plen);
	return buf;
}

static void policy_text(FILE *out, const struct stls_obj *o)
{
	char buf[64], d[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	fmt_sanitized(out, o->pol.name);
	fprintf(out, " proto %s ports ",
		stls_proto_name(o->pol.proto, buf, sizeof(buf)));
	ports_text(out, &o->pol);
	if (dst_text(&o->pol, d, sizeof(d)))
		fprintf(out, " dst %s", d);
	fprintf(out, " mode %s", stls_mode_name(o->pol.mode, buf, sizeof(buf)));
	fprintf(out, " fail %s", o->pol.fail_closed ? "closed" : "open");
	for (i = 0; i < o->n_counters; i++)
		fprintf(out, " %s %" PRIu64,
			info_counter_name(o->counters[i].type, buf,
					  sizeof(buf)) + strlen("starttls_"),
			o->counters[i].value);
	fputc('\n', out);
}

static void policy_json(struct json *j, const struct stls_obj *o)
{
	char buf[64], d[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	json_object_open(j);
	json_key(j, "name");
	json_string(j, o->pol.name);
	json_key(j, "proto");
	json_string(j, stls_proto_name(o->pol.proto, buf, sizeof(buf)));
	json_key(j, "ports");
	json_array_open(j);
	for (i = 0; i < o->pol.n_ranges; i++) {
		json_array_open(j);
		json_u64(j, o->pol.ranges[i].lo);
		json_u64(j, o->pol.ranges[i].hi);
		json_array_close(j);
	}
	json_array_close(j);
	json_key(j, "dst");
	if (dst_text(&o->pol, d, sizeof(d)))
		json_string(j, d);
	else
		json_null(j);
	json_key(j, "mode");
	json_string(j, stls_mode_name(o->pol.mode, buf, sizeof(buf)));
	json_key(j, "fail");
	json_string(j, o->pol.fail_closed ? "closed" : "open");
	json_key(j, "counters");
	info_counters_json(j, o->counters, o->n_counters);
	json_object_close(j);
}

static void findings_text(FILE *out, uint32_t findings)
{
	char buf[32];
	unsigned int i;
	bool first = true;

	for (i = 0; i < 32; i++) {
		if (!(findings & (1U << i)))
			continue;
		fprintf(out, "%s%s", first ? "" : ",",
			stls_finding_name(i, buf, sizeof(buf)));
		first = false;
	}
	if (first)
		fputc('-', out);
}

static void flow_text(FILE *out, const struct stls_obj *o)
{
	char a[FMT_ADDR_LEN], b[FMT_ADDR_LEN], buf[32];

	fprintf(out, "%" PRIu64 " ", o->flow_id);
	fmt_sanitized(out, o->pol.name);
	fprintf(out, " %s %s -> %s state %s phase %s findings ",
		stls_proto_name(o->pol.proto, buf, sizeof(buf)),
		fmt_addr(&o->client, a, sizeof(a)),
		fmt_addr(&o->server, b, sizeof(b)),
		stls_state_name(o->state, buf, sizeof(buf)),
		stls_phase_name(o->phase, buf, sizeof(buf)));
	findings_text(out, o->findings);
	fprintf(out, " age-ms %" PRIu64 " idle-ms %" PRIu64 "\n", o->age_ms,
		o->idle_ms);
}

static void flow_json(struct json *j, const struct stls_obj *o)
{
	char a[FMT_ADDR_LEN], buf[32];
	unsigned int i;

	json_object_open(j);
	json_key(j, "id");
	json_u64(j, o->flow_id);
	json_key(j, "policy");
	json_string(j, o->pol.name);
	json_key(j, "proto");
	json_string(j, stls_proto_name(o->pol.proto, buf, sizeof(buf)));
	json_key(j, "client");
	json_string(j, fmt_addr(&o->client, a, sizeof(a)));
	json_key(j, "server");
	json_string(j, fmt_addr(&o->server, a, sizeof(a)));
	json_key(j, "state");
	json_string(j, stls_state_name(o->state, buf, sizeof(buf)));
	json_key(j, "phase");
	json_string(j, stls_phase_name(o->phase, buf, sizeof(buf)));
	json_key(j, "findings");
	json_array_open(j);
	for (i = 0; i < 32; i++)
		if (o->findings & (1U << i))
			json_string(j, stls_finding_name(i, buf,
							 sizeof(buf)));
	json_array_close(j);
	json_key(j, "blocked");
	json_bool(j, o->blocked);
	json_key(j, "age_ms");
	json_u64(j, o->age_ms);
	json_key(j, "idle_ms");
	json_u64(j, o->idle_ms);
	json_object_close(j);
}

/* Netlink ------------------------------------------------------------------ */

static int request(uint8_t cmd, int flags, const struct stls_policy *p,
		   struct stls_list *l)
{
	struct tnl_status st;
	struct tnl nl;
	int rc;

	if (tnl_open(&nl, &st) < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	rc = stls_request(&nl, cmd, flags, p, l, &st);
	tnl_close(&nl);
	if (rc < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* Commands ----------------------------------------------------------------- */

static int take_name(int argc, char **argv, const char *cmd,
		     struct stls_policy *p)
{
	if (argc < 1)
		return cli_usage_error("'starttls policy %s' needs a policy "
				       "name", cmd);
	if (!service_name_valid(argv[0]))
		return cli_usage_error("invalid policy name '%s': 1 to %d "
				       "characters of A-Z a-z 0-9 _ . -",
				       argv[0], TLSGW_NAME_MAX - 1);
	snprintf(p->name, sizeof(p->name), "%s", argv[0]);
	return CLI_EXIT_OK;
}

static int policy_add(int argc, char **argv)
{
	struct stls_policy p;
	char err[160];
	int i, rc;

	memset(&p, 0, sizeof(p));
	rc = take_name(argc, argv, "add", &p);
	if (rc)
		return rc;
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return cli_usage_error("'%s' needs a value", k);
		rc = stls_policy_set(&p, k, v, err, sizeof(err));
		if (rc > 0)
			return cli_usage_error("unexpected argument '%s'", k);
		if (rc < 0)
			return cli_usage_error("%s", err);
	}
	if (!p.proto || !p.n_ranges || !p.has_mode)
		return cli_usage_error("'starttls policy add' needs proto, "
				       "ports and mode");
	return request(TLSGW_CMD_STARTTLS_POLICY_NEW, 0, &p, NULL);
}

static int policy_del(int argc, char **argv)
{
	struct stls_policy p;
	int rc;

	memset(&p, 0, sizeof(p));
	rc = take_name(argc, argv, "del", &p);
	if (rc)
		return rc;
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	return request(TLSGW_CMD_STARTTLS_POLICY_DEL, 0, &p, NULL);
}

static void print_policies(FILE *out, const struct stls_list *l, bool show,
			   const struct cli_opts *opts)
{
	struct json j;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < l->n; i++)
			policy_text(out, &l->v[i]);
		return;
	}
	json_init(&j, out, opts->pretty);
	if (show && l->n) {
		policy_json(&j, &l->v[0]);
	} else {
		json_array_open(&j);
		for (i = 0; i < l->n; i++)
			policy_json(&j, &l->v[i]);
		json_array_close(&j);
	}
	json_finish(&j);
}

static void print_flows(FILE *out, const struct stls_list *l,
			const struct cli_opts *opts)
{
	struct json j;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < l->n; i++)
			flow_text(out, &l->v[i]);
		return;
	}
	json_init(&j, out, opts->pretty);
	json_array_open(&j);
	for (i = 0; i < l->n; i++)
		flow_json(&j, &l->v[i]);
	json_array_close(&j);
	json_finish(&j);
}

static int policy_get(const struct cli_opts *opts, int argc, char **argv,
		      bool show)
{
	struct stls_list l = { 0 };
	struct stls_policy p;
	int rc;

	memset(&p, 0, sizeof(p));
	if (show) {
		rc = take_name(argc, argv, "show", &p);
		if (rc)
			return rc;
		argc--;
		argv++;
	}
	if (argc > 0)
		return cli_usage_error("unexpected argument '%s'", argv[0]);
	rc = request(TLSGW_CMD_STARTTLS_POLICY_GET, show ? 0 : NLM_F_DUMP,
		     show ? &p : NULL, &l);
	if (rc == CLI_EXIT_OK)
		print_policies(stdout, &l, show, opts);
	free(l.v);
	return rc;
}

static int cmd_policy(const struct cli_opts *opts, int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "list"))
		return policy_get(opts, argc ? argc - 1 : 0, argv + 1, false);
	if (!strcmp(argv[0], "show"))
		return policy_get(opts, argc - 1, argv + 1, true);
	if (!strcmp(argv[0], "add"))
		return policy_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del"))
		return policy_del(argc - 1, argv + 1);
	return cli_usage_error("unknown policy command '%s': list, show, add "
			       "or del", argv[0]);
}

static int cmd_flows(const struct cli_opts *opts, int argc, char **argv)
{
	struct stls_list l = { 0 };
	int rc;

	if (argc > 0)
		return cli_usage_error("unexpected argument '%s'", argv[0]);
	rc = request(TLSGW_CMD_STARTTLS_FLOW_GET, NLM_F_DUMP, NULL, &l);
	if (rc == CLI_EXIT_OK)
		print_flows(stdout, &l, opts);
	free(l.v);
	return rc;
}

static const struct cli_cmd starttls_cmds[] = {
	{ "policy", "[list | show NAME | del NAME | add NAME proto "
	  "smtp|pop3|imap|ftp ports P[,P|,A-B...] [dst PREFIX] mode "
	  "monitor|block-cleartext-auth|require-tls|block-injection "
	  "[fail open|closed]]",
	  "manage STARTTLS policies (default: list them with counters)",
	  cmd_policy },
	{ "flows", "", "list the flows the kernel follows", cmd_flows },
	{ 0 }
};

const struct cli_object starttls_object = {
	.name = "starttls",
	.help = "STARTTLS policing of SMTP, POP3, IMAP and FTP flows",
	.default_cmd = "policy",
	.cmds = starttls_cmds,
};
