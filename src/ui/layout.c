#include "layout.h"

#include <stdio.h>
#include <string.h>

#define GAP 2
#define NAME_MIN 8
#define NAME_MAX 28
#define PATH_MIN 12
#define FLAGS_MIN 5 /* its title */
#define FLAGS_MAX 30
#define KIND_MIN 4 /* its title */
#define KIND_MAX 10

static const char *const titles[UI_COL_COUNT] = {"",     "NAME", "KIND", "PYTHON", "SIZE",  "",    "%",
						 "PKGS", "LINK", "GIT",  "AGE",    "FLAGS", "PATH"};
/* Fixed widths; name, flags and path are decided per screen. The share is
 * "[#####] 100%". */
static const int fixed[UI_COL_COUNT] = {1, 0, 0, 7, 9, 1, 12, 4, 7, 11, 4, 0, 0};
/* The order in which columns give way when the screen is narrow (once the
 * path is down to its short width): the decorative ones, then the path.
 * The share goes after KIND: this is where people come when a disk is full. */
static const enum ui_col give_way[] = {UI_COL_LINK,  UI_COL_GIT,   UI_COL_PKGS,   UI_COL_AGE,
				       UI_COL_KIND,  UI_COL_SHARE, UI_COL_PYTHON, UI_COL_FLAGS,
				       UI_COL_HLINK, UI_COL_PATH,  UI_COL_SIZE};

const char *ui_col_title(enum ui_col c)
{
	return titles[c];
}

/* The names of the columns in the config's `columns` (the marker has none). */
static const char *const col_names[UI_COL_COUNT] = {
	[UI_COL_NAME] = "name", [UI_COL_KIND] = "kind",   [UI_COL_PYTHON] = "python",
	[UI_COL_SIZE] = "size", [UI_COL_HLINK] = "hlink", [UI_COL_SHARE] = "share",
	[UI_COL_PKGS] = "pkgs", [UI_COL_LINK] = "link",   [UI_COL_GIT] = "git",
	[UI_COL_AGE] = "age",   [UI_COL_FLAGS] = "flags", [UI_COL_PATH] = "path",
};

int ui_layout_parse_columns(bool off[UI_COL_COUNT], const char *text, char *bad, size_t cap)
{
	const char *p = text;

	for (int c = 0; c < UI_COL_COUNT; c++)
		off[c] = c != UI_COL_MARK && c != UI_COL_NAME;
	while (*p) {
		size_t n = strcspn(p, ", \t");
		int c = 0;

		if (n == 0) {
			p++;
			continue;
		}
		while (c < UI_COL_COUNT && !(col_names[c] && strlen(col_names[c]) == n &&
					     strncmp(col_names[c], p, n) == 0))
			c++;
		if (c == UI_COL_COUNT) {
			snprintf(bad, cap, "%.*s", (int)n, p);
			return -1;
		}
		off[c] = false;
		p += n;
	}
	return 0;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Width used by the shown columns, gaps included (mark takes one gap). */
static int used(const struct ui_layout *l)
{
	int total = 0, n = 0;

	for (int c = 0; c < UI_COL_COUNT; c++) {
		if (!l->shown[c])
			continue;
		total += l->w[c] + (n ? (c == UI_COL_NAME ? 1 : GAP) : 0);
		n++;
	}
	return total;
}

void ui_layout_columns(struct ui_layout *out, int width, const struct ui_col_wants *want)
{
	int name_want = want->name, path_want = want->path;
	int x = 0, n = 0;

	memset(out, 0, sizeof(*out));
	for (int c = 0; c < UI_COL_COUNT; c++) {
		out->shown[c] = true;
		out->w[c] = fixed[c];
	}
	out->right[UI_COL_SIZE] = out->right[UI_COL_PKGS] = out->right[UI_COL_AGE] = true;
	out->shown[UI_COL_GIT] = want->git;
	out->shown[UI_COL_HLINK] = want->hlink;
	out->shown[UI_COL_FLAGS] = want->flags > 0;
	out->w[UI_COL_FLAGS] = clamp(want->flags, FLAGS_MIN, FLAGS_MAX);
	out->w[UI_COL_KIND] = clamp(want->kind, KIND_MIN, KIND_MAX);
	out->w[UI_COL_NAME] = clamp(name_want, NAME_MIN, NAME_MAX);
	out->w[UI_COL_PATH] = path_want > PATH_MIN ? path_want : PATH_MIN;
	for (int c = 0; want->off && c < UI_COL_COUNT; c++)
		if (want->off[c])
			out->shown[c] = false;

	/* The path shrinks to whatever is left, down to its minimum. */
	if (used(out) > width)
		out->w[UI_COL_PATH] = clamp(out->w[UI_COL_PATH] - (used(out) - width), PATH_MIN,
					    out->w[UI_COL_PATH]);
	for (size_t i = 0; i < sizeof(give_way) / sizeof(*give_way) && used(out) > width; i++)
		out->shown[give_way[i]] = false;
	if (used(out) > width)
		out->w[UI_COL_NAME] = clamp(out->w[UI_COL_NAME] - (used(out) - width), NAME_MIN,
					    out->w[UI_COL_NAME]);
	/* Room to spare goes to the name (up to what it wants), then the path. */
	if (used(out) < width && out->w[UI_COL_NAME] < clamp(name_want, NAME_MIN, NAME_MAX * 2)) {
		int extra = width - used(out);
		int more = clamp(name_want, NAME_MIN, NAME_MAX * 2) - out->w[UI_COL_NAME];

		out->w[UI_COL_NAME] += extra < more ? extra : more;
	}
	if (out->shown[UI_COL_PATH] && used(out) < width)
		out->w[UI_COL_PATH] += width - used(out);
	for (int c = 0; c < UI_COL_COUNT; c++) {
		if (!out->shown[c])
			continue;
		x += n ? (c == UI_COL_NAME ? 1 : GAP) : 0;
		out->x[c] = x;
		x += out->w[c];
		n++;
	}
}
