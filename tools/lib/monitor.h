/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events of the TLSGW_MCGRP_EVENTS multicast group: one TLSGW_CMD_EVENT
 * parsed into a struct, for tlsgwctl's "monitor" object (which prints
 * them). Parsing is separate from printing so the unit tests can feed
 * it canned events.
 */
#ifndef TLSGW_MONITOR_H
#define TLSGW_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "session.h"
#include "starttls.h"

struct monitor_event {
	uint32_t type;		/* enum tlsgw_event, maybe one we don't know */
	bool has_reason;
	uint32_t reason;	/* enum tlsgw_close_reason */
	struct tlsgw_session session;	/* session events */
	/* TLSGW_EVENT_SOCKS_DENIED: the service and the SOCKS command. */
	char socks_service[TLSGW_NAME_MAX];
	bool has_socks_cmd;
	uint32_t socks_cmd;		/* enum tlsgw_socks_cmd */
	uint32_t finding;		/* TLSGW_EVENT_STARTTLS: what, */
	struct stls_obj stls;		/* and where */
};

/*
 * Parses one TLSGW_CMD_EVENT message: TLSGW_A_EVENT with TYPE (REASON
 * and SOCKS_CMD optional), and TLSGW_A_SESSION are required; a SOCKS
 * denial has TLSGW_A_SOCKS with the service's NAME instead of the session,
 * a TLSGW_EVENT_STARTTLS has TLSGW_EV_A_FINDING and TLSGW_A_STARTTLS. -1
 * with st filled if it breaks the contract.
 */
int event_parse(struct nl_msg *msg, struct monitor_event *ev,
		struct tnl_status *st);

#endif /* TLSGW_MONITOR_H */
