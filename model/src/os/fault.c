/* fault.c - page allocation, share/reference counting and the #PF dispatcher (spec C.5,
 * C.6.3, C.7.1): demand-zero, transition (soft), pagefile (hard), prototype PTE resolution
 * (C.5.5), copy-on-write, guard pages and access violations. */
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
void mem_ref_dec(Os *os, uint32_t pfn) {
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
    if (e->prototype) /* C.6.3.3: the prototype PTE becomes Transition */
        os->protos.e[e->pte].pte = ntpte_transition(pfn, ntpte_prot(e->original), 0);
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
    /* C.9: a pagefile copy is stale now (a file page keeps its subsection PTE). */
    if (ntpte_classify_process(e->original) == PPTE_PAGEFILE) {
        mem_release_slot(os, e->original);
        e->original = ntpte_software(ntpte_prot(e->original), 0, 0);
    }
}

/* A standby page leaves its owner: the owner PTE, or prototype PTE, gets OriginalPte back
 * (C.6.3.1). */
static void repurpose(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    if (e->prototype) {
        proto_page_resident(os, pfn, -1);
        os->protos.e[e->pte].pte = e->original;
    } else {
        os_pm_write32(os, e->pte, e->original);
        if (e->frame != PFN_NONE) mem_table_share(os, e->frame, -1);
    }
    os->st.repurposed++;
}

/* Writer work: take pages off the Modified list into the paging file, or, for file pages,
 * into their file (the mapped page writer; OriginalPte stays the subsection PTE). */
