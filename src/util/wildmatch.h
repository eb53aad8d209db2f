/* git's wildmatch (git's wildmatch.c: the patterns of .gitignore files),
 * in time proportional to the pattern's length times the text's.
 *
 * The same answers as git's recursive matcher, worked out by dynamic
 * programming over (pattern token, text position) instead of by
 * backtracking: a pattern of many `*` or `**` against a deep path costs
 * microseconds, not minutes. Semantics, with VS_WM_PATHNAME:
 * - `?` and a bracket expression match one byte other than '/'; `*` any
 *   run of bytes without a '/';
 * - a run of two or more stars with nothing but the pattern's start or a
 *   '/' before it, and its end, a '/' or "\/" after it, matches anything
 *   ('/' included); "**" followed by '/' also matches zero folders
 *   ("a/" "**" "/b" matches "a/b"); any other run of stars is one `*`;
 * - bracket expressions: `!` or `^` negates, `]` first is a literal,
 *   ranges, backslash escapes, [:alnum:] and the other eleven classes of
 *   git's locale-independent ASCII ctype; an unclosed bracket, an unknown
 *   class or a trailing backslash makes the pattern match nothing;
 * - `\c` is the byte c.
 * Without VS_WM_PATHNAME, `*` and `?` and brackets match '/' too.
 * VS_WM_CASEFOLD folds ASCII letters as git does, quirks included: an
 * escaped capital (`\A`) or a lone capital in brackets (`[A]`) then
 * matches nothing, ranges fold (`[A-Z]` matches 'a'). */
#ifndef VS_UTIL_WILDMATCH_H
#define VS_UTIL_WILDMATCH_H

#include <stdbool.h>
#include <stddef.h>

#define VS_WM_CASEFOLD 1u
#define VS_WM_PATHNAME 2u

struct vs_wildpat;

/* Compiles the `len` bytes of `pattern` (they hold no NUL) for `flags`.
 * Never fails: a malformed pattern compiles to one that matches nothing. */
struct vs_wildpat *vs_wildpat_new(const char *pattern, size_t len, unsigned flags);
void vs_wildpat_free(struct vs_wildpat *p);

/* Whether the `len` bytes of `text` match: O(tokens * len) time, O(len)
 * memory. */
bool vs_wildpat_match(const struct vs_wildpat *p, const char *text, size_t len);

/* The least number of bytes a text must have to match (for quick rejects). */
size_t vs_wildpat_min_len(const struct vs_wildpat *p);

/* Compile, match, free: git's wildmatch(pattern, text, flags) == WM_MATCH. */
bool vs_wildmatch(const char *pattern, const char *text, unsigned flags);

#endif
