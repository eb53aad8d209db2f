/* Safe delete on real folders: only the env goes; links are removed, never
 * followed, even when a folder is swapped for a link mid-delete; refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/delete.h"
#include "helpers/fixture.h"
#include "scan/inspect.h"
#include "util/xalloc.h"

static struct venv *inspect_at(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	struct venv *v;

	assert_true(fd >= 0);
	v = scan_inspect_env(fd, path, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	return v;
}

/* An env with files, a nested tree, and links planted to the outside. */
static void make_env(const char *dir, const char *rel, const char *outside)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/pyvenv.cfg", rel);
	fx_write(dir, buf, "home = /usr/bin\nversion = 3.11.2\n", (size_t)-1);
	for (int i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages/pkg%d/mod%d.py", rel,
			 i % 5, i);
		fx_write(dir, buf, "x = 1\n", (size_t)-1);
	}
	snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages/to_outside", rel);
	fx_symlink(outside, dir, buf);
	snprintf(buf, sizeof(buf), "%s/lib/python3.11/site-packages/relative_out", rel);
	fx_symlink("../../../../outside", dir, buf);
	snprintf(buf, sizeof(buf), "%s/bin/python", rel);
	fx_symlink("/usr/bin/python3", dir, buf);
	snprintf(buf, sizeof(buf), "%s/home_link", rel);
	fx_symlink(getenv("HOME") ? getenv("HOME") : "/root", dir, buf);
	snprintf(buf, sizeof(buf), "%s/lib64", rel);
	fx_symlink("lib", dir, buf);
}

static int count_files(const char *dir)
{
	char cmd[4200];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "find '%s' | wc -l", dir);
	p = popen(cmd, "r");
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void test_only_the_env_goes(void **state)
{
	char *d = fx_tmpdir();
	char *outside = fx_path(d, "outside");
	char *env = fx_path(d, "proj/.venv");
	struct act_delete_result res;
	struct vs_err err = {0};
	struct venv *v;
	int before;

	(void)state;
	fx_write(d, "outside/keep.txt", "precious\n", (size_t)-1);
	fx_write(d, "outside/sub/also.txt", "precious too\n", (size_t)-1);
	fx_write(d, "proj/main.py", "print()\n", (size_t)-1);
	make_env(d, "proj/.venv", outside);
	before = count_files(outside);
	v = inspect_at(env);
	assert_int_equal(act_delete(v, "/nonexistent-home", NULL, &res, &err), 0);
	assert_true(res.removed);
	assert_int_equal(res.left, 0);
	assert_true(res.done.files >= 55);
	assert_int_equal(access(env, F_OK), -1);
	assert_int_equal(count_files(outside), before);
	{
		char *p = fx_path(d, "proj/main.py");

		assert_int_equal(access(p, F_OK), 0);
		free(p);
	}
	venv_free(v);
	fx_rmtree(d);
	free(outside);
	free(env);
	free(d);
}

struct swapper {
	char *inside; /* a folder in the env that gets swapped */
	char *target; /* where the link points (outside) */
	atomic_bool stop;
};

static void *swap_loop(void *arg)
{
	struct swapper *s = arg;
	char *tmp = malloc(strlen(s->inside) + 8);

	sprintf(tmp, "%s.lnk", s->inside);
	while (!atomic_load(&s->stop)) {
		/* The folder becomes a link to the outside, and back. */
		unlink(tmp);
		if (symlink(s->target, tmp) == 0)
			rename(tmp, s->inside); /* fails while inside is a non-empty dir */
		rmdir(s->inside);
		if (symlink(s->target, tmp) == 0 && rename(tmp, s->inside) != 0)
			unlink(tmp);
		unlink(s->inside);
		mkdir(s->inside, 0755);
	}
	free(tmp);
	return NULL;
}

static void test_race_never_touches_outside(void **state)
{
	char *d = fx_tmpdir();
	char *outside = fx_path(d, "outside");
	int before;

	(void)state;
	for (int i = 0; i < 100; i++)
		fx_write(d, i % 2 ? "outside/a.txt" : "outside/sub/b.txt", "precious\n", (size_t)-1);
	before = count_files(outside);
	for (int round = 0; round < 40; round++) {
		char rel[64];
		char *env;
		struct swapper s = {0};
		pthread_t th;
		struct act_delete_result res;
		struct vs_err err = {0};
		struct venv *v;

		snprintf(rel, sizeof(rel), "env%d", round);
		make_env(d, rel, outside);
		env = fx_path(d, rel);
		s.inside = xasprintf("%s/lib/python3.11/site-packages/pkg1", env);
		s.target = outside;
		v = inspect_at(env);
		pthread_create(&th, NULL, swap_loop, &s);
		act_delete(v, NULL, NULL, &res, &err);
		atomic_store(&s.stop, true);
		pthread_join(th, NULL);
		assert_int_equal(count_files(outside), before);
		venv_free(v);
		free(s.inside);
		fx_rmtree(env);
		free(env);
	}
	fx_rmtree(d);
	free(outside);
	free(d);
}

static void expect_refusal(struct venv *v, const char *home, const char *words)
{
	struct act_delete_result res;
	struct vs_err err = {0};

	assert_int_equal(act_delete(v, home, NULL, &res, &err), VS_EUSAGE);
	if (!strstr(err.msg, words))
		fail_msg("'%s' does not say '%s'", err.msg, words);
	assert_false(res.removed);
	assert_int_equal(res.done.files, 0);
}

