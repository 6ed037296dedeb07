/* check.c - the invariant checker (spec C.11.1). Rebuilds, from the page tables, the
 * prototype PTEs, the paging file and the working sets, every count the PFN database, the
 * control areas and the fork clones claim, and reports the first difference in words. Item 11
 * concerns the TLB: it is checked by running traces under several TLB modes (testbench). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"

typedef struct {
    uint32_t valid_maps;    /* valid user PTEs mapping the page */
    uint32_t table_children;/* private PFNs whose PteFrame is this page */
    uint32_t proto_maps;    /* page tables: valid PTEs in it that map prototype pages */
} Tally;

typedef struct {
    uint32_t vpn, index;    /* a working-set entry and its index in the working set */
} WsKey;

typedef struct {
    Os *os;
    Tally *t;               /* per managed PFN */
    uint8_t *slot_refs;     /* per pagefile slot: references seen */
    uint32_t *clone_refs;   /* per prototype PTE: process PTEs seen referring to a clone */
    WsKey *ws_sorted;       /* the current process's working set, sorted by VPN */
    uint32_t *views, *ca_pfns; /* per control area: view VADs, resident file pages seen */
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

static int cmp_vpn(const void *a, const void *b) {
    uint32_t x = ((const WsKey *)a)->vpn, y = ((const WsKey *)b)->vpn;
    return (x > y) - (x < y);
}

/* The working-set index of vpn, p->nws when absent (a binary search: the checker visits every
 * valid PTE). */
static uint32_t ws_index(const Check *c, const Process *p, uint32_t vpn) {
    WsKey key = {.vpn = vpn};
    const WsKey *k = bsearch(&key, c->ws_sorted, p->nws, sizeof key, cmp_vpn);
    return k ? k->index : p->nws;
}

static bool check_pte(Check *c, Process *p, uint32_t va, uint32_t tpfn, uint32_t a, uint32_t pte) {
    Os *os = c->os;
    PfnDb *db = &os->db;
    switch (ntpte_classify_process(pte)) {
    case PPTE_VALID: {
        uint32_t pfn = ntpte_pfn(pte);
        if (!pfn_managed(db, pfn)) return fail(c, "process %u page %08x maps unmanaged frame %x", p->pid, va, pfn);
        Pfn *e = pfn_at(db, pfn);
        if (e->loc != PFN_ACTIVE) return fail(c, "invariant 3: process %u page %08x maps PFN %x, which is %s", p->pid, va, pfn, pfn_location_name((PfnLocation)e->loc));
        if (!e->prototype && e->pte != a) return fail(c, "invariant 3: PFN %x is mapped by the PTE at %08x but owned by %08x", pfn, a, e->pte);
        if ((pte & NTPTE_COW) && (pte & NTPTE_RW)) return fail(c, "invariant 10: process %u page %08x is COW and writable", p->pid, va);
        if ((pte & NTPTE_COW) && !e->prototype) return fail(c, "process %u page %08x is COW but maps private PFN %x", p->pid, va, pfn);
        uint32_t i = ws_index(c, p, va >> 12);
        if (i == p->nws) return fail(c, "invariant 9: process %u page %08x is valid but not in its working set", p->pid, va);
        if (p->ws[i].shared != e->prototype) return fail(c, "process %u page %08x: working-set entry says %s, PFN %x is %s", p->pid, va, p->ws[i].shared ? "shared" : "private", pfn, e->prototype ? "a prototype page" : "private");
        uint8_t prot = e->prototype ? p->ws[i].prot : ntpte_prot(e->original);
        if (!mmprot_mappable(prot)) return fail(c, "invariant 10: process %u page %08x is valid with protection %u", p->pid, va, prot);
        c->t[pfn - db->first].valid_maps++;
        if (e->prototype) {
            c->t[tpfn - db->first].proto_maps++;
            if (proto_is_clone(os, e->pte)) c->clone_refs[e->pte]++;
        }
        return true;
    }
    case PPTE_TRANSITION: {
        uint32_t pfn = ntpte_pfn(pte);
        Pfn *e = pfn_managed(db, pfn) ? pfn_at(db, pfn) : NULL;
        if (!e || e->prototype || e->pte != a || (e->loc != PFN_STANDBY && e->loc != PFN_MODIFIED))
            return fail(c, "invariant 5: process %u page %08x is Transition(%x) but that PFN is %s, owned by %08x",
                        p->pid, va, pfn, e ? pfn_location_name((PfnLocation)e->loc) : "unmanaged", e ? e->pte : 0);
        return true;
    }
    case PPTE_PAGEFILE: return note_slot(c, pte, "PTE at", a);
    case PPTE_PROTO_POINTER: {
        if (ntpte_proto_is_lookup(pte)) {
            Vad *v = os_find_vad(p, va >> 12);
            if (!v || !v->view) return fail(c, "process %u page %08x holds a lookup-needed pointer outside a view", p->pid, va);
            return true;
        }
        uint32_t idx = ntpte_proto_index(pte);
        if (idx >= os->protos.size || os->protos.e[idx].owner == PROTO_OWNER_FREE)
            return fail(c, "process %u page %08x points to prototype PTE %u, which is free", p->pid, va, idx);
        if (proto_is_clone(os, idx)) c->clone_refs[idx]++;
        return true;
    }
    default: return true;
    }
}

static bool check_process(Check *c, Process *p) {
    PfnDb *db = &c->os->db;
    for (uint32_t i = 0; i < p->nws; i++) c->ws_sorted[i] = (WsKey){.vpn = p->ws[i].vpn, .index = i};
    qsort(c->ws_sorted, p->nws, sizeof *c->ws_sorted, cmp_vpn);
    for (uint32_t i = 1; i < p->nws; i++)
        if (c->ws_sorted[i].vpn == c->ws_sorted[i - 1].vpn) return fail(c, "invariant 9: process %u lists page %08x twice", p->pid, c->ws_sorted[i].vpn << 12);
    for (uint32_t i = 0; i < p->nvads; i++)
        if (p->vads[i].view) c->views[p->vads[i].ca]++;
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
            if (pte && !check_pte(c, p, (t << 22) | (i << 12), tpfn, a, pte)) return false;
        }
        if (used != p->used_ptes[t]) return fail(c, "process %u: page table %u has %u PTEs in use but counts %u", p->pid, t, used, p->used_ptes[t]);
    }
    for (uint32_t i = 0; i < p->nws; i++) {
        uint32_t a = os_pte_addr(c->os, p, p->ws[i].vpn << 12);
        if (!a || !(os_read_pte(c->os, a) & NTPTE_P))
            return fail(c, "invariant 9: process %u working-set page %08x is not valid", p->pid, p->ws[i].vpn << 12);
    }
    return true;
}

