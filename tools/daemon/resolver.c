// SPDX-License-Identifier: GPL-2.0
/* tlsgwd's SOCKS5 name resolver; see resolver.h. */
#define _GNU_SOURCE
#include "resolver.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "log.h"

/* The cache ---------------------------------------------------------------- */

struct rentry {
	char name[RESOLVER_NAME_MAX + 1];
	struct resolver_answer ans;
	uint64_t expires;		/* ms */
	int hnext;			/* next in the hash bucket, -1: end */
	int prev, next;			/* LRU list (prev: more recent) */
};

struct rcache {
	unsigned int cap, count;
	uint64_t ttl_ms, neg_ttl_ms;
	struct rentry *e;
	int *bucket;			/* nbuckets heads, -1: empty */
	unsigned int nbuckets;		/* a power of two */
	int head, tail;			/* most and least recently used */
	int free;			/* free list through hnext */
};

/* FNV-1a over the lower-cased name: DNS names ignore case. */
static unsigned int hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		h ^= (c >= 'A' && c <= 'Z') ? c + 32 : c;
		h *= 16777619u;
	}
	return h;
}

struct rcache *rcache_new(unsigned int capacity, unsigned int ttl_s,
			  unsigned int neg_ttl_s)
{
	struct rcache *c = calloc(1, sizeof(*c));
	unsigned int i;

	if (!c)
		return NULL;
	c->cap = capacity;
	c->ttl_ms = 1000ULL * ttl_s;
	c->neg_ttl_ms = 1000ULL * (neg_ttl_s < ttl_s ? neg_ttl_s : ttl_s);
	c->head = c->tail = -1;
	c->free = -1;
	for (c->nbuckets = 1; c->nbuckets < 2 * capacity; c->nbuckets *= 2)
		;
	c->bucket = malloc(c->nbuckets * sizeof(*c->bucket));
	c->e = calloc(capacity ? capacity : 1, sizeof(*c->e));
	if (!c->bucket || !c->e) {
		rcache_free(c);
		return NULL;
	}
	for (i = 0; i < c->nbuckets; i++)
		c->bucket[i] = -1;
	for (i = capacity; i > 0; i--) {
		c->e[i - 1].hnext = c->free;
		c->free = (int)i - 1;
	}
	return c;
}

void rcache_free(struct rcache *c)
{
	if (!c)
		return;
	free(c->bucket);
	free(c->e);
	free(c);
}

unsigned int rcache_count(const struct rcache *c)
{
	return c->count;
}

static int *slot_of(struct rcache *c, const char *name)
{
	return &c->bucket[hash(name) & (c->nbuckets - 1)];
}

static int find(struct rcache *c, const char *name)
{
	int i;

	for (i = *slot_of(c, name); i >= 0; i = c->e[i].hnext)
		if (!strcasecmp(c->e[i].name, name))
			return i;
	return -1;
}

