// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter side of STARTTLS policing: follow the TCP flows that policies
 * select, feed their in-order payload to the protocol parsers, report the
 * findings and enforce the policies.
 *
 * Where: FORWARD (routed traffic), LOCAL_IN (to this host) and LOCAL_OUT
 * (from this host), IPv4 and IPv6, registered in a namespace only while
 * it has a policy. A packet takes exactly one of FORWARD, LOCAL_IN and
 * LOCAL_OUT, except on loopback, where LOCAL_OUT saw it already: LOCAL_IN
 * skips packets that came in on a loopback device.
 *
 * In-order payload only: a flow is followed from the client's SYN; the
 * SYN and the SYN-ACK give each direction's next expected sequence number.
 * Data in the client's SYN (TCP Fast Open) is its first bytes. IP
 * fragments are reassembled before the hooks (see
 * tlsgw_stls_hooks_register()).
 * A segment that starts beyond it (out of order) passes with a copy kept
 * for when the hole is filled (tlsgw_stls_out_of_order()), or, if it
 * cannot be kept, is dropped: the receiver would keep it and it would
 * never come by again; the sender retransmits it after the hole.
 * A segment that starts before it (retransmission, or repacketized
 * overlap) has its already-seen bytes trimmed and only its new bytes are
 * parsed. So the parser sees every
 * byte of each direction exactly once, in order, whatever the segmenting.
 * Once TLS started, SMTP, POP3 and IMAP flows are no longer parsed (only
 * FIN/RST tracked). FTP flows are: the parser walks the TLS records of the
 * control connection to see it go back to cleartext (RFC 4217 CCC), so
 * in-order tracking goes on for the control connection's whole life (the
 * data connections are separate flows, on other ports, never tracked).
 *
 * Enforcement (a finding that the flow's policy blocks): the segment that
 * carries it never reaches its receiver. Its sender gets a RST
 * (nf_send_reset(), as the REJECT target sends one: the sequence number is
 * the segment's acknowledgment), and the segment itself is turned into a
 * bare RST for the receiver, with the sequence number the receiver
 * expects next (our next_seq, so it passes RFC 5961's exact-match check).
 * The flow then stays BLOCKED for a few seconds, dropping whatever else
 * either side sends, so no retransmission of the offending bytes gets
 * through.
 *
 * Fall-backs: a connection the policy selects but no flow follows (table
 * full, given up on after TLSGW_STLS_OOO_MAX segments beyond a hole,
 * forgotten while idle, opened before the policy) passes, or, if the
 * policy fails closed, is dropped (its SYN) or reset (anything else).
 * The uapi header has the details.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/tcp.h>

#include "core/netlink.h"
#include "core/pernet.h"
#include "starttls/flow.h"
#include "starttls/hook.h"
#include "starttls/policy.h"

/* The least window a RST is accepted in (see tlsgw_stls_rst_ok()). */
#define TLSGW_STLS_RST_WIN	65535u

/* Out-of-order segments dropped in a row before a flow is given up. */
#define TLSGW_STLS_OOO_MAX	64
/* Segments beyond a hole a flow keeps a copy of (see tlsgw_stls_keep()). */
#define TLSGW_STLS_OOO_CHUNKS	16

static unsigned int starttls_ooo_bytes = 16384;
module_param(starttls_ooo_bytes, uint, 0644);
MODULE_PARM_DESC(starttls_ooo_bytes,
		 "bytes beyond a hole a STARTTLS flow copies and lets through (default 16384, at most 65535; 0: drops them)");

static unsigned int starttls_ooo_total = 4 << 20;
module_param(starttls_ooo_total, uint, 0644);
MODULE_PARM_DESC(starttls_ooo_total,
		 "bytes beyond holes all STARTTLS flows of a namespace may copy (default 4194304)");

/**
 * struct tlsgw_stls_pkt - what the hook parses once per packet
 * @key: the connection, oriented like the packet
 * @thoff: offset of the TCP header
 * @off: offset of the payload
 * @len: payload bytes
 * @seq: the sequence number
 * @ack_seq: the acknowledgment number
 * @window: the window as sent: not scaled
 * @wscale: SYN: window scale option, -1: none
 * @syn: the SYN flag
 * @ack: the ACK flag
 * @fin: the FIN flag
 * @rst: the RST flag
 */
struct tlsgw_stls_pkt {
	struct tlsgw_stls_key key;
	unsigned int thoff;
	unsigned int off;
	unsigned int len;
	u32 seq, ack_seq;
	u16 window;
	s8 wscale;
	bool syn, ack, fin, rst;
};

/* A SYN's window scale option (RFC 7323), or -1. */
static int tlsgw_stls_wscale(struct sk_buff *skb, unsigned int thoff,
			     unsigned int optlen)
{
	u8 _opt[MAX_TCP_OPTION_SPACE];
	unsigned int i = 0;
	const u8 *opt;

	opt = skb_header_pointer(skb, thoff + sizeof(struct tcphdr), optlen,
				 _opt);
	if (!opt)
		return -1;
	while (i < optlen) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || opt[i + 1] < 2)
			break;
		if (opt[i] == TCPOPT_WINDOW && opt[i + 1] == TCPOLEN_WINDOW &&
		    i + TCPOLEN_WINDOW <= optlen)
			return min_t(int, opt[i + 2], TCP_MAX_WSCALE);
		i += opt[i + 1];
	}
	return -1;
}

static int tlsgw_stls_parse_v4(struct sk_buff *skb, struct tlsgw_stls_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
		return -EINVAL;
	p->key.family = AF_INET;
	memcpy(&p->key.client, &iph->saddr, 4);
	memcpy(&p->key.server, &iph->daddr, 4);
	p->thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	return 0;
}

static int tlsgw_stls_parse_v6(struct sk_buff *skb, struct tlsgw_stls_pkt *p)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned short fragoff = 0;
	int thoff = 0;

	if (ipv6_find_hdr(skb, &thoff, IPPROTO_TCP, &fragoff, NULL) !=
	    IPPROTO_TCP || fragoff)
		return -EINVAL;
	p->key.family = AF_INET6;
	p->key.client = ip6h->saddr;
	p->key.server = ip6h->daddr;
	p->thoff = thoff;
	return 0;
}

