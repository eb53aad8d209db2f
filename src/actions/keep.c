/* Keeping a manager's files across a clear or a rebuild. */
#include "keep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/readfile.h"
#include "../util/xalloc.h"

/* What virtualenvwrapper (mkvirtualenv writes these hooks and .project),
 * pipenv (.project), pipx and uv keep in an env. */
static const char *const managed[] = {
	".project",           "bin/preactivate",     "bin/postactivate",   "bin/predeactivate",
	"bin/postdeactivate", "bin/get_env_details", "pipx_metadata.json", "uv-receipt.toml",
};

#define N_MANAGED (sizeof(managed) / sizeof(*managed))

struct act_kept {
	char *data[N_MANAGED]; /* NULL: not kept */
	size_t len[N_MANAGED];
	mode_t mode[N_MANAGED];
};

struct act_kept *act_kept_read(const char *env)
{
	struct act_kept *k = xcalloc(1, sizeof(*k));
	int dfd = open(env, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; dfd >= 0 && i < N_MANAGED; i++) {
		struct stat st;

		if (fstatat(dfd, managed[i], &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (vs_read_at(dfd, managed[i], 0, VS_READ_MAX_SMALL, &k->data[i], &k->len[i], NULL) !=
		    0) {
			free(k->data[i]);
			k->data[i] = NULL;
			continue;
		}
		k->mode[i] = st.st_mode & 07777;
	}
	if (dfd >= 0)
		close(dfd);
	return k;
}

size_t act_kept_count(const struct act_kept *k)
{
	size_t n = 0;

	for (size_t i = 0; k && i < N_MANAGED; i++)
		n += k->data[i] != NULL;
	return n;
}

static int put(int dfd, const char *name, const char *data, size_t len, mode_t mode)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	size_t off = 0;

	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno ? errno : EIO;

			close(fd);
			unlinkat(dfd, name, 0); /* no half-written file */
			return -e;
		}
		off += (size_t)w;
	}
	fchmod(fd, mode); /* the umask narrowed it */
	return close(fd) == 0 ? 0 : -errno;
}

int act_kept_restore(const struct act_kept *k, const char *env, struct vs_err *err)
{
	int dfd = open(env, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (dfd < 0)
		return act_kept_count(k)
			       ? vs_err_set(err, VS_EFAIL, "%s: cannot open: %s", env, strerror(errno))
			       : 0;
	for (size_t i = 0; k && i < N_MANAGED; i++) {
		int e;

		if (!k->data[i] || (e = put(dfd, managed[i], k->data[i], k->len[i], k->mode[i])) == 0)
			continue;
		if (rc == 0)
			rc = vs_err_set(err, VS_EFAIL, "%s/%s: could not be put back: %s", env,
					managed[i], strerror(-e));
	}
	close(dfd);
	return rc;
}

void act_kept_free(struct act_kept *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < N_MANAGED; i++)
		free(k->data[i]);
	free(k);
}
