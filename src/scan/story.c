/* An env's story: moved, version mismatch, support status, created, last
 * used. Everything comes from files the scan visits anyway, or one more
 * small read (bin/activate, else one console script's first line). */
#include "story.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/readfile.h"
#include "../util/xalloc.h"

/* Activate scripts are a few KiB; anything bigger is not one venv wrote. */
#define ACTIVATE_MAX (256 * 1024)
/* A shebang is read within one page. */
#define SHEBANG_MAX 4096

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "3.11.7" -> "3.11" (owned), NULL when it does not start with N.M. */
static char *major_minor(const char *v)
{
	const char *p = v;

	if (!v || !is_digit(*p))
		return NULL;
	while (is_digit(*p))
		p++;
	if (*p != '.' || !is_digit(p[1]))
		return NULL;
	p++;
	while (is_digit(*p))
		p++;
	return xstrndup(v, (size_t)(p - v));
}

char *scan_story_activate_path(const char *text)
{
	const char *line = text;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p = line, *end;
		char q = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		if (strncmp(p, "VIRTUAL_ENV=", 12) != 0)
			continue;
		p += 12;
		if (*p == '"' || *p == '\'')
			q = *p++;
		end = p + strcspn(p, q ? (q == '"' ? "\"\n" : "'\n") : " \t;\n");
		if (*p == '/' && !memchr(p, '$', (size_t)(end - p)) && (!q || *end == q))
			return xstrndup(p, (size_t)(end - p));
	}
	return NULL;
}

char *scan_story_command_path(const char *command)
{
	const char *p = command ? strstr(command, " -m venv ") : NULL;

	if (!p)
		return NULL;
	p += 9;
	/* Options come first, the folder last (venv writes it unquoted). */
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p != '-')
			break;
		p += strcspn(p, " ");
	}
	if (*p != '/')
		return NULL;
	/* One line: pyvenv.cfg's value never holds more. */
	return xstrndup(p, strcspn(p, "\r\n"));
}

/* The env folder of a console script's `#!/x/env/bin/python` line. */
static char *shebang_path(struct venv *v, int envfd)
{
	static const char *const names[] = {"bin/pip", "bin/pip3"};
	char buf[SHEBANG_MAX + 1];

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		int fd = vs_open_at(envfd, names[i], VS_READ_NOFOLLOW, SIZE_MAX, NULL, NULL);
		ssize_t n;
		char *nl, *bin, *env;

		if (fd < 0)
			continue;
		n = read(fd, buf, SHEBANG_MAX);
		close(fd);
		if (n < 2 || buf[0] != '#' || buf[1] != '!')
			return NULL;
		buf[n] = '\0';
		nl = memchr(buf, '\n', (size_t)n);
		if (!nl) {
			venv_add_problem(v,
					 "%s's first line is longer than %d bytes, so no system "
					 "runs it as a script",
					 names[i], SHEBANG_MAX);
			return NULL;
		}
		*nl = '\0';
		if (buf[2] != '/' || strlen(buf) != (size_t)(nl - buf) ||
		    strncmp(path_basename(buf + 2), "python", 6) != 0)
			return NULL;
		bin = path_dirname(buf + 2);
		env = strcmp(path_basename(bin), "bin") == 0 ? path_dirname(bin) : NULL;
		free(bin);
		return env;
	}
	return NULL;
}

/* Where the env says it was made: activate, else a shebang, else the
 * command line pyvenv.cfg keeps. */
static char *created_at(struct venv *v, int envfd)
{
	char *text = NULL, *p = NULL;
	size_t len = 0;

	if (vs_read_at(envfd, "bin/activate", VS_READ_NOFOLLOW | VS_READ_NOATIME, ACTIVATE_MAX, &text,
		       &len, NULL) == 0) {
		p = scan_story_activate_path(text);
		free(text);
	}
	if (!p)
		p = shebang_path(v, envfd);
	if (!p && v->cfg)
		p = scan_story_command_path(scan_cfg_get(v->cfg, "command"));
	return p;
}

