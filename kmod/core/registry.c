// SPDX-License-Identifier: GPL-2.0
/*
 * The session registry: ids, the per-namespace list of every relayed
 * connection, lookups, the idle collector, open and close events. See
 * registry.h for lifetime and locking.
 */

#include <linux/jiffies.h>
#include <linux/string.h>
#include <linux/wait_bit.h>
#include <net/genetlink.h>

#include "core/feature.h"
#include "core/netlink.h"
#include "core/pernet.h"
#include "core/registry.h"

static void tlsgw_genl_session_event(struct tlsgw_session *s,
				     enum tlsgw_event type,
				     enum tlsgw_close_reason reason);

#define TLSGW_REGISTRY_GC_INTERVAL	HZ

/**
 * tlsgw_session_init() - initializes a session before it is registered
 * @s: the session, embedded in its owner
 * @ops: the owner's operations
 * @kind: enum tlsgw_session_kind
 * @owner: the owner's cookie (its service) for tlsgw_sessions_close_owner()
 * @service: the service's name
 * @idle_timeout: the service's idle timeout in seconds (0: none), which
 *	must outlive the session
 *
 * Context: any.
 */
void tlsgw_session_init(struct tlsgw_session *s,
			const struct tlsgw_session_ops *ops, u32 kind,
			const void *owner, const char *service,
			const u32 *idle_timeout)
{
	INIT_LIST_HEAD(&s->node);
	INIT_LIST_HEAD(&s->reap);
	s->ops = ops;
	s->owner = owner;
	s->kind = kind;
	strscpy(s->service, service, sizeof(s->service));
	s->idle_timeout = idle_timeout;
	s->created = jiffies;
}

/* The addresses of a relay's sockets that are not known yet. */
static void tlsgw_session_addresses(struct sockaddr_storage *addr,
				    const struct tlsgw_session *s,
				    struct tlsgw_relay *relay)
{
	int i;

	for (i = 0; i < TLSGW_ADDR_NUM; i++) {
		struct socket *sock = relay->side[i / 2].sock;

		addr[i] = s->addr[i];
		if (addr[i].ss_family)
			continue;
		if (i % 2)
			kernel_getsockname(sock, (struct sockaddr *)&addr[i]);
		else
			kernel_getpeername(sock, (struct sockaddr *)&addr[i]);
	}
}

static void tlsgw_registry_kick(struct tlsgw_registry *reg)
{
	queue_delayed_work(system_wq, &reg->gc, TLSGW_REGISTRY_GC_INTERVAL);
}

/**
 * tlsgw_session_register() - gives a session an id and lists it
 * @reg: the namespace's registry
 * @s: the session, initialized by tlsgw_session_init()
 * @relay: its relay, hooked and not started, or NULL if it has none yet
 *	(tlsgw_session_open() adds it later)
 *
 * With a relay, the session's addresses are taken from its sockets and
 * the open event is sent. Once listed, the session can be closed through
 * its ops at any time: the owner keeps its own reference until it is done
 * with it. Owners register nothing once tlsgw_registry_shutdown() began
 * (each has its own flag, set before, that refuses new sessions).
 *
 * Context: process context; takes @reg->lock.
 */
void tlsgw_session_register(struct tlsgw_registry *reg,
			    struct tlsgw_session *s, struct tlsgw_relay *relay)
{
	struct sockaddr_storage addr[TLSGW_ADDR_NUM];

	if (relay)
		tlsgw_session_addresses(addr, s, relay);
	mutex_lock(&reg->lock);
	WARN_ON_ONCE(reg->dying);
	s->reg = reg;
	s->id = ++reg->next_id;
	if (relay) {
		memcpy(s->addr, addr, sizeof(addr));
		s->relay = relay;
		s->opened = true;
	}
	list_add_tail(&s->node, &reg->sessions);
	reg->n_sessions++;
	mutex_unlock(&reg->lock);
	tlsgw_registry_kick(reg);
	if (relay)
		tlsgw_genl_session_event(s, TLSGW_EVENT_SESSION_OPEN, 0);
}

