/* conda's places (see conda_places.h). */
#include "conda_places.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "conda.h"

char *scan_conda_environments_txt(const char *home)
{
	return home && home[0] == '/' ? path_join(home, ".conda/environments.txt") : NULL;
}

/* `p` trimmed of blanks, quotes and a trailing comment; "~" expanded. */
static char *clean_path(const char *p, size_t n, const char *home)
{
	char *raw, *r;

	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
		p++;
		n -= 2;
	}
	if (n == 0 || memchr(p, '\0', n))
		return NULL;
	raw = xstrndup(p, n);
	if (raw[0] == '~' && (raw[1] == '\0' || raw[1] == '/')) {
		r = home ? path_join(home, raw[1] ? raw + 2 : ".") : NULL;
		free(raw);
		return r;
	}
	return raw;
}

void scan_condarc_envs_dirs(struct vs_vec *out, const char *text, size_t len, const char *home)
{
	size_t i = 0;
	bool in = false;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i, k = 0;

		i += n + (nl ? 1 : 0);
		while (k < n && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == n || line[k] == '#')
			continue;
		if (k == 0) {
			in = n >= 10 && memcmp(line, "envs_dirs:", 10) == 0;
			continue;
		}
		if (in && line[k] == '-') {
			const char *hash = memchr(line + k + 1, '#', n - k - 1);
			size_t end = hash ? (size_t)(hash - line) : n;
			char *p = clean_path(line + k + 1, end - k - 1, home);

			if (p)
				vs_vec_push(out, p);
		}
	}
}

/* NULL when `dir` is a conda prefix to walk, else why not. */
static const char *not_prefix(const char *dir)
{
	const char *why = NULL;
	int fd;

	if (dir[0] != '/')
		return "not an absolute path";
	if (strspn(dir, "/") == strlen(dir))
		return "the root folder, never walked";
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? "not a folder" : "no such folder";
	if (!scan_conda_is_prefix(fd))
		why = "not a conda environment (no conda-meta/history)";
	close(fd);
	return why;
}

/* Each line of environments.txt: a prefix goes to `out`, any other
 * non-empty line to `skipped` as a sentence (either may be NULL). */
static void read_environments_txt(struct vs_vec *out, struct vs_vec *skipped, const char *home)
{
	char *file = scan_conda_environments_txt(home), *text = NULL;
	size_t len = 0, i = 0;

	if (!file ||
	    vs_read_at(AT_FDCWD, file, VS_READ_NOFOLLOW, VS_READ_MAX_SMALL, &text, &len, NULL) < 0) {
		free(file);
		return;
	}
	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		char *p = clean_path(line, n, NULL);
		const char *why = p ? not_prefix(p) : NULL;

		i += n + (nl ? 1 : 0);
		if (p && !why && out) {
			vs_vec_push(out, p);
			continue;
		}
		if (p && why && skipped)
			vs_vec_push(skipped, xasprintf("%s: the line %s is skipped: %s", file, p, why));
		free(p);
	}
	free(text);
	free(file);
}

void scan_conda_txt_skipped(struct vs_vec *why, const char *home)
{
	read_environments_txt(NULL, why, home && home[0] == '/' ? home : NULL);
}

static void add_condarc(struct vs_vec *out, const char *dir, const char *home)
{
	char *file, *text = NULL;
	size_t len = 0;

	if (!dir || dir[0] != '/')
		return;
	file = path_join(dir, ".condarc");
	if (vs_read_at(AT_FDCWD, file, VS_READ_NOFOLLOW, VS_READ_MAX_SMALL, &text, &len, NULL) == 0)
		scan_condarc_envs_dirs(out, text, len, home);
	free(text);
	free(file);
}

void scan_conda_places(struct vs_vec *out, const char *home)
{
	static const char *const roots[] = {"miniconda3", "anaconda3", "miniforge3", "mambaforge",
					    "micromamba"};
	const char *mamba = getenv("MAMBA_ROOT_PREFIX");

	if (home && home[0] != '/')
		home = NULL;
	read_environments_txt(out, NULL, home);
	add_condarc(out, home, home);
	add_condarc(out, getenv("CONDA_PREFIX"), home);
	for (size_t i = 0; home && i < sizeof(roots) / sizeof(*roots); i++)
		vs_vec_push(out, path_join(home, roots[i]));
	if (mamba && mamba[0] == '/')
		vs_vec_push(out, xstrdup(mamba));
	if (home)
		vs_vec_push(out, path_join(home, ".conda/envs"));
}
