/* check.c - the invariant checker (spec C.11.1). Rebuilds, from the page tables, the paging
 * file and the working sets, every count the PFN database claims, and reports the first
 * difference in words. Items 4 and 11 concern prototype pages and the TLB: 4 arrives with
 * sections, 11 is checked by running traces under several TLB modes (testbench). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"

typedef struct {
    uint32_t valid_maps;    /* valid user PTEs mapping the page */
    uint32_t table_children;/* private PFNs whose PteFrame is this page */
    bool slot_seen;
} Tally;

typedef struct {
    Os *os;
    Tally *t;               /* per managed PFN */
    uint8_t *slot_refs;     /* per pagefile slot: references seen */
    const char *bad;
} Check;

static bool fail(Check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(Check *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->os->report, sizeof c->os->report, fmt, ap);
    va_end(ap);
    c->bad = c->os->report;
    return false;
}

static bool note_slot(Check *c, uint32_t soft, const char *what, uint32_t where) {
    if ((soft & (NTPTE_P | NTPTE_PROTOTYPE | NTPTE_TRANSITION)) || !ntpte_slot(soft)) return true;
    uint32_t s = ntpte_slot(soft);
    if (!pagefile_in_use(&c->os->pf, s))
        return fail(c, "invariant 8: %s %08x refers to pagefile slot %u, which is free", what, where, s);
    if (c->slot_refs[s - 1]++)
        return fail(c, "invariant 8: pagefile slot %u is referenced twice (again by %s %08x)", s, what, where);
    return true;
}

static bool check_lists(Check *c) {
    PfnDb *db = &c->os->db;
    uint64_t listed = 0;
    for (uint32_t l = 0; l < PFN_LISTS; l++) {
        uint32_t n = 0, prev = PFN_NONE;
        for (uint32_t pfn = db->list[l].head; pfn != PFN_NONE; pfn = pfn_at(db, pfn)->next) {
            Pfn *e = pfn_at(db, pfn);
            if (e->loc != l || e->ref != 0 || e->prev != prev)
                return fail(c, "invariant 1: PFN %x on the %s list has location %s, RefCount %u",
                            pfn, pfn_location_name((PfnLocation)l), pfn_location_name((PfnLocation)e->loc), e->ref);
            if (++n > db->count) return fail(c, "invariant 1: the %s list has a cycle", pfn_location_name((PfnLocation)l));
            prev = pfn;
        }
        if (n != db->list[l].count)
            return fail(c, "invariant 1: the %s list holds %u pages but counts %u",
                        pfn_location_name((PfnLocation)l), n, db->list[l].count);
        listed += n;
    }
    uint64_t active = 0;
    for (uint32_t i = 0; i < db->count; i++) {
        Pfn *e = &db->e[i];
        uint32_t pfn = db->first + i;
        if (e->ref == 0 && e->loc >= PFN_LISTS) return fail(c, "invariant 1: PFN %x has RefCount 0 but is on no list", pfn);
        if (e->ref == 0) continue;
        if (e->loc != PFN_ACTIVE) return fail(c, "invariant 1: PFN %x has RefCount %u but location %s", pfn, e->ref, pfn_location_name((PfnLocation)e->loc));
        if (e->share == 0) return fail(c, "invariant 2: active PFN %x has ShareCount 0", pfn);
        active++;
    }
    if (listed + active != db->count)
        return fail(c, "invariant 12: %llu listed + %llu active pages != %u pages",
                    (unsigned long long)listed, (unsigned long long)active, db->count);
    return true;
}

static bool check_pte(Check *c, Process *p, uint32_t va, uint32_t a, uint32_t pte) {
    PfnDb *db = &c->os->db;
    switch (ntpte_classify_process(pte)) {
    case PPTE_VALID: {
        uint32_t pfn = ntpte_pfn(pte);
        if (!pfn_managed(db, pfn)) return fail(c, "process %u page %08x maps unmanaged frame %x", p->pid, va, pfn);
        Pfn *e = pfn_at(db, pfn);
        if (e->loc != PFN_ACTIVE) return fail(c, "invariant 3: process %u page %08x maps PFN %x, which is %s", p->pid, va, pfn, pfn_location_name((PfnLocation)e->loc));
        if (!e->prototype && e->pte != a) return fail(c, "invariant 3: PFN %x is mapped by the PTE at %08x but owned by %08x", pfn, a, e->pte);
        if ((pte & NTPTE_COW) && (pte & NTPTE_RW)) return fail(c, "invariant 10: process %u page %08x is COW and writable", p->pid, va);
        if (!mmprot_mappable(ntpte_prot(e->original))) return fail(c, "invariant 10: process %u page %08x is valid with protection %u", p->pid, va, ntpte_prot(e->original));
        c->t[pfn - db->first].valid_maps++;
        uint32_t i = 0;
        while (i < p->nws && p->ws[i].vpn != va >> 12) i++;
        if (i == p->nws) return fail(c, "invariant 9: process %u page %08x is valid but not in its working set", p->pid, va);
        return true;
    }
    case PPTE_TRANSITION: {
        uint32_t pfn = ntpte_pfn(pte);
        Pfn *e = pfn_managed(db, pfn) ? pfn_at(db, pfn) : NULL;
        if (!e || e->pte != a || (e->loc != PFN_STANDBY && e->loc != PFN_MODIFIED))
            return fail(c, "invariant 5: process %u page %08x is Transition(%x) but that PFN is %s, owned by %08x",
                        p->pid, va, pfn, e ? pfn_location_name((PfnLocation)e->loc) : "unmanaged", e ? e->pte : 0);
        return true;
    }
    case PPTE_PAGEFILE: return note_slot(c, pte, "PTE at", a);
    default: return true;
    }
}

