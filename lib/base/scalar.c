/* SPDX-License-Identifier: MIT */
/* Parsers for numbers, sizes, durations, CPU counts, signals, restart
 * policies and users, as written in the manifest. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/scalar.h"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads the decimal digits at *p into *v (saturating at UINT64_MAX);
 * returns how many there were. */
static size_t
read_digits(const char **p, uint64_t *v, int *overflow)
{
	const char *s = *p;
	size_t n = 0;

	*v = 0;
	*overflow = 0;
	for (; is_digit(*s); s++, n++) {
		unsigned d = (unsigned)(*s - '0');

		if (*v > (UINT64_MAX - d) / 10)
			*overflow = 1;
		else
			*v = *v * 10 + d;
	}
	*p = s;
	return n;
}

int
scalar_uint(const char *s, uint64_t max, uint64_t *out, const char **why)
{
	const char *p = s;
	uint64_t v;
	int overflow;

	if (!*s)
		return fail(why, "empty");
	if (*s == '-')
		return fail(why, "must not be negative");
	if (read_digits(&p, &v, &overflow) == 0 || *p)
		return fail(why, "expected a whole decimal number");
	if (s[0] == '0' && s[1])
		return fail(why, "leading zeros are not allowed");
	if (overflow || v > max)
		return fail(why, "too large");
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	unsigned shift;
} size_units[] = {
    {"", 0},	 {"b", 0},  {"k", 10},	{"kb", 10},  {"kib", 10}, {"m", 20},  {"mb", 20},
    {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40},	  {"tb", 40}, {"tib", 40},
};

int
scalar_size(const char *s, uint64_t *bytes, const char **why)
{
	const char *p = s;
	uint64_t v;
	int overflow;

	if (!*s)
		return fail(why, "empty");
	if (*s == '-')
		return fail(why, "must not be negative");
	if (read_digits(&p, &v, &overflow) == 0)
		return fail(why, "expected a whole number with an optional unit b, k, m, g or t");
	if (*p == '.')
		return fail(why, "fractions are not supported (write 1536m, not 1.5g)");
	if (s[0] == '0' && is_digit(s[1]))
		return fail(why, "leading zeros are not allowed");
	for (size_t i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		if (strcasecmp(p, size_units[i].name) != 0)
			continue;
		if (overflow || v > UINT64_MAX >> size_units[i].shift)
			return fail(why, "too large");
		*bytes = v << size_units[i].shift;
		return 0;
	}
	return fail(why, "unknown unit (expected b, k, m, g or t)");
}

static const struct {
	const char *name;
	uint64_t ns;
} duration_units[] =
    {
	{"ns", 1ull},		{"us", 1000ull},
	{"\xc2\xb5s", 1000ull}, /* U+00B5 micro sign, as Go accepts */
	{"\xce\xbcs", 1000ull}, /* U+03BC Greek mu */
	{"ms", 1000000ull},	{"s", 1000000000ull},
	{"m", 60000000000ull},	{"h", 3600000000000ull},
};

static uint64_t
duration_unit(const char *tok, size_t len)
{
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
		if (strlen(duration_units[i].name) == len &&
		    memcmp(duration_units[i].name, tok, len) == 0)
			return duration_units[i].ns;
	return 0;
}

/* One "1.5h" term of a duration, added to *total in nanoseconds. */
static int
duration_term(const char **pp, unsigned __int128 *total, const char **why)
{
	const char *p = *pp, *tok;
	unsigned __int128 whole = 0, frac = 0, scale = 1;
	size_t nint = 0, nfrac = 0;
	uint64_t unit;

	for (; is_digit(*p); p++, nint++) {
		whole = whole * 10 + (unsigned)(*p - '0');
		if (whole > UINT64_MAX)
			return fail(why, "too large");
	}
	if (*p == '.') {
		/* Digits beyond the 19th are below a nanosecond for every unit. */
		for (p++; is_digit(*p); p++, nfrac++) {
			if (nfrac < 19) {
				frac = frac * 10 + (unsigned)(*p - '0');
				scale *= 10;
			}
		}
	}
	if (nint == 0 && nfrac == 0)
		return fail(why, "expected a number and a unit, like 10s or 1m30s");
	for (tok = p; *p && !is_digit(*p) && *p != '.'; p++)
		;
	if (p == tok)
		return fail(why, "missing unit (like 10s or 500ms)");
	unit = duration_unit(tok, (size_t)(p - tok));
	if (!unit)
		return fail(why, "unknown unit (expected ms, s, m or h)");
	*total += whole * unit + frac * unit / scale;
	if (*total > UINT64_MAX)
		return fail(why, "too large");
	*pp = p;
	return 0;
}

