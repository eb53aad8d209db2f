/* An env's story (issue 16): where it was created when that is not where
 * it is now, whether its base still is the Python it was made with, its
 * Python's support status, when it was created and last used, and
 * whether its manager still knows it. Read-only; runs nothing. */
#ifndef VS_SCAN_STORY_H
#define VS_SCAN_STORY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "venv.h"

/* Fills moved_from, version_mismatch/base_version, life (as of `now`),
 * last_used/last_used_source/noatime, created, and pipx's orphan, adding
 * the problem sentences. Called by scan_inspect_env after the identity
 * and interpreter are read (needs python_version, base_python, manager).
 * Reads at most bin/activate (without moving its atime where permitted)
 * or, without one, one console script's first line. `envfd` stays the
 * caller's. */
void scan_story_read(struct venv *v, int envfd, time_t now);

/* The folder an activate script says the env is at (its VIRTUAL_ENV=
 * line), from the script's text; NULL when none is absolute. Caller
 * frees. */
char *scan_story_activate_path(const char *text);

/* The env folder a `command = ... -m venv [options] PATH` line names, or
 * NULL. Caller frees. */
char *scan_story_command_path(const char *command);

/* The story in words, as the browser's details and `show` print it: a
 * label ("project", "python support", "created", "last used", "moved
 * from", "base version") and a text; `bad` when it is a problem. */
struct scan_story_line {
	const char *label; /* static */
	char *text;        /* owned */
	bool bad;
};
#define SCAN_STORY_LINES_MAX 6
/* Fills out[] (at most SCAN_STORY_LINES_MAX) and returns the count; times
 * are said relative to `now`. Free with scan_story_lines_free. */
size_t scan_story_lines(struct scan_story_line *out, const struct venv *v, time_t now);
void scan_story_lines_free(struct scan_story_line *l, size_t n);

#endif
