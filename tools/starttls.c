// SPDX-License-Identifier: GPL-2.0
/*
 * The "starttls" object: tlsgwctl starttls policy [list | show NAME |
 * add NAME proto P ports LIST [dst PREFIX] mode M | del NAME] and
 * tlsgwctl starttls flows.
 */
#include "starttls.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const proto_names[] = {
	[TLSGW_STARTTLS_SMTP] = "smtp",
	[TLSGW_STARTTLS_POP3] = "pop3",
	[TLSGW_STARTTLS_IMAP] = "imap",
	[TLSGW_STARTTLS_FTP] = "ftp",
};

static const char *const mode_names[] = {
	[TLSGW_STARTTLS_MONITOR] = "monitor",
	[TLSGW_STARTTLS_BLOCK_CLEAR_AUTH] = "block-cleartext-auth",
	[TLSGW_STARTTLS_REQUIRE_TLS] = "require-tls",
	[TLSGW_STARTTLS_BLOCK_INJECTION] = "block-injection",
};

static const char *const finding_names[] = {
	[TLSGW_FINDING_OFFERED] = "offered",
	[TLSGW_FINDING_NOT_OFFERED] = "not-offered",
	[TLSGW_FINDING_STRIPPED] = "stripped",
	[TLSGW_FINDING_REQUESTED] = "requested",
	[TLSGW_FINDING_ACCEPTED] = "accepted",
	[TLSGW_FINDING_REFUSED] = "refused",
	[TLSGW_FINDING_TLS_STARTED] = "tls-started",
	[TLSGW_FINDING_TLS_MISSING] = "tls-missing",
	[TLSGW_FINDING_CMD_INJECTION] = "command-injection",
	[TLSGW_FINDING_RESP_INJECTION] = "response-injection",
	[TLSGW_FINDING_CLEAR_AUTH] = "cleartext-auth",
	[TLSGW_FINDING_CCC] = "ccc",
	[TLSGW_FINDING_PRETLS_CMD] = "pre-tls-command",
};

static const char *const phase_names[] = {
	[TLSGW_PHASE_PLAIN] = "plain",
	[TLSGW_PHASE_REQUESTED] = "requested",
	[TLSGW_PHASE_ACCEPTED] = "accepted",
	[TLSGW_PHASE_TLS] = "tls",
	[TLSGW_PHASE_NO_TLS] = "no-tls",
	[TLSGW_PHASE_CCC] = "ccc",
};

static const char *const state_names[] = {
	[TLSGW_FLOW_SYN_SENT] = "syn-sent",
	[TLSGW_FLOW_ESTABLISHED] = "established",
	[TLSGW_FLOW_CLOSING] = "closing",
	[TLSGW_FLOW_CLOSED] = "closed",
	[TLSGW_FLOW_BLOCKED] = "blocked",
};

static const char *name_of(const char *const *names, size_t n, uint32_t v,
			   const char *what, char *buf, size_t size)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, size, "%s%" PRIu32, what, v);
	return buf;
}

#define NAME_OF(tbl, v, what, buf) \
	name_of(tbl, ARRAY_SIZE(tbl), v, what, buf, sizeof(buf))

const char *stls_proto_name(uint32_t v, char *buf, size_t size)
{
	return name_of(proto_names, ARRAY_SIZE(proto_names), v, "proto", buf,
		       size);
}

const char *stls_finding_name(uint32_t v, char *buf, size_t size)
{
	return name_of(finding_names, ARRAY_SIZE(finding_names), v, "finding",
		       buf, size);
}

static int lookup(const char *const *names, size_t n, const char *s,
		  uint32_t *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*v = (uint32_t)i;
			return 0;
		}
	}
	return -1;
}

/* Parsing ------------------------------------------------------------------ */

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (nla_len(a) != sizeof(uint32_t))
		return -1;
	*v = nla_get_u32(a);
	return 0;
}