static int tlsgw_stls_parse(struct sk_buff *skb, u8 pf,
			    struct tlsgw_stls_pkt *p)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	int err;

	memset(p, 0, sizeof(*p));
	err = pf == NFPROTO_IPV4 ? tlsgw_stls_parse_v4(skb, p)
				 : tlsgw_stls_parse_v6(skb, p);
	if (err)
		return err;
	th = skb_header_pointer(skb, p->thoff, sizeof(_th), &_th);
	if (!th || th->doff * 4 < sizeof(*th) ||
	    p->thoff + th->doff * 4 > skb->len)
		return -EINVAL;
	p->key.cport = th->source;
	p->key.sport = th->dest;
	p->off = p->thoff + th->doff * 4;
	p->len = skb->len - p->off;
	p->seq = ntohl(th->seq);
	p->ack_seq = ntohl(th->ack_seq);
	p->window = ntohs(th->window);
	p->wscale = -1;
	if (th->syn && th->doff * 4 > sizeof(*th))
		p->wscale = tlsgw_stls_wscale(skb, p->thoff,
					      th->doff * 4 - sizeof(*th));
	p->syn = th->syn;
	p->ack = th->ack;
	p->fin = th->fin;
	p->rst = th->rst;
	return 0;
}

/* Findings that make a policy reset the flow. */
static unsigned int tlsgw_stls_block_mask(u8 mode)
{
	switch (mode) {
	case TLSGW_STARTTLS_BLOCK_CLEAR_AUTH:
		return STLS_EV_CLEAR_AUTH;
	case TLSGW_STARTTLS_REQUIRE_TLS:
		return STLS_EV_CLEAR_AUTH | STLS_EV_PRETLS_CMD |
		       STLS_EV_TLS_MISSING | STLS_EV_CCC;
	case TLSGW_STARTTLS_BLOCK_INJECTION:
		return STLS_EV_CMD_INJECTION | STLS_EV_RESP_INJECTION;
	}
	return 0;
}

/*
 * Feeds the new bytes of p (from skip on) to the parser; stops at the
 * first chunk with a finding that blocks. Caller holds f->lock.
 */
