/* scan_git against git itself, on real repositories made with `git init`:
 * every state is compared with `git check-ignore -q <env>/pyvenv.cfg`,
 * `git ls-files <env>` and `git rev-parse --show-toplevel` run from the
 * env's folder. Cases: no repository; ignored by the root .gitignore, a
 * parent folder's .gitignore, .git/info/exclude, the global excludes file
 * (core.excludesFile in a test HOME); negations, also across files; a
 * sweep of pattern forms and odd ignore files; a 3.13-style inner
 * .gitignore; committed files; a nested repository; a submodule; a linked
 * worktree; GIT_CEILING_DIRECTORIES; a filesystem boundary; odd names and
 * a path through a symlink; changes between lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "helpers/shell.h"
#include "scan/git.h"

/* ---- git in a clean environment ---- */

/* HOME in the fixture with a .gitconfig, no GIT_* variable. */
static void git_env(const char *dir)
{
	fx_git_env(dir, "[core]\n\texcludesFile = ~/global-ignore\n"
			"[advice]\n\tdetachedHead = false\n");
}

/* Runs a command that must succeed. */
#define SH_OK FX_SH_OK

static char *repo_init(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);

	fx_mkdirs(dir, rel);
	SH_OK("git init -q '%s'", p);
	return p;
}

static void commit_all(const char *repo, const char *msg)
{
	SH_OK("cd '%s' && git add -A && git commit -q --allow-empty -m '%s'", repo, msg);
}

/* An env as far as git cares: pyvenv.cfg and a file in lib/. */
static char *make_env(const char *dir, const char *rel)
{
	char sub[4096];

	snprintf(sub, sizeof(sub), "%s/pyvenv.cfg", rel);
	fx_write(dir, sub, "home = /usr/bin\nversion = 3.12.1\n", (size_t)-1);
	snprintf(sub, sizeof(sub), "%s/lib/python3.12/site-packages/mod.py", rel);
	fx_write(dir, sub, "x = 1\n", (size_t)-1);
	return fx_path(dir, rel);
}

/* What git says, from the env's own folder. */
static enum scan_git_state git_truth(const char *env, char **toplevel)
{
	int rc;
	char *top = fx_capture(&rc, "git -C '%s' rev-parse --show-toplevel 2>/dev/null", env);
	char *ls;

	*toplevel = NULL;
	if (rc != 0) {
		free(top);
		return SCAN_GIT_NO_REPO;
	}
	*toplevel = top;
	ls = fx_capture(&rc, "git -C '%s' ls-files -- .", env);
	assert_int_equal(rc, 0);
	if (ls[0]) {
		free(ls);
		return SCAN_GIT_TRACKED;
	}
	free(ls);
	rc = fx_sh("git -C '%s' check-ignore -q pyvenv.cfg", env);
	assert_true(rc == 0 || rc == 1);
	return rc == 0 ? SCAN_GIT_IGNORED : SCAN_GIT_NOT_IGNORED;
}

/* The env's state must be `want` for git and for scan_git; `rule`: NULL
 * to not look, "" for none, else the exact text. */
static void expect(struct scan_git *g, const char *env, enum scan_git_state want, const char *rule)
{
	struct scan_git_info info;
	char *top;
	enum scan_git_state truth = git_truth(env, &top);

	if (truth != want)
		fail_msg("the fixture is wrong: git says %s for %s, the test expects %s",
			 scan_git_state_name(truth), env, scan_git_state_name(want));
	scan_git_lookup(g, env, &info);
	if (info.state != truth)
		fail_msg("%s: scan_git says %s (%s), git says %s", env,
			 scan_git_state_name(info.state), info.error ? info.error : "",
			 scan_git_state_name(truth));
	if (top)
		assert_string_equal(info.repo, top);
	else
		assert_null(info.repo);
	assert_null(info.error);
	if (rule && !rule[0] && info.rule)
		fail_msg("%s: no rule expected, got %s", env, info.rule);
	if (rule && rule[0]) {
		if (!info.rule)
			fail_msg("%s: rule %s expected, got none", env, rule);
		assert_string_equal(info.rule, rule);
	}
	scan_git_info_clear(&info);
	free(top);
}

