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
 * before the request is parsed. Joining TLSGW_MCGRP_EVENTS needs the same
 * (NETLINK_ADD_MEMBERSHIP fails with -EPERM without it); events go only to
 * subscribers in the namespace they happened in.
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
 * Integers are in host byte order unless an attribute says otherwise;
 * addresses are a struct sockaddr_in or sockaddr_in6 as the socket API
 * has them (port and address in network byte order). A __u64 attribute
 * may be preceded by a padding attribute of type 0 (or *_PAD), which
 * readers skip. Counters are __u64 and start at zero when the module is
 * loaded into a namespace (or when they are reset); the byte counters
 * include the bytes live sessions have relayed so far.
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
 * TLSGW_CMD_SERVICE_NEW (doit)
 *	Creates a TLS-terminating service, or updates the limits of an
 *	existing one (live sessions keep running). Services only group
 *	sessions for limits and accounting; tlsgwd owns the listening
 *	sockets. (Generic netlink refuses NLM_F_CREATE and NLM_F_REPLACE on
 *	new families' requests, hence TLSGW_SVC_A_FLAGS.) Takes
 *	TLSGW_A_SERVICE:
 *	  TLSGW_SVC_A_NAME		string, 1 to TLSGW_NAME_MAX - 1
 *					bytes of [A-Za-z0-9_.-], required
 *	  TLSGW_SVC_A_MAX_SESSIONS	u32, live sessions allowed; 0 (the
 *					default) means only the namespace
 *					limit applies
 *	  TLSGW_SVC_A_IDLE_TIMEOUT	u32, seconds without a byte in either
 *					direction before a session is
 *					closed; 0 means never (default 300,
 *					at most 604800, else -ERANGE)
 *	  TLSGW_SVC_A_FLAGS		u32, a mask of enum tlsgw_service_flags:
 *	    TLSGW_SVC_F_REPLACE		update the service if it exists
 *					(otherwise: -EEXIST)
 *	    TLSGW_SVC_F_NO_CREATE	do not create it if it is missing
 *					(-ENOENT)
 *	-ENOSPC past the namespace's limit of TLSGW_SERVICES_MAX services.
 *
 * TLSGW_CMD_SERVICE_DEL (doit)
 *	Takes TLSGW_A_SERVICE with TLSGW_SVC_A_NAME. Closes the service's
 *	sessions (reason TLSGW_CLOSE_KILLED) and removes it.
 *
 * TLSGW_CMD_SERVICE_GET (doit with TLSGW_SVC_A_NAME, or dump)
 *	Returns TLSGW_A_SERVICE with NAME, MAX_SESSIONS, IDLE_TIMEOUT and
 *	  TLSGW_SVC_A_COUNTERS		nest of enum tlsgw_counter: the
 *					session counters of this service
 *					(SESSIONS_*, LIMIT_REJECTED, CLOSED_*,
 *					BYTES_*)
 *
 * TLSGW_CMD_SESSION_OFFLOAD (doit)
 *	Hands a TLS session whose handshake is complete to the kernel. The
 *	kernel takes its own references to both sockets (the caller closes
 *	its descriptors afterwards), installs kTLS TX and RX on the client
 *	socket and relays plaintext between the client and the backend until
 *	either side ends. Takes TLSGW_A_SESSION:
 *	  TLSGW_SESS_A_SERVICE		string, an existing service, required
 *	  TLSGW_SESS_A_CLIENT_FD	s32, descriptor in the caller's file
 *					table: connected (ESTABLISHED) TCP
 *					socket of the TLS client, no ULP
 *	  TLSGW_SESS_A_BACKEND_FD	s32, connected TCP socket to the
 *					backend, no ULP
 *	  TLSGW_SESS_A_TLS_VERSION	u16, TLS_1_2_VERSION or TLS_1_3_VERSION
 *					(linux/tls.h)
 *	  TLSGW_SESS_A_CIPHER		u16, TLS_CIPHER_AES_GCM_128,
 *					TLS_CIPHER_AES_GCM_256 or
 *					TLS_CIPHER_CHACHA20_POLY1305
 *	  TLSGW_SESS_A_TX_KEY		binary, the gateway's (server) write
 *					key: 16 or 32 bytes as the cipher needs
 *	  TLSGW_SESS_A_TX_IV		binary, its write IV as TLS derives
 *					it: 12 bytes, but 4 (the implicit
 *					salt) for AES-GCM in TLS 1.2
 *	  TLSGW_SESS_A_TX_SEQ		u64, sequence number of the next
 *					record the gateway sends
 *	  TLSGW_SESS_A_RX_KEY, _RX_IV, _RX_SEQ
 *					the same for the client's direction
 *	  TLSGW_SESS_A_INITIAL_DATA	binary, optional, at most
 *					TLSGW_INITIAL_DATA_MAX bytes of
 *					plaintext the handshake library had
 *					already read from the client; it
 *					reaches the backend first
 *	All but INITIAL_DATA are required. Replies with TLSGW_A_SESSION
 *	holding TLSGW_SESS_A_ID. On these errors nothing is installed and
 *	the sockets are untouched: -EBADF (not a descriptor), -ENOTSOCK,
 *	-EPROTOTYPE (not TCP), -ENOTCONN (not established), -EBUSY (already
 *	has a ULP, or is part of a session), -ENOENT (no such service),
 *	-EINVAL (version, cipher or key and IV lengths), -ENOSPC (session
 *	limit), -ENOPROTOOPT (kTLS unavailable). One failure comes too late
 *	for that: when installing kTLS TX or RX itself fails (for example
 *	-ENOMEM, or a cipher the kernel's crypto API lacks), the tls ULP is
 *	attached to the client socket already and cannot be taken off. The
 *	kernel then shuts the client connection down (it resets when the
 *	caller closes its descriptor, which is all it can still do with it)
 *	and says so in the extended ack ("installing kTLS TX (or RX) on the
 *	client socket failed"); the backend socket is untouched. Key
 *	material is zeroed in the kernel once installed and never reported.
 *
 * Sessions: every relayed connection of the namespace, whatever relays
 * it, is a session with an id (unique in the namespace, never reused
 * while the module is loaded), a kind (enum tlsgw_session_kind) and the
 * name of its service: TLS sessions (SESSION_OFFLOAD, kind TLS, service
 * a SERVICE_NEW name) and SOCKS5 client connections (kind SOCKS5,
 * service a SOCKS_NEW name) from the accept on, while they negotiate and
 * while they relay a CONNECT or BIND (UDP associations too, until they
 * end). SESSION_GET, SESSION_DEL and the events below cover every kind;
 * limits and counters stay with each kind's service.
 *
 * TLSGW_CMD_SESSION_GET (doit with TLSGW_SESS_A_ID, or dump)
 *	Returns TLSGW_A_SESSION with
 *	  TLSGW_SESS_A_ID		u64
 *	  TLSGW_SESS_A_KIND		u32, enum tlsgw_session_kind
 *	  TLSGW_SESS_A_SERVICE		string, the service's name
 *	  TLSGW_SESS_A_CLIENT_PEER,	binary struct sockaddr_in or
 *	  _CLIENT_LOCAL, _BACKEND_PEER,	sockaddr_in6: the two connections'
 *	  _BACKEND_LOCAL		addresses (SOCKS5: the backend's once
 *					it relays)
 *	  TLSGW_SESS_A_AGE_MS		u64, since the offload (SOCKS5: the
 *					accept)
 *	and, once the session relays (always for TLS; SOCKS5 from the
 *	success reply of a CONNECT or BIND on):
 *	  TLSGW_SESS_A_IDLE_MS		u64, since the last byte relayed
 *	  TLSGW_SESS_A_BYTES_IN		u64, plaintext client -> backend
 *	  TLSGW_SESS_A_BYTES_OUT	u64, plaintext backend -> client
 *	and for kind TLS:
 *	  TLSGW_SESS_A_TLS_VERSION	u16
 *	  TLSGW_SESS_A_CIPHER		u16
 *	  TLSGW_SESS_A_RECORDS_IN	u64, TLS records received (a lower
 *					bound: one read may span records)
 *	  TLSGW_SESS_A_RECORDS_OUT	u64, TLS records sent
 *	A dump may carry TLSGW_A_SESSION with filters, all optional:
 *	  TLSGW_SESS_A_KIND		u32, only sessions of that kind
 *	  TLSGW_SESS_A_SERVICE		string, only sessions of services of
 *					that name (of any kind unless KIND
 *					says)
 *	-ERANGE for an unknown kind, -EINVAL for any other attribute in
 *	the filter (with an extack message). Sessions come in increasing id
 *	order.
 *
 * TLSGW_CMD_SESSION_DEL (doit)
 *	Takes TLSGW_A_SESSION with TLSGW_SESS_A_ID; closes the session with
 *	reason TLSGW_CLOSE_KILLED (both connections are reset; a SOCKS5
 *	connection still negotiating is reset without a reply). -ENOENT if
 *	there is no such session.
 *
 * TLSGW_CMD_EVENT (multicast only, group TLSGW_MCGRP_EVENTS)
 *	TLSGW_A_EVENT holding
 *	  TLSGW_EV_A_TYPE		u32, enum tlsgw_event
 *	  TLSGW_EV_A_REASON		u32, enum tlsgw_close_reason (close
 *					events)
 *	and, beside it, TLSGW_A_SESSION as SESSION_GET reports it at that
 *	moment (with its KIND) but without the four addresses, which
 *	SESSION_GET has. A session opens when it starts relaying (TLS: the
 *	offload; SOCKS5: the success reply of a CONNECT or BIND) and only a
 *	session that opened sends a close event: a SOCKS5 connection that
 *	fails or is denied while negotiating sends neither.
 *
 *	STARTTLS events (TLSGW_EV_A_TYPE TLSGW_EVENT_STARTTLS, one per
 *	finding, sent from the packet path) carry instead
 *	  TLSGW_EV_A_FINDING		u32, enum tlsgw_starttls_finding
 *	in TLSGW_A_EVENT and, beside it, TLSGW_A_STARTTLS with FLOW_ID,
 *	NAME (the policy), PROTO and BLOCKED (flag: the policy reset the
 *	flow for this finding). No addresses, for the reason above, and
 *	never any payload: a credentials event says only that credentials
 *	went by in cleartext.
 *	SOCKS5 denials (TLSGW_EVENT_SOCKS_DENIED) carry TLSGW_EV_A_SOCKS_CMD
 *	(u32, enum tlsgw_socks_cmd) and, beside it, TLSGW_A_SOCKS with NAME.
 *
 * SOCKS5 (TLSGW_F_SOCKS5)
 * ---------------------
 *
 * A SOCKS5 service (RFC 1928, RFC 1929) is a listening socket the kernel
 * owns: greeting, authentication, the request, name resolution (through
 * tlsgwd), the outgoing connection and the relaying all happen in the
 * kernel. Every SOCKS command takes TLSGW_A_SOCKS, a nest of enum
 * tlsgw_socks_attr.
 *
 * TLSGW_CMD_SOCKS_NEW (doit)
 *	Creates a service and starts listening. -EEXIST if the name is
 *	taken, -EADDRINUSE if the address is, -ENOSPC past
 *	TLSGW_SOCKS_SERVICES_MAX services in the namespace.
 *	  TLSGW_SOCKS_A_NAME		string, as TLSGW_SVC_A_NAME; required
 *	  TLSGW_SOCKS_A_LISTEN		binary sockaddr_in or sockaddr_in6,
 *					required; port 0 picks a free port
 *					(SOCKS_GET reports it)
 *	  TLSGW_SOCKS_A_AUTH		u32, enum tlsgw_socks_auth: the one
 *					method the service accepts (default
 *					TLSGW_SOCKS_AUTH_NONE)
 *	  TLSGW_SOCKS_A_FLAGS		u32, enum tlsgw_socks_flags
 *	    TLSGW_SOCKS_F_OPEN		lab setup: a request no rule matches
 *					is allowed. Without it (the default)
 *					such a request is denied, so a new
 *					service refuses everything until
 *					rules allow something.
 *	  TLSGW_SOCKS_A_MAX_SESSIONS	u32, connections (negotiating or
 *					relaying) at once; default 1000,
 *					1 to 1000000
 *	  TLSGW_SOCKS_A_NEG_TIMEOUT	u32, seconds a client has from its
 *					connection to a complete request
 *					(default 10, 1 to 3600)
 *	  TLSGW_SOCKS_A_IDLE_TIMEOUT	u32, seconds without traffic before a
 *					relayed connection or UDP association
 *					is closed; 0: never (default 300, at
 *					most 604800)
 *
 * TLSGW_CMD_SOCKS_DEL (doit)
 *	Takes TLSGW_SOCKS_A_NAME. Stops listening, resets the service's
 *	connections and ends its UDP associations.
 *
 * TLSGW_CMD_SOCKS_GET (doit with TLSGW_SOCKS_A_NAME, or dump)
 *	Returns NAME, LISTEN (the bound address), AUTH, FLAGS,
 *	MAX_SESSIONS, NEG_TIMEOUT, IDLE_TIMEOUT and
 *	  TLSGW_SOCKS_A_COUNTERS	nest of enum tlsgw_socks_counter
 *	The doit reply also lists the users and the rules, in order:
 *	  TLSGW_SOCKS_A_USERS		nest of TLSGW_SOCKS_A_USER nests, each
 *					with USER_A_NAME and USER_A_COUNTERS
 *	  TLSGW_SOCKS_A_RULES		nest of TLSGW_SOCKS_A_RULE nests as
 *					SOCKS_RULE_NEW takes them, with
 *					RULE_A_INDEX and RULE_A_HITS
 *
 * TLSGW_CMD_SOCKS_USER_NEW, TLSGW_CMD_SOCKS_USER_DEL (doit)
 *	Take TLSGW_SOCKS_A_NAME (the service) and TLSGW_SOCKS_A_USER:
 *	  TLSGW_SOCKS_USER_A_NAME	string, 1 to 255 bytes, required
 *	  TLSGW_SOCKS_USER_A_PASSWORD	binary, 1 to 255 bytes, required by
 *					USER_NEW; request only
 *	USER_NEW adds the user or replaces its password. The kernel keeps
 *	only a random 16-byte salt and SHA-256(salt || password), compares
 *	in constant time, zeroes the password and never reports either.
 *	At most TLSGW_SOCKS_USERS_MAX users per service (-ENOSPC).
 *
 * TLSGW_CMD_SOCKS_RULE_NEW, TLSGW_CMD_SOCKS_RULE_DEL (doit)
 *	Take TLSGW_SOCKS_A_NAME and TLSGW_SOCKS_A_RULE. Rules are an ordered
 *	list; the first rule that matches a request decides, and a request
 *	no rule matches is denied (allowed with TLSGW_SOCKS_F_OPEN). A rule
 *	matches when every criterion it has matches; a missing criterion
 *	matches anything.
 *	  TLSGW_SOCKS_RULE_A_INDEX	u32: RULE_NEW inserts the rule at
 *					this position (default: appends);
 *					RULE_DEL removes the rule there
 *					(required). -ENOENT past the end.
 *	  TLSGW_SOCKS_RULE_A_ACTION	u32, enum tlsgw_socks_action,
 *					required by RULE_NEW
 *	  TLSGW_SOCKS_RULE_A_SRC	binary, 4 or 16 bytes: client address
 *	  TLSGW_SOCKS_RULE_A_SRC_PLEN	u8, its prefix length (default: all
 *					bits); an IPv4 prefix matches only
 *					IPv4 clients, IPv6 only IPv6
 *	  TLSGW_SOCKS_RULE_A_DST, _DST_PLEN
 *					the same for the destination; a
 *					DOMAINNAME request is matched once
 *					per resolved address
 *	  TLSGW_SOCKS_RULE_A_PORT_MIN,	u16, destination port range
 *	  TLSGW_SOCKS_RULE_A_PORT_MAX	(inclusive)
 *	  TLSGW_SOCKS_RULE_A_COMMANDS	u32, mask of 1 << TLSGW_SOCKS_CMD_*
 *	  TLSGW_SOCKS_RULE_A_USER	string, the authenticated user
 *	  TLSGW_SOCKS_RULE_A_HITS	u64, requests decided; reply only
 *	At most TLSGW_SOCKS_RULES_MAX rules per service (-ENOSPC).
 *	A denial answers the client with reply code 0x02, counts, and sends
 *	TLSGW_EVENT_SOCKS_DENIED. UDP ASSOCIATE is admitted when a rule
 *	without destination criteria allows it, or an allow rule with them
 *	could (its other criteria match); each datagram is then checked
 *	against the rules with its own destination, and a denied datagram
 *	is dropped and counted (DENIED, UDP_DROPPED) without an event.
 *
 * SOCKS5 behaviour
 *	CONNECT tries the destination's addresses in turn (rules checked
 *	per address) and answers with the first connection's local address.
 *	Failures answer 0x05 (refused), 0x03 (network unreachable), 0x04
 *	(host unreachable, or no such name), 0x06 (the connect timed out:
 *	module parameter socks_connect_timeout, default 10 s), 0x02 (rules)
 *	or 0x01. Bytes the client sends after its request, before the
 *	reply, are kept and relayed once connected (counted EARLY_DATA).
 *	BIND listens on the gateway's address toward DST.ADDR, answers that
 *	address first, accepts only a connection from DST.ADDR (unless it is
 *	all zeros; others are reset) within socks_bind_timeout (default 60
 *	s), and answers the peer's address second. UDP ASSOCIATE relays
 *	datagrams from the client's address (the port in the request, or
 *	the first datagram's) and answers from hosts the client sent to;
 *	FRAG != 0 is dropped. Malformed greetings, logins and requests get
 *	the fitting reply (0xFF method, RFC 1929 status 1, 0x07 command,
 *	0x08 address type, 0x01 otherwise) and a close, or just a close for
 *	a wrong version byte; incomplete ones end after NEG_TIMEOUT.
 *	While a request is carried out (name lookup, connect, BIND wait), a
 *	client that closes or resets its connection ends it at once, without
 *	a reply. A connection from an address that already has
 *	socks_max_source_negotiations (module parameter, default 256, 0: no
 *	limit) connections of the same service negotiating (before their
 *	request succeeded) is reset at once and counted SOURCE_LIMITED.
 *
 * TLSGW_CMD_SOCKS_RESOLVE (doit, and kernel-to-daemon unicast)
 *	The name resolution upcall. The daemon (tlsgwd) registers by sending
 *	TLSGW_A_RESOLVE with TLSGW_RESOLVE_A_FLAGS = TLSGW_RESOLVE_F_REGISTER
 *	on the socket it will answer from; the last registration in a
 *	namespace wins and lasts until that socket is closed or cannot be
 *	reached. For each DOMAINNAME request the kernel sends that socket a
 *	TLSGW_CMD_SOCKS_RESOLVE message (unicast, never multicast) with
 *	TLSGW_A_RESOLVE holding ID (u64) and NAME (string, 1 to 255 bytes,
 *	as the client sent it). The daemon answers with a SOCKS_RESOLVE
 *	request holding the same ID and either up to
 *	TLSGW_RESOLVE_ADDRS_MAX TLSGW_RESOLVE_A_ADDR attributes (binary, 4
 *	or 16 bytes each, in the order to try) or TLSGW_RESOLVE_A_ERROR (u32,
 *	enum tlsgw_resolve_error). An answer for an unknown or expired ID
 *	gets -ENOENT. NXDOMAIN answers the client 0x04 (host unreachable).
 *	Without a registered daemon the kernel's own dns_resolver answers
 *	(dns_query(): a request-key upcall to keyutils' key.dns_resolver,
 *	run in the initial namespaces, answers cached as keys), unless the
 *	module parameter socks_kernel_dns is off; a name it cannot resolve
 *	answers 0x04. With socks_kernel_dns off and no daemon, after
 *	socks_resolve_timeout (seconds, default 5), beyond
 *	socks_max_resolves pending lookups per namespace (default 256) or
 *	on TEMPFAIL, the client gets 0x01 (general failure). Both count
 *	RESOLVE_FAILED. The names are never logged by the kernel.
 *
 * STARTTLS policing (TLSGW_F_STARTTLS)
 * ------------------------------------
 *
 * Netfilter hooks (IPv4 and IPv6; forwarded, incoming and outgoing
 * traffic) follow the TCP connections that a policy selects, from the
 * client's SYN on (data in the SYN, TCP Fast Open, included; IP fragments
 * are reassembled first, as conntrack does, while the namespace has a
 * policy), parse the cleartext SMTP, POP3, IMAP or FTP dialogue
 * in sequence order (retransmitted bytes are parsed once; a segment
 * beyond a hole is copied and passes, so the receiver acknowledges it
 * selectively and the sender resends only the hole; the copy is parsed
 * when the hole is filled, and a finding in it blocks the segment that
 * fills the hole, which the receiver needs before it hands the copied
 * bytes on; a segment filling a hole with other bytes than a copy has
 * for the same sequence numbers resets the flow; what does not fit in
 * starttls_ooo_bytes per flow, 16 segments per flow or
 * starttls_ooo_total per namespace is dropped, and the sender resends it
 * after the hole), report what they see and enforce the
 * policy. SMTP, POP3 and IMAP flows are no longer parsed once TLS has
 * started. An FTP control connection is: its TLS records are followed in
 * both directions (in sequence order, for its whole life) so that its
 * return to cleartext is seen. TLSGW_FINDING_CCC is reported
 * at the first byte after TLS that cannot start a TLS record (RFC 4217:
 * CCC and its 200 reply go inside TLS, then close_notify), or at the 200
 * reply to a CCC sent in cleartext; the flow is then in TLSGW_PHASE_CCC
 * and parsed as cleartext again (USER and PASS give CLEAR_AUTH). The
 * hooks are registered in a namespace only while it has at least one
 * policy; deleting the last policy forgets every flow. A SYN with a new
 * sequence number on the 4-tuple of a listed flow (a client port reused)
 * replaces that flow once the server's SYN-ACK acknowledges it.
 * A RST ends a flow only if its sequence number lies within the
 * receiver's largest advertised window (at least 64 KiB) either side of
 * the next sequence number the gateway expects (RFC 5961 style; before
 * the SYN-ACK, a server RST must acknowledge the SYN): other RSTs pass,
 * and the flow stays tracked.
 *
 * Fall-backs. A connection a policy selects may go unfollowed: the
 * flow table is full (STARTTLS_FLOWS_DROPPED; to make room, a new SYN
 * first evicts the oldest flow that never got a SYN-ACK, and while the
 * table is over three quarters full such flows are forgotten after 5 s
 * instead of 30), the flow was given up after 64 segments in a row
 * beyond a hole that could not be kept (STARTTLS_FLOWS_LOST: the gateway
 * misses one direction's bytes, e.g. asymmetric routing), it idled past
 * starttls_idle_timeout (STARTTLS_FLOWS_EXPIRED), or it began before
 * the policy. By default (fail-open) such a connection passes unparsed.
 * With TLSGW_STLS_A_FAIL_CLOSED it does not: a SYN that gets no flow is
 * dropped (the client retries it), a lost flow is reset as a blocked
 * one is, and any other packet of a connection to (or from) the
 * policy's ports that has no flow is dropped and its sender reset
 * (STARTTLS_UNTRACKED). So adding a fail-closed policy resets the
 * connections to its ports that were open before, and a connection that
 * idles longer than starttls_idle_timeout (IMAP IDLE may idle 29
 * minutes) is reset when it speaks again: raise the timeout to match.
 * Counters count every fall-back whatever the policy says.
 *
 * Policies are tried in the order they were added; the first whose port
 * set (and destination prefix, if any) matches a new connection's server
 * side owns the flow until it ends. Modes (enum tlsgw_starttls_mode):
 * MONITOR only reports; BLOCK_CLEAR_AUTH resets flows that send
 * credentials before TLS; REQUIRE_TLS also resets on commands a protocol
 * does not need before its upgrade, on cleartext after the go-ahead and
 * on FTP CCC; BLOCK_INJECTION resets on command or response injection.
 * A reset drops the offending segment: the receiver gets a RST in its
 * place and the sender gets one from the gateway; the flow then drops
 * whatever else either side sends until it is forgotten.
 *
 * TLSGW_CMD_STARTTLS_POLICY_NEW (doit)
 *	Takes TLSGW_A_STARTTLS:
 *	  TLSGW_STLS_A_NAME		string, 1 to TLSGW_NAME_MAX - 1
 *					bytes of [A-Za-z0-9_.-], required
 *	  TLSGW_STLS_A_PROTO		u32, enum tlsgw_starttls_proto,
 *					required
 *	  TLSGW_STLS_A_PORTS		binary, 1 to TLSGW_STARTTLS_RANGES_MAX
 *					struct tlsgw_port_range (server ports,
 *					1 <= lo <= hi), required
 *	  TLSGW_STLS_A_DST_ADDR		binary, optional: 4 (IPv4) or 16
 *					(IPv6) bytes, network byte order
 *	  TLSGW_STLS_A_DST_PREFIX_LEN	u8, with DST_ADDR: its prefix length
 *					(-ERANGE past the address's bits)
 *	  TLSGW_STLS_A_MODE		u32, enum tlsgw_starttls_mode, required
 *	  TLSGW_STLS_A_FAIL_CLOSED	flag, optional: connections this
 *					policy cannot follow are not passed
 *					(see "Fall-backs" below); -EINVAL
 *					with MONITOR
 *	-EEXIST if the name is taken (policies are not changed in place:
 *	delete and add), -ENOSPC past TLSGW_STARTTLS_POLICIES_MAX.
 *
 * TLSGW_CMD_STARTTLS_POLICY_DEL (doit)
 *	Takes TLSGW_A_STARTTLS with TLSGW_STLS_A_NAME; -ENOENT if missing.
 *	The policy stops matching new connections at once; flows it owns
 *	keep it (and its counters) until they end.
 *
 * TLSGW_CMD_STARTTLS_POLICY_GET (doit with TLSGW_STLS_A_NAME, or dump)
 *	Returns TLSGW_A_STARTTLS with NAME, PROTO, PORTS, DST_ADDR and
 *	DST_PREFIX_LEN (if set), MODE, FAIL_CLOSED (if set) and
 *	  TLSGW_STLS_A_COUNTERS		nest of enum tlsgw_counter: the
 *					STARTTLS_* counters of this policy
 *
 * TLSGW_CMD_STARTTLS_FLOW_GET (dump only; a doit gets -EOPNOTSUPP)
 *	One message per tracked flow: TLSGW_A_STARTTLS with
 *	  TLSGW_STLS_A_FLOW_ID		u64, unique in the namespace
 *	  TLSGW_STLS_A_NAME		string, the policy
 *	  TLSGW_STLS_A_PROTO		u32
 *	  TLSGW_STLS_A_CLIENT		sockaddr_in or sockaddr_in6: the
 *					side that sent the SYN
 *	  TLSGW_STLS_A_SERVER		sockaddr_in or sockaddr_in6
 *	  TLSGW_STLS_A_STATE		u32, enum tlsgw_starttls_state
 *	  TLSGW_STLS_A_PHASE		u32, enum tlsgw_starttls_phase
 *	  TLSGW_STLS_A_FINDINGS		u32, bit (1 << finding) for each
 *					enum tlsgw_starttls_finding seen
 *	  TLSGW_STLS_A_AGE_MS, _IDLE_MS	u64
 *	  TLSGW_STLS_A_BLOCKED		flag, the policy reset the flow
 *	Flows are hashed: one added or removed while a dump spans several
 *	buffers may be missed or, unlike other dumps, reported twice.
 *
 * Limits
 * ------
 *
 * The module parameter max_sessions (default 10000, writable at run time
 * in /sys/module/tlsgw/parameters) bounds the live sessions of each
 * network namespace; services may set lower limits of their own.
 * relay_buffer (default 16384 bytes) is the most data a session (TLS or
 * SOCKS5) holds in each direction before it stops reading from that side
 * (backpressure). SOCKS5 services are bounded by their own MAX_SESSIONS,
 * NEG_TIMEOUT and IDLE_TIMEOUT, TLSGW_SOCKS_SERVICES_MAX per namespace,
 * and the parameters socks_connect_timeout, socks_bind_timeout,
 * socks_resolve_timeout, socks_max_resolves and
 * socks_max_source_negotiations; a UDP association holds one 64 KiB
 * datagram buffer, and one more datagram while its DOMAINNAME is looked
 * up (one lookup at a time per association: other DOMAINNAME datagrams
 * are dropped meanwhile, counted UDP_DROPPED).
 * starttls_ooo_bytes (default 16384, at most 65535; 0: every segment
 * beyond a hole is dropped) bounds the copies of segments beyond a hole
 * each STARTTLS flow keeps, starttls_ooo_total (default 4 MiB) those of
 * a whole namespace.
 * starttls_max_flows (default 16384) bounds the STARTTLS flows each
 * namespace follows: past it new connections go unfollowed (counted in
 * STARTTLS_FLOWS_DROPPED; passed, or refused by a fail-closed policy).
 * Closed flows are forgotten 5 s after their FINs or RST, idle ones
 * after starttls_idle_timeout (default 600) seconds, connections whose
 * SYN-ACK never came after 30 s (5 s while the table is over three
 * quarters full).
 *
 * Dumps
 * -----
 *
 * _GET commands sent with NLM_F_DUMP answer with one message per object,
 * as many as fit in each reply buffer, ended by NLMSG_DONE; no ack
 * follows, and an error during the dump comes as the (negative) errno in
 * NLMSG_DONE's payload. An object is never split across messages. A dump
 * that races with changes may miss objects that were added or removed
 * during it, but never reports one twice.
 */

#ifndef _UAPI_LINUX_TLSGW_H
#define _UAPI_LINUX_TLSGW_H

#include <linux/types.h>

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
	TLSGW_A_SERVICE,	/* nest, enum tlsgw_service_attr */
	TLSGW_A_SESSION,	/* nest, enum tlsgw_session_attr */
	TLSGW_A_SOCKS,		/* nest, enum tlsgw_socks_attr */
	TLSGW_A_STARTTLS,	/* nest, enum tlsgw_starttls_attr */
	TLSGW_A_EVENT,		/* nest, enum tlsgw_event_attr */
	TLSGW_A_RESOLVE,	/* nest of enum tlsgw_resolve_attr */

	__TLSGW_A_MAX
};

#define TLSGW_A_MAX (__TLSGW_A_MAX - 1)

#define TLSGW_NAME_MAX		32
#define TLSGW_SERVICES_MAX	256
#define TLSGW_INITIAL_DATA_MAX	32768

enum tlsgw_service_attr {
	TLSGW_SVC_A_UNSPEC,
	TLSGW_SVC_A_NAME,		/* string */
	TLSGW_SVC_A_MAX_SESSIONS,	/* u32 */
	TLSGW_SVC_A_IDLE_TIMEOUT,	/* u32, seconds */
	TLSGW_SVC_A_COUNTERS,		/* nest of enum tlsgw_counter; reply */
	TLSGW_SVC_A_FLAGS,		/* u32, enum tlsgw_service_flags */

	__TLSGW_SVC_A_MAX
};

#define TLSGW_SVC_A_MAX (__TLSGW_SVC_A_MAX - 1)

enum tlsgw_service_flags {
	TLSGW_SVC_F_REPLACE = 1U << 0,
	TLSGW_SVC_F_NO_CREATE = 1U << 1,

	__TLSGW_SVC_F_ALL = TLSGW_SVC_F_REPLACE | TLSGW_SVC_F_NO_CREATE
};

enum tlsgw_session_attr {
	TLSGW_SESS_A_UNSPEC,
	TLSGW_SESS_A_ID,		/* u64 */
	TLSGW_SESS_A_SERVICE,		/* string */
	TLSGW_SESS_A_CLIENT_FD,		/* s32; request only */
	TLSGW_SESS_A_BACKEND_FD,	/* s32; request only */
	TLSGW_SESS_A_TLS_VERSION,	/* u16 */
	TLSGW_SESS_A_CIPHER,		/* u16 */
	TLSGW_SESS_A_TX_KEY,		/* binary; request only */
	TLSGW_SESS_A_TX_IV,		/* binary; request only */
	TLSGW_SESS_A_TX_SEQ,		/* u64; request only */
	TLSGW_SESS_A_RX_KEY,		/* binary; request only */
	TLSGW_SESS_A_RX_IV,		/* binary; request only */
	TLSGW_SESS_A_RX_SEQ,		/* u64; request only */
	TLSGW_SESS_A_INITIAL_DATA,	/* binary; request only */
	TLSGW_SESS_A_CLIENT_PEER,	/* sockaddr_in or sockaddr_in6 */
	TLSGW_SESS_A_CLIENT_LOCAL,	/* sockaddr_in or sockaddr_in6 */
	TLSGW_SESS_A_BACKEND_PEER,	/* sockaddr_in or sockaddr_in6 */
	TLSGW_SESS_A_BACKEND_LOCAL,	/* sockaddr_in or sockaddr_in6 */
	TLSGW_SESS_A_AGE_MS,		/* u64 */
	TLSGW_SESS_A_IDLE_MS,		/* u64 */
	TLSGW_SESS_A_BYTES_IN,		/* u64 */
	TLSGW_SESS_A_BYTES_OUT,		/* u64 */
	TLSGW_SESS_A_RECORDS_IN,	/* u64 */
	TLSGW_SESS_A_RECORDS_OUT,	/* u64 */
	TLSGW_SESS_A_PAD,
	TLSGW_SESS_A_KIND,		/* u32, enum tlsgw_session_kind */

	__TLSGW_SESS_A_MAX
};

#define TLSGW_SESS_A_MAX (__TLSGW_SESS_A_MAX - 1)

/* What relays a session's bytes; new kinds are appended. */
enum tlsgw_session_kind {
	TLSGW_SESSION_KIND_UNSPEC,
	TLSGW_SESSION_KIND_TLS,		/* SESSION_OFFLOAD: kTLS to a backend */
	TLSGW_SESSION_KIND_SOCKS5,	/* a SOCKS5 client (CONNECT, BIND) */

	__TLSGW_SESSION_KIND_MAX
};

#define TLSGW_SESSION_KIND_MAX (__TLSGW_SESSION_KIND_MAX - 1)

enum tlsgw_event_attr {
	TLSGW_EV_A_UNSPEC,
	TLSGW_EV_A_TYPE,		/* u32, enum tlsgw_event */
	TLSGW_EV_A_REASON,		/* u32, enum tlsgw_close_reason */
	TLSGW_EV_A_SOCKS_CMD,		/* u32, enum tlsgw_socks_cmd */
	TLSGW_EV_A_FINDING,		/* u32, enum tlsgw_starttls_finding */

	__TLSGW_EV_A_MAX
};

#define TLSGW_EV_A_MAX (__TLSGW_EV_A_MAX - 1)

enum tlsgw_event {
	TLSGW_EVENT_UNSPEC,
	TLSGW_EVENT_SESSION_OPEN,
	TLSGW_EVENT_SESSION_CLOSE,
	TLSGW_EVENT_SOCKS_DENIED,	/* with TLSGW_A_SOCKS: NAME; and
					 * TLSGW_EV_A_SOCKS_CMD
					 */
	TLSGW_EVENT_STARTTLS,	/* a STARTTLS finding; see TLSGW_EV_A_FINDING */
};

/* Why a session ended. */
enum tlsgw_close_reason {
	TLSGW_CLOSE_UNSPEC,
	TLSGW_CLOSE_DONE,	/* both sides finished (FIN or close_notify) */
	TLSGW_CLOSE_CLIENT_RESET,	/* client reset or failed */
	TLSGW_CLOSE_BACKEND_RESET,	/* backend reset or failed */
	TLSGW_CLOSE_IDLE,	/* idle timeout */
	TLSGW_CLOSE_KILLED,	/* SESSION_DEL or SERVICE_DEL */
	TLSGW_CLOSE_ALERT,	/* client sent a fatal TLS alert */
	TLSGW_CLOSE_KEY_UPDATE,	/* TLS 1.3 KeyUpdate: not followable here */
	TLSGW_CLOSE_TLS_ERROR,	/* record decryption or protocol error */
	TLSGW_CLOSE_SHUTDOWN,	/* module unload (sends no event) */
};

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
	TLSGW_CTR_SESSIONS_ACTIVE,	/* gauge: live sessions */
	TLSGW_CTR_SESSIONS_OPENED,	/* successful offloads */
	TLSGW_CTR_OFFLOAD_FAILED,	/* offloads refused (bad input) */
	TLSGW_CTR_LIMIT_REJECTED,	/* offloads refused by a limit */
	TLSGW_CTR_CLOSED_DONE,		/* closes, by enum tlsgw_close_reason */
	TLSGW_CTR_CLOSED_RESET,		/* client or backend reset */
	TLSGW_CTR_CLOSED_IDLE,
	TLSGW_CTR_CLOSED_KILLED,
	TLSGW_CTR_CLOSED_ALERT,
	TLSGW_CTR_CLOSED_KEY_UPDATE,
	TLSGW_CTR_CLOSED_TLS_ERROR,
	TLSGW_CTR_BYTES_IN,		/* plaintext client -> backend */
	TLSGW_CTR_BYTES_OUT,		/* plaintext backend -> client */
	/* STARTTLS flows (per namespace and per policy) */
	TLSGW_CTR_STARTTLS_FLOWS_ACTIVE,	/* gauge: tracked flows */
	TLSGW_CTR_STARTTLS_FLOWS_TRACKED,	/* flows that began tracking */
	TLSGW_CTR_STARTTLS_FLOWS_DROPPED,	/* not tracked: table full (or
						 * a SYN-only flow evicted)
						 */
	TLSGW_CTR_STARTTLS_OFFERED,	/* one per enum tlsgw_starttls_finding */
	TLSGW_CTR_STARTTLS_NOT_OFFERED,
	TLSGW_CTR_STARTTLS_STRIPPED,
	TLSGW_CTR_STARTTLS_REQUESTED,
	TLSGW_CTR_STARTTLS_ACCEPTED,
	TLSGW_CTR_STARTTLS_REFUSED,
	TLSGW_CTR_STARTTLS_TLS_STARTED,
	TLSGW_CTR_STARTTLS_TLS_MISSING,
	TLSGW_CTR_STARTTLS_CMD_INJECTION,
	TLSGW_CTR_STARTTLS_RESP_INJECTION,
	TLSGW_CTR_STARTTLS_CLEAR_AUTH,
	TLSGW_CTR_STARTTLS_CCC,
	TLSGW_CTR_STARTTLS_PRETLS_CMD,
	TLSGW_CTR_STARTTLS_BLOCKED,	/* flows reset by a policy */
	/* TLS sessions, after the STARTTLS ones to keep the numbers */
	TLSGW_CTR_ALERTS_SENT,		/* fatal alerts sent before a
					 * TLS_ERROR close: bad_record_mac,
					 * record_overflow, decode_error,
					 * unexpected_message
					 */
	/* STARTTLS fall-backs (per namespace and per policy) */
	TLSGW_CTR_STARTTLS_FLOWS_LOST,	/* given up: too long out of order */
	TLSGW_CTR_STARTTLS_FLOWS_EXPIRED,	/* forgotten while idle */
	TLSGW_CTR_STARTTLS_UNTRACKED,	/* packets of untracked connections
					 * reset by a FAIL_CLOSED policy
					 */

	__TLSGW_CTR_MAX
};

#define TLSGW_CTR_MAX (__TLSGW_CTR_MAX - 1)

/* SOCKS5: see the prose above. */
#define TLSGW_SOCKS_SERVICES_MAX	64
#define TLSGW_SOCKS_USERS_MAX		1024
#define TLSGW_SOCKS_RULES_MAX		256
#define TLSGW_RESOLVE_ADDRS_MAX		16

enum tlsgw_socks_attr {
	TLSGW_SOCKS_A_UNSPEC,
	TLSGW_SOCKS_A_NAME,		/* string */
	TLSGW_SOCKS_A_LISTEN,		/* sockaddr_in or sockaddr_in6 */
	TLSGW_SOCKS_A_AUTH,		/* u32, enum tlsgw_socks_auth */
	TLSGW_SOCKS_A_FLAGS,		/* u32, enum tlsgw_socks_flags */
	TLSGW_SOCKS_A_MAX_SESSIONS,	/* u32 */
	TLSGW_SOCKS_A_NEG_TIMEOUT,	/* u32, seconds */
	TLSGW_SOCKS_A_IDLE_TIMEOUT,	/* u32, seconds */
	TLSGW_SOCKS_A_COUNTERS,		/* nest of enum tlsgw_socks_counter */
	TLSGW_SOCKS_A_USER,		/* nest of enum tlsgw_socks_user_attr */
	TLSGW_SOCKS_A_USERS,		/* nest of TLSGW_SOCKS_A_USER; reply */
	TLSGW_SOCKS_A_RULE,		/* nest of enum tlsgw_socks_rule_attr */
	TLSGW_SOCKS_A_RULES,		/* nest of TLSGW_SOCKS_A_RULE; reply */

	__TLSGW_SOCKS_A_MAX
};

#define TLSGW_SOCKS_A_MAX (__TLSGW_SOCKS_A_MAX - 1)

enum tlsgw_socks_auth {
	TLSGW_SOCKS_AUTH_NONE,		/* method 0x00 */
	TLSGW_SOCKS_AUTH_USERPASS,	/* method 0x02, RFC 1929 */
};

enum tlsgw_socks_flags {
	TLSGW_SOCKS_F_OPEN = 1U << 0,

	__TLSGW_SOCKS_F_ALL = TLSGW_SOCKS_F_OPEN
};

/* SOCKS5 commands as RFC 1928 numbers them. */
enum tlsgw_socks_cmd {
	TLSGW_SOCKS_CMD_CONNECT = 1,
	TLSGW_SOCKS_CMD_BIND = 2,
	TLSGW_SOCKS_CMD_UDP_ASSOCIATE = 3,
};

#define TLSGW_SOCKS_CMDS_ALL	((1U << TLSGW_SOCKS_CMD_CONNECT) | \
				 (1U << TLSGW_SOCKS_CMD_BIND) | \
				 (1U << TLSGW_SOCKS_CMD_UDP_ASSOCIATE))

