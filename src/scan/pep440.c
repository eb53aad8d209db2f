/* PEP 440 versions: parsing, canonical text and ordering, mirroring
 * packaging.version.Version (see pep440.h). Specifiers are in the second
 * half of the file. */
#include "pep440.h"

#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "../util/xalloc.h"

/* A run of decimal digits without its leading zeros ("0" for zero). It points
 * into the version's own buffer, so numbers of any size compare exactly. */
struct num {
	const char *d;
	size_t n;
};

/* Pre-release kinds, in the order packaging sorts their letters. */
enum pre_kind { PRE_NONE, PRE_A, PRE_B, PRE_RC };

struct local_seg {
	const char *s; /* lower-cased; without leading zeros when numeric */
	size_t n;
	bool numeric;
};

struct scan_pep440 {
	char *buf;        /* lower-cased, trimmed input; nums and segments point here */
	char *norm;       /* canonical text */
	size_t pub_len;   /* length of norm without its "+local" */
	struct num epoch; /* "0" when absent */
	struct num *rel;
	size_t n_rel;
	size_t n_rel_cmp; /* n_rel without trailing zeros, which compare as absent */
	enum pre_kind pre;
	struct num pre_n;
	bool has_post, has_dev;
	struct num post, dev;
	struct local_seg *local; /* NULL (and n_local 0) without a local label */
	size_t n_local;
};

static const struct num num_zero = {"0", 1};

/* Length of the white-space character at s, 0 when there is none. The set
 * is Python's str.isspace() (what \s and str.strip() use), in UTF-8. */
static size_t space_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if ((u[0] >= 0x09 && u[0] <= 0x0d) || (u[0] >= 0x1c && u[0] <= 0x20))
		return 1;
	if (u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)
		return 3;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* Skips white space at both ends of the first n bytes of s (which hold no
 * NUL): returns the new start and sets *len. */