static bool check_process(Check *c, Process *p) {
    PfnDb *db = &c->os->db;
    for (uint32_t t = 0; t < USER_PDES; t++) {
        uint32_t pde = os_read_pte(c->os, (p->pd_pfn << 12) + t * 4), used = 0;
        if (!(pde & NTPTE_P)) {
            if (p->used_ptes[t]) return fail(c, "process %u: page table %u is absent but counts %u PTEs", p->pid, t, p->used_ptes[t]);
            continue;
        }
        uint32_t tpfn = ntpte_pfn(pde);
        if (!pfn_managed(db, tpfn) || !pfn_at(db, tpfn)->pagetable) return fail(c, "process %u: PDE %u does not point to a page-table page", p->pid, t);
        for (uint32_t i = 0; i < 1024; i++) {
            uint32_t a = (tpfn << 12) + i * 4, pte = os_read_pte(c->os, a);
            used += pte != 0;
            if (pte && !check_pte(c, p, (t << 22) | (i << 12), a, pte)) return false;
        }
        if (used != p->used_ptes[t]) return fail(c, "process %u: page table %u has %u PTEs in use but counts %u", p->pid, t, used, p->used_ptes[t]);
    }
    for (uint32_t i = 0; i < p->nws; i++) {
        uint32_t a = os_pte_addr(c->os, p, p->ws[i].vpn << 12);
        if (!a || !(os_read_pte(c->os, a) & NTPTE_P))
            return fail(c, "invariant 9: process %u working-set page %08x is not valid", p->pid, p->ws[i].vpn << 12);
        for (uint32_t j = 0; j < i; j++)
            if (p->ws[j].vpn == p->ws[i].vpn) return fail(c, "invariant 9: process %u lists page %08x twice", p->pid, p->ws[i].vpn << 12);
    }
    return true;
}

static bool check_pfns(Check *c) {
    PfnDb *db = &c->os->db;
    for (uint32_t i = 0; i < db->count; i++) {
        Pfn *e = &db->e[i];
        if (e->loc == PFN_FREE || e->loc == PFN_ZEROED) continue;
        if (e->frame != PFN_NONE && e->frame != db->first + i) c->t[e->frame - db->first].table_children++;
    }
    for (uint32_t i = 0; i < db->count; i++) {
        Pfn *e = &db->e[i];
        uint32_t pfn = db->first + i;
        if (e->loc == PFN_FREE || e->loc == PFN_ZEROED) continue;
        if (e->pagetable) {
            uint32_t want = 1 + c->t[i].table_children;
            if (e->share != want) return fail(c, "invariant 6: page table PFN %x has ShareCount %u, expected %u", pfn, e->share, want);
            continue;
        }
        if (e->loc == PFN_ACTIVE && !e->prototype && (e->share != 1 || c->t[i].valid_maps != 1))
            return fail(c, "invariant 3: private PFN %x has ShareCount %u and %u valid PTEs", pfn, e->share, c->t[i].valid_maps);
        if (e->loc != PFN_ACTIVE && c->t[i].valid_maps) return fail(c, "invariant 3: PFN %x is %s but a valid PTE maps it", pfn, pfn_location_name((PfnLocation)e->loc));
        bool has_slot = ntpte_classify_process(e->original) == PPTE_PAGEFILE;
        if (e->modified && has_slot) return fail(c, "invariant 7: PFN %x is modified but keeps pagefile slot %u", pfn, ntpte_slot(e->original));
        if (!e->modified && !has_slot) return fail(c, "invariant 7: PFN %x is clean but has no backing copy", pfn);
        if (!note_slot(c, e->original, "OriginalPte of PFN", pfn)) return false;
    }
    return true;
}

const char *os_check(Os *os) {
    Check c = {.os = os};
    c.t = calloc(os->db.count, sizeof *c.t);
    c.slot_refs = calloc(os->pf.slots + 1, 1);
    if (!c.t || !c.slot_refs) {
        free(c.t);
        free(c.slot_refs);
        return "invariant checker: out of host memory";
    }
    bool ok = check_lists(&c);
    for (uint32_t i = 0; ok && i < os->nprocs; i++)
        if (os->procs[i]->alive) ok = check_process(&c, os->procs[i]);
    if (ok) ok = check_pfns(&c);
    if (ok) {
        uint32_t refs = 0;
        for (uint32_t s = 0; s < os->pf.slots; s++) refs += c.slot_refs[s] != 0;
        if (refs != os->pf.used)
            ok = fail(&c, "invariant 8: %u pagefile slots are in use but %u are referenced", os->pf.used, refs);
    }
    free(c.t);
    free(c.slot_refs);
    return ok ? NULL : c.bad;
}
