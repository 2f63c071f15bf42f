// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the STARTTLS parsers (../kmod/starttls/proto.c),
 * built once per protocol with -DPROTO=STLS_SMTP (STLS_POP3, STLS_IMAP,
 * STLS_FTP).
 *
 * The input is a script of steps, each a header byte (bit 0: direction,
 * 0 client to server, 1 server to client; bits 1-7: chunk length) and that
 * many payload bytes (fewer at the end of the input). The script is played
 * three times on fresh flows: as written, one byte per call, and with each
 * run of same-direction steps in one call. The three must agree on the
 * events of every run and on the whole final struct stls_flow; any
 * disagreement, or a broken invariant, aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kmod/starttls/proto.h"

#ifndef PROTO
#error "build with -DPROTO=STLS_SMTP (or STLS_POP3, STLS_IMAP, STLS_FTP)"
#endif

#define MAX_STEPS 4096

struct step {
	enum stls_dir dir;
	const uint8_t *p;
	size_t len;
	size_t run;		/* index of the run of same-direction steps */
};

static struct step steps[MAX_STEPS];
static unsigned int run_ev[3][MAX_STEPS];

static void fail(const char *what, size_t run)
{
	fprintf(stderr, "starttls fuzz: %s (run %zu)\n", what, run);
	abort();
}

static void check_flow(const struct stls_flow *f)
{
	int d;

	if (f->phase > STLS_PH_CCC || f->prev_phase > STLS_PH_CCC)
		fail("phase out of range", 0);
	if (f->proto != PROTO || f->qlen > STLS_QUEUE_MAX ||
	    f->hello > 2 + (f->phase == STLS_PH_TLS))
		fail("flow field out of range", 0);
	for (d = 0; d < 2; d++) {
		if (f->dir[d].len > STLS_LINE_MAX ||
		    f->dir[d].tail_n > STLS_TAIL_MAX ||
		    f->dir[d].tail_pos >= STLS_TAIL_MAX)
			fail("line state out of range", 0);
		if (f->dir[d].overlong && f->dir[d].len != STLS_LINE_MAX)
			fail("overlong with a short line", 0);
	}
}

static void feed(struct stls_flow *f, const struct step *s, const uint8_t *p,
		 size_t len, unsigned int *ev)
{
	struct stls_result res;
	enum stls_phase before = stls_phase(f);

	/* a copy, so that ASan catches reads past the chunk */
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		abort();
	memcpy(buf, p, len);
	stls_feed(f, s->dir, buf, len, &res);
	free(buf);
	if (res.events & ~STLS_EV_ALL)
		fail("unknown event bit", s->run);
	if (res.events & STLS_EV_BLOCKING) {
		if (res.block_off >= len)
			fail("block_off outside the chunk", s->run);
	} else if (res.block_off) {
		fail("block_off without a blocking event", s->run);
	}
	/*
	 * Nothing happens once the flow is in TLS, but for FTP going back to
	 * cleartext (CCC, with what the cleartext after it says).
	 */
	if (before == STLS_PH_TLS &&
	    (res.events || stls_phase(f) != STLS_PH_TLS) &&
	    (PROTO != STLS_FTP || !(res.events & STLS_EV_CCC) ||
	     stls_phase(f) == STLS_PH_TLS))
		fail("activity after TLS", s->run);
	if ((res.events & STLS_EV_CCC) && PROTO != STLS_FTP)
		fail("CCC outside FTP", s->run);
	check_flow(f);
	*ev |= res.events;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stls_flow flow[3];
	size_t nsteps = 0, nruns = 0, i, j, k, pos = 0;

	while (pos < size && nsteps < MAX_STEPS) {
		struct step *s = &steps[nsteps];
		size_t len = data[pos] >> 1;

		s->dir = data[pos] & 1 ? STLS_S2C : STLS_C2S;
		pos++;
		if (len > size - pos)
			len = size - pos;
		s->p = data + pos;
		s->len = len;
		pos += len;
		if (!nsteps || steps[nsteps - 1].dir != s->dir)
			nruns++;
		s->run = nruns - 1;
		nsteps++;
	}
	memset(run_ev, 0, sizeof(run_ev[0][0]) * 3 * MAX_STEPS);
	for (k = 0; k < 3; k++)
		stls_init(&flow[k], PROTO);

	/* as written, and one byte at a time */
	for (i = 0; i < nsteps; i++) {
		feed(&flow[0], &steps[i], steps[i].p, steps[i].len,
		     &run_ev[0][steps[i].run]);
		for (j = 0; j < steps[i].len; j++)
			feed(&flow[1], &steps[i], steps[i].p + j, 1,
			     &run_ev[1][steps[i].run]);
	}
	/* each run of same-direction steps in one call */
	for (i = 0; i < nsteps; i = j) {
		size_t len = 0;

		for (j = i; j < nsteps && steps[j].run == steps[i].run; j++)
			len += steps[j].len;
		{
			uint8_t *run = malloc(len ? len : 1);
			size_t off = 0;

			if (!run)
				abort();
			for (k = i; k < j; k++) {
				memcpy(run + off, steps[k].p, steps[k].len);
				off += steps[k].len;
			}
			feed(&flow[2], &steps[i], run, len,
			     &run_ev[2][steps[i].run]);
			free(run);
		}
	}
	for (i = 0; i < nruns; i++)
		if (run_ev[0][i] != run_ev[1][i] || run_ev[0][i] != run_ev[2][i])
			fail("events differ between splits", i);
	if (memcmp(&flow[0], &flow[1], sizeof(flow[0])) ||
	    memcmp(&flow[0], &flow[2], sizeof(flow[0])))
		fail("final state differs between splits", nruns);
	return 0;
}
