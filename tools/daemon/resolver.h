/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlsgwd's name resolver for the kernel's SOCKS5 services
 * (TLSGW_CMD_SOCKS_RESOLVE).
 *
 * tlsgwd registers a dedicated generic netlink socket as the namespace's
 * resolver; the kernel sends it one TLSGW_CMD_SOCKS_RESOLVE message (ID,
 * NAME) per DOMAINNAME request and waits for the answer (ID and up to
 * TLSGW_RESOLVE_ADDRS_MAX addresses, or an error).
 *
 * Nothing here runs in tlsgwd's TLS event loop. A reader thread receives
 * the upcalls, answers from the cache at once, and queues the rest for a
 * small fixed pool of worker threads, each blocking in getaddrinfo() in
 * turn; a full queue is answered TEMPFAIL at once, so the kernel never
 * waits on a request nobody will serve. Answers are kept in a bounded
 * LRU cache (positive answers for resolver-cache-ttl, failures at most
 * RESOLVER_NEG_TTL seconds). Names appear in the log at debug level only.
 *
 * The cache and the message encoding are separate from the threads so
 * that the unit tests can drive them.
 */
#ifndef TLSGW_RESOLVER_H
#define TLSGW_RESOLVER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/tlsgw.h>
#include <netdb.h>
#include <netlink/msg.h>

#define RESOLVER_NAME_MAX	255	/* bytes of a name, as SOCKS5 allows */
#define RESOLVER_NEG_TTL	5	/* seconds a failure is cached, at most */
#define RESOLVER_QUEUE_MAX	256	/* names waiting for a worker */

/* One answer: error, or n addresses of 4 or 16 bytes, in order. */
struct resolver_answer {
	uint32_t error;			/* enum tlsgw_resolve_error */
	unsigned int n;
	uint8_t len[TLSGW_RESOLVE_ADDRS_MAX];
	uint8_t addr[TLSGW_RESOLVE_ADDRS_MAX][16];
};

/* The cache: not locked, the caller serialises. ---------------------------- */

struct rcache;

/* capacity 0: a cache that keeps nothing. NULL on ENOMEM. */
struct rcache *rcache_new(unsigned int capacity, unsigned int ttl_s,
			  unsigned int neg_ttl_s);
void rcache_free(struct rcache *c);

/* A live answer for name (case-insensitive) at now_ms, made most recent. */
bool rcache_get(struct rcache *c, const char *name, uint64_t now_ms,
		struct resolver_answer *a);

/* Stores or replaces; when full the least recently used entry goes. */
void rcache_put(struct rcache *c, const char *name,
		const struct resolver_answer *a, uint64_t now_ms);

unsigned int rcache_count(const struct rcache *c);

/* Encoding --------------------------------------------------------------- */

/*
 * The answer for a getaddrinfo() result: gai_err 0 with res, the
 * addresses in its order, duplicates dropped, at most
 * TLSGW_RESOLVE_ADDRS_MAX; EAI_NONAME and EAI_NODATA are NXDOMAIN, any
 * other failure (and an empty result) TEMPFAIL.
 */
void resolver_answer_from_ai(int gai_err, const struct addrinfo *res,
			     struct resolver_answer *a);

/* Adds TLSGW_A_RESOLVE with ID and the answer to msg: 0 or -1. */
int resolver_put_answer(struct nl_msg *msg, uint64_t id,
			const struct resolver_answer *a);

/*
 * Parses a kernel upcall (a whole message: nlmsghdr, genl header,
 * attributes): 0 with id and name (NUL-terminated, 1 to
 * RESOLVER_NAME_MAX bytes), -1 if it is not a well-formed
 * TLSGW_CMD_SOCKS_RESOLVE request.
 */
int resolver_parse_upcall(struct nlmsghdr *nlh, uint64_t *id, char *name,
			  size_t size);

/* The running resolver (tlsgwd only) ------------------------------------- */

struct resolver_conf {
	unsigned int cache;		/* names */
	unsigned int cache_ttl;		/* seconds */
	unsigned int threads;
};

/*
 * Opens the socket, registers it and starts the threads. A module
 * without SOCKS5 (EOPNOTSUPP) is logged once and is not an error: the
 * resolver just does not run. Returns 0 (running or not), -1 on failure
 * (logged).
 */
int resolver_start(const struct resolver_conf *conf);

/*
 * After a SIGHUP: registers again (a module reloaded since has
 * forgotten us), applies new cache settings (the cache is emptied if
 * they changed), or starts the resolver if it was not running.
 */
void resolver_reload(const struct resolver_conf *conf);

/* Stops the threads (waiting for lookups in progress) and closes. */
void resolver_stop(void);

/*
 * For the unit tests: runs the threads on fd (a socket the caller owns
 * and closes, messages of type family are upcalls), with no registration.
 */
int resolver_start_fd(int fd, int family, const struct resolver_conf *conf);

#endif /* TLSGW_RESOLVER_H */
