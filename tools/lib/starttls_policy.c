// SPDX-License-Identifier: GPL-2.0
/* STARTTLS policy words shared by tlsgwctl and tlsgwd; see the header. */
#include "starttls_policy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

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

const char *stls_name_of(const char *const *names, size_t n, uint32_t v,
			 const char *what, char *buf, size_t size)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, size, "%s%u", what, v);
	return buf;
}

const char *stls_proto_name(uint32_t v, char *buf, size_t size)
{
	return stls_name_of(proto_names, ARRAY_SIZE(proto_names), v, "proto",
			    buf, size);
}

const char *stls_mode_name(uint32_t v, char *buf, size_t size)
{
	return stls_name_of(mode_names, ARRAY_SIZE(mode_names), v, "mode",
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

/* One "P" or "P-Q" of a port list into r. */
static int parse_range(const char *s, struct tlsgw_port_range *r, char *err,
		       size_t size)
{
	char buf[16], *dash;
	uint32_t lo, hi;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (fmt_parse_u32(buf, &lo) < 0 ||
	    (dash && fmt_parse_u32(dash + 1, &hi) < 0))
		goto bad;
	if (!dash)
		hi = lo;
	if (!lo || hi > 65535)
		goto bad;
	if (lo > hi)
		return fmt_err(err, size, "invalid port range '%s': the "
			       "first port is above the last", s);
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return 0;
bad:
	return fmt_err(err, size, "invalid port '%s': PORT or FIRST-LAST, 1 "
		       "to 65535", s);
}

static char *trim_blanks(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* PORTS (blanks around the commas allowed) appended to p's ranges. */
static int parse_ports(const char *s, struct stls_policy *p, char *err,
		       size_t size)
{
	char buf[512], *tok, *save = NULL;
	unsigned int n = p->n_ranges;

	if (strlen(s) >= sizeof(buf))
		return fmt_err(err, size, "port list too long");
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == TLSGW_STARTTLS_RANGES_MAX)
			return fmt_err(err, size, "too many port ranges in "
				       "'%s' (at most %d)", s,
				       TLSGW_STARTTLS_RANGES_MAX);
		tok = trim_blanks(tok);
		if (parse_range(tok, &p->ranges[n], err, size) < 0)
			return -1;
		n++;
	}
	if (!n)
		return fmt_err(err, size, "no port in '%s': e.g. "
			       "25,587,2525-2526", s);
	p->n_ranges = n;
	return 0;
}

static int parse_prefix(const char *s, struct stls_policy *p, char *err,
			size_t size)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint8_t addr[16];
	uint32_t plen, max;
	int family;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		family = AF_INET6;
	else
		goto bad;
	max = family == AF_INET ? 32 : 128;
	plen = max;
	if (slash && (fmt_parse_u32(slash + 1, &plen) < 0 || plen > max))
		return fmt_err(err, size, "invalid prefix length in '%s': 0 "
			       "to %u", s, max);
	p->dst_family = family;
	memcpy(p->dst, addr, sizeof(addr));
	p->dst_plen = (uint8_t)plen;
	return 0;
bad:
	return fmt_err(err, size, "invalid prefix '%s': an IPv4 or IPv6 "
		       "address, optionally /LENGTH", s);
}

int stls_policy_set(struct stls_policy *p, const char *key, const char *val,
		    char *err, size_t size)
{
	if (!strcmp(key, "proto")) {
		if (lookup(proto_names, ARRAY_SIZE(proto_names), val,
			   &p->proto))
			return fmt_err(err, size, "unknown protocol '%s': "
				       "smtp, pop3, imap or ftp", val);
	} else if (!strcmp(key, "ports")) {
		return parse_ports(val, p, err, size);
	} else if (!strcmp(key, "dst")) {
		return parse_prefix(val, p, err, size);
	} else if (!strcmp(key, "mode")) {
		if (lookup(mode_names, ARRAY_SIZE(mode_names), val, &p->mode))
			return fmt_err(err, size, "unknown mode '%s': "
				       "monitor, block-cleartext-auth, "
				       "require-tls or block-injection", val);
		p->has_mode = true;
	} else if (!strcmp(key, "fail")) {
		if (!strcmp(val, "open"))
			p->fail_closed = false;
		else if (!strcmp(val, "closed"))
			p->fail_closed = true;
		else
			return fmt_err(err, size, "unknown fail '%s': open or "
				       "closed", val);
	} else {
		return 1;
	}
	return 0;
}

