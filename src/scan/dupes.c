#include "dupes.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pip/pip.h"
#include "../util/ascii.h"
#include "../util/human.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "venv.h"

/* ---- the arithmetic ---- */

static int file_cmp(const void *a, const void *b)
{
	const struct scan_dupe_file *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->copy != y->copy)
		return x->copy < y->copy ? -1 : 1;
	return 0;
}

void scan_dupes_figures(struct scan_dupe_bytes *disk, struct scan_dupe_bytes *apparent,
			struct scan_dupe_file *files, size_t n, size_t copies)
{
	uint64_t *cd = xcalloc(copies ? copies : 1, sizeof(*cd));
	uint64_t *ca = xcalloc(copies ? copies : 1, sizeof(*ca));
	uint64_t ud = 0, ua = 0;

	memset(disk, 0, sizeof(*disk));
	memset(apparent, 0, sizeof(*apparent));
	if (n)
		qsort(files, n, sizeof(*files), file_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct scan_dupe_file *f = files + i;
		bool new_inode = i == 0 || f->dev != files[i - 1].dev || f->ino != files[i - 1].ino;

		if (new_inode) {
			ud += f->disk;
			ua += f->apparent;
		}
		/* An inode counts once in each copy that holds it. */
		if (new_inode || f->copy != files[i - 1].copy) {
			cd[f->copy] += f->disk;
			ca[f->copy] += f->apparent;
		}
	}
	for (size_t c = 0; c < copies; c++) {
		disk->total += cd[c];
		apparent->total += ca[c];
		if (cd[c] > disk->per_copy)
			disk->per_copy = cd[c];
		if (ca[c] > apparent->per_copy)
			apparent->per_copy = ca[c];
	}
	disk->shared = disk->total - ud;
	apparent->shared = apparent->total - ua;
	disk->duplicated = ud - disk->per_copy;
	apparent->duplicated = ua - apparent->per_copy;
	free(cd);
	free(ca);
}

/* ---- one copy's files ---- */

/* Reading one copy: its site folder, the folder of the last file met (RECORD
 * lists a package's files folder by folder), and the files found. */
struct reader {
	int sitefd;
	char *dir; /* relative path of dirfd ("" : the site folder itself) */
	int dirfd; /* -1 when `dir` could not be opened, errno then in dir_errno */
	int dir_errno;
	size_t copy;
	struct scan_dupe_file *files;
	size_t n, cap;
	uint64_t missing, outside;
};

/* `path` made lexical relative to the site folder into `out` (same size or
 * more): "." and empty parts dropped, ".." takes one back. False when it
 * leaves the folder (absolute, or more ".." than parts) or names it. */
static bool normalize(char *out, const char *path)
{
	size_t n = 0;
	const char *p = path;

	if (*p == '/')
		return false;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t k = e ? (size_t)(e - p) : strlen(p);

		if (k == 2 && p[0] == '.' && p[1] == '.') {
			if (n == 0)
				return false;
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash before the dropped part */
		} else if (k > 0 && !(k == 1 && p[0] == '.')) {
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, p, k);
			n += k;
		}
		p += k;
		if (*p == '/')
			p++;
	}
	out[n] = '\0';
	return n > 0;
}

/* Opens the folder `dir` below the site folder one part at a time, never
 * through a symlink (O_NOFOLLOW at every part). -1 when it cannot. */
static int open_below(int sitefd, const char *dir)
{
	char *copy = xstrdup(dir), *save = NULL;
	int fd = sitefd;

	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;

		if (fd != sitefd)
			close(fd);
		if (next < 0) {
			vs_fd_shortage_note(e);
			errno = e;
			fd = -1;
			break;
		}
		fd = next;
	}
	free(copy);
	return fd == sitefd ? fcntl(sitefd, F_DUPFD_CLOEXEC, 0) : fd;
}

static void reader_dir(struct reader *r, const char *dir)
{
	if (r->dir && strcmp(r->dir, dir) == 0)
		return;
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	r->dir = xstrdup(dir);
	r->dirfd = open_below(r->sitefd, dir);
	r->dir_errno = r->dirfd < 0 ? errno : 0;
}

static void on_path(void *ctx, const char *path)
{
	struct reader *r = ctx;
	char *rel = xmalloc(strlen(path) + 1);
	char *slash;
	const char *base = rel;
	struct stat st;

	if (!normalize(rel, path)) {
		r->outside++;
		goto done;
	}
	slash = strrchr(rel, '/');
	if (slash) {
		*slash = '\0';
		reader_dir(r, rel);
		base = slash + 1;
	} else {
		reader_dir(r, "");
	}
	/* A folder on the way that is a symlink, or is gone. */
	if (r->dirfd < 0) {
		if (r->dir_errno == ELOOP || r->dir_errno == ENOTDIR)
			r->outside++;
		else
			r->missing++;
		goto done;
	}
	if (fstatat(r->dirfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		r->missing++;
		goto done;
	}
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		goto done;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->files = xrealloc(r->files, r->cap * sizeof(*r->files));
	}
	r->files[r->n++] = (struct scan_dupe_file){.dev = st.st_dev,
						   .ino = st.st_ino,
						   .disk = (uint64_t)st.st_blocks * 512,
						   .apparent = (uint64_t)st.st_size,
						   .copy = r->copy};
done:
	free(rel);
}

