/* SPDX-License-Identifier: MIT */
/* Checks for names and paths written in the manifest. */
#include <string.h>

#include "base/names.h"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

static int
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

int
name_container_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0)
		return fail(why, "empty");
	if (n > CONTAINER_NAME_MAX)
		return fail(why, "at most 63 characters");
	if (!is_lower_alnum(s[0]))
		return fail(why, "must start with a lowercase letter or a digit");
	for (size_t i = 1; i < n; i++)
		if (!is_lower_alnum(s[i]) && !strchr("_.-", s[i]))
			return fail(why, "use lowercase letters, digits, '_', '.' and '-'");
	return 0;
}

int
name_volume_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0)
		return fail(why, "empty");
	if (n > VOLUME_NAME_MAX)
		return fail(why, "at most 64 characters");
	if (!is_alnum(s[0]))
		return fail(why, "must start with a letter or a digit");
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("_.-", s[i]))
			return fail(why, "use letters, digits, '_', '.' and '-'");
	return 0;
}

/* Dot-separated labels of [A-Za-z0-9-], 1-63 bytes, no '-' at either end. */
static int
labels_check(const char *s, size_t max, const char **why)
{
	size_t n = strlen(s), label = 0;

	if (n == 0)
		return fail(why, "empty");
	if (n > max)
		return fail(why, max == HOSTNAME_MAX ? "at most 64 characters"
						     : "at most 253 characters");
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			if (label == 0)
				return fail(why, "empty label (two dots, or a dot at an end)");
			if (s[i - 1] == '-')
				return fail(why, "a label must not end with '-'");
			label = 0;
			continue;
		}
		if (!is_alnum(c) && c != '-')
			return fail(why, "use letters, digits and '-' between dots");
		if (label == 0 && c == '-')
			return fail(why, "a label must not start with '-'");
		if (++label > 63)
			return fail(why, "a label is at most 63 characters");
	}
	return 0;
}

int
name_hostname_check(const char *s, const char **why)
{
	return labels_check(s, HOSTNAME_MAX, why);
}

int
name_domain_check(const char *s, const char **why)
{
	return labels_check(s, DOMAIN_MAX, why);
}

int
name_ifname_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0)
		return fail(why, "empty");
	if (n > IFNAME_MAX)
		return fail(why, "at most 15 characters");
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return fail(why, "not a usable interface name");
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ' ||
		    (unsigned char)s[i] >= 0x7f)
			return fail(why, "no '/', ':', spaces or control characters");
	return 0;
}

int
name_env_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0)
		return fail(why, "empty");
	if (n > ENV_NAME_MAX)
		return fail(why, "at most 255 characters");
	if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return fail(why, "must start with a letter or '_'");
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_')
			return fail(why, "use letters, digits and '_'");
	return 0;
}

/* Components between '/' must be non-empty and neither "." nor "..". */
static int
components_check(const char *s, const char **why)
{
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 0)
			return fail(why, "empty path component (\"//\" or a trailing '/')");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return fail(why, "\".\" and \"..\" are not allowed in paths");
		p += len;
		if (*p == '/' && *++p == '\0')
			return fail(why, "empty path component (\"//\" or a trailing '/')");
	}
	return 0;
}

/* Dotted (net.ipv4.ip_forward, with '/' standing for a '.' inside a level:
 * net.ipv4.conf.eth0/10.rp_filter) or, when the first separator is a '/',
 * a path (net/ipv4/conf/eth0.10/rp_filter), as sysctl(8) reads them. */
int
name_sysctl_check(const char *s, const char **why)
{
	size_t n = strlen(s);
	char sep = s[strcspn(s, "./")] == '/' ? '/' : '.', other = sep == '/' ? '.' : '/';

	if (n == 0)
		return fail(why, "empty");
	if (n > SYSCTL_NAME_MAX)
		return fail(why, "at most 255 characters");
	if (!strchr(s, sep))
		return fail(why, "expected a dotted name like net.ipv4.ip_forward");
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];

		if (c == sep || c == '\0') {
			if (i == 0 || s[i - 1] == sep)
				return fail(why, "empty component");
			continue;
		}
		if (!is_alnum(c) && !strchr("_-:", c) && c != other)
			return fail(why, "use letters, digits, '_' and '-' between dots");
	}
	if (sep == '/')
		return components_check(s, why);
	return 0;
}

int
name_timezone_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0)
		return fail(why, "empty");
	if (n > TIMEZONE_MAX)
		return fail(why, "at most 64 characters");
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];

		if (c == '/' || c == '\0') {
			if (i == 0 || s[i - 1] == '/')
				return fail(why, "expected a zone name like UTC or Europe/Berlin");
			continue;
		}
		if (!is_alnum(c) && !strchr("_+-", c))
			return fail(why, "expected a zone name like UTC or Europe/Berlin");
	}
	return 0;
}

int
name_product_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return fail(why, "1 to 31 characters");
	if (!is_alnum(s[0]))
		return fail(why, "starts with a letter or digit");
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("._-", s[i]))
			return fail(why, "letters, digits, '.', '_' and '-' only");
	return 0;
}

int
name_board_check(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return fail(why, "1 to 31 characters");
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '|')
			return fail(why, "printable ASCII, no '|'");
	return 0;
}

int
path_check_abs(const char *s, const char **why)
{
	if (s[0] != '/')
		return fail(why, "expected an absolute path");
	if (strlen(s) > PATH_MAX_LEN)
		return fail(why, "longer than 4095 bytes");
	if (s[1] == '\0')
		return 0;
	return components_check(s + 1, why);
}

int
path_check_rel(const char *s, const char **why)
{
	if (s[0] == '\0')
		return fail(why, "empty");
	if (s[0] == '/')
		return fail(why, "expected a relative path");
	if (strlen(s) > PATH_MAX_LEN)
		return fail(why, "longer than 4095 bytes");
	return components_check(s, why);
}