static unsigned int tlsgw_stls_feed(struct tlsgw_stls_flow *f,
				    enum stls_dir dir, struct sk_buff *skb,
				    const struct tlsgw_stls_pkt *p,
				    unsigned int skip, unsigned int block)
{
	unsigned int done, n, events = 0;
	struct stls_result res;
	u8 buf[256];
	const u8 *data;

	lockdep_assert_held(&f->lock);
	for (done = skip; done < p->len; done += n) {
		n = min_t(unsigned int, p->len - done, sizeof(buf));
		data = skb_header_pointer(skb, p->off + done, n, buf);
		if (!data)
			break;
		stls_feed(&f->parser, dir, data, n, &res);
		events |= res.events;
		if ((res.events & block) || stls_opaque(&f->parser))
			break;
	}
	return events;
}

/* The segment becomes a bare RST with sequence number seq. */
static int tlsgw_stls_make_rst(struct sk_buff *skb, u8 pf,
			       const struct tlsgw_stls_pkt *p, u32 seq)
{
	unsigned int tcplen = sizeof(struct tcphdr);
	struct tcphdr *th;
	bool ack;

	if (skb_ensure_writable(skb, p->thoff + tcplen) ||
	    pskb_trim(skb, p->thoff + tcplen))
		return -ENOMEM;
	skb_gso_reset(skb);
	th = (struct tcphdr *)(skb->data + p->thoff);
	ack = th->ack;
	tcp_flag_word(th) = TCP_FLAG_RST | (ack ? TCP_FLAG_ACK : 0);
	th->doff = tcplen / 4;
	th->seq = htonl(seq);
	th->window = 0;
	th->urg_ptr = 0;
	th->check = 0;
	if (pf == NFPROTO_IPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len - skb_network_offset(skb));
		ip_send_check(iph);
		th->check = tcp_v4_check(tcplen, iph->saddr, iph->daddr,
					 csum_partial(th, tcplen, 0));
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(skb->len - skb_network_offset(skb) -
					  sizeof(*ip6h));
		th->check = tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr,
					 csum_partial(th, tcplen, 0));
	}
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* The segment's sender gets a RST, as from the REJECT target. */
static void tlsgw_stls_reset_sender(struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	if (state->pf == NFPROTO_IPV4)
		nf_send_reset(state->net, state->sk, skb, state->hook);
	else
		nf_send_reset6(state->net, state->sk, skb, state->hook);
}

static unsigned int tlsgw_stls_block(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     const struct tlsgw_stls_pkt *p, u32 seq)
{
	tlsgw_stls_reset_sender(skb, state);
	return tlsgw_stls_make_rst(skb, state->pf, p, seq) ? NF_DROP
							    : NF_ACCEPT;
}

/**
 * struct tlsgw_stls_report - what the hook reports once it let go of a flow
 * @events: the parser's events (STLS_EV_*) of this packet
 * @blocking: the finding(s) that blocked
 * @lost: the flow was given up on
 * @reset: blocked without a finding: lost and failing closed, or a kept
 *	chunk that a retransmission contradicts
 * @rst_seq: with @blocking or @reset: the sequence number for the
 *	receiver's RST
 * @replace: a new connection on this 4-tuple
 * @syns: with @replace: its SYN and SYN-ACK
 *
 * Filled under flow->lock, acted on after it is released.
 */
struct tlsgw_stls_report {
	unsigned int events;
	unsigned int blocking;
	bool lost;
	bool reset;
	u32 rst_seq;
	bool replace;
	struct tlsgw_stls_syns syns;
};

static void tlsgw_stls_report(struct tlsgw_net *tn, struct tlsgw_stls_flow *f,
			      const struct tlsgw_stls_report *r)
{
	struct tlsgw_stls_event ev = {
		.policy = f->pol->name,
		.flow_id = f->id,
		.proto = f->pol->proto,
	};
	unsigned int i;

	BUILD_BUG_ON(STLS_EV_OFFERED != 1u << TLSGW_FINDING_OFFERED);
	BUILD_BUG_ON(STLS_EV_CLEAR_AUTH != 1u << TLSGW_FINDING_CLEAR_AUTH);
	BUILD_BUG_ON(STLS_EV_PRETLS_CMD != 1u << TLSGW_FINDING_PRETLS_CMD);
	BUILD_BUG_ON(TLSGW_CTR_STARTTLS_PRETLS_CMD - TLSGW_CTR_STARTTLS_OFFERED
		     != TLSGW_FINDING_PRETLS_CMD);

	for (i = 0; i < __TLSGW_FINDING_MAX; i++) {
		if (!(r->events & BIT(i)))
			continue;
		tlsgw_count(tn->ctr, TLSGW_CTR_STARTTLS_OFFERED + i, 1);
		tlsgw_count(f->pol->ctr, TLSGW_CTR_STARTTLS_OFFERED + i, 1);
		ev.finding = i;
		ev.blocked = r->blocking & BIT(i);
		tlsgw_genl_stls_event(tn->net, &ev);
	}
	if (r->blocking) {
		tlsgw_count(tn->ctr, TLSGW_CTR_STARTTLS_BLOCKED, 1);
		tlsgw_count(f->pol->ctr, TLSGW_CTR_STARTTLS_BLOCKED, 1);
	}
}