/**
 * tlsgw_session_open() - a registered session starts relaying
 * @s: the session; the caller holds a reference
 * @relay: its relay, hooked and not started
 *
 * Sets the relay and the addresses still unknown and sends the open
 * event, unless the session was unregistered meanwhile.
 *
 * Context: process context; takes reg->lock.
 */
void tlsgw_session_open(struct tlsgw_session *s, struct tlsgw_relay *relay)
{
	struct tlsgw_registry *reg = s->reg;
	struct sockaddr_storage addr[TLSGW_ADDR_NUM];
	bool listed;

	tlsgw_session_addresses(addr, s, relay);
	mutex_lock(&reg->lock);
	listed = !list_empty(&s->node);
	if (listed) {
		memcpy(s->addr, addr, sizeof(addr));
		s->relay = relay;
		s->opened = true;
	}
	mutex_unlock(&reg->lock);
	if (listed)
		tlsgw_genl_session_event(s, TLSGW_EVENT_SESSION_OPEN, 0);
}

/**
 * tlsgw_session_unlist() - takes a session that ended off the registry
 * @s: the session; the caller holds a reference
 *
 * The first half of tlsgw_session_unregister(), for owners that unlist
 * under a lock of their own and send the event after it. Does nothing on
 * a session that is not listed.
 *
 * Context: process context; takes reg->lock.
 * Return: whether a close event is owed (tlsgw_session_close_event()).
 */
bool tlsgw_session_unlist(struct tlsgw_session *s)
{
	struct tlsgw_registry *reg = s->reg;
	bool opened = false, last = false;

	if (!reg)
		return false;
	mutex_lock(&reg->lock);
	if (!list_empty(&s->node)) {
		list_del_init(&s->node);
		reg->n_sessions--;
		opened = s->opened;
		last = reg->dying && !reg->n_sessions;
	}
	mutex_unlock(&reg->lock);
	/* Only hashes the address: reg may be gone when it runs. */
	if (last)
		wake_up_var(&reg->n_sessions);
	return opened;
}

/**
 * tlsgw_session_close_event() - sends a session's close event
 * @s: the session, unlisted; the caller holds a reference
 * @reason: why it ended
 *
 * Context: process context.
 */
void tlsgw_session_close_event(struct tlsgw_session *s,
			       enum tlsgw_close_reason reason)
{
	tlsgw_genl_session_event(s, TLSGW_EVENT_SESSION_CLOSE, reason);
}

/**
 * tlsgw_session_unregister() - unlists a session that ended
 * @s: the session; the caller holds a reference
 * @reason: why it ended, for the close event
 *
 * Sends the close event if the open one was sent. The owner drops the
 * reference it held for the list afterwards. Does nothing on a session
 * that is not listed.
 *
 * Context: process context; takes reg->lock.
 */
void tlsgw_session_unregister(struct tlsgw_session *s,
			      enum tlsgw_close_reason reason)
{
	if (tlsgw_session_unlist(s))
		tlsgw_session_close_event(s, reason);
}

/**
 * tlsgw_session_put() - drops a reference taken by a lookup
 * @s: the session
 *
 * Context: process context.
 */
void tlsgw_session_put(struct tlsgw_session *s)
{
	s->ops->put(s);
}

/**
 * tlsgw_session_snapshot() - a session's addresses and relay, as of now
 * @s: the session; the caller holds a reference
 * @addr: its TLSGW_ADDR_NUM addresses (family 0 for those not known)
 *
 * Context: process context; takes reg->lock.
 * Return: the relay, or NULL if the session does not relay yet. It lives
 * as long as the caller's reference.
 */
struct tlsgw_relay *tlsgw_session_snapshot(struct tlsgw_session *s,
					   struct sockaddr_storage *addr)
{
	struct tlsgw_registry *reg = s->reg;
	struct tlsgw_relay *relay;

