/* libFuzzer target: PEP 440 versions, specifiers and the env filter on
 * arbitrary bytes. The input is cut at its first two newlines into a, b
 * and c; each is parsed as a version, the whole input as a specifier list
 * and as a filter. Besides not crashing, it checks what must hold:
 *   str(v) parses again to itself and to an equal version;
 *   cmp is reflexive, antisymmetric and transitive;
 *   "==str(v)" and "===str(v)" hold v, "!=str(v)" does not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/filter.h"
#include "pip/pep440.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static bool spec_holds(const char *op, const struct scan_pep440 *v)
{
	char *text = xasprintf("%s%s", op, scan_pep440_str(v));
	struct scan_pep440_spec *s = NULL;
	bool r;

	if (scan_pep440_spec_parse(&s, text, NULL) != 0)
		abort(); /* every canonical version is a valid == / != / === operand */
	r = scan_pep440_spec_contains(s, v);
	scan_pep440_spec_free(s);
	free(text);
	return r;
}

/* Parses s and checks the normal form; NULL when s is not a version. */
static struct scan_pep440 *check_version(const char *s)
{
	struct scan_pep440 *v = NULL, *again = NULL;
	const char *norm;

	if (scan_pep440_parse(&v, s, NULL) != 0)
		return NULL;
	norm = scan_pep440_str(v);
	if (strspn(norm, "0123456789abcdefghijklmnopqrstuvwxyz.!+") != strlen(norm))
		abort();
	if (scan_pep440_parse(&again, norm, NULL) != 0)
		abort();
	if (strcmp(scan_pep440_str(again), norm) != 0 || scan_pep440_cmp(v, again) != 0 ||
	    scan_pep440_cmp(v, v) != 0)
		abort();
	if (!spec_holds("==", v) || !spec_holds("===", v) || spec_holds("!=", v))
		abort();
	scan_pep440_free(again);
	return v;
}

static void check_order(struct scan_pep440 *const v[3])
{
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			int ij = sign(scan_pep440_cmp(v[i], v[j]));

			if (ij != -sign(scan_pep440_cmp(v[j], v[i])))
				abort();
			for (int k = 0; k < 3; k++)
				if (ij <= 0 && scan_pep440_cmp(v[j], v[k]) <= 0 &&
				    scan_pep440_cmp(v[i], v[k]) > 0)
					abort();
		}
	}
}

/* The whole input as a specifier list and as a filter, against a. */
static void check_spec_and_filter(const char *text, const char *a, const struct scan_pep440 *va)
{
	struct scan_pep440_spec *s = NULL;
	struct scan_filter *f = NULL;
	struct scan_package pkg = {.name = (char *)"pkg",
				   .version = (char *)a,
				   .canonical = (char *)"pkg"};
	struct venv v;

	if (scan_pep440_spec_parse(&s, text, NULL) == 0) {
		bool in = scan_pep440_spec_contains_str(s, a);

		if (va && in != scan_pep440_spec_contains(s, va))
			abort();
		scan_pep440_spec_free(s);
	}
	memset(&v, 0, sizeof(v));
	v.path = (char *)"/fuzz/env";
	v.name = (char *)"env";
	v.python_version = (char *)a;
	v.packages_known = true;
	v.packages.items = &pkg;
	v.packages.n = 1;
	if (scan_filter_parse(&f, text, NULL) == 0) {
		(void)scan_filter_match(f, &v);
		(void)scan_filter_needs_packages(f);
		scan_filter_free(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *part[3], *cut;
	struct scan_pep440 *v[3];
	int i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Three pieces, each its own exact-size copy so ASan sees overreads. */
	cut = text;
	for (i = 0; i < 3; i++) {
		char *nl = i < 2 ? strchr(cut, '\n') : NULL;
		size_t n = nl ? (size_t)(nl - cut) : strlen(cut);

		part[i] = xstrndup(cut, n);
		cut = nl ? nl + 1 : cut + n;
	}
	for (i = 0; i < 3; i++)
		v[i] = check_version(part[i]);
	if (v[0] && v[1] && v[2])
		check_order(v);
	check_spec_and_filter(text, part[0], v[0]);
	for (i = 0; i < 3; i++) {
		scan_pep440_free(v[i]);
		free(part[i]);
	}
	free(text);
	return 0;
}
