// SPDX-License-Identifier: GPL-2.0
/*
 * The "info" object: tlsgwctl info [show | reset-counters], and "stats":
 * tlsgwctl stats [show | reset], the same counters on their own.
 */
#include "ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <linux/tlsgw.h>

#include "fmt.h"
#include "info.h"
#include "json.h"

void info_counters_json(struct json *j, const struct info_counter *counters,
			unsigned int n)
{
	char buf[32];
	unsigned int i;

	json_object_open(j);
	for (i = 0; i < n; i++) {
		json_key(j, info_counter_name(counters[i].type, buf,
					      sizeof(buf)));
		json_u64(j, counters[i].value);
	}
	json_object_close(j);
}

static void print_text(FILE *out, const struct tlsgw_info *info)
{
	char buf[32];
	unsigned int i;

	fputs("module version ", out);
	/* The version comes from the kernel: keep control bytes off the tty. */
	fmt_sanitized(out, info->version);
	fputs("\nfeatures:", out);
	for (i = 0; i < 64; i++)
		if (info->features & (UINT64_C(1) << i))
			fprintf(out, " %s", info_feature_name(i, buf, sizeof(buf)));
	fputs(info->features ? "\n" : " none\n", out);
	fputs("counters:\n", out);
	for (i = 0; i < info->n_counters; i++)
		fprintf(out, "  %s %" PRIu64 "\n",
			info_counter_name(info->counters[i].type, buf, sizeof(buf)),
			info->counters[i].value);
}

static void print_json(FILE *out, const struct tlsgw_info *info, bool pretty)
{
	struct json j;
	char buf[32];
	unsigned int i;

	json_init(&j, out, pretty);
	json_object_open(&j);
	json_key(&j, "version");
	json_string(&j, info->version);
	json_key(&j, "features");
	json_array_open(&j);
	for (i = 0; i < 64; i++)
		if (info->features & (UINT64_C(1) << i))
			json_string(&j, info_feature_name(i, buf, sizeof(buf)));
	json_array_close(&j);
	json_key(&j, "counters");
	info_counters_json(&j, info->counters, info->n_counters);
	json_object_close(&j);
	json_finish(&j);
}

void info_print(FILE *out, const struct tlsgw_info *info,
		const struct cli_opts *opts)
{
	if (opts->json)
		print_json(out, info, opts->pretty);
	else
		print_text(out, info);
}

void stats_print(FILE *out, const struct tlsgw_info *info,
		 const struct cli_opts *opts)
{
	struct json j;
	char buf[32];
	unsigned int i;

	if (opts->json) {
		json_init(&j, out, opts->pretty);
		info_counters_json(&j, info->counters, info->n_counters);
		json_finish(&j);
		return;
	}
	for (i = 0; i < info->n_counters; i++)
		fprintf(out, "%s %" PRIu64 "\n",
			info_counter_name(info->counters[i].type, buf,
					  sizeof(buf)),
			info->counters[i].value);
}

static int info_open_query(uint32_t flags, struct tlsgw_info *info,
			   struct tnl_status *st)
{
	struct tnl nl;
	int rc;

	if (tnl_open(&nl, st) < 0)
		return -1;
	rc = info_query(&nl, flags, info, st);
	tnl_close(&nl);
	return rc;
}

/*
 * A module without counter reset rejects the unknown flag bit (strict
 * validation, -EINVAL) or, if it is older still, the attribute itself;
 * say so in words rather than as a bare "Invalid argument".
 */
static void report_reset_failure(const struct tnl_status *st)
{
	if (st->fail == TNL_KERNEL &&
	    (st->code == EINVAL || st->code == EOPNOTSUPP)) {
		cli_error("the loaded tlsgw module does not support resetting "
			  "counters (module too old?)");
		if (st->msg[0])
			tnl_report_kernel(st);
		return;
	}
	tnl_report(st);
}

typedef void (*info_print_fn)(FILE *out, const struct tlsgw_info *info,
			      const struct cli_opts *opts);

static int run_info(const struct cli_opts *opts, uint32_t flags,
		    info_print_fn print)
{
	struct tlsgw_info info;
	struct tnl_status st;

	if (info_open_query(flags, &info, &st) < 0) {
		if (flags & TLSGW_INFO_F_RESET_COUNTERS)
			report_reset_failure(&st);
		else
			tnl_report(&st);
		return CLI_EXIT_FAIL;
	}
	print(stdout, &info, opts);
	return CLI_EXIT_OK;
}

static int cmd_show(const struct cli_opts *opts, int argc, char **argv)
{
	int rc = cli_no_args(argc, argv);

	return rc ? rc : run_info(opts, 0, info_print);
}

static int cmd_reset(const struct cli_opts *opts, int argc, char **argv)
{
	int rc = cli_no_args(argc, argv);

	return rc ? rc : run_info(opts, TLSGW_INFO_F_RESET_COUNTERS,
				  info_print);
}

static int cmd_stats_show(const struct cli_opts *opts, int argc, char **argv)
{
	int rc = cli_no_args(argc, argv);

	return rc ? rc : run_info(opts, 0, stats_print);
}

static int cmd_stats_reset(const struct cli_opts *opts, int argc, char **argv)
{
	int rc = cli_no_args(argc, argv);

	return rc ? rc : run_info(opts, TLSGW_INFO_F_RESET_COUNTERS,
				  stats_print);
}

static const struct cli_cmd info_cmds[] = {
	{ "show", "", "module version, features and counters", cmd_show },
	{ "reset-counters", "",
	  "show the counters, then reset them to zero", cmd_reset },
	{ 0 }
};

const struct cli_object info_object = {
	.name = "info",
	.help = "the tlsgw module and this namespace's counters",
	.default_cmd = "show",
	.cmds = info_cmds,
};

static const struct cli_cmd stats_cmds[] = {
	{ "show", "", "this namespace's counters, one per line",
	  cmd_stats_show },
	{ "reset", "", "show the counters, then reset them to zero "
	  "(as info reset-counters)", cmd_stats_reset },
	{ 0 }
};

const struct cli_object stats_object = {
	.name = "stats",
	.help = "this namespace's counters",
	.default_cmd = "show",
	.cmds = stats_cmds,
};
