// SPDX-License-Identifier: GPL-2.0
/* SOCKS5 rule grammar and helpers shared by tlsgwctl and tlsgwd. */
#define _GNU_SOURCE	/* explicit_bzero() */
#include "socks_rule.h"
#include "fmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Strict decimal from 0 to max. */
static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

int socks_parse_prefix(const char *s, struct socks_prefix *p, char *err,
		       size_t size)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen;
	unsigned int i, max;

	memset(p, 0, sizeof(*p));
	if (hlen == 0 || hlen >= sizeof(host))
		return fmt_err(err, size, "invalid prefix '%s': an IPv4 or "
			       "IPv6 address, optionally /LENGTH", s);
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, p->addr) == 1)
		p->len = 4;
	else if (inet_pton(AF_INET6, host, p->addr) == 1)
		p->len = 16;
	else
		return fmt_err(err, size, "invalid prefix '%s': an IPv4 or "
			       "IPv6 address, optionally /LENGTH", s);
	max = p->len * 8;
	plen = max;
	if (slash && parse_num(slash + 1, max, &plen) < 0) {
		p->len = 0;
		return fmt_err(err, size, "invalid prefix length in '%s': 0 to "
			       "%u", s, max);
	}
	p->plen = (uint8_t)plen;
	for (i = p->plen; i < max; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8))) {
			p->len = 0;
			return fmt_err(err, size, "prefix '%s' has host bits "
				       "set beyond /%u", s, p->plen);
		}
	return 0;
}

int socks_parse_ports(const char *s, uint16_t *min, uint16_t *max,
		      char *err, size_t size)
{
	const char *dash = strchr(s, '-');
	char lo[8];
	unsigned long a, b;
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (n == 0 || n >= sizeof(lo))
		goto bad;
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (parse_num(lo, 65535, &a) < 0)
		goto bad;
	b = a;
	if (dash && parse_num(dash + 1, 65535, &b) < 0)
		goto bad;
	if (a > b)
		return fmt_err(err, size, "invalid port range '%s': the first "
			       "port is above the last", s);
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	return 0;
bad:
	return fmt_err(err, size, "invalid port '%s': PORT or FIRST-LAST, 0 to "
		       "65535", s);
}

static int cmd_by_name(const char *s, size_t n)
{
	if (n == 7 && !strncmp(s, "connect", n))
		return TLSGW_SOCKS_CMD_CONNECT;
	if (n == 4 && !strncmp(s, "bind", n))
		return TLSGW_SOCKS_CMD_BIND;
	if ((n == 3 && !strncmp(s, "udp", n)) ||
	    (n == 13 && !strncmp(s, "udp-associate", n)))
		return TLSGW_SOCKS_CMD_UDP_ASSOCIATE;
	return -1;
}

int socks_parse_cmds(const char *s, uint32_t *mask, char *err, size_t size)
{
	const char *p = s;

	*mask = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		int c = cmd_by_name(p, n);

		if (c < 0)
			return fmt_err(err, size, "invalid command list '%s': "
				       "connect, bind or udp, separated by "
				       "commas", s);
		*mask |= 1U << c;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static bool user_valid(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= SOCKS_USER_MAX;
}

int socks_rule_parse(int argc, char **argv, bool with_index,
		     struct socks_rule *r, char *err, size_t size)
{
	int i;

	memset(r, 0, sizeof(*r));
	if (argc < 1)
		return fmt_err(err, size, "a rule starts with allow or deny");
	if (!strcmp(argv[0], "allow"))
		r->action = TLSGW_SOCKS_ALLOW;
	else if (!strcmp(argv[0], "deny"))
		r->action = TLSGW_SOCKS_DENY;
	else
		return fmt_err(err, size, "a rule starts with allow or deny, "
			       "not '%s'", argv[0]);
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool twice = false;
		unsigned long n = 0;

		if (strcmp(k, "index") && strcmp(k, "from") &&
		    strcmp(k, "to") && strcmp(k, "port") &&
		    strcmp(k, "cmd") && strcmp(k, "user"))
			return fmt_err(err, size, "unexpected word '%s' in a "
				       "rule (index, from, to, port, cmd or "
				       "user)", k);
		if (!strcmp(k, "index") && !with_index)
			return fmt_err(err, size, "'index' is not taken here: "
				       "rules apply in the order given");
		if (!v)
			return fmt_err(err, size, "'%s' needs a value", k);
		if (!strcmp(k, "index")) {
			twice = r->has_index;
			if (!twice && parse_num(v, UINT32_MAX, &n) < 0)
				return fmt_err(err, size, "invalid index "
					       "'%s': a number from 0", v);
			if (!twice)
				r->index = (uint32_t)n;
			r->has_index = true;
		} else if (!strcmp(k, "from")) {
			twice = r->src.len;
			if (!twice && socks_parse_prefix(v, &r->src, err, size))
				return -1;
		} else if (!strcmp(k, "to")) {
			twice = r->dst.len;
			if (!twice && socks_parse_prefix(v, &r->dst, err, size))
				return -1;
		} else if (!strcmp(k, "port")) {
			twice = r->has_ports;
			if (!twice && socks_parse_ports(v, &r->port_min,
							&r->port_max, err,
							size))
				return -1;
			r->has_ports = true;
		} else if (!strcmp(k, "cmd")) {
			twice = r->cmds;
			if (!twice && socks_parse_cmds(v, &r->cmds, err, size))
				return -1;
		} else {
			twice = r->user[0];
			if (!twice && !user_valid(v))
				return fmt_err(err, size, "invalid user "
					       "name: 1 to %d bytes",
					       SOCKS_USER_MAX);
			if (!twice)
				snprintf(r->user, sizeof(r->user), "%s", v);
		}
		if (twice)
			return fmt_err(err, size, "'%s' given twice in a "
				       "rule", k);
	}
	return 0;
}

