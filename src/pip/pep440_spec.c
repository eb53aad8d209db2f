/* PEP 440 specifiers, mirroring packaging.specifiers.Specifier and
 * SpecifierSet.contains(..., prereleases=True) (see pep440.h). */
#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "pep440.h"
#include "pep440_internal.h"

/* ---- Specifiers (packaging.specifiers.Specifier / SpecifierSet) ---- */

/* A piece of a string, as packaging's list-of-strings helpers need. */
struct slice {
	const char *p;
	size_t n;
};

struct slices {
	struct slice *v;
	size_t n, cap;
};

enum spec_op { OP_COMPAT, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_ARB };

struct spec_item {
	enum spec_op op;
	char *text;              /* the version as written, trimmed (Specifier.version) */
	struct scan_pep440 *ver; /* text parsed; NULL for === and for wildcards */
	bool wildcard;           /* == / != ending in ".*" */
	char *prefix;            /* for wildcards and ~=: what a version must start with */
	struct slices split;     /* that prefix split as _version_split does; points into it */
};

struct scan_pep440_spec {
	struct spec_item *items;
	size_t n;
};

static void slices_add(struct slices *l, const char *p, size_t n)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].p = p;
	l->v[l->n].n = n;
	l->n++;
}

static bool slice_eq(struct slice a, struct slice b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* _prefix_regex ^([0-9]+)((?:a|b|c|rc)[0-9]+)$ : the length of the leading
 * digits of an item such as "0rc1", or 0 when the item is not like that. */
static size_t prefix_split_at(const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n && is_digit(s[i]))
		i++;
	if (i == 0 || i == n)
		return 0;
	j = i;
	if (s[j] == 'r' && j + 1 < n && s[j + 1] == 'c')
		j += 2;
	else if (s[j] == 'a' || s[j] == 'b' || s[j] == 'c')
		j++;
	else
		return 0;
	if (j == n)
		return 0;
	for (; j < n; j++)
		if (!is_digit(s[j]))
			return 0;
	return i;
}

/* _version_split: the epoch (or "0") then the '.'-separated items of the
 * rest, an item like "0rc1" split in two. Works on any text, as packaging
 * does on specifier text it could not normalise. */
static void version_split(struct slices *out, const char *s, size_t n)
{
	const char *bang = NULL, *end = s + n, *item;

	for (const char *p = s; p < end; p++)
		if (*p == '!')
			bang = p;
	if (bang && bang > s)
		slices_add(out, s, (size_t)(bang - s));
	else
		slices_add(out, pep440_num_zero.d, pep440_num_zero.n);
	item = bang ? bang + 1 : s;
	for (;;) {
		const char *dot = memchr(item, '.', (size_t)(end - item));
		const char *stop = dot ? dot : end;
		size_t len = (size_t)(stop - item), k = prefix_split_at(item, len);

		if (k) {
			slices_add(out, item, k);
			slices_add(out, item + k, len - k);
		} else {
			slices_add(out, item, len);
		}
		if (!dot)
			break;
		item = dot + 1;
	}
}

/* str.isdigit() on an item: not empty, digits only. */
static bool all_digits(struct slice s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!is_digit(s.p[i]))
			return false;
	return s.n > 0;
}

static size_t digit_run(const struct slices *l)
{
	size_t i = 0;

	while (i < l->n && all_digits(l->v[i]))
		i++;
	return i;
}

/* The prefix half of _compare_equal: split the public version, pad its
 * numeric head with "0" items to the spec's, cut it to the spec's length and
 * compare item by item as text. */
static bool prefix_match(const struct scan_pep440 *v, const struct slices *spec)
{
	static const struct slice zero = {"0", 1};
	struct slices pv = {NULL, 0, 0};
	size_t head, pad;
	bool ok;

	version_split(&pv, v->norm, v->pub_len);
	head = digit_run(&pv);
	pad = digit_run(spec) > head ? digit_run(spec) - head : 0;
	ok = pv.n + pad >= spec->n;
	for (size_t i = 0; ok && i < spec->n; i++) {
		struct slice s = i < head ? pv.v[i] : i < head + pad ? zero : pv.v[i - pad];

		ok = slice_eq(s, spec->v[i]);
	}
	free(pv.v);
	return ok;
}

/* canonicalize_version(text, strip_trailing_zero=False): the canonical
 * text, or the text unchanged when it is not a version. */
static char *canonical_text(const char *text, size_t n)
{
	struct scan_pep440 *v = pep440_parse_n(text, n);
	char *s = v ? xstrdup(v->norm) : xstrndup(text, n);

	scan_pep440_free(v);
	return s;
}

