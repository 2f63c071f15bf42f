// SPDX-License-Identifier: GPL-2.0
/* libnl plumbing for the tlsgw generic netlink family; see nl.h. */
#include "nl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/tlsgw.h>
#include <netlink/genl/ctrl.h>

#include "error.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int local_fail(struct tnl_status *st, int nlerr)
{
	st->fail = TNL_LOCAL;
	st->code = nlerr;
	st->msg[0] = '\0';
	return -1;
}

int tnl_bad_reply(struct tnl_status *st, const char *fmt, ...)
{
	va_list ap;

	st->fail = TNL_BAD_REPLY;
	st->code = 0;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int tnl_open(struct tnl *nl, struct tnl_status *st)
{
	int one = 1;
	int err;

	st->fail = TNL_OK;
	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return local_fail(st, NLE_NOMEM);
	err = genl_connect(nl->sk);
	if (err < 0)
		goto fail;
	/*
	 * libnl 3.7 has no switch for extended acks. Without them the
	 * kernel's explanation of an error never reaches the user. Failure
	 * (a kernel older than 4.12) only costs those explanations.
	 */
	(void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
			 NETLINK_EXT_ACK, &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, TLSGW_GENL_NAME);
	if (nl->family >= 0)
		return 0;
	if (nl->family == -NLE_OBJ_NOTFOUND) {
		tnl_close(nl);
		st->fail = TNL_NO_FAMILY;
		return -1;
	}
	err = nl->family;
fail:
	tnl_close(nl);
	return local_fail(st, -err);
}

void tnl_close(struct tnl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *tnl_request(const struct tnl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	/*
	 * NLM_F_ACK: the ack (or error) is what ends a transaction. Not for
	 * dumps (see tnl_transact()).
	 */
	if ((flags & NLM_F_DUMP) != NLM_F_DUMP)
		flags |= NLM_F_ACK;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, TLSGW_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Copies the extack text from the TLVs at offset off of nlh into buf (""
 * if there are none). off is checked against the message length, which
 * libnl has checked against the datagram.
 */
static void parse_tlvs(const struct nlmsghdr *nlh, size_t off, char *buf,
		       size_t size)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_len <= off)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + off),
		      (int)(nlh->nlmsg_len - off), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], size);
	else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		 nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) == sizeof(uint32_t))
		snprintf(buf, size, "missing required attribute %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
}

/*
 * Copies the kernel's extack text into buf ("" if there is none).
 *
 * libnl passes the error callback a pointer into the received datagram,
 * so the NLMSG_ERROR header sits right before it. The extack TLVs follow
 * struct nlmsgerr and, unless NLM_F_CAPPED, the echoed request payload,
 * which the kernel pads to NLMSG_ALIGNTO.
 */
static void parse_extack(const struct nlmsgerr *e, char *buf, size_t size)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e -
						    NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	parse_tlvs(nlh, off, buf, size);
}

int tnl_done_status(const struct nlmsghdr *nlh, struct tnl_status *st)
{
	int err;

	/* An NLMSG_DONE without an error code (not from Linux) is success. */
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(err))
		return 0;
	memcpy(&err, (const char *)nlh + NLMSG_HDRLEN, sizeof(err));
	if (err >= 0)
		return 0;
	st->fail = TNL_KERNEL;
	st->code = -err;
	parse_tlvs(nlh, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(err)), st->msg,
		   sizeof(st->msg));
	return -1;
}

struct xfer {
	const struct tnl *nl;
	tnl_reply_fn fn;
	void *arg;
	struct tnl_status *st;
	bool done;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);

	/* After a failure keep draining to the ack, but ignore the rest. */
	if (x->st->fail != TNL_OK || !x->fn)
		return NL_OK;
	if (nlh->nlmsg_type != x->nl->family) {
		tnl_bad_reply(x->st, "message of type %u", nlh->nlmsg_type);
		return NL_OK;
	}
	x->fn(msg, x->arg, x->st);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct xfer *x = arg;

	(void)who;
	x->done = true;
	x->st->fail = TNL_KERNEL;
	x->st->code = e->error < 0 ? -e->error : e->error;
	parse_extack(e, x->st->msg, sizeof(x->st->msg));
	return NL_STOP;
}

