/* scan_size_tree against the real du and find on real trees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scan/size.h"
#include "helpers/fixture.h"

/* What du and find say about a tree. */
struct ref {
	uint64_t size;  /* du -sb */
	uint64_t disk;  /* du -s --block-size=1 */
	uint64_t files; /* find ! -type d | wc -l */
};

/* coreutils 9.2 and later give directories an apparent size of 0; the
 * contract (and du up to 9.1) counts their st_size. Found out once. */
static int du_skips_dirs;

static uint64_t cmd_num(const char *fmt, const char *dir)
{
	char cmd[8192];
	unsigned long long v;
	FILE *f;

	snprintf(cmd, sizeof(cmd), fmt, dir);
	f = popen(cmd, "r");
	if (!f)
		return UINT64_MAX;
	if (fscanf(f, "%llu", &v) != 1)
		v = UINT64_MAX;
	pclose(f);
	return v;
}

/* No cmocka calls: this also runs in forked children. */
static struct ref du_ref(const char *dir, int xdev)
{
	struct ref r;

	r.size = cmd_num(xdev ? "du -sbx '%s' 2>/dev/null" : "du -sb '%s' 2>/dev/null", dir);
	r.disk = cmd_num(xdev ? "du -sx --block-size=1 '%s' 2>/dev/null"
			      : "du -s --block-size=1 '%s' 2>/dev/null",
			 dir);
	r.files = cmd_num(xdev ? "find '%s' -xdev ! -type d 2>/dev/null | wc -l"
			       : "find '%s' ! -type d 2>/dev/null | wc -l",
			  dir);
	if (du_skips_dirs)
		r.size += cmd_num(xdev ? "find '%s' -xdev -type d -printf '%%s\\n' 2>/dev/null"
					 " | awk '{s+=$1} END {print s+0}'"
				       : "find '%s' -type d -printf '%%s\\n' 2>/dev/null"
					 " | awk '{s+=$1} END {print s+0}'",
				  dir);
	return r;
}

static int size_path(struct scan_size *out, const char *dir, const atomic_bool *cancel)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -100;
	rc = scan_size_tree(out, fd, cancel);
	/* The fd stays the caller's: still open after the walk. */
	if (fcntl(fd, F_GETFD) < 0)
		rc = -101;
	close(fd);
	return rc;
}

static void assert_matches_du(const char *dir, int xdev)
{
	struct scan_size s;
	struct ref r = du_ref(dir, xdev);

	assert_int_equal(size_path(&s, dir, NULL), 0);
	assert_true(r.size != UINT64_MAX && r.disk != UINT64_MAX && r.files != UINT64_MAX);
	assert_int_equal(s.size_bytes, r.size);
	assert_int_equal(s.disk_bytes, r.disk);
	assert_int_equal(s.files, r.files);
	assert_int_equal(s.errors, 0);
}

/* The truth for freeable_bytes, by lstat on every path (nftw, physical,
 * one filesystem): directories always count; a file's blocks count once,
 * when as many of its links were met as st_nlink says. No cmocka calls. */
struct truth_ino {
	dev_t dev;
	ino_t ino;
	nlink_t nlink, met;
	uint64_t disk;
};
static struct truth_ino *truth_v;
static size_t truth_n, truth_cap;
static uint64_t truth_dirs;

static int truth_visit(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)p;
	(void)flag;
	(void)ftw;
	if (S_ISDIR(st->st_mode)) {
		truth_dirs += (uint64_t)st->st_blocks * 512;
		return 0;
	}
	for (size_t i = 0; i < truth_n; i++)
		if (truth_v[i].dev == st->st_dev && truth_v[i].ino == st->st_ino) {
			truth_v[i].met++;
			return 0;
		}
	if (truth_n == truth_cap) {
		truth_cap = truth_cap ? truth_cap * 2 : 64;
		truth_v = realloc(truth_v, truth_cap * sizeof(*truth_v));
	}
	truth_v[truth_n++] = (struct truth_ino){st->st_dev, st->st_ino, st->st_nlink, 1,
						(uint64_t)st->st_blocks * 512};
	return 0;
}

