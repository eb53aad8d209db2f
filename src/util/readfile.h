/* Reading files, bounded: the one way venvscope reads a file it did not
 * write (pyvenv.cfg, METADATA, RECORD, .pth files, theme files ...).
 *
 * A file is read only when it is a regular file no larger than a cap the
 * caller gives; a FIFO, a device (/dev/zero), a socket or a folder is
 * refused before it is even opened, and opening never blocks
 * (O_NONBLOCK | O_NOCTTY), so a planted file can neither hang the caller
 * nor exhaust its memory. The refusal comes back as errno and, when asked,
 * as a sentence "PATH: REASON" in a struct vs_err.
 *
 * errno after a refusal: ENOENT, ENOTDIR, EACCES, ... as the system said;
 * ELOOP: a symbolic link while VS_READ_NOFOLLOW was asked; EISDIR: a
 * folder; EINVAL: another kind of non-regular file; EFBIG: above the cap.
 * Thread-safe; the only global state is the count of opens refused for
 * want of file descriptors (vs_fd_shortage_note). */
#ifndef VS_UTIL_READFILE_H
#define VS_UTIL_READFILE_H

#include <dirent.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Flags for vs_open_at / vs_read_at. */
enum {
	VS_READ_NOFOLLOW = 1, /* refuse a symbolic link at the last component (ELOOP) */
	/* Leave its access time alone (O_NOATIME) where the system permits it
	 * (the file is ours, or we are root); otherwise it is read anyway and
	 * its atime may move. */
	VS_READ_NOATIME = 2,
};

/* Caps for the formats venvscope reads (bytes). */
#define VS_READ_MAX_SMALL (1024 * 1024)      /* pyvenv.cfg, theme files */
#define VS_READ_MAX_META (16 * 1024 * 1024)  /* METADATA, RECORD, .pth, direct_url.json */
#define VS_READ_MAX_LARGE (64 * 1024 * 1024) /* a requirements file compared with freeze */

/* Opens `path` (relative to the folder fd `dirfd`, or AT_FDCWD) for
 * reading when it is a regular file of at most `max` bytes. Returns the fd
 * (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY; the caller closes it), or
 * VS_EFAIL with errno set (see above) and `err` (may be NULL) set to
 * "PATH: REASON", PATH as given. `size` (may be NULL) gets the size
 * fstat saw. */
int vs_open_at(int dirfd, const char *path, int flags, size_t max, off_t *size, struct vs_err *err);

/* vs_open_at(), then the whole file into a new buffer with a NUL after the
 * data (*out, the caller's to free; *len without the NUL). A file that
 * grows past `max` while it is read is refused (EFBIG). Returns 0, or
 * VS_EFAIL with errno and `err` as vs_open_at() (*out NULL). */
int vs_read_at(int dirfd, const char *path, int flags, size_t max, char **out, size_t *len,
	       struct vs_err *err);

/* Reads the regular file open as `fd` to its end into a new buffer with a
 * NUL after the data (*out, the caller's to free; *len without the NUL).
 * Returns 0, or -1 with errno: EINVAL when `fd` is not a regular file,
 * EFBIG when it holds more than `max` bytes, or what fstat or read said.
 * The fd stays open. */
int vs_read_fd(int fd, size_t max, char **out, size_t *len);

/* Opens the folder `path` (relative to the folder fd `dirfd`, or
 * AT_FDCWD) to read its entries: O_DIRECTORY | O_CLOEXEC, and O_NOFOLLOW
 * with VS_READ_NOFOLLOW (other flags are ignored). Returns the stream
 * (closedir closes its fd), or NULL with errno as the system said; an open
 * refused for want of fds is counted (vs_fd_shortage_note). */
DIR *vs_opendir_at(int dirfd, const char *path, int flags);
/* Takes the folder open as `fd` over as a stream; when that fails, closes
 * `fd` and returns NULL with errno kept. */
DIR *vs_fdopendir(int fd);

/* Counts `e` when it is EMFILE or ENFILE (an open refused because the
 * process or the system is out of file descriptors); leaves errno alone.
 * Every open of the scan reports its failures here (vs_open_at does it
 * itself), so a scan can tell that it missed something. */
void vs_fd_shortage_note(int e);
/* How many opens were refused that way since the program started. */
unsigned long long vs_fd_shortages(void);

/* Why a file of this type is not read: "is a directory", "is a FIFO, not
 * a file", "is a character device, not a file", ... (a static string). */
const char *vs_file_type_reason(mode_t mode);

#endif
