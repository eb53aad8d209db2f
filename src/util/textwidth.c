#include "textwidth.h"

#include <langinfo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"
#include "xalloc.h"

/* One printable unit of the input: the input bytes it stands for, the text
 * shown for them (the bytes themselves or an escape) and its width. */
struct unit {
	size_t in_len;
	const char *text; /* points into the input, or at `esc` */
	size_t len;
	int width;
	char esc[12];
};

static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && strcmp(cs, "UTF-8") == 0;
}

/* Characters never shown as themselves: controls, and the invisible ones
 * that reorder or hide text (bidi controls, zero-width, line separators,
 * tags). */
static bool hidden(long cp)
{
	static const long ranges[][2] = {
		{0x00, 0x1F},     {0x7F, 0x9F},     {0x061C, 0x061C},   {0x180E, 0x180E},
		{0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},   {0x2066, 0x206F},
		{0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0xE0000, 0xE007F},
	};

	for (size_t i = 0; i < sizeof(ranges) / sizeof(*ranges); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

static void set_escape(struct unit *u, const char *fmt, unsigned long v)
{
	snprintf(u->esc, sizeof(u->esc), fmt, v);
	u->text = u->esc;
	u->len = strlen(u->esc);
	u->width = (int)u->len;
}

/* The unit at s. `fit`: measured for the terminal in this locale. */
static void unit_at(struct unit *u, const char *s, bool fit, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t n = utf8_decode(p, strnlen(s, 4), &c);
	long cp = n ? (long)c : -1;
	int w = 1;

	n = n ? n : 1;
	u->in_len = n;
	u->text = s;
	u->len = n;
	if (cp < 0 || cp < 0x20 || cp == 0x7F || (fit && !utf8 && cp >= 0x80)) {
		/* One byte at a time: the unit covers one input byte. */
		u->in_len = 1;
		set_escape(u, "\\x%02lx", *p);
		return;
	}
	if (hidden(cp)) {
		set_escape(u, cp > 0xFFFF ? "\\U%08lx" : "\\u%04lx", (unsigned long)cp);
		return;
	}
	if (fit && cp >= 0x80 && (w = wcwidth((wchar_t)cp)) < 0) {
		set_escape(u, cp > 0xFFFF ? "\\U%08lx" : "\\u%04lx", (unsigned long)cp);
		return;
	}
	u->width = w;
}

/* Splits `s` into units. */
static struct unit *units_of(const char *s, size_t *count)
{
	size_t len = strlen(s), n = 0;
	struct unit *u = xcalloc(len + 1, sizeof(*u));
	bool utf8 = utf8_locale();

	while (*s) {
		unit_at(&u[n], s, true, utf8);
		s += u[n++].in_len;
	}
	*count = n;
	return u;
}

size_t tw_width(const char *s)
{
	size_t n, w = 0;
	struct unit *u = units_of(s, &n);

	for (size_t i = 0; i < n; i++)
		w += (size_t)u[i].width;
	free(u);
	return w;
}

static void add_units(struct strbuf *out, const struct unit *u, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		sb_add(out, u[i].text, u[i].len);
}

void tw_fit(struct strbuf *out, const char *s, size_t width, enum tw_cut cut, int pad)
{
	const char *ell = utf8_locale() ? "\xe2\x80\xa6" : "~";
	size_t n, total = 0, used = 0;
	struct unit *u = units_of(s, &n);

	for (size_t i = 0; i < n; i++)
		total += (size_t)u[i].width;
	if (total <= width) {
		add_units(out, u, 0, n);
		used = total;
	} else if (width > 0) {
		size_t room = width - 1, head = 0, hw = 0, tail = n, tw = 0;
		size_t head_room = cut == TW_CUT_MIDDLE ? (room + 1) / 2 : room;

		while (head < n && hw + (size_t)u[head].width <= head_room)
			hw += (size_t)u[head++].width;
		if (cut == TW_CUT_MIDDLE)
			while (tail > head && tw + (size_t)u[tail - 1].width <= room - hw)
				tw += (size_t)u[--tail].width;
		add_units(out, u, 0, head);
		sb_adds(out, ell);
		add_units(out, u, tail, n);
		used = hw + 1 + tw;
	}
	free(u);
	while (pad && used < width) {
		sb_addc(out, ' ');
		used++;
	}
}

size_t tw_take(const char *s, size_t width)
{
	size_t n, used = 0, bytes = 0, i;
	struct unit *u = units_of(s, &n);

	for (i = 0; i < n && (i == 0 || used + (size_t)u[i].width <= width); i++) {
		used += (size_t)u[i].width;
		bytes += u[i].in_len;
	}
	free(u);
	return bytes;
}

size_t tw_take_words(const char *s, size_t width)
{
	size_t take = tw_take(s, width), cut = take;

	if (s[take] == '\0')
		return take;
	if (s[take] == ' ') {
		/* The row ends on a word's end: the spaces go with it. */
		while (s[cut] == ' ')
			cut++;
		return cut;
	}
	/* Back to the start of the word the row would cut (ASCII spaces:
	 * never inside a UTF-8 sequence). */
	while (cut > 0 && s[cut - 1] != ' ')
		cut--;
	return cut > 0 ? cut : take;
}

size_t tw_trim_end(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

void tw_escape(struct strbuf *out, const char *s)
{
	struct unit u;

	while (*s) {
		unit_at(&u, s, false, true);
		sb_add(out, u.text, u.len);
		s += u.in_len;
	}
}

#define TW_ESC_SLOTS 8

const char *tw_esc(const char *s)
{
	static struct strbuf slots[TW_ESC_SLOTS];
	static unsigned next;
	struct strbuf *sb = &slots[next++ % TW_ESC_SLOTS];

	sb_reset(sb);
	tw_escape(sb, s ? s : "(null)");
	return sb_str(sb);
}
