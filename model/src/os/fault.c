/* fault.c - page allocation, share/reference counting and the #PF dispatcher (spec C.5,
 * C.6.3). Private memory: demand-zero, transition (soft), pagefile (hard), guard pages and
 * access violations. */
#include <string.h>

#include "mmusim/mm_assert.h"
#include "os_internal.h"

/* ---- PFN state transitions (C.6.3) --------------------------------------------------------- */

void mem_zero_page(Os *os, uint32_t pfn) {
    static const uint8_t zeros[4096];
    if (!physmem_write(os->pm, (uint64_t)pfn << 12, zeros, sizeof zeros) && !os->fatal)
        os->fatal = "out of host memory";
    os->st.pages_zeroed++;
}

void mem_release_slot(Os *os, uint32_t soft_pte) {
    if ((soft_pte & (NTPTE_P | NTPTE_PROTOTYPE | NTPTE_TRANSITION)) || !ntpte_slot(soft_pte)) return;
    pagefile_release(&os->pf, ntpte_slot(soft_pte));
}

void mem_table_share(Os *os, uint32_t table_pfn, int delta) {
    Pfn *t = pfn_at(&os->db, table_pfn);
    MM_ASSERT(t->pagetable && (delta > 0 || t->share > 1));
    t->share = (uint32_t)((int64_t)t->share + delta);
}

/* C.6.3.4: RefCount - 1; at 0 the page goes to Free (owner deleted), Modified or Standby. */
static void mem_ref_dec(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    MM_ASSERT(e->ref > 0 && e->share == 0);
    if (--e->ref) return;
    if (e->deleted) {
        pfn_push(&os->db, pfn, PFN_FREE, false);
        return;
    }
    pfn_push(&os->db, pfn, e->modified ? PFN_MODIFIED : PFN_STANDBY, false);
}

void mem_share_dec(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    MM_ASSERT(e->share > 0);
    if (--e->share) return;
    e->loc = PFN_TRANSITION;
    mem_ref_dec(os, pfn);
}

void mem_delete_private(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    mem_release_slot(os, e->original);
    e->original = 0;
    e->deleted = true;
    if (e->frame != PFN_NONE) mem_table_share(os, e->frame, -1);
    e->frame = PFN_NONE;
    if (e->share) {
        mem_share_dec(os, pfn);
    } else { /* Transition: on Standby or Modified */
        pfn_unlink(&os->db, pfn);
        e->ref = 1;
        mem_ref_dec(os, pfn);
    }
}

void mem_capture_dirty(Os *os, uint32_t pfn, uint32_t pte) {
    Pfn *e = pfn_at(&os->db, pfn);
    if (!(pte & NTPTE_D) || e->modified) return;
    e->modified = true;
    /* C.9: the pagefile copy is stale now. */
    mem_release_slot(os, e->original);
    e->original = ntpte_software(ntpte_prot(e->original), 0, 0);
}

/* A standby page leaves its owner: the owner PTE gets OriginalPte back (C.6.3.1). */
static void repurpose(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    MM_ASSERT(!e->prototype); /* prototype pages arrive with sections */
    os_pm_write32(os, e->pte, e->original);
    if (e->frame != PFN_NONE) mem_table_share(os, e->frame, -1);
    os->st.repurposed++;
}

/* Writer work: take pages off the Modified list into the paging file. */
uint32_t mem_write_modified(Os *os, uint32_t max) {
    uint32_t n = 0;
    while (n < max && pfn_head(&os->db, PFN_MODIFIED) != PFN_NONE) {
        uint32_t pfn = pfn_head(&os->db, PFN_MODIFIED), slot = pagefile_alloc(&os->pf);
        if (!slot) break;
        uint8_t page[4096];
        physmem_read(os->pm, (uint64_t)pfn << 12, page, sizeof page);
        if (!pagefile_store(&os->pf, slot, page)) {
            os->fatal = "out of host memory";
            break;
        }
        Pfn *e = pfn_at(&os->db, pfn);
        pfn_unlink(&os->db, pfn);
        e->original = ntpte_software(ntpte_prot(e->original), 0, slot);
        e->modified = false;
        pfn_push(&os->db, pfn, PFN_STANDBY, false);
        os->st.pagefile_writes++;
        n++;
    }
    return n;
}