/* Every prototype PTE in use: its owner, its page, its slot, a clone's reference count. */
static bool check_protos(Check *c) {
    Os *os = c->os;
    PfnDb *db = &os->db;
    for (uint32_t idx = 0; idx < os->protos.size; idx++) {
        const Proto *pr = &os->protos.e[idx];
        if (pr->owner == PROTO_OWNER_FREE) continue;
        if (pr->owner == PROTO_OWNER_CLONE) {
            if (pr->refs == 0 || pr->refs != c->clone_refs[idx])
                return fail(c, "fork clone %u counts %u references but %u process PTEs refer to it", idx, pr->refs, c->clone_refs[idx]);
        } else {
            const Subsection *s = pr->owner < os->nsubs ? &os->subs[pr->owner] : NULL;
            if (!s || s->ca == CA_NONE || idx < s->proto_base || idx - s->proto_base >= s->pages)
                return fail(c, "prototype PTE %u names subsection %u, which does not hold it", idx, pr->owner);
        }
        switch (ntpte_classify_proto(pr->pte)) {
        case PROTO_VALID:
        case PROTO_TRANSITION: {
            uint32_t pfn = ntpte_pfn(pr->pte);
            Pfn *e = pfn_managed(db, pfn) ? pfn_at(db, pfn) : NULL;
            bool valid = ntpte_classify_proto(pr->pte) == PROTO_VALID;
            if (!e || !e->prototype || e->pte != idx ||
                (valid ? e->loc != PFN_ACTIVE : (e->loc != PFN_STANDBY && e->loc != PFN_MODIFIED)))
                return fail(c, "invariant %s: prototype PTE %u is %s(%x) but that PFN is %s, owned by %u", valid ? "4" : "5", idx,
                            valid ? "Valid" : "Transition", pfn, e ? pfn_location_name((PfnLocation)e->loc) : "unmanaged", e ? e->pte : 0);
            break;
        }
        case PROTO_PAGEFILE:
            if (!note_slot(c, pr->pte, "prototype PTE", idx)) return false;
            break;
        default: break;
        }
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
            uint32_t want = 1 + c->t[i].table_children + c->t[i].proto_maps;
            if (e->share != want) return fail(c, "invariant 6: page table PFN %x has ShareCount %u, expected %u", pfn, e->share, want);
            continue;
        }
        if (e->loc == PFN_ACTIVE && !e->prototype && (e->share != 1 || c->t[i].valid_maps != 1))
            return fail(c, "invariant 3: private PFN %x has ShareCount %u and %u valid PTEs", pfn, e->share, c->t[i].valid_maps);
        if (e->prototype) {
            const ProtoStore *ps = &c->os->protos;
            uint32_t want = e->loc == PFN_ACTIVE ? proto_valid(pfn) : ntpte_transition(pfn, ntpte_prot(e->original), 0);
            if (e->pte >= ps->size || ps->e[e->pte].pte != want)
                return fail(c, "invariant 4: prototype PFN %x is %s but its prototype PTE %u holds %08x", pfn,
                            pfn_location_name((PfnLocation)e->loc), e->pte, e->pte < ps->size ? ps->e[e->pte].pte : 0);
            if (e->loc == PFN_ACTIVE && e->share != c->t[i].valid_maps)
                return fail(c, "invariant 4: prototype PFN %x has ShareCount %u but %u valid PTEs map it", pfn, e->share, c->t[i].valid_maps);
            if (ntpte_classify_proto(e->original) == PROTO_SUBSECTION)
                c->ca_pfns[c->os->subs[ntpte_subsection_index(e->original)].ca]++;
        }
        if (e->loc != PFN_ACTIVE && c->t[i].valid_maps) return fail(c, "invariant 3: PFN %x is %s but a valid PTE maps it", pfn, pfn_location_name((PfnLocation)e->loc));
        bool has_slot = ntpte_classify_process(e->original) == PPTE_PAGEFILE;
        bool in_file = e->prototype && ntpte_classify_proto(e->original) == PROTO_SUBSECTION;
        if (e->modified && has_slot) return fail(c, "invariant 7: PFN %x is modified but keeps pagefile slot %u", pfn, ntpte_slot(e->original));
        if (!e->modified && !has_slot && !in_file) return fail(c, "invariant 7: PFN %x is clean but has no backing copy", pfn);
        if (!note_slot(c, e->original, "OriginalPte of PFN", pfn)) return false;
    }
    return true;
}