static const char *trim(const char *s, size_t n, size_t *len)
{
	const char *end = s + n, *last;
	size_t k;

	while (s < end && (k = space_len(s)) > 0 && k <= (size_t)(end - s))
		s += k;
	last = s;
	for (const char *p = s; p < end;) {
		k = space_len(p);
		if (k && k <= (size_t)(end - p)) {
			p += k;
		} else {
			p++;
			last = p;
		}
	}
	*len = (size_t)(last - s);
	return s;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_sep(char c) { return c == '-' || c == '_' || c == '.'; }

static bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Reads one or more digits at *p. */
static bool take_num(const char **p, struct num *out)
{
	const char *s = *p, *e = s;

	while (is_digit(*e))
		e++;
	if (e == s)
		return false;
	*p = e;
	while (e - s > 1 && *s == '0')
		s++;
	out->d = s;
	out->n = (size_t)(e - s);
	return true;
}

/* An optional separator, then `word`; *p moves only when the word is there. */
static bool take_sep_word(const char **p, const char *word)
{
	const char *s = *p;
	size_t n = strlen(word);

	if (is_sep(*s))
		s++;
	if (strncmp(s, word, n) != 0)
		return false;
	*p = s + n;
	return true;
}

/* What follows a pre/post/dev letter: an optional separator and an optional
 * number (0 when absent). Taking the separator even when no number follows
 * is what the regex's greedy [-_.]? does, and nothing after could need it. */
static void take_letter_num(const char **p, struct num *out)
{
	if (is_sep(**p))
		(*p)++;
	if (!take_num(p, out))
		*out = num_zero;
}

static void parse_pre(const char **p, struct scan_pep440 *v)
{
	/* The regex's alternation order: longer words before their prefixes. */
	static const struct {
		const char *word;
		enum pre_kind kind;
	} words[] = {
		{"alpha", PRE_A},     {"a", PRE_A},   {"beta", PRE_B}, {"b", PRE_B},
		{"preview", PRE_RC}, {"pre", PRE_RC}, {"c", PRE_RC},   {"rc", PRE_RC},
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		if (take_sep_word(p, words[i].word)) {
			v->pre = words[i].kind;
			take_letter_num(p, &v->pre_n);
			return;
		}
	}
}

static void parse_post(const char **p, struct scan_pep440 *v)
{
	const char *s = *p;

	/* "1.0-1" is the implicit form of 1.0.post1. */
	if (*s == '-' && is_digit(s[1])) {
		s++;
		take_num(&s, &v->post);
		v->has_post = true;
		*p = s;
		return;
	}
	if (take_sep_word(p, "post") || take_sep_word(p, "rev") || take_sep_word(p, "r")) {
		v->has_post = true;
		take_letter_num(p, &v->post);
	}
}

/* "+seg[-_.]seg..." with alphanumeric segments; *p is at the '+'. */
static bool parse_local(const char **p, struct scan_pep440 *v)
{
	const char *s = *p + 1;
	size_t cap = 0;

	for (;;) {
		const char *start = s;
		struct local_seg seg;

		while (is_alnum(*s))
			s++;
		if (s == start)
			return false;
		seg.s = start;
		seg.n = (size_t)(s - start);
		seg.numeric = true;
		for (size_t i = 0; i < seg.n; i++)
			seg.numeric = seg.numeric && is_digit(start[i]);
		/* Numeric segments compare and print as integers. */
		while (seg.numeric && seg.n > 1 && *seg.s == '0') {
			seg.s++;
			seg.n--;
		}
		v->local = xgrow(v->local, &cap, v->n_local + 1, sizeof(*v->local));
		v->local[v->n_local++] = seg;
		if (!is_sep(*s))
			break;
		s++;
	}
	*p = s;
	return true;
}

/* Fills v from v->buf; false when the text is not a version. Each optional
 * part is tried in the regex's order, taking the longest match; the
 * grammar is built so that this never rejects what backtracking accepts. */
static bool parse_buf(struct scan_pep440 *v)
{
	const char *p = v->buf, *s;
	size_t cap = 0;

	if (*p == 'v')
		p++;
	v->epoch = num_zero;
	for (s = p; is_digit(*s); s++)
		;
	if (s > p && *s == '!') {
		take_num(&p, &v->epoch);
		p++;
	}
	for (;;) {
		struct num n;

		if (!take_num(&p, &n))
			return false;
		v->rel = xgrow(v->rel, &cap, v->n_rel + 1, sizeof(*v->rel));
		v->rel[v->n_rel++] = n;
		if (p[0] != '.' || !is_digit(p[1]))
			break;
		p++;
	}
	parse_pre(&p, v);
	parse_post(&p, v);
	if (take_sep_word(&p, "dev")) {
		v->has_dev = true;
		take_letter_num(&p, &v->dev);
	}
	if (*p == '+' && !parse_local(&p, v))
		return false;
	return *p == '\0';
}

static void add_num(struct strbuf *sb, struct num n) { sb_add(sb, n.d, n.n); }

/* str(Version): epoch only when not 0, every release number, then
 * a/b/rc, .postN, .devN and +local with '.' between its segments. */
static char *format(const struct scan_pep440 *v, size_t *pub_len)
{
	static const char *const pre_text[] = {"", "a", "b", "rc"};
	struct strbuf sb = STRBUF_INIT;

	if (!(v->epoch.n == 1 && v->epoch.d[0] == '0')) {
		add_num(&sb, v->epoch);
		sb_addc(&sb, '!');
	}
	for (size_t i = 0; i < v->n_rel; i++) {
		if (i)
			sb_addc(&sb, '.');
		add_num(&sb, v->rel[i]);
	}
	if (v->pre != PRE_NONE) {
		sb_adds(&sb, pre_text[v->pre]);
		add_num(&sb, v->pre_n);
	}
	if (v->has_post) {
		sb_adds(&sb, ".post");
		add_num(&sb, v->post);
	}
	if (v->has_dev) {
		sb_adds(&sb, ".dev");
		add_num(&sb, v->dev);
	}
	*pub_len = sb.len;
	for (size_t i = 0; i < v->n_local; i++) {
		sb_addc(&sb, i ? '.' : '+');
		sb_add(&sb, v->local[i].s, v->local[i].n);
	}
	return sb_detach(&sb);
}

static bool num_is_zero(struct num n) { return n.n == 1 && n.d[0] == '0'; }

/* Parses the n bytes at text; NULL when they are not a version. */
static struct scan_pep440 *parse_n(const char *text, size_t n)
{
	struct scan_pep440 *v = xcalloc(1, sizeof(*v));
	size_t len;
	const char *s = trim(text, n, &len);

	v->buf = xstrndup(s, len);
	for (char *c = v->buf; *c; c++)
		*c = lower(*c);
	if (!parse_buf(v)) {
		scan_pep440_free(v);
		return NULL;
	}
	v->n_rel_cmp = v->n_rel;
	while (v->n_rel_cmp > 0 && num_is_zero(v->rel[v->n_rel_cmp - 1]))
		v->n_rel_cmp--;
	v->norm = format(v, &v->pub_len);
	return v;
}

int scan_pep440_parse(struct scan_pep440 **out, const char *text, struct vs_err *err)
{
	*out = parse_n(text, strlen(text));
	if (!*out)
		return vs_err_set(err, VS_EUSAGE, "\"%s\" is not a valid version (PEP 440)", text);
	return 0;
}

void scan_pep440_free(struct scan_pep440 *v)
{
	if (!v)
		return;
	free(v->buf);
	free(v->norm);
	free(v->rel);
	free(v->local);
	free(v);
}

bool scan_pep440_valid(const char *text)
{
	struct scan_pep440 *v = parse_n(text, strlen(text));

	scan_pep440_free(v);
	return v != NULL;
}

const char *scan_pep440_str(const struct scan_pep440 *v) { return v->norm; }

bool scan_pep440_is_prerelease(const struct scan_pep440 *v)
{
	return v->pre != PRE_NONE || v->has_dev;
}

bool scan_pep440_is_postrelease(const struct scan_pep440 *v) { return v->has_post; }

bool scan_pep440_is_devrelease(const struct scan_pep440 *v) { return v->has_dev; }

bool scan_pep440_has_local(const struct scan_pep440 *v) { return v->n_local > 0; }

static int num_cmp(struct num a, struct num b)
{
	int c;

	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	c = memcmp(a.d, b.d, a.n);
	return (c > 0) - (c < 0);
}

static int size_cmp(size_t a, size_t b) { return (a > b) - (a < b); }

/* Epoch and release only (base_version), trailing zeros ignored. */
static int base_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b)
{
	int c = num_cmp(a->epoch, b->epoch);

	for (size_t i = 0; !c && i < a->n_rel_cmp && i < b->n_rel_cmp; i++)
		c = num_cmp(a->rel[i], b->rel[i]);
	return c ? c : size_cmp(a->n_rel_cmp, b->n_rel_cmp);
}

