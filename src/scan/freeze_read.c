/* What pip freeze reads, read natively: the distributions on the env's
 * sys.path in pip's order (metadata/importlib/_envs.py or pkg_resources'
 * WorkingSet), their metadata, direct_url.json, egg-links, and the git
 * state of editable projects. */
#include "freeze_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "git_info.h"
#include "listing.h"
#include "pymeta.h"
#include "pypath.h"
#include "site_path.h"

#define META_MAX_BYTES (64 * 1024 * 1024)

/* ---- files ---- */

enum read_res { READ_OK, READ_NONE, READ_ERROR };

/* Reads the whole regular file `path` (relative to folder `dirfd`; symlinks
 * followed, as Python does). */
static enum read_res read_whole(int dirfd, const char *path, char **buf, size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	size_t got = 0, cap = 0;
	char *b = NULL;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return READ_NONE;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return READ_NONE;
	}
	if (st.st_size > 0 && st.st_size < META_MAX_BYTES) {
		/* One byte more than fstat's size: a file that did not change
		 * comes back whole and short, so no read is needed to see its
		 * end. Anything else (it grew, a short read) goes on below. */
		ssize_t r;

		b = xgrow(b, &cap, (size_t)st.st_size + 2, 1);
		do
			r = read(fd, b, (size_t)st.st_size + 1);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			free(b);
			close(fd);
			return READ_ERROR;
		}
		got = (size_t)r;
		if (r == st.st_size)
			goto done;
	}
	for (;;) {
		ssize_t r;

		if (got >= META_MAX_BYTES)
			break;
		b = xgrow(b, &cap, got + 65536 + 1, 1);
		r = read(fd, b + got, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			close(fd);
			return READ_ERROR;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
done:
	close(fd);
	if (!b)
		b = xmalloc(1);
	b[got] = '\0';
	*buf = b;
	*len = got;
	return READ_OK;
}

/* One metadata entry before deduplication. */
struct cand {
	struct scan_freeze_dist d; /* location, entry, is_dir, meta fields */
	int dirfd;                 /* `location`, open (its listing owns the fd) */
	char *installed;           /* folder pip counts it installed in (local check) */
	bool via_link;             /* found through an .egg-link */
};

struct cands {
	struct cand *v;
	size_t n, cap;
	struct scan_listing **lists; /* owned: the folders .egg-link files name */
	size_t n_lists, cap_lists;
};

static void parse_meta(struct scan_freeze_dist *d, const char *text, size_t len)
{
	size_t n;
	char *u = pymeta_universal_newlines(text, len, &n);

	d->meta = SCAN_META_OK;
	d->meta_name = pymeta_header(u, n, "Name");
	d->meta_version = pymeta_header(u, n, "Version");
	d->version_line = pymeta_version_line(u, n);
	free(u);
}

/* Every invalid byte becomes U+FFFD (open(..., errors="replace")). */
static char *utf8_replace(const char *s, size_t len, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < len;) {
		size_t k = 1;

		while (k <= 4 && i + k <= len && !py_utf8_valid(s + i, k))
			k++;
		if (k <= 4 && i + k <= len) {
			sb_add(&sb, s + i, k);
			i += k;
		} else {
			sb_adds(&sb, "\xef\xbf\xbd");
			i++;
		}
	}
	*out_len = sb.len;
	return sb_detach(&sb);
}

/* Reads the metadata file the backend reads for `d`, whose folder is open
 * as `dirfd`. Returns whether a file was read: that proves d->is_dir right
 * (entry/METADATA opens only when the entry is a folder stat would see). */
static bool read_meta(struct scan_freeze_dist *d, enum scan_freeze_backend backend, int dirfd)
{
	char *files[2] = {0}, *buf;
	size_t nf = 0, len;
	bool lenient = false, read_one = false;
	size_t stem = strlen(d->entry) >= 10 ? strlen(d->entry) - 10 : 0;
	bool dist_info = strcasecmp(d->entry + stem, ".dist-info") == 0;

	d->meta = SCAN_META_MISSING;
	if (backend == SCAN_FREEZE_IMPORTLIB) {
		/* read_text('METADATA') or read_text('PKG-INFO') or read_text('') */
		if (d->is_dir) {
			files[nf++] = path_join(d->entry, "METADATA");
			files[nf++] = path_join(d->entry, "PKG-INFO");
		} else {
			files[nf++] = xstrdup(d->entry);
		}
	} else if (dist_info) {
		files[nf++] = path_join(d->entry, "METADATA");
	} else if (d->is_dir) {
		files[nf++] = path_join(d->entry, "PKG-INFO");
	} else {
		files[nf++] = xstrdup(d->entry); /* FileMetadata: errors="replace" */
		lenient = true;
	}
	for (size_t i = 0; i < nf && d->meta == SCAN_META_MISSING; i++) {
		if (read_whole(dirfd, files[i], &buf, &len) != READ_OK)
			continue;
		read_one = true;
		if (!py_utf8_valid(buf, len)) {
			if (lenient) {
				char *fixed = utf8_replace(buf, len, &len);

				parse_meta(d, fixed, len);
				free(fixed);
			} else {
				d->meta = SCAN_META_NOT_UTF8;
			}
		} else if (len > 0 || backend == SCAN_FREEZE_PKG_RESOURCES) {
			parse_meta(d, buf, len);
		}
		free(buf);
	}
	for (size_t i = 0; i < nf; i++)
		free(files[i]);
	return read_one;
}

