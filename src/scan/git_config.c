/* A git config reader after git's config.c (git_parse_source, get_value,
 * parse_value, get_base_var, get_extended_base_var), for a few core keys. */
#include "git_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/ascii.h"
#include "../util/readfile.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

#define MAX_CONFIG (16u << 20) /* a bigger config file is left to libgit2 */

struct parser {
	const char *p, *end;
	bool eof;
};

/* git's get_next_char: "\r\n" reads as "\n", and the end as one "\n". */
static int next_char(struct parser *ps)
{
	int c;

	if (ps->p >= ps->end) {
		ps->eof = true;
		return '\n';
	}
	c = (unsigned char)*ps->p++;
	if (c == '\r' && ps->p < ps->end && *ps->p == '\n')
		c = *ps->p++;
	return c;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_keychar(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-';
}

/* After "[": the section name, lowercased, with ".subsection" for the
 * quoted form (kept as written). False on a header git rejects. */
static bool read_section(struct parser *ps, struct strbuf *name)
{
	int c;

	for (;;) {
		c = next_char(ps);
		if (ps->eof)
			return false;
		if (c == ']')
			return true;
		if (is_space(c))
			break;
		if (!is_keychar(c) && c != '.')
			return false;
		sb_addc(name, (char)vs_ascii_lower(c));
	}
	/* [section "subsection"] */
	while (is_space(c)) {
		if (c == '\n')
			return false;
		c = next_char(ps);
	}
	if (c != '"')
		return false;
	sb_addc(name, '.');
	for (;;) {
		c = next_char(ps);
		if (c == '\n')
			return false;
		if (c == '"')
			break;
		if (c == '\\') {
			c = next_char(ps);
			if (c == '\n')
				return false;
		}
		sb_addc(name, (char)c);
	}
	return next_char(ps) == ']';
}

/* After "=": the value as git's parse_value makes it. False on an error
 * (an unclosed quote, an unknown escape). */
static bool read_value(struct parser *ps, struct strbuf *value)
{
	bool quote = false, comment = false;
	size_t space = 0;

	for (;;) {
		int c = next_char(ps);

		if (c == '\n')
			return !quote;
		if (comment)
			continue;
		if (is_space(c) && !quote) {
			if (value->len)
				space++;
			continue;
		}
		if (!quote && (c == ';' || c == '#')) {
			comment = true;
			continue;
		}
		for (; space; space--)
			sb_addc(value, ' ');
		if (c == '\\') {
			c = next_char(ps);
			switch (c) {
			case '\n':
				continue;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'n': c = '\n'; break;
			case '\\':
			case '"': break;
			default: return false;
			}
			sb_addc(value, (char)c);
			continue;
		}
		if (c == '"') {
			quote = !quote;
			continue;
		}
		sb_addc(value, (char)c);
	}
}

/* git_parse_maybe_bool, with git_parse_int's k/m/g units; -1 when it is
 * neither. NULL (a key without "=") is true. */
static int parse_bool(const char *v)
{
	char *end;
	long n;

	if (!v)
		return 1;
	if (!*v)
		return 0;
	if (!vs_ascii_casecmp(v, "true") || !vs_ascii_casecmp(v, "yes") || !vs_ascii_casecmp(v, "on"))
		return 1;
	if (!vs_ascii_casecmp(v, "false") || !vs_ascii_casecmp(v, "no") || !vs_ascii_casecmp(v, "off"))
		return 0;
	errno = 0;
	n = strtol(v, &end, 0);
	if (end == v || errno)
		return -1;
	if (*end && (strchr("kKmMgG", *end) == NULL || end[1]))
		return -1;
	return n != 0;
}

/* One "key[= value]" of section `section`. */
static void apply(struct scan_git_config *cfg, const char *section, const char *key,
		  const char *value, const char *home)
{
	if (strncmp(section, "include", 7) == 0 || strcmp(section, "extensions") == 0) {
		cfg->unsure = true; /* more config elsewhere, or a format to check */
		return;
	}
	if (strcmp(section, "core") != 0)
		return;
	if (!strcmp(key, "bare")) {
		if (parse_bool(value) != 0)
			cfg->unsure = true; /* a bare repository: libgit2's call */
	} else if (!strcmp(key, "worktree")) {
		cfg->unsure = true; /* the work tree is elsewhere: libgit2's call */
	} else if (!strcmp(key, "repositoryformatversion")) {
		if (!value || strcmp(value, "0") != 0)
			cfg->unsure = true;
	} else if (!strcmp(key, "ignorecase")) {
		int b = parse_bool(value);

		if (b < 0)
			cfg->unsure = true;
		else
			cfg->icase = b;
	} else if (!strcmp(key, "excludesfile")) {
		free(cfg->excludes_file);
		cfg->excludes_file = NULL;
		if (!value || (value[0] != '/' && (value[0] != '~' || value[1] != '/' || !home)))
			cfg->unsure = true; /* no path, relative, %(prefix), ~user */
		else if (value[0] == '~')
			cfg->excludes_file = xasprintf("%s%s", home, value + 1);
		else
			cfg->excludes_file = xstrdup(value);
	}
}

void scan_git_config_parse(struct scan_git_config *cfg, const char *text, size_t len,
			   const char *home)
{
	struct parser ps = {.p = text, .end = text + len};
	struct strbuf section = STRBUF_INIT, key = STRBUF_INIT, value = STRBUF_INIT;
	bool comment = false;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	for (;;) {
		int c = next_char(&ps);

		if (c == '\n') {
			if (ps.eof)
				break;
			comment = false;
			continue;
		}
		if (comment || is_space(c))
			continue;
		if (c == '#' || c == ';') {
			comment = true;
			continue;
		}
		if (c == '[') {
			sb_reset(&section);
			if (!read_section(&ps, &section)) {
				cfg->unsure = true;
				break;
			}
			continue;
		}
		if (!is_alpha(c) || !section.len) {
			cfg->unsure = true; /* git: "bad config line" */
			break;
		}
		sb_reset(&key);
		sb_reset(&value);
		sb_addc(&key, (char)vs_ascii_lower(c));
		for (;;) {
			c = next_char(&ps);
			if (ps.eof || !is_keychar(c))
				break;
			sb_addc(&key, (char)vs_ascii_lower(c));
		}
		while (c == ' ' || c == '\t')
			c = next_char(&ps);
		if (c != '\n') {
			if (c != '=' || !read_value(&ps, &value)) {
				cfg->unsure = true;
				break;
			}
			apply(cfg, sb_str(&section), sb_str(&key), sb_str(&value), home);
		} else {
			apply(cfg, sb_str(&section), sb_str(&key), NULL, home);
			if (ps.eof)
				break;
		}
	}
	sb_free(&section);
	sb_free(&key);
	sb_free(&value);
}

void scan_git_config_read(struct scan_git_config *cfg, const char *path, const char *home)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf;
	size_t len;

	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			cfg->unsure = true;
		return;
	}
	if (vs_read_fd(fd, MAX_CONFIG, &buf, &len) == 0) {
		scan_git_config_parse(cfg, buf, len, home);
		free(buf);
	} else {
		cfg->unsure = true;
	}
	close(fd);
}

void scan_git_config_copy(struct scan_git_config *to, const struct scan_git_config *from)
{
	*to = *from;
	to->excludes_file = from->excludes_file ? xstrdup(from->excludes_file) : NULL;
}

void scan_git_config_clear(struct scan_git_config *cfg)
{
	free(cfg->excludes_file);
	memset(cfg, 0, sizeof(*cfg));
}
