/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_FEATURE_H
#define _TLSGW_FEATURE_H

#include <net/genetlink.h>

struct tlsgw_counters;
struct tlsgw_net;

/**
 * struct tlsgw_feature - what a feature of the module gives the core
 * @name: the feature's name, for messages
 * @init: module resources, before any namespace has state; optional
 * @exit: undoes @init, after every namespace's state is gone; optional
 * @net_init: a namespace's state of the feature; optional
 * @net_exit: ends the feature in a namespace: afterwards nothing of it
 *	refers to the namespace; optional
 * @start: after every namespace has its state, before the netlink family
 *	is registered; optional
 * @stop: undoes @start, after the family is unregistered; optional
 * @gauges: adds the feature's live gauges in a namespace to what
 *	TLSGW_CMD_GET_INFO reports; optional
 * @ops: the feature's generic netlink commands (TLSGW_OP())
 * @n_ops: length of @ops
 *
 * The core (core/) knows each feature only through this table: main.c
 * runs @init and @start in tlsgw_features[] order and @stop and @exit in
 * reverse, pernet.c runs @net_init in order and @net_exit in reverse,
 * netlink.c registers every feature's @ops in one family. A feature
 * includes core headers; no core file includes a feature's.
 */
struct tlsgw_feature {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	int (*net_init)(struct tlsgw_net *tn);
	void (*net_exit)(struct tlsgw_net *tn);
	int (*start)(void);
	void (*stop)(void);
	void (*gauges)(struct tlsgw_net *tn, struct tlsgw_counters *c);
	const struct genl_ops *ops;
	unsigned int n_ops;
};

/*
 * The registry's commands (SESSION_GET, _DEL; core/registry.c) come first,
 * then each feature (tls/, socks/, starttls/).
 */
extern const struct tlsgw_feature tlsgw_registry_feature;
extern const struct tlsgw_feature tlsgw_tls_feature;
extern const struct tlsgw_feature tlsgw_socks_feature;
extern const struct tlsgw_feature tlsgw_stls_feature;

#define TLSGW_FEATURES	4

/* In init order (main.c). */
extern const struct tlsgw_feature *const tlsgw_features[TLSGW_FEATURES];

#endif /* _TLSGW_FEATURE_H */
