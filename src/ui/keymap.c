/* The key bindings (keymap.h): key specs, the user's rebindings over the
 * views' tables, the lookup the dispatcher uses, and the tables as text. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/err.h"
#include "app.h"
#include "keymap.h"

/* The views' tables, as app.c registers them: keymap.c names no view, so
 * the views it serves are never called back from here by name. */
static const struct ui_keymap_section *sections;
static size_t n_sections;

void ui_keymap_register(const struct ui_keymap_section *s, size_t n)
{
	sections = s;
	n_sections = n;
}

const struct ui_keymap_section *ui_keymap_sections(size_t *n)
{
	*n = n_sections;
	return sections;
}

/* ---- key specs ---- */

static const struct {
	const char *name;
	int key;
} named[] = {
	{"Space", ' '},
	{"Enter", '\n'},
	{"Esc", 27},
	{"Tab", '\t'},
	{"Backspace", KEY_BACKSPACE},
	{"Up", KEY_UP},
	{"Down", KEY_DOWN},
	{"Left", KEY_LEFT},
	{"Right", KEY_RIGHT},
	{"Home", KEY_HOME},
	{"End", KEY_END},
	{"PgUp", KEY_PPAGE},
	{"PgDn", KEY_NPAGE},
	{"Insert", KEY_IC},
	{"Delete", KEY_DC},
};

/* Enter comes as '\n', '\r' or KEY_ENTER; tables and rebindings say '\n'. */
static int normal_key(int key)
{
	return key == '\r' || key == KEY_ENTER ? '\n' : key;
}

int ui_keymap_parse(const char *spec, int *out, struct vs_err *err)
{
	size_t len = spec ? strlen(spec) : 0;

	if (len == 1 && isgraph((unsigned char)spec[0])) {
		*out = (unsigned char)spec[0];
		return 0;
	}
	for (size_t i = 0; len > 1 && i < sizeof(named) / sizeof(*named); i++)
		if (strcasecmp(spec, named[i].name) == 0) {
			*out = named[i].key;
			return 0;
		}
	if (len == 2 && spec[0] == '^' && isalpha((unsigned char)spec[1])) {
		*out = toupper((unsigned char)spec[1]) - 'A' + 1;
		return 0;
	}
	if (len >= 2 && len <= 3 && (spec[0] == 'F' || spec[0] == 'f') &&
	    strspn(spec + 1, "0123456789") == len - 1 && spec[1] != '0') {
		int n = atoi(spec + 1);

		if (n >= 1 && n <= 12) {
			*out = KEY_F(n);
			return 0;
		}
	}
	return vs_err_set(err, VS_EUSAGE,
			  "unknown key '%s': a printable character, Space, Enter, Esc, Tab, "
			  "Backspace, Up, Down, Left, Right, Home, End, PgUp, PgDn, Insert, "
			  "Delete, F1-F12 or ^A-^Z",
			  spec ? spec : "");
}

