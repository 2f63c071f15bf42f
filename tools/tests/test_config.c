// SPDX-License-Identifier: GPL-2.0
/* Unit tests for tlsgwd's configuration parser (daemon/conf.c), TAP. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "test_cert.h"
#include "conf.h"

#define PLAN 73

static char dir[] = "/tmp/test_config.XXXXXX";
static char cert_a[256], key_a[256], cert_b[256], key_b[256];
static char *out;
static size_t out_len;

/* Parses text; returns the error messages (all of them, "" if none). */
static const char *parse(const char *text, struct conf *c, int *errors)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *err;

	free(out);
	out = NULL;
	err = open_memstream(&out, &out_len);
	if (!in || !err) {
		perror("fmemopen");
		exit(1);
	}
	*errors = conf_parse(in, "t.conf", c, err);
	fclose(in);
	fclose(err);
	return out;
}

/* One config that must fail with exactly these messages. */
static void bad(const char *text, const char *want, const char *desc)
{
	struct conf c;
	int n;

	tap_is(parse(text, &c, &n), want, desc);
	conf_free(&c);
}

#define SVC "[service s]\nlisten = 127.0.0.1:4430\nbackend = 127.0.0.1:80\n" \
	"certificate = a.pem a.key\n"

static void test_valid(void)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"[global]\n"
		"  max-pending-handshakes = 32   \n"
		"handshake-timeout=5\n"
		"log = syslog\n"
		"; another comment\n"
		"[service https]\n"
		"listen = 0.0.0.0:443\n"
		"listen = [::]:443\n"
		"backend = [::1]:8080\n"
		"certificate = a.pem a.key\n"
		"certificate = b.pem   b.key\n"
		"tls-versions = 1.3\n"
		"alpn = h2, http/1.1\n"
		"max-sessions = 1000\n"
		"[service smtps]\n"
		"listen = 192.0.2.1:465\n"
		"backend = 127.0.0.1:587\n"
		"certificate = m.pem m.key\n"
		"idle-timeout = 0\n";
	const struct conf_service *s;
	struct sockaddr_in6 *v6;
	struct conf c;
	int n;

	tap_is(parse(text, &c, &n), "", "valid configuration: no errors");
	tap_ok(n == 0 && c.n_svc == 2, "two services");
	tap_ok(c.max_pending == 32 && c.handshake_timeout == 5 &&
	       c.log == LOG_TO_SYSLOG, "[global] values");
	s = &c.svc[0];
	tap_is(s->name, "https", "service name");
	v6 = (struct sockaddr_in6 *)&s->listen[1].ss;
	tap_ok(s->n_listen == 2 && s->listen[0].ss.ss_family == AF_INET &&
	       v6->sin6_family == AF_INET6 && ntohs(v6->sin6_port) == 443 &&
	       s->listen[1].len == sizeof(*v6), "IPv4 and [IPv6] listen");
	tap_ok(s->has_backend && s->backend.ss.ss_family == AF_INET6,
	       "IPv6 backend");
	tap_ok(s->n_certs == 2 && !strcmp(s->certs[1].cert_file, "b.pem") &&
	       !strcmp(s->certs[1].key_file, "b.key") && s->certs[1].line == 13,
	       "two certificates, with their line");
	tap_ok(s->min_version == TLS1_3_VERSION &&
	       s->max_version == TLS1_3_VERSION, "tls-versions = 1.3");
	tap_ok(s->alpn_len == 12 && !memcmp(s->alpn, "\2h2\10http/1.1", 12),
	       "alpn in wire format, spaces trimmed");
	tap_ok(s->max_sessions == 1000 && s->idle_timeout == 300,
	       "max-sessions; idle-timeout defaults to 300");
	s = &c.svc[1];
	tap_ok(s->idle_timeout == 0 && s->min_version == TLS1_2_VERSION &&
	       s->max_version == TLS1_3_VERSION,
	       "idle-timeout 0; versions default to 1.2 and 1.3");
	conf_free(&c);

	parse(SVC, &c, &n);
	tap_ok(n == 0 && c.max_pending == 256 && c.handshake_timeout == 10 &&
	       c.log == LOG_TO_STDERR, "[global] is optional, with defaults");
	conf_free(&c);

	/* A resolver for services made with tlsgwctl. */
	parse("[global]\nresolver-threads = 2\n", &c, &n);
	tap_ok(n == 0 && !c.n_svc && !c.n_socks && !c.n_starttls &&
	       c.resolver_threads == 2, "[global] alone is a configuration");
	conf_free(&c);
}

