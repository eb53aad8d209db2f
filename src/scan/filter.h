/* The filter language of the environment list: what a user types to narrow
 * the rows, e.g. `work pkg:requests<2.31 !is:broken py:3.11`.
 *
 * Terms are separated by white space and must all match (AND):
 *   TEXT            case-insensitive (ASCII) substring of the env's name or path
 *   pkg:NAME        has a distribution whose PEP 503 name equals NAME's
 *   pkg:NAME<SPEC   ...one of them with a version in SPEC: any PEP 440
 *                   specifier list (<, <=, >, >=, ==, !=, ~=, ===, ==1.2.*,
 *                   commas for AND: pkg:django>=3,<4), pre-releases allowed
 *                   (see pep440.h); a version that does not parse never fits
 *   py:3.11         python_version is 3.11 or starts with "3.11."
 *   py:<3.9         python_version (as PEP 440) fits the specifier list
 *   is:broken       the interpreter chain is broken
 *   is:stale        not touched for the stale period
 *   is:incomplete   its creation stopped before the end (venv.h `incomplete`)
 *   is:problem      any problem found
 *   is:conda        a conda, mamba, micromamba or pixi env (kind conda)
 *   kind:NAME       its kind (venv, virtualenv, uv, conda) is NAME, any case
 *   mgr:NAME        its manager (poetry, pipx, conda, mamba, pixi ...) is NAME
 *   python:PATH     its base interpreter (base_python) is the file PATH,
 *                   both resolved: what the Pythons view's Enter types
 *   !TERM           negates one term (`!pkg:pip`)
 * The words pkg:, py:, is:, kind:, mgr: and python: may be written in any case; any other word
 * with a colon is plain text. An empty filter matches every env.
 *
 * A filter is immutable after parsing and keeps no pointer into the text or
 * into the envs it is matched against. */
#ifndef VS_SCAN_FILTER_H
#define VS_SCAN_FILTER_H

#include <stdbool.h>

#include "../util/err.h"
#include "venv.h"

struct scan_filter;

/* Parses `text`. On success *out is a new filter (free it with
 * scan_filter_free). On bad input *out is NULL and VS_EUSAGE is returned,
 * `err` (may be NULL) naming the term and saying why. */
int scan_filter_parse(struct scan_filter **out, const char *text, struct vs_err *err);

/* Whether `v` passes every term. While a filter has a pkg: term (see
 * scan_filter_needs_packages), a venv whose packages are not read yet
 * (packages_known false) does not match, even under `!`. A py: term never
 * matches an unknown python_version (so its negation does). */
bool scan_filter_match(const struct scan_filter *f, const struct venv *v);

/* True when a pkg: term is present: rows cannot be decided before their
 * packages are read. */
bool scan_filter_needs_packages(const struct scan_filter *f);

void scan_filter_free(struct scan_filter *f);

#endif
