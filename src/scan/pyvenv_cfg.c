#include "pyvenv_cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/hex.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

/* ---- whitespace, as Python's str.strip() sees it ---- */

static bool is_ascii_space(unsigned char c)
{
	/* str.isspace() is also true for the four ASCII separators 0x1c..0x1f. */
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* UTF-8 encodings of the non-ASCII characters str.strip() removes. */
static const char *const uni_spaces[] = {
	"\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
	"\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
	"\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
};

#define N_UNI_SPACES (sizeof(uni_spaces) / sizeof(uni_spaces[0]))

/* Length of the whitespace character starting at s[0] (0 when none). */
static size_t space_at(const char *s, size_t n)
{
	size_t i;

	if (n && is_ascii_space((unsigned char)s[0]))
		return 1;
	for (i = 0; i < N_UNI_SPACES; i++) {
		size_t k = strlen(uni_spaces[i]);

		if (k <= n && memcmp(s, uni_spaces[i], k) == 0)
			return k;
	}
	return 0;
}

/* Length of the whitespace character ending at s[n-1] (0 when none). */
static size_t space_before(const char *s, size_t n)
{
	size_t i;

	if (n && is_ascii_space((unsigned char)s[n - 1]))
		return 1;
	for (i = 0; i < N_UNI_SPACES; i++) {
		size_t k = strlen(uni_spaces[i]);

		if (k <= n && memcmp(s + n - k, uni_spaces[i], k) == 0)
			return k;
	}
	return 0;
}

/* Trimmed copy of s[0..n). */
static char *strip_dup(const char *s, size_t n)
{
	size_t k;

	while ((k = space_at(s, n)) != 0) {
		s += k;
		n -= k;
	}
	while ((k = space_before(s, n)) != 0)
		n -= k;
	return xstrndup(s, n);
}

/* ---- parsing ---- */

/* Strict UTF-8 check (no overlongs, no surrogates, nothing past U+10FFFF). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k, j;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

static void add_line(struct scan_cfg *cfg, size_t *cap, const char *line, size_t n)
{
	const char *eq = memchr(line, '=', n);
	struct scan_cfg_entry *e;

	/* A NUL cannot be kept in a C string; such a line is dropped rather
	 * than shown cut short. */
	if (!eq || memchr(line, '\0', n))
		return;
	cfg->items = xgrow(cfg->items, cap, cfg->n + 1, sizeof(*cfg->items));
	e = &cfg->items[cfg->n++];
	e->key = strip_dup(line, (size_t)(eq - line));
	e->value = strip_dup(eq + 1, n - (size_t)(eq - line) - 1);
}

/* NUL bytes or bytes that are not UTF-8. When the buffer was cut by the size
 * limit, a character split by the cut is not held against it. */
static bool looks_binary(const char *buf, size_t len, bool cut)
{
	size_t vlen = len, k;

	if (memchr(buf, '\0', len))
		return true;
	for (k = 0; cut && k < 3 && vlen && (buf[vlen - 1] & 0x80); k++)
		vlen--;
	return !utf8_valid((const unsigned char *)buf, vlen);
}

/* Lines end at "\n", "\r\n" or a lone "\r" (Python's universal newlines,
 * which site.py reads the file with). When `cut` is set the buffer stopped
 * at the size limit, and its last unfinished line is dropped. */
static struct scan_cfg *parse(const char *buf, size_t len, bool cut)
{
	struct scan_cfg *cfg = xcalloc(1, sizeof(*cfg));
	size_t cap = 0, i = 0;

	if (len == 0)
		return cfg; /* buf may be NULL then */
	cfg->binary = looks_binary(buf, len, cut);
	while (cut && len && buf[len - 1] != '\n' && buf[len - 1] != '\r')
		len--;
	while (i < len) {
		size_t start = i;

		while (i < len && buf[i] != '\n' && buf[i] != '\r')
			i++;
		add_line(cfg, &cap, buf + start, i - start);
		if (i < len && buf[i] == '\r') {
			i++;
			if (i < len && buf[i] == '\n')
				i++;
		} else if (i < len) {
			i++;
		}
	}
	return cfg;
}

struct scan_cfg *scan_cfg_parse(const char *buf, size_t len)
{
	return parse(buf, len, false);
}

/* ---- reading ---- */

const char *scan_cfg_type_reason(mode_t mode)
{
	return vs_file_type_reason(mode);
}

