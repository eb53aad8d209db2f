/* PEP 440 versions and version specifiers, the way pip sees them.
 *
 * The reference is the `packaging` library pip vendors (24.1, in pip 24.2):
 * a string is a version exactly when packaging.version.Version accepts it,
 * scan_pep440_str() is str(Version(s)), scan_pep440_cmp() is Version's
 * ordering, and scan_pep440_spec_contains() is
 * SpecifierSet(text).contains(version, prereleases=True), quirks included
 * (for example `~=2.2c1` means ">=2.2c1, ==2.2.*" there, unlike `~=2.2rc1`).
 *
 * Numbers of any length are handled exactly (kept as digit strings).
 * Strings are bytes in UTF-8: surrounding Unicode white space is trimmed as
 * Python's \s does; any other non-ASCII byte makes a version invalid (Python
 * would also accept the four letters that re.IGNORECASE folds to ASCII:
 * U+0130, U+0131, U+017F, U+212A). Nothing here keeps global state, so all
 * functions may be called from any thread on distinct objects. */
#ifndef VS_SCAN_PEP440_H
#define VS_SCAN_PEP440_H

#include <stdbool.h>

#include "../util/err.h"

struct scan_pep440;      /* a parsed version, immutable once made */
struct scan_pep440_spec; /* a parsed comma-separated specifier list */

/* Parses `text`. On success *out is a new version the caller frees with
 * scan_pep440_free(); on failure *out is NULL and VS_EUSAGE is returned with
 * `err` (may be NULL) saying why, naming the text. */
int scan_pep440_parse(struct scan_pep440 **out, const char *text, struct vs_err *err);

void scan_pep440_free(struct scan_pep440 *v);

/* Whether `text` is a valid version (no allocation kept). */
bool scan_pep440_valid(const char *text);

/* The canonical form, str(Version(text)) ("01.0-ALPHA" -> "1.0a0"). Owned
 * by `v`, valid until it is freed. */
const char *scan_pep440_str(const struct scan_pep440 *v);

/* Total order of Version: <0, 0 or >0. Equal versions may differ in text
 * (1.0 == 1.0.0 == v1.0). */
int scan_pep440_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b);

/* Compares two version strings. Returns 0 and sets *out (-1, 0 or 1) when
 * both parse; otherwise VS_EUSAGE with `err` naming the bad one. */
int scan_pep440_cmp_str(int *out, const char *a, const char *b, struct vs_err *err);

/* Version.is_prerelease (a pre- or a dev-release), .is_postrelease,
 * .is_devrelease, and whether a local label (+...) is present. */
bool scan_pep440_is_prerelease(const struct scan_pep440 *v);
bool scan_pep440_is_postrelease(const struct scan_pep440 *v);
bool scan_pep440_is_devrelease(const struct scan_pep440 *v);
bool scan_pep440_has_local(const struct scan_pep440 *v);

/* Parses a specifier list such as ">=3,<4", "==1.2.*", "~=2.2", "!=1.5":
 * comma-separated, empty items ignored, so "" matches every version. On
 * success *out is new (free with scan_pep440_spec_free); on failure *out is
 * NULL and VS_EUSAGE is returned with `err` naming the bad item and why. */
int scan_pep440_spec_parse(struct scan_pep440_spec **out, const char *text, struct vs_err *err);

void scan_pep440_spec_free(struct scan_pep440_spec *s);

/* Whether `v` satisfies every item, with pre-releases allowed (PEP 440's
 * exclusions still hold: `<V` refuses pre-releases of V unless V is one, `>V`
 * refuses post-releases and local versions of V, and local labels are
 * ignored unless an == / != item names one). */
bool scan_pep440_spec_contains(const struct scan_pep440_spec *s, const struct scan_pep440 *v);

/* The same for a version string; false when `version` does not parse. */
bool scan_pep440_spec_contains_str(const struct scan_pep440_spec *s, const char *version);

#endif
