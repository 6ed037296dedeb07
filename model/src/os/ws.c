/* ws.c - working sets, the aging trimmer, and the background work of `tick` and `idle`
 * (spec C.8, C.9, C.6.3.8). A working set lists the user pages a process has valid, in the
 * order they became valid; page tables are not in it (they are never trimmed). */
#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"
#include "os_internal.h"

bool ws_insert(Os *os, Process *p, uint32_t vpn, uint8_t prot, bool shared) {
    WsEntry *grown = grow_array(p->ws, p->nws, &p->capws, sizeof *grown, 64);
    if (!grown) {
        os->fatal = "out of host memory";
        return false;
    }
    p->ws = grown;
    p->ws[p->nws++] = (WsEntry){.vpn = vpn, .age = 0, .prot = prot, .shared = shared};
    return true;
}

static void ws_delete(Process *p, uint32_t i) {
    memmove(&p->ws[i], &p->ws[i + 1], (p->nws - i - 1) * sizeof *p->ws);
    p->nws--;
}

uint32_t ws_find(const Process *p, uint32_t vpn) {
    uint32_t i = 0;
    while (i < p->nws && p->ws[i].vpn != vpn) i++;
    return i;
}

void ws_remove_vpn(Process *p, uint32_t vpn) {
    uint32_t i = ws_find(p, vpn);
    if (i < p->nws) ws_delete(p, i);
}

bool ws_pinned(const Os *os, const Process *p, uint32_t vpn) {
    if (p != os->cur) return false;
    for (uint32_t i = 0; i < os->npinned; i++)
        if (os->pinned[i] == vpn) return true;
    return false;
}

void ws_evict(Os *os, Process *p, uint32_t i) {
    uint32_t va = p->ws[i].vpn << 12, a = os_pte_addr(os, p, va), pte = os_read_pte(os, a);
    MM_ASSERT(pte & NTPTE_P);
    uint32_t pfn = ntpte_pfn(pte);
    Pfn *e = pfn_at(&os->db, pfn);
    uint8_t prot = p->ws[i].prot;
    mem_capture_dirty(os, pfn, pte);
    ws_delete(p, i);
    if (e->prototype) { /* C.6.1: a shared page leaves a prototype pointer behind */
        os_write_pte(os, p, va, a, proto_pointer_for(os, e->pte, prot));
        mem_table_share(os, os_table_pfn(os, p, va), -1);
    } else {
        os_write_pte(os, p, va, a, ntpte_transition(pfn, ntpte_prot(e->original), pte));
    }
    mem_share_dec(os, pfn);
    os->st.ws_removals++;
}

/* Over the maximum after a fault: evict the oldest entries first (ties: the earliest
 * inserted), never a page of the access in flight. */
void ws_enforce_max(Os *os, Process *p) {
    while (p->nws > os->cfg.ws_max) {
        uint32_t best = UINT32_MAX;
        for (uint32_t i = 0; i < p->nws; i++)
            if (!ws_pinned(os, p, p->ws[i].vpn) && (best == UINT32_MAX || p->ws[i].age > p->ws[best].age))
                best = i;
        if (best == UINT32_MAX) return;
        ws_evict(os, p, best);
    }
}

static bool should_trim(const Os *os, const Process *p) {
    uint32_t avail = pfn_available(&os->db), modified = os->db.list[PFN_MODIFIED].count;
    if (avail + modified >= os->cfg.trim_plenty) return false;
    return p->nws > os->cfg.ws_max || (avail < os->cfg.avail_min && p->nws > os->cfg.ws_min);
}

/* One aging pass (ReactOS TrimWsList, C.8): referenced pages lose A and get younger, others
 * age, and pages of age 3 leave while trimming is still wanted. */
static void trim_pass(Os *os, Process *p) {
    os->st.trims++;
    for (uint32_t i = 0; i < p->nws;) {
        if (!should_trim(os, p)) return;
        uint32_t va = p->ws[i].vpn << 12, a = os_pte_addr(os, p, va), pte = os_read_pte(os, a);
        if (pte & NTPTE_A) {
            os_pm_write32(os, a, pte & ~NTPTE_A);
            if (p == os->cur) mmu_invlpg(os->mmu, va); /* A.5: or the CPU never sets A again */
            p->ws[i++].age = 0;
        } else if (p->ws[i].age < 3) {
            p->ws[i++].age++;
        } else {
            ws_evict(os, p, i);
        }
    }
}

const char *os_tick(Os *os, uint32_t n) {
    if (os->fatal) return os->fatal;
    for (uint32_t round = 0; round < n && !os->fatal; round++) {
        for (uint32_t i = 0; i < os->nprocs; i++)
            if (os->procs[i]->alive && should_trim(os, os->procs[i])) trim_pass(os, os->procs[i]);
        if (os->db.list[PFN_MODIFIED].count > os->cfg.writer_threshold ||
            pfn_available(&os->db) < os->cfg.avail_min)
            mem_write_modified(os, os->cfg.writer_batch);
    }
    return os->fatal;
}

const char *os_idle(Os *os) {
    if (os->fatal) return os->fatal;
    uint32_t pfn;
    while ((pfn = pfn_head(&os->db, PFN_FREE)) != PFN_NONE) {
        pfn_unlink(&os->db, pfn);
        mem_zero_page(os, pfn);
        pfn_push(&os->db, pfn, PFN_ZEROED, true);
    }
    return os->fatal;
}
