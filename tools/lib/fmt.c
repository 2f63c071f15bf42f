// SPDX-License-Identifier: GPL-2.0
/* Formatting and parsing helpers for tlsgwctl; see fmt.h. */
#include "fmt.h"
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>
#include <netlink/genl/genl.h>

/* The values of linux/tls.h, which not every libc's headers carry. */
#define FMT_TLS_1_2		0x0303
#define FMT_TLS_1_3		0x0304
#define FMT_AES_GCM_128		51
#define FMT_AES_GCM_256		52
#define FMT_CHACHA20_POLY1305	54

int fmt_addr_parse(const struct nlattr *a, union fmt_addr *addr)
{
	sa_family_t family;
	int len = nla_len(a);

	memset(addr, 0, sizeof(*addr));
	if (len < (int)sizeof(family))
		return -1;
	memcpy(&family, nla_data(a), sizeof(family));
	if (family == AF_INET && len == (int)sizeof(addr->v4))
		memcpy(&addr->v4, nla_data(a), sizeof(addr->v4));
	else if (family == AF_INET6 && len == (int)sizeof(addr->v6))
		memcpy(&addr->v6, nla_data(a), sizeof(addr->v6));
	else
		return -1;
	return 0;
}

const char *fmt_addr(const union fmt_addr *addr, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	switch (addr->family) {
	case AF_INET:
		if (!inet_ntop(AF_INET, &addr->v4.sin_addr, ip, sizeof(ip)))
			break;
		snprintf(buf, size, "%s:%u", ip, ntohs(addr->v4.sin_port));
		return buf;
	case AF_INET6:
		if (!inet_ntop(AF_INET6, &addr->v6.sin6_addr, ip, sizeof(ip)))
			break;
		if (addr->v6.sin6_scope_id)
			snprintf(buf, size, "[%s%%%u]:%u", ip,
				 addr->v6.sin6_scope_id,
				 ntohs(addr->v6.sin6_port));
		else
			snprintf(buf, size, "[%s]:%u", ip,
				 ntohs(addr->v6.sin6_port));
		return buf;
	}
	snprintf(buf, size, "-");
	return buf;
}

bool fmt_attrs_whole(const struct nlattr *head, int len)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, head, len, rem)
		;
	return rem == 0;
}

bool fmt_msg_whole(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);

	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return false;
	return fmt_attrs_whole(genlmsg_attrdata(g, 0),
			       genlmsg_attrlen(g, 0));
}

void *fmt_grow(void *v, size_t *cap, size_t n, size_t size,
	       struct tnl_status *st)
{
	size_t ncap = *cap ? 2 * *cap : 16;
	void *nv;

	if (n < *cap)
		return v;
	nv = realloc(v, ncap * size);
	if (!nv) {
		st->fail = TNL_LOCAL;
		st->code = NLE_NOMEM;
		return NULL;
	}
	*cap = ncap;
	return nv;
}

bool fmt_nest_whole(const struct nlattr *nest)
{
	return fmt_attrs_whole(nla_data(nest), nla_len(nest));
}

int fmt_name_attr(const struct nlattr *a, char *buf, size_t size)
{
	const char *data = nla_data(a);
	int len = nla_len(a);
	size_t n;

	if (len <= 0)
		return -1;
	n = strnlen(data, (size_t)len);
	if (n == (size_t)len || n == 0 || n >= size)
		return -1;	/* unterminated, empty or too long */
	memcpy(buf, data, n + 1);
	return 0;
}

void fmt_sanitized(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

int fmt_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = n;
	return 0;
}

int fmt_err(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

int fmt_parse_u32(const char *s, uint32_t *v)
{
	uint64_t n;

	if (fmt_parse_u64(s, &n) < 0 || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

const char *fmt_tls_version(uint16_t v, bool short_form, char *buf,
			    size_t size)
{
	switch (v) {
	case FMT_TLS_1_2:
		return short_form ? "1.2" : "tls1.2";
	case FMT_TLS_1_3:
		return short_form ? "1.3" : "tls1.3";
	}
	snprintf(buf, size, "0x%04x", v);
	return buf;
}

const char *fmt_cipher(uint16_t c, char *buf, size_t size)
{
	switch (c) {
	case FMT_AES_GCM_128:
		return "aes-128-gcm";
	case FMT_AES_GCM_256:
		return "aes-256-gcm";
	case FMT_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	}
	snprintf(buf, size, "cipher%u", c);
	return buf;
}

/* Indexed by enum tlsgw_close_reason. */
static const char *const reason_names[] = {
	[TLSGW_CLOSE_UNSPEC] = "unspec",
	[TLSGW_CLOSE_DONE] = "done",
	[TLSGW_CLOSE_CLIENT_RESET] = "client-reset",
	[TLSGW_CLOSE_BACKEND_RESET] = "backend-reset",
	[TLSGW_CLOSE_IDLE] = "idle",
	[TLSGW_CLOSE_KILLED] = "killed",
	[TLSGW_CLOSE_ALERT] = "alert",
	[TLSGW_CLOSE_KEY_UPDATE] = "key-update",
	[TLSGW_CLOSE_TLS_ERROR] = "tls-error",
	[TLSGW_CLOSE_SHUTDOWN] = "shutdown",
};

const char *fmt_close_reason(uint32_t r, char *buf, size_t size)
{
	if (r < sizeof(reason_names) / sizeof(reason_names[0]) &&
	    reason_names[r])
		return reason_names[r];
	snprintf(buf, size, "reason%u", r);
	return buf;
}

int fmt_parse_msg(struct nl_msg *msg, uint8_t cmd, const char *what,
		  struct nlattr **tb, struct tnl_status *st)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = genlmsg_parse(nlh, 0, tb, TLSGW_A_MAX, NULL);

	if (err == 0 && !fmt_msg_whole(nlh))
		return tnl_bad_reply(st, "truncated attribute in %s", what);
	if (err < 0)
		return tnl_bad_reply(st, "malformed %s (%s)", what,
				     nl_geterror(err));
	if (genlmsg_hdr(nlh)->cmd != cmd)
		return tnl_bad_reply(st, "%s for command %u", what,
				     genlmsg_hdr(nlh)->cmd);
	return 0;
}