/* Nothing available: write modified pages, and take pages out of working sets, oldest
 * insertion first, from the largest working set (ties: creation order), until a page is
 * available. Deterministic; real NT would block the faulting thread instead. */
static bool emergency(Os *os) {
    for (;;) {
        if (pfn_available(&os->db)) return true;
        if (mem_write_modified(os, 1)) continue;
        Process *big = NULL;
        for (uint32_t i = 0; i < os->nprocs; i++)
            if (os->procs[i]->alive && os->procs[i]->nws && (!big || os->procs[i]->nws > big->nws))
                big = os->procs[i];
        if (!big) return false;
        ws_evict(os, big, 0);
    }
}

uint32_t mem_take_page(Os *os, bool zeroed) {
    static const PfnLocation zero_order[3] = {PFN_ZEROED, PFN_FREE, PFN_STANDBY};
    static const PfnLocation any_order[3] = {PFN_FREE, PFN_ZEROED, PFN_STANDBY};
    if (!pfn_available(&os->db) && !emergency(os)) {
        if (!os->fatal) os->fatal = "simulated physical memory and the paging file are exhausted";
        return PFN_NONE;
    }
    const PfnLocation *order = zeroed ? zero_order : any_order;
    for (int i = 0; i < 3; i++) {
        uint32_t pfn = pfn_head(&os->db, order[i]);
        if (pfn == PFN_NONE) continue;
        pfn_unlink(&os->db, pfn);
        if (order[i] == PFN_STANDBY) repurpose(os, pfn);
        if (zeroed && order[i] != PFN_ZEROED) mem_zero_page(os, pfn);
        Pfn *e = pfn_at(&os->db, pfn);
        *e = (Pfn){.ref = 1, .loc = PFN_ACTIVE, .frame = PFN_NONE, .prev = PFN_NONE,
                   .next = PFN_NONE};
        return pfn;
    }
    MM_ASSERT(0);
}

/* ---- the dispatcher (C.5) --------------------------------------------------------------------- */

typedef struct {
    Process *p;
    uint32_t va, pte_addr, pte;
    uint8_t kind;     /* AccessKind */
    bool store;
} Fault;

/* Access check with guard handling: FAULT_NONE if allowed, FAULT_AV, or FAULT_GUARD after
 * clearing the guard in the PTE. */
static FaultClass check_access(Os *os, Fault *f, uint8_t prot) {
    if (!mmprot_allows(prot, f->kind, false)) return FAULT_AV; /* also 0, NOACCESS, DECOMMIT */
    if ((prot & 0x18) == MM_GUARD) {
        os_write_pte(os, f->p, f->va, f->pte_addr, ntpte_with_prot(f->pte, (uint8_t)(prot & ~MM_GUARD)));
        return FAULT_GUARD;
    }
    return FAULT_NONE;
}

/* A private page made valid: PFN fields, page-table share, PTE, working set. */
static FaultClass map_private(Os *os, Fault *f, uint32_t pfn, uint8_t prot, uint32_t original,
                              bool modified, bool dirty, FaultClass cls) {
    Pfn *e = pfn_at(&os->db, pfn);
    e->share = 1;
    e->pte = f->pte_addr;
    e->original = original;
    e->modified = modified;
    e->frame = ntpte_pfn(os_read_pte(os, (uint32_t)((uint64_t)f->p->pd_pfn << 12) + (f->va >> 22) * 4));
    mem_table_share(os, e->frame, +1);
    os_write_pte(os, f->p, f->va, f->pte_addr, ntpte_valid(pfn, prot, true, dirty));
    if (!ws_insert(os, f->p, f->va >> 12)) return FAULT_AV;
    ws_enforce_max(os, f->p, f->va >> 12);
    return cls;
}

