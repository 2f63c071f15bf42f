/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwd's [starttls NAME] sections applied to the kernel: after start
 * and after each SIGHUP, the kernel's STARTTLS policies are made to
 * match the configuration.
 *
 *  - A policy the previous configuration had and this one has not is
 *    deleted (first: that makes room under the kernel's limit).
 *  - Then, in the file's order, each configured policy the kernel lacks
 *    is added, and each whose protocol, ports, destination or mode
 *    differ from the kernel's is deleted and added again: the kernel
 *    changes no policy in place (POLICY_NEW of a taken name is -EEXIST).
 *    Flows it owns keep the old policy until they end, unless it was
 *    the kernel's only policy: deleting the last one forgets every flow.
 *    The kernel tries policies in the order they were added, so one
 *    added again goes after those that stayed.
 *  - Policies tlsgwd never configured (tlsgwctl's) are left alone; one
 *    that has the name of a configured policy is taken over (so a
 *    restarted tlsgwd keeps the policies it made before).
 *
 * Each failure is logged with the kernel's message and the rest goes on.
 */
#ifndef TLSGW_DAEMON_STARTTLS_APPLY_H
#define TLSGW_DAEMON_STARTTLS_APPLY_H

#include "nl.h"
#include "conf.h"

/*
 * old: the configuration applied before (NULL at start). Returns the
 * number of failures.
 */
int tstls_apply(struct tnl *nl, const struct conf *c, const struct conf *old);

#endif /* TLSGW_DAEMON_STARTTLS_APPLY_H */
