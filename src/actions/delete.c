#include "delete.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/readfile.h"
#include "../util/path.h"
#include "../util/proc.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

#define PROGRESS_EVERY 256

struct walk {
	const struct act_delete_hooks *hooks;
	struct act_delete_result *res;
	dev_t dev;          /* the env's filesystem */
	uint64_t mnt_id;    /* and its mount (a bind mount keeps st_dev); 0 unknown */
	int root_fd;        /* the env folder: pyvenv.cfg there goes last */
	struct strbuf path; /* for messages only */
	bool skip_all;
	bool stop;
	unsigned tick;
};

/* ---- the checks ---- */

/* True when the folder `p` is `inner` or one of its parents, compared by
 * identity (a home reached through a symlink is still the home). */
static bool holds(const char *p, const char *inner)
{
	char *cur = realpath(inner, NULL);
	struct stat ps, cs;
	bool found = false;

	if (!cur || stat(p, &ps) != 0) {
		free(cur);
		return false;
	}
	for (;;) {
		char *up;

		if (stat(cur, &cs) == 0 && cs.st_dev == ps.st_dev && cs.st_ino == ps.st_ino) {
			found = true;
			break;
		}
		if (strcmp(cur, "/") == 0)
			break;
		up = path_dirname(cur);
		free(cur);
		cur = up;
	}
	free(cur);
	return found;
}

int act_inuse_guard(const struct venv *v, struct scan_users *users, struct vs_err *err)
{
	struct scan_users mine = {0};
	int rc = 0;

	if (!users)
		users = &mine;
	scan_inuse_now(v->path, users);
	if (users->n) {
		char *t = scan_users_text(users);

		rc = vs_err_set(err, VS_EUSAGE, "%s: in use by %s", v->path, t);
		free(t);
	}
	scan_users_clear(&mine);
	return rc;
}

int act_delete_guard(const struct venv *v, struct scan_users *users, struct vs_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct vs_err inuse = {0};
	char *pipx = NULL;
	int rc = 0;

	if (act_inuse_guard(v, users, &inuse) < 0)
		sb_adds(&sb, inuse.msg);
	if (v->role && strcmp(v->role, "shared") == 0)
		sb_addf(&sb, "%s%s: pipx's shared environment, which every pipx app runs on",
			sb.len ? "; " : "", v->path);
	else if (v->role && strcmp(v->role, "base") == 0)
		sb_addf(&sb,
			"%s%s: conda's base installation, which holds conda itself and the "
			"named envs in its envs/ folder; uninstall conda instead, or delete "
			"the envs one by one",
			sb.len ? "; " : "", v->path);
	else if (v->app && v->manager && strcmp(v->manager, "pipx") == 0 &&
		 (pipx = vs_proc_which("pipx")) != NULL)
		sb_addf(&sb, "%s%s: pipx's environment of %s; run `pipx uninstall %s`",
			sb.len ? "; " : "", v->path, v->app, v->app);
	free(pipx);
	if (sb.len)
		rc = vs_err_set(err, VS_EUSAGE, "%s", sb_str(&sb));
	sb_free(&sb);
	return rc;
}

/* A conda prefix: conda-meta/history or conda-meta/pixi, a regular file. */
static bool conda_prefix(const char *p)
{
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return false;
	yes = scan_conda_is_prefix(fd);
	close(fd);
	return yes;
}

int act_delete_check(const struct venv *v, const char *home, struct vs_err *err)
{
	const char *p = v->path;
	struct stat st;
	char *sub;
	bool ok;

	if (!p || p[0] != '/' || strcmp(p, "/") == 0)
		return vs_err_set(err, VS_EUSAGE, "%s: refusing to delete the root folder",
				  p ? p : "?");
	if (home && *home && (strcmp(p, home) == 0 || path_has_prefix(home, p) || holds(p, home)))
		return vs_err_set(err, VS_EUSAGE,
				  "%s: refusing to delete a folder that holds your home "
				  "folder",
				  p);
	if (lstat(p, &st) != 0)
		return vs_err_set(err, VS_EUSAGE, "%s: %s", p, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return vs_err_set(err, VS_EUSAGE,
				  "%s: is a symbolic link, not an environment folder "
				  "(only the link's target could be deleted; refusing)",
				  p);
	if (!S_ISDIR(st.st_mode))
		return vs_err_set(err, VS_EUSAGE, "%s: not a folder", p);
	if (v->dev && (st.st_dev != v->dev || st.st_ino != v->ino))
		return vs_err_set(err, VS_EUSAGE,
				  "%s: is no longer the folder that was scanned (it was "
				  "replaced); scan again before deleting",
				  p);
	sub = path_join(p, "pyvenv.cfg");
	ok = lstat(sub, &st) == 0 && S_ISREG(st.st_mode);
	free(sub);
	if (!ok && v->kind == VENV_KIND_CONDA)
		ok = conda_prefix(p);
	if (!ok)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: not a virtual environment (no regular pyvenv.cfg "
				  "file in it)",
				  p);
	sub = path_join(p, ".git");
	ok = lstat(sub, &st) != 0;
	free(sub);
	if (!ok)
		return vs_err_set(err, VS_EUSAGE,
				  "%s: holds .git (a repository root); refusing to "
				  "delete it",
				  p);
	if (lstat(p, &st) == 0 && path_is_mount_point(p, &st))
		return vs_err_set(err, VS_EUSAGE, "%s: is a mount point; refusing to delete it", p);
	return 0;
}

/* ---- the removal ---- */

/* The mount a folder is on (statx's mount id), or 0 when unknown. */
static uint64_t mount_id(int fd)
{
#ifdef STATX_MNT_ID
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 && (sx.stx_mask & STATX_MNT_ID))
		return sx.stx_mnt_id;
#else
	(void)fd;
#endif
	return 0;
}