int scan_cfg_read_at(struct scan_cfg **out, int dirfd, const char *name, struct vs_err *err)
{
	char *buf;
	size_t len = 0;
	bool more;

	*out = NULL;
	/* Never a symlink, a FIFO or a device; never more than the file cap. */
	if (vs_read_at(dirfd, name, VS_READ_NOFOLLOW, SCAN_CFG_FILE_MAX, &buf, &len, err) < 0)
		return VS_EFAIL;
	/* Only the start is parsed; a longer file is flagged as truncated. */
	more = len > SCAN_CFG_MAX_BYTES;
	*out = parse(buf, more ? SCAN_CFG_MAX_BYTES : len, more);
	(*out)->truncated = more;
	free(buf);
	return 0;
}

/* ---- lookups ---- */

const char *scan_cfg_get(const struct scan_cfg *cfg, const char *key)
{
	size_t i;

	if (!cfg)
		return NULL;
	for (i = cfg->n; i-- > 0;) {
		if (vs_ascii_casecmp(cfg->items[i].key, key) == 0)
			return cfg->items[i].value;
	}
	return NULL;
}

bool scan_cfg_is_true(const char *value)
{
	return value && vs_ascii_casecmp(value, "true") == 0;
}

void scan_cfg_free(struct scan_cfg *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n; i++) {
		free(cfg->items[i].key);
		free(cfg->items[i].value);
	}
	free(cfg->items);
	free(cfg);
}

/* ---- prompt repr ---- */

/* Reads exactly `digits` hex digits; -1 when they are not all there. */
static long read_hex(const char *s, size_t n, size_t digits)
{
	long v = 0;
	size_t i;

	if (n < digits)
		return -1;
	for (i = 0; i < digits; i++) {
		int h = hex_value(s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void add_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];

	/* A lone surrogate (repr writes it as \udXXX) has no UTF-8 form. */
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
		return;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 4);
	}
}

static char simple_escape(char c)
{
	switch (c) {
	case '\\':
		return '\\';
	case '\'':
		return '\'';
	case '"':
		return '"';
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'a':
		return '\a';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'v':
		return '\v';
	default:
		return 0;
	}
}

/* Decodes the escape after a backslash at s[0] (n bytes left, n >= 1) as a
 * Python string literal does. Returns the bytes used, or 0 when the escape
 * cannot come from repr (then the value is not a repr at all). */
static size_t unescape_one(struct strbuf *sb, const char *s, size_t n)
{
	char c = simple_escape(s[0]);
	long cp = -1;
	size_t used;

	if (c) {
		sb_addc(sb, c);
		return 1;
	}
	if (s[0] == 'x' || s[0] == 'u' || s[0] == 'U') {
		size_t digits = s[0] == 'x' ? 2 : s[0] == 'u' ? 4 : 8;

		cp = read_hex(s + 1, n - 1, digits);
		used = 1 + digits;
	} else if (s[0] >= '0' && s[0] <= '7') {
		cp = 0;
		for (used = 0; used < 3 && used < n && s[used] >= '0' && s[used] <= '7'; used++)
			cp = cp * 8 + (s[used] - '0');
	} else {
		/* Python keeps an unknown escape as written. */
		sb_addc(sb, '\\');
		sb_addc(sb, s[0]);
		return 1;
	}
	/* NUL cannot live in the C string we return. */
	if (cp <= 0 || cp > 0x10ffff)
		return 0;
	add_utf8(sb, (uint32_t)cp);
	return used;
}

char *scan_cfg_unquote_prompt(const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(value), i;
	char q;

	if (n < 2 || (value[0] != '\'' && value[0] != '"') || value[n - 1] != value[0])
		return xstrdup(value);
	q = value[0];
	for (i = 1; i < n - 1;) {
		size_t used;

		if (value[i] == q)
			goto not_repr; /* repr never leaves its own quote bare */
		if (value[i] != '\\') {
			sb_addc(&sb, value[i++]);
			continue;
		}
		if (i + 1 >= n - 1)
			goto not_repr; /* the backslash escapes the closing quote */
		used = unescape_one(&sb, value + i + 1, n - 1 - (i + 1));
		if (!used)
			goto not_repr;
		i += 1 + used;
	}
	return sb_detach(&sb);
not_repr:
	sb_free(&sb);
	return xstrdup(value);
}
