/* Error values: functions return 0 or a negative VS_E* code and, when given
 * a `struct vs_err *`, put a sentence for the user into it (it names the
 * path and the reason). */
#ifndef VS_UTIL_ERR_H
#define VS_UTIL_ERR_H

#include <stddef.h>

enum {
	VS_OK = 0,
	VS_EFAIL = -1,  /* something failed (exit 1) */
	VS_EUSAGE = -2, /* bad usage or bad input (exit 2) */
	VS_ENOMEM = -3,
};

struct vs_err {
	int code;
	char msg[1024];
};

/* Sets the message (printf style) and returns `code`. `e` may be NULL.
 * A message longer than `msg` holds loses its middle (replaced by "..."),
 * so the reason at its end is always kept. */
int vs_err_set(struct vs_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies `s` into `out` (`cap` bytes, cap > 0): whole when it fits, else
 * its head (a quarter), "..." and its tail, cut on UTF-8 boundaries. */
void vs_err_fit(char *out, size_t cap, const char *s);

#endif