/* Same, with the expected state taken from git (for sweeps). */
static void expect_git(struct scan_git *g, const char *env)
{
	char *top;

	expect(g, env, git_truth(env, &top), NULL);
	free(top);
}

/* ---- cases ---- */

static void test_no_repo(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	struct scan_git_info info;
	char *env, *missing;

	git_env(fx->dir);
	env = make_env(fx->dir, "plain/.venv");
	missing = fx_path(fx->dir, "gone");
	g = scan_git_new();
	expect(g, env, SCAN_GIT_NO_REPO, "");
	/* No .git nor HEAD above the env: libgit2 is not even started. */
	assert_false(scan_git_started_libgit2(g));
	/* A folder that does not exist is unknown, with a reason. */
	scan_git_lookup(g, missing, &info);
	assert_int_equal(info.state, SCAN_GIT_UNKNOWN);
	assert_non_null(info.error);
	assert_null(info.repo);
	scan_git_info_clear(&info);
	scan_git_info_clear(&info);
	scan_git_free(g);
	scan_git_free(NULL);
	assert_string_equal(scan_git_state_name(SCAN_GIT_NO_REPO), "no-repo");
	assert_string_equal(scan_git_state_name(SCAN_GIT_IGNORED), "ignored");
	assert_string_equal(scan_git_state_name(SCAN_GIT_NOT_IGNORED), "not-ignored");
	assert_string_equal(scan_git_state_name(SCAN_GIT_TRACKED), "tracked");
	assert_null(scan_git_state_name(SCAN_GIT_UNKNOWN));
	free(env);
	free(missing);
}

static void test_ignore_sources(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *e[6], rule[4200];

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	fx_write(fx->dir, "repo/.gitignore", "# envs\n*.pyc\n.venv/\n", (size_t)-1);
	fx_write(fx->dir, "repo/sub/.gitignore", "venv\n", (size_t)-1);
	fx_write(fx->dir, "repo/.git/info/exclude", "# local\n/excl-env/\n", (size_t)-1);
	fx_write(fx->dir, "home/global-ignore", "global-env/\n", (size_t)-1);
	e[0] = make_env(fx->dir, "repo/.venv");
	e[1] = make_env(fx->dir, "repo/sub/venv");
	e[2] = make_env(fx->dir, "repo/excl-env");
	e[3] = make_env(fx->dir, "repo/deep/er/global-env");
	e[4] = make_env(fx->dir, "repo/env");
	e[5] = make_env(fx->dir, "repo/venv"); /* sub/.gitignore does not reach it */
	g = scan_git_new();
	expect(g, e[0], SCAN_GIT_IGNORED, ".gitignore:3: .venv/");
	expect(g, e[1], SCAN_GIT_IGNORED, "sub/.gitignore:1: venv");
	expect(g, e[2], SCAN_GIT_IGNORED, ".git/info/exclude:2: /excl-env/");
	snprintf(rule, sizeof(rule), "%s/home/global-ignore:1: global-env/", fx->dir);
	expect(g, e[3], SCAN_GIT_IGNORED, rule);
	expect(g, e[4], SCAN_GIT_NOT_IGNORED, "");
	expect(g, e[5], SCAN_GIT_NOT_IGNORED, "");
	scan_git_free(g);

	/* Without core.excludesFile, git's default ~/.config/git/ignore. */
	fx_write(fx->dir, "home/.gitconfig", "[user]\n\tname = T\n\temail = t@example.invalid\n",
		 (size_t)-1);
	fx_write(fx->dir, "home/.config/git/ignore", "\n\nenv\n", (size_t)-1);
	g = scan_git_new();
	snprintf(rule, sizeof(rule), "%s/home/.config/git/ignore:3: env", fx->dir);
	expect(g, e[4], SCAN_GIT_IGNORED, rule);
	expect(g, e[3], SCAN_GIT_NOT_IGNORED, "");
	scan_git_free(g);
	for (int i = 0; i < 6; i++)
		free(e[i]);
	free(repo);
}