int socks_parse_listen(const char *s, bool allow_zero,
		       struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN];
	const char *port;
	unsigned long n;
	size_t hlen;
	bool v6 = s[0] == '[';

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -1;
		hlen = (size_t)(close - s - 1);
		s++;
		port = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon)
			return -1;
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host) ||
	    parse_num(port, 65535, &n) < 0 || (!n && !allow_zero))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (v6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)n);
		return sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -1;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)n);
		return sizeof(*sin);
	}
}

int socks_parse_auth(const char *s)
{
	if (!strcmp(s, "none"))
		return TLSGW_SOCKS_AUTH_NONE;
	if (!strcmp(s, "userpass"))
		return TLSGW_SOCKS_AUTH_USERPASS;
	return -1;
}

const char *socks_auth_name(uint32_t auth, char *buf, size_t size)
{
	switch (auth) {
	case TLSGW_SOCKS_AUTH_NONE:
		return "none";
	case TLSGW_SOCKS_AUTH_USERPASS:
		return "userpass";
	}
	snprintf(buf, size, "auth%u", auth);
	return buf;
}

const char *socks_cmd_name(uint32_t cmd, char *buf, size_t size)
{
	switch (cmd) {
	case TLSGW_SOCKS_CMD_CONNECT:
		return "connect";
	case TLSGW_SOCKS_CMD_BIND:
		return "bind";
	case TLSGW_SOCKS_CMD_UDP_ASSOCIATE:
		return "udp";
	}
	snprintf(buf, size, "cmd%u", cmd);
	return buf;
}

const char *socks_prefix_text(const struct socks_prefix *p, char *buf,
			      size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (!p->len || !inet_ntop(p->len == 4 ? AF_INET : AF_INET6, p->addr,
				  ip, sizeof(ip))) {
		snprintf(buf, size, "any");
		return buf;
	}
	if (p->plen == p->len * 8)
		snprintf(buf, size, "%s", ip);
	else
		snprintf(buf, size, "%s/%u", ip, p->plen);
	return buf;
}

const char *socks_cmds_text(uint32_t mask, char *buf, size_t size)
{
	size_t n = 0;
	unsigned int c;
	char tmp[16];

	buf[0] = '\0';
	for (c = 0; c < 32 && n < size; c++)
		if (mask & (1U << c))
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      n ? "," : "",
					      socks_cmd_name(c, tmp,
							     sizeof(tmp)));
	if (!mask)
		snprintf(buf, size, "any");
	return buf;
}

void socks_rule_print(FILE *out, const struct socks_rule *r)
{
	char buf[64];

	fputs(r->action == TLSGW_SOCKS_ALLOW ? "allow" :
	      r->action == TLSGW_SOCKS_DENY ? "deny" : "action?", out);
	if (r->src.len)
		fprintf(out, " from %s",
			socks_prefix_text(&r->src, buf, sizeof(buf)));
	if (r->dst.len)
		fprintf(out, " to %s",
			socks_prefix_text(&r->dst, buf, sizeof(buf)));
	if (r->has_ports && r->port_min == r->port_max)
		fprintf(out, " port %u", r->port_min);
	else if (r->has_ports)
		fprintf(out, " port %u-%u", r->port_min, r->port_max);
	if (r->cmds)
		fprintf(out, " cmd %s", socks_cmds_text(r->cmds, buf,
							sizeof(buf)));
	if (r->user[0]) {
		const char *s;

		fputs(" user ", out);
		for (s = r->user; *s; s++)
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s,
			      out);
	}
}