static void lru_unlink(struct rcache *c, int i)
{
	struct rentry *e = &c->e[i];

	if (e->prev >= 0)
		c->e[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next >= 0)
		c->e[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void lru_front(struct rcache *c, int i)
{
	struct rentry *e = &c->e[i];

	e->prev = -1;
	e->next = c->head;
	if (c->head >= 0)
		c->e[c->head].prev = i;
	c->head = i;
	if (c->tail < 0)
		c->tail = i;
}

static void remove_entry(struct rcache *c, int i)
{
	int *p = slot_of(c, c->e[i].name);

	while (*p != i)
		p = &c->e[*p].hnext;
	*p = c->e[i].hnext;
	lru_unlink(c, i);
	c->e[i].hnext = c->free;
	c->free = i;
	c->count--;
}

bool rcache_get(struct rcache *c, const char *name, uint64_t now_ms,
		struct resolver_answer *a)
{
	int i = c->cap ? find(c, name) : -1;

	if (i < 0)
		return false;
	if (c->e[i].expires <= now_ms) {
		remove_entry(c, i);
		return false;
	}
	lru_unlink(c, i);
	lru_front(c, i);
	*a = c->e[i].ans;
	return true;
}

void rcache_put(struct rcache *c, const char *name,
		const struct resolver_answer *a, uint64_t now_ms)
{
	int i;

	if (!c->cap || strlen(name) > RESOLVER_NAME_MAX)
		return;
	i = find(c, name);
	if (i >= 0) {
		lru_unlink(c, i);
	} else {
		int *slot;

		if (c->free < 0)
			remove_entry(c, c->tail);
		i = c->free;
		c->free = c->e[i].hnext;
		snprintf(c->e[i].name, sizeof(c->e[i].name), "%s", name);
		slot = slot_of(c, name);
		c->e[i].hnext = *slot;
		*slot = i;
		c->count++;
	}
	c->e[i].ans = *a;
	c->e[i].expires = now_ms + (a->error ? c->neg_ttl_ms : c->ttl_ms);
	lru_front(c, i);
}

/* Encoding ----------------------------------------------------------------- */

void resolver_answer_from_ai(int gai_err, const struct addrinfo *res,
			     struct resolver_answer *a)
{
	const struct addrinfo *ai;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (gai_err) {
		a->error = gai_err == EAI_NONAME || gai_err == EAI_NODATA ?
			   TLSGW_RESOLVE_NXDOMAIN : TLSGW_RESOLVE_TEMPFAIL;
		return;
	}
	for (ai = res; ai && a->n < TLSGW_RESOLVE_ADDRS_MAX; ai = ai->ai_next) {
		const void *p;
		uint8_t len;

		if (ai->ai_family == AF_INET &&
		    ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
			p = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
			len = 4;
		} else if (ai->ai_family == AF_INET6 &&
			   ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
			p = &((const struct sockaddr_in6 *)
			      ai->ai_addr)->sin6_addr;
			len = 16;
		} else {
			continue;
		}
		for (i = 0; i < a->n; i++)
			if (a->len[i] == len && !memcmp(a->addr[i], p, len))
				break;
		if (i < a->n)
			continue;	/* one per socket type: once is enough */
		a->len[a->n] = len;
		memcpy(a->addr[a->n++], p, len);
	}
	if (!a->n)
		a->error = TLSGW_RESOLVE_TEMPFAIL;
}

int resolver_put_answer(struct nl_msg *msg, uint64_t id,
			const struct resolver_answer *a)
{
	struct nlattr *nest = nla_nest_start(msg, TLSGW_A_RESOLVE);
	unsigned int i;

	if (!nest || nla_put_u64(msg, TLSGW_RESOLVE_A_ID, id))
		return -1;
	if (a->error || !a->n) {
		if (nla_put_u32(msg, TLSGW_RESOLVE_A_ERROR,
				a->error ? a->error : TLSGW_RESOLVE_TEMPFAIL))
			return -1;
	}
	for (i = 0; !a->error && i < a->n; i++)
		if (nla_put(msg, TLSGW_RESOLVE_A_ADDR, a->len[i], a->addr[i]))
			return -1;
	nla_nest_end(msg, nest);
	return 0;
}

int resolver_parse_upcall(struct nlmsghdr *nlh, uint64_t *id, char *name,
			  size_t size)
{
	struct nlattr *tb[TLSGW_A_MAX + 1], *rb[TLSGW_RESOLVE_A_MAX + 1];
	const struct nlattr *n;
	size_t len;

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != TLSGW_CMD_SOCKS_RESOLVE ||
	    genlmsg_parse(nlh, 0, tb, TLSGW_A_MAX, NULL) < 0 ||
	    !tb[TLSGW_A_RESOLVE] ||
	    nla_parse_nested(rb, TLSGW_RESOLVE_A_MAX, tb[TLSGW_A_RESOLVE],
			     NULL) < 0)
		return -1;
	n = rb[TLSGW_RESOLVE_A_NAME];
	if (!rb[TLSGW_RESOLVE_A_ID] ||
	    nla_len(rb[TLSGW_RESOLVE_A_ID]) != sizeof(uint64_t) || !n ||
	    nla_len(n) < 2)
		return -1;
	len = strnlen(nla_data(n), (size_t)nla_len(n));
	if (len == 0 || len == (size_t)nla_len(n) || len > RESOLVER_NAME_MAX ||
	    len >= size)
		return -1;
	memcpy(name, nla_data(n), len + 1);
	*id = nla_get_u64(rb[TLSGW_RESOLVE_A_ID]);
	return 0;
}

/* The running resolver ----------------------------------------------------- */

struct job {
	uint64_t id;
	char name[RESOLVER_NAME_MAX + 1];
};

static struct {
	bool running;
	bool eopnotsupp_logged;
	struct tnl nl;			/* nl.sk NULL: fd is the caller's */
	int fd;
	int family;
	int stopfd;			/* eventfd waking the reader */
	pthread_t reader;
	pthread_t *workers;
	unsigned int n_workers;
	struct resolver_conf conf;

	pthread_mutex_t lock;		/* queue, cache, stop */
	pthread_cond_t more;
	struct job queue[RESOLVER_QUEUE_MAX];
	unsigned int q_head, q_len;
	struct rcache *cache;
	bool stop;

	pthread_mutex_t send_lock;	/* the socket's sends and seq */
	uint32_t seq;
	uint32_t reg_seq;		/* of the last REGISTER sent */
} r = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.more = PTHREAD_COND_INITIALIZER,
	.send_lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
	.stopfd = -1,
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* For debug logs: the name with control bytes replaced. */
static const char *printable(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++)
		buf[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ?
			 '?' : name[i];
	buf[i] = '\0';
	return buf;
}

/*
 * Sends a SOCKS_RESOLVE request on the resolver socket: an answer (a) or
 * a registration (a NULL). Answers go without NLM_F_ACK: the kernel
 * reports only failures, which the reader logs. The raw send() bypasses
 * libnl's nl_complete_msg(), so NLM_F_REQUEST is set here: the kernel
 * acks a message without it (error 0) and never processes it.
 */
static int send_msg(uint64_t id, const struct resolver_answer *a)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	ssize_t n;
	int rc = -1;

	if (!msg)
		return -1;
	pthread_mutex_lock(&r.send_lock);
	if (!genlmsg_put(msg, 0, ++r.seq, r.family, 0,
			 NLM_F_REQUEST | (a ? 0 : NLM_F_ACK),
			 TLSGW_CMD_SOCKS_RESOLVE,
			 TLSGW_GENL_VERSION))
		goto out;
	if (a) {
		if (resolver_put_answer(msg, id, a) < 0)
			goto out;
	} else {
		nest = nla_nest_start(msg, TLSGW_A_RESOLVE);
		if (!nest || nla_put_u32(msg, TLSGW_RESOLVE_A_FLAGS,
					 TLSGW_RESOLVE_F_REGISTER))
			goto out;
		nla_nest_end(msg, nest);
		r.reg_seq = r.seq;
	}
	nlh = nlmsg_hdr(msg);
	do
		n = send(r.fd, nlh, nlh->nlmsg_len, 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)nlh->nlmsg_len)
		rc = 0;
	else
		log_msg(LOG_WARNING, "resolver: cannot send %s: %s",
			a ? "an answer" : "the registration",
			n < 0 ? strerror(errno) : "short write");