static void test_negations(void **state)
{
	struct fx_dir *fx = *state;
	const char *names[] = {
		"venv-keep",    "venv-x",    "deps/env",        "deps/other",
		"excluded/env", "all/env",   "glob/a/envs/one", "glob/envs/two",
		"crlf-env",     "trail-env", "esc/#env",        "esc/!env",
	};
	size_t n = sizeof(names) / sizeof(*names);
	struct scan_git *g;
	char *repo, *env;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	fx_write(fx->dir, "repo/.gitignore",
		 "venv*/\n!venv-keep/\n"
		 "/deps/*\n!/deps/env/\n"
		 /* An excluded folder cannot have files re-included below it. */
		 "excluded/\n!excluded/env/pyvenv.cfg\n"
		 "trail-env/   \n",
		 (size_t)-1);
	fx_write(fx->dir, "repo/all/.gitignore", "*\n!*/\n", (size_t)-1);
	fx_write(fx->dir, "repo/glob/.gitignore", "**/envs/*/\n", (size_t)-1);
	fx_write(fx->dir, "repo/.git/info/exclude", "/crlf-env/\r\n", (size_t)-1);
	fx_write(fx->dir, "repo/esc/.gitignore", "\\#env\n\\!env/\n", (size_t)-1);
	g = scan_git_new();
	for (size_t i = 0; i < n; i++) {
		char rel[512];

		snprintf(rel, sizeof(rel), "repo/%s", names[i]);
		env = make_env(fx->dir, rel);
		expect_git(g, env);
		free(env);
	}
	env = fx_path(fx->dir, "repo/venv-keep");
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	free(env);
	env = fx_path(fx->dir, "repo/venv-x");
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:1: venv*/");
	free(env);
	env = fx_path(fx->dir, "repo/deps/env");
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	free(env);
	env = fx_path(fx->dir, "repo/deps/other");
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:3: /deps/*");
	free(env);
	env = fx_path(fx->dir, "repo/excluded/env");
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:5: excluded/");
	free(env);
	env = fx_path(fx->dir, "repo/all/env");
	expect(g, env, SCAN_GIT_IGNORED, "all/.gitignore:1: *");
	free(env);
	env = fx_path(fx->dir, "repo/glob/a/envs/one");
	expect(g, env, SCAN_GIT_IGNORED, "glob/.gitignore:1: **/envs/*/");
	free(env);
	env = fx_path(fx->dir, "repo/glob/envs/two");
	expect(g, env, SCAN_GIT_IGNORED, "glob/.gitignore:1: **/envs/*/");
	free(env);
	env = fx_path(fx->dir, "repo/crlf-env");
	expect(g, env, SCAN_GIT_IGNORED, ".git/info/exclude:1: /crlf-env/");
	free(env);
	env = fx_path(fx->dir, "repo/trail-env");
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:7: trail-env/");
	free(env);
	scan_git_free(g);
	free(repo);
}

/* Negations across files (libgit2 1.5 alone gets these wrong), symlinked
 * and odd ignore files, core.ignorecase, and a sweep of pattern forms:
 * every env must get git's answer. */
static void test_pattern_sweep(void **state)
{
	struct fx_dir *fx = *state;
	const char *names[] = {
		"venv",        "sub/venv",   "sub/deeper/venv", "other/venv",  "link/venv",
		"bom/env",     "space/env ", "space/env",       "Case/VENV",   "a/b/c/env",
		"a/b/env",     "a/env",      "x/build/env",     "build/x/env", "lib/env",
		"lib/sub/env", "q/env?",     "q/envX",          "tab/env",     "deep/er/still/env",
		"deep/env",
	};
	struct scan_git *g;
	char *repo, *env;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	fx_write(fx->dir, "repo/.gitignore",
		 "venv/\n"
		 "a/**/env/\n"
		 "build/\n"
		 "/lib/*\n"
		 "!/lib/sub/\n"
		 "deep/**\n",
		 (size_t)-1);
	/* A negation in a nearer file undoes the top-level rule. */
	fx_write(fx->dir, "repo/sub/.gitignore", "!venv/\n", (size_t)-1);
	fx_write(fx->dir, "repo/other/.gitignore", "# nothing here\n", (size_t)-1);
	/* git does not read a .gitignore that is a symlink. */
	fx_write(fx->dir, "ignore-all", "*\n", (size_t)-1);
	fx_symlink("../../ignore-all", fx->dir, "repo/link/.gitignore");
	fx_write(fx->dir, "repo/bom/.gitignore",
		 "\xef\xbb\xbf"
		 "env\n",
		 (size_t)-1);
	fx_write(fx->dir, "repo/space/.gitignore", "env\\ \n", (size_t)-1);
	fx_write(fx->dir, "repo/Case/.gitignore", "venv/\n", (size_t)-1);
	fx_write(fx->dir, "repo/q/.gitignore", "env\\?\n", (size_t)-1);
	fx_write(fx->dir, "repo/tab/.gitignore", "env\t\n", (size_t)-1);
	g = scan_git_new();
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char rel[512];

		snprintf(rel, sizeof(rel), "repo/%s", names[i]);
		env = make_env(fx->dir, rel);
		expect_git(g, env);
		free(env);
	}
	env = fx_path(fx->dir, "repo/sub/venv");
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	free(env);
	env = fx_path(fx->dir, "repo/sub/deeper/venv");
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	free(env);
	env = fx_path(fx->dir, "repo/link/venv");
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:1: venv/");
	free(env);
	env = fx_path(fx->dir, "repo/space/env ");
	expect(g, env, SCAN_GIT_IGNORED, "space/.gitignore:1: env\\ ");
	free(env);
	env = fx_path(fx->dir, "repo/lib/sub/env");
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	free(env);
	env = fx_path(fx->dir, "repo/a/b/c/env");
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:2: a/**/env/");
	free(env);
	scan_git_free(g);

	/* core.ignorecase: VENV matches venv/. */
	env = fx_path(fx->dir, "repo/Case/VENV");
	g = scan_git_new();
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	scan_git_free(g);
	SH_OK("git -C '%s' config core.ignorecase true", repo);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_IGNORED, "Case/.gitignore:1: venv/");
	scan_git_free(g);
	free(env);
	free(repo);
}

