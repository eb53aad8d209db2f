#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../actions/open.h"
#include "../scan/places.h"
#include "../scan/sort.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "cli.h"

enum {
	OPT_NO_SIZE = 256,
	OPT_STALE_DAYS,
	OPT_THREADS,
	OPT_SORT,
	OPT_REVERSE,
	OPT_EXCLUDE,
	OPT_DEPTH,
	OPT_THEME,
	OPT_NO_GIT,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_PRINT_CONFIG,
	OPT_PATHS
};

static const struct option long_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"depth", required_argument, NULL, OPT_DEPTH},
	{"exclude", required_argument, NULL, OPT_EXCLUDE},
	{"one-file-system", no_argument, NULL, 'x'},
	{"no-size", no_argument, NULL, OPT_NO_SIZE},
	{"no-git", no_argument, NULL, OPT_NO_GIT},
	{"stale-days", required_argument, NULL, OPT_STALE_DAYS},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"sort", required_argument, NULL, OPT_SORT},
	{"reverse", no_argument, NULL, OPT_REVERSE},
	{"help", no_argument, NULL, 'h'},
	{"theme", required_argument, NULL, OPT_THEME},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
	{"paths", no_argument, NULL, OPT_PATHS},
	{NULL, 0, NULL, 0},
};

static int parse_int(const char *s, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int handle(struct cli_opts *o, int c, unsigned flags, struct vs_err *err)
{
	bool with_sort = flags & CLI_OPT_SORT;

	switch (c) {
	case 'j':
		o->json = true;
		return 0;
	case 'x':
		o->req.one_file_system = true;
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case OPT_NO_SIZE:
		o->req.no_size = true;
		return 0;
	case OPT_NO_GIT:
		o->req.no_git = true;
		return 0;
	case OPT_EXCLUDE:
		vs_vec_push(&o->excludes, optarg);
		return 0;
	case OPT_DEPTH:
		if (parse_int(optarg, 0, &o->req.max_depth) == 0)
			return o->given |= 1u << CLI_KEY_DEPTH, 0;
		return vs_err_set(err, VS_EUSAGE,
				  "--depth wants a number of levels (0 or more), not '%s'", optarg);
	case OPT_STALE_DAYS:
		if (parse_int(optarg, 0, &o->req.stale_days) == 0)
			return o->given |= 1u << CLI_KEY_STALE_DAYS, 0;
		return vs_err_set(err, VS_EUSAGE, "--stale-days wants a number of days, not '%s'",
				  optarg);
	case OPT_THREADS:
		if (parse_int(optarg, 1, &o->req.threads) == 0)
			return o->given |= 1u << CLI_KEY_THREADS, 0;
		return vs_err_set(err, VS_EUSAGE, "--threads wants a number above 0, not '%s'", optarg);
	case OPT_SORT:
		if (with_sort && (o->sort = scan_sort_parse(optarg)) >= 0) {
			o->sort_given = true;
			o->given |= 1u << CLI_KEY_SORT;
			return 0;
		}
		if (!with_sort)
			break;
		return vs_err_set(err, VS_EUSAGE,
				  "--sort wants one of size, name, age, used, python, path; not '%s'",
				  optarg);
	case OPT_THEME:
		if (!(flags & CLI_OPT_THEME))
			break;
		o->theme = optarg;
		o->given |= 1u << CLI_KEY_THEME;
		return 0;
	case OPT_PATHS:
		if (!(flags & CLI_OPT_PATHS))
			break;
		o->paths = true;
		return 0;
	case OPT_REVERSE:
		if (!with_sort)
			break;
		o->reverse = true;
		o->given |= 1u << CLI_KEY_REVERSE;
		return 0;
	case OPT_CONFIG:
	case OPT_NO_CONFIG:
	case OPT_PRINT_CONFIG:
		if (!(flags & (c == OPT_PRINT_CONFIG ? CLI_OPT_PRINT_CONFIG : CLI_OPT_CONFIG)))
			break;
		if (c == OPT_CONFIG)
			o->config_path = optarg;
		else if (c == OPT_NO_CONFIG)
			o->no_config = true;
		else
			o->print_config = true;
		return 0;
	default:
		break;
	}
	return vs_err_set(err, VS_EUSAGE, "unknown option (see --help)");
}

int cli_parse_opts(struct cli_opts *o, int argc, char **argv, unsigned flags, struct vs_err *err)
{
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->req.max_depth = -1;
	o->req.stale_days = SCAN_STALE_DAYS_DEFAULT;
	o->sort = SCAN_SORT_PATH;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jxh", long_opts, &idx)) != -1) {
		if (c == '?') {
			const char *bad = argv[optind - 1];

			return vs_err_set(err, VS_EUSAGE,
					  "%s: unknown option or missing value (see %s --help)", bad,
					  argv[0]);
		}
		if (handle(o, c, flags, err) < 0) {
			if (strcmp(err->msg, "unknown option (see --help)") == 0)
				vs_err_set(err, VS_EUSAGE, "%s: not an option of %s (see --help)",
					   argv[optind - 1], argv[0]);
			return VS_EUSAGE;
		}
	}
	vs_vec_init_strs(&o->roots);
	for (int i = optind; i < argc; i++) {
		char *root = NULL;

		/* A ROOT given quoted ('~/x') reaches us as typed: the shell's rule. */
		if (path_expand_tilde(&root, argv[i], err) < 0)
			return VS_EUSAGE;
		vs_vec_push(&o->roots, root);
	}
	if (o->roots.n == 0 && (flags & CLI_OPT_DEFAULT_ROOTS)) {
		/* Worked out here only: every front end gets them in the request. */
		char **defaults = NULL;
		size_t n = scan_default_roots(&defaults, act_home());

		for (size_t i = 0; i < n; i++)
			vs_vec_push(&o->roots, defaults[i]);
		free(defaults);
		o->default_roots = true;
	}
	o->req.roots = (const char *const *)o->roots.v;
	o->req.n_roots = o->roots.n;
	o->req.excludes = (const char *const *)o->excludes.v;
	o->req.n_excludes = o->excludes.n;
	return 0;
}

