// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of lib/nl.c's transaction loop against the running kernel's generic
 * netlink controller (always there, no tlsgw module needed): a dump ends
 * at NLMSG_DONE, carries many messages, leaves nothing behind on the
 * socket, and a failed dump is reported. Skipped without netlink. TAP.
 */
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "tap.h"

#define PLAN 4

struct count {
	unsigned int families;
	bool saw_nlctrl;
};

static int on_family(struct nl_msg *msg, void *arg, struct tnl_status *st)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct count *c = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return tnl_bad_reply(st, "no family name");
	c->families++;
	if (!strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		c->saw_nlctrl = true;
	return 0;
}

static int run(struct tnl *nl, uint8_t cmd, int flags, const char *name,
	       struct count *c, struct tnl_status *st)
{
	struct nl_msg *msg = tnl_request(nl, cmd, flags);

	if (name)
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	return tnl_transact(nl, msg, on_family, c, st);
}

int main(void)
{
	struct tnl nl = { .family = GENL_ID_CTRL };
	struct tnl_status st = { 0 };
	struct count c = { 0 };
	int rc;

	tap_plan(PLAN);
	nl.sk = nl_socket_alloc();
	if (!nl.sk || genl_connect(nl.sk) < 0) {
		unsigned int i;

		for (i = 1; i <= PLAN; i++)
			printf("ok %u # SKIP no generic netlink here\n", i);
		return 0;
	}

	rc = run(&nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP, NULL, &c, &st);
	printf("# %u families\n", c.families);
	tap_ok(rc == 0 && c.families >= 1 && c.saw_nlctrl,
	       "dump of the genl families ends at NLMSG_DONE");

	/* Anything left behind (an ack after DONE) breaks the next one. */
	memset(&c, 0, sizeof(c));
	rc = run(&nl, CTRL_CMD_GETFAMILY, 0, "nlctrl", &c, &st);
	tap_ok(rc == 0 && c.families == 1 && c.saw_nlctrl,
	       "a request after the dump works on the same socket");

	/* Policy dumps need a family: the dump fails to start. */
	memset(&c, 0, sizeof(c));
	rc = run(&nl, CTRL_CMD_GETPOLICY, NLM_F_DUMP, NULL, &c, &st);
	printf("# failed dump: fail %d code %d (%s)\n", st.fail, st.code,
	       st.msg);
	tap_ok(rc < 0 && st.fail == TNL_KERNEL && st.code != 0,
	       "a failed dump is a kernel error");

	memset(&c, 0, sizeof(c));
	rc = run(&nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP, NULL, &c, &st);
	tap_ok(rc == 0 && c.saw_nlctrl, "and the socket still works");

	tnl_close(&nl);
	return tap_done(PLAN);
}
