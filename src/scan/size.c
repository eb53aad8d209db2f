/* Sizing a tree the way GNU du does (du -sbx, du -sx --block-size=1) and
 * counting its non-directories the way `find ! -type d` does.
 *
 * The walk is depth-first and relative to directory fds: each level keeps
 * one open DIR while its subdirectories are visited, so nothing depends on
 * path lengths or on the current directory. When the process is out of
 * descriptors (a low ulimit -n), a folder that cannot be opened is put
 * aside by its path below the tree's root and walked once the levels above
 * it are closed, reopened with openat2 beneath the root, never through a
 * symlink or into another filesystem. */
#include "size.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/dirread.h"
#include "../util/err.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/vec.h"
#include "../util/xalloc.h"

/* Checking the cancel flag costs an atomic load; every 256 entries keeps a
 * cancelled walk short without touching it per file. */
#define CANCEL_EVERY 256u

/* (st_dev, st_ino) of hard-linked files already counted, with their link
 * count, their blocks and how many of their links the walk met: a file is
 * freeable when all its links are inside the tree (seen == nlink). Open
 * addressing with linear probing; `seen` > 0 marks taken slots because no
 * key value is guaranteed to be free. */
struct ino_slot {
	dev_t dev;
	ino_t ino;
	uint64_t disk; /* st_blocks * 512 */
	uint32_t nlink;
	uint32_t seen;
};

struct ino_set {
	struct ino_slot *slots;
	size_t cap; /* a power of two, or 0 before the first insert */
	size_t len;
};

struct scan_size_links {
	pthread_mutex_t lock;
	struct ino_set set;
};

struct walk {
	struct scan_size *out;
	const atomic_bool *cancel;
	const struct scan_size_split *split; /* NULL: one thread, `seen` is ours */
	dev_t root_dev;
	struct ino_set seen;
	unsigned tick;
	int stop;               /* set once cancel was seen: unwind without more work */
	int base;               /* the tree's root, to reopen folders put aside; -1: none */
	int fd_ceiling;         /* with base: an fd this high is put back, for others */
	struct strbuf rel;      /* the folder being walked, relative to base */
	struct vs_vec deferred; /* folders put aside for want of fds (relative paths) */
};

static size_t ino_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino ^ ((uint64_t)dev * 0x9e3779b97f4a7c15ull);

	/* splitmix64 finaliser: inode numbers are often sequential, and a
	 * power-of-two table would otherwise use only their low bits. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (size_t)h;
}

/* The slot holding the key, or the empty slot where it belongs. */
static size_t ino_find(const struct ino_slot *slots, size_t cap, dev_t dev, ino_t ino)
{
	size_t i = ino_hash(dev, ino) & (cap - 1);

	while (slots[i].seen && !(slots[i].dev == dev && slots[i].ino == ino))
		i = (i + 1) & (cap - 1);
	return i;
}

static void ino_grow(struct ino_set *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 64;
	struct ino_slot *n = xcalloc(ncap, sizeof(*n));
	size_t i;

	for (i = 0; i < s->cap; i++) {
		const struct ino_slot *o = &s->slots[i];

		if (o->seen)
			n[ino_find(n, ncap, o->dev, o->ino)] = *o;
	}
	free(s->slots);
	s->slots = n;
	s->cap = ncap;
}

/* Counts one link of the file `st`; returns 1 when the file was new, 0
 * when already present. */
static int ino_add(struct ino_set *s, const struct stat *st)
{
	struct ino_slot *e;

	/* Keep the load under one half so probe runs stay short. */
	if ((s->len + 1) * 2 > s->cap)
		ino_grow(s);
	e = &s->slots[ino_find(s->slots, s->cap, st->st_dev, st->st_ino)];
	if (e->seen) {
		if (e->seen < UINT32_MAX)
			e->seen++;
		return 0;
	}
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->disk = st->st_blocks > 0 ? (uint64_t)st->st_blocks * 512u : 0;
	e->nlink = st->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->st_nlink;
	e->seen = 1;
	s->len++;
	return 1;
}

/* The blocks of the files whose every link the walk met. */
static uint64_t ino_freeable(const struct ino_set *s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].seen && s->slots[i].seen >= s->slots[i].nlink)
			sum += s->slots[i].disk;
	return sum;
}

static void ino_free(struct ino_set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->len = 0;
}

struct scan_size_links *scan_size_links_new(void)
{
	struct scan_size_links *l = xcalloc(1, sizeof(*l));

	pthread_mutex_init(&l->lock, NULL);
	return l;
}

uint64_t scan_size_links_freeable(struct scan_size_links *l)
{
	uint64_t sum;

	pthread_mutex_lock(&l->lock);
	sum = ino_freeable(&l->set);
	pthread_mutex_unlock(&l->lock);
	return sum;
}

static bool never_take(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	return false;
}

