/* The freedesktop.org trash: a rename into a trash folder on the env's own
 * filesystem, announced by a .trashinfo written first. Everything after
 * choosing the trash is relative to open folder fds, so a path swapped
 * under us cannot send the env (or the info file) somewhere else. */
#include "trash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../scan/places.h"
#include "../util/path.h"
#include "../util/percent.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "delete.h"

/* NAME, NAME.2 ... NAME.MAX_CLASH, then give up. */
#define MAX_CLASH 10000

/* A name in files/ leaves room for ".10000" and, in info/, ".trashinfo";
 * a longer env name is cut (with a hash: util/path.h path_fit_name). Path=
 * in the .trashinfo keeps the full path either way. */
#define TRASH_NAME_MAX (NAME_MAX - 16)

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* The trash chosen for one env. */
struct trash {
	char *dir;       /* the trash folder (for messages and the result) */
	char *topdir;    /* mount point, for a relative Path=; NULL: absolute */
	int files, info; /* open on dir/files and dir/info */
};

char *act_trash_encode_path(const char *path)
{
	return vs_percent_encode(path, "/");
}

static void trash_clear(struct trash *t)
{
	free(t->dir);
	free(t->topdir);
	if (t->files >= 0)
		close(t->files);
	if (t->info >= 0)
		close(t->info);
}

/* ---- choosing the trash ---- */

/* $XDG_DATA_HOME/Trash, or <home>/.local/share/Trash (scan/places.h: the
 * scan never lists what is in it); NULL when neither is known. */
static char *home_trash_path(const char *home)
{
	if (!home || !*home)
		home = getenv("HOME");
	return scan_home_trash(home);
}

/* The device of `path`, or of its nearest existing ancestor (the home
 * trash may not exist yet). */
static int dev_of_nearest(dev_t *out, const char *path)
{
	char *p = xstrdup(path), *up;
	struct stat st;
	int rc = -1;

	for (;;) {
		if (stat(p, &st) == 0) {
			*out = st.st_dev;
			rc = 0;
			break;
		}
		if (strcmp(p, "/") == 0 || (errno != ENOENT && errno != ENOTDIR))
			break;
		up = path_dirname(p);
		free(p);
		p = up;
	}
	free(p);
	return rc;
}

/* The mount point holding the real path `real` on device `dev`: the last
 * parent still on that device. */
static char *mount_point(const char *real, dev_t dev)
{
	char *top = xstrdup(real);

	while (strcmp(top, "/") != 0) {
		char *up = path_dirname(top);
		struct stat st;

		if (stat(up, &st) != 0 || st.st_dev != dev) {
			free(up);
			break;
		}
		free(top);
		top = up;
	}
	return top;
}

/* Opens (making it 0700 when missing) the folder `name` in `dfd`, which
 * must be a real folder and, when `own` is set, ours. -1 with errno. */
