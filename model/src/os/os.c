/* os.c - processes, page tables, and the virtual-memory events (spec C.2, C.10). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"
#include "os_internal.h"

OsConfig os_config_default(void) {
    return (OsConfig){.ram_pages = 4096, .pagefile_pages = 16384, .ws_min = 50, .ws_max = 345,
                      .avail_min = 32, .trim_plenty = 512, .writer_threshold = 64,
                      .writer_batch = 16};
}

const char *os_config_check(const OsConfig *c) {
    if (c->ram_pages < 16) return "ram must be at least 16 pages";
    if (c->ram_pages > (UINT32_C(1) << 20) - OS_FIRST_PFN) return "ram must be below 4 GiB";
    if (c->pagefile_pages > NTPTE_SLOT_MAX) return "pagefile must have at most 1048575 slots";
    if (c->ws_min > c->ws_max) return "ws.min must not exceed ws.max";
    if (c->writer_batch == 0) return "writer.batch must be at least 1";
    return NULL;
}

const char *os_fail(Os *os, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(os->msg, sizeof os->msg, fmt, ap);
    va_end(ap);
    return os->msg;
}

void os_pm_write32(Os *os, uint64_t addr, uint32_t v) {
    if (!physmem_write32(os->pm, addr, v) && !os->fatal) os->fatal = "out of host memory";
}

static uint64_t frame_addr(uint32_t pfn) { return (uint64_t)pfn << 12; }

Os *os_new(const OsConfig *cfg, Physmem *pm, Mmu *mmu) {
    if (os_config_check(cfg)) return NULL;
    Os *os = calloc(1, sizeof *os);
    if (!os) return NULL;
    os->cfg = *cfg;
    os->pm = pm;
    os->mmu = mmu;
    proto_init(&os->protos);
    files_init(&os->files, cfg->files_dir);
    if (!pfn_init(&os->db, OS_FIRST_PFN, cfg->ram_pages) ||
        !pagefile_init(&os->pf, cfg->pagefile_pages)) {
        os_free(os);
        return NULL;
    }
    /* The kernel page table: KERNEL_PAGES supervisor pages, global (PGE is turned on). */
    for (uint32_t i = 0; i < KERNEL_PAGES; i++)
        os_pm_write32(os, frame_addr(KERNEL_PT_PFN) + 4 * i,
                      ((2 + i) << 12) | NTPTE_P | NTPTE_RW | PTE_G);
    if (os->fatal) {
        os_free(os);
        return NULL;
    }
    return os;
}

static void process_free(Process *p) {
    if (!p) return;
    free(p->vads);
    free(p->ws);
    free(p);
}

void os_free(Os *os) {
    if (!os) return;
    for (uint32_t i = 0; i < os->nprocs; i++) process_free(os->procs[i]);
    free(os->procs);
    for (uint32_t i = 0; i < os->ncas; i++) free(os->cas[i].subs);
    free(os->cas);
    free(os->subs);
    free(os->secs);
    proto_fini(&os->protos);
    files_fini(&os->files);
    pfn_fini(&os->db);
    pagefile_fini(&os->pf);
    free(os);
}

const char *os_fatal(const Os *os) { return os->fatal; }

uint32_t os_current(const Os *os) { return os->cur ? os->cur->pid : 0; }

