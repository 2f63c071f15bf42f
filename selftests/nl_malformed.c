// SPDX-License-Identifier: GPL-2.0
/*
 * nl_malformed: feed the tlsgw generic netlink family malformed requests
 * and check that each one is refused with the documented errno.
 *
 * Raw AF_NETLINK on purpose: libnl would refuse to build most of these
 * messages, and the test must run on a bare VM with nothing but libc.
 * Every request carries NLM_F_ACK, so the kernel always answers with an
 * NLMSG_ERROR (error or ack 0): silence is a failure, seen as a receive
 * timeout, and an ack 0 for a malformed request is a failure too.
 *
 * Output is kselftest TAP. Exit: 0 all passed, 1 something failed,
 * 4 (KSFT_SKIP) when the tlsgw family is not registered or the caller
 * lacks CAP_NET_ADMIN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tlsgw.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

#define RECV_TIMEOUT_S	5
#define STORM_COUNT	2000
#define STORM_SEED	0x746c7367u	/* "tlsg" */
#define STORM_MAX_ATTR	256

/* Requests are built in here: header, genl header, then raw bytes. */
struct req {
	union {
		struct nlmsghdr nlh;
		unsigned char buf[4096];
	};
	size_t len;		/* bytes to send, normally == nlh.nlmsg_len */
};

/* What the kernel answered to one request. */
struct answer {
	bool terminated;	/* an NLMSG_ERROR (error or ack) arrived */
	int error;		/* its error field: 0 or -errno */
	unsigned int data_msgs;	/* family messages before it */
	bool saw_version;	/* one of them carried TLSGW_A_VERSION */
	char extack[256];	/* NLMSGERR_ATTR_MSG, "" if none */
	int io_errno;		/* send/recv failure (EAGAIN = timeout) */
};

static int nl_fd = -1;
static uint16_t family_id;
static uint32_t seq = 1;

/* ---- request building ------------------------------------------------ */

static void req_init(struct req *r, uint16_t type, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nlh.nlmsg_seq = seq++;
	g = (struct genlmsghdr *)(r->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = TLSGW_GENL_VERSION;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->nlh.nlmsg_len = r->len;
}

/* Appends bytes exactly as given (no padding) and covers them. */
static void req_raw(struct req *r, const void *data, size_t len)
{
	if (r->len + len > sizeof(r->buf))
		abort();
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	r->nlh.nlmsg_len = r->len;
}

/* Appends a well-formed attribute, padded to NLA_ALIGNTO. */
static void req_attr(struct req *r, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + len, .nla_type = type };
	static const unsigned char pad[NLA_ALIGNTO];

	req_raw(r, &nla, sizeof(nla));
	req_raw(r, data, len);
	req_raw(r, pad, NLA_ALIGN(len) - len);
}

static void req_u32(struct req *r, uint16_t type, uint32_t v)
{
	req_attr(r, type, &v, sizeof(v));
}

/* ---- the conversation ------------------------------------------------ */

