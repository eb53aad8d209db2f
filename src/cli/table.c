#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"

enum { COL_NAME, COL_PY, COL_SIZE, COL_PKGS, COL_LINK, COL_GIT, COL_AGE, COL_FLAGS, COL_PATH, N_COLS };

static const char *const headers[N_COLS] = {"NAME", "PYTHON", "SIZE",  "PKGS", "LINK",
					    "GIT",  "AGE",    "FLAGS", "PATH"};
/* Numbers read best right-aligned. */
static const int right[N_COLS] = {0, 0, 1, 1, 0, 0, 1, 0, 0};

/* The cells of one row, as text (all owned by the caller). */
static void row_cells(char *cells[N_COLS], const struct venv *v, time_t now, const char *home)
{
	char buf[64];

	cells[COL_NAME] = xstrdup(v->name);
	cells[COL_PY] = xstrdup(v->python_version ? v->python_version : "?");
	if (v->size_known)
		human_size(buf, sizeof(buf), v->size.size_bytes);
	else
		snprintf(buf, sizeof(buf), "-");
	cells[COL_SIZE] = xstrdup(buf);
	if (v->packages_known)
		snprintf(buf, sizeof(buf), "%zu", v->package_count);
	else
		snprintf(buf, sizeof(buf), "-");
	cells[COL_PKGS] = xstrdup(buf);
	cells[COL_LINK] = xstrdup(venv_link_name(v->link));
	cells[COL_GIT] = xstrdup(*venv_git_word(v) ? venv_git_word(v) : "?");
	if (v->last_modified > 0)
		human_age(buf, sizeof(buf), (int64_t)now - v->last_modified);
	else
		snprintf(buf, sizeof(buf), "-");
	cells[COL_AGE] = xstrdup(buf);
	venv_flags(buf, sizeof(buf), v);
	cells[COL_FLAGS] = xstrdup(buf[0] ? buf : "-");
	cells[COL_PATH] = path_tilde(v->path, home);
}

/* Columns left out: GIT when no env is in a repository. */
static bool skipped[N_COLS];

/* Column widths: everything but the name and the path is as wide as its
 * widest cell; the name takes up to 24 columns; the path gets the rest. */
static void widths(size_t w[N_COLS], char ***cells, size_t n, size_t width)
{
	size_t fixed = 0;

	for (int c = 0; c < N_COLS; c++) {
		w[c] = strlen(headers[c]);
		for (size_t i = 0; i < n; i++) {
			size_t cw = tw_width(cells[i][c]);

			if (cw > w[c])
				w[c] = cw;
		}
	}
	if (w[COL_NAME] > 24 && width)
		w[COL_NAME] = 24;
	for (int c = 0; c < COL_PATH; c++)
		fixed += skipped[c] ? 0 : w[c] + 2;
	if (width) {
		size_t rest = width > fixed ? width - fixed : 0;

		w[COL_PATH] = rest < 12 ? 12 : (w[COL_PATH] < rest ? w[COL_PATH] : rest);
	}
}

static void print_row(FILE *out, char *const cells[N_COLS], const size_t w[N_COLS])
{
	struct strbuf line = STRBUF_INIT;

	for (int c = 0; c < N_COLS; c++) {
		size_t cw = tw_width(cells[c]);

		if (skipped[c])
			continue;
		if (right[c])
			for (size_t k = cw; k < w[c]; k++)
				sb_addc(&line, ' ');
		tw_fit(&line, cells[c], w[c], c == COL_PATH ? TW_CUT_MIDDLE : TW_CUT_END,
		       !right[c] && c != COL_PATH);
		if (c != COL_PATH)
			sb_adds(&line, "  ");
	}
	while (line.len && line.buf[line.len - 1] == ' ')
		line.buf[--line.len] = '\0';
	fprintf(out, "%s\n", sb_str(&line));
	sb_free(&line);
}

static void print_totals(FILE *out, struct venv *const *v, size_t n)
{
	uint64_t total = 0, stale_bytes = 0;
	size_t stale = 0, broken = 0, sized = 0;
	char a[32], b[32];

	for (size_t i = 0; i < n; i++) {
		if (v[i]->size_known) {
			total += v[i]->size.size_bytes;
			sized++;
		}
		if (v[i]->stale) {
			stale++;
			stale_bytes += v[i]->size_known ? v[i]->size.size_bytes : 0;
		}
		if (v[i]->broken)
			broken++;
	}
	human_size(a, sizeof(a), total);
	human_size(b, sizeof(b), stale_bytes);
	fprintf(out, "%zu environment%s", n, n == 1 ? "" : "s");
	if (sized)
		fprintf(out, ", %s in all", a);
	fprintf(out, "; %zu stale", stale);
	if (sized && stale)
		fprintf(out, " (%s)", b);
	fprintf(out, ", %zu broken\n", broken);
}

void cli_print_table(FILE *out, struct venv *const *v, size_t n, size_t width, time_t now,
		     const char *home)
{
	char ***cells = xcalloc(n + 1, sizeof(*cells));
	size_t w[N_COLS];

	cells[0] = (char **)headers;
	skipped[COL_GIT] = true;
	for (size_t i = 0; i < n; i++)
		if (v[i]->git_state > SCAN_GIT_NO_REPO)
			skipped[COL_GIT] = false;
	for (size_t i = 0; i < n; i++) {
		cells[i + 1] = xcalloc(N_COLS, sizeof(char *));
		row_cells(cells[i + 1], v[i], now, home);
	}
	widths(w, cells, n + 1, width);
	for (size_t i = 0; i <= n; i++)
		print_row(out, cells[i], w);
	print_totals(out, v, n);
	for (size_t i = 1; i <= n; i++) {
		for (int c = 0; c < N_COLS; c++)
			free(cells[i][c]);
		free(cells[i]);
	}
	free(cells);
}
