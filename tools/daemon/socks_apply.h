/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwd's [socks NAME] sections applied to the kernel: after start and
 * after each SIGHUP, the kernel's SOCKS5 services are made to match the
 * configuration.
 *
 *  - A configured service the kernel lacks is created (SOCKS_NEW).
 *  - One whose settings (listen, auth, open, limits, timeouts) differ is
 *    deleted and created again: its connections are reset.
 *  - Users: each configured user is sent with the password read from its
 *    file now (USER_NEW adds or replaces) unless the kernel has it with
 *    the password tlsgwd sent last (a replaced user's counters restart);
 *    kernel users the section does not list are deleted.
 *  - Rules: left alone if the kernel already has the same list; else the
 *    new rules are appended and then the old ones deleted from the front,
 *    so that the old list decides until the new one is complete (if both
 *    do not fit in TLSGW_SOCKS_RULES_MAX, the old go first).
 *  - A service the previous configuration had and this one has not is
 *    deleted. Services tlsgwd never configured (tlsgwctl's) are left
 *    alone.
 *
 * Each failure is logged with the kernel's message and the rest goes on.
 */
#ifndef TLSGW_DAEMON_SOCKS_APPLY_H
#define TLSGW_DAEMON_SOCKS_APPLY_H

#include "nl.h"
#include "conf.h"

/* old: the configuration applied before (NULL at start). Returns the
 * number of failures. */
int tsocks_apply(struct tnl *nl, const struct conf *c, const struct conf *old);

#endif /* TLSGW_DAEMON_SOCKS_APPLY_H */
