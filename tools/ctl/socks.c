// SPDX-License-Identifier: GPL-2.0
/*
 * The "socks" object: tlsgwctl socks [list | show NAME | add NAME ... |
 * del NAME | user add|del ... | rule add|del ...].
 */
#define _GNU_SOURCE	/* explicit_bzero() */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "fmt.h"
#include "json.h"
#include "service.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Printing ----------------------------------------------------------------- */

static const char *auth_name(uint32_t auth)
{
	static char buf[16];

	return socks_auth_name(auth, buf, sizeof(buf));
}

static void put_counter(FILE *out, const struct socks_counter *c,
			unsigned int n, unsigned int type)
{
	char buf[32];
	uint64_t v;

	fprintf(out, " %s ", socks_counter_name(type, buf, sizeof(buf)));
	if (socks_counter_get(c, n, type, &v))
		fprintf(out, "%" PRIu64, v);
	else
		fputc('-', out);
}

static void print_line(FILE *out, const struct socks_svc *s)
{
	static const unsigned int shown[] = {
		TLSGW_SOCKS_CTR_ACTIVE, TLSGW_SOCKS_CTR_CONNECTIONS,
		TLSGW_SOCKS_CTR_REQUESTS_OK, TLSGW_SOCKS_CTR_DENIED,
		TLSGW_SOCKS_CTR_AUTH_FAILED, TLSGW_SOCKS_CTR_BYTES_IN,
		TLSGW_SOCKS_CTR_BYTES_OUT,
	};
	char addr[FMT_ADDR_LEN];
	size_t i;

	fmt_sanitized(out, s->name);
	fprintf(out, " listen %s auth %s%s",
		fmt_addr(&s->listen, addr, sizeof(addr)), auth_name(s->auth),
		s->flags & TLSGW_SOCKS_F_OPEN ? " open" : "");
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		put_counter(out, s->counters, s->n_counters, shown[i]);
	fputc('\n', out);
}

static void counters_json(struct json *j, const struct socks_counter *c,
			  unsigned int n)
{
	char buf[32];
	unsigned int i;

	json_object_open(j);
	for (i = 0; i < n; i++) {
		json_key(j, socks_counter_name(c[i].type, buf, sizeof(buf)));
		json_u64(j, c[i].value);
	}
	json_object_close(j);
}

static void rule_json(struct json *j, const struct socks_rule *r)
{
	char buf[64];

	json_object_open(j);
	if (r->has_index) {
		json_key(j, "index");
		json_u64(j, r->index);
	}
	json_key(j, "action");
	json_string(j, r->action == TLSGW_SOCKS_ALLOW ? "allow" :
		    r->action == TLSGW_SOCKS_DENY ? "deny" : "unknown");
	if (r->src.len) {
		json_key(j, "from");
		json_string(j, socks_prefix_text(&r->src, buf, sizeof(buf)));
	}
	if (r->dst.len) {
		json_key(j, "to");
		json_string(j, socks_prefix_text(&r->dst, buf, sizeof(buf)));
	}
	if (r->has_ports) {
		json_key(j, "port_min");
		json_u64(j, r->port_min);
		json_key(j, "port_max");
		json_u64(j, r->port_max);
	}
	if (r->cmds) {
		json_key(j, "commands");
		unsigned int c;

		json_array_open(j);
		for (c = 0; c < 32; c++)
			if (r->cmds & (1U << c))
				json_string(j, socks_cmd_name(c, buf,
							      sizeof(buf)));
		json_array_close(j);
	}
	if (r->user[0]) {
		json_key(j, "user");
		json_string(j, r->user);
	}
	if (r->has_hits) {
		json_key(j, "hits");
		json_u64(j, r->hits);
	}
	json_object_close(j);
}

static void svc_json(struct json *j, const struct socks_svc *s)
{
	char addr[FMT_ADDR_LEN];
	size_t i;

	json_object_open(j);
	json_key(j, "name");
	json_string(j, s->name);
	json_key(j, "listen");
	json_string(j, fmt_addr(&s->listen, addr, sizeof(addr)));
	json_key(j, "auth");
	json_string(j, auth_name(s->auth));
	json_key(j, "open");
	json_bool(j, s->flags & TLSGW_SOCKS_F_OPEN);
	json_key(j, "max_sessions");
	json_u64(j, s->max_sessions);
	json_key(j, "neg_timeout");
	json_u64(j, s->neg_timeout);
	json_key(j, "idle_timeout");
	json_u64(j, s->idle_timeout);
	json_key(j, "counters");
	counters_json(j, s->counters, s->n_counters);
	if (s->has_users) {
		json_key(j, "users");
		json_array_open(j);
		for (i = 0; i < s->n_users; i++) {
			json_object_open(j);
			json_key(j, "name");
			json_string(j, s->users[i].name);
			json_key(j, "counters");
			counters_json(j, s->users[i].counters,
				      s->users[i].n_counters);
			json_object_close(j);
		}
		json_array_close(j);
	}
	if (s->has_rules) {
		json_key(j, "rules");
		json_array_open(j);
		for (i = 0; i < s->n_rules; i++)
			rule_json(j, &s->rules[i]);
		json_array_close(j);
	}
	json_object_close(j);
}

