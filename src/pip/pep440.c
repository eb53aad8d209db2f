/* PEP 440 versions: parsing, canonical text and ordering, mirroring
 * packaging.version.Version (see pep440.h). Specifiers are in
 * pep440_spec.c. */
#include "pep440.h"
#include "pep440_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "../util/xalloc.h"

const struct num pep440_num_zero = {"0", 1};

/* Length of the white-space character at s, 0 when there is none. The set
 * is Python's str.isspace() (what \s and str.strip() use), in UTF-8. */
size_t pep440_space_len(const char *s)
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
const char *pep440_trim(const char *s, size_t n, size_t *len)
{
	const char *end = s + n, *last;
	size_t k;

	while (s < end && (k = pep440_space_len(s)) > 0 && k <= (size_t)(end - s))
		s += k;
	last = s;
	for (const char *p = s; p < end;) {
		k = pep440_space_len(p);
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

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

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
		*out = pep440_num_zero;
}

static void parse_pre(const char **p, struct scan_pep440 *v)
{
	/* The regex's alternation order: longer words before their prefixes. */
	static const struct {
		const char *word;
		enum pre_kind kind;
	} words[] = {
		{"alpha", PRE_A},    {"a", PRE_A},    {"beta", PRE_B}, {"b", PRE_B},
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
	v->epoch = pep440_num_zero;
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

static void add_num(struct strbuf *sb, struct num n)
{
	sb_add(sb, n.d, n.n);
}

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

static bool num_is_zero(struct num n)
{
	return n.n == 1 && n.d[0] == '0';
}

/* Parses the n bytes at text; NULL when they are not a version. */
struct scan_pep440 *pep440_parse_n(const char *text, size_t n)
{
	struct scan_pep440 *v = xcalloc(1, sizeof(*v));
	size_t len;
	const char *s = pep440_trim(text, n, &len);

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
	*out = pep440_parse_n(text, strlen(text));
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
	struct scan_pep440 *v = pep440_parse_n(text, strlen(text));

	scan_pep440_free(v);
	return v != NULL;
}

const char *scan_pep440_str(const struct scan_pep440 *v)
{
	return v->norm;
}

bool scan_pep440_is_prerelease(const struct scan_pep440 *v)
{
	return v->pre != PRE_NONE || v->has_dev;
}

bool scan_pep440_is_postrelease(const struct scan_pep440 *v)
{
	return v->has_post;
}

bool scan_pep440_is_devrelease(const struct scan_pep440 *v)
{
	return v->has_dev;
}

bool scan_pep440_has_local(const struct scan_pep440 *v)
{
	return v->n_local > 0;
}

static int num_cmp(struct num a, struct num b)
{
	int c;

	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	c = memcmp(a.d, b.d, a.n);
	return (c > 0) - (c < 0);
}

static int size_cmp(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

/* Epoch and release only (base_version), trailing zeros ignored. */
int pep440_base_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b)
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
int pep440_public_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b)
{
	int c = pep440_base_cmp(a, b);

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
	int c = pep440_public_cmp(a, b);

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