/* The site folder `location` of the env `env`, opened, when it lies inside
 * the env once links are resolved (a lib64 -> lib link is fine; a
 * site-packages that is a link out of the env is not read). -1 otherwise. */
static int open_site(const char *env, const char *location)
{
	char *real_env = realpath(env, NULL), *real_site = realpath(location, NULL);
	int fd = -1;

	if (real_env && real_site && path_has_prefix(real_site, real_env)) {
		fd = open(real_site, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			vs_fd_shortage_note(errno);
	}
	free(real_env);
	free(real_site);
	return fd;
}

/* Adds the files of the copy whose metadata folder is `meta_dir` in the
 * site folder `location` of `env` to `r`. False when its RECORD cannot be
 * read (the copy is then left out). */
static bool read_copy(struct reader *r, const char *env, const char *location, const char *meta_dir)
{
	int sitefd = open_site(env, location);
	int metafd = -1;
	char *buf = NULL;
	size_t len;
	bool ok = false;

	if (sitefd < 0)
		return false;
	/* The dist-info folder itself is not followed either. */
	metafd = openat(sitefd, meta_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (metafd < 0) {
		vs_fd_shortage_note(errno);
		goto done;
	}
	if (vs_read_at(metafd, "RECORD", VS_READ_NOFOLLOW, VS_READ_MAX_META, &buf, &len, NULL) < 0)
		goto done;
	r->sitefd = sitefd;
	r->dirfd = -1;
	r->dir = NULL;
	scan_record_paths(buf, len, on_path, r);
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	r->dir = NULL;
	ok = true;
done:
	free(buf);
	if (metafd >= 0)
		close(metafd);
	close(sitefd);
	return ok;
}

/* ---- grouping ---- */

/* One installed distribution that may be a copy: owned strings, so the
 * input outlives the envs it was taken from. */
struct cand {
	char *env, *name, *canonical, *version, *location, *meta_dir;
	char *key; /* the version as PEP 440 writes it, or as written */
};

struct scan_dupes_input {
	struct cand *c; /* sorted by canonical, key, env, location; runs of 2+ envs only */
	size_t n;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->canonical, y->canonical);

	if (!c)
		c = strcmp(x->key, y->key);
	if (!c)
		c = strcmp(x->env, y->env);
	if (!c)
		c = strcmp(x->location, y->location);
	return c;
}

static bool same_dist(const struct cand *x, const struct cand *y)
{
	return strcmp(x->canonical, y->canonical) == 0 && strcmp(x->key, y->key) == 0;
}

static void cand_free(struct cand *c)
{
	free(c->env);
	free(c->name);
	free(c->canonical);
	free(c->version);
	free(c->location);
	free(c->meta_dir);
	free(c->key);
}

static bool is_dist_info(const char *meta_dir)
{
	size_t n = strlen(meta_dir);

	return n > 10 && vs_ascii_casecmp(meta_dir + n - 10, ".dist-info") == 0;
}

static char *version_key(const char *version)
{
	struct scan_pep440 *pv = NULL;
	char *key;

	if (scan_pep440_parse(&pv, version, NULL) < 0)
		return xstrdup(version);
	key = xstrdup(scan_pep440_str(pv));
	scan_pep440_free(pv);
	return key;
}

static size_t collect(struct cand **out, const struct venv *const *vs, size_t n)
{
	struct cand *c = NULL;
	size_t k = 0, cap = 0;

	for (size_t i = 0; i < n; i++) {
		const struct venv *v = vs[i];

		if (!v || !v->packages_known)
			continue;
		for (size_t j = 0; j < v->packages.n; j++) {
			const struct scan_package *p = v->packages.items + j;

			if (!p->version || !p->canonical || !p->size_known || !p->location ||
			    !p->meta_dir || !is_dist_info(p->meta_dir))
				continue;
			if (k == cap) {
				cap = cap ? cap * 2 : 256;
				c = xrealloc(c, cap * sizeof(*c));
			}
			c[k++] = (struct cand){.env = xstrdup(v->path),
					       .name = xstrdup(p->name ? p->name : p->canonical),
					       .canonical = xstrdup(p->canonical),
					       .version = xstrdup(p->version),
					       .location = xstrdup(p->location),
					       .meta_dir = xstrdup(p->meta_dir),
					       .key = version_key(p->version)};
		}
	}
	if (k)
		qsort(c, k, sizeof(*c), cand_cmp);
	*out = c;
	return k;
}

struct scan_dupes_input *scan_dupes_input_new(const struct venv *const *vs, size_t n)
{
	struct scan_dupes_input *in = xcalloc(1, sizeof(*in));
	struct cand *c = NULL;
	size_t k = collect(&c, vs, n);

	/* Keep the runs that span two envs or more; the rest is never read. */
	for (size_t i = 0; i < k;) {
		size_t j = i + 1;
		bool two_envs = false;

		while (j < k && same_dist(c + j, c + i)) {
			two_envs = two_envs || strcmp(c[j].env, c[i].env) != 0;
			j++;
		}
		for (size_t m = i; m < j; m++) {
			if (two_envs)
				c[in->n++] = c[m];
			else
				cand_free(c + m);
		}
		i = j;
	}
	in->c = c;
	return in;
}

void scan_dupes_input_free(struct scan_dupes_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++)
		cand_free(in->c + i);
	free(in->c);
	free(in);
}

