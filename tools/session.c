// SPDX-License-Identifier: GPL-2.0
/*
 * The "session" object: tlsgwctl session [list [kind K] [service NAME] |
 * show ID | kill ID].
 */
#include "session.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(TLSGW_SESS_A_MAX < 32, "session attribute bits fit in has");

/* The u64 attributes the kernel reports, and where they go. */
static const struct {
	int attr;
	size_t off;
} u64_attrs[] = {
	{ TLSGW_SESS_A_AGE_MS, offsetof(struct tlsgw_session, age_ms) },
	{ TLSGW_SESS_A_IDLE_MS, offsetof(struct tlsgw_session, idle_ms) },
	{ TLSGW_SESS_A_BYTES_IN, offsetof(struct tlsgw_session, bytes_in) },
	{ TLSGW_SESS_A_BYTES_OUT, offsetof(struct tlsgw_session, bytes_out) },
	{ TLSGW_SESS_A_RECORDS_IN, offsetof(struct tlsgw_session, records_in) },
	{ TLSGW_SESS_A_RECORDS_OUT,
	  offsetof(struct tlsgw_session, records_out) },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const addr_names[SESSION_N_ADDR] = {
	"client_peer", "client_local", "backend_peer", "backend_local",
};

static const char *const kind_names[] = {
	[TLSGW_SESSION_KIND_TLS] = "tls",
	[TLSGW_SESSION_KIND_SOCKS5] = "socks5",
};

const char *session_kind_name(uint32_t kind, char *buf, size_t size)
{
	if (kind < ARRAY_SIZE(kind_names) && kind_names[kind])
		return kind_names[kind];
	snprintf(buf, size, "kind%" PRIu32, kind);
	return buf;
}

int session_kind_parse(const char *name, uint32_t *kind)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(kind_names); i++) {
		if (kind_names[i] && !strcmp(kind_names[i], name)) {
			*kind = i;
			return 0;
		}
	}
	return -1;
}

/*
 * No libnl policy: it only checks minimum lengths. Every length is
 * checked exactly below; TLSGW_SESS_A_PAD and attributes newer than this
 * tool are ignored.
 */
int session_parse_nest(const struct nlattr *nest, struct tlsgw_session *s,
		       struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_SESS_A_MAX + 1];
	unsigned int i;
	int a, err;

	memset(s, 0, sizeof(*s));
	err = nla_parse_nested(tb, TLSGW_SESS_A_MAX, (struct nlattr *)nest,
			       NULL);
	if (err == 0 && !fmt_nest_whole(nest))
		return tnl_bad_reply(st, "truncated attribute in "
				     "a session");
	if (err < 0)
		return tnl_bad_reply(st, "malformed session (%s)",
				     nl_geterror(err));
	if (!tb[TLSGW_SESS_A_ID] || !tb[TLSGW_SESS_A_SERVICE])
		return tnl_bad_reply(st, "session without %s",
				     tb[TLSGW_SESS_A_ID] ? "a service"
							 : "an id");
	if (nla_len(tb[TLSGW_SESS_A_ID]) != sizeof(uint64_t))
		return tnl_bad_reply(st, "session id is not a u64");
	s->id = nla_get_u64(tb[TLSGW_SESS_A_ID]);
	if (fmt_name_attr(tb[TLSGW_SESS_A_SERVICE], s->service,
			  sizeof(s->service)) < 0)
		return tnl_bad_reply(st, "session %" PRIu64 ": bad service "
				     "name", s->id);
	s->has |= 1U << TLSGW_SESS_A_ID | 1U << TLSGW_SESS_A_SERVICE;

	if (tb[TLSGW_SESS_A_KIND]) {
		if (nla_len(tb[TLSGW_SESS_A_KIND]) != sizeof(uint32_t))
			goto bad_len;
		s->kind = nla_get_u32(tb[TLSGW_SESS_A_KIND]);
		s->has |= 1U << TLSGW_SESS_A_KIND;
	}
	if (tb[TLSGW_SESS_A_TLS_VERSION]) {
		if (nla_len(tb[TLSGW_SESS_A_TLS_VERSION]) != sizeof(uint16_t))
			goto bad_len;
		s->version = nla_get_u16(tb[TLSGW_SESS_A_TLS_VERSION]);
		s->has |= 1U << TLSGW_SESS_A_TLS_VERSION;
	}
	if (tb[TLSGW_SESS_A_CIPHER]) {
		if (nla_len(tb[TLSGW_SESS_A_CIPHER]) != sizeof(uint16_t))
			goto bad_len;
		s->cipher = nla_get_u16(tb[TLSGW_SESS_A_CIPHER]);
		s->has |= 1U << TLSGW_SESS_A_CIPHER;
	}
	for (i = 0; i < SESSION_N_ADDR; i++) {
		a = TLSGW_SESS_A_CLIENT_PEER + (int)i;
		if (!tb[a])
			continue;
		if (fmt_addr_parse(tb[a], &s->addr[i]) < 0)
			return tnl_bad_reply(st, "session %" PRIu64 ": %s is "
					     "not a sockaddr_in or "
					     "sockaddr_in6", s->id,
					     addr_names[i]);
		s->has |= 1U << a;
	}
	for (i = 0; i < ARRAY_SIZE(u64_attrs); i++) {
		a = u64_attrs[i].attr;
		if (!tb[a])
			continue;
		if (nla_len(tb[a]) != sizeof(uint64_t))
			goto bad_len;
		*(uint64_t *)((char *)s + u64_attrs[i].off) =
			nla_get_u64(tb[a]);
		s->has |= 1U << a;
	}
	return 0;