static void test_errors(void)
{
	bad(SVC "oops\n", "t.conf:5: expected 'key = value' or a [section]\n",
	    "line without '='");
	bad("backend = 1.2.3.4:5\n" SVC,
	    "t.conf:1: 'backend' outside a section ([global], "
	    "[service NAME], [socks NAME] or [starttls NAME] first)\n",
	    "key before any section");
	bad("[bogus]\nfoo = bar\n" SVC,
	    "t.conf:1: unknown section [bogus] (expected [global], "
	    "[service NAME], [socks NAME] or [starttls NAME])\n",
	    "unknown section; its keys not reported");
	bad("[service\n" SVC, "t.conf:1: malformed section header\n",
	    "unterminated section header");
	bad("[service a/b]\n" SVC,
	    "t.conf:1: invalid service name 'a/b' (1 to 31 of A-Z a-z 0-9 _ . -)\n",
	    "bad service name");
	bad("[service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n" SVC,
	    "t.conf:1: invalid service name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' "
	    "(1 to 31 of A-Z a-z 0-9 _ . -)\n", "service name too long");
	bad(SVC "[service s]\n",
	    "t.conf:5: service 's' already defined at line 1\n",
	    "duplicate service");
	bad("[global]\n[global]\n" SVC, "t.conf:2: [global] given twice\n",
	    "[global] twice");
	bad(SVC "colour = blue\n",
	    "t.conf:5: unknown key 'colour' in [service s]\n",
	    "unknown service key");
	bad("[global]\nlisten = 1.2.3.4:5\n" SVC,
	    "t.conf:2: unknown key 'listen' in [global]\n",
	    "service key in [global]");
	bad(SVC "backend = 127.0.0.1:81\n",
	    "t.conf:5: 'backend' given twice in this section\n",
	    "backend twice");
	bad(SVC "listen = 127.0.0.1\nlisten = [::1]443\nlisten = 1.2.3.4:0\n"
	    "listen = 1.2.3.4:65536\nlisten = localhost:443\n"
	    "listen = [1.2.3.4]:443\n",
	    "t.conf:5: invalid address '127.0.0.1' (ADDR:PORT or [IPV6]:PORT)\n"
	    "t.conf:6: invalid address '[::1]443' (ADDR:PORT or [IPV6]:PORT)\n"
	    "t.conf:7: invalid address '1.2.3.4:0' (ADDR:PORT or [IPV6]:PORT)\n"
	    "t.conf:8: invalid address '1.2.3.4:65536' (ADDR:PORT or [IPV6]:PORT)\n"
	    "t.conf:9: invalid address 'localhost:443' (ADDR:PORT or [IPV6]:PORT)\n"
	    "t.conf:10: invalid address '[1.2.3.4]:443' (ADDR:PORT or [IPV6]:PORT)\n",
	    "bad addresses, every one reported");
	bad(SVC "listen =\n", "t.conf:5: missing value for 'listen'\n",
	    "empty value");
	bad(SVC "= x\n", "t.conf:5: missing key before '='\n", "empty key");
	bad(SVC "tls-versions = 1.1 1.2\n",
	    "t.conf:5: tls-versions takes 1.2 and/or 1.3\n", "TLS 1.1 refused");
	bad("[global]\nmax-pending-handshakes = 0\nhandshake-timeout = 1s\n"
	    "log = file\n" SVC,
	    "t.conf:2: max-pending-handshakes must be 1 to 65536\n"
	    "t.conf:3: handshake-timeout must be 1 to 3600 seconds\n"
	    "t.conf:4: log must be stderr or syslog\n", "bad [global] values");
	bad(SVC "max-sessions = -1\nidle-timeout = 4294967296\n",
	    "t.conf:5: max-sessions must be a number (0: no limit)\n"
	    "t.conf:6: idle-timeout must be a number of seconds (0: never)\n",
	    "bad numbers");
	bad(SVC "certificate = only-one.pem\ncertificate = a b c\n",
	    "t.conf:5: certificate takes two files: CERT KEY\n"
	    "t.conf:6: certificate takes two files: CERT KEY\n",
	    "certificate needs exactly two files");
	bad(SVC "alpn = h2,,http/1.1\n",
	    "t.conf:5: alpn: empty or too long protocol name\n",
	    "empty ALPN protocol");
	bad("[service s]\n",
	    "t.conf:1: service 's' has no 'listen' address\n"
	    "t.conf:1: service 's' has no 'backend' address\n"
	    "t.conf:1: service 's' has no 'certificate'\n",
	    "required keys, reported at the section");
	bad(SVC "[service t]\nlisten = 127.0.0.1:4430\nbackend = 127.0.0.1:80\n"
	    "certificate = a b\n",
	    "t.conf:5: listen address 127.0.0.1:4430 is already used by "
	    "service 's'\n", "same listen address twice");
	bad("# nothing\n", "t.conf:1: no [global], [service NAME], "
	    "[socks NAME] or [starttls NAME] section\n", "no section");
}

