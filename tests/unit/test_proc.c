/* The one process runner (src/util/proc.h): argv passed as is, lines
 * streamed, exit codes and signals, cancel with escalation, captured output
 * with a cap and a timeout, PIP_* removed, the terminal mode, no zombies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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

/* ---- captured (what src/scan/child.c did) ---- */

static void test_capture_bytes_and_exit_code(void **state)
{
	const char *argv[] = {"sh", "-c", "printf 'a\\000b\\nc'; printf 'oops' >&2; exit 5", NULL};
	struct vs_proc_spawn sp = {.argv = argv, .flags = VS_PROC_SAME_PGROUP};
	struct vs_proc_output r;
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 10000, &err), 0);
	assert_int_equal(r.exit_code, 5);
	assert_int_equal(r.signal, 0);
	assert_int_equal(r.out_len, 5);
	assert_memory_equal(r.out, "a\0b\nc", 5);
	assert_int_equal(r.out[5], '\0');
	assert_int_equal(r.err_len, 4);
	assert_string_equal(r.err, "oops");
	vs_proc_output_clear(&r);
	assert_null(r.out);
	vs_proc_output_clear(NULL);
	assert_no_children();
}

static void test_capture_cap(void **state)
{
	/* Far more than a pipe holds: the rest is read and dropped, so the
	 * child is not left blocked on a full pipe. */
	const char *argv[] = {"sh", "-c", "head -c 1000000 /dev/zero; head -c 300000 /dev/zero >&2",
			      NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc_output r;
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1000, 20000, &err), 0);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.out_len, 1000);
	assert_int_equal(r.err_len, 1000);
	vs_proc_output_clear(&r);
	assert_no_children();
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_capture_timeout_kills(void **state)
{
	/* The sleep is a grandchild holding the pipes: the whole group goes. */
	const char *argv[] = {"sh", "-c", "echo started; sleep 30; echo never", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc_output r;
	struct vs_err err = {0};
	long long t0 = ms_now();

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 300, &err), VS_EFAIL);
	assert_true(ms_now() - t0 < 5000);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_null(r.out);
	assert_null(r.err);
	assert_no_children();
}

static void test_capture_timeout_after_output_closed(void **state)
{
	/* It closes stdout and stderr and goes on: the timeout still holds. */
	const char *argv[] = {"sh", "-c", "exec >/dev/null 2>&1; sleep 30", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc_output r;
	struct vs_err err = {0};
	long long t0 = ms_now();

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 300, &err), VS_EFAIL);
	assert_true(ms_now() - t0 < 5000);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_no_children();
}

static void test_capture_timeout_same_pgroup(void **state)
{
	const char *argv[] = {"sleep", "30", NULL};
	struct vs_proc_spawn sp = {.argv = argv, .flags = VS_PROC_SAME_PGROUP};
	struct vs_proc_output r;
	struct vs_err err = {0};
	long long t0 = ms_now();

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 200, &err), VS_EFAIL);
	assert_true(ms_now() - t0 < 5000);
	assert_non_null(strstr(err.msg, "sleep"));
	assert_no_children();
}

static void test_capture_pip_vars_removed(void **state)
{
	const char *argv[] = {"env", NULL};
	const char *unset[] = {"PIP_*", "VS_GONE", NULL};
	const char *set[] = {"VS_SET=1", NULL};
	struct vs_proc_spawn sp = {.argv = argv, .unset = unset, .set = set, .cwd = "/"};
	struct vs_proc_output r;
	struct vs_err err = {0};

	(void)state;
	setenv("PIP_INDEX_URL", "http://example.invalid/", 1);
	setenv("PIP_NO_CACHE_DIR", "1", 1);
	setenv("PIPX_HOME", "/nowhere", 1);
	setenv("VS_GONE", "x", 1);
	setenv("VS_GONE2", "kept", 1);
	assert_int_equal(vs_proc_capture(&r, &sp, 1 << 20, 10000, &err), 0);
	unsetenv("PIP_INDEX_URL");
	unsetenv("PIP_NO_CACHE_DIR");
	unsetenv("PIPX_HOME");
	unsetenv("VS_GONE");
	unsetenv("VS_GONE2");
	assert_int_equal(r.exit_code, 0);
	assert_null(strstr(r.out, "PIP_"));
	assert_null(strstr(r.out, "VS_GONE="));
	assert_non_null(strstr(r.out, "PIPX_HOME=/nowhere\n"));
	assert_non_null(strstr(r.out, "VS_GONE2=kept\n"));
	assert_non_null(strstr(r.out, "VS_SET=1\n"));
	vs_proc_output_clear(&r);
	assert_no_children();
}

static void test_signal_reported(void **state)
{
	const char *argv[] = {"sh", "-c", "kill -TERM $$; sleep 5", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc_output r;
	struct vs_err err = {0};
	int status = -1;

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 10000, &err), 0);
	assert_int_equal(r.exit_code, -1);
	assert_int_equal(r.signal, SIGTERM);
	vs_proc_output_clear(&r);
	assert_int_equal(vs_proc_run(&sp, NULL, NULL, &status, &err), 0);
	assert_int_equal(status, 128 + SIGTERM);
	assert_no_children();
}

