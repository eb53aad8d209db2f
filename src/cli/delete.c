/* venvscope delete | deleted: removing environments safely, with their
 * recipe kept (`venvscope recreate`, cli/recreate.c, makes them again). */
#include <cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../actions/delete.h"
#include "../actions/job.h"
#include "../actions/open.h"
#include "../actions/record.h"
#include "../actions/remove.h"
#include "../scan/space_set.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "cli.h"
#include "collect.h"
#include "json.h"

static const char delete_usage[] =
	"usage: venvscope delete [--yes] [--force] [--dry-run [--json]] [--trash] ENV...\n"
	"\n"
	"Deletes each ENV: only a folder holding a regular pyvenv.cfg, that is not a\n"
	"symlink, not your home, not a mount point and not a repository root. First\n"
	"its recipe is kept (its freeze, pyvenv.cfg and options) under\n"
	"$XDG_STATE_HOME/venvscope/deleted, so `venvscope recreate` can make it again.\n"
	"Nothing outside the env is ever touched: no symlink is followed. Nothing\n"
	"inside it is run: the freeze is read natively (see venvscope freeze --help).\n"
	"\n"
	"  --yes        do not ask (needed when there is no terminal)\n"
	"  --dry-run    say what would be removed and how much space it frees\n"
	"  --json       with --dry-run: each ENV's freeable_bytes and the total\n"
	"  --trash      move to the desktop trash instead of deleting\n"
	"  --force      delete even an env in use by a running process (its program,\n"
	"               cwd or a mapped file is inside: /proc is checked right before),\n"
	"               pipx's shared env, or a pipx app's env while pipx is installed\n"
	"               (`pipx uninstall APP` is the better way); without it those are\n"
	"               refused with the reason (exit 2)\n"
	"  -h, --help   this text\n"
	"\n"
	"A pipx app's env deleted this way takes its links in pipx's bin folder\n"
	"(~/.local/bin) with it: only symlinks pointing into the env are removed.\n"
	"\n"
	"Space freed is counted on disk, for the ENVs together: a file hard-linked\n"
	"from outside them (a uv or pip cache, another env's cp -al twin) frees\n"
	"nothing; one whose links all lie in the ENVs does (two twins deleted\n"
	"together free everything). The trash frees nothing until it is emptied.\n"
	"\n"
	"Exit status: 0 only when every ENV was removed.\n";

static const char deleted_usage[] =
	"usage: venvscope deleted [--json | --names]\n"
	"\n"
	"Lists the recipes of deleted environments, newest first (kept under\n"
	"$XDG_STATE_HOME/venvscope/deleted; `venvscope recreate` makes one again).\n"
	"\n"
	"  --json       a JSON array, one object per record\n"
	"  --names      only the record names (what recreate takes), one a line\n"
	"  -h, --help   this text\n"
	"\n"
	"Exit status: 0 ok, 2 bad usage.\n";

struct del_opts {
	bool yes, dry_run, trash, json, force;
};

static enum act_delete_choice on_error(void *ctx, const char *path, int e)
{
	char a[16];

	(void)ctx;
	fprintf(stderr, "\nvenvscope delete: cannot remove %s: %s\n", tw_esc(path), strerror(e));
	if (!isatty(STDIN_FILENO))
		return ACT_DEL_SKIP_ALL;
	fprintf(stderr, "[s]kip, skip [a]ll, a[b]ort? ");
	fflush(stderr);
	if (!fgets(a, sizeof(a), stdin))
		return ACT_DEL_ABORT;
	return a[0] == 'a' ? ACT_DEL_SKIP_ALL : a[0] == 'b' ? ACT_DEL_ABORT : ACT_DEL_SKIP;
}

static void on_progress(void *ctx, const struct act_delete_progress *p)
{
	char size[32];

	if (!isatty(STDERR_FILENO))
		return;
	human_size(size, sizeof(size), p->bytes);
	fprintf(stderr, "\r  deleting %s: %llu %s, %s   ", tw_esc((const char *)ctx),
		(unsigned long long)p->files, human_noun(p->files, "file", "files"), size);
	fflush(stderr);
}

/* Loads every ENV; bad ones (not an env, or refused) are named and
 * counted before anything is asked. */
static size_t load_all(struct cli_result *all, char **paths, size_t n, bool force, int *bad)
{
	struct act_open_opts o = cli_open_opts();
	size_t k = 0;

	all->venvs = xcalloc(n + 1, sizeof(*all->venvs));
	for (size_t i = 0; i < n; i++) {
		struct vs_err err = {0};
		struct venv *v = NULL;

		if (act_open_env(&v, paths[i], &o, &err) < 0 ||
		    act_delete_check(v, cli_home(), &err) < 0) {
			fprintf(stderr, "venvscope delete: %s\n", tw_esc(err.msg));
			(*bad)++;
			venv_free(v);
			continue;
		}
		if (act_delete_guard(v, NULL, &err) < 0) {
			fprintf(stderr, "venvscope delete: %s%s\n", tw_esc(err.msg),
				force ? " (--force: deleting it anyway)"
				      : "; not deleted (--force deletes it anyway)");
			if (!force) {
				(*bad)++;
				venv_free(v);
				continue;
			}
		}
		all->venvs[k++] = v;
	}
	all->n = k;
	return k;
}

