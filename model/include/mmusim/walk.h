/* walk.h - the page walker as a step machine (spec/x86-paging.md A.2-A.7, DESIGN.md 1 and 5).
 *
 * walk_begin() -> WALK_READ (read the entry at w->read_addr, w->read_size bytes)
 *              -> walk_feed(entry) -> WALK_READ | WALK_DONE | WALK_FAULT.
 * The walker never touches memory: the caller performs every read, then, on WALK_DONE, the
 * accessed/dirty write-backs listed in w->ad (locked OR of bits into an entry). A plain loop
 * serves the replay tool; SystemC waits for memory latency between steps; the RTL walker FSM
 * has the same states. The whole walk is one loop over the level table in WalkEnv.
 */
#ifndef MMUSIM_WALK_H
#define MMUSIM_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/cpu.h"

/* One level of the paging structure below CR3 (or below a PAE PDPTE register). */
typedef struct {
    uint8_t shift;        /* linear-address bit where this level's index starts */
    uint8_t index_bits;   /* 10 (32-bit) or 9 (PAE) */
    uint8_t entry_size;   /* 4 or 8 bytes */
    bool large_ok;        /* PS=1 here maps a page (PSE honoured / PAE PDE) */
    uint64_t rsvd_table;  /* reserved bits of a present entry that references a table */
    uint64_t rsvd_large;  /* reserved bits of a present entry that maps a large page */
    uint64_t rsvd_leaf;   /* reserved bits of a present 4 KiB PTE */
} WalkLevel;

/* Everything a walk and a TLB-hit rights check depend on, derived from CpuRegs and CpuProfile
 * whenever a register or the profile changes (walk_env_init). */
typedef struct {
    PagingMode mode;
    WalkLevel level[2];   /* [0] = page directory, [1] = page table */
    uint64_t pd_base;     /* 32-bit: CR3[31:12] */
    uint64_t pdpte[4];    /* PAE: the PDPTE registers */
    uint64_t addr_mask;   /* physical-address bits below MAXPHYADDR */
    uint64_t table_mask;  /* address bits of a table pointer or 4 KiB frame in an entry */
    uint8_t large_shift;  /* 22 (4 MiB) or 21 (2 MiB) */
    bool pse36;           /* 32-bit large PDE bits 20:13 are address bits 39:32 */
    bool wp, smep, smap, ac, nx, pge;
    bool id_bit;          /* error-code I/D is reported for fetches (A.6) */
    uint8_t cpl;
    uint8_t allow[8];     /* walk_rights_allow for explicit accesses, bit per AccessKind,
                             indexed by rights_index(); rebuilt with the rest of the env */
} WalkEnv;

void walk_env_init(WalkEnv *env, const CpuRegs *regs, const CpuProfile *prof);

/* Reserved bits of a present PAE PDPTE (A.2.2); a MOV that loads one gives #GP. */
uint64_t walk_pdpte_reserved(const CpuProfile *prof);

/* Effective rights of a translation: AND of R/W and U/S, OR of XD over the levels used. A bit
 * set, so that it is its own index into WalkEnv.allow (a TLB hit checks it in one load). */
typedef uint8_t Rights;
enum { RIGHT_RW = 1, RIGHT_US = 2, RIGHT_XD = 4 };

static inline unsigned rights_index(Rights r) { return r & 7u; }

/* A.4: is the access allowed with these rights under the current WP/SMEP/SMAP/AC/NX?
 * Used by the walker and by every TLB hit. */
bool walk_rights_allow(const WalkEnv *env, AccessKind kind, bool implicit, Rights r);

/* The same answer from env->allow for explicit accesses (the hot path of every TLB hit). */
static inline bool walk_rights_allow_fast(const WalkEnv *env, AccessKind kind, bool implicit,
                                          Rights r) {
    return implicit ? walk_rights_allow(env, kind, true, r)
                    : (env->allow[rights_index(r)] >> kind) & 1;
}

/* A.6: the one place that builds a #PF error code. flags = PFERR_P and/or PFERR_RSVD. */
uint32_t walk_error_code(const WalkEnv *env, AccessKind kind, bool implicit, uint32_t flags);

typedef enum { WALK_READ, WALK_DONE, WALK_FAULT } WalkStatus;

typedef struct {
    uint64_t addr;  /* physical address of the entry */
    uint64_t bits;  /* PTE_A and/or PTE_D to OR in */
    uint8_t size;   /* 4 or 8 */
} WalkAdWrite;

typedef struct {
    /* The access. */
    uint32_t la;
    uint8_t kind;          /* AccessKind */
    bool implicit;
    /* Progress. */
    uint8_t lvl;           /* index into env->level of the entry being read */
    uint64_t read_addr;    /* WALK_READ: the entry to read */
    uint8_t read_size;
    uint8_t reads;         /* entries read so far */
    Rights rights;         /* accumulated over the levels read */
    uint64_t entry_addr[2];
    uint64_t entry[2];
    /* WALK_DONE. */
    uint64_t paddr;        /* translation of la */
    uint64_t frame;        /* physical base of the page */
    uint8_t page_shift;    /* 12, 21 or 22 */
    bool global;           /* leaf G and CR4.PGE */
    bool dirty;            /* leaf D after this access's write-back */
    uint8_t n_ad;
    WalkAdWrite ad[2];     /* top-down; empty entries are not listed */
    bool pde_cacheable;    /* the PDE referenced a table: PDE-cache fill data below */
    uint64_t pde_table;
    Rights pde_rights;
    /* WALK_FAULT. */
    uint32_t error_code;
} Walk;

/* Start a walk at the top of the paging structures. May return WALK_FAULT at once (PAE PDPTE
 * register not present). */
WalkStatus walk_begin(Walk *w, const WalkEnv *env, uint32_t la, AccessKind kind, bool implicit);

/* Start at the page-table level after a PDE-cache hit, with the PDE's cached rights. */
WalkStatus walk_begin_at_table(Walk *w, const WalkEnv *env, uint32_t la, AccessKind kind,
                               bool implicit, uint64_t table, Rights pde_rights);

/* Hand the walker the entry it asked for. */
WalkStatus walk_feed(Walk *w, const WalkEnv *env, uint64_t entry);

#endif
