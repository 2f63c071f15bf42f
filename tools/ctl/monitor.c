// SPDX-License-Identifier: GPL-2.0
/*
 * The "monitor" object: tlsgwctl monitor [events] [kind K] [service NAME]
 * [count N].
 */
#define _GNU_SOURCE	/* ppoll() */
#include "ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include <linux/tlsgw.h>
#include <netlink/genl/ctrl.h>

#include "fmt.h"
#include "json.h"
#include "socks_rule.h"

static const char *event_name(uint32_t type, char *buf, size_t size)
{
	switch (type) {
	case TLSGW_EVENT_SESSION_OPEN:
		return "open";
	case TLSGW_EVENT_SESSION_CLOSE:
		return "close";
	case TLSGW_EVENT_SOCKS_DENIED:
		return "denied";
	}
	snprintf(buf, size, "event%" PRIu32, type);
	return buf;
}

/* A close event without a reason says "unspec", as reason 0 would. */
static const char *reason_name(const struct monitor_event *ev, char *buf,
			       size_t size)
{
	return fmt_close_reason(ev->has_reason ? ev->reason
					       : TLSGW_CLOSE_UNSPEC, buf, size);
}

static void print_stls_text(FILE *out, const struct monitor_event *ev)
{
	char buf[32];

	fprintf(out, "starttls %s policy ",
		stls_finding_name(ev->finding, buf, sizeof(buf)));
	fmt_sanitized(out, ev->stls.pol.name);
	fprintf(out, " proto %s flow %" PRIu64 "%s\n",
		stls_proto_name(ev->stls.pol.proto, buf, sizeof(buf)),
		ev->stls.flow_id, ev->stls.blocked ? " blocked" : "");
}

static void print_stls_json(FILE *out, const struct monitor_event *ev,
			    bool pretty)
{
	struct json j;
	char buf[32];

	json_init(&j, out, pretty);
	json_object_open(&j);
	json_key(&j, "event");
	json_string(&j, "starttls");
	json_key(&j, "finding");
	json_string(&j, stls_finding_name(ev->finding, buf, sizeof(buf)));
	json_key(&j, "policy");
	json_string(&j, ev->stls.pol.name);
	json_key(&j, "proto");
	json_string(&j, stls_proto_name(ev->stls.pol.proto, buf, sizeof(buf)));
	json_key(&j, "flow");
	json_u64(&j, ev->stls.flow_id);
	json_key(&j, "blocked");
	json_bool(&j, ev->stls.blocked);
	json_object_close(&j);
	json_finish(&j);
}

static void print_text(FILE *out, const struct monitor_event *ev)
{
	const struct tlsgw_session *s = &ev->session;
	char buf[32];

	if (ev->type == TLSGW_EVENT_SOCKS_DENIED) {
		fputs("socks denied ", out);
		fmt_sanitized(out, ev->socks_service);
		if (ev->has_socks_cmd)
			fprintf(out, " cmd %s", socks_cmd_name(ev->socks_cmd,
							       buf,
							       sizeof(buf)));
		fputc('\n', out);
		return;
	}
	fprintf(out, "session %s ", event_name(ev->type, buf, sizeof(buf)));
	if (ev->type != TLSGW_EVENT_SESSION_CLOSE) {
		session_print_line(out, s);
		if (ev->has_reason)
			fprintf(out, " reason %s",
				reason_name(ev, buf, sizeof(buf)));
		fputc('\n', out);
		return;
	}
	fprintf(out, "%" PRIu64 " %s ", s->id,
		session_has(s, TLSGW_SESS_A_KIND) ?
		session_kind_name(s->kind, buf, sizeof(buf)) : "-");
	fmt_sanitized(out, s->service);
	fprintf(out, " reason %s in ", reason_name(ev, buf, sizeof(buf)));
	if (session_has(s, TLSGW_SESS_A_BYTES_IN))
		fprintf(out, "%" PRIu64, s->bytes_in);
	else
		fputc('-', out);
	fputs(" out ", out);
	if (session_has(s, TLSGW_SESS_A_BYTES_OUT))
		fprintf(out, "%" PRIu64 "\n", s->bytes_out);
	else
		fputs("-\n", out);
}

