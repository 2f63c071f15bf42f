/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSGW_STARTTLS_FLOW_H
#define _TLSGW_STARTTLS_FLOW_H

#include <linux/in6.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "starttls/proto.h"

struct tlsgw_net;
struct tlsgw_stls_policy;

/**
 * struct tlsgw_stls_chunk - a kept copy of a segment beyond a hole
 * @node: on flow->ooo_q, in arrival order; under flow->lock
 * @seq: sequence number of its first byte
 * @len: length of @data
 * @dir: enum stls_dir
 * @fin: the segment carried a FIN
 * @data: the segment's payload
 *
 * A segment that came beyond a hole and was let through (the receiver
 * keeps it and acknowledges it selectively, so a loss costs a fast
 * retransmission, not a timeout): parsed once the hole is filled. None
 * overlaps another of its direction.
 */
struct tlsgw_stls_chunk {
	struct list_head node;
	u32 seq;
	u16 len;
	u8 dir;
	bool fin;
	u8 data[];
};

/**
 * struct tlsgw_stls_key - both ends of a TCP connection
 * @client: the client's address (IPv4 in the first 4 bytes)
 * @server: the server's address (IPv4 in the first 4 bytes)
 * @cport: the client's port
 * @sport: the server's port
 * @family: AF_INET or AF_INET6
 *
 * As the client's SYN had them.
 */
struct tlsgw_stls_key {
	struct in6_addr client, server;
	__be16 cport, sport;
	u8 family;
};

/**
 * struct tlsgw_stls_flow - a followed TCP connection
 * @node: in a bucket of the table; under table->lock, read under RCU
 * @syn_node: on table->syns; under table->lock
 * @rcu: frees the flow after a grace period
 * @key: the connection, oriented client -> server; constant
 * @id: the flow's id; constant
 * @pol: the policy that owns the flow, one reference held; constant
 * @created: jiffies at creation; constant
 * @isn: the client's SYN's sequence number; constant
 * @lock: guards the members below it (BH-safe: the hooks run in softirq
 *	and, for LOCAL_OUT, in process context)
 * @unhashed: the flow left the table; set under both table->lock and
 *	@lock
 * @state: enum tlsgw_starttls_state
 * @fin: bit per direction that sent FIN
 * @seq_valid: bit per direction whose ISN we know
 * @lost: could not follow: no more parsing (reset if @pol fails closed)
 * @ooo: out-of-order segments dropped
 * @ooo_n: chunks on @ooo_q
 * @ooo_bytes: their bytes
 * @ooo_q: struct tlsgw_stls_chunk list
 * @pending: @pending_isn is set
 * @pending_isn: a new SYN on this 4-tuple
 * @next_seq: next in-order byte, per enum stls_dir
 * @max_win: largest window each side advertised
 * @wscale: window scale in each SYN, -1: none
 * @pending_wscale: of the SYN that set @pending_isn
 * @findings: 1 << enum tlsgw_starttls_finding
 * @last_seen: jiffies of the last packet
 * @parser: the protocol parser's state
 *
 * Created by the hook on the client's SYN when a policy matches; the
 * client is whoever sent that SYN, the flow's direction STLS_C2S.
 *
 * Lifetime and locking: linked in a bucket of its namespace's table
 * under table->lock; the hooks find it under RCU (they run inside
 * rcu_read_lock) and freeing waits for a grace period, so a looked-up
 * flow stays valid until the reader leaves its RCU section. Since
 * @unhashed is set under both locks when the flow leaves the table, a
 * reader that sees it false under @lock may still update the flow.
 *
 * A new connection on the same 4-tuple (a client port reused, by the same
 * host or, behind CGNAT, another one) starts with a SYN whose sequence
 * number differs from isn: it is remembered in pending_isn, and when the
 * server's SYN-ACK acknowledges it, the flow is replaced by a new one
 * (tlsgw_stls_flow_replace()). A spoofed SYN alone replaces nothing.
 */
struct tlsgw_stls_flow {
	struct hlist_node node;
	struct list_head syn_node;
	struct rcu_head rcu;
	struct tlsgw_stls_key key;
	u64 id;
	struct tlsgw_stls_policy *pol;
	unsigned long created;
	u32 isn;

