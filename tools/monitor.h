/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "monitor" object: follows the TLSGW_MCGRP_EVENTS multicast group
 * and prints each TLSGW_CMD_EVENT as one line (text, or one JSON object
 * per line), flushed at once so that a reader at the end of a pipe sees
 * it. Parsing and printing are separate so the unit tests can feed them
 * canned events.
 */
#ifndef TLSGW_MONITOR_H
#define TLSGW_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
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

/*
 * Whether the monitor shows an event: kind (0: any) keeps only session
 * events of that kind, service (NULL: any) only session events and SOCKS5
 * denials of a service of that name.
 */
bool event_match(const struct monitor_event *ev, uint32_t kind,
		 const char *service);

/*
 * "session open <as session list>", "session close ID KIND SERVICE reason
 * REASON in N out N", "socks denied SERVICE cmd CMD", "starttls FINDING
 * policy NAME proto P flow ID [blocked]", or a JSON object; with the
 * newline.
 */
void event_print(FILE *out, const struct monitor_event *ev,
		 const struct cli_opts *opts);

extern const struct cli_object monitor_object;

#endif /* TLSGW_MONITOR_H */
