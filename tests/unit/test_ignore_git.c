/* The ignore matcher against git itself: thousands of generated patterns
 * and paths, each pattern file in a folder of its own in a real repository
 * (`git init`), every path asked of `git check-ignore --no-index -v -n -z
 * --stdin` in one batch and of scan_git_path_ignored. Both must say the
 * same (ignored or not, and by which file and line), with core.ignorecase
 * off and on. Patterns and path parts come from an alphabet full of glob
 * syntax (a b A * ** ? [ ] ! / \ . - ^ and bracket expressions); half the
 * paths are made from the group's own patterns so that many match.
 * VS_IGNORE_SEED picks another seed (the default one is fixed, so a
 * failure can be run again). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture.h"
#include "helpers/shell.h"
#include "scan/git_ignore.h"
#include "util/strbuf.h"

#define GROUPS 800      /* folders with a .gitignore each, per repository */
#define PATHS 5         /* paths asked below each */
#define MAX_MISMATCH 15 /* shown */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *const pat_tokens[] = {
	"a", "b", "A", "*",     "**",   "?",           "[",    "]",   "!",   "/",   "/", "\\",
	".", "-", "^", "[a-b]", "[!a]", "[[:alpha:]]", "[]a]", "\\*", "**/", "/**", "a", "b",
};
static const char path_chars[] = "abAB*?[]!\\.-^ ";

static void gen_pattern(struct strbuf *sb)
{
	int n = 1 + (int)rnd(6);

	for (int i = 0; i < n; i++)
		sb_adds(sb, pat_tokens[rnd(sizeof(pat_tokens) / sizeof(*pat_tokens))]);
}

static void gen_component(struct strbuf *sb)
{
	size_t start = sb->len;
	int n = 1 + (int)rnd(3);

	for (int i = 0; i < n; i++)
		sb_addc(sb, path_chars[rnd(sizeof(path_chars) - 1)]);
	/* "." and ".." are not names */
	if (strspn(sb->buf + start, ".") == sb->len - start)
		sb_addc(sb, 'a');
}

/* A path that a pattern of the group might match: its wildcards filled in. */
static void path_from_pattern(struct strbuf *sb, const char *pat)
{
	size_t start = sb->len;

	for (const char *p = pat; *p; p++) {
		if (*p == '!' && p == pat)
			continue;
		if (*p == '*') {
			int k = (int)rnd(3);

			for (int i = 0; i < k; i++)
				sb_addc(sb, "ab/"[rnd(3)]);
		} else if (*p == '?') {
			sb_addc(sb, 'a');
		} else if (*p == '[') {
			const char *e = strchr(p + 1, ']');

			sb_addc(sb, 'a');
			if (e)
				p = e;
		} else if (*p == '\\' && p[1]) {
			sb_addc(sb, *++p);
		} else {
			sb_addc(sb, *p);
		}
	}
	/* Tidy into a relative path of real names. */
	{
		struct strbuf out = STRBUF_INIT;
		char *copy = strdup(sb->buf + start), *save = NULL;

		for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
			if (strspn(c, ".") == strlen(c))
				continue;
			if (out.len)
				sb_addc(&out, '/');
			sb_adds(&out, c);
		}
		sb->len = start;
		sb->buf[start] = '\0';
		if (out.len)
			sb_adds(sb, sb_str(&out));
		else
			gen_component(sb);
		sb_free(&out);
		free(copy);
	}
}

struct asked {
	char *path;
	char *pattern_text[3];
	int n_patterns;
};

/* Builds GROUPS folders with patterns in `repo`, the paths in `out`. */
static void build(const char *repo, struct asked *out)
{
	struct strbuf text = STRBUF_INIT, one = STRBUF_INIT, rel = STRBUF_INIT;

	for (int g = 0; g < GROUPS; g++) {
		int np = 1 + (int)rnd(3);
		char *lines[3];

		sb_reset(&text);
		for (int i = 0; i < np; i++) {
			sb_reset(&one);
			gen_pattern(&one);
			lines[i] = strdup(sb_str(&one));
			sb_addf(&text, "%s\n", lines[i]);
		}
		sb_reset(&rel);
		sb_addf(&rel, "g%d/.gitignore", g);
		fx_write(repo, sb_str(&rel), sb_str(&text), (size_t)-1);
		for (int k = 0; k < PATHS; k++) {
			struct asked *a = &out[g * PATHS + k];

			sb_reset(&one);
			sb_addf(&one, "g%d/", g);
			if (k % 2) {
				path_from_pattern(&one, lines[rnd((unsigned)np)]);
			} else {
				int depth = 1 + (int)rnd(4);

				for (int d = 0; d < depth; d++) {
					if (d)
						sb_addc(&one, '/');
					gen_component(&one);
				}
			}
			a->path = strdup(sb_str(&one));
			a->n_patterns = np;
			for (int i = 0; i < np; i++)
				a->pattern_text[i] = lines[i];
		}
		for (int i = 0; i < np; i++)
			if (PATHS == 0)
				free(lines[i]);
	}
	sb_free(&text);
	sb_free(&one);
	sb_free(&rel);
}

