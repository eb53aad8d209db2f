/* venvscope list: every environment under the roots, as a table or JSON. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../scan/sharing.h"
#include "../scan/sort.h"
#include "../util/textwidth.h"
#include "cli.h"
#include "collect.h"
#include "config.h"
#include "options.h"
#include "json.h"
#include "table.h"

static const char list_usage[] =
	"usage: venvscope list [OPTIONS] [ROOT...]\n"
	"\n"
	"Finds every Python virtual environment (a folder holding pyvenv.cfg) under\n"
	"each ROOT and prints one row per environment. With no ROOT: the current\n"
	"folder and every central place that exists (~/venvs, ~/.venvs,\n"
	"$WORKON_HOME or ~/.virtualenvs, pipenv, poetry, pipx (both ~/.local/share/pipx\n"
	"and pipx 1.1's ~/.local/pipx), hatch,\n"
	"pyenv-virtualenv, uv tools).\n"
	"\n"
	"  --json               a JSON array, one object per environment\n"
	"                       (sizes: size_bytes apparent, disk_bytes on disk,\n"
	"                       freeable_bytes freed by deleting it, shared_bytes\n"
	"                       hard-linked from outside; flag shared: mostly so;\n"
	"                       shared_with: the first 10 listed envs holding the\n"
	"                       same files, shared_with_count: how many;\n"
	"                       in_use: pids of the processes with their\n"
	"                       program, cwd or a mapped file inside; manager_role:\n"
	"                       shared for pipx's shared env; app: a pipx env's app;\n"
	"                       the story: project_exists, orphan, moved_from,\n"
	"                       version_mismatch, base_version, python_eol,\n"
	"                       python_eol_date, python_support, last_used,\n"
	"                       last_used_source, created)\n"
	"  --paths              only the paths, one a line, as fast as it goes\n"
	"                       (nothing measured, git not asked; for scripts and\n"
	"                       shell completion)\n"
	"  --sort KEY           size (largest first), name, age (oldest first),\n"
	"                       used (least recently used first), python (oldest\n"
	"                       first) or path (default)\n"
	"  --reverse            reverse the order\n"
	"  --depth N            look at most N levels below each ROOT (ROOT is 0)\n"
	"  --exclude GLOB       skip folders whose name or path matches (repeatable)\n"
	"  -x, --one-file-system  stay on each ROOT's filesystem\n"
	"  --no-size            do not measure sizes (faster)\n"
	"  --no-git             do not ask git whether envs are ignored or tracked\n"
	"  --stale-days N       untouched for more than N days is stale (default " CLI_STALE_DAYS_DEFAULT_TEXT
	")\n"
	"  --threads N          worker threads (default: one per core, up to 16\n"
	"                       while they wait for the disk)\n"
	"  --config PATH        read this config file (roots, exclude, depth,\n"
	"                       stale-days, threads) instead of ~/.config/venvscope/config\n"
	"  --no-config          read no config file\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit status: 0 ok, 1 something failed (or the scan was incomplete: too many\n"
	"open files), 2 bad usage or a ROOT that is not a folder.\n";

int cli_exit_code(int err)
{
	if (err == 0)
		return CLI_EXIT_OK;
	return err == VS_EUSAGE ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
}

int cli_print_json(cJSON *doc)
{
	char *text = cJSON_Print(doc);
	int rc = CLI_EXIT_OK;

	cJSON_Delete(doc);
	if (!text || printf("%s\n", text) < 0 || fflush(stdout) != 0) {
		perror("venvscope: cannot write the output");
		rc = CLI_EXIT_FAIL;
	}
	free(text);
	return rc;
}

/* Columns of the terminal on stdout; $COLUMNS when not a terminal; 0 (no
 * limit) when neither says. */
static size_t out_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (c && atoi(c) > 0)
		return (size_t)atoi(c);
	return 0;
}

int cli_list(int argc, char **argv)
{
	struct cli_opts o;
	struct vs_err err = {0};
	struct cli_settings s;
	int rc = cli_start(&o, argc, argv, CLI_OPT_SORT | CLI_OPT_CONFIG | CLI_OPT_PATHS, -1, "list",
			   list_usage);

	if (rc >= 0)
		return rc;
	cli_settings_init(&s);
	if (cli_settings_build(&s, &o, &err) < 0) {
		fprintf(stderr, "venvscope list: %s\n", tw_esc(err.msg));
		rc = CLI_EXIT_USAGE;
		goto done;
	}
	/* The config's scan settings (roots, excludes, depth, stale days,
	 * threads); the order stays list's own (--sort, else path). */
	for (size_t i = 0; i < s.errors.n; i++)
		fprintf(stderr, "venvscope list: %s\n", tw_esc(s.errors.v[i]));
	o.req = s.req;
	o.default_roots = s.default_roots;
	if (o.paths) {
		/* Only discovery's answer is wanted: sizes and git are its slow part. */
		o.req.no_size = true;
		o.req.no_git = true;
	}
	rc = cli_list_run(&o);
done:
	cli_settings_free(&s);
	cli_opts_free(&o);
	return rc;
}

/* The paths of the envs that hold links of an env's files, the first
 * CLI_SHARED_WITH_MAX of them: 800 envs linked from one uv cache would
 * otherwise print 800 x 800 paths (94 MB more memory, measured). */
#define CLI_SHARED_WITH_MAX 10

static void add_shared_with(cJSON *o, struct venv *const *vs, const size_t *with, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n && i < CLI_SHARED_WITH_MAX; i++)
		cJSON_AddItemToArray(a, cli_json_string(vs[with[i]]->path));
	cJSON_ReplaceItemInObject(o, "shared_with", a);
	cJSON_ReplaceItemInObject(o, "shared_with_count", cli_json_u64(n));
}

int cli_list_run(const struct cli_opts *o)
{
	struct vs_err err = {0};
	struct cli_result r;
	int rc = cli_collect(&r, o, &err);

	if (rc < 0) {
		fprintf(stderr, "venvscope list: %s\n", tw_esc(err.msg));
		return cli_exit_code(rc);
	}
	scan_sort_venvs(r.venvs, r.n, (enum scan_sort)o->sort, o->reverse);
	if (o->paths) {
		/* As they are, one a line: a path is bytes, and scripts read them. */
		for (size_t i = 0; i < r.n; i++)
			printf("%s\n", r.venvs[i]->path);
		rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	} else if (o->json) {
		cJSON *arr = cJSON_CreateArray();
		struct scan_sharing sh;

		scan_sharing_compute(&sh, (const struct venv *const *)r.venvs, r.n);
		for (size_t i = 0; i < r.n; i++) {
			cJSON *e = cli_json_venv(r.venvs[i], 0);

			if (r.venvs[i]->size_known)
				add_shared_with(e, r.venvs, sh.with[i], sh.n_with[i]);
			cJSON_AddItemToArray(arr, e);
		}
		scan_sharing_free(&sh);
		rc = cli_print_json(arr);
	} else {
		cli_print_table(stdout, r.venvs, r.n, out_width(), r.now, cli_home());
		rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	}
	/* What was printed may lack envs, packages or sizes: never exit 0. */
	if (scan_incomplete_text(err.msg, sizeof(err.msg), &r.done)) {
		fprintf(stderr, "venvscope list: %s\n", err.msg);
		rc = CLI_EXIT_FAIL;
	}
	cli_result_free(&r);
	return rc;
}
