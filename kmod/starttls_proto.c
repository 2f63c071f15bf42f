// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY STUB of the STARTTLS parsers (the real ones come from the
 * starttls branch and replace this file): SMTP only, enough to develop
 * the netfilter side against.
 */
#include "starttls_proto.h"

void stp_init(struct stp_flow *f, enum stp_proto proto)
{
	memset(f, 0, sizeof(*f));
	f->proto = proto;
}

static int stp_line_is(const struct stp_dirstate *d, const char *word)
{
	size_t n = strlen(word), i;

	if (d->len < n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = d->line[i];

		if (c >= 'a' && c <= 'z')
			c -= 32;
		if (c != word[i])
			return 0;
	}
	return 1;
}

static unsigned int stp_c2s_line(struct stp_flow *f, struct stp_dirstate *d)
{
	if (stp_line_is(d, "STARTTLS") && f->phase == STP_PH_PLAIN) {
		f->phase = STP_PH_REQUESTED;
		return STP_EV_REQUESTED;
	}
	if (stp_line_is(d, "AUTH ") && f->phase != STP_PH_TLS)
		return STP_EV_CLEAR_AUTH;
	return 0;
}

static unsigned int stp_s2c_line(struct stp_flow *f, struct stp_dirstate *d)
{
	if (f->phase == STP_PH_REQUESTED && d->len >= 3) {
		if (d->line[0] == '2') {
			f->phase = STP_PH_ACCEPTED;
			return STP_EV_ACCEPTED;
		}
		f->phase = STP_PH_PLAIN;
		return STP_EV_REFUSED;
	}
	if (d->len >= 4 && d->line[0] == '2' && d->line[1] == '5') {
		const struct stp_dirstate tmp = *d;
		struct stp_dirstate t2 = tmp;

		memmove(t2.line, t2.line + 4, t2.len - 4);
		t2.len -= 4;
		if (stp_line_is(&t2, "STARTTLS"))
			return STP_EV_OFFERED;
		if (stp_line_is(&t2, "XXXXXXXX"))
			return STP_EV_STRIPPED;
	}
	return 0;
}

void stp_feed(struct stp_flow *f, enum stp_dir dir, const stp_u8 *data,
	      stp_size_t len, struct stp_result *res)
{
	struct stp_dirstate *d = &f->dir[dir];
	stp_size_t i, start = 0;
	unsigned int ev;

	res->events = 0;
	res->block_off = 0;
	for (i = 0; i < len; i++) {
		if (f->phase == STP_PH_TLS)
			return;
		if (f->phase == STP_PH_ACCEPTED) {
			if (dir == STP_C2S) {
				f->phase = data[i] == 0x16 ? STP_PH_TLS
							   : STP_PH_NO_TLS;
				res->events |= f->phase == STP_PH_TLS ?
					STP_EV_TLS_STARTED : STP_EV_TLS_MISSING;
				continue;
			}
			res->events |= STP_EV_RESP_INJECTION;
			res->block_off = i;
			return;
		}
		if (dir == STP_C2S && f->phase == STP_PH_REQUESTED &&
		    (f->flags & 1)) {
			res->events |= STP_EV_CMD_INJECTION;
			res->block_off = start;
			f->flags &= ~1;
		}
		if (d->len < STP_LINE_MAX)
			d->line[d->len++] = data[i];
		if (data[i] != '\n')
			continue;
		ev = dir == STP_C2S ? stp_c2s_line(f, d) : stp_s2c_line(f, d);
		if (ev & STP_EV_REQUESTED)
			f->flags |= 1;
		if (ev & STP_EV_CLEAR_AUTH)
			res->block_off = start;
		res->events |= ev;
		d->len = 0;
		start = i + 1;
	}
	f->flags &= ~1;
}