/*
 * Keeps a copy of a segment beyond a hole, if it fits (TLSGW_STLS_OOO_CHUNKS
 * and starttls_ooo_bytes per flow, starttls_ooo_total per namespace) and
 * overlaps no other kept one of its direction. Caller holds f->lock.
 */
static bool tlsgw_stls_keep(struct tlsgw_stls_table *t,
			    struct tlsgw_stls_flow *f, enum stls_dir dir,
			    struct sk_buff *skb, const struct tlsgw_stls_pkt *p)
{
	u32 end = p->seq + p->len + p->fin, c_end;
	unsigned int max = min(READ_ONCE(starttls_ooo_bytes), 65535u);
	struct tlsgw_stls_chunk *c;

	lockdep_assert_held(&f->lock);
	if (!max || f->ooo_n >= TLSGW_STLS_OOO_CHUNKS ||
	    f->ooo_bytes + p->len > max)
		return false;
	list_for_each_entry(c, &f->ooo_q, node) {
		c_end = c->seq + c->len + c->fin;
		if (c->dir == dir && (s32)(p->seq - c_end) < 0 &&
		    (s32)(c->seq - end) < 0)
			return false;
	}
	if (atomic_add_return(p->len, &t->ooo_bytes) >
	    READ_ONCE(starttls_ooo_total))
		goto out_budget;
	c = kmalloc(struct_size(c, data, p->len), GFP_ATOMIC | __GFP_NOWARN);
	if (!c)
		goto out_budget;
	if (skb_copy_bits(skb, p->off, c->data, p->len)) {
		kfree(c);
		goto out_budget;
	}
	c->seq = p->seq;
	c->len = p->len;
	c->dir = dir;
	c->fin = p->fin;
	list_add_tail(&c->node, &f->ooo_q);
	f->ooo_n++;
	f->ooo_bytes += p->len;
	return true;

out_budget:
	atomic_sub(p->len, &t->ooo_bytes);
	return false;
}

/*
 * Data beyond a hole. A copy of it is kept, and it passes: the receiver
 * keeps it too and acknowledges it selectively, so the sender resends
 * only the hole; the copy is parsed once the hole is filled, and a
 * finding in it blocks the segment that fills the hole, so the receiver
 * never hands the kept bytes on. What cannot be kept is dropped: the
 * sender retransmits it after the hole. Pure ACKs pass (their sequence
 * number is the sender's next, beyond a hole we made). A flow that keeps
 * sending beyond the hole (we missed its bytes: asymmetric routing) is
 * given up on: it passes unparsed, or, if its policy fails closed, is
 * reset. Caller holds f->lock.
 */
static unsigned int tlsgw_stls_out_of_order(struct tlsgw_stls_table *t,
					    struct tlsgw_stls_flow *f,
					    enum stls_dir dir,
					    struct sk_buff *skb,
					    const struct tlsgw_stls_pkt *p,
					    struct tlsgw_stls_report *r)
{
	lockdep_assert_held(&f->lock);
	if (stls_opaque(&f->parser) || f->lost || (!p->len && !p->fin))
		return NF_ACCEPT;
	if (tlsgw_stls_keep(t, f, dir, skb, p))
		return NF_ACCEPT;
	if (++f->ooo <= TLSGW_STLS_OOO_MAX)
		return NF_DROP;
	f->lost = true;
	r->lost = true;
	tlsgw_stls_ooo_free(t, f);
	if (f->pol->fail_closed) {
		f->state = TLSGW_FLOW_BLOCKED;
		r->reset = true;
		r->rst_seq = f->next_seq[dir];
	}
	return NF_ACCEPT;
}