static uint64_t total_size(const struct cli_result *all)
{
	uint64_t t = 0;

	for (size_t i = 0; i < all->n; i++)
		t += all->venvs[i]->size_known ? all->venvs[i]->size.size_bytes : 0;
	return t;
}

static bool confirm(const struct cli_result *all, const struct del_opts *o)
{
	char size[32], q[128];

	human_size(size, sizeof(size), total_size(all));
	fprintf(stderr, "%s %zu environment%s, %s:\n", o->trash ? "Move to the trash" : "Delete",
		all->n, all->n == 1 ? "" : "s", size);
	for (size_t i = 0; i < all->n; i++) {
		const struct venv *v = all->venvs[i];
		char s[32] = "?";

		if (v->size_known)
			human_size(s, sizeof(s), v->size.size_bytes);
		fprintf(stderr, "  %-24s %9s  %s%s%s\n", tw_esc(v->name), s, tw_esc(v->path),
			v->stale ? "" : "  (not stale: used recently)",
			!v->project ? "  (no project: no requirements file keeps its packages)"
			: venv_project_has_recipe(v) ? ""
						     : "  (no requirements file in its project)");
	}
	fprintf(stderr, "Each one's recipe is kept; `venvscope recreate` makes it again.\n");
	snprintf(q, sizeof(q), "%s %s?", o->trash ? "Trash" : "Delete",
		 human_noun(all->n, "it", "them"));
	return cli_ask(q);
}

static void measure(struct scan_space_set *set, const struct cli_result *all)
{
	const char **paths = xcalloc(all->n + 1, sizeof(*paths));

	for (size_t i = 0; i < all->n; i++)
		paths[i] = all->venvs[i]->path;
	scan_space_set_measure(set, paths, all->n);
	free(paths);
}