int scan_size_tree_links(struct scan_size *out, int dirfd, struct scan_size_links *links)
{
	struct scan_size_split split = {.take = never_take, .links = links};

	return scan_size_tree_split(out, dirfd, NULL, &split);
}

static int cmp_inode(const void *pa, const void *pb)
{
	const struct scan_inode *a = pa, *b = pb;

	return a->ino < b->ino ? -1 : a->ino > b->ino;
}

struct scan_inodes *scan_size_links_export(struct scan_size_links *l, dev_t dev)
{
	struct scan_inodes *out = NULL;
	size_t k = 0;

	pthread_mutex_lock(&l->lock);
	for (size_t i = 0; i < l->set.cap; i++) {
		const struct ino_slot *o = &l->set.slots[i];

		/* Only files with links outside; a walk never leaves dev. */
		if (!o->seen || o->seen >= o->nlink || o->dev != dev)
			continue;
		if (!out) {
			out = xcalloc(1, sizeof(*out));
			out->dev = dev;
			out->v = xcalloc(l->set.len, sizeof(*out->v));
		}
		out->v[k++] = (struct scan_inode){o->ino, o->disk, o->nlink, o->seen};
	}
	pthread_mutex_unlock(&l->lock);
	if (!out)
		return NULL;
	out->n = k;
	out->v = xrealloc(out->v, k * sizeof(*out->v));
	qsort(out->v, k, sizeof(*out->v), cmp_inode);
	return out;
}

void scan_size_links_free(struct scan_size_links *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	ino_free(&l->set);
	free(l);
}

/* True the first time a hard-linked file is seen in the whole tree. */
static bool first_link(struct walk *w, const struct stat *st)
{
	struct scan_size_links *l = w->split ? w->split->links : NULL;
	int fresh;

	if (!l)
		return ino_add(&w->seen, st);
	pthread_mutex_lock(&l->lock);
	fresh = ino_add(&l->set, st);
	pthread_mutex_unlock(&l->lock);
	return fresh;
}

void scan_size_add(struct scan_size *dst, const struct scan_size *src)
{
	dst->size_bytes += src->size_bytes;
	dst->disk_bytes += src->disk_bytes;
	dst->freeable_bytes += src->freeable_bytes;
	dst->files += src->files;
	dst->errors += src->errors;
}

static void add_sizes(struct scan_size *out, const struct stat *st)
{
	/* du -b takes st_size of every counted entry (directories too, in
	 * coreutils up to 9.1); du -B1 takes 512-byte blocks, whatever
	 * st_blksize says. */
	if (st->st_size > 0)
		out->size_bytes += (uint64_t)st->st_size;
	if (st->st_blocks > 0)
		out->disk_bytes += (uint64_t)st->st_blocks * 512u;
}

/* Blocks that go with the entry: a directory, or a file with one link. */
static void add_freeable(struct scan_size *out, const struct stat *st)
{
	if (st->st_blocks > 0)
		out->freeable_bytes += (uint64_t)st->st_blocks * 512u;
}

static int cancelled(struct walk *w)
{
	if (w->stop)
		return 1;
	if (w->cancel && (w->tick++ % CANCEL_EVERY) == 0 && atomic_load(w->cancel))
		w->stop = 1;
	return w->stop;
}

static void walk_dir(struct walk *w, int fd);

static bool out_of_fds(int e)
{
	return e == EMFILE || e == ENFILE;
}

/* `name`, a folder of the one being walked, for later (see the top). */
static void defer(struct walk *w, const char *name)
{
	struct strbuf p = STRBUF_INIT;

	if (w->rel.len) {
		sb_add(&p, w->rel.buf, w->rel.len);
		sb_addc(&p, '/');
	}
	sb_adds(&p, name);
	vs_vec_push(&w->deferred, sb_detach(&p));
}

/* Walks the folder `name` open as `fd`, keeping w->rel up to date when
 * folders may be put aside. */
static void descend(struct walk *w, int fd, const char *name)
{
	size_t len = w->rel.len;

	if (w->base < 0) {
		walk_dir(w, fd);
		return;
	}
	if (len)
		sb_addc(&w->rel, '/');
	sb_adds(&w->rel, name);
	walk_dir(w, fd);
	w->rel.len = len;
	w->rel.buf[len] = '\0';
}

/* A folder put aside, reopened below `base` without following a symlink
 * or leaving the filesystem; -1 with errno (ENOSYS before Linux 5.6). */
static int reopen_beneath(int base, const char *rel)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
	};

	return (int)syscall(SYS_openat2, base, rel, &how, sizeof(how));
#else
	(void)base;
	(void)rel;
	errno = ENOSYS;
	return -1;
#endif
}

/* File descriptors a size walk leaves free under a low limit. */
#define SPARE_FDS 3

static int fd_ceiling(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > (rlim_t)INT_MAX)
		return INT_MAX;
	return rl.rlim_cur > SPARE_FDS ? (int)rl.rlim_cur - SPARE_FDS : 0;
}