enum tlsgw_socks_user_attr {
	TLSGW_SOCKS_USER_A_UNSPEC,
	TLSGW_SOCKS_USER_A_NAME,	/* string */
	TLSGW_SOCKS_USER_A_PASSWORD,	/* binary; request only */
	TLSGW_SOCKS_USER_A_COUNTERS,	/* nest of enum tlsgw_socks_counter */

	__TLSGW_SOCKS_USER_A_MAX
};

#define TLSGW_SOCKS_USER_A_MAX (__TLSGW_SOCKS_USER_A_MAX - 1)

enum tlsgw_socks_rule_attr {
	TLSGW_SOCKS_RULE_A_UNSPEC,
	TLSGW_SOCKS_RULE_A_INDEX,	/* u32 */
	TLSGW_SOCKS_RULE_A_ACTION,	/* u32, enum tlsgw_socks_action */
	TLSGW_SOCKS_RULE_A_SRC,		/* binary, 4 or 16 bytes */
	TLSGW_SOCKS_RULE_A_SRC_PLEN,	/* u8 */
	TLSGW_SOCKS_RULE_A_DST,		/* binary, 4 or 16 bytes */
	TLSGW_SOCKS_RULE_A_DST_PLEN,	/* u8 */
	TLSGW_SOCKS_RULE_A_PORT_MIN,	/* u16 */
	TLSGW_SOCKS_RULE_A_PORT_MAX,	/* u16 */
	TLSGW_SOCKS_RULE_A_COMMANDS,	/* u32, 1 << enum tlsgw_socks_cmd */
	TLSGW_SOCKS_RULE_A_USER,	/* string */
	TLSGW_SOCKS_RULE_A_HITS,	/* u64; reply only */
	TLSGW_SOCKS_RULE_A_PAD,

