/* The text of pip freeze (operations/freeze.py: FrozenRequirement and the
 * final sort) and a line diff against an existing file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"
#include "freeze.h"
#include "pypath.h"

/* One line group of the output, as FrozenRequirement holds it. */
struct frozen {
	char *key;      /* canonicalize_name(raw name): the dict key */
	char *sort_key; /* raw name lower-cased */
	char *text;     /* comments and requirement, "\n"-joined, rstripped */
	size_t order;   /* position of first insertion, for a stable sort */
};

struct frozen_set {
	struct frozen *v;
	size_t n, cap;
};

/* installations[req.canonical_name] = req: a later one replaces the text
 * but keeps the first one's position. */
static void put(struct frozen_set *s, char *key, char *sort_key, char *text)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].key, key) == 0) {
			free(s->v[i].sort_key);
			free(s->v[i].text);
			s->v[i].sort_key = sort_key;
			s->v[i].text = text;
			free(key);
			return;
		}
	}
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n] = (struct frozen){key, sort_key, text, s->n};
	s->n++;
}

static int by_sort_key(const void *a, const void *b)
{
	const struct frozen *x = a, *y = b;
	int c = py_strcmp(x->sort_key, y->sort_key);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* "Name==1.0" or "Name===odd" (_format_as_name_version). */
static char *name_version(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d,
			  const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	bool legacy;
	char *v = scan_freeze_version(r, d, &legacy);

	if (!v)
		return NULL;
	sb_adds(&sb, name);
	sb_adds(&sb, legacy ? "===" : "==");
	sb_adds(&sb, v);
	free(v);
	return sb_detach(&sb);
}

/* vcs/versioncontrol.py make_vcs_requirement_url(), with the "git+" prefix
 * get_src_requirement() adds unless the URL starts with "git:". */
static void git_requirement(struct strbuf *sb, const struct scan_vcs_info *g, const char *name)
{
	if (vs_ascii_ncasecmp(g->url, "git:", 4) != 0)
		sb_adds(sb, "git+");
	sb_addf(sb, "%s@%s#egg=", g->url, g->commit);
	for (const char *p = name; *p; p++)
		sb_addc(sb, *p == '-' ? '_' : *p);
	if (g->subdir)
		sb_addf(sb, "&subdirectory=%s", g->subdir);
}

/* _get_editable_info(): comment lines and the requirement after "-e ".
 * Returns false when the version it needs is missing. */
static bool editable_text(struct strbuf *sb, const struct scan_freeze_rules *r,
			  const struct scan_freeze_dist *d, const char *name, struct scan_msgs *warn)
{
	const char *loc = d->editable_location;
	char *display = NULL;

	if (d->vcs.state == SCAN_VCS_GIT) {
		sb_adds(sb, "-e ");
		git_requirement(sb, &d->vcs, name);
		return true;
	}
	if (d->vcs.state != SCAN_VCS_GIT_NO_COMMIT && !(display = name_version(r, d, name)))
		return false;
	switch (d->vcs.state) {
	case SCAN_VCS_NONE:
		sb_addf(sb, "# Editable install with no version control (%s)\n", display);
		break;
	case SCAN_VCS_GIT_NO_REMOTE:
		sb_addf(sb, "# Editable Git install with no remote (%s)\n", display);
		break;
	case SCAN_VCS_GIT_BAD_REMOTE:
		sb_addf(sb,
			"# Editable Git install (%s) with either a deleted local remote or invalid URI:\n"
			"# '%s'\n",
			display, d->vcs.url ? d->vcs.url : "");
		break;
	default:
		scan_msgs_add(warn,
			      "%s: git cannot name the commit checked out (HEAD); "
			      "pip says it could not determine the repository location",
			      loc);
		sb_adds(sb, "## !! Could not determine repository location\n");
		break;
	}
	sb_addf(sb, "-e %s", loc);
	free(display);
	return true;
}

/* FrozenRequirement.from_dist() and __str__ (rstripped), or NULL when pip
 * would stop on this distribution. */
static char *frozen_text(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d,
			 const char *name, struct scan_msgs *warn)
{
	struct strbuf sb = STRBUF_INIT;
	char *req;

	if (d->editable) {
		if (!editable_text(&sb, r, d, name, warn)) {
			sb_free(&sb);
			return NULL;
		}
	} else if (d->du_state == SCAN_DU_OK) {
		req = scan_direct_url_requirement(&d->du, name);
		sb_adds(&sb, req);
		free(req);
	} else {
		if (!(req = name_version(r, d, name)))
			return NULL;
		sb_adds(&sb, req);
		free(req);
	}
	sb.len = py_rstrip_len(sb_str(&sb), sb.len);
	if (sb.buf)
		sb.buf[sb.len] = '\0';
	return sb_detach(&sb);
}

/* Whether pip keeps `d` at all; says why not in `warn`. */
static bool keep(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d,
		 const struct scan_freeze_opts *o, struct scan_msgs *warn)
{
	char *canonical = scan_freeze_canonical(r, d->entry, d->meta_name);
	bool ok = true;

	if (!canonical) {
		scan_msgs_add(warn,
			      "%s/%s: no project name in the entry name nor in its metadata; skipped",
			      d->location, d->entry);
		return false;
	}
	/* base.py iter_all_distributions(): PEP 508 names only. */
	if (!scan_freeze_valid_name(canonical)) {
		scan_msgs_add(warn, "ignoring invalid distribution %s (%s)", canonical, d->location);
		ok = false;
	} else if (o->local && !d->local) {
		ok = false;
	} else if (d->problem) {
		scan_msgs_add(warn, "%s/%s: %s; left out (pip stops with an error here)", d->location,
			      d->entry, d->problem);
		ok = false;
	} else if (d->meta == SCAN_META_NOT_UTF8) {
		scan_msgs_add(warn,
			      "%s/%s: the metadata is not valid UTF-8; left out (pip stops with an error here)",
			      d->location, d->entry);
		ok = false;
	}
	free(canonical);
	return ok;
}

char *scan_freeze_format(size_t *len, const struct scan_freeze_dist *dists, size_t n,
			 const struct scan_freeze_rules *r, const struct scan_freeze_opts *o,
			 struct scan_msgs *warn)
{
	struct frozen_set set = {NULL, 0, 0};
	struct strbuf out = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const struct scan_freeze_dist *d = &dists[i];
		char *name, *text;

		if (!keep(r, d, o, warn))
			continue;
		name = scan_freeze_raw_name(r, d);
		text = name ? frozen_text(r, d, name, warn) : NULL;
		if (!text) {
			scan_msgs_add(warn,
				      "%s/%s: no version in its name nor in its metadata; left out "
				      "(pip stops with an error here)",
				      d->location, d->entry);
		} else if (o->exclude_editable && d->editable) {
			free(text);
		} else {
			put(&set, scan_freeze_canonicalize(name), py_lower(name), text);
			text = NULL;
		}
		free(name);
	}
	/* sorted(installations.values(), key=lambda x: x.name.lower()) */
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), by_sort_key);
	sb_adds(&out, "");
	for (size_t i = 0; i < set.n; i++) {
		if (!scan_freeze_hidden(r, set.v[i].key, o->all)) {
			sb_adds(&out, set.v[i].text);
			sb_addc(&out, '\n');
		}
		free(set.v[i].key);
		free(set.v[i].sort_key);
		free(set.v[i].text);
	}
	free(set.v);
	*len = py_nul_decode(out.buf, out.len);
	return sb_detach(&out);
}

