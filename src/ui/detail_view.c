/* Everything about one environment, scrollable: identity, health, sizes,
 * pyvenv.cfg as written, and the package list (by name or by size). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/human.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "../scan/story.h"
#include "app.h"
#include "colors.h"

#define LABEL_W 16

struct line {
	enum ui_role role;
	char *label; /* NULL: a full-width line */
	char *text;
};

static void line_free(void *p)
{
	struct line *l = p;

	free(l->label);
	free(l->text);
	free(l);
}

/* The lines of the view: a vector of struct line, owned. */
struct lines {
	struct vs_vec v;
};

static void add(struct lines *ls, enum ui_role role, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct lines *ls, enum ui_role role, const char *label, const char *fmt, ...)
{
	va_list ap;
	struct line *l = xcalloc(1, sizeof(*l));

	vs_vec_push(&ls->v, l);
	l->role = role;
	l->label = label ? xstrdup(label) : NULL;
	va_start(ap, fmt);
	l->text = xvasprintf(fmt, ap);
	va_end(ap);
}

static void lines_free(struct lines *ls)
{
	vs_vec_clear(&ls->v);
}

/* The view's own state. */
struct detail_state {
	size_t id;            /* the env shown (a model id) */
	struct ui_cursor cur; /* a page: cur.top is the first line on screen */
	bool by_size;         /* packages by size, not by name */
	/* The "shared with" words of env `with_id`, kept while the model's
	 * gen is `with_gen` (they sort every linked env's inode list). */
	char *with;
	size_t with_id;
	unsigned long with_gen;
	unsigned long with_caches; /* ui_caches_generation(ui) then */
};

static struct detail_state *state(struct ui *ui)
{
	return ui_view_private(ui, &ui_detail_view);
}

/* The env the details show, or NULL (the view's subject). */
static struct venv *detail_env(struct ui *ui)
{
	size_t id = state(ui)->id;

	return id < ui->model.n_ids ? ui->model.by_id[id] : NULL;
}

void ui_detail_show(struct ui *ui, size_t id)
{
	state(ui)->id = id;
	ui_switch(ui, &ui_detail_view);
}

static const char *home_dir;

/* A path as the list shows it (~ for home). Owned by a small ring. */
static const char *tilde(const char *p)
{
	static char *ring[8];
	static int k;

	if (!p)
		return NULL;
	k = (k + 1) % 8;
	free(ring[k]);
	ring[k] = path_tilde(p, home_dir);
	return ring[k];
}

/* Issue 16: project (exists or gone), support, created, last used, moved. */
static void add_story(struct lines *ls, const struct venv *v)
{
	struct scan_story_line l[SCAN_STORY_LINES_MAX];
	size_t n = scan_story_lines(l, v, time(NULL));

	for (size_t i = 0; i < n; i++)
		add(ls, l[i].bad ? UI_ROLE_PROBLEM : UI_ROLE_ROW, l[i].label, "%s", l[i].text);
	scan_story_lines_free(l, n);
}

