// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client's side of TLSGW_MCGRP_EVENTS: one TLSGW_CMD_EVENT
 * message parsed into a struct; see monitor.h.
 */
#include "monitor.h"

#include <string.h>

#include <linux/tlsgw.h>

#include "fmt.h"

/* TLSGW_A_SOCKS of a denial: just the service's name. */
static int parse_socks(const struct nlattr *nest, struct monitor_event *ev,
		       struct tnl_status *st)
{
	struct nlattr *sb[TLSGW_SOCKS_A_MAX + 1];

	if (!nest)
		return tnl_bad_reply(st, "SOCKS event without TLSGW_A_SOCKS");
	if (nla_parse_nested(sb, TLSGW_SOCKS_A_MAX, (struct nlattr *)nest,
			     NULL) < 0 || !fmt_nest_whole(nest))
		return tnl_bad_reply(st, "malformed SOCKS event");
	if (!sb[TLSGW_SOCKS_A_NAME] ||
	    fmt_name_attr(sb[TLSGW_SOCKS_A_NAME], ev->socks_service,
			  sizeof(ev->socks_service)) < 0)
		return tnl_bad_reply(st, "SOCKS event without a valid service "
				     "name");
	return 0;
}

int event_parse(struct nl_msg *msg, struct monitor_event *ev,
		struct tnl_status *st)
{
	struct nlattr *tb[TLSGW_A_MAX + 1];
	struct nlattr *eb[TLSGW_EV_A_MAX + 1];
	int err;

	memset(ev, 0, sizeof(*ev));
	if (fmt_parse_msg(msg, TLSGW_CMD_EVENT, "event", tb, st))
		return -1;
	if (!tb[TLSGW_A_EVENT])
		return tnl_bad_reply(st, "event without TLSGW_A_EVENT");
	err = nla_parse_nested(eb, TLSGW_EV_A_MAX, tb[TLSGW_A_EVENT], NULL);
	if (err == 0 && !fmt_nest_whole(tb[TLSGW_A_EVENT]))
		return tnl_bad_reply(st, "truncated attribute in "
				     "an event");
	if (err < 0)
		return tnl_bad_reply(st, "malformed event (%s)",
				     nl_geterror(err));
	if (!eb[TLSGW_EV_A_TYPE] ||
	    nla_len(eb[TLSGW_EV_A_TYPE]) != sizeof(uint32_t))
		return tnl_bad_reply(st, "event without a u32 type");
	ev->type = nla_get_u32(eb[TLSGW_EV_A_TYPE]);
	if (eb[TLSGW_EV_A_REASON]) {
		if (nla_len(eb[TLSGW_EV_A_REASON]) != sizeof(uint32_t))
			return tnl_bad_reply(st, "event reason is not a u32");
		ev->reason = nla_get_u32(eb[TLSGW_EV_A_REASON]);
		ev->has_reason = true;
	}
	if (eb[TLSGW_EV_A_SOCKS_CMD]) {
		if (nla_len(eb[TLSGW_EV_A_SOCKS_CMD]) != sizeof(uint32_t))
			return tnl_bad_reply(st, "event SOCKS command is not "
					     "a u32");
		ev->socks_cmd = nla_get_u32(eb[TLSGW_EV_A_SOCKS_CMD]);
		ev->has_socks_cmd = true;
	}
	if (ev->type == TLSGW_EVENT_SOCKS_DENIED)
		return parse_socks(tb[TLSGW_A_SOCKS], ev, st);
	if (ev->type == TLSGW_EVENT_STARTTLS) {
		if (!eb[TLSGW_EV_A_FINDING] ||
		    nla_len(eb[TLSGW_EV_A_FINDING]) != sizeof(uint32_t) ||
		    !tb[TLSGW_A_STARTTLS])
			return tnl_bad_reply(st, "STARTTLS event without "
					     "a finding or TLSGW_A_STARTTLS");
		ev->finding = nla_get_u32(eb[TLSGW_EV_A_FINDING]);
		return stls_parse_nest(tb[TLSGW_A_STARTTLS], &ev->stls, st);
	}
	if (!tb[TLSGW_A_SESSION])
		return tnl_bad_reply(st, "event without a session");
	return session_parse_nest(tb[TLSGW_A_SESSION], &ev->session, st);
}
