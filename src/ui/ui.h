/* The full-screen browser. The only part of venvscope that draws. */
#ifndef VS_UI_UI_H
#define VS_UI_UI_H

#include <stdbool.h>
#include <stddef.h>

struct ui_options {
	char **roots; /* as given; none: "." and the central places */
	size_t n_roots;
	char **excludes;
	size_t n_excludes;
	int depth;
	bool one_file_system;
	bool no_size;
	bool no_git;
	int stale_days;
	int threads;
	int sort; /* enum scan_sort */
	bool reverse;
	const char *theme; /* NULL: "default" */
};

/* Whether a full-screen UI can run here: stdin and stdout are terminals and
 * TERM names a terminal that can address the cursor. When not, *why says
 * so in words. */
bool ui_terminal_usable(const char **why);

/* Checks that a theme name or path loads (0), or says why not (VS_EUSAGE,
 * naming the file and line) in err. */
struct vs_err;
int ui_check_theme(const char *name_or_path, struct vs_err *err);

/* Runs the browser until the user quits. Returns the exit code (0, or 2 for
 * a bad theme or root, with the reason on stderr after the screen is
 * restored). Every exit path restores the terminal. */
int ui_run(const struct ui_options *opts);

#endif
