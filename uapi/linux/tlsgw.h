/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tlsgw: kernel TLS gateway, generic netlink API.
 *
 * Family and groups
 * -----------------
 *
 * The generic netlink family is TLSGW_GENL_NAME ("tlsgw"), version
 * TLSGW_GENL_VERSION. Every request carries a struct genlmsghdr whose cmd
 * is one of enum tlsgw_cmd; the version field is ignored on requests and
 * set to TLSGW_GENL_VERSION on replies. The family is per network
 * namespace: a request acts on, and reports, the namespace of the netlink
 * socket it was sent on.
 *
 * The multicast group TLSGW_MCGRP_EVENTS ("events") carries unsolicited
 * TLSGW_CMD_EVENT messages (sessions opened and closed, SOCKS5 denials,
 * STARTTLS findings) as those features arrive; see TLSGW_F_* for what a
 * given module emits.
 *
 * Permissions
 * -----------
 *
 * Every command requires CAP_NET_ADMIN in the user namespace that owns the
 * network namespace of the socket. A process without it gets -EPERM
 * before the request is parsed.
 *
 * Validation and errors
 * ---------------------
 *
 * Attributes are validated strictly against the policy of the command:
 * an attribute type the command does not know, an attribute of the wrong
 * length, an output-only attribute sent in a request, an unknown flag bit
 * or trailing garbage makes the whole request fail with -EINVAL (or
 * -ERANGE for values out of range) and changes nothing. Requests sent
 * with NLM_F_ACK and all failures get an NLMSG_ERROR reply; failures carry
 * an extended ack (NLMSGERR_ATTR_MSG, and NLMSGERR_ATTR_OFFS pointing at
 * the offending attribute where there is one) when the socket has enabled
 * NETLINK_EXT_ACK. An unknown command gets -EOPNOTSUPP: tools use that,
 * together with TLSGW_A_FEATURES, to tell a module that is too old.
 *
 * Integers are in host byte order unless an attribute says otherwise.
 * Counters are __u64 and start at zero when the module is loaded into a
 * namespace (or when they are reset).
 *
 * Commands
 * --------
 *
 * TLSGW_CMD_GET_INFO (doit only)
 *	Describes the module and this namespace's counters.
 *
 *	Request attributes, all optional:
 *	  TLSGW_A_INFO_FLAGS		u32, a mask of enum tlsgw_info_flags:
 *	    TLSGW_INFO_F_RESET_COUNTERS	after reporting them, reset this
 *					namespace's cumulative counters to
 *					zero (gauges are not touched).
 *
 *	Reply attributes:
 *	  TLSGW_A_VERSION		NUL-terminated string, the module
 *					version ("0.1.0").
 *	  TLSGW_A_FEATURES		u64, a mask of enum tlsgw_features:
 *					the commands and behaviours this
 *					module implements.
 *	  TLSGW_A_COUNTERS		nest of u64 counters, one attribute
 *					per enum tlsgw_counter.
 *
 * The following commands are reserved for the objects that are coming:
 * their numbers are fixed, a module that does not implement them answers
 * -EOPNOTSUPP and does not set their TLSGW_F_* bit.
 *
 *   TLSGW_CMD_SERVICE_NEW, _DEL, _GET	TLS-terminating services
 *   TLSGW_CMD_SESSION_OFFLOAD		hand a handshaken socket pair and its
 *					keys to the kernel relay
 *   TLSGW_CMD_SESSION_GET, _DEL	list (dump) and kill relay sessions
 *   TLSGW_CMD_SOCKS_NEW, _DEL, _GET	in-kernel SOCKS5 services
 *   TLSGW_CMD_SOCKS_USER_NEW, _DEL	SOCKS5 RFC 1929 users
 *   TLSGW_CMD_SOCKS_RULE_NEW, _DEL	SOCKS5 allow/deny rules
 *   TLSGW_CMD_SOCKS_RESOLVE		DNS upcall to and answer from tlsgwd
 *   TLSGW_CMD_STARTTLS_POLICY_NEW, _DEL, _GET
 *					STARTTLS policies
 *   TLSGW_CMD_STARTTLS_FLOW_GET	dump tracked STARTTLS flows
 *   TLSGW_CMD_EVENT			multicast notification
 *
 * Each of those takes and returns one nested attribute named after its
 * object (TLSGW_A_SERVICE, TLSGW_A_SESSION, TLSGW_A_SOCKS,
 * TLSGW_A_STARTTLS, TLSGW_A_EVENT); the attribute sets inside those nests
 * are defined in this header together with the commands that use them.
 *
 * Dumps
 * -----
 *
 * _GET commands sent with NLM_F_DUMP answer with one message per object,
 * as many as fit in each reply buffer, ended by NLMSG_DONE. An object is
 * never split across messages. A dump that races with changes may miss
 * objects that were added or removed during it, but never reports one
 * twice.
 */

