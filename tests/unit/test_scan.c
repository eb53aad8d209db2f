/* The scan engine over real folders: what is found, what is skipped, and
 * the order and ownership of events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "scan/scan.h"

static const char cfg311[] = "home = /usr/bin\ninclude-system-site-packages = false\n"
			     "version = 3.11.2\n";

struct found {
	char *paths[64];
	size_t n;
	int order_ok;
	int done;
	int warnings;
};

/* Makes a minimal env (pyvenv.cfg + site-packages) at dir/rel. */
static void make_env(const char *dir, const char *rel)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/pyvenv.cfg", rel);
	fx_write(dir, buf, cfg311, (size_t)-1);
	snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages", rel);
	fx_mkdirs(dir, buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs a scan to the end with poll() on scan_fd, checking event order:
 * FOUND, then PACKAGES, then SIZED for each id, and DONE last. */
static void run(struct found *f, const char *root, int depth, const char *exclude, bool no_size)
{
	const char *roots[] = {root};
	const char *excl[] = {exclude};
	struct scan_request req = {.roots = roots,
				   .n_roots = 1,
				   .max_depth = depth,
				   .excludes = excl,
				   .n_excludes = exclude ? 1 : 0,
				   .no_size = no_size,
				   .stale_days = 90,
				   .threads = 2};
	struct vs_err err = {0};
	struct scan *s = scan_start(&req, &err);
	int stage[64] = {0};

	memset(f, 0, sizeof(*f));
	f->order_ok = 1;
	assert_non_null(s);
	while (!f->done) {
		struct pollfd p = {.fd = scan_fd(s), .events = POLLIN};
		struct scan_event *ev;

		assert_true(poll(&p, 1, 10000) == 1);
		while ((ev = scan_next(s)) != NULL) {
			assert_false(f->done); /* nothing after DONE */
			if (ev->type == SCAN_EV_FOUND) {
				assert_true(ev->id < 64);
				f->order_ok &= stage[ev->id] == 0;
				stage[ev->id] = 1;
				f->paths[f->n++] = strdup(ev->venv->path);
			} else if (ev->type == SCAN_EV_PACKAGES) {
				f->order_ok &= stage[ev->id] == 1;
				stage[ev->id] = 2;
			} else if (ev->type == SCAN_EV_SIZED) {
				f->order_ok &= stage[ev->id] == 2;
				stage[ev->id] = 3;
			} else if (ev->type == SCAN_EV_WARNING) {
				f->warnings++;
			} else if (ev->type == SCAN_EV_DONE) {
				f->done = 1;
				assert_int_equal(ev->progress.envs, f->n);
			}
			scan_event_free(ev);
		}
	}
	for (size_t i = 0; i < f->n; i++)
		f->order_ok &= stage[i] == (no_size ? 2 : 3);
	assert_null(scan_next(s));
	scan_free(s);
	qsort(f->paths, f->n, sizeof(char *), cmp_str);
}

static void found_free(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->paths[i]);
}

static void assert_paths(struct found *f, const char *root, const char *const *rel, size_t n)
{
	assert_int_equal(f->n, n);
	for (size_t i = 0; i < n; i++) {
		char *want = fx_path(root, rel[i]);

		assert_string_equal(f->paths[i], want);
		free(want);
	}
}

static void test_finds_envs_and_prunes(void **state)
{
	char *d = fx_tmpdir();
	struct found f;
	static const char *const want[] = {"a/.venv", "b/c/env", "deep/1/2/3/4/5/v"};

	(void)state;
	make_env(d, "a/.venv");
	make_env(d, "a/.venv/inner"); /* inside an env: not looked for */
	make_env(d, "b/c/env");
	make_env(d, "deep/1/2/3/4/5/v");
	make_env(d, "x/node_modules/env");
	make_env(d, "x/.git/env");
	make_env(d, "x/__pycache__/env");
	fx_write(d, "plain/file.txt", "hello", (size_t)-1);
	run(&f, d, -1, NULL, false);
	assert_true(f.order_ok);
	assert_paths(&f, d, want, 3);
	found_free(&f);
	fx_rmtree(d);
	free(d);
}

