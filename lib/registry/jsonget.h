/* SPDX-License-Identifier: MIT */
/* Reading values out of a JSON document parsed by ytree (JSON is YAML). */
#ifndef BERTH_REGISTRY_JSONGET_H
#define BERTH_REGISTRY_JSONGET_H

#include "manifest/ytree.h"

/* The value of key in map, or NULL (map NULL or not a mapping too). */
const struct ynode *reg_json_get(const struct ynode *map, const char *key);
/* A scalar's text, or "" for anything else (NULL included). */
const char *reg_json_str(const struct ynode *n);

#endif
