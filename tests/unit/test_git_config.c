/* scan_git_config against `git config` itself: for each config text of a
 * sweep of git's syntax (case, quotes, escapes, comments, continuation
 * lines, CRLF, a BOM, subsections, keys without values, repeats, bad
 * lines), what the reader takes for sure must equal
 * `git config --file F --path --get core.excludesfile` and
 * `--bool --get core.ignorecase`; a file git rejects must be unsure. Each
 * case also says whether the reader must be sure, so the sweep cannot pass
 * by giving up everywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "helpers/fixture.h"
#include "helpers/shell.h"
#include "scan/git_config.h"

struct config_case {
	const char *text;
	bool sure; /* the reader must take this one on */
};

static const struct config_case cases[] = {
	{"", true},
	{"[core]\n\texcludesFile = ~/ign\n", true},
	{"[Core]\n  ExcludesFile=/abs/path  \n", true},
	{"[core]\nexcludesfile = \"/with space/x\" ; comment\n", true},
	{"[core]\n\texcludesfile = /a\\\n/b\n", true},
	{"[core]\n\texcludesfile = /a\\tb\\\\c\\\"d\n", true},
	{"[core]\n\texcludesfile = /a # comment\n", true},
	{"[core]\n\texcludesfile = \"/a # not a comment\"\n", true},
	{"[core]\n\texcludesfile = /a   b  \n", true},
	{"[core]\n\texcludesfile = /a\"  \"b\n", true},
	{"[core]\r\n\texcludesfile = /crlf\r\n", true},
	{"[core]excludesfile=/same-line\n", true},
	{"[core]\n\texcludesfile = /first\n[core]\n\texcludesfile = /second\n", true},
	{"[core \"sub\"]\n\texcludesfile = /not-core\n", true},
	{"[core \"s\\\"u\\\\b\"]\n\tignorecase = true\n", true},
	{"[core.sub]\n\texcludesfile = /not-core\n", true},
	{"[user]\n\tname = x\n[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n", true},
	{"# c\n; c\n[core] # c\n\tignorecase\n", true},
	{"[core]\n\tignorecase = yes\n", true},
	{"[core]\n\tignorecase = off\n", true},
	{"[core]\n\tignorecase = 0\n", true},
	{"[core]\n\tignorecase = 2\n", true},
	{"[core]\n\tignorecase = 1k\n", true},
	{"[core]\n\tignorecase =\n", true},
	{"[core]\n\tignorecase = true\n\tignorecase = false\n", true},
	{"[core]\n\tignorecase = TRUE", true},
	{"\xef\xbb\xbf[core]\n\tignorecase = true\n", true},
	{"[core]\n\tignorecase = true ; trailing\n[alias]\n\tst = status\n", true},
	{"[core]\n\tignorecase = maybe\n", false},
	{"[core]\n\texcludesfile = /a\\qb\n", false},
	{"[core]\n\texcludesfile = \"/unclosed\n", false},
	{"[core\n\tignorecase = true\n", false},
	{"[core \"sub\n", false},
	{"[core]\n1key = v\n", false},
	{"[core]\n\tkey v\n", false},
	{"[core]\n\texcludesfile\n", false},
	{"[core]\n\texcludesfile = rel/path\n", false},
	{"[core]\n\texcludesfile = ~other/x\n", false},
	{"[include]\n\tpath = other\n", false},
	{"[includeIf \"gitdir:~/w/\"]\n\tpath = other\n", false},
	{"[core]\n\tbare = false\n", true},
	{"[core]\n\tbare = true\n", false},
	{"[core]\n\tbare\n", false},
	{"[core]\n\tworktree = /elsewhere\n", false},
	{"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n", false},
};

static void check_case(const char *dir, const char *home, const struct config_case *c, size_t i)
{
	struct scan_git_config cfg = {0};
	char *file, *want_x, *want_i;
	int rc_list, rc_x, rc_i;

	fx_write(dir, "config", c->text, (size_t)-1);
	file = fx_path(dir, "config");
	scan_git_config_read(&cfg, file, home);
	free(fx_capture(&rc_list, "HOME='%s' git config --file '%s' --list >/dev/null 2>&1", home, file));
	want_x = fx_capture(&rc_x, "HOME='%s' git config --file '%s' --path --get core.excludesfile 2>/dev/null",
		     home, file);
	want_i = fx_capture(&rc_i, "HOME='%s' git config --file '%s' --bool --get core.ignorecase 2>/dev/null",
		     home, file);
	if (c->sure != !cfg.unsure)
		fail_msg("case %zu: the reader is %s, the case says %s", i,
			 cfg.unsure ? "unsure" : "sure", c->sure ? "sure" : "unsure");
	if (rc_list != 0 && !cfg.unsure)
		fail_msg("case %zu: git rejects the file, the reader took it", i);
	if (!cfg.unsure) {
		if (rc_x == 0) {
			if (!cfg.excludes_file)
				fail_msg("case %zu: git says excludesfile %s, the reader none", i, want_x);
			assert_string_equal(cfg.excludes_file, want_x);
		} else if (cfg.excludes_file) {
			fail_msg("case %zu: git has no excludesfile, the reader %s", i, cfg.excludes_file);
		}
		if (rc_i != 0 && rc_i != 1)
			fail_msg("case %zu: git cannot read ignorecase (%d)", i, rc_i);
		if (cfg.icase != (rc_i == 0 && strcmp(want_i, "true") == 0))
			fail_msg("case %zu: git says ignorecase %s, the reader %d", i,
				 rc_i == 0 ? want_i : "unset", cfg.icase);
	}
	scan_git_config_clear(&cfg);
	free(want_x);
	free(want_i);
	free(file);
}

static void test_like_git(void **state)
{
	struct fx_dir *fx = *state;
	char *home = fx_path(fx->dir, "home");

	fx_mkdirs(fx->dir, "home");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		check_case(fx->dir, home, &cases[i], i);
	free(home);
}

/* Files read in order: a later one wins; a missing one changes nothing. */
static void test_levels(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_git_config cfg = {0}, copy;
	char *a, *b, *missing;

	fx_write(fx->dir, "a", "[core]\n\texcludesfile = /from-a\n\tignorecase = true\n", (size_t)-1);
	fx_write(fx->dir, "b", "[core]\n\tignorecase = false\n", (size_t)-1);
	a = fx_path(fx->dir, "a");
	b = fx_path(fx->dir, "b");
	missing = fx_path(fx->dir, "nothing/here");
	scan_git_config_read(&cfg, a, "/h");
	scan_git_config_read(&cfg, missing, "/h");
	scan_git_config_read(&cfg, b, "/h");
	assert_false(cfg.unsure);
	assert_false(cfg.icase);
	assert_string_equal(cfg.excludes_file, "/from-a");
	scan_git_config_copy(&copy, &cfg);
	scan_git_config_clear(&cfg);
	assert_string_equal(copy.excludes_file, "/from-a");
	scan_git_config_clear(&copy);
	/* A folder where a file should be: git cannot read it either. */
	scan_git_config_read(&cfg, fx->dir, "/h");
	assert_true(cfg.unsure);
	scan_git_config_clear(&cfg);
	free(a);
	free(b);
	free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_like_git, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_levels, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
