#include "venv.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "../util/vec.h"

const char *venv_freeze_file(const struct venv *v)
{
	return v && v->kind == VENV_KIND_CONDA ? "environment.yml" : "requirements.txt";
}

const char *venv_kind_name(enum venv_kind kind)
{
	switch (kind) {
	case VENV_KIND_UV:
		return "uv";
	case VENV_KIND_VIRTUALENV:
		return "virtualenv";
	case VENV_KIND_CONDA:
		return "conda";
	case VENV_KIND_VENV:
		break;
	}
	return "venv";
}

const char *venv_link_name(enum venv_link link)
{
	switch (link) {
	case VENV_LINK_SYMLINK:
		return "symlink";
	case VENV_LINK_COPY:
		return "copy";
	case VENV_LINK_MISSING:
		break;
	}
	return "missing";
}

bool venv_is_large(const struct venv *v)
{
	return v->size_known && v->size.size_bytes >= VENV_LARGE_BYTES;
}

bool venv_name_is_generic(const char *name)
{
	static const char *const generic[] = {".venv",      "venv",        "env",         ".env",
					      "virtualenv", ".virtualenv", "virtualenvs", ".direnv"};

	for (size_t i = 0; i < sizeof(generic) / sizeof(*generic); i++)
		if (strcmp(name, generic[i]) == 0)
			return true;
	return false;
}

const char *venv_shown_name(const struct venv *v)
{
	const char *slash = strrchr(v->path, '/'), *p;

	if (!venv_name_is_generic(v->name) || !slash || slash == v->path)
		return v->name;
	for (p = slash - 1; p > v->path && p[-1] != '/'; p--)
		;
	return p;
}

const char *venv_git_word(const struct venv *v)
{
	switch (v->git_state) {
	case SCAN_GIT_NO_REPO:
		return "-";
	case SCAN_GIT_IGNORED:
		return "ignored";
	case SCAN_GIT_NOT_IGNORED:
		return "not-ignored";
	case SCAN_GIT_TRACKED:
		return "tracked";
	default:
		return "";
	}
}

bool venv_project_has_recipe(const struct venv *v)
{
	DIR *d = v->project ? opendir(v->project) : NULL;
	struct dirent *de;
	bool found = false;

	if (!d) {
		if (v->project)
			vs_fd_shortage_note(errno);
		return false;
	}
	while (!found && (de = readdir(d)) != NULL)
		found = strncmp(de->d_name, "requirements", 12) == 0 ||
			strcmp(de->d_name, "pyproject.toml") == 0 ||
			strcmp(de->d_name, "Pipfile") == 0;
	closedir(d);
	return found;
}

bool venv_freeable_known(const struct venv *v)
{
	return v->size_known && v->size.errors == 0;
}

bool venv_is_shared(const struct venv *v)
{
	return venv_freeable_known(v) && scan_size_mostly_shared(&v->size);
}

void venv_space_text(struct strbuf *sb, const struct venv *v)
{
	char a[32], b[32];

	if (!venv_freeable_known(v)) {
		sb_addf(sb, "freeable unknown: %llu %s could not be read",
			(unsigned long long)v->size.errors,
			human_noun(v->size.errors, "entry", "entries"));
		return;
	}
	human_size(a, sizeof(a), v->size.freeable_bytes);
	human_size(b, sizeof(b), scan_size_shared(&v->size));
	sb_addf(sb, "%s freeable, %s shared (hard links from outside)", a, b);
}