static uint64_t truth_freeable(const char *dir)
{
	uint64_t sum;

	truth_n = 0;
	truth_dirs = 0;
	if (nftw(dir, truth_visit, 64, FTW_PHYS | FTW_MOUNT) != 0)
		return UINT64_MAX;
	sum = truth_dirs;
	for (size_t i = 0; i < truth_n; i++)
		if (truth_v[i].met >= truth_v[i].nlink)
			sum += truth_v[i].disk;
	return sum;
}

/* The blocks of `dir` itself (the folder holding both twins). */
static uint64_t truth_dirs_of(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 ? (uint64_t)st.st_blocks * 512 : UINT64_MAX;
}

static void write_n(const char *dir, const char *rel, size_t n)
{
	char *buf = malloc(n + 1);

	assert_non_null(buf);
	memset(buf, 'x', n);
	fx_write(dir, rel, buf, n);
	free(buf);
}

static void link_in(const char *dir, const char *from, const char *to)
{
	char *a = fx_path(dir, from), *b = fx_path(dir, to);

	assert_int_equal(link(a, b), 0);
	free(a);
	free(b);
}

static void make_sparse(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 10 * 1024 * 1024), 0);
	/* Some data in the middle, so it is neither empty nor all hole. */
	assert_int_equal(pwrite(fd, "data", 4, 5 * 1024 * 1024), 4);
	close(fd);
	free(p);
}

static void make_socket(const char *dir, const char *rel)
{
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(s >= 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, rel);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	close(s);
}

static int group_setup(void **state)
{
	char *d = fx_tmpdir();
	char cmd[4200];
	struct stat st;

	(void)state;
	snprintf(cmd, sizeof(cmd), "du -sb '%s' >/dev/null 2>&1", d);
	if (system(cmd) != 0) {
		fprintf(stderr, "du is missing\n");
		return -1;
	}
	if (stat(d, &st) == 0 && st.st_size > 0 && cmd_num("du -sb '%s'", d) == 0)
		du_skips_dirs = 1;
	fx_rmtree(d);
	free(d);
	return 0;
}

static void test_mixed_tree(void **state)
{
	char *d = fx_tmpdir(), *out = fx_tmpdir();
	struct scan_size s;
	char *p, *q;

	(void)state;
	fx_mkdirs(d, "a/b/c/d");
	fx_mkdirs(d, "empty");
	fx_write(d, "a/empty1", "", 0);
	fx_write(d, "a/b/empty2", "", 0);
	write_n(d, "a/one", 1);
	write_n(d, "a/b/odd4095", 4095);
	write_n(d, "a/b/c/odd4097", 4097);
	write_n(d, "a/b/c/d/odd12345", 12345);
	write_n(d, "top", 777);
	make_sparse(d, "a/sparse");
	/* Three names for one inode inside the tree. */
	write_n(d, "a/hl1", 3000);
	link_in(d, "a/hl1", "a/b/hl2");
	link_in(d, "a/hl1", "hl3");
	/* A file whose other name lies outside the tree. */
	write_n(out, "outside", 5000);
	p = fx_path(out, "outside");
	q = fx_path(d, "a/b/c/inside");
	assert_int_equal(link(p, q), 0);
	free(p);
	free(q);
	fx_symlink("../top", d, "a/to_file");
	fx_symlink(out, d, "a/to_dir");
	fx_symlink("/", d, "to_root");
	fx_symlink("nowhere/at/all", d, "a/b/dangling");
	p = fx_path(d, "a/fifo");
	assert_int_equal(mkfifo(p, 0644), 0);
	free(p);
	make_socket(d, "sock");

	assert_matches_du(d, 0);
	assert_int_equal(size_path(&s, d, NULL), 0);
	/* 9 plain files, 2 more names of hl1, inside, 4 symlinks, fifo, socket */
	assert_int_equal(s.files, 18);
	/* The sparse file has 10 MB apparent but only a block or two. */
	assert_true(s.size_bytes > 10 * 1024 * 1024);
	assert_true(s.disk_bytes < 1024 * 1024);
	fx_rmtree(d);
	fx_rmtree(out);
	free(d);
	free(out);
}

