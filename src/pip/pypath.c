/* Python's posixpath and str behaviours, as pip relies on them. */
#include "pypath.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/percent.h"
#include "../util/strbuf.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"

char *py_normpath(const char *p)
{
	size_t n = strlen(p), i = 0, nseg = 0, cap = 0;
	const char **seg = NULL;
	size_t *seglen = NULL, lcap = 0;
	int slashes = 0;
	struct strbuf sb = STRBUF_INIT;

	if (n == 0)
		return xstrdup(".");
	if (p[0] == '/')
		slashes = (n > 1 && p[1] == '/' && !(n > 2 && p[2] == '/')) ? 2 : 1;
	while (i < n) {
		size_t s, len;

		while (i < n && p[i] == '/')
			i++;
		s = i;
		while (i < n && p[i] != '/')
			i++;
		len = i - s;
		if (len == 0 || (len == 1 && p[s] == '.'))
			continue;
		if (len == 2 && p[s] == '.' && p[s + 1] == '.') {
			if (nseg && !(seglen[nseg - 1] == 2 && strncmp(seg[nseg - 1], "..", 2) == 0)) {
				nseg--;
				continue;
			}
			if (slashes)
				continue; /* "/.." is "/" */
		}
		seg = xgrow(seg, &cap, nseg + 1, sizeof(*seg));
		seglen = xgrow(seglen, &lcap, nseg + 1, sizeof(*seglen));
		seg[nseg] = p + s;
		seglen[nseg++] = len;
	}
	for (int k = 0; k < slashes; k++)
		sb_addc(&sb, '/');
	for (size_t k = 0; k < nseg; k++) {
		if (k)
			sb_addc(&sb, '/');
		sb_add(&sb, seg[k], seglen[k]);
	}
	free(seg);
	free(seglen);
	if (sb.len == 0)
		sb_addc(&sb, '.');
	return sb_detach(&sb);
}

char *py_abspath(const char *p, const char *cwd)
{
	char *joined, *out;

	if (p[0] == '/')
		return py_normpath(p);
	joined = xasprintf("%s/%s", cwd, p);
	out = py_normpath(joined);
	free(joined);
	return out;
}

/* Splits a normalised absolute path into components (no empty ones). */
static size_t split_parts(const char *p, const char ***out, size_t **lens)
{
	size_t n = 0, cap = 0, lcap = 0, i = 0, len = strlen(p);

	*out = NULL;
	*lens = NULL;
	while (i < len) {
		size_t s;

		while (i < len && p[i] == '/')
			i++;
		s = i;
		while (i < len && p[i] != '/')
			i++;
		if (i == s)
			continue;
		*out = xgrow(*out, &cap, n + 1, sizeof(**out));
		*lens = xgrow(*lens, &lcap, n + 1, sizeof(**lens));
		(*out)[n] = p + s;
		(*lens)[n++] = i - s;
	}
	return n;
}

char *py_relpath(const char *path, const char *start)
{
	const char **a, **b;
	size_t *al, *bl, na = split_parts(path, &a, &al), nb = split_parts(start, &b, &bl), common = 0;
	struct strbuf sb = STRBUF_INIT;

	while (common < na && common < nb && al[common] == bl[common] &&
	       memcmp(a[common], b[common], al[common]) == 0)
		common++;
	for (size_t k = common; k < nb; k++)
		sb_adds(&sb, sb.len ? "/.." : "..");
	for (size_t k = common; k < na; k++) {
		if (sb.len)
			sb_addc(&sb, '/');
		sb_add(&sb, a[k], al[k]);
	}
	free(a);
	free(al);
	free(b);
	free(bl);
	if (sb.len == 0)
		sb_addc(&sb, '.');
	return sb_detach(&sb);
}

bool py_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len;
		uint64_t w;

		/* Runs of ASCII (most metadata) eight bytes at a time. */
		while (i + 8 <= n && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ULL) == 0))
			i += 8;
		if (i == n)
			break;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		len = utf8_decode(u + i, n - i, &cp);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

/* Simple lower-case mapping of the scripts package names use in practice. */
static uint32_t lower_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xc0)
		return c;
	if (c <= 0xde)
		return c == 0xd7 ? c : c + 32;
	if (c >= 0x100 && c <= 0x17f) {
		if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c; /* İ is handled by the caller; ı ĸ ŉ ſ have no upper form here */
		if (c == 0x178)
			return 0xff;
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c + 1 : c;
		return (c & 1) ? c : c + 1;
	}
	if ((c >= 0x391 && c <= 0x3a1) || (c >= 0x3a3 && c <= 0x3ab))
		return c + 32;
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 37;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 63;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

char *py_lower(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	struct strbuf sb = STRBUF_INIT;

	while (i < n && u[i] < 0x80)
		i++;
	if (i == n) {
		/* ASCII only (nearly every package name): A-Z, nothing else. */
		char *out = xmalloc(n + 1);

		for (i = 0; i <= n; i++)
			out[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
		return out;
	}
	i = 0;
	sb_adds(&sb, "");
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(u + i, n - i, &cp);

		if (!len) {
			sb_addc(&sb, (char)u[i++]);
			continue;
		}
		if (cp == 0x130) {
			/* Python: "İ".lower() == "i̇" (i + combining dot above). */
			sb_addc(&sb, 'i');
			utf8_put(&sb, 0x307);
		} else {
			utf8_put(&sb, lower_cp(cp));
		}
		i += len;
	}
	return sb_detach(&sb);
}

static bool is_py_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202f || c == 0x205f || c == 0x3000;
}

size_t py_rstrip_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	while (n > 0) {
		size_t start = n - 1;
		uint32_t cp;

		/* Step back to the first byte of the last character. */
		while (start > 0 && n - start < 4 && (u[start] & 0xc0) == 0x80)
			start--;
		if (utf8_decode(u + start, n - start, &cp) != n - start || !is_py_space(cp))
			break;
		n = start;
	}
	return n;
}

char *py_url_quote(const char *s)
{
	return vs_percent_encode(s, "/");
}

bool py_is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

char *py_nul_encode(const char *s, size_t n, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, "");
	for (size_t i = 0; i < n; i++) {
		if (s[i])
			sb_addc(&sb, s[i]);
		else
			sb_adds(&sb, PY_NUL);
	}
	*out_len = sb.len;
	return sb_detach(&sb);
}

size_t py_nul_decode(char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && s[i] == PY_NUL[0] && s[i + 1] == PY_NUL[1]) {
			s[w++] = '\0';
			i++;
		} else {
			s[w++] = s[i];
		}
	}
	if (w < n)
		s[w] = '\0';
	return w;
}

int py_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (;;) {
		/* The code unit each side stands for here: PY_NUL is 0, the end
		 * of the string below everything (-1). */
		int cx = *x ? *x : -1, cy = *y ? *y : -1;
		size_t nx = 1, ny = 1;

		if (x[0] == 0xc0 && x[1] == 0x80)
			cx = 0, nx = 2;
		if (y[0] == 0xc0 && y[1] == 0x80)
			cy = 0, ny = 2;
		if (cx != cy)
			return cx < cy ? -1 : 1;
		if (cx < 0)
			return 0;
		x += nx;
		y += ny;
	}
}
