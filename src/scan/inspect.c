/* One environment folder: what pyvenv.cfg says, what bin/python is, whether
 * the base interpreter is still there, and which project owns the env. */
#include "inspect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../pip/pyjson.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "conda_env.h"
#include "places.h"
#include "project.h"
#include "story.h"

/* Interpreter names tried inside an env, in order. */
static const char *const interp_names[] = {"bin/python", "bin/python3", "Scripts/python.exe"};

static void read_cfg(struct venv *v, int envfd)
{
	struct vs_err err = {0};

	if (scan_cfg_read_at(&v->cfg, envfd, "pyvenv.cfg", &err) < 0) {
		venv_add_problem(v, "%s", err.msg);
		v->cfg = NULL;
		return;
	}
	if (v->cfg->binary)
		venv_add_problem(v, "pyvenv.cfg is not valid UTF-8 text, so Python cannot read it");
	else if (v->cfg->n == 0)
		venv_add_problem(v, "pyvenv.cfg is empty or has no key = value lines");
	if (v->cfg->truncated)
		venv_add_problem(v, "pyvenv.cfg is larger than %d KiB; only its start was read",
				 SCAN_CFG_MAX_BYTES / 1024);
}

/* "3.11.7.final.0" -> "3.11.7" */
static char *first_three_parts(const char *s)
{
	const char *p = s;
	int dots = 0;

	while (*p && !(*p == '.' && ++dots == 3))
		p++;
	return xstrndup(s, (size_t)(p - s));
}

/* Looks for lib/pythonX.Y or lib/pypyX.Y; returns "X.Y" and whether PyPy. */
static char *version_from_lib(int envfd, bool *pypy)
{
	DIR *d = vs_opendir_at(envfd, "lib", VS_READ_NOFOLLOW);
	struct dirent *de;
	char *found = NULL;

	*pypy = false;
	if (!d)
		return NULL;
	while (!found && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (strncmp(n, "python", 6) == 0 && n[6] >= '0' && n[6] <= '9') {
			found = xstrdup(n + 6);
		} else if (strncmp(n, "pypy", 4) == 0) {
			*pypy = true;
			if (n[4] >= '0' && n[4] <= '9')
				found = xstrdup(n + 4);
		}
	}
	closedir(d);
	return found;
}

static void read_identity(struct venv *v, int envfd)
{
	const char *val;
	bool pypy = false;
	char *libver = version_from_lib(envfd, &pypy);

	if (scan_cfg_get(v->cfg, "uv"))
		v->kind = VENV_KIND_UV;
	else if (scan_cfg_get(v->cfg, "virtualenv"))
		v->kind = VENV_KIND_VIRTUALENV;
	else
		v->kind = VENV_KIND_VENV;

	if ((val = scan_cfg_get(v->cfg, "version")) && *val)
		v->python_version = xstrdup(val);
	else if ((val = scan_cfg_get(v->cfg, "version_info")) && *val)
		v->python_version = first_three_parts(val);
	else if (libver)
		v->python_version = xstrdup(libver);
	free(libver);

	if ((val = scan_cfg_get(v->cfg, "implementation")) && *val)
		v->implementation = xstrdup(val);
	else
		v->implementation = xstrdup(pypy ? "PyPy" : "CPython");

	if ((val = scan_cfg_get(v->cfg, "home")))
		v->home = xstrdup(val);
	if ((val = scan_cfg_get(v->cfg, "include-system-site-packages")))
		v->system_site_packages = scan_cfg_is_true(val) ? VENV_YES : VENV_NO;
	else
		v->system_site_packages = VENV_UNKNOWN;
	if ((val = scan_cfg_get(v->cfg, "prompt")))
		v->prompt = scan_cfg_unquote_prompt(val);
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Follows the symlink chain starting at `p` one link at a time. Returns the
 * first path that does not exist (the chain is dangling), or NULL when the
 * chain resolves or loops (*loop set). */
static char *dangling_end(const char *p, bool *loop)
{
	char *cur = xstrdup(p);
	char buf[PATH_MAX];

	*loop = false;
	for (int i = 0; i < 40; i++) {
		struct stat st;
		ssize_t n;
		char *next;

		if (lstat(cur, &st) != 0)
			return cur;
		if (!S_ISLNK(st.st_mode))
			break;
		n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0)
			break;
		buf[n] = '\0';
		if (buf[0] == '/') {
			next = xstrdup(buf);
		} else {
			char *dir = path_dirname(cur);

			next = path_join(dir, buf);
			free(dir);
		}
		free(cur);
		cur = next;
		if (i == 39)
			*loop = true;
	}
	free(cur);
	return NULL;
}

