/* The browser's main loop: one thread polls the terminal, the scan's event
 * fd and a signal pipe together, so keys are answered while rows stream in.
 * Every way out restores the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "../actions/state.h"
#include "../scan/places.h"
#include "../scan/sort.h"
#include "../util/path.h"
#include "../util/textwidth.h"
#include "../util/trace.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"
#include "keymap.h"

#define MIN_COLS 30
#define MIN_LINES 6
#define FRAME_NS 33000000LL /* redraws for scan progress at most ~30 a second */
#define QUIT_WAIT_MS 2000   /* how long q waits for the scan's threads to end */

static int sig_pipe[2] = {-1, -1};
static bool curses_on;

static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* Nothing to do in a handler; the pipe is non-blocking. */
	}
	errno = saved;
}

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		endwin();
	}
}

bool ui_terminal_usable(const char **why)
{
	const char *term = getenv("TERM");
	const char *cup;
	int err = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*why = "the output is not a terminal";
		return false;
	}
	if (!term || !*term) {
		*why = "TERM is not set";
		return false;
	}
	if (strcmp(term, "dumb") == 0) {
		*why = "TERM is 'dumb'";
		return false;
	}
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		*why = "TERM names a terminal this system does not know";
		return false;
	}
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		*why = "the terminal cannot move its cursor";
		del_curterm(cur_term);
		return false;
	}
	del_curterm(cur_term);
	return true;
}

/* ---- screen ---- */

static void draw_too_small(void)
{
	char size[64];

	erase();
	snprintf(size, sizeof(size), "%dx%d, needs %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
	ui_put(LINES / 2 - (LINES > 1), 0, COLS, "Terminal too small", ui_role_attr(UI_ROLE_ERROR), 0);
	if (LINES > 1)
		ui_put(LINES / 2, 0, COLS, size, ui_role_attr(UI_ROLE_DEFAULT), 0);
}

static void draw(struct ui *ui)
{
	curs_set(0); /* a view or the prompt shows it where text is typed */
	if (COLS < MIN_COLS || LINES < MIN_LINES)
		draw_too_small();
	else
		ui->view->draw(ui);
	if (ui->prompt && COLS >= MIN_COLS && LINES >= MIN_LINES)
		ui_prompt_draw(ui);
	if (ui->dialog && COLS >= MIN_COLS && LINES >= MIN_LINES) {
		curs_set(0);
		ui_dialog_draw(ui);
	}
	wnoutrefresh(stdscr);
	doupdate();
	if (ui->model.n_rows > 0 && ui->view == &ui_list_view)
		vs_trace_mark_once("first_row_ms");
}

static int handle_key(struct ui *ui, int ch)
{
	MEVENT mev;

	if (ch == KEY_RESIZE || ch == 12 /* Ctrl-L */) {
		clearok(curscr, TRUE);
		return UI_REACT_REDRAW;
	}
	if (COLS < MIN_COLS || LINES < MIN_LINES)
		return ch == 'q' ? ui_act_quit(ui) : UI_REACT_NONE;
	if (ui->dialog)
		return ui_dialog_key(ui, ch);
	if (ui->prompt)
		return ui_prompt_key(ui, ch);
	if (ch == KEY_MOUSE) {
		if (getmouse(&mev) != OK || !ui->view->mouse)
			return UI_REACT_NONE;
		return ui->view->mouse(ui, &mev);
	}
	return ui->view->key(ui, ch);
}

static void setup_curses(struct ui *ui, const struct ui_theme *theme, bool mono)
{
	initscr();
	curses_on = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	/* Home and End as tmux, screen and many terminals send them, whatever
	 * their terminfo says: otherwise the ESC would read as Esc. */
	{
		static const struct {
			const char *seq;
			int key;
		} extra[] = {{"\033[1~", KEY_HOME}, {"\033[7~", KEY_HOME}, {"\033[H", KEY_HOME},
			     {"\033OH", KEY_HOME},  {"\033[4~", KEY_END},  {"\033[8~", KEY_END},
			     {"\033[F", KEY_END},   {"\033OF", KEY_END}};

		for (size_t i = 0; i < sizeof(extra) / sizeof(*extra); i++)
			if (key_defined(extra[i].seq) <= 0)
				define_key(extra[i].seq, extra[i].key);
	}
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  ,
		  NULL);
	ui_colors_apply(theme, mono);
	bkgdset(' ' | ui_role_attr(UI_ROLE_DEFAULT));
	(void)ui;
}