/* Control areas: handles, views and resident file pages against what they count. */
static bool check_cas(Check *c) {
    Os *os = c->os;
    for (uint32_t i = 0; i < os->ncas; i++) {
        const ControlArea *ca = &os->cas[i];
        if (!ca->in_use) continue;
        uint32_t handles = 0;
        for (uint32_t k = 0; k < os->nsecs; k++) handles += os->secs[k].ca == i;
        if (handles != ca->sections || c->views[i] != ca->views || c->ca_pfns[i] != ca->pfn_refs)
            return fail(c, "control area %u counts %u handles, %u views, %u resident pages; found %u, %u, %u", i,
                        ca->sections, ca->views, ca->pfn_refs, handles, c->views[i], c->ca_pfns[i]);
        if (!ca->sections && !ca->views) return fail(c, "control area %u has no handle and no view but was not deleted", i);
    }
    return true;
}

const char *os_check(Os *os) {
    Check c = {.os = os};
    uint32_t maxws = 1;
    for (uint32_t i = 0; i < os->nprocs; i++)
        if (os->procs[i]->nws > maxws) maxws = os->procs[i]->nws;
    c.t = calloc(os->db.count, sizeof *c.t);
    c.slot_refs = calloc(os->pf.slots + 1, 1);
    c.clone_refs = calloc(os->protos.size + 1, sizeof *c.clone_refs);
    c.ws_sorted = malloc(maxws * sizeof *c.ws_sorted);
    c.views = calloc(os->ncas + 1, sizeof *c.views);
    c.ca_pfns = calloc(os->ncas + 1, sizeof *c.ca_pfns);
    bool ok = c.t && c.slot_refs && c.clone_refs && c.ws_sorted && c.views && c.ca_pfns;
    if (!ok) c.bad = "invariant checker: out of host memory";
    if (ok) ok = check_lists(&c);
    for (uint32_t i = 0; ok && i < os->nprocs; i++)
        if (os->procs[i]->alive) ok = check_process(&c, os->procs[i]);
    if (ok) ok = check_protos(&c);
    if (ok) ok = check_pfns(&c);
    if (ok) ok = check_cas(&c);
    if (ok) {
        uint32_t refs = 0;
        for (uint32_t s = 0; s < os->pf.slots; s++) refs += c.slot_refs[s] != 0;
        if (refs != os->pf.used)
            ok = fail(&c, "invariant 8: %u pagefile slots are in use but %u are referenced", os->pf.used, refs);
    }
    free(c.t);
    free(c.slot_refs);
    free(c.clone_refs);
    free(c.ws_sorted);
    free(c.views);
    free(c.ca_pfns);
    return ok ? NULL : c.bad;
}
