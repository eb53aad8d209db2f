/* pip freeze's output rules, applied to a list of distributions. Each rule
 * names the pip code it reproduces, so a reader can check it there. */
#include "freeze.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/version.h"
#include "../util/xalloc.h"
#include "pep440.h"
#include "pypath.h"

/* ---- warnings ---- */

void scan_msgs_add(struct scan_msgs *m, const char *fmt, ...)
{
	va_list ap;

	if (!m)
		return;
	va_start(ap, fmt);
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = xvasprintf(fmt, ap);
	va_end(ap);
}

void scan_msgs_clear(struct scan_msgs *m)
{
	if (!m)
		return;
	vs_strv_free(m->v, m->n);
	memset(m, 0, sizeof(*m));
}

/* ---- rules ---- */

void scan_freeze_rules_init(struct scan_freeze_rules *r, const char *python_version,
			    const char *pip_version)
{
	memset(r, 0, sizeof(*r));
	vs_version_major_minor(python_version, &r->py_major, &r->py_minor);
	vs_version_major_minor(pip_version, &r->pip_major, &r->pip_minor);
	/* pip's metadata/__init__.py: importlib.metadata from Python 3.11 on. */
	r->backend = (r->py_major == 0 || r->py_major > 3 || (r->py_major == 3 && r->py_minor >= 11))
			     ? SCAN_FREEZE_IMPORTLIB
			     : SCAN_FREEZE_PKG_RESOURCES;
}

/* pip at least major.minor (no pip: the newest). */
static bool pip_at_least(const struct scan_freeze_rules *r, int major, int minor)
{
	return r->pip_major == 0 || vs_version_at_least(r->pip_major, r->pip_minor, major, minor);
}

static bool py_at_least(const struct scan_freeze_rules *r, int major, int minor)
{
	return r->py_major == 0 || vs_version_at_least(r->py_major, r->py_minor, major, minor);
}

void scan_freeze_dist_clear(struct scan_freeze_dist *d)
{
	if (!d)
		return;
	free(d->location);
	free(d->entry);
	free(d->meta_name);
	free(d->meta_version);
	free(d->version_line);
	scan_direct_url_clear(&d->du);
	free(d->editable_location);
	free(d->vcs.url);
	free(d->vcs.commit);
	free(d->vcs.subdir);
	free(d->problem);
	memset(d, 0, sizeof(*d));
}

/* os.path.splitext on a file name: the extension starts at the last dot
 * that is not part of the leading dots. Returns the stem length. */
static size_t stem_len(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *p = name;

	if (!dot)
		return strlen(name);
	while (p < dot && *p == '.')
		p++;
	return p == dot ? strlen(name) : (size_t)(dot - name);
}

char *scan_freeze_canonicalize(const char *name)
{
	char *joined = xmalloc(strlen(name) + 1), *low;
	size_t n = 0;
	bool run = false;

	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (!run)
				joined[n++] = '-';
			run = true;
		} else {
			joined[n++] = *p;
			run = false;
		}
	}
	joined[n] = '\0';
	low = py_lower(joined);
	free(joined);
	return low;
}

/* pkg_resources.safe_name: runs of anything but letters, digits and "."
 * become one "-". */
static char *safe_name(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	bool run = false;

	sb_adds(&sb, "");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.') {
			sb_addc(&sb, c);
			run = false;
		} else if (!run) {
			sb_addc(&sb, '-');
			run = true;
		}
	}
	return sb_detach(&sb);
}

/* pkg_resources.safe_version: the PEP 440 form when valid, else spaces
 * become dots and other runs of odd characters a "-". */
static char *safe_version(const char *v)
{
	struct scan_pep440 *pv;
	char *dots, *out;

	if (scan_pep440_parse(&pv, v, NULL) == 0) {
		out = xstrdup(scan_pep440_str(pv));
		scan_pep440_free(pv);
		return out;
	}
	dots = xstrdup(v);
	for (char *p = dots; *p; p++)
		if (*p == ' ')
			*p = '.';
	out = safe_name(dots, strlen(dots));
	free(dots);
	return out;
}

/* pkg_resources' EGG_NAME on the entry's stem: the name is everything up
 * to the first "-", the version the next "-"-free run. */
static void egg_name(const char *entry, char **name, char **version)
{
	size_t n = stem_len(entry), i = 0, v;

	*name = *version = NULL;
	while (i < n && entry[i] != '-')
		i++;
	if (i == 0)
		return; /* no match: pkg_resources calls it "Unknown" */
	*name = xstrndup(entry, i);
	if (i + 1 >= n)
		return;
	v = i + 1;
	while (v < n && entry[v] != '-')
		v++;
	if (v > i + 1)
		*version = xstrndup(entry + i + 1, v - i - 1);
}

/* The name importlib-backed pip reads from the entry ("" or NULL: none). */
static char *importlib_entry_name(const struct scan_freeze_rules *r, const char *entry)
{
	size_t stem = stem_len(entry), dash;
	const char *ext = entry + stem;

	if (strcmp(ext, ".dist-info") != 0 && strcmp(ext, ".egg-info") != 0)
		return NULL;
	dash = strcspn(entry, "-");
	/* pip >= 24.2 (_compat.parse_name_and_version_from_info_directory)
	 * wants a "-" in a dist-info name; before, stem.split("-")[0]. */
	if (pip_at_least(r, 24, 2) && strcmp(ext, ".dist-info") == 0 && dash >= stem)
		return NULL;
	if (dash > stem)
		dash = stem;
	return dash ? xstrndup(entry, dash) : NULL;
}

