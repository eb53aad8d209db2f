/* Allocation wrappers: the out-of-memory policy is decided here, once.
 * Every x*alloc either returns usable memory or ends the program with a
 * message on stderr (after running the registered fatal hook, so a front end
 * can restore the terminal first). */
#ifndef VS_UTIL_XALLOC_H
#define VS_UTIL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` items of `size` bytes; *cap is
 * updated. Returns the (possibly moved) array. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Called before the program dies (OOM or vs_die). May be NULL. */
void vs_set_fatal_hook(void (*hook)(void));
_Noreturn void vs_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
