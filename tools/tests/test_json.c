// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the JSON writer (json.c), TAP output. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "tap.h"

#define PLAN 21

/* Output of the last capture, freed by the next one. */
static char *buf;
static size_t len;
static FILE *mem;

static FILE *capture(void)
{
	free(buf);
	buf = NULL;
	mem = open_memstream(&buf, &len);
	if (!mem) {
		perror("open_memstream");
		exit(1);
	}
	return mem;
}

static const char *captured(void)
{
	fclose(mem);
	return buf;
}

static const char *escaped(const char *s)
{
	json_write_string(capture(), s);
	return captured();
}

static void test_escaping(void)
{
	tap_is(escaped("plain"), "\"plain\"", "plain string");
	tap_is(escaped(""), "\"\"", "empty string");
	tap_is(escaped("a\"b"), "\"a\\\"b\"", "double quote escaped");
	tap_is(escaped("a\\b"), "\"a\\\\b\"", "backslash escaped");
	tap_is(escaped("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"",
	       "short control escapes");
	tap_is(escaped("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"",
	       "other control bytes and DEL as \\u00XX");
	tap_is(escaped("/ is fine"), "\"/ is fine\"", "slash not escaped");
	tap_is(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92"),
	       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"",
	       "valid 2-, 3- and 4-byte UTF-8 passes through");
	tap_is(escaped("a\xff" "b\xc3"), "\"a\\ufffdb\\ufffd\"",
	       "invalid and truncated UTF-8 become U+FFFD");
	tap_is(escaped("\xc0\xaf\xed\xa0\x80"),
	       "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"",
	       "overlong form and surrogate rejected byte by byte");
}

static const char *sample(bool pretty)
{
	struct json j;

	json_init(&j, capture(), pretty);
	json_object_open(&j);
	json_key(&j, "s");
	json_string(&j, "x");
	json_key(&j, "n");
	json_array_open(&j);
	json_u64(&j, 0);
	json_u64(&j, UINT64_MAX);
	json_i64(&j, INT64_MIN);
	json_array_close(&j);
	json_key(&j, "o");
	json_object_open(&j);
	json_key(&j, "t");
	json_bool(&j, true);
	json_key(&j, "f");
	json_bool(&j, false);
	json_key(&j, "z");
	json_null(&j);
	json_object_close(&j);
	json_key(&j, "e");
	json_array_open(&j);
	json_array_close(&j);
	json_key(&j, "eo");
	json_object_open(&j);
	json_object_close(&j);
	json_object_close(&j);
	tap_ok(json_finish(&j) == 0, pretty ? "pretty document is well formed"
					    : "compact document is well formed");
	return captured();
}

static void test_documents(void)
{
	tap_is(sample(false),
	       "{\"s\":\"x\",\"n\":[0,18446744073709551615,"
	       "-9223372036854775808],\"o\":{\"t\":true,\"f\":false,"
	       "\"z\":null},\"e\":[],\"eo\":{}}\n",
	       "compact: numbers, nesting, empty containers, one line");
	tap_is(sample(true),
	       "{\n"
	       "  \"s\": \"x\",\n"
	       "  \"n\": [\n"
	       "    0,\n"
	       "    18446744073709551615,\n"
	       "    -9223372036854775808\n"
	       "  ],\n"
	       "  \"o\": {\n"
	       "    \"t\": true,\n"
	       "    \"f\": false,\n"
	       "    \"z\": null\n"
	       "  },\n"
	       "  \"e\": [],\n"
	       "  \"eo\": {}\n"
	       "}\n",
	       "pretty: indentation and separators");
}

static void test_keys_escaped(void)
{
	struct json j;

	json_init(&j, capture(), false);
	json_object_open(&j);
	json_key(&j, "k\"\n");
	json_string(&j, "v");
	json_object_close(&j);
	json_finish(&j);
	tap_is(captured(), "{\"k\\\"\\n\":\"v\"}\n", "keys are escaped too");
}

/* Misuse must be reported, never silently turned into bad JSON. */
static int misuse(int which)
{
	struct json j;
	int rc;

	json_init(&j, capture(), false);
	switch (which) {
	case 0:		/* value without a key inside an object */
		json_object_open(&j);
		json_u64(&j, 1);
		json_object_close(&j);
		break;
	case 1:		/* key inside an array */
		json_array_open(&j);
		json_key(&j, "k");
		json_u64(&j, 1);
		json_array_close(&j);
		break;
	case 2:		/* unclosed */
		json_array_open(&j);
		break;
	case 3:		/* mismatched close */
		json_array_open(&j);
		json_object_close(&j);
		break;
	case 4:		/* key without value */
		json_object_open(&j);
		json_key(&j, "k");
		json_object_close(&j);
		break;
	case 5:		/* two top-level values */
		json_u64(&j, 1);
		json_u64(&j, 2);
		break;
	}
	rc = json_finish(&j);
	captured();
	return rc;
}

static void test_misuse(void)
{
	static const char *const what[] = {
		"value without key in object", "key in array", "unclosed",
		"mismatched close", "key without value",
		"two top-level values",
	};
	char desc[80];
	int i;

	for (i = 0; i < 6; i++) {
		snprintf(desc, sizeof(desc), "misuse detected: %s", what[i]);
		tap_ok(misuse(i) == -1, desc);
	}
}

int main(void)
{
	tap_plan(PLAN);
	test_escaping();
	test_documents();
	test_keys_escaped();
	test_misuse();
	free(buf);
	return tap_done(PLAN);
}
