/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_NETLINK_H
#define _TLSGW_NETLINK_H

int tlsgw_genl_init(void);
void tlsgw_genl_exit(void);

#endif /* _TLSGW_NETLINK_H */
