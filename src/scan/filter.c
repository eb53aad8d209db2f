/* The filter language of the environment list (see filter.h). */
#include "filter.h"

#include <stdlib.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/xalloc.h"
#include "../pip/pip.h"

enum term_kind {
	TERM_TEXT,      /* substring of name or path */
	TERM_PKG,       /* a distribution, optionally with a version range */
	TERM_PY_PREFIX, /* python_version is `text` or starts with `text.` */
	TERM_PY_SPEC,   /* python_version fits `spec` */
	TERM_BROKEN,
	TERM_STALE,
	TERM_PROBLEM,
	TERM_INCOMPLETE,
	TERM_IN_USE,
	/* issue 16, conda/pixi kinds: */
	TERM_CONDA,  /* is:conda: kind conda (conda, mamba, micromamba, pixi) */
	TERM_KIND,   /* kind:NAME: the JSON `kind` is `text` (any case) */
	TERM_MGR,    /* mgr:NAME: the JSON `manager` is `text` (any case) */
	TERM_ORPHAN, /* issue 16's story terms */
	TERM_MOVED,
	TERM_EOL,
	TERM_PYTHON, /* issue 16, pythons: base_python is the file `text` (resolved) */
};

struct term {
	enum term_kind kind;
	bool negate;
	char *text;                    /* TEXT: as typed; PKG: canonical name; PY_PREFIX */
	struct scan_pep440_spec *spec; /* PKG (NULL: any version) and PY_SPEC */
};

struct scan_filter {
	struct term *terms;
	size_t n;
	bool needs_packages;
};

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Characters of a distribution name (PEP 508 allows no others). */
static bool is_name_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
	       c == '_' || c == '.';
}

/* First character of a version comparison. */
static bool is_op_char(char c)
{
	return c && strchr("<>=!~", c) != NULL;
}

/* Case-insensitive "key:" at the start of word; returns what follows. */
static const char *after_key(const char *word, const char *key)
{
	size_t n = strlen(key);

	return vs_ascii_ncasecmp(word, key, n) == 0 ? word + n : NULL;
}

/* Parses a version specifier list for the term `word`; errors name it. */
static int parse_spec(struct term *t, const char *word, const char *spec, struct vs_err *err)
{
	struct vs_err inner = {0};

	if (scan_pep440_spec_parse(&t->spec, spec, &inner) < 0)
		return vs_err_set(err, VS_EUSAGE, "filter term \"%.200s\": %s", word, inner.msg);
	return 0;
}

static int parse_pkg(struct term *t, const char *word, const char *rest, struct vs_err *err)
{
	size_t n = 0;
	char *name;

	while (is_name_char(rest[n]))
		n++;
	if (n == 0)
		return vs_err_set(err, VS_EUSAGE,
				  "filter term \"%.200s\": a package name must follow pkg:, "
				  "as in pkg:requests or pkg:requests<2.31",
				  word);
	if (rest[n] && !is_op_char(rest[n]))
		return vs_err_set(err, VS_EUSAGE,
				  "filter term \"%.200s\": a package name is letters, digits, "
				  "'-', '_' and '.', optionally followed by a version "
				  "comparison such as <2.31",
				  word);
	t->kind = TERM_PKG;
	name = xstrndup(rest, n);
	t->text = scan_canonical_name(name);
	free(name);
	return rest[n] ? parse_spec(t, word, rest + n, err) : 0;
}

