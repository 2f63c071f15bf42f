/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer for tlsgwctl's -j/-p output.
 *
 * The caller emits values in document order; the writer inserts commas,
 * colons and (with pretty output) newlines and indentation, and escapes
 * strings. Strings are treated as UTF-8: valid sequences pass through,
 * invalid bytes become U+FFFD so the output is always valid JSON, whatever
 * the kernel (or a future attribute) hands us.
 */
#ifndef TLSGW_JSON_H
#define TLSGW_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	bool pretty;
	bool error;		/* misuse (unbalanced, key outside object) */
	bool first;		/* nothing written yet in the open container */
	bool after_key;		/* a key was written, its value comes next */
	unsigned int depth;
	char stack[JSON_MAX_DEPTH];	/* '{' or '[' per open container */
};

void json_init(struct json *j, FILE *out, bool pretty);

void json_object_open(struct json *j);
void json_object_close(struct json *j);
void json_array_open(struct json *j);
void json_array_close(struct json *j);

void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Ends the document with a newline; 0 if it was well formed and written. */
int json_finish(struct json *j);

/* Writes s as a quoted, escaped JSON string (exposed for the tests). */
void json_write_string(FILE *out, const char *s);

#endif /* TLSGW_JSON_H */