static bool same_folder(const char *a, int envfd)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && fstat(envfd, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void read_moved(struct venv *v, int envfd)
{
	char *was = created_at(v, envfd), *norm;

	if (!was)
		return;
	norm = path_absolute(was);
	free(was);
	/* Another spelling of this very folder (a symlinked parent) is no move. */
	if (norm && strcmp(norm, v->path) != 0 && !same_folder(norm, envfd)) {
		v->moved_from = norm;
		v->n_flagged++;
		venv_add_problem(v,
				 "moved: it was created at %s and its scripts still point there; "
				 "rebuild it (venvscope rebuild)",
				 norm);
		return;
	}
	free(norm);
}

/* "X.Y" the base interpreter's own files say: its real name pythonX.Y,
 * else the one lib/pythonX.Y of its prefix. */
static char *base_version(const char *base)
{
	const char *b = path_basename(base);
	char *bin, *prefix, *lib, *found = NULL;
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (strncmp(b, "python", 6) == 0 && (found = major_minor(b + 6)) &&
	    strlen(found) == strlen(b + 6))
		return found;
	free(found);
	found = NULL;
	bin = path_dirname(base);
	prefix = path_dirname(bin);
	lib = path_join(prefix, "lib");
	d = opendir(lib);
	while (d && (de = readdir(d)) != NULL) {
		char *mm;

		if (strncmp(de->d_name, "python", 6) != 0 || !(mm = major_minor(de->d_name + 6)))
			continue;
		if (strlen(mm) == strlen(de->d_name + 6) && n++ == 0)
			found = mm;
		else
			free(mm);
	}
	if (d)
		closedir(d);
	if (n != 1) {
		free(found);
		found = NULL;
	}
	free(bin);
	free(prefix);
	free(lib);
	return found;
}

static void read_mismatch(struct venv *v)
{
	char *want = major_minor(v->python_version);

	if (want && v->base_exists && v->base_python)
		v->base_version = base_version(v->base_python);
	if (want && v->base_version && strcmp(want, v->base_version) != 0) {
		v->version_mismatch = true;
		venv_add_problem(v,
				 "version mismatch: pyvenv.cfg says Python %s, but its base "
				 "interpreter %s is Python %s; rebuild it",
				 v->python_version, v->base_python, v->base_version);
	}
	free(want);
}

static void read_life(struct venv *v, time_t now)
{
	v->life = scan_python_life(v->python_version, now);
	if (v->life.support != SCAN_SUPPORT_EOL)
		return;
	v->n_flagged++;
	if (v->life.eol_date)
		venv_add_problem(v, "end of life: Python %s gets no more fixes since %s",
				 v->python_version, v->life.eol_date);
	else
		venv_add_problem(v, "end of life: Python %s gets no more fixes", v->python_version);
}

/* Takes the atime of dirfd/name, a regular file, when it is newer. A
 * symlink is left out: its atime moves whenever anyone follows it, the
 * scan itself too (bin/python is followed to find the base). */
static void consider(struct venv *v, int dirfd, const char *name, const char *source)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return;
	if ((int64_t)st.st_atime > v->last_used) {
		v->last_used = (int64_t)st.st_atime;
		v->last_used_source = source;
	}
}

/* The .pyc files of site-packages/__pycache__: modules imported from the env. */
static void consider_pycache(struct venv *v, int envfd)
{
	char *mm = major_minor(v->python_version);
	char *rel = mm ? xasprintf("lib/python%s/site-packages/__pycache__", mm) : NULL;
	DIR *d = rel ? vs_opendir_at(envfd, rel, VS_READ_NOFOLLOW) : NULL;
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n > 4 && strcmp(de->d_name + n - 4, ".pyc") == 0)
			consider(v, dirfd(d), de->d_name, "site-packages/__pycache__");
	}
	if (d)
		closedir(d);
	free(rel);
	free(mm);
}

