/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the tlsgw generic netlink family with libnl: open a socket
 * with extended acks enabled, resolve the family, run one request/reply
 * transaction, and turn failures into the messages users see.
 *
 * Failures are returned as a struct tnl_status rather than printed where
 * they happen, so a command can give a more specific message for an error
 * it expects (info reset-counters on an old module) and fall back to
 * tnl_report() for the rest.
 */
#ifndef TLSGW_NL_H
#define TLSGW_NL_H

#include <stddef.h>
#include <stdint.h>

#include <netlink/genl/genl.h>

enum tnl_fail {
	TNL_OK,
	TNL_NO_FAMILY,		/* the tlsgw family is not registered */
	TNL_LOCAL,		/* libnl or socket failure; code is an NLE_* */
	TNL_KERNEL,		/* the kernel said no; code is a positive errno */
	TNL_BAD_REPLY,		/* the reply broke the contract; see msg */
};

struct tnl_status {
	enum tnl_fail fail;
	int code;
	char msg[256];		/* extack (TNL_KERNEL) or what was wrong */
};

struct tnl {
	struct nl_sock *sk;
	int family;
};

/*
 * Called for each reply message of a transaction. Returns 0, or -1 after
 * filling st (usually with tnl_bad_reply()). Later replies are then
 * still drained, so the socket stays usable, but not passed on.
 */
typedef int (*tnl_reply_fn)(struct nl_msg *msg, void *arg,
			    struct tnl_status *st);

int tnl_open(struct tnl *nl, struct tnl_status *st);
void tnl_close(struct tnl *nl);

/*
 * A request for cmd with the genl header filled in; NULL on ENOMEM.
 * NLM_F_ACK is added (and sent) unless flags has NLM_F_DUMP: a dump ends
 * with NLMSG_DONE instead.
 */
struct nl_msg *tnl_request(const struct tnl *nl, uint8_t cmd, int flags);

/*
 * Sends msg (consuming it), passes each reply to fn and waits for the
 * final ack, error or NLMSG_DONE: a dump's replies may span many
 * datagrams, each holding many messages. Returns 0 or -1 with st filled;
 * an error code in NLMSG_DONE is a kernel failure like an NLMSG_ERROR.
 */
int tnl_transact(struct tnl *nl, struct nl_msg *msg, tnl_reply_fn fn,
		 void *arg, struct tnl_status *st);

/*
 * The status an NLMSG_DONE message carries: 0, or -1 with st filled
 * (TNL_KERNEL, code and extack) if it holds a negative errno.
 */
int tnl_done_status(const struct nlmsghdr *nlh, struct tnl_status *st);

int tnl_bad_reply(struct tnl_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the standard message for a failed status on stderr. */
void tnl_report(const struct tnl_status *st);

/* "kernel said: <strerror>[: <extack>]", for commands' own messages. */
void tnl_report_kernel(const struct tnl_status *st);

/*
 * A failed status as one line of text, for a log (tlsgwd): feature names
 * what a bare EOPNOTSUPP means the module lacks ("SOCKS5").
 */
const char *tnl_status_text(const struct tnl_status *st, const char *feature,
			    char *buf, size_t size);

#endif /* TLSGW_NL_H */
