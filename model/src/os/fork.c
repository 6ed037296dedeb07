/* fork.c - fork with copy-on-write sharing of private pages through clone prototype PTEs
 * (spec C.7.2), and exec.
 *
 * At fork every private page of the parent that has contents (valid, transition or in the
 * paging file) moves into a clone prototype PTE; the parent's and the child's PTEs both become
 * direct pointers to it. Either process faulting on it gets the page's protection made
 * write-copy, so its first write copies (C.7.1). [decision] A clone counts the process PTEs
 * that refer to it (NT's per-clone reference count) rather than the processes: when the last
 * reference goes, its page is freed; a survivor keeps using the clone (as C.7.2 decides).
 * Demand-zero, decommitted and "lookup needed" PTEs are copied as they are; views are inherited
 * (ViewShare, the trace has no inheritance flag), and their section pages are found through the
 * child's own VAD.
 */
#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"
#include "os_internal.h"

bool os_refers_to_clone(Os *os, uint32_t pte) {
    switch (ntpte_classify_process(pte)) {
    case PPTE_VALID: {
        Pfn *e = pfn_at(&os->db, ntpte_pfn(pte));
        return e->prototype && proto_is_clone(os, e->pte);
    }
    case PPTE_PROTO_POINTER: return !ntpte_proto_is_lookup(pte) && proto_is_clone(os, ntpte_proto_index(pte));
    default: return false;
    }
}

uint32_t clone_of(Os *os, uint32_t pte) {
    return (pte & NTPTE_P) ? pfn_at(&os->db, ntpte_pfn(pte))->pte : ntpte_proto_index(pte);
}

void clone_unref(Os *os, uint32_t idx) {
    Proto *c = &os->protos.e[idx];
    MM_ASSERT(c->owner == PROTO_OWNER_CLONE && c->refs > 0);
    if (--c->refs) return;
    switch (ntpte_classify_proto(c->pte)) {
    case PROTO_TRANSITION: proto_page_free(os, ntpte_pfn(c->pte)); break;
    case PROTO_PAGEFILE: mem_release_slot(os, c->pte); break;
    default: MM_ASSERT(0); /* a valid mapping holds a reference */
    }
    if (!proto_release(&os->protos, idx, 1)) os->fatal = "out of host memory";
}

bool clone_materialize(Os *os, Process *p, uint32_t va, uint32_t a) {
    if (os_read_pte(os, a) & NTPTE_P) ws_evict(os, p, ws_find(p, va >> 12)); /* -> a pointer */
    uint32_t idx = ntpte_proto_index(os_read_pte(os, a));
    uint8_t prot = proto_prot(os, idx);
    uint32_t pfn = mem_take_page(os, false);
    if (pfn == PFN_NONE) return false;
    /* Read the clone now: taking a page may have repurposed it. */
    uint32_t cpte = os->protos.e[idx].pte;
    uint8_t page[4096];
    if (ntpte_classify_proto(cpte) == PROTO_PAGEFILE) {
        pagefile_load(&os->pf, ntpte_slot(cpte), page);
        os->st.pagefile_reads++;
    } else {
        MM_ASSERT(ntpte_classify_proto(cpte) == PROTO_TRANSITION || ntpte_classify_proto(cpte) == PROTO_VALID);
        physmem_read(os->pm, (uint64_t)ntpte_pfn(cpte) << 12, page, sizeof page);
    }
    if (!physmem_write(os->pm, (uint64_t)pfn << 12, page, sizeof page)) {
        os->fatal = "out of host memory";
        return false;
    }
    Pfn *e = pfn_at(&os->db, pfn);
    e->pte = a;
    e->original = ntpte_software(prot, 0, 0);
    e->modified = true;
    e->frame = os_table_pfn(os, p, va);
    mem_table_share(os, e->frame, +1);
    os_write_pte(os, p, va, a, ntpte_transition(pfn, prot, ntpte_valid(pfn, prot, true, false)));
    mem_ref_dec(os, pfn); /* share 0: onto the Modified list */
    clone_unref(os, idx);
    return !os->fatal;
}

/* Does fork move this parent PTE's page into a clone? (private pages with contents) */
static bool needs_clone(Os *os, uint32_t pte) {
    switch (ntpte_classify_process(pte)) {
    case PPTE_VALID: return !pfn_at(&os->db, ntpte_pfn(pte))->prototype;
    case PPTE_TRANSITION:
    case PPTE_PAGEFILE: return true;
    default: return false;
    }
}

/* Move the private page of the parent's PTE at a into clone idx; the parent's PTE becomes a
 * pointer to it. */