static void read_last_used(struct venv *v, int envfd)
{
	struct statvfs sv;
	struct stat st;

	if (fstatvfs(envfd, &sv) == 0 && (sv.f_flag & ST_NOATIME)) {
		v->noatime = true;
		return;
	}
	/* venvscope reads bin/activate with O_NOATIME, which the system
	 * grants only for our own files (or to root): others are left out. */
	if (fstatat(envfd, "bin/activate", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (geteuid() == 0 || st.st_uid == geteuid()))
		consider(v, envfd, "bin/activate", "bin/activate");
	/* A copied interpreter is read by exec only; a symlink is followed
	 * by the scan itself, so it is left out. */
	consider(v, envfd, "bin/python", "bin/python");
	consider_pycache(v, envfd);
}

static void read_created(struct venv *v, int envfd)
{
	struct statx sx;

	if (statx(envfd, "pyvenv.cfg", AT_SYMLINK_NOFOLLOW, STATX_BTIME, &sx) == 0 &&
	    (sx.stx_mask & STATX_BTIME) && sx.stx_btime.tv_sec > 0)
		v->created = (int64_t)sx.stx_btime.tv_sec;
}

/* pipx knows an app by its pipx_metadata.json: without it, pipx lists the
 * env as invalid and no longer manages it. */
static void read_pipx_record(struct venv *v, int envfd)
{
	struct stat st;

	if (!v->manager || strcmp(v->manager, "pipx") != 0 || v->role)
		return;
	if (fstatat(envfd, "pipx_metadata.json", &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return;
	v->orphan = true;
	v->n_flagged++;
	venv_add_problem(v, "orphan: pipx has no record of it (pipx_metadata.json is missing)");
}

void scan_story_read(struct venv *v, int envfd, time_t now)
{
	/* Access times first, before this scan reads anything of the env. */
	read_last_used(v, envfd);
	read_created(v, envfd);
	read_moved(v, envfd);
	read_mismatch(v);
	read_life(v, now);
	read_pipx_record(v, envfd);
}

static void line(struct scan_story_line *l, size_t *n, const char *label, bool bad, char *text)
{
	l[*n].label = label;
	l[*n].text = text;
	l[*n].bad = bad;
	(*n)++;
}

static char *life_text(const struct venv *v)
{
	const char *date = v->life.eol_date ? v->life.eol_date : "?";

	switch (v->life.support) {
	case SCAN_SUPPORT_EOL:
		return xasprintf("end of life since %s: no more fixes, not even for security", date);
	case SCAN_SUPPORT_SECURITY:
		return xasprintf("security fixes only, until %s", date);
	case SCAN_SUPPORT_BUGFIX:
		return xasprintf("bug fixes, end of life %s", date);
	case SCAN_SUPPORT_UNKNOWN:
		break;
	}
	return xstrdup("unknown");
}

size_t scan_story_lines(struct scan_story_line *out, const struct venv *v, time_t now)
{
	size_t n = 0;
	char when[64];

	if (v->project)
		line(out, &n, "project", v->orphan,
		     xasprintf("%s (%s)", v->project,
			       v->project_exists == VENV_YES  ? "exists"
			       : v->project_exists == VENV_NO ? "gone: the env is an orphan"
							      : "cannot be checked"));
	else
		line(out, &n, "project", v->orphan,
		     xstrdup(v->orphan ? "- (its manager has no record of it)" : "-"));
	line(out, &n, "python support", venv_is_eol(v), life_text(v));
	if (v->created > 0)
		human_when(when, sizeof(when), v->created, (int64_t)now);
	line(out, &n, "created", false,
	     xstrdup(v->created > 0 ? when : "unknown (no birth time here)"));
	if (v->last_used > 0) {
		human_when(when, sizeof(when), v->last_used, (int64_t)now);
		line(out, &n, "last used", false, xasprintf("%s, from %s", when, v->last_used_source));
	} else {
		line(out, &n, "last used", false,
		     xstrdup(v->noatime ? "unknown: its filesystem keeps no access times (noatime)"
					: "unknown"));
	}
	if (v->moved_from)
		line(out, &n, "moved from", true,
		     xasprintf("%s: its scripts point there; rebuild it", v->moved_from));
	if (v->version_mismatch)
		line(out, &n, "base version", true,
		     xasprintf("%s, but pyvenv.cfg says %s; rebuild it", v->base_version,
			       v->python_version));
	return n;
}

void scan_story_lines_free(struct scan_story_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].text);
}