static void add_identity(struct lines *ls, const struct venv *v)
{
	add(ls, UI_ROLE_ROW, "kind", "%s%s%s", venv_kind_name(v->kind), v->manager ? ", made by " : "",
	    v->manager ? v->manager : "");
	add(ls, v->python_version ? UI_ROLE_ROW : UI_ROLE_DIM, "python", "%s (%s)",
	    v->python_version ? v->python_version : "unknown",
	    v->implementation ? v->implementation : "?");
	add(ls, UI_ROLE_ROW, "interpreter", "%s%s%s", venv_link_name(v->link),
	    v->link_target ? " -> " : "", v->link_target ? v->link_target : "");
	add(ls, v->base_exists ? UI_ROLE_ROW : UI_ROLE_BROKEN, "base python", "%s (%s)",
	    v->base_python ? tilde(v->base_python) : "unknown", v->base_exists ? "exists" : "missing");
	add(ls, UI_ROLE_ROW, "home", "%s", v->home ? tilde(v->home) : "-");
	add(ls, UI_ROLE_ROW, "system site", "%s",
	    v->system_site_packages == VENV_UNKNOWN ? "-"
	    : v->system_site_packages == VENV_YES   ? "yes"
						    : "no");
	add(ls, UI_ROLE_ROW, "prompt", "%s", v->prompt ? v->prompt : "-");
	add_story(ls, v);
	if (v->role)
		add(ls, UI_ROLE_STALE, "pipx", "the %s env every pipx app runs on", v->role);
	else if (v->app)
		add(ls, UI_ROLE_ROW, "pipx app", "%s (pipx uninstall %s)", v->app, v->app);
	/* Who used it when the scan looked at /proc. */
	for (size_t i = 0; i < v->users.n; i++)
		add(ls, UI_ROLE_STALE, i ? "" : "in use by", "pid %d: %s", (int)v->users.v[i].pid,
		    v->users.v[i].cmd);
	if (v->git_state != SCAN_GIT_UNKNOWN)
		add(ls,
		    v->git_state == SCAN_GIT_TRACKED       ? UI_ROLE_GIT_BAD
		    : v->git_state == SCAN_GIT_NOT_IGNORED ? UI_ROLE_GIT_WARN
							   : UI_ROLE_ROW,
		    "git", "%s%s%s%s%s",
		    v->git_state == SCAN_GIT_NO_REPO ? "not in a repository" : venv_git_word(v),
		    v->git_repo ? " in " : "", v->git_repo ? tilde(v->git_repo) : "",
		    v->git_rule ? ", by " : "", v->git_rule ? v->git_rule : "");
}

/* The scanned envs that hold links of v's shared files, in words; NULL
 * when none of its files is linked from outside. */
static char *sharing_words(struct ui *ui, const struct venv *v)
{
	struct strbuf sb = STRBUF_INIT;
	const struct venv **with;
	size_t n = ui_model_linked_envs(&ui->model, v, &with);

	if (!v->inodes) {
		free(with);
		return NULL;
	}
	for (size_t j = 0; j < n && j < 8; j++) {
		char *name = ui_display_name(with[j]);

		sb_addf(&sb, "%s%s", j ? ", " : "", name);
		free(name);
	}
	if (n > 8)
		sb_addf(&sb, " and %zu more", n - 8);
	if (!ui_caches_holding(ui, v, &sb) && n == 0)
		sb_addf(&sb, "no scanned environment: the other links are elsewhere (C measures "
			     "the caches)");
	else if (sb.len == 0)
		sb_addf(&sb, "no scanned environment or known cache: the other links are elsewhere");
	free(with);
	return sb_detach(&sb);
}

static void add_sharing(struct lines *ls, struct ui *ui, const struct venv *v)
{
	struct detail_state *D = state(ui);

	if (!D->with || D->with_id != v->id || D->with_gen != ui->model.gen ||
	    D->with_caches != ui_caches_generation(ui)) {
		free(D->with);
		D->with = sharing_words(ui, v);
		D->with_id = v->id;
		D->with_gen = ui->model.gen;
		D->with_caches = ui_caches_generation(ui);
	}
	if (D->with)
		add(ls, UI_ROLE_ROW, "shared with", "%s", D->with);
}

