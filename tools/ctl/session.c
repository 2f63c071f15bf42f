// SPDX-License-Identifier: GPL-2.0
/*
 * The "session" object: tlsgwctl session [list [kind K] [service NAME] |
 * show ID | kill ID].
 */
#include "ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Text output -------------------------------------------------------------- */

static void put_addr(FILE *out, const struct tlsgw_session *s, unsigned int i)
{
	char buf[FMT_ADDR_LEN];

	fputs(fmt_addr(&s->addr[i], buf, sizeof(buf)), out);
}

static void put_u64(FILE *out, const struct tlsgw_session *s, int attr,
		    uint64_t v)
{
	if (session_has(s, attr))
		fprintf(out, "%" PRIu64, v);
	else
		fputc('-', out);
}

/* Milliseconds as whole seconds ("12s") or with decimals ("12.345s"). */
static void put_ms(FILE *out, const struct tlsgw_session *s, int attr,
		   uint64_t ms, bool decimals)
{
	if (!session_has(s, attr))
		fputc('-', out);
	else if (decimals)
		fprintf(out, "%" PRIu64 ".%03" PRIu64 "s", ms / 1000,
			ms % 1000);
	else
		fprintf(out, "%" PRIu64 "s", ms / 1000);
}

static const char *version_name(const struct tlsgw_session *s, bool short_form,
				char *buf, size_t size)
{
	if (!session_has(s, TLSGW_SESS_A_TLS_VERSION))
		return NULL;
	return fmt_tls_version(s->version, short_form, buf, size);
}

static const char *cipher_name(const struct tlsgw_session *s, char *buf,
			       size_t size)
{
	if (!session_has(s, TLSGW_SESS_A_CIPHER))
		return NULL;
	return fmt_cipher(s->cipher, buf, size);
}

static const char *kind_name(const struct tlsgw_session *s, char *buf,
			     size_t size)
{
	if (!session_has(s, TLSGW_SESS_A_KIND))
		return NULL;
	return session_kind_name(s->kind, buf, size);
}

void session_print_line(FILE *out, const struct tlsgw_session *s)
{
	char buf[32];
	const char *name;

	name = kind_name(s, buf, sizeof(buf));
	fprintf(out, "%" PRIu64 " %s ", s->id, name ? name : "-");
	fmt_sanitized(out, s->service);
	fputc(' ', out);
	put_addr(out, s, 0);
	fputs(" -> ", out);
	put_addr(out, s, 1);
	fputs(" | ", out);
	put_addr(out, s, 3);
	fputs(" -> ", out);
	put_addr(out, s, 2);
	name = version_name(s, false, buf, sizeof(buf));
	fprintf(out, " %s", name ? name : "-");
	name = cipher_name(s, buf, sizeof(buf));
	fprintf(out, " %s in ", name ? name : "-");
	put_u64(out, s, TLSGW_SESS_A_BYTES_IN, s->bytes_in);
	fputs(" out ", out);
	put_u64(out, s, TLSGW_SESS_A_BYTES_OUT, s->bytes_out);
	fputs(" age ", out);
	put_ms(out, s, TLSGW_SESS_A_AGE_MS, s->age_ms, false);
	fputs(" idle ", out);
	put_ms(out, s, TLSGW_SESS_A_IDLE_MS, s->idle_ms, false);
}

void session_print_detail(FILE *out, const struct tlsgw_session *s)
{
	/* Addresses in the order the data flows, as in the list. */
	static const struct {
		const char *label;
		unsigned int i;
	} addrs[] = {
		{ "client-peer", 0 }, { "client-local", 1 },
		{ "backend-local", 3 }, { "backend-peer", 2 },
	};
	char buf[32];
	const char *name;
	unsigned int i;

	name = kind_name(s, buf, sizeof(buf));
	fprintf(out, "id %" PRIu64 "\nkind %s\nservice ", s->id,
		name ? name : "-");
	fmt_sanitized(out, s->service);
	name = version_name(s, false, buf, sizeof(buf));
	fprintf(out, "\nversion %s\n", name ? name : "-");
	name = cipher_name(s, buf, sizeof(buf));
	fprintf(out, "cipher %s\n", name ? name : "-");
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		fprintf(out, "%s ", addrs[i].label);
		put_addr(out, s, addrs[i].i);
		fputc('\n', out);
	}
	fputs("age ", out);
	put_ms(out, s, TLSGW_SESS_A_AGE_MS, s->age_ms, true);
	fputs("\nidle ", out);
	put_ms(out, s, TLSGW_SESS_A_IDLE_MS, s->idle_ms, true);
	fputs("\nbytes-in ", out);
	put_u64(out, s, TLSGW_SESS_A_BYTES_IN, s->bytes_in);
	fputs("\nbytes-out ", out);
	put_u64(out, s, TLSGW_SESS_A_BYTES_OUT, s->bytes_out);
	fputs("\nrecords-in ", out);
	put_u64(out, s, TLSGW_SESS_A_RECORDS_IN, s->records_in);
	fputs("\nrecords-out ", out);
	put_u64(out, s, TLSGW_SESS_A_RECORDS_OUT, s->records_out);
	fputc('\n', out);
}

/* JSON output -------------------------------------------------------------- */

static void json_opt_string(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	if (v)
		json_string(j, v);
	else
		json_null(j);
}

