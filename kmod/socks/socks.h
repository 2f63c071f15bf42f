/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_SOCKS_H
#define _TLSGW_SOCKS_H

#include <crypto/sha2.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "core/pernet.h"
#include "core/registry.h"
#include "core/relay.h"

/*
 * In-kernel SOCKS5 (RFC 1928, RFC 1929). One struct tlsgw_socks_svc per
 * service: a kernel listening socket (its data_ready callback queues the
 * accept work), users, rules and the connections. A struct
 * tlsgw_socks_conn per accepted client goes through negotiation
 * (conn.c), then relays TCP with the relay engine or UDP datagrams
 * (udp.c). Connections are sessions of kind SOCKS5 in the
 * namespace's registry (core/registry.h) from the accept on: the registry lists
 * them, times them out and closes them; the service keeps their count and
 * counters.
 */

#define TLSGW_SOCKS_SALT_LEN	16
#define TLSGW_SOCKS_NAME_MAX	255	/* RFC 1929 UNAME, PASSWD, DOMAINNAME */

/**
 * struct tlsgw_socks_user - a RFC 1929 user
 * @node: in svc->users; under svc->lock
 * @ref: the list's reference and one per connection authenticated as it
 * @name_len: length of @name
 * @name: the user name
 * @salt: the salt of @hash
 * @hash: SHA-256(salt || password); the password itself is not kept
 * @ctr: the user's counters (atomic)
 *
 * Connections that authenticated as the user hold a reference (for the
 * counters), so a deleted user lives on until they end. Constant once
 * listed except the counters.
 */
struct tlsgw_socks_user {
	struct list_head node;
	struct kref ref;
	u8 name_len;
	char name[TLSGW_SOCKS_NAME_MAX + 1];
	u8 salt[TLSGW_SOCKS_SALT_LEN];
	u8 hash[SHA256_DIGEST_SIZE];
	atomic64_t ctr[__TLSGW_SOCKS_CTR_MAX];
};

/**
 * struct tlsgw_socks_prefix - an address prefix of a rule
 * @family: AF_INET or AF_INET6; 0 matches anything
 * @plen: prefix length
 * @addr: the address (IPv4 in the first 4 bytes)
 */
struct tlsgw_socks_prefix {
	u16 family;
	u8 plen;
	u8 addr[16];
};

/**
 * struct tlsgw_socks_rule - an allow/deny rule
 * @node: in svc->rules; under svc->lock
 * @action: enum tlsgw_socks_action
 * @src: the client's prefix
 * @dst: the destination's prefix
 * @port_min: lowest destination port
 * @port_max: highest destination port
 * @commands: 1 << enum tlsgw_socks_cmd
 * @has_user: the rule applies to @user only
 * @user: the user name
 * @hits: requests the rule matched (atomic)
 */
struct tlsgw_socks_rule {
	struct list_head node;
	u32 action;
	struct tlsgw_socks_prefix src, dst;
	u16 port_min, port_max;
	u32 commands;
	bool has_user;
	char user[TLSGW_SOCKS_NAME_MAX + 1];
	atomic64_t hits;
};

/**
 * struct tlsgw_socks_svc - a SOCKS5 service
 * @node: in tn->socks; under tn->lock (which also guards tn->n_socks)
 * @ref: see Lifetime
 * @tn: the namespace
 * @name: the service's name
 * @listen: the listening address, as bound
 * @auth: enum tlsgw_socks_auth
 * @flags: TLSGW_SOCKS_F_*
 * @max_sessions: connection limit, 0: none
 * @neg_timeout: negotiation timeout, seconds
 * @idle_timeout: idle timeout, seconds
 * @lsock: the listening socket
 * @lsock_data_ready: @lsock's stock data_ready, while hooked
 * @accept: takes what the listener queued
 * @lock: guards @users, @n_users, @rules, @n_rules, @n_conns and @dead;
 *	the registry's lock nests inside it
 * @users: struct tlsgw_socks_user list
 * @n_users: length of @users
 * @rules: struct tlsgw_socks_rule list, in order
 * @n_rules: length of @rules
 * @n_conns: connections of the service in the registry
 * @dead: the service is stopped: no new connections
 * @ctr: the service's counters (atomic)
 *
 * The configuration fields are constant after creation.
 *
 * Lifetime: references are held by the list and every connection; the
 * accept work needs none, as the service is stopped (listener unhooked,
 * accept work cancelled) before its list reference goes.
 */