/* conf_load_certs() on a parsed config; returns its messages. */
static const char *load(const char *text, struct conf *c, int *errors)
{
	FILE *err;

	parse(text, c, errors);
	if (*errors)
		return out;
	free(out);
	out = NULL;
	err = open_memstream(&out, &out_len);
	*errors = conf_load_certs(c, err);
	fclose(err);
	return out;
}

static void test_certs(void)
{
	char text[2048], want[1024];
	struct conf c;
	int n;

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n"
		 "certificate = %s %s\n", cert_a, key_a, cert_b, key_b);
	tap_is(load(text, &c, &n), "", "certificates and keys load");
	tap_ok(n == 0 && c.svc[0].certs[0].x509 && c.svc[0].certs[1].pkey,
	       "loaded objects");
	tap_ok(c.svc[0].ktls_ciphers && c.svc[0].ktls_ciphersuites &&
	       strstr(c.svc[0].ktls_ciphers, "ECDHE-ECDSA-AES128-GCM-SHA256") &&
	       strstr(c.svc[0].ktls_ciphersuites, "TLS_CHACHA20_POLY1305_SHA256"),
	       "default cipher lists");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n", cert_a, key_b);
	snprintf(want, sizeof(want), "t.conf:4: key %s does not match "
		 "certificate %s\n", key_b, cert_a);
	tap_is(load(text, &c, &n), want, "key that does not match");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s/none.pem %s\n",
		 dir, key_a);
	snprintf(want, sizeof(want), "t.conf:4: cannot open certificate "
		 "%s/none.pem: No such file or directory\n", dir);
	tap_is(load(text, &c, &n), want, "missing certificate file");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n", key_a, key_a);
	load(text, &c, &n);
	tap_ok(n == 1 && strstr(out, "t.conf:4: no PEM certificate in "),
	       "a key is not a certificate");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n"
		 "ciphers = AES128-SHA:ECDHE-ECDSA-AES256-SHA384:"
		 "ECDHE-RSA-AES256-GCM-SHA384\n"
		 "ciphersuites = TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384\n",
		 cert_a, key_a);
	tap_is(load(text, &c, &n), "", "mixed cipher lists load");
	tap_is(c.svc[0].ktls_ciphers, "ECDHE-RSA-AES256-GCM-SHA384",
	       "TLS 1.2 list filtered to what kTLS takes");
	tap_is(c.svc[0].ktls_ciphersuites, "TLS_AES_256_GCM_SHA384",
	       "TLS 1.3 list filtered (no CCM)");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n"
		 "ciphers = AES128-SHA:DHE-RSA-AES256-SHA256\n"
		 "ciphersuites = TLS_AES_128_CCM_SHA256\n", cert_a, key_a);
	tap_is(load(text, &c, &n),
	       "t.conf:5: ciphers: none of 'AES128-SHA:DHE-RSA-AES256-SHA256' "
	       "can be offloaded to kTLS (AES-128-GCM, AES-256-GCM or "
	       "CHACHA20-POLY1305 only)\n"
	       "t.conf:6: ciphersuites: none of 'TLS_AES_128_CCM_SHA256' can be "
	       "offloaded to kTLS (AES-128-GCM, AES-256-GCM or "
	       "CHACHA20-POLY1305 only)\n", "only non-kTLS ciphers: errors");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n"
		 "tls-versions = 1.3\nciphers = nonsense\n", cert_a, key_a);
	tap_is(load(text, &c, &n), "",
	       "the TLS 1.2 list is not checked when only 1.3 is on");
	conf_free(&c);

	snprintf(text, sizeof(text), "[service s]\nlisten = 127.0.0.1:1\n"
		 "backend = 127.0.0.1:2\ncertificate = %s %s\n"
		 "ciphers = nonsense\n", cert_a, key_a);
	tap_is(load(text, &c, &n), "t.conf:5: ciphers: no usable cipher in "
	       "'nonsense'\n", "unknown cipher names");
	conf_free(&c);
}