/*
 * The largest window each side advertised, scaled (RFC 7323: only when
 * both SYNs carried the option; SYN windows are never scaled). The RST
 * check uses it. Caller holds f->lock.
 */
static void tlsgw_stls_window(struct tlsgw_stls_flow *f, enum stls_dir dir,
			      const struct tlsgw_stls_pkt *p)
{
	u32 win = p->window;

	lockdep_assert_held(&f->lock);
	if (f->wscale[STLS_C2S] >= 0 && f->wscale[STLS_S2C] >= 0)
		win <<= f->wscale[dir];
	if (win > f->max_win[dir])
		f->max_win[dir] = win;
}

/*
 * Whether a RST ends the flow: RFC 5961 has the receiver accept a RST only
 * in its receive window and, for one not exactly at RCV.NXT, answer a
 * challenge ACK instead of closing. We cannot know which the receiver
 * does, nor its RCV.NXT exactly (it is at most our next_seq: we saw every
 * byte it got), so the flow ends on a RST within the receiver's largest
 * advertised window (at least TLSGW_STLS_RST_WIN) either side of
 * next_seq: anything the receiver may take. Other RSTs pass (the receiver
 * drops them) but the flow stays tracked: a blind attacker cannot stop
 * the policing with a guessed RST. Before the SYN-ACK, a server's RST
 * counts if it acknowledges the SYN (RFC 9293, SYN-SENT). Caller holds
 * f->lock.
 */
static bool tlsgw_stls_rst_ok(const struct tlsgw_stls_flow *f,
			      enum stls_dir dir, const struct tlsgw_stls_pkt *p)
{
	u32 win;

	lockdep_assert_held(&f->lock);
	if (!(f->seq_valid & BIT(dir)))
		return dir == STLS_S2C && p->ack &&
		       p->ack_seq - (f->isn + 1) <=
		       f->next_seq[STLS_C2S] - (f->isn + 1);
	win = max_t(u32, f->max_win[!dir], TLSGW_STLS_RST_WIN);
	return p->seq - f->next_seq[dir] + win < 2 * win;
}

/*
 * A SYN or SYN-ACK of a known flow. A client SYN with another sequence
 * number than the flow's starts a new connection on the same 4-tuple
 * (the old one ended unseen, or is in TIME_WAIT): it is remembered, and
 * the server's SYN-ACK for it has the caller replace the flow. The old
 * flow goes on until then: a spoofed SYN changes nothing, and a server
 * that still has the old connection answers with a (challenge) ACK, not
 * a SYN-ACK. Such a new SYN's own data (TCP Fast Open) is not followed:
 * its SYN-ACK, acknowledging the data, replaces nothing. Caller holds
 * f->lock.
 */
static void tlsgw_stls_syn(struct tlsgw_stls_flow *f, enum stls_dir dir,
			   const struct tlsgw_stls_pkt *p,
			   struct tlsgw_stls_report *r)
{
	lockdep_assert_held(&f->lock);
	if (dir == STLS_C2S && !p->ack) {
		if (p->seq != f->isn) {
			f->pending = true;
			f->pending_isn = p->seq;
			f->pending_wscale = p->wscale;
		}
		return;
	}
	if (dir != STLS_S2C || !p->ack)
		return;
	/* With TCP Fast Open, the SYN-ACK may acknowledge the SYN's data. */
	if (f->state == TLSGW_FLOW_SYN_SENT &&
	    p->ack_seq - (f->isn + 1) <= f->next_seq[STLS_C2S] - (f->isn + 1)) {
		f->next_seq[STLS_S2C] = p->seq + 1;
		f->seq_valid |= BIT(STLS_S2C);
		f->wscale[STLS_S2C] = p->wscale;
		f->max_win[STLS_S2C] = p->window;
		f->state = TLSGW_FLOW_ESTABLISHED;
		return;
	}
	if (f->pending && p->ack_seq == f->pending_isn + 1) {
		f->pending = false;
		r->replace = true;
		r->syns.isn = f->pending_isn;
		r->syns.wscale = f->pending_wscale;
		r->syns.s2c_isn = p->seq;
		r->syns.s2c_wscale = p->wscale;
		r->syns.s2c_win = p->window;
	}
}

