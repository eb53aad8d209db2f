/* The folders where tools keep their environments.
 *
 * One table of places serves both questions: which of them exist (the
 * central places to scan) and which of them holds a given env (its
 * manager). Each place is resolved from the environment variables the tool
 * itself reads, the way that tool reads them. */
#include "places.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/path.h"
#include "../util/vec.h"
#include "conda_places.h"
#include "../util/xalloc.h"

enum {
	PLACE_VENVS,
	PLACE_DOT_VENVS,
	PLACE_WORKON,
	PLACE_PIPENV,
	PLACE_POETRY,
	PLACE_PIPX,
	PLACE_PIPX_OLD, /* pipx 1.1's ~/.local/pipx (Debian 12), when PIPX_HOME is unset */
	PLACE_HATCH,
	PLACE_PYENV, /* the pyenv root; envs live in versions/<v>/envs */
	PLACE_UV,
	PLACE_COUNT
};

static const char *const place_manager[PLACE_COUNT] = {
	[PLACE_VENVS] = NULL,      [PLACE_DOT_VENVS] = NULL,  [PLACE_WORKON] = "virtualenvwrapper",
	[PLACE_PIPENV] = "pipenv", [PLACE_POETRY] = "poetry", [PLACE_PIPX] = "pipx",
	[PLACE_PIPX_OLD] = "pipx", [PLACE_HATCH] = "hatch",   [PLACE_PYENV] = "pyenv-virtualenv",
	[PLACE_UV] = "uv",
};

/* The value of `name` when set and not empty, else NULL. */
static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* `base`/`rel` in normal form, or NULL when there is no base. */
static char *join_norm(const char *base, const char *rel)
{
	char *j, *n;

	if (!base)
		return NULL;
	j = rel ? path_join(base, rel) : xstrdup(base);
	n = path_absolute(j);
	free(j);
	return n;
}

/* An XDG base folder: the variable when it holds an absolute path (the XDG
 * spec says relative values are to be ignored), else home/`fallback`.
 * Returns a pointer into the environment or a string owned by *keep. */
static const char *xdg_base(const char *var, const char *home, const char *fallback, char **keep)
{
	const char *v = env_value(var);

	if (v && v[0] == '/')
		return v;
	*keep = home ? path_join(home, fallback) : NULL;
	return *keep;
}

/* A tool's own root variable: absolute -> that folder; relative -> NULL
 * (the tool would take it from its working directory, which we cannot
 * know); unset -> `dflt` joined with `rel`. */
static char *tool_root(const char *var, const char *dflt, const char *rel)
{
	const char *v = env_value(var);

	if (v)
		return v[0] == '/' ? join_norm(v, NULL) : NULL;
	return join_norm(dflt, rel);
}

/* virtualenvwrapper's own rule: unset -> ~/.virtualenvs; "~" or "~/x" ->
 * below home; any other relative value -> below home too. */
static char *workon_home(const char *home)
{
	const char *v = env_value("WORKON_HOME");

	if (!v)
		return join_norm(home, ".virtualenvs");
	if (v[0] == '/')
		return join_norm(v, NULL);
	if (v[0] == '~') {
		if (v[1] != '\0' && v[1] != '/')
			return NULL; /* ~user: not ours to expand */
		return join_norm(home, v[1] ? v + 2 : NULL);
	}
	return join_norm(home, v);
}

char *scan_xdg_dir(const char *var, const char *home, const char *fallback)
{
	char *keep = NULL;
	const char *b = xdg_base(var, home, fallback, &keep);
	char *r = join_norm(b, NULL);

	free(keep);
	return r;
}

char *scan_tool_dir(const char *var, const char *home, const char *dflt, const char *rel)
{
	const char *v = env_value(var);

	if (v && v[0] == '~' && (v[1] == '\0' || v[1] == '/'))
		return join_norm(home, v[1] ? v + 2 : NULL);
	return tool_root(var, dflt, rel);
}

/* pipx's homes: PIPX_HOME when set (absolute), else both defaults, the
 * 1.2+ one (XDG data/pipx) and 1.1's ~/.local/pipx. homes[1] may be NULL. */
static void pipx_homes(char *homes[2], const char *home, const char *data)
{
	homes[0] = tool_root("PIPX_HOME", data, "pipx");
	homes[1] = env_value("PIPX_HOME") ? NULL : join_norm(home, ".local/pipx");
}

