/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes through the manifest parser, the checks and
 * the JSON writer; only crashes, leaks and undefined behaviour count. */
#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct diag d;
	struct json j;

	if (manifest_parse_buffer("fuzz.yaml", (const char *)data, size, &m, &d) == 0) {
		json_init(&j);
		manifest_to_json(&m, &j);
		if (json_finish(&j) < 0)
			__builtin_trap(); /* a valid manifest must always serialise */
		json_free(&j);
	}
	manifest_free(&m);
	diag_free(&d);
	return 0;
}