/* dir's FIN was seen, in order. Caller holds f->lock. */
static void tlsgw_stls_fin(struct tlsgw_stls_flow *f, enum stls_dir dir)
{
	lockdep_assert_held(&f->lock);
	f->fin |= BIT(dir);
	f->state = f->fin == 3 ? TLSGW_FLOW_CLOSED : TLSGW_FLOW_CLOSING;
}

/* Whether the first len bytes of c are those of p at c->seq. */
static bool tlsgw_stls_same(const struct tlsgw_stls_chunk *c,
			    struct sk_buff *skb,
			    const struct tlsgw_stls_pkt *p, unsigned int len)
{
	unsigned int off = p->off + (c->seq - (p->seq + p->syn)), done, n;
	const u8 *data;
	u8 buf[256];

	for (done = 0; done < len; done += n) {
		n = min_t(unsigned int, len - done, sizeof(buf));
		data = skb_header_pointer(skb, off + done, n, buf);
		if (!data || memcmp(data, c->data + done, n))
			return false;
	}
	return true;
}

/*
 * After p (whose new bytes ended at next_seq[dir]) filled a hole: parses
 * the kept chunks now in order, until a finding in block. Bytes a chunk
 * shares with p must be the same in both: the receiver keeps one of the
 * two versions, and we cannot know which; if they differ, *differ is set
 * and the caller resets the flow. Caller holds f->lock.
 */
static unsigned int tlsgw_stls_drain(struct tlsgw_stls_table *t,
				     struct tlsgw_stls_flow *f,
				     enum stls_dir dir, struct sk_buff *skb,
				     const struct tlsgw_stls_pkt *p,
				     unsigned int block, bool *differ)
{
	struct tlsgw_stls_chunk *c, *next_c;
	unsigned int events = 0, skip;
	struct stls_result res;
	bool again = true;
	s32 rel;

	lockdep_assert_held(&f->lock);
	while (again && !(events & block)) {
		again = false;
		list_for_each_entry_safe(c, next_c, &f->ooo_q, node) {
			rel = (s32)(c->seq - f->next_seq[dir]);
			if (c->dir != dir || rel > 0)
				continue;
			skip = -rel;
			if (skip && !tlsgw_stls_same(c, skb, p,
						     min_t(unsigned int, skip,
							   c->len))) {
				*differ = true;
				return events;
			}
			if (skip < c->len) {
				if (!stls_opaque(&f->parser)) {
					stls_feed(&f->parser, dir, c->data + skip,
						  c->len - skip, &res);
					events |= res.events;
				}
				f->next_seq[dir] += c->len - skip;
			}
			if (c->fin && skip <= c->len)
				tlsgw_stls_fin(f, dir);
			list_del(&c->node);
			f->ooo_n--;
			f->ooo_bytes -= c->len;
			atomic_sub(c->len, &t->ooo_bytes);
			kfree(c);
			again = true;
			break;
		}
	}
	return events;
}

/* A packet of a known flow. Caller holds f->lock. */
static unsigned int tlsgw_stls_flow_packet(struct tlsgw_stls_table *t,
					   struct tlsgw_stls_flow *f,
					   enum stls_dir dir,
					   struct sk_buff *skb,
					   const struct nf_hook_state *state,
					   const struct tlsgw_stls_pkt *p,
					   struct tlsgw_stls_report *r)
{
	unsigned int block = tlsgw_stls_block_mask(f->pol->mode);
	u32 next = f->next_seq[dir];
	bool differ = false;
	unsigned int skip;
	s32 rel;

	lockdep_assert_held(&f->lock);
	f->last_seen = jiffies;
	/* Our own RSTs (nf_send_reset() comes back through LOCAL_OUT) pass. */
	if (f->state == TLSGW_FLOW_BLOCKED)
		return p->rst ? NF_ACCEPT : NF_DROP;
	if (p->rst) {
		if (tlsgw_stls_rst_ok(f, dir, p))
			f->state = TLSGW_FLOW_CLOSED;
		return NF_ACCEPT;
	}
	if (p->ack && !p->syn)
		tlsgw_stls_window(f, dir, p);
	if (p->syn) {
		tlsgw_stls_syn(f, dir, p, r);
		/* TCP Fast Open: the client's SYN has data, from isn + 1 on. */
		if (dir != STLS_C2S || p->ack || !p->len || p->seq != f->isn)
			return NF_ACCEPT;
	}
	if (!(f->seq_valid & BIT(dir)) || f->state == TLSGW_FLOW_CLOSED)
		return NF_ACCEPT;

