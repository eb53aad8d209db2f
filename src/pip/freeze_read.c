/* What pip freeze reads, read natively: the distributions on the env's
 * sys.path in pip's order (metadata/importlib/_envs.py or pkg_resources'
 * WorkingSet; found by freeze_find.c), the first of each name, their
 * direct_url.json, egg-links, and the git state of editable projects. */
#include "freeze_read.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/version.h"
#include "../util/xalloc.h"
#include "freeze_find.h"
#include "../scan/git_info.h"
#include "../scan/venv.h"
#include "listing.h"
#include "pypath.h"
#include "site_path.h"

/* ---- which pip ---- */

/* The first "pip" distribution on the path: the pip that `python -m pip`
 * imports. */
static const struct scan_freeze_cand *find_pip(const struct scan_freeze_cands *c,
					       const struct scan_freeze_rules *prelim)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct scan_freeze_dist *d = &c->v[i].d;
		char *canon = scan_freeze_canonical(prelim, d->entry, d->meta_name);
		bool is_pip = canon && strcmp(canon, "pip") == 0;

		free(canon);
		if (is_pip)
			return &c->v[i];
	}
	return NULL;
}

/* Debian patches pip's freeze command to hide "pkg-resources" too (the
 * pkg-resources==0.0.0 Ubuntu's venvs used to carry); the only way to
 * know is to look at that pip's own freeze.py. */
static bool pip_hides_pkg_resources(const struct scan_freeze_cand *pip)
{
	char *text;
	size_t len;
	bool hides = false;

	if (vs_read_at(pip->dirfd, "pip/_internal/commands/freeze.py", 0, VS_READ_MAX_META, &text,
		       &len, NULL) == 0) {
		hides = memmem(text, len, "\"pkg-resources\"", 15) != NULL;
		free(text);
	}
	return hides;
}

/* ---- one kept distribution ---- */

/* The direct_url.json of `d`, whose folder is open as `dirfd`. */
static void read_direct_url(struct scan_freeze_dist *d, int dirfd, const char *canonical,
			    struct scan_msgs *warn)
{
	char *rel, *buf;
	size_t len;
	struct vs_err e = {0};
	int res;

	if (!d->is_dir)
		return;
	rel = path_join(d->entry, "direct_url.json");
	res = vs_read_at(dirfd, rel, 0, VS_READ_MAX_META, &buf, &len, NULL);
	free(rel);
	if (res < 0)
		return;
	if (!py_utf8_valid(buf, len)) {
		d->problem = xstrdup("its direct_url.json is not valid UTF-8");
	} else if (scan_direct_url_parse(&d->du, buf, len, &e) == 0) {
		d->du_state = SCAN_DU_OK;
	} else {
		d->du_state = SCAN_DU_BAD;
		scan_msgs_add(warn,
			      "error parsing direct_url.json for %s (%s/%s/direct_url.json): %s; "
			      "ignored",
			      canonical, d->location, d->entry, e.msg);
	}
	free(buf);
}

/* os.path.isfile(dir/name): a regular file, symlinks followed. The listing
 * the path list keeps of `dir`, if any, answers "no" without a stat for a
 * name it certainly lacks (most of them: one egg-link per editable at most,
 * looked up for every distribution); every other answer is stat's. */
