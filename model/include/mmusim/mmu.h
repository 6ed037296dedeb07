/* mmu.h - the x86 paging unit: control registers, TLB hierarchy, PDE cache, walker, faults
 * (spec/x86-paging.md; DESIGN.md 1, habits 3, 4 and 10).
 *
 * An Mmu translates linear addresses against page tables that live in a Physmem it does not
 * own. Faults are data: mmu_access() returns 0 or VEC_PF and fills a Result with the error code
 * and CR2; register writes return MMU_OK or MMU_GP. The Mmu never prints, exits or opens files.
 * Two Mmus side by side share nothing but, if the caller wishes, a Physmem.
 *
 * TLB policy (A.8.5): only successful walks fill, after the A/D write-backs. A hit is checked
 * against the current WP/SMEP/SMAP/AC/NX; a hit that does not allow the access, and a write
 * through an entry cached clean, drop the page's entries and re-walk, so no spurious #PF is
 * ever raised. Lookup order: L1 (instruction TLB for fetches, data TLB otherwise), then L2;
 * an L2 hit fills L1; a walk fills L2 and L1 (no back-invalidation of L1 on L2 evictions).
 * Invalidation follows the table in A.8.4 exactly; see mmu.c for each rule.
 */
#ifndef MMUSIM_MMU_H
#define MMUSIM_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/cpu.h"
#include "mmusim/physmem.h"
#include "mmusim/stats.h"
#include "mmusim/tlb.h"

typedef enum {
    TLB_MODE_SIZED,     /* the configured L1/L2 arrays and PDE cache */
    TLB_MODE_REFERENCE, /* one unbounded store that never evicts (correctness reference) */
    TLB_MODE_OFF        /* no TLB: every access walks */
} TlbMode;

typedef struct {
    TlbMode tlb_mode;
    TlbConfig l1i, l1d, l2; /* seeds are derived from `seed` */
    bool l1_unified;        /* fetches use the L1 data TLB; l1i is unused */
    TlbConfig pdec;         /* paging-structure cache: only its large array is used */
    uint64_t seed;          /* for the RANDOM replacement policy */
    uint32_t lat_l1, lat_l2, lat_mem; /* cycles, see the `cycles` counter */
    CpuProfile profile;
} MmuConfig;

/* NULL if the configuration is usable, else a static message naming the problem; *where
 * (if where is not NULL) is then the level it concerns ("l1i", "l1d", "l2", "pdec") or NULL. */
const char *mmu_config_check(const MmuConfig *cfg, const char **where);

typedef struct Mmu Mmu;

/* NULL if out of memory or the configuration fails mmu_config_check. Registers start at 0. */
Mmu *mmu_new(const MmuConfig *cfg, Physmem *pm);
void mmu_free(Mmu *m);

enum { MMU_OK = 0, MMU_GP = VEC_GP, MMU_UNSUPPORTED = -1 };

/* MOV to a control register / WRMSR EFER with the side effects of A.1, A.2.2 and A.8.4.
 * These, INVLPG, CPL/EFLAGS and profile changes must not come while an access started with
 * mmu_begin is unfinished: an in-order CPU completes (drains) it first. Asserted. */
/* MMU_GP leaves every register unchanged. MMU_UNSUPPORTED: EFER.LME (long mode is not
 * modelled). */
int mmu_write_cr0(Mmu *m, uint32_t v);
int mmu_write_cr3(Mmu *m, uint32_t v);
int mmu_write_cr4(Mmu *m, uint32_t v);
int mmu_write_efer(Mmu *m, uint64_t v);
void mmu_set_cpl(Mmu *m, uint8_t cpl);
void mmu_set_eflags(Mmu *m, uint32_t eflags);
void mmu_invlpg(Mmu *m, uint32_t la);
/* Replace the CPU profile; flushes every TLB and the PDE cache. MMU_UNSUPPORTED (nothing
 * changes) if PAE paging is on and a loaded PDPTE register would have reserved bits under the
 * new profile: no real CPU changes MAXPHYADDR under loaded PDPTEs. */