	rel = (s32)(p->seq + p->syn - next);
	if (rel > 0)
		return tlsgw_stls_out_of_order(t, f, dir, skb, p, r);
	f->ooo = 0;
	if (p->fin && rel + (s32)p->len >= 0)
		tlsgw_stls_fin(f, dir);
	if (rel + (s32)p->len <= 0)	/* nothing new */
		return NF_ACCEPT;
	skip = -rel;
	f->next_seq[dir] = next + (p->len - skip);
	if (stls_opaque(&f->parser) || f->lost) {
		tlsgw_stls_ooo_free(t, f);
		return NF_ACCEPT;
	}

	r->events = tlsgw_stls_feed(f, dir, skb, p, skip, block);
	if (!(r->events & block) && f->ooo_n)
		r->events |= tlsgw_stls_drain(t, f, dir, skb, p, block,
					      &differ);
	f->findings |= r->events;
	r->blocking = r->events & block;
	if (!r->blocking && !differ)
		return NF_ACCEPT;
	f->state = TLSGW_FLOW_BLOCKED;
	r->reset = differ && !r->blocking;
	r->rst_seq = next;
	tlsgw_stls_ooo_free(t, f);
	return NF_ACCEPT;	/* the caller resets, without f->lock */
}

/*
 * A packet without a flow. A client's SYN that a policy selects starts
 * one; if none can be made (table full) and the policy fails closed, the
 * SYN is dropped: the client retries it. Any other packet to or from a
 * fail-closed policy's ports belongs to a connection nobody follows (it
 * began before the policy, was not given a flow, or idled out): it is
 * dropped and its sender reset. RSTs always pass. Under RCU.
 */
static unsigned int tlsgw_stls_no_flow(struct tlsgw_net *tn,
				       struct sk_buff *skb,
				       const struct nf_hook_state *state,
				       const struct tlsgw_stls_pkt *p)
{
	const struct tlsgw_stls_key *k = &p->key;
	struct tlsgw_stls_syns syns = {};
	struct tlsgw_stls_policy *pol;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "tlsgw: no_flow outside RCU");
	if (p->rst)
		return NF_ACCEPT;
	if (p->syn && !p->ack) {
		pol = tlsgw_stls_policy_match(tn, k->family, &k->server,
					      ntohs(k->sport));
		if (!pol)
			return NF_ACCEPT;
		syns.isn = p->seq;
		syns.wscale = p->wscale;
		syns.win = p->window;
		if (tlsgw_stls_flow_create(tn, k, &syns, pol) == -ENOSPC &&
		    pol->fail_closed)
			return NF_DROP;
		return NF_ACCEPT;
	}
	if (!READ_ONCE(tn->n_stls_fail_closed))
		return NF_ACCEPT;
	pol = tlsgw_stls_policy_match(tn, k->family, &k->server,
				      ntohs(k->sport));
	if (!pol)	/* from the server's side */
		pol = tlsgw_stls_policy_match(tn, k->family, &k->client,
					      ntohs(k->cport));
	if (!pol || !pol->fail_closed)
		return NF_ACCEPT;
	tlsgw_count(tn->ctr, TLSGW_CTR_STARTTLS_UNTRACKED, 1);
	tlsgw_count(pol->ctr, TLSGW_CTR_STARTTLS_UNTRACKED, 1);
	tlsgw_stls_reset_sender(skb, state);
	return NF_DROP;
}

/* Counts a flow given up on, and a flow reset without a finding. */
static void tlsgw_stls_count_lost(struct tlsgw_net *tn,
				  struct tlsgw_stls_flow *f,
				  const struct tlsgw_stls_report *r)
{
	if (r->lost) {
		tlsgw_count(tn->ctr, TLSGW_CTR_STARTTLS_FLOWS_LOST, 1);
		tlsgw_count(f->pol->ctr, TLSGW_CTR_STARTTLS_FLOWS_LOST, 1);
	}
	if (r->reset) {
		tlsgw_count(tn->ctr, TLSGW_CTR_STARTTLS_BLOCKED, 1);
		tlsgw_count(f->pol->ctr, TLSGW_CTR_STARTTLS_BLOCKED, 1);
	}
}

