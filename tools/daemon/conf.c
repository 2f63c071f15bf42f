// SPDX-License-Identifier: GPL-2.0
/*
 * tlsgwd configuration file.
 *
 * Format: one setting per line, "key = value". Blank lines and lines
 * whose first non-blank character is '#' or ';' are ignored (there are
 * no comments after a value). Whitespace around keys and values is
 * dropped. Settings belong to the section opened last:
 *
 *   [global]                     at most once; every key optional
 *   max-pending-handshakes = N   connections accepted but not yet handed
 *                                to the kernel (handshake or backend
 *                                connect); more are closed at once
 *                                (1..65536, default 256)
 *   handshake-timeout = SECONDS  for the TLS handshake, and again for
 *                                the backend connect (1..3600, default 10)
 *   log = stderr|syslog          default stderr (tlsgwd -f forces stderr)
 *   resolver-cache = N           names the SOCKS5 resolver caches
 *                                (0..1000000, default 1024; 0: none)
 *   resolver-cache-ttl = SECONDS how long an answer is kept (1..86400,
 *                                default 30; failures at most 5)
 *   resolver-threads = N         resolver worker threads (1..64, default
 *                                4; read at start only)
 *
 *   [service NAME]               NAME: 1 to 31 of [A-Za-z0-9_.-], unique;
 *                                the kernel service of that name
 *   listen = ADDR:PORT           required, repeatable (up to 16): IPv4
 *                                "0.0.0.0:443" or IPv6 "[::]:443"
 *                                (IPv6 sockets are IPV6_V6ONLY)
 *   backend = ADDR:PORT          required, where the plaintext goes
 *   certificate = CERT KEY       required, repeatable (up to 16): PEM
 *                                chain file (leaf first) and key file.
 *                                The first certificate whose DNS names
 *                                (or CN without any) match the client's
 *                                SNI is used, "*.example.com" wildcards
 *                                included; the first one otherwise
 *   tls-versions = 1.2 1.3       versions to accept (default both)
 *   ciphers = LIST               TLS 1.2 cipher list (OpenSSL syntax)
 *   ciphersuites = LIST          TLS 1.3 ciphersuites (OpenSSL syntax)
 *   alpn = PROTO,PROTO           ALPN protocols offered, by preference
 *   max-sessions = N             live offloaded sessions (0: no service
 *                                limit, the default)
 *   idle-timeout = SECONDS       kernel closes idle sessions (0: never;
 *                                default 300)
 *
 *   [socks NAME]                 a SOCKS5 service the kernel runs; NAME as
 *                                for [service], unique among [socks]
 *   listen = ADDR:PORT           required, once
 *   auth = none|userpass         default none
 *   open = yes|no                allow what no rule matches (default no)
 *   max-sessions = N             1..1000000, default 1000
 *   neg-timeout = SECONDS        1..3600, default 10
 *   idle-timeout = SECONDS       0..604800 (0: never), default 300
 *   user = NAME PASSWORD-FILE    repeatable: the file's first line is the
 *                                password (read when applied)
 *   rule = allow|deny [from PREFIX] [to PREFIX] [port P|P-Q]
 *          [cmd connect,bind,udp] [user NAME]
 *                                repeatable, applied in order
 *
 *   [starttls NAME]              a STARTTLS policy (up to 64); NAME as
 *                                for [service], unique among [starttls];
 *                                the words are tlsgwctl's (starttls_policy.c)
 *   proto = smtp|pop3|imap|ftp   required
 *   ports = P[,P|,P-Q...]        required: 1 to 16 ports or ranges
 *   dst = PREFIX                 optional: IPv4[/LEN] or IPv6[/LEN]
 *   mode = monitor|block-cleartext-auth|require-tls|block-injection
 *                                required
 *   fail = open|closed           optional (default open): what happens to
 *                                connections the kernel cannot follow
 *
 * Only what kTLS can take over is ever negotiated: AES-128-GCM,
 * AES-256-GCM and CHACHA20-POLY1305. Both cipher lists are filtered down
 * to those (a list left with none of them is an error); the defaults are
 * the forward-secret AEAD suites.
 *
 * Errors are reported as "FILE:LINE: message" and parsing goes on, so
 * that one run shows every error.
 */
#define _GNU_SOURCE
#include "conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define DEFAULT_CIPHERS							\
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"	\
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"	\
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"	\
	"DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"		\
	"DHE-RSA-CHACHA20-POLY1305"
#define DEFAULT_CIPHERSUITES						\
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"		\
	"TLS_CHACHA20_POLY1305_SHA256"

