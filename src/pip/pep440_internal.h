/* Private to src/pip/pep440.c and src/pip/pep440_spec.c: the parsed
 * form of a version and the helpers both halves share. */
#ifndef VS_SCAN_PEP440_INTERNAL_H
#define VS_SCAN_PEP440_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "pep440.h"

/* A run of decimal digits without its leading zeros ("0" for zero). It points
 * into the version's own buffer, so numbers of any size compare exactly. */
struct num {
	const char *d;
	size_t n;
};

/* Pre-release kinds, in the order packaging sorts their letters. */
enum pre_kind { PRE_NONE, PRE_A, PRE_B, PRE_RC };

struct local_seg {
	const char *s; /* lower-cased; without leading zeros when numeric */
	size_t n;
	bool numeric;
};

struct scan_pep440 {
	char *buf;        /* lower-cased, trimmed input; nums and segments point here */
	char *norm;       /* canonical text */
	size_t pub_len;   /* length of norm without its "+local" */
	struct num epoch; /* "0" when absent */
	struct num *rel;
	size_t n_rel;
	size_t n_rel_cmp; /* n_rel without trailing zeros, which compare as absent */
	enum pre_kind pre;
	struct num pre_n;
	bool has_post, has_dev;
	struct num post, dev;
	struct local_seg *local; /* NULL (and n_local 0) without a local label */
	size_t n_local;
};

/* The number zero, for absent parts. */
extern const struct num pep440_num_zero;

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Length of the white-space character at s (Python's str.isspace()), or 0. */
size_t pep440_space_len(const char *s);
/* s[0..n) without white space around it; *len gets its length. */
const char *pep440_trim(const char *s, size_t n, size_t *len);
/* Parses n bytes of text; NULL when it is not a PEP 440 version. */
struct scan_pep440 *pep440_parse_n(const char *text, size_t n);
/* Release (with epoch) only; then the whole public version. */
int pep440_base_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b);
int pep440_public_cmp(const struct scan_pep440 *a, const struct scan_pep440 *b);

#endif