static void clone_private(Os *os, Process *p, uint32_t va, uint32_t a, uint32_t idx) {
    uint32_t pte = os_read_pte(os, a);
    Proto *c = &os->protos.e[idx];
    c->refs = 2;
    if (ntpte_classify_process(pte) == PPTE_PAGEFILE) {
        c->pte = pte; /* the slot now belongs to the clone */
        os_write_pte(os, p, va, a, ntpte_proto_pointer(idx, false));
        return;
    }
    uint32_t pfn = ntpte_pfn(pte);
    Pfn *e = pfn_at(&os->db, pfn);
    bool valid = (pte & NTPTE_P) != 0;
    if (valid) {
        ws_remove_vpn(p, va >> 12);
        mem_capture_dirty(os, pfn, pte);
    }
    mem_table_share(os, e->frame, -1);
    e->frame = PFN_NONE;
    e->prototype = true;
    e->pte = idx;
    c->pte = valid ? proto_valid(pfn) : ntpte_transition(pfn, ntpte_prot(e->original), 0);
    os_write_pte(os, p, va, a, ntpte_proto_pointer(idx, false));
    if (valid) mem_share_dec(os, pfn); /* the clone becomes Transition */
}

/* The child's PTE for one parent PTE (0: none), after moving a private page into a clone. */
static uint32_t fork_pte(Os *os, Process *parent, const Vad *v, uint32_t va, uint32_t a, uint32_t *next) {
    uint32_t pte = os_read_pte(os, a);
    if (needs_clone(os, pte)) {
        clone_private(os, parent, va, a, *next);
        return ntpte_proto_pointer((*next)++, false);
    }
    if (os_refers_to_clone(os, pte)) { /* shared since an earlier fork */
        uint32_t idx = clone_of(os, pte);
        os->protos.e[idx].refs++;
        return ntpte_proto_pointer(idx, false);
    }
    if (pte & NTPTE_P) { /* a section page of a view: the child finds it through its own VAD */
        uint8_t prot = parent->ws[ws_find(parent, va >> 12)].prot;
        return prot == v->prot ? 0 : ntpte_proto_lookup(prot);
    }
    return pte; /* zero, demand-zero (guard included), decommitted, section pointers */
}

/* Private pages of p that fork would clone. */
static uint32_t count_clones(Os *os, Process *p) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->nvads; i++)
        for (uint32_t vpn = p->vads[i].start; vpn <= p->vads[i].end; vpn++) {
            uint32_t a = os_pte_addr(os, p, vpn << 12);
            if (!a) vpn |= 0x3FF; /* no page table: skip its 4 MiB */
            else n += needs_clone(os, os_read_pte(os, a));
        }
    return n;
}

const char *os_fork(Os *os, uint32_t parent, uint32_t child) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, parent);
    if (!p) return os_fail(os, "unknown process %u", parent);
    if (os_find(os, child)) return os_fail(os, "process %u already exists", child);
    uint32_t n = count_clones(os, p), base = 0;
    if (n && (base = proto_alloc(&os->protos, n, PROTO_OWNER_CLONE)) == PROTO_NONE)
        return os_fail(os, "fork: no room for %u more prototype PTEs", n);
    Vad *vads = p->nvads ? malloc(p->nvads * sizeof *vads) : NULL;
    const char *e = p->nvads && !vads ? (os->fatal = "out of host memory") : os_proc_create(os, child);
    if (e) {
        free(vads);
        if (n) proto_release(&os->protos, base, n);
        return e;
    }
    Process *c = os_find(os, child);
    if (p->nvads) memcpy(vads, p->vads, p->nvads * sizeof *vads);
    free(c->vads); /* the pid's earlier process, if it had one */
    c->vads = vads;
    c->nvads = c->capvads = p->nvads;
    for (uint32_t i = 0; i < p->nvads; i++)
        if (p->vads[i].view) os->cas[p->vads[i].ca].views++;
    /* Creating the child's page tables can take pages from working sets, even the parent's:
     * every PTE is read just before it is copied, so each page is cloned in its current state
     * (still exactly n of them: eviction and repurposing keep a private page private). */
    uint32_t next = base;
    for (uint32_t i = 0; i < p->nvads && !os->fatal; i++) {
        const Vad *v = &p->vads[i];
        for (uint32_t vpn = v->start; vpn <= v->end && !os->fatal; vpn++) {
            uint32_t va = vpn << 12, a = os_pte_addr(os, p, va);
            if (!a) {
                vpn |= 0x3FF;
                continue;
            }
            uint32_t cpte = fork_pte(os, p, v, va, a, &next);
            if (!cpte) continue;
            uint32_t ca = os_ensure_pte(os, c, va);
            if (!ca) return os->fatal ? os->fatal : (os->fatal = "no physical page for a page table");
            os_write_pte(os, c, va, ca, cpte);
        }
    }
    MM_ASSERT(os->fatal || next == base + n);
    return os->fatal;
}
