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

#include "../scan/places.h"
#include "../util/path.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

#define MIN_COLS 30
#define MIN_LINES 6
#define FRAME_NS 33000000LL        /* redraws for scan progress at most ~30 a second */

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

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_error = error;
}

void ui_switch(struct ui *ui, const struct ui_view *view)
{
	ui->view = view;
	if (view->open)
		view->open(ui);
}

int ui_dispatch(struct ui *ui, const struct ui_binding *table, int ch, bool *handled)
{
	for (const struct ui_binding *b = table; b->action; b++) {
		if (b->key == ch) {
			*handled = true;
			return b->action(ui);
		}
	}
	*handled = false;
	return UI_REACT_NONE;
}

/* ---- timing log (VENVSCOPE_TIMING_LOG) ---- */

void ui_log_instant(const struct ui *ui, const char *what)
{
	const char *path = getenv("VENVSCOPE_TIMING_LOG");
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%s %.1f\n", what, (double)(ui_now_ns() - ui->start_ns) / 1e6);
	fclose(f);
}

static void log_delta(const char *what, int64_t ns)
{
	const char *path = getenv("VENVSCOPE_TIMING_LOG");
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%s %.1f\n", what, (double)ns / 1e6);
	fclose(f);
}

/* ---- screen ---- */

static void draw_too_small(void)
{
	char size[64];

	erase();
	snprintf(size, sizeof(size), "%dx%d, needs %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
	ui_put(LINES / 2 - (LINES > 1), 0, COLS, "Terminal too small", ui_role_attr(UI_ROLE_ERROR),
	       0);
	if (LINES > 1)
		ui_put(LINES / 2, 0, COLS, size, ui_role_attr(UI_ROLE_DEFAULT), 0);
}

static void draw(struct ui *ui)
{
	curs_set(ui->editing ? 1 : 0);
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
	if (!ui->first_row_logged && ui->model.n_rows > 0 && ui->view == &ui_list_view) {
		ui->first_row_logged = true;
		ui_log_instant(ui, "first_row_ms");
	}
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
	if (r & UI_REACT_RESCAN_ALL)
		ui_scan_restart_all(ui);
	if (r & UI_REACT_RESCAN_ONE)
		ui_rescan_selected(ui);
	return r != UI_REACT_NONE;
}

static void loop(struct ui *ui)
{
	int64_t last_draw = 0, key_at = 0;
	size_t drawn_ids = 0; /* envs known at the last frame */
	bool dirty = true;

	while (!ui->quit) {
		struct pollfd p[8];
		int n = 0, ch;
		unsigned char sig;
		int64_t woke;

		p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
		n += ui_scan_fds(ui, p + n);
		n += ui_job_fds(ui, p + n);
		n += ui_delete_fds(ui, p + n);
		/* The frame limit paces progress; the first envs found are shown
		 * at once, not up to a frame later. */
		if (dirty && (ui_now_ns() - last_draw >= FRAME_NS ||
			      (drawn_ids == 0 && ui->model.n_ids > 0))) {
			draw(ui);
			drawn_ids = ui->model.n_ids;
			last_draw = ui_now_ns();
			dirty = false;
			if (key_at) {
				log_delta("key_to_frame_ms", last_draw - key_at);
				key_at = 0;
			}
		}
		/* While scanning, wake for the spinner and to flush a pending frame. */
		poll(p, (nfds_t)n, dirty ? 10 : ui->scanning || ui->side || ui_job_running(ui) || ui_deleting(ui) ? 100 : -1);
		woke = ui_now_ns();
		if (read(sig_pipe[0], &sig, 1) == 1) {
			/* The shell convention: 130 for Ctrl-C, 143 for SIGTERM. */
			ui->quit = true;
			ui->exit_status = 128 + sig;
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
		if (ui_scan_drain(ui))
			dirty = true;
		if (ui_job_pump(ui))
			dirty = true;
		if (ui_delete_pump(ui))
			dirty = true;
		if ((ui->scanning || ui_job_running(ui)) && ui_now_ns() - last_draw >= 100000000LL) {
			ui->spinner++;
			ui->progress.elapsed = ui->scan ? (double)(ui_now_ns() - ui->start_ns) / 1e9
							: ui->progress.elapsed;
			dirty = true;
		}
	}
}

static char *roots_label(const struct ui_options *o, const char *home)
{
	struct strbuf sb = STRBUF_INIT;

	if (o->n_roots == 0)
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

/* The theme asked for; NO_COLOR or a colourless terminal get `mono`. */
static int load_theme(struct ui *ui, bool *mono, struct vs_err *err)
{
	const char *name = ui->opts.theme ? ui->opts.theme : "default";

	*mono = ui_no_color_env();
	if (ui_theme_load(&ui->theme, name, err) < 0)
		return VS_EUSAGE;
	if (*mono) {
		ui_theme_free(ui->theme);
		return ui_theme_load(&ui->theme, "mono", err);
	}
	return 0;
}

int ui_check_theme(const char *name, struct vs_err *err)
{
	struct ui_theme *t = NULL;
	int rc = ui_theme_load(&t, name, err);

	ui_theme_free(t);
	return rc;
}

int ui_cycle_theme(struct ui *ui)
{
	const char *const *names = ui_theme_names();
	struct ui_theme *next = NULL;
	struct vs_err err = {0};
	size_t i = 0, n = 0;

	if (ui->mono) {
		ui_message(ui, false, "colours are off (NO_COLOR or a colourless terminal)");
		return UI_REACT_REDRAW;
	}
	while (names[n])
		n++;
	while (i < n && strcmp(names[i], ui->theme->name) != 0)
		i++;
	i = i < n ? (i + 1) % n : 0;
	if (ui_theme_load(&next, names[i], &err) < 0) {
		ui_message(ui, true, "%s", err.msg);
		return UI_REACT_REDRAW;
	}
	ui_theme_free(ui->theme);
	ui->theme = next;
	ui_colors_apply(ui->theme, false);
	bkgdset(' ' | ui_role_attr(UI_ROLE_DEFAULT));
	clearok(curscr, TRUE);
	ui_message(ui, false, "theme: %s", names[i]);
	return UI_REACT_REDRAW;
}

int ui_run(const struct ui_options *opts)
{
	struct ui ui;
	struct vs_err err = {0};
	bool mono;
	int rc = 0;

	memset(&ui, 0, sizeof(ui));
	ui.opts = *opts;
	ui.start_ns = ui_now_ns();
	ui.home = getenv("HOME");
	if (load_theme(&ui, &mono, &err) < 0) {
		fprintf(stderr, "venvscope: %s\n", err.msg);
		return 2;
	}
	ui_model_init(&ui.model, (enum scan_sort)opts->sort, opts->reverse, opts->stale_days);
	if (ui_scan_start_full(&ui, &err) < 0) {
		fprintf(stderr, "venvscope: %s\n", err.msg);
		ui_model_free(&ui.model);
		ui_theme_free(ui.theme);
		return err.code == VS_EUSAGE ? 2 : 1;
	}
	ui.roots_label = roots_label(opts, ui.home);
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
	ui_switch(&ui, &ui_list_view);
	loop(&ui);
	restore_terminal();
	uninstall_signals();
	if (ui.exit_status) {
		/* Ended by a signal: stop the deleter and any child, then go at
		 * once. Joining the scan could wait on a worker blocked in a read
		 * (a hung filesystem) and keep the process alive. */
		ui_delete_free(&ui);
		ui_jobs_free(&ui);
		fflush(NULL);
		_exit(ui.exit_status);
	}
	ui_delete_free(&ui);
	ui_jobs_free(&ui);
	ui_dialog_close(&ui);
	ui_prompt_close(&ui);
	ui_scan_free(&ui);
	ui_model_free(&ui.model);
	ui_theme_free(ui.theme);
	sb_free(&ui.edit);
	free(ui.roots_label);
	return ui.exit_status ? ui.exit_status : rc;
}