/* os->procs is sorted by pid: the index of pid's entry, or where it would go. */
static uint32_t proc_slot(const Os *os, uint32_t pid) {
    uint32_t lo = 0, hi = os->nprocs;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (os->procs[mid]->pid < pid) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

Process *os_find(Os *os, uint32_t pid) {
    uint32_t i = proc_slot(os, pid);
    return i < os->nprocs && os->procs[i]->pid == pid && os->procs[i]->alive ? os->procs[i] : NULL;
}

/* ---- PTE access ---------------------------------------------------------------------- */

uint32_t os_read_pte(Os *os, uint32_t addr) { return physmem_read32(os->pm, addr); }

static uint32_t pde_addr(const Process *p, uint32_t va) {
    return (uint32_t)frame_addr(p->pd_pfn) + (va >> 22) * 4;
}

uint32_t os_table_pfn(Os *os, const Process *p, uint32_t va) {
    return ntpte_pfn(os_read_pte(os, pde_addr(p, va)));
}

uint32_t os_pte_addr(Os *os, const Process *p, uint32_t va) {
    uint32_t pde = os_read_pte(os, pde_addr(p, va));
    if (!(pde & NTPTE_P)) return 0;
    return (pde & NTPTE_FRAME_MASK) + ((va >> 12) & 0x3FF) * 4;
}

uint32_t os_ensure_pte(Os *os, Process *p, uint32_t va) {
    uint32_t a = os_pte_addr(os, p, va);
    if (a) return a;
    uint32_t pfn = mem_take_page(os, true);
    if (pfn == PFN_NONE) return 0;
    Pfn *e = pfn_at(&os->db, pfn);
    e->pagetable = true;
    e->share = 1;
    e->pte = pde_addr(p, va);
    e->frame = p->pd_pfn;
    e->original = ntpte_software(MM_READWRITE, 0, 0);
    mem_table_share(os, p->pd_pfn, +1);
    os_pm_write32(os, pde_addr(p, va), (pfn << 12) | NTPTE_P | NTPTE_RW | NTPTE_US);
    return os_pte_addr(os, p, va);
}

void os_write_pte(Os *os, Process *p, uint32_t va, uint32_t addr, uint32_t value) {
    uint32_t old = os_read_pte(os, addr);
    uint16_t *used = &p->used_ptes[va >> 22];
    if (!old && value) ++*used;
    if (old && !value) --*used;
    os_pm_write32(os, addr, value);
    if ((old & NTPTE_P) && p == os->cur) mmu_invlpg(os->mmu, va);
}

/* ---- processes --------------------------------------------------------------------------- */

/* An exited process with this pid: a new process with the pid takes its place, and its
 * statistics go on from there (statistics are per pid). */
static Process *find_exited(Os *os, uint32_t pid) {
    uint32_t i = proc_slot(os, pid);
    return i < os->nprocs && os->procs[i]->pid == pid && !os->procs[i]->alive ? os->procs[i] : NULL;
}

const char *os_proc_create(Os *os, uint32_t pid) {
    if (os->fatal) return os->fatal;
    if (os_find(os, pid)) return os_fail(os, "process %u already exists", pid);
    Process *p = find_exited(os, pid);
    if (!p) {
        Process **grown = grow_array(os->procs, os->nprocs, &os->capprocs, sizeof *grown, 8);
        if (!grown) return os->fatal = "out of host memory";
        os->procs = grown;
    }
    bool reuse = p != NULL;
    if (!p && !(p = calloc(1, sizeof *p))) return os->fatal = "out of host memory";
    uint32_t pd = mem_take_page(os, true);
    if (pd == PFN_NONE) {
        if (!reuse) free(p);
        return os->fatal ? os->fatal : os_fail(os, "no physical page for the page directory");
    }
    OsFaultStats st = p->st;
    Vad *vads = p->vads;
    uint32_t capvads = p->capvads;
    *p = (Process){.pid = pid, .alive = true, .pd_pfn = pd, .st = st, .vads = vads, .capvads = capvads};
    Pfn *e = pfn_at(&os->db, pd);
    e->pagetable = true;
    e->share = 1; /* the self-map PDE */
    e->pte = (uint32_t)frame_addr(pd) + SELFMAP_PDE * 4;
    e->frame = pd;
    os_pm_write32(os, frame_addr(pd) + (KERNEL_BASE >> 22) * 4,
                  (KERNEL_PT_PFN << 12) | NTPTE_P | NTPTE_RW);
    os_pm_write32(os, frame_addr(pd) + SELFMAP_PDE * 4, (pd << 12) | NTPTE_P | NTPTE_RW);
    if (!reuse) {
        uint32_t i = proc_slot(os, pid);
        memmove(&os->procs[i + 1], &os->procs[i], (os->nprocs - i) * sizeof *os->procs);
        os->procs[i] = p;
        os->nprocs++;
    }
    return os->fatal;
}

const char *os_switch(Os *os, uint32_t pid) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    os->cur = p;
    int rc = mmu_write_cr3(os->mmu, (uint32_t)frame_addr(p->pd_pfn));
    if (rc == MMU_OK && !os->paging_on) {
        rc = mmu_write_cr4(os->mmu, mmu_regs(os->mmu)->cr4 | CR4_PSE | CR4_PGE);
        if (rc == MMU_OK) rc = mmu_write_cr0(os->mmu, mmu_regs(os->mmu)->cr0 | CR0_PE | CR0_PG);
        os->paging_on = rc == MMU_OK;
    }
    MM_ASSERT(rc == MMU_OK);
    return NULL;
}

