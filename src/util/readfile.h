/* Reading a whole small file. */
#ifndef VS_UTIL_READFILE_H
#define VS_UTIL_READFILE_H

#include <stddef.h>

/* Reads the regular file open as `fd` to its end into a new buffer with a
 * NUL after the data (*out, the caller's to free; *len without the NUL).
 * Returns 0, or -1 with errno: EINVAL when `fd` is not a regular file,
 * EFBIG when it holds more than `max` bytes, or what fstat or read said.
 * The fd stays open. */
int vs_read_fd(int fd, size_t max, char **out, size_t *len);

#endif