static void test_socks(void)
{
	static const char text[] =
		"[global]\n"
		"resolver-cache = 10\n"
		"resolver-cache-ttl = 60\n"
		"resolver-threads = 2\n"
		"[socks proxy]\n"
		"listen = [::1]:1080\n"
		"auth = userpass\n"
		"open = yes\n"
		"max-sessions = 50\n"
		"neg-timeout = 5\n"
		"idle-timeout = 0\n"
		"user = alice /etc/alice.pw\n"
		"user = bob   /etc/bob.pw\n"
		"rule = deny to 10.0.0.0/8\n"
		"rule = allow port 80-443 cmd connect user alice\n"
		"[socks lab]\n"
		"listen = 127.0.0.1:1081\n";
	const struct conf_socks *k;
	char want[1024], pwfile[300];
	struct conf c;
	FILE *f;
	int n;

	tap_is(parse(text, &c, &n), "", "[socks] sections alone are valid");
	tap_ok(n == 0 && c.n_svc == 0 && c.n_socks == 2 &&
	       c.resolver_cache == 10 && c.resolver_cache_ttl == 60 &&
	       c.resolver_threads == 2, "two socks; resolver keys");
	k = &c.socks[0];
	tap_ok(!strcmp(k->name, "proxy") && k->has_listen &&
	       k->listen.ss.ss_family == AF_INET6 &&
	       k->auth == TLSGW_SOCKS_AUTH_USERPASS &&
	       k->flags == TLSGW_SOCKS_F_OPEN && k->max_sessions == 50 &&
	       k->neg_timeout == 5 && k->idle_timeout == 0,
	       "socks settings");
	tap_ok(k->n_users == 2 && !strcmp(k->users[1].name, "bob") &&
	       !strcmp(k->users[1].password_file, "/etc/bob.pw") &&
	       k->users[1].line == 13, "users with files and lines");
	tap_ok(k->n_rules == 2 && k->rules[0].action == TLSGW_SOCKS_DENY &&
	       k->rules[0].dst.len == 4 && k->rules[0].dst.plen == 8 &&
	       k->rules[1].has_ports && k->rules[1].port_max == 443 &&
	       !strcmp(k->rules[1].user, "alice") && k->rule_lines[1] == 15 &&
	       !k->rules[1].has_index, "rules in order");
	k = &c.socks[1];
	tap_ok(k->auth == TLSGW_SOCKS_AUTH_NONE && !k->flags &&
	       k->max_sessions == 1000 && k->neg_timeout == 10 &&
	       k->idle_timeout == 300 && !k->n_users && !k->n_rules,
	       "socks defaults");
	conf_free(&c);

	parse(SVC, &c, &n);
	tap_ok(c.resolver_cache == 1024 && c.resolver_cache_ttl == 30 &&
	       c.resolver_threads == 4, "resolver defaults");
	conf_free(&c);

	bad("[socks p]\nlisten = 1.2.3.4:1\nauth = gssapi\nopen = maybe\n"
	    "max-sessions = 0\nneg-timeout = 3601\nidle-timeout = 604801\n"
	    "rule = allow port 9-1\nrule = allow index 2\nrule = permit\n"
	    "user = onlyname\nflavour = x\n",
	    "t.conf:3: auth must be none or userpass\n"
	    "t.conf:4: open must be yes or no\n"
	    "t.conf:5: max-sessions must be 1 to 1000000\n"
	    "t.conf:6: neg-timeout must be 1 to 3600 seconds\n"
	    "t.conf:7: idle-timeout must be 0 to 604800 seconds (0: never)\n"
	    "t.conf:8: invalid port range '9-1': the first port is above the "
	    "last\n"
	    "t.conf:9: 'index' is not taken here: rules apply in the order "
	    "given\n"
	    "t.conf:10: a rule starts with allow or deny, not 'permit'\n"
	    "t.conf:11: user takes a name (1 to 255 bytes) and a password "
	    "file: NAME FILE\n"
	    "t.conf:12: unknown key 'flavour' in [socks p]\n",
	    "bad socks values, each on its line");
	bad("[socks p]\nauth = userpass\n[socks p]\n"
	    "[socks q]\nlisten = 127.0.0.1:4430\nuser = a f\nuser = a g\n"
	    SVC "[socks r/s]\n",
	    "t.conf:3: socks 'p' already defined at line 1\n"
	    "t.conf:7: user 'a' already defined at line 6\n"
	    "t.conf:12: invalid SOCKS service name 'r/s' (1 to 31 of A-Z a-z "
	    "0-9 _ . -)\n"
	    "t.conf:1: socks 'p' has no 'listen' address\n"
	    "t.conf:1: socks 'p' has auth = userpass but no 'user'\n"
	    "t.conf:4: listen address 127.0.0.1:4430 is already used by "
	    "service 's'\n"
	    "t.conf:6: socks 'q': users need auth = userpass\n",
	    "socks section errors");
	bad("[global]\nresolver-cache = -1\nresolver-cache-ttl = 0\n"
	    "resolver-threads = 65\n" SVC,
	    "t.conf:2: resolver-cache must be 0 to 1000000 names\n"
	    "t.conf:3: resolver-cache-ttl must be 1 to 86400 seconds\n"
	    "t.conf:4: resolver-threads must be 1 to 64\n",
	    "bad resolver values");

	/* Password files: readable, one usable line. */
	snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
	f = fopen(pwfile, "w");
	fputs("hunter2\n", f);
	fclose(f);
	snprintf(want, sizeof(want), "[socks p]\nlisten = 127.0.0.1:1\n"
		 "auth = userpass\nuser = a %s\nuser = b %s/none\n", pwfile,
		 dir);
	parse(want, &c, &n);
	free(out);
	out = NULL;
	f = open_memstream(&out, &out_len);
	n = conf_check_socks(&c, f);
	fclose(f);
	snprintf(want, sizeof(want), "t.conf:5: user b: cannot open password "
		 "file %s/none: No such file or directory\n", dir);
	tap_ok(n == 1, "one unreadable password file");
	tap_is(out, want, "password file errors name file and line");
	conf_free(&c);
	unlink(pwfile);
}

