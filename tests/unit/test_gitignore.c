/* The gitignore fix on real repositories: after act_gitignore_apply, `git
 * check-ignore` agrees the env is ignored, the .gitignore kept its other
 * lines and its line endings (CRLF, no final newline, absent), names with
 * glob characters are escaped, --inner writes "*" inside the env, and a
 * tracked env leaves the index (`git ls-files` empty) while its files stay.
 * Refusals: no repository, already ignored, the repository's top folder,
 * a .gitignore that is a symlink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/gitignore.h"
#include "helpers/fixture.h"
#include "helpers/shell.h"

static void git_env(const char *dir)
{
	fx_git_env(dir, NULL);
}

#define SH_OK FX_SH_OK
#define capture fx_capture_ok

/* The whole file ("" when absent). */
static char *slurp(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel), *out = calloc(1, 1);
	FILE *f = fopen(p, "rb");
	char buf[4096];
	size_t len = 0, n;

	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		out = realloc(out, len + n + 1);
		memcpy(out + len, buf, n);
		len += n;
		out[len] = '\0';
	}
	if (f)
		fclose(f);
	free(p);
	return out;
}

static char *repo_init(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);

	fx_mkdirs(dir, rel);
	SH_OK("git init -q '%s'", p);
	return p;
}

static char *make_env(const char *dir, const char *rel)
{
	char sub[4096];

	snprintf(sub, sizeof(sub), "%s/pyvenv.cfg", rel);
	fx_write(dir, sub, "home = /usr/bin\nversion = 3.12.1\n", (size_t)-1);
	snprintf(sub, sizeof(sub), "%s/lib/python3.12/site-packages/mod.py", rel);
	fx_write(dir, sub, "x = 1\n", (size_t)-1);
	snprintf(sub, sizeof(sub), "%s/bin/activate", rel);
	fx_write(dir, sub, "# activate\n", (size_t)-1);
	return fx_path(dir, rel);
}

static bool git_ignores(const char *env)
{
	return fx_sh("git -C '%s' check-ignore -q pyvenv.cfg 2>/dev/null", env) == 0;
}

/* Plans and applies; the plan must be as given. */
static void fix(const char *env, bool inner, const char *file, const char *line, bool untrack)
{
	struct act_gitignore_plan p;
	struct vs_err err = {0};

	if (act_gitignore_plan(&p, env, inner, &err) != 0)
		fail_msg("plan for %s: %s", env, err.msg);
	if (file)
		assert_string_equal(p.file, file);
	else
		assert_null(p.file);
	if (line)
		assert_string_equal(p.line, line);
	else
		assert_null(p.line);
	assert_int_equal(p.untrack, untrack);
	if (act_gitignore_apply(&p, env, &err) != 0)
		fail_msg("apply for %s: %s", env, err.msg);
	act_gitignore_plan_clear(&p);
	act_gitignore_plan_clear(&p);
}