/* ---- diff ---- */

/* The lines of s[0..len) ("\n" or "\r\n" endings) into `l` (owns strings). */
static void split_lines(struct vs_vec *l, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t e = i;

		while (e < len && s[e] != '\n')
			e++;
		vs_vec_push(l, xstrndup(s + i, (e > i && s[e - 1] == '\r') ? e - i - 1 : e - i));
		i = e + 1;
	}
}

/* Pairs equal lines of `a` and `b` (each used once); the rest of `a` goes
 * to *only_a and the rest of `b` to *only_b (taken out of a and b). */
static void pair_lines(struct vs_vec *a, struct vs_vec *b, char ***only_a, size_t *na, char ***only_b,
		       size_t *nb)
{
	bool *used_a = xcalloc(a->n + 1, sizeof(*used_a)),
	     *used_b = xcalloc(b->n + 1, sizeof(*used_b));

	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (!used_b[j] && strcmp(a->v[i], b->v[j]) == 0) {
				used_a[i] = used_b[j] = true;
				break;
			}
	*only_a = xcalloc(a->n + 1, sizeof(**only_a));
	*only_b = xcalloc(b->n + 1, sizeof(**only_b));
	*na = *nb = 0;
	for (size_t i = 0; i < a->n; i++)
		if (!used_a[i]) {
			(*only_a)[(*na)++] = a->v[i];
			a->v[i] = NULL;
		}
	for (size_t j = 0; j < b->n; j++)
		if (!used_b[j]) {
			(*only_b)[(*nb)++] = b->v[j];
			b->v[j] = NULL;
		}
	free(used_a);
	free(used_b);
}

void scan_freeze_diff_lines(struct scan_freeze_diff *out, const char *old, size_t old_len,
			    const char *new_text, size_t new_len)
{
	struct vs_vec a, b;

	vs_vec_init_strs(&a);
	vs_vec_init_strs(&b);
	memset(out, 0, sizeof(*out));
	split_lines(&a, old ? old : "", old ? old_len : 0);
	split_lines(&b, new_text ? new_text : "", new_text ? new_len : 0);
	pair_lines(&a, &b, &out->removed, &out->n_removed, &out->added, &out->n_added);
	vs_vec_clear(&a);
	vs_vec_clear(&b);
}

void scan_freeze_diff_clear(struct scan_freeze_diff *d)
{
	if (!d)
		return;
	vs_strv_free(d->added, d->n_added);
	vs_strv_free(d->removed, d->n_removed);
	memset(d, 0, sizeof(*d));
}