static void test_inner_gitignore(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *env, *env2;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/.venv");
	/* What Python 3.13's venv writes. */
	fx_write(fx->dir, "repo/.venv/.gitignore",
		 "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n",
		 (size_t)-1);
	env2 = make_env(fx->dir, "repo/sub/venv-uv");
	fx_write(fx->dir, "repo/sub/venv-uv/.gitignore", "*", (size_t)-1);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_IGNORED, ".venv/.gitignore:2: *");
	expect(g, env2, SCAN_GIT_IGNORED, "sub/venv-uv/.gitignore:1: *");
	scan_git_free(g);
	free(env);
	free(env2);
	free(repo);
}

static void test_tracked(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *env, *env2, *env3, *near;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/venv");
	env2 = make_env(fx->dir, "repo/old-env");
	env3 = make_env(fx->dir, "repo/part");
	near = make_env(fx->dir, "repo/part2");
	commit_all(repo, "oops, the envs");
	/* Ignored afterwards: still tracked. */
	fx_write(fx->dir, "repo/.gitignore", "old-env/\n", (size_t)-1);
	/* Only one file under part/ is in the index; part2/ must not count for it. */
	SH_OK("cd '%s' && git rm -q -r --cached part part2 && git add part/lib && "
	      "git commit -q -m part",
	      repo);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_TRACKED, "");
	expect(g, env2, SCAN_GIT_TRACKED, ".gitignore:1: old-env/");
	expect(g, env3, SCAN_GIT_TRACKED, NULL);
	expect(g, near, SCAN_GIT_NOT_IGNORED, NULL);
	/* Staged but never committed counts too. */
	SH_OK("cd '%s' && git add part2/pyvenv.cfg", repo);
	expect(g, near, SCAN_GIT_TRACKED, NULL);
	assert_true(scan_git_started_libgit2(g));
	scan_git_free(g);
	free(env);
	free(env2);
	free(env3);
	free(near);
	free(repo);
}

static void test_nested_repo(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *outer, *inner, *e1, *e2, *e3;

	git_env(fx->dir);
	outer = repo_init(fx->dir, "outer");
	fx_write(fx->dir, "outer/.gitignore", "venv/\n", (size_t)-1);
	inner = repo_init(fx->dir, "outer/lib/inner");
	e1 = make_env(fx->dir, "outer/venv");
	e2 = make_env(fx->dir, "outer/lib/inner/venv"); /* outer's rules do not apply */
	e3 = make_env(fx->dir, "outer/lib/inner/deeper/.venv");
	fx_write(fx->dir, "outer/lib/inner/.gitignore", ".venv\n", (size_t)-1);
	g = scan_git_new();
	expect(g, e1, SCAN_GIT_IGNORED, ".gitignore:1: venv/");
	expect(g, e2, SCAN_GIT_NOT_IGNORED, "");
	expect(g, e3, SCAN_GIT_IGNORED, ".gitignore:1: .venv");
	scan_git_free(g);
	free(e1);
	free(e2);
	free(e3);
	free(inner);
	free(outer);
}