/* Exact arithmetic, independent of du: links once, every name a file. */
static void test_hard_links_once(void **state)
{
	char *d = fx_tmpdir();
	struct scan_size s;
	struct stat dst, fst;
	char *f;

	(void)state;
	write_n(d, "f", 1000);
	link_in(d, "f", "g");
	link_in(d, "f", "h");
	f = fx_path(d, "f");
	assert_int_equal(stat(d, &dst), 0);
	assert_int_equal(stat(f, &fst), 0);
	assert_int_equal(size_path(&s, d, NULL), 0);
	assert_int_equal(s.files, 3);
	assert_int_equal(s.size_bytes, (uint64_t)dst.st_size + 1000);
	assert_int_equal(s.disk_bytes, ((uint64_t)dst.st_blocks + (uint64_t)fst.st_blocks) * 512);
	assert_int_equal(s.errors, 0);
	/* every link of f is inside: deleting the tree frees it all */
	assert_int_equal(s.freeable_bytes, s.disk_bytes);
	assert_int_equal(s.freeable_bytes, truth_freeable(d));
	assert_matches_du(d, 0);
	fx_rmtree(d);
	free(f);
	free(d);
}

/* freeable_bytes: files with a link outside the tree stay; directories,
 * single-link files, symlinks and files linked only inside go. */
static void test_freeable(void **state)
{
	char *d = fx_tmpdir(), *out = fx_tmpdir();
	char *in, *ext, *sp;
	struct scan_size s;
	struct stat xst, sst;

	(void)state;
	fx_mkdirs(d, "env/lib");
	write_n(d, "env/lib/own", 50000);
	write_n(d, "env/lib/twin", 30000);
	link_in(d, "env/lib/twin", "env/twin2");
	write_n(out, "cached", 200000);
	in = fx_path(d, "env/lib/cached");
	ext = fx_path(out, "cached");
	assert_int_equal(link(ext, in), 0);
	sp = fx_path(d, "env/link");
	assert_int_equal(symlink(ext, sp), 0);
	make_sparse(d, "env/sparse");
	assert_int_equal(stat(ext, &xst), 0);
	assert_int_equal(lstat(sp, &sst), 0);
	free(sp);
	sp = fx_path(d, "env");
	assert_int_equal(size_path(&s, sp, NULL), 0);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.freeable_bytes, truth_freeable(sp));
	/* only the file linked from outside is shared */
	assert_int_equal(scan_size_shared(&s), (uint64_t)xst.st_blocks * 512);
	assert_true(xst.st_blocks > 0);
	/* 200 kB of ~300 kB: mostly shared */
	assert_true(scan_size_mostly_shared(&s));
	/* once the outside link is gone, everything is freeable */
	assert_int_equal(unlink(ext), 0);
	assert_int_equal(size_path(&s, sp, NULL), 0);
	assert_int_equal(s.freeable_bytes, s.disk_bytes);
	assert_int_equal(s.freeable_bytes, truth_freeable(sp));
	assert_false(scan_size_mostly_shared(&s));
	fx_rmtree(d);
	fx_rmtree(out);
	free(in);
	free(ext);
	free(sp);
	free(d);
	free(out);
}

/* Two trees whose files are links of each other: either alone frees only
 * its folders, both together free everything (scan_inodes_union_freeable). */