	mutex_lock(&reg->lock);
	memcpy(addr, s->addr, sizeof(s->addr));
	relay = s->relay;
	mutex_unlock(&reg->lock);
	return relay;
}

/**
 * tlsgw_session_close() - ends a session through its owner
 * @s: the session; the caller holds a reference
 * @reason: why (TLSGW_CLOSE_KILLED, _IDLE or _SHUTDOWN)
 *
 * Context: process context.
 */
void tlsgw_session_close(struct tlsgw_session *s,
			 enum tlsgw_close_reason reason)
{
	s->ops->close(s, reason);
}

/**
 * tlsgw_session_get_by_id() - looks a registered session up by id
 * @reg: the registry
 * @id: the session's id
 *
 * Context: process context; takes @reg->lock.
 * Return: the session with a reference the caller puts, or NULL.
 */
struct tlsgw_session *tlsgw_session_get_by_id(struct tlsgw_registry *reg,
					      u64 id)
{
	struct tlsgw_session *s, *found = NULL;

	mutex_lock(&reg->lock);
	list_for_each_entry(s, &reg->sessions, node) {
		if (s->id == id) {
			s->ops->get(s);
			found = s;
			break;
		}
	}
	mutex_unlock(&reg->lock);
	return found;
}

/**
 * tlsgw_session_get_next() - the next registered session of a dump
 * @reg: the registry
 * @after: only sessions with a greater id
 * @kind: only sessions of this kind, or 0 for any
 * @service: only sessions of the service of this name, or NULL for any
 *
 * Context: process context; takes @reg->lock.
 * Return: the matching session with the lowest id above @after, with a
 * reference the caller puts, or NULL.
 */
struct tlsgw_session *tlsgw_session_get_next(struct tlsgw_registry *reg,
					     u64 after, u32 kind,
					     const char *service)
{
	struct tlsgw_session *s, *found = NULL;

	mutex_lock(&reg->lock);
	list_for_each_entry(s, &reg->sessions, node) {
		if (s->id <= after || (kind && s->kind != kind) ||
		    (service && strcmp(s->service, service)))
			continue;
		s->ops->get(s);
		found = s;
		break;
	}
	mutex_unlock(&reg->lock);
	return found;
}

/*
 * Closing takes the owners' locks and then reg->lock (to unregister), so
 * sessions are collected with a reference under the lock and closed after
 * it.
 */
static void tlsgw_sessions_close_matching(struct tlsgw_registry *reg,
					  bool (*match)(struct tlsgw_session *s,
							const void *arg),
					  const void *arg,
					  enum tlsgw_close_reason reason)
{
	struct tlsgw_session *s, *tmp;
	LIST_HEAD(reap);

	/*
	 * Collectors run side by side (the idle collector with a service
	 * delete or the namespace's shutdown): a session already on another
	 * one's list is left to it, which closes it anyway. Its entry is
	 * unlinked under the lock, so that list_empty() tells.
	 */
	mutex_lock(&reg->lock);
	list_for_each_entry(s, &reg->sessions, node) {
		if (list_empty(&s->reap) && match(s, arg)) {
			s->ops->get(s);
			list_add_tail(&s->reap, &reap);
		}
	}
	mutex_unlock(&reg->lock);

	list_for_each_entry_safe(s, tmp, &reap, reap) {
		s->ops->close(s, reason);
		mutex_lock(&reg->lock);
		list_del_init(&s->reap);
		mutex_unlock(&reg->lock);
		s->ops->put(s);
	}
}

static bool tlsgw_session_of_owner(struct tlsgw_session *s, const void *owner)
{
	return s->owner == owner;
}

/**
 * tlsgw_sessions_close_owner() - closes every session of an owner
 * @reg: the registry
 * @owner: the owner's cookie, as given to tlsgw_session_init()
 * @reason: why
 *
 * Sessions another collector is closing at the same time are left to it:
 * they may still be listed when this returns.
 *
 * Context: process context; takes @reg->lock, then closes outside it.
 */