static int get_u64(const struct nlattr *a, uint64_t *v)
{
	if (nla_len(a) != sizeof(uint64_t))
		return -1;
	*v = nla_get_u64(a);
	return 0;
}

static int parse_policy_attrs(struct nlattr **tb, struct stls_obj *o)
{
	if (tb[TLSGW_STLS_A_PORTS]) {
		int len = nla_len(tb[TLSGW_STLS_A_PORTS]);

		if (len % (int)sizeof(o->ranges[0]) ||
		    len > (int)sizeof(o->ranges))
			return -1;
		memcpy(o->ranges, nla_data(tb[TLSGW_STLS_A_PORTS]), len);
		o->n_ranges = len / sizeof(o->ranges[0]);
	}
	if (tb[TLSGW_STLS_A_DST_ADDR]) {
		int len = nla_len(tb[TLSGW_STLS_A_DST_ADDR]);

		if ((len != 4 && len != 16) || !tb[TLSGW_STLS_A_DST_PREFIX_LEN] ||
		    nla_len(tb[TLSGW_STLS_A_DST_PREFIX_LEN]) != 1)
			return -1;
		o->dst_family = len == 4 ? AF_INET : AF_INET6;
		memcpy(o->dst, nla_data(tb[TLSGW_STLS_A_DST_ADDR]), len);
		o->dst_plen = nla_get_u8(tb[TLSGW_STLS_A_DST_PREFIX_LEN]);
	}
	if (tb[TLSGW_STLS_A_MODE] && get_u32(tb[TLSGW_STLS_A_MODE], &o->mode))
		return -1;
	return 0;
}

static int parse_flow_attrs(struct nlattr **tb, struct stls_obj *o)
{
	if (tb[TLSGW_STLS_A_FLOW_ID]) {
		if (get_u64(tb[TLSGW_STLS_A_FLOW_ID], &o->flow_id))
			return -1;
		o->has_flow = true;
	}
	if ((tb[TLSGW_STLS_A_CLIENT] &&
	     fmt_addr_parse(tb[TLSGW_STLS_A_CLIENT], &o->client)) ||
	    (tb[TLSGW_STLS_A_SERVER] &&
	     fmt_addr_parse(tb[TLSGW_STLS_A_SERVER], &o->server)) ||
	    (tb[TLSGW_STLS_A_STATE] &&
	     get_u32(tb[TLSGW_STLS_A_STATE], &o->state)) ||
	    (tb[TLSGW_STLS_A_PHASE] &&
	     get_u32(tb[TLSGW_STLS_A_PHASE], &o->phase)) ||
	    (tb[TLSGW_STLS_A_FINDINGS] &&
	     get_u32(tb[TLSGW_STLS_A_FINDINGS], &o->findings)) ||
	    (tb[TLSGW_STLS_A_AGE_MS] &&
	     get_u64(tb[TLSGW_STLS_A_AGE_MS], &o->age_ms)) ||
	    (tb[TLSGW_STLS_A_IDLE_MS] &&
	     get_u64(tb[TLSGW_STLS_A_IDLE_MS], &o->idle_ms)))
		return -1;
	o->blocked = tb[TLSGW_STLS_A_BLOCKED] != NULL;
	return 0;
}