/* packaging's _cmpkey turns a missing pre-release into -inf for a bare dev
 * release (1.0.dev1 sorts before 1.0a1) and +inf otherwise. */
static int pre_rank(const struct scan_pep440 *v)
{
	if (v->pre != PRE_NONE)
		return 1;
	return !v->has_post && v->has_dev ? 0 : 2;
}

/* Version(public) ordering: everything but the local label. */
static int public_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b)
{
	int c = base_cmp(a, b);

	if (!c)
		c = size_cmp((size_t)pre_rank(a), (size_t)pre_rank(b));
	if (!c && a->pre != PRE_NONE && b->pre != PRE_NONE) {
		c = size_cmp(a->pre, b->pre);
		if (!c)
			c = num_cmp(a->pre_n, b->pre_n);
	}
	/* No post-release sorts first, no dev-release last. */
	if (!c)
		c = a->has_post && b->has_post ? num_cmp(a->post, b->post)
					       : size_cmp(a->has_post, b->has_post);
	if (!c)
		c = a->has_dev && b->has_dev ? num_cmp(a->dev, b->dev)
					     : size_cmp(b->has_dev, a->has_dev);
	return c;
}

/* Local segments: numbers compare as numbers and above any word; words
 * compare as text; a longer label wins a tie; no label sorts first. */
static int local_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b)
{
	size_t i;

	for (i = 0; i < a->n_local && i < b->n_local; i++) {
		const struct local_seg *x = &a->local[i], *y = &b->local[i];
		int c;

		if (x->numeric != y->numeric)
			return x->numeric ? 1 : -1;
		if (x->numeric) {
			c = num_cmp((struct num){x->s, x->n}, (struct num){y->s, y->n});
		} else {
			c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
			c = c ? (c > 0) - (c < 0) : size_cmp(x->n, y->n);
		}
		if (c)
			return c;
	}
	return size_cmp(a->n_local, b->n_local);
}

int scan_pep440_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b)
{
	int c = public_cmp(a, b);

	return c ? c : local_cmp(a, b);
}

int scan_pep440_cmp_str(int *out, const char *a, const char *b, struct vs_err *err)
{
	struct scan_pep440 *va = NULL, *vb = NULL;
	int rc = scan_pep440_parse(&va, a, err);

	if (rc == 0)
		rc = scan_pep440_parse(&vb, b, err);
	if (rc == 0)
		*out = scan_pep440_cmp(va, vb);
	scan_pep440_free(va);
	scan_pep440_free(vb);
	return rc;
}

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
		slices_add(out, num_zero.d, num_zero.n);
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
	struct scan_pep440 *v = parse_n(text, n);
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
			if (space_len(p) || *p == ';' || *p == ')')
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
	it->ver = parse_n(it->text, n);
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
	rest = trim(s + len, n - len, &len);
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
		const char *item = trim(p, n, &len);

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
	return public_cmp(v, it->ver) == 0;
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
		return public_cmp(v, w) <= 0;
	case OP_GE:
		return public_cmp(v, w) >= 0;
	case OP_LT:
		/* <3.1 must not take 3.1rc1 unless the bound is itself a pre-release. */
		if (scan_pep440_cmp(v, w) >= 0)
			return false;
		return scan_pep440_is_prerelease(w) || !scan_pep440_is_prerelease(v) ||
		       base_cmp(v, w) != 0;
	case OP_GT:
		/* >3.1 must take neither 3.1.post1 (unless the bound is a post
		 * release) nor 3.1+local. */
		if (scan_pep440_cmp(v, w) <= 0)
			return false;
		if (!w->has_post && v->has_post && base_cmp(v, w) == 0)
			return false;
		return !(v->n_local && base_cmp(v, w) == 0);
	case OP_COMPAT:
		return public_cmp(v, w) >= 0 && prefix_match(v, &it->split);
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
	struct scan_pep440 *v = parse_n(version, strlen(version));
	bool ok = v && scan_pep440_spec_contains(s, v);

	scan_pep440_free(v);
	return ok;
}