void tlsgw_sessions_close_owner(struct tlsgw_registry *reg, const void *owner,
				enum tlsgw_close_reason reason)
{
	tlsgw_sessions_close_matching(reg, tlsgw_session_of_owner, owner,
				      reason);
}

/* Called under reg->lock; the relay is embedded in the listed owner. */
static bool tlsgw_session_expired(struct tlsgw_session *s, const void *arg)
{
	unsigned long now = *(const unsigned long *)arg;
	unsigned long timeout;

	lockdep_assert_held(&s->reg->lock);
	if (s->ops->expired)
		return s->ops->expired(s, now);
	timeout = READ_ONCE(*s->idle_timeout) * HZ;
	return s->relay && timeout &&
	       time_after(now, READ_ONCE(s->relay->last_active) + timeout);
}

static void tlsgw_registry_gc(struct work_struct *work)
{
	struct tlsgw_registry *reg = container_of(to_delayed_work(work),
						  struct tlsgw_registry, gc);
	unsigned long now = jiffies;
	bool more;

	tlsgw_sessions_close_matching(reg, tlsgw_session_expired, &now,
				      TLSGW_CLOSE_IDLE);
	mutex_lock(&reg->lock);
	more = !list_empty(&reg->sessions) && !reg->dying;
	mutex_unlock(&reg->lock);
	if (more)
		tlsgw_registry_kick(reg);
}

/**
 * tlsgw_sessions_count() - counts the sessions that match
 * @reg: the registry
 * @match: the test, called under @reg->lock (must not sleep)
 * @arg: its argument
 *
 * Context: process context; takes @reg->lock.
 * Return: the number of registered sessions @match accepted.
 */
unsigned int tlsgw_sessions_count(struct tlsgw_registry *reg,
				  bool (*match)(const struct tlsgw_session *s,
						const void *arg),
				  const void *arg)
{
	struct tlsgw_session *s;
	unsigned int n = 0;

	mutex_lock(&reg->lock);
	list_for_each_entry(s, &reg->sessions, node)
		n += match(s, arg);
	mutex_unlock(&reg->lock);
	return n;
}

/**
 * tlsgw_registry_bytes() - live sessions of a kind and their bytes
 * @reg: the registry
 * @kind: enum tlsgw_session_kind
 * @owner: only the sessions of this owner, or NULL for all of @kind
 * @in: the bytes they relayed from the client so far
 * @out: the bytes they relayed to the client so far
 *
 * The owners' counters hold only those of closed sessions.
 *
 * Context: process context; takes @reg->lock (callers may hold their own
 * locks: it is innermost).
 * Return: the number of live sessions.
 */
unsigned int tlsgw_registry_bytes(struct tlsgw_registry *reg, u32 kind,
				  const void *owner, u64 *in, u64 *out)
{
	struct tlsgw_session *s;
	unsigned int n = 0;

	*in = 0;
	*out = 0;
	mutex_lock(&reg->lock);
	list_for_each_entry(s, &reg->sessions, node) {
		if (s->kind != kind || (owner && s->owner != owner))
			continue;
		if (s->relay) {
			*in += READ_ONCE(s->relay->dir[0].bytes);
			*out += READ_ONCE(s->relay->dir[1].bytes);
		}
		n++;
	}
	mutex_unlock(&reg->lock);
	return n;
}

/**
 * tlsgw_registry_init() - initializes a namespace's registry
 * @reg: the registry
 * @net: the namespace
 *
 * Context: namespace init.
 */
void tlsgw_registry_init(struct tlsgw_registry *reg, struct net *net)
{
	reg->net = net;
	mutex_init(&reg->lock);
	INIT_LIST_HEAD(&reg->sessions);
	INIT_DELAYED_WORK(&reg->gc, tlsgw_registry_gc);
}

