/* A folder listed once: its names, their d_type, and whether a name that is
 * not listed can still be looked up (it can in case-insensitive folders). */
#include "listing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../util/readfile.h"
#include "../util/xalloc.h"

/* Whether lookups in the open folder `fd` only find names exactly as
 * listed. Folding case breaks that ("Foo.egg-link" found as foo.egg-link),
 * and so does normalising Unicode. Linux folds per folder on ext4, f2fs and
 * tmpfs (the casefold attribute, FS_CASEFOLD_FL, which FS_IOC_GETFLAGS
 * shows); other filesystems do it for the whole mount in ways a folder's
 * attributes do not show: vfat, exfat, ntfs, cifs, fuse and network mounts
 * of macOS or Windows folders, xfs made with ascii-ci, zfs with
 * casesensitivity=insensitive or mixed - and overlayfs can sit on such a
 * zfs. So a folder counts as exact only on ext2/3/4, f2fs, tmpfs and btrfs
 * (which never folds), and only when FS_IOC_GETFLAGS answers without the
 * casefold attribute; everywhere else the callers stat as they always did. */
static bool lookups_exact(int fd)
{
	struct statfs sf;
	int flags = 0;

	if (fstatfs(fd, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case EXT4_SUPER_MAGIC: /* also ext2 and ext3 */
	case F2FS_SUPER_MAGIC:
	case TMPFS_MAGIC:
	case BTRFS_SUPER_MAGIC:
		break;
	default:
		return false;
	}
	/* The kernel reads and writes an int here, whatever the macro says. */
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
		return false;
	return (flags & FS_CASEFOLD_FL) == 0;
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct scan_listing *scan_listing_read(const char *path)
{
	struct scan_listing *l;
	_Alignas(struct dirent64) char buf[32768];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		vs_fd_shortage_note(errno);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	for (;;) {
		/* getdents64 straight into a stack buffer: opendir's DIR would
		 * also cost an fstat, and it owns the fd we keep open. */
		ssize_t got = getdents64(fd, buf, sizeof(buf));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			scan_listing_free(l);
			errno = e;
			return NULL;
		}
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);

			off += de->d_reclen;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
			l->v[l->n].name = xstrdup(de->d_name);
			l->v[l->n].type = de->d_type;
			l->n++;
		}
	}
	l->sorted = xmalloc((l->n + 1) * sizeof(*l->sorted));
	for (size_t i = 0; i < l->n; i++)
		l->sorted[i] = l->v[i].name;
	qsort(l->sorted, l->n, sizeof(*l->sorted), by_strcmp);
	l->exact = lookups_exact(fd);
	return l;
}

bool scan_listing_lacks(const struct scan_listing *l, const char *name)
{
	if (!l || !l->exact || strchr(name, '/') || !*name || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	return bsearch(&name, l->sorted, l->n, sizeof(*l->sorted), by_strcmp) == NULL;
}

void scan_listing_free(struct scan_listing *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	free(l->sorted);
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}
