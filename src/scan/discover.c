/* Discovery: walks folders relative to open directory fds, reports every
 * folder holding a regular pyvenv.cfg, and does not descend into an env,
 * into .git, node_modules or __pycache__, through a symlink, nor into
 * venvscope's own state (deletion records), the home trash or any Trash
 * folder laid out as one (files/ and info/), a .Trash-UID or a .Trash
 * folder (the trash at the top of other filesystems). Subtrees are
 * handed to idle workers so both cores walk. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/dirread.h"
#include "../util/strbuf.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "conda.h"
#include "inspect.h"
#include "project.h"
#include "pyvenv_cfg.h"
#include "scan_internal.h"

static bool pruned_name(const char *n)
{
	return strcmp(n, ".git") == 0 || strcmp(n, "node_modules") == 0 ||
	       strcmp(n, "__pycache__") == 0;
}

/* The trash folders of other filesystems: .Trash (holding one UID folder
 * per user) and .Trash-UID. */
static bool trash_name(const char *n)
{
	if (strncmp(n, ".Trash", 6) != 0)
		return false;
	if (n[6] == '\0')
		return true;
	if (n[6] != '-' || n[7] == '\0')
		return false;
	for (n += 7; *n; n++)
		if (*n < '0' || *n > '9')
			return false;
	return true;
}

