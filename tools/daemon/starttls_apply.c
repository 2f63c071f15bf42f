// SPDX-License-Identifier: GPL-2.0
/* Applying [starttls NAME] sections to the kernel; see starttls_apply.h. */
#include "starttls_apply.h"

#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>

#include "starttls.h"
#include "log.h"

/*
 * One request: cmd with p (its name only if p->proto is 0), or a dump
 * into reply; logs a failure as "starttls NAME: what: reason".
 */
static int run(struct tnl *nl, uint8_t cmd, int flags,
	       const struct stls_policy *p, struct stls_list *reply,
	       const char *what)
{
	struct tnl_status st = { 0 };
	char buf[400];

	if (!stls_request(nl, cmd, flags, p, reply, &st))
		return 0;
	log_msg(LOG_ERR, "starttls%s%s: %s: %s", p ? " " : "",
		p ? p->name : "", what,
		tnl_status_text(&st, "STARTTLS", buf, sizeof(buf)));
	return -1;
}

static int del(struct tnl *nl, const char *name)
{
	struct stls_policy p = { 0 };

	snprintf(p.name, sizeof(p.name), "%s", name);
	return run(nl, TLSGW_CMD_STARTTLS_POLICY_DEL, 0, &p, NULL,
		   "cannot delete it");
}

/* The index of c's [starttls name] section, or -1 (also if c is NULL). */
static int conf_index(const struct conf *c, const char *name)
{
	int i;

	for (i = 0; c && i < c->n_starttls; i++)
		if (!strcmp(c->starttls[i].pol.name, name))
			return i;
	return -1;
}

static int apply_one(struct tnl *nl, const struct stls_policy *p,
		     const struct stls_policy *k)
{
	char a[32], b[32];

	if (k && stls_policy_equal(p, k))
		return 0;
	if (k) {
		log_msg(LOG_NOTICE, "starttls %s: settings changed: "
			"re-creating it (its flows keep the old policy)",
			p->name);
		if (del(nl, p->name) < 0)
			return 1;
	}
	if (run(nl, TLSGW_CMD_STARTTLS_POLICY_NEW, 0, p, NULL,
		"cannot create it") < 0)
		return 1;
	log_msg(LOG_INFO, "starttls %s: policy added (%s, mode %s)", p->name,
		stls_proto_name(p->proto, a, sizeof(a)),
		stls_mode_name(p->mode, b, sizeof(b)));
	return 0;
}

int tstls_apply(struct tnl *nl, const struct conf *c, const struct conf *old)
{
	const struct stls_policy *in_kernel[CONF_STARTTLS_MAX] = { NULL };
	struct stls_list kernel = { 0 };
	int i, failed = 0;
	size_t j;

	if (!c->n_starttls && (!old || !old->n_starttls))
		return 0;
	if (run(nl, TLSGW_CMD_STARTTLS_POLICY_GET, NLM_F_DUMP, NULL, &kernel,
		"cannot list the kernel's STARTTLS policies") < 0) {
		free(kernel.v);
		return 1;
	}
	/*
	 * Which section each kernel policy is; the removed ones are deleted
	 * first, which makes room under the kernel's limit.
	 */
	for (j = 0; j < kernel.n; j++) {
		const char *name = kernel.v[j].pol.name;

		i = conf_index(c, name);
		if (i >= 0) {
			in_kernel[i] = &kernel.v[j].pol;
			continue;
		}
		if (conf_index(old, name) < 0)
			continue;	/* not ours */
		log_msg(LOG_NOTICE, "starttls %s: removed from the "
			"configuration: deleting it", name);
		failed += del(nl, name) < 0;
	}
	for (i = 0; i < c->n_starttls; i++)
		failed += apply_one(nl, &c->starttls[i].pol, in_kernel[i]);
	free(kernel.v);
	return failed;
}