static int send_req(const struct req *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	n = sendto(nl_fd, r->buf, r->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	if (n < 0)
		return -errno;
	return n == (ssize_t)r->len ? 0 : -EMSGSIZE;
}

/*
 * The extack TLVs follow struct nlmsgerr and, unless NLM_F_CAPPED, the
 * echoed request payload padded to NLMSG_ALIGNTO (see netlink_ack()).
 */
static void parse_extack(const struct nlmsghdr *nlh, char *out, size_t size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	out[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)nlh +
							off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(out, size, "%.*s",
				 (int)strnlen((const char *)a + NLA_HDRLEN,
					      a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Does a family message carry TLSGW_A_VERSION at the top level? */
static bool has_version(const struct nlmsghdr *nlh)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)nlh +
							off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return false;
		if ((a->nla_type & NLA_TYPE_MASK) == TLSGW_A_VERSION)
			return a->nla_len > NLA_HDRLEN;
		off += NLA_ALIGN(a->nla_len);
	}
	return false;
}

/* Finds CTRL_ATTR_FAMILY_ID in a CTRL_CMD_NEWFAMILY reply. */
static void take_family_id(const struct nlmsghdr *nlh)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)nlh +
							off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len >= NLA_HDRLEN + sizeof(uint16_t))
			memcpy(&family_id, (const char *)a + NLA_HDRLEN,
			       sizeof(family_id));
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Handles one received message; true once the request is answered. */
static bool take_msg(const struct nlmsghdr *nlh, uint32_t want_seq,
		     uint16_t data_type, struct answer *ans)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);

	if (nlh->nlmsg_seq != want_seq) {
		printf("# ignoring stale message type %u seq %u\n",
		       nlh->nlmsg_type, nlh->nlmsg_seq);
		return false;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			ans->io_errno = EBADMSG;
			return true;
		}
		ans->terminated = true;
		ans->error = e->error;
		parse_extack(nlh, ans->extack, sizeof(ans->extack));
		return true;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		ans->terminated = true;	/* ends a dump: an answer too */
		return true;
	}
	if (nlh->nlmsg_type == data_type) {
		ans->data_msgs++;
		if (data_type == GENL_ID_CTRL)
			take_family_id(nlh);
		else
			ans->saw_version |= has_version(nlh);
	}
	return false;
}

/* Receives until the NLMSG_ERROR for want_seq, a timeout or an error. */
static void recv_answer(uint32_t want_seq, uint16_t data_type,
			struct answer *ans)
{
	static unsigned char buf[65536];
	const struct nlmsghdr *nlh;
	int len;

	for (;;) {
		ssize_t n = recv(nl_fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ans->io_errno = errno;
			return;
		}
		if ((size_t)n > sizeof(buf)) {
			ans->io_errno = EMSGSIZE;
			return;
		}
		len = (int)n;
		for (nlh = (const void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len))
			if (take_msg(nlh, want_seq, data_type, ans))
				return;
	}
}

static void transact(const struct req *r, uint16_t data_type,
		     struct answer *ans)
{
	int err;

	memset(ans, 0, sizeof(*ans));
	err = send_req(r);
	if (err < 0) {
		ans->io_errno = -err;
		return;
	}
	recv_answer(r->nlh.nlmsg_seq, data_type, ans);
}

/* ---- setup --------------------------------------------------------- */

