/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jget.h - tolerant cJSON accessors for code that reads run.json and guest
 * files: a missing key or a value of the wrong type gives the default, never
 * a crash.
 */
#ifndef DMAB_JGET_H
#define DMAB_JGET_H

#include <cjson/cJSON.h>

/* o[k], or NULL when o is not an object or has no k */
static inline const cJSON *jget(const cJSON *o, const char *k)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* o[k] as a string, or def */
static inline const char *jstr(const cJSON *o, const char *k, const char *def)
{
	const cJSON *v = jget(o, k);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : def;
}

/* o[k] as a number, or def */
static inline double jnum(const cJSON *o, const char *k, double def)
{
	const cJSON *v = jget(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* A guest file embedded in a run.json backend entry (b.files[name]) when it is an object, or NULL */
static inline const cJSON *jfile(const cJSON *b, const char *name)
{
	const cJSON *f = jget(jget(b, "files"), name);

	return cJSON_IsObject(f) ? f : NULL;
}

#endif
