/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_NETLINK_H
#define _TLSGW_NETLINK_H

#include <linux/tlsgw.h>

struct tlsgw_session;

int tlsgw_genl_init(void);
void tlsgw_genl_exit(void);
void tlsgw_genl_session_event(struct tlsgw_session *s, enum tlsgw_event type,
			      enum tlsgw_close_reason reason);

#endif /* _TLSGW_NETLINK_H */