static void test_submodule_and_worktree(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *up, *super, *e[5];

	git_env(fx->dir);
	up = repo_init(fx->dir, "upstream");
	fx_write(fx->dir, "upstream/README", "x\n", (size_t)-1);
	fx_write(fx->dir, "upstream/.gitignore", "/ignored-env/\n", (size_t)-1);
	commit_all(up, "init");
	super = repo_init(fx->dir, "super");
	fx_write(fx->dir, "super/.gitignore", "venv/\n", (size_t)-1);
	commit_all(super, "init");
	SH_OK("cd '%s' && git -c protocol.file.allow=always submodule add -q '%s' sm >/dev/null 2>&1",
	      super, up);
	commit_all(super, "submodule");
	/* The submodule's own info/exclude lives in super/.git/modules/sm. */
	fx_write(fx->dir, "super/.git/modules/sm/info/exclude", "/excl-env/\n", (size_t)-1);
	e[0] = make_env(fx->dir, "super/sm/venv"); /* super's venv/ does not reach */
	e[1] = make_env(fx->dir, "super/sm/ignored-env");
	e[2] = make_env(fx->dir, "super/sm/excl-env");
	/* A linked worktree of upstream. */
	SH_OK("cd '%s' && git worktree add -q ../wt 2>/dev/null", up);
	fx_write(fx->dir, "upstream/.git/info/exclude", "/wt-excl/\n", (size_t)-1);
	e[3] = make_env(fx->dir, "wt/ignored-env");
	e[4] = make_env(fx->dir, "wt/wt-excl");
	g = scan_git_new();
	expect(g, e[0], SCAN_GIT_NOT_IGNORED, "");
	expect(g, e[1], SCAN_GIT_IGNORED, ".gitignore:1: /ignored-env/");
	{
		char rule[4200];

		snprintf(rule, sizeof(rule), "%s/super/.git/modules/sm/info/exclude:1: /excl-env/",
			 fx->dir);
		expect(g, e[2], SCAN_GIT_IGNORED, rule);
	}
	expect(g, e[3], SCAN_GIT_IGNORED, ".gitignore:1: /ignored-env/");
	{
		char rule[4200];

		snprintf(rule, sizeof(rule), "%s/upstream/.git/info/exclude:1: /wt-excl/", fx->dir);
		expect(g, e[4], SCAN_GIT_IGNORED, rule);
	}
	scan_git_free(g);
	for (int i = 0; i < 5; i++)
		free(e[i]);
	free(up);
	free(super);
}

static void test_ceiling(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *e1, *e2, *ceil, *other;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	e1 = make_env(fx->dir, "repo/ceil/deeper/env");
	e2 = make_env(fx->dir, "repo/ceil/env");
	ceil = fx_path(fx->dir, "repo/ceil");
	other = fx_path(fx->dir, "home");
	setenv("GIT_CEILING_DIRECTORIES", ceil, 1);
	g = scan_git_new();
	expect(g, e1, SCAN_GIT_NO_REPO, "");
	expect(g, e2, SCAN_GIT_NO_REPO, "");
	scan_git_free(g);
	/* A ceiling elsewhere does not hide the repository. */
	setenv("GIT_CEILING_DIRECTORIES", other, 1);
	g = scan_git_new();
	expect(g, e1, SCAN_GIT_NOT_IGNORED, "");
	scan_git_free(g);
	unsetenv("GIT_CEILING_DIRECTORIES");
	free(e1);
	free(e2);
	free(ceil);
	free(other);
	free(repo);
}

/* In a child with its own mount namespace: a tmpfs inside the work tree
 * is another filesystem, where git stops looking (unless told not to). */