	spinlock_t lock;		/* see the member doc */
	bool unhashed;
	u8 state;
	u8 fin;
	u8 seq_valid;
	bool lost;
	u8 ooo;
	u8 ooo_n;
	u16 ooo_bytes;
	struct list_head ooo_q;
	bool pending;
	u32 pending_isn;
	u32 next_seq[2];
	u32 max_win[2];
	s8 wscale[2];
	s8 pending_wscale;
	u32 findings;
	unsigned long last_seen;
	struct stls_flow parser;
};

#define TLSGW_STLS_BUCKETS	1024

/**
 * struct tlsgw_stls_table - the STARTTLS flows of one namespace
 * @tn: the namespace; constant
 * @lock: guards @buckets, @syns, @n_flows and @dying (BH-safe)
 * @buckets: hash table of struct tlsgw_stls_flow; read under RCU
 * @syns: flows begun by a SYN, oldest first
 * @n_flows: flows in the table; written under @lock with WRITE_ONCE(),
 *	read with READ_ONCE()
 * @dying: no new flows
 * @next_id: id of the next flow (atomic)
 * @ooo_bytes: bytes of all flows' chunks (atomic)
 * @gc: the collector
 *
 * n_flows is bounded by the module parameter
 * starttls_max_flows; when full, a new SYN evicts the oldest flow that
 * never got its SYN-ACK, or is not followed (both counted as
 * STARTTLS_FLOWS_DROPPED). The collector (gc, every second while there
 * are flows) removes flows that closed a few seconds ago, SYNs that got
 * no SYN-ACK (in 30 s, 5 s when the table is over 3/4 full) and flows
 * that idled for starttls_idle_timeout seconds (STARTTLS_FLOWS_EXPIRED).
 */
struct tlsgw_stls_table {
	struct tlsgw_net *tn;
	spinlock_t lock;		/* see the member doc */
	struct hlist_head buckets[TLSGW_STLS_BUCKETS];
	struct list_head syns;
	unsigned int n_flows;
	bool dying;
	atomic64_t next_id;
	atomic_t ooo_bytes;
	struct delayed_work gc;
};

void tlsgw_stls_ooo_free(struct tlsgw_stls_table *t,
			 struct tlsgw_stls_flow *f);

int tlsgw_stls_table_init(struct tlsgw_net *tn);
void tlsgw_stls_table_shutdown(struct tlsgw_net *tn);
void tlsgw_stls_table_flush(struct tlsgw_net *tn);
void tlsgw_stls_table_revive(struct tlsgw_net *tn);

struct tlsgw_stls_flow *tlsgw_stls_flow_lookup(struct tlsgw_net *tn,
					       const struct tlsgw_stls_key *k,
					       enum stls_dir *dir);

/**
 * struct tlsgw_stls_syns - the SYN and SYN-ACK that open a connection
 * @isn: the SYN's sequence number
 * @s2c_isn: the SYN-ACK's sequence number
 * @wscale: the SYN's window scale option, -1: none
 * @s2c_wscale: the SYN-ACK's window scale option, -1: none
 * @win: the SYN's window (never scaled)
 * @s2c_win: the SYN-ACK's window (never scaled)
 */
struct tlsgw_stls_syns {
	u32 isn, s2c_isn;
	s8 wscale, s2c_wscale;
	u16 win, s2c_win;
};

int tlsgw_stls_flow_create(struct tlsgw_net *tn,
			   const struct tlsgw_stls_key *k,
			   const struct tlsgw_stls_syns *syns,
			   struct tlsgw_stls_policy *pol);

void tlsgw_stls_flow_replace(struct tlsgw_net *tn, struct tlsgw_stls_flow *old,
			     const struct tlsgw_stls_syns *syns);
unsigned int tlsgw_stls_flow_count(struct tlsgw_net *tn,
				   const struct tlsgw_stls_policy *pol);

int tlsgw_stls_flow_module_init(void);
void tlsgw_stls_flow_module_exit(void);

#endif /* _TLSGW_STARTTLS_FLOW_H */