/* ---- VADs ---------------------------------------------------------------------------------- */

Vad *os_find_vad(Process *p, uint32_t vpn) {
    uint32_t lo = 0, hi = p->nvads;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (p->vads[mid].end < vpn) lo = mid + 1;
        else hi = mid;
    }
    return lo < p->nvads && p->vads[lo].start <= vpn ? &p->vads[lo] : NULL;
}

const char *os_check_range(Os *os, uint32_t base, uint32_t len, uint32_t align) {
    if (len == 0) return os_fail(os, "length must not be zero");
    if (base % align) return os_fail(os, "base %08x is not %s-aligned", base, align == GRANULARITY ? "64 KiB" : "page");
    if (len % 0x1000) return os_fail(os, "length %x is not a whole number of pages", len);
    if (base < USER_LOW || (uint64_t)base + len > USER_HIGH)
        return os_fail(os, "range %08x+%x is outside user space (00010000-7ffeffff)", base, len);
    return NULL;
}

const char *os_add_vad(Os *os, Process *p, Vad v) {
    uint32_t i = 0;
    while (i < p->nvads && p->vads[i].start < v.start) i++;
    if ((i > 0 && p->vads[i - 1].end >= v.start) || (i < p->nvads && p->vads[i].start <= v.end))
        return os_fail(os, "range %08x-%08x overlaps an existing allocation", v.start << 12,
                       (v.end << 12) | 0xFFF);
    Vad *grown = grow_array(p->vads, p->nvads, &p->capvads, sizeof *grown, 8);
    if (!grown) return os->fatal = "out of host memory";
    p->vads = grown;
    memmove(&p->vads[i + 1], &p->vads[i], (p->nvads - i) * sizeof *p->vads);
    p->vads[i] = v;
    p->nvads++;
    return NULL;
}

static const char *private_prot_check(Os *os, uint8_t prot) {
    if (mmprot_is_writecopy(prot))
        return os_fail(os, "write-copy protection is only for mapped views");
    return NULL;
}

static const char *reserve_common(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot,
                                  bool commit) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    const char *e = os_check_range(os, base, len, GRANULARITY);
    if (!e) e = private_prot_check(os, prot);
    if (e) return e;
    return os_add_vad(os, p, (Vad){.start = base >> 12, .end = (base + len - 1) >> 12, .prot = prot,
                                .mem_commit = commit});
}

const char *os_reserve(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot) {
    return reserve_common(os, pid, base, len, prot, false);
}

const char *os_alloc(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot) {
    return reserve_common(os, pid, base, len, prot, true);
}

/* The VAD (private or view) that holds the whole page range, or an error. */
static const char *vad_range(Os *os, uint32_t pid, uint32_t base, uint32_t len, Process **pp,
                             Vad **vp) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    const char *e = os_check_range(os, base, len, 0x1000);
    if (e) return e;
    Vad *v = os_find_vad(p, base >> 12);
    if (!v || v->end < (base + len - 1) >> 12)
        return os_fail(os, "range %08x+%x is not inside one allocation of process %u", base, len, pid);
    *pp = p, *vp = v;
    return NULL;
}

/* vad_range, and a protection the VAD's memory may have (write-copy only in views). */
static const char *vad_range_prot(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot,
                                  Process **pp, Vad **vp) {
    const char *e = vad_range(os, pid, base, len, pp, vp);
    return e ? e : (*vp)->view ? NULL : private_prot_check(os, prot);
}