static void progress(struct walk *w, bool force)
{
	if (w->hooks && w->hooks->on_progress && (force || ++w->tick % PROGRESS_EVERY == 0))
		w->hooks->on_progress(w->hooks->ctx, &w->res->done);
	if (w->hooks && w->hooks->cancel && atomic_load(w->hooks->cancel)) {
		w->stop = true;
		w->res->aborted = true;
	}
}

/* Something stayed: count it, remember the first, ask what to do. */
static void failed(struct walk *w, const char *name, int e)
{
	size_t len = w->path.len;
	enum act_delete_choice c = ACT_DEL_SKIP;

	w->res->left++;
	sb_addf(&w->path, "/%s", name);
	if (!w->res->first_error[0])
		snprintf(w->res->first_error, sizeof(w->res->first_error), "%s: %s", w->path.buf,
			 strerror(e));
	if (!w->skip_all && w->hooks && w->hooks->on_error)
		c = w->hooks->on_error(w->hooks->ctx, w->path.buf, e);
	w->path.len = len;
	w->path.buf[len] = '\0';
	if (c == ACT_DEL_SKIP_ALL)
		w->skip_all = true;
	if (c == ACT_DEL_ABORT) {
		w->stop = true;
		w->res->aborted = true;
	}
}

/* ENOENT while removing: someone else (a second delete of the same env)
 * removed it first, which is what we wanted; anything else stayed. */
static void gone_or_failed(struct walk *w, const char *name, int e)
{
	if (e != ENOENT)
		failed(w, name, e);
}

static void remove_dir(struct walk *w, int fd);

/* A folder entry: opened without following a link and checked to be the
 * folder fstatat saw; a link that appeared in its place is removed as a
 * link. */
static void remove_subdir(struct walk *w, int dfd, const char *name, const struct stat *seen)
{
	int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	size_t len = w->path.len;

	if (cfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			/* Swapped for a link or a file since fstatat: unlink that. */
			if (unlinkat(dfd, name, 0) != 0)
				gone_or_failed(w, name, errno);
			return;
		}
		gone_or_failed(w, name, errno);
		return;
	}
	if (fstat(cfd, &st) != 0 || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino ||
	    st.st_dev != w->dev || (w->mnt_id && mount_id(cfd) != w->mnt_id)) {
		/* Not the folder we saw, or another filesystem or mount (a bind
		 * mount of a folder outside has the same st_dev): leave it alone. */
		bool other = st.st_dev != w->dev || (w->mnt_id && mount_id(cfd) != w->mnt_id);

		close(cfd);
		failed(w, name, other ? EXDEV : ESTALE);
		return;
	}
	sb_addf(&w->path, "/%s", name);
	remove_dir(w, cfd);
	w->path.len = len;
	w->path.buf[len] = '\0';
	if (w->stop)
		return;
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0)
		gone_or_failed(w, name, errno);
	else {
		w->res->done.folders++;
		w->res->done.disk += (uint64_t)st.st_blocks * 512u;
	}
}

