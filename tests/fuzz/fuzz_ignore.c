/* libFuzzer target: the ignore matcher (util/wildmatch) on arbitrary
 * patterns and texts, in bounded time. The first byte picks the flags
 * (bit 0: case folding, bit 1: pathname mode); the rest is cut at its first
 * newline into a pattern (up to the first NUL) and a text. Besides not
 * crashing, it checks:
 *   one match (compile and run) takes under 100 ms of CPU, whatever the input
 *   (inputs over 512 bytes are skipped);
 *   the same compiled pattern gives the same answer twice, and a text
 *   shorter than vs_wildpat_min_len never matches.
 * With VS_FUZZ_GIT=1, each input whose pattern is one .gitignore line and
 * whose text is a relative path is also asked of git: the pattern goes into
 * the .gitignore of a scratch repository and `git check-ignore --no-index
 * -q` must agree with scan_git_path_ignored (core.ignorecase from bit 0).
 * That runs git once per input: slow, for a differential campaign. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan/git_ignore.h"
#include "util/err.h"
#include "util/proc.h"
#include "util/wildmatch.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This thread's CPU time: a loaded machine does not count against it. */
static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A path git takes as is: relative, no empty, "." or ".." part, no
 * control byte, not starting with ':' (pathspec magic). */
static bool plain_path(const char *t)
{
	if (!*t || *t == '/' || *t == ':' || t[strlen(t) - 1] == '/' || strstr(t, "//"))
		return false;
	for (const char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	for (const char *p = t; *p;) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

static char scratch_dir[] = "/tmp/vs-fuzz-ignore-XXXXXX";

/* The scratch repository goes when the fuzzer exits. */
static void scratch_remove(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_ignore: could not remove %s\n", scratch_dir);
}

static const char *scratch_repo(void)
{
	static bool made;
	char cmd[256];

	if (!made) {
		if (!mkdtemp(scratch_dir))
			abort();
		atexit(scratch_remove);
		snprintf(cmd, sizeof(cmd), "git init -q '%s'", scratch_dir);
		if (system(cmd) != 0)
			abort();
		made = true;
	}
	return scratch_dir;
}

/* git and venvscope on `pattern` as the only .gitignore line and `path`. */
static void against_git(const char *pattern, const char *path, bool icase)
{
	const char *repo = scratch_repo();
	char *gi = xasprintf("%s/.gitignore", repo),
	     *exclude = xasprintf("%s/.git/info/exclude", repo);
	const char *argv[] = {"git",
			      "-C",
			      repo,
			      "-c",
			      icase ? "core.ignorecase=true" : "core.ignorecase=false",
			      "check-ignore",
			      "--no-index",
			      "-q",
			      "--",
			      path,
			      NULL};
	const struct vs_proc_spawn sp = {.argv = argv};
	const struct scan_git_excludes e = {.workdir = repo, .exclude = exclude, .icase = icase};
	struct vs_proc_output out = {0};
	struct vs_err err = {0};
	char *rule = NULL, *problem = NULL;
	FILE *f = fopen(gi, "w");
	int ours;

	if (!f || fprintf(f, "%s\n", pattern) < 0 || fclose(f) != 0)
		abort();
	if (vs_proc_capture(&out, &sp, 4096, 10000, &err) != 0)
		abort();
	ours = scan_git_path_ignored(&e, path, &rule, &problem);
	if ((out.exit_code == 0 || out.exit_code == 1) && (ours == 1) != (out.exit_code == 0)) {
		fprintf(stderr, "pattern '%s' path '%s' icase %d: git %s, venvscope %s (%s)\n",
			pattern, path, icase, out.exit_code == 0 ? "ignores" : "does not ignore",
			ours == 1 ? "ignores" : "does not", rule ? rule : "-");
		abort();
	}
	vs_proc_output_clear(&out);
	free(rule);
	free(problem);
	free(gi);
	free(exclude);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	const char *nl;
	char *pattern, *text;
	struct vs_wildpat *p;
	size_t tlen;
	double t0, ms;
	bool a, b;

	/* A few hundred bytes are enough to reach every path of the matcher;
	 * the time bound is for those (make fuzz does not pass -max_len). */
	if (size < 1 || size > 512)
		return 0;
	flags = (data[0] & 1 ? VS_WM_CASEFOLD : 0) | (data[0] & 2 ? VS_WM_PATHNAME : 0);
	data++;
	size--;
	nl = memchr(data, '\n', size);
	pattern = xstrndup((const char *)data, nl ? (size_t)(nl - (const char *)data) : size);
	text = nl ? xstrndup(nl + 1, size - (size_t)(nl + 1 - (const char *)data)) : xstrdup("");
	tlen = strlen(text);

	t0 = now_ms();
	p = vs_wildpat_new(pattern, strlen(pattern), flags);
	a = vs_wildpat_match(p, text, tlen);
	ms = now_ms() - t0;
	if (ms > 100) {
		fprintf(stderr, "one match took %.1f ms (pattern %zu bytes, text %zu)\n", ms,
			strlen(pattern), tlen);
		abort();
	}
	b = vs_wildpat_match(p, text, tlen);
	if (a != b || (a && tlen < vs_wildpat_min_len(p)))
		abort();
	vs_wildpat_free(p);

	if (getenv("VS_FUZZ_GIT") && *pattern && !strchr(pattern, '\r') && plain_path(text))
		against_git(pattern, text, data[-1] & 1);
	free(pattern);
	free(text);
	return 0;
}
