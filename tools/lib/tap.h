/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP (version 13) output for the userspace unit tests. */
#ifndef TLSGW_TAP_H
#define TLSGW_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned int tap_run, tap_failed;

static inline void tap_plan(unsigned int n)
{
	printf("TAP version 13\n1..%u\n", n);
}

/* Compares strings, showing both on failure. */
static inline void tap_is(const char *got, const char *want, const char *desc)
{
	bool ok = got && !strcmp(got, want);

	printf("%s %u - %s\n", ok ? "ok" : "not ok", ++tap_run, desc);
	if (!ok) {
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		       want);
		tap_failed++;
	}
}

static inline void tap_ok(bool ok, const char *desc)
{
	printf("%s %u - %s\n", ok ? "ok" : "not ok", ++tap_run, desc);
	if (!ok)
		tap_failed++;
}

/* Exit status: 0 only if every planned test ran and passed. */
static inline int tap_done(unsigned int planned)
{
	if (tap_run != planned)
		printf("# planned %u tests but ran %u\n", planned, tap_run);
	return tap_failed || tap_run != planned ? 1 : 0;
}

#endif /* TLSGW_TAP_H */
