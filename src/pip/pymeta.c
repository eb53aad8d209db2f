/* Python's email feedparser (compat32) and pkg_resources' version line,
 * reduced to what pip freeze reads: one header value. */
#include "pymeta.h"

#include <stdlib.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

char *pymeta_universal_newlines(const char *text, size_t len, size_t *out_len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	if (!memchr(text, '\r', len)) {
		memcpy(out, text, len);
		out[len] = '\0';
		*out_len = len;
		return out;
	}
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r') {
			out[o++] = '\n';
			if (i + 1 < len && text[i + 1] == '\n')
				i++;
		} else {
			out[o++] = text[i];
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* A line of text[i..): sets *next to the start of the following line and
 * returns the length without the line break. */
static size_t next_line(const char *text, size_t len, size_t i, size_t *next)
{
	size_t e = i;

	while (e < len && text[e] != '\n' && text[e] != '\r')
		e++;
	*next = e;
	if (e < len) {
		*next = e + 1;
		if (text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
			*next = e + 2;
	}
	return e - i;
}

/* feedparser's headerRE: "From ", or [\041-\071\073-\176]* then ":", or a
 * leading space or tab. */
static bool header_like(const char *line, size_t n)
{
	if (n == 0)
		return false;
	if (line[0] == ' ' || line[0] == '\t')
		return true;
	if (n >= 5 && memcmp(line, "From ", 5) == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':')
			return true;
		if (c < 0x21 || c > 0x7e)
			return false;
	}
	return false;
}

/* compat32's header_source_parse: value after the colon, leading spaces
 * and tabs removed, continuation lines appended verbatim, trailing CR/LF
 * removed. `start`..`end` covers the header line and its continuations
 * including their line breaks. */
static char *source_value(const char *text, size_t colon, size_t end)
{
	size_t s = colon + 1;

	while (s < end && (text[s] == ' ' || text[s] == '\t'))
		s++;
	while (end > s && (text[end - 1] == '\r' || text[end - 1] == '\n'))
		end--;
	return xstrndup(text + s, end - s);
}

char *pymeta_header(const char *text, size_t len, const char *field)
{
	size_t flen = strlen(field), i = 0, next;
	/* The header being collected: start of its value and end (exclusive). */
	bool open = false, want = false;
	size_t colon = 0, end = 0;

	while (i < len) {
		size_t n = next_line(text, len, i, &next);
		const char *line = text + i;

		if (!header_like(line, n))
			break; /* a blank line or the body */
		if (line[0] == ' ' || line[0] == '\t') {
			if (open)
				end = next; /* continuation of the open header */
			i = next;
			continue;
		}
		if (open && want)
			return source_value(text, colon, end);
		open = false;
		if (n >= 5 && memcmp(line, "From ", 5) == 0) {
			/* The unix-from line (first), or a misplaced one: not a header.
			 * One on the last header line is the start of the body. */
			i = next;
			continue;
		}
		{
			size_t c = (size_t)((const char *)memchr(line, ':', n) - line);

			if (c > 0) {
				open = true;
				want = c == flen && vs_ascii_ncasecmp(line, field, flen) == 0;
				colon = i + c;
				end = next;
			}
		}
		i = next;
	}
	if (open && want)
		return source_value(text, colon, end);
	return NULL;
}

static bool is_strip_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       (c >= 0x1c && c <= 0x1f);
}

char *pymeta_version_line(const char *text, size_t len)
{
	size_t i = 0, next;

	while (i < len) {
		size_t n = next_line(text, len, i, &next);
		const char *s = text + i, *e = s + n;

		while (s < e && is_strip_space(*s))
			s++;
		while (e > s && is_strip_space(e[-1]))
			e--;
		if ((size_t)(e - s) >= 8 && vs_ascii_ncasecmp(s, "version:", 8) == 0) {
			s += 8;
			while (s < e && is_strip_space(*s))
				s++;
			return e > s ? xstrndup(s, (size_t)(e - s)) : NULL;
		}
		i = next;
	}
	return NULL;
}
