/* A growable, always NUL-terminated byte buffer. */
#ifndef VS_UTIL_STRBUF_H
#define VS_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf; /* NUL-terminated once anything was added; NULL before */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT        \
	{                  \
		NULL, 0, 0 \
	}

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL; "" when empty) and resets the buffer. */
char *sb_detach(struct strbuf *sb);
/* Returns the current string ("" when empty), the buffer keeps it. */
const char *sb_str(const struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