/* A copy interpreter: the base is `executable`, else home/<a python name>. */
static char *base_for_copy(const struct venv *v)
{
	const char *exe = scan_cfg_get(v->cfg, "executable");
	const char *iname = path_basename(v->interpreter);
	char *cand[4] = {0};
	char *found = NULL;
	size_t n = 0;

	if (exe && *exe)
		return xstrdup(exe);
	if (!v->home || !*v->home)
		return NULL;
	if (v->python_version) {
		const char *dot = strchr(v->python_version, '.');
		const char *end = dot ? strchr(dot + 1, '.') : NULL;
		size_t len = end ? (size_t)(end - v->python_version) : strlen(v->python_version);

		cand[n++] = xasprintf("%s/python%.*s", v->home, (int)len, v->python_version);
	}
	cand[n++] = path_join(v->home, strcmp(iname, "python.exe") == 0 ? "python" : iname);
	cand[n++] = path_join(v->home, "python3");
	for (size_t i = 0; i < n && !found; i++)
		if (is_file(cand[i]))
			found = xstrdup(cand[i]);
	if (!found)
		found = xstrdup(cand[0]);
	for (size_t i = 0; i < n; i++)
		free(cand[i]);
	return found;
}

/* Returns true when bin/python is a link that could not be followed at all
 * (its path is too long): that problem is reported here. */