static void add_state(struct lines *ls, struct ui *ui, const struct venv *v)
{
	char a[32], b[32];
	time_t now = ui->model.envs.now;

	if (v->size_known) {
		struct strbuf sb = STRBUF_INIT;

		human_size(a, sizeof(a), v->size.size_bytes);
		human_size(b, sizeof(b), v->size.disk_bytes);
		add(ls, venv_is_large(v) ? UI_ROLE_SIZE_LARGE : UI_ROLE_ROW, "size",
		    "%s apparent, %s on disk, %llu %s", a, b, (unsigned long long)v->size.files,
		    human_noun(v->size.files, "file", "files"));
		venv_space_text(&sb, v);
		add(ls, UI_ROLE_ROW, "space", "%s", sb_str(&sb));
		sb_free(&sb);
		add_sharing(ls, ui, v);
	} else {
		add(ls, UI_ROLE_DIM, "size", "not measured yet");
	}
	if (v->last_modified > 0) {
		char when[64];

		human_when(when, sizeof(when), v->last_modified, (int64_t)now);
		add(ls, v->stale ? UI_ROLE_STALE : UI_ROLE_ROW, "last modified", "%s%s", when,
		    v->stale ? ", stale" : "");
	}
	for (size_t i = 0; i < v->n_site_packages; i++)
		add(ls, UI_ROLE_ROW, i ? "" : "site-packages", "%s", tilde(v->site_packages[i]));
	if (v->n_problems == 0)
		add(ls, UI_ROLE_ROW, "problems", "none");
	for (size_t i = 0; i < v->n_problems; i++)
		add(ls, v->broken ? UI_ROLE_BROKEN : UI_ROLE_PROBLEM, i ? "" : "problems", "%s",
		    v->problems[i]);
	if (!v->incomplete) /* a half-made env has no script to source */
		add(ls, UI_ROLE_ROW, "activate", "source '%s/bin/activate'", v->path);
}

static bool pkg_by_size;

static int pkg_cmp(const void *a, const void *b)
{
	const struct scan_package *x = *(const struct scan_package *const *)a;
	const struct scan_package *y = *(const struct scan_package *const *)b;

	if (pkg_by_size && x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->canonical ? x->canonical : "", y->canonical ? y->canonical : "");
}

static void add_packages(struct lines *ls, const struct venv *v, bool by_size)
{
	const struct scan_package **p = xcalloc(v->packages.n + 1, sizeof(*p));

	add(ls, UI_ROLE_TITLE, NULL, "packages (%zu), by %s — s sorts by %s", v->packages.n,
	    by_size ? "size" : "name", by_size ? "name" : "size");
	if (!v->packages_known)
		add(ls, UI_ROLE_DIM, NULL, "  not read yet");
	else if (v->packages.n == 0)
		add(ls, UI_ROLE_DIM, NULL, "  none");
	for (size_t i = 0; i < v->packages.n; i++)
		p[i] = &v->packages.items[i];
	pkg_by_size = by_size; /* qsort has no context: the UI thread is the only caller */
	qsort(p, v->packages.n, sizeof(*p), pkg_cmp);
	for (size_t i = 0; i < v->packages.n; i++) {
		char size[32] = "-";

		if (p[i]->size_known)
			human_size(size, sizeof(size), p[i]->size);
		add(ls, UI_ROLE_ROW, NULL, "  %-32s %-16s %10s", p[i]->name,
		    p[i]->version ? p[i]->version : "?", size);
	}
	free(p);
}

/* A conda env (issue 16): its conda-meta records instead of pyvenv.cfg;
 * the site-packages list below it shows what pip sees. */
static void add_conda(struct lines *ls, const struct venv *v)
{
	size_t n = v->conda ? v->conda->n : 0;

	add(ls, UI_ROLE_TITLE, NULL, "conda packages (conda-meta: %zu %s)", n,
	    human_noun(n, "record", "records"));
	if (!v->conda)
		add(ls, UI_ROLE_ROW, NULL, "  (reading...)");
	for (size_t i = 0; i < n; i++) {
		const struct scan_conda_rec *r = &v->conda->recs[i];
		char *chan = scan_conda_channel_name(r->channel, r->subdir);

		add(ls, UI_ROLE_ROW, NULL, "  %-28s %-14s %-18s %s", r->name,
		    r->version ? r->version : "?", r->build ? r->build : "", chan ? chan : "");
		free(chan);
	}
	add(ls, UI_ROLE_ROW, NULL, "%s", "");
}