int stls_parse_nest(const struct nlattr *nest, struct stls_obj *o,
		    struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_STLS_A_MAX + 1];
	int err;

	memset(o, 0, sizeof(*o));
	err = nla_parse_nested(tb, TLSGW_STLS_A_MAX, (struct nlattr *)nest,
			       NULL);
	if (err == 0 && !fmt_nest_whole(nest))
		return tnl_bad_reply(st, "truncated attribute in STARTTLS "
				     "nest");
	if (err < 0)
		return tnl_bad_reply(st, "malformed STARTTLS nest (%s)",
				     nl_geterror(err));
	if (!tb[TLSGW_STLS_A_NAME] ||
	    fmt_name_attr(tb[TLSGW_STLS_A_NAME], o->name, sizeof(o->name)) < 0)
		return tnl_bad_reply(st, "STARTTLS nest without a valid "
				     "policy name");
	if (!tb[TLSGW_STLS_A_PROTO] || get_u32(tb[TLSGW_STLS_A_PROTO],
					       &o->proto))
		return tnl_bad_reply(st, "STARTTLS nest without a u32 "
				     "protocol");
	if (parse_policy_attrs(tb, o) || parse_flow_attrs(tb, o))
		return tnl_bad_reply(st, "STARTTLS attribute of the wrong "
				     "length");
	if (tb[TLSGW_STLS_A_COUNTERS])
		return info_parse_counters(tb[TLSGW_STLS_A_COUNTERS],
					   o->counters, &o->n_counters, st);
	return 0;
}

/* Printing ----------------------------------------------------------------- */

static void ports_text(FILE *out, const struct stls_obj *o)
{
	unsigned int i;

	for (i = 0; i < o->n_ranges; i++) {
		fprintf(out, "%s%u", i ? "," : "", o->ranges[i].lo);
		if (o->ranges[i].hi != o->ranges[i].lo)
			fprintf(out, "-%u", o->ranges[i].hi);
	}
}

static const char *dst_text(const struct stls_obj *o, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!o->dst_family || !inet_ntop(o->dst_family, o->dst, a, sizeof(a)))
		return NULL;
	snprintf(buf, size, "%s/%u", a, o->dst_plen);
	return buf;
}

static void policy_text(FILE *out, const struct stls_obj *o)
{
	char buf[64], d[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	fmt_sanitized(out, o->name);
	fprintf(out, " proto %s ports ", NAME_OF(proto_names, o->proto,
						  "proto", buf));
	ports_text(out, o);
	if (dst_text(o, d, sizeof(d)))
		fprintf(out, " dst %s", d);
	fprintf(out, " mode %s", NAME_OF(mode_names, o->mode, "mode", buf));
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
	json_string(j, o->name);
	json_key(j, "proto");
	json_string(j, NAME_OF(proto_names, o->proto, "proto", buf));
	json_key(j, "ports");
	json_array_open(j);
	for (i = 0; i < o->n_ranges; i++) {
		json_array_open(j);
		json_u64(j, o->ranges[i].lo);
		json_u64(j, o->ranges[i].hi);
		json_array_close(j);
	}
	json_array_close(j);
	json_key(j, "dst");
	if (dst_text(o, d, sizeof(d)))
		json_string(j, d);
	else
		json_null(j);
	json_key(j, "mode");
	json_string(j, NAME_OF(mode_names, o->mode, "mode", buf));
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
			NAME_OF(finding_names, i, "finding", buf));
		first = false;
	}
	if (first)
		fputc('-', out);
}