static unsigned int tlsgw_stls_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct tlsgw_net *tn = tlsgw_net(state->net);
	struct tlsgw_stls_report r = {};
	struct tlsgw_stls_flow *f;
	struct tlsgw_stls_pkt p;
	unsigned int verdict;
	enum stls_dir dir;

	if (state->hook == NF_INET_LOCAL_IN && state->in &&
	    (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	if (tlsgw_stls_parse(skb, state->pf, &p))
		return NF_ACCEPT;

	/* The netfilter core runs hooks inside rcu_read_lock(). */
	f = tlsgw_stls_flow_lookup(tn, &p.key, &dir);
	if (!f) {
		verdict = tlsgw_stls_no_flow(tn, skb, state, &p);
		if (verdict != NF_ACCEPT || !p.syn || !p.len)
			return verdict;
		/* TCP Fast Open: the new flow parses the SYN's data. */
		f = tlsgw_stls_flow_lookup(tn, &p.key, &dir);
		if (!f)
			return NF_ACCEPT;
	}

	spin_lock_bh(&f->lock);
	verdict = f->unhashed ? NF_ACCEPT
			      : tlsgw_stls_flow_packet(tn->stls, f, dir, skb,
						       state, &p,
						       &r);
	spin_unlock_bh(&f->lock);
	/*
	 * Outside f->lock: the RST nf_send_reset() sends goes through our
	 * LOCAL_OUT hook, and the same flow, at once.
	 */
	if (r.blocking || r.reset)
		verdict = tlsgw_stls_block(skb, state, &p, r.rst_seq);
	if (r.lost || r.reset)
		tlsgw_stls_count_lost(tn, f, &r);
	if (r.replace)
		tlsgw_stls_flow_replace(tn, f, &r.syns);
	if (r.events)
		tlsgw_stls_report(tn, f, &r);
	return verdict;
}

#define TLSGW_STLS_OP(_pf, _hook, _prio)	\
	{					\
		.hook = tlsgw_stls_hook,	\
		.pf = _pf,			\
		.hooknum = _hook,		\
		.priority = _prio,		\
	}

/* After the filter table: what it drops is never parsed. */
static const struct nf_hook_ops tlsgw_stls_ops[] = {
	TLSGW_STLS_OP(NFPROTO_IPV4, NF_INET_FORWARD, NF_IP_PRI_FILTER + 1),
	TLSGW_STLS_OP(NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_FILTER + 1),
	TLSGW_STLS_OP(NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_FILTER + 1),
	TLSGW_STLS_OP(NFPROTO_IPV6, NF_INET_FORWARD, NF_IP6_PRI_FILTER + 1),
	TLSGW_STLS_OP(NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_FILTER + 1),
	TLSGW_STLS_OP(NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_FILTER + 1),
};

/**
 * tlsgw_stls_hooks_register() - registers a namespace's netfilter hooks
 * @net: the namespace
 *
 * Enables IPv4 and IPv6 defragmentation for the namespace, then the hooks.
 *
 * Context: process context; caller holds the namespace's tn->lock.
 * Return: 0 or a negative errno (nothing is left registered then).
 */
int tlsgw_stls_hooks_register(struct net *net)
{
	int err;

	lockdep_assert_held(&tlsgw_net(net)->lock);
	err = nf_defrag_ipv4_enable(net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(net);
	if (err)
		goto out_v4;
	err = nf_register_net_hooks(net, tlsgw_stls_ops,
				    ARRAY_SIZE(tlsgw_stls_ops));
	if (err)
		goto out_v6;
	return 0;

out_v6:
	nf_defrag_ipv6_disable(net);
out_v4:
	nf_defrag_ipv4_disable(net);
	return err;
}

/**
 * tlsgw_stls_hooks_unregister() - undoes tlsgw_stls_hooks_register()
 * @net: the namespace
 *
 * Context: process context; caller holds the namespace's tn->lock.
 */
void tlsgw_stls_hooks_unregister(struct net *net)
{
	lockdep_assert_held(&tlsgw_net(net)->lock);
	nf_unregister_net_hooks(net, tlsgw_stls_ops, ARRAY_SIZE(tlsgw_stls_ops));
	nf_defrag_ipv6_disable(net);
	nf_defrag_ipv4_disable(net);
}
