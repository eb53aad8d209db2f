/* Modal dialogs: a centred box with lines of text and a few keyed choices
 * (confirmations, small menus, errors that need an answer). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../util/textwidth.h"
#include "../util/xalloc.h"
#include "app.h"
#include "colors.h"

struct ui_dialog *ui_dialog_open(struct ui *ui, const char *title, const struct ui_choice *choices,
				 size_t n_choices, void *data, void (*free_data)(void *))
{
	struct ui_dialog *d = xcalloc(1, sizeof(*d));

	ui_dialog_close(ui);
	ui_message_clear(ui); /* a new question: the last action's word is over */
	d->title = xstrdup(title);
	vs_vec_init_strs(&d->text);
	if (n_choices > sizeof(d->choices) / sizeof(*d->choices))
		n_choices = sizeof(d->choices) / sizeof(*d->choices);
	memcpy(d->choices, choices, n_choices * sizeof(*choices));
	d->n_choices = n_choices;
	d->data = data;
	d->free_data = free_data;
	ui->dialog = d;
	return d;
}

void ui_dialog_line(struct ui_dialog *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vs_vec_push(&d->text, xvasprintf(fmt, ap));
	va_end(ap);
}

static void dialog_free(struct ui_dialog *d, bool keep_data)
{
	if (!d)
		return;
	free(d->title);
	vs_vec_clear(&d->text);
	if (!keep_data && d->free_data)
		d->free_data(d->data);
	free(d);
}

void ui_dialog_close(struct ui *ui)
{
	dialog_free(ui->dialog, false);
	ui->dialog = NULL;
}

bool ui_dialog_expire(struct ui *ui)
{
	if (!ui->dialog || !ui->dialog->lasts_while || ui->dialog->lasts_while(ui))
		return false;
	ui_dialog_close(ui);
	return true;
}

int ui_dialog_key(struct ui *ui, int ch)
{
	struct ui_dialog *d = ui->dialog;
	int r = UI_REACT_REDRAW;

	if (ch == KEY_RESIZE)
		return UI_REACT_REDRAW;
	for (size_t i = 0; i < d->n_choices; i++) {
		if (d->choices[i].key == ch ||
		    (ch >= 'A' && ch <= 'Z' && d->choices[i].key == ch + 32)) {
			struct ui_choice c = d->choices[i];
			void *data = d->data;
			void (*free_data)(void *) = d->free_data;

			/* Closed first, so the choice may open another dialog. */
			ui->dialog = NULL;
			dialog_free(d, true);
			if (c.fn)
				r |= c.fn(ui, data);
			/* A choice may hand the same data on to the next dialog. */
			if (free_data && !(ui->dialog && ui->dialog->data == data) &&
			    !(ui->prompt && ui->prompt->data == data))
				free_data(data);
			return r;
		}
	}
	if (ch == 27 || ch == 'q')
		ui_dialog_close(ui);
	return r;
}

/* ---- a line of text asked for in the status line ---- */

void ui_prompt_open(struct ui *ui, const char *label, const char *initial,
		    int (*done)(struct ui *ui, const char *text, void *data), void *data,
		    void (*free_data)(void *))
{
	struct ui_prompt *p = xcalloc(1, sizeof(*p));

	ui_prompt_close(ui);
	ui_message_clear(ui);
	p->label = xstrdup(label);
	ui_lineedit_set(&p->edit, initial);
	p->done = done;
	p->data = data;
	p->free_data = free_data;
	ui->prompt = p;
}

void ui_prompt_close(struct ui *ui)
{
	struct ui_prompt *p = ui->prompt;

	if (!p)
		return;
	ui->prompt = NULL;
	if (p->free_data)
		p->free_data(p->data);
	free(p->label);
	ui_lineedit_free(&p->edit);
	free(p);
}