static void test_union_twins(void **state)
{
	char *d = fx_tmpdir();
	char *a, *b;
	struct scan_size_links *l[2];
	struct scan_size sa, sb;
	char rel[64], rel2[64];
	int fa, fb;

	(void)state;
	for (int i = 0; i < 200; i++) {
		snprintf(rel, sizeof(rel), "a/d%d/f%d", i % 9, i);
		snprintf(rel2, sizeof(rel2), "b/d%d", i % 9);
		write_n(d, rel, 1000 + (size_t)i * 37);
		fx_mkdirs(d, rel2);
		snprintf(rel2, sizeof(rel2), "b/d%d/f%d", i % 9, i);
		link_in(d, rel, rel2);
	}
	a = fx_path(d, "a");
	b = fx_path(d, "b");
	fa = open(a, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fb = open(b, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fa >= 0 && fb >= 0);
	l[0] = scan_size_links_new();
	l[1] = scan_size_links_new();
	assert_int_equal(scan_size_tree_links(&sa, fa, l[0]), 0);
	assert_int_equal(scan_size_tree_links(&sb, fb, l[1]), 0);
	{
		struct stat st;
		struct scan_inodes *e[2];
		const struct scan_inodes *both[2];
		uint64_t fa_own, fb_own;

		assert_int_equal(fstat(fa, &st), 0);
		fa_own = sa.freeable_bytes + scan_size_links_freeable(l[0]);
		fb_own = sb.freeable_bytes + scan_size_links_freeable(l[1]);
		e[0] = scan_size_links_export(l[0], st.st_dev);
		e[1] = scan_size_links_export(l[1], st.st_dev);
		assert_non_null(e[0]);
		assert_non_null(e[1]);
		assert_int_equal(e[0]->n, 200);
		both[0] = e[0];
		both[1] = e[1];
		/* alone: the folders only, as lstat says */
		assert_int_equal(fa_own + scan_inodes_union_freeable(both, 1), truth_freeable(a));
		assert_int_equal(fb_own + scan_inodes_union_freeable(both + 1, 1), truth_freeable(b));
		assert_true(truth_freeable(a) * 4 < sa.disk_bytes);
		/* together: every block of both */
		assert_int_equal(fa_own + fb_own + scan_inodes_union_freeable(both, 2),
				 truth_freeable(d) - (uint64_t)truth_dirs_of(d));
		/* every file of a is also linked into b: all its file blocks */
		assert_int_equal(scan_inodes_linked(e[0], both + 1, 1),
				 sa.disk_bytes - truth_freeable(a));
		assert_int_equal(scan_inodes_linked(e[0], both, 1), 0); /* not with itself */
		assert_true(scan_inodes_overlap(e[0], e[1]));
		scan_inodes_free(e[0]);
		scan_inodes_free(e[1]);
	}
	scan_size_links_free(l[0]);
	scan_size_links_free(l[1]);
	close(fa);
	close(fb);
	fx_rmtree(d);
	free(a);
	free(b);
	free(d);
}

/* Enough linked inodes to make the hash set grow several times. */
static void test_many_hard_links(void **state)
{
	char *d = fx_tmpdir();
	char a[64], b[64];
	int i;

	(void)state;
	fx_mkdirs(d, "x");
	fx_mkdirs(d, "y");
	for (i = 0; i < 700; i++) {
		snprintf(a, sizeof(a), "x/f%d", i);
		snprintf(b, sizeof(b), "y/g%d", i);
		write_n(d, a, (size_t)i);
		link_in(d, a, b);
	}
	assert_matches_du(d, 0);
	fx_rmtree(d);
	free(d);
}

/* ---- one tree in parts on several threads ---- */

/* The parts handed over, walked by two threads as they come. */
struct parts {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fds[4096];
	size_t n, taken, done;
	unsigned offers;
	bool finished;
	struct scan_size sum;
	struct scan_size_split split;
	dev_t dev;
};

static bool take_some(void *ctx, int fd)
{
	struct parts *p = ctx;
	bool take;

	pthread_mutex_lock(&p->lock);
	/* Every other offer, so parts also hand over parts of their own. */
	take = (p->offers++ % 2) == 0 && p->n < sizeof(p->fds) / sizeof(*p->fds);
	if (take) {
		p->fds[p->n++] = fd;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return take;
}

static void *part_worker(void *arg)
{
	struct parts *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct scan_size part;
		int fd;

		while (p->taken == p->n && !(p->finished && p->done == p->n))
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->taken == p->n)
			break;
		fd = p->fds[p->taken++];
		pthread_mutex_unlock(&p->lock);
		scan_size_part(&part, fd, p->dev, NULL, &p->split);
		pthread_mutex_lock(&p->lock);
		scan_size_add(&p->sum, &part);
		p->done++;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The sum of the parts is the size of the whole, hard links across parts
 * counted once; the same as du and as one walk. */
static void test_split_in_parts(void **state)
{
	char *d = fx_tmpdir(), *outside = fx_tmpdir();
	uint64_t shared;
	struct parts p;
	struct scan_size own, whole;
	struct ref r;
	pthread_t t[2];
	struct stat st;
	char a[128], b[128];
	int fd;

	(void)state;
	for (int i = 0; i < 300; i++) {
		snprintf(a, sizeof(a), "x/d%d/e%d/f%d", i % 7, i % 5, i);
		snprintf(b, sizeof(b), "y/d%d/g%d", i % 11, i);
		write_n(d, a, (size_t)i * 3);
		fx_mkdirs(d, b);
		snprintf(b, sizeof(b), "y/d%d/g%d/link", i % 11, i);
		link_in(d, a, b);
	}
	{
		char *f0 = fx_path(d, "x/d5/e4/f299"), *o = fx_path(outside, "f");

		assert_int_equal(link(f0, o), 0);
		assert_int_equal(stat(f0, &st), 0);
		assert_true(st.st_blocks > 0);
		shared = (uint64_t)st.st_blocks * 512;
		free(f0);
		free(o);
	}
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	p.split.take = take_some;
	p.split.ctx = &p;
	p.split.links = scan_size_links_new();
	fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	p.dev = st.st_dev;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, part_worker, &p), 0);
	assert_int_equal(scan_size_tree_split(&own, fd, NULL, &p.split), 0);
	pthread_mutex_lock(&p.lock);
	scan_size_add(&p.sum, &own);
	p.finished = true;
	pthread_cond_broadcast(&p.cond);
	pthread_mutex_unlock(&p.lock);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	p.sum.freeable_bytes += scan_size_links_freeable(p.split.links);
	assert_true(p.n > 100); /* it really was walked in parts */
	/* links met in different parts count as all inside; f0 has one more
	 * link outside the tree and is the only shared file */
	assert_int_equal(p.sum.freeable_bytes, truth_freeable(d));
	assert_int_equal(scan_size_shared(&p.sum), shared);
	r = du_ref(d, 0);
	assert_int_equal(p.sum.size_bytes, r.size);
	assert_int_equal(p.sum.disk_bytes, r.disk);
	assert_int_equal(p.sum.files, r.files);
	assert_int_equal(p.sum.errors, 0);
	assert_int_equal(scan_size_tree(&whole, fd, NULL), 0);
	assert_memory_equal(&whole, &p.sum, sizeof(whole));
	close(fd);
	scan_size_links_free(p.split.links);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.cond);
	fx_rmtree(d);
	fx_rmtree(outside);
	free(outside);
	free(d);
}