/* vad_range for events that only private memory takes. */
static const char *private_range(Os *os, uint32_t pid, uint32_t base, uint32_t len, const char *what,
                                 Process **pp, Vad **vp) {
    const char *e = vad_range(os, pid, base, len, pp, vp);
    if (!e && (*vp)->view) return os_fail(os, "%s is not allowed in a mapped view (%08x+%x)", what, base, len);
    return e;
}

/* Does a Zero PTE at this page mean "committed"? Only in a VAD committed at reserve time. */
static bool zero_is_committed(const Vad *v) { return v->mem_commit; }

const char *os_commit(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot) {
    Process *p;
    Vad *v;
    const char *e = vad_range_prot(os, pid, base, len, prot, &p, &v);
    if (e) return e;
    if (v->view) return os_commit_view(os, v, base, len);
    for (uint32_t va = base; va - base < len; va += 0x1000) {
        uint32_t a = os_ensure_pte(os, p, va);
        if (!a) return os->fatal ? os->fatal : os_fail(os, "no physical page for a page table");
        uint32_t pte = os_read_pte(os, a);
        switch (ntpte_classify_process(pte)) {
        case PPTE_ZERO:
        case PPTE_DECOMMITTED: os_write_pte(os, p, va, a, ntpte_software(prot, 0, 0)); break;
        default: break; /* committed already: the new protection applies below */
        }
    }
    return os_protect(os, pid, base, len, prot);
}

void os_drop_pte(Os *os, Process *p, uint32_t va, uint32_t a, uint32_t to) {
    uint32_t pte = os_read_pte(os, a);
    switch (ntpte_classify_process(pte)) {
    case PPTE_VALID: {
        uint32_t pfn = ntpte_pfn(pte);
        Pfn *e = pfn_at(&os->db, pfn);
        ws_remove_vpn(p, va >> 12);
        os_write_pte(os, p, va, a, to);
        if (!e->prototype) {
            mem_delete_private(os, pfn);
            return;
        }
        uint32_t idx = e->pte;
        mem_capture_dirty(os, pfn, pte);
        mem_table_share(os, os_table_pfn(os, p, va), -1);
        mem_share_dec(os, pfn);
        if (proto_is_clone(os, idx)) clone_unref(os, idx);
        return;
    }
    case PPTE_TRANSITION:
        os_write_pte(os, p, va, a, to);
        mem_delete_private(os, ntpte_pfn(pte));
        return;
    case PPTE_PAGEFILE: mem_release_slot(os, pte); break;
    case PPTE_PROTO_POINTER:
        if (!ntpte_proto_is_lookup(pte) && proto_is_clone(os, ntpte_proto_index(pte))) {
            os_write_pte(os, p, va, a, to);
            clone_unref(os, ntpte_proto_index(pte));
            return;
        }
        break;
    default: break;
    }
    if (pte != to) os_write_pte(os, p, va, a, to);
}

const char *os_decommit(Os *os, uint32_t pid, uint32_t base, uint32_t len) {
    Process *p;
    Vad *v;
    const char *e = private_range(os, pid, base, len, "decommit", &p, &v);
    if (e) return e;
    for (uint32_t va = base; va - base < len; va += 0x1000) {
        uint32_t a = os_pte_addr(os, p, va);
        if (!a && zero_is_committed(v)) a = os_ensure_pte(os, p, va);
        if (!a) {
            if (os->fatal) return os->fatal;
            continue; /* no page table: every PTE is Zero, and Zero is not committed here */
        }
        uint32_t pte = os_read_pte(os, a);
        if (pte == 0 && !zero_is_committed(v)) continue;
        os_drop_pte(os, p, va, a, ntpte_software(MM_DECOMMIT, 0, 0));
    }
    return os->fatal;
}

