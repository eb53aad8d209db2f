/* Temporary file, fsync, rename, fsync the folder: a file is either the
 * old one or the new one, never a mix, and a failure loses nothing. */
#include "write_atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/xalloc.h"

/* A reason in words for the common errno values of writing a file. */
static const char *why(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return "permission denied";
	case EROFS:
		return "the file system is read-only";
	case ENOSPC:
		return "the disk is full";
	case EDQUOT:
		return "the disk quota is exhausted";
	case EFBIG:
		return "the file would be larger than allowed";
	case ENOENT:
		return "no such folder";
	case ENOTDIR:
		return "a part of the path is not a folder";
	default:
		return strerror(e);
	}
}

/* Checks the target (lstat, relative to the folder). *exists and *st are
 * set when it is there. */
static int check_target(int dfd, const char *name, const char *path, struct stat *st, bool *exists,
			struct vs_err *err)
{
	*exists = false;
	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		return vs_err_set(err, VS_EFAIL, "%s: %s", path, why(errno));
	}
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
		return vs_err_set(err, VS_EFAIL,
				  "%s is a symbolic link (to %s); not replacing it - give the real "
				  "file's path instead",
				  path, n > 0 ? target : "?");
	}
	if (S_ISDIR(st->st_mode))
		return vs_err_set(err, VS_EFAIL, "%s is a folder, not a file; nothing written", path);
	if (!S_ISREG(st->st_mode))
		return vs_err_set(err, VS_EFAIL, "%s is not a regular file; nothing written", path);
	*exists = true;
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Creates the temporary file; its name goes to tmp (size n). */
static int make_temp(int dfd, const char *base, char *tmp, size_t n, mode_t mode)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts;
	uint64_t seed;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
	       (uint64_t)(uintptr_t)tmp;
	for (int attempt = 0; attempt < 100; attempt++) {
		char rnd[9];
		int fd;

		for (int i = 0; i < 8; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			rnd[i] = letters[(seed >> 33) % (sizeof(letters) - 1)];
		}
		rnd[8] = '\0';
		snprintf(tmp, n, ".%.200s.%s.tmp", base, rnd);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

bool act_file_holds(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char buf[65536];
	size_t off = 0;
	bool same;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != len) {
		close(fd);
		return false;
	}
	same = true;
	while (same) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			same = false;
			break;
		}
		if (r == 0)
			break;
		same = off + (size_t)r <= len && memcmp(buf, (const char *)data + off, (size_t)r) == 0;
		off += (size_t)r;
	}
	close(fd);
	return same && off == len;
}

int act_write_atomic(const char *path, const void *data, size_t len, unsigned flags, struct vs_err *err)
{
	char *dir = path_dirname(path), tmp[512];
	const char *base = path_basename(path);
	struct stat st;
	bool exists, made = false;
	int dfd, fd = -1, rc = VS_EFAIL, e;

	if (!*base || strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		free(dir);
		return vs_err_set(err, VS_EFAIL, "%s: not a file name", path);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot open the folder %s: %s", dir, why(errno));
		free(dir);
		return rc;
	}
	if (check_target(dfd, base, path, &st, &exists, err) < 0)
		goto done;
	if (exists && (flags & ACT_WRITE_IF_CHANGED) && act_file_holds(path, data, len)) {
		rc = ACT_WRITE_UNCHANGED;
		goto done;
	}
	fd = make_temp(dfd, base, tmp, sizeof(tmp), exists ? 0600 : 0666);
	if (fd < 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot write in %s: %s", dir, why(errno));
		goto done;
	}
	made = true;
	if (write_all(fd, data, len) != 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot write %s: %s", path, why(errno));
		goto done;
	}
	if (exists) {
		/* Keep the old file's mode; its owner too when we are allowed to. */
		if (fchmod(fd, st.st_mode & 07777) != 0) {
			rc = vs_err_set(err, VS_EFAIL, "cannot set the mode of the new %s: %s", path,
					why(errno));
			goto done;
		}
		if (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) {
			rc = vs_err_set(err, VS_EFAIL, "cannot set the owner of the new %s: %s", path,
					why(errno));
			goto done;
		}
	}
	if (fsync(fd) != 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot write %s: %s", path, why(errno));
		goto done;
	}
	e = close(fd);
	fd = -1;
	if (e != 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot write %s: %s", path, why(errno));
		goto done;
	}
	if (renameat(dfd, tmp, dfd, base) != 0) {
		rc = vs_err_set(err, VS_EFAIL, "cannot replace %s: %s", path,
				errno == EISDIR ? "it became a folder" : why(errno));
		goto done;
	}
	made = false;
	/* The rename is durable once the folder is on disk too. */
	if (fsync(dfd) != 0 && errno != EINVAL) {
		rc = vs_err_set(err, VS_EFAIL, "%s was replaced, but syncing its folder failed: %s",
				path, why(errno));
		goto done;
	}
	rc = ACT_WRITE_WRITTEN;
done:
	if (fd >= 0)
		close(fd);
	if (made)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	free(dir);
	return rc;
}