int ui_prompt_key(struct ui *ui, int ch)
{
	struct ui_prompt *p = ui->prompt;

	if (ch == 27) {
		ui_prompt_close(ui);
		ui_message(ui, false, "cancelled");
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		char *text = sb_detach(&p->edit.text);
		void *data = p->data;
		void (*free_data)(void *) = p->free_data;
		int (*done)(struct ui *, const char *, void *) = p->done;

		ui->prompt = NULL;
		free(p->label);
		free(p);
		done(ui, text, data);
		if (free_data && !(ui->dialog && ui->dialog->data == data) &&
		    !(ui->prompt && ui->prompt->data == data))
			free_data(data);
		free(text);
	} else {
		ui_lineedit_key(&p->edit, ch);
	}
	return UI_REACT_REDRAW;
}

void ui_prompt_draw(const struct ui *ui)
{
	const struct ui_prompt *p = ui->prompt;
	struct strbuf sb = STRBUF_INIT;
	int w;

	sb_addf(&sb, "%s: %s", p->label, ui_lineedit_str(&p->edit));
	w = (int)tw_width(sb_str(&sb));
	ui_fill_line(LINES - 1, ui_role_attr(UI_ROLE_FILTER));
	ui_put(LINES - 1, 0, COLS, sb_str(&sb), ui_role_attr(UI_ROLE_FILTER), 0);
	move(LINES - 1, w < COLS ? w : COLS - 1);
	curs_set(1);
	sb_free(&sb);
}

void ui_wrap(struct vs_vec *rows, const char *s, int width)
{
	do {
		size_t take = width > 0 ? tw_take_words(s, (size_t)width) : strlen(s);

		vs_vec_push(rows, xstrndup(s, tw_trim_end(s, take)));
		s += take;
	} while (*s);
}

/* The dialog's lines wrapped at word boundaries into `width` columns:
 * each row is a copy (the caller frees the vector). */
static void wrap_text(struct vs_vec *rows, const struct vs_vec *text, int width)
{
	vs_vec_init_strs(rows);
	for (size_t i = 0; i < text->n; i++)
		ui_wrap(rows, text->v[i], width);
}

void ui_dialog_draw(const struct ui *ui)
{
	const struct ui_dialog *d = ui->dialog;
	attr_t box = ui_role_attr(d->error ? UI_ROLE_ERROR : UI_ROLE_STATUS);
	attr_t body = ui_role_attr(UI_ROLE_DEFAULT);
	int w = (int)tw_width(d->title) + 6, h, x, y;
	struct strbuf keys = STRBUF_INIT;
	struct vs_vec rows;

	for (size_t i = 0; i < d->text.n; i++) {
		int lw = (int)tw_width(d->text.v[i]) + 4;

		w = lw > w ? lw : w;
	}
	for (size_t i = 0; i < d->n_choices; i++)
		sb_addf(&keys, "%s%s", i ? "   " : "", d->choices[i].label);
	sb_adds(&keys, d->n_choices ? "   Esc cancel" : "Esc close");
	if ((int)tw_width(sb_str(&keys)) + 4 > w)
		w = (int)tw_width(sb_str(&keys)) + 4;
	w = w > COLS - 2 ? COLS - 2 : w;
	/* A line wider than the screen goes on over several rows. */
	wrap_text(&rows, &d->text, w - 4);
	h = (int)rows.n + 4;
	h = h > LINES - 2 ? LINES - 2 : h;
	x = (COLS - w) / 2;
	y = (LINES - h) / 2;
	for (int r = 0; r < h; r++) {
		attrset(r == 0 || r == h - 1 ? box : body);
		mvhline(y + r, x, ' ', w);
	}
	ui_put(y, x + 1, w - 2, d->title, box | A_BOLD, 0);
	for (int r = 0; r < h - 4 && (size_t)r < rows.n; r++)
		ui_put(y + 2 + r, x + 2, w - 4, rows.v[r], body, 0);
	ui_put(y + h - 1, x + 1, w - 2, sb_str(&keys), box, 0);
	attrset(A_NORMAL);
	sb_free(&keys);
	vs_vec_clear(&rows);
}