/* Walks the folders put aside (and those they put aside in turn). */
static void walk_deferred(struct walk *w)
{
	for (size_t i = 0; i < w->deferred.n && !w->stop; i++) {
		const char *rel = w->deferred.v[i];
		int fd = reopen_beneath(w->base, rel);

		if (fd < 0) {
			vs_fd_shortage_note(errno);
			w->out->errors++;
			continue;
		}
		sb_reset(&w->rel);
		sb_adds(&w->rel, rel);
		walk_dir(w, fd);
	}
}

/* One directory entry `name` (readdir type `dtype`) of the directory open
 * as `pfd`. */
static void visit(struct walk *w, int pfd, const char *name, unsigned char dtype)
{
	struct stat st;
	int fd;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		/* Vanished, or no search permission in the parent: du skips
		 * its size too. find still lists a name it cannot stat, so a
		 * non-directory that is there (d_type says so) still counts. */
		if (errno != ENOENT && dtype != DT_UNKNOWN && dtype != DT_DIR)
			w->out->files++;
		w->out->errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* find lists every name, hard link or not, and find -xdev still
		 * lists an entry that is itself on another filesystem. */
		w->out->files++;
		if (st.st_dev != w->root_dev)
			return;
		if (st.st_nlink > 1) {
			/* Its blocks are freeable once all its links are met:
			 * added up at the end (ino_freeable). */
			if (first_link(w, &st))
				add_sizes(w->out, &st);
			return;
		}
		add_sizes(w->out, &st);
		add_freeable(w->out, &st);
		return;
	}
	/* du -x leaves out a mount point entirely, its own size included. */
	if (st.st_dev != w->root_dev)
		return;
	/* du counts an unreadable directory's own size (FTS_DNR). */
	add_sizes(w->out, &st);
	add_freeable(w->out, &st);
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->base >= 0 && ((fd < 0 && out_of_fds(errno)) || fd >= w->fd_ceiling)) {
		/* Out of fds, or nearly: the last few stay free for the rest of
		 * the program (the browser's terminal, a package's METADATA). */
		if (fd >= 0)
			close(fd);
		defer(w, name);
		return;
	}
	if (fd < 0) {
		/* EACCES, ENOENT (vanished), ELOOP (swapped for a symlink),
		 * EMFILE (very deep tree): count it and go on. */
		vs_fd_shortage_note(errno);
		w->out->errors++;
		return;
	}
	if (w->split && w->split->take(w->split->ctx, fd))
		return;
	descend(w, fd, name);
}

/* Walks the directory open as `fd` and closes it. */
static void walk_dir(struct walk *w, int fd)
{
	struct vs_dir *d = vs_dir_open(fd);

	for (;;) {
		unsigned char type;
		const char *n = vs_dir_next(d, &type);

		if (!n) {
			if (errno != 0)
				w->out->errors++;
			break;
		}
		if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')))
			continue;
		if (cancelled(w))
			break;
		visit(w, fd, n, type);
		if (w->stop)
			break;
	}
	vs_dir_close(d);
}

int scan_size_tree_split(struct scan_size *out, int dirfd, const atomic_bool *cancel,
			 const struct scan_size_split *split)
{
	struct walk w;
	struct stat st;
	int fd;

	memset(out, 0, sizeof(*out));
	if (fstat(dirfd, &st) != 0 || !S_ISDIR(st.st_mode)) {
		out->errors = 1;
		return VS_EFAIL;
	}
	add_sizes(out, &st);
	add_freeable(out, &st);
	/* A fresh open of "." rather than dup(): a dup shares the caller's
	 * read position, which readdir would move. */
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		vs_fd_shortage_note(errno);
		out->errors = 1;
		return VS_EFAIL;
	}
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.cancel = cancel;
	w.split = split;
	w.root_dev = st.st_dev;
	w.base = dirfd; /* the caller's, open until we return */
	w.fd_ceiling = fd_ceiling();
	vs_vec_init_strs(&w.deferred);
	walk_dir(&w, fd);
	walk_deferred(&w);
	vs_vec_clear(&w.deferred);
	sb_free(&w.rel);
	out->freeable_bytes += ino_freeable(&w.seen); /* empty with a split */
	ino_free(&w.seen);
	return VS_OK;
}

int scan_size_tree(struct scan_size *out, int dirfd, const atomic_bool *cancel)
{
	return scan_size_tree_split(out, dirfd, cancel, NULL);
}

void scan_size_part(struct scan_size *out, int fd, dev_t root_dev, const atomic_bool *cancel,
		    const struct scan_size_split *split)
{
	struct walk w;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.cancel = cancel;
	w.split = split;
	w.root_dev = root_dev;
	w.base = -1; /* a part's root is closed by its walk: nothing is put aside */
	walk_dir(&w, fd);
	out->freeable_bytes += ino_freeable(&w.seen); /* empty with a split */
	ino_free(&w.seen);
}