static void build(struct lines *ls, struct ui *ui, const struct venv *v)
{
	home_dir = ui->home;
	add(ls, v->broken ? UI_ROLE_BROKEN : UI_ROLE_TITLE, NULL, "%s", tilde(v->path));
	add_identity(ls, v);
	add_state(ls, ui, v);
	add(ls, UI_ROLE_ROW, NULL, "%s", "");
	if (v->kind == VENV_KIND_CONDA) {
		add_conda(ls, v);
		add_packages(ls, v, state(ui)->by_size);
		return;
	}
	add(ls, UI_ROLE_TITLE, NULL, "pyvenv.cfg");
	if (!v->cfg)
		add(ls, UI_ROLE_BROKEN, NULL, "  (could not be read)");
	for (size_t i = 0; v->cfg && i < v->cfg->n; i++)
		add(ls, UI_ROLE_ROW, NULL, "  %s = %s", v->cfg->items[i].key, v->cfg->items[i].value);
	add(ls, UI_ROLE_ROW, NULL, "%s", "");
	add_packages(ls, v, state(ui)->by_size);
}

/* The rows under the header, above the panes of running work (an action
 * started here shows its log as it does under the list) and the status. */
static int body_height(const struct ui *ui)
{
	int h = LINES - 2 - ui_tasks_rows(ui);

	return h > 0 ? h : 0;
}

/* One screen row of the body: a piece of a line (wrapped to the width). */
struct row {
	const struct line *line;
	size_t off, len; /* bytes of line->text shown on this row */
	bool first;
};

/* Wraps every line to the screen at word boundaries: long values continue
 * under themselves. */
static size_t layout(struct row **out, const struct lines *ls)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t i = 0; i < ls->v.n; i++) {
		const struct line *l = ls->v.v[i];
		int w = l->label ? COLS - 2 - LABEL_W : COLS - 1;
		size_t off = 0, len = strlen(l->text);

		do {
			size_t take = w > 0 ? tw_take_words(l->text + off, (size_t)w) : len - off;

			*out = xgrow(*out, &cap, n + 1, sizeof(**out));
			(*out)[n++] = (struct row){l, off, tw_trim_end(l->text + off, take), off == 0};
			off += take;
		} while (off < len);
	}
	return n;
}

/* The status line's reminder, from the keys as bound now. */
static void draw_hint(struct ui *ui)
{
	static const struct ui_hint hints[] = {
		{"back back", "back"},
		{"up down", "scroll"},
		{"sort", "sort packages"},
		{"rescan", "rescan"},
		{"clear upgrade shell freeze delete gitignore", "act on it"},
		{"help", "help"},
		{NULL, NULL},
	};

	ui_draw_hint(ui, ui_detail_bindings, hints);
}

static void detail_draw(struct ui *ui)
{
	struct venv *v = detail_env(ui);
	struct detail_state *D = state(ui);
	struct lines ls = {0};
	struct row *rows;
	size_t n;
	int h = body_height(ui);

	ui_draw_header(ui);
	if (!v) {
		ui_switch_to(ui, UI_VIEW_LIST);
		ui->view->draw(ui);
		return;
	}
	vs_vec_init(&ls.v, line_free);
	build(&ls, ui, v);
	n = layout(&rows, &ls);
	D->cur.page = true;
	D->cur.count = n;
	D->cur.height = h > 0 ? (size_t)h : 0;
	ui_cursor_fit(&D->cur);
	for (int i = 0; i < h; i++) {
		size_t k = D->cur.top + (size_t)i;
		int y = 1 + i;
		char *piece;

		ui_fill_line(y, ui_role_attr(UI_ROLE_DEFAULT));
		if (k >= n)
			continue;
		piece = xstrndup(rows[k].line->text + rows[k].off, rows[k].len);
		if (rows[k].line->label) {
			if (rows[k].first)
				ui_put(y, 2, LABEL_W, rows[k].line->label, ui_role_attr(UI_ROLE_TITLE),
				       0);
			ui_put(y, 2 + LABEL_W, COLS - 2 - LABEL_W, piece,
			       ui_role_attr(rows[k].line->role), 0);
		} else {
			ui_put(y, 1, COLS - 1, piece, ui_role_attr(rows[k].line->role), 0);
		}
		free(piece);
	}
	free(rows);
	lines_free(&ls);
	ui_tasks_draw(ui, 1 + h);
	draw_hint(ui);
}