	__TLSGW_SOCKS_RULE_A_MAX
};

#define TLSGW_SOCKS_RULE_A_MAX (__TLSGW_SOCKS_RULE_A_MAX - 1)

enum tlsgw_socks_action {
	TLSGW_SOCKS_ALLOW = 1,
	TLSGW_SOCKS_DENY = 2,
};

/*
 * Counters in TLSGW_SOCKS_A_COUNTERS (per service) and
 * TLSGW_SOCKS_USER_A_COUNTERS (per user: CONNECTIONS, REQUESTS_OK,
 * DENIED, AUTH_FAILED and the byte counters).
 */
enum tlsgw_socks_counter {
	TLSGW_SOCKS_CTR_UNSPEC,
	TLSGW_SOCKS_CTR_ACTIVE,		/* gauge: connections now */
	TLSGW_SOCKS_CTR_CONNECTIONS,	/* accepted (users: authenticated) */
	TLSGW_SOCKS_CTR_REQUESTS_OK,	/* requests granted (reply 0x00) */
	TLSGW_SOCKS_CTR_DENIED,		/* refused by the rules (0x02) */
	TLSGW_SOCKS_CTR_AUTH_FAILED,	/* no acceptable method, bad password */
	TLSGW_SOCKS_CTR_PROTO_ERRORS,	/* malformed or unsupported requests */
	TLSGW_SOCKS_CTR_NEG_TIMEOUTS,	/* request not complete in time */
	TLSGW_SOCKS_CTR_LIMIT_REJECTED,	/* over max_sessions */
	TLSGW_SOCKS_CTR_CONNECT_FAILED,	/* outgoing connect or BIND failed */
	TLSGW_SOCKS_CTR_RESOLVE_FAILED,	/* name not resolved */
	TLSGW_SOCKS_CTR_EARLY_DATA,	/* data sent before the reply: kept
					 * and relayed once connected
					 */
	TLSGW_SOCKS_CTR_IDLE_CLOSED,	/* closed by the idle timeout */
	TLSGW_SOCKS_CTR_BYTES_IN,	/* client -> destination (TCP+UDP) */
	TLSGW_SOCKS_CTR_BYTES_OUT,	/* destination -> client */
	TLSGW_SOCKS_CTR_UDP_IN,		/* datagrams relayed from the client */
	TLSGW_SOCKS_CTR_UDP_OUT,	/* datagrams relayed to the client */
	TLSGW_SOCKS_CTR_UDP_FRAG_DROPPED,	/* FRAG != 0 */
	TLSGW_SOCKS_CTR_UDP_DROPPED,	/* malformed, denied or stray */
	TLSGW_SOCKS_CTR_SOURCE_LIMITED,	/* over socks_max_source_negotiations */