/* The final ack of a request. */
static int on_ack(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

/*
 * NLMSG_DONE ending a dump. Its payload is the dump's error code: a dump
 * that fails after it started (or the first part of which fails) reports
 * the error there, with the extack in TLVs behind it, not in an
 * NLMSG_ERROR.
 */
static int on_done(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;
	struct tnl_status done = { .fail = TNL_OK };

	x->done = true;
	if (tnl_done_status(nlmsg_hdr(msg), &done) < 0)
		*x->st = done;	/* the kernel's error wins over ours */
	return NL_STOP;
}

static struct nl_cb *xfer_cb(struct xfer *x)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, x);
	return cb;
}

int tnl_transact(struct tnl *nl, struct nl_msg *msg, tnl_reply_fn fn,
		 void *arg, struct tnl_status *st)
{
	struct xfer x = { .nl = nl, .fn = fn, .arg = arg, .st = st };
	struct nl_cb *cb;
	int err;

	st->fail = TNL_OK;
	cb = xfer_cb(&x);
	if (!cb) {
		nlmsg_free(msg);
		return local_fail(st, NLE_NOMEM);
	}
	/*
	 * As nl_send_auto(), but libnl's nl_complete_msg() sets NLM_F_ACK on
	 * every message, and a dump must not have it: a dump ends with
	 * NLMSG_DONE, which carries its error if it failed part way. Linux
	 * sends no ack after a dump that started (netlink_rcv_skb() skips
	 * it), but one that came after NLMSG_DONE would stay on the socket
	 * and break the sequence check of the next request on it.
	 */
	nl_complete_msg(nl->sk, msg);
	if ((nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK;
	err = nl_send(nl->sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !x.done) {
		err = nl_recvmsgs_report(nl->sk, cb);
		/*
		 * Nothing read on a blocking socket: EOF, don't spin. (The
		 * callbacks set x.done behind cppcheck's back.)
		 */
		// cppcheck-suppress knownConditionTrueFalse
		if (err == 0 && !x.done)
			err = -NLE_AGAIN;
	}
	nl_cb_put(cb);
	if (!x.done)
		return local_fail(st, -err);
	return st->fail == TNL_OK ? 0 : -1;
}

void tnl_report_kernel(const struct tnl_status *st)
{
	if (st->msg[0])
		cli_error("kernel said: %s: %s", strerror(st->code), st->msg);
	else
		cli_error("kernel said: %s", strerror(st->code));
}

static void report_kernel(const struct tnl_status *st)
{
	switch (st->code) {
	case EPERM:
	case EACCES:
		cli_error("permission denied: tlsgw configuration needs "
			  "CAP_NET_ADMIN in the network namespace's user "
			  "namespace (try as root)");
		if (st->msg[0])
			tnl_report_kernel(st);
		return;
	case EOPNOTSUPP:
		/*
		 * An unknown command gets a bare -EOPNOTSUPP; one with an
		 * explanation came from a command that exists, and the
		 * kernel's words are more useful than our guess.
		 */
		if (!st->msg[0]) {
			cli_error("the loaded tlsgw module does not support "
				  "this command (kernel module too old?)");
			return;
		}
		break;
	}
	tnl_report_kernel(st);
}

void tnl_report(const struct tnl_status *st)
{
	switch (st->fail) {
	case TNL_OK:
		break;
	case TNL_NO_FAMILY:
		cli_error("tlsgw module not loaded: try 'modprobe tlsgw'");
		break;
	case TNL_LOCAL:
		cli_error("netlink: %s", nl_geterror(st->code));
		break;
	case TNL_BAD_REPLY:
		cli_error("unexpected reply from the kernel: %s", st->msg);
		break;
	case TNL_KERNEL:
		report_kernel(st);
		break;
	}
}

const char *tnl_status_text(const struct tnl_status *st, const char *feature,
			    char *buf, size_t size)
{
	switch (st->fail) {
	case TNL_KERNEL:
		if (st->code == EOPNOTSUPP && !st->msg[0]) {
			snprintf(buf, size, "the loaded tlsgw module has no "
				 "%s support (kernel module too old?)",
				 feature);
			break;
		}
		snprintf(buf, size, "kernel said: %s%s%s", strerror(st->code),
			 st->msg[0] ? ": " : "", st->msg);
		break;
	case TNL_LOCAL:
		snprintf(buf, size, "netlink: %s", nl_geterror(st->code));
		break;
	case TNL_NO_FAMILY:
		snprintf(buf, size, "tlsgw module not loaded");
		break;
	default:
		snprintf(buf, size, "unexpected reply from the kernel: %s",
			 st->msg);
	}
	return buf;
}