/* The shared moves' cursor, measured now: a key that follows a resize
 * before the page is drawn again moves over the page as it will be drawn
 * (the wrapped lines at this width, the rows this height leaves). */
static struct ui_cursor *detail_cursor(struct ui *ui)
{
	struct detail_state *D = state(ui);
	struct venv *v = detail_env(ui);

	if (v) {
		struct lines ls = {0};
		struct row *rows;
		int h = body_height(ui);

		vs_vec_init(&ls.v, line_free);
		build(&ls, ui, v);
		D->cur.count = layout(&rows, &ls);
		D->cur.height = h > 0 ? (size_t)h : 0;
		free(rows);
		lines_free(&ls);
	}
	return &D->cur;
}

static int act_back(struct ui *ui)
{
	ui_switch_to(ui, UI_VIEW_LIST);
	return UI_REACT_REDRAW;
}

/* ncdu's i closes its info as it opened it. */
static int act_info(struct ui *ui)
{
	return act_back(ui);
}

static int act_sort(struct ui *ui)
{
	state(ui)->by_size = !state(ui)->by_size;
	return UI_REACT_REDRAW;
}

static int act_rescan(struct ui *ui)
{
	return (void)ui, UI_REACT_RESCAN_ONE;
}

static int act_help(struct ui *ui)
{
	ui_help_show(ui);
	return UI_REACT_REDRAW;
}

const struct ui_binding ui_detail_bindings[] = {
	UI_CURSOR_BINDINGS("scroll up", "scroll down", "top", "bottom"),
	UI_BACK_BINDINGS("back to the list", act_back),
	{'i', "info", "back to the list (ncdu's i closes its info)", act_info},
	{'s', "sort", "sort packages by name or by size", act_sort},
	{'r', "rescan", "rescan this environment", act_rescan},
	{'x', "clear", "clear this environment", ui_act_clear},
	{'u', "upgrade", "upgrade it: follow the base Python, or upgrade pip", ui_act_upgrade},
	{'b', "shell", "activate: a shell with it active", ui_act_activate},
	{'f', "freeze", "freeze it to its project's requirements.txt", ui_act_freeze},
	{'d', "delete", "delete it (recipe kept; or to the trash)", ui_act_delete},
	{'I', "gitignore", "make git ignore it", ui_act_gitignore},
	{'?', "help", "this help", act_help},
	{0, NULL, NULL, NULL},
};

static int detail_key(struct ui *ui, int ch)
{
	bool handled;
	int r = ui_dispatch(ui, ui_detail_bindings, ch, &handled);

	return handled ? r : UI_REACT_NONE;
}

static int detail_mouse(struct ui *ui, const MEVENT *ev)
{
	if (ev->bstate & BUTTON4_PRESSED)
		return ui_cursor_move_by(&state(ui)->cur, -3), UI_REACT_REDRAW;
#ifdef BUTTON5_PRESSED
	if (ev->bstate & BUTTON5_PRESSED)
		return ui_cursor_move_by(&state(ui)->cur, 3), UI_REACT_REDRAW;
#endif
	return UI_REACT_NONE;
}

static void detail_open(struct ui *ui)
{
	state(ui)->cur.top = 0;
}

static void detail_close(void *private)
{
	struct detail_state *D = private;

	free(D->with);
}

const struct ui_view ui_detail_view = {
	.name = "details",
	.id = UI_VIEW_DETAIL,
	.private_size = sizeof(struct detail_state),
	.open = detail_open,
	.draw = detail_draw,
	.key = detail_key,
	.mouse = detail_mouse,
	.bindings = ui_detail_bindings,
	.cursor = detail_cursor,
	.close = detail_close,
	.subject = detail_env,
};