static bool tlsgw_session_any(struct tlsgw_session *s, const void *arg)
{
	return true;
}

/**
 * tlsgw_registry_shutdown() - ends every session of a namespace
 * @reg: the registry
 *
 * Namespace exit (module unload): nothing registers any more, every
 * session is closed (reason SHUTDOWN) and the collector stopped. A relay
 * work may be closing a session concurrently: wait until every session is
 * unregistered. Owners wait for their own objects to be freed.
 *
 * Context: process context; sleeps.
 */
void tlsgw_registry_shutdown(struct tlsgw_registry *reg)
{
	mutex_lock(&reg->lock);
	reg->dying = true;
	mutex_unlock(&reg->lock);
	tlsgw_sessions_close_matching(reg, tlsgw_session_any, NULL,
				      TLSGW_CLOSE_SHUTDOWN);
	cancel_delayed_work_sync(&reg->gc);
	wait_var_event(&reg->n_sessions, !READ_ONCE(reg->n_sessions));
	mutex_destroy(&reg->lock);
}

/* Netlink: SESSION_GET, SESSION_DEL, events --------------------------- */

/* The session nest: SESSION_GET and _DEL here, SESSION_OFFLOAD in tls/. */
const struct nla_policy tlsgw_sess_policy[TLSGW_SESS_A_MAX + 1] = {
	[TLSGW_SESS_A_ID] = { .type = NLA_U64 },
	[TLSGW_SESS_A_SERVICE] = { .type = NLA_NUL_STRING,
				   .len = TLSGW_NAME_MAX - 1 },
	[TLSGW_SESS_A_CLIENT_FD] = { .type = NLA_S32 },
	[TLSGW_SESS_A_BACKEND_FD] = { .type = NLA_S32 },
	[TLSGW_SESS_A_TLS_VERSION] = { .type = NLA_U16 },
	[TLSGW_SESS_A_CIPHER] = { .type = NLA_U16 },
	[TLSGW_SESS_A_TX_KEY] = { .type = NLA_BINARY, .len = 32 },
	[TLSGW_SESS_A_TX_IV] = { .type = NLA_BINARY, .len = 12 },
	[TLSGW_SESS_A_TX_SEQ] = { .type = NLA_U64 },
	[TLSGW_SESS_A_RX_KEY] = { .type = NLA_BINARY, .len = 32 },
	[TLSGW_SESS_A_RX_IV] = { .type = NLA_BINARY, .len = 12 },
	[TLSGW_SESS_A_RX_SEQ] = { .type = NLA_U64 },
	[TLSGW_SESS_A_INITIAL_DATA] = { .type = NLA_BINARY,
					.len = TLSGW_INITIAL_DATA_MAX },
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_CLIENT_PEER),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_CLIENT_LOCAL),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BACKEND_PEER),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BACKEND_LOCAL),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_AGE_MS),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_IDLE_MS),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BYTES_IN),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_BYTES_OUT),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_RECORDS_IN),
	TLSGW_REPLY_ONLY(TLSGW_SESS_A_RECORDS_OUT),
	[TLSGW_SESS_A_KIND] = NLA_POLICY_RANGE(NLA_U32, TLSGW_SESSION_KIND_TLS,
					       TLSGW_SESSION_KIND_MAX),
};

static const struct nla_policy tlsgw_session_policy[TLSGW_A_MAX + 1] = {
	[TLSGW_A_SESSION] = NLA_POLICY_NESTED(tlsgw_sess_policy),
};

static int tlsgw_put_addr(struct sk_buff *skb, int type,
			  const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return nla_put(skb, type, sizeof(struct sockaddr_in), ss);
	if (ss->ss_family == AF_INET6)
		return nla_put(skb, type, sizeof(struct sockaddr_in6), ss);
	return 0;
}