static void flow_text(FILE *out, const struct stls_obj *o)
{
	char a[FMT_ADDR_LEN], b[FMT_ADDR_LEN], buf[32];

	fprintf(out, "%" PRIu64 " ", o->flow_id);
	fmt_sanitized(out, o->name);
	fprintf(out, " %s %s -> %s state %s phase %s findings ",
		NAME_OF(proto_names, o->proto, "proto", buf),
		fmt_addr(&o->client, a, sizeof(a)),
		fmt_addr(&o->server, b, sizeof(b)),
		NAME_OF(state_names, o->state, "state", buf),
		NAME_OF(phase_names, o->phase, "phase", buf));
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
	json_string(j, o->name);
	json_key(j, "proto");
	json_string(j, NAME_OF(proto_names, o->proto, "proto", buf));
	json_key(j, "client");
	json_string(j, fmt_addr(&o->client, a, sizeof(a)));
	json_key(j, "server");
	json_string(j, fmt_addr(&o->server, a, sizeof(a)));
	json_key(j, "state");
	json_string(j, NAME_OF(state_names, o->state, "state", buf));
	json_key(j, "phase");
	json_string(j, NAME_OF(phase_names, o->phase, "phase", buf));
	json_key(j, "findings");
	json_array_open(j);
	for (i = 0; i < 32; i++)
		if (o->findings & (1U << i))
			json_string(j, NAME_OF(finding_names, i, "finding",
					       buf));
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

struct stls_list {
	struct stls_obj *v;
	size_t n, cap;
	uint8_t cmd;
};

static int on_obj(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct stls_list *l = arg;
	struct nlattr *tb[TLSGW_A_MAX + 1];
	struct stls_obj *nv;

	if (fmt_parse_msg(msg, l->cmd, "STARTTLS reply", tb, st))
		return -1;
	if (!tb[TLSGW_A_STARTTLS])
		return tnl_bad_reply(st, "STARTTLS reply without "
				     "TLSGW_A_STARTTLS");
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		nv = realloc(l->v, l->cap * sizeof(*l->v));
		if (!nv) {
			st->fail = TNL_LOCAL;
			st->code = NLE_NOMEM;
			return -1;
		}
		l->v = nv;
	}
	if (stls_parse_nest(tb[TLSGW_A_STARTTLS], &l->v[l->n], st) < 0)
		return -1;
	l->n++;
	return 0;
}

struct stls_conf {
	const char *name;
	uint32_t proto, mode;
	unsigned int n_ranges;
	struct tlsgw_port_range ranges[TLSGW_STARTTLS_RANGES_MAX];
	int dst_family;
	uint8_t dst[16], dst_plen;
};

static int put_conf(struct nl_msg *msg, const struct stls_conf *c)
{
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_STARTTLS);

	if (!nest || nla_put_string(msg, TLSGW_STLS_A_NAME, c->name))
		return -1;
	if (c->proto &&
	    (nla_put_u32(msg, TLSGW_STLS_A_PROTO, c->proto) ||
	     nla_put(msg, TLSGW_STLS_A_PORTS,
		     c->n_ranges * sizeof(c->ranges[0]), c->ranges) ||
	     nla_put_u32(msg, TLSGW_STLS_A_MODE, c->mode)))
		return -1;
	if (c->dst_family &&
	    (nla_put(msg, TLSGW_STLS_A_DST_ADDR,
		     c->dst_family == AF_INET ? 4 : 16, c->dst) ||
	     nla_put_u8(msg, TLSGW_STLS_A_DST_PREFIX_LEN, c->dst_plen)))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

static int request(uint8_t cmd, int flags, const struct stls_conf *c,
		   struct stls_list *l)
{
	struct tnl_status st;
	struct nl_msg *msg;
	struct tnl nl;
	int rc;

	if (tnl_open(&nl, &st) < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	msg = tnl_request(&nl, cmd, flags);
	if (!msg || (c && put_conf(msg, c))) {
		nlmsg_free(msg);
		tnl_close(&nl);
		cli_error("out of memory");
		return CLI_EXIT_FAIL;
	}
	if (l)
		l->cmd = cmd == TLSGW_CMD_STARTTLS_FLOW_GET ? cmd
			: TLSGW_CMD_STARTTLS_POLICY_GET;
	rc = tnl_transact(&nl, msg, l ? on_obj : NULL, l, &st);
	tnl_close(&nl);
	if (rc < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* Commands ----------------------------------------------------------------- */

static int parse_ports(const char *s, struct stls_conf *c)
{
	char *dup = strdup(s), *tok, *save = NULL, *dash;
	uint32_t lo, hi;
	int rc = -1;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (c->n_ranges == TLSGW_STARTTLS_RANGES_MAX)
			goto out;
		dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if (fmt_parse_u32(tok, &lo) < 0 ||
		    (dash && fmt_parse_u32(dash + 1, &hi) < 0))
			goto out;
		if (!dash)
			hi = lo;
		if (!lo || lo > hi || hi > 65535)
			goto out;
		c->ranges[c->n_ranges].lo = (uint16_t)lo;
		c->ranges[c->n_ranges].hi = (uint16_t)hi;
		c->n_ranges++;
	}
	rc = c->n_ranges ? 0 : -1;
out:
	free(dup);
	return rc;
}

static int parse_prefix(const char *s, struct stls_conf *c)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint32_t plen;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, c->dst) == 1)
		c->dst_family = AF_INET;
	else if (inet_pton(AF_INET6, buf, c->dst) == 1)
		c->dst_family = AF_INET6;
	else
		return -1;
	plen = c->dst_family == AF_INET ? 32 : 128;
	if (slash && (fmt_parse_u32(slash + 1, &plen) < 0 ||
		      plen > (c->dst_family == AF_INET ? 32U : 128U)))
		return -1;
	c->dst_plen = (uint8_t)plen;
	return 0;
}

