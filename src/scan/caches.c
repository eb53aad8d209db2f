/* Finding and sizing the tools' shared caches: see caches.h. */
#include "caches.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "inodes.h"
#include "places.h"
#include "venv.h"

/* The list being built, with each folder's identity so that a folder
 * reached twice is listed once. */
struct found {
	struct scan_cache *v;
	size_t n, cap;
	struct stat *ids;
	size_t ids_cap;
};

/* readlink() of `path` as an owned string, or NULL. */
static char *link_target(const char *path)
{
	char buf[4096];
	ssize_t k = readlink(path, buf, sizeof(buf) - 1);

	if (k < 0)
		return NULL;
	buf[k] = '\0';
	return xstrdup(buf);
}

/* Adds the cache of `tool` at `dir` (owned; may be NULL) when it is a
 * folder not listed yet, or a symlink to a folder. */
static void add(struct found *f, const char *tool, char *dir, const char *skip)
{
	struct stat lst, st;
	struct scan_cache *c;

	if (!dir || lstat(dir, &lst) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return;
	}
	/* A symlink to another cache is listed too: flagged, never cleaned. */
	for (size_t i = 0; !S_ISLNK(lst.st_mode) && i < f->n; i++) {
		if (f->v[i].target == NULL && f->ids[i].st_dev == st.st_dev &&
		    f->ids[i].st_ino == st.st_ino) {
			free(dir);
			return;
		}
	}
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof(*f->v));
	f->ids = xgrow(f->ids, &f->ids_cap, f->n + 1, sizeof(*f->ids));
	c = &f->v[f->n];
	memset(c, 0, sizeof(*c));
	c->tool = tool;
	c->path = dir;
	c->skip = skip;
	if (S_ISLNK(lst.st_mode))
		c->target = link_target(dir);
	else
		c->mount_point = path_is_mount_point(dir, &lst);
	f->ids[f->n++] = st;
}

/* $CONDA_PKGS_DIRS: a comma-separated list, each entry as a tool folder. */
static void add_conda_env_dirs(struct found *f, const char *home)
{
	const char *v = getenv("CONDA_PKGS_DIRS");
	char *copy, *save = NULL;

	if (!v || !*v)
		return;
	copy = xstrdup(v);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dir = NULL;

		while (*tok == ' ')
			tok++;
		if (tok[0] == '/')
			dir = path_absolute(tok);
		else if (tok[0] == '~' && (tok[1] == '\0' || tok[1] == '/') && home)
			dir = tok[1] ? path_join(home, tok + 2) : xstrdup(home);
		add(f, "conda", dir, NULL);
	}
	free(copy);
}

static const char *const conda_homes[] = {
	"miniconda3/pkgs", "anaconda3/pkgs",  "miniforge3/pkgs",
	"mambaforge/pkgs", "micromamba/pkgs", ".conda/pkgs",
};

size_t scan_caches_find(struct scan_cache **out, const char *home)
{
	struct found f = {0};
	char *cache = scan_xdg_dir("XDG_CACHE_HOME", home, ".cache");
	char *data = scan_xdg_dir("XDG_DATA_HOME", home, ".local/share");

	add(&f, "pip", scan_tool_dir("PIP_CACHE_DIR", home, cache, "pip"), NULL);
	add(&f, "uv", scan_tool_dir("UV_CACHE_DIR", home, cache, "uv"), NULL);
	add(&f, "poetry", scan_tool_dir("POETRY_CACHE_DIR", home, cache, "pypoetry"), "virtualenvs");
	add(&f, "pipenv", scan_tool_dir("PIPENV_CACHE_DIR", home, cache, "pipenv"), NULL);
	add(&f, "pdm", scan_tool_dir("PDM_CACHE_DIR", home, cache, "pdm"), NULL);
	add(&f, "hatch", scan_tool_dir("HATCH_CACHE_DIR", home, cache, "hatch"), NULL);
	add_conda_env_dirs(&f, home);
	for (size_t i = 0; home && i < sizeof(conda_homes) / sizeof(*conda_homes); i++)
		add(&f, "conda", path_join(home, conda_homes[i]), NULL);
	add(&f, "virtualenv", scan_tool_dir("VIRTUALENV_OVERRIDE_APP_DATA", home, data, "virtualenv"),
	    NULL);
	free(cache);
	free(data);
	free(f.ids);
	*out = f.v;
	return f.n;
}

