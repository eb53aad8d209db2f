/* The project an env belongs to: what the env says (.project, its place
 * under .tox/.nox, a .venv's parent, a marked parent folder), and whether
 * that folder is still there. Poetry and hatch envs name their project
 * only through a hash of its path: scan_project_hash_of gives it, and the
 * scan matches it against the projects its walk met (scan.c). */
#include "project.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"
#include "places.h"

/* pipenv and virtualenvwrapper write one line; anything this long is not
 * a .project they wrote. */
#define PROJECT_FILE_MAX 4096

/* The folder .project names, trimmed; NULL when there is none or it is
 * not one path (flagged in v->problems). */
static char *read_dot_project(struct venv *v, int envfd)
{
	char *text = NULL, *s, *e, *r = NULL;
	size_t len = 0;
	struct vs_err err = {0};

	if (vs_read_at(envfd, ".project", VS_READ_NOFOLLOW, PROJECT_FILE_MAX, &text, &len, &err) < 0) {
		if (errno != ENOENT)
			venv_add_problem(v, "its .project cannot be read: %s", err.msg);
		return NULL;
	}
	s = text;
	while (*s == ' ' || *s == '\t')
		s++;
	e = text + len;
	/* One line: its own newline (and trailing blanks) may end it. */
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (e > s && (memchr(s, '\n', (size_t)(e - s)) || memchr(s, '\r', (size_t)(e - s)) ||
		      memchr(s, '\0', (size_t)(e - s))))
		venv_add_problem(v, "its .project holds more than one line, so it names no folder");
	else if (e > s)
		r = xstrndup(s, (size_t)(e - s));
	free(text);
	return r;
}

bool scan_is_project_marker(const char *n)
{
	static const char *const markers[] = {"pyproject.toml", "setup.py", "setup.cfg", "Pipfile",
					      ".git"};

	/* Every name of a walk comes here: most go at the first letter. */
	if (!n[0] || !strchr("psP.r", n[0]))
		return false;
	for (size_t i = 0; i < sizeof(markers) / sizeof(*markers); i++)
		if (strcmp(n, markers[i]) == 0)
			return true;
	if (strncmp(n, "requirements", 12) == 0) {
		size_t len = strlen(n);

		return len >= 16 && strcmp(n + len - 4, ".txt") == 0;
	}
	return false;
}

/* What .project names, normalised; NULL when none (or flagged). */
static char *project_from_file(struct venv *v, int envfd, const char *home)
{
	char *named = read_dot_project(v, envfd), *joined, *p;

	if (!named)
		return NULL;
	/* Relative to the env that holds it, not to our current folder;
	 * normalised, so it compares with the env's parent folder. */
	joined = named[0] == '/' ? xstrdup(named) : path_join(v->path, named);
	p = path_absolute(joined);
	free(joined);
	if (p && strcmp(p, "/") == 0) {
		venv_add_problem(v, "its .project names /, which is no project folder");
		free(p);
		p = NULL;
	} else if (p && scan_is_central_folder(p, home)) {
		free(p);
		p = NULL;
	}
	free(named);
	return p;
}

/* The folder above the .tox or .nox folder that holds the env. */
static char *test_runner_project(const struct venv *v)
{
	char *runner = path_dirname(v->path);
	char *p = path_dirname(runner);
	const char *b = path_basename(runner);

	if (strcmp(b, ".tox") != 0 && strcmp(b, ".nox") != 0) {
		free(p);
		p = NULL;
	}
	free(runner);
	return p;
}

/* The parent folder when it holds a project marker: as the walk saw it,
 * else read now. The walk's answer saves reading a folder of 2,500
 * envs once for each of them. */
static char *marked_parent(const struct venv *v, int envfd, enum scan_parent parent)
{
	struct dirent *de;
	bool marked = parent == SCAN_PARENT_MARKED;
	DIR *d;

	if (parent == SCAN_PARENT_UNKNOWN && (d = vs_opendir_at(envfd, "..", 0)) != NULL) {
		while (!marked && (de = readdir(d)) != NULL)
			marked = scan_is_project_marker(de->d_name);
		closedir(d);
	}
	return marked ? path_dirname(v->path) : NULL;
}

void scan_find_project(struct venv *v, int envfd, const char *home, enum scan_parent parent)
{
	char *above;
	bool central;

	/* A kind that knows its project already (a conda prefix's history)
	 * keeps it: only whether it still exists is checked. */
	if (!v->project)
		v->project = project_from_file(v, envfd, home);
	if (!v->project && v->manager &&
	    (strcmp(v->manager, "tox") == 0 || strcmp(v->manager, "nox") == 0))
		v->project = test_runner_project(v);
	if (!v->project) {
		above = path_dirname(v->path);
		central = scan_is_central_folder(above, home);
		free(above);
		if (!central && strcmp(v->name, ".venv") == 0)
			v->project = path_dirname(v->path);
		else if (!central)
			v->project = marked_parent(v, envfd, parent);
	}
	scan_project_check(v);
}

void scan_project_check(struct venv *v)
{
	struct stat st;

	v->project_exists = VENV_UNKNOWN;
	if (!v->project)
		return;
	if (stat(v->project, &st) == 0) {
		v->project_exists = S_ISDIR(st.st_mode) ? VENV_YES : VENV_NO;
		v->n_flagged += !S_ISDIR(st.st_mode);
		if (!S_ISDIR(st.st_mode))
			venv_add_problem(v, "orphan: its project %s %s, not a folder", v->project,
					 S_ISREG(st.st_mode) ? "is a file"
							     : vs_file_type_reason(st.st_mode));
	} else if (errno == ENOENT || errno == ENOTDIR) {
		v->project_exists = VENV_NO;
		v->n_flagged++;
		venv_add_problem(v, "orphan: its project folder %s no longer exists", v->project);
	}
	v->orphan = v->orphan || v->project_exists == VENV_NO;
}

/* "<name>-XXXXXXXX-pyN.M": the 8 characters, or false. */
static bool poetry_hash(const char *name, char out[9])
{
	const char *py = strstr(name, "-py");
	const char *last = NULL;

	/* The last "-py" followed by a digit ends the hash. */
	for (; py; py = strstr(py + 1, "-py"))
		if (py[3] >= '0' && py[3] <= '9')
			last = py;
	if (!last || last - name < 10 || last[-9] != '-')
		return false;
	memcpy(out, last - 8, 8);
	out[8] = '\0';
	return true;
}

bool scan_project_hash_of(const struct venv *v, char out[9])
{
	char *parent;
	bool ok = false;

	if (!v->manager || v->project)
		return false;
	if (strcmp(v->manager, "poetry") == 0)
		return poetry_hash(v->name, out);
	if (strcmp(v->manager, "hatch") != 0)
		return false;
	parent = path_dirname(v->path);
	if (strlen(path_basename(parent)) == 8) {
		memcpy(out, path_basename(parent), 9);
		ok = true;
	}
	free(parent);
	return ok;
}