static void test_capture_missing_program(void **state)
{
	const char *argv[] = {"/nonexistent/python3.99", "-c", "pass", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_proc_output r;
	struct vs_err err = {0};

	(void)state;
	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 1000, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "/nonexistent/python3.99"));
	assert_no_children();
}

/* ---- process groups ---- */

/* The process group of the `sh` the child runs, from /proc. */
static long child_pgid(unsigned flags, long *child_pid)
{
	const char *argv[] = {"sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat", NULL};
	struct vs_proc_spawn sp = {.argv = argv, .flags = flags};
	struct vs_proc_output r;
	struct vs_err err = {0};
	long pgid = -1;

	assert_int_equal(vs_proc_capture(&r, &sp, 1024, 10000, &err), 0);
	assert_int_equal(sscanf(r.out, "%ld %ld", child_pid, &pgid), 2);
	vs_proc_output_clear(&r);
	return pgid;
}

static void test_process_group(void **state)
{
	long pid = 0, pgid;

	(void)state;
	pgid = child_pgid(0, &pid);
	assert_int_equal(pgid, pid); /* its own group */
	pgid = child_pgid(VS_PROC_SAME_PGROUP, &pid);
	assert_int_equal(pgid, (long)getpgrp());
	assert_no_children();
}

/* ---- on the terminal (what src/actions/shell.c needs) ---- */

/* Runs sp with `input` on our stdin and our stdout caught; returns the
 * status, the output in out. */
static int run_fg_with(const struct vs_proc_spawn *sp, const char *input, char *out, size_t cap)
{
	int in[2], o[2], saved_in = dup(0), saved_out = dup(1), status = -1;
	struct vs_err err = {0};
	ssize_t n;

	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(o), 0);
	assert_true(write(in[1], input, strlen(input)) == (ssize_t)strlen(input));
	close(in[1]);
	fflush(stdout);
	dup2(in[0], 0);
	dup2(o[1], 1);
	close(in[0]);
	close(o[1]);
	assert_int_equal(vs_proc_run_fg(sp, &status, &err), 0);
	dup2(saved_in, 0);
	dup2(saved_out, 1);
	close(saved_in);
	close(saved_out);
	n = read(o[0], out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	close(o[0]);
	return status;
}

static void test_run_fg_inherits_terminal(void **state)
{
	char set_pgid[64], out[256];
	const char *argv[] = {"sh", "-c",
			      "read x; echo \"got $x\"; "
			      "test \"$(cut -d' ' -f5 /proc/$$/stat)\" = \"$VS_PGID\" || exit 9; "
			      "kill -INT $PPID; exit 4",
			      NULL};
	const char *set[] = {set_pgid, NULL};
	struct vs_proc_spawn sp = {.argv = argv, .set = set};
	struct sigaction before, after;

	(void)state;
	snprintf(set_pgid, sizeof(set_pgid), "VS_PGID=%ld", (long)getpgrp());
	sigaction(SIGINT, NULL, &before);
	/* SIGINT sent to us while it runs is ignored: we are still here. */
	assert_int_equal(run_fg_with(&sp, "hello\n", out, sizeof(out)), 4);
	assert_string_equal(out, "got hello\n");
	sigaction(SIGINT, NULL, &after);
	assert_true(before.sa_handler == after.sa_handler);
	assert_no_children();
}

static void test_run_fg_child_gets_sigint(void **state)
{
	/* Ignored here, at its default in the child. */
	const char *argv[] = {"sh", "-c", "kill -INT $$; sleep 5", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	char out[16];

	(void)state;
	assert_int_equal(run_fg_with(&sp, "", out, sizeof(out)), 128 + SIGINT);
	assert_no_children();
}

static void test_run_fg_missing_program(void **state)
{
	const char *argv[] = {"/nonexistent/zsh", "-i", NULL};
	struct vs_proc_spawn sp = {.argv = argv};
	struct vs_err err = {0};
	int status = -1;

	(void)state;
	assert_int_equal(vs_proc_run_fg(&sp, &status, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "/nonexistent/zsh"));
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
		cmocka_unit_test(test_capture_bytes_and_exit_code),
		cmocka_unit_test(test_capture_cap),
		cmocka_unit_test(test_capture_timeout_kills),
		cmocka_unit_test(test_capture_timeout_after_output_closed),
		cmocka_unit_test(test_capture_timeout_same_pgroup),
		cmocka_unit_test(test_capture_pip_vars_removed),
		cmocka_unit_test(test_signal_reported),
		cmocka_unit_test(test_capture_missing_program),
		cmocka_unit_test(test_process_group),
		cmocka_unit_test(test_run_fg_inherits_terminal),
		cmocka_unit_test(test_run_fg_child_gets_sigint),
		cmocka_unit_test(test_run_fg_missing_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
