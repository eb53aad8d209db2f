/* git's wildmatch by dynamic programming (see wildmatch.h).
 *
 * A pattern compiles to tokens: ONE (one byte out of a set of 256), STAR
 * (bytes without '/'), DSTAR (any bytes) and DSTAR_SLASH ("**" + "/": zero
 * folders, or any bytes ending in '/'). Matching fills, from the last token
 * back, row i of "tokens i.. match text j.." from row i + 1, one text
 * position at a time. */
#include "wildmatch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum tok_kind { TOK_ONE, TOK_STAR, TOK_DSTAR, TOK_DSTAR_SLASH };

struct tok {
	enum tok_kind kind;
	uint32_t set[8]; /* TOK_ONE: the bytes it matches */
};

struct vs_wildpat {
	struct tok *t;
	size_t n, cap;
	size_t min_len; /* the TOK_ONE tokens */
	bool never;     /* malformed: matches nothing */
};

/* ---- git's ctype (sane-ctype.h): ASCII only, whatever the locale ---- */

static bool c_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool c_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static bool c_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int c_tolower(int c)
{
	return c_upper(c) ? c + 32 : c;
}

static int c_toupper(int c)
{
	return c_lower(c) ? c - 32 : c;
}

static bool c_xdigit(int c)
{
	return c_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool c_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool c_print(int c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* A [:name:] class of `t`; -1 for an unknown name. */
static int in_class(const unsigned char *name, size_t n, int t, bool fold)
{
	static const char *const names[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph",
					    "lower", "print", "punct", "space", "upper", "xdigit"};
	bool alpha = c_upper(t) || c_lower(t);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			break;
	switch (i) {
	case 0:
		return alpha || c_digit(t);
	case 1:
		return alpha;
	case 2:
		return t == ' ' || t == '\t';
	case 3:
		return t < 0x20 || t == 0x7f;
	case 4:
		return c_digit(t);
	case 5:
		return c_print(t) && t != ' ';
	case 6:
		return c_lower(t);
	case 7:
		return c_print(t);
	case 8:
		return c_print(t) && t != ' ' && !alpha && !c_digit(t);
	case 9:
		return c_space(t);
	case 10:
		return c_upper(t) || (fold && c_lower(t));
	case 11:
		return c_xdigit(t);
	}
	return -1;
}

/* ---- compiling ---- */

static void set_add(uint32_t *set, int c)
{
	set[(unsigned)c >> 5] |= 1u << ((unsigned)c & 31);
}

static bool set_has(const uint32_t *set, unsigned char c)
{
	return (set[c >> 5] >> (c & 31)) & 1;
}

static struct tok *push(struct vs_wildpat *p, enum tok_kind kind)
{
	struct tok *t;

	p->t = xgrow(p->t, &p->cap, p->n + 1, sizeof(*p->t));
	t = &p->t[p->n++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	if (kind == TOK_ONE)
		p->min_len++;
	return t;
}

/* One element of a bracket expression. */
struct elem {
	enum { EL_BYTE, EL_RANGE, EL_CLASS } kind;
	unsigned char lo, hi; /* the byte, or the range */
	const char *name;     /* the class */
	size_t name_len;
};

/* Reads the bracket expression at pat[*i] == '[' as git's dowild does,
 * into `el` (room for as many elements as it has bytes); *i ends on its
 * ']'. Returns the number of elements, or -1 when it is malformed. */
static int bracket_parse(const unsigned char *pat, size_t *i, struct elem *el, bool *negated)
{
	size_t p = *i;
	unsigned char pc = pat[++p], prev = 0;
	int n = 0;

	if (pc == '^')
		pc = '!';
	*negated = pc == '!';
	if (*negated)
		pc = pat[++p];
	do {
		if (!pc)
			return -1;
		if (pc == '\\') {
			if (!(pc = pat[++p]))
				return -1;
			el[n++] = (struct elem){.kind = EL_BYTE, .lo = pc};
		} else if (pc == '-' && prev && pat[p + 1] && pat[p + 1] != ']') {
			pc = pat[++p];
			if (pc == '\\' && !(pc = pat[++p]))
				return -1;
			el[n++] = (struct elem){.kind = EL_RANGE, .lo = prev, .hi = pc};
			pc = 0; /* no range may start here */
		} else if (pc == '[' && pat[p + 1] == ':') {
			size_t s = p + 2, q = s;

			while (pat[q] && pat[q] != ']')
				q++;
			if (!pat[q])
				return -1;
			if (q == s || pat[q - 1] != ':') {
				/* not "[:name:]": a literal '[' */
				el[n++] = (struct elem){.kind = EL_BYTE, .lo = '['};
			} else {
				if (in_class(pat + s, q - s - 1, 'a', false) < 0)
					return -1;
				el[n++] = (struct elem){.kind = EL_CLASS,
							.name = (const char *)pat + s,
							.name_len = q - s - 1};
				p = q;
				pc = 0;
			}
		} else {
			el[n++] = (struct elem){.kind = EL_BYTE, .lo = pc};
		}
		prev = pc;
		pc = pat[++p];
	} while (pc != ']');
	*i = p;
	return n;
}

/* Whether the text byte `b` matches the elements, as dowild decides. */
static bool bracket_has(const struct elem *el, int n, bool negated, int b, unsigned flags)
{
	bool fold = flags & VS_WM_CASEFOLD, matched = false;
	int t = fold ? c_tolower(b) : b;

	for (int k = 0; k < n && !matched; k++) {
		const struct elem *e = &el[k];

		if (e->kind == EL_BYTE)
			matched = t == e->lo;
		else if (e->kind == EL_RANGE)
			matched = (t >= e->lo && t <= e->hi) ||
				  (fold && c_lower(t) && c_toupper(t) >= e->lo &&
				   c_toupper(t) <= e->hi);
		else
			matched = in_class((const unsigned char *)e->name, e->name_len, t, fold) > 0;
	}
	if (matched == negated || ((flags & VS_WM_PATHNAME) && t == '/'))
		return false;
	return true;
}

/* One byte `c` (escaped when it came after a backslash). */
static void literal(struct vs_wildpat *p, unsigned char c, bool escaped, unsigned flags)
{
	struct tok *t = push(p, TOK_ONE);

	if (!(flags & VS_WM_CASEFOLD)) {
		set_add(t->set, c);
	} else if (!escaped || !c_upper(c)) {
		/* The text byte is folded; the pattern's too unless escaped. */
		for (int b = 0; b < 256; b++)
			if (c_tolower(b) == (escaped ? c : c_tolower(c)))
				set_add(t->set, b);
	}
	/* else `\A` folded: no text byte lowers to 'A' */
}

/* The run of stars at pat[*i]; *i ends on its last star. */
static void stars(struct vs_wildpat *p, const unsigned char *pat, size_t *i, unsigned flags)
{
	size_t first = *i, last = first;

	while (pat[last + 1] == '*')
		last++;
	*i = last;
	if (!(flags & VS_WM_PATHNAME)) {
		push(p, TOK_DSTAR);
	} else if (last > first && (first == 0 || pat[first - 1] == '/') &&
		   (!pat[last + 1] || pat[last + 1] == '/' ||
		    (pat[last + 1] == '\\' && pat[last + 2] == '/'))) {
		if (pat[last + 1] == '/') {
			push(p, TOK_DSTAR_SLASH);
			*i = last + 1;
		} else {
			push(p, TOK_DSTAR);
		}
	} else {
		push(p, TOK_STAR);
	}
}

struct vs_wildpat *vs_wildpat_new(const char *pattern, size_t len, unsigned flags)
{
	struct vs_wildpat *p = xcalloc(1, sizeof(*p));
	unsigned char *pat = (unsigned char *)xstrndup(pattern, len);

	for (size_t i = 0; pat[i] && !p->never; i++) {
		switch (pat[i]) {
		case '\\':
			if (!pat[i + 1])
				p->never = true;
			else
				literal(p, pat[++i], true, flags);
			break;
		case '?': {
			struct tok *t = push(p, TOK_ONE);

			memset(t->set, 0xff, sizeof(t->set));
			if (flags & VS_WM_PATHNAME)
				t->set['/' >> 5] &= ~(1u << ('/' & 31));
			break;
		}
		case '*':
			stars(p, pat, &i, flags);
			break;
		case '[': {
			struct tok *t = push(p, TOK_ONE);
			struct elem *el = xmalloc((len + 1) * sizeof(*el));
			bool negated;
			int n = bracket_parse(pat, &i, el, &negated);

			if (n < 0)
				p->never = true;
			for (int b = 0; b < 256 && n >= 0; b++)
				if (bracket_has(el, n, negated, b, flags))
					set_add(t->set, b);
			free(el);
			break;
		}
		default:
			literal(p, pat[i], false, flags);
		}
	}
	free(pat);
	return p;
}

void vs_wildpat_free(struct vs_wildpat *p)
{
	if (!p)
		return;
	free(p->t);
	free(p);
}

size_t vs_wildpat_min_len(const struct vs_wildpat *p)
{
	return p->min_len;
}

/* ---- matching ---- */

/* Row i of the table from row i + 1 (`next`): cur[j] is whether tokens
 * i.. match text[j..n). Returns whether any entry is true. */
static bool fill_row(const struct tok *t, const unsigned char *s, size_t n, const bool *next, bool *cur)
{
	bool any = false, slash_then = false;

	cur[n] = t->kind != TOK_ONE && next[n];
	for (size_t j = n; j-- > 0;) {
		switch (t->kind) {
		case TOK_ONE:
			cur[j] = set_has(t->set, s[j]) && next[j + 1];
			break;
		case TOK_STAR:
			cur[j] = next[j] || (s[j] != '/' && cur[j + 1]);
			break;
		case TOK_DSTAR:
			cur[j] = next[j] || cur[j + 1];
			break;
		case TOK_DSTAR_SLASH:
			/* zero folders, or any bytes up to a '/' after which the rest matches */
			slash_then = slash_then || (s[j] == '/' && next[j + 1]);
			cur[j] = next[j] || slash_then;
			break;
		}
		any = any || cur[j];
	}
	return any || cur[n];
}

bool vs_wildpat_match(const struct vs_wildpat *p, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	bool small[2][256], *a, *b, *heap = NULL, ok = true;

	if (p->never || len < p->min_len)
		return false;
	if (len + 1 <= 256) {
		a = small[0];
		b = small[1];
	} else {
		heap = xmalloc(2 * (len + 1) * sizeof(bool));
		a = heap;
		b = heap + len + 1;
	}
	/* Past the last token only the end of the text matches. */
	memset(a, 0, (len + 1) * sizeof(bool));
	a[len] = true;
	for (size_t i = p->n; ok && i-- > 0;) {
		bool *tmp;

		ok = fill_row(&p->t[i], s, len, a, b);
		tmp = a;
		a = b;
		b = tmp;
	}
	ok = ok && a[0];
	free(heap);
	return ok;
}

bool vs_wildmatch(const char *pattern, const char *text, unsigned flags)
{
	struct vs_wildpat *p = vs_wildpat_new(pattern, strlen(pattern), flags);
	bool ok = vs_wildpat_match(p, text, strlen(text));

	vs_wildpat_free(p);
	return ok;
}
