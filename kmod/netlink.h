/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_NETLINK_H
#define _TLSGW_NETLINK_H

#include <linux/tlsgw.h>

struct net;
struct tlsgw_session;

/* A STARTTLS finding, as the hooks report it (no addresses, no data). */
struct tlsgw_stls_event {
	const char *policy;
	u64 flow_id;
	u8 proto;			/* enum tlsgw_starttls_proto */
	u8 finding;			/* enum tlsgw_starttls_finding */
	bool blocked;			/* the flow was reset for it */
};

int tlsgw_genl_init(void);
void tlsgw_genl_exit(void);
void tlsgw_genl_session_event(struct tlsgw_session *s, enum tlsgw_event type,
			      enum tlsgw_close_reason reason);

void tlsgw_genl_stls_event(struct net *net, const struct tlsgw_stls_event *ev);

#endif /* _TLSGW_NETLINK_H */
