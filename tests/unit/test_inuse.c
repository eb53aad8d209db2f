/* inuse: one pass over /proc finds a real child process by its cwd inside
 * a folder and by its program (argv[0], a link into the folder: exe alone
 * would name the link's target); a sibling whose name only starts the
 * same (env-other, en) is not "inside"; a folder reached through a
 * symbolic link is compared by its resolved path too; no process, no user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scan/inuse.h"

static char tmp[256], env[300], other[300], link_[300];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/vs-inuse-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(env, sizeof(env), "%s/env", tmp);
	snprintf(other, sizeof(other), "%s/env-other", tmp);
	snprintf(link_, sizeof(link_), "%s/link", tmp);
	mkdir(env, 0755);
	mkdir(other, 0755);
	return symlink("env", link_);
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* A child sleeping with its cwd in `dir`, started as argv0. */
static pid_t child_in(const char *dir, const char *argv0)
{
	pid_t p = fork();

	if (p == 0) {
		if (chdir(dir) != 0)
			_exit(1);
		execl("/bin/sleep", argv0, "30", (char *)NULL);
		_exit(127);
	}
	/* Until it has exec'd: its cmdline names "30". */
	for (int i = 0; i < 200; i++) {
		char path[64], buf[256] = "";
		FILE *f;
		size_t n = 0;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)p);
		if ((f = fopen(path, "r"))) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		if (n > 3 && memmem(buf, n, "30", 3))
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return p;
}

static void stop(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

static bool has(const struct scan_users *u, pid_t pid)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].pid == pid)
			return true;
	return false;
}

static void test_cwd_inside(void **state)
{
	pid_t p = child_in(env, "sleep");
	struct scan_inuse *u = scan_inuse_take();
	struct scan_users us = {0};

	(void)state;
	assert_non_null(u);
	scan_inuse_users(u, env, &us);
	assert_true(has(&us, p));
	assert_non_null(strstr(us.v[0].cmd, "sleep 30"));
	scan_inuse_users(u, link_, &us); /* through the link: resolved */
	assert_true(has(&us, p));
	scan_inuse_users(u, other, &us);
	assert_false(has(&us, p));
	scan_inuse_users(u, tmp, &us); /* the parent folder holds it too */
	assert_true(has(&us, p));
	scan_users_clear(&us);
	scan_inuse_free(u);
	stop(p);
	assert_false(scan_inuse_now(env, &us) && has(&us, p));
	scan_users_clear(&us);
}

static void test_program_link(void **state)
{
	char prog[400];
	pid_t p;
	struct scan_users us = {0};

	(void)state;
	/* env/bin/sleep -> /bin/sleep, run from elsewhere by that path. */
	snprintf(prog, sizeof(prog), "%s/bin", env);
	mkdir(prog, 0755);
	snprintf(prog, sizeof(prog), "%s/bin/sleep", env);
	assert_int_equal(symlink("/bin/sleep", prog), 0);
	p = fork();
	if (p == 0) {
		if (chdir("/") != 0)
			_exit(1);
		execl(prog, prog, "30", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		if (scan_inuse_now(env, &us) && has(&us, p))
			break;
		nanosleep(&ts, NULL);
	}
	assert_true(has(&us, p));
	scan_inuse_now(other, &us);
	assert_false(has(&us, p));
	scan_users_clear(&us);
	stop(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cwd_inside),
		cmocka_unit_test(test_program_link),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