#ifndef _UAPI_LINUX_TLSGW_H
#define _UAPI_LINUX_TLSGW_H

#define TLSGW_GENL_NAME		"tlsgw"
#define TLSGW_GENL_VERSION	1
#define TLSGW_MCGRP_EVENTS	"events"

enum tlsgw_cmd {
	TLSGW_CMD_UNSPEC,
	TLSGW_CMD_GET_INFO,
	TLSGW_CMD_SERVICE_NEW,
	TLSGW_CMD_SERVICE_DEL,
	TLSGW_CMD_SERVICE_GET,
	TLSGW_CMD_SESSION_OFFLOAD,
	TLSGW_CMD_SESSION_GET,
	TLSGW_CMD_SESSION_DEL,
	TLSGW_CMD_SOCKS_NEW,
	TLSGW_CMD_SOCKS_DEL,
	TLSGW_CMD_SOCKS_GET,
	TLSGW_CMD_SOCKS_USER_NEW,
	TLSGW_CMD_SOCKS_USER_DEL,
	TLSGW_CMD_SOCKS_RULE_NEW,
	TLSGW_CMD_SOCKS_RULE_DEL,
	TLSGW_CMD_SOCKS_RESOLVE,
	TLSGW_CMD_STARTTLS_POLICY_NEW,
	TLSGW_CMD_STARTTLS_POLICY_DEL,
	TLSGW_CMD_STARTTLS_POLICY_GET,
	TLSGW_CMD_STARTTLS_FLOW_GET,
	TLSGW_CMD_EVENT,

	__TLSGW_CMD_MAX
};

#define TLSGW_CMD_MAX (__TLSGW_CMD_MAX - 1)

enum tlsgw_attr {
	TLSGW_A_UNSPEC,
	TLSGW_A_VERSION,	/* string, reply only */
	TLSGW_A_FEATURES,	/* u64, enum tlsgw_features; reply only */
	TLSGW_A_COUNTERS,	/* nest of enum tlsgw_counter; reply only */
	TLSGW_A_INFO_FLAGS,	/* u32, enum tlsgw_info_flags */
	TLSGW_A_SERVICE,	/* nest, reserved */
	TLSGW_A_SESSION,	/* nest, reserved */
	TLSGW_A_SOCKS,		/* nest, reserved */
	TLSGW_A_STARTTLS,	/* nest, reserved */
	TLSGW_A_EVENT,		/* nest, reserved */

	__TLSGW_A_MAX
};

#define TLSGW_A_MAX (__TLSGW_A_MAX - 1)

enum tlsgw_info_flags {
	TLSGW_INFO_F_RESET_COUNTERS = 1U << 0,

	__TLSGW_INFO_F_ALL = TLSGW_INFO_F_RESET_COUNTERS
};

/* What a module implements; reported in TLSGW_A_FEATURES. */
enum tlsgw_features {
	TLSGW_F_INFO		= 1ULL << 0,	/* TLSGW_CMD_GET_INFO */
	TLSGW_F_COUNTER_RESET	= 1ULL << 1,	/* TLSGW_INFO_F_RESET_COUNTERS */
	TLSGW_F_KTLS_OFFLOAD	= 1ULL << 2,	/* services and sessions */
	TLSGW_F_SOCKS5		= 1ULL << 3,	/* SOCKS5 services */
	TLSGW_F_STARTTLS	= 1ULL << 4,	/* STARTTLS policies and flows */
	TLSGW_F_EVENTS		= 1ULL << 5,	/* TLSGW_CMD_EVENT is sent */
};

/*
 * Counters in TLSGW_A_COUNTERS. "Gauge" counters give a current value and
 * are not reset; the others count since load or the last reset.
 */
enum tlsgw_counter {
	TLSGW_CTR_UNSPEC,
	TLSGW_CTR_REQUESTS,	/* commands served in this namespace */
	TLSGW_CTR_NAMESPACES,	/* gauge: namespaces the module serves;
				 * reported in init_net only
				 */

	__TLSGW_CTR_MAX
};

#define TLSGW_CTR_MAX (__TLSGW_CTR_MAX - 1)

#endif /* _UAPI_LINUX_TLSGW_H */
