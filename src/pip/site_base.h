/* What the base interpreter of an environment says about its own layout, for
 * the sys.path of an env with include-system-site-packages = true.
 *
 * The base is venv_base_interpreter() (never a python inside the env), run
 * isolated and without site (-I -S; -E -s -S before Python 3.4), from "/",
 * without PIP_* variables: no .pth file of anyone runs, and nothing under
 * the env is executed. It prints its sys.path as it is without site, and
 * site.getsitepackages() for the env's prefix and for its own prefixes, as
 * site.py computes them once site.venv() has set sys.prefix to the env
 * (Debian's patched site.py then names its dist-packages folders). The rest
 * of what site.py does - the .pth files - is done natively
 * (scan_path_from_base, site_path.h). */
#ifndef VS_PIP_SITE_BASE_H
#define VS_PIP_SITE_BASE_H

#include <stddef.h>

#include "../util/err.h"

struct venv;

struct scan_base_site {
	char **path; /* sys.path without site (the standard library), in order; owned */
	size_t n_path;
	char **env; /* site.getsitepackages([ENV]), in order; owned */
	size_t n_env;
	char **base; /* site.getsitepackages(site.PREFIXES) (the base's prefixes); owned */
	size_t n_base;
	char *user_site; /* site.getusersitepackages(), or NULL when it is "" */
};

/* Asks the base of `v` (a fresh answer at each call: an upgrade changes
 * it). Returns 0, or a negative code with the reason in `why` (no base
 * outside the env, it could not run, it failed, its answer is not one). */
int scan_base_site_ask(struct scan_base_site *out, const struct venv *v, struct vs_err *why);

/* Reads an answer: NUL-separated items, each a tag byte ('p' sys.path, 'e'
 * env site folder, 'b' base site folder, 'u' user site) and a path; the
 * first is the 'u' item. Returns 0, or VS_EFAIL when `answer` is not one
 * (*out is then empty). */
int scan_base_site_parse(struct scan_base_site *out, const char *answer, size_t len);

/* Frees what *b holds and zeroes it. NULL ok. */
void scan_base_site_clear(struct scan_base_site *b);

#endif