void socks_print_list(FILE *out, const struct socks_svc *v, size_t n,
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
		svc_json(&j, &v[i]);
	json_array_close(&j);
	json_finish(&j);
}

void socks_print_detail(FILE *out, const struct socks_svc *s,
			const struct cli_opts *opts)
{
	char addr[FMT_ADDR_LEN], buf[32];
	struct json j;
	unsigned int i;

	if (opts->json) {
		json_init(&j, out, opts->pretty);
		svc_json(&j, s);
		json_finish(&j);
		return;
	}
	fputs("name ", out);
	fmt_sanitized(out, s->name);
	fprintf(out, "\nlisten %s\nauth %s\nopen %s\nmax-sessions %" PRIu32
		"\nneg-timeout %" PRIu32 "\nidle-timeout %" PRIu32
		"\ncounters:\n", fmt_addr(&s->listen, addr, sizeof(addr)),
		auth_name(s->auth), s->flags & TLSGW_SOCKS_F_OPEN ? "yes" : "no",
		s->max_sessions, s->neg_timeout, s->idle_timeout);
	for (i = 0; i < s->n_counters; i++)
		fprintf(out, "  %s %" PRIu64 "\n",
			socks_counter_name(s->counters[i].type, buf,
					   sizeof(buf)),
			s->counters[i].value);
	if (s->has_users) {
		fprintf(out, "users: %zu\n", s->n_users);
		for (i = 0; i < s->n_users; i++) {
			const struct socks_user *u = &s->users[i];
			unsigned int k;

			fputs("  ", out);
			fmt_sanitized(out, u->name);
			for (k = 0; k < u->n_counters; k++)
				fprintf(out, " %s %" PRIu64,
					socks_counter_name(u->counters[k].type,
							   buf, sizeof(buf)),
					u->counters[k].value);
			fputc('\n', out);
		}
	}
	if (s->has_rules) {
		fprintf(out, "rules: %zu\n", s->n_rules);
		for (i = 0; i < s->n_rules; i++) {
			const struct socks_rule *r = &s->rules[i];

			if (r->has_index)
				fprintf(out, "  %" PRIu32 " ", r->index);
			else
				fprintf(out, "  %u ", i);
			socks_rule_print(out, r);
			if (r->has_hits)
				fprintf(out, " hits %" PRIu64, r->hits);
			fputc('\n', out);
		}
	}
}

/* Netlink ------------------------------------------------------------------ */

static int request(const struct socks_req *r, struct tnl_status *st)
{
	struct tnl nl;
	int rc, one = 1;

	if (tnl_open(&nl, st) < 0)
		return -1;
	/*
	 * A show reply with every user and rule may exceed a page: let libnl
	 * size its buffer to the message (its default in 3.2.28 and later).
	 */
	nl_socket_enable_msg_peek(nl.sk);
	/* An error must not echo a password back into libnl's buffer. */
	(void)setsockopt(nl_socket_get_fd(nl.sk), SOL_NETLINK, NETLINK_CAP_ACK,
			 &one, sizeof(one));
	rc = socks_request(&nl, r, st);
	tnl_close(&nl);
	return rc;
}

