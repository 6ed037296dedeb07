/* pfn.h - the PFN database and the page lists (spec/nt-memory-manager.md C.2, C.6.3).
 *
 * One entry per managed physical frame, numbered by absolute frame number in
 * [first, first + count). A frame is on exactly one of the Zeroed, Free, Standby and Modified
 * lists iff its RefCount is 0; otherwise it is Active (or in I/O). Lists are doubly linked in
 * the entries themselves, FIFO: pages go on at the tail and are taken from the head (the oldest
 * standby page is repurposed first, a C.6.3 decision), except that the zero-page thread pushes
 * onto the head of Zeroed.
 */
#ifndef MMUSIM_OS_PFN_H
#define MMUSIM_OS_PFN_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    PFN_ZEROED,
    PFN_FREE,
    PFN_STANDBY,
    PFN_MODIFIED,
    PFN_MODIFIED_NOWRITE, /* unused: listed for the MMLISTS numbering */
    PFN_BAD,              /* unused */
    PFN_ACTIVE,
    PFN_TRANSITION,       /* I/O in flight; never seen between events (I/O is instantaneous) */
} PfnLocation;
#define PFN_LISTS 4 /* Zeroed, Free, Standby, Modified: the values below PFN_MODIFIED_NOWRITE */

#define PFN_NONE UINT32_MAX

typedef struct {
    uint32_t share;     /* valid hardware PTEs mapping the page (page tables: C.2 rule) */
    uint32_t ref;       /* 1 while share > 0, plus I/O; 0 iff on a list */
    uint32_t pte;       /* PteAddress: physical address of the owning PTE, or the prototype
                           PTE index when prototype is set */
    uint32_t original;  /* OriginalPte */
    uint32_t frame;     /* PteFrame: the page table holding pte (private pages); PFN_NONE */
    uint32_t prev, next;
    uint8_t loc;        /* PfnLocation */
    bool modified, prototype, deleted, pagetable;
} Pfn;

typedef struct {
    uint32_t head, tail, count;
} PfnList;

typedef struct {
    uint32_t first, count;
    Pfn *e;
    PfnList list[PFN_LISTS];
} PfnDb;

/* All frames start on the Free list (their contents are whatever physical memory holds). */
bool pfn_init(PfnDb *db, uint32_t first, uint32_t count);
void pfn_fini(PfnDb *db);

static inline bool pfn_managed(const PfnDb *db, uint32_t pfn) {
    return pfn >= db->first && pfn - db->first < db->count;
}
static inline Pfn *pfn_at(PfnDb *db, uint32_t pfn) { return &db->e[pfn - db->first]; }

/* Unlink pfn from its list (it must be on one). */
void pfn_unlink(PfnDb *db, uint32_t pfn);
/* Put pfn at the tail (or head) of list loc; sets its location. */
void pfn_push(PfnDb *db, uint32_t pfn, PfnLocation loc, bool at_head);
/* Head of a list, PFN_NONE if empty. */
static inline uint32_t pfn_head(const PfnDb *db, PfnLocation loc) { return db->list[loc].head; }

/* Zeroed + Free + Standby. */
static inline uint32_t pfn_available(const PfnDb *db) {
    return db->list[PFN_ZEROED].count + db->list[PFN_FREE].count + db->list[PFN_STANDBY].count;
}

const char *pfn_location_name(PfnLocation loc);

#endif