struct parser {
	const char *file;
	FILE *err;
	int line;
	int errors;
	struct conf *c;
	struct conf_service *svc;	/* current [service], or NULL */
	struct conf_socks *socks;	/* current [socks], or NULL */
	struct conf_starttls *stls;	/* current [starttls], or NULL */
	bool in_global;
	bool bad_section;	/* its header had an error: skip its keys */
	bool seen_global;
	unsigned int seen;		/* non-repeatable keys seen, by bit */
};

static void perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(p->err, "%s:%d: ", p->file, line);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
	p->errors++;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int conf_parse_addr(const char *s, struct conf_addr *a)
{
	char host[64];
	unsigned long port;
	size_t hlen;

	memset(a, 0, sizeof(*a));
	if (strlen(s) >= sizeof(a->text))
		return -1;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;

		if (!close || close[1] != ':')
			return -1;
		hlen = (size_t)(close - s - 1);
		if (hlen >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (parse_uint(close + 2, 1, 65535, &port) ||
		    inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
		const char *colon = strrchr(s, ':');

		if (!colon)
			return -1;
		hlen = (size_t)(colon - s);
		if (hlen >= sizeof(host))
			return -1;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (parse_uint(colon + 1, 1, 65535, &port) ||
		    inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -1;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		a->len = sizeof(*sin);
	}
	snprintf(a->text, sizeof(a->text), "%s", s);
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n >= TLSGW_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

/* What the header of a [KIND NAME] section must satisfy. */
struct section_kind {
	const char *kind;	/* "socks 'x' already defined ..." */
	const char *what;	/* "invalid SOCKS service name ..." */
	const char *plural;	/* "too many [socks] sections ..." */
	int max;
};

static const struct section_kind service_kind = {
	"service", "service", "services", CONF_SERVICES_MAX
};

static const struct section_kind socks_kind = {
	"socks", "SOCKS service", "[socks] sections", CONF_SOCKS_MAX
};

static const struct section_kind starttls_kind = {
	"starttls", "STARTTLS policy", "[starttls] sections", CONF_STARTTLS_MAX
};

/*
 * Whether name can open a section of kind k: a valid name, not taken
 * (taken: the line of the section of that kind and name, else 0), and
 * fewer than k->max such sections so far (n). Reports why not.
 */
static bool header_ok(struct parser *p, const struct section_kind *k,
		      const char *name, int taken, int n)
{
	if (!valid_name(name))
		perr(p, p->line, "invalid %s name '%s' (1 to %d of A-Z a-z 0-9 "
		     "_ . -)", k->what, name, TLSGW_NAME_MAX - 1);
	else if (taken)
		perr(p, p->line, "%s '%s' already defined at line %d", k->kind,
		     name, taken);
	else if (n == k->max)
		perr(p, p->line, "too many %s (at most %d)", k->plural, k->max);
	else
		p->bad_section = false;
	return !p->bad_section;
}

static void service_section(struct parser *p, const char *name)
{
	struct conf_service *s;
	int i, taken = 0;

	for (i = 0; i < p->c->n_svc; i++)
		if (!strcmp(p->c->svc[i].name, name))
			taken = p->c->svc[i].line;
	if (!header_ok(p, &service_kind, name, taken, p->c->n_svc))
		return;
	s = &p->c->svc[p->c->n_svc++];
	p->svc = s;
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->line = p->line;
	s->min_version = TLS1_2_VERSION;
	s->max_version = TLS1_3_VERSION;
	s->idle_timeout = 300;
}

static void socks_section(struct parser *p, const char *name)
{
	struct conf_socks *k;
	int i, taken = 0;

	for (i = 0; i < p->c->n_socks; i++)
		if (!strcmp(p->c->socks[i].name, name))
			taken = p->c->socks[i].line;
	if (!header_ok(p, &socks_kind, name, taken, p->c->n_socks))
		return;
	k = p->socks = &p->c->socks[p->c->n_socks++];
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->line = p->line;
	k->auth = TLSGW_SOCKS_AUTH_NONE;
	k->max_sessions = 1000;
	k->neg_timeout = 10;
	k->idle_timeout = 300;
}

static void starttls_section(struct parser *p, const char *name)
{
	struct conf_starttls *t;
	int i, taken = 0;

	for (i = 0; i < p->c->n_starttls; i++)
		if (!strcmp(p->c->starttls[i].pol.name, name))
			taken = p->c->starttls[i].line;
	if (!header_ok(p, &starttls_kind, name, taken, p->c->n_starttls))
		return;
	t = &p->c->starttls[p->c->n_starttls++];
	p->stls = t;
	memset(t, 0, sizeof(*t));
	snprintf(t->pol.name, sizeof(t->pol.name), "%s", name);
	t->line = p->line;
}

static void section(struct parser *p, char *s)
{
	char *end = strchr(s, ']');

	p->svc = NULL;
	p->socks = NULL;
	p->stls = NULL;
	p->in_global = false;
	p->bad_section = true;	/* until the header is known good */
	p->seen = 0;
	if (!end || trim(end + 1)[0]) {
		perr(p, p->line, "malformed section header");
		return;
	}
	*end = '\0';
	s = trim(s + 1);
	if (!strcmp(s, "global")) {
		if (p->seen_global)
			perr(p, p->line, "[global] given twice");
		p->seen_global = true;
		p->in_global = true;
		p->bad_section = false;
	} else if (!strncmp(s, "service", 7) && isspace((unsigned char)s[7])) {
		service_section(p, trim(s + 7));
	} else if (!strncmp(s, "socks", 5) && isspace((unsigned char)s[5])) {
		socks_section(p, trim(s + 5));
	} else if (!strncmp(s, "starttls", 8) &&
		   isspace((unsigned char)s[8])) {
		starttls_section(p, trim(s + 8));
	} else {
		perr(p, p->line, "unknown section [%s] (expected [global], "
		     "[service NAME], [socks NAME] or [starttls NAME])", s);
	}
}

/* Non-repeatable keys: one bit each, per section. */
static bool once(struct parser *p, unsigned int bit, const char *key)
{
	if (p->seen & bit) {
		perr(p, p->line, "'%s' given twice in this section", key);
		return false;
	}
	p->seen |= bit;
	return true;
}

static void global_key(struct parser *p, const char *key, const char *val)
{
	unsigned long v;

	if (!strcmp(key, "max-pending-handshakes")) {
		if (!once(p, 1, key))
			return;
		if (parse_uint(val, 1, 65536, &v))
			perr(p, p->line, "max-pending-handshakes must be 1 to 65536");
		else
			p->c->max_pending = (unsigned int)v;
	} else if (!strcmp(key, "handshake-timeout")) {
		if (!once(p, 2, key))
			return;
		if (parse_uint(val, 1, 3600, &v))
			perr(p, p->line, "handshake-timeout must be 1 to 3600 seconds");
		else
			p->c->handshake_timeout = (unsigned int)v;
	} else if (!strcmp(key, "log")) {
		if (!once(p, 4, key))
			return;
		if (!strcmp(val, "stderr"))
			p->c->log = LOG_TO_STDERR;
		else if (!strcmp(val, "syslog"))
			p->c->log = LOG_TO_SYSLOG;
		else
			perr(p, p->line, "log must be stderr or syslog");
	} else if (!strcmp(key, "resolver-cache")) {
		if (!once(p, 8, key))
			return;
		if (parse_uint(val, 0, 1000000, &v))
			perr(p, p->line, "resolver-cache must be 0 to 1000000 "
			     "names");
		else
			p->c->resolver_cache = (unsigned int)v;
	} else if (!strcmp(key, "resolver-cache-ttl")) {
		if (!once(p, 16, key))
			return;
		if (parse_uint(val, 1, 86400, &v))
			perr(p, p->line, "resolver-cache-ttl must be 1 to 86400 "
			     "seconds");
		else
			p->c->resolver_cache_ttl = (unsigned int)v;
	} else if (!strcmp(key, "resolver-threads")) {
		if (!once(p, 32, key))
			return;
		if (parse_uint(val, 1, 64, &v))
			perr(p, p->line, "resolver-threads must be 1 to 64");
		else
			p->c->resolver_threads = (unsigned int)v;
	} else {
		perr(p, p->line, "unknown key '%s' in [global]", key);
	}
}

static void versions(struct parser *p, const char *val)
{
	char buf[64], *tok, *save = NULL;
	bool v12 = false, v13 = false, bad = false;

	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (!strcmp(tok, "1.2"))
			v12 = true;
		else if (!strcmp(tok, "1.3"))
			v13 = true;
		else
			bad = true;
	}
	if (bad || (!v12 && !v13)) {
		perr(p, p->line, "tls-versions takes 1.2 and/or 1.3");
		return;
	}
	p->svc->min_version = v12 ? TLS1_2_VERSION : TLS1_3_VERSION;
	p->svc->max_version = v13 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

static void alpn(struct parser *p, const char *val)
{
	struct conf_service *s = p->svc;
	const char *tok = val;

	s->alpn_len = 0;
	while (*tok) {
		size_t n = strcspn(tok, ",");
		const char *t = tok;

		while (n && isspace((unsigned char)*t)) {
			t++;
			n--;
		}
		while (n && isspace((unsigned char)t[n - 1]))
			n--;
		if (n == 0 || n > 255 || s->alpn_len + 1 + n > sizeof(s->alpn)) {
			perr(p, p->line, "alpn: empty or too long protocol name");
			s->alpn_len = 0;
			return;
		}
		s->alpn[s->alpn_len++] = (unsigned char)n;
		memcpy(s->alpn + s->alpn_len, t, n);
		s->alpn_len += n;
		tok += strcspn(tok, ",");
		if (*tok == ',')
			tok++;
	}
	if (!s->alpn_len)
		perr(p, p->line, "alpn: no protocol given");
}

static void certificate(struct parser *p, const char *val)
{
	struct conf_service *s = p->svc;
	char cert[PATH_MAX], key[PATH_MAX], extra[2];
	struct conf_cert *cc;

	if (sscanf(val, "%4095s %4095s %1s", cert, key, extra) != 2) {
		perr(p, p->line, "certificate takes two files: CERT KEY");
		return;
	}
	if (s->n_certs == CONF_CERTS_MAX) {
		perr(p, p->line, "too many certificates (at most %d)",
		     CONF_CERTS_MAX);
		return;
	}
	cc = &s->certs[s->n_certs++];
	cc->cert_file = strdup(cert);
	cc->key_file = strdup(key);
	cc->line = p->line;
}

static void service_key(struct parser *p, const char *key, const char *val)
{
	struct conf_service *s = p->svc;
	unsigned long v;

	if (!strcmp(key, "listen")) {
		if (s->n_listen == CONF_LISTEN_MAX)
			perr(p, p->line, "too many listen addresses (at most %d)",
			     CONF_LISTEN_MAX);
		else if (conf_parse_addr(val, &s->listen[s->n_listen]))
			perr(p, p->line, "invalid address '%s' (ADDR:PORT or "
			     "[IPV6]:PORT)", val);
		else
			s->n_listen++;
	} else if (!strcmp(key, "backend")) {
		if (!once(p, 1, key))
			return;
		if (conf_parse_addr(val, &s->backend))
			perr(p, p->line, "invalid address '%s' (ADDR:PORT or "
			     "[IPV6]:PORT)", val);
		else
			s->has_backend = true;
	} else if (!strcmp(key, "certificate")) {
		certificate(p, val);
	} else if (!strcmp(key, "tls-versions")) {
		if (once(p, 2, key))
			versions(p, val);
	} else if (!strcmp(key, "ciphers")) {
		if (!once(p, 4, key))
			return;
		s->ciphers = strdup(val);
		s->ciphers_line = p->line;
	} else if (!strcmp(key, "ciphersuites")) {
		if (!once(p, 8, key))
			return;
		s->ciphersuites = strdup(val);
		s->ciphersuites_line = p->line;
	} else if (!strcmp(key, "alpn")) {
		if (once(p, 16, key))
			alpn(p, val);
	} else if (!strcmp(key, "max-sessions")) {
		if (!once(p, 32, key))
			return;
		if (parse_uint(val, 0, UINT32_MAX, &v))
			perr(p, p->line, "max-sessions must be a number (0: no limit)");
		else
			s->max_sessions = (uint32_t)v;
	} else if (!strcmp(key, "idle-timeout")) {
		if (!once(p, 64, key))
			return;
		if (parse_uint(val, 0, UINT32_MAX, &v))
			perr(p, p->line, "idle-timeout must be a number of seconds "
			     "(0: never)");
		else
			s->idle_timeout = (uint32_t)v;
	} else {
		perr(p, p->line, "unknown key '%s' in [service %s]", key,
		     s->name);
	}
}

static void socks_user(struct parser *p, const char *val)
{
	struct conf_socks *k = p->socks;
	char buf[SOCKS_USER_MAX + PATH_MAX + 8], *name, *file, *save = NULL;
	struct conf_socks_user *nu;
	int i;

	snprintf(buf, sizeof(buf), "%s", val);
	name = strtok_r(buf, " \t", &save);
	file = name ? strtok_r(NULL, " \t", &save) : NULL;
	if (strlen(val) >= sizeof(buf) || !file || strtok_r(NULL, " \t", &save) ||
	    strlen(name) > SOCKS_USER_MAX) {
		perr(p, p->line, "user takes a name (1 to %d bytes) and a "
		     "password file: NAME FILE", SOCKS_USER_MAX);
		return;
	}
	for (i = 0; i < k->n_users; i++)
		if (!strcmp(k->users[i].name, name)) {
			perr(p, p->line, "user '%s' already defined at line %d",
			     name, k->users[i].line);
			return;
		}
	if (k->n_users == TLSGW_SOCKS_USERS_MAX) {
		perr(p, p->line, "too many users (at most %d)",
		     TLSGW_SOCKS_USERS_MAX);
		return;
	}
	nu = realloc(k->users, (size_t)(k->n_users + 1) * sizeof(*nu));
	if (!nu) {
		perr(p, p->line, "out of memory");
		return;
	}
	k->users = nu;
	nu = &k->users[k->n_users++];
	nu->name = strdup(name);
	nu->password_file = strdup(file);
	nu->line = p->line;
}

static void socks_rule(struct parser *p, const char *val)
{
	struct conf_socks *k = p->socks;
	char buf[1024], *argv[32], *tok, *save = NULL, err[160];
	struct socks_rule r, *nr;
	int argc = 0, *nl;

	if (strlen(val) >= sizeof(buf)) {
		perr(p, p->line, "rule too long");
		return;
	}
	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (argc == 32) {
			perr(p, p->line, "rule has too many words");
			return;
		}
		argv[argc++] = tok;
	}
	if (socks_rule_parse(argc, argv, false, &r, err, sizeof(err)) < 0) {
		perr(p, p->line, "%s", err);
		return;
	}
	if (k->n_rules == TLSGW_SOCKS_RULES_MAX) {
		perr(p, p->line, "too many rules (at most %d)",
		     TLSGW_SOCKS_RULES_MAX);
		return;
	}
	nr = realloc(k->rules, (size_t)(k->n_rules + 1) * sizeof(*nr));
	if (nr)
		k->rules = nr;
	nl = realloc(k->rule_lines, (size_t)(k->n_rules + 1) * sizeof(*nl));
	if (nl)
		k->rule_lines = nl;
	if (!nr || !nl) {
		perr(p, p->line, "out of memory");
		return;
	}
	k->rules[k->n_rules] = r;
	k->rule_lines[k->n_rules++] = p->line;
}

static void socks_key(struct parser *p, const char *key, const char *val)
{
	struct conf_socks *k = p->socks;
	unsigned long v;
	int a;

	if (!strcmp(key, "listen")) {
		if (!once(p, 1, key))
			return;
		if (conf_parse_addr(val, &k->listen))
			perr(p, p->line, "invalid address '%s' (ADDR:PORT or "
			     "[IPV6]:PORT)", val);
		else
			k->has_listen = true;
	} else if (!strcmp(key, "auth")) {
		if (!once(p, 2, key))
			return;
		a = socks_parse_auth(val);
		if (a < 0)
			perr(p, p->line, "auth must be none or userpass");
		else
			k->auth = (uint32_t)a;
	} else if (!strcmp(key, "open")) {
		if (!once(p, 4, key))
			return;
		if (!strcmp(val, "yes"))
			k->flags |= TLSGW_SOCKS_F_OPEN;
		else if (strcmp(val, "no"))
			perr(p, p->line, "open must be yes or no");
	} else if (!strcmp(key, "max-sessions")) {
		if (!once(p, 8, key))
			return;
		if (parse_uint(val, 1, 1000000, &v))
			perr(p, p->line, "max-sessions must be 1 to 1000000");
		else
			k->max_sessions = (uint32_t)v;
	} else if (!strcmp(key, "neg-timeout")) {
		if (!once(p, 16, key))
			return;
		if (parse_uint(val, 1, 3600, &v))
			perr(p, p->line, "neg-timeout must be 1 to 3600 seconds");
		else
			k->neg_timeout = (uint32_t)v;
	} else if (!strcmp(key, "idle-timeout")) {
		if (!once(p, 32, key))
			return;
		if (parse_uint(val, 0, 604800, &v))
			perr(p, p->line, "idle-timeout must be 0 to 604800 "
			     "seconds (0: never)");
		else
			k->idle_timeout = (uint32_t)v;
	} else if (!strcmp(key, "user")) {
		socks_user(p, val);
	} else if (!strcmp(key, "rule")) {
		socks_rule(p, val);
	} else {
		perr(p, p->line, "unknown key '%s' in [socks %s]", key,
		     k->name);
	}
}

/* The keys of [starttls], in the order of their bits in keys. */
static const char *const starttls_keys[] = {
	"proto", "ports", "dst", "mode", "fail"
};
#define STARTTLS_NKEYS	5U
#define STARTTLS_DST	2U	/* optional */
#define STARTTLS_FAIL	4U	/* optional */

static void starttls_key(struct parser *p, const char *key, const char *val)
{
	struct conf_starttls *t = p->stls;
	char err[200];
	unsigned int i;

	for (i = 0; i < STARTTLS_NKEYS && strcmp(key, starttls_keys[i]); i++)
		;
	if (i == STARTTLS_NKEYS) {
		perr(p, p->line, "unknown key '%s' in [starttls %s]", key,
		     t->pol.name);
		return;
	}
	if (!once(p, 1U << i, key))
		return;
	t->keys |= 1U << i;
	if (stls_policy_set(&t->pol, key, val, err, sizeof(err)))
		perr(p, p->line, "%s", err);
}

static void setting(struct parser *p, char *s)
{
	char *eq = strchr(s, '=');
	char *key, *val;

	if (!eq) {
		perr(p, p->line, "expected 'key = value' or a [section]");
		return;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key) {
		perr(p, p->line, "missing key before '='");
		return;
	}
	if (!*val) {
		perr(p, p->line, "missing value for '%s'", key);
		return;
	}
	if (p->in_global)
		global_key(p, key, val);
	else if (p->svc)
		service_key(p, key, val);
	else if (p->socks)
		socks_key(p, key, val);
	else if (p->stls)
		starttls_key(p, key, val);
	else if (!p->bad_section)
		perr(p, p->line, "'%s' outside a section ([global], "
		     "[service NAME], [socks NAME] or [starttls NAME] first)",
		     key);
	/* else: inside a section whose header had an error, reported */
}

static void check_service(struct parser *p, const struct conf_service *s)
{
	if (!s->n_listen)
		perr(p, s->line, "service '%s' has no 'listen' address", s->name);
	if (!s->has_backend)
		perr(p, s->line, "service '%s' has no 'backend' address", s->name);
	if (!s->n_certs)
		perr(p, s->line, "service '%s' has no 'certificate'", s->name);
}

static bool same_addr(const struct conf_addr *a, const struct conf_addr *b)
{
	return a->len == b->len && !memcmp(&a->ss, &b->ss, a->len);
}

/* Reports listen address j of service i if an earlier one is the same. */
static void dup_listen(struct parser *p, const struct conf *c, int i, int j)
{
	const struct conf_addr *a = &c->svc[i].listen[j];
	int k, l;

	for (k = 0; k <= i; k++)
		for (l = 0; l < (k == i ? j : c->svc[k].n_listen); l++)
			if (same_addr(&c->svc[k].listen[l], a)) {
				perr(p, c->svc[i].line, "listen address %s is "
				     "already used by service '%s'", a->text,
				     c->svc[k].name);
				return;
			}
}

/* A [socks] listen address must not be any other listener's. */
static void dup_socks_listen(struct parser *p, const struct conf *c, int i)
{
	const struct conf_addr *a = &c->socks[i].listen;
	int k, l;

	for (k = 0; k < c->n_svc; k++)
		for (l = 0; l < c->svc[k].n_listen; l++)
			if (same_addr(&c->svc[k].listen[l], a)) {
				perr(p, c->socks[i].line, "listen address %s "
				     "is already used by service '%s'", a->text,
				     c->svc[k].name);
				return;
			}
	for (k = 0; k < i; k++)
		if (c->socks[k].has_listen && same_addr(&c->socks[k].listen, a)) {
			perr(p, c->socks[i].line, "listen address %s is "
			     "already used by socks '%s'", a->text,
			     c->socks[k].name);
			return;
		}
}

static void check_socks(struct parser *p, const struct conf *c, int i)
{
	const struct conf_socks *k = &c->socks[i];

	if (!k->has_listen)
		perr(p, k->line, "socks '%s' has no 'listen' address", k->name);
	else
		dup_socks_listen(p, c, i);
	if (k->auth == TLSGW_SOCKS_AUTH_USERPASS && !k->n_users)
		perr(p, k->line, "socks '%s' has auth = userpass but no 'user'",
		     k->name);
	if (k->auth == TLSGW_SOCKS_AUTH_NONE && k->n_users)
		perr(p, k->users[0].line, "socks '%s': users need auth = "
		     "userpass", k->name);
}

/* The required keys (invalid values were reported where they stand). */
static void check_starttls(struct parser *p, const struct conf_starttls *t)
{
	unsigned int i;

	for (i = 0; i < STARTTLS_NKEYS; i++)
		if (i != STARTTLS_DST && i != STARTTLS_FAIL &&
		    !(t->keys & (1U << i)))
			perr(p, t->line, "starttls '%s' has no '%s'",
			     t->pol.name, starttls_keys[i]);
}

int conf_parse(FILE *in, const char *file, struct conf *c, FILE *err)
{
	struct parser p = { .file = file, .err = err, .c = c };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int i, j;

	memset(c, 0, sizeof(*c));
	c->file = strdup(file);
	c->max_pending = 256;
	c->handshake_timeout = 10;
	c->log = LOG_TO_STDERR;
	c->resolver_cache = 1024;
	c->resolver_cache_ttl = 30;
	c->resolver_threads = 4;
	c->svc = calloc(CONF_SERVICES_MAX, sizeof(*c->svc));
	c->socks = calloc(CONF_SOCKS_MAX, sizeof(*c->socks));
	c->starttls = calloc(CONF_STARTTLS_MAX, sizeof(*c->starttls));
	if (!c->svc || !c->socks || !c->starttls || !c->file) {
		perr(&p, 0, "out of memory");
		return p.errors;
	}
	while ((n = getline(&line, &cap, in)) >= 0) {
		char *s;

		p.line++;
		if ((size_t)n != strlen(line)) {
			perr(&p, p.line, "NUL byte in line");
			continue;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			section(&p, s);
		else
			setting(&p, s);
	}
	free(line);
	for (i = 0; i < c->n_svc; i++)
		check_service(&p, &c->svc[i]);
	/* The same address twice would fail at bind() time: say so now. */
	for (i = 0; i < c->n_svc; i++)
		for (j = 0; j < c->svc[i].n_listen; j++)
			dup_listen(&p, c, i, j);
	for (i = 0; i < c->n_socks; i++)
		check_socks(&p, c, i);
	for (i = 0; i < c->n_starttls; i++)
		check_starttls(&p, &c->starttls[i]);
	/*
	 * [global] alone is a resolver for SOCKS5 services made with
	 * tlsgwctl; a file without any section is a mistake.
	 */
	if (!p.seen_global && !c->n_svc && !c->n_socks && !c->n_starttls)
		perr(&p, p.line, "no [global], [service NAME], [socks NAME] "
		     "or [starttls NAME] section");
	return p.errors;
}

int conf_parse_file(const char *path, struct conf *c, FILE *err)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f) {
		memset(c, 0, sizeof(*c));
		fprintf(err, "%s:0: cannot open: %s\n", path, strerror(errno));
		return 1;
	}
	n = conf_parse(f, path, c, err);
	fclose(f);
	return n;
}

bool conf_ktls_cipher(const SSL_CIPHER *c)
{
	switch (SSL_CIPHER_get_cipher_nid(c)) {
	case NID_aes_128_gcm:
	case NID_aes_256_gcm:
	case NID_chacha20_poly1305:
		return true;
	}
	return false;
}

/* Last OpenSSL error as text, for messages. */
static const char *ssl_err(void)
{
	static char buf[256];
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "unknown error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

static int load_cert(const char *file, int line, struct conf_cert *cc,
		     FILE *err)
{
	FILE *f;
	X509 *x;

	f = fopen(cc->cert_file, "r");
	if (!f) {
		fprintf(err, "%s:%d: cannot open certificate %s: %s\n", file,
			line, cc->cert_file, strerror(errno));
		return 1;
	}
	cc->x509 = PEM_read_X509(f, NULL, NULL, NULL);
	if (!cc->x509) {
		fclose(f);
		fprintf(err, "%s:%d: no PEM certificate in %s: %s\n", file,
			line, cc->cert_file, ssl_err());
		return 1;
	}
	cc->chain = sk_X509_new_null();
	while (cc->chain && (x = PEM_read_X509(f, NULL, NULL, NULL)))
		sk_X509_push(cc->chain, x);
	ERR_clear_error();	/* the end of the file */
	fclose(f);

	f = fopen(cc->key_file, "r");
	if (!f) {
		fprintf(err, "%s:%d: cannot open key %s: %s\n", file, line,
			cc->key_file, strerror(errno));
		return 1;
	}
	cc->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!cc->pkey) {
		fprintf(err, "%s:%d: no PEM private key in %s: %s\n", file,
			line, cc->key_file, ssl_err());
		return 1;
	}
	if (X509_check_private_key(cc->x509, cc->pkey) != 1) {
		ERR_clear_error();
		fprintf(err, "%s:%d: key %s does not match certificate %s\n",
			file, line, cc->key_file, cc->cert_file);
		return 1;
	}
	return 0;
}

/*
 * Expands an OpenSSL cipher string and keeps what kTLS can take:
 * returns a malloc'ed colon-separated list, or NULL (error printed).
 */
static char *ktls_list(const char *file, int line, const char *what,
		       const char *list, bool tls13, FILE *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	STACK_OF(SSL_CIPHER) *sk;
	char *out = NULL;
	size_t len = 0;
	FILE *mem;
	int i, ok, kept = 0;

	if (!ctx) {
		fprintf(err, "%s:%d: %s\n", file, line, ssl_err());
		return NULL;
	}
	ok = tls13 ? SSL_CTX_set_ciphersuites(ctx, list) :
		     SSL_CTX_set_cipher_list(ctx, list);
	if (ok != 1) {
		fprintf(err, "%s:%d: %s: no usable cipher in '%s'\n", file,
			line, what, list);
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	mem = open_memstream(&out, &len);
	sk = SSL_CTX_get_ciphers(ctx);
	for (i = 0; mem && i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		bool is13 = (SSL_CIPHER_get_protocol_id(c) >> 8) == 0x13;

		if (is13 != tls13 || !conf_ktls_cipher(c))
			continue;
		fprintf(mem, "%s%s", kept++ ? ":" : "", SSL_CIPHER_get_name(c));
	}
	if (mem)
		fclose(mem);
	SSL_CTX_free(ctx);
	if (!kept) {
		fprintf(err, "%s:%d: %s: none of '%s' can be offloaded to kTLS "
			"(AES-128-GCM, AES-256-GCM or CHACHA20-POLY1305 "
			"only)\n", file, line, what, list);
		free(out);
		return NULL;
	}
	return out;
}

int conf_load_certs(struct conf *c, FILE *err)
{
	int i, j, errors = 0;

	for (i = 0; i < c->n_svc; i++) {
		struct conf_service *s = &c->svc[i];

		for (j = 0; j < s->n_certs; j++)
			errors += load_cert(c->file, s->certs[j].line,
					    &s->certs[j], err);
		if (s->min_version <= TLS1_2_VERSION) {
			s->ktls_ciphers = ktls_list(c->file,
				s->ciphers ? s->ciphers_line : s->line, "ciphers",
				s->ciphers ? s->ciphers : DEFAULT_CIPHERS, false,
				err);
			errors += !s->ktls_ciphers;
		}
		if (s->max_version >= TLS1_3_VERSION) {
			s->ktls_ciphersuites = ktls_list(c->file,
				s->ciphersuites ? s->ciphersuites_line : s->line,
				"ciphersuites", s->ciphersuites ? s->ciphersuites :
				DEFAULT_CIPHERSUITES, true, err);
			errors += !s->ktls_ciphersuites;
		}
	}
	return errors;
}

int conf_read_password(const struct conf_socks_user *u, char *buf,
		       size_t size, char *err, size_t errsize)
{
	int fd = open(u->password_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int n;

	if (fd < 0) {
		snprintf(err, errsize, "cannot open password file %s: %s",
			 u->password_file, strerror(errno));
		return -1;
	}
	n = socks_read_secret(fd, buf, size, err, errsize);
	close(fd);
	return n;
}

int conf_check_socks(const struct conf *c, FILE *err)
{
	char pw[SOCKS_USER_MAX + 2], msg[PATH_MAX + 128];
	int i, j, errors = 0;

	for (i = 0; i < c->n_socks; i++)
		for (j = 0; j < c->socks[i].n_users; j++) {
			const struct conf_socks_user *u = &c->socks[i].users[j];

			if (conf_read_password(u, pw, sizeof(pw), msg,
					       sizeof(msg)) < 0) {
				fprintf(err, "%s:%d: user %s: %s\n", c->file,
					u->line, u->name, msg);
				errors++;
			}
			explicit_bzero(pw, sizeof(pw));
		}
	return errors;
}

void conf_free(struct conf *c)
{
	int i, j;

	for (i = 0; c->svc && i < c->n_svc; i++) {
		struct conf_service *s = &c->svc[i];

		for (j = 0; j < s->n_certs; j++) {
			free(s->certs[j].cert_file);
			free(s->certs[j].key_file);
			X509_free(s->certs[j].x509);
			sk_X509_pop_free(s->certs[j].chain, X509_free);
			EVP_PKEY_free(s->certs[j].pkey);
		}
		free(s->ciphers);
		free(s->ciphersuites);
		free(s->ktls_ciphers);
		free(s->ktls_ciphersuites);
	}
	for (i = 0; c->socks && i < c->n_socks; i++) {
		struct conf_socks *k = &c->socks[i];

		for (j = 0; j < k->n_users; j++) {
			free(k->users[j].name);
			free(k->users[j].password_file);
		}
		free(k->users);
		free(k->rules);
		free(k->rule_lines);
	}
	free(c->socks);
	free(c->starttls);
	free(c->svc);
	free(c->file);
	memset(c, 0, sizeof(*c));
}
