/* Case-insensitive compares of ASCII letters only, whatever the locale:
 * the names and keywords compared here (metadata headers, ".dist-info",
 * config words, filter words) are ASCII, and strcasecmp follows LC_CTYPE,
 * where in a Turkish locale "I" does not lower to "i". */
#ifndef VS_UTIL_ASCII_H
#define VS_UTIL_ASCII_H

#include <stddef.h>

static inline int vs_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* strncasecmp with ASCII case folding; bytes compare unsigned. */
static inline int vs_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = vs_ascii_lower((unsigned char)a[i]), cb = vs_ascii_lower((unsigned char)b[i]);

		if (ca != cb || !ca)
			return ca - cb;
	}
	return 0;
}

static inline int vs_ascii_casecmp(const char *a, const char *b)
{
	return vs_ascii_ncasecmp(a, b, (size_t)-1);
}

#endif
