// SPDX-License-Identifier: GPL-2.0
/*
 * SOCKS5 rules: an ordered allow/deny list per service; the first rule
 * that matches a request decides, and a request no rule matches is denied
 * unless the service is open (TLSGW_SOCKS_F_OPEN). svc->lock guards the
 * list.
 */

#include <linux/slab.h>

#include "socks/socks.h"

static bool tlsgw_prefix_match(const struct tlsgw_socks_prefix *p,
			       const struct sockaddr_storage *ss)
{
	const u8 *addr;
	unsigned int bytes, bits;

	if (!p->family)
		return true;
	if (p->family != ss->ss_family)
		return false;
	if (ss->ss_family == AF_INET)
		addr = (const u8 *)&((const struct sockaddr_in *)ss)->sin_addr;
	else
		addr = (const u8 *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	bytes = p->plen / 8;
	bits = p->plen % 8;
	if (memcmp(addr, p->addr, bytes))
		return false;
	return !bits || !((addr[bytes] ^ p->addr[bytes]) & (0xff00 >> bits));
}

static u16 tlsgw_rule_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static bool tlsgw_rule_has_dst(const struct tlsgw_socks_rule *r)
{
	return r->dst.family || r->port_min || r->port_max != 0xffff;
}

/*
 * dst NULL (UDP ASSOCIATE, whose datagrams are checked one by one): rules
 * with destination criteria do not deny, and allow if the rest matches.
 */
static bool tlsgw_rule_match(const struct tlsgw_socks_rule *r,
			     const struct tlsgw_socks_conn *conn,
			     const struct sockaddr_storage *dst)
{
	u16 port;

	if (!(r->commands & (1U << conn->cmd)))
		return false;
	if (!tlsgw_prefix_match(&r->src, &conn->client_addr))
		return false;
	if (r->has_user && (!conn->user || strcmp(r->user, conn->user->name)))
		return false;
	if (!dst)
		return !tlsgw_rule_has_dst(r) || r->action == TLSGW_SOCKS_ALLOW;
	if (!tlsgw_prefix_match(&r->dst, dst))
		return false;
	port = tlsgw_rule_port(dst);
	return port >= r->port_min && port <= r->port_max;
}

/**
 * tlsgw_socks_allowed() - whether the rules allow a request
 * @conn: the connection (its client address and user)
 * @dst: the destination, or NULL (a request without one)
 *
 * The first matching rule decides and counts a hit; without one, the
 * service's TLSGW_SOCKS_F_OPEN does.
 *
 * Context: process context; takes the service's lock.
 * Return: true if allowed.
 */
bool tlsgw_socks_allowed(struct tlsgw_socks_conn *conn,
			 const struct sockaddr_storage *dst)
{
	struct tlsgw_socks_svc *svc = conn->svc;
	struct tlsgw_socks_rule *r;
	bool allow = svc->flags & TLSGW_SOCKS_F_OPEN;

	mutex_lock(&svc->lock);
	list_for_each_entry(r, &svc->rules, node) {
		if (tlsgw_rule_match(r, conn, dst)) {
			atomic64_inc(&r->hits);
			allow = r->action == TLSGW_SOCKS_ALLOW;
			break;
		}
	}
	mutex_unlock(&svc->lock);
	return allow;
}

/**
 * tlsgw_socks_rule_add() - inserts a copy of a rule
 * @svc: the service
 * @tmpl: the rule
 * @index: where, < 0: at the end
 * @extack: for the reason of a refusal
 *
 * Context: process context; takes @svc->lock.
 * Return: 0, -ENOMEM, -ENOSPC (too many rules) or -ENOENT (@index past
 * the end).
 */
int tlsgw_socks_rule_add(struct tlsgw_socks_svc *svc,
			 const struct tlsgw_socks_rule *tmpl, s64 index,
			 struct netlink_ext_ack *extack)
{
	struct list_head *pos = &svc->rules;
	struct tlsgw_socks_rule *r, *at;
	int err = 0;

	r = kmemdup(tmpl, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	atomic64_set(&r->hits, 0);

	mutex_lock(&svc->lock);
	if (svc->n_rules >= TLSGW_SOCKS_RULES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "too many rules in this SOCKS5 service");
		err = -ENOSPC;
	} else if (index > svc->n_rules) {
		NL_SET_ERR_MSG_MOD(extack, "rule index past the end of the list");
		err = -ENOENT;
	} else if (index >= 0) {
		list_for_each_entry(at, &svc->rules, node) {
			if (!index--) {
				pos = &at->node;
				break;
			}
		}
	}
	if (!err) {
		list_add_tail(&r->node, pos);
		svc->n_rules++;
	}
	mutex_unlock(&svc->lock);
	if (err)
		kfree(r);
	return err;
}

/**
 * tlsgw_socks_rule_del() - deletes the rule at an index
 * @svc: the service
 * @index: the rule's index
 * @extack: for the reason of a refusal
 *
 * Context: process context; takes @svc->lock.
 * Return: 0 or -ENOENT.
 */
int tlsgw_socks_rule_del(struct tlsgw_socks_svc *svc, u32 index,
			 struct netlink_ext_ack *extack)
{
	struct tlsgw_socks_rule *r, *found = NULL;

	mutex_lock(&svc->lock);
	list_for_each_entry(r, &svc->rules, node) {
		if (!index--) {
			found = r;
			list_del(&r->node);
			svc->n_rules--;
			break;
		}
	}
	mutex_unlock(&svc->lock);
	if (!found) {
		NL_SET_ERR_MSG_MOD(extack, "no rule at that index");
		return -ENOENT;
	}
	kfree(found);
	return 0;
}

/**
 * tlsgw_socks_rules_flush() - frees every rule of a service
 * @svc: the service
 *
 * The service is being freed: nobody else can see the list, so no lock is
 * taken.
 *
 * Context: any.
 */
void tlsgw_socks_rules_flush(struct tlsgw_socks_svc *svc)
{
	struct tlsgw_socks_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &svc->rules, node)
		kfree(r);
	INIT_LIST_HEAD(&svc->rules);
	svc->n_rules = 0;
}
