/* Path and text helpers that behave exactly like the Python functions pip
 * relies on, so that what venvscope prints matches pip byte for byte.
 * Pure string functions (no file system access) unless said otherwise. */
#ifndef VS_SCAN_PYPATH_H
#define VS_SCAN_PYPATH_H

#include <stdbool.h>
#include <stddef.h>

/* posixpath.normpath: "." segments and doubled slashes go, ".." is
 * resolved lexically, no trailing slash; a leading "//" (exactly two) is
 * kept; "" becomes ".". Caller frees. */
char *py_normpath(const char *p);

/* posixpath.abspath with `cwd` as the current folder (cwd must be
 * absolute). Caller frees. */
char *py_abspath(const char *p, const char *cwd);

/* posixpath.relpath(path, start) for two absolute, normalised paths.
 * Caller frees. */
char *py_relpath(const char *path, const char *start);

/* Whether s[0..n) is valid UTF-8 (what Python's strict decoder accepts:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
bool py_utf8_valid(const char *s, size_t n);

/* str.lower() for UTF-8 text: ASCII, Latin-1, Latin Extended-A, Greek
 * and Cyrillic letters are mapped; other characters are kept. Invalid
 * bytes are kept as they are. Caller frees. */
char *py_lower(const char *s);

/* Length of s[0..n) once trailing white space (Python's str.isspace(),
 * ASCII and Unicode) is removed, as str.rstrip() does. */
size_t py_rstrip_len(const char *s, size_t n);

/* urllib.parse.quote_from_bytes(s, safe="/"): every byte except
 * letters, digits, "_.-~" and "/" becomes %XX. Caller frees. */
char *py_url_quote(const char *s);

/* A match of Python's re "\w" for the character at s (ASCII letters,
 * digits and "_", and any non-ASCII letter, approximated as any byte of a
 * multi-byte UTF-8 sequence). */
bool py_is_word_byte(unsigned char c);

#endif