static bool is_file_in(const struct scan_path_list *paths, const char *dir, const char *name)
{
	size_t at = scan_path_find(paths, dir);
	const struct scan_listing *l = at < paths->n ? paths->lists[at] : NULL;
	struct stat st;
	char *p;
	bool yes;

	if (scan_listing_lacks(l, name))
		return false;
	if (l && !strchr(name, '/'))
		return fstatat(l->fd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
	p = path_join(dir, name);
	yes = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return yes;
}

/* utils/egg_link.py: "<safe_name>.egg-link" or "<raw name>.egg-link" in
 * the first of `dirs` that has one. Caller frees; NULL when none. */
static char *find_egg_link(const struct scan_path_list *paths, char *const *dirs, size_t n,
			   const char *raw_name)
{
	struct strbuf safe = STRBUF_INIT, raw = STRBUF_INIT;
	bool run = false;
	char *names[2];

	for (const char *p = raw_name; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '.';

		if (ok)
			sb_addc(&safe, *p);
		else if (!run)
			sb_addc(&safe, '-');
		run = !ok;
	}
	sb_adds(&safe, ".egg-link");
	names[0] = sb_detach(&safe);
	sb_adds(&raw, raw_name);
	sb_adds(&raw, ".egg-link");
	names[1] = sb_detach(&raw);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < 2; k++) {
			if (is_file_in(paths, dirs[i], names[k])) {
				char *p = path_join(dirs[i], names[k]);

				free(names[0]);
				free(names[1]);
				return p;
			}
		}
	}
	free(names[0]);
	free(names[1]);
	return NULL;
}

/* pip's normalize_path(): realpath, or the path as given when it does
 * not exist. */
static char *norm_real(const char *p)
{
	char *r = realpath(p, NULL);

	return r ? r : py_abspath(p, "/");
}

struct env_ctx {
	const struct scan_freeze_rules *rules;
	const struct scan_path_list *paths;
	char *prefix; /* realpath of the env: sys.prefix normalised */
	struct scan_msgs *warn;
	char *last_dir;  /* the last folder is_local() looked at ... */
	bool last_local; /* ... and its answer (most share one folder) */
};

/* is_local(): installed location starts with sys.prefix (as strings). */
static bool is_local(struct env_ctx *x, const char *installed)
{
	char *real;

	if (x->last_dir && strcmp(x->last_dir, installed) == 0)
		return x->last_local;
	real = norm_real(installed);
	free(x->last_dir);
	x->last_dir = xstrdup(installed);
	x->last_local = strncmp(real, x->prefix, strlen(x->prefix)) == 0;
	free(real);
	return x->last_local;
}

static void finish_dist(struct env_ctx *x, struct scan_freeze_cand *c)
{
	struct scan_freeze_dist *d = &c->d;
	char *canonical = scan_freeze_canonical(x->rules, d->entry, d->meta_name);
	char *raw = scan_freeze_raw_name(x->rules, d), *link = NULL;

	read_direct_url(d, c->dirfd, canonical ? canonical : d->entry, x->warn);
	if (d->du_state != SCAN_DU_OK && raw)
		link = find_egg_link(x->paths, x->paths->v, x->paths->n, raw);
	if (d->du_state == SCAN_DU_OK && d->du.kind == SCAN_DIRECT_DIR && d->du.editable) {
		d->editable = true;
		d->editable_location = scan_file_url_to_path(d->du.url);
		if (!d->editable_location)
			d->problem = xasprintf("its direct_url.json names %s, which is not a local "
					       "file: URL, for an editable install",
					       d->du.url);
	} else if (link) {
		d->editable = true;
		d->editable_location = py_abspath(d->location, "/");
	}
	if (d->editable_location)
		scan_git_editable(&d->vcs, d->editable_location, x->warn);
	if (x->rules->backend == SCAN_FREEZE_IMPORTLIB) {
		d->local = is_local(x, c->installed);
	} else {
		/* egg_link_path_from_location(): site-packages, then the user site. */
		char *dirs[2];
		size_t n = 0;
		char *egg;

		if (x->paths->site_packages)
			dirs[n++] = x->paths->site_packages;
		if (x->paths->user_site)
			dirs[n++] = x->paths->user_site;
		egg = raw ? find_egg_link(x->paths, dirs, n, raw) : NULL;
		d->local = is_local(x, egg ? egg : c->installed);
		free(egg);
	}
	free(link);
	free(raw);
	free(canonical);
}

