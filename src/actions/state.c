#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "write_atomic.h"

/* A state file is a few lines; anything bigger is not ours. */
#define STATE_MAX (64 * 1024)

/* The key of a `key = value` line (its length in *n), or NULL for a
 * comment, a blank line or a line without '='. */
static const char *line_key(const char *line, size_t len, size_t *n)
{
	const char *eq = memchr(line, '=', len);
	const char *p = line, *end;

	while (p < line + len && (*p == ' ' || *p == '\t'))
		p++;
	if (!eq || p == eq || *p == '#')
		return NULL;
	end = eq;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*n = (size_t)(end - p);
	return p;
}

static int key_index(const char *key, size_t n, const char *const *keys, size_t n_keys)
{
	for (size_t i = 0; i < n_keys; i++)
		if (strlen(keys[i]) == n && strncmp(keys[i], key, n) == 0)
			return (int)i;
	return -1;
}

int act_state_save(const char *path, const char *const *keys, const char *const *values, size_t n,
		   struct vs_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *old = NULL, *dir = path_dirname(path);
	size_t len = 0, made;
	bool done[16] = {false};
	const char *p, *end;
	int rc = VS_EFAIL, e;

	if (n > sizeof(done) / sizeof(*done)) {
		vs_err_set(err, VS_EFAIL, "%s: too many settings at once", path);
		goto out;
	}
	if (vs_read_at(AT_FDCWD, path, VS_READ_NOFOLLOW, STATE_MAX, &old, &len, err) < 0) {
		if (errno != ENOENT)
			goto out;
		old = NULL;
		len = 0;
	}
	if (!old)
		sb_adds(&sb, "# venvscope's remembered settings: written when the browser quits.\n"
			     "# Settings of your own go in the config file (man venvscope).\n");
	for (p = old, end = old ? old + len : NULL; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p), kn = 0;
		const char *k = line_key(p, ll, &kn);
		int i = k ? key_index(k, kn, keys, n) : -1;

		if (i >= 0 && !done[i]) {
			sb_addf(&sb, "%s = %s\n", keys[i], values[i]);
			done[i] = true;
		} else if (i < 0) {
			sb_add(&sb, p, ll);
			sb_addc(&sb, '\n');
		} /* a second line of a key being set goes */
		p += ll + (nl != NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			sb_addf(&sb, "%s = %s\n", keys[i], values[i]);
	if (dir && (e = path_mkdirs(dir, 0700, &made)) != 0) {
		vs_err_set(err, VS_EFAIL, "%s: cannot make the folder: %s", dir, strerror(e));
		goto out;
	}
	if (act_write_atomic(path, sb_str(&sb), strlen(sb_str(&sb)), ACT_WRITE_IF_CHANGED, err) >= 0)
		rc = 0;
out:
	sb_free(&sb);
	free(old);
	free(dir);
	return rc;
}
