/* venvscope caches: the tools' shared caches, their sizes, and cleaning
 * one (issue 14). */
#include <cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../actions/caches.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "cli.h"
#include "collect.h"
#include "json.h"

static const char caches_usage[] =
	"usage: venvscope caches [--json] [ROOT...]\n"
	"       venvscope caches --clean TOOL|PATH [--dry-run] [--yes] [ROOT...]\n"
	"\n"
	"Lists the shared caches of Python tools that exist here, found where each\n"
	"tool looks: pip ($PIP_CACHE_DIR, $XDG_CACHE_HOME/pip or ~/.cache/pip), uv\n"
	"($UV_CACHE_DIR, ~/.cache/uv), poetry ($POETRY_CACHE_DIR, ~/.cache/pypoetry\n"
	"but its virtualenvs), pipenv ($PIPENV_CACHE_DIR), pdm ($PDM_CACHE_DIR), hatch\n"
	"($HATCH_CACHE_DIR), conda/mamba pkgs folders ($CONDA_PKGS_DIRS, ~/miniconda3,\n"
	"~/anaconda3, ~/miniforge3, ~/mambaforge, ~/micromamba, ~/.conda) and\n"
	"virtualenv's app-data ($VIRTUALENV_OVERRIDE_APP_DATA, ~/.local/share/virtualenv).\n"
	"\n"
	"Sizes: apparent (du -sb), on disk, freeable (what cleaning it returns: files\n"
	"hard-linked from elsewhere stay) and linked: the blocks also hard-linked into\n"
	"the environments found under the ROOTs (default: the current folder and the\n"
	"central places, as for list). A cache that is a symlink or a mount point is\n"
	"shown, flagged, and never cleaned through. '?' (JSON null): unknown, some\n"
	"files could not be read.\n"
	"\n"
	"  --json           a JSON array, one object per cache (tool, path, size_bytes,\n"
	"                   disk_bytes, freeable_bytes, linked_bytes, files, symlink,\n"
	"                   target, mount_point, skipped)\n"
	"  --clean TOOL|PATH  clean the caches of TOOL (pip, uv, conda, ...) or the one\n"
	"                   at PATH: with the tool's own command when it is installed\n"
	"                   (uv cache clean, python3 -m pip cache purge when its cache\n"
	"                   dir is this folder, conda clean --all), shown before it\n"
	"                   runs; otherwise by removing everything in the folder (not\n"
	"                   the folder) the way delete removes, never following a\n"
	"                   symlink. Asks first, naming the space freed.\n"
	"  --dry-run        with --clean: say what would run and what it frees\n"
	"  --yes            with --clean: do not ask (needed when there is no terminal)\n"
	"  --depth N, --exclude GLOB, -x, --one-file-system, --threads N\n"
	"                   how the ROOTs are scanned for linked_bytes, as for list\n"
	"  --no-size, --no-git, --stale-days N\n"
	"                   accepted as for list; they change nothing here\n"
	"  -h, --help       this text\n"
	"\n"
	"Exit status: 0 ok, 1 something failed, 2 bad usage or a refused cache.\n";

struct caches_opts {
	bool json, yes, dry_run;
	const char *clean;
	/* list's scan options as given, handed on to cli_parse_opts (owned;
	 * the cli_opts borrow --exclude's globs from it) */
	struct vs_vec fwd;
};

static void add_size(cJSON *o, const char *key, bool known, uint64_t v)
{
	cJSON_AddItemToObject(o, key, known ? cli_json_u64(v) : cJSON_CreateNull());
}

static cJSON *cache_json(const struct scan_cache *c)
{
	cJSON *o = cJSON_CreateObject();
	bool k = scan_cache_known(c);

	cJSON_AddItemToObject(o, "tool", cli_json_string(c->tool));
	cJSON_AddItemToObject(o, "path", cli_json_string(c->path));
	add_size(o, "size_bytes", k, c->size.size_bytes);
	add_size(o, "disk_bytes", k, c->size.disk_bytes);
	add_size(o, "freeable_bytes", k, c->size.freeable_bytes);
	add_size(o, "linked_bytes", k && c->linked_known, c->linked_bytes);
	add_size(o, "files", k, c->size.files);
	cJSON_AddBoolToObject(o, "symlink", c->target != NULL);
	cJSON_AddItemToObject(o, "target", cli_json_string(c->target));
	cJSON_AddBoolToObject(o, "mount_point", c->mount_point);
	cJSON_AddItemToObject(o, "skipped", cli_json_string(c->skip));
	return o;
}

/* A size for the table: "12 MiB", or "?" when unknown. */
static const char *size_text(char *buf, size_t n, bool known, uint64_t v)
{
	if (!known)
		return snprintf(buf, n, "?"), buf;
	human_size(buf, n, v);
	return buf;
}