	__TLSGW_SOCKS_CTR_MAX
};

#define TLSGW_SOCKS_CTR_MAX (__TLSGW_SOCKS_CTR_MAX - 1)

enum tlsgw_resolve_attr {
	TLSGW_RESOLVE_A_UNSPEC,
	TLSGW_RESOLVE_A_ID,		/* u64 */
	TLSGW_RESOLVE_A_NAME,		/* string; kernel to daemon */
	TLSGW_RESOLVE_A_ADDR,		/* binary, 4 or 16 bytes; repeated */
	TLSGW_RESOLVE_A_ERROR,		/* u32, enum tlsgw_resolve_error */
	TLSGW_RESOLVE_A_FLAGS,		/* u32, enum tlsgw_resolve_flags */
	TLSGW_RESOLVE_A_PAD,

	__TLSGW_RESOLVE_A_MAX
};

#define TLSGW_RESOLVE_A_MAX (__TLSGW_RESOLVE_A_MAX - 1)

enum tlsgw_resolve_flags {
	TLSGW_RESOLVE_F_REGISTER = 1U << 0,

	__TLSGW_RESOLVE_F_ALL = TLSGW_RESOLVE_F_REGISTER
};

enum tlsgw_resolve_error {
	TLSGW_RESOLVE_OK,
	TLSGW_RESOLVE_NXDOMAIN,		/* no such name: reply 0x04 */
	TLSGW_RESOLVE_TEMPFAIL,		/* resolver failure: reply 0x01 */
};