void session_json(struct json *j, const struct tlsgw_session *s)
{
	static const char *const u64_keys[] = {
		"age_ms", "idle_ms", "bytes_in", "bytes_out", "records_in",
		"records_out",
	};
	char buf[FMT_ADDR_LEN];
	unsigned int i;

	_Static_assert(ARRAY_SIZE(u64_keys) == SESSION_N_U64,
		       "a key per u64 attribute");
	json_object_open(j);
	json_key(j, "id");
	json_u64(j, s->id);
	json_opt_string(j, "kind", kind_name(s, buf, sizeof(buf)));
	json_key(j, "service");
	json_string(j, s->service);
	json_opt_string(j, "version", version_name(s, true, buf, sizeof(buf)));
	json_opt_string(j, "cipher", cipher_name(s, buf, sizeof(buf)));
	for (i = 0; i < SESSION_N_ADDR; i++)
		json_opt_string(j, session_addr_names[i],
				session_has(s, TLSGW_SESS_A_CLIENT_PEER + (int)i)
				? fmt_addr(&s->addr[i], buf, sizeof(buf))
				: NULL);
	for (i = 0; i < SESSION_N_U64; i++) {
		int a = session_u64_attrs[i].attr;

		json_key(j, u64_keys[i]);
		if (session_has(s, a))
			json_u64(j, *(const uint64_t *)((const char *)s +
							session_u64_attrs[i].off));
		else
			json_null(j);
	}
	json_object_close(j);
}

void session_print_list(FILE *out, const struct tlsgw_session *v, size_t n,
			const struct cli_opts *opts)
{
	struct json j;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < n; i++) {
			session_print_line(out, &v[i]);
			fputc('\n', out);
		}
		return;
	}
	json_init(&j, out, opts->pretty);
	json_array_open(&j);
	for (i = 0; i < n; i++)
		session_json(&j, &v[i]);
	json_array_close(&j);
	json_finish(&j);
}

/* Netlink ------------------------------------------------------------------ */

static int request(uint8_t cmd, int flags, uint64_t id,
		   struct session_list *l, struct tnl_status *st)
{
	struct tnl nl;
	int rc;

	if (tnl_open(&nl, st) < 0)
		return -1;
	rc = session_request(&nl, cmd, flags, id, l, st);
	tnl_close(&nl);
	return rc;
}

static int parse_id(const char *arg, uint64_t *id)
{
	if (fmt_parse_u64(arg, id) < 0)
		return cli_usage_error("invalid session id '%s'", arg);
	return CLI_EXIT_OK;
}

static int cmd_list(const struct cli_opts *opts, int argc, char **argv)
{
	struct session_list l = { 0 };
	struct tnl_status st;
	int rc = CLI_EXIT_OK;

	while (argc > 0) {
		if (!strcmp(argv[0], "service") && !l.service) {
			if (argc < 2)
				return cli_usage_error("'service' needs a "
						       "name");
			l.service = argv[1];
		} else if (!strcmp(argv[0], "kind") && !l.kind) {
			if (argc < 2)
				return cli_usage_error("'kind' needs tls or "
						       "socks5");
			if (session_kind_parse(argv[1], &l.kind) < 0)
				return cli_usage_error("invalid kind '%s': "
						       "tls or socks5",
						       argv[1]);
		} else {
			return cli_usage_error("unexpected argument '%s'",
					       argv[0]);
		}
		argc -= 2;
		argv += 2;
	}
	if (request(TLSGW_CMD_SESSION_GET, NLM_F_DUMP, 0, &l, &st) < 0) {
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else {
		session_print_list(stdout, l.v, l.n, opts);
	}
	free(l.v);
	return rc;
}

static int cmd_show(const struct cli_opts *opts, int argc, char **argv)
{
	struct session_list l = { .single = true };
	struct tnl_status st;
	struct json j;
	uint64_t id;
	int rc;

	if (argc < 1)
		return cli_usage_error("'session show' needs a session id");
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	rc = parse_id(argv[0], &id);
	if (rc)
		return rc;
	if (request(TLSGW_CMD_SESSION_GET, 0, id, &l, &st) < 0) {
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else if (l.n != 1) {
		tnl_bad_reply(&st, "no SESSION_GET reply before the ack");
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else if (opts->json) {
		json_init(&j, stdout, opts->pretty);
		session_json(&j, l.v);
		json_finish(&j);
	} else {
		session_print_detail(stdout, l.v);
	}
	free(l.v);
	return rc;
}

static int cmd_kill(const struct cli_opts *opts, int argc, char **argv)
{
	struct tnl_status st;
	uint64_t id;
	int rc;

	(void)opts;
	if (argc < 1)
		return cli_usage_error("'session kill' needs a session id");
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	rc = parse_id(argv[0], &id);
	if (rc)
		return rc;
	if (request(TLSGW_CMD_SESSION_DEL, 0, id, NULL, &st) < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static const struct cli_cmd session_cmds[] = {
	{ "list", "[kind tls|socks5] [service NAME]",
	  "the sessions (TLS and SOCKS5), one per line", cmd_list },
	{ "show", "ID", "every detail of one session", cmd_show },
	{ "kill", "ID", "close a session, resetting both connections",
	  cmd_kill },
	{ 0 }
};

const struct cli_object session_object = {
	.name = "session",
	.help = "relayed connections: offloaded TLS sessions and SOCKS5 "
		"connections",
	.default_cmd = "list",
	.cmds = session_cmds,
};