/* True when the open folder `fd` holds a folder `name`. */
static bool has_dir(int fd, const char *name)
{
	struct stat st;

	return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* True when the open folder `fd`, named `name`, is venvscope's state
 * folder or the home trash, or any freedesktop trash (a Trash folder
 * holding files/ and info/: another user's, or one of another
 * XDG_DATA_HOME). Only those two names cost a system call. */
static bool own_folder(const struct scan *s, const char *name, const char *path, int fd)
{
	struct stat st;

	if (strcmp(name, "venvscope") != 0 && strcmp(name, "Trash") != 0)
		return false;
	if (name[0] == 'T' && has_dir(fd, "files") && has_dir(fd, "info"))
		return true;
	/* Another user's (or another XDG_STATE_HOME's) records: state/venvscope/deleted. */
	if (name[0] == 'v' && strlen(path) > 16 &&
	    strcmp(path + strlen(path) - 16, "/state/venvscope") == 0 && has_dir(fd, "deleted"))
		return true;
	if (s->n_own == 0 || fstat(fd, &st) != 0)
		return false;
	for (int i = 0; i < s->n_own; i++)
		if (s->own[i].dev == st.st_dev && s->own[i].ino == st.st_ino)
			return true;
	return false;
}

static bool excluded(const struct scan *s, const char *name, const char *path)
{
	for (size_t i = 0; i < s->n_excludes; i++)
		if (fnmatch(s->excludes[i], name, 0) == 0 || fnmatch(s->excludes[i], path, 0) == 0)
			return true;
	return false;
}

/* True when the folder holds a regular pyvenv.cfg. Anything else by that
 * name is worth a warning: the folder is then walked as an ordinary one. */
static bool holds_env(struct scan *s, int fd, const char *path)
{
	struct stat st;

	if (fstatat(fd, "pyvenv.cfg", &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			scan_warn(s, "%s/pyvenv.cfg: %s", path, strerror(errno));
		return false;
	}
	if (S_ISREG(st.st_mode))
		return true;
	scan_warn(s, "%s/pyvenv.cfg %s: not treated as an environment", path,
		  scan_cfg_type_reason(st.st_mode));
	return false;
}

/* Who uses `v`, from the scan's one pass over /proc (taken now when this
 * is the first env). */
static void find_users(struct scan *s, struct venv *v)
{
	pthread_mutex_lock(&s->inuse_lock);
	if (!s->inuse_taken) {
		s->inuse = scan_inuse_take();
		s->inuse_taken = true;
	}
	pthread_mutex_unlock(&s->inuse_lock);
	v->in_use_known = s->inuse != NULL;
	scan_inuse_users(s->inuse, v->path, &v->users);
}

static void report_env(struct scan *s, int fd, const char *path, enum scan_parent parent)
{
	struct scan_event *ev;
	struct venv *v;
	struct stat st;

	if (fstat(fd, &st) != 0 || !scan_claim_env(s, st.st_dev, st.st_ino))
		return;
	v = scan_inspect_env(fd, path, s->home, parent);
	find_users(s, v);
	v->id = atomic_fetch_add(&s->next_id, 1);
	{
		char hash[9];

		if (scan_project_hash_of(v, hash))
			scan_note_hashed(s, v->id, hash);
	}
	atomic_fetch_add(&s->envs, 1);
	ev = xcalloc(1, sizeof(*ev));
	ev->type = SCAN_EV_FOUND;
	ev->id = v->id;
	ev->venv = v;
	/* The detail job is queued after FOUND so PACKAGES can never overtake
	 * it; its data is copied first because FOUND hands `v` over. */
	{
		char *p = xstrdup(path);
		size_t id = v->id;
		dev_t dev = v->dev;
		ino_t ino = v->ino;

		scan_emit(s, ev);
		if (s->git_on)
			scan_push_git(s, xstrdup(p), id);
		scan_push_detail(s, p, id, dev, ino);
	}
}

static void set_child_path(struct strbuf *path, size_t base_len, const char *name)
{
	path->len = base_len;
	path->buf[base_len] = '\0';
	if (base_len == 0 || path->buf[base_len - 1] != '/')
		sb_addc(path, '/');
	sb_adds(path, name);
}

static void walk_dir(struct scan *s, int fd, struct strbuf *path, int depth, dev_t root_dev,
		     enum scan_parent parent);

/* Opens one entry of `d` as a folder and walks it (here or on another worker). */
static void visit_child(struct scan *s, int fd, const char *name, struct strbuf *path, int depth,
			dev_t root_dev, enum scan_parent parent)
{
	int cfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (cfd < 0) {
		vs_fd_shortage_note(errno);
		/* Not a folder after all, a symlink, or gone since readdir: not ours. */
		if (errno != ENOTDIR && errno != ELOOP && errno != ENOENT)
			scan_warn(s, "%s: cannot open folder: %s", path->buf, strerror(errno));
		return;
	}
	if (own_folder(s, name, path->buf, cfd) ||
	    (s->one_file_system && (fstat(cfd, &st) != 0 || st.st_dev != root_dev))) {
		close(cfd);
		return;
	}
	if (scan_wants_work(s))
		scan_push_walk(s, cfd, xstrdup(path->buf), depth, root_dev, parent);
	else
		walk_dir(s, cfd, path, depth, root_dev, parent);
}

/* A conda installation's prefix is an env that holds the others in its
 * envs/ folder: that one folder is walked, nothing else of the prefix. */
static void walk_conda_envs(struct scan *s, int fd, struct strbuf *path, int depth, dev_t root_dev)
{
	size_t base_len = path->len;
	struct stat st;
	int cfd;

	if ((s->max_depth >= 0 && depth >= s->max_depth) || atomic_load(&s->cancel))
		return;
	cfd = openat(fd, "envs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0)
		return;
	if (s->one_file_system && (fstat(cfd, &st) != 0 || st.st_dev != root_dev)) {
		close(cfd);
		return;
	}
	set_child_path(path, base_len, "envs");
	walk_dir(s, cfd, path, depth + 1, root_dev, SCAN_PARENT_UNKNOWN);
	path->len = base_len;
	path->buf[base_len] = '\0';
}

/* Reads the folder's entries: the names of its subfolders to walk go into
 * `names` (each with its NUL); true when one of them is conda-meta.
 * *marked: whether one of them is a project marker (for an env below). */
static bool read_entries(struct scan *s, struct vs_dir *d, struct strbuf *names, const char *path,
			 bool *marked)
{
	bool conda_meta = false;
	unsigned char type;
	const char *name;

	while ((name = vs_dir_next(d, &type)) != NULL) {

		if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
			continue;
		if ((atomic_fetch_add(&s->entries, 1) & 255) == 0) {
			scan_maybe_progress(s);
			if (atomic_load(&s->cancel))
				break;
		}
		if (strcmp(name, "pyproject.toml") == 0 && type != DT_DIR)
			scan_note_project(s, path);
		*marked = *marked || scan_is_project_marker(name);
		if (type != DT_DIR && type != DT_UNKNOWN)
			continue;
		if (pruned_name(name) || trash_name(name))
			continue;
		conda_meta = conda_meta || strcmp(name, "conda-meta") == 0;
		sb_add(names, name, strlen(name) + 1);
	}
	if (!name && errno != 0)
		scan_warn(s, "%s: error while reading folder: %s", path, strerror(errno));
	return conda_meta;
}

/* A conda prefix (conda.h) is an env; only its envs/ is walked. */
static void report_conda(struct scan *s, int fd, struct strbuf *path, int depth, dev_t root_dev,
			 enum scan_parent parent)
{
	report_env(s, fd, path->buf, parent);
	walk_conda_envs(s, fd, path, depth, root_dev);
}

static void walk_dir(struct scan *s, int fd, struct strbuf *path, int depth, dev_t root_dev,
		     enum scan_parent parent)
{
	struct strbuf names = STRBUF_INIT;
	size_t base_len = path->len;
	bool marked = false;
	struct vs_dir *d;

	atomic_fetch_add(&s->dirs, 1);
	if (holds_env(s, fd, path->buf)) {
		report_env(s, fd, path->buf, parent);
		close(fd);
		return;
	}
	if ((s->max_depth >= 0 && depth >= s->max_depth) || atomic_load(&s->cancel)) {
		/* Not read: whether it is a conda prefix costs a lookup here. */
		if (!atomic_load(&s->cancel) && scan_conda_is_prefix(fd))
			report_conda(s, fd, path, depth, root_dev, parent);
		close(fd);
		return;
	}
	d = vs_dir_open(fd);
	/* Names first, walk after: a conda prefix is known from its entries
	 * (no lookup in the many folders that hold no conda-meta) before
	 * anything in it is walked. */
	if (read_entries(s, d, &names, path->buf, &marked) && scan_conda_is_prefix(fd)) {
		report_conda(s, fd, path, depth, root_dev, parent);
		names.len = 0;
	}
	for (size_t at = 0; at < names.len && !atomic_load(&s->cancel);) {
		const char *name = names.buf + at;

		at += strlen(name) + 1;
		set_child_path(path, base_len, name);
		if (!excluded(s, name, path->buf))
			visit_child(s, fd, name, path, depth + 1, root_dev,
				    marked ? SCAN_PARENT_MARKED : SCAN_PARENT_PLAIN);
		path->len = base_len;
		path->buf[base_len] = '\0';
	}
	sb_free(&names);
	vs_dir_close(d);
}

void scan_walk(struct scan *s, struct walk_job *job)
{
	struct strbuf path = STRBUF_INIT;

	sb_adds(&path, job->path);
	walk_dir(s, job->fd, &path, job->depth, job->root_dev, job->parent);
	sb_free(&path);
	free(job->path);
	job->path = NULL;
}
