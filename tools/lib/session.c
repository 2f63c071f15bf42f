// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client for sessions of every kind: SESSION_GET replies (and the
 * session nest of events), SESSION_GET/DEL requests and the
 * SESSION_OFFLOAD request that hands a session to the kernel; see
 * session.h.
 */
#define _GNU_SOURCE	/* explicit_bzero() */
#include "session.h"

#include <inttypes.h>
#include <string.h>

_Static_assert(TLSGW_SESS_A_MAX < 32, "session attribute bits fit in has");

/* The u64 attributes the kernel reports, and where they go. */
const struct session_u64_attr session_u64_attrs[SESSION_N_U64] = {
	{ TLSGW_SESS_A_AGE_MS, offsetof(struct tlsgw_session, age_ms) },
	{ TLSGW_SESS_A_IDLE_MS, offsetof(struct tlsgw_session, idle_ms) },
	{ TLSGW_SESS_A_BYTES_IN, offsetof(struct tlsgw_session, bytes_in) },
	{ TLSGW_SESS_A_BYTES_OUT, offsetof(struct tlsgw_session, bytes_out) },
	{ TLSGW_SESS_A_RECORDS_IN, offsetof(struct tlsgw_session, records_in) },
	{ TLSGW_SESS_A_RECORDS_OUT,
	  offsetof(struct tlsgw_session, records_out) },
};

const char *const session_addr_names[SESSION_N_ADDR] = {
	"client_peer", "client_local", "backend_peer", "backend_local",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
					     session_addr_names[i]);
		s->has |= 1U << a;
	}
	for (i = 0; i < SESSION_N_U64; i++) {
		a = session_u64_attrs[i].attr;
		if (!tb[a])
			continue;
		if (nla_len(tb[a]) != sizeof(uint64_t))
			goto bad_len;
		*(uint64_t *)((char *)s + session_u64_attrs[i].off) =
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

int session_request(struct tnl *nl, uint8_t cmd, int flags, uint64_t id,
		    struct session_list *l, struct tnl_status *st)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = tnl_request(nl, cmd, flags);
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
	return tnl_transact(nl, msg, l ? on_session : NULL, l, st);
nomem:
	st->fail = TNL_LOCAL;
	st->code = NLE_NOMEM;
	return -1;
}


static int offload_reply(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_A_MAX + 1], *sb[TLSGW_SESS_A_MAX + 1];
	uint64_t *id = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TLSGW_A_MAX, NULL) < 0 ||
	    !tb[TLSGW_A_SESSION] ||
	    nla_parse_nested(sb, TLSGW_SESS_A_MAX, tb[TLSGW_A_SESSION], NULL) < 0 ||
	    !sb[TLSGW_SESS_A_ID] || nla_len(sb[TLSGW_SESS_A_ID]) != 8)
		return tnl_bad_reply(st, "no session id in the offload reply");
	*id = nla_get_u64(sb[TLSGW_SESS_A_ID]);
	return 0;
}

int session_offload(struct tnl *nl, const char *service, int client_fd,
		    int backend_fd, const struct tlskeys *k, uint64_t *id,
		    struct tnl_status *st)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int ret;

	msg = tnl_request(nl, TLSGW_CMD_SESSION_OFFLOAD, 0);
	if (!msg)
		goto nomem;
	nest = nla_nest_start(msg, TLSGW_A_SESSION);
	if (!nest ||
	    nla_put_string(msg, TLSGW_SESS_A_SERVICE, service) ||
	    nla_put_s32(msg, TLSGW_SESS_A_CLIENT_FD, client_fd) ||
	    nla_put_s32(msg, TLSGW_SESS_A_BACKEND_FD, backend_fd) ||
	    nla_put_u16(msg, TLSGW_SESS_A_TLS_VERSION, k->version) ||
	    nla_put_u16(msg, TLSGW_SESS_A_CIPHER, k->cipher) ||
	    nla_put(msg, TLSGW_SESS_A_TX_KEY, k->key_len, k->tx_key) ||
	    nla_put(msg, TLSGW_SESS_A_TX_IV, k->iv_len, k->tx_iv) ||
	    nla_put_u64(msg, TLSGW_SESS_A_TX_SEQ, k->tx_seq) ||
	    nla_put(msg, TLSGW_SESS_A_RX_KEY, k->key_len, k->rx_key) ||
	    nla_put(msg, TLSGW_SESS_A_RX_IV, k->iv_len, k->rx_iv) ||
	    nla_put_u64(msg, TLSGW_SESS_A_RX_SEQ, k->rx_seq) ||
	    (k->initial_len &&
	     nla_put(msg, TLSGW_SESS_A_INITIAL_DATA, (int)k->initial_len,
		     k->initial))) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
		nlmsg_free(msg);
		goto nomem;
	}
	nla_nest_end(msg, nest);
	/* Keep the message past tnl_transact() to wipe the keys in it. */
	nlmsg_get(msg);
	ret = tnl_transact(nl, msg, offload_reply, id, st);
	explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	nlmsg_free(msg);
	return ret;
nomem:
	st->fail = TNL_LOCAL;
	st->code = NLE_NOMEM;
	return -1;
}