/* Free va's page table if no PTE in it is in use (MEM_RELEASE, exit). */
static void free_table_if_empty(Os *os, Process *p, uint32_t va) {
    uint32_t pdea = pde_addr(p, va), pde = os_read_pte(os, pdea);
    if (!(pde & NTPTE_P) || p->used_ptes[va >> 22]) return;
    uint32_t pfn = ntpte_pfn(pde);
    Pfn *e = pfn_at(&os->db, pfn);
    MM_ASSERT(e->share == 1);
    os_pm_write32(os, pdea, 0);
    if (p == os->cur) mmu_invlpg(os->mmu, va); /* the PDE was present (A.8.3 clears the PDE cache) */
    e->deleted = true;
    mem_table_share(os, p->pd_pfn, -1);
    mem_share_dec(os, pfn);
}

void os_release_pages(Os *os, Process *p, uint32_t start_vpn, uint32_t end_vpn) {
    for (uint32_t vpn = start_vpn; vpn <= end_vpn; vpn++) {
        uint32_t va = vpn << 12, a = os_pte_addr(os, p, va);
        if (!a) {
            vpn |= 0x3FF; /* no page table: skip the rest of its 4 MiB */
            continue;
        }
        os_drop_pte(os, p, va, a, 0);
        if ((vpn & 0x3FF) == 0x3FF || vpn == end_vpn) free_table_if_empty(os, p, va);
    }
}

const char *os_release(Os *os, uint32_t pid, uint32_t base, uint32_t len) {
    Process *p;
    Vad *v;
    const char *e = private_range(os, pid, base, len, "free (use unmap)", &p, &v);
    if (e) return e;
    if (v->start != base >> 12 || v->end != (base + len - 1) >> 12)
        return os_fail(os, "free must release a whole allocation (%08x+%x)", v->start << 12,
                       (v->end - v->start + 1) << 12);
    os_remove_vad(os, p, (uint32_t)(v - p->vads));
    return os->fatal;
}

/* protect's precondition: is the page at va committed? */
static bool page_committed(Os *os, const Vad *v, uint32_t va, uint32_t pte) {
    switch (ntpte_classify_process(pte)) {
    case PPTE_DECOMMITTED: return false;
    case PPTE_ZERO:
    case PPTE_PROTO_POINTER:
        if (!v->view) return pte != 0 || zero_is_committed(v); /* private: a fork clone pointer */
        if (pte && !ntpte_proto_is_lookup(pte)) return true;
        /* a view page is committed when its section page is */
        return ntpte_classify_proto(os->protos.e[view_proto(os, v, va >> 12)].pte) != PROTO_UNCOMMITTED;
    default: return true;
    }
}

/* A private page takes protection prot: in its PTE and in its OriginalPte. A private page in a
 * view is a copy made by a write, so a write-copy protection means read/write for it. */
static void protect_private(Os *os, Process *p, uint32_t va, uint32_t a, uint32_t pte, uint8_t prot) {
    prot = mmprot_without_writecopy(prot);
    switch (ntpte_classify_process(pte)) {
    case PPTE_VALID: {
        uint32_t pfn = ntpte_pfn(pte);
        Pfn *f = pfn_at(&os->db, pfn);
        mem_capture_dirty(os, pfn, pte);
        f->original = ntpte_with_prot(f->original, prot);
        if (mmprot_mappable(prot)) {
            os_write_pte(os, p, va, a, ntpte_valid(pfn, prot, true, (pte & NTPTE_D) != 0) | (pte & NTPTE_A));
            return;
        }
        /* No access, or a guard armed on a valid page: [decision] take the page out of the
         * working set first (it becomes Transition), then set the protection. */
        ws_evict(os, p, ws_find(p, va >> 12));
        os_write_pte(os, p, va, a, ntpte_with_prot(os_read_pte(os, a), prot));
        return;
    }
    case PPTE_TRANSITION: { /* the page keeps its protection in OriginalPte too */
        Pfn *f = pfn_at(&os->db, ntpte_pfn(pte));
        f->original = ntpte_with_prot(f->original, prot);
        os_write_pte(os, p, va, a, ntpte_with_prot(pte, prot));
        return;
    }
    case PPTE_DEMAND_ZERO:
    case PPTE_PAGEFILE: os_write_pte(os, p, va, a, ntpte_with_prot(pte, prot)); return;
    default: MM_ASSERT(0);
    }
}