/* Sizes the folder open as `fd` but for its entry `skip`: the folder's
 * own blocks, then each entry (a subfolder walked whole) into `links`, so
 * that hard links are counted once across the parts (split->links). */
static void size_but(struct scan_size *out, int fd, const char *skip,
		     const struct scan_size_split *split, const atomic_bool *cancel)
{
	struct vs_vec names = {0};
	struct stat st;
	DIR *d = vs_opendir_at(fd, ".", 0);
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	if (!d || fstat(fd, &st) != 0) {
		if (d)
			closedir(d);
		out->errors = 1;
		return;
	}
	out->size_bytes = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	out->disk_bytes = out->freeable_bytes = (uint64_t)st.st_blocks * 512u;
	vs_vec_init_strs(&names);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, skip))
			vs_vec_push_str(&names, de->d_name);
	for (size_t i = 0; i < names.n && !(cancel && atomic_load(cancel)); i++) {
		const char *name = names.v[i];
		struct scan_size part = {0};
		int cfd;

		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			out->errors++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			/* A loose file at the top: its links are not tracked
			 * across parts, so a hard-linked one counts as shared. */
			part.size_bytes = st.st_size > 0 ? (uint64_t)st.st_size : 0;
			part.disk_bytes = (uint64_t)st.st_blocks * 512u;
			part.freeable_bytes = st.st_nlink == 1 ? part.disk_bytes : 0;
			part.files = 1;
		} else if ((cfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
			   0) {
			part.errors = 1;
		} else {
			scan_size_tree_split(&part, cfd, cancel, split);
			close(cfd);
		}
		scan_size_add(out, &part);
	}
	vs_vec_clear(&names);
	closedir(d);
}

static bool never_take(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	return false;
}

void scan_cache_measure(struct scan_cache *c, const atomic_bool *cancel)
{
	/* A symlinked cache is opened through its link (to be shown); the
	 * walk below it never follows one. */
	int fd = open(c->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct scan_size_split split = {.take = never_take};
	struct stat st;

	scan_cache_forget(c);
	c->linked_known = false;
	c->linked_bytes = 0;
	memset(&c->size, 0, sizeof(c->size));
	c->sized = fd >= 0 && fstat(fd, &st) == 0;
	if (!c->sized) {
		c->size.errors = 1;
		if (fd >= 0)
			close(fd);
		return;
	}
	split.links = scan_size_links_new();
	if (c->skip)
		size_but(&c->size, fd, c->skip, &split, cancel);
	else
		scan_size_tree_split(&c->size, fd, cancel, &split);
	c->size.freeable_bytes += scan_size_links_freeable(split.links);
	c->inodes = scan_size_links_export(split.links, st.st_dev);
	scan_size_links_free(split.links);
	if (cancel && atomic_load(cancel))
		c->sized = false;
	close(fd);
}

void scan_cache_link(struct scan_cache *c, const struct venv *const *vs, size_t n)
{
	const struct scan_inodes **others = xcalloc(n + 1, sizeof(*others));

	for (size_t i = 0; i < n; i++)
		others[i] = vs[i] ? vs[i]->inodes : NULL;
	/* No file linked from outside: nothing can be linked into an env. */
	c->linked_bytes = c->inodes ? scan_inodes_linked(c->inodes, others, n) : 0;
	c->linked_known = scan_cache_known(c);
	free(others);
}

bool scan_cache_holds(const struct scan_cache *c, const struct venv *v)
{
	return scan_inodes_overlap(c->inodes, v->inodes);
}

void scan_cache_forget(struct scan_cache *c)
{
	scan_inodes_free(c->inodes);
	c->inodes = NULL;
}

bool scan_cache_known(const struct scan_cache *c)
{
	return c->sized && c->size.errors == 0;
}

void scan_caches_free(struct scan_cache *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].target);
		scan_cache_forget(&v[i]);
	}
	free(v);
}