static void install_signals(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		vs_die("cannot make a pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	vs_set_fatal_hook(restore_terminal);
}

static void uninstall_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* ---- the loop ---- */

static int react(struct ui *ui, int r)
{
	if (r & UI_REACT_QUIT)
		ui->quit = true;
	if (r & UI_REACT_RESCAN_ALL) {
		ui_scan_restart_all(ui);
		ui_switch(ui, &ui_list_view);
	}
	if (r & UI_REACT_RESCAN_ONE) /* r: the env in the details, else the selected one */
		ui_scan_rescan(ui, ui_target_env(ui));
	return r != UI_REACT_NONE;
}

static void loop(struct ui *ui)
{
	int64_t last_draw = 0, key_at = 0;
	size_t drawn_ids = 0; /* envs known at the last frame */
	bool dirty = true;

	while (!ui->quit) {
		struct pollfd p[2 + UI_N_TASKS * UI_TASK_MAX_FDS];
		int n = 0, ch;
		unsigned char sig;
		int64_t woke;

		p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
		n += ui_tasks_fds(ui, p + n);
		/* The frame limit paces progress; the first envs found are shown
		 * at once, not up to a frame later. */
		if (dirty &&
		    (vs_now_ns() - last_draw >= FRAME_NS || (drawn_ids == 0 && ui->model.n_ids > 0))) {
			draw(ui);
			drawn_ids = ui->model.n_ids;
			last_draw = vs_now_ns();
			dirty = false;
			if (key_at) {
				vs_trace_value("key_to_frame_ms", last_draw - key_at);
				key_at = 0;
			}
		}
		/* While scanning, wake for the spinner and to flush a pending
		 * frame; idle, for the ages' next tick. */
		poll(p, (nfds_t)n,
		     dirty               ? 10
		     : ui_tasks_busy(ui) ? 100
					 : ui_model_tick_ms(&ui->model, time(NULL)) + 50);
		woke = vs_now_ns();
		if (read(sig_pipe[0], &sig, 1) == 1) {
			/* The shell convention: 130 for Ctrl-C, 143 for SIGTERM. */
			ui->quit = true;
			ui->exit_status = 128 + sig;
			break;
		}
		/* The terminal went away (its emulator closed without a SIGHUP
		 * reaching us): stdin only says "hung up" from now on, and
		 * polling it again would spin. Leave as SIGHUP would. */
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			ui->quit = true;
			ui->exit_status = 128 + SIGHUP;
			break;
		}
		while ((ch = getch()) != ERR) {
			if (react(ui, handle_key(ui, ch))) {
				/* A key is answered in this very frame. */
				dirty = true;
				last_draw = 0;
				if (!key_at)
					key_at = woke;
			}
			if (ui->quit)
				break;
		}
		if (ui_tasks_pump(ui))
			dirty = true;
		if (ui_dialog_expire(ui))
			dirty = true;
		if (ui_model_tick(&ui->model, time(NULL)))
			dirty = true;
		if (ui_tasks_busy(ui) && vs_now_ns() - last_draw >= 100000000LL) {
			ui->spinner++;
			dirty = true;
		}
	}
}

static char *roots_label(const struct scan_request *o, bool default_roots, const char *home)
{
	struct strbuf sb = STRBUF_INIT;

	if (default_roots)
		return xstrdup(". and the usual places");
	for (size_t i = 0; i < o->n_roots; i++) {
		char *abs = path_absolute(o->roots[i]);
		char *t = path_tilde(abs ? abs : o->roots[i], home);

		sb_addf(&sb, "%s%s", i ? ", " : "", t);
		free(t);
		free(abs);
	}
	return sb_detach(&sb);
}

int ui_check_columns(const char *text, struct vs_err *err)
{
	bool off[UI_COL_COUNT];
	char bad[64];

	if (ui_layout_parse_columns(off, text, bad, sizeof(bad)) == 0)
		return 0;
	return vs_err_set(err, VS_EUSAGE,
			  "columns: no column '%s' (name kind python size hlink share pkgs link git "
			  "age flags path)",
			  bad);
}

/* What the user may change in the browser and have remembered. */
struct remembered {
	char theme[64];
	enum scan_sort sort;
	bool reverse, disk;
};

static void remembered_now(const struct ui *ui, struct remembered *r)
{
	snprintf(r->theme, sizeof(r->theme), "%s", ui->theme->name);
	r->sort = ui->model.sort;
	r->reverse = ui->model.reverse;
	r->disk = ui->model.disk;
}

/* q: the settings changed since the start go to the state file (only
 * those: one given on the command line and left alone is not made a
 * habit). Said on stderr when they cannot be kept. */
static void remember(const struct ui *ui, const struct remembered *was)
{
	struct remembered now;
	const char *keys[4], *values[4];
	size_t n = 0;
	struct vs_err err = {0};

	if (!ui->opts.set.state_file)
		return;
	remembered_now(ui, &now);
	if (strcmp(now.theme, was->theme) != 0 && !ui->mono)
		keys[n] = "theme", values[n++] = now.theme;
	if (now.sort != was->sort)
		keys[n] = "sort", values[n++] = scan_sort_name(now.sort);
	if (now.reverse != was->reverse)
		keys[n] = "reverse", values[n++] = now.reverse ? "yes" : "no";
	if (now.disk != was->disk)
		keys[n] = "size-mode", values[n++] = now.disk ? "disk" : "apparent";
	if (n && act_state_save(ui->opts.set.state_file, keys, values, n, &err) < 0)
		fprintf(stderr, "venvscope: cannot remember the settings: %s\n", tw_esc(err.msg));
}