/*
 * Addresses are left out of events: their subscribers need CAP_NET_ADMIN
 * as every command does, but an event may outlive the session it tells of.
 * The caller holds a reference on the session.
 */
static int tlsgw_put_session(struct sk_buff *skb, struct tlsgw_session *s,
			     bool addresses)
{
	struct sockaddr_storage addr[TLSGW_ADDR_NUM];
	const struct tlsgw_relay *r;
	struct nlattr *nest;
	int i;

	r = tlsgw_session_snapshot(s, addr);
	nest = nla_nest_start(skb, TLSGW_A_SESSION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TLSGW_SESS_A_ID, s->id, TLSGW_SESS_A_PAD) ||
	    nla_put_u32(skb, TLSGW_SESS_A_KIND, s->kind) ||
	    nla_put_string(skb, TLSGW_SESS_A_SERVICE, s->service))
		goto cancel;
	for (i = 0; addresses && i < TLSGW_ADDR_NUM; i++)
		if (tlsgw_put_addr(skb, TLSGW_SESS_A_CLIENT_PEER + i, &addr[i]))
			goto cancel;
	if (nla_put_u64_64bit(skb, TLSGW_SESS_A_AGE_MS,
			      tlsgw_ms_since(s->created), TLSGW_SESS_A_PAD))
		goto cancel;
	if (r && (nla_put_u64_64bit(skb, TLSGW_SESS_A_IDLE_MS,
				    tlsgw_ms_since(READ_ONCE(r->last_active)),
				    TLSGW_SESS_A_PAD) ||
		  nla_put_u64_64bit(skb, TLSGW_SESS_A_BYTES_IN,
				    READ_ONCE(r->dir[0].bytes),
				    TLSGW_SESS_A_PAD) ||
		  nla_put_u64_64bit(skb, TLSGW_SESS_A_BYTES_OUT,
				    READ_ONCE(r->dir[1].bytes),
				    TLSGW_SESS_A_PAD)))
		goto cancel;
	if (s->ops->fill && s->ops->fill(skb, s))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int tlsgw_put_session_msg(struct sk_buff *skb, u32 portid, u32 seq,
				 int flags, u8 cmd, struct tlsgw_session *s)
{
	void *hdr;

	hdr = tlsgw_genl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (tlsgw_put_session(skb, s, true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int tlsgw_session_id(struct genl_info *info, u64 *id)
{
	struct nlattr *tb[TLSGW_SESS_A_MAX + 1];
	int err;

	err = tlsgw_parse_nest_req(info, TLSGW_A_SESSION, TLSGW_SESS_A_MAX,
				   tlsgw_sess_policy, tb, TLSGW_SESS_A_ID);
	if (err)
		return err;
	*id = nla_get_u64(tb[TLSGW_SESS_A_ID]);
	return 0;
}

static struct tlsgw_session *tlsgw_session_lookup(struct genl_info *info,
						  struct tlsgw_net *tn)
{
	struct tlsgw_session *s;
	u64 id;
	int err;

	err = tlsgw_session_id(info, &id);
	if (err)
		return ERR_PTR(err);
	s = tlsgw_session_get_by_id(&tn->sessions, id);
	if (!s) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such session");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

static int tlsgw_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_session *s;
	struct sk_buff *msg;
	int err;

	s = tlsgw_session_lookup(info, tn);
	if (IS_ERR(s))
		return PTR_ERR(s);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = msg ? tlsgw_put_session_msg(msg, info->snd_portid,
					  info->snd_seq, 0,
					  TLSGW_CMD_SESSION_GET, s) : -ENOMEM;
	tlsgw_session_put(s);
	if (err) {
		nlmsg_free(msg);
		return err == -EMSGSIZE ? -ENOBUFS : err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The dump's filter: TLSGW_A_SESSION with KIND and SERVICE, both optional
 * (the policy checked them already); anything else in it is refused.
 */
static int tlsgw_session_filter(struct netlink_callback *cb, u32 *kind,
				const char **service)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *nest = info->attrs[TLSGW_A_SESSION];
	struct nlattr *tb[TLSGW_SESS_A_MAX + 1];
	int err, i;

	*kind = 0;
	*service = NULL;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, TLSGW_SESS_A_MAX, nest, tlsgw_sess_policy,
			       cb->extack);
	if (err)
		return err;
	for (i = 1; i <= TLSGW_SESS_A_MAX; i++) {
		if (!tb[i] || i == TLSGW_SESS_A_KIND ||
		    i == TLSGW_SESS_A_SERVICE)
			continue;
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[i],
				    "only KIND and SERVICE filter a session dump");
		return -EINVAL;
	}
	if (tb[TLSGW_SESS_A_KIND])
		*kind = nla_get_u32(tb[TLSGW_SESS_A_KIND]);
	if (tb[TLSGW_SESS_A_SERVICE])
		*service = nla_data(tb[TLSGW_SESS_A_SERVICE]);
	return 0;
}

/* cb->args[0]: the last session id dumped; the registry is in id order. */
static int tlsgw_session_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct tlsgw_net *tn = tlsgw_net(sock_net(skb->sk));
	struct tlsgw_session *s;
	const char *service;
	u32 kind;
	int err;

	err = tlsgw_session_filter(cb, &kind, &service);
	if (err)
		return err;
	while ((s = tlsgw_session_get_next(&tn->sessions, cb->args[0], kind,
					   service))) {
		err = tlsgw_put_session_msg(skb, NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    TLSGW_CMD_SESSION_GET, s);
		if (!err)
			cb->args[0] = s->id;
		tlsgw_session_put(s);
		if (err)
			break;
	}
	return skb->len;
}

static int tlsgw_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsgw_net *tn = tlsgw_request_net(info);
	struct tlsgw_session *s;

	s = tlsgw_session_lookup(info, tn);
	if (IS_ERR(s))
		return PTR_ERR(s);
	tlsgw_session_close(s, TLSGW_CLOSE_KILLED);
	tlsgw_session_put(s);
	return 0;
}

