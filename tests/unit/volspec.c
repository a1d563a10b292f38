/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/manifest/volspec.c: named, bind and tmpfs volume specs. */
#include "check.h"
#include "manifest/volspec.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

int
main(void)
{
	static const struct {
		const char *in;
		int ok;
		enum volume_kind kind;
		const char *source, *target;
		int ro;
		unsigned long long size;
		unsigned mode;
	} cases[] = {
	    {"data:/var/lib/data", 1, VOLUME_NAMED, "data", "/var/lib/data", 0, 0, 0},
	    {"data:/data:ro", 1, VOLUME_NAMED, "data", "/data", 1, 0, 0},
	    {"data:/data:rw", 1, VOLUME_NAMED, "data", "/data", 0, 0, 0},
	    {"Web.Data_1-x:/d", 1, VOLUME_NAMED, "Web.Data_1-x", "/d", 0, 0, 0},
	    {"./site:/srv", 1, VOLUME_BIND, BIND_DIR "/site", "/srv", 0, 0, 0},
	    {"./a/b/c:/srv:ro", 1, VOLUME_BIND, BIND_DIR "/a/b/c", "/srv", 1, 0, 0},
	    {BIND_DIR "/x:/x", 1, VOLUME_BIND, BIND_DIR "/x", "/x", 0, 0, 0},
	    {BIND_DIR ":/all", 0, 0, NULL, NULL, 0, 0, 0},
	    {BIND_DIR "/:/all", 0, 0, NULL, NULL, 0, 0, 0},
	    {"./a/../b:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"./a/..:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {BIND_DIR "/a/..:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/tmp", 1, VOLUME_TMPFS, NULL, "/tmp", 0, 64ull << 20, 01777},
	    {"tmpfs:/run:size=16m", 1, VOLUME_TMPFS, NULL, "/run", 0, 16ull << 20, 01777},
	    {"tmpfs:/run:size=1g,mode=755,ro", 1, VOLUME_TMPFS, NULL, "/run", 1, 1ull << 30, 0755},
	    {"/etc:/host-etc", 0, 0, NULL, NULL, 0, 0, 0},
	    {"/var/lib/berth:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"/var/lib/berth/database:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {BIND_DIR "/../../etc:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"./../etc:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"../etc:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {".:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"./:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"./a//b:/x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:relative", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:/", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:/a/../b", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:/a/", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:/a:ro:x", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:/a:z", 0, 0, NULL, NULL, 0, 0, 0},
	    {"data:/a:", 0, 0, NULL, NULL, 0, 0, 0},
	    {"-data:/a", 0, 0, NULL, NULL, 0, 0, 0},
	    {"da ta:/a", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:size=0", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:size=12q", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:mode=999", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:mode=", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:mode=-1", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:uid=0", 0, 0, NULL, NULL, 0, 0, 0},
	    {"tmpfs:/t:size=1m,,ro", 0, 0, NULL, NULL, 0, 0, 0},
	    {"", 0, 0, NULL, NULL, 0, 0, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		struct volume v;
		int r = volume_parse(cases[i].in, &v, &why), ok;

		if (!cases[i].ok) {
			CHECK(r < 0 && why && *why && !v.source && !v.target,
			      "volume \"%s\" is rejected", cases[i].in);
			continue;
		}
		ok = r == 0 && v.kind == cases[i].kind && strcmp(v.target, cases[i].target) == 0 &&
		     v.read_only == cases[i].ro &&
		     (cases[i].source ? v.source && strcmp(v.source, cases[i].source) == 0
				      : !v.source);
		if (ok && v.kind == VOLUME_TMPFS)
			ok = v.tmpfs_size == cases[i].size && v.tmpfs_mode == cases[i].mode;
		CHECK(ok, "volume \"%s\"", cases[i].in);
		volume_free(&v);
	}
	CHECK(volume_parse(".:/x", &(struct volume){0}, &why) < 0 && strstr(why, "data directory"),
	      "binding the data directory is refused as such (got: %s)", why);
	CHECK_STR(volume_kind_str(VOLUME_BIND), "bind", "volume_kind_str");
	CHECK_EXIT();
}