static int boundary_checks(const char *dir)
{
	char mnt[4096];
	struct scan_git *g;
	struct scan_git_info info;
	int rc = 0;

	snprintf(mnt, sizeof(mnt), "%s/repo/mnt", dir);
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", mnt, "tmpfs", 0, "size=4m") != 0)
		return 90;
	snprintf(mnt, sizeof(mnt), "%s/repo/mnt/env", dir);
	if (mkdir(mnt, 0755) != 0)
		return 1;
	/* git itself must agree first. */
	if (fx_sh("git -C '%s' rev-parse --show-toplevel >/dev/null 2>&1", mnt) == 0)
		return 2;
	g = scan_git_new();
	scan_git_lookup(g, mnt, &info);
	if (info.state != SCAN_GIT_NO_REPO)
		rc = 3;
	scan_git_info_clear(&info);
	scan_git_free(g);
	setenv("GIT_DISCOVERY_ACROSS_FILESYSTEM", "true", 1);
	if (rc == 0 && fx_sh("git -C '%s' rev-parse --show-toplevel >/dev/null 2>&1", mnt) != 0)
		rc = 4;
	g = scan_git_new();
	scan_git_lookup(g, mnt, &info);
	if (rc == 0 && info.state != SCAN_GIT_NOT_IGNORED)
		rc = 5;
	scan_git_info_clear(&info);
	scan_git_free(g);
	return rc;
}

static void test_filesystem_boundary(void **state)
{
	struct fx_dir *fx = *state;
	char *repo;
	pid_t pid;
	int st;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	fx_mkdirs(fx->dir, "repo/mnt");
	pid = fork();
	if (pid == 0)
		_exit(boundary_checks(fx->dir));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	free(repo);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 90)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_names_and_symlinks(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *e1, *e2, *via, *link;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "real repo");
	fx_write(fx->dir, "real repo/.gitignore", "/my env\\[1\\]/\n", (size_t)-1);
	e1 = make_env(fx->dir, "real repo/my env[1]");
	e2 = make_env(fx->dir, "real repo/my env1");
	fx_symlink("real repo", fx->dir, "link");
	via = fx_path(fx->dir, "link/my env[1]");
	link = fx_path(fx->dir, "link/my env1");
	g = scan_git_new();
	expect(g, e1, SCAN_GIT_IGNORED, ".gitignore:1: /my env\\[1\\]/");
	expect(g, e2, SCAN_GIT_NOT_IGNORED, "");
	/* Reached through a symlink: same repository, same answer. */
	expect(g, via, SCAN_GIT_IGNORED, ".gitignore:1: /my env\\[1\\]/");
	expect(g, link, SCAN_GIT_NOT_IGNORED, "");
	scan_git_free(g);
	free(e1);
	free(e2);
	free(via);
	free(link);
	free(repo);
}

/* Every index format git writes (2, 3, 4, split) gives git's answer. */
static void test_index_formats(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *env, *other;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/venv");
	other = make_env(fx->dir, "repo/venv2");
	fx_write(fx->dir, "repo/src/app.py", "print(1)\n", (size_t)-1);
	SH_OK("cd '%s' && git add venv src && git commit -q -m envs", repo);
	for (int v = 2; v <= 4; v++) {
		SH_OK("cd '%s' && git update-index --index-version %d", repo, v);
		g = scan_git_new();
		expect(g, env, SCAN_GIT_TRACKED, NULL);
		expect(g, other, SCAN_GIT_NOT_IGNORED, NULL);
		scan_git_free(g);
	}
	SH_OK("cd '%s' && git update-index --index-version 2 --split-index && "
	      "git rm -q -r --cached venv && git add venv2/pyvenv.cfg",
	      repo);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_NOT_IGNORED, NULL);
	expect(g, other, SCAN_GIT_TRACKED, NULL);
	scan_git_free(g);
	free(env);
	free(other);
	free(repo);
}

/* A merge conflict leaves only stages 1-3 of the env's file in the index:
 * still tracked, as git ls-files says. */
static void test_conflict_stages(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *env;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/venv");
	SH_OK("cd '%s' && git add venv/pyvenv.cfg && git commit -q -m base && "
	      "git checkout -q -b other && echo a >> venv/pyvenv.cfg && git commit -q -am a && "
	      "git checkout -q main && echo b >> venv/pyvenv.cfg && git commit -q -am b && "
	      "(git merge -q other >/dev/null 2>&1; true) && git ls-files -u | grep -q pyvenv.cfg",
	      repo);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_TRACKED, NULL);
	scan_git_free(g);
	free(env);
	free(repo);
}