static void test_symlinks_not_followed(void **state)
{
	char *d = fx_tmpdir(), *big = fx_tmpdir();
	struct scan_size s;
	struct stat st;

	(void)state;
	write_n(big, "large", 200000);
	fx_symlink("/", d, "root");
	fx_symlink(big, d, "big");
	fx_symlink("big", d, "chain");
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(size_path(&s, d, NULL), 0);
	assert_int_equal(s.files, 3);
	/* The directory plus the three link texts, nothing behind them. */
	assert_int_equal(s.size_bytes, (uint64_t)st.st_size + 1 + strlen(big) + 3);
	assert_matches_du(d, 0);
	fx_rmtree(d);
	fx_rmtree(big);
	free(d);
	free(big);
}

static void test_empty_dir(void **state)
{
	char *d = fx_tmpdir();
	struct scan_size s;
	struct stat st;

	(void)state;
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(size_path(&s, d, NULL), 0);
	assert_int_equal(s.files, 0);
	assert_int_equal(s.size_bytes, (uint64_t)st.st_size);
	assert_int_equal(s.disk_bytes, (uint64_t)st.st_blocks * 512);
	assert_matches_du(d, 0);
	fx_rmtree(d);
	free(d);
}

/* Makes `levels` nested folders "d" below dir, each with a 10-byte file. */
static void make_deep(const char *dir, int levels)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int i;

	assert_true(fd >= 0);
	for (i = 0; i < levels; i++) {
		int nfd, ffd;

		assert_int_equal(mkdirat(fd, "d", 0755), 0);
		nfd = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		assert_true(nfd >= 0);
		ffd = openat(nfd, "f", O_WRONLY | O_CREAT, 0644);
		assert_true(ffd >= 0);
		assert_int_equal(write(ffd, "0123456789", 10), 10);
		close(ffd);
		close(fd);
		fd = nfd;
	}
	close(fd);
}