static void test_depth_and_exclude(void **state)
{
	char *d = fx_tmpdir();
	struct found f;
	static const char *const depth1[] = {"top"};
	static const char *const depth2[] = {"p/env", "top"};
	static const char *const excl[] = {"top"};

	(void)state;
	make_env(d, "top");
	make_env(d, "p/env");
	make_env(d, "p/q/r/env");
	run(&f, d, 1, NULL, true);
	assert_paths(&f, d, depth1, 1);
	found_free(&f);
	run(&f, d, 2, NULL, true);
	assert_paths(&f, d, depth2, 2);
	found_free(&f);
	run(&f, d, -1, "p", true); /* matches the name "p" */
	assert_paths(&f, d, excl, 1);
	found_free(&f);
	fx_rmtree(d);
	free(d);
}

static void test_root_is_env(void **state)
{
	char *d = fx_tmpdir();
	char *env = fx_path(d, "only");
	struct found f;

	(void)state;
	make_env(d, "only");
	run(&f, env, 0, NULL, false);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.paths[0], env);
	assert_true(f.order_ok);
	found_free(&f);
	fx_rmtree(d);
	free(env);
	free(d);
}

static void test_symlinks_not_followed(void **state)
{
	char *d = fx_tmpdir();
	char *real = fx_path(d, "real");
	char *link = fx_path(d, "link");
	struct found f;
	static const char *const want[] = {"real/env"};

	(void)state;
	make_env(d, "real/env");
	fx_symlink(real, d, "link");      /* a symlinked folder inside the tree */
	fx_symlink("..", d, "real/loop"); /* a loop */
	run(&f, d, -1, NULL, true);
	assert_paths(&f, d, want, 1);
	found_free(&f);
	/* A root that is a symlink is walked, and paths keep the link's name. */
	run(&f, link, -1, NULL, true);
	assert_int_equal(f.n, 1);
	{
		char *p = fx_path(link, "env");

		assert_string_equal(f.paths[0], p);
		free(p);
	}
	found_free(&f);
	fx_rmtree(d);
	free(real);
	free(link);
	free(d);
}

static void test_bad_cfg_is_warning(void **state)
{
	char *d = fx_tmpdir();
	char *fifo = fx_path(d, "f/pyvenv.cfg");
	struct found f;

	(void)state;
	fx_mkdirs(d, "f");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	fx_mkdirs(d, "dir/pyvenv.cfg");
	fx_symlink("/nonexistent/file", d, "dangling/pyvenv.cfg");
	run(&f, d, -1, NULL, true);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.warnings, 3);
	found_free(&f);
	fx_rmtree(d);
	free(fifo);
	free(d);
}

static void test_bad_roots(void **state)
{
	char *d = fx_tmpdir();
	char *file = fx_path(d, "file");
	char *missing = fx_path(d, "missing");
	const char *roots[] = {missing};
	struct scan_request req = {.roots = roots, .n_roots = 1, .max_depth = -1};
	struct vs_err err = {0};

	(void)state;
	fx_write(d, "file", "x", 1);
	assert_null(scan_start(&req, &err));
	assert_int_equal(err.code, VS_EUSAGE);
	assert_non_null(strstr(err.msg, missing));
	assert_non_null(strstr(err.msg, "no such folder"));
	roots[0] = file;
	assert_null(scan_start(&req, &err));
	assert_non_null(strstr(err.msg, "not a folder"));
	fx_rmtree(d);
	free(file);
	free(missing);
	free(d);
}

static void test_same_env_through_two_roots_once(void **state)
{
	char *d = fx_tmpdir();
	char *sub = fx_path(d, "sub");
	const char *roots[] = {d, sub, d};
	struct scan_request req = {.roots = roots, .n_roots = 3, .max_depth = -1, .no_size = true};
	struct vs_err err = {0};
	struct scan *s;
	struct scan_event *ev;
	int found = 0;

	(void)state;
	make_env(d, "sub/env");
	s = scan_start(&req, &err);
	assert_non_null(s);
	while ((ev = scan_wait(s)) != NULL) {
		found += ev->type == SCAN_EV_FOUND;
		scan_event_free(ev);
	}
	assert_int_equal(found, 1);
	scan_free(s);
	fx_rmtree(d);
	free(sub);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_envs_and_prunes),
		cmocka_unit_test(test_depth_and_exclude),
		cmocka_unit_test(test_root_is_env),
		cmocka_unit_test(test_symlinks_not_followed),
		cmocka_unit_test(test_bad_cfg_is_warning),
		cmocka_unit_test(test_bad_roots),
		cmocka_unit_test(test_same_env_through_two_roots_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