static bool prefix_equal(const struct socks_prefix *a,
			 const struct socks_prefix *b)
{
	return a->len == b->len && (!a->len || (a->plen == b->plen &&
		!memcmp(a->addr, b->addr, a->len)));
}

/* What a rule matches: no criterion is the same as the full range. */
static uint32_t eff_cmds(const struct socks_rule *r)
{
	return r->cmds ? r->cmds : TLSGW_SOCKS_CMDS_ALL;
}

static uint32_t eff_ports(const struct socks_rule *r)
{
	return r->has_ports ? (uint32_t)r->port_min << 16 | r->port_max
			    : 0xffff;
}

bool socks_rule_equal(const struct socks_rule *a, const struct socks_rule *b)
{
	return a->action == b->action && prefix_equal(&a->src, &b->src) &&
	       prefix_equal(&a->dst, &b->dst) && eff_ports(a) == eff_ports(b) &&
	       eff_cmds(a) == eff_cmds(b) && !strcmp(a->user, b->user);
}

int socks_rule_put(struct nl_msg *msg, const struct socks_rule *r)
{
	struct nlattr *nest = nla_nest_start(msg, TLSGW_SOCKS_A_RULE);
	int err = 0;

	if (!nest)
		return -NLE_NOMEM;
	if (r->has_index)
		err = nla_put_u32(msg, TLSGW_SOCKS_RULE_A_INDEX, r->index);
	if (!err && r->action)
		err = nla_put_u32(msg, TLSGW_SOCKS_RULE_A_ACTION, r->action);
	if (!err && r->src.len)
		err = nla_put(msg, TLSGW_SOCKS_RULE_A_SRC, r->src.len,
			      r->src.addr) ||
		      nla_put_u8(msg, TLSGW_SOCKS_RULE_A_SRC_PLEN, r->src.plen);
	if (!err && r->dst.len)
		err = nla_put(msg, TLSGW_SOCKS_RULE_A_DST, r->dst.len,
			      r->dst.addr) ||
		      nla_put_u8(msg, TLSGW_SOCKS_RULE_A_DST_PLEN, r->dst.plen);
	if (!err && r->has_ports)
		err = nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MIN,
				  r->port_min) ||
		      nla_put_u16(msg, TLSGW_SOCKS_RULE_A_PORT_MAX,
				  r->port_max);
	if (!err && r->cmds)
		err = nla_put_u32(msg, TLSGW_SOCKS_RULE_A_COMMANDS, r->cmds);
	if (!err && r->user[0])
		err = nla_put_string(msg, TLSGW_SOCKS_RULE_A_USER, r->user);
	if (err)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

static int prefix_attr(const struct nlattr *a, const struct nlattr *plen,
		       struct socks_prefix *p)
{
	int len = nla_len(a);

	if (len != 4 && len != 16)
		return -1;
	p->len = (uint8_t)len;
	memcpy(p->addr, nla_data(a), (size_t)len);
	p->plen = p->len * 8;
	if (plen) {
		if (nla_len(plen) != 1 || nla_get_u8(plen) > p->len * 8)
			return -1;
		p->plen = nla_get_u8(plen);
	}
	return 0;
}

static bool is_u32(const struct nlattr *a)
{
	return !a || nla_len(a) == sizeof(uint32_t);
}

static bool is_u16(const struct nlattr *a)
{
	return !a || nla_len(a) == sizeof(uint16_t);
}