const char *os_protect(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot) {
    Process *p;
    Vad *v;
    const char *e = vad_range_prot(os, pid, base, len, prot, &p, &v);
    if (e) return e;
    /* NT refuses the whole call if any page is not committed. */
    for (uint32_t va = base; va - base < len; va += 0x1000) {
        uint32_t a = os_pte_addr(os, p, va), pte = a ? os_read_pte(os, a) : 0;
        if (!page_committed(os, v, va, pte)) return os_fail(os, "page %08x is not committed", va);
    }
    for (uint32_t va = base; va - base < len; va += 0x1000) {
        uint32_t a = os_ensure_pte(os, p, va);
        if (!a) return os->fatal ? os->fatal : os_fail(os, "no physical page for a page table");
        uint32_t pte = os_read_pte(os, a);
        /* A page still shared with a fork relative first gets a copy of its own: a protection
         * is per process, and the clone's is shared. */
        if (os_refers_to_clone(os, pte)) {
            if (proto_prot(os, clone_of(os, pte)) == prot) continue; /* unchanged: keep sharing */
            if (!clone_materialize(os, p, va, a)) return os->fatal;
            pte = os_read_pte(os, a);
        }
        switch (ntpte_classify_process(pte)) {
        case PPTE_VALID:
            if (pfn_at(&os->db, ntpte_pfn(pte))->prototype) { /* a section page in a view */
                uint32_t i = ws_find(p, va >> 12);
                mem_capture_dirty(os, ntpte_pfn(pte), pte);
                p->ws[i].prot = prot;
                if (!mmprot_mappable(prot)) ws_evict(os, p, i); /* leaves a pointer with prot */
                else os_write_pte(os, p, va, a, ntpte_valid(ntpte_pfn(pte), prot, true, (pte & NTPTE_D) != 0) | (pte & NTPTE_A));
            } else {
                protect_private(os, p, va, a, pte, prot);
            }
            break;
        case PPTE_ZERO:
            os_write_pte(os, p, va, a, v->view ? ntpte_proto_lookup(prot) : ntpte_software(prot, 0, 0));
            break;
        case PPTE_PROTO_POINTER: os_write_pte(os, p, va, a, ntpte_proto_lookup(prot)); break;
        default: protect_private(os, p, va, a, pte, prot); break;
        }
    }
    return os->fatal; /* every page in the range now has an explicit PTE: v->prot no longer applies */
}

/* Unmap every view, release all private memory and the page tables (exit, exec). */
static void release_address_space(Os *os, Process *p) {
    while (p->nvads) os_remove_vad(os, p, p->nvads - 1);
    for (uint32_t t = 0; t < USER_PDES; t++) free_table_if_empty(os, p, t << 22);
}

const char *os_exec(Os *os, uint32_t pid) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    release_address_space(os, p);
    return os->fatal;
}

const char *os_exit(Os *os, uint32_t pid) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    release_address_space(os, p);
    if (os->cur == p) os->cur = NULL; /* the CPU keeps the old CR3 until the next switch */
    Pfn *e = pfn_at(&os->db, p->pd_pfn);
    MM_ASSERT(e->share == 1);
    e->deleted = true;
    mem_share_dec(os, p->pd_pfn);
    p->alive = false;
    free(p->ws);
    p->ws = NULL;
    p->nws = p->capws = 0;
    return os->fatal;
}

bool os_process_stats(const Os *os, uint32_t i, uint32_t *pid, OsFaultStats *st) {
    if (i >= os->nprocs) return false;
    *pid = os->procs[i]->pid;
    *st = os->procs[i]->st;
    return true;
}

const OsStats *os_stats(Os *os) {
    for (int i = 0; i < 4; i++) os->st.list[i] = os->db.list[i].count;
    os->st.active = os->db.count - os->st.list[0] - os->st.list[1] - os->st.list[2] - os->st.list[3];
    os->st.pagefile_used = os->pf.used;
    os->st.protos_used = os->protos.used;
    return &os->st;
}
