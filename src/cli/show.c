/* venvscope show ENV: everything about one environment. */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../actions/open.h"
#include "../scan/story.h"
#include "../util/human.h"
#include "../util/strbuf.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "cli.h"
#include "collect.h"
#include "json.h"
#include "table.h"

static const char show_usage[] =
	"usage: venvscope show [--json] [--no-size] [--stale-days N] ENV\n"
	"\n"
	"Everything venvscope knows about one environment: pyvenv.cfg as written,\n"
	"base interpreter and whether it still exists, link kind, sizes (apparent,\n"
	"on disk, freeable by deleting it, shared through hard links from outside),\n"
	"project, what git does with it (and the rule that ignores it), problems in\n"
	"words, and the installed packages. A conda env shows its conda-meta records\n"
	"(version, build, channel) instead of pyvenv.cfg, and `conda activate`.\n"
	"\n"
	"  --json            one JSON object (the keys of `list --json` plus git_rule, config, packages)\n"
	"  --no-size         do not measure the size\n"
	"  --no-git          do not ask git whether ENV is ignored or tracked\n"
	"  --threads N       worker threads (default: one per core, up to 16\n"
	"                    while they wait for the disk)\n"
	"  --depth N, --exclude GLOB, -x, --one-file-system\n"
	"                    accepted as for list; they change nothing for one ENV\n"
	"  --stale-days N    untouched for more than N days is stale (default " CLI_STALE_DAYS_DEFAULT_TEXT
	")\n"
	"  -h, --help        this text\n"
	"\n"
	"Exit status: 0 ok, 1 something failed, 2 ENV is not a virtual environment.\n";

/* A path quoted for a POSIX shell: 'it'\''s'. */
static void shell_quote(struct strbuf *out, const char *s)
{
	sb_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_adds(out, "'\\''");
		else
			sb_addc(out, *s);
	}
	sb_addc(out, '\'');
}

static void field(const char *label, const char *value)
{
	printf("  %-15s %s\n", tw_esc(label), tw_esc(value ? value : "-"));
}

static void print_identity(const struct venv *v)
{
	struct strbuf sb = STRBUF_INIT;

	field("kind", venv_kind_name(v->kind));
	field("manager", v->manager);
	sb_addf(&sb, "%s (%s)", v->python_version ? v->python_version : "?",
		v->implementation ? v->implementation : "?");
	field("python", sb_str(&sb));
	sb_reset(&sb);
	sb_addf(&sb, "%s", venv_link_name(v->link));
	if (v->link_target)
		sb_addf(&sb, " -> %s", v->link_target);
	field("interpreter", sb_str(&sb));
	sb_reset(&sb);
	sb_addf(&sb, "%s (%s)", v->base_python ? v->base_python : "unknown",
		v->base_exists ? "exists" : "missing");
	field("base python", sb_str(&sb));
	field("home", v->home);
	field("system site", v->system_site_packages == VENV_UNKNOWN ? NULL
			     : v->system_site_packages == VENV_YES   ? "yes"
								     : "no");
	field("prompt", v->prompt);
	{
		struct scan_story_line l[SCAN_STORY_LINES_MAX];
		size_t n = scan_story_lines(l, v, time(NULL));

		for (size_t i = 0; i < n; i++)
			field(l[i].label, l[i].text);
		scan_story_lines_free(l, n);
	}
	if (v->app || v->role)
		field(v->app ? "pipx app" : "pipx role", v->app ? v->app : v->role);
	for (size_t i = 0; i < v->users.n; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "pid %d: %s", (int)v->users.v[i].pid, v->users.v[i].cmd);
		field(i ? "" : "in use by", sb_str(&sb));
	}
	sb_reset(&sb);
	switch (v->git_state) {
	case SCAN_GIT_UNKNOWN:
		break;
	case SCAN_GIT_NO_REPO:
		sb_adds(&sb, "not in a git repository");
		break;
	default:
		sb_addf(&sb, "%s in %s", scan_git_state_name(v->git_state),
			v->git_repo ? v->git_repo : "?");
		break;
	}
	field("git", v->git_state == SCAN_GIT_UNKNOWN ? NULL : sb_str(&sb));
	if (v->git_rule)
		field("git rule", v->git_rule);
	sb_free(&sb);
}