static void test_deep_tree(void **state)
{
	char *d = fx_tmpdir();

	(void)state;
	make_deep(d, 300);
	assert_matches_du(d, 0);
	fx_rmtree(d);
	free(d);
}

/* What a forked child sends back. */
struct child_res {
	int rc;
	int skipped; /* the child could not set itself up */
	struct scan_size s;
	struct ref r;
};

/* Runs fn(res, arg) in a child and returns its result. fn must not call
 * cmocka: a failing assertion would go on running tests in the child. */
static struct child_res in_child(void (*fn)(struct child_res *, void *), void *arg)
{
	struct child_res res;
	int p[2], status;
	pid_t pid;

	memset(&res, 0, sizeof(res));
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		fn(&res, arg);
		if (write(p[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &res, sizeof(res)), (ssize_t)sizeof(res));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return res;
}

static void low_fd_limit_child(struct child_res *res, void *arg)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		res->skipped = 1;
		return;
	}
	rl.rlim_cur = 40;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		res->skipped = 1;
		return;
	}
	res->rc = size_path(&res->s, arg, NULL);
}

/* Deeper than the fd limit allows: the folders that cannot be opened are
 * put aside and walked once the levels above them are closed, so the walk
 * under 40 fds counts what the unlimited one counts, without errors. */
static void test_fd_exhaustion(void **state)
{
	char *d = fx_tmpdir();
	struct child_res res;
	struct scan_size all;

	(void)state;
	make_deep(d, 300);
	assert_int_equal(size_path(&all, d, NULL), 0);
	assert_int_equal(all.files, 300);
	res = in_child(low_fd_limit_child, d);
	if (res.skipped) {
		fx_rmtree(d);
		free(d);
		print_message("skipped: cannot lower RLIMIT_NOFILE\n");
		skip();
	}
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.s.errors, 0);
	assert_int_equal(res.s.files, all.files);
	assert_int_equal(res.s.size_bytes, all.size_bytes);
	assert_int_equal(res.s.disk_bytes, all.disk_bytes);
	fx_rmtree(d);
	free(d);
}

static void unprivileged_child(struct child_res *res, void *arg)
{
	if (geteuid() == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0 ||
		    geteuid() != 65534) {
			res->skipped = 1;
			return;
		}
	}
	res->rc = size_path(&res->s, arg, NULL);
	if (res->rc == -100) {
		res->skipped = 1; /* $TMPDIR is closed to nobody */
		return;
	}
	res->r = du_ref(arg, 0);
}

/* A folder without read permission and one without search permission:
 * counted as errors, the walk goes on, du agrees on the rest. Root reads
 * through chmod 000, so the walk runs in a child that dropped to nobody. */
static void test_unreadable(void **state)
{
	char *d = fx_tmpdir(), *p;
	struct child_res res;

	(void)state;
	assert_int_equal(chmod(d, 0755), 0);
	write_n(d, "ok/a", 10);
	write_n(d, "ok/b", 20);
	write_n(d, "locked/secret", 30);
	fx_mkdirs(d, "locked/inner");
	write_n(d, "nosearch/x", 40);
	write_n(d, "nosearch/y", 50);
	p = fx_path(d, "locked");
	assert_int_equal(chmod(p, 0), 0);
	free(p);
	p = fx_path(d, "nosearch");
	assert_int_equal(chmod(p, 0644), 0);
	free(p);
	res = in_child(unprivileged_child, d);
	if (res.skipped) {
		fx_rmtree(d);
		free(d);
		print_message("skipped: running as root and cannot drop to uid 65534, "
			      "or $TMPDIR is closed to it\n");
		skip();
	}
	assert_int_equal(res.rc, 0);
	assert_true(res.r.size != UINT64_MAX && res.r.disk != UINT64_MAX);
	assert_int_equal(res.s.size_bytes, res.r.size);
	assert_int_equal(res.s.disk_bytes, res.r.disk);
	/* ok/a, ok/b, and the two names listed but not statable in nosearch */
	assert_int_equal(res.s.files, 4);
	assert_int_equal(res.s.files, res.r.files);
	/* locked cannot be opened; x and y cannot be stat'ed */
	assert_int_equal(res.s.errors, 3);
	fx_rmtree(d);
	free(d);
}

