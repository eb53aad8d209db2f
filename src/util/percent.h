/* Percent-encoding (RFC 3986), the one encoder: file:// URLs for pip
 * (urllib.parse.quote) and the trash's Path= lines (FreeDesktop trash
 * spec) both go through it. */
#ifndef VS_UTIL_PERCENT_H
#define VS_UTIL_PERCENT_H

/* `s` with every byte except ASCII letters, digits, "-._~" (RFC 3986's
 * unreserved) and the bytes of `safe` (may be NULL or "") written as %XX,
 * upper-case hex: vs_percent_encode("/a b/ü", "/") = "/a%20b/%C3%BC".
 * Caller frees. */
char *vs_percent_encode(const char *s, const char *safe);

#endif
