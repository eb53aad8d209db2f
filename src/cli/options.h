/* Command-line options shared by the subcommands that scan. */
#ifndef VS_CLI_OPTIONS_H
#define VS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

struct cli_opts {
	char **roots; /* borrowed from argv; NULL-free array of n_roots */
	size_t n_roots;
	char **excludes; /* borrowed from argv */
	size_t n_excludes;
	int depth; /* -1 = unlimited */
	bool one_file_system;
	bool no_size;
	bool no_git;
	int stale_days;
	int threads; /* 0 = one per core */
	bool json;
	int sort; /* enum scan_sort */
	bool sort_given;
	bool reverse;
	bool help;
	const char *theme; /* --theme (the browser only) */
};

/* Which options a command takes besides the scan options. */
enum { CLI_OPT_SORT = 1 << 0, CLI_OPT_THEME = 1 << 1 };

/* Parses argv[1..] of subcommand `cmd` (argv[0] is the subcommand name).
 * `flags` (CLI_OPT_*) says which extra options are accepted. Returns 0, or
 * VS_EUSAGE with a sentence in err. The arrays in `o` are owned by `o`
 * (cli_opts_free). */
int cli_parse_opts(struct cli_opts *o, int argc, char **argv, unsigned flags, struct vs_err *err);
void cli_opts_free(struct cli_opts *o);

#endif
