/* Command-line options shared by the subcommands that scan, and by the
 * browser: they become the one scan request (scan.h) that main hands to the
 * chosen front end, plus the few options of the front ends themselves. */
#ifndef VS_CLI_OPTIONS_H
#define VS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../scan/scan.h"
#include "../util/err.h"
#include "../util/vec.h"
#include "config.h"

/* The default stale days as text, for the help pages. */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)
#define CLI_STALE_DAYS_DEFAULT_TEXT CLI_STR(SCAN_STALE_DAYS_DEFAULT)

struct cli_opts {
	/* What to scan. req.roots and req.excludes point into the vectors
	 * below; stale_days is SCAN_STALE_DAYS_DEFAULT unless given; now and
	 * home are left 0 / NULL (the scan's defaults). */
	struct scan_request req;
	struct vs_vec roots;    /* the ROOTs as given, ~ expanded, or the defaults (owned) */
	struct vs_vec excludes; /* --exclude globs (borrowed from argv) */
	bool default_roots;     /* no ROOT given: roots are "." and the central places */
	/* The front ends' own options. */
	bool json;
	int sort; /* enum scan_sort */
	bool sort_given;
	bool reverse;
	bool help;
	bool paths;        /* list --paths: one env path a line, nothing measured */
	const char *theme; /* --theme (the browser only) */
	/* The config file (CLI_OPT_CONFIG: the browser only). */
	const char *config_path; /* --config PATH, or NULL: the default place */
	bool no_config;          /* --no-config: neither config nor state is read or written */
	bool print_config;       /* --print-config */
	unsigned given;          /* 1 << enum cli_key: set on the command line */
};

/* Which options a command takes besides the scan options, and whether no
 * ROOT means the default roots (list and the browser). */
enum {
	CLI_OPT_SORT = 1 << 0,
	CLI_OPT_THEME = 1 << 1,
	CLI_OPT_DEFAULT_ROOTS = 1 << 2,
	CLI_OPT_CONFIG = 1 << 3,       /* --config PATH, --no-config */
	CLI_OPT_PRINT_CONFIG = 1 << 4, /* --print-config (the browser) */
	CLI_OPT_PATHS = 1 << 5,        /* --paths (list) */
};

/* Parses argv[1..] of subcommand `cmd` (argv[0] is the subcommand name).
 * `flags` (CLI_OPT_*) says which extra options are accepted. Returns 0, or
 * VS_EUSAGE with a sentence in err. `o` is always to be freed with
 * cli_opts_free. */
int cli_parse_opts(struct cli_opts *o, int argc, char **argv, unsigned flags, struct vs_err *err);
void cli_opts_free(struct cli_opts *o);
/* cli_parse_opts, then the two answers every command gives the same way:
 * a usage error, "venvscope CMD: SENTENCE" on stderr (`cmd` NULL: the
 * browser's "venvscope: ..."), and --help, `usage` on stdout. `roots`: how
 * many ROOT/ENV arguments the command needs (-1: any number). Returns -1
 * when the command goes on with `o`; otherwise the exit status, with `o`
 * already freed. */
int cli_start(struct cli_opts *o, int argc, char **argv, unsigned flags, int roots, const char *cmd,
	      const char *usage);

/* The options every command accepts (today --theme NAME|PATH, which only
 * the browser uses): takes them out of argv[1..] (up to a "--") and keeps
 * the rest in order, so each command parses only its own. Sets *theme when
 * given. Returns 0, or VS_EUSAGE with a sentence in err. */
int cli_take_common_opts(int *argc, char **argv, const char **theme, struct vs_err *err);

#endif