/* Hands every view and every background task to the files that loop over
 * them, so those files never name a view or a task of their own. */
static void register_parts(void)
{
	static const struct ui_keymap_section keys[] = {
		{"In the list", ui_list_bindings},
		{"In the details", ui_detail_bindings},
		{"In the caches (C)", ui_caches_bindings},
		{"In the duplicates (D)", ui_dupes_bindings},
		{"In the Pythons (P)", ui_pythons_bindings},
		{"In the help (?)", ui_help_bindings},
	};

	ui_keymap_register(keys, sizeof(keys) / sizeof(*keys));
	ui_views_register((const struct ui_view *const[UI_VIEW_COUNT]){
		[UI_VIEW_LIST] = &ui_list_view,
		[UI_VIEW_DETAIL] = &ui_detail_view,
		[UI_VIEW_HELP] = &ui_help_view,
		[UI_VIEW_CREATE] = &ui_create_view,
		[UI_VIEW_CACHES] = &ui_caches_view,
		[UI_VIEW_DUPES] = &ui_dupes_view,
		[UI_VIEW_REBUILD] = &ui_rebuild_view,
		[UI_VIEW_PYTHONS] = &ui_pythons_view,
	});
	ui_tasks_register((const struct ui_task_ops *const[UI_N_TASKS]){&ui_scan_task, &ui_side_task,
									&ui_jobs_task, &ui_delete_task,
									&ui_caches_task, &ui_dupes_task,
									&ui_pythons_task});
}

int ui_keymap_bind(const char *key, const char *action, struct vs_err *err)
{
	register_parts();
	return ui_keymap_set(key, action, err);
}

int ui_keymap_print(FILE *out, const char *format, struct vs_err *err)
{
	register_parts();
	return ui_keymap_write(out, format, err);
}

int ui_run(const struct scan_request *req, const struct ui_settings *set)
{
	struct remembered was;
	struct ui ui;
	struct vs_err err = {0};
	bool mono;
	int rc = 0;

	register_parts();
	memset(&ui, 0, sizeof(ui));
	ui.opts = (struct ui_options){.req = req, .set = *set};
	vs_trace_start();
	ui.home = getenv("HOME");
	ui.start_dir = getcwd(NULL, 0);
	if (ui_theme_pick(&ui, &mono, &err) < 0) {
		fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
		free(ui.start_dir);
		return 2;
	}
	ui_model_init(&ui.model, (enum scan_sort)set->sort, set->reverse, req->stale_days);
	ui.model.disk = set->disk; /* the size mode the config or the state names */
	remembered_now(&ui, &was);
	/* The terminal first: its terminfo needs a file descriptor, and the
	 * scan's workers may take every one there is (ulimit -n). */
	install_signals();
	setup_curses(&ui, ui.theme, mono);
	ui.mono = mono || !has_colors();
	/* A colourless terminal gets the mono theme's attributes too. */
	if (!mono && !has_colors()) {
		struct ui_theme *m = NULL;

		if (ui_theme_load(&m, "mono", &err) == 0) {
			ui_colors_apply(m, true);
			ui_theme_free(m);
		}
	}
	if (ui_scan_start_full(&ui, &err) < 0) {
		restore_terminal();
		uninstall_signals();
		fprintf(stderr, "venvscope: %s\n", tw_esc(err.msg));
		ui_tasks_free(&ui);
		ui_model_free(&ui.model);
		ui_theme_free(ui.theme);
		free(ui.start_dir);
		return err.code == VS_EUSAGE ? 2 : 1;
	}
	ui.roots_label = roots_label(req, set->default_roots, ui.home);
	ui_switch(&ui, &ui_list_view);
	if (set->message)
		ui_message(&ui, true, "%s", set->message);
	loop(&ui);
	restore_terminal();
	uninstall_signals();
	if (ui.exit_status) {
		/* Ended by a signal: stop the work that changes disk (the deleter,
		 * a job's child), then go at once. Joining the scan could wait on
		 * a worker blocked in a read and keep the process alive. */
		ui_tasks_free_changing(&ui);
		fflush(NULL);
		_exit(ui.exit_status);
	}
	/* q: the scans only read, so a worker stuck in a system call (a hung
	 * mount, a device) is not waited for: after QUIT_WAIT_MS the work that
	 * changes disk is stopped as for a signal, and the process goes. */
	remember(&ui, &was);
	if (!ui_scans_stop(&ui, QUIT_WAIT_MS)) {
		ui_tasks_free_changing(&ui);
		fflush(NULL);
		_exit(rc);
	}
	ui_tasks_free(&ui);
	ui_dialog_close(&ui);
	ui_prompt_close(&ui);
	ui_views_free(&ui);
	ui_model_free(&ui.model);
	ui_theme_free(ui.theme);
	free(ui.roots_label);
	free(ui.start_dir);
	return ui.exit_status ? ui.exit_status : rc;
}