static int take_name(int argc, char **argv, const char *cmd,
		     struct stls_conf *c)
{
	if (argc < 1)
		return cli_usage_error("'starttls policy %s' needs a policy "
				       "name", cmd);
	if (!service_name_valid(argv[0]))
		return cli_usage_error("invalid policy name '%s': 1 to %d "
				       "characters of A-Z a-z 0-9 _ . -",
				       argv[0], TLSGW_NAME_MAX - 1);
	c->name = argv[0];
	return CLI_EXIT_OK;
}

static int policy_add(int argc, char **argv)
{
	struct stls_conf c;
	bool has_mode = false;
	int i, rc;

	memset(&c, 0, sizeof(c));
	rc = take_name(argc, argv, "add", &c);
	if (rc)
		return rc;
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return cli_usage_error("'%s' needs a value", k);
		if (!strcmp(k, "proto")) {
			if (lookup(proto_names, ARRAY_SIZE(proto_names), v,
				   &c.proto))
				return cli_usage_error("unknown protocol '%s': "
						       "smtp, pop3, imap or "
						       "ftp", v);
		} else if (!strcmp(k, "ports")) {
			if (parse_ports(v, &c))
				return cli_usage_error("invalid ports '%s': "
						       "e.g. 25,587,2525-2526",
						       v);
		} else if (!strcmp(k, "dst")) {
			if (parse_prefix(v, &c))
				return cli_usage_error("invalid prefix '%s'",
						       v);
		} else if (!strcmp(k, "mode")) {
			if (lookup(mode_names, ARRAY_SIZE(mode_names), v,
				   &c.mode))
				return cli_usage_error("unknown mode '%s': "
						       "monitor, "
						       "block-cleartext-auth, "
						       "require-tls or "
						       "block-injection", v);
			has_mode = true;
		} else {
			return cli_usage_error("unexpected argument '%s'", k);
		}
	}
	if (!c.proto || !c.n_ranges || !has_mode)
		return cli_usage_error("'starttls policy add' needs proto, "
				       "ports and mode");
	return request(TLSGW_CMD_STARTTLS_POLICY_NEW, 0, &c, NULL);
}

static int policy_del(int argc, char **argv)
{
	struct stls_conf c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = take_name(argc, argv, "del", &c);
	if (rc)
		return rc;
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	return request(TLSGW_CMD_STARTTLS_POLICY_DEL, 0, &c, NULL);
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
	struct stls_conf c;
	int rc;

	memset(&c, 0, sizeof(c));
	if (show) {
		rc = take_name(argc, argv, "show", &c);
		if (rc)
			return rc;
		argc--;
		argv++;
	}
	if (argc > 0)
		return cli_usage_error("unexpected argument '%s'", argv[0]);
	rc = request(TLSGW_CMD_STARTTLS_POLICY_GET, show ? 0 : NLM_F_DUMP,
		     show ? &c : NULL, &l);
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
	  "monitor|block-cleartext-auth|require-tls|block-injection]",
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