static char *pkg_resources_project(const char *entry)
{
	char *name, *version, *safe;

	egg_name(entry, &name, &version);
	free(version);
	safe = name ? safe_name(name, strlen(name)) : xstrdup("Unknown");
	free(name);
	return safe;
}

char *scan_freeze_canonical(const struct scan_freeze_rules *r, const char *entry, const char *meta_name)
{
	char *name, *out;

	if (r->backend == SCAN_FREEZE_PKG_RESOURCES) {
		name = pkg_resources_project(entry);
		out = scan_freeze_canonicalize(name);
		free(name);
		return out;
	}
	name = importlib_entry_name(r, entry);
	if (name) {
		out = scan_freeze_canonicalize(name);
		free(name);
		return out;
	}
	return meta_name ? scan_freeze_canonicalize(meta_name) : NULL;
}

char *scan_freeze_dedupe_key(const struct scan_freeze_rules *r, const char *entry,
			     const char *meta_name)
{
	char *name, *out;

	if (r->backend == SCAN_FREEZE_IMPORTLIB) {
		/* pip < 24.2's finder keys on the Name header (get_dist_name) and
		 * skips a distribution without one; later ones on the entry name. */
		if (!pip_at_least(r, 24, 2))
			return meta_name ? scan_freeze_canonicalize(meta_name) : NULL;
		return scan_freeze_canonical(r, entry, meta_name);
	}
	/* WorkingSet.by_key: safe_name(project_name).lower() */
	name = pkg_resources_project(entry);
	out = py_lower(name);
	free(name);
	return out;
}

char *scan_freeze_raw_name(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d)
{
	/* base.py: self.metadata.get("Name", self.canonical_name) */
	if (d->meta_name)
		return xstrdup(d->meta_name);
	return scan_freeze_canonical(r, d->entry, NULL);
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool scan_freeze_valid_name(const char *canonical)
{
	size_t n = strlen(canonical);

	if (n == 0 || !alnum(canonical[0]) || !alnum(canonical[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(canonical[i]) && canonical[i] != '.' && canonical[i] != '-' &&
		    canonical[i] != '_')
			return false;
	return true;
}

/* The version of a dist-info entry name, as pip >= 24.2 takes it: what
 * follows the first "-" of "name-version.dist-info" ("" counts as none). */
static char *dist_info_version(const char *entry)
{
	size_t stem = stem_len(entry);
	const char *dash = memchr(entry, '-', stem);

	if (strcmp(entry + stem, ".dist-info") != 0 || !dash || dash + 1 == entry + stem)
		return NULL;
	return xstrndup(dash + 1, (size_t)(entry + stem - dash - 1));
}

static char *pkg_resources_version(const struct scan_freeze_dist *d)
{
	char *name, *ver, *out = NULL;
	size_t stem = stem_len(d->entry);
	bool dist_info = vs_ascii_casecmp(d->entry + stem, ".dist-info") == 0;

	egg_name(d->entry, &name, &ver);
	free(name);
	if (dist_info) {
		/* DistInfoDistribution: the entry's version, else the metadata. */
		if (ver)
			out = safe_version(ver);
		else if (d->version_line)
			out = safe_version(d->version_line);
	} else {
		/* EggInfoDistribution._reload_version: the metadata wins. */
		if (d->version_line)
			out = safe_version(d->version_line);
		else if (ver)
			out = safe_version(ver);
	}
	free(ver);
	if (out && !*out) {
		free(out);
		out = NULL;
	}
	return out;
}

char *scan_freeze_version(const struct scan_freeze_rules *r, const struct scan_freeze_dist *d,
			  bool *legacy)
{
	struct scan_pep440 *pv;
	char *v, *out;

	*legacy = false;
	if (r->backend == SCAN_FREEZE_PKG_RESOURCES) {
		v = pkg_resources_version(d);
	} else {
		v = pip_at_least(r, 24, 2) ? dist_info_version(d->entry) : NULL;
		if (!v && d->meta_version)
			v = xstrdup(d->meta_version);
	}
	if (!v)
		return NULL;
	if (scan_pep440_parse(&pv, v, NULL) == 0) {
		out = xstrdup(scan_pep440_str(pv));
		scan_pep440_free(pv);
		free(v);
		return out;
	}
	*legacy = true;
	/* pip >= 24.1 prints dist.raw_version (the Version header, "None"
	 * when absent); before, str(LegacyVersion) is the text itself. */
	if (r->backend == SCAN_FREEZE_IMPORTLIB && pip_at_least(r, 24, 1)) {
		free(v);
		return xstrdup(d->meta_version ? d->meta_version : "None");
	}
	return v;
}

bool scan_freeze_hidden(const struct scan_freeze_rules *r, const char *canonical, bool all)
{
	static const char *const stdlib[] = {"python", "wsgiref", "argparse"};
	static const char *const backends[] = {"setuptools", "distribute", "wheel"};

	for (size_t i = 0; i < 3; i++)
		if (strcmp(canonical, stdlib[i]) == 0)
			return true;
	if (all)
		return false;
	if (strcmp(canonical, "pip") == 0)
		return true;
	if (r->hide_pkg_resources && strcmp(canonical, "pkg-resources") == 0)
		return true;
	/* pip 23.0 and 23.1 hid the build backends on every Python. */
	if (pip_at_least(r, 23, 2) && py_at_least(r, 3, 12))
		return false;
	for (size_t i = 0; i < 3; i++)
		if (strcmp(canonical, backends[i]) == 0)
			return true;
	return false;
}