static void test_real_venv(void **state)
{
	char *d = fx_tmpdir(), *env;
	char cmd[8192];

	(void)state;
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		fx_rmtree(d);
		free(d);
		print_message("skipped: python3 is not installed\n");
		skip();
	}
	env = fx_path(d, "env");
	snprintf(cmd, sizeof(cmd), "python3 -m venv --without-pip '%s' >/dev/null 2>&1", env);
	assert_int_equal(system(cmd), 0);
	assert_matches_du(env, 0);
	fx_rmtree(d);
	free(env);
	free(d);
}

/* A tmpfs mounted inside the tree and a file bind-mounted from it: du -x
 * leaves both out, find -xdev still lists the file. Needs mount rights. */
static void test_mount_point(void **state)
{
	char *d = fx_tmpdir(), *m, *bound, *src;
	struct scan_size s;

	(void)state;
	write_n(d, "plain", 123);
	fx_mkdirs(d, "mnt");
	write_n(d, "bound", 0);
	m = fx_path(d, "mnt");
	bound = fx_path(d, "bound");
	if (mount("none", m, "tmpfs", 0, "size=4m") != 0) {
		print_message("skipped: cannot mount a tmpfs (%s)\n", strerror(errno));
		fx_rmtree(d);
		free(m);
		free(bound);
		free(d);
		skip();
	}
	write_n(m, "inner/file", 5000);
	src = fx_path(m, "inner/file");
	assert_int_equal(mount(src, bound, NULL, MS_BIND, NULL), 0);
	assert_matches_du(d, 1);
	assert_int_equal(size_path(&s, d, NULL), 0);
	assert_int_equal(s.files, 2);
	/* Without -x du adds the tmpfs: so the mount was really skipped. */
	assert_true(du_ref(d, 0).size > s.size_bytes);
	assert_int_equal(umount2(bound, MNT_DETACH), 0);
	assert_int_equal(umount2(m, MNT_DETACH), 0);
	fx_rmtree(d);
	free(src);
	free(m);
	free(bound);
	free(d);
}

static void test_cancel(void **state)
{
	char *d = fx_tmpdir();
	atomic_bool stop;
	struct scan_size s;
	char rel[64];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(rel, sizeof(rel), "d%d/f%d", i % 10, i);
		write_n(d, rel, 1);
	}
	atomic_init(&stop, true);
	assert_int_equal(size_path(&s, d, &stop), 0);
	assert_true(s.files < 1000);
	atomic_store(&stop, false);
	assert_int_equal(size_path(&s, d, &stop), 0);
	assert_int_equal(s.files, 1000);
	fx_rmtree(d);
	free(d);
}

static void test_bad_fd(void **state)
{
	char *d = fx_tmpdir(), *f;
	struct scan_size s;
	int fd;

	(void)state;
	assert_true(scan_size_tree(&s, -1, NULL) < 0);
	write_n(d, "file", 5);
	f = fx_path(d, "file");
	fd = open(f, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(scan_size_tree(&s, fd, NULL) < 0);
	close(fd);
	fx_rmtree(d);
	free(f);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_tree),
		cmocka_unit_test(test_hard_links_once),
		cmocka_unit_test(test_freeable),
		cmocka_unit_test(test_union_twins),
		cmocka_unit_test(test_many_hard_links),
		cmocka_unit_test(test_split_in_parts),
		cmocka_unit_test(test_symlinks_not_followed),
		cmocka_unit_test(test_empty_dir),
		cmocka_unit_test(test_deep_tree),
		cmocka_unit_test(test_fd_exhaustion),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_real_venv),
		cmocka_unit_test(test_mount_point),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_bad_fd),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