int
scalar_duration(const char *s, uint64_t *ms, const char **why)
{
	unsigned __int128 total = 0;
	const char *p = s;

	if (!*s)
		return fail(why, "empty");
	if (*s == '-')
		return fail(why, "must not be negative");
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	while (*p)
		if (duration_term(&p, &total, why) < 0)
			return -1;
	if (total % 1000000)
		return fail(why, "finer than a millisecond");
	*ms = (uint64_t)(total / 1000000);
	return 0;
}

void
duration_format(uint64_t ms, char *buf, size_t len)
{
	uint64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, r = ms % 1000;
	size_t off = 0;

	buf[0] = '\0';
	if (ms == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	if (h && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%lluh", (unsigned long long)h);
	if (m && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%llum", (unsigned long long)m);
	if (s && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%llus", (unsigned long long)s);
	if (r && off < len)
		snprintf(buf + off, len - off, "%llums", (unsigned long long)r);
}

int
scalar_cpus(const char *s, uint32_t *milli, const char **why)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0;
	size_t nint, nfrac = 0;
	int overflow;

	if (!*s)
		return fail(why, "empty");
	if (*s == '-')
		return fail(why, "must not be negative");
	nint = read_digits(&p, &whole, &overflow);
	if (*p == '.')
		for (p++; is_digit(*p); p++, nfrac++)
			if (nfrac < 3)
				frac = frac * 10 + (uint64_t)(*p - '0');
	if ((nint == 0 && nfrac == 0) || *p)
		return fail(why, "expected a number of CPUs, like 0.5 or 2");
	if (nfrac > 3)
		return fail(why, "at most 3 decimal places");
	if (overflow || whole > CPUS_MAX)
		return fail(why, "too large (at most 1024)");
	for (; nfrac < 3; nfrac++)
		frac *= 10;
	if (whole * 1000 + frac > CPUS_MAX * 1000)
		return fail(why, "too large (at most 1024)");
	if (whole == 0 && frac == 0)
		return fail(why, "must be more than 0");
	*milli = (uint32_t)(whole * 1000 + frac);
	return 0;
}

void
cpus_format(uint32_t milli, char *buf, size_t len)
{
	unsigned frac = milli % 1000;
	int digits = 3;

	if (!frac) {
		snprintf(buf, len, "%u", milli / 1000);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%u.%0*u", milli / 1000, digits, frac);
}

/* Real-time signals as Docker numbers them: glibc keeps 32 and 33. */
#define RT_MIN 34
#define RT_MAX 64

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT}, {"IOT", SIGIOT},	     {"BUS", SIGBUS},
    {"FPE", SIGFPE},	   {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},	   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},	   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},	   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

/* "RTMIN", "RTMIN+3", "RTMAX-2" */
static int
signal_rt(const char *s, int *sig)
{
	int base, dir;
	uint64_t n = 0;
	const char *why;

	if (strncmp(s, "RTMIN", 5) == 0)
		base = RT_MIN, dir = 1;
	else if (strncmp(s, "RTMAX", 5) == 0)
		base = RT_MAX, dir = -1;
	else
		return -1;
	s += 5;
	if (*s) {
		if (*s != (dir > 0 ? '+' : '-') ||
		    scalar_uint(s + 1, RT_MAX - RT_MIN, &n, &why) < 0)
			return -1;
	}
	*sig = base + dir * (int)n;
	return 0;
}

int
signal_parse(const char *s, int *sig, const char **why)
{
	char up[16];
	const char *name;
	uint64_t n;
	size_t i;

	if (!*s)
		return fail(why, "empty");
	if (is_digit(*s)) {
		if (scalar_uint(s, UINT64_MAX, &n, why) < 0)
			return -1;
		if (n < 1 || n > RT_MAX)
			return fail(why, "signal numbers go from 1 to 64");
		*sig = (int)n;
		return 0;
	}
	for (i = 0; s[i] && i < sizeof(up) - 1; i++)
		up[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
	if (s[i])
		return fail(why, "unknown signal (expected a name like SIGTERM, or a number)");
	up[i] = '\0';
	name = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (strcmp(name, signals[i].name) == 0) {
			*sig = signals[i].sig;
			return 0;
		}
	}
	if (signal_rt(name, sig) == 0)
		return 0;
	return fail(why, "unknown signal (expected a name like SIGTERM, or a number)");
}

void
signal_format(int sig, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (signals[i].sig == sig) {
			snprintf(buf, len, "SIG%s", signals[i].name);
			return;
		}
	}
	if (sig >= RT_MIN && sig <= RT_MAX) {
		if (sig == RT_MIN)
			snprintf(buf, len, "SIGRTMIN");
		else
			snprintf(buf, len, "SIGRTMIN+%d", sig - RT_MIN);
		return;
	}
	snprintf(buf, len, "%d", sig);
}