struct tlsgw_socks_svc {
	struct list_head node;
	struct kref ref;
	struct tlsgw_net *tn;
	char name[TLSGW_NAME_MAX];
	struct sockaddr_storage listen;
	u32 auth, flags, max_sessions, neg_timeout, idle_timeout;
	struct socket *lsock;
	void (*lsock_data_ready)(struct sock *sk);
	struct delayed_work accept;
	struct mutex lock;		/* see the member doc */
	struct list_head users;
	unsigned int n_users;
	struct list_head rules;
	unsigned int n_rules;
	unsigned int n_conns;
	bool dead;
	atomic64_t ctr[__TLSGW_SOCKS_CTR_MAX];
};

enum tlsgw_socks_state {
	TLSGW_SOCKS_GREETING,
	TLSGW_SOCKS_AUTH,
	TLSGW_SOCKS_REQUEST,
	TLSGW_SOCKS_RESOLVING,		/* waiting for the resolver's answer */
	TLSGW_SOCKS_CONNECTING,		/* outgoing connect in progress */
	TLSGW_SOCKS_BINDING,		/* BIND: waiting for the peer */
	TLSGW_SOCKS_UDP,		/* UDP association */
	TLSGW_SOCKS_RELAY,		/* the relay engine owns the sockets */
};

/* Negotiation bytes held per connection: more than the longest request. */
#define TLSGW_SOCKS_BUF		1024

struct tlsgw_socks_udp;

/* resolve.c: the DNS upcall */
#define TLSGW_SOCKS_ADDRS_MAX	TLSGW_RESOLVE_ADDRS_MAX

/**
 * struct tlsgw_socks_addrs - the addresses a name resolved to
 * @n: addresses in @addr
 * @addr: the addresses
 */
struct tlsgw_socks_addrs {
	unsigned int n;
	struct sockaddr_storage addr[TLSGW_SOCKS_ADDRS_MAX];
};

/**
 * struct tlsgw_resolve_req - one pending name lookup
 * @node: in tn->resolves while pending
 * @id: what the answer quotes
 * @port: host order, set on every address of the answer
 * @error: 0, -ENOENT (no such name) or why the lookup failed
 * @pending: listed; under tn->resolve_lock
 * @out: the answer's addresses
 * @done: called once when an answer (or namespace exit) ends a pending
 *	request, under tn->resolve_lock, in any context that may take a
 *	mutex; not called if tlsgw_resolve_cancel() ended it first
 *
 * Owned by its submitter, which must keep it (and @out) alive until @done
 * ran or tlsgw_resolve_cancel() returned true. Nothing waits for it.
 */
struct tlsgw_resolve_req {
	struct list_head node;
	u64 id;
	u16 port;
	int error;
	bool pending;
	struct tlsgw_socks_addrs *out;
	void (*done)(struct tlsgw_resolve_req *req);
};

/**
 * struct tlsgw_socks_conn - a SOCKS5 client connection
 * @sess: its entry in the namespace's session registry (kind SOCKS5,
 *	owner the service); the registry's collectors end it through its
 *	ops
 * @ref: see Lifetime
 * @svc: the service; a reference is held
 * @user: the user it authenticated as, a reference held, or NULL
 * @client: the client's socket
 * @peer: the backend, BIND listener or UDP socket
 * @data_ready: @client's stock sk_data_ready, while hooked
 * @state_change: @client's stock sk_state_change, while hooked
 * @peer_data_ready: @peer's stock sk_data_ready (connecting socket, BIND
 *	listener), while hooked
 * @peer_state_change: @peer's stock sk_state_change, while hooked
 * @peer_write_space: @peer's stock sk_write_space, while hooked
 * @flags: TLSGW_SOCKS_DEAD, _TIMED_OUT, _RESOLVED (atomic bit operations)
 * @started: jiffies at accept
 * @last_active: jiffies of the last datagram (UDP associations)
 * @state: enum tlsgw_socks_state
 * @cmd: enum tlsgw_socks_cmd
 * @len: bytes in @buf
 * @buf: negotiation bytes received
 * @client_addr: the client's address
 * @local_addr: where it reached us
 * @work: the connection's work
 * @timer: resolve, connect and BIND timeouts
 * @deadline: jiffies at which @timer fires
 * @resolve: the name lookup
 * @dsts: CONNECT: addresses to try
 * @next_dst: index in @dsts of the next address to try
 * @dial_err: error of the last address tried
 * @dial_allowed: some address was allowed
 * @udp: the UDP association, or NULL
 * @relay: the relay, once the relay engine owns the sockets
 *
 * Lifetime: registered from the accept until it closes; the registration
 * holds one reference, queued work and socket callbacks (through the work) others,
 * a pending timer one, a pending resolve one. Sockets are released on
 * the last put (by the relay when it owns them).
 *
 * Locking: @state changes only in the work, under svc->lock, and DEAD is set under
 * svc->lock too, so a killer that sees state != RELAY under the lock knows
 * that the work will not hand the sockets to the relay any more. The timer
 * is armed only under svc->lock while not DEAD, and a killer deletes it
 * after setting DEAD, so none is pending once the conn is dead. The work
 * is the only user of the negotiation fields, and it never sleeps on a
 * peer: the resolver's answer, the peer socket's callbacks (connect done,
 * BIND peer arrived) and the timer (connect, resolve, BIND timeouts) queue
 * it. @state is also read locklessly (READ_ONCE()) by the registry's
 * collector and the per-source count, which only look. Sockets are
 * released on the last put (by the relay when it owns them).
 */