/* Whether an item starts like a suffix (_is_not_suffix's list). */
static bool is_suffix(struct slice s)
{
	static const char *const heads[] = {"dev", "a", "b", "rc", "post"};

	for (size_t i = 0; i < sizeof(heads) / sizeof(*heads); i++) {
		size_t k = strlen(heads[i]);

		if (s.n >= k && memcmp(s.p, heads[i], k) == 0)
			return true;
	}
	return false;
}

/* ~=V is >=V plus a prefix match on V without its last release number.
 * packaging finds that prefix on the text as written: items up to the first
 * one that starts like a suffix, minus the last. Items such as "c1" or "pre1"
 * do not look like suffixes there, so ~=2.2c1 keeps 2.2 -- copied as is. */
static char *compatible_prefix(const char *text)
{
	struct slices l = {NULL, 0, 0};
	struct strbuf sb = STRBUF_INIT;
	size_t keep = 0;

	version_split(&l, text, strlen(text));
	while (keep < l.n && !is_suffix(l.v[keep]))
		keep++;
	if (keep > 0)
		keep--;
	/* _version_join: "epoch!" then the other items joined by '.'. */
	for (size_t i = 0; i < keep; i++) {
		sb_add(&sb, l.v[i].p, l.v[i].n);
		if (i + 1 < keep)
			sb_addc(&sb, i == 0 ? '!' : '.');
	}
	if (keep == 1)
		sb_addc(&sb, '!');
	free(l.v);
	return sb_detach(&sb);
}

/* Does the whole of s[0..n) read v?(N!)?N(.N)* -- what may precede ".*"? */
static bool is_wildcard_head(const char *s, size_t n)
{
	const char *end = s + n, *p = s;
	bool digits = false;

	if (p < end && lower(*p) == 'v')
		p++;
	for (const char *q = p; q < end && is_digit(*q); q++)
		if (q + 1 < end && q[1] == '!')
			p = q + 2;
	for (; p < end; p++) {
		if (is_digit(*p))
			digits = true;
		else if (*p == '.' && digits && p + 1 < end)
			digits = false;
		else
			return false;
	}
	return digits;
}

static const struct {
	const char *text;
	enum spec_op op;
} operators[] = {
	/* "===" before "==", two-character operators before one. */
	{"===", OP_ARB}, {"~=", OP_COMPAT}, {"==", OP_EQ}, {"!=", OP_NE},
	{"<=", OP_LE},   {">=", OP_GE},     {"<", OP_LT},  {">", OP_GT},
};

static const char not_a_version[] = "not a version";

/* The version part of one item: what the operator allows after it. Returns
 * NULL when fine, else the reason (not_a_version to say so with the text). */
static const char *check_version(struct spec_item *it)
{
	size_t n = strlen(it->text);

	if (it->op == OP_ARB) {
		for (const char *p = it->text; *p; p++)
			if (pep440_space_len(p) || *p == ';' || *p == ')')
				return "=== takes one word, without spaces, ';' or ')'";
		return NULL;
	}
	if (n == 0)
		return "a version must follow the operator";
	if (n >= 2 && strcmp(it->text + n - 2, ".*") == 0) {
		if (it->op != OP_EQ && it->op != OP_NE)
			return "a .* wildcard is only allowed after == or !=";
		if (!is_wildcard_head(it->text, n - 2))
			return "a .* wildcard may only follow release numbers, as in ==1.2.*";
		it->wildcard = true;
		it->prefix = canonical_text(it->text, n - 2);
		version_split(&it->split, it->prefix, strlen(it->prefix));
		return NULL;
	}
	it->ver = pep440_parse_n(it->text, n);
	if (!it->ver)
		return not_a_version;
	if (it->ver->n_local && it->op != OP_EQ && it->op != OP_NE)
		return "a local version label (+...) is only allowed after == or !=";
	if (it->op == OP_COMPAT) {
		char *head;

		if (it->ver->n_rel < 2)
			return "~= needs at least two release numbers, as in ~=2.2";
		head = compatible_prefix(it->text);
		it->prefix = canonical_text(head, strlen(head));
		free(head);
		version_split(&it->split, it->prefix, strlen(it->prefix));
	}
	return NULL;
}

static void item_clear(struct spec_item *it)
{
	free(it->text);
	scan_pep440_free(it->ver);
	free(it->prefix);
	free(it->split.v);
}

