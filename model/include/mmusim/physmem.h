/* physmem.h - sparse simulated physical memory, 40-bit addresses.
 *
 * One object shared by the OS model (which writes real PTE bits into it), the C walker and the
 * RTL bench (DESIGN.md 1). Never-written memory reads as zero and costs nothing; a 4 KiB frame
 * is allocated on its first write. PSE-36 and PAE reach above 4 GiB, hence 40 bits
 * (spec/x86-paging.md A.2).
 */
#ifndef MMUSIM_PHYSMEM_H
#define MMUSIM_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHYSMEM_ADDR_BITS 40
#define PHYSMEM_LIMIT (UINT64_C(1) << PHYSMEM_ADDR_BITS)

typedef struct Physmem Physmem;

/* Returns NULL when out of memory. */
Physmem *physmem_new(void);
void physmem_free(Physmem *pm);

/* Reads need not be aligned and may cross frames; addr+len must be <= PHYSMEM_LIMIT. */
void physmem_read(const Physmem *pm, uint64_t addr, void *dst, size_t len);
uint32_t physmem_read32(const Physmem *pm, uint64_t addr);
uint64_t physmem_read64(const Physmem *pm, uint64_t addr);

/* Writes allocate frames on demand. Returns false (memory unchanged) when out of memory. */
bool physmem_write(Physmem *pm, uint64_t addr, const void *src, size_t len);
bool physmem_write32(Physmem *pm, uint64_t addr, uint32_t v);
bool physmem_write64(Physmem *pm, uint64_t addr, uint64_t v);

/* Number of 4 KiB frames holding data (for memory-use reports and tests). */
uint64_t physmem_frames(const Physmem *pm);

/* Fault injection for tests: the Nth frame allocation from now (1 = the next) fails; 0 = never. */
void physmem_fail_alloc_after(Physmem *pm, uint64_t n);

#endif
