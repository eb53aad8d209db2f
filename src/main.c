/* venvscope: see and clean up Python virtual environments.
 * main picks the front end: a subcommand runs the command line; no
 * subcommand opens the browser (or prints the list where no terminal is). */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "scan/sort.h"
#include "ui/ui.h"
#include "util/textwidth.h"

static const char usage[] =
	"usage: venvscope [OPTIONS] [ROOT...]\n"
	"       venvscope COMMAND [OPTIONS] ...\n"
	"\n"
	"Finds Python virtual environments and shows what each one is: base Python\n"
	"and whether it still exists, size, packages, symlink or copy, problems.\n"
	"With no command it opens the browser, a full-screen view of every\n"
	"environment (press ? there for the keys); where there is no terminal it\n"
	"prints the list instead. With no ROOT it scans the current folder and the\n"
	"usual central places (~/venvs, ~/.virtualenvs, pipenv, poetry, pipx, conda's\n"
	"envs, ...); conda, mamba, micromamba and pixi envs are found too.\n"
	"\n"
	"commands:\n"
	"  list [ROOT...]   one row per environment (--json for scripts)\n"
	"  show ENV         everything about one environment (--json)\n"
	"  freeze ENV       requirements.txt exactly as pip freeze, without pip (-o FILE|-);\n"
	"                   a conda env's environment.yml (--explicit: its URL list)\n"
	"  create DIR...    make environments (--python, venv's options)\n"
	"  clear ENV        empty an environment, keeping how it was made\n"
	"  upgrade ENV      follow an updated base Python (--deps: upgrade pip)\n"
	"  rebuild ENV      make it again with its packages (--python; old one to the trash)\n"
	"  shell ENV        a subshell with the environment activated\n"
	"  pythons          the interpreters this machine has, and the envs using each\n"
	"  delete ENV...    delete safely, keeping each one's recipe (--trash, --dry-run)\n"
	"  deleted          the recipes of deleted environments\n"
	"  recreate RECORD  make a deleted environment again from its recipe\n"
	"  gitignore ENV    make git ignore it (--inner; takes tracked files out of the index)\n"
	"  caches           the shared caches of pip, uv, poetry, conda... (--clean TOOL)\n"
	"  dupes [ROOT...]  packages installed in several envs: duplicated vs hard-linked (--json)\n"
	"\n"
	"options of the browser (and of list):\n"
	"  --sort KEY           size (default here), name, age, used, python or path\n"
	"  --reverse            reverse the order\n"
	"  --depth N            look at most N levels below each ROOT\n"
	"  --exclude GLOB       skip folders whose name or path matches (repeatable)\n"
	"  -x, --one-file-system  stay on each ROOT's filesystem\n"
	"  --no-size            do not measure sizes\n"
	"  --no-git             do not ask git whether envs are ignored\n"
	"  --stale-days N       untouched for more than N days is stale (default " CLI_STALE_DAYS_DEFAULT_TEXT
	")\n"
	"  --threads N          worker threads (default: one per core)\n"
	"  --json               where there is no terminal: the list as list --json prints it\n"
	"  -h, --help           this text\n"
	"  --version            print the version\n"
	"\n"
	"options every command accepts:\n"
	"  --theme NAME|PATH    default, light, mono, high-contrast, or a theme file\n"
	"                       (used by the browser; checked everywhere)\n"
	"\n"
	"`venvscope COMMAND --help` tells more. NO_COLOR=1 turns colours off.\n";

/* The subcommands: argv starts at the command's name. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	bool c_locale; /* runs in the "C" locale: its output must not depend on the user's */
} commands[] = {
	{"list", cli_list, false},       {"show", cli_show, false},
	{"create", cli_create, false},   {"clear", cli_clear, false},
	{"upgrade", cli_upgrade, false}, {"shell", cli_shell, false},
	{"pythons", cli_pythons, false}, {"delete", cli_delete, false},
	{"deleted", cli_deleted, false}, {"recreate", cli_recreate, false},
	{"freeze", cli_freeze, true},    {"gitignore", cli_gitignore, false},
	{"caches", cli_caches, false},   {"dupes", cli_dupes, false},
	{"rebuild", cli_rebuild, false},
};

static int browse(int argc, char **argv)
{
	struct vs_err err = {0};
	struct cli_opts o;
	const char *why = NULL;
	int rc;

	argv[0] = "venvscope";
	if (cli_parse_opts(&o, argc, argv, CLI_OPT_SORT | CLI_OPT_THEME | CLI_OPT_DEFAULT_ROOTS,
			   &err) < 0) {
		fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
		cli_opts_free(&o);
		return CLI_EXIT_USAGE;
	}
	if (o.help) {
		fputs(usage, stdout);
		cli_opts_free(&o);
		return CLI_EXIT_OK;
	}
	if (!o.sort_given)
		o.sort = SCAN_SORT_SIZE;
	/* A theme typo is an error even where the list is printed instead. */
	if (o.theme && ui_check_theme(o.theme, &err) < 0) {
		fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
		cli_opts_free(&o);
		return CLI_EXIT_USAGE;
	}
	if (!ui_terminal_usable(&why)) {
		fprintf(stderr, "venvscope: %s; printing the list instead of the browser\n", why);
		rc = cli_list_run(&o);
	} else {
		struct ui_settings set = {.sort = o.sort,
					  .reverse = o.reverse,
					  .theme = o.theme,
					  .default_roots = o.default_roots};

		rc = ui_run(&o.req, &set);
	}
	cli_opts_free(&o);
	return rc;
}

/* Runs subcommand `cmd` once the options common to all commands are out
 * of its argv (a theme is checked even where nothing is drawn). */
static int run_command(int cmd, int argc, char **argv)
{
	struct vs_err err = {0};
	const char *theme = NULL;

	if (cli_take_common_opts(&argc, argv, &theme, &err) < 0 ||
	    (theme && ui_check_theme(theme, &err) < 0)) {
		fprintf(stderr, "venvscope %s: %s\n", argv[0], tw_esc(err.msg));
		return CLI_EXIT_USAGE;
	}
	return commands[cmd].run(argc, argv);
}

/* The index of the subcommand `name`, or -1. */
static int find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return (int)i;
	return -1;
}

int main(int argc, char **argv)
{
	int cmd = argc >= 2 ? find_command(argv[1]) : -1;

	/* freeze prints pip's bytes whatever the user's locale and measures no
	 * text, so it stays in "C": its case-insensitive compares stay ASCII
	 * like pip's, and no dozen locale files are loaded at every start. */
	if (cmd < 0 || !commands[cmd].c_locale)
		setlocale(LC_ALL, "");
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return CLI_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("venvscope %s\n", VS_VERSION);
		return CLI_EXIT_OK;
	}
	if (cmd >= 0)
		return run_command(cmd, argc - 1, argv + 1);
	if (argc >= 2 && argv[1][0] != '-' && argv[1][0] != '~' && strchr(argv[1], '/') == NULL) {
		struct stat st;

		/* A word that is neither a command nor a folder is a typo. */
		if (stat(argv[1], &st) != 0) {
			fprintf(stderr, "venvscope: '%s' is not a command nor a folder (see --help)\n",
				tw_esc(argv[1]));
			return CLI_EXIT_USAGE;
		}
	}
	return browse(argc, argv);
}