static bool read_interpreter(struct venv *v, int envfd)
{
	bool unfollowed = false;
	struct stat st;
	const char *rel = NULL;

	for (size_t i = 0; i < sizeof(interp_names) / sizeof(*interp_names); i++) {
		if (fstatat(envfd, interp_names[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
			rel = interp_names[i];
			break;
		}
	}
	if (!rel) {
		v->link = VENV_LINK_MISSING;
		venv_add_problem(v, "the interpreter bin/python is missing");
		v->broken = true;
		return false;
	}
	v->interpreter = path_join(v->path, rel);
	if (S_ISLNK(st.st_mode)) {
		char buf[PATH_MAX];
		ssize_t n = readlinkat(envfd, rel, buf, sizeof(buf) - 1);
		char *real;

		v->link = VENV_LINK_SYMLINK;
		if (n >= 0) {
			buf[n] = '\0';
			v->link_target = xstrdup(buf);
		}
		/* An absolute target does not depend on where the env lies:
		 * following it alone spares a readlink of every folder of the
		 * env's path, and works when that path is too long. */
		if (v->link_target && v->link_target[0] == '/')
			real = realpath(v->link_target, NULL);
		else
			real = realpath(v->interpreter, NULL);
		if (real) {
			v->base_python = real;
		} else if (errno == ENAMETOOLONG) {
			char why[128];

			venv_add_problem(v, "%s cannot be followed: %s", rel,
					 path_errno_reason(why, sizeof(why), v->interpreter,
							   ENAMETOOLONG));
			v->broken = true;
			unfollowed = true;
		} else {
			bool loop;

			v->base_python = dangling_end(v->interpreter, &loop);
			if (loop)
				venv_add_problem(v, "%s is a symlink loop", rel);
		}
	} else {
		char *base;

		v->link = S_ISREG(st.st_mode) ? VENV_LINK_COPY : VENV_LINK_MISSING;
		if (v->link == VENV_LINK_MISSING) {
			venv_add_problem(v, "%s %s", rel, vs_file_type_reason(st.st_mode));
			v->broken = true;
		}
		base = base_for_copy(v);
		if (base) {
			char *real = realpath(base, NULL);

			v->base_python = real ? real : xstrdup(base);
			free(base);
		}
	}
	v->base_exists = v->base_python && is_file(v->base_python);
	return unfollowed;
}

/* "does not exist", "is a FIFO, not a file", "is a character device, not
 * a file", ...: what stands at `p` instead of an interpreter. */
static const char *why_not_file(const char *p, char *buf, size_t cap)
{
	struct stat st;

	if (stat(p, &st) == 0)
		return vs_file_type_reason(st.st_mode);
	if (errno == ENOENT || errno == ENOTDIR)
		return "does not exist";
	{
		char why[128];

		snprintf(buf, cap, "cannot be checked: %s",
			 path_errno_reason(why, sizeof(why), p, errno));
	}
	return buf;
}

static void check_health(struct venv *v, bool unfollowed)
{
	struct stat st;
	char why[192];

	if (v->cfg && !v->home) {
		venv_add_problem(v, "pyvenv.cfg has no home key");
		v->broken = true;
	} else if (v->home && (stat(v->home, &st) != 0 || !S_ISDIR(st.st_mode))) {
		venv_add_problem(v, "the home folder %s no longer exists", v->home);
		v->broken = true;
	}
	/* A link not followed (path too long) was reported by read_interpreter. */
	if (v->link == VENV_LINK_SYMLINK && !v->base_exists && !unfollowed) {
		if (v->base_python)
			venv_add_problem(v, "bin/python points to %s, which %s", v->base_python,
					 why_not_file(v->base_python, why, sizeof(why)));
		else
			venv_add_problem(v, "bin/python points to a missing file");
		v->broken = true;
	} else if (v->link == VENV_LINK_COPY && v->base_python && !v->base_exists) {
		const char *r = why_not_file(v->base_python, why, sizeof(why));

		if (strcmp(r, "does not exist") == 0)
			venv_add_problem(v, "the base interpreter %s no longer exists", v->base_python);
		else
			venv_add_problem(v, "the base interpreter %s %s", v->base_python, r);
		v->broken = true;
	}
}

/* Activation scripts: python -m venv and virtualenv write them last, once
 * the interpreter and pip are in place, so an env with none of them was
 * interrupted while it was made (Ctrl-C during pip's install). */
static const char *const activate_names[] = {
	"bin/activate",         "bin/activate.fish",    "bin/activate.csh",     "bin/activate.nu",
	"bin/activate.ps1",     "bin/Activate.ps1",     "bin/activate_this.py", "Scripts/activate",
	"Scripts/activate.bat", "Scripts/Activate.ps1",
};

/* `s` as one shell word: as is when it holds only safe bytes, else in
 * single quotes. Caller frees. */
static char *shell_word(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_-./+,:@%=") == strlen(s))
		return xstrdup(s);
	sb_addc(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_adds(&sb, "'\\''");
		else
			sb_addc(&sb, *s);
	}
	sb_addc(&sb, '\'');
	return sb_detach(&sb);
}

/* uv is left out: how far it got cannot be told from what it writes. */
static void check_complete(struct venv *v, int envfd)
{
	struct stat st;
	char *word;

	if (!v->cfg || v->kind == VENV_KIND_UV)
		return;
	for (size_t i = 0; i < sizeof(activate_names) / sizeof(*activate_names); i++)
		if (fstatat(envfd, activate_names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			return;
	v->incomplete = true;
	word = shell_word(v->path);
	venv_add_problem(v,
			 "incomplete: it has no bin/activate, so making it stopped before the end "
			 "(interrupted?); remove it with: venvscope delete %s",
			 word);
	free(word);
}

/* The package a pipx env provides: pipx_metadata.json's
 * main_package.package (what `pipx uninstall` takes), or NULL. */
static char *pipx_app(int envfd)
{
	char *text = NULL, *app = NULL;
	size_t len = 0;
	cJSON *doc, *pkg;

	if (vs_read_at(envfd, "pipx_metadata.json", VS_READ_NOFOLLOW, VS_READ_MAX_SMALL, &text, &len,
		       NULL) < 0)
		return NULL;
	doc = pyjson_parse(text, len, NULL);
	pkg = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "main_package"),
					       "package");
	if (cJSON_IsString(pkg) && pkg->valuestring[0])
		app = xstrdup(pkg->valuestring);
	cJSON_Delete(doc);
	free(text);
	return app;
}

struct venv *scan_inspect_env(int envfd, const char *path, const char *home, enum scan_parent parent)
{
	struct venv *v = xcalloc(1, sizeof(*v));
	struct stat st;

	v->path = xstrdup(path);
	v->name = xstrdup(path_basename(path));
	v->manager = scan_manager_for(path, home);
	if (scan_is_pipx_shared(path, home))
		v->role = "shared";
	else if (v->manager && strcmp(v->manager, "pipx") == 0)
		v->app = pipx_app(envfd);
	else if (v->manager && strcmp(v->manager, "uv") == 0 &&
		 fstatat(envfd, "uv-receipt.toml", &st, AT_SYMLINK_NOFOLLOW) == 0)
		v->app = xstrdup(v->name); /* uv tool install NAME makes tools/NAME */
	v->system_site_packages = VENV_UNKNOWN;
	v->git_state = SCAN_GIT_UNKNOWN;
	if (fstat(envfd, &st) == 0) {
		v->dev = st.st_dev;
		v->ino = st.st_ino;
	}
	if (scan_conda_is_prefix(envfd)) {
		/* conda-meta instead of pyvenv.cfg: its interpreter is checked
		 * like a venv's only when it has a Python at all. */
		if (scan_conda_inspect(v, envfd, home))
			check_health(v, read_interpreter(v, envfd));
		scan_story_read(v, envfd, time(NULL));
		scan_project_check(v);
		return v;
	}
	read_cfg(v, envfd);
	read_identity(v, envfd);
	check_health(v, read_interpreter(v, envfd));
	check_complete(v, envfd);
	scan_story_read(v, envfd, time(NULL));
	scan_find_project(v, envfd, home, parent);
	return v;
}

struct scan_pkgs_result *scan_inspect_packages(int envfd, const char *path)
{
	struct scan_pkgs_result *r = xcalloc(1, sizeof(*r));
	bool conda = scan_conda_is_prefix(envfd);
	struct stat st;

	r->n_site_packages = scan_site_dirs(&r->site_packages, envfd, path);
	if (conda)
		r->conda = scan_conda_packages(envfd, &r->problem);
	if (fstatat(envfd, conda ? "conda-meta/history" : "pyvenv.cfg", &st, AT_SYMLINK_NOFOLLOW) == 0)
		r->last_modified = (int64_t)st.st_mtime;
	for (size_t i = 0; i < r->n_site_packages; i++) {
		struct vs_err err = {0};
		int64_t m = scan_site_newest_mtime(r->site_packages[i]);

		if (m > r->last_modified)
			r->last_modified = m;
		if (scan_packages_read(&r->packages, r->site_packages[i], &err) < 0 && !r->problem)
			r->problem = xasprintf("site-packages cannot be read: %s", err.msg);
	}
	if (!r->problem && r->packages.problem)
		r->problem = xstrdup(r->packages.problem);
	/* A conda env without Python (R, tools) has none by design. */
	if (r->n_site_packages == 0 && !r->problem) {
		char *py = conda ? scan_conda_python_version(envfd) : NULL;

		if (!conda || py)
			r->problem = xstrdup("no site-packages folder found");
		free(py);
	}
	return r;
}

void scan_pkgs_result_free(struct scan_pkgs_result *r)
{
	if (!r)
		return;
	scan_free_strv(r->site_packages, r->n_site_packages);
	scan_pkg_list_clear(&r->packages);
	scan_conda_free(r->conda);
	free(r->problem);
	free(r);
}