int mmu_set_profile(Mmu *m, const CpuProfile *prof);

const CpuRegs *mmu_regs(const Mmu *m);
const CpuProfile *mmu_profile(const Mmu *m);
const MmuConfig *mmu_config(const Mmu *m);

/* The xorshift64* start state of a TLB level's array under the RANDOM policy (level: "l1i",
 * "l1d", "l2", "pdec"; array: TLB_SMALL or TLB_LARGE), as mmu_new seeds it from cfg->seed:
 * for a twin that must draw the same victims. */
uint64_t mmu_random_state(const MmuConfig *cfg, const char *level, int array);

typedef struct {
    uint32_t la;
    uint8_t kind;   /* AccessKind */
    bool implicit;  /* implicit supervisor access (GDT/LDT/IDT/TSS) */
} Access;

enum { SRC_UNPAGED, SRC_L1, SRC_L2, SRC_WALK };

typedef struct {
    uint8_t vector;      /* 0: translated; VEC_PF: page fault */
    uint8_t source;      /* SRC_*: where the translation came from */
    uint8_t page_shift;  /* 12, 21 or 22 (0 when unpaged) */
    uint32_t error_code; /* #PF error code */
    uint32_t cr2;        /* CR2 after the access (the faulting LA on #PF) */
    uint64_t paddr;
} Result;

/* Translate one access, walking through the Physmem given to mmu_new. Returns r->vector. */
int mmu_access(Mmu *m, const Access *a, Result *r);

/* The same translation as steps, for front ends that put time around memory (SystemC, RTL
 * lockstep). mmu_begin/mmu_resume return MMU_STEP_MEM with *req describing one memory
 * operation for the caller to perform, or MMU_STEP_DONE with *r complete. For a read, pass the
 * value read to mmu_resume. For a write-back (req->or_bits != 0) the caller does a locked
 * read-modify-write ORing or_bits into the entry and passes the value read before the OR. */
enum { MMU_STEP_DONE = 0, MMU_STEP_MEM = 1 };
typedef struct {
    uint64_t addr;
    uint64_t or_bits;  /* 0: a read */
    uint8_t size;      /* 4 or 8 */
} MemReq;
int mmu_begin(Mmu *m, const Access *a, Result *r, MemReq *req);
int mmu_resume(Mmu *m, uint64_t value, Result *r, MemReq *req);

/* Observer hook (DESIGN.md habit 10): one call per event, nothing when unset. */
typedef enum {
    MMU_EV_PT_READ,    /* addr = entry address, value = entry read */
    MMU_EV_AD_WRITE,   /* addr, old = value before, value = value written */
    MMU_EV_TLB_FILL,   /* level (1 = L1 for this access kind, 2 = L2), fill, victim */
    MMU_EV_PDEC_FILL,  /* level 0, fill, victim */
    /* Control events, for front ends that mirror the MMU's state into a twin (the RTL
     * lockstep bench). They come only between accesses, in the order the changes happen. */
    MMU_EV_REGS,       /* the registers (mmu_regs) or the CPU profile (mmu_profile) changed */
    MMU_EV_FLUSH,      /* the TLBs were flushed: value = 1 if global entries survived (MOV CR3) */
    MMU_EV_INVLPG,     /* INVLPG of addr */
} MmuEventKind;

typedef struct {
    MmuEventKind kind;
    uint8_t level;
    uint8_t access_kind;
    uint64_t addr, old, value;
    TlbFill fill;
    TlbEntry victim;   /* the replaced entry when fill.evicted */
} MmuEvent;

typedef void (*MmuObserver)(void *ctx, const MmuEvent *ev);
void mmu_set_observer(Mmu *m, MmuObserver fn, void *ctx);

const MmuStats *mmu_stats(const Mmu *m);

#endif
