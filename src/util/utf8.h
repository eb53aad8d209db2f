/* UTF-8, decoded the way Python's strict decoder does it, and encoded. */
#ifndef VS_UTIL_UTF8_H
#define VS_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* The valid UTF-8 sequence at s[0..n): its length (1..4) with *cp set, or
 * 0 when there is none (overlong forms, surrogates, anything above
 * U+10FFFF, a cut sequence); *cp is then undefined. n >= 1. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends code point `c` (<= U+10FFFF) encoded; a surrogate gets the
 * 3-byte form, which is not valid UTF-8 (WTF-8). */
void utf8_put(struct strbuf *sb, uint32_t c);

#endif
