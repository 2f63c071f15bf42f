// SPDX-License-Identifier: GPL-2.0
/* Applying [socks NAME] sections to the kernel; see socks_apply.h. */
#define _GNU_SOURCE	/* explicit_bzero() */
#include "socks_apply.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tlsgw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "socks.h"
#include "log.h"

/*
 * The kernel resets a user's counters when its password is sent again,
 * so a reload re-sends only the users the kernel lacks or whose password
 * file changed. What was sent is remembered as a keyed SHA-256 (a random
 * key per process), never as the password.
 */
struct sent {
	char svc[TLSGW_NAME_MAX];
	char user[SOCKS_USER_MAX + 1];
	unsigned char fp[32];
};

static struct {
	struct sent *v;
	size_t n;
	unsigned char key[32];
	bool keyed;
} sent;

static int fingerprint(const char *svc, const char *user, const char *pw,
		       int len, unsigned char *fp)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!sent.keyed)
		sent.keyed = RAND_bytes(sent.key, sizeof(sent.key)) == 1;
	ok = ctx && sent.keyed && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, sent.key, sizeof(sent.key)) &&
	     EVP_DigestUpdate(ctx, svc, strlen(svc) + 1) &&
	     EVP_DigestUpdate(ctx, user, strlen(user) + 1) &&
	     EVP_DigestUpdate(ctx, pw, (size_t)len) &&
	     EVP_DigestFinal_ex(ctx, fp, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static struct sent *sent_find(const char *svc, const char *user)
{
	size_t i;

	for (i = 0; i < sent.n; i++)
		if (!strcmp(sent.v[i].svc, svc) && !strcmp(sent.v[i].user, user))
			return &sent.v[i];
	return NULL;
}

static void sent_set(const char *svc, const char *user,
		     const unsigned char *fp)
{
	struct sent *e = sent_find(svc, user);

	if (!e) {
		e = realloc(sent.v, (sent.n + 1) * sizeof(*sent.v));
		if (!e)
			return;		/* only costs a re-send next time */
		sent.v = e;
		e = &sent.v[sent.n++];
		snprintf(e->svc, sizeof(e->svc), "%s", svc);
		snprintf(e->user, sizeof(e->user), "%s", user);
	}
	memcpy(e->fp, fp, sizeof(e->fp));
}

/* Sends r; logs a failure as "socks NAME: what: reason". */
static int run(struct tnl *nl, const struct socks_req *r, const char *what)
{
	struct tnl_status st;
	char buf[400];

	if (!socks_request(nl, r, &st))
		return 0;
	log_msg(LOG_ERR, "socks%s%s: %s: %s", r->name ? " " : "",
		r->name ? r->name : "", what,
		tnl_status_text(&st, "SOCKS5", buf, sizeof(buf)));
	return -1;
}

static const struct socks_svc *find_kernel(const struct socks_list *l,
					   const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static bool same_listen(const struct conf_addr *a, const union fmt_addr *k)
{
	const struct sockaddr_in *a4 = (const void *)&a->ss;
	const struct sockaddr_in6 *a6 = (const void *)&a->ss;

	if (a->ss.ss_family != k->family)
		return false;
	if (k->family == AF_INET)
		return a4->sin_port == k->v4.sin_port &&
		       a4->sin_addr.s_addr == k->v4.sin_addr.s_addr;
	return a6->sin6_port == k->v6.sin6_port &&
	       !memcmp(&a6->sin6_addr, &k->v6.sin6_addr,
		       sizeof(a6->sin6_addr));
}

static bool same_settings(const struct conf_socks *c,
			  const struct socks_svc *k)
{
	return same_listen(&c->listen, &k->listen) && c->auth == k->auth &&
	       c->flags == k->flags && c->max_sessions == k->max_sessions &&
	       c->neg_timeout == k->neg_timeout &&
	       c->idle_timeout == k->idle_timeout;
}

static bool has_socks(const struct conf *c, const char *name)
{
	int i;

	for (i = 0; c && i < c->n_socks; i++)
		if (!strcmp(c->socks[i].name, name))
			return true;
	return false;
}

static int sync_users(struct tnl *nl, const struct conf_socks *c,
		      const struct socks_svc *k)
{
	char pw[SOCKS_USER_MAX + 2], err[PATH_MAX + 128];
	int i, failed = 0;
	size_t j;

	for (i = 0; i < c->n_users; i++) {
		struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_USER_NEW,
				 .name = c->name, .user = c->users[i].name };
		const struct sent *e = sent_find(c->name, r.user);
		unsigned char fp[32];
		bool have = false, fp_ok;

		r.password_len = conf_read_password(&c->users[i], pw,
						    sizeof(pw), err,
						    sizeof(err));
		if (r.password_len < 0) {
			log_msg(LOG_ERR, "socks %s: user %s: %s", c->name,
				c->users[i].name, err);
			failed++;
			continue;
		}
		fp_ok = !fingerprint(c->name, r.user, pw, r.password_len, fp);
		for (j = 0; j < k->n_users; j++)
			have |= !strcmp(k->users[j].name, r.user);
		if (have && fp_ok && e && !memcmp(e->fp, fp, sizeof(fp))) {
			explicit_bzero(pw, sizeof(pw));
			continue;	/* unchanged: keep its counters */
		}
		r.password = pw;
		if (run(nl, &r, "cannot set a user") < 0)
			failed++;
		else if (fp_ok)
			sent_set(c->name, r.user, fp);
		explicit_bzero(pw, sizeof(pw));
	}
	for (j = 0; j < k->n_users; j++) {
		struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_USER_DEL,
				 .name = c->name, .user = k->users[j].name };

		for (i = 0; i < c->n_users; i++)
			if (!strcmp(c->users[i].name, k->users[j].name))
				break;
		if (i == c->n_users)
			failed += run(nl, &r, "cannot delete a user") < 0;
	}
	return failed;
}