static void print_state(const struct venv *v, time_t now)
{
	struct strbuf sb = STRBUF_INIT;
	char a[32], b[32];

	if (v->size_known) {
		human_size(a, sizeof(a), v->size.size_bytes);
		human_size(b, sizeof(b), v->size.disk_bytes);
		sb_addf(&sb, "%s apparent, %s on disk, %llu %s", a, b,
			(unsigned long long)v->size.files, human_noun(v->size.files, "file", "files"));
		field("size", sb_str(&sb));
		sb_reset(&sb);
		venv_space_text(&sb, v);
		field("space", sb_str(&sb));
		sb_reset(&sb);
	}
	if (v->last_modified > 0) {
		char when[64];

		human_when(when, sizeof(when), v->last_modified, (int64_t)now);
		sb_addf(&sb, "%s%s", when, v->stale ? ", stale" : "");
		field("last modified", sb_str(&sb));
		sb_reset(&sb);
	}
	for (size_t i = 0; i < v->n_site_packages; i++)
		field(i ? "" : "site-packages", v->site_packages[i]);
	if (v->n_problems == 0)
		field("problems", "none");
	for (size_t i = 0; i < v->n_problems; i++)
		field(i ? "" : "problems", v->problems[i]);
	/* A half-made env has no script to source; conda's are activated by
	 * their tool. */
	if (v->kind == VENV_KIND_CONDA && v->manager && strcmp(v->manager, "pixi") != 0) {
		sb_addf(&sb, "%s activate ", v->manager);
		shell_quote(&sb, v->path);
		field("activate", sb_str(&sb));
	} else if (v->kind != VENV_KIND_CONDA && !v->incomplete) {
		char *script = xasprintf("%s/bin/activate", v->path);

		sb_adds(&sb, "source ");
		shell_quote(&sb, script);
		free(script);
		field("activate", sb_str(&sb));
	}
	sb_free(&sb);
}

static int by_canonical(const void *a, const void *b)
{
	const struct scan_package *x = *(const struct scan_package *const *)a;
	const struct scan_package *y = *(const struct scan_package *const *)b;

	return strcmp(x->canonical ? x->canonical : "", y->canonical ? y->canonical : "");
}

/* Packages by name, as pip lists them. */
static void print_packages(const struct venv *v)
{
	const struct scan_package **p = xcalloc(v->packages.n + 1, sizeof(*p));

	for (size_t i = 0; i < v->packages.n; i++)
		p[i] = &v->packages.items[i];
	qsort(p, v->packages.n, sizeof(*p), by_canonical);
	printf("\npackages (%zu)\n", v->packages.n);
	for (size_t i = 0; i < v->packages.n; i++)
		field(p[i]->name, p[i]->version);
	free(p);
}

static void print_human(const struct venv *v, time_t now)
{
	struct strbuf sb = STRBUF_INIT;

	printf("%s  %s\n", tw_esc(v->name), tw_esc(v->path));
	print_identity(v);
	print_state(v, now);
	if (v->kind == VENV_KIND_CONDA) {
		/* conda-meta's records instead of pyvenv.cfg (issue 16). */
		printf("\nconda packages (%zu)\n", v->conda ? v->conda->n : 0);
		for (size_t i = 0; v->conda && i < v->conda->n; i++) {
			const struct scan_conda_rec *r = &v->conda->recs[i];

			sb_reset(&sb);
			sb_addf(&sb, "%s  %s  %s", r->version ? r->version : "?",
				r->build ? r->build : "", r->channel ? r->channel : "");
			field(r->name, sb_str(&sb));
		}
		print_packages(v);
		sb_free(&sb);
		return;
	}
	printf("\npyvenv.cfg\n");
	for (size_t i = 0; v->cfg && i < v->cfg->n; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "%s = %s", v->cfg->items[i].key, v->cfg->items[i].value);
		printf("  %s\n", tw_esc(sb_str(&sb)));
	}
	print_packages(v);
	sb_free(&sb);
}

int cli_show(int argc, char **argv)
{
	struct vs_err err = {0};
	struct cli_opts o;
	struct act_open_opts oo = cli_open_opts();
	struct venv *v = NULL;
	int rc = cli_start(&o, argc, argv, 0, 1, "show", show_usage);

	if (rc >= 0)
		return rc;
	o.req.now = time(NULL);
	oo.scan = &o.req;
	rc = act_open_env(&v, o.req.roots[0], &oo, &err);
	if (rc < 0) {
		fprintf(stderr, "venvscope show: %s\n", tw_esc(err.msg));
		cli_opts_free(&o);
		return cli_exit_code(rc);
	}
	if (o.json) {
		rc = cli_print_json(cli_json_venv(v, 1));
	} else {
		print_human(v, o.req.now);
		rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	}
	venv_free(v);
	cli_opts_free(&o);
	return rc;
}