out:
	pthread_mutex_unlock(&r.send_lock);
	nlmsg_free(msg);
	return rc;
}

static void answer(uint64_t id, const char *name,
		   const struct resolver_answer *a, const char *how)
{
	char buf[RESOLVER_NAME_MAX + 1];

	log_msg(LOG_DEBUG, "resolver: id %llu %s: %s%s (%u address(es))",
		(unsigned long long)id, printable(name, buf, sizeof(buf)),
		a->error == TLSGW_RESOLVE_NXDOMAIN ? "nxdomain" :
		a->error ? "tempfail" : "ok", how, a->n);
	send_msg(id, a);
}

static void *worker(void *arg)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM };

	(void)arg;
	pthread_mutex_lock(&r.lock);
	for (;;) {
		struct resolver_answer a;
		struct addrinfo *res = NULL;
		struct job job;
		int err;

		while (!r.stop && !r.q_len)
			pthread_cond_wait(&r.more, &r.lock);
		if (r.stop)
			break;
		job = r.queue[r.q_head];
		r.q_head = (r.q_head + 1) % RESOLVER_QUEUE_MAX;
		r.q_len--;
		pthread_mutex_unlock(&r.lock);

		err = getaddrinfo(job.name, NULL, &hints, &res);
		resolver_answer_from_ai(err, res, &a);
		if (res)
			freeaddrinfo(res);

		pthread_mutex_lock(&r.lock);
		if (r.cache)
			rcache_put(r.cache, job.name, &a, now_ms());
		pthread_mutex_unlock(&r.lock);
		answer(job.id, job.name, &a, "");
		pthread_mutex_lock(&r.lock);
	}
	pthread_mutex_unlock(&r.lock);
	return NULL;
}

static void on_upcall(struct nlmsghdr *nlh)
{
	static const struct resolver_answer busy = {
		.error = TLSGW_RESOLVE_TEMPFAIL,
	};
	struct resolver_answer a;
	struct job job;
	bool hit = false, full = false;

	if (resolver_parse_upcall(nlh, &job.id, job.name,
				  sizeof(job.name)) < 0) {
		log_msg(LOG_WARNING, "resolver: ignoring a malformed request "
			"from the kernel");
		return;
	}
	pthread_mutex_lock(&r.lock);
	if (r.cache && rcache_get(r.cache, job.name, now_ms(), &a)) {
		hit = true;
	} else if (r.q_len == RESOLVER_QUEUE_MAX) {
		full = true;
	} else {
		r.queue[(r.q_head + r.q_len) % RESOLVER_QUEUE_MAX] = job;
		r.q_len++;
		pthread_cond_signal(&r.more);
	}
	pthread_mutex_unlock(&r.lock);
	if (hit)
		answer(job.id, job.name, &a, " (cached)");
	else if (full)
		answer(job.id, job.name, &busy, " (queue full)");
}

