/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STARTTLS dialogue parsers for SMTP (RFC 3207), POP3 (RFC 2595), IMAP
 * (RFC 3501) and FTP (RFC 4217). Plain C with no kernel headers: the same
 * source is built into tlsgw.ko and into the userspace unit tests and
 * libFuzzer harnesses (see fuzz/).
 *
 * One struct stls_flow follows one TCP connection. The caller feeds it the
 * in-order payload of each direction as it arrives, split at arbitrary
 * points; the result must not depend on how the bytes were split. Memory
 * per flow is fixed (sizeof(struct stls_flow)); lines longer than the buffer
 * are handled without growing it.
 *
 * When findings are made: at the LF that ends the line in question, so a
 * command cut across segments is seen in the segment holding its end;
 * TLS_STARTED and TLS_MISSING at the first client bytes after the
 * go-ahead (16 03 00..04 is a TLS record); CMD_INJECTION and
 * RESP_INJECTION at the first offending byte, once per upgrade attempt.
 * OFFERED, NOT_OFFERED and STRIPPED at the end of a capability list (EHLO
 * reply, CAPA, IMAP CAPABILITY response or greeting, FEAT reply): OFFERED
 * if it names the upgrade, else STRIPPED if it holds a masked keyword, else
 * NOT_OFFERED. REFUSED puts the flow back in the phase it had before the
 * request. Replies are paired with pipelined commands in order (IMAP: by
 * tag); IMAP literals, SMTP DATA bodies and BDAT chunks, POP3 multi-line
 * bodies and SASL exchanges are not taken for commands or answers.
 *
 * Locking: none inside; the caller serializes calls for one flow.
 */
#ifndef TLSGW_STARTTLS_PROTO_H
#define TLSGW_STARTTLS_PROTO_H

#include "types.h"

enum stls_proto {
	STLS_SMTP = 1,
	STLS_POP3,
	STLS_IMAP,
	STLS_FTP,
};

enum stls_dir {
	STLS_C2S,	/* client to server: commands */
	STLS_S2C,	/* server to client: replies */
};

/* Where the flow is with respect to TLS. */
enum stls_phase {
	STLS_PH_PLAIN,		/* cleartext, no upgrade asked */
	STLS_PH_REQUESTED,	/* upgrade command sent, no answer yet */
	STLS_PH_ACCEPTED,	/* server said go; next client bytes decide */
	STLS_PH_TLS,		/* a ClientHello followed: TLS (see stls_feed) */
	STLS_PH_NO_TLS,		/* go-ahead, but cleartext followed it */
	STLS_PH_CCC,		/* FTP: cleartext again after CCC */
};

/*
 * Findings, as a bit mask returned by stls_feed(). Each bit is reported once
 * per occurrence (the caller counts and emits events).
 *
 * CMD_INJECTION: client bytes after the upgrade command, before the answer.
 * RESP_INJECTION: server bytes after the go-ahead line, before the
 * ClientHello. PRETLS_CMD: a command that require-tls does not allow
 * before the upgrade. CCC: an FTP control connection is in cleartext
 * again, either at the first cleartext byte after its TLS records
 * (RFC 4217: CCC and its 200 go inside TLS, then close_notify) or, for a
 * CCC sent in cleartext, at its 200 reply.
 */
enum stls_event {
	STLS_EV_OFFERED		= 1u << 0,  /* upgrade capability offered */
	STLS_EV_NOT_OFFERED	= 1u << 1,  /* capability list ended without it */
	STLS_EV_STRIPPED		= 1u << 2,  /* masked keyword, e.g. 250-XXXXXXXX */
	STLS_EV_REQUESTED	= 1u << 3,  /* STARTTLS / STLS / AUTH TLS ... */
	STLS_EV_ACCEPTED		= 1u << 4,  /* 220 / +OK / tag OK / 234 */
	STLS_EV_REFUSED		= 1u << 5,  /* 454, 5xx / -ERR / NO, BAD */
	STLS_EV_TLS_STARTED	= 1u << 6,  /* ClientHello after the go-ahead */
	STLS_EV_TLS_MISSING	= 1u << 7,  /* cleartext after the go-ahead */
	STLS_EV_CMD_INJECTION	= 1u << 8,  /* pipelined after the request */
	STLS_EV_RESP_INJECTION	= 1u << 9,  /* sent after the go-ahead */
	STLS_EV_CLEAR_AUTH	= 1u << 10, /* credentials sent in cleartext */
	STLS_EV_CCC		= 1u << 11, /* FTP: cleartext after TLS/CCC */
	STLS_EV_PRETLS_CMD	= 1u << 12, /* not allowed before TLS */
};