static void print_table(const struct scan_cache *v, size_t n)
{
	printf("%-10s %10s %10s %10s %10s  %s\n", "TOOL", "SIZE", "DISK", "FREEABLE", "LINKED", "PATH");
	for (size_t i = 0; i < n; i++) {
		const struct scan_cache *c = &v[i];
		bool k = scan_cache_known(c);
		char a[32], b[32], f[32], l[32];
		char *shown = path_tilde(c->path, cli_home());

		printf("%-10s %10s %10s %10s %10s  %s", c->tool,
		       size_text(a, sizeof(a), k, c->size.size_bytes),
		       size_text(b, sizeof(b), k, c->size.disk_bytes),
		       size_text(f, sizeof(f), k, c->size.freeable_bytes),
		       size_text(l, sizeof(l), k && c->linked_known, c->linked_bytes), tw_esc(shown));
		if (c->target)
			printf("  (symlink -> %s)", tw_esc(c->target));
		if (c->mount_point)
			printf("  (mount point)");
		if (c->skip)
			printf("  (without %s/)", c->skip);
		putchar('\n');
		free(shown);
	}
	if (n == 0)
		printf("(no cache of pip, uv, poetry, pipenv, pdm, hatch, conda or virtualenv here)\n");
}

/* "frees 12 MiB (of 13 MiB on disk; 1 MiB hard-linked into envs stays)" */
static void freed_words(char *buf, size_t n, const struct scan_cache *c)
{
	char f[32], d[32], l[32];

	if (!scan_cache_known(c)) {
		snprintf(buf, n, "frees an unknown amount (some files could not be read)");
		return;
	}
	human_size(f, sizeof(f), c->size.freeable_bytes);
	human_size(d, sizeof(d), c->size.disk_bytes);
	if (c->linked_known)
		human_size(l, sizeof(l), c->linked_bytes);
	snprintf(buf, n, "frees %s (of %s on disk%s%s%s)", f, d, c->linked_known ? "; " : "",
		 c->linked_known ? l : "",
		 c->linked_known ? " of it hard-linked into environments stays" : "");
}

static void echo_line(void *ctx, enum vs_proc_stream s, const char *line)
{
	(void)ctx;
	fprintf(s == VS_PROC_STDERR ? stderr : stdout, "  %s\n", tw_esc(line));
	fflush(s == VS_PROC_STDERR ? stderr : stdout);
}

