// SPDX-License-Identifier: GPL-2.0
/* fresh.c - the fresh job's pattern and classification (fresh.h). */
#include "fresh.h"

#include "kmod/dmabench_abi.h"

uint8_t dmab_fresh_byte(uint64_t seed, uint64_t off, uint32_t page_size)
{
	return dmabench_pattern(seed, page_size ? off % page_size : off);
}

void dmab_fresh_fill(uint8_t *buf, size_t len, uint64_t off, uint64_t seed, uint32_t page_size)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = dmab_fresh_byte(seed, off + i, page_size);
}

void dmab_fresh_count_init(struct dmab_fresh_count *c)
{
	c->bytes = c->nonzero = c->pattern = 0;
	c->first_nonzero = UINT64_MAX;
}

void dmab_fresh_count_add(struct dmab_fresh_count *c, const uint8_t *buf, size_t len, uint64_t off,
			  uint64_t seed, uint32_t page_size)
{
	for (size_t i = 0; i < len; i++) {
		if (!buf[i])
			continue;
		c->nonzero++;
		if (off + i < c->first_nonzero)
			c->first_nonzero = off + i;
		if (buf[i] == dmab_fresh_byte(seed, off + i, page_size))
			c->pattern++;
	}
	c->bytes += len;
}

const char *dmab_fresh_verdict(const struct dmab_fresh_count *c)
{
	if (!c->bytes)
		return "none";
	return c->nonzero ? "stale" : "zeroed";
}
