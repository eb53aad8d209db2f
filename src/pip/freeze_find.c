/* pip's finder, natively: every *.dist-info / *.egg-info entry of the
 * sys.path folders and of the folders .egg-link files name, in pip's order,
 * with the metadata its backend reads (see freeze_find.h). */
#include "freeze_find.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "listing.h"
#include "pymeta.h"
#include "pypath.h"

/* A NUL in the text is a character to Python: it stays in the values as
 * PY_NUL, and the freeze text prints it back as a NUL byte, as pip does. */
static void parse_meta(struct scan_freeze_dist *d, const char *text, size_t len)
{
	size_t n, m;
	char *t = py_nul_encode(text, len, &m);
	char *u = pymeta_universal_newlines(t, m, &n);

	d->meta = SCAN_META_OK;
	d->meta_name = pymeta_header(u, n, "Name");
	d->meta_version = pymeta_header(u, n, "Version");
	d->version_line = pymeta_version_line(u, n);
	free(u);
	free(t);
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
	bool dist_info = vs_ascii_casecmp(d->entry + stem, ".dist-info") == 0;

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
		if (vs_read_at(dirfd, files[i], 0, VS_READ_MAX_META, &buf, &len, NULL) < 0)
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

	*dist_info = n > 10 && vs_ascii_casecmp(name + n - 10, ".dist-info") == 0;
	return *dist_info || (n > 9 && vs_ascii_casecmp(name + n - 9, ".egg-info") == 0);
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
	_Alignas(struct dirent64) char buf[4096];
	bool empty = true;
	int fd = -1;

	if (maybe_dir(e) &&
	    (fd = openat(l->fd, e->name, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)) < 0)
		vs_fd_shortage_note(errno);
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

static void add_cand(struct scan_freeze_cands *c, const struct scan_listing *l,
		     const struct scan_listing_entry *e, const char *dir, const char *installed,
		     bool via_link, enum scan_freeze_backend backend)
{
	struct scan_freeze_cand *x;
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
static void scan_folder(struct scan_freeze_cands *c, const struct scan_listing *l, const char *dir,
			const char *installed, bool via_link, enum scan_freeze_backend backend)
{
	struct vs_vec ents = {0}; /* borrowed from the listing */

	for (size_t i = 0; i < l->n; i++) {
		bool dist_info;

		if (!meta_name_of(l->v[i].name, &dist_info))
			continue;
		vs_vec_push(&ents, (void *)&l->v[i]);
	}
	if (backend == SCAN_FREEZE_PKG_RESOURCES && ents.n)
		qsort(ents.v, ents.n, sizeof(*ents.v), by_entry_name);
	for (size_t i = 0; i < ents.n; i++)
		add_cand(c, l, ents.v[i], dir, installed, via_link, backend);
	vs_vec_clear(&ents);
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
static void scan_links(struct scan_freeze_cands *c, const struct scan_listing *l, const char *dir)
{
	for (size_t k = 0; k < l->n; k++) {
		const char *name = l->v[k].name;
		size_t n = strlen(name), len;
		char *text, *target = NULL, *where;
		struct scan_listing *wl;

		if (n <= 9 || strcmp(name + n - 9, ".egg-link") != 0)
			continue;
		if (vs_read_at(l->fd, name, 0, VS_READ_MAX_META, &text, &len, NULL) == 0) {
			target = first_line(text, len);
			free(text);
		}
		if (!target)
			continue;
		where = target[0] == '/' ? xstrdup(target) : path_join(dir, target);
		wl = scan_listing_read(where);
		if (wl) {
			vs_vec_push(&c->lists, wl);
			scan_folder(c, wl, where, dir, true, SCAN_FREEZE_IMPORTLIB);
		}
		free(where);
		free(target);
	}
}

void scan_freeze_collect(struct scan_freeze_cands *c, struct scan_path_list *paths,
			 enum scan_freeze_backend backend)
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

void scan_freeze_cands_clear(struct scan_freeze_cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		scan_freeze_dist_clear(&c->v[i].d);
		free(c->v[i].installed);
	}
	free(c->v);
	for (size_t i = 0; i < c->lists.n; i++)
		scan_listing_free(c->lists.v[i]);
	vs_vec_clear(&c->lists);
	memset(c, 0, sizeof(*c));
}