/* "3", "3.11", "3.11.7": digits separated by single dots. */
static bool is_release(const char *s)
{
	bool digit = false;

	for (; *s; s++) {
		if (is_digit(*s))
			digit = true;
		else if (*s == '.' && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

static int parse_py(struct term *t, const char *word, const char *rest, struct vs_err *err)
{
	if (is_op_char(*rest)) {
		t->kind = TERM_PY_SPEC;
		return parse_spec(t, word, rest, err);
	}
	if (!is_release(rest))
		return vs_err_set(err, VS_EUSAGE,
				  "filter term \"%.200s\": write a Python version such as "
				  "py:3.11, or a comparison such as py:<3.9",
				  word);
	t->kind = TERM_PY_PREFIX;
	t->text = xstrdup(rest);
	return 0;
}

/* python:PATH - the envs whose base interpreter is PATH once resolved (the
 * Pythons view's Enter). */
static int parse_python(struct term *t, const char *word, const char *rest, struct vs_err *err)
{
	if (*rest != '/')
		return vs_err_set(err, VS_EUSAGE,
				  "filter term \"%.200s\": write an interpreter's absolute path, "
				  "as in python:/usr/bin/python3.11",
				  word);
	t->kind = TERM_PYTHON;
	t->text = realpath(rest, NULL);
	if (!t->text)
		t->text = xstrdup(rest);
	return 0;
}

static int parse_is(struct term *t, const char *word, const char *rest, struct vs_err *err)
{
	if (vs_ascii_casecmp(rest, "broken") == 0)
		t->kind = TERM_BROKEN;
	else if (vs_ascii_casecmp(rest, "stale") == 0)
		t->kind = TERM_STALE;
	else if (vs_ascii_casecmp(rest, "problem") == 0)
		t->kind = TERM_PROBLEM;
	else if (vs_ascii_casecmp(rest, "incomplete") == 0)
		t->kind = TERM_INCOMPLETE;
	else if (vs_ascii_casecmp(rest, "in-use") == 0)
		t->kind = TERM_IN_USE;
	else if (vs_ascii_casecmp(rest, "conda") == 0)
		t->kind = TERM_CONDA;
	else if (vs_ascii_casecmp(rest, "orphan") == 0)
		t->kind = TERM_ORPHAN;
	else if (vs_ascii_casecmp(rest, "moved") == 0)
		t->kind = TERM_MOVED;
	else if (vs_ascii_casecmp(rest, "eol") == 0)
		t->kind = TERM_EOL;
	else
		return vs_err_set(err, VS_EUSAGE,
				  "filter term \"%.200s\": use is:broken, is:stale, is:incomplete, "
				  "is:in-use, is:orphan, is:moved, is:eol, is:conda or is:problem",
				  word);
	return 0;
}

/* One white-space-free word. */
static int parse_term(struct term *t, const char *word, struct vs_err *err)
{
	const char *s = word, *rest;

	if (*s == '!') {
		t->negate = true;
		s++;
		if (*s == '\0' || *s == '!')
			return vs_err_set(err, VS_EUSAGE,
					  "filter term \"%.200s\": write '!' once, right before "
					  "the term to leave out, as in !pkg:pip",
					  word);
	}
	if ((rest = after_key(s, "pkg:")))
		return parse_pkg(t, word, rest, err);
	if ((rest = after_key(s, "py:")))
		return parse_py(t, word, rest, err);
	if ((rest = after_key(s, "is:")))
		return parse_is(t, word, rest, err);
	if ((rest = after_key(s, "kind:")) || (rest = after_key(s, "mgr:"))) {
		if (!*rest)
			return vs_err_set(err, VS_EUSAGE,
					  "filter term \"%.200s\": say which, as in kind:conda or "
					  "mgr:poetry",
					  word);
		t->kind = rest[-2] == 'd' || rest[-2] == 'D' ? TERM_KIND : TERM_MGR;
		t->text = xstrdup(rest);
		return 0;
	}
	if ((rest = after_key(s, "python:")))
		return parse_python(t, word, rest, err);
	t->kind = TERM_TEXT;
	t->text = xstrdup(s);
	return 0;
}

int scan_filter_parse(struct scan_filter **out, const char *text, struct vs_err *err)
{
	struct scan_filter *f = xcalloc(1, sizeof(*f));
	size_t cap = 0;
	const char *p = text;

	*out = NULL;
	for (;;) {
		const char *start;
		char *word;
		int rc;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		for (start = p; *p && !is_space(*p); p++)
			;
		f->terms = xgrow(f->terms, &cap, f->n + 1, sizeof(*f->terms));
		memset(&f->terms[f->n], 0, sizeof(*f->terms));
		word = xstrndup(start, (size_t)(p - start));
		rc = parse_term(&f->terms[f->n++], word, err);
		free(word);
		if (rc < 0) {
			scan_filter_free(f);
			return rc;
		}
		f->needs_packages |= f->terms[f->n - 1].kind == TERM_PKG;
	}
	*out = f;
	return 0;
}

void scan_filter_free(struct scan_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->terms[i].text);
		scan_pep440_spec_free(f->terms[i].spec);
	}
	free(f->terms);
	free(f);
}

bool scan_filter_needs_packages(const struct scan_filter *f)
{
	return f->needs_packages;
}

/* ASCII case-insensitive substring test; NULL haystacks hold nothing. */
static bool contains_icase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	for (; *hay; hay++)
		if (vs_ascii_ncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static bool has_package(const struct term *t, const struct venv *v)
{
	for (size_t i = 0; i < v->packages.n; i++) {
		const struct scan_package *p = &v->packages.items[i];

		if (!p->canonical || strcmp(p->canonical, t->text) != 0)
			continue;
		if (!t->spec)
			return true;
		if (p->version && scan_pep440_spec_contains_str(t->spec, p->version))
			return true;
	}
	return false;
}

static bool python_is(const char *version, const char *want)
{
	size_t n = strlen(want);

	return version && strncmp(version, want, n) == 0 && (version[n] == '\0' || version[n] == '.');
}

static bool term_match(const struct term *t, const struct venv *v)
{
	switch (t->kind) {
	case TERM_TEXT:
		return contains_icase(v->name, t->text) || contains_icase(v->path, t->text);
	case TERM_PKG:
		return has_package(t, v);
	case TERM_PY_PREFIX:
		return python_is(v->python_version, t->text);
	case TERM_PY_SPEC:
		return v->python_version && scan_pep440_spec_contains_str(t->spec, v->python_version);
	case TERM_BROKEN:
		return v->broken;
	case TERM_STALE:
		return v->stale;
	case TERM_PROBLEM:
		return venv_has_problem(v);
	case TERM_INCOMPLETE:
		return v->incomplete;
	case TERM_IN_USE:
		return v->users.n > 0;
	case TERM_CONDA:
		return v->kind == VENV_KIND_CONDA;
	case TERM_KIND:
		return vs_ascii_casecmp(venv_kind_name(v->kind), t->text) == 0;
	case TERM_MGR:
		return v->manager && vs_ascii_casecmp(v->manager, t->text) == 0;
	case TERM_ORPHAN:
		return v->orphan;
	case TERM_MOVED:
		return v->moved_from != NULL;
	case TERM_EOL:
		return venv_is_eol(v);
	case TERM_PYTHON:
		return v->base_python && strcmp(v->base_python, t->text) == 0;
	}
	return false;
}

bool scan_filter_match(const struct scan_filter *f, const struct venv *v)
{
	/* Without its packages a row cannot be decided; it stays out until
	 * they are read, for !pkg: too (else rows would show, then vanish). */
	if (f->needs_packages && !v->packages_known)
		return false;
	for (size_t i = 0; i < f->n; i++)
		if (term_match(&f->terms[i], v) == f->terms[i].negate)
			return false;
	return true;
}
