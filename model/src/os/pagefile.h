/* pagefile.h - one paging file: a slot bitmap and the bytes of every written slot
 * (spec/nt-memory-manager.md C.2, C.9). Slots are numbered 1..slots (0 in a software PTE
 * means demand-zero); allocation is first fit. Contents are kept so that paging out and back
 * in is observable in data values.
 */
#ifndef MMUSIM_OS_PAGEFILE_H
#define MMUSIM_OS_PAGEFILE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint32_t slots;     /* capacity */
    uint32_t used;
    uint32_t hint;      /* no free slot below this one */
    uint64_t *bits;     /* bit s-1 set: slot s in use */
    uint8_t **data;     /* data[s-1]: 4096 bytes, allocated on first write */
} Pagefile;

bool pagefile_init(Pagefile *pf, uint32_t slots);
void pagefile_fini(Pagefile *pf);
/* A free slot, marked used; 0 when the file is full. */
uint32_t pagefile_alloc(Pagefile *pf);
void pagefile_release(Pagefile *pf, uint32_t slot);
bool pagefile_in_use(const Pagefile *pf, uint32_t slot);
/* Store / load the 4096 bytes of a slot. store fails (false) only when out of host memory. */
bool pagefile_store(Pagefile *pf, uint32_t slot, const uint8_t *page);
void pagefile_load(const Pagefile *pf, uint32_t slot, uint8_t *page);

#endif