int stls_policy_put(struct nl_msg *msg, const struct stls_policy *p)
{
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_STARTTLS);

	if (!nest || nla_put_string(msg, TLSGW_STLS_A_NAME, p->name))
		return -1;
	if (p->proto &&
	    (nla_put_u32(msg, TLSGW_STLS_A_PROTO, p->proto) ||
	     nla_put(msg, TLSGW_STLS_A_PORTS,
		     (int)(p->n_ranges * sizeof(p->ranges[0])), p->ranges) ||
	     nla_put_u32(msg, TLSGW_STLS_A_MODE, p->mode)))
		return -1;
	if (p->proto && p->fail_closed &&
	    nla_put_flag(msg, TLSGW_STLS_A_FAIL_CLOSED))
		return -1;
	if (p->dst_family &&
	    (nla_put(msg, TLSGW_STLS_A_DST_ADDR,
		     p->dst_family == AF_INET ? 4 : 16, p->dst) ||
	     nla_put_u8(msg, TLSGW_STLS_A_DST_PREFIX_LEN, p->dst_plen)))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

int stls_get_u32(const struct nlattr *a, uint32_t *v)
{
	if (nla_len(a) != sizeof(uint32_t))
		return -1;
	*v = nla_get_u32(a);
	return 0;
}

static int parse_attrs(struct nlattr **tb, struct stls_policy *p)
{
	if (tb[TLSGW_STLS_A_PORTS]) {
		int len = nla_len(tb[TLSGW_STLS_A_PORTS]);

		if (len % (int)sizeof(p->ranges[0]) ||
		    len > (int)sizeof(p->ranges))
			return -1;
		memcpy(p->ranges, nla_data(tb[TLSGW_STLS_A_PORTS]), len);
		p->n_ranges = len / sizeof(p->ranges[0]);
	}
	if (tb[TLSGW_STLS_A_DST_ADDR]) {
		int len = nla_len(tb[TLSGW_STLS_A_DST_ADDR]);

		if ((len != 4 && len != 16) ||
		    !tb[TLSGW_STLS_A_DST_PREFIX_LEN] ||
		    nla_len(tb[TLSGW_STLS_A_DST_PREFIX_LEN]) != 1)
			return -1;
		p->dst_family = len == 4 ? AF_INET : AF_INET6;
		memcpy(p->dst, nla_data(tb[TLSGW_STLS_A_DST_ADDR]), len);
		p->dst_plen = nla_get_u8(tb[TLSGW_STLS_A_DST_PREFIX_LEN]);
	}
	if (tb[TLSGW_STLS_A_MODE]) {
		if (stls_get_u32(tb[TLSGW_STLS_A_MODE], &p->mode))
			return -1;
		p->has_mode = true;
	}
	p->fail_closed = tb[TLSGW_STLS_A_FAIL_CLOSED] != NULL;
	return 0;
}

int stls_policy_parse(const struct nlattr *nest,
		      struct nlattr *tb[TLSGW_STLS_A_MAX + 1],
		      struct stls_policy *p, struct tnl_status *st)
{
	int err;

	memset(p, 0, sizeof(*p));
	err = nla_parse_nested(tb, TLSGW_STLS_A_MAX, (struct nlattr *)nest,
			       NULL);
	if (err == 0 && !fmt_nest_whole(nest))
		return tnl_bad_reply(st, "truncated attribute in STARTTLS "
				     "nest");
	if (err < 0)
		return tnl_bad_reply(st, "malformed STARTTLS nest (%s)",
				     nl_geterror(err));
	if (!tb[TLSGW_STLS_A_NAME] ||
	    fmt_name_attr(tb[TLSGW_STLS_A_NAME], p->name, sizeof(p->name)) < 0)
		return tnl_bad_reply(st, "STARTTLS nest without a valid "
				     "policy name");
	if (!tb[TLSGW_STLS_A_PROTO] ||
	    stls_get_u32(tb[TLSGW_STLS_A_PROTO], &p->proto))
		return tnl_bad_reply(st, "STARTTLS nest without a u32 "
				     "protocol");
	if (parse_attrs(tb, p))
		return tnl_bad_reply(st, "STARTTLS attribute of the wrong "
				     "length");
	return 0;
}

bool stls_policy_equal(const struct stls_policy *a,
		       const struct stls_policy *b)
{
	return a->proto == b->proto && a->mode == b->mode &&
	       a->has_mode == b->has_mode && a->n_ranges == b->n_ranges &&
	       a->fail_closed == b->fail_closed &&
	       !memcmp(a->ranges, b->ranges,
		       a->n_ranges * sizeof(a->ranges[0])) &&
	       a->dst_family == b->dst_family &&
	       (!a->dst_family ||
		(a->dst_plen == b->dst_plen &&
		 !memcmp(a->dst, b->dst, a->dst_family == AF_INET ? 4 : 16)));
}
