/* Real files in a temporary folder, for unit tests. Every helper aborts the
 * test (cmocka fail) when the filesystem says no. */
#ifndef VS_TEST_FIXTURE_H
#define VS_TEST_FIXTURE_H

#include <stddef.h>

/* Makes a fresh folder under $TMPDIR (or /tmp); returns its absolute path. */
char *fx_tmpdir(void);
/* Removes a tree (no symlink followed); used for cleanup. */
void fx_rmtree(const char *path);
/* Writes `len` bytes (or strlen when len == (size_t)-1) to dir/rel, making
 * parent folders as needed. */
void fx_write(const char *dir, const char *rel, const char *data, size_t len);
/* mkdir -p dir/rel */
void fx_mkdirs(const char *dir, const char *rel);
/* symlink(target, dir/rel) */
void fx_symlink(const char *target, const char *dir, const char *rel);
/* dir + "/" + rel (caller frees) */
char *fx_path(const char *dir, const char *rel);

/* A cmocka fixture: a fresh temp folder and an fd open on it. The test
 * dies after 20 s instead of hanging (a FIFO read by mistake would block). */
struct fx_dir {
	char *dir;
	int fd;
};
int fx_setup_dir(void **state);
int fx_teardown_dir(void **state);

#endif
