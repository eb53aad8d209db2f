/* Text for a terminal: the one place that makes names and contents safe to
 * print, and measures and fits them into columns.
 *
 * What is not shown as itself, in every front end (browser, table, text):
 *  - control characters (C0, DEL, C1) and bytes that are not valid UTF-8:
 *    "\xNN", one per byte (ESC -> \x1b, a newline -> \x0a, 0xff -> \xff);
 *  - bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C),
 *    zero-width and other invisible format characters (U+200B-U+200D,
 *    U+2060-U+2064, U+FEFF, U+2028/U+2029, tags U+E0000-U+E007F...):
 *    "\uXXXX" (U+202E -> \u202e), or "\UXXXXXXXX" above U+FFFF.
 * Backslashes themselves are kept as they are. Fitting (tw_width, tw_fit,
 * tw_take) also escapes what the current locale cannot show: every
 * non-ASCII byte outside a UTF-8 locale, and a character wcwidth() calls
 * unprintable as \uXXXX. Call setlocale(LC_CTYPE, "") first for UTF-8. */
#ifndef VS_UTIL_TEXTWIDTH_H
#define VS_UTIL_TEXTWIDTH_H

#include <stddef.h>

#include "strbuf.h"

enum tw_cut { TW_CUT_END, TW_CUT_MIDDLE };

/* Columns `s` takes once made printable. */
size_t tw_width(const char *s);

/* Appends `s` made printable and fitted into `width` columns: cut at the
 * end or in the middle with an ellipsis when too wide, and padded with
 * spaces to exactly `width` when `pad` is set. */
void tw_fit(struct strbuf *out, const char *s, size_t width, enum tw_cut cut, int pad);

/* Bytes of the longest prefix of `s` that fits in `width` columns (at
 * least one character when `s` is not empty, so a caller always advances). */
size_t tw_take(const char *s, size_t width);

/* The same for wrapping text: the bytes of `s` to show on one row of
 * `width` columns, ending at a word boundary (the spaces after the last
 * whole word are taken too, so the next row starts with a word). A word
 * longer than the row is cut as tw_take cuts it. Rows made by calling it
 * until `s` is used up show every word whole when it fits. */
size_t tw_take_words(const char *s, size_t width);

/* `n` less the spaces that end s[0..n): what a row from tw_take_words
 * shows (the spaces it takes would make it one column too wide). */
size_t tw_trim_end(const char *s, size_t n);

/* Appends `s` with the escapes above, whatever the locale (valid printable
 * UTF-8 stays as it is): for plain text output, where nothing is fitted. */
void tw_escape(struct strbuf *out, const char *s);

/* tw_escape() into one of a few buffers used in turn, for printf
 * arguments: every path, pyvenv.cfg value, package name or message that a
 * text output echoes goes through it. The result stays valid for the next
 * 7 calls (several arguments of one printf); NULL gives "(null)". For the
 * main thread only: it is the one that prints. */
const char *tw_esc(const char *s);

#endif
