#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>

char *fx_path(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

char *fx_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	char *d;

	snprintf(tmpl, sizeof(tmpl), "%s/vs-unit-XXXXXX", base && *base ? base : "/tmp");
	d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D) {
		chmod(p, 0700);
		return rmdir(p) == 0 ? 0 : 0;
	}
	unlink(p);
	return 0;
}

void fx_rmtree(const char *path)
{
	/* Make unreadable folders readable again first, then remove bottom-up. */
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null", path);
	if (system(cmd) != 0) {
		/* ignore: best effort */
	}
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

void fx_mkdirs(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);
	char *s;

	for (s = p + strlen(dir) + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", p, strerror(errno));
			*s = '/';
		}
	}
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
	free(p);
}

static void mkparents(const char *dir, const char *rel)
{
	const char *slash = strrchr(rel, '/');

	if (slash) {
		char *parent = strndup(rel, (size_t)(slash - rel));

		fx_mkdirs(dir, parent);
		free(parent);
	}
}

void fx_write(const char *dir, const char *rel, const char *data, size_t len)
{
	char *p = fx_path(dir, rel);
	int fd;

	mkparents(dir, rel);
	if (len == (size_t)-1)
		len = strlen(data);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail_msg("open %s: %s", p, strerror(errno));
	if (len && write(fd, data, len) != (ssize_t)len)
		fail_msg("write %s: %s", p, strerror(errno));
	close(fd);
	free(p);
}

void fx_symlink(const char *target, const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);

	mkparents(dir, rel);
	if (symlink(target, p) != 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
	free(p);
}

int fx_setup_dir(void **state)
{
	struct fx_dir *fx = calloc(1, sizeof(*fx));

	fx->dir = fx_tmpdir();
	fx->fd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fx->fd < 0)
		return -1;
	*state = fx;
	alarm(20);
	return 0;
}

int fx_teardown_dir(void **state)
{
	struct fx_dir *fx = *state;

	alarm(0);
	close(fx->fd);
	fx_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}