static void print_json(FILE *out, const struct monitor_event *ev, bool pretty)
{
	struct json j;
	char buf[32];
	char name[48];

	json_init(&j, out, pretty);
	json_object_open(&j);
	json_key(&j, "event");
	if (ev->type == TLSGW_EVENT_SOCKS_DENIED) {
		json_string(&j, "socks-denied");
		json_key(&j, "service");
		json_string(&j, ev->socks_service);
		if (ev->has_socks_cmd) {
			json_key(&j, "command");
			json_string(&j, socks_cmd_name(ev->socks_cmd, buf,
						       sizeof(buf)));
		}
		json_object_close(&j);
		json_finish(&j);
		return;
	}
	snprintf(name, sizeof(name), "session-%s",
		 event_name(ev->type, buf, sizeof(buf)));
	json_string(&j, name);
	if (ev->type == TLSGW_EVENT_SESSION_CLOSE || ev->has_reason) {
		json_key(&j, "reason");
		json_string(&j, reason_name(ev, buf, sizeof(buf)));
	}
	json_key(&j, "session");
	session_json(&j, &ev->session);
	json_object_close(&j);
	json_finish(&j);
}

void event_print(FILE *out, const struct monitor_event *ev,
		 const struct cli_opts *opts)
{
	if (ev->type == TLSGW_EVENT_STARTTLS && opts->json)
		print_stls_json(out, ev, opts->pretty);
	else if (ev->type == TLSGW_EVENT_STARTTLS)
		print_stls_text(out, ev);
	else if (opts->json)
		print_json(out, ev, opts->pretty);
	else
		print_text(out, ev);
}

bool event_match(const struct monitor_event *ev, uint32_t kind,
		 const char *service)
{
	bool session = ev->type == TLSGW_EVENT_SESSION_OPEN ||
		       ev->type == TLSGW_EVENT_SESSION_CLOSE;
	const char *name;

	if (kind && (!session || !session_has(&ev->session, TLSGW_SESS_A_KIND) ||
		     ev->session.kind != kind))
		return false;
	if (!service)
		return true;
	if (session)
		name = ev->session.service;
	else if (ev->type == TLSGW_EVENT_SOCKS_DENIED)
		name = ev->socks_service;
	else
		return false;
	return !strcmp(name, service);
}

/* The event loop ----------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct monitor {
	const struct cli_opts *opts;
	int family;
	uint64_t count;		/* 0: until interrupted */
	uint64_t seen;
	uint32_t kind;		/* only session events of it, 0: all */
	const char *service;	/* only events of it, NULL: all */
	bool write_error;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct monitor *m = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct tnl_status st = { .fail = TNL_OK };
	struct monitor_event ev;

	/* Only our family's events; anything else is not for us. */
	if (nlh->nlmsg_type != m->family ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    genlmsg_hdr(nlmsg_hdr(msg))->cmd != TLSGW_CMD_EVENT)
		return NL_OK;
	/* A bad event is skipped: the next one may be fine. */
	if (event_parse(msg, &ev, &st) < 0) {
		cli_error("warning: ignoring a malformed event: %s", st.msg);
		return NL_OK;
	}
	if (!event_match(&ev, m->kind, m->service))
		return NL_OK;
	event_print(stdout, &ev, m->opts);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		m->write_error = true;
		return NL_STOP;
	}
	m->seen++;
	return m->count && m->seen >= m->count ? NL_STOP : NL_OK;
}

/* Multicast messages carry sequence number 0: accept them all. */
static int seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int subscribe(struct tnl *nl)
{
	struct tnl_status st;
	int grp, err;

	if (tnl_open(nl, &st) < 0) {
		tnl_report(&st);
		return -1;
	}
	grp = genl_ctrl_resolve_grp(nl->sk, TLSGW_GENL_NAME,
				    TLSGW_MCGRP_EVENTS);
	if (grp == -NLE_OBJ_NOTFOUND) {
		cli_error("the loaded tlsgw module sends no events "
			  "(kernel module too old?)");
		return -1;
	}
	if (grp < 0) {
		cli_error("netlink: cannot resolve the events group: %s",
			  nl_geterror(grp));
		return -1;
	}
	nl_socket_disable_seq_check(nl->sk);
	err = nl_socket_add_membership(nl->sk, grp);
	if (err < 0) {
		cli_error("cannot subscribe to tlsgw events: %s%s",
			  nl_geterror(err), err == -NLE_PERM ?
			  " (needs CAP_NET_ADMIN; try as root)" : "");
		return -1;
	}
	/* Best effort: a bigger buffer loses fewer events in bursts. */
	(void)nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	err = nl_socket_set_nonblocking(nl->sk);
	if (err < 0) {
		cli_error("netlink: %s", nl_geterror(err));
		return -1;
	}
	return 0;
}