/* The extack message of an NLMSG_ERROR (NETLINK_EXT_ACK is on). */
static void parse_ack_msg(const struct nlmsghdr *nlh, char *buf, size_t size)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (e->msg.nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len <= off ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      (int)(nlh->nlmsg_len - off), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], size);
}

/* An NLMSG_ERROR: the outcome of a registration, or a refused answer. */
static void on_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	char msg[256];
	uint32_t reg;
	int err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return;
	err = e->error < 0 ? -e->error : e->error;
	pthread_mutex_lock(&r.send_lock);
	reg = r.reg_seq;
	pthread_mutex_unlock(&r.send_lock);
	parse_ack_msg(nlh, msg, sizeof(msg));
	if (nlh->nlmsg_seq == reg) {
		if (!err)
			log_msg(LOG_INFO, "resolver: registered again");
		else if (err == EOPNOTSUPP)
			log_msg(LOG_NOTICE, "resolver: the tlsgw module no "
				"longer supports SOCKS5");
		else
			log_msg(LOG_ERR, "resolver: registration failed: "
				"kernel said: %s%s%s", strerror(err),
				msg[0] ? ": " : "", msg);
	} else if (err == ENOENT) {
		log_msg(LOG_DEBUG, "resolver: an answer came too late (the "
			"request had expired)");
	} else if (err) {
		log_msg(LOG_WARNING, "resolver: answer refused: kernel said: "
			"%s%s%s", strerror(err), msg[0] ? ": " : "", msg);
	}
}

static void *reader(void *arg)
{
	struct pollfd p[2] = { { .fd = r.fd, .events = POLLIN },
			       { .fd = r.stopfd, .events = POLLIN } };
	static char buf[65536];

	(void)arg;
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "resolver: poll: %s", strerror(errno));
			return NULL;
		}
		if (p[1].revents)
			return NULL;
		n = recv(r.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				log_msg(LOG_WARNING, "resolver: requests lost "
					"(receive buffer overrun)");
				continue;
			}
			log_msg(LOG_ERR, "resolver: recv: %s", strerror(errno));
			return NULL;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				on_error(nlh);
			else if (nlh->nlmsg_type == r.family)
				on_upcall(nlh);
		}
	}
}

static void stop_threads(void)
{
	unsigned int i;
	uint64_t one = 1;

	pthread_mutex_lock(&r.lock);
	r.stop = true;
	pthread_cond_broadcast(&r.more);
	pthread_mutex_unlock(&r.lock);
	if (write(r.stopfd, &one, sizeof(one)) < 0)
		log_msg(LOG_WARNING, "resolver: eventfd: %s", strerror(errno));
	pthread_join(r.reader, NULL);
	for (i = 0; i < r.n_workers; i++)
		pthread_join(r.workers[i], NULL);
}

static void close_all(void)
{
	if (r.nl.sk)
		tnl_close(&r.nl);
	if (r.stopfd >= 0)
		close(r.stopfd);
	free(r.workers);
	rcache_free(r.cache);
	r.workers = NULL;
	r.cache = NULL;
	r.n_workers = 0;
	r.fd = r.stopfd = -1;
	r.q_head = r.q_len = 0;
	r.stop = false;
}

/*
 * Registers, before the threads run, and waits for the kernel's ack: 0,
 * 1 if the module has no SOCKS5, -1. Upcalls may arrive before the ack:
 * they are queued for the workers as usual. (Raw recv(): libnl's
 * sequence checks would take an upcall for a broken reply.)
 */
static int register_sync(void)
{
	struct pollfd p = { .fd = r.fd, .events = POLLIN };
	static char buf[65536];
	int waited = 0;

	if (send_msg(0, NULL) < 0)
		return -1;
	while (waited < 10000) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len, rc = poll(&p, 1, 100);

		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0) {
			waited += 100;
			continue;
		}
		n = recv(r.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			break;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = nlmsg_data(nlh);
			int err;

			if (nlh->nlmsg_type == r.family) {
				on_upcall(nlh);
				continue;
			}
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_seq != r.reg_seq ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
				continue;
			err = e->error < 0 ? -e->error : e->error;
			if (err == EOPNOTSUPP)
				return 1;
			if (err) {
				char msg[256];

				parse_ack_msg(nlh, msg, sizeof(msg));
				log_msg(LOG_ERR, "resolver: cannot register "
					"with the kernel: kernel said: %s%s%s",
					strerror(err), msg[0] ? ": " : "", msg);
				return -1;
			}
			return 0;
		}
	}
	log_msg(LOG_ERR, "resolver: no answer to the registration: %s",
		waited >= 10000 ? "timed out" : strerror(errno));
	return -1;
}

