/* venvscope pythons: the machine's interpreters (scan/pythons.h) with the
 * envs that use each, from a scan of the same roots as `list`. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scan/eol.h"
#include "../scan/pythons.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/vec.h"
#include "cli.h"
#include "collect.h"
#include "json.h"

static const char pythons_usage[] =
	"usage: venvscope pythons [OPTIONS] [ROOT...]\n"
	"\n"
	"Lists the Python interpreters this machine has - python3* on PATH,\n"
	"/usr/bin, /usr/local/bin, pyenv ($PYENV_ROOT/versions/*), uv's managed\n"
	"Pythons ($UV_PYTHON_INSTALL_DIR or ~/.local/share/uv/python), conda bases\n"
	"(~/miniconda3, ~/anaconda3, ~/miniforge3, ~/mambaforge, ~/micromamba,\n"
	"$MAMBA_ROOT_PREFIX), Homebrew on Linux, and the bases of the envs found -\n"
	"one row per file (its other names after it), with its version, support\n"
	"status, end of life and how many envs use it (envs found under the ROOTs,\n"
	"as `venvscope list` finds them). Those with the most envs come first;\n"
	"\"unused\" ones, last, break no env when removed. Each is run once with\n"
	"-I -S -B to ask its version; an environment's own pythons are never run.\n"
	"\n"
	"  --json               a JSON array, one object per interpreter: path, names,\n"
	"                       real_path, source, version, support (bugfix,\n"
	"                       security, eol or null), eol_date, envs (the env\n"
	"                       paths), has_venv, has_ensurepip\n"
	"  --depth N            look at most N levels below each ROOT (ROOT is 0)\n"
	"  --exclude GLOB       skip folders whose name or path matches (repeatable)\n"
	"  -x, --one-file-system  stay on each ROOT's filesystem\n"
	"  --threads N          worker threads (default: one per core, up to 16\n"
	"                       while they wait for the disk)\n"
	"  --no-size, --no-git, --stale-days N\n"
	"                       taken as list takes them, and change nothing here:\n"
	"                       pythons measures no size and asks git nothing\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit status: 0 ok, 1 something failed (or the scan was incomplete),\n"
	"2 bad usage or a ROOT that is not a folder.\n";

static cJSON *python_json(const struct scan_python *py, const struct cli_result *r)
{
	struct scan_python_life life = scan_python_life(py->version, r->now);
	const char *support = scan_support_word(life.support);
	cJSON *o = cJSON_CreateObject(), *names = cJSON_CreateArray(), *envs = cJSON_CreateArray();

	cJSON_AddItemToObject(o, "path", cli_json_string(py->path));
	for (size_t i = 0; i < py->n_names; i++)
		cJSON_AddItemToArray(names, cli_json_string(py->names[i]));
	cJSON_AddItemToObject(o, "names", names);
	cJSON_AddItemToObject(o, "real_path", cli_json_string(py->real));
	cJSON_AddItemToObject(o, "source", cli_json_string(py->source));
	cJSON_AddItemToObject(o, "version",
			      py->version ? cli_json_string(py->version) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "support", support ? cJSON_CreateString(support) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "eol_date",
			      life.eol_date ? cJSON_CreateString(life.eol_date) : cJSON_CreateNull());
	for (size_t i = 0; i < py->n_envs; i++)
		cJSON_AddItemToArray(envs, cli_json_string(r->venvs[py->envs[i]]->path));
	cJSON_AddItemToObject(o, "envs", envs);
	cJSON_AddBoolToObject(o, "has_venv", py->has_venv);
	cJSON_AddBoolToObject(o, "has_ensurepip", py->has_ensurepip);
	return o;
}

static void print_row(const struct scan_python *py, const struct cli_result *r)
{
	struct scan_python_life life = scan_python_life(py->version, r->now);
	const char *support = scan_support_word(life.support);
	char envs[32];

	if (py->n_envs)
		snprintf(envs, sizeof(envs), "%zu env%s", py->n_envs, py->n_envs == 1 ? "" : "s");
	else
		snprintf(envs, sizeof(envs), "unused");
	printf("%-8s  %-9s %-9s %-10s  %s", envs, py->version ? tw_esc(py->version) : "?",
	       support ? support : "?", life.eol_date ? life.eol_date : "?", tw_esc(py->path));
	for (size_t i = 1; i < py->n_names; i++)
		printf("%s%s", i == 1 ? " (also " : ", ", tw_esc(py->names[i]));
	printf("%s  [%s]", py->n_names > 1 ? ")" : "", py->source);
	if (py->version && !py->has_venv)
		printf("  (no venv module)");
	else if (py->has_venv && !py->has_ensurepip)
		printf("  (no ensurepip: only --without-pip)");
	printf("\n");
}

static void print_text(const struct scan_python_list *l, const struct cli_result *r)
{
	size_t unused = 0, used_by = 0, gone = 0;

	printf("%-8s  %-9s %-9s %-10s  %s\n", "ENVS", "VERSION", "SUPPORT", "EOL", "PATH");
	for (size_t i = 0; i < l->n; i++) {
		print_row(&l->items[i], r);
		unused += l->items[i].n_envs == 0;
		used_by += l->items[i].n_envs;
	}
	for (size_t i = 0; i < r->n; i++)
		gone += r->venvs[i]->base_python && !r->venvs[i]->base_exists;
	printf("\n%zu interpreter%s; %zu unused (no env found uses it); %zu env%s on them", l->n,
	       l->n == 1 ? "" : "s", unused, used_by, used_by == 1 ? "" : "s");
	if (gone)
		printf("; %zu env%s whose base interpreter is gone", gone, gone == 1 ? "" : "s");
	printf(".\n");
}

static int report(const struct cli_opts *o, const struct cli_result *r)
{
	struct vs_vec extra = {.free_item = NULL};
	struct scan_python_list l;
	int rc;

	/* An env's base outside the usual places is an interpreter too. */
	for (size_t i = 0; i < r->n; i++)
		if (r->venvs[i]->base_exists)
			vs_vec_push(&extra, r->venvs[i]->base_python);
	scan_find_pythons(&l, cli_home(), (const char *const *)extra.v, extra.n, SCAN_PYTHONS_ALL);
	vs_vec_clear(&extra);
	scan_pythons_users(&l, (const struct venv *const *)r->venvs, r->n);
	scan_pythons_sort_by_users(&l);
	if (o->json) {
		cJSON *arr = cJSON_CreateArray();

		for (size_t i = 0; i < l.n; i++)
			cJSON_AddItemToArray(arr, python_json(&l.items[i], r));
		rc = cli_print_json(arr);
	} else {
		print_text(&l, r);
		rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	}
	scan_python_list_free(&l);
	return rc;
}

int cli_pythons(int argc, char **argv)
{
	return cli_report(argc, argv, "pythons", pythons_usage, report);
}
