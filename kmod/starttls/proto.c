// SPDX-License-Identifier: GPL-2.0
/*
 * STARTTLS dialogue parsers: SMTP, POP3, IMAP and FTP. See proto.h.
 *
 * Both directions are cut into lines (LF ends a line, a CR before it is
 * dropped). A line is acted on when its LF arrives, never before, so the
 * findings depend only on the bytes and on the order of the two directions,
 * not on how each direction was split into segments. The bytes between
 * lines that are not lines (an IMAP literal, an SMTP BDAT chunk) are
 * counted off, and the first client bytes after the server's go-ahead are
 * matched against a TLS record header before they are taken as a line.
 * FTP goes on after that: each direction is walked record by record (see
 * ftp_records()) until it goes back to cleartext (CCC).
 *
 * Commands and replies are paired through a small FIFO of what each
 * pipelined command expects (a capability list, the upgrade answer, a
 * multi-line body...), except in IMAP, whose replies carry the tag.
 */
#include "proto.h"

/* struct stls_flow.flags */
#define F_GREETED	0x01	/* the server's greeting has been seen */
#define F_INJ_C		0x02	/* CMD_INJECTION reported for this upgrade */
#define F_INJ_S		0x04	/* RESP_INJECTION reported for this upgrade */
#define F_SASL		0x08	/* AUTH exchange: client lines are not commands */
#define F_BODY		0x10	/* SMTP: client sends the DATA body */
#define F_AUTH_SSL	0x20	/* FTP: the pending upgrade was AUTH SSL */
#define F_CAP_HAVE	0x40	/* capability list: the keyword was seen */
#define F_CAP_MASK	0x80	/* capability list: a masked keyword was seen */

/* struct stls_flow.pflags */
#define P_INREPLY	0x01	/* SMTP: first line of a multi-line reply seen */
#define P_MULTI		0x02	/* POP3 multi-line body, FTP multi-line reply */
#define P_CAPA		0x04	/* POP3: the multi-line body is the CAPA list */
#define P_REC(dir)	(0x08 << (dir))	/* FTP: direction walks TLS records */
#define P_LOST(dir)	(0x20 << (dir))	/* ... and broke off: not followed */
#define P_CHUNKING	0x80	/* SMTP: the server offered CHUNKING (BDAT) */

/* struct stls_dirstate.flags */
#define D_CONT		0x01	/* next line continues one cut by a literal */
#define D_CAPS		0x02	/* IMAP: capability line scanned as it comes */
#define D_BRACKET	0x04	/* ... inside "[CAPABILITY ...]" */
#define D_CAPEND	0x08	/* ... and its ']' has been seen */
#define D_TOKSKIP	0x10	/* ... rest of an over-long token is skipped */
#define D_STREAMED	0x20	/* the line's start has been consumed */
#define D_SYNCLIT	0x40	/* IMAP: literal waits for the server's "+" */

/* What a pending command expects (2 bits in struct stls_flow.queue). */
#define K_OTHER		0	/* one reply, nothing to learn */
#define K_CAPS		1	/* EHLO, CAPA, FEAT: a capability list */
#define K_UPGRADE	2	/* STARTTLS, STLS, AUTH TLS: the go-ahead */
#define K_EXTRA		3	/* SMTP DATA, POP3 multi-line, FTP CCC */

/* Longest partial capability token carried over a buffer refill. */
#define CAP_TOKEN_MAX	32

/**
 * struct stls_ctx - one stls_feed() call's context
 * @res: where the findings go
 * @off: first byte of the current line, or 0
 * @blocked: @res->block_off is set
 */
struct stls_ctx {
	struct stls_result *res;
	stls_size_t off;
	int blocked;
};

static void report(struct stls_ctx *c, unsigned int ev)
{
	c->res->events |= ev;
}

static void report_at(struct stls_ctx *c, unsigned int ev, stls_size_t off)
{
	c->res->events |= ev;
	if (!c->blocked) {
		c->res->block_off = off;
		c->blocked = 1;
	}
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* @s (@n bytes, any content) equals the literal @kw, ignoring case. */
static int ieq(const char *s, stls_size_t n, const char *kw)
{
	stls_size_t i;

	for (i = 0; i < n; i++)
		if (!kw[i] || lower(s[i]) != lower(kw[i]))
			return 0;
	return !kw[n];
}

/* @s starts with @kw, ignoring case. */
static int iprefix(const char *s, stls_size_t n, const char *kw)
{
	stls_size_t i;

	for (i = 0; kw[i]; i++)
		if (i >= n || lower(s[i]) != lower(kw[i]))
			return 0;
	return 1;
}

static int in_list(const char *s, stls_size_t n, const char *const *list)
{
	for (; *list; list++)
		if (ieq(s, n, *list))
			return 1;
	return 0;
}

/*
 * Next token of @s from *@pos, split at spaces and tabs: its start in *@tok,
 * its length returned (0 at the end of the line).
 */
static stls_size_t next_token(const char *s, stls_size_t n, stls_size_t *pos,
			      const char **tok)
{
	stls_size_t i = *pos, start;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	start = i;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	*tok = s + start;
	*pos = i;
	return i - start;
}

static int is_filler(char ch)
{
	return ch == 'X' || ch == 'x' || ch == '*' || ch == '#' || ch == '_' ||
	       ch == '.' || ch == '-' || ch == '~' || ch == '?' || ch == '=';
}

/*
 * A keyword of @len bytes masked by a middlebox: as long as the keyword,
 * and filler but for at most one byte (Cisco ASA writes XXXXXXXA).
 */
static int is_masked(const char *s, stls_size_t n, stls_size_t len)
{
	stls_size_t i, other = 0;

	if (n != len)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_filler(s[i]))
			other++;
	return other <= 1 && is_filler(s[0]);
}