/* Keeps the first candidate of each dedupe key, as pip's finder does. */
static void dedupe(struct scan_freeze_list *out, struct scan_freeze_cands *c, struct env_ctx *x)
{
	char **seen = xcalloc(c->n + 1, sizeof(*seen));
	size_t n_seen = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct scan_freeze_cand *k = &c->v[i];
		size_t len = strlen(k->d.entry);
		bool dist_info = len > 10 &&
				 vs_ascii_casecmp(k->d.entry + len - 10, ".dist-info") == 0;
		char *key;
		bool dup = false;

		/* The pkg_resources of pip >= 23.2 (setuptools 68) wants a dist-info
		 * folder; pip 23.0's (setuptools 44) also took a file. */
		if (x->rules->backend == SCAN_FREEZE_PKG_RESOURCES && dist_info && !k->d.is_dir &&
		    (x->rules->pip_major == 0 ||
		     vs_version_at_least(x->rules->pip_major, x->rules->pip_minor, 23, 2))) {
			scan_freeze_dist_clear(&k->d);
			continue;
		}
		key = scan_freeze_dedupe_key(x->rules, k->d.entry, k->d.meta_name);
		if (!key) {
			scan_msgs_add(x->warn, "skipping %s/%s due to invalid metadata entry 'name'",
				      k->d.location, k->d.entry);
			scan_freeze_dist_clear(&k->d);
			continue;
		}
		for (size_t j = 0; j < n_seen && !dup; j++)
			dup = strcmp(seen[j], key) == 0;
		if (dup) {
			free(key);
			scan_freeze_dist_clear(&k->d);
			continue;
		}
		seen[n_seen++] = key;
		finish_dist(x, k);
		out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = k->d;
		memset(&k->d, 0, sizeof(k->d));
	}
	vs_strv_free(seen, n_seen);
}

void scan_freeze_read(struct scan_freeze_list *out, struct scan_freeze_rules *rules,
		      const struct venv *v, struct scan_msgs *warn)
{
	struct scan_path_list paths;
	struct scan_freeze_rules prelim;
	struct scan_freeze_cands c;
	const struct scan_freeze_cand *pip_dist;
	struct env_ctx x;
	bool legacy;
	char *pip;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (!v->home)
		scan_msgs_add(warn,
			      "%s: pyvenv.cfg %s, so Python does not run as this environment "
			      "(its pip would list the base Python's packages); listing the env's own folders",
			      v->path, v->cfg ? "has no home key" : "cannot be read");
	scan_freeze_rules_init(&prelim, v->python_version, NULL);
	scan_freeze_paths(&paths, v, warn);
	if (paths.n == 0)
		scan_msgs_add(warn, "%s: no site-packages folder found", v->path);
	scan_freeze_collect(&c, &paths, prelim.backend);
	pip_dist = find_pip(&c, &prelim);
	pip = pip_dist ? scan_freeze_version(&prelim, &pip_dist->d, &legacy) : NULL;
	scan_freeze_rules_init(rules, v->python_version, pip);
	rules->hide_pkg_resources = pip_dist && pip_hides_pkg_resources(pip_dist);
	free(pip);
	x.rules = rules;
	x.paths = &paths;
	x.prefix = norm_real(v->path);
	x.warn = warn;
	x.last_dir = NULL;
	x.last_local = false;
	dedupe(out, &c, &x);
	scan_freeze_cands_clear(&c);
	free(x.prefix);
	free(x.last_dir);
	scan_path_list_clear(&paths);
}

void scan_freeze_list_clear(struct scan_freeze_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		scan_freeze_dist_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int scan_freeze_env(char **out, size_t *len, const struct venv *v, const struct scan_freeze_opts *o,
		    struct scan_msgs *warn, struct vs_err *err)
{
	struct scan_freeze_list l;
	struct scan_freeze_rules r;

	(void)err;
	scan_freeze_read(&l, &r, v, warn);
	*out = scan_freeze_format(len, l.v, l.n, &r, o, warn);
	scan_freeze_list_clear(&l);
	return 0;
}