/* Cleans one cache (already planned and agreed to). */
static int clean_one(const struct scan_cache *c, struct act_cache_plan *p)
{
	struct vs_err err = {0};
	struct act_delete_result res;
	char *said;

	if (p->job) {
		printf("running: %s\n", tw_esc(p->how));
		fflush(stdout);
		if (act_job_run(p->job, echo_line, NULL, &err) < 0) {
			fprintf(stderr, "venvscope caches: %s\n", tw_esc(err.msg));
			return CLI_EXIT_FAIL;
		}
		printf("%s\n", tw_esc(p->job->summary));
		return CLI_EXIT_OK;
	}
	printf("removing everything in %s%s%s\n", tw_esc(c->path), c->skip ? " but " : "",
	       c->skip ? c->skip : "");
	fflush(stdout);
	if (act_cache_remove(c, NULL, &res, &err) < 0) {
		fprintf(stderr, "venvscope caches: %s\n", tw_esc(err.msg));
		said = act_cache_freed_text(c);
		printf("%s\n", tw_esc(said));
		free(said);
		return err.code == VS_EUSAGE ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	said = act_cache_freed_text(c);
	printf("%s\n", tw_esc(said));
	free(said);
	return CLI_EXIT_OK;
}

/* True when the cache `c` is what `which` names: its tool, or its path. */
static bool names(const struct scan_cache *c, const char *which)
{
	char *a, *b;
	bool same;

	if (strcmp(c->tool, which) == 0)
		return true;
	if (!strchr(which, '/') && strcmp(which, ".") != 0)
		return false;
	a = path_absolute(which);
	b = path_absolute(c->path);
	same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

static int clean(struct scan_cache *v, size_t n, const struct caches_opts *o)
{
	int worst = CLI_EXIT_OK, found = 0;

	for (size_t i = 0; i < n; i++) {
		struct act_cache_plan p;
		struct vs_err err = {0};
		char words[256], q[256];
		int rc;

		if (!names(&v[i], o->clean))
			continue;
		found++;
		if (act_cache_plan(&p, &v[i], &err) < 0) {
			fprintf(stderr, "venvscope caches: %s\n", tw_esc(err.msg));
			worst = CLI_EXIT_USAGE;
			continue;
		}
		freed_words(words, sizeof(words), &v[i]);
		printf("%s the %s cache %s: %s\n  by: %s\n", o->dry_run ? "would clean" : "clean",
		       v[i].tool, tw_esc(v[i].path), words, tw_esc(p.how));
		fflush(stdout);
		if (o->dry_run) {
			rc = CLI_EXIT_OK;
		} else if (!o->yes && !isatty(STDIN_FILENO)) {
			fprintf(stderr, "venvscope caches: not cleaning without --yes (no terminal to "
					"ask on)\n");
			rc = CLI_EXIT_USAGE;
		} else if (!o->yes &&
			   !cli_ask((snprintf(q, sizeof(q), "Clean the %s cache?", v[i].tool), q))) {
			fprintf(stderr, "venvscope caches: %s not cleaned\n", tw_esc(v[i].path));
			rc = CLI_EXIT_FAIL;
		} else {
			rc = clean_one(&v[i], &p);
		}
		if (rc > worst)
			worst = rc;
		act_cache_plan_clear(&p);
	}
	if (!found) {
		fprintf(stderr, "venvscope caches: no %s cache here (see venvscope caches)\n",
			tw_esc(o->clean));
		return CLI_EXIT_USAGE;
	}
	return worst;
}

static int parse(struct caches_opts *co, struct cli_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"yes", no_argument, NULL, 'y'},
		{"dry-run", no_argument, NULL, 'n'},
		{"clean", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		/* How the ROOTs are scanned, as for list (F: handed on). */
		{"depth", required_argument, NULL, 'F'},
		{"exclude", required_argument, NULL, 'F'},
		{"one-file-system", no_argument, NULL, 'F'},
		{"threads", required_argument, NULL, 'F'},
		{"no-size", no_argument, NULL, 'F'},
		{"no-git", no_argument, NULL, 'F'},
		{"stale-days", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	struct vs_err err = {0};
	char **rest;
	int c, idx, k = 0;

	memset(co, 0, sizeof(*co));
	vs_vec_init_strs(&co->fwd);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jynhx", opts, &idx)) != -1) {
		if (c == 'F' && optarg)
			vs_vec_push(&co->fwd, xasprintf("--%s=%s", opts[idx].name, optarg));
		else if (c == 'F')
			vs_vec_push(&co->fwd, xasprintf("--%s", opts[idx].name));
		else if (c == 'x')
			vs_vec_push_str(&co->fwd, "-x");
		else if (c == 'h')
			return fputs(caches_usage, stdout), CLI_EXIT_OK;
		else if (c == 'j')
			co->json = true;
		else if (c == 'y')
			co->yes = true;
		else if (c == 'n')
			co->dry_run = true;
		else if (c == 'c')
			co->clean = optarg;
		else
			return fprintf(stderr,
				       "venvscope caches: %s: unknown option or missing value "
				       "(see --help)\n",
				       tw_esc(argv[optind - 1])),
			       CLI_EXIT_USAGE;
	}
	if ((co->yes || co->dry_run) && !co->clean)
		return fprintf(stderr, "venvscope caches: --yes and --dry-run go with --clean\n"),
		       CLI_EXIT_USAGE;
	if (co->json && co->clean)
		return fprintf(stderr, "venvscope caches: --json does not go with --clean\n"),
		       CLI_EXIT_USAGE;
	/* The scan options, then the ROOTs, as list takes them (the defaults
	 * when none); after "--" a ROOT may start with '-'. */
	rest = xcalloc(co->fwd.n + (size_t)(argc - optind) + 3, sizeof(*rest));
	rest[k++] = argv[0];
	for (size_t i = 0; i < co->fwd.n; i++)
		rest[k++] = co->fwd.v[i];
	rest[k++] = "--";
	for (int i = optind; i < argc; i++)
		rest[k++] = argv[i];
	c = cli_parse_opts(o, k, rest, CLI_OPT_DEFAULT_ROOTS, &err);
	free(rest);
	if (c < 0)
		return fprintf(stderr, "venvscope caches: %s\n", tw_esc(err.msg)), CLI_EXIT_USAGE;
	o->req.no_git = true;
	return -1;
}

int cli_caches(int argc, char **argv)
{
	struct caches_opts co;
	struct cli_opts o = {0};
	struct cli_result r = {0};
	struct vs_err err = {0};
	struct scan_cache *v = NULL;
	size_t n;
	int rc = parse(&co, &o, argc, argv);

	if (rc >= 0) {
		cli_opts_free(&o);
		vs_vec_clear(&co.fwd);
		return rc;
	}
	/* The envs first: linked_bytes is what the caches share with them. */
	rc = cli_collect(&r, &o, &err);
	cli_opts_free(&o);
	vs_vec_clear(&co.fwd);
	if (rc < 0) {
		fprintf(stderr, "venvscope caches: %s\n", tw_esc(err.msg));
		return cli_exit_code(rc);
	}
	n = scan_caches_find(&v, cli_home());
	for (size_t i = 0; i < n; i++) {
		scan_cache_measure(&v[i], NULL);
		scan_cache_link(&v[i], (const struct venv *const *)r.venvs, r.n);
		scan_cache_forget(&v[i]);
	}
	if (co.clean) {
		rc = clean(v, n, &co);
	} else if (co.json) {
		cJSON *arr = cJSON_CreateArray();

		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, cache_json(&v[i]));
		rc = cli_print_json(arr);
	} else {
		print_table(v, n);
		rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	}
	scan_caches_free(v, n);
	cli_result_free(&r);
	return rc;
}