/* Fills places[] (NULL where a place cannot be named); caller frees. */
static void resolve_places(char *places[PLACE_COUNT], const char *home)
{
	char *data_keep = NULL, *cache_keep = NULL;
	const char *data = xdg_base("XDG_DATA_HOME", home, ".local/share", &data_keep);
	const char *cache = xdg_base("XDG_CACHE_HOME", home, ".cache", &cache_keep);
	char *pyenv_default = join_norm(home, ".pyenv");
	char *pipx[2];

	pipx_homes(pipx, home, data);

	places[PLACE_VENVS] = join_norm(home, "venvs");
	places[PLACE_DOT_VENVS] = join_norm(home, ".venvs");
	places[PLACE_WORKON] = workon_home(home);
	places[PLACE_PIPENV] = join_norm(data, "virtualenvs");
	places[PLACE_POETRY] = join_norm(cache, "pypoetry/virtualenvs");
	places[PLACE_PIPX] = join_norm(pipx[0], "venvs");
	places[PLACE_PIPX_OLD] = join_norm(pipx[1], "venvs");
	places[PLACE_HATCH] = join_norm(data, "hatch/env/virtual");
	places[PLACE_PYENV] = tool_root("PYENV_ROOT", pyenv_default, NULL);
	places[PLACE_UV] = tool_root("UV_TOOL_DIR", data, "uv/tools");
	free(pipx[0]);
	free(pipx[1]);
	free(pyenv_default);
	free(data_keep);
	free(cache_keep);
}

static void free_places(char *places[PLACE_COUNT])
{
	int i;

	for (i = 0; i < PLACE_COUNT; i++)
		free(places[i]);
}

/* The list being built by scan_central_places, with the identity of each
 * folder so that two spellings of one folder are listed once. */
struct found {
	char **v;
	size_t n, cap;
	struct stat *ids;
	size_t ids_cap;
};

/* Adds `dir` (ownership moves in) when it is a folder not listed yet. */
static void add_if_dir(struct found *f, char *dir)
{
	struct stat st;
	size_t i;

	if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return;
	}
	for (i = 0; i < f->n; i++) {
		if (f->ids[i].st_dev == st.st_dev && f->ids[i].st_ino == st.st_ino) {
			free(dir);
			return;
		}
	}
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof(*f->v));
	f->ids = xgrow(f->ids, &f->ids_cap, f->n + 1, sizeof(*f->ids));
	f->v[f->n] = dir;
	f->ids[f->n] = st;
	f->n++;
}