static int open_socket(void)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int one = 1;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0)
		return -errno;
	if (bind(nl_fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

/* 0 and family_id set, or -errno (-ENOENT: no such family). */
static int resolve_family(void)
{
	struct answer ans;
	struct req r;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	req_attr(&r, CTRL_ATTR_FAMILY_NAME, TLSGW_GENL_NAME,
		 sizeof(TLSGW_GENL_NAME));
	transact(&r, GENL_ID_CTRL, &ans);
	if (ans.io_errno)
		return -ans.io_errno;
	if (ans.error)
		return ans.error;
	return family_id ? 0 : -ENOENT;
}

/* ---- checking ------------------------------------------------------ */

static unsigned int test_no;
static unsigned int failures;

static void report(bool ok, const char *desc)
{
	printf("%s %u - %s\n", ok ? "ok" : "not ok", ++test_no, desc);
	if (!ok)
		failures++;
}

static void diag_answer(const struct answer *ans)
{
	if (ans->io_errno == EAGAIN || ans->io_errno == EWOULDBLOCK)
		printf("# no answer within %d s\n", RECV_TIMEOUT_S);
	else if (ans->io_errno)
		printf("# socket error: %s\n", strerror(ans->io_errno));
	else if (ans->error)
		printf("# kernel answered %d (%s)\n", ans->error,
		       strerror(-ans->error));
	else
		printf("# kernel accepted the request (ack 0, %u data "
		       "message(s))\n", ans->data_msgs);
	if (ans->extack[0])
		printf("# extack: %s\n", ans->extack);
}

/* errs: accepted negative errnos, 0-terminated (so 0 is never accepted). */
static void expect(const char *desc, const struct req *r, const int *errs,
		   bool need_extack)
{
	struct answer ans;
	bool ok = false;

	transact(r, family_id, &ans);
	diag_answer(&ans);
	if (ans.terminated && ans.error < 0)
		for (; *errs; errs++)
			ok |= ans.error == *errs;
	if (ok && need_extack && !ans.extack[0]) {
		printf("# no extack message, one is required here\n");
		ok = false;
	}
	report(ok, desc);
}

static const int E_INVAL[] = { -EINVAL, 0 };
static const int E_INVAL_RANGE[] = { -EINVAL, -ERANGE, 0 };
static const int E_BAD_LEN[] = { -EINVAL, -ERANGE, -EMSGSIZE, 0 };
static const int E_NOTSUPP[] = { -EOPNOTSUPP, 0 };

/* ---- the cases ----------------------------------------------------- */

static void t_unknown_cmd(void)
{
	struct req r;

	req_init(&r, family_id, 200);
	expect("unknown command 200 -> EOPNOTSUPP", &r, E_NOTSUPP, false);
}

static void t_unknown_attr(void)
{
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_u32(&r, 100, 0);
	expect("unknown attribute type 100 -> EINVAL", &r, E_INVAL, false);
}

static void t_flags_short(void)
{
	static const uint16_t half = 1;
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_attr(&r, TLSGW_A_INFO_FLAGS, &half, sizeof(half));
	expect("INFO_FLAGS with a 2-byte payload -> EINVAL/ERANGE + extack",
	       &r, E_INVAL_RANGE, true);
}

static void t_flags_unknown_bit(void)
{
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_u32(&r, TLSGW_A_INFO_FLAGS, 1U << 31);
	expect("INFO_FLAGS with unknown bit 31 -> EINVAL + extack", &r,
	       E_INVAL, true);
}

static void t_output_only(void)
{
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_attr(&r, TLSGW_A_VERSION, "0.1.0", sizeof("0.1.0"));
	expect("output-only TLSGW_A_VERSION in a request -> EINVAL", &r,
	       E_INVAL, false);
}

static void t_nla_len_short(void)
{
	/* nla_len 2 < NLA_HDRLEN, then 4 bytes it does not claim. */
	struct nlattr bad = { .nla_len = 2, .nla_type = TLSGW_A_INFO_FLAGS };
	static const uint32_t zero;
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_raw(&r, &bad, sizeof(bad));
	req_raw(&r, &zero, sizeof(zero));
	expect("attribute with nla_len 2 (< header) -> EINVAL/ERANGE", &r,
	       E_INVAL_RANGE, false);
}

static void t_nla_len_past_end(void)
{
	/* Claims 64 bytes, but the message ends after 8. */
	struct nlattr bad = { .nla_len = 64, .nla_type = TLSGW_A_INFO_FLAGS };
	static const uint32_t zero;
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_raw(&r, &bad, sizeof(bad));
	req_raw(&r, &zero, sizeof(zero));
	expect("attribute nla_len past the end of the message -> error", &r,
	       E_BAD_LEN, false);
}

static void t_truncated_genlhdr(void)
{
	struct req r;

	/*
	 * netlink_rcv_skb() silently drops messages shorter than
	 * NLMSG_HDRLEN; this one is longer but cuts the genlmsghdr in
	 * half, which genl_family_rcv_msg() refuses. Send exactly that.
	 */
	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	r.len = NLMSG_HDRLEN + 2;
	r.nlh.nlmsg_len = r.len;
	expect("nlmsg_len = NLMSG_HDRLEN + 2 (half a genlmsghdr) -> EINVAL",
	       &r, E_INVAL, false);
}

static void t_trailing_garbage(void)
{
	static const unsigned char junk[3] = { 0xde, 0xad, 0xbe };
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_u32(&r, TLSGW_A_INFO_FLAGS, 0);
	req_raw(&r, junk, sizeof(junk));
	expect("3 bytes of trailing garbage after the last attribute -> EINVAL",
	       &r, E_INVAL, false);
}

static void t_nested_garbage(void)
{
	/* An inner "attribute" claiming 0xffff bytes, then junk. */
	static const unsigned char inner[8] = { 0xff, 0xff, 0x01, 0x00,
						0xba, 0xad, 0xf0, 0x0d };
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	req_attr(&r, TLSGW_A_COUNTERS | NLA_F_NESTED, inner, sizeof(inner));
	expect("nested TLSGW_A_COUNTERS with garbage inside -> EINVAL", &r,
	       E_INVAL, false);
}

/* ---- STARTTLS policies ---------------------------------------------- */

/* Opens TLSGW_A_STARTTLS; returns where its header is. */
static size_t stls_start(struct req *r, uint8_t cmd)
{
	struct nlattr nla = { .nla_type = TLSGW_A_STARTTLS | NLA_F_NESTED };
	size_t off;

	req_init(r, family_id, cmd);
	off = r->len;
	req_raw(r, &nla, sizeof(nla));
	return off;
}

static void stls_end(struct req *r, size_t off)
{
	struct nlattr *nla = (struct nlattr *)(r->buf + off);

	nla->nla_len = r->len - off;
}

/* A valid POLICY_NEW nest minus what skip names, plus an extra attr. */
static void stls_policy(struct req *r, int skip, uint16_t type,
			const void *data, size_t len)
{
	static const struct tlsgw_port_range smtp = { 25, 25 };
	size_t off = stls_start(r, TLSGW_CMD_STARTTLS_POLICY_NEW);

	if (skip != TLSGW_STLS_A_NAME)
		req_attr(r, TLSGW_STLS_A_NAME, "nlm", 4);
	if (skip != TLSGW_STLS_A_PROTO)
		req_u32(r, TLSGW_STLS_A_PROTO, TLSGW_STARTTLS_SMTP);
	if (skip != TLSGW_STLS_A_PORTS)
		req_attr(r, TLSGW_STLS_A_PORTS, &smtp, sizeof(smtp));
	if (skip != TLSGW_STLS_A_MODE)
		req_u32(r, TLSGW_STLS_A_MODE, TLSGW_STARTTLS_MONITOR);
	if (type)
		req_attr(r, type, data, len);
	stls_end(r, off);
}

static void t_stls_policy(void)
{
	static const uint8_t three[3] = { 0, 25, 0 };
	static const struct tlsgw_port_range backwards = { 30, 20 };
	static const struct tlsgw_port_range smtp25 = { 25, 25 };
	static const uint8_t five[5] = { 192, 0, 2, 0, 1 };
	static const uint32_t mode99 = 99, proto0 = 0;
	static const uint64_t id = 1;
	static const uint8_t plen33 = 33;
	static const uint8_t v4[4] = { 192, 0, 2, 0 };
	static const int E_RANGE[] = { -ERANGE, 0 };
	struct req r;
	size_t off;

	stls_policy(&r, TLSGW_STLS_A_MODE, 0, NULL, 0);
	expect("STARTTLS_POLICY_NEW without a mode -> EINVAL + extack", &r,
	       E_INVAL, true);
	stls_policy(&r, TLSGW_STLS_A_PORTS, TLSGW_STLS_A_PORTS, three,
		    sizeof(three));
	expect("STARTTLS ports of 3 bytes -> EINVAL + extack", &r, E_INVAL,
	       true);
	stls_policy(&r, TLSGW_STLS_A_PORTS, TLSGW_STLS_A_PORTS, &backwards,
		    sizeof(backwards));
	expect("STARTTLS port range 30-20 -> EINVAL + extack", &r, E_INVAL,
	       true);
	stls_policy(&r, TLSGW_STLS_A_MODE, TLSGW_STLS_A_MODE, &mode99,
		    sizeof(mode99));
	expect("STARTTLS mode 99 -> EINVAL/ERANGE + extack", &r,
	       E_INVAL_RANGE, true);
	stls_policy(&r, TLSGW_STLS_A_PROTO, TLSGW_STLS_A_PROTO, &proto0,
		    sizeof(proto0));
	expect("STARTTLS protocol 0 -> EINVAL/ERANGE + extack", &r,
	       E_INVAL_RANGE, true);
	stls_policy(&r, 0, TLSGW_STLS_A_FLOW_ID, &id, sizeof(id));
	expect("reply-only TLSGW_STLS_A_FLOW_ID in a request -> EINVAL", &r,
	       E_INVAL, true);
	stls_policy(&r, 0, TLSGW_STLS_A_DST_ADDR, five, sizeof(five));
	expect("STARTTLS destination of 5 bytes -> EINVAL + extack", &r,
	       E_INVAL, true);

	off = stls_start(&r, TLSGW_CMD_STARTTLS_POLICY_NEW);
	req_attr(&r, TLSGW_STLS_A_NAME, "nlm", 4);
	req_u32(&r, TLSGW_STLS_A_PROTO, TLSGW_STARTTLS_SMTP);
	req_attr(&r, TLSGW_STLS_A_PORTS, &smtp25, sizeof(smtp25));
	req_u32(&r, TLSGW_STLS_A_MODE, TLSGW_STARTTLS_MONITOR);
	req_attr(&r, TLSGW_STLS_A_DST_ADDR, v4, sizeof(v4));
	req_attr(&r, TLSGW_STLS_A_DST_PREFIX_LEN, &plen33, sizeof(plen33));
	stls_end(&r, off);
	expect("STARTTLS IPv4 prefix length 33 -> ERANGE + extack", &r,
	       E_RANGE, true);

	off = stls_start(&r, TLSGW_CMD_STARTTLS_POLICY_DEL);
	req_attr(&r, TLSGW_STLS_A_NAME, "nosuch", 7);
	stls_end(&r, off);
	{
		static const int E_NOENT[] = { -ENOENT, 0 };

		expect("STARTTLS_POLICY_DEL of a missing policy -> ENOENT + "
		       "extack", &r, E_NOENT, true);
	}
	req_init(&r, family_id, TLSGW_CMD_STARTTLS_FLOW_GET);
	expect("STARTTLS_FLOW_GET without NLM_F_DUMP -> EOPNOTSUPP", &r,
	       E_NOTSUPP, false);
}

/*
 * SESSION_GET's dump filter: a KIND outside enum tlsgw_session_kind is
 * refused by the policy, before the dump starts.
 */
static void t_session_filter(void)
{
	struct nlattr nla = { .nla_type = TLSGW_A_SESSION | NLA_F_NESTED };
	struct req r;
	size_t off;

	req_init(&r, family_id, TLSGW_CMD_SESSION_GET);
	r.nlh.nlmsg_flags |= NLM_F_DUMP;
	off = r.len;
	req_raw(&r, &nla, sizeof(nla));
	req_u32(&r, TLSGW_SESS_A_KIND, TLSGW_SESSION_KIND_MAX + 1);
	((struct nlattr *)(r.buf + off))->nla_len = r.len - off;
	expect("SESSION_GET dump filtered by an unknown KIND -> "
	       "EINVAL/ERANGE + extack", &r, E_INVAL_RANGE, true);
}

/* A valid GET_INFO: one reply carrying the version, then ack 0. */
static bool get_info_works(void)
{
	struct answer ans;
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	transact(&r, family_id, &ans);
	if (!ans.terminated || ans.error || ans.data_msgs != 1 ||
	    !ans.saw_version) {
		diag_answer(&ans);
		printf("# %u reply message(s), version %s\n", ans.data_msgs,
		       ans.saw_version ? "present" : "missing");
		return false;
	}
	return true;
}

static void t_control(void)
{
	report(get_info_works(),
	       "well-formed GET_INFO + NLM_F_ACK -> reply with version, ack 0");
}

/* xorshift32: deterministic, so a failure can be replayed. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Half the storm is raw random bytes; the other half random but
 * well-framed attributes of plausible types, which get past the TLV
 * framing checks and into the policy.
 */
static void storm_req(struct req *r, uint32_t *s)
{
	unsigned char bytes[STORM_MAX_ATTR];
	size_t len = rnd(s) % (STORM_MAX_ATTR + 1), i, alen;

	req_init(r, family_id, rnd(s) & 0xff);
	for (i = 0; i < len; i++)
		bytes[i] = rnd(s) & 0xff;
	if (rnd(s) & 1) {
		req_raw(r, bytes, len);
		return;
	}
	/* Types 0..MAX+2 (some unknown), a quarter flagged as nests. */
	for (i = 0;; i += NLA_HDRLEN + NLA_ALIGN(alen)) {
		uint16_t type = rnd(s) % (TLSGW_A_MAX + 3);

		alen = rnd(s) % 13;
		if (rnd(s) % 4 == 0)
			type |= NLA_F_NESTED;
		if (i + NLA_HDRLEN + NLA_ALIGN(alen) > len)
			break;
		req_attr(r, type, bytes + i, alen);
	}
}

static void t_storm(void)
{
	unsigned int i, errors = 0, accepted = 0;
	uint32_t s = STORM_SEED;
	struct answer ans;
	struct req r;
	bool ok = true;

	for (i = 0; i < STORM_COUNT && ok; i++) {
		storm_req(&r, &s);
		transact(&r, family_id, &ans);
		if (!ans.terminated) {
			printf("# storm message %u (cmd %u, %zu bytes) not "
			       "answered\n", i, r.buf[NLMSG_HDRLEN], r.len);
			diag_answer(&ans);
			ok = false;
		}
		if (ans.error)
			errors++;
		else
			accepted++;
	}
	printf("# storm: %u sent, %u refused, %u accepted (seed %#x)\n", i,
	       errors, accepted, STORM_SEED);
	if (ok && !get_info_works()) {
		printf("# GET_INFO fails after the storm\n");
		ok = false;
	}
	report(ok, "storm of 2000 random requests all answered, GET_INFO "
		   "still works");
}

static void (*const tests[])(void) = {
	t_unknown_cmd, t_unknown_attr, t_flags_short, t_flags_unknown_bit,
	t_output_only, t_nla_len_short, t_nla_len_past_end,
	t_truncated_genlhdr, t_trailing_garbage, t_nested_garbage,
	t_stls_policy, t_session_filter, t_control, t_storm,
};

#define N_TESTS (sizeof(tests) / sizeof(tests[0]))

static int skip(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	return KSFT_SKIP;
}

/* Refuses to run the cases unprivileged: they would all see -EPERM. */
static int preflight(void)
{
	struct answer ans;
	struct req r;

	req_init(&r, family_id, TLSGW_CMD_GET_INFO);
	transact(&r, family_id, &ans);
	if (ans.terminated && (ans.error == -EPERM || ans.error == -EACCES))
		return skip("GET_INFO needs CAP_NET_ADMIN (run as root)");
	return -1;
}

int main(void)
{
	unsigned int i;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	err = open_socket();
	if (err < 0) {
		printf("# netlink socket: %s\n1..0\n", strerror(-err));
		printf("Bail out! cannot open a generic netlink socket\n");
		return KSFT_FAIL;
	}
	err = resolve_family();
	if (err == -ENOENT)
		return skip("generic netlink family \"" TLSGW_GENL_NAME
			    "\" not found (tlsgw module not loaded)");
	if (err < 0) {
		printf("Bail out! resolving family " TLSGW_GENL_NAME ": %s\n",
		       strerror(-err));
		return KSFT_FAIL;
	}
	printf("# family %s id %u\n", TLSGW_GENL_NAME, family_id);
	err = preflight();
	if (err >= 0)
		return err;
	/* Some functions check several cases: the plan comes last. */
	for (i = 0; i < N_TESTS; i++)
		tests[i]();
	printf("1..%u\n# %u of %u failed\n", test_no, failures, test_no);
	close(nl_fd);
	return failures ? KSFT_FAIL : KSFT_PASS;
}