static int run(uint8_t cmd, struct socks_req *r)
{
	struct tnl_status st;

	r->cmd = cmd;
	if (request(r, &st) < 0) {
		tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* Arguments ---------------------------------------------------------------- */

static int check_name(const char *what, int argc, char **argv)
{
	if (argc < 1)
		return cli_usage_error("'socks %s' needs a service name", what);
	if (!service_name_valid(argv[0]))
		return cli_usage_error("invalid service name '%s': 1 to %d "
				       "characters of A-Z a-z 0-9 _ . -",
				       argv[0], TLSGW_NAME_MAX - 1);
	return CLI_EXIT_OK;
}

static int parse_u32_arg(const char *key, const char *val, bool *has,
			 uint32_t *v)
{
	if (*has)
		return cli_usage_error("'%s' given twice", key);
	if (!val)
		return cli_usage_error("'%s' needs a value", key);
	if (fmt_parse_u32(val, v) < 0)
		return cli_usage_error("invalid %s '%s': a number from 0 to "
				       "4294967295", key, val);
	*has = true;
	return CLI_EXIT_OK;
}

int socks_parse_add(int argc, char **argv, struct socks_conf *c)
{
	int i, rc = check_name("add", argc, argv);

	memset(c, 0, sizeof(*c));
	if (rc)
		return rc;
	c->name = argv[0];
	for (i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int a;

		if (!strcmp(k, "open")) {
			if (c->flags & TLSGW_SOCKS_F_OPEN)
				return cli_usage_error("'open' given twice");
			c->flags |= TLSGW_SOCKS_F_OPEN;
			c->has_flags = true;
			continue;
		}
		i++;
		if (!strcmp(k, "listen")) {
			if (c->listen_len)
				return cli_usage_error("'listen' given twice");
			if (!v)
				return cli_usage_error("'listen' needs an "
						       "address");
			c->listen_len = socks_parse_listen(v, true, &c->listen);
			if (c->listen_len < 0)
				return cli_usage_error("invalid address '%s': "
						       "ADDR:PORT or "
						       "[IPV6]:PORT", v);
		} else if (!strcmp(k, "auth")) {
			if (c->has_auth)
				return cli_usage_error("'auth' given twice");
			a = v ? socks_parse_auth(v) : -1;
			if (a < 0)
				return cli_usage_error("'auth' takes none or "
						       "userpass");
			c->auth = (uint32_t)a;
			c->has_auth = true;
		} else if (!strcmp(k, "max-sessions")) {
			rc = parse_u32_arg(k, v, &c->has_max, &c->max_sessions);
		} else if (!strcmp(k, "neg-timeout")) {
			rc = parse_u32_arg(k, v, &c->has_neg, &c->neg_timeout);
		} else if (!strcmp(k, "idle-timeout")) {
			rc = parse_u32_arg(k, v, &c->has_idle,
					   &c->idle_timeout);
		} else {
			return cli_usage_error("unexpected argument '%s'", k);
		}
		if (rc)
			return rc;
	}
	if (!c->listen_len)
		return cli_usage_error("'socks add' needs 'listen ADDR:PORT'");
	return CLI_EXIT_OK;
}

/* Commands ----------------------------------------------------------------- */

static int cmd_list(const struct cli_opts *opts, int argc, char **argv)
{
	struct socks_list l = { 0 };
	struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_GET, .flags = NLM_F_DUMP,
			       .reply = &l };
	struct tnl_status st;
	int rc = cli_no_args(argc, argv);

	if (rc)
		return rc;
	if (request(&r, &st) < 0) {
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else {
		socks_print_list(stdout, l.v, l.n, opts);
	}
	socks_list_free(&l);
	return rc;
}

static int cmd_show(const struct cli_opts *opts, int argc, char **argv)
{
	struct socks_list l = { .single = true };
	struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_GET, .reply = &l };
	struct tnl_status st;
	int rc = check_name("show", argc, argv);

	if (rc)
		return rc;
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	r.name = argv[0];
	if (request(&r, &st) < 0) {
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else if (l.n != 1) {
		tnl_bad_reply(&st, "no SOCKS_GET reply before the ack");
		tnl_report(&st);
		rc = CLI_EXIT_FAIL;
	} else {
		socks_print_detail(stdout, l.v, opts);
	}
	socks_list_free(&l);
	return rc;
}

static int cmd_add(const struct cli_opts *opts, int argc, char **argv)
{
	struct socks_conf c;
	struct socks_req r = { 0 };
	int rc = socks_parse_add(argc, argv, &c);

	(void)opts;
	if (rc)
		return rc;
	r.name = c.name;
	r.conf = &c;
	return run(TLSGW_CMD_SOCKS_NEW, &r);
}

static int cmd_del(const struct cli_opts *opts, int argc, char **argv)
{
	struct socks_req r = { 0 };
	int rc = check_name("del", argc, argv);

	(void)opts;
	if (rc)
		return rc;
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	r.name = argv[0];
	return run(TLSGW_CMD_SOCKS_DEL, &r);
}

/*
 * The password, from file or standard input; on a terminal prompted for
 * without echo. Returns its length or -1 (message printed).
 */
static int get_password(const char *file, const char *user, char *buf,
			size_t size)
{
	struct termios old, quiet;
	bool tty = false;
	char err[128];
	int fd = 0, n;

	if (file) {
		fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			cli_error("cannot open password file %s: %s", file,
				  strerror(errno));
			return -1;
		}
	} else if (isatty(0) && tcgetattr(0, &old) == 0) {
		tty = true;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		fprintf(stderr, "Password for %s: ", user);
		fflush(stderr);
		(void)tcsetattr(0, TCSAFLUSH, &quiet);
	}
	n = socks_read_secret(fd, buf, size, err, sizeof(err));
	if (tty)
		(void)tcsetattr(0, TCSAFLUSH, &old);
	if (file)
		close(fd);
	if (n < 0)
		cli_error("%s%s%s", file ? file : "", file ? ": " : "", err);
	return n;
}

static int user_add(int argc, char **argv)
{
	const char *file = NULL;
	char pw[SOCKS_USER_MAX + 2];
	struct socks_req r = { 0 };
	int rc;

	if (argc >= 3 && strcmp(argv[2], "password-file"))
		return cli_usage_error("unexpected argument '%s' (the password "
				       "comes from 'password-file FILE' or "
				       "standard input, never the command "
				       "line)", argv[2]);
	if (argc == 3)
		return cli_usage_error("'password-file' needs a file name");
	if (argc > 4)
		return cli_usage_error("unexpected argument '%s'", argv[4]);
	if (argc == 4)
		file = argv[3];
	r.name = argv[0];
	r.user = argv[1];
	r.password_len = get_password(file, r.user, pw, sizeof(pw));
	if (r.password_len < 0)
		return CLI_EXIT_FAIL;
	r.password = pw;
	rc = run(TLSGW_CMD_SOCKS_USER_NEW, &r);
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

static int check_user(int argc, char **argv)
{
	int rc;

	if (argc < 1 || (strcmp(argv[0], "add") && strcmp(argv[0], "del")))
		return cli_usage_error("'socks user' takes add or del");
	rc = check_name("user", argc - 1, argv + 1);
	if (rc)
		return rc;
	if (argc < 3)
		return cli_usage_error("'socks user %s' needs SERVICE and NAME",
				       argv[0]);
	if (strlen(argv[2]) > SOCKS_USER_MAX || !argv[2][0])
		return cli_usage_error("invalid user name: 1 to %d bytes",
				       SOCKS_USER_MAX);
	return CLI_EXIT_OK;
}

static int cmd_user(const struct cli_opts *opts, int argc, char **argv)
{
	struct socks_req r = { 0 };
	int rc = check_user(argc, argv);

	(void)opts;
	if (rc)
		return rc;
	if (!strcmp(argv[0], "add"))
		return user_add(argc - 1, argv + 1);
	if (argc > 3)
		return cli_usage_error("unexpected argument '%s'", argv[3]);
	r.name = argv[1];
	r.user = argv[2];
	return run(TLSGW_CMD_SOCKS_USER_DEL, &r);
}

static int cmd_rule(const struct cli_opts *opts, int argc, char **argv)
{
	struct socks_rule rule;
	struct socks_req r = { 0 };
	uint32_t index;
	int rc;

	(void)opts;
	if (argc < 1 || (strcmp(argv[0], "add") && strcmp(argv[0], "del")))
		return cli_usage_error("'socks rule' takes add or del");
	rc = check_name("rule", argc - 1, argv + 1);
	if (rc)
		return rc;
	r.name = argv[1];
	r.rule = &rule;
	if (!strcmp(argv[0], "add")) {
		char err[160];

		if (socks_rule_parse(argc - 2, argv + 2, true, &rule, err,
				     sizeof(err)) < 0)
			return cli_usage_error("%s", err);
		return run(TLSGW_CMD_SOCKS_RULE_NEW, &r);
	}
	if (argc < 3)
		return cli_usage_error("'socks rule del' needs SERVICE and "
				       "INDEX");
	if (argc > 3)
		return cli_usage_error("unexpected argument '%s'", argv[3]);
	if (fmt_parse_u32(argv[2], &index) < 0)
		return cli_usage_error("invalid index '%s': a number from 0",
				       argv[2]);
	memset(&rule, 0, sizeof(rule));
	rule.has_index = true;
	rule.index = index;
	return run(TLSGW_CMD_SOCKS_RULE_DEL, &r);
}

static const struct cli_cmd socks_cmds[] = {
	{ "list", "", "the SOCKS5 services with their counters, one per line",
	  cmd_list },
	{ "show", "NAME", "one service: settings, counters, users and rules",
	  cmd_show },
	{ "add", "NAME listen ADDR:PORT [auth none|userpass] [open] "
	  "[max-sessions N] [neg-timeout SECONDS] [idle-timeout SECONDS]",
	  "create a service and start listening (without 'open' it refuses "
	  "every request until rules allow some)", cmd_add },
	{ "del", "NAME", "stop a service, resetting its connections", cmd_del },
	{ "user", "add SERVICE NAME [password-file FILE] | del SERVICE NAME",
	  "add a user or change its password (read from FILE or standard "
	  "input), or remove one", cmd_user },
	{ "rule", "add SERVICE allow|deny [index N] [from PREFIX] [to PREFIX] "
	  "[port P|P-Q] [cmd connect,bind,udp] [user NAME] | del SERVICE INDEX",
	  "insert a rule (appended unless index) or delete one; the first "
	  "rule that matches decides", cmd_rule },
	{ 0 }
};

const struct cli_object socks_object = {
	.name = "socks",
	.help = "SOCKS5 services run by the kernel (users, rules, counters)",
	.default_cmd = "list",
	.cmds = socks_cmds,
};