struct tlsgw_socks_conn {
	struct tlsgw_session sess;
	refcount_t ref;
	struct tlsgw_socks_svc *svc;
	struct tlsgw_socks_user *user;
	struct socket *client;
	struct socket *peer;
	void (*data_ready)(struct sock *sk);
	void (*state_change)(struct sock *sk);
	void (*peer_data_ready)(struct sock *sk);
	void (*peer_state_change)(struct sock *sk);
	void (*peer_write_space)(struct sock *sk);
	unsigned long flags;
	unsigned long started;
	unsigned long last_active;
	u8 state;
	u8 cmd;
	u16 len;
	u8 buf[TLSGW_SOCKS_BUF];
	struct sockaddr_storage client_addr;
	struct sockaddr_storage local_addr;
	struct work_struct work;
	struct timer_list timer;
	unsigned long deadline;
	struct tlsgw_resolve_req resolve;
	struct tlsgw_socks_addrs *dsts;
	unsigned int next_dst;
	int dial_err;
	bool dial_allowed;
	struct tlsgw_socks_udp *udp;
	struct tlsgw_relay relay;
};

enum {
	TLSGW_SOCKS_DEAD,
	TLSGW_SOCKS_TIMED_OUT,
	TLSGW_SOCKS_RESOLVED,		/* the resolve's done() ran */
};

/* Reply codes, RFC 1928 section 6. */
enum {
	SOCKS_REP_OK,
	SOCKS_REP_FAILURE,
	SOCKS_REP_NOT_ALLOWED,
	SOCKS_REP_NET_UNREACH,
	SOCKS_REP_HOST_UNREACH,
	SOCKS_REP_REFUSED,
	SOCKS_REP_TTL_EXPIRED,
	SOCKS_REP_CMD_UNSUPPORTED,
	SOCKS_REP_ATYP_UNSUPPORTED,
};

/**
 * struct tlsgw_socks_conf - a request to create a SOCKS5 service
 * @name: the service's name
 * @listen: the address to listen on
 * @auth: enum tlsgw_socks_auth
 * @flags: TLSGW_SOCKS_F_*
 * @max_sessions: connection limit, 0: none
 * @neg_timeout: negotiation timeout, seconds
 * @idle_timeout: idle timeout, seconds
 */
struct tlsgw_socks_conf {
	const char *name;
	struct sockaddr_storage listen;
	u32 auth, flags, max_sessions, neg_timeout, idle_timeout;
};

/* service.c: services */
int tlsgw_socks_module_init(void);
void tlsgw_socks_module_exit(void);
void tlsgw_socks_net_init(struct tlsgw_net *tn);
void tlsgw_socks_net_exit(struct tlsgw_net *tn);
int tlsgw_socks_new(struct tlsgw_net *tn, const struct tlsgw_socks_conf *c,
		    struct netlink_ext_ack *extack);
int tlsgw_socks_del(struct tlsgw_net *tn, const char *name,
		    struct netlink_ext_ack *extack);
struct tlsgw_socks_svc *tlsgw_socks_find(struct tlsgw_net *tn,
					 const char *name);
struct tlsgw_socks_svc *tlsgw_socks_get(struct tlsgw_net *tn,
					const char *name);
void tlsgw_socks_put(struct tlsgw_socks_svc *svc);
void tlsgw_socks_count(struct tlsgw_socks_conn *conn, int which, u64 n);
struct workqueue_struct *tlsgw_socks_wq(void);
unsigned int tlsgw_socks_connect_timeout(void);
unsigned int tlsgw_socks_bind_timeout(void);
unsigned int tlsgw_socks_source_limit(void);