static void test_add_line_keeps_file(void **state)
{
	struct fx_dir *fx = *state;
	char *repo, *env, *file, *text;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	file = fx_path(repo, ".gitignore");
	fx_write(fx->dir, "repo/.gitignore", "# build\r\nbuild/\r\n*.pyc\r\n", (size_t)-1);
	env = make_env(fx->dir, "repo/.venv");
	assert_false(git_ignores(env));
	fix(env, false, file, "/.venv/", false);
	text = slurp(fx->dir, "repo/.gitignore");
	assert_string_equal(text, "# build\r\nbuild/\r\n*.pyc\r\n/.venv/\r\n");
	assert_true(git_ignores(env));
	free(text);
	free(env);

	/* Asking again: nothing to do. */
	{
		struct act_gitignore_plan p;
		struct vs_err err = {0};

		env = fx_path(fx->dir, "repo/.venv");
		assert_int_equal(act_gitignore_plan(&p, env, false, &err), VS_EUSAGE);
		assert_non_null(strstr(err.msg, "already ignores"));
		assert_non_null(strstr(err.msg, ".gitignore:4: /.venv/"));
		assert_null(p.line);
		free(env);
	}

	/* No final newline: one is added first (LF file). */
	fx_write(fx->dir, "repo/.gitignore", "a\nb", (size_t)-1);
	env = make_env(fx->dir, "repo/src/app/venv");
	fix(env, false, file, "/src/app/venv/", false);
	text = slurp(fx->dir, "repo/.gitignore");
	assert_string_equal(text, "a\nb\n/src/app/venv/\n");
	assert_true(git_ignores(env));
	free(text);
	free(env);

	/* CRLF without a final newline. */
	fx_write(fx->dir, "repo/.gitignore", "a\r\nb", (size_t)-1);
	env = make_env(fx->dir, "repo/env2");
	fix(env, false, file, "/env2/", false);
	text = slurp(fx->dir, "repo/.gitignore");
	assert_string_equal(text, "a\r\nb\r\n/env2/\r\n");
	assert_true(git_ignores(env));
	free(text);
	free(env);
	free(file);
	free(repo);
}

static void test_new_file_and_names(void **state)
{
	struct fx_dir *fx = *state;
	char *repo, *env, *other, *file, *text;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	file = fx_path(repo, ".gitignore");
	env = make_env(fx->dir, "repo/odd dir/my env[1]*?");
	other = make_env(fx->dir, "repo/odd dir/my env1x");
	fix(env, false, file, "/odd dir/my env\\[1]\\*\\?/", false);
	text = slurp(fx->dir, "repo/.gitignore");
	assert_string_equal(text, "/odd dir/my env\\[1]\\*\\?/\n");
	assert_true(git_ignores(env));
	/* The escaped line matches that folder only. */
	assert_false(git_ignores(other));
	free(text);
	free(env);
	free(other);
	free(file);
	free(repo);
}

static void test_inner(void **state)
{
	struct fx_dir *fx = *state;
	char *repo, *env, *file, *text;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	fx_write(fx->dir, "repo/.gitignore", "build/\n", (size_t)-1);
	env = make_env(fx->dir, "repo/.venv");
	file = fx_path(env, ".gitignore");
	fix(env, true, file, "*", false);
	text = slurp(fx->dir, "repo/.venv/.gitignore");
	assert_string_equal(text, "*\n");
	free(text);
	text = slurp(fx->dir, "repo/.gitignore");
	assert_string_equal(text, "build/\n");
	assert_true(git_ignores(env));
	/* git add . would not add anything of it. */
	SH_OK("cd '%s' && git add . && test -z \"$(git ls-files .venv)\"", repo);
	free(text);
	free(file);
	free(env);

	/* The repository's top folder itself can only be ignored from inside. */
	free(make_env(fx->dir, "repo"));
	{
		struct act_gitignore_plan p;
		struct vs_err err = {0};

		assert_int_equal(act_gitignore_plan(&p, repo, false, &err), VS_EUSAGE);
		assert_non_null(strstr(err.msg, "--inner"));
	}
	free(repo);
}

