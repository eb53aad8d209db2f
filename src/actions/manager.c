/* Tidying what a manager keeps outside an env it owned (see manager.h). */
#include "manager.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/path.h"
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
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	if (fd < 0)
		return 0;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return 0;
	}
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
			vs_vec_push(removed, path_join(dir, de->d_name));
			n++;
		}
		free(norm);
		free(abs);
	}
	closedir(d);
	return n;
}

size_t act_manager_tidy(const struct venv *v, const char *home, struct vs_vec *removed)
{
	char *bin, *man, *env;
	size_t n = 0;

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
