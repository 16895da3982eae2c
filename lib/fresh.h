/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fresh.h - the oracle of the fresh job (bench/fresh.c, kmod/tests/fresh_oracle.c):
 * what pattern the job leaves behind in freed DMA memory, and how the bytes
 * of a new buffer are classified: zeroed, or stale (how many bytes are not
 * zero, how many of them are the pattern left behind).
 */
#ifndef DMAB_FRESH_H
#define DMAB_FRESH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pattern byte at buffer offset off: dmabench_pattern() of the offset
 * inside its page, so that a page handed out again at another buffer
 * offset still carries it. page_size: the kernel's (INFO page_size).
 */
uint8_t dmab_fresh_byte(uint64_t seed, uint64_t off, uint32_t page_size);

/* Fill buf (buffer offsets off .. off + len) with the pattern. */
void dmab_fresh_fill(uint8_t *buf, size_t len, uint64_t off, uint64_t seed, uint32_t page_size);

struct dmab_fresh_count {
	uint64_t bytes;		/* bytes looked at */
	uint64_t nonzero;	/* bytes that are not 0: stale */
	uint64_t pattern;	/* nonzero bytes equal to the pattern left behind */
	uint64_t first_nonzero;	/* buffer offset of the first nonzero byte (UINT64_MAX: none) */
};

/* Start a count (first_nonzero = UINT64_MAX). */
void dmab_fresh_count_init(struct dmab_fresh_count *c);
/* Add the bytes of buf, which sit at buffer offsets off .. off + len. */
void dmab_fresh_count_add(struct dmab_fresh_count *c, const uint8_t *buf, size_t len, uint64_t off,
			  uint64_t seed, uint32_t page_size);
/* "zeroed" (no nonzero byte), "stale" or "none" (no byte looked at). */
const char *dmab_fresh_verdict(const struct dmab_fresh_count *c);

#endif
