/* The child-process runner: argv passed as is, lines streamed, exit codes,
 * cancel with escalation, no zombies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/proc.h"
#include "helpers/fixture.h"

struct lines {
	char text[16][256];
	int stream[16];
	int n;
};

static void collect(void *ctx, enum vs_proc_stream s, const char *line)
{
	struct lines *l = ctx;

	if (l->n < 16) {
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s", line);
		l->stream[l->n++] = (int)s;
	}
}

static void assert_no_children(void)
{
	int ws;

	assert_int_equal(waitpid(-1, &ws, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_argv_is_not_a_shell(void **state)
{
	const char *weird = "a b 'c' \"d\" $(touch /tmp/vs-runner-pwned) ; rm -rf x\nnext";
	const char *argv[] = {"printf", "%s\\n", weird, NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct lines l = {0};
	struct vs_err err = {0};
	int status = -1;

	(void)state;
	assert_int_equal(vs_proc_run(&sp, collect, &l, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.text[0], "a b 'c' \"d\" $(touch /tmp/vs-runner-pwned) ; rm -rf x");
	assert_string_equal(l.text[1], "next");
	assert_int_equal(access("/tmp/vs-runner-pwned", F_OK), -1);
	assert_no_children();
}

static void test_streams_status_env_cwd(void **state)
{
	char *d = fx_tmpdir();
	const char *argv[] = {"sh", "-c",
			      "echo out; echo err >&2; printf 'no newline'; pwd >&2; "
			      "echo \"X=$VS_X Y=${VS_Y-unset}\"; exit 3",
			      NULL};
	const char *set[] = {"VS_X=given", NULL};
	const char *unset[] = {"VS_Y", NULL};
	struct vs_proc_spawn sp = {.argv = argv, .set = set, .unset = unset, .cwd = d};
	struct lines l = {0};
	struct vs_err err = {0};
	int status = -1, outs = 0;
	char *real = realpath(d, NULL);

	(void)state;
	setenv("VS_Y", "inherited", 1);
	assert_int_equal(vs_proc_run(&sp, collect, &l, &status, &err), 0);
	unsetenv("VS_Y");
	assert_int_equal(status, 3);
	for (int i = 0; i < l.n; i++) {
		if (l.stream[i] == VS_PROC_STDOUT)
			outs++;
		if (strcmp(l.text[i], "no newlineX=given Y=unset") == 0)
			assert_int_equal(l.stream[i], VS_PROC_STDOUT);
	}
	assert_int_equal(outs, 2);
	{
		bool saw_err = false, saw_pwd = false;

		for (int i = 0; i < l.n; i++) {
			saw_err |= strcmp(l.text[i], "err") == 0 && l.stream[i] == VS_PROC_STDERR;
			saw_pwd |= strcmp(l.text[i], real) == 0;
		}
		assert_true(saw_err);
		assert_true(saw_pwd);
	}
	free(real);
	fx_rmtree(d);
	free(d);
	assert_no_children();
}

static void test_missing_program(void **state)
{
	const char *argv[] = {"/nonexistent/python3.99", "-m", "venv", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_err err = {0};
	int status;

	(void)state;
	assert_int_equal(vs_proc_run(&sp, NULL, NULL, &status, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "/nonexistent/python3.99"));
	assert_no_children();
}

static void test_cancel_escalates(void **state)
{
	/* The shell ignores SIGTERM; its sleeping child is in the same group. */
	const char *argv[] = {"sh", "-c", "trap '' TERM; echo started; sleep 30; echo never", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc *p;
	struct lines l = {0};
	struct vs_err err = {0};
	int status = -1;

	(void)state;
	assert_int_equal(vs_proc_start(&p, &sp, &err), 0);
	while (l.n == 0)
		vs_proc_pump(p, collect, &l), usleep(10000);
	vs_proc_cancel(p, 200);
	assert_true(vs_proc_cancelled(p));
	assert_int_equal(vs_proc_wait(p, collect, &l, &status), 0);
	assert_int_equal(status, 128 + 9);
	assert_int_equal(l.n, 1);
	vs_proc_free(p);
	assert_no_children();
}

static void test_free_kills_a_running_child(void **state)
{
	const char *argv[] = {"sleep", "30", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc *p;
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(vs_proc_start(&p, &sp, &err), 0);
	vs_proc_free(p);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv_is_not_a_shell),
		cmocka_unit_test(test_streams_status_env_cwd),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_cancel_escalates),
		cmocka_unit_test(test_free_kills_a_running_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