static bool meta_name_of(const char *name, bool *dist_info)
{
	size_t n = strlen(name);

	*dist_info = n > 10 && strcasecmp(name + n - 10, ".dist-info") == 0;
	return *dist_info || (n > 9 && strcasecmp(name + n - 9, ".egg-info") == 0);
}

/* What stat (symlinks followed) says: entry `e` of folder `l` is a folder. */
static bool stat_is_dir(const struct scan_listing *l, const struct scan_listing_entry *e)
{
	struct stat st;

	return fstatat(l->fd, e->name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/* d_type says what the entry itself is; only a symlink (followed, as
 * Python does) or an unknown type could still be a folder. */
static bool maybe_dir(const struct scan_listing_entry *e)
{
	return e->type == DT_DIR || e->type == DT_LNK || e->type == DT_UNKNOWN;
}

/* pkg_resources' distributions_from_metadata() skips an empty folder (one
 * it cannot list counts as empty). Sets *is_dir as stat would; opening the
 * entry as a folder proves it, so stat is only asked when that fails. */
static bool pkg_resources_skips(const struct scan_listing *l, const struct scan_listing_entry *e,
				bool *is_dir)
{
	char buf[4096];
	bool empty = true;
	int fd = -1;

	if (maybe_dir(e))
		fd = openat(l->fd, e->name, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	*is_dir = fd >= 0 || (maybe_dir(e) && stat_is_dir(l, e));
	while (fd >= 0 && empty) {
		ssize_t got = getdents64(fd, buf, sizeof(buf));

		if (got <= 0)
			break; /* the end, or an error: readdir() stopped there too */
		for (ssize_t off = 0; off < got && empty;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);

			off += de->d_reclen;
			empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
		}
	}
	if (fd >= 0)
		close(fd);
	return *is_dir && empty;
}

static void add_cand(struct cands *c, const struct scan_listing *l, const struct scan_listing_entry *e,
		     const char *dir, const char *installed, bool via_link,
		     enum scan_freeze_backend backend)
{
	struct cand *x;
	bool is_dir, sure = true;

	if (backend == SCAN_FREEZE_PKG_RESOURCES) {
		if (pkg_resources_skips(l, e, &is_dir))
			return;
	} else if (e->type == DT_DIR) {
		is_dir = true;
		sure = false; /* reading its METADATA proves it; stat only when that fails */
	} else {
		is_dir = maybe_dir(e) && stat_is_dir(l, e);
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	x = &c->v[c->n++];
	memset(x, 0, sizeof(*x));
	x->d.location = xstrdup(dir);
	x->d.entry = xstrdup(e->name);
	x->d.is_dir = is_dir;
	x->dirfd = l->fd;
	x->installed = xstrdup(installed);
	x->via_link = via_link;
	if (!read_meta(&x->d, backend, l->fd) && !sure && !stat_is_dir(l, e)) {
		/* Not a folder to stat after all (gone, or `dir` cannot be
		 * searched): nothing was read, so read it as stat sees it. */
		x->d.is_dir = false;
		read_meta(&x->d, backend, l->fd);
	}
}

static int by_entry_name(const void *a, const void *b)
{
	const struct scan_listing_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* The metadata entries of folder `dir` (listed as `l`): directory order
 * (importlib) or sorted (pkg_resources). */
static void scan_folder(struct cands *c, const struct scan_listing *l, const char *dir,
			const char *installed, bool via_link, enum scan_freeze_backend backend)
{
	const struct scan_listing_entry **ents = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < l->n; i++) {
		bool dist_info;

		if (!meta_name_of(l->v[i].name, &dist_info))
			continue;
		ents = xgrow(ents, &cap, n + 1, sizeof(*ents));
		ents[n++] = &l->v[i];
	}
	if (backend == SCAN_FREEZE_PKG_RESOURCES && n)
		qsort(ents, n, sizeof(*ents), by_entry_name);
	for (size_t i = 0; i < n; i++)
		add_cand(c, l, ents[i], dir, installed, via_link, backend);
	free(ents);
}

/* The first line of text that is not blank once stripped, or NULL. */
static char *first_line(const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t e = i, s = i, t;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		t = e;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
		while (t > s && (text[t - 1] == ' ' || text[t - 1] == '\t'))
			t--;
		if (t > s)
			return xstrndup(text + s, t - s);
		i = e + 1;
	}
	return NULL;
}

/* _DistributionFinder.find_linked(): the folders the .egg-link files of
 * `dir` (listed as `l`) name. */
static void scan_links(struct cands *c, const struct scan_listing *l, const char *dir)
{
	for (size_t k = 0; k < l->n; k++) {
		const char *name = l->v[k].name;
		size_t n = strlen(name), len;
		char *text, *target = NULL, *where;
		struct scan_listing *wl;

		if (n <= 9 || strcmp(name + n - 9, ".egg-link") != 0)
			continue;
		if (read_whole(l->fd, name, &text, &len) == READ_OK) {
			target = first_line(text, len);
			free(text);
		}
		if (!target)
			continue;
		where = target[0] == '/' ? xstrdup(target) : path_join(dir, target);
		wl = scan_listing_read(where);
		if (wl) {
			c->lists = xgrow(c->lists, &c->cap_lists, c->n_lists + 1, sizeof(*c->lists));
			c->lists[c->n_lists++] = wl;
			scan_folder(c, wl, where, dir, true, SCAN_FREEZE_IMPORTLIB);
		}
		free(where);
		free(target);
	}
}

static void collect(struct cands *c, struct scan_path_list *paths, enum scan_freeze_backend backend)
{
	for (size_t i = 0; i < paths->n; i++) {
		/* Zip files and missing folders hold nothing we read. */
		const struct scan_listing *l = scan_path_listing(paths, i);

		if (!l)
			continue;
		scan_folder(c, l, paths->v[i], paths->v[i], false, backend);
		if (backend == SCAN_FREEZE_IMPORTLIB)
			scan_links(c, l, paths->v[i]);
	}
}

/* ---- which pip ---- */

/* The first "pip" distribution on the path: the pip that `python -m pip`
 * imports. */
static const struct cand *find_pip(const struct cands *c, const struct scan_freeze_rules *prelim)
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
static bool pip_hides_pkg_resources(const struct cand *pip)
{
	char *text;
	size_t len;
	bool hides = false;

	if (read_whole(pip->dirfd, "pip/_internal/commands/freeze.py", &text, &len) == READ_OK) {
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
	enum read_res res;

	if (!d->is_dir)
		return;
	rel = path_join(d->entry, "direct_url.json");
	res = read_whole(dirfd, rel, &buf, &len);
	free(rel);
	if (res != READ_OK)
		return;
	if (!py_utf8_valid(buf, len)) {
		d->problem = xstrdup("its direct_url.json is not valid UTF-8");
	} else if (scan_direct_url_parse(&d->du, buf, len, &e) == 0) {
		d->du_state = SCAN_DU_OK;
	} else {
		d->du_state = SCAN_DU_BAD;
		scan_msgs_add(warn, "error parsing direct_url.json for %s (%s/%s/direct_url.json): %s; "
			      "ignored", canonical, d->location, d->entry, e.msg);
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
	struct strbuf safe = STRBUF_INIT;
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
	names[0] = xasprintf("%s.egg-link", sb_str(&safe));
	names[1] = xasprintf("%s.egg-link", raw_name);
	sb_free(&safe);
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

static void finish_dist(struct env_ctx *x, struct cand *c)
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
					       "file: URL, for an editable install", d->du.url);
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
static void dedupe(struct scan_freeze_list *out, struct cands *c, struct env_ctx *x)
{
	char **seen = xcalloc(c->n + 1, sizeof(*seen));
	size_t n_seen = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct cand *k = &c->v[i];
		size_t len = strlen(k->d.entry);
		bool dist_info = len > 10 && strcasecmp(k->d.entry + len - 10, ".dist-info") == 0;
		char *key;
		bool dup = false;

		/* The pkg_resources of pip >= 23.2 (setuptools 68) wants a dist-info
		 * folder; pip 23.0's (setuptools 44) also took a file. */
		if (x->rules->backend == SCAN_FREEZE_PKG_RESOURCES && dist_info && !k->d.is_dir &&
		    (x->rules->pip_major == 0 || x->rules->pip_major > 23 ||
		     (x->rules->pip_major == 23 && x->rules->pip_minor >= 2))) {
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
	for (size_t j = 0; j < n_seen; j++)
		free(seen[j]);
	free(seen);
}

void scan_freeze_read(struct scan_freeze_list *out, struct scan_freeze_rules *rules,
		      const struct venv *v, struct scan_msgs *warn)
{
	struct scan_path_list paths;
	struct scan_freeze_rules prelim;
	struct cands c;
	const struct cand *pip_dist;
	struct env_ctx x;
	bool legacy;
	char *pip;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (!v->home)
		scan_msgs_add(warn, "%s: pyvenv.cfg %s, so Python does not run as this environment "
			      "(its pip would list the base Python's packages); listing the env's own folders",
			      v->path, v->cfg ? "has no home key" : "cannot be read");
	scan_freeze_rules_init(&prelim, v->python_version, NULL);
	scan_freeze_paths(&paths, v, warn);
	if (paths.n == 0)
		scan_msgs_add(warn, "%s: no site-packages folder found", v->path);
	collect(&c, &paths, prelim.backend);
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
	for (size_t i = 0; i < c.n; i++) {
		scan_freeze_dist_clear(&c.v[i].d);
		free(c.v[i].installed);
	}
	free(c.v);
	for (size_t i = 0; i < c.n_lists; i++)
		scan_listing_free(c.lists[i]);
	free(c.lists);
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