/* Config from an include, core.ignorecase and a bare repository agree
 * with git. */
static void test_config_sources(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *repo2, *env, *env2, *env3, *extra;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/venv");
	env2 = make_env(fx->dir, "repo/Other");
	extra = fx_path(fx->dir, "extra-ignore");
	fx_write(fx->dir, "extra-ignore", "venv/\n", (size_t)-1);
	fx_write(fx->dir, "extra.cfg", "", (size_t)-1);
	SH_OK("printf '[core]\\n\\texcludesFile = %s\\n' > '%s/extra.cfg' && "
	      "git -C '%s' config include.path '%s/extra.cfg'",
	      extra, fx->dir, repo, fx->dir);
	fx_write(fx->dir, "repo/.gitignore", "other/\n", (size_t)-1);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_IGNORED, NULL); /* from the included excludes file */
	expect(g, env2, SCAN_GIT_NOT_IGNORED, NULL);
	scan_git_free(g);
	/* ignorecase from the repository's own config. */
	SH_OK("git -C '%s' config --unset include.path && git -C '%s' config core.ignorecase true",
	      repo, repo);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_NOT_IGNORED, NULL);
	expect(g, env2, SCAN_GIT_IGNORED, ".gitignore:1: other/");
	scan_git_free(g);
	/* An env inside a bare repository's folder is in no work tree. */
	repo2 = fx_path(fx->dir, "bare.git");
	SH_OK("git init -q --bare '%s'", repo2);
	env3 = make_env(fx->dir, "bare.git/hooks/venv");
	g = scan_git_new();
	expect(g, env3, SCAN_GIT_NO_REPO, NULL);
	scan_git_free(g);
	free(env);
	free(env2);
	free(env3);
	free(extra);
	free(repo);
	free(repo2);
}

/* One scan_git sees changes made between lookups. */
static void test_changes_seen(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git *g;
	char *repo, *env;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/venv");
	g = scan_git_new();
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	fx_write(fx->dir, "repo/.gitignore", "# x\n/venv/\n", (size_t)-1);
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:2: /venv/");
	SH_OK("cd '%s' && git add -f venv/pyvenv.cfg", repo);
	expect(g, env, SCAN_GIT_TRACKED, ".gitignore:2: /venv/");
	SH_OK("cd '%s' && git rm -q --cached venv/pyvenv.cfg", repo);
	expect(g, env, SCAN_GIT_IGNORED, NULL);
	/* Parsed files are kept between lookups: a rewrite of the same size
	 * (same inode, a new mtime) is read again, and so is a new file. */
	fx_write(fx->dir, "repo/.gitignore", "# x\n/vexv/\n", (size_t)-1);
	expect(g, env, SCAN_GIT_NOT_IGNORED, "");
	fx_write(fx->dir, "repo/.gitignore.new", "venv/\n", (size_t)-1);
	SH_OK("cd '%s' && mv .gitignore.new .gitignore", repo);
	expect(g, env, SCAN_GIT_IGNORED, ".gitignore:1: venv/");
	scan_git_free(g);
	free(env);
	free(repo);
}

/* A lookup that must not read a bad file: unknown, with `why` in the
 * error (git itself would hang on a FIFO: it is not asked). A hang ends
 * the test binary with git_setup's alarm. */
static void expect_problem(const char *env, const char *why)
{
	struct scan_git *g = scan_git_new();
	struct scan_git_info info;

	scan_git_lookup(g, env, &info);
	if (info.state != SCAN_GIT_UNKNOWN)
		fail_msg("%s: %s, expected unknown (%s)", env, scan_git_state_name(info.state), why);
	if (!info.error || !strstr(info.error, why))
		fail_msg("%s: error \"%s\", expected \"%s\"", env, info.error ? info.error : "", why);
	scan_git_info_clear(&info);
	scan_git_free(g);
}

