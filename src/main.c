/* venvscope: see and clean up Python virtual environments.
 * main picks the front end: a subcommand runs the command line; no
 * subcommand opens the browser (or prints the list where no terminal is). */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "cli/options.h"
#include "scan/sort.h"
#include "ui/ui.h"
#include "util/textwidth.h"
#include "util/xalloc.h"

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
	"  --threads N          scan with N worker threads (default: one per core, up to\n"
	"                       16 while they wait for the disk)\n"
	"  --config PATH        read this config file instead of\n"
	"                       $XDG_CONFIG_HOME/venvscope/config (~/.config/venvscope/config)\n"
	"  --no-config          read no config file and no remembered settings, and\n"
	"                       remember none\n"
	"  --print-config       print the settings in effect and where each came from\n"
	"                       (default, config FILE:LINE, state FILE:LINE, command line)\n"
	"  --json               where there is no terminal: the list as list --json prints it\n"
	"  -h, --help           this text\n"
	"  --version            print the version\n"
	"  --print-keys[=md|man]  the browser's keys (with any rebinding): README's\n"
	"                       markdown tables (md, the default) or the man page's\n"
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

/* The theme, the columns and the bind lines the files name are checked
 * where they are used (the browser knows them): a bad one is a FILE:LINE
 * error, and the default stands. The bind lines are applied here
 * (ui_keymap_bind), before the browser starts. A --theme typo stays an
 * error even where the list is printed instead. */
static int check_ui_values(struct cli_settings *s, struct vs_err *err)
{
	struct vs_err e = {0};

	if (s->theme && ui_check_theme(s->theme, &e) < 0) {
		if (s->at[CLI_KEY_THEME].src == CLI_SRC_FLAG)
			return vs_err_set(err, VS_EUSAGE, "%s", e.msg);
		cli_settings_reject(s, CLI_KEY_THEME, e.msg);
	}
	if (s->columns && ui_check_columns(s->columns, &e) < 0)
		cli_settings_reject(s, CLI_KEY_COLUMNS, e.msg);
	for (size_t i = 0; i < s->binds.n; i++) {
		const struct cli_bind *b = s->binds.v[i];

		if (ui_keymap_bind(b->key, b->action, &e) < 0)
			vs_vec_push(&s->errors, xasprintf("%s:%d: %s", s->config_file, b->line, e.msg));
	}
	return 0;
}

/* The config's errors, on stderr and for the browser's status line. */
static char *report_errors(const struct cli_settings *s)
{
	for (size_t i = 0; i < s->errors.n; i++)
		fprintf(stderr, "venvscope: %s\n", tw_esc(s->errors.v[i]));
	if (s->errors.n == 0)
		return NULL;
	if (s->errors.n == 1)
		return xstrdup(s->errors.v[0]);
	return xasprintf("%s (and %zu more errors: see venvscope --print-config)",
			 (const char *)s->errors.v[0], s->errors.n - 1);
}

static int run_browser(struct cli_settings *s, const char *message)
{
	struct ui_settings set = {.sort = s->sort,
				  .reverse = s->reverse,
				  .theme = s->theme,
				  .default_roots = s->default_roots,
				  .disk = s->disk,
				  .visible_cols = s->columns,
				  .state_file = s->state_file,
				  .message = message};

	return ui_run(&s->req, &set);
}

static int browse(int argc, char **argv)
{
	struct vs_err err = {0};
	struct cli_opts o;
	struct cli_settings s;
	const char *why = NULL;
	char *message = NULL;
	int rc;

	argv[0] = "venvscope";
	rc = cli_start(&o, argc, argv,
		       CLI_OPT_SORT | CLI_OPT_THEME | CLI_OPT_CONFIG | CLI_OPT_PRINT_CONFIG, -1, NULL,
		       usage);
	if (rc >= 0)
		return rc;
	cli_settings_init(&s);
	if (cli_settings_build(&s, &o, &err) < 0 || check_ui_values(&s, &err) < 0) {
		fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
		rc = CLI_EXIT_USAGE;
		goto done;
	}
	message = report_errors(&s);
	if (o.print_config) {
		cli_settings_print(&s, stdout);
		/* A script checking a config learns from the status too. */
		rc = s.errors.n ? CLI_EXIT_USAGE : CLI_EXIT_OK;
		goto done;
	}
	if (!ui_terminal_usable(&why)) {
		fprintf(stderr, "venvscope: %s; printing the list instead of the browser\n", why);
		o.req = s.req;
		o.default_roots = s.default_roots;
		o.sort = s.sort;
		o.reverse = s.reverse;
		rc = cli_list_run(&o);
	} else {
		rc = run_browser(&s, message);
	}
done:
	free(message);
	cli_settings_free(&s);
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
	if (argc >= 2 &&
	    (strcmp(argv[1], "--print-keys") == 0 || strncmp(argv[1], "--print-keys=", 13) == 0)) {
		struct vs_err err = {0};

		if (ui_keymap_print(stdout, argv[1][12] ? argv[1] + 13 : "md", &err) < 0) {
			fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
			return CLI_EXIT_USAGE;
		}
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