/* STARTTLS policies and flows: the attributes inside TLSGW_A_STARTTLS. */
enum tlsgw_starttls_attr {
	TLSGW_STLS_A_UNSPEC,
	TLSGW_STLS_A_NAME,		/* string, policy name */
	TLSGW_STLS_A_PROTO,		/* u32, enum tlsgw_starttls_proto */
	TLSGW_STLS_A_PORTS,		/* binary, struct tlsgw_port_range[] */
	TLSGW_STLS_A_DST_ADDR,		/* binary, 4 or 16 bytes, network order */
	TLSGW_STLS_A_DST_PREFIX_LEN,	/* u8 */
	TLSGW_STLS_A_MODE,		/* u32, enum tlsgw_starttls_mode */
	TLSGW_STLS_A_COUNTERS,		/* nest of enum tlsgw_counter; reply */
	TLSGW_STLS_A_FLOW_ID,		/* u64; reply */
	TLSGW_STLS_A_CLIENT,		/* sockaddr_in or sockaddr_in6; reply */
	TLSGW_STLS_A_SERVER,		/* sockaddr_in or sockaddr_in6; reply */
	TLSGW_STLS_A_PHASE,		/* u32, enum tlsgw_starttls_phase; reply */
	TLSGW_STLS_A_FINDINGS,		/* u32, mask of 1 << finding; reply */
	TLSGW_STLS_A_STATE,		/* u32, enum tlsgw_starttls_state; reply */
	TLSGW_STLS_A_AGE_MS,		/* u64; reply */
	TLSGW_STLS_A_IDLE_MS,		/* u64; reply */
	TLSGW_STLS_A_BLOCKED,		/* flag; reply and events */
	TLSGW_STLS_A_PAD,
	TLSGW_STLS_A_FAIL_CLOSED,	/* flag */

