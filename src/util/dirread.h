/* Reading a folder's entries straight from an open fd with getdents64:
 * what readdir does, without the fstat and fcntl that fdopendir spends on
 * every folder (two of every ten system calls of a scan). For the walks
 * (src/scan/discover.c, src/scan/size.c), which open each folder
 * O_DIRECTORY themselves.
 *
 * Call order: vs_dir_open (takes the fd), vs_dir_next until it returns
 * NULL, vs_dir_close (closes the fd). Not shared between threads. */
#ifndef VS_UTIL_DIRREAD_H
#define VS_UTIL_DIRREAD_H

#include <stddef.h>

struct vs_dir;

/* Never NULL (xalloc dies when out of memory). */
struct vs_dir *vs_dir_open(int fd);
int vs_dir_fd(const struct vs_dir *d);
/* The next entry's name ("." and ".." included, as readdir), its d_type in
 * *type; NULL at the end or on an error, errno then 0 or the error. The
 * name lives until the next call. */
const char *vs_dir_next(struct vs_dir *d, unsigned char *type);
/* Closes the fd and frees; NULL is a no-op. */
void vs_dir_close(struct vs_dir *d);

#endif