/* Empties the folder open as `fd` (and closes it). */
static void remove_dir(struct walk *w, int fd)
{
	DIR *d = vs_fdopendir(fd);
	struct dirent *de;

	if (!d) {
		failed(w, ".", errno);
		return;
	}
	while (!w->stop && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		struct stat st;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		/* The env's own pyvenv.cfg goes last: until everything else is
		 * gone, what is left is still an env that can be deleted again. */
		if (dirfd(d) == w->root_fd && strcmp(n, "pyvenv.cfg") == 0)
			continue;
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			gone_or_failed(w, n, errno);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			remove_subdir(w, dirfd(d), n, &st);
		} else if (unlinkat(dirfd(d), n, 0) != 0) {
			gone_or_failed(w, n, errno);
		} else {
			w->res->done.files++;
			w->res->done.bytes += (uint64_t)st.st_size;
			w->res->done.disk += (uint64_t)st.st_blocks * 512u;
		}
		progress(w, false);
	}
	closedir(d);
}

/* Opens `name` in `pfd` as a folder without following a link, checked to
 * be what fstatat saw and (expect) the folder the caller knows. Returns the
 * fd, -1 when fstatat failed (errno), -2 when it is not that folder. */
static int open_root(int pfd, const char *name, const struct stat *expect)
{
	struct stat seen, st;
	int fd;

	if (fstatat(pfd, name, &seen, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -2;
	if (fstat(fd, &st) != 0 || st.st_dev != seen.st_dev || st.st_ino != seen.st_ino ||
	    (expect && (st.st_dev != expect->st_dev || st.st_ino != expect->st_ino))) {
		close(fd);
		return -2;
	}
	return fd;
}

/* The env folder's name was already gone (ENOENT) when we came to remove
 * it: true when the folder we hold open has truly been removed (no links
 * left), not merely renamed away. */
static bool root_gone(int fd, int e)
{
	struct stat st;

	return e == ENOENT && fd >= 0 && fstat(fd, &st) == 0 && st.st_nlink == 0;
}

/* Empties the folder open as `fd` (closing it), then removes its
 * pyvenv.cfg (cfg_last) and the folder itself. */
static void remove_root(struct walk *w, int pfd, const char *name, int fd)
{
	struct act_delete_result *res = w->res;
	int keep = dup(fd); /* remove_dir closes its fd; keep one for pyvenv.cfg */

	remove_dir(w, fd);
	if (!w->stop && res->left == 0) {
		if (w->root_fd >= 0 && keep >= 0 && unlinkat(keep, "pyvenv.cfg", 0) != 0 &&
		    errno != ENOENT)
			failed(w, "pyvenv.cfg", errno);
		else if (unlinkat(pfd, name, AT_REMOVEDIR) == 0 || root_gone(keep, errno))
			res->removed = true;
		else
			failed(w, "", errno);
	} else if (w->root_fd >= 0 && keep >= 0 &&
		   faccessat(keep, "pyvenv.cfg", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		res->left++; /* kept on purpose: what is left can be deleted again */
	}
	if (keep >= 0)
		close(keep);
}

int act_delete_tree(const char *path, const struct stat *expect, bool cfg_last,
		    const struct act_delete_hooks *hooks, struct act_delete_result *res,
		    struct vs_err *err)
{
	struct walk w = {.hooks = hooks, .res = res, .root_fd = -1};
	char *parent = path_dirname(path);
	const char *name = path_basename(path);
	struct stat st;
	int pfd, fd = -1, rc;

	memset(res, 0, sizeof(*res));
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 || (fd = open_root(pfd, name, expect)) == -1) {
		rc = vs_err_set(err, VS_EFAIL, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		rc = vs_err_set(err, VS_EUSAGE,
				"%s: changed while it was being opened; nothing was "
				"deleted",
				path);
		goto done;
	}
	w.dev = st.st_dev;
	w.mnt_id = mount_id(fd);
	w.root_fd = cfg_last ? fd : -1;
	sb_adds(&w.path, path);
	remove_root(&w, pfd, name, fd);
	progress(&w, true);
	if (res->removed)
		rc = 0;
	else
		rc = vs_err_set(err, VS_EFAIL, "%s: %s; %llu entr%s left (%s)", path,
				res->aborted ? "stopped" : "not everything could be removed",
				(unsigned long long)res->left, res->left == 1 ? "y" : "ies",
				res->first_error[0] ? res->first_error : "stopped before the end");
done:
	if (pfd >= 0)
		close(pfd);
	sb_free(&w.path);
	free(parent);
	return rc;
}

int act_delete(const struct venv *v, const char *home, const struct act_delete_hooks *hooks,
	       struct act_delete_result *res, struct vs_err *err)
{
	struct stat expect = {.st_dev = v->dev, .st_ino = v->ino};
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = act_delete_check(v, home, err)) < 0)
		return rc;
	return act_delete_tree(v->path, v->dev ? &expect : NULL, true, hooks, res, err);
}
