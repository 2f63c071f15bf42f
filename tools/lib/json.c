// SPDX-License-Identifier: GPL-2.0
/* A tiny streaming JSON writer; see json.h. */
#include "json.h"

#include <inttypes.h>

void json_init(struct json *j, FILE *out, bool pretty)
{
	j->out = out;
	j->pretty = pretty;
	j->error = false;
	j->first = true;
	j->after_key = false;
	j->depth = 0;
}

static void indent(struct json *j)
{
	unsigned int i;

	fputc('\n', j->out);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

static bool in_object(const struct json *j)
{
	return j->depth > 0 && j->stack[j->depth - 1] == '{';
}

/*
 * Called before every key or value: emits the separator from the previous
 * sibling. A value that follows its key needs none, and a value directly
 * inside an object (without a key) is a caller bug.
 */
static void begin_item(struct json *j, bool is_key)
{
	if (j->after_key) {
		j->after_key = false;
		if (is_key)
			j->error = true;
		return;
	}
	if (in_object(j) != is_key)
		j->error = true;
	if (j->depth == 0 && !j->first)
		j->error = true;	/* a second top-level value */
	if (!j->first)
		fputc(',', j->out);
	if (j->pretty && j->depth > 0)
		indent(j);
	j->first = false;
}

static void open_container(struct json *j, char c)
{
	begin_item(j, false);
	if (j->depth >= JSON_MAX_DEPTH) {
		j->error = true;
		return;
	}
	j->stack[j->depth++] = c;
	fputc(c, j->out);
	j->first = true;
}

static void close_container(struct json *j, char open, char close)
{
	if (j->depth == 0 || j->stack[j->depth - 1] != open || j->after_key) {
		j->error = true;
		return;
	}
	j->depth--;
	/* An empty container stays on one line: {} and []. */
	if (j->pretty && !j->first)
		indent(j);
	fputc(close, j->out);
	j->first = false;
}

void json_object_open(struct json *j)
{
	open_container(j, '{');
}

void json_object_close(struct json *j)
{
	close_container(j, '{', '}');
}

void json_array_open(struct json *j)
{
	open_container(j, '[');
}

void json_array_close(struct json *j)
{
	close_container(j, '[', ']');
}

void json_key(struct json *j, const char *key)
{
	begin_item(j, true);
	json_write_string(j->out, key);
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	begin_item(j, false);
	json_write_string(j->out, s);
}

void json_u64(struct json *j, uint64_t v)
{
	begin_item(j, false);
	fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, int64_t v)
{
	begin_item(j, false);
	fprintf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	begin_item(j, false);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	begin_item(j, false);
	fputs("null", j->out);
}

int json_finish(struct json *j)
{
	if (j->depth != 0 || j->after_key || j->first)
		j->error = true;
	fputc('\n', j->out);
	return j->error || ferror(j->out) ? -1 : 0;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
 * A NUL inside a sequence fails the continuation test, so this never reads
 * past the string's end.
 */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static void write_escape(FILE *out, unsigned char c)
{
	switch (c) {
	case '"':  fputs("\\\"", out); break;
	case '\\': fputs("\\\\", out); break;
	case '\b': fputs("\\b", out); break;
	case '\f': fputs("\\f", out); break;
	case '\n': fputs("\\n", out); break;
	case '\r': fputs("\\r", out); break;
	case '\t': fputs("\\t", out); break;
	default:   fprintf(out, "\\u%04x", c); break;
	}
}

void json_write_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', out);
	while (*s) {
		/* DEL is legal JSON but escaped so output is terminal-safe. */
		if (*s < 0x20 || *s == '"' || *s == '\\' || *s == 0x7f) {
			write_escape(out, *s++);
			continue;
		}
		n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", out);
			s++;
			continue;
		}
		fwrite(s, 1, n, out);
		s += n;
	}
	fputc('"', out);
}
