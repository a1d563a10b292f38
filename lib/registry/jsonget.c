/* SPDX-License-Identifier: MIT */
/* Looks up keys and strings in ytree's tree of a JSON document. */
#include <string.h>

#include "registry/jsonget.h"

const struct ynode *
reg_json_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->type == YNODE_SCALAR && strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

const char *
reg_json_str(const struct ynode *n)
{
	return n && n->type == YNODE_SCALAR ? n->str : "";
}