static void cap_token(struct stls_flow *f, const char *s, stls_size_t n,
		      const char *kw)
{
	if (ieq(s, n, kw))
		f->flags |= F_CAP_HAVE;
	else if (is_masked(s, n, strlen(kw)))
		f->flags |= F_CAP_MASK;
}

/* The end of a capability list: what it said about the upgrade. */
static void caps_end(struct stls_flow *f, struct stls_ctx *c)
{
	if (f->flags & F_CAP_HAVE)
		report(c, STLS_EV_OFFERED);
	else if (f->flags & F_CAP_MASK)
		report(c, STLS_EV_STRIPPED);
	else
		report(c, STLS_EV_NOT_OFFERED);
	f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
}

static void qpush(struct stls_flow *f, unsigned int kind)
{
	if (f->qlen >= STLS_QUEUE_MAX)
		return;
	f->queue |= (stls_u32)kind << (2 * f->qlen);
	f->qlen++;
}

static unsigned int qpeek(const struct stls_flow *f)
{
	return f->qlen ? f->queue & 3 : K_OTHER;
}

static unsigned int qpop(struct stls_flow *f)
{
	unsigned int kind = qpeek(f);

	if (f->qlen) {
		f->queue >>= 2;
		f->qlen--;
	}
	return kind;
}

/* The client asks for the upgrade; false if one is already pending. */
static int upgrade_request(struct stls_flow *f, struct stls_ctx *c)
{
	if (f->phase == STLS_PH_REQUESTED || f->phase == STLS_PH_ACCEPTED ||
	    f->phase == STLS_PH_TLS)
		return 0;
	f->prev_phase = f->phase;
	f->phase = STLS_PH_REQUESTED;
	f->flags &= ~(F_INJ_C | F_INJ_S);
	report(c, STLS_EV_REQUESTED);
	return 1;
}

static void upgrade_accept(struct stls_flow *f, struct stls_ctx *c)
{
	f->phase = STLS_PH_ACCEPTED;
	f->hello = 0;
	report(c, STLS_EV_ACCEPTED);
}

static void upgrade_refuse(struct stls_flow *f, struct stls_ctx *c, int quiet)
{
	f->phase = f->prev_phase;
	if (!quiet)
		report(c, STLS_EV_REFUSED);
}

/* A client command: cleartext credentials, or not allowed before TLS. */
static void command(struct stls_ctx *c, const char *verb, stls_size_t n,
		    const char *const *allowed, const char *const *creds)
{
	if (in_list(verb, n, creds))
		report_at(c, STLS_EV_CLEAR_AUTH, c->off);
	if (!in_list(verb, n, allowed))
		report_at(c, STLS_EV_PRETLS_CMD, c->off);
}