static const char *const restart_names[] = {
    [RESTART_NO] = "no",
    [RESTART_ALWAYS] = "always",
    [RESTART_ON_FAILURE] = "on-failure",
    [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *
restart_kind_str(enum restart_kind k)
{
	return (unsigned)k < sizeof(restart_names) / sizeof(restart_names[0]) ? restart_names[k]
									      : "?";
}

int
restart_parse(const char *s, struct restart_policy *out, const char **why)
{
	static const char expect[] = "expected no, always, on-failure[:N] or unless-stopped";
	uint64_t n;

	for (unsigned k = 0; k < sizeof(restart_names) / sizeof(restart_names[0]); k++) {
		if (strcmp(s, restart_names[k]) == 0) {
			*out = (struct restart_policy){(enum restart_kind)k, 0};
			return 0;
		}
	}
	if (strncmp(s, "on-failure:", 11) != 0)
		return fail(why, expect);
	if (scalar_uint(s + 11, INT32_MAX, &n, why) < 0)
		return fail(
		    why, "the retry count in on-failure:N must be a number from 1 to 2147483647");
	if (n == 0)
		return fail(
		    why, "the retry count must be at least 1 (on-failure alone retries forever)");
	*out = (struct restart_policy){RESTART_ON_FAILURE, (uint32_t)n};
	return 0;
}

/* One side of "user:group": a number or a name. */
static int
user_part(const char *s, size_t len, char *name, bool *numeric, uint32_t *id, const char **why)
{
	uint64_t n;
	char tmp[USER_NAME_MAX + 1];

	if (len == 0)
		return fail(why, "expected USER or USER:GROUP with names or numbers");
	if (len > USER_NAME_MAX)
		return fail(why, "names and ids are at most 32 characters");
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (is_digit(tmp[0])) {
		if (scalar_uint(tmp, ID_MAX, &n, why) < 0)
			return fail(why, "ids are numbers from 0 to 4294967294");
		*numeric = true;
		*id = (uint32_t)n;
	} else {
		for (size_t i = 0; i < len; i++) {
			char c = tmp[i];
			bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
				  (i > 0 && (is_digit(c) || c == '.' || c == '-'));

			if (!ok)
				return fail(why, "names use letters, digits, '_', '.' and '-', "
						 "starting with a letter or '_'");
		}
	}
	memcpy(name, tmp, len + 1);
	return 0;
}

int
user_parse(const char *s, struct user_spec *out, const char **why)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);

	memset(out, 0, sizeof(*out));
	if (!*s)
		return fail(why, "empty");
	if (colon && strchr(colon + 1, ':'))
		return fail(why, "expected USER or USER:GROUP with names or numbers");
	if (user_part(s, ulen, out->user, &out->uid_numeric, &out->uid, why) < 0)
		return -1;
	if (colon && user_part(colon + 1, strlen(colon + 1), out->group, &out->gid_numeric,
			       &out->gid, why) < 0)
		return -1;
	return 0;
}

void
size_format(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(buf, len, "%.1f KiB", (double)bytes / 1024.0);
}