void ui_keymap_key_name(int key, char *out, size_t size)
{
	key = normal_key(key);
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (named[i].key == key) {
			snprintf(out, size, "%s", named[i].name);
			return;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(out, size, "F%d", key - KEY_F(0));
	else if (key >= 1 && key <= 26)
		snprintf(out, size, "^%c", 'A' + key - 1);
	else if (key > ' ' && key < 127)
		snprintf(out, size, "%c", key);
	else
		snprintf(out, size, "key %d", key);
}

/* ---- rebindings ---- */

#define MAX_REBINDS 256

/* A key given to an action by the user, in every view that has it. */
static struct rebind {
	int key;
	char name[32]; /* the action, or "none": the key does nothing */
} rebinds[MAX_REBINDS];
static size_t n_rebinds;

void ui_keymap_reset(void)
{
	n_rebinds = 0;
}

static const struct ui_binding *find_action(const struct ui_binding *table, const char *name)
{
	for (const struct ui_binding *b = table; b && b->action; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

static bool action_known(const char *name)
{
	for (size_t s = 0; s < n_sections; s++)
		if (find_action(sections[s].table, name))
			return true;
	return false;
}

/* Every action name, for an error message. */
static void list_actions(char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t s = 0; s < n_sections; s++)
		for (const struct ui_binding *b = sections[s].table; b->action; b++) {
			bool seen = false;

			for (size_t t = 0; t <= s && !seen; t++)
				for (const struct ui_binding *c = sections[t].table;
				     c->action && c != b && !seen; c++)
					seen = strcmp(c->name, b->name) == 0;
			if (!seen && len + strlen(b->name) + 3 < size)
				len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "",
							b->name);
		}
}

int ui_keymap_set(const char *key, const char *action, struct vs_err *err)
{
	struct vs_err why = {0};
	int code;
	size_t i;

	if (ui_keymap_parse(key, &code, &why) < 0)
		return vs_err_set(err, VS_EUSAGE, "bind %s %s: %s", key ? key : "",
				  action ? action : "", why.msg);
	if (!action || (strcmp(action, "none") != 0 && !action_known(action))) {
		char names[900];

		list_actions(names, sizeof(names));
		return vs_err_set(err, VS_EUSAGE,
				  "bind %s %s: unknown action '%s' (actions: none, %s)", key,
				  action ? action : "", action ? action : "", names);
	}
	for (i = 0; i < n_rebinds && rebinds[i].key != code; i++)
		;
	if (i == MAX_REBINDS)
		return vs_err_set(err, VS_EUSAGE, "bind %s %s: more than %d keys rebound", key, action,
				  MAX_REBINDS);
	rebinds[i].key = code;
	snprintf(rebinds[i].name, sizeof(rebinds[i].name), "%s", action);
	if (i == n_rebinds)
		n_rebinds++;
	return 0;
}

const struct ui_binding *ui_keymap_lookup(const struct ui_binding *table, int key)
{
	key = normal_key(key);
	for (size_t i = 0; i < n_rebinds; i++) {
		if (rebinds[i].key != key)
			continue;
		if (strcmp(rebinds[i].name, "none") == 0)
			return NULL;
		/* A view without that action keeps the key's own meaning. */
		const struct ui_binding *b = find_action(table, rebinds[i].name);

		if (b)
			return b;
		break;
	}
	for (const struct ui_binding *b = table; b && b->action; b++)
		if (b->key == key)
			return b;
	return NULL;
}

static void add_key(const struct ui_binding *table, const char *name, int key, char *out, size_t size)
{
	const struct ui_binding *b = ui_keymap_lookup(table, key);
	char kn[16];
	size_t len = strlen(out);

	if (!b || strcmp(b->name, name) != 0)
		return;
	ui_keymap_key_name(key, kn, sizeof(kn));
	/* Each key once (a key may be in the table and rebound to the same). */
	for (const char *p = out; (p = strstr(p, kn)); p += strlen(kn))
		if ((p == out || p[-1] == ' ') && (p[strlen(kn)] == ' ' || !p[strlen(kn)]))
			return;
	if (len + strlen(kn) + 2 < size)
		snprintf(out + len, size - len, "%s%s", len ? " " : "", kn);
}

void ui_keymap_label(const struct ui_binding *table, const char *name, char *out, size_t size)
{
	out[0] = '\0';
	for (const struct ui_binding *b = table; b->action; b++)
		add_key(table, name, b->key, out, size);
	for (size_t i = 0; i < n_rebinds; i++)
		add_key(table, name, rebinds[i].key, out, size);
}

static void hint_item(const struct ui_binding *table, const struct ui_hint *h, char *out, size_t size)
{
	char names[64], label[64], one[16], keys[64] = "";
	char *save = NULL;
	size_t len = strlen(out);

	snprintf(names, sizeof(names), "%s", h->actions);
	for (char *a = strtok_r(names, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
		size_t k = strlen(keys), nth = 0;
		const char *key;
		bool arrow;

		/* An action named again stands for its next key ("back back": Esc q). */
		for (const char *p = names; p < a; p += strlen(p) + 1)
			nth += strcmp(p, a) == 0;
		ui_keymap_label(table, a, label, sizeof(label));
		key = label;
		for (; nth && *key; nth--)
			key += strcspn(key, " ") + (key[strcspn(key, " ")] == ' ');
		snprintf(one, sizeof(one), "%.*s", (int)strcspn(key, " "), key);
		if (!one[0])
			continue;
		arrow = strcmp(one, "Up") == 0 || strcmp(one, "Down") == 0;
		/* Arrows run together (↑↓); other keys are spaced (x u b). */
		snprintf(keys + k, sizeof(keys) - k, "%s%s",
			 (k && !(arrow && (keys[k - 1] & 0x80))) ? " " : "",
			 arrow ? (one[0] == 'U' ? "↑" : "↓") : one);
	}
	if (keys[0] && len + strlen(keys) + strlen(h->words) + 4 < size)
		snprintf(out + len, size - len, "%s%s %s", len ? "  " : " ", keys, h->words);
}

void ui_keymap_hint(const struct ui_binding *table, const struct ui_hint *hints, char *out, size_t size)
{
	out[0] = '\0';
	for (const struct ui_hint *h = hints; h->actions; h++)
		hint_item(table, h, out, size);
}

/* ---- the tables as text ---- */

/* A row of help: the first with a help text of each action. */
static bool listed(const struct ui_binding *table, const struct ui_binding *b)
{
	if (!b->help)
		return false;
	for (const struct ui_binding *c = table; c != b; c++)
		if (c->help && strcmp(c->name, b->name) == 0)
			return false;
	return true;
}

static void md_keys(FILE *out, const char *label)
{
	char buf[128];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", label);
	for (char *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save))
		fprintf(out, "%s%s%s%s", k == buf ? "" : " ", strcmp(k, "`") ? "`" : "`` ",
			strcmp(k, "|") ? k : "\\|", strcmp(k, "`") ? "`" : " ``");
}

/* Man source: no line starts with a control character, backslashes
 * and hyphens escaped. */
static void man_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else if (*s == '"')
			fputs("\\(dq", out);
		else
			fputc(*s, out);
	}
}

int ui_keymap_write(FILE *out, const char *format, struct vs_err *err)
{
	bool md = strcmp(format, "md") == 0;

	if (!md && strcmp(format, "man") != 0)
		return vs_err_set(err, VS_EUSAGE, "--print-keys=%s: the format is md or man", format);
	for (size_t s = 0; s < n_sections; s++) {
		const struct ui_binding *t = sections[s].table;

		if (md)
			fprintf(out,
				"%s**%s**\n\n| key | action | what it does |\n| --- | --- | --- |\n",
				s ? "\n" : "", sections[s].title);
		else
			fprintf(out, ".SS \"%s\"\n", sections[s].title);
		for (const struct ui_binding *b = t; b->action; b++) {
			char label[128];

			if (!listed(t, b))
				continue;
			ui_keymap_label(t, b->name, label, sizeof(label));
			if (md) {
				fputs("| ", out);
				md_keys(out, label[0] ? label : "(none)");
				fprintf(out, " | `%s` | %s |\n", b->name, b->help);
			} else {
				fputs(".TP\n.B \"", out);
				man_text(out, label[0] ? label : "(none)");
				fputs("\"\n", out);
				man_text(out, b->help);
				fputs(" (\\fI", out);
				man_text(out, b->name);
				fputs("\\fR)\n", out);
			}
		}
	}
	return 0;
}
