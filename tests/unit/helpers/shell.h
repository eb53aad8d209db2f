/* Commands in unit tests: git in a setting of the test's own, a shell line,
 * a command's output. Every helper fails the test (cmocka) when the
 * command cannot be started. */
#ifndef VS_TEST_SHELL_H
#define VS_TEST_SHELL_H

#include <stddef.h>

/* HOME = dir/home with a .gitconfig (a user name and address, branch
 * "main", then `extra`), no GIT_* variable, no XDG_CONFIG_HOME. */
void fx_git_env(const char *dir, const char *extra);

/* Runs a shell line; its exit status, or -1 when it did not exit. */
int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define FX_SH_OK(...) assert_int_equal(fx_sh(__VA_ARGS__), 0)

/* A shell line's whole stdout (NUL bytes kept; *len its length, *rc its
 * exit status as fx_sh gives it). The caller frees. */
char *fx_output(int *rc, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same without trailing newlines, for one-line answers. */
char *fx_capture(int *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* fx_capture of a command that must succeed. */
char *fx_capture_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
