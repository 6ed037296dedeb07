/* tlb.h - one TLB level: set-associative arrays per page size, or an unbounded store
 * (spec/x86-paging.md A.8, DESIGN.md habit 6).
 *
 * A level has a 4 KiB array and a large-page array (2 MiB or 4 MiB, whichever the paging mode
 * uses), each SETS x WAYS with its own replacement state; set = page number mod SETS. A level
 * without a large array stores a large page as the 4 KiB fragment that was accessed (the SDM
 * permits splitting); INVLPG anywhere in the large page then drops every fragment of it. The
 * unbounded store is the `reference` mode of the spec: fully associative, never evicts.
 *
 * The same structure, with only a large array, serves as the paging-structure (PDE) cache:
 * keyed by LA >> large_shift, frame = the page table's address, rights = the PDE's.
 *
 * Lookups have no side effects; the caller touches the slot once it decides to use the entry,
 * so an unusable hit (rights, or a write through a clean entry) leaves the replacement state
 * alone.
 */
#ifndef MMUSIM_TLB_H
#define MMUSIM_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmusim/repl.h"
#include "mmusim/walk.h"

typedef struct {
    uint32_t sets, ways; /* sets * ways == 0: no such array */
} TlbGeom;

typedef struct {
    TlbGeom small;      /* 4 KiB entries */
    TlbGeom large;      /* 2/4 MiB entries; none = split large pages into 4 KiB entries */
    ReplPolicy policy;
    bool unbounded;     /* reference mode: ignore the geometry, never evict */
    uint64_t seed;      /* for REPL_RANDOM */
} TlbConfig;

/* A cached translation. For the PDE cache, frame is the page table's address. */
typedef struct {
    uint64_t frame;      /* physical base of what the entry maps */
    uint32_t vpn;        /* la >> shift */
    uint8_t shift;       /* 12 for 4 KiB entries and fragments, 21/22 for large entries */
    uint8_t page_shift;  /* size of the translation (a fragment keeps the large size) */
    Rights rights;
    uint8_t flags;       /* TLBE_* (whole bytes, not bit-fields: a fill copies them as they are) */
} TlbEntry;                /* 16 bytes: four to a cache line */

enum {
    TLBE_DIRTY = 1,  /* cached with D=1 (a write through an entry without it re-walks) */
    TLBE_GLOBAL = 2, /* G=1 with CR4.PGE: survives MOV CR3 */
};

enum { TLB_SMALL = 0, TLB_LARGE = 1, TLB_UNBOUNDED = 2 };

typedef struct {
    uint8_t array;   /* TLB_SMALL, TLB_LARGE or TLB_UNBOUNDED */
    uint32_t set, way;
} TlbSlot;

typedef struct {
    bool stored;      /* false: no array of this level holds this page size */
    bool evicted;     /* a valid entry was replaced */
    TlbSlot slot;
} TlbFill;

typedef struct Tlb Tlb;

/* NULL if out of memory or the configuration is invalid (see tlb_config_check). */
Tlb *tlb_new(const TlbConfig *cfg);
void tlb_free(Tlb *t);

/* The seed tlb_new gives array (TLB_SMALL or TLB_LARGE) of a level seeded cfg->seed. */
uint64_t tlb_array_seed(uint64_t level_seed, int array);

/* NULL if valid, else a reason: sets must be a power of two, the policy must suit the ways. */
const char *tlb_config_check(const TlbConfig *cfg);

/* True if the level caches anything at all. */
bool tlb_config_present(const TlbConfig *cfg);

/* Find the entry translating la (4 KiB array first, then the large array). No side effects. */
const TlbEntry *tlb_lookup(const Tlb *t, uint32_t la, uint8_t large_shift, TlbSlot *slot);

/* tlb_lookup, then tlb_touch of the hit, in one step: for a level whose hits are always used
 * (the PDE cache). Its key search has one branch per four ways instead of one per way (tlb.c):
 * the PDE cache's hits land on ways that follow no pattern, where tlb_lookup's branches would
 * be mispredicted; tlb_lookup's search is cheaper when the hit way is predictable (an L1
 * TLB's few hot pages) or the level mostly misses (the L2 TLB). */
const TlbEntry *tlb_lookup_touch(Tlb *t, uint32_t la, uint8_t large_shift);

/* Replacement update for a hit the MMU used. */
void tlb_touch(Tlb *t, TlbSlot slot);

/* Cache a translation of a page of size 1 << tr->page_shift containing la. tr->frame is the
 * page's physical base; vpn and shift are derived here. Contract: the page is not cached in
 * this level already (the MMU fills only after a miss or after dropping the page); debug
 * builds check it. If victim is not NULL and an entry was replaced, it receives that entry
 * (observers want it; the replay loop does not pay for the load). Returns f->stored; *f says
 * where the entry went and whether a valid one was replaced. */
bool tlb_fill(Tlb *t, const TlbEntry *tr, uint32_t la, TlbFill *f, TlbEntry *victim);

/* The page-level translation an entry holds (a fragment's frame becomes the large page's
 * base), in the form tlb_fill takes: used to copy an L2 hit into L1. */
TlbEntry tlb_translation(const TlbEntry *e);

/* INVLPG semantics: drop la's 4 KiB entry, the large entry containing la, and every fragment
 * of that large page, globals included. Returns the number of entries dropped. */
uint32_t tlb_invalidate_page(Tlb *t, uint32_t la, uint8_t large_shift);

/* Drop every entry, or every non-global one. Returns the number dropped. */
uint32_t tlb_flush(Tlb *t, bool keep_global);

/* Valid entries right now. */
uint64_t tlb_occupancy(const Tlb *t);

#endif