/* conn.c: one client */
struct tlsgw_socks_conn *tlsgw_socks_conn_new(struct tlsgw_socks_svc *svc,
					      struct socket *client);
void tlsgw_socks_conn_start(struct tlsgw_socks_conn *conn);
void tlsgw_socks_conn_put(struct tlsgw_socks_conn *conn);
bool tlsgw_socks_conn_close(struct tlsgw_socks_conn *conn);
void tlsgw_socks_conn_kick(struct tlsgw_socks_conn *conn);
void tlsgw_socks_conn_kick_put(struct tlsgw_socks_conn *conn);
bool tlsgw_socks_arm(struct tlsgw_socks_conn *conn, unsigned int seconds);
void tlsgw_socks_disarm(struct tlsgw_socks_conn *conn);
bool tlsgw_socks_expired_now(const struct tlsgw_socks_conn *conn);
void tlsgw_socks_data_ready(struct sock *sk);
void tlsgw_socks_unmap(struct sockaddr_storage *ss);
bool tlsgw_socks_addr_equal(const struct sockaddr_storage *a,
			    const struct sockaddr_storage *b, bool port);
int tlsgw_socks_reply(struct tlsgw_socks_conn *conn, u8 rep,
		      const struct sockaddr_storage *bnd);
u8 tlsgw_socks_errno_reply(int err);

/* udp.c: UDP ASSOCIATE */
int tlsgw_socks_udp_start(struct tlsgw_socks_conn *conn,
			  const struct sockaddr_storage *expect);
void tlsgw_socks_udp_work(struct tlsgw_socks_conn *conn);
void tlsgw_socks_udp_stop(struct tlsgw_socks_conn *conn);
void tlsgw_socks_udp_free(struct tlsgw_socks_conn *conn);

/* auth.c: users */
int tlsgw_socks_auth_init(void);
void tlsgw_socks_auth_exit(void);
int tlsgw_socks_user_set(struct tlsgw_socks_svc *svc, const char *name,
			 const u8 *password, size_t len,
			 struct netlink_ext_ack *extack);
int tlsgw_socks_user_del(struct tlsgw_socks_svc *svc, const char *name,
			 struct netlink_ext_ack *extack);
struct tlsgw_socks_user *tlsgw_socks_authenticate(struct tlsgw_socks_svc *svc,
						  const u8 *name, size_t nlen,
						  const u8 *pass, size_t plen);
void tlsgw_socks_user_put(struct tlsgw_socks_user *user);
void tlsgw_socks_users_flush(struct tlsgw_socks_svc *svc);

/* rule.c: rules */
int tlsgw_socks_rule_add(struct tlsgw_socks_svc *svc,
			 const struct tlsgw_socks_rule *tmpl, s64 index,
			 struct netlink_ext_ack *extack);
int tlsgw_socks_rule_del(struct tlsgw_socks_svc *svc, u32 index,
			 struct netlink_ext_ack *extack);
bool tlsgw_socks_allowed(struct tlsgw_socks_conn *conn,
			 const struct sockaddr_storage *dst);
void tlsgw_socks_rules_flush(struct tlsgw_socks_svc *svc);

/* resolve.c */
void tlsgw_resolve_net_init(struct tlsgw_net *tn);
void tlsgw_resolve_net_exit(struct tlsgw_net *tn);
int tlsgw_resolve_start(struct tlsgw_net *tn, struct tlsgw_resolve_req *req,
			const char *name);
bool tlsgw_resolve_cancel(struct tlsgw_net *tn, struct tlsgw_resolve_req *req);
bool tlsgw_resolve_pending(struct tlsgw_net *tn, struct tlsgw_resolve_req *req);
int tlsgw_resolve_result(const struct tlsgw_resolve_req *req);
unsigned int tlsgw_resolve_timeout(void);
void tlsgw_resolve_register(struct tlsgw_net *tn, u32 portid);
int tlsgw_resolve_module_init(void);
void tlsgw_resolve_module_exit(void);
int tlsgw_resolve_answer(struct tlsgw_net *tn, u32 portid, u64 id, int error,
			 const struct tlsgw_socks_addrs *addrs);

/* netlink.c: events and the resolver upcall */
void tlsgw_genl_socks_event(struct tlsgw_socks_svc *svc, u8 cmd);
int tlsgw_genl_resolve_send(struct net *net, u32 portid, u64 id,
			    const char *name);

#endif /* _TLSGW_SOCKS_H */