	__TLSGW_STLS_A_MAX
};

#define TLSGW_STLS_A_MAX (__TLSGW_STLS_A_MAX - 1)

#define TLSGW_STARTTLS_POLICIES_MAX	64
#define TLSGW_STARTTLS_RANGES_MAX	16

/* One inclusive range of TCP ports (host byte order), 1 <= lo <= hi. */
struct tlsgw_port_range {
	__u16 lo;
	__u16 hi;
};

enum tlsgw_starttls_proto {
	TLSGW_STARTTLS_UNSPEC,
	TLSGW_STARTTLS_SMTP,
	TLSGW_STARTTLS_POP3,
	TLSGW_STARTTLS_IMAP,
	TLSGW_STARTTLS_FTP,

	__TLSGW_STARTTLS_PROTO_MAX
};

enum tlsgw_starttls_mode {
	TLSGW_STARTTLS_MONITOR,		/* report only */
	TLSGW_STARTTLS_BLOCK_CLEAR_AUTH,	/* reset on cleartext credentials */
	TLSGW_STARTTLS_REQUIRE_TLS,	/* only pre-TLS commands before TLS */
	TLSGW_STARTTLS_BLOCK_INJECTION,	/* reset on command/response injection */

	__TLSGW_STARTTLS_MODE_MAX
};