static FaultClass demand_zero(Os *os, Fault *f, uint8_t prot) {
    FaultClass c = check_access(os, f, prot);
    if (c != FAULT_NONE) return c;
    uint32_t pfn = mem_take_page(os, true);
    if (pfn == PFN_NONE) return FAULT_AV;
    return map_private(os, f, pfn, prot, ntpte_software(prot, 0, 0), true, true, FAULT_DEMAND_ZERO);
}

static FaultClass soft(Os *os, Fault *f) {
    uint8_t prot = ntpte_prot(f->pte);
    FaultClass c = check_access(os, f, prot);
    if (c != FAULT_NONE) return c;
    uint32_t pfn = ntpte_pfn(f->pte);
    Pfn *e = pfn_at(&os->db, pfn);
    MM_ASSERT(e->loc == PFN_STANDBY || e->loc == PFN_MODIFIED);
    pfn_unlink(&os->db, pfn);
    e->ref = 1;
    e->share = 1;
    e->loc = PFN_ACTIVE;
    os_write_pte(os, f->p, f->va, f->pte_addr, ntpte_valid(pfn, prot, true, e->modified));
    if (!ws_insert(os, f->p, f->va >> 12)) return FAULT_AV;
    ws_enforce_max(os, f->p, f->va >> 12);
    return FAULT_SOFT;
}

static FaultClass hard(Os *os, Fault *f) {
    uint8_t prot = ntpte_prot(f->pte);
    FaultClass c = check_access(os, f, prot);
    if (c != FAULT_NONE) return c;
    uint32_t pf_pte = f->pte, pfn = mem_take_page(os, false);
    if (pfn == PFN_NONE) return FAULT_AV;
    uint8_t page[4096];
    pagefile_load(&os->pf, ntpte_slot(pf_pte), page);
    if (!physmem_write(os->pm, (uint64_t)pfn << 12, page, sizeof page)) os->fatal = "out of host memory";
    os->st.pagefile_reads++;
    uint32_t original = pf_pte;
    if (f->store) { /* C.5.4: the copy in the paging file is stale at once */
        mem_release_slot(os, pf_pte);
        original = ntpte_software(prot, 0, 0);
    }
    return map_private(os, f, pfn, prot, original, f->store, f->store, FAULT_HARD);
}

static FaultClass dispatch(Os *os, Fault *f) {
    Process *p = f->p;
    if (f->va >= KERNEL_BASE) return FAULT_AV; /* user access to kernel space (C.5 step 1) */
    Vad *v = os_find_vad(p, f->va >> 12);
    f->pte_addr = os_pte_addr(os, p, f->va);
    if (!f->pte_addr) { /* C.5 step 2: no page table yet */
        if (!v || !v->mem_commit) return FAULT_AV;
        f->pte_addr = os_ensure_pte(os, p, f->va);
        if (!f->pte_addr) return FAULT_AV;
    }
    f->pte = os_read_pte(os, f->pte_addr);
    switch (ntpte_classify_process(f->pte)) {
    case PPTE_VALID:
        if (f->store && !(f->pte & NTPTE_RW)) return FAULT_AV; /* COW arrives with sections */
        return FAULT_SPURIOUS;
    case PPTE_ZERO:
        if (!v || !v->mem_commit) return FAULT_AV;
        return demand_zero(os, f, v->prot);
    case PPTE_DEMAND_ZERO: return demand_zero(os, f, ntpte_prot(f->pte));
    case PPTE_DECOMMITTED: return FAULT_AV;
    case PPTE_TRANSITION: return soft(os, f);
    case PPTE_PAGEFILE: return hard(os, f);
    case PPTE_PROTO_POINTER: return FAULT_AV; /* sections arrive in the next step */
    }
    MM_ASSERT(0);
}

FaultClass os_page_fault(Os *os, uint32_t cr2, uint32_t error_code) {
    MM_ASSERT(os->cur && !os->fatal);
    Fault f = {.p = os->cur, .va = cr2, .store = (error_code & 2) != 0,
               .kind = (error_code & 0x10) ? 0 : (error_code & 2) ? 2 : 1};
    FaultClass c = dispatch(os, &f);
    if (os->fatal) c = FAULT_AV;
    os->st.total.faults[c]++;
    f.p->st.faults[c]++;
    return c;
}
