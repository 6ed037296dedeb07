/* pagefile.c - paging-file slots and contents (pagefile.h). */
#include "pagefile.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

bool pagefile_init(Pagefile *pf, uint32_t slots) {
    *pf = (Pagefile){.slots = slots, .hint = 1};
    pf->bits = calloc((slots + 63) / 64 + 1, sizeof *pf->bits);
    pf->data = calloc(slots + 1, sizeof *pf->data);
    return pf->bits && pf->data;
}

void pagefile_fini(Pagefile *pf) {
    if (pf->data)
        for (uint32_t i = 0; i < pf->slots; i++) free(pf->data[i]);
    free(pf->data);
    free(pf->bits);
    *pf = (Pagefile){0};
}

bool pagefile_in_use(const Pagefile *pf, uint32_t slot) {
    return slot >= 1 && slot <= pf->slots && (pf->bits[(slot - 1) / 64] >> ((slot - 1) % 64) & 1);
}

uint32_t pagefile_alloc(Pagefile *pf) {
    for (uint32_t s = pf->hint; s <= pf->slots; s++) {
        if (pagefile_in_use(pf, s)) continue;
        pf->bits[(s - 1) / 64] |= UINT64_C(1) << ((s - 1) % 64);
        pf->used++;
        pf->hint = s + 1;
        return s;
    }
    pf->hint = pf->slots + 1;
    return 0;
}

void pagefile_release(Pagefile *pf, uint32_t slot) {
    MM_ASSERT(pagefile_in_use(pf, slot));
    pf->bits[(slot - 1) / 64] &= ~(UINT64_C(1) << ((slot - 1) % 64));
    pf->used--;
    if (slot < pf->hint) pf->hint = slot;
}

bool pagefile_store(Pagefile *pf, uint32_t slot, const uint8_t *page) {
    MM_ASSERT(pagefile_in_use(pf, slot));
    uint8_t **d = &pf->data[slot - 1];
    if (!*d && !(*d = malloc(4096))) return false;
    memcpy(*d, page, 4096);
    return true;
}

void pagefile_load(const Pagefile *pf, uint32_t slot, uint8_t *page) {
    MM_ASSERT(pagefile_in_use(pf, slot));
    const uint8_t *d = pf->data[slot - 1];
    if (d) memcpy(page, d, 4096);
    else memset(page, 0, 4096);
}