static void test_starttls(void)
{
	static const char text[] =
		"[starttls mail]\n"
		"proto = smtp\n"
		"ports = 25,587, 2525-2526\n"
		"mode = block-cleartext-auth\n"
		"[starttls ftp.v6]\n"
		"mode = require-tls\n"
		"dst = 2001:db8:2::/64\n"
		"ports = 21\n"
		"proto = ftp\n"
		"fail = closed\n"
		"[starttls imap]\n"
		"proto = imap\n"
		"ports = 143\n"
		"dst = 198.51.100.7\n"
		"mode = monitor\n";
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2 };
	static const uint8_t v4[4] = { 198, 51, 100, 7 };
	const struct stls_policy *t;
	char many[64 * 80 + 200];
	size_t len = 0;
	struct conf c;
	int n, i;

	tap_is(parse(text, &c, &n), "", "[starttls] sections alone are valid");
	tap_ok(n == 0 && c.n_svc == 0 && c.n_socks == 0 && c.n_starttls == 3,
	       "three policies");
	t = &c.starttls[0].pol;
	tap_ok(!strcmp(t->name, "mail") && t->proto == TLSGW_STARTTLS_SMTP &&
	       t->has_mode && t->mode == TLSGW_STARTTLS_BLOCK_CLEAR_AUTH &&
	       !t->dst_family && c.starttls[0].line == 1,
	       "mail: smtp, block-cleartext-auth, no dst, line 1");
	tap_ok(t->n_ranges == 3 && t->ranges[0].lo == 25 &&
	       t->ranges[0].hi == 25 && t->ranges[1].lo == 587 &&
	       t->ranges[2].lo == 2525 && t->ranges[2].hi == 2526,
	       "ports and a range, in order (blanks around commas too)");
	t = &c.starttls[1].pol;
	tap_ok(!strcmp(t->name, "ftp.v6") && t->proto == TLSGW_STARTTLS_FTP &&
	       t->mode == TLSGW_STARTTLS_REQUIRE_TLS &&
	       t->dst_family == AF_INET6 && t->dst_plen == 64 &&
	       !memcmp(t->dst, v6, 16) && t->n_ranges == 1 &&
	       t->ranges[0].lo == 21 && t->fail_closed,
	       "keys in any order; IPv6 prefix; fail closed");
	t = &c.starttls[2].pol;
	tap_ok(t->dst_family == AF_INET && t->dst_plen == 32 &&
	       !memcmp(t->dst, v4, 4) && t->mode == TLSGW_STARTTLS_MONITOR &&
	       t->has_mode && !t->fail_closed,
	       "a bare IPv4 address is a /32; mode monitor; fail open");
	conf_free(&c);

	bad("[starttls p]\nproto = smtps\nports = 9-1\ndst = 300.1.2.3/8\n"
	    "mode = block\ncolour = blue\nproto = smtp\nproto = pop3\n"
	    "fail = shut\n",
	    "t.conf:2: unknown protocol 'smtps': smtp, pop3, imap or ftp\n"
	    "t.conf:3: invalid port range '9-1': the first port is above the "
	    "last\n"
	    "t.conf:4: invalid prefix '300.1.2.3/8': an IPv4 or IPv6 address, "
	    "optionally /LENGTH\n"
	    "t.conf:5: unknown mode 'block': monitor, block-cleartext-auth, "
	    "require-tls or block-injection\n"
	    "t.conf:6: unknown key 'colour' in [starttls p]\n"
	    "t.conf:7: 'proto' given twice in this section\n"
	    "t.conf:8: 'proto' given twice in this section\n"
	    "t.conf:9: unknown fail 'shut': open or closed\n",
	    "bad starttls values, each on its line, none reported missing");
	bad("[starttls p]\nproto = smtp\nports = 0\nmode = monitor\n"
	    "[starttls q]\nproto = smtp\nports = 25,65536\nmode = monitor\n"
	    "[starttls r]\nproto = smtp\nports = 25-x\nmode = monitor\n"
	    "[starttls s]\nproto = smtp\nports = ,\nmode = monitor\n"
	    "[starttls t]\nproto = smtp\nports = 25\nmode = monitor\n"
	    "dst = 10.0.0.0/33\n"
	    "[starttls u]\nproto = pop3\nports = 110\nmode = monitor\n"
	    "dst = 2001:db8::/129\n",
	    "t.conf:3: invalid port '0': PORT or FIRST-LAST, 1 to 65535\n"
	    "t.conf:7: invalid port '65536': PORT or FIRST-LAST, 1 to 65535\n"
	    "t.conf:11: invalid port '25-x': PORT or FIRST-LAST, 1 to 65535\n"
	    "t.conf:15: no port in ',': e.g. 25,587,2525-2526\n"
	    "t.conf:21: invalid prefix length in '10.0.0.0/33': 0 to 32\n"
	    "t.conf:26: invalid prefix length in '2001:db8::/129': 0 to 128\n",
	    "bad ports and prefix lengths");
	bad("[starttls p]\nproto = smtp\nmode = monitor\nports = "
	    "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n",
	    "t.conf:4: too many port ranges in "
	    "'1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17' (at most 16)\n",
	    "17 port ranges");
	bad("[starttls p]\nproto = smtp\nmode = monitor\nports = "
	    "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16-17\n", "",
	    "16 port ranges are fine");
	bad("[starttls p]\nproto = smtp\nports = 25\nmode = monitor\n"
	    "[starttls p]\nproto = pop3\n"
	    "[starttls a/b]\nproto = imap\n"
	    "[starttls aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
	    "[starttls aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
	    "[starttls]\n"
	    "[starttls q]\ndst = 192.0.2.0/24\n"
	    SVC,
	    "t.conf:5: starttls 'p' already defined at line 1\n"
	    "t.conf:7: invalid STARTTLS policy name 'a/b' (1 to 31 of A-Z a-z "
	    "0-9 _ . -)\n"
	    "t.conf:9: invalid STARTTLS policy name "
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' (1 to 31 of A-Z a-z 0-9 _ . -)\n"
	    "t.conf:11: unknown section [starttls] (expected [global], "
	    "[service NAME], [socks NAME] or [starttls NAME])\n"
	    "t.conf:10: starttls 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' has no "
	    "'proto'\n"
	    "t.conf:10: starttls 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' has no "
	    "'ports'\n"
	    "t.conf:10: starttls 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' has no "
	    "'mode'\n"
	    "t.conf:12: starttls 'q' has no 'proto'\n"
	    "t.conf:12: starttls 'q' has no 'ports'\n"
	    "t.conf:12: starttls 'q' has no 'mode'\n",
	    "starttls section errors; keys of a bad header not reported");

	for (i = 0; i < 65; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len,
					"[starttls p%d]\nproto = smtp\n"
					"ports = %d\nmode = monitor\n", i,
					i + 1);
	tap_is(parse(many, &c, &n),
	       "t.conf:257: too many [starttls] sections (at most 64)\n",
	       "a 65th policy");
	tap_ok(n == 1 && c.n_starttls == 64, "64 policies kept");
	conf_free(&c);
}

