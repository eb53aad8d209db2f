#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "strbuf.h"
#include "xalloc.h"

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb;
	char *out;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		la = 0;
	/* memcpy, not xasprintf: the freeze reader joins a few per package. */
	lb = strlen(b);
	out = xmalloc(la + lb + 2);
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
	return out;
}

static char *normalise(const char *abs)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = abs;

	while (*p) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		sb_addc(&sb, '/');
		sb_add(&sb, seg, n);
	}
	if (sb.len == 0)
		sb_addc(&sb, '/');
	return sb_detach(&sb);
}

static bool has_dotdot(const char *p)
{
	const char *s = p;

	while ((s = strstr(s, "..")) != NULL) {
		bool start = s == p || s[-1] == '/';
		bool end = s[2] == '\0' || s[2] == '/';

		if (start && end)
			return true;
		s += 2;
	}
	return false;
}

char *path_absolute(const char *p)
{
	char *joined, *out;

	if (p[0] == '/') {
		joined = xstrdup(p);
	} else {
		char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return NULL;
		joined = path_join(cwd, p);
		free(cwd);
	}
	if (has_dotdot(joined)) {
		char *real = realpath(joined, NULL);

		if (real) {
			free(joined);
			return real;
		}
	}
	out = normalise(joined);
	free(joined);
	return out;
}

/* The home folder of `user` ("" : the current user, as the shell takes
 * it: $HOME first), or NULL. Caller frees. */
static char *home_of(const char *user)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	const char *h = getenv("HOME");

	if (!*user && h && *h)
		return xstrdup(h);
	if (*user)
		getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	else
		getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res);
	return res && res->pw_dir && *res->pw_dir ? xstrdup(res->pw_dir) : NULL;
}

int path_expand_tilde(char **out, const char *typed, struct vs_err *err)
{
	size_t n;
	char *user, *home;

	*out = NULL;
	if (typed[0] != '~') {
		*out = xstrdup(typed);
		return 0;
	}
	n = strcspn(typed, "/");
	user = xstrndup(typed + 1, n - 1);
	home = home_of(user);
	if (!home) {
		int rc = *user ? vs_err_set(err, VS_EUSAGE, "%s: no such user: %s", typed, user)
			       : vs_err_set(err, VS_EUSAGE,
					    "%s: no home folder is known (HOME is not set)", typed);

		free(user);
		return rc;
	}
	*out = typed[n] ? path_join(home, typed + n) : xstrdup(home);
	free(home);
	free(user);
	return 0;
}

int path_resolve_typed(char **out, const char *typed, const char *base, struct vs_err *err)
{
	char *exp = NULL, *joined;
	int rc;

	*out = NULL;
	if (!*typed)
		return vs_err_set(err, VS_EUSAGE, "no path given");
	if ((rc = path_expand_tilde(&exp, typed, err)) < 0)
		return rc;
	joined = exp[0] == '/' || !base ? xstrdup(exp) : path_join(base, exp);
	*out = path_absolute(joined);
	free(joined);
	if (!*out)
		rc = vs_err_set(err, VS_EFAIL, "%s: the current folder cannot be read: %s", exp,
				strerror(errno));
	free(exp);
	return rc;
}

const char *path_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s)
		return p;
	if (s[1] == '\0')
		return s == p ? p : s + 1;
	return s + 1;
}

char *path_dirname(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s)
		return xstrdup(".");
	if (s == p)
		return xstrdup("/");
	return xstrndup(p, (size_t)(s - p));
}

bool path_has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (strncmp(path, prefix, n) != 0)
		return false;
	if (n == 1 && prefix[0] == '/')
		return true;
	return path[n] == '\0' || path[n] == '/';
}

char *path_tilde(const char *path, const char *home)
{
	if (home && home[0] == '/' && strcmp(home, "/") != 0 && path_has_prefix(path, home)) {
		size_t n = strlen(home);

		while (n > 1 && home[n - 1] == '/')
			n--;
		return xasprintf("~%s", path + n);
	}
	return xstrdup(path);
}

int path_mkdirs(const char *path, unsigned mode, size_t *first_made)
{
	char *p = xstrdup(path);
	struct stat st;
	int rc = 0;

	if (first_made)
		*first_made = 0;
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, (mode_t)mode) == 0) {
			if (first_made && !*first_made)
				*first_made = strlen(p);
		} else {
			int e = errno;

			/* Already there (or merely not ours to make): fine if a folder. */
			if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
				rc = e == EEXIST ? ENOTDIR : e;
				break;
			}
		}
		if (!s)
			break;
		*s = '/';
	}
	free(p);
	return rc;
}

char *path_fit_name(const char *name, size_t max, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t len = strlen(name), cut;

	if (len <= max)
		return xstrdup(name);
	for (const unsigned char *k = (const unsigned char *)key; *k; k++)
		h = (h ^ *k) * 0x100000001b3ULL;
	cut = max - 9; /* "-" + 8 hex digits */
	/* Never end inside a character: back up over continuation bytes. */
	while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80)
		cut--;
	return xasprintf("%.*s-%08x", (int)cut, name, (unsigned)((h >> 32) ^ h));
}

const char *path_errno_reason(char *buf, size_t cap, const char *path, int e)
{
	size_t len = strlen(path);

	if (e != ENAMETOOLONG)
		snprintf(buf, cap, "%s", strerror(e));
	else if (len >= PATH_MAX)
		snprintf(buf, cap, "path too long (%zu bytes, over the limit of %d)", len, PATH_MAX);
	else
		snprintf(buf, cap, "path too long (a name in it is longer than %d bytes)", NAME_MAX);
	return buf;
}

bool path_is_mount_point(const char *path, const struct stat *st)
{
	char *parent = path_dirname(path);
	struct stat pst;
	bool mp = stat(parent, &pst) != 0 || pst.st_dev != st->st_dev;

#ifdef STATX_ATTR_MOUNT_ROOT
	struct statx sx;

	if (!mp && statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, 0, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		mp = (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
#endif
	free(parent);
	return mp;
}