int socks_rule_from_nest(const struct nlattr *nest, struct socks_rule *r,
			 char *err, size_t size)
{
	struct nlattr *tb[TLSGW_SOCKS_RULE_A_MAX + 1];
	const struct nlattr *a;
	int rem;

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, TLSGW_SOCKS_RULE_A_MAX,
			     (struct nlattr *)nest, NULL) < 0)
		return fmt_err(err, size, "malformed rule");
	nla_for_each_nested(a, nest, rem)
		;
	if (rem)
		return fmt_err(err, size, "truncated attribute in a rule");
	if (!is_u32(tb[TLSGW_SOCKS_RULE_A_INDEX]) ||
	    !is_u32(tb[TLSGW_SOCKS_RULE_A_ACTION]) ||
	    !is_u32(tb[TLSGW_SOCKS_RULE_A_COMMANDS]) ||
	    !is_u16(tb[TLSGW_SOCKS_RULE_A_PORT_MIN]) ||
	    !is_u16(tb[TLSGW_SOCKS_RULE_A_PORT_MAX]) ||
	    (tb[TLSGW_SOCKS_RULE_A_HITS] &&
	     nla_len(tb[TLSGW_SOCKS_RULE_A_HITS]) != sizeof(uint64_t)))
		return fmt_err(err, size, "rule attribute of the wrong size");
	if (!tb[TLSGW_SOCKS_RULE_A_ACTION])
		return fmt_err(err, size, "rule without an action");
	r->action = nla_get_u32(tb[TLSGW_SOCKS_RULE_A_ACTION]);
	if (tb[TLSGW_SOCKS_RULE_A_INDEX]) {
		r->has_index = true;
		r->index = nla_get_u32(tb[TLSGW_SOCKS_RULE_A_INDEX]);
	}
	if ((tb[TLSGW_SOCKS_RULE_A_SRC] &&
	     prefix_attr(tb[TLSGW_SOCKS_RULE_A_SRC],
			 tb[TLSGW_SOCKS_RULE_A_SRC_PLEN], &r->src) < 0) ||
	    (tb[TLSGW_SOCKS_RULE_A_DST] &&
	     prefix_attr(tb[TLSGW_SOCKS_RULE_A_DST],
			 tb[TLSGW_SOCKS_RULE_A_DST_PLEN], &r->dst) < 0))
		return fmt_err(err, size, "malformed address prefix in a rule");
	if (tb[TLSGW_SOCKS_RULE_A_PORT_MIN] || tb[TLSGW_SOCKS_RULE_A_PORT_MAX]) {
		r->has_ports = true;
		r->port_min = tb[TLSGW_SOCKS_RULE_A_PORT_MIN] ?
			nla_get_u16(tb[TLSGW_SOCKS_RULE_A_PORT_MIN]) : 0;
		r->port_max = tb[TLSGW_SOCKS_RULE_A_PORT_MAX] ?
			nla_get_u16(tb[TLSGW_SOCKS_RULE_A_PORT_MAX]) : 65535;
	}
	/* The kernel reports the defaults it filled in: shown as absent. */
	if (r->has_ports && r->port_min == 0 && r->port_max == 65535)
		r->has_ports = false;
	if (tb[TLSGW_SOCKS_RULE_A_COMMANDS])
		r->cmds = nla_get_u32(tb[TLSGW_SOCKS_RULE_A_COMMANDS]);
	if (r->cmds == TLSGW_SOCKS_CMDS_ALL)
		r->cmds = 0;
	if (tb[TLSGW_SOCKS_RULE_A_USER]) {
		const struct nlattr *u = tb[TLSGW_SOCKS_RULE_A_USER];
		int len = nla_len(u);
		size_t n = len > 0 ? strnlen(nla_data(u), (size_t)len) : 0;

		if (n == 0 || n == (size_t)len || n > SOCKS_USER_MAX)
			return fmt_err(err, size, "malformed user name in a "
				       "rule");
		memcpy(r->user, nla_data(u), n + 1);
	}
	if (tb[TLSGW_SOCKS_RULE_A_HITS]) {
		r->has_hits = true;
		r->hits = nla_get_u64(tb[TLSGW_SOCKS_RULE_A_HITS]);
	}
	return 0;
}

int socks_read_secret(int fd, char *buf, size_t size, char *err,
		      size_t errsize)
{
	size_t n = 0;
	char *nl;

	/* One byte at a time: nothing past the line is consumed. */
	while (n < size - 1) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			explicit_bzero(buf, size);
			return fmt_err(err, errsize, "cannot read the "
				       "password: %s", strerror(e));
		}
		if (r == 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		explicit_bzero(buf, size);
		return fmt_err(err, errsize, "NUL byte in the password");
	}
	nl = strchr(buf, '\r');
	if (nl && nl[1] == '\0')
		*nl = '\0';
	n = strlen(buf);
	if (n > SOCKS_USER_MAX || n >= size - 1) {
		explicit_bzero(buf, size);
		return fmt_err(err, errsize, "password too long: at most %d "
			       "bytes", SOCKS_USER_MAX);
	}
	if (n == 0) {
		explicit_bzero(buf, size);
		return fmt_err(err, errsize, "empty password");
	}
	return (int)n;
}

int socks_user_put(struct nl_msg *msg, const char *name,
		   const void *password, size_t len)
{
	struct nlattr *u = nla_nest_start(msg, TLSGW_SOCKS_A_USER);

	if (!u || nla_put_string(msg, TLSGW_SOCKS_USER_A_NAME, name) ||
	    (password &&
	     nla_put(msg, TLSGW_SOCKS_USER_A_PASSWORD, len, password)))
		return -1;
	nla_nest_end(msg, u);
	return 0;
}