uint32_t mem_write_modified(Os *os, uint32_t max) {
    uint32_t n = 0;
    while (n < max && pfn_head(&os->db, PFN_MODIFIED) != PFN_NONE) {
        uint32_t pfn = pfn_head(&os->db, PFN_MODIFIED);
        Pfn *e = pfn_at(&os->db, pfn);
        if (e->prototype && ntpte_classify_proto(e->original) == PROTO_SUBSECTION) {
            if (!seg_write_file_page(os, pfn)) break;
            pfn_unlink(&os->db, pfn);
            e->modified = false;
            pfn_push(&os->db, pfn, PFN_STANDBY, false);
            n++;
            continue;
        }
        uint32_t slot = pagefile_alloc(&os->pf);
        if (!slot) break;
        uint8_t page[4096];
        physmem_read(os->pm, (uint64_t)pfn << 12, page, sizeof page);
        if (!pagefile_store(&os->pf, slot, page)) {
            os->fatal = "out of host memory";
            break;
        }
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
 * insertion first, from the largest working set (ties: the lowest pid), until a page is
 * available. Deterministic; real NT would block the faulting thread instead. */
static bool emergency(Os *os) {
    for (;;) {
        if (pfn_available(&os->db)) return true;
        if (mem_write_modified(os, 1)) continue;
        Process *big = NULL;
        uint32_t victim = 0;
        for (uint32_t i = 0; i < os->nprocs; i++) {
            Process *p = os->procs[i];
            uint32_t k = 0; /* the oldest entry that is not a page of the access in flight */
            while (p->alive && k < p->nws && ws_pinned(os, p, p->ws[k].vpn)) k++;
            if (p->alive && k < p->nws && (!big || p->nws > big->nws)) big = p, victim = k;
        }
        if (!big) return false;
        ws_evict(os, big, victim);
    }
}

uint32_t mem_take_page(Os *os, bool zeroed) {
    static const PfnLocation zero_order[3] = {PFN_ZEROED, PFN_FREE, PFN_STANDBY};
    static const PfnLocation any_order[3] = {PFN_FREE, PFN_ZEROED, PFN_STANDBY};
    if (!pfn_available(&os->db) && !emergency(os)) {
        if (!os->fatal)
            os->fatal = os->pf.used == os->pf.slots
                            ? "simulated physical memory and the paging file are exhausted (raise "
                              "--os.ram or --os.pagefile)"
                            : "simulated physical memory is exhausted: every page holds a page "
                              "table, a page directory or a page of the access in flight (raise --os.ram)";
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
    Vad *vad;         /* the VAD holding va, or NULL */
    uint32_t va, pte_addr, pte;
    uint8_t kind;     /* AccessKind */
    bool store;
} Fault;

/* Access check with guard handling: FAULT_NONE if allowed, FAULT_AV, or FAULT_GUARD after
 * clearing the guard in the PTE (and in a transition page's OriginalPte). */
static FaultClass check_access(Os *os, Fault *f, uint8_t prot) {
    if (!mmprot_allows(prot, f->kind, false)) return FAULT_AV; /* also 0, NOACCESS, DECOMMIT */
    if ((prot & 0x18) != MM_GUARD) return FAULT_NONE;
    uint8_t clear = (uint8_t)(prot & ~MM_GUARD);
    uint32_t pte = f->pte ? ntpte_with_prot(f->pte, clear)
                 : f->vad->view ? ntpte_proto_lookup(clear) : ntpte_software(clear, 0, 0);
    if (ntpte_classify_process(f->pte) == PPTE_TRANSITION) {
        Pfn *e = pfn_at(&os->db, ntpte_pfn(f->pte));
        e->original = ntpte_with_prot(e->original, clear);
    }
    os_write_pte(os, f->p, f->va, f->pte_addr, pte);
    return FAULT_GUARD;
}

/* A private page made valid: PFN fields, page-table share, PTE, working set. */
static FaultClass map_private(Os *os, Fault *f, uint32_t pfn, uint8_t prot, uint32_t original,
                              bool modified, bool dirty, FaultClass cls) {
    Pfn *e = pfn_at(&os->db, pfn);
    e->share = 1;
    e->pte = f->pte_addr;
    e->original = original;
    e->modified = modified;
    e->frame = os_table_pfn(os, f->p, f->va);
    mem_table_share(os, e->frame, +1);
    os_write_pte(os, f->p, f->va, f->pte_addr, ntpte_valid(pfn, prot, true, dirty));
    if (!ws_insert(os, f->p, f->va >> 12, prot, false)) return FAULT_AV;
    ws_enforce_max(os, f->p);
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
    if (!ws_insert(os, f->p, f->va >> 12, prot, false)) return FAULT_AV;
    ws_enforce_max(os, f->p);
    return FAULT_SOFT;
}

static bool load_slot(Os *os, uint32_t slot, uint32_t pfn) {
    uint8_t page[4096];
    pagefile_load(&os->pf, slot, page);
    os->st.pagefile_reads++;
    if (physmem_write(os->pm, (uint64_t)pfn << 12, page, sizeof page)) return true;
    os->fatal = "out of host memory";
    return false;
}

static FaultClass hard(Os *os, Fault *f) {
    uint8_t prot = ntpte_prot(f->pte);
    FaultClass c = check_access(os, f, prot);
    if (c != FAULT_NONE) return c;
    uint32_t pf_pte = f->pte, pfn = mem_take_page(os, false);
    if (pfn == PFN_NONE || !load_slot(os, ntpte_slot(pf_pte), pfn)) return FAULT_AV;
    uint32_t original = pf_pte;
    if (f->store) { /* C.5.4: the copy in the paging file is stale at once */
        mem_release_slot(os, pf_pte);
        original = ntpte_software(prot, 0, 0);
    }
    return map_private(os, f, pfn, prot, original, f->store, f->store, FAULT_HARD);
}

/* C.7.1: a store to a valid copy-on-write page (a prototype page mapped read-only with the COW
 * bit): copy it into a new private page, which is read/write and pagefile-backed from now on. */
static FaultClass cow(Os *os, Fault *f) {
    uint32_t old = ntpte_pfn(f->pte);
    MM_ASSERT(pfn_at(&os->db, old)->prototype);
    /* The page stays mapped (its working-set entry is pinned), so taking a page can neither
     * evict nor repurpose it. */
    uint32_t pfn = mem_take_page(os, false);
    if (pfn == PFN_NONE) return FAULT_AV;
    uint8_t page[4096];
    physmem_read(os->pm, (uint64_t)old << 12, page, sizeof page);
    if (!physmem_write(os->pm, (uint64_t)pfn << 12, page, sizeof page)) {
        os->fatal = "out of host memory";
        return FAULT_AV;
    }
    WsEntry *w = &f->p->ws[ws_find(f->p, f->va >> 12)];
    uint8_t prot = mmprot_without_writecopy(w->prot);
    w->prot = prot;
    w->shared = false;
    Pfn *e = pfn_at(&os->db, pfn);
    e->share = 1;
    e->pte = f->pte_addr;
    e->original = ntpte_software(prot, 0, 0);
    e->modified = true;
    e->frame = os_table_pfn(os, f->p, f->va); /* its share: one prototype mapping out, one page in */
    os_write_pte(os, f->p, f->va, f->pte_addr, ntpte_valid(pfn, prot, true, true));
    uint32_t idx = pfn_at(&os->db, old)->pte;
    mem_share_dec(os, old);
    if (proto_is_clone(os, idx)) clone_unref(os, idx);
    return FAULT_COW;
}

/* C.5.5: resolve the fault through prototype PTE idx; prot is this process's protection. */
static FaultClass proto_fault(Os *os, Fault *f, uint32_t idx, uint8_t prot) {
    uint32_t ppte = os->protos.e[idx].pte;
    ProtoPteKind k = ntpte_classify_proto(ppte);
    if (k == PROTO_UNCOMMITTED) return FAULT_AV; /* SEC_RESERVE page not committed */
    FaultClass c = check_access(os, f, prot);
    if (c != FAULT_NONE) return c;
    bool writecopy = mmprot_is_writecopy(prot), dirty = f->store && !writecopy;
    uint32_t pfn;
    if (k == PROTO_VALID || k == PROTO_TRANSITION) {
        pfn = ntpte_pfn(ppte);
        Pfn *e = pfn_at(&os->db, pfn);
        if (k == PROTO_TRANSITION) { /* soft fault on the prototype */
            pfn_unlink(&os->db, pfn);
            e->ref = 1;
            e->loc = PFN_ACTIVE;
        }
        e->share++;
        c = FAULT_SOFT;
    } else {
        bool zero = k == PROTO_DEMAND_ZERO;
        pfn = mem_take_page(os, zero);
        if (pfn == PFN_NONE) return FAULT_AV;
        Pfn *e = pfn_at(&os->db, pfn);
        e->share = 1;
        e->prototype = true;
        e->pte = idx;
        e->original = ppte;
        e->modified = zero;
        c = zero ? FAULT_DEMAND_ZERO : FAULT_HARD;
        if (k == PROTO_PAGEFILE) {
            if (!load_slot(os, ntpte_slot(ppte), pfn)) return FAULT_AV;
        } else if (k == PROTO_SUBSECTION) {
            const Subsection *s = &os->subs[ntpte_subsection_index(ppte)];
            uint8_t page[4096];
            if (!files_read_page(&os->files, os->cas[s->ca].file, (uint64_t)s->file_page + (idx - s->proto_base), page)) {
                os->fatal = "a read from a mapped file failed";
                return FAULT_AV;
            }
            if (!physmem_write(os->pm, (uint64_t)pfn << 12, page, sizeof page)) {
                os->fatal = "out of host memory";
                return FAULT_AV;
            }
            os->st.file_reads++;
            proto_page_resident(os, pfn, +1);
        }
        if (dirty) mem_capture_dirty(os, pfn, NTPTE_D); /* a store: any backing copy is stale */
    }
    os->protos.e[idx].pte = proto_valid(pfn);
    os->st.total.proto_resolved++;
    f->p->st.proto_resolved++;
    mem_table_share(os, os_table_pfn(os, f->p, f->va), +1);
    os_write_pte(os, f->p, f->va, f->pte_addr, ntpte_valid(pfn, prot, true, dirty));
    if (!ws_insert(os, f->p, f->va >> 12, prot, true)) return FAULT_AV;
    ws_enforce_max(os, f->p);
    if (!f->store || !writecopy) return c;
    f->pte = os_read_pte(os, f->pte_addr);
    return cow(os, f); /* C.5.5: a store through write-copy copies at once, in the same fault */
}

/* A direct prototype pointer: a section page has the prototype's protection; a fork clone has
 * it made write-copy (C.7.2). */
static FaultClass pointer_fault(Os *os, Fault *f, uint32_t idx) {
    uint8_t prot = proto_prot(os, idx);
    if (!proto_is_clone(os, idx)) return proto_fault(os, f, idx, prot);
    prot = mmprot_as_writecopy(prot);
    if ((prot & 0x18) == MM_GUARD && mmprot_allows(prot, f->kind, false)) {
        /* The guard is this process's to clear and the clone is shared: the process first
         * gets its own copy, a private transition page, whose guard the soft fault clears. */
        if (!clone_materialize(os, f->p, f->va, f->pte_addr)) return FAULT_AV;
        f->pte = os_read_pte(os, f->pte_addr);
        return soft(os, f);
    }
    return proto_fault(os, f, idx, prot);
}

static FaultClass dispatch(Os *os, Fault *f) {
    Process *p = f->p;
    if (f->va >= KERNEL_BASE) return FAULT_AV; /* user access to kernel space (C.5 step 1) */
    Vad *v = f->vad = os_find_vad(p, f->va >> 12);
    f->pte_addr = os_pte_addr(os, p, f->va);
    if (!f->pte_addr) { /* C.5 step 2: no page table yet */
        if (!v || !(v->mem_commit || v->view)) return FAULT_AV;
        f->pte_addr = os_ensure_pte(os, p, f->va);
        if (!f->pte_addr) return FAULT_AV;
    }
    f->pte = os_read_pte(os, f->pte_addr);
    switch (ntpte_classify_process(f->pte)) {
    case PPTE_VALID:
        if (f->store && !(f->pte & NTPTE_RW)) return (f->pte & NTPTE_COW) ? cow(os, f) : FAULT_AV;
        return FAULT_SPURIOUS;
    case PPTE_ZERO:
        if (!v) return FAULT_AV;
        if (v->view) return proto_fault(os, f, view_proto(os, v, f->va >> 12), v->prot);
        if (!v->mem_commit) return FAULT_AV;
        return demand_zero(os, f, v->prot);
    case PPTE_PROTO_POINTER:
        if (!ntpte_proto_is_lookup(f->pte)) return pointer_fault(os, f, ntpte_proto_index(f->pte));
        MM_ASSERT(v && v->view);
        return proto_fault(os, f, view_proto(os, v, f->va >> 12), ntpte_prot(f->pte));
    case PPTE_DEMAND_ZERO: return demand_zero(os, f, ntpte_prot(f->pte));
    case PPTE_DECOMMITTED: return FAULT_AV;
    case PPTE_TRANSITION: return soft(os, f);
    case PPTE_PAGEFILE: return hard(os, f);
    }
    MM_ASSERT(0);
}

FaultClass os_page_fault(Os *os, uint32_t cr2, uint32_t error_code) {
    MM_ASSERT(os->cur && !os->fatal);
    Fault f = {.p = os->cur, .va = cr2, .store = (error_code & 2) != 0,
               .kind = (error_code & 0x10) ? 0 : (error_code & 2) ? 2 : 1};
    if (!ws_pinned(os, f.p, cr2 >> 12) && os->npinned < PINNED_MAX) os->pinned[os->npinned++] = cr2 >> 12;
    FaultClass c = dispatch(os, &f);
    if (os->fatal) c = FAULT_AV;
    os->st.total.faults[c]++;
    f.p->st.faults[c]++;
    return c;
}

void os_access_done(Os *os) { os->npinned = 0; }