static void test_tracked(void **state)
{
	struct fx_dir *fx = *state;
	struct act_gitignore_plan p;
	struct vs_err err = {0};
	char *repo, *env, *env2, *file, *text, *ls;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	file = fx_path(repo, ".gitignore");
	fx_write(fx->dir, "repo/README", "hi\n", (size_t)-1);
	env = make_env(fx->dir, "repo/venv");
	env2 = make_env(fx->dir, "repo/old");
	free(make_env(fx->dir, "repo/venv2"));
	SH_OK("cd '%s' && git add -A && git commit -q -m 'with envs'", repo);

	assert_int_equal(act_gitignore_plan(&p, env, false, &err), 0);
	assert_true(p.untrack);
	assert_int_equal(p.n_tracked, 3);
	assert_string_equal(p.line, "/venv/");
	assert_string_equal(p.file, file);
	assert_int_equal(act_gitignore_apply(&p, env, &err), 0);
	act_gitignore_plan_clear(&p);
	ls = capture("git -C '%s' ls-files venv", repo);
	assert_string_equal(ls, "");
	free(ls);
	/* The files stay, the neighbour named venv2 stays tracked. */
	assert_int_equal(fx_sh("test -f '%s/pyvenv.cfg' && test -f '%s/bin/activate'", env, env), 0);
	ls = capture("git -C '%s' ls-files venv2 README | wc -l", repo);
	assert_string_equal(ls, "4");
	free(ls);
	assert_true(git_ignores(env));
	/* A commit is still needed: the removal is staged. */
	ls = capture("git -C '%s' diff --cached --name-status | grep -c '^D'", repo);
	assert_string_equal(ls, "3");
	free(ls);

	/* Tracked and already ignored by a rule: only the index changes. */
	fx_write(fx->dir, "repo/.gitignore", "/venv/\nold/\n", (size_t)-1);
	fix(env2, false, NULL, NULL, true);
	text = slurp(fx->dir, "repo/.gitignore");
	assert_string_equal(text, "/venv/\nold/\n");
	ls = capture("git -C '%s' ls-files old", repo);
	assert_string_equal(ls, "");
	assert_true(git_ignores(env2));
	free(ls);
	free(text);
	free(file);
	free(env);
	free(env2);
	free(repo);
}

/* A negation nearer to the env beats the top-level line: apply says so,
 * and the inner .gitignore wins. */
static void test_nearer_negation(void **state)
{
	struct fx_dir *fx = *state;
	struct act_gitignore_plan p;
	struct vs_err err = {0};
	char *repo, *env, *file;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	fx_write(fx->dir, "repo/a/.gitignore", "!env/\n", (size_t)-1);
	env = make_env(fx->dir, "repo/a/env");
	assert_int_equal(act_gitignore_plan(&p, env, false, &err), 0);
	assert_int_equal(act_gitignore_apply(&p, env, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "--inner"));
	act_gitignore_plan_clear(&p);
	assert_false(git_ignores(env));
	file = fx_path(env, ".gitignore");
	fix(env, true, file, "*", false);
	assert_true(git_ignores(env));
	free(file);
	free(env);
	free(repo);
}

static void test_refusals(void **state)
{
	struct fx_dir *fx = *state;
	struct act_gitignore_plan p;
	struct vs_err err = {0};
	char *repo, *env, *plain, *text;

	git_env(fx->dir);
	plain = make_env(fx->dir, "plain/.venv");
	assert_int_equal(act_gitignore_plan(&p, plain, false, &err), VS_EUSAGE);
	assert_non_null(strstr(err.msg, "not inside a git work tree"));
	assert_int_equal(act_gitignore_plan(&p, "/nonexistent/x", false, &err), VS_EUSAGE);

	/* The .gitignore is a symlink: refused, nothing changes. */
	repo = repo_init(fx->dir, "repo");
	fx_write(fx->dir, "elsewhere", "keep\n", (size_t)-1);
	fx_symlink("../elsewhere", fx->dir, "repo/.gitignore");
	env = make_env(fx->dir, "repo/.venv");
	assert_int_equal(act_gitignore_plan(&p, env, false, &err), 0);
	assert_int_equal(act_gitignore_apply(&p, env, &err), VS_EFAIL);
	assert_true(err.msg[0] != '\0');
	act_gitignore_plan_clear(&p);
	text = slurp(fx->dir, "elsewhere");
	assert_string_equal(text, "keep\n");
	assert_false(git_ignores(env));
	free(text);
	free(env);
	free(plain);
	free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_line_keeps_file, fx_setup_dir,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_new_file_and_names, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_inner, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_tracked, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_nearer_negation, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_refusals, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