/* A decimal number of up to 10 digits, saturated at 0xffffffff. */
static int parse_u32(const char *s, stls_size_t n, stls_u32 *out)
{
	unsigned long long v = 0;
	stls_size_t i;

	if (!n || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	*out = v > 0xffffffffULL ? 0xffffffffU : (stls_u32)v;
	return 1;
}

/*
 * An IMAP literal, "{123}" or "{123+}", ending the line. Returns 0 if there
 * is none, 1 for a synchronizing literal, 2 for a non-synchronizing one.
 */
static int literal_at_end(const char *s, stls_size_t n, stls_u32 *len)
{
	stls_size_t end, i;
	int sync = 1;

	if (!n || s[n - 1] != '}')
		return 0;
	end = n - 1;
	if (end && s[end - 1] == '+') {
		end--;
		sync = 2;
	}
	i = end;
	while (i && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (!i || s[i - 1] != '{')
		return 0;
	return parse_u32(s + i, end - i, len) ? sync : 0;
}

/* A reply line "NNN", "NNN text" or "NNN-text": the code, or -1. */
static int reply_code(const char *s, stls_size_t n, char *sep)
{
	int i, code = 0;

	if (n < 3)
		return -1;
	for (i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		code = code * 10 + s[i] - '0';
	}
	if (n == 3) {
		*sep = ' ';
		return code;
	}
	if (s[3] != ' ' && s[3] != '-')
		return -1;
	*sep = s[3];
	return code;
}

/* SMTP (RFC 5321, RFC 3207, RFC 4954, RFC 3030) */

static const char *const smtp_allowed[] = {
	"EHLO", "HELO", "STARTTLS", "NOOP", "RSET", "QUIT", NULL
};

static const char *const smtp_creds[] = { "AUTH", NULL };

static void smtp_client(struct stls_flow *f, struct stls_ctx *c,
			const char *s, stls_size_t n)
{
	unsigned int kind = K_OTHER;
	stls_size_t pos = 0, vn, an;
	const char *verb, *arg;
	stls_u32 chunk;

	if (f->flags & F_BODY) {
		if (n == 1 && s[0] == '.') {
			f->flags &= ~F_BODY;
			qpush(f, K_OTHER);	/* the message's reply */
		}
		return;
	}
	if (f->flags & F_SASL)
		return;
	vn = next_token(s, n, &pos, &verb);
	if (!vn)
		return;
	if (ieq(verb, vn, "EHLO")) {
		kind = K_CAPS;
	} else if (ieq(verb, vn, "STARTTLS")) {
		if (upgrade_request(f, c))
			kind = K_UPGRADE;
	} else if (ieq(verb, vn, "DATA")) {
		kind = K_EXTRA;
	} else if (ieq(verb, vn, "AUTH")) {
		f->flags |= F_SASL;
	} else if (ieq(verb, vn, "BDAT") && (f->pflags & P_CHUNKING)) {
		/*
		 * A server that never offered CHUNKING refuses BDAT and reads
		 * what follows as commands: only then is it a chunk.
		 */
		an = next_token(s, n, &pos, &arg);
		if (parse_u32(arg, an, &chunk))
			f->dir[STLS_C2S].skip = chunk;
	}
	qpush(f, kind);
	command(c, verb, vn, smtp_allowed, smtp_creds);
}

static void smtp_server(struct stls_flow *f, struct stls_ctx *c,
			const char *s, stls_size_t n)
{
	const char *tok;
	stls_size_t pos = 4;
	char sep = ' ';
	int code = reply_code(s, n, &sep);
	int caps = (f->flags & F_GREETED) && qpeek(f) == K_CAPS &&
		   code == 250;

	if (code < 0)
		return;
	/* The first line of an EHLO reply names the server: skip it. */
	if (caps && (f->pflags & P_INREPLY) && n > 4) {
		stls_size_t tn = next_token(s, n, &pos, &tok);

		cap_token(f, tok, tn, "STARTTLS");
		if (ieq(tok, tn, "CHUNKING"))
			f->pflags |= P_CHUNKING;
	}
	if (sep == '-') {
		f->pflags |= P_INREPLY;
		return;
	}
	f->pflags &= ~P_INREPLY;
	if (!(f->flags & F_GREETED)) {
		f->flags |= F_GREETED;
		return;
	}
	if ((f->flags & F_SASL) && code == 334)
		return;			/* SASL challenge */
	f->flags &= ~F_SASL;
	switch (qpop(f)) {
	case K_CAPS:
		if (code == 250)
			caps_end(f, c);
		f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
		break;
	case K_UPGRADE:
		if (f->phase != STLS_PH_REQUESTED)
			break;
		if (code == 220)
			upgrade_accept(f, c);
		else
			upgrade_refuse(f, c, code < 400);
		break;
	case K_EXTRA:
		if (code == 354)
			f->flags |= F_BODY;
		break;
	}
}

/* POP3 (RFC 1939, RFC 2449, RFC 2595, RFC 5034) */

static const char *const pop3_allowed[] = {
	"CAPA", "STLS", "QUIT", "NOOP", NULL
};

static const char *const pop3_creds[] = {
	"USER", "PASS", "APOP", "AUTH", NULL
};

static void pop3_client(struct stls_flow *f, struct stls_ctx *c,
			const char *s, stls_size_t n)
{
	unsigned int kind = K_OTHER;
	stls_size_t pos = 0, vn, an;
	const char *verb, *arg;

	if (f->flags & F_SASL)
		return;
	vn = next_token(s, n, &pos, &verb);
	if (!vn)
		return;
	an = next_token(s, n, &pos, &arg);
	if (ieq(verb, vn, "STLS")) {
		if (upgrade_request(f, c))
			kind = K_UPGRADE;
	} else if (ieq(verb, vn, "CAPA")) {
		kind = K_CAPS;
	} else if (ieq(verb, vn, "RETR") || ieq(verb, vn, "TOP") ||
		   ((ieq(verb, vn, "LIST") || ieq(verb, vn, "UIDL") ||
		     ieq(verb, vn, "AUTH")) && !an)) {
		kind = K_EXTRA;
	} else if (ieq(verb, vn, "AUTH")) {
		f->flags |= F_SASL;
	}
	qpush(f, kind);
	command(c, verb, vn, pop3_allowed, pop3_creds);
}

static void pop3_server(struct stls_flow *f, struct stls_ctx *c,
			const char *s, stls_size_t n)
{
	if (f->pflags & P_MULTI) {
		if (n == 1 && s[0] == '.') {
			if (f->pflags & P_CAPA)
				caps_end(f, c);
			f->pflags &= ~(P_MULTI | P_CAPA);
		} else if (f->pflags & P_CAPA) {
			stls_size_t pos = 0, tn;
			const char *tok;

			tn = next_token(s, n, &pos, &tok);
			cap_token(f, tok, tn, "STLS");
		}
		return;
	}
	if (!(f->flags & F_GREETED)) {
		f->flags |= F_GREETED;
		return;
	}
	if (iprefix(s, n, "+OK")) {
		f->flags &= ~F_SASL;
		switch (qpop(f)) {
		case K_CAPS:
			f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
			f->pflags |= P_MULTI | P_CAPA;
			break;
		case K_EXTRA:
			f->pflags |= P_MULTI;
			break;
		case K_UPGRADE:
			if (f->phase == STLS_PH_REQUESTED)
				upgrade_accept(f, c);
			break;
		}
	} else if (iprefix(s, n, "-ERR")) {
		f->flags &= ~F_SASL;
		if (qpop(f) == K_UPGRADE && f->phase == STLS_PH_REQUESTED)
			upgrade_refuse(f, c, 0);
	}
	/* "+ challenge" and anything else: not a final response. */
}

/* IMAP (RFC 3501, RFC 7888 literals) */

static const char *const imap_allowed[] = {
	"CAPABILITY", "STARTTLS", "NOOP", "LOGOUT", "ID", NULL
};

static const char *const imap_creds[] = { "LOGIN", "AUTHENTICATE", NULL };

/* FNV-1a: the tag of the client's command being sent, in struct misc. */
static stls_u32 tag_hash(const char *s, stls_size_t n)
{
	stls_u32 h = 2166136261u;
	stls_size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (stls_u8)s[i]) * 16777619u;
	return h;
}

/*
 * Literal ending the line just ended: skip its bytes, then continue the
 * line. The client waits for the server's "+" before it sends the bytes of
 * a synchronizing literal, and does not send them if it gets the tagged
 * answer instead: @client says to remember that.
 */
static void imap_literal(struct stls_dirstate *d, const char *s, stls_size_t n,
			 int client)
{
	char buf[STLS_TAIL_MAX];
	stls_u32 len;
	int lit;

	if (d->overlong) {
		int i;

		/* the line's end is in the tail ring, oldest byte first */
		for (i = 0; i < STLS_TAIL_MAX; i++)
			buf[i] = d->tail[(d->tail_pos + i) % STLS_TAIL_MAX];
		s = buf;
		n = STLS_TAIL_MAX;
		if (s[n - 1] == '\r')
			n--;
	}
	lit = literal_at_end(s, n, &len);
	if (lit) {
		d->skip = len;
		d->flags |= D_CONT;
		if (client && lit == 1 && len)
			d->flags |= D_SYNCLIT;
	}
}

static void imap_client(struct stls_flow *f, struct stls_ctx *c,
			const char *s, stls_size_t n, int cont)
{
	stls_size_t pos = 0, tn, vn;
	const char *tag, *verb;

	if (cont || (f->flags & F_SASL))
		goto out;
	tn = next_token(s, n, &pos, &tag);
	vn = next_token(s, n, &pos, &verb);
	f->misc = tag_hash(tag, tn);
	if (!vn)
		goto out;
	if (ieq(verb, vn, "STARTTLS")) {
		if (upgrade_request(f, c)) {
			f->tag_len = tn > 255 ? 255 : tn;
			memcpy(f->tag, tag, tn < sizeof(f->tag) ?
			       tn : sizeof(f->tag));
		}
	} else if (ieq(verb, vn, "AUTHENTICATE")) {
		f->flags |= F_SASL;
	}
	command(c, verb, vn, imap_allowed, imap_creds);
out:
	if (!(f->flags & F_SASL) || cont)
		imap_literal(&f->dir[STLS_C2S], s, n, 1);
}

static int imap_tag_is(const struct stls_flow *f, const char *s, stls_size_t n)
{
	stls_size_t cmp = n < sizeof(f->tag) ? n : sizeof(f->tag);

	return (n > 255 ? 255 : n) == f->tag_len && !memcmp(s, f->tag, cmp);
}

/*
 * Where the tokens of a capability response start, or 0 if @s is not one:
 * "* CAPABILITY ..." or "* OK [CAPABILITY ...] text" (the greeting).
 */
static stls_size_t imap_caps_start(const char *s, stls_size_t n, int *bracket)
{
	if (iprefix(s, n, "* CAPABILITY") &&
	    (n == 12 || s[12] == ' ')) {
		*bracket = 0;
		return 12;
	}
	if (iprefix(s, n, "* OK [CAPABILITY") &&
	    (n == 16 || s[16] == ' ' || s[16] == ']')) {
		*bracket = 1;
		return 16;
	}
	return 0;
}

/*
 * Scans the capability tokens in @s; returns the bytes consumed, which
 * stop before a token that may continue past @n unless @final.
 */
static stls_size_t imap_caps(struct stls_flow *f, struct stls_dirstate *d,
			     const char *s, stls_size_t n, int final)
{
	int br = d->flags & D_BRACKET;
	stls_size_t i = 0;

	if (d->flags & D_CAPEND)
		return n;
	while (i < n) {
		stls_size_t start = i;

		while (i < n && s[i] != ' ' && !(br && s[i] == ']'))
			i++;
		if (d->flags & D_TOKSKIP) {
			/* the end of a token too long to be interesting */
			if (i < n)
				d->flags &= ~D_TOKSKIP;
			continue;
		}
		if (i == start) {
			if (s[i] == ']') {
				d->flags |= D_CAPEND;
				return n;
			}
			i++;
			continue;
		}
		if (i == n && !final) {
			if (n - start <= CAP_TOKEN_MAX)
				return start;
			d->flags |= D_TOKSKIP;
			return n;
		}
		cap_token(f, s + start, i - start, "STARTTLS");
	}
	return n;
}

/* The line buffer is full: scan a capability line's tokens, make room. */
static int imap_full(struct stls_flow *f, struct stls_dirstate *d)
{
	stls_size_t from = 0, used;
	int bracket;

	if (!(d->flags & D_CAPS)) {
		from = imap_caps_start(d->line, d->len, &bracket);
		if (!from)
			return 0;
		f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
		d->flags |= D_CAPS | D_STREAMED | (bracket ? D_BRACKET : 0);
	}
	used = from + imap_caps(f, d, d->line + from, d->len - from, 0);
	if (!used)
		return 0;
	memmove(d->line, d->line + used, d->len - used);
	d->len -= used;
	return 1;
}

static void imap_server(struct stls_flow *f, struct stls_ctx *c,
			const char *s, stls_size_t n, int cont)
{
	struct stls_dirstate *d = &f->dir[STLS_S2C], *cd = &f->dir[STLS_C2S];
	stls_size_t pos = 0, tn, vn, from;
	const char *tag, *verb;
	int bracket;

	if (d->flags & D_CAPS) {
		imap_caps(f, d, s, n, 1);
		caps_end(f, c);
		return;
	}
	if (cont)
		goto out;
	from = imap_caps_start(s, n, &bracket);
	if (from && !d->overlong) {
		f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
		if (bracket)
			d->flags |= D_BRACKET;
		imap_caps(f, d, s + from, n - from, 1);
		caps_end(f, c);
		return;
	}
	tn = next_token(s, n, &pos, &tag);
	vn = next_token(s, n, &pos, &verb);
	if (tn && tag[0] == '+')
		cd->flags &= ~D_SYNCLIT;	/* go on with the literal */
	if (!tn || (tn == 1 && (tag[0] == '*' || tag[0] == '+')))
		goto out;
	/* a tagged status response */
	if (!ieq(verb, vn, "OK") && !ieq(verb, vn, "NO") &&
	    !ieq(verb, vn, "BAD"))
		goto out;
	f->flags &= ~F_SASL;
	if ((cd->flags & D_SYNCLIT) && tag_hash(tag, tn) == f->misc) {
		/* refused before the literal was sent: it never will be */
		cd->flags &= ~(D_SYNCLIT | D_CONT);
		cd->skip = 0;
	}
	if (f->phase == STLS_PH_REQUESTED && imap_tag_is(f, tag, tn)) {
		if (ieq(verb, vn, "OK"))
			upgrade_accept(f, c);
		else
			upgrade_refuse(f, c, 0);
	}
out:
	imap_literal(d, s, n, 0);
}

/* FTP (RFC 959, RFC 2228, RFC 2389, RFC 4217) */

static const char *const ftp_allowed[] = {
	"AUTH", "FEAT", "SYST", "NOOP", "QUIT", NULL
};

static const char *const ftp_creds[] = { "USER", "PASS", "ACCT", NULL };

static int ftp_tls_mech(const char *s, stls_size_t n)
{
	return ieq(s, n, "TLS") || ieq(s, n, "SSL") || ieq(s, n, "TLS-C") ||
	       ieq(s, n, "TLS-P");
}

static void ftp_client(struct stls_flow *f, struct stls_ctx *c,
		       const char *s, stls_size_t n)
{
	unsigned int kind = K_OTHER;
	stls_size_t pos = 0, vn, an;
	const char *verb, *arg;

	/* Telnet IAC sequences (IAC IP IAC DM before ABOR) */
	while (n >= 2 && (stls_u8)s[0] == 0xff) {
		s += 2;
		n -= 2;
	}
	vn = next_token(s, n, &pos, &verb);
	if (!vn)
		return;
	an = next_token(s, n, &pos, &arg);
	if (ieq(verb, vn, "AUTH") && ftp_tls_mech(arg, an)) {
		if (upgrade_request(f, c)) {
			kind = K_UPGRADE;
			f->flags &= ~F_AUTH_SSL;
			if (ieq(arg, an, "SSL"))
				f->flags |= F_AUTH_SSL;
		}
	} else if (ieq(verb, vn, "FEAT")) {
		kind = K_CAPS;
	} else if (ieq(verb, vn, "CCC")) {
		kind = K_EXTRA;
	}
	qpush(f, kind);
	command(c, verb, vn, ftp_allowed, ftp_creds);
}

/* A FEAT line: " AUTH TLS", " AUTH TLS;SSL", " XXXX XXX"... */
static void ftp_feat(struct stls_flow *f, const char *s, stls_size_t n)
{
	stls_size_t pos = 0, tn, i, start;
	const char *tok;

	tn = next_token(s, n, &pos, &tok);
	if (is_masked(tok, tn, 4)) {
		f->flags |= F_CAP_MASK;
		return;
	}
	if (!ieq(tok, tn, "AUTH"))
		return;
	for (i = pos; i < n; ) {
		if (s[i] == ' ' || s[i] == ';' || s[i] == ',') {
			i++;
			continue;
		}
		start = i;
		while (i < n && s[i] != ' ' && s[i] != ';' && s[i] != ',')
			i++;
		if (ftp_tls_mech(s + start, i - start))
			f->flags |= F_CAP_HAVE;
		else if (is_masked(s + start, i - start, 3))
			f->flags |= F_CAP_MASK;
	}
}

static void ftp_server(struct stls_flow *f, struct stls_ctx *c,
		       const char *s, stls_size_t n)
{
	char sep = ' ';
	int code = reply_code(s, n, &sep);

	if (f->pflags & P_MULTI) {
		if (code < 0 || (stls_u32)code != f->misc || sep != ' ') {
			if ((f->flags & F_GREETED) && qpeek(f) == K_CAPS)
				ftp_feat(f, s, n);
			return;
		}
		f->pflags &= ~P_MULTI;
	} else if (code < 0) {
		return;
	} else if (sep == '-') {
		f->pflags |= P_MULTI;
		f->misc = code;
		if ((f->flags & F_GREETED) && qpeek(f) == K_CAPS)
			f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
		return;
	}
	if (code < 200)
		return;			/* preliminary: more to come */
	if (!(f->flags & F_GREETED)) {
		f->flags |= F_GREETED;
		return;
	}
	switch (qpop(f)) {
	case K_CAPS:
		if (code / 100 == 2)
			caps_end(f, c);
		f->flags &= ~(F_CAP_HAVE | F_CAP_MASK);
		break;
	case K_UPGRADE:
		if (f->phase != STLS_PH_REQUESTED)
			break;
		if (code == 234 || (code == 334 && (f->flags & F_AUTH_SSL)))
			upgrade_accept(f, c);
		else
			upgrade_refuse(f, c, code < 400);
		break;
	case K_EXTRA:
		if (code == 200 && f->phase != STLS_PH_REQUESTED &&
		    f->phase != STLS_PH_ACCEPTED) {
			f->phase = STLS_PH_CCC;
			report_at(c, STLS_EV_CCC, c->off);
		}
		break;
	}
}

/*
 * FTP inside TLS (RFC 4217). CCC ("clear command channel") is sent and
 * answered inside TLS; both sides then end TLS with close_notify and the
 * control connection goes on in cleartext. So after the ClientHello each
 * direction is walked as a stream of TLS records: a 5-byte header (content
 * type 20 to 24, version 3.0 to 3.4, length up to 2^14 + 2048) whose
 * bytes are kept in the direction's line[] (len counts them) and a body
 * counted off in skip. A byte that cannot start a record, at a record
 * boundary, is cleartext: that direction goes back to line parsing from
 * that byte on, and the first direction to do so (usually the client's
 * next command) reports CCC there and moves the flow to STLS_PH_CCC. The
 * other direction keeps walking records until it shows cleartext too. A
 * header that breaks off in the middle (a valid content type, then a bad
 * version or length) is neither TLS nor a plausible command: that
 * direction is no longer followed (P_LOST) and reports nothing more.
 */
#define REC_HDR		5
#define REC_MAX		(16384 + 2048)

static void rec_reset(struct stls_dirstate *d)
{
	d->len = 0;
	d->overlong = 0;
	d->flags = 0;
	d->skip = 0;
	d->tail_n = 0;
	d->tail_pos = 0;
}

/* The ClientHello's header bytes 16 03 @ver were seen: TLS records on. */
static void ftp_tls_start(struct stls_flow *f, stls_u8 ver)
{
	struct stls_dirstate *d = &f->dir[STLS_C2S];

	rec_reset(d);
	rec_reset(&f->dir[STLS_S2C]);
	d->line[0] = 0x16;
	d->line[1] = 0x03;
	d->line[2] = (char)ver;
	d->len = 3;
	/* what was pending in cleartext was answered inside TLS */
	f->pflags = P_REC(STLS_C2S) | P_REC(STLS_S2C);
	f->qlen = 0;
	f->queue = 0;
}

static int rec_byte_ok(const struct stls_dirstate *d, stls_u8 b)
{
	switch (d->len) {
	case 0:
		return b >= 0x14 && b <= 0x18;
	case 1:
		return b == 0x03;
	case 2:
		return b <= 0x04;
	case 3:
		return b <= (REC_MAX >> 8);
	default:
		return ((stls_u32)(stls_u8)d->line[3] << 8 | b) <= REC_MAX;
	}
}

/*
 * Walks the records of direction @dir in @p (@n bytes, at offset @off of
 * the fed buffer). Returns the bytes consumed: all of them, or those
 * before the first cleartext byte, where it leaves P_REC(@dir) cleared.
 */
static stls_size_t ftp_records(struct stls_flow *f, struct stls_ctx *c,
			       enum stls_dir dir, const stls_u8 *p, stls_size_t n,
			       stls_size_t off)
{
	struct stls_dirstate *d = &f->dir[dir];
	stls_size_t i = 0, k;

	if (f->pflags & P_LOST(dir))
		return n;
	while (i < n) {
		if (d->skip) {
			k = n - i < d->skip ? n - i : d->skip;
			d->skip -= k;
			i += k;
			continue;
		}
		if (!rec_byte_ok(d, p[i])) {
			if (d->len) {
				f->pflags |= P_LOST(dir);
				return n;
			}
			/* cleartext again */
			f->pflags &= ~P_REC(dir);
			if (f->phase == STLS_PH_TLS) {
				f->phase = STLS_PH_CCC;
				f->hello = 0;
				report_at(c, STLS_EV_CCC, off + i);
			}
			return i;
		}
		d->line[d->len++] = (char)p[i++];
		if (d->len == REC_HDR) {
			d->skip = (stls_u32)(stls_u8)d->line[3] << 8 |
				  (stls_u8)d->line[4];
			d->len = 0;
		}
	}
	return n;
}

/* Line assembly */

static void tail_add(struct stls_dirstate *d, const stls_u8 *p, stls_size_t n)
{
	/* The ring ends in the same state however the bytes were split. */
	if (n > STLS_TAIL_MAX) {
		d->tail_pos = (d->tail_pos + n - STLS_TAIL_MAX) % STLS_TAIL_MAX;
		p += n - STLS_TAIL_MAX;
		n = STLS_TAIL_MAX;
	}
	while (n--) {
		d->tail[d->tail_pos] = (char)*p++;
		d->tail_pos = (d->tail_pos + 1) % STLS_TAIL_MAX;
	}
	d->tail_n = STLS_TAIL_MAX;
}

static void line_add(struct stls_flow *f, enum stls_dir dir,
		     const stls_u8 *p, stls_size_t n)
{
	struct stls_dirstate *d = &f->dir[dir];

	while (n) {
		stls_size_t room;

		if (d->overlong) {
			tail_add(d, p, n);
			return;
		}
		room = STLS_LINE_MAX - d->len;
		if (!room) {
			if (f->proto == STLS_IMAP && dir == STLS_S2C &&
			    imap_full(f, d))
				continue;
			d->overlong = 1;
			d->tail_pos = 0;
			tail_add(d, (const stls_u8 *)d->line + STLS_LINE_MAX -
				 STLS_TAIL_MAX, STLS_TAIL_MAX);
			continue;
		}
		if (room > n)
			room = n;
		memcpy(d->line + d->len, p, room);
		d->len += room;
		p += room;
		n -= room;
	}
}

static void line_end(struct stls_flow *f, enum stls_dir dir, struct stls_ctx *c)
{
	struct stls_dirstate *d = &f->dir[dir];
	stls_size_t n = d->len;
	int cont = d->flags & D_CONT;

	if (!d->overlong && n && d->line[n - 1] == '\r')
		n--;
	d->flags &= ~D_CONT;
	switch (f->proto) {
	case STLS_SMTP:
		if (dir == STLS_C2S)
			smtp_client(f, c, d->line, n);
		else
			smtp_server(f, c, d->line, n);
		break;
	case STLS_POP3:
		if (dir == STLS_C2S)
			pop3_client(f, c, d->line, n);
		else
			pop3_server(f, c, d->line, n);
		break;
	case STLS_IMAP:
		if (dir == STLS_C2S)
			imap_client(f, c, d->line, n, cont);
		else
			imap_server(f, c, d->line, n, cont);
		break;
	case STLS_FTP:
		if (dir == STLS_C2S)
			ftp_client(f, c, d->line, n);
		else
			ftp_server(f, c, d->line, n);
		break;
	}
	d->len = 0;
	d->overlong = 0;
	d->tail_n = 0;
	d->tail_pos = 0;
	d->flags &= ~(D_CAPS | D_BRACKET | D_CAPEND | D_TOKSKIP | D_STREAMED);
}

static int line_empty(const struct stls_dirstate *d)
{
	return !d->len && !d->overlong && !(d->flags & D_STREAMED);
}

/*
 * The first client bytes after the go-ahead: a TLS handshake record header
 * (16 03 00..04) or cleartext. Returns whether @b was taken as part of it.
 */
static int client_hello(struct stls_flow *f, struct stls_ctx *c, stls_u8 b,
			stls_size_t i)
{
	static const char seen[2] = { 0x16, 0x03 };
	struct stls_dirstate *d = &f->dir[STLS_C2S];

	if ((f->hello == 0 && b == 0x16) || (f->hello == 1 && b == 0x03) ||
	    (f->hello == 2 && b <= 0x04)) {
		if (++f->hello == 3) {
			f->phase = STLS_PH_TLS;
			report(c, STLS_EV_TLS_STARTED);
			if (f->proto == STLS_FTP)
				ftp_tls_start(f, b);
		}
		return 1;
	}
	f->phase = STLS_PH_NO_TLS;
	report(c, STLS_EV_TLS_MISSING);
	/* The bytes that looked like a record header start a line. */
	if (line_empty(d))
		c->off = i >= f->hello ? i - f->hello : 0;
	line_add(f, STLS_C2S, (const stls_u8 *)seen, f->hello);
	return 0;
}

/**
 * stls_init() - starts a flow's parser state
 * @f: the state
 * @proto: the flow's protocol
 *
 * Context: any.
 */
void stls_init(struct stls_flow *f, enum stls_proto proto)
{
	memset(f, 0, sizeof(*f));
	f->proto = proto;
	f->phase = STLS_PH_PLAIN;
	f->prev_phase = STLS_PH_PLAIN;
}

/**
 * stls_opaque() - whether further bytes can give no finding
 * @f: the flow
 *
 * An SMTP, POP3 or IMAP flow in TLS, or an FTP flow in TLS that lost track
 * of the records in both directions. The caller may stop feeding the flow
 * then.
 *
 * Context: any; the caller serializes calls on @f.
 * Return: nonzero when further bytes can give no finding.
 */
int stls_opaque(const struct stls_flow *f)
{
	stls_u16 lost = P_LOST(STLS_C2S) | P_LOST(STLS_S2C);

	return f->phase == STLS_PH_TLS &&
	       (f->proto != STLS_FTP || (f->pflags & lost) == lost);
}

/**
 * stls_feed() - feeds in-order payload bytes of one direction
 * @f: the flow
 * @dir: the direction
 * @data: the bytes
 * @len: their number
 * @res: the findings (cleared first)
 *
 * Once the phase is STLS_PH_TLS, SMTP, POP3 and IMAP flows are opaque and
 * further calls report nothing. FTP flows are followed record by record in
 * both directions (5-byte TLS record headers, bodies skipped) until a
 * direction holds, at a record boundary, a byte that cannot start a
 * record: the control connection is back in cleartext (RFC 4217 CCC). The
 * first direction to show it reports STLS_EV_CCC (block_off: that byte),
 * the phase becomes STLS_PH_CCC, and from that byte on the direction is
 * parsed as cleartext FTP again (so USER and PASS give CLEAR_AUTH); the
 * other direction follows when it shows cleartext too. A record header
 * broken off in the middle stops the following of that direction (nothing
 * more is reported from it).
 *
 * Context: any; the caller serializes calls on @f.
 */
void stls_feed(struct stls_flow *f, enum stls_dir dir, const stls_u8 *data,
	       stls_size_t len, struct stls_result *res)
{
	struct stls_ctx c = { .res = res };
	struct stls_dirstate *d;
	const stls_u8 *nl;
	stls_size_t i = 0, n;

	memset(res, 0, sizeof(*res));
	if ((dir != STLS_C2S && dir != STLS_S2C) || f->proto < STLS_SMTP ||
	    f->proto > STLS_FTP)
		return;
	d = &f->dir[dir];
	while (i < len) {
		if (f->pflags & P_REC(dir)) {
			i += ftp_records(f, &c, dir, data + i, len - i, i);
			continue;
		}
		if (f->phase == STLS_PH_TLS)
			break;
		if (dir == STLS_C2S && f->phase == STLS_PH_ACCEPTED &&
		    client_hello(f, &c, data[i], i)) {
			i++;
			continue;
		}
		if (dir == STLS_S2C && f->phase == STLS_PH_ACCEPTED &&
		    !(f->flags & F_INJ_S)) {
			f->flags |= F_INJ_S;
			report_at(&c, STLS_EV_RESP_INJECTION, i);
		}
		if (dir == STLS_C2S && f->phase == STLS_PH_REQUESTED &&
		    !(f->flags & F_INJ_C)) {
			f->flags |= F_INJ_C;
			report_at(&c, STLS_EV_CMD_INJECTION, i);
		}
		if (d->skip) {
			d->flags &= ~D_SYNCLIT;	/* the literal is coming */
			n = len - i < d->skip ? len - i : d->skip;
			d->skip -= n;
			i += n;
			continue;
		}
		if (line_empty(d))
			c.off = i;
		nl = memchr(data + i, '\n', len - i);
		n = nl ? (stls_size_t)(nl - (data + i)) : len - i;
		line_add(f, dir, data + i, n);
		i += n;
		if (nl) {
			i++;
			line_end(f, dir, &c);
		}
	}
}