/* What a flow showed; TLSGW_EV_A_FINDING and bit n of _A_FINDINGS. */
enum tlsgw_starttls_finding {
	TLSGW_FINDING_OFFERED,		/* upgrade capability offered */
	TLSGW_FINDING_NOT_OFFERED,	/* capability list without it */
	TLSGW_FINDING_STRIPPED,		/* capability masked (XXXXXXXX) */
	TLSGW_FINDING_REQUESTED,	/* client asked for the upgrade */
	TLSGW_FINDING_ACCEPTED,		/* server said go */
	TLSGW_FINDING_REFUSED,		/* server refused */
	TLSGW_FINDING_TLS_STARTED,	/* a TLS ClientHello followed */
	TLSGW_FINDING_TLS_MISSING,	/* cleartext followed the go-ahead */
	TLSGW_FINDING_CMD_INJECTION,	/* commands pipelined after the upgrade */
	TLSGW_FINDING_RESP_INJECTION,	/* replies after the go-ahead */
	TLSGW_FINDING_CLEAR_AUTH,	/* credentials without TLS */
	TLSGW_FINDING_CCC,		/* FTP: cleartext again after TLS */
	TLSGW_FINDING_PRETLS_CMD,	/* command require-tls forbids */

	__TLSGW_FINDING_MAX
};

/* Where a flow is with respect to TLS. */
enum tlsgw_starttls_phase {
	TLSGW_PHASE_PLAIN,		/* cleartext, no upgrade asked */
	TLSGW_PHASE_REQUESTED,		/* upgrade asked, no answer yet */
	TLSGW_PHASE_ACCEPTED,		/* go-ahead; ClientHello awaited */
	TLSGW_PHASE_TLS,		/* TLS: no more parsing (FTP: records) */
	TLSGW_PHASE_NO_TLS,		/* go-ahead but cleartext followed */
	TLSGW_PHASE_CCC,		/* FTP CCC: cleartext again */
};

/* The TCP side of a tracked flow. */
enum tlsgw_starttls_state {
	TLSGW_FLOW_SYN_SENT,		/* SYN seen, no SYN-ACK yet */
	TLSGW_FLOW_ESTABLISHED,
	TLSGW_FLOW_CLOSING,		/* FIN seen in one direction */
	TLSGW_FLOW_CLOSED,		/* FIN both ways or RST */
	TLSGW_FLOW_BLOCKED,		/* reset by a policy */
};

#endif /* _UAPI_LINUX_TLSGW_H */