static bool same_rules(const struct conf_socks *c, const struct socks_svc *k)
{
	int i;

	if ((size_t)c->n_rules != k->n_rules)
		return false;
	for (i = 0; i < c->n_rules; i++)
		if (!socks_rule_equal(&c->rules[i], &k->rules[i]))
			return false;
	return true;
}

static int del_front(struct tnl *nl, const char *name, size_t n)
{
	struct socks_rule first = { .has_index = true, .index = 0 };
	struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_RULE_DEL, .name = name,
			 .rule = &first };

	for (; n; n--)
		if (run(nl, &r, "cannot delete a rule") < 0)
			return 1;
	return 0;
}

static int sync_rules(struct tnl *nl, const struct conf_socks *c,
		      const struct socks_svc *k)
{
	bool add_first = k->n_rules + (size_t)c->n_rules <=
			 TLSGW_SOCKS_RULES_MAX;
	int i, failed = 0;

	if (same_rules(c, k))
		return 0;
	if (!add_first && del_front(nl, c->name, k->n_rules))
		return 1;
	for (i = 0; i < c->n_rules; i++) {
		struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_RULE_NEW,
				 .name = c->name, .rule = &c->rules[i] };

		failed += run(nl, &r, "cannot add a rule") < 0;
	}
	/*
	 * Deleting the old rules while a new one is missing would leave a
	 * list nobody wrote: keep the old ones in front then.
	 */
	if (add_first && !failed)
		failed += del_front(nl, c->name, k->n_rules);
	return failed;
}

static int apply_one(struct tnl *nl, const struct conf_socks *c,
		     const struct socks_svc *k)
{
	struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_DEL, .name = c->name };
	const struct socks_conf sc = {
		.name = c->name,
		.listen = c->listen.ss,
		.listen_len = (int)c->listen.len,
		.has_auth = true, .has_flags = true, .has_max = true,
		.has_neg = true, .has_idle = true,
		.auth = c->auth,
		.flags = c->flags,
		.max_sessions = c->max_sessions,
		.neg_timeout = c->neg_timeout,
		.idle_timeout = c->idle_timeout,
	};
	struct socks_list cur = { 0 };
	int failed;

	if (k && !same_settings(c, k)) {
		log_msg(LOG_NOTICE, "socks %s: settings changed: re-creating "
			"it (its connections are reset)", c->name);
		if (run(nl, &r, "cannot delete it") < 0)
			return 1;
		k = NULL;
	}
	if (!k) {
		r.cmd = TLSGW_CMD_SOCKS_NEW;
		r.conf = &sc;
		if (run(nl, &r, "cannot create it") < 0)
			return 1;
		log_msg(LOG_INFO, "socks %s: listening on %s", c->name,
			c->listen.text);
	}
	memset(&r, 0, sizeof(r));
	r.cmd = TLSGW_CMD_SOCKS_GET;
	r.name = c->name;
	r.reply = &cur;
	if (run(nl, &r, "cannot read its users and rules") < 0 ||
	    cur.n != 1) {
		if (cur.n != 1)
			log_msg(LOG_ERR, "socks %s: no SOCKS_GET reply",
				c->name);
		socks_list_free(&cur);
		return 1;
	}
	failed = sync_users(nl, c, &cur.v[0]);
	failed += sync_rules(nl, c, &cur.v[0]);
	socks_list_free(&cur);
	return failed;
}

int tsocks_apply(struct tnl *nl, const struct conf *c, const struct conf *old)
{
	struct socks_req r = { .cmd = TLSGW_CMD_SOCKS_GET, .flags = NLM_F_DUMP };
	struct socks_list kernel = { 0 };
	int i, failed = 0;
	size_t j;

	if (!c->n_socks && (!old || !old->n_socks))
		return 0;
	/* SOCKS_GET replies with 1024 users exceed a page: see lib/socks.h. */
	nl_socket_enable_msg_peek(nl->sk);
	r.reply = &kernel;
	if (run(nl, &r, "cannot list the kernel's SOCKS5 services") < 0) {
		socks_list_free(&kernel);
		return 1;
	}
	for (j = 0; j < kernel.n; j++) {
		struct socks_req d = { .cmd = TLSGW_CMD_SOCKS_DEL,
				 .name = kernel.v[j].name };

		if (has_socks(old, d.name) && !has_socks(c, d.name)) {
			log_msg(LOG_NOTICE, "socks %s: removed from the "
				"configuration: deleting it", d.name);
			failed += run(nl, &d, "cannot delete it") < 0;
		}
	}
	for (i = 0; i < c->n_socks; i++)
		failed += apply_one(nl, &c->socks[i],
				    find_kernel(&kernel, c->socks[i].name));
	socks_list_free(&kernel);
	return failed;
}