/* git's answer for every path: "source:line: pattern" or "" (not
 * ignored; a negative pattern's match is "not ignored" too). */
static char **git_answers(const char *dir, const char *repo, const struct asked *a, size_t n,
			  bool icase)
{
	char *list = fx_path(dir, "paths"), *out, **ans = calloc(n, sizeof(char *));
	FILE *f = fopen(list, "wb");
	size_t len, at = 0;
	int rc;

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fwrite(a[i].path, 1, strlen(a[i].path) + 1, f);
	fclose(f);
	out = fx_output(&rc, &len,
			"cd '%s' && git -c core.ignorecase=%s check-ignore --no-index -v -n -z --stdin "
			"< '%s'",
			repo, icase ? "true" : "false", list);
	/* git exits 0 when some path is ignored, 1 when none. */
	assert_true(rc == 0 || rc == 1);
	for (size_t i = 0; i < n; i++) {
		const char *src = out + at, *line, *pat, *path;

		if (at >= len)
			fail_msg("git check-ignore answered %zu paths of %zu", i, n);
		line = src + strlen(src) + 1;
		pat = line + strlen(line) + 1;
		path = pat + strlen(pat) + 1;
		at = (size_t)(path + strlen(path) + 1 - out);
		if (strcmp(path, a[i].path) != 0)
			fail_msg("git check-ignore answered '%s' for '%s'", path, a[i].path);
		if (*src && pat[0] != '!') {
			if (asprintf(&ans[i], "%s:%s: %s", src, line, pat) < 0)
				fail_msg("out of memory");
		} else {
			ans[i] = strdup("");
		}
	}
	free(out);
	free(list);
	return ans;
}

static void compare(bool icase)
{
	char *dir = fx_tmpdir(), *repo, *exclude;
	const char *seed = getenv("VS_IGNORE_SEED");
	struct asked *a = calloc(GROUPS * PATHS, sizeof(*a));
	size_t n = GROUPS * PATHS;
	struct scan_ign_cache *cache = scan_ign_cache_new();
	char **want;
	int bad = 0, ignored = 0;

	rng_state = seed ? strtoull(seed, NULL, 0) : 0x5eed1234abcdULL + icase;
	fx_git_env(dir, NULL);
	repo = fx_path(dir, "repo");
	fx_mkdirs(dir, "repo");
	FX_SH_OK("git init -q '%s'", repo);
	build(repo, a);
	want = git_answers(dir, repo, a, n, icase);
	exclude = fx_path(repo, ".git/info/exclude");
	{
		const struct scan_git_excludes e = {.workdir = repo,
						    .exclude = exclude,
						    .excludes_file = NULL,
						    .icase = icase,
						    .cache = cache};

		for (size_t i = 0; i < n; i++) {
			char *rule = NULL, *problem = NULL;
			int rc = scan_git_path_ignored(&e, a[i].path, &rule, &problem);

			assert_null(problem);
			ignored += *want[i] != '\0';
			if (strcmp(rc == 1 ? rule : "", want[i]) != 0 && bad++ < MAX_MISMATCH) {
				print_error("'%s' (patterns:", a[i].path);
				for (int k = 0; k < a[i].n_patterns; k++)
					print_error(" '%s'", a[i].pattern_text[k]);
				print_error("): git says '%s', venvscope '%s'\n", want[i],
					    rc == 1 ? rule : "");
			}
			free(rule);
		}
	}
	print_message("core.ignorecase=%s: %zu paths, %d ignored by git, %d disagreements\n",
		      icase ? "true" : "false", n, ignored, bad);
	assert_int_equal(bad, 0);
	/* The generator must make both answers common, or the test proves little. */
	assert_true(ignored > (int)n / 10 && ignored < (int)n * 9 / 10);
	for (size_t i = 0; i < n; i++) {
		free(a[i].path);
		free(want[i]);
		if (i % PATHS == 0)
			for (int k = 0; k < a[i].n_patterns; k++)
				free(a[i].pattern_text[k]);
	}
	free(a);
	free(want);
	scan_ign_cache_free(cache);
	free(exclude);
	free(repo);
	fx_rmtree(dir);
	free(dir);
}

static void test_case_sensitive(void **state)
{
	(void)state;
	compare(false);
}

static void test_ignorecase(void **state)
{
	(void)state;
	compare(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_sensitive),
		cmocka_unit_test(test_ignorecase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