/*
 * tlsgw_genl_session_event() - multicasts a session event
 * @s: the session
 * @type: TLSGW_EVENT_SESSION_*
 * @reason: enum tlsgw_close_reason, 0: none
 *
 * Sends nothing without listeners or once the family is being
 * unregistered.
 *
 * Context: process context; takes tlsgw_genl_sem for reading.
 */
static void tlsgw_genl_session_event(struct tlsgw_session *s,
				     enum tlsgw_event type,
				     enum tlsgw_close_reason reason)
{
	struct net *net = s->reg->net;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	tlsgw_genl_read_lock();
	if (!tlsgw_event_wanted(net))
		goto out;
	msg = tlsgw_event_start(type, GFP_KERNEL, &hdr, &nest);
	if (!msg)
		goto out;
	if (reason && nla_put_u32(msg, TLSGW_EV_A_REASON, reason))
		goto free;
	nla_nest_end(msg, nest);
	if (tlsgw_put_session(msg, s, false))
		goto free;
	tlsgw_event_send(net, msg, hdr, GFP_KERNEL);
	goto out;
free:
	nlmsg_free(msg);
out:
	tlsgw_genl_read_unlock();
}

static const struct genl_ops tlsgw_registry_genl_ops[] = {
	TLSGW_OP(TLSGW_CMD_SESSION_GET, tlsgw_session_get_doit,
		 tlsgw_session_dumpit, tlsgw_session_policy),
	TLSGW_OP(TLSGW_CMD_SESSION_DEL, tlsgw_session_del_doit, NULL,
		 tlsgw_session_policy),
};

const struct tlsgw_feature tlsgw_registry_feature = {
	.name = "sessions",
	.ops = tlsgw_registry_genl_ops,
	.n_ops = ARRAY_SIZE(tlsgw_registry_genl_ops),
};