int cli_take_common_opts(int *argc, char **argv, const char **theme, struct vs_err *err)
{
	int k = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			/* After "--" everything is an argument: keep it as it is. */
			while (i < *argc)
				argv[k++] = argv[i++];
			break;
		}
		if (strncmp(a, "--theme=", 8) == 0) {
			*theme = a + 8;
			continue;
		}
		if (strcmp(a, "--theme") == 0) {
			if (i + 1 >= *argc)
				return vs_err_set(err, VS_EUSAGE, "--theme wants a NAME or a PATH");
			*theme = argv[++i];
			continue;
		}
		argv[k++] = argv[i];
	}
	argv[k] = NULL;
	*argc = k;
	return 0;
}

int cli_start(struct cli_opts *o, int argc, char **argv, unsigned flags, int roots, const char *cmd,
	      const char *usage)
{
	struct vs_err err = {0};

	if (cli_parse_opts(o, argc, argv, flags, &err) == 0 && !o->help && roots >= 0 &&
	    o->req.n_roots != (size_t)roots)
		vs_err_set(&err, VS_EUSAGE, "give exactly %s (see --help)",
			   roots == 1 ? "one ENV" : "the arguments --help names");
	if (err.msg[0]) {
		fprintf(stderr, "venvscope%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", tw_esc(err.msg));
		cli_opts_free(o);
		return CLI_EXIT_USAGE;
	}
	if (o->help) {
		fputs(usage, stdout);
		cli_opts_free(o);
		return CLI_EXIT_OK;
	}
	return -1;
}

void cli_opts_free(struct cli_opts *o)
{
	vs_vec_clear(&o->roots);
	vs_vec_clear(&o->excludes);
	o->req.roots = o->req.excludes = NULL;
	o->req.n_roots = o->req.n_excludes = 0;
}