/* With r.fd registered: the cache, the queue and the threads. */
static int start_threads(const struct resolver_conf *conf)
{
	unsigned int i;

	for (i = 0; i < conf->threads; i++) {
		if (pthread_create(&r.workers[i], NULL, worker, NULL))
			break;
		r.n_workers++;
	}
	if (!r.n_workers || pthread_create(&r.reader, NULL, reader, NULL)) {
		log_msg(LOG_ERR, "resolver: cannot start threads");
		pthread_mutex_lock(&r.lock);
		r.stop = true;
		pthread_cond_broadcast(&r.more);
		pthread_mutex_unlock(&r.lock);
		for (i = 0; i < r.n_workers; i++)
			pthread_join(r.workers[i], NULL);
		return -1;
	}
	r.running = true;
	return 0;
}

static int prepare(const struct resolver_conf *conf)
{
	r.conf = *conf;
	r.stopfd = eventfd(0, EFD_CLOEXEC);
	r.cache = rcache_new(conf->cache, conf->cache_ttl, RESOLVER_NEG_TTL);
	r.workers = calloc(conf->threads ? conf->threads : 1,
			   sizeof(*r.workers));
	if (r.stopfd < 0 || !r.cache || !r.workers) {
		log_msg(LOG_ERR, "resolver: out of resources");
		return -1;
	}
	return 0;
}

int resolver_start(const struct resolver_conf *conf)
{
	struct tnl_status st;
	int rc;

	if (r.running)
		return 0;
	if (tnl_open(&r.nl, &st) < 0) {
		log_msg(LOG_ERR, "resolver: cannot open a netlink socket:");
		tnl_report(&st);
		return -1;
	}
	r.fd = nl_socket_get_fd(r.nl.sk);
	r.family = r.nl.family;
	if (prepare(conf) < 0) {
		close_all();
		return -1;
	}
	/* Upcalls come in bursts: room for them while the workers are busy. */
	(void)nl_socket_set_buffer_size(r.nl.sk, 1 << 20, 0);
	rc = register_sync();
	if (rc) {
		if (rc > 0 && !r.eopnotsupp_logged)
			log_msg(LOG_NOTICE, "resolver: the tlsgw module has no "
				"SOCKS5 support: not resolving names");
		r.eopnotsupp_logged |= rc > 0;
		close_all();
		return rc > 0 ? 0 : -1;
	}
	if (start_threads(conf) < 0) {
		close_all();
		return -1;
	}
	log_msg(LOG_INFO, "resolver: registered: %u thread(s), cache of %u "
		"name(s) for %u s", r.n_workers, conf->cache, conf->cache_ttl);
	return 0;
}

int resolver_start_fd(int fd, int family, const struct resolver_conf *conf)
{
	if (r.running)
		return -1;
	r.fd = fd;
	r.family = family;
	if (prepare(conf) < 0 || start_threads(conf) < 0) {
		close_all();
		return -1;
	}
	return 0;
}

void resolver_reload(const struct resolver_conf *conf)
{
	if (!r.running) {
		resolver_start(conf);
		return;
	}
	if (conf->threads != r.conf.threads)
		log_msg(LOG_NOTICE, "resolver: resolver-threads = %u takes "
			"effect when tlsgwd is restarted (running %u)",
			conf->threads, r.n_workers);
	if (conf->cache != r.conf.cache ||
	    conf->cache_ttl != r.conf.cache_ttl) {
		struct rcache *c = rcache_new(conf->cache, conf->cache_ttl,
					      RESOLVER_NEG_TTL);

		if (c) {
			pthread_mutex_lock(&r.lock);
			rcache_free(r.cache);
			r.cache = c;
			pthread_mutex_unlock(&r.lock);
			r.conf.cache = conf->cache;
			r.conf.cache_ttl = conf->cache_ttl;
		} else {
			log_msg(LOG_ERR, "resolver: out of memory: keeping "
				"the old cache");
		}
	}
	/* The reader logs the kernel's answer. */
	send_msg(0, NULL);
}

void resolver_stop(void)
{
	if (!r.running)
		return;
	stop_threads();
	close_all();
	r.running = false;
}