static int dry_run_json(const struct cli_result *all, const struct scan_space_set *set)
{
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	uint64_t b;
	bool known;

	for (size_t i = 0; i < all->n; i++) {
		cJSON *o = cJSON_CreateObject();

		known = scan_space_set_one(set, i, &b);
		cJSON_AddItemToObject(o, "path", cli_json_string(all->venvs[i]->path));
		cJSON_AddItemToObject(o, "freeable_bytes",
				      known ? cli_json_u64(b) : cJSON_CreateNull());
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddItemToObject(doc, "environments", arr);
	known = scan_space_set_freeable(set, NULL, &b);
	cJSON_AddItemToObject(doc, "freeable_bytes", known ? cli_json_u64(b) : cJSON_CreateNull());
	return cli_print_json(doc);
}

static void dry_run(const struct cli_result *all, const struct del_opts *o,
		    const struct scan_space_set *set)
{
	char size[32], fr[64];
	uint64_t b;
	bool known;

	for (size_t i = 0; i < all->n; i++) {
		known = scan_space_set_one(set, i, &b);
		human_size(size, sizeof(size), all->venvs[i]->size.size_bytes);
		printf("would %s %s (%s, %llu %s; %s freeable alone)\n", o->trash ? "trash" : "delete",
		       tw_esc(all->venvs[i]->path), size,
		       (unsigned long long)all->venvs[i]->size.files,
		       human_noun(all->venvs[i]->size.files, "file", "files"),
		       known ? (human_size(fr, sizeof(fr), b), fr) : "unknown");
	}
	scan_space_set_text(fr, sizeof(fr), set, NULL);
	if (o->trash)
		printf("would move %s in %zu environment%s to the trash (frees nothing until the "
		       "trash is emptied)\n",
		       fr, all->n, all->n == 1 ? "" : "s");
	else
		printf("would free %s in %zu environment%s\n", fr, all->n, all->n == 1 ? "" : "s");
}

/* After the removals: what was freed, for the envs removed whole. */
static void report_freed(const struct scan_space_set *set, const bool *gone, size_t n_gone,
			 size_t n_failed, const struct del_opts *o)
{
	char fr[64];

	if (!n_gone)
		return;
	scan_space_set_text(fr, sizeof(fr), set, gone);
	if (o->trash)
		printf("moved %s to the trash (frees nothing until the trash is emptied)\n", fr);
	else
		printf("freed %s%s\n", fr,
		       n_failed ? " (not counting the environments that failed part way)" : "");
}

static int delete_one(const struct venv *v, const struct del_opts *o)
{
	struct act_delete_hooks hooks = {.on_error = on_error,
					 .on_progress = on_progress,
					 .ctx = (void *)v->name};
	struct act_remove_result res;
	struct vs_err err = {0};
	int rc = act_remove(&res, v, o->trash, cli_home(), &hooks, &err);

	if (isatty(STDERR_FILENO) && !o->trash && res.record)
		fputc('\n', stderr);
	if (rc < 0) {
		fprintf(stderr, "venvscope delete: %s\n", tw_esc(err.msg));
	} else {
		printf("%s %s (recipe: %s)\n", o->trash ? "trashed" : "deleted", tw_esc(v->path),
		       tw_esc(res.record));
		if (res.trashed)
			printf("  now at %s\n", tw_esc(res.trashed));
		for (size_t i = 0; i < res.links.n; i++)
			printf("  %s\n", tw_esc(res.links.v[i]));
	}
	act_remove_result_clear(&res);
	return rc;
}

int cli_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{"yes", no_argument, NULL, 'y'},
		{"dry-run", no_argument, NULL, 'n'},
		{"trash", no_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct del_opts o = {0};
	struct cli_result all = {0};
	int c, bad = 0, failed = 0;
	struct scan_space_set set = {0};
	bool *gone = NULL;
	size_t n_gone = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "yntfh", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(delete_usage, stdout), CLI_EXIT_OK;
		if (c == 'y')
			o.yes = true;
		else if (c == 'n')
			o.dry_run = true;
		else if (c == 't')
			o.trash = true;
		else if (c == 'j')
			o.json = true;
		else if (c == 'f')
			o.force = true;
		else
			return fprintf(stderr, "venvscope delete: unknown option (see --help)\n"),
			       CLI_EXIT_USAGE;
	}
	if (optind >= argc)
		return fprintf(stderr, "venvscope delete: give at least one ENV\n"), CLI_EXIT_USAGE;
	if (o.json && !o.dry_run)
		return fprintf(stderr, "venvscope delete: --json goes with --dry-run\n"),
		       CLI_EXIT_USAGE;
	load_all(&all, argv + optind, (size_t)(argc - optind), o.force, &bad);
	/* Measured before anything is removed: a walk of each env keeping its
	 * hard-linked files, so the set figure is exact for any subset. */
	measure(&set, &all);
	if (o.dry_run && o.json) {
		if (dry_run_json(&all, &set) != 0)
			failed++;
	} else if (o.dry_run) {
		dry_run(&all, &o, &set);
	} else if (all.n && !o.yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr,
			"venvscope delete: not deleting without --yes (no terminal to ask on)\n");
		bad++;
	} else if (all.n && !o.yes && !confirm(&all, &o)) {
		fprintf(stderr, "venvscope delete: nothing deleted\n");
		failed++;
	} else {
		gone = xcalloc(all.n + 1, sizeof(*gone));
		for (size_t i = 0; i < all.n; i++) {
			gone[i] = delete_one(all.venvs[i], &o) == 0;
			n_gone += gone[i];
			failed += !gone[i];
		}
		report_freed(&set, gone, n_gone, (size_t)failed, &o);
		free(gone);
	}
	scan_space_set_free(&set);
	cli_result_free(&all);
	return bad ? CLI_EXIT_USAGE : failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_deleted(int argc, char **argv)
{
	struct act_record *r = NULL;
	bool json = false, names = false;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--names") == 0)
			names = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return fputs(deleted_usage, stdout), CLI_EXIT_OK;
		else
			return fprintf(stderr, "venvscope deleted: unknown argument '%s'\n",
				       tw_esc(argv[i])),
			       CLI_EXIT_USAGE;
	}
	if (json && names)
		return fprintf(stderr, "venvscope deleted: --json and --names: choose one\n"),
		       CLI_EXIT_USAGE;
	n = act_records_list(&r);
	if (names) {
		/* The record folders' names, as they are: recreate takes them. */
		for (size_t i = 0; i < n; i++) {
			const char *slash = strrchr(r[i].dir, '/');

			printf("%s\n", slash ? slash + 1 : r[i].dir);
		}
		act_records_free(r, n);
		return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	}
	if (json) {
		cJSON *arr = cJSON_CreateArray();

		for (size_t i = 0; i < n; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddItemToObject(o, "record", cli_json_string(r[i].dir));
			cJSON_AddItemToObject(o, "path", cli_json_string(r[i].path));
			cJSON_AddItemToObject(o, "name", cli_json_string(r[i].name));
			cJSON_AddItemToObject(o, "deleted", cli_json_string(r[i].deleted));
			cJSON_AddItemToObject(o, "python_version",
					      cli_json_string(r[i].python_version));
			cJSON_AddItemToObject(o, "base_python", cli_json_string(r[i].base_python));
			cJSON_AddNumberToObject(o, "size_bytes", (double)r[i].size_bytes);
			cJSON_AddNumberToObject(o, "package_count", (double)r[i].package_count);
			cJSON_AddItemToArray(arr, o);
		}
		act_records_free(r, n);
		return cli_print_json(arr);
	}
	if (n == 0)
		printf("no deleted environments recorded\n");
	for (size_t i = 0; i < n; i++) {
		char size[32];

		human_size(size, sizeof(size), r[i].size_bytes);
		printf("%s  %-8s %9s %4zu %-4s  %s\n    %s\n",
		       tw_esc(r[i].deleted ? r[i].deleted : "?"),
		       tw_esc(r[i].python_version ? r[i].python_version : "?"), size,
		       r[i].package_count, human_noun(r[i].package_count, "pkg", "pkgs"),
		       tw_esc(r[i].path ? r[i].path : "?"), tw_esc(r[i].dir));
	}
	act_records_free(r, n);
	return CLI_EXIT_OK;
}