static int open_dir_at(int dfd, const char *name, bool own)
{
	struct stat st;
	int fd;

	if (mkdirat(dfd, name, 0700) != 0 && errno != EEXIST)
		return -1;
	fd = openat(dfd, name, DIR_FLAGS);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || (own && st.st_uid != geteuid())) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* $topdir/.Trash/$uid when .Trash is a real, sticky folder; else
 * $topdir/.Trash-$uid (the spec's two choices, in its order). */
static int topdir_trash(struct trash *t, const char *topdir, struct vs_err *err)
{
	char uid[32], alt[48];
	struct stat st;
	int top, fd = -1, e;

	snprintf(uid, sizeof(uid), "%lu", (unsigned long)geteuid());
	snprintf(alt, sizeof(alt), ".Trash-%s", uid);
	top = open(topdir, DIR_FLAGS & ~O_NOFOLLOW);
	if (top < 0)
		return vs_err_set(err, VS_EFAIL, "%s: %s", topdir, strerror(errno));
	if (fstatat(top, ".Trash", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & S_ISVTX)) {
		int shared = openat(top, ".Trash", DIR_FLAGS);

		if (shared >= 0) {
			fd = open_dir_at(shared, uid, true);
			close(shared);
			if (fd >= 0)
				t->dir = xasprintf("%s/.Trash/%s", strcmp(topdir, "/") ? topdir : "",
						   uid);
		}
	}
	if (fd < 0) {
		fd = open_dir_at(top, alt, true);
		if (fd >= 0)
			t->dir = path_join(topdir, alt);
	}
	e = errno;
	close(top);
	if (fd < 0)
		return vs_err_set(err, VS_EFAIL,
				  "cannot use a trash on the environment's filesystem "
				  "(%s/%s: %s); it is not moved to a trash on another "
				  "filesystem - delete it instead",
				  strcmp(topdir, "/") ? topdir : "", alt, strerror(e));
	t->topdir = xstrdup(topdir);
	return fd;
}

/* The home trash, made when missing. */
static int home_trash(struct trash *t, const char *path, struct vs_err *err)
{
	int e = path_mkdirs(path, 0700, NULL), fd; /* 0700: the spec asks for it */

	if (e == 0 && (fd = open(path, DIR_FLAGS)) >= 0) {
		t->dir = xstrdup(path);
		return fd;
	}
	return vs_err_set(err, VS_EFAIL, "%s: cannot use the trash: %s", path, strerror(e ? e : errno));
}

/* Picks and opens the trash for an env on `dev` whose real folder is
 * `real`; fills t->files and t->info. */
static int trash_open(struct trash *t, const char *real, dev_t dev, const char *home,
		      struct vs_err *err)
{
	char *hpath = home_trash_path(home);
	struct stat st;
	dev_t hdev;
	int fd, rc = 0;

	if (hpath && dev_of_nearest(&hdev, hpath) == 0 && hdev == dev) {
		fd = home_trash(t, hpath, err);
	} else {
		char *top = mount_point(real, dev);

		fd = topdir_trash(t, top, err);
		free(top);
	}
	free(hpath);
	if (fd < 0)
		return fd;
	t->files = open_dir_at(fd, "files", false);
	if (t->files < 0)
		rc = vs_err_set(err, VS_EFAIL, "%s/files: %s", t->dir, strerror(errno));
	else if ((t->info = open_dir_at(fd, "info", false)) < 0)
		rc = vs_err_set(err, VS_EFAIL, "%s/info: %s", t->dir, strerror(errno));
	else if (fstat(t->files, &st) != 0 || st.st_dev != dev)
		rc = vs_err_set(err, VS_EFAIL,
				"%s/files is on another filesystem than the "
				"environment; it is not copied there - delete it instead",
				t->dir);
	close(fd);
	return rc;
}

/* ---- moving ---- */

/* The Path= value: absolute for the home trash, relative to the mount
 * point for a $topdir trash (as the spec asks). */
static char *info_text(const struct trash *t, const char *env_path, const char *real)
{
	char date[32], *enc, *out;
	const char *p = env_path;
	time_t now = time(NULL);
	struct tm tm;

	if (t->topdir) {
		size_t n = strcmp(t->topdir, "/") == 0 ? 0 : strlen(t->topdir);

		p = real + n + 1;
	}
	if (!localtime_r(&now, &tm) || strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		date[0] = '\0';
	enc = act_trash_encode_path(p);
	out = xasprintf("[Trash Info]\nPath=%s\nDeletionDate=%s\n", enc, date);
	free(enc);
	return out;
}

/* Creates info/<info> with O_EXCL and writes `text`. 0, or errno (EEXIST:
 * try the next name). */
static int write_info(int infofd, const char *info, const char *text)
{
	size_t len = strlen(text), off = 0;
	int fd = openat(infofd, info, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int e = 0;

	if (fd < 0)
		return errno;
	while (off < len && e == 0) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno != EINTR)
			e = errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e != 0)
		unlinkat(infofd, info, 0);
	return e;
}

/* rename() that never replaces: a folder may silently replace an empty one. */
static int rename_noreplace(int from, const char *name, int to, const char *new_name)
{
	struct stat st;

#ifdef RENAME_NOREPLACE
	if (renameat2(from, name, to, new_name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (fstatat(to, new_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(from, name, to, new_name);
}

/* Info first, then the rename of `name` (in `parent`) to `base` in files/;
 * a name taken on either side (or a leftover in files/ without its info)
 * moves on to the next name. */
static int place(char **out, const struct trash *t, int parent, const char *name, const char *base,
		 const char *text, struct vs_err *err)
{
	for (int i = 1; i <= MAX_CLASH; i++) {
		char *tname = i == 1 ? xstrdup(base) : xasprintf("%s.%d", base, i);
		char *info = xasprintf("%s.trashinfo", tname);
		bool moving = false;
		struct stat st;
		int e;

		if (fstatat(t->files, tname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			e = EEXIST;
		} else if ((e = write_info(t->info, info, text)) == 0) {
			moving = true;
			if (rename_noreplace(parent, name, t->files, tname) == 0) {
				*out = xasprintf("%s/files/%s", t->dir, tname);
				free(tname);
				free(info);
				return 0;
			}
			e = errno;
			unlinkat(t->info, info, 0);
		}
		if (e != EEXIST && e != ENOTEMPTY) {
			if (moving)
				vs_err_set(err, VS_EFAIL, "cannot move it into %s/files/%s: %s",
					   t->dir, tname,
					   e == EXDEV ? "that is another filesystem" : strerror(e));
			else
				vs_err_set(err, VS_EFAIL, "%s/info/%s: cannot write it: %s", t->dir,
					   info, strerror(e));
		}
		free(tname);
		free(info);
		if (e != EEXIST && e != ENOTEMPTY)
			return VS_EFAIL;
	}
	return vs_err_set(err, VS_EFAIL, "%s: every name from %s to %s.%d is taken", t->dir, base,
			  base, MAX_CLASH);
}

/* The env's parent, opened by its real path, still holding the folder that
 * was checked. Fills *real (the env's real path) and *st. */
static int open_parent(int *pfd, char **real, struct stat *st, const struct venv *v, struct vs_err *err)
{
	char *parent = path_dirname(v->path);
	char *rparent = realpath(parent, NULL);
	struct stat seen;
	int rc = 0;

	*pfd = rparent ? open(rparent, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (*pfd < 0) {
		rc = vs_err_set(err, VS_EFAIL, "%s: %s", parent, strerror(errno));
	} else if (lstat(v->path, &seen) != 0 ||
		   fstatat(*pfd, path_basename(v->path), st, AT_SYMLINK_NOFOLLOW) != 0 ||
		   !S_ISDIR(st->st_mode) || st->st_dev != seen.st_dev || st->st_ino != seen.st_ino ||
		   (v->dev && (st->st_dev != v->dev || st->st_ino != v->ino))) {
		rc = vs_err_set(err, VS_EUSAGE,
				"%s: is no longer the folder that was scanned; scan "
				"again before moving it to the trash",
				v->path);
	} else {
		*real = path_join(rparent, path_basename(v->path));
	}
	free(parent);
	free(rparent);
	return rc;
}

int act_trash(char **out_path, const struct venv *v, const char *home, struct vs_err *err)
{
	return act_trash_as(out_path, v, home, NULL, err);
}

int act_trash_as(char **out_path, const struct venv *v, const char *home, const char *was,
		 struct vs_err *err)
{
	struct trash t = {NULL, NULL, -1, -1};
	char *real = NULL, *text = NULL, *base = NULL;
	struct stat st;
	int pfd = -1, rc;

	*out_path = NULL;
	rc = act_delete_check(v, home, err);
	if (rc == 0)
		rc = open_parent(&pfd, &real, &st, v, err);
	if (rc == 0)
		rc = trash_open(&t, real, st.st_dev, home, err);
	if (rc == 0) {
		const char *shown = was ? was : v->path;
		/* A sibling moved aside: the mount-relative Path= names `was` too. */
		char *dir = path_dirname(real);
		char *real_was = path_join(dir, path_basename(shown));

		text = info_text(&t, shown, real_was);
		free(real_was);
		free(dir);
		base = path_fit_name(path_basename(shown), TRASH_NAME_MAX, shown);
		rc = place(out_path, &t, pfd, path_basename(v->path), base, text, err);
	}
	if (pfd >= 0)
		close(pfd);
	trash_clear(&t);
	free(real);
	free(text);
	free(base);
	return rc;
}