/* Puts a FIFO, a link to /dev/zero or a 1 GiB sparse file at `rel`. */
static void plant(const char *dir, const char *rel, int kind)
{
	char *p = fx_path(dir, rel);

	unlink(p);
	if (kind == 0)
		assert_int_equal(mkfifo(p, 0644), 0);
	else if (kind == 1)
		assert_int_equal(symlink("/dev/zero", p), 0);
	else
		SH_OK("truncate -s 1G '%s'", p);
	free(p);
}

static void unplant(const char *dir, const char *rel)
{
	char *p = fx_path(dir, rel);

	assert_int_equal(unlink(p), 0);
	free(p);
}

/* Every file git reads that is a FIFO, a device or huge: the env's git
 * state is unknown with the file and the reason named; nothing hangs and
 * nothing is read whole. */
static void test_unsafe_files(void **state)
{
	static const char *const kinds[] = {"is not a regular file", "is not a regular file",
					    "is larger than 16 MiB"};
	struct fx_dir *fx = *state;
	char *repo, *env, *sub, *cfg;
	struct scan_git *g;

	git_env(fx->dir);
	repo = repo_init(fx->dir, "repo");
	env = make_env(fx->dir, "repo/venv");
	sub = make_env(fx->dir, "repo/sub/venv");
	commit_all(repo, "start");
	for (int k = 0; k < 3; k++) {
		plant(fx->dir, "repo/.git/info/exclude", k);
		expect_problem(env, kinds[k]);
		expect_problem(env, ".git/info/exclude");
		unplant(fx->dir, "repo/.git/info/exclude");
		if (k != 1) { /* a link is not followed: see below */
			plant(fx->dir, "repo/sub/.gitignore", k);
			expect_problem(sub, "sub/.gitignore");
			unplant(fx->dir, "repo/sub/.gitignore");
		}
		plant(fx->dir, "home/global-ignore", k);
		expect_problem(env, "global-ignore");
		unplant(fx->dir, "home/global-ignore");
	}
	/* A .gitignore that is a link is not read at all, as git does. */
	plant(fx->dir, "repo/.gitignore", 1);
	g = scan_git_new();
	expect(g, env, SCAN_GIT_TRACKED, NULL);
	scan_git_free(g);
	/* Files libgit2 would read: checked before it is asked. */
	plant(fx->dir, "repo/.git/index", 0);
	expect_problem(env, ".git/index is not a regular file");
	SH_OK("cd '%s' && rm .git/index && git reset -q", repo);
	cfg = fx_path(fx->dir, "home/.gitconfig");
	SH_OK("cp '%s' '%s.keep' && cp '%s/.git/config' '%s/config.keep'", cfg, cfg, repo, fx->dir);
	for (int k = 0; k < 3; k++) {
		plant(fx->dir, "home/.gitconfig", k);
		expect_problem(env, ".gitconfig");
		SH_OK("rm '%s' && cp '%s.keep' '%s'", cfg, cfg, cfg);
		plant(fx->dir, "included", k);
		SH_OK("printf '[include]\\n\\tpath = ../../included\\n' >> '%s/.git/config'", repo);
		expect_problem(env, "included");
		SH_OK("cp '%s/config.keep' '%s/.git/config'", fx->dir, repo);
	}
	/* A section and its key on one line, a quoted value, "~/". */
	{
		char *path = fx_path(repo, ".git/config");
		FILE *f = fopen(path, "a");

		assert_non_null(f);
		fputs("[includeIf \"gitdir:/\"]path = \"~/inc\" ; comment\n", f);
		fclose(f);
		free(path);
	}
	plant(fx->dir, "home/inc", 0);
	expect_problem(env, "/inc is not a regular file");
	free(cfg);
	free(env);
	free(sub);
	free(repo);
}

/* fx_setup_dir with more time: each case runs dozens of git commands,
 * which take more than the fixture's 20 s on a busy machine. */
static int git_setup(void **state)
{
	int rc = fx_setup_dir(state);

	alarm(180);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_repo, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_ignore_sources, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_negations, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_pattern_sweep, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_inner_gitignore, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_tracked, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_nested_repo, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_submodule_and_worktree, git_setup,
						fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_ceiling, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_filesystem_boundary, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_names_and_symlinks, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_index_formats, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_conflict_stages, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_config_sources, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_changes_seen, git_setup, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_unsafe_files, git_setup, fx_teardown_dir),
	};
	return cmocka_run_group_tests_name("scan_git", tests, NULL, NULL);
}