void venv_flags(char *out, size_t n, const struct venv *v)
{
	const char *words[16];
	size_t k = 0, used = 0;

	if (v->broken)
		words[k++] = "broken";
	if (v->stale)
		words[k++] = "stale";
	if (venv_is_large(v))
		words[k++] = "large";
	if (venv_is_shared(v))
		words[k++] = "shared";
	if (v->incomplete)
		words[k++] = "incomplete";
	if (v->users.n)
		words[k++] = "in-use";
	/* Issue 16's story flags. */
	if (v->orphan)
		words[k++] = "orphan";
	if (v->moved_from)
		words[k++] = "moved";
	if (venv_is_eol(v))
		words[k++] = "eol";
	if (!v->broken && !v->incomplete && v->n_problems > v->n_flagged)
		words[k++] = "problem";
	if (v->git_state == SCAN_GIT_NOT_IGNORED)
		words[k++] = "not-ignored";
	else if (v->git_state == SCAN_GIT_TRACKED)
		words[k++] = "tracked";
	if (n)
		out[0] = '\0';
	for (size_t i = 0; i < k && used < n; i++) {
		int w = snprintf(out + used, n - used, "%s%s", i ? "," : "", words[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Whether `p` (absolute) lies inside the env, as written or resolved. */
static bool inside(const char *p, const char *env, const char *env_real)
{
	char *real = realpath(p, NULL);
	bool in = path_has_prefix(p, env) || (env_real && path_has_prefix(p, env_real)) ||
		  (real &&
		   (path_has_prefix(real, env) || (env_real && path_has_prefix(real, env_real))));

	free(real);
	return in;
}

static bool is_exec_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

char *venv_base_interpreter(const struct venv *v, struct vs_err *why)
{
	const char *exe = v->cfg ? scan_cfg_get(v->cfg, "executable") : NULL;
	char *cand[5] = {0}, *found = NULL, *env_real = realpath(v->path, NULL);
	const char *refused = NULL;
	size_t n = 0;

	if (v->home && v->python_version) {
		const char *dot = strchr(v->python_version, '.');
		const char *end = dot ? strchr(dot + 1, '.') : NULL;
		int len = end ? (int)(end - v->python_version) : (int)strlen(v->python_version);

		cand[n++] = xasprintf("%s/python%.*s", v->home, len, v->python_version);
	}
	if (v->home) {
		cand[n++] = path_join(v->home, "python3");
		cand[n++] = path_join(v->home, "python");
	}
	if (exe && *exe)
		cand[n++] = xstrdup(exe);
	if (v->base_python)
		cand[n++] = xstrdup(v->base_python);
	for (size_t i = 0; i < n && !found; i++) {
		/* A relative home or executable means nothing we could check. */
		if (cand[i][0] != '/' || !is_exec_file(cand[i]))
			continue;
		if (inside(cand[i], v->path, env_real)) {
			refused = refused ? refused : cand[i];
			continue;
		}
		found = xstrdup(cand[i]);
	}
	if (!found && refused)
		vs_err_set(why, VS_EUSAGE,
			   "its base interpreter %s lies inside the environment, and nothing "
			   "inside an environment is run",
			   refused);
	else if (!found)
		vs_err_set(why, VS_EUSAGE, "its base interpreter (home = %s) is gone",
			   v->home ? v->home : "(none)");
	for (size_t i = 0; i < n; i++)
		free(cand[i]);
	free(env_real);
	return found;
}

bool venv_is_eol(const struct venv *v)
{
	return v->life.support == SCAN_SUPPORT_EOL;
}

bool venv_has_problem(const struct venv *v)
{
	return v->broken || v->stale || v->n_problems > 0 || v->orphan || v->moved_from ||
	       venv_is_eol(v) || v->version_mismatch || v->users.n > 0 ||
	       v->git_state == SCAN_GIT_NOT_IGNORED || v->git_state == SCAN_GIT_TRACKED;
}

void venv_add_problem(struct venv *v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	v->problems = xrealloc(v->problems, (v->n_problems + 1) * sizeof(*v->problems));
	v->problems[v->n_problems++] = s;
}

void venv_free(struct venv *v)
{
	if (!v)
		return;
	free(v->path);
	free(v->name);
	free(v->app);
	scan_users_clear(&v->users);
	scan_cfg_free(v->cfg);
	free(v->python_version);
	free(v->implementation);
	free(v->home);
	free(v->interpreter);
	free(v->link_target);
	free(v->base_python);
	vs_strv_free(v->problems, v->n_problems);
	free(v->prompt);
	free(v->project);
	free(v->moved_from);
	free(v->base_version);
	vs_strv_free(v->site_packages, v->n_site_packages);
	scan_pkg_list_clear(&v->packages);
	free(v->pip_version);
	free(v->git_repo);
	free(v->git_rule);
	scan_inodes_free(v->inodes);
	scan_conda_free(v->conda);
	free(v);
}
