#include "human.h"

#include <stdio.h>
#include <time.h>

void human_size(char *out, size_t n, uint64_t bytes)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)bytes;
	int u = 0;

	if (bytes < 1024) {
		snprintf(out, n, "%llu B", (unsigned long long)bytes);
		return;
	}
	while (v >= 1024.0 && u < 6) {
		v /= 1024.0;
		u++;
	}
	if (v < 9.95)
		snprintf(out, n, "%.1f %s", v, units[u]);
	else
		snprintf(out, n, "%.0f %s", v, units[u]);
}

void human_bar(char *out, size_t n, uint64_t done, uint64_t all, int w)
{
	int fill;

	if (w > 50)
		w = 50;
	fill = all ? (int)((double)done / (double)all * w + 0.5) : 0;
	if (fill > w)
		fill = w;
	snprintf(out, n, "[%.*s%.*s]", fill, "##################################################",
		 w - fill, "--------------------------------------------------");
}

void human_percent(char *out, size_t n, uint64_t part, uint64_t all)
{
	double p;

	if (all == 0) {
		snprintf(out, n, "-");
		return;
	}
	p = (double)part * 100.0 / (double)all;
	snprintf(out, n, p < 9.95 ? "%.1f%%" : "%.0f%%", p);
}

void human_age(char *out, size_t n, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 5)
		snprintf(out, n, "now");
	else if (s < 60)
		snprintf(out, n, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, n, "%lldh", (long long)(s / 3600));
	else if (s < 86400LL * 30)
		snprintf(out, n, "%lldd", (long long)(s / 86400));
	else if (s < 86400LL * 365)
		snprintf(out, n, "%lldmo", (long long)(s / (86400LL * 30)));
	else
		snprintf(out, n, "%lldy", (long long)(s / (86400LL * 365)));
}

void human_when(char *out, size_t n, int64_t when, int64_t now)
{
	time_t t = (time_t)when;
	struct tm tm;
	char day[32], age[32];

	localtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M", &tm);
	/* human_age's "now" is a column's word: in a sentence, "just now". */
	if (now - when < 5) {
		snprintf(out, n, "%s (just now)", day);
		return;
	}
	human_age(age, sizeof(age), now - when);
	snprintf(out, n, "%s (%s ago)", day, age);
}

const char *human_noun(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
