/* Numbers for people: sizes and ages. */
#ifndef VS_UTIL_HUMAN_H
#define VS_UTIL_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* "0 B", "512 B", "1.5 KiB", "18.4 GiB" (binary units, one decimal under 10). */
void human_size(char *out, size_t n, uint64_t bytes);
/* "[#####-----]": `done` of `all` (rounded), `w` cells between the
 * brackets (w <= 50); all == 0 draws an empty bar. */
void human_bar(char *out, size_t n, uint64_t done, uint64_t all, int w);
/* `part` of `all` in percent, like human_size: "4.2%" below 9.95, else
 * "45%", "100%"; "-" when all == 0. */
void human_percent(char *out, size_t n, uint64_t part, uint64_t all);

/* `one` when n is 1, else `many`: "1 package", "2 packages", "0 packages". */
const char *human_noun(unsigned long long n, const char *one, const char *many);

/* Age of something `seconds` old: "now", "45s", "12m", "3h", "3d", "5mo", "2y". */
void human_age(char *out, size_t n, int64_t seconds);

/* A moment and how long ago it was: "2026-11-20 05:35 (6d ago)", or
 * "(just now)" under 5 s (never "now ago"). */
void human_when(char *out, size_t n, int64_t when, int64_t now);

#endif