/* One trimmed, non-empty item s[0..n). */
static int parse_item(struct spec_item *it, const char *s, size_t n, struct vs_err *err)
{
	const char *why = NULL, *rest;
	size_t i, len;

	for (i = 0; i < sizeof(operators) / sizeof(*operators); i++)
		if (strncmp(s, operators[i].text, strlen(operators[i].text)) == 0)
			break;
	if (i == sizeof(operators) / sizeof(*operators))
		return vs_err_set(err, VS_EUSAGE,
				  "\"%.*s\" is not a version specifier: it must start with "
				  "==, !=, <, <=, >, >=, ~= or ===",
				  (int)(n > 200 ? 200 : n), s);
	it->op = operators[i].op;
	len = strlen(operators[i].text);
	rest = pep440_trim(s + len, n - len, &len);
	it->text = xstrndup(rest, len);
	why = check_version(it);
	if (why == not_a_version)
		return vs_err_set(err, VS_EUSAGE,
				  "\"%.*s\" is not a version specifier: \"%.200s\" is not a "
				  "valid version (PEP 440)",
				  (int)(n > 200 ? 200 : n), s, it->text);
	if (why)
		return vs_err_set(err, VS_EUSAGE, "\"%.*s\" is not a version specifier: %s",
				  (int)(n > 200 ? 200 : n), s, why);
	return 0;
}

int scan_pep440_spec_parse(struct scan_pep440_spec **out, const char *text, struct vs_err *err)
{
	struct scan_pep440_spec *s = xcalloc(1, sizeof(*s));
	size_t cap = 0;
	const char *p = text;

	*out = NULL;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p), len;
		const char *item = pep440_trim(p, n, &len);

		if (len > 0) {
			s->items = xgrow(s->items, &cap, s->n + 1, sizeof(*s->items));
			memset(&s->items[s->n], 0, sizeof(*s->items));
			s->n++;
			if (parse_item(&s->items[s->n - 1], item, len, err) < 0) {
				scan_pep440_spec_free(s);
				return VS_EUSAGE;
			}
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = s;
	return 0;
}

void scan_pep440_spec_free(struct scan_pep440_spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		item_clear(&s->items[i]);
	free(s->items);
	free(s);
}

/* _compare_equal: a prefix match for wildcards; otherwise equality, the
 * local label ignored unless the specifier has one. */
static bool item_equal(const struct spec_item *it, const struct scan_pep440 *v)
{
	if (it->wildcard)
		return prefix_match(v, &it->split);
	if (it->ver->n_local)
		return scan_pep440_cmp(v, it->ver) == 0;
	return pep440_public_cmp(v, it->ver) == 0;
}

/* str(version).lower() == text.lower(), in ASCII. */
static bool arbitrary_equal(const struct scan_pep440 *v, const char *text)
{
	size_t i;

	for (i = 0; v->norm[i] && text[i]; i++)
		if (v->norm[i] != lower(text[i]))
			return false;
	return v->norm[i] == text[i];
}

static bool item_contains(const struct spec_item *it, const struct scan_pep440 *v)
{
	const struct scan_pep440 *w = it->ver;

	switch (it->op) {
	case OP_EQ:
		return item_equal(it, v);
	case OP_NE:
		return !item_equal(it, v);
	case OP_LE:
		return pep440_public_cmp(v, w) <= 0;
	case OP_GE:
		return pep440_public_cmp(v, w) >= 0;
	case OP_LT:
		/* <3.1 must not take 3.1rc1 unless the bound is itself a pre-release. */
		if (scan_pep440_cmp(v, w) >= 0)
			return false;
		return scan_pep440_is_prerelease(w) || !scan_pep440_is_prerelease(v) ||
		       pep440_base_cmp(v, w) != 0;
	case OP_GT:
		/* >3.1 must take neither 3.1.post1 (unless the bound is a post
		 * release) nor 3.1+local. */
		if (scan_pep440_cmp(v, w) <= 0)
			return false;
		if (!w->has_post && v->has_post && pep440_base_cmp(v, w) == 0)
			return false;
		return !(v->n_local && pep440_base_cmp(v, w) == 0);
	case OP_COMPAT:
		return pep440_public_cmp(v, w) >= 0 && prefix_match(v, &it->split);
	case OP_ARB:
		return arbitrary_equal(v, it->text);
	}
	return false;
}

bool scan_pep440_spec_contains(const struct scan_pep440_spec *s, const struct scan_pep440 *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (!item_contains(&s->items[i], v))
			return false;
	return true;
}

bool scan_pep440_spec_contains_str(const struct scan_pep440_spec *s, const char *version)
{
	struct scan_pep440 *v = pep440_parse_n(version, strlen(version));
	bool ok = v && scan_pep440_spec_contains(s, v);

	scan_pep440_free(v);
	return ok;
}