static int cmp_version(const void *a, const void *b)
{
	/* strverscmp puts 3.9 before 3.10, as a person would. */
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Every <root>/versions/<v>/envs that exists, versions in order. */
static void add_pyenv_envs(struct found *f, const char *root)
{
	char *versions = path_join(root, "versions");
	DIR *d = opendir(versions);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (!d) {
		free(versions);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_version);
	for (i = 0; i < n; i++) {
		add_if_dir(f, xasprintf("%s/%s/envs", versions, names[i]));
		free(names[i]);
	}
	free(names);
	free(versions);
}

/* conda's places (conda_places.h); never the root folder itself. */
static void add_conda(struct found *f, const char *home)
{
	struct vs_vec dirs;

	vs_vec_init_strs(&dirs);
	scan_conda_places(&dirs, home);
	for (size_t i = 0; i < dirs.n; i++) {
		char *norm = path_absolute(dirs.v[i]);

		if (norm && strcmp(norm, "/") == 0) {
			free(norm);
			continue;
		}
		add_if_dir(f, norm);
	}
	vs_vec_clear(&dirs);
}

size_t scan_central_places(char ***out, const char *home)
{
	char *places[PLACE_COUNT];
	struct found f = {NULL, 0, 0, NULL, 0};
	int i;

	*out = NULL;
	if (!home)
		return 0;
	resolve_places(places, home);
	for (i = 0; i < PLACE_COUNT; i++) {
		if (i == PLACE_PYENV) {
			if (places[i])
				add_pyenv_envs(&f, places[i]);
			continue;
		}
		add_if_dir(&f, places[i]);
		places[i] = NULL; /* moved into the list or freed */
	}
	free_places(places);
	add_conda(&f, home);
	free(f.ids);
	*out = f.v;
	return f.n;
}

/* True when `path` lies strictly below `dir` (both in normal form). */
static bool strictly_below(const char *path, const char *dir)
{
	return dir && path_has_prefix(path, dir) && strcmp(path, dir) != 0;
}

/* True for <root>/versions/<v>/envs/<name>[/...]. */
static bool in_pyenv_envs(const char *path, const char *root)
{
	char *versions;
	const char *rest, *slash;
	bool ok = false;

	if (!root)
		return false;
	versions = path_join(root, "versions");
	if (strictly_below(path, versions)) {
		/* Past "versions/": "<v>/envs/<name>..." */
		rest = path + strlen(versions) + 1;
		slash = strchr(rest, '/');
		ok = slash && slash > rest && strncmp(slash, "/envs/", 6) == 0 && slash[6] != '\0';
	}
	free(versions);
	return ok;
}

/* "tox" or "nox" when a folder above `path` is named .tox or .nox. */
static const char *test_runner_for(const char *path)
{
	const char *base = path_basename(path);
	const char *p = path;

	while (p < base) {
		const char *end = strchr(p, '/');
		size_t n;

		if (!end || end > base)
			end = base;
		n = (size_t)(end - p);
		if (n == 4 && strncmp(p, ".tox", 4) == 0)
			return "tox";
		if (n == 4 && strncmp(p, ".nox", 4) == 0)
			return "nox";
		p = end + 1;
	}
	return NULL;
}

bool scan_is_pipx_shared(const char *path, const char *home)
{
	char *data_keep = NULL, *homes[2], *norm;
	const char *data;
	bool yes = false;

	if (!path || path[0] != '/')
		return false;
	data = xdg_base("XDG_DATA_HOME", home, ".local/share", &data_keep);
	pipx_homes(homes, home, data);
	norm = path_absolute(path);
	for (int i = 0; i < 2; i++) {
		char *shared = join_norm(homes[i], "shared");

		yes = yes || (norm && shared && strcmp(norm, shared) == 0);
		free(shared);
		free(homes[i]);
	}
	free(norm);
	free(data_keep);
	return yes;
}

const char *scan_manager_for(const char *path, const char *home)
{
	char *places[PLACE_COUNT];
	const char *found = NULL;
	char *norm;
	int i;

	if (!path || path[0] != '/')
		return NULL;
	norm = path_absolute(path);
	if (!norm)
		return NULL;
	resolve_places(places, home);
	for (i = 0; i < PLACE_COUNT && !found; i++) {
		if (!place_manager[i])
			continue;
		if (i == PLACE_PYENV ? in_pyenv_envs(norm, places[i]) : strictly_below(norm, places[i]))
			found = place_manager[i];
	}
	free_places(places);
	if (!found && scan_is_pipx_shared(norm, home))
		found = "pipx";
	if (!found)
		found = test_runner_for(norm);
	free(norm);
	return found;
}

void scan_free_strv(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

size_t scan_default_roots(char ***out, const char *home)
{
	char **central = NULL;
	size_t n = scan_central_places(&central, home);
	char **all = xcalloc(n + 1, sizeof(*all));

	all[0] = xstrdup(".");
	for (size_t i = 0; i < n; i++)
		all[i + 1] = central[i];
	free(central);
	*out = all;
	return n + 1;
}

/* `home` when it is an absolute path, else NULL. */
static const char *abs_home(const char *home)
{
	return home && home[0] == '/' ? home : NULL;
}

char *scan_state_dir(const char *home)
{
	char *state = scan_xdg_dir("XDG_STATE_HOME", abs_home(home), ".local/state");
	char *dir = state ? path_join(state, "venvscope") : NULL;

	free(state);
	return dir;
}

char *scan_home_trash(const char *home)
{
	char *data = scan_xdg_dir("XDG_DATA_HOME", abs_home(home), ".local/share");
	char *dir = data ? path_join(data, "Trash") : NULL;

	free(data);
	return dir;
}

/* A conda envs/ folder: named envs, next to conda-meta (a conda root's). */
static bool is_conda_envs(const char *dir, const char *home)
{
	char *parent, *meta, *dot_conda;
	struct stat st;
	bool yes;

	if (strcmp(path_basename(dir), "envs") != 0)
		return false;
	dot_conda = home ? path_join(home, ".conda/envs") : NULL;
	yes = dot_conda && strcmp(dir, dot_conda) == 0;
	free(dot_conda);
	if (yes)
		return true;
	parent = path_dirname(dir);
	meta = path_join(parent, "conda-meta");
	yes = stat(meta, &st) == 0 && S_ISDIR(st.st_mode);
	free(meta);
	free(parent);
	return yes;
}

bool scan_is_central_folder(const char *dir, const char *home)
{
	char *places[PLACE_COUNT];
	char *norm;
	bool yes = false;

	if (!dir || dir[0] != '/' || !(norm = path_absolute(dir)))
		return false;
	if (home) {
		resolve_places(places, home);
		for (int i = 0; i < PLACE_COUNT && !yes; i++) {
			if (i == PLACE_PYENV) {
				/* <root>/versions/<v>/envs/<name>: the env's parent is envs/. */
				char *probe = path_join(norm, "x");

				yes = in_pyenv_envs(probe, places[i]);
				free(probe);
			} else {
				yes = places[i] && path_has_prefix(norm, places[i]);
			}
		}
		free_places(places);
	}
	if (!yes)
		yes = is_conda_envs(norm, home);
	free(norm);
	return yes;
}