static void test_refusals(void **state)
{
	char *d = fx_tmpdir();
	struct venv *v;
	char *p;

	(void)state;
	/* A plain folder. */
	fx_write(d, "plain/file.txt", "keep", (size_t)-1);
	p = fx_path(d, "plain");
	v = inspect_at(p);
	expect_refusal(v, NULL, "not a virtual environment");
	venv_free(v);
	free(p);
	/* pyvenv.cfg that is a folder, or a link. */
	fx_mkdirs(d, "cfgdir/pyvenv.cfg");
	p = fx_path(d, "cfgdir");
	v = inspect_at(p);
	expect_refusal(v, NULL, "not a virtual environment");
	venv_free(v);
	free(p);
	fx_write(d, "real.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_symlink("../real.cfg", d, "cfglink/pyvenv.cfg");
	p = fx_path(d, "cfglink");
	v = inspect_at(p);
	expect_refusal(v, NULL, "not a virtual environment");
	venv_free(v);
	free(p);
	/* A repository root that also looks like an env. */
	fx_write(d, "repo/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_mkdirs(d, "repo/.git");
	p = fx_path(d, "repo");
	v = inspect_at(p);
	expect_refusal(v, NULL, ".git");
	/* The home folder, and a folder holding it. */
	expect_refusal(v, p, "home folder");
	{
		char *inner = fx_path(p, "me");

		expect_refusal(v, inner, "home folder");
		free(inner);
	}
	venv_free(v);
	free(p);
	/* Replaced between the scan and the delete. */
	fx_write(d, "swapped/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	p = fx_path(d, "swapped");
	v = inspect_at(p);
	{
		/* Moved away (not removed, so its inode cannot be reused at once). */
		char *old = fx_path(d, "swapped.old");

		assert_int_equal(rename(p, old), 0);
		free(old);
	}
	fx_write(d, "swapped/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_write(d, "swapped/important.txt", "not from the scan", (size_t)-1);
	expect_refusal(v, NULL, "no longer the folder that was scanned");
	assert_int_equal(count_files(p), 3);
	venv_free(v);
	free(p);
	/* A symlink to an env. */
	fx_write(d, "target/pyvenv.cfg", "home = /usr/bin\n", (size_t)-1);
	fx_symlink("target", d, "alias");
	p = fx_path(d, "alias");
	v = inspect_at(p);
	v->dev = 0; /* even without the scan's identity */
	expect_refusal(v, NULL, "symbolic link");
	venv_free(v);
	free(p);
	/* The root. */
	v = inspect_at("/");
	expect_refusal(v, NULL, "root folder");
	venv_free(v);
	fx_rmtree(d);
	free(d);
}

struct errs {
	int calls;
	enum act_delete_choice answer;
};

static enum act_delete_choice on_error(void *ctx, const char *path, int e)
{
	struct errs *x = ctx;

	(void)path;
	(void)e;
	x->calls++;
	return x->answer;
}

/* The body of the permission test, run as an unprivileged user (root may
 * remove anything). Returns 0 when every expectation held, else a code. */
static int errors_body(const char *d)
{
	char *env = fx_path(d, "e");
	char *locked = fx_path(d, "e/locked");
	struct act_delete_result res;
	struct vs_err err = {0};
	struct errs x = {0, ACT_DEL_SKIP};
	struct act_delete_hooks hooks = {.on_error = on_error, .ctx = &x};
	struct venv *v;
	int code = 0;

	make_env(d, "e", d);
	fx_write(d, "e/locked/a.txt", "a", (size_t)-1);
	fx_write(d, "e/locked/b.txt", "b", (size_t)-1);
	chmod(locked, 0555);
	v = inspect_at(env);
	if (act_delete(v, NULL, &hooks, &res, &err) != VS_EFAIL)
		code = 1;
	else if (x.calls != 3) /* the two files, then the folder holding them */
		code = 2;
	else if (res.left != 4 || res.removed) /* and pyvenv.cfg, kept on purpose */
		code = 3;
	else if (!strstr(res.first_error, "locked") || !strstr(err.msg, "left"))
		code = 4;
	else if (access(env, F_OK) != 0 || faccessat(AT_FDCWD, env, F_OK, 0) != 0)
		code = 5;
	{
		/* What is left is still an env: delete can finish it later. */
		char *cfg = fx_path(d, "e/pyvenv.cfg");

		if (!code && access(cfg, F_OK) != 0)
			code = 6;
		free(cfg);
	}
	chmod(locked, 0755);
	venv_free(v);
	free(env);
	free(locked);
	return code;
}

/* Unremovable entries are reported, counted, and the choice is honoured. */
static void test_errors_skip_and_abort(void **state)
{
	char *d = fx_tmpdir();
	int status = 0;
	pid_t pid;

	(void)state;
	chmod(d, 0777);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(90);
		_exit(errors_body(d));
	}
	waitpid(pid, &status, 0);
	fx_rmtree(d);
	free(d);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 90)
		skip(); /* cannot drop privileges here */
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_the_env_goes),
		cmocka_unit_test(test_race_never_touches_outside),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_errors_skip_and_abort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