/*
 * SIGINT and SIGTERM are blocked except inside ppoll(), so a signal can
 * neither slip in between the check and the wait nor interrupt libnl
 * (which retries recvmsg() on EINTR and would never notice).
 */
static int setup_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		cli_error("signals: %s", strerror(errno));
		return -1;
	}
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	return 0;
}

static int event_loop(struct tnl *nl, struct monitor *m,
		      const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk),
			      .events = POLLIN };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int rc = CLI_EXIT_OK;
	int err;

	if (!cb) {
		cli_error("netlink: %s", nl_geterror(NLE_NOMEM));
		return CLI_EXIT_FAIL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, m);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok, NULL);
	while (!stop_signal && !m->write_error &&
	       !(m->count && m->seen >= m->count)) {
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			cli_error("poll: %s", strerror(errno));
			rc = CLI_EXIT_FAIL;
			break;
		}
		err = nl_recvmsgs_report(nl->sk, cb);
		if (err >= 0 || err == -NLE_AGAIN)
			continue;
		/* ENOBUFS: the kernel dropped events we were too slow for. */
		if (err == -NLE_NOMEM) {
			cli_error("warning: events lost (receive buffer "
				  "overrun)");
			continue;
		}
		cli_error("netlink: %s", nl_geterror(err));
		rc = CLI_EXIT_FAIL;
		break;
	}
	nl_cb_put(cb);
	if (m->write_error) {
		cli_error("error writing output: %s", strerror(errno));
		rc = CLI_EXIT_FAIL;
	}
	return rc;
}

/* What a keyword of "monitor events" takes, or NULL if it is none. */
static const char *arg_needs(const char *kw)
{
	if (!strcmp(kw, "count"))
		return "a number";
	if (!strcmp(kw, "kind"))
		return "tls or socks5";
	if (!strcmp(kw, "service"))
		return "a name";
	return NULL;
}

static int cmd_events(const struct cli_opts *opts, int argc, char **argv)
{
	struct monitor m = { .opts = opts };
	sigset_t waitmask;
	struct tnl nl;
	int rc;

	while (argc > 0) {
		const char *what = arg_needs(argv[0]);

		if (what && argc < 2)
			return cli_usage_error("'%s' needs %s", argv[0], what);
		if (!strcmp(argv[0], "count") && !m.count) {
			if (fmt_parse_u64(argv[1], &m.count) < 0 ||
			    m.count == 0)
				return cli_usage_error("invalid count '%s': "
						       "a number from 1",
						       argv[1]);
		} else if (!strcmp(argv[0], "kind") && !m.kind) {
			if (session_kind_parse(argv[1], &m.kind) < 0)
				return cli_usage_error("invalid kind '%s': "
						       "tls or socks5",
						       argv[1]);
		} else if (!strcmp(argv[0], "service") && !m.service) {
			m.service = argv[1];
		} else {
			return cli_usage_error("unexpected argument '%s'",
					       argv[0]);
		}
		argc -= 2;
		argv += 2;
	}
	if (setup_signals(&waitmask) < 0)
		return CLI_EXIT_FAIL;
	if (subscribe(&nl) < 0) {
		if (nl.sk)
			tnl_close(&nl);
		return CLI_EXIT_FAIL;
	}
	m.family = nl.family;
	rc = event_loop(&nl, &m, &waitmask);
	tnl_close(&nl);
	return rc;
}

static const struct cli_cmd monitor_cmds[] = {
	{ "events", "[kind tls|socks5] [service NAME] [count N]",
	  "print session, SOCKS5 and STARTTLS events as they happen (only "
	  "the session events of a kind, only the events of a service), "
	  "until interrupted or after N events", cmd_events },
	{ 0 }
};

const struct cli_object monitor_object = {
	.name = "monitor",
	.help = "follow events (sessions opened and closed, SOCKS5 "
		"requests denied, STARTTLS findings)",
	.default_cmd = "events",
	.cmds = monitor_cmds,
	.args_without_cmd = true,
};