static void test_file(void)
{
	char path[300];
	struct conf c;
	FILE *err = fopen("/dev/null", "w");

	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	tap_ok(conf_parse_file(path, &c, err) == 1, "missing file is an error");
	conf_free(&c);
	fclose(err);
}

int main(void)
{
	EVP_PKEY *ka, *kb;
	X509 *ca, *cb;

	tap_plan(PLAN);
	if (!mkdtemp(dir) || test_make_cert("a.example", "DNS:a.example", &ka, &ca) ||
	    test_make_cert("b.example", "DNS:*.b.example", &kb, &cb)) {
		printf("Bail out! cannot set up\n");
		return 1;
	}
	snprintf(cert_a, sizeof(cert_a), "%s/a.pem", dir);
	snprintf(key_a, sizeof(key_a), "%s/a.key", dir);
	snprintf(cert_b, sizeof(cert_b), "%s/b.pem", dir);
	snprintf(key_b, sizeof(key_b), "%s/b.key", dir);
	if (test_write_pem(cert_a, ca, key_a, ka) ||
	    test_write_pem(cert_b, cb, key_b, kb)) {
		printf("Bail out! cannot write certificates\n");
		return 1;
	}
	test_valid();
	test_errors();
	test_certs();
	test_socks();
	test_starttls();
	test_file();
	unlink(cert_a);
	unlink(key_a);
	unlink(cert_b);
	unlink(key_b);
	rmdir(dir);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	X509_free(ca);
	X509_free(cb);
	free(out);
	return tap_done(PLAN);
}