/**
 * struct stls_result - the findings of one stls_feed() call
 * @events: enum stls_event bits
 * @block_off: offset in the fed buffer of the first byte of the line (or
 *	bytes) that caused CLEAR_AUTH, PRETLS_CMD, CMD_INJECTION,
 *	RESP_INJECTION or CCC (the first cleartext byte after TLS, or the
 *	200 line answering a cleartext CCC); the caller drops the segment
 *	holding it when policy says block. Bytes of that line fed in
 *	earlier calls have already passed: offset is then 0.
 */
struct stls_result {
	unsigned int events;
	stls_size_t block_off;
};

/* Every finding that comes with a block_off. */
#define STLS_EV_BLOCKING (STLS_EV_CLEAR_AUTH | STLS_EV_PRETLS_CMD | \
			 STLS_EV_CMD_INJECTION | STLS_EV_RESP_INJECTION | \
			 STLS_EV_CCC)
#define STLS_EV_ALL ((STLS_EV_PRETLS_CMD << 1) - 1)

/*
 * Lines are kept up to STLS_LINE_MAX bytes. The rest of a longer line is
 * skipped ("overlong"): commands and replies are recognised by their first
 * bytes, and only the last STLS_TAIL_MAX bytes are remembered (an IMAP
 * literal, "{123}", ends its line). An IMAP capability list is the one
 * thing that can be longer: it is scanned token by token as the buffer
 * fills, so STARTTLS is found at any distance from the line's start.
 */
#define STLS_LINE_MAX 256	/* bytes of a line kept per direction */
#define STLS_TAIL_MAX 16		/* last bytes of an overlong line kept */
#define STLS_QUEUE_MAX 16	/* pipelined commands awaiting a reply */

/**
 * struct stls_dirstate - the parser's state of one direction
 * @len: bytes in @line
 * @overlong: the line exceeded STLS_LINE_MAX: rest skipped
 * @flags: parser-private
 * @line: the current line
 * @skip: IMAP literal / SMTP BDAT bytes to skip
 * @tail_n: bytes in @tail (at most STLS_TAIL_MAX)
 * @tail_pos: next write position in @tail (a ring)
 * @tail: last bytes of an overlong line
 */
struct stls_dirstate {
	stls_u16 len;
	stls_u8 overlong;
	stls_u8 flags;
	char line[STLS_LINE_MAX];
	stls_u32 skip;
	stls_u8 tail_n;
	stls_u8 tail_pos;
	char tail[STLS_TAIL_MAX];
};

/**
 * struct stls_flow - the parser's state of one connection
 * @proto: enum stls_proto
 * @phase: enum stls_phase
 * @state: parser-private
 * @flags: parser-private
 * @misc: parser-private (FTP reply code, IMAP tag)
 * @tag: IMAP: tag of the pending STARTTLS
 * @tag_len: its length (longer tags: first 16 kept)
 * @prev_phase: phase to go back to when refused
 * @hello: ClientHello header bytes seen after the go-ahead
 * @qlen: commands awaiting a reply (at most STLS_QUEUE_MAX)
 * @pflags: parser-private
 * @queue: their kinds, 2 bits each, oldest lowest
 * @dir: each direction's state, by enum stls_dir
 *
 * No locking of its own: the caller serializes (the kernel feeds and
 * reads it under flow->lock).
 */
struct stls_flow {
	stls_u8 proto;
	stls_u8 phase;
	stls_u8 state;
	stls_u8 flags;
	stls_u32 misc;
	char tag[16];
	stls_u8 tag_len;
	stls_u8 prev_phase;
	stls_u8 hello;
	stls_u8 qlen;
	stls_u16 pflags;
	stls_u32 queue;
	struct stls_dirstate dir[2];
};

void stls_init(struct stls_flow *f, enum stls_proto proto);

void stls_feed(struct stls_flow *f, enum stls_dir dir, const stls_u8 *data,
	       stls_size_t len, struct stls_result *res);

int stls_opaque(const struct stls_flow *f);

static inline enum stls_phase stls_phase(const struct stls_flow *f)
{
	return (enum stls_phase)f->phase;
}

#endif
