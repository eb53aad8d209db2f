/* Tidying what a manager keeps outside an env it owned (see manager.h). */
#include "manager.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../scan/conda_places.h"
#include "../util/readfile.h"
#include "write_atomic.h"
#include "../util/xalloc.h"

/* A tool folder variable: absolute -> it; unset or empty -> home/dflt;
 * relative -> NULL (pipx would take it from its cwd, unknown here). */
static char *tool_dir(const char *var, const char *home, const char *dflt)
{
	const char *v = getenv(var);

	if (v && *v)
		return v[0] == '/' ? xstrdup(v) : NULL;
	return home ? path_join(home, dflt) : NULL;
}

/* Unlinks the links in `dir` that point into `env`. */
static size_t unlink_into(const char *dir, const char *env, struct vs_vec *removed)
{
	DIR *d = vs_opendir_at(AT_FDCWD, dir, VS_READ_NOFOLLOW);
	struct dirent *de;
	int fd = d ? dirfd(d) : -1;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char target[PATH_MAX], *abs, *norm;
		struct stat st;
		ssize_t r;

		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode))
			continue;
		r = readlinkat(fd, de->d_name, target, sizeof(target) - 1);
		if (r <= 0)
			continue;
		target[r] = '\0';
		abs = target[0] == '/' ? xstrdup(target) : path_join(dir, target);
		norm = path_absolute(abs);
		if (norm && path_has_prefix(norm, env) && strcmp(norm, env) != 0 &&
		    unlinkat(fd, de->d_name, 0) == 0) {
			vs_vec_push(removed, xasprintf("removed its pipx link %s/%s", dir, de->d_name));
			n++;
		}
		free(norm);
		free(abs);
	}
	closedir(d);
	return n;
}

/* The line is `[name]` or `["name"]` (spaces allowed around). */
static bool is_header(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (len == n + 2 && line[0] == '[' && line[len - 1] == ']')
		return memcmp(line + 1, name, n) == 0;
	if (len == n + 4 && memcmp(line, "[\"", 2) == 0 && memcmp(line + len - 2, "\"]", 2) == 0)
		return memcmp(line + 2, name, n) == 0;
	return false;
}

/* The section [base] of envs.toml text, when its minor is `minor`:
 * *start and *end (offsets; end is the next section's header or the end). */
static bool find_section(const char *t, size_t len, const char *base, const char *minor, size_t *start,
			 size_t *end)
{
	char want[64];
	size_t i = 0;
	bool in = false, match = false;

	snprintf(want, sizeof(want), "minor = \"%s\"", minor);
	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (t + i)) : len - i, next = nl ? i + l + 1 : len;

		if (t[i] == '[') {
			if (in)
				break;
			if (is_header(t + i, l, base)) {
				in = true;
				*start = i;
			}
		} else if (in && l >= strlen(want) && memcmp(t + i, want, strlen(want)) == 0) {
			match = true;
		}
		i = next;
	}
	*end = i;
	return in && match;
}

/* A part of a file's text, text[start..end). */
struct span {
	size_t start, end;
};

/* Rewrites `file` (its text[0..len) as read) atomically without the spans
 * `cut` (in order, not overlapping): every other byte stays as it was. */
static int rewrite_without(const char *file, const char *text, size_t len, const struct span *cut,
			   size_t n, struct vs_err *err)
{
	char *out = xmalloc(len + 1);
	size_t at = 0, from = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		memcpy(out + at, text + from, cut[i].start - from);
		at += cut[i].start - from;
		from = cut[i].end;
	}
	memcpy(out + at, text + from, len - from);
	at += len - from;
	rc = act_write_atomic(file, out, at, 0, err) < 0 ? VS_EFAIL : 0;
	free(out);
	return rc;
}

/* conda: drops the env's lines (its path, exactly; a trailing \r or blanks
 * allowed) from ~/.conda/environments.txt, the list `conda env list`
 * shows, as `conda env remove` does. */
static size_t conda_tidy(const struct venv *v, const char *home, struct vs_vec *done)
{
	char *file = scan_conda_environments_txt(home), *text = NULL;
	struct span *cut = NULL;
	size_t len = 0, n = 0, cap = 0, i = 0, plen = strlen(v->path);
	struct vs_err err = {0};

	if (!file ||
	    vs_read_at(AT_FDCWD, file, VS_READ_NOFOLLOW, VS_READ_MAX_SMALL, &text, &len, NULL) < 0)
		goto done;
	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t l = nl ? (size_t)(nl - line) : len - i, next = i + l + (nl ? 1 : 0);

		while (l > plen && (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
			l--;
		if (l == plen && memcmp(line, v->path, plen) == 0) {
			cut = xgrow(cut, &cap, n + 1, sizeof(*cut));
			cut[n++] = (struct span){i, next};
		}
		i = next;
	}
	if (n == 0)
		goto done;
	if (rewrite_without(file, text, len, cut, n, &err) == 0) {
		vs_vec_push(done, xasprintf("removed its line from conda's %s", file));
	} else {
		vs_vec_push(done, xasprintf("could not remove its line from %s: %s", file, err.msg));
		n = 0;
	}
done:
	free(cut);
	free(text);
	free(file);
	return n ? 1 : 0;
}

/* poetry: removes [<base>] from envs.toml beside the env when it names
 * the env's minor version. */
static size_t poetry_tidy(const struct venv *v, struct vs_vec *done)
{
	const char *name = v->name, *py = strrchr(name, '-');
	char *dir = path_dirname(v->path), *file = dir ? path_join(dir, "envs.toml") : NULL;
	char *text = NULL, *base = NULL;
	size_t len = 0, start = 0, end = 0, n = 0;
	struct vs_err err = {0};

	if (!file || !py || strncmp(py, "-py", 3) != 0 || strlen(py + 3) > 16 || !py[3])
		goto done;
	base = xstrndup(name, (size_t)(py - name));
	if (vs_read_at(AT_FDCWD, file, VS_READ_NOFOLLOW, VS_READ_MAX_META, &text, &len, NULL) < 0)
		goto done;
	if (!find_section(text, len, base, py + 3, &start, &end))
		goto done;
	{
		struct span cut = {start, end};

		if (rewrite_without(file, text, len, &cut, 1, &err) == 0) {
			vs_vec_push(done,
				    xasprintf("removed its entry [%s] from poetry's %s", base, file));
			n = 1;
		} else {
			vs_vec_push(done, xasprintf("could not remove its entry [%s] from %s: %s",
						    base, file, err.msg));
		}
	}
done:
	free(text);
	free(base);
	free(file);
	free(dir);
	return n;
}

size_t act_manager_tidy(const struct venv *v, const char *home, struct vs_vec *removed)
{
	char *bin, *man, *env;
	size_t n = 0;

	if (v->manager && strcmp(v->manager, "poetry") == 0)
		return poetry_tidy(v, removed);
	if (v->kind == VENV_KIND_CONDA)
		return conda_tidy(v, home, removed);
	if (!v->manager || strcmp(v->manager, "pipx") != 0 || v->role)
		return 0;
	if (!(env = path_absolute(v->path)))
		return 0;
	if ((bin = tool_dir("PIPX_BIN_DIR", home, ".local/bin")))
		n += unlink_into(bin, env, removed);
	if ((man = tool_dir("PIPX_MAN_DIR", home, ".local/share/man"))) {
		for (int s = 1; s <= 9; s++) {
			char *sec = xasprintf("%s/man%d", man, s);

			n += unlink_into(sec, env, removed);
			free(sec);
		}
	}
	free(bin);
	free(man);
	free(env);
	return n;
}
