/* venvscope: see and clean up Python virtual environments.
 * main parses the subcommand and hands over to a front end. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: venvscope [COMMAND] [OPTIONS] [ROOT...]\n"
	"\n"
	"Finds Python virtual environments and shows what each one is: base Python\n"
	"and whether it still exists, size, packages, symlink or copy, problems.\n"
	"\n"
	"commands:\n"
	"  list [ROOT...]   one row per environment (--json for scripts)\n"
	"  show ENV         everything about one environment (--json)\n"
	"\n"
	"With no command, venvscope runs `list` (the full-screen browser is coming).\n"
	"With no ROOT it scans the current folder and the usual central places.\n"
	"`venvscope COMMAND --help` tells more.\n"
	"\n"
	"  -h, --help       this text\n"
	"  --version        print the version\n";

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return CLI_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("venvscope %s\n", VS_VERSION);
		return CLI_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cli_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return cli_show(argc - 1, argv + 1);
	if (argc >= 2 && argv[1][0] != '-' && strchr(argv[1], '/') == NULL) {
		/* A word that is neither a command nor an existing folder is a typo. */
		FILE *f = fopen(argv[1], "r");

		if (!f) {
			fprintf(stderr, "venvscope: '%s' is not a command nor a folder (see --help)\n",
				argv[1]);
			return CLI_EXIT_USAGE;
		}
		fclose(f);
	}
	/* Until the browser lands, no command means `list`. */
	argv[0] = "list";
	return cli_list(argc, argv);
}