/* Measures the run c[0..n) of one name and version into a new group in `d`
 * when at least two envs hold a readable copy. */
static void measure(struct scan_dupes *d, size_t *cap, const struct cand *c, size_t n)
{
	struct reader r = {.sitefd = -1, .dirfd = -1};
	const char **envs = xcalloc(n, sizeof(*envs));
	size_t n_envs = 0, copies = 0;
	const struct cand *first = NULL;
	struct scan_dupe_group *g;

	for (size_t i = 0; i < n; i++) {
		size_t before = r.n;

		r.copy = copies;
		if (!read_copy(&r, c[i].env, c[i].location, c[i].meta_dir)) {
			r.n = before;
			continue;
		}
		copies++;
		if (!first)
			first = c + i;
		/* c is sorted by env path: an env's copies are neighbours. */
		if (n_envs == 0 || strcmp(envs[n_envs - 1], c[i].env) != 0)
			envs[n_envs++] = c[i].env;
	}
	if (n_envs < 2)
		goto done;
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		d->groups = xrealloc(d->groups, *cap * sizeof(*d->groups));
	}
	g = d->groups + d->n++;
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(first->name);
	g->canonical = xstrdup(first->canonical);
	g->version = xstrdup(first->version);
	g->n_envs = n_envs;
	g->envs = xcalloc(n_envs, sizeof(*g->envs));
	for (size_t i = 0; i < n_envs; i++)
		g->envs[i] = xstrdup(envs[i]);
	g->copies = copies;
	g->files = r.n;
	g->missing = r.missing;
	g->outside = r.outside;
	scan_dupes_figures(&g->disk, &g->apparent, r.files, r.n, copies);
done:
	free(envs);
	free(r.files);
}

static int group_cmp(const void *a, const void *b)
{
	const struct scan_dupe_group *x = a, *y = b;
	int c;

	if (x->disk.duplicated != y->disk.duplicated)
		return x->disk.duplicated > y->disk.duplicated ? -1 : 1;
	c = strcmp(x->canonical, y->canonical);
	return c ? c : strcmp(x->version, y->version);
}

bool scan_dupes_run(struct scan_dupes *out, const struct scan_dupes_input *in,
		    const atomic_bool *cancel)
{
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < in->n;) {
		size_t j = i + 1;

		if (cancel && atomic_load(cancel))
			return false;
		while (j < in->n && same_dist(in->c + j, in->c + i))
			j++;
		measure(out, &cap, in->c + i, j - i);
		i = j;
	}
	if (out->n)
		qsort(out->groups, out->n, sizeof(*out->groups), group_cmp);
	return true;
}

void scan_dupes_find(struct scan_dupes *out, const struct venv *const *vs, size_t n)
{
	struct scan_dupes_input *in = scan_dupes_input_new(vs, n);

	scan_dupes_run(out, in, NULL);
	scan_dupes_input_free(in);
}

void scan_dupes_free(struct scan_dupes *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct scan_dupe_group *g = d->groups + i;

		free(g->name);
		free(g->canonical);
		free(g->version);
		vs_strv_free(g->envs, g->n_envs);
	}
	free(d->groups);
	d->groups = NULL;
	d->n = 0;
}

/* human_size, but a plain "0" for nothing (as "0 shared" reads). */
static void bytes_text(char *out, size_t n, uint64_t b)
{
	if (b == 0)
		snprintf(out, n, "0");
	else
		human_size(out, n, b);
}

void scan_dupe_text(struct strbuf *sb, const struct scan_dupe_group *g)
{
	char dup[32], shared[32], copy[32];

	bytes_text(dup, sizeof(dup), g->disk.duplicated);
	bytes_text(shared, sizeof(shared), g->disk.shared);
	bytes_text(copy, sizeof(copy), g->disk.per_copy);
	sb_addf(sb, "%s %s — %zu %s", g->name, g->version, g->n_envs,
		human_noun(g->n_envs, "env", "envs"));
	if (g->copies != g->n_envs)
		sb_addf(sb, " (%zu %s)", g->copies, human_noun(g->copies, "copy", "copies"));
	sb_addf(sb, ", %s duplicated, %s shared (%s a copy)", dup, shared, copy);
}