bad_len:
	return tnl_bad_reply(st, "session %" PRIu64 ": attribute of the "
			     "wrong size", s->id);
}

int session_parse(struct nl_msg *msg, struct tlsgw_session *s,
		  struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_A_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (fmt_parse_msg(msg, TLSGW_CMD_SESSION_GET, "SESSION_GET reply", tb,
			  st))
		return -1;
	if (!tb[TLSGW_A_SESSION])
		return tnl_bad_reply(st, "SESSION_GET reply without a "
				     "session");
	return session_parse_nest(tb[TLSGW_A_SESSION], s, st);
}

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

	_Static_assert(ARRAY_SIZE(u64_keys) == ARRAY_SIZE(u64_attrs),
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
		json_opt_string(j, addr_names[i],
				session_has(s, TLSGW_SESS_A_CLIENT_PEER + (int)i)
				? fmt_addr(&s->addr[i], buf, sizeof(buf))
				: NULL);
	for (i = 0; i < ARRAY_SIZE(u64_attrs); i++) {
		int a = u64_attrs[i].attr;

		json_key(j, u64_keys[i]);
		if (session_has(s, a))
			json_u64(j, *(const uint64_t *)((const char *)s +
							u64_attrs[i].off));
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

struct session_list {
	struct tlsgw_session *v;
	size_t n, cap;
	const char *service;	/* only these, or NULL for all */
	uint32_t kind;		/* only these, or 0 for all */
	bool single;		/* a doit: exactly one reply */
};

static int on_session(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct session_list *l = arg;
	struct tlsgw_session s;
	struct tlsgw_session *nv;

	if (l->single && l->n)
		return tnl_bad_reply(st, "more than one SESSION_GET reply");
	if (session_parse(msg, &s, st) < 0)
		return -1;
	/* The module filters too; an older one may not know KIND. */
	if (l->service && strcmp(s.service, l->service))
		return 0;
	if (l->kind && (!session_has(&s, TLSGW_SESS_A_KIND) ||
			s.kind != l->kind))
		return 0;
	nv = fmt_grow(l->v, &l->cap, l->n, sizeof(*l->v), st);
	if (!nv)
		return -1;
	l->v = nv;
	l->v[l->n++] = s;
	return 0;
}

/* Sends a session request with id (unless dumping) and collects replies. */
static int session_request(uint8_t cmd, int flags, uint64_t id,
			   tnl_reply_fn fn, struct session_list *l,
			   struct tnl_status *st)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct tnl nl;
	int rc;

	if (tnl_open(&nl, st) < 0)
		return -1;
	msg = tnl_request(&nl, cmd, flags);
	if (!msg)
		goto nomem;
	if (!(flags & NLM_F_DUMP)) {
		nest = nla_nest_start(msg, TLSGW_A_SESSION);
		if (!nest || nla_put_u64(msg, TLSGW_SESS_A_ID, id) < 0) {
			nlmsg_free(msg);
			goto nomem;
		}
		nla_nest_end(msg, nest);
	} else if (l && (l->kind || l->service)) {
		/* The dump's filter. */
		nest = nla_nest_start(msg, TLSGW_A_SESSION);
		if (!nest ||
		    (l->kind && nla_put_u32(msg, TLSGW_SESS_A_KIND,
					    l->kind) < 0) ||
		    (l->service && nla_put_string(msg, TLSGW_SESS_A_SERVICE,
						  l->service) < 0)) {
			nlmsg_free(msg);
			goto nomem;
		}
		nla_nest_end(msg, nest);
	}
	rc = tnl_transact(&nl, msg, fn, l, st);
	tnl_close(&nl);
	return rc;
nomem:
	tnl_close(&nl);
	st->fail = TNL_LOCAL;
	st->code = NLE_NOMEM;
	return -1;
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
	if (session_request(TLSGW_CMD_SESSION_GET, NLM_F_DUMP, 0, on_session,
			    &l, &st) < 0) {
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
	if (session_request(TLSGW_CMD_SESSION_GET, 0, id, on_session, &l,
			    &st) < 0) {
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
	if (session_request(TLSGW_CMD_SESSION_DEL, 0, id, NULL, NULL,
			    &st) < 0) {
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
