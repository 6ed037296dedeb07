/* The paging unit as a whole: each invalidation rule of A.8.4, the hit policy of A.8.5, the
 * L1/L2/PDE-cache hierarchy, the cycle formula, and the step interface. Page tables are
 * written into Physmem by hand: PD at 0x1000, the page table for 0-4 MiB at 0x2000. */
#include <string.h>

#include "mmusim/knobs.h"
#include "mmusim/mmu.h"
#include "t.h"

#define PD 0x1000
#define PT 0x2000
#define URW (PTE_P | PTE_RW | PTE_US)

typedef struct {
    Physmem *pm;
    Mmu *m;
} Rig;

static Rig rig(MmuConfig cfg) {
    Rig r = {physmem_new(), NULL};
    r.m = mmu_new(&cfg, r.pm);
    physmem_write32(r.pm, PD, PT | URW);
    mmu_write_cr3(r.m, PD);
    mmu_write_cr0(r.m, CR0_PG | CR0_PE);
    return r;
}

static void rig_free(Rig *r) {
    mmu_free(r->m);
    physmem_free(r->pm);
}

static void map(Rig *r, uint32_t la, uint32_t pte) { physmem_write32(r->pm, PT + (la >> 12) * 4, pte); }

static Result go(Rig *r, uint32_t la, AccessKind k) {
    Result res;
    mmu_access(r->m, &(Access){.la = la, .kind = (uint8_t)k}, &res);
    return res;
}

static MmuConfig sized(void) { return mmu_config_default(); }

static void test_walk_then_hit(void) {
    Rig r = rig(sized());
    map(&r, 0x5000, 0x100000 | URW);
    Result res = go(&r, 0x5123, ACC_READ);
    CHECK_EQ(res.vector, 0);
    CHECK_EQ(res.source, SRC_WALK);
    CHECK_EQ(res.paddr, 0x100123);
    CHECK_EQ(physmem_read32(r.pm, PD), PT | URW | PTE_A);
    CHECK_EQ(physmem_read32(r.pm, PT + 5 * 4), 0x100000 | URW | PTE_A);
    res = go(&r, 0x5FFF, ACC_READ);
    CHECK_EQ(res.source, SRC_L1);
    CHECK_EQ(res.paddr, 0x100FFF);
    const MmuStats *s = mmu_stats(r.m);
    CHECK_EQ(s->l1_read_miss_4k, 1);
    CHECK_EQ(s->l2_read_miss_4k, 1);
    CHECK_EQ(s->l1_read_hit_4k, 1);
    CHECK_EQ(s->walk_reads, 2);
    CHECK_EQ(s->ad_writes, 2);
    CHECK_EQ(s->pdec_misses, 1);
    CHECK_EQ(s->pdec_fills, 1);
    /* cycles: walk = lat.l1 + lat.l2 + 4 * lat.mem (2 reads, 2 write-backs); hit = lat.l1 */
    CHECK_EQ(s->cycles, (1 + 7 + 4 * 20) + 1);
    rig_free(&r);
}

static void test_write_through_clean_entry_rewalks(void) {
    Rig r = rig(sized());
    map(&r, 0x5000, 0x100000 | URW);
    go(&r, 0x5000, ACC_READ);
    Result res = go(&r, 0x5004, ACC_WRITE);
    CHECK_EQ(res.source, SRC_WALK);
    CHECK_EQ(physmem_read32(r.pm, PT + 5 * 4), 0x100000 | URW | PTE_A | PTE_D);
    CHECK_EQ(mmu_stats(r.m)->rewalk_dirty, 1);
    CHECK_EQ(mmu_stats(r.m)->d_sets, 1);
    CHECK_EQ(mmu_stats(r.m)->pdec_hits, 1); /* the second walk started at the page table */
    CHECK_EQ(go(&r, 0x5008, ACC_WRITE).source, SRC_L1);
    rig_free(&r);
}

static void test_rights_rewalk_then_fault_invalidates(void) {
    Rig r = rig(sized());
    map(&r, 0x5000, 0x100000 | PTE_P | PTE_US); /* read-only user page */
    mmu_set_cpl(r.m, 3);
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    map(&r, 0x5000, 0x100000 | URW); /* made writable without INVLPG */
    Result res = go(&r, 0x5010, ACC_WRITE); /* cached R/W=0: dropped and re-walked, no #PF */
    CHECK_EQ(res.vector, 0);
    CHECK_EQ(res.source, SRC_WALK);
    CHECK_EQ(mmu_stats(r.m)->rewalk_rights, 1);
    map(&r, 0x6000, 0x101000 | PTE_P); /* supervisor page */
    res = go(&r, 0x6ABC, ACC_READ);
    CHECK_EQ(res.vector, VEC_PF);
    CHECK_EQ(res.error_code, PFERR_P | PFERR_U);
    CHECK_EQ(res.cr2, 0x6ABC);
    CHECK_EQ(mmu_regs(r.m)->cr2, 0x6ABC);
    CHECK_EQ(mmu_stats(r.m)->pf_err_05, 1);
    CHECK_EQ(mmu_stats(r.m)->l1_read_miss_fault, 1);
    CHECK_EQ(physmem_read32(r.pm, PT + 6 * 4), 0x101000 | PTE_P); /* no A on a fault */
    map(&r, 0x6000, 0x101000 | URW);
    CHECK_EQ(go(&r, 0x6ABC, ACC_READ).vector, 0);
    rig_free(&r);
}

static void test_cr3_keeps_globals_pge_toggle_drops_them(void) {
    Rig r = rig(sized());
    mmu_write_cr4(r.m, CR4_PGE);
    map(&r, 0x5000, 0x100000 | URW | PTE_G);
    map(&r, 0x6000, 0x101000 | URW);
    go(&r, 0x5000, ACC_READ);
    go(&r, 0x6000, ACC_READ);
    mmu_write_cr3(r.m, PD);
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_L1);
    CHECK_EQ(go(&r, 0x6000, ACC_READ).source, SRC_WALK);
    mmu_write_cr4(r.m, 0); /* PGE 1 -> 0: everything */
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    CHECK_EQ(mmu_stats(r.m)->flush_cr3, 2); /* rig's initial load + this one */
    CHECK_EQ(mmu_stats(r.m)->flush_cr4, 2);
    mmu_write_cr3(r.m, PD); /* PGE=0 now: the G bit is ignored, the entry is not global */
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    rig_free(&r);
}

static void test_invlpg_and_pdec(void) {
    Rig r = rig(sized());
    map(&r, 0x5000, 0x100000 | URW | PTE_G);
    map(&r, 0x6000, 0x101000 | URW);
    mmu_write_cr4(r.m, CR4_PGE);
    go(&r, 0x5000, ACC_READ);
    go(&r, 0x6000, ACC_READ); /* PDE-cache hit */
    CHECK_EQ(mmu_stats(r.m)->pdec_hits, 1);
    mmu_invlpg(r.m, 0x5FFF); /* drops the global entry and the whole PDE cache */
    CHECK_EQ(go(&r, 0x6000, ACC_READ).source, SRC_L1);
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    CHECK_EQ(mmu_stats(r.m)->pdec_misses, 2);
    rig_free(&r);
}

static void test_pg_off_and_nxe_flush(void) {
    Rig r = rig(sized());
    mmu_write_cr4(r.m, CR4_PGE);
    map(&r, 0x5000, 0x100000 | URW | PTE_G);
    go(&r, 0x5000, ACC_READ);
    mmu_write_cr0(r.m, CR0_PE); /* PG 1 -> 0 */
    Result res = go(&r, 0x5000, ACC_READ);
    CHECK_EQ(res.source, SRC_UNPAGED);
    CHECK_EQ(res.paddr, 0x5000);
    mmu_write_cr0(r.m, CR0_PE | CR0_PG);
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    CHECK_EQ(mmu_write_efer(r.m, EFER_NXE), MMU_OK);
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    CHECK_EQ(mmu_stats(r.m)->flush_cr0, 1);
    CHECK_EQ(mmu_stats(r.m)->flush_efer, 1);
    CHECK_EQ(mmu_write_efer(r.m, EFER_LME), MMU_UNSUPPORTED);
    CHECK_EQ(mmu_write_efer(r.m, 1u << 12), MMU_GP);
    CHECK_EQ(mmu_write_cr0(r.m, CR0_PG), MMU_GP); /* PG without PE */
    CHECK_EQ(mmu_regs(r.m)->cr0, CR0_PE | CR0_PG);
    rig_free(&r);
}

static void test_l2_fills_l1(void) {
    MmuConfig c = sized();
    c.l1d = (TlbConfig){.small = {1, 1}, .policy = REPL_LRU};
    c.l2 = (TlbConfig){.small = {4, 4}, .policy = REPL_LRU};
    Rig r = rig(c);
    map(&r, 0x5000, 0x100000 | URW);
    map(&r, 0x6000, 0x101000 | URW);
    go(&r, 0x5000, ACC_READ);
    go(&r, 0x6000, ACC_READ); /* evicts 0x5000 from the one-entry L1 */
    Result res = go(&r, 0x5000, ACC_READ);
    CHECK_EQ(res.source, SRC_L2);
    CHECK_EQ(res.paddr, 0x100000);
    const MmuStats *s = mmu_stats(r.m);
    CHECK_EQ(s->l2_read_hit_4k, 1);
    CHECK_EQ(s->l1_read_miss_4k, 3);
    CHECK_EQ(s->l1_fills, 3);
    CHECK_EQ(s->l1_evictions, 2);
    CHECK_EQ(s->l2_fills, 2);
    CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_L1);
    rig_free(&r);
}

static void test_large_page_fragments_invlpg(void) {
    MmuConfig c = mmu_config_default();
    preset_apply(preset_find("i486"), &c);
    Rig r = rig(c);
    mmu_write_cr4(r.m, CR4_PSE);
    physmem_write32(r.pm, PD + 4 * 4, 0x01C00000 | URW | PTE_PS); /* LA 16 MiB -> PA 28 MiB */
    Result a = go(&r, 0x01000123, ACC_READ), b = go(&r, 0x01234567, ACC_READ);
    CHECK_EQ(a.paddr, 0x01C00123);
    CHECK_EQ(b.paddr, 0x01E34567);
    CHECK_EQ(b.page_shift, 22);
    CHECK_EQ(go(&r, 0x01000FFF, ACC_READ).source, SRC_L1);
    CHECK_EQ(mmu_stats(r.m)->l1_read_hit_large, 1);
    /* A write walks (clean entry) and leaves the L1 memo on this fragment: the offset inside
     * the 4 MiB page must survive the shortcut (a regression test). */
    CHECK_EQ(go(&r, 0x01234568, ACC_WRITE).paddr, 0x01E34568);
    CHECK_EQ(go(&r, 0x0123456C, ACC_READ).paddr, 0x01E3456C);
    mmu_invlpg(r.m, 0x013FF000); /* anywhere inside the 4 MiB page kills every fragment */
    CHECK_EQ(mmu_stats(r.m)->entries_dropped, 3); /* the re-walk drops both fragments and refills one; INVLPG drops that one */
    CHECK_EQ(go(&r, 0x01000000, ACC_READ).source, SRC_WALK);
    CHECK_EQ(go(&r, 0x01234000, ACC_READ).source, SRC_WALK);
    rig_free(&r);
}

static void test_reference_and_off(void) {
    MmuConfig c = sized();
    c.tlb_mode = TLB_MODE_REFERENCE;
    Rig r = rig(c);
    for (uint32_t i = 0; i < 1024; i++) map(&r, i << 12, (0x100000 + (i << 12)) | URW);
    for (uint32_t i = 0; i < 1024; i++) go(&r, i << 12, ACC_READ);
    int hits = 0;
    for (uint32_t i = 0; i < 1024; i++) hits += go(&r, i << 12, ACC_READ).source == SRC_L1;
    CHECK_EQ(hits, 1024); /* never evicts */
    rig_free(&r);
    c.tlb_mode = TLB_MODE_OFF;
    r = rig(c);
    map(&r, 0x5000, 0x100000 | URW);
    for (int i = 0; i < 3; i++) CHECK_EQ(go(&r, 0x5000, ACC_READ).source, SRC_WALK);
    CHECK_EQ(mmu_stats(r.m)->walk_read, 3);
    CHECK_EQ(mmu_stats(r.m)->cycles, 2 * 20 + 2 * 20 + 2 * 20 + 2 * 20); /* 6 reads, 2 A writes */
    rig_free(&r);
}

static void test_pae_pdpte_gp(void) {
    Rig r = rig(sized());
    physmem_write64(r.pm, 0x3000, 0x4000 | PTE_P);
    physmem_write64(r.pm, 0x3008, 0x5000 | PTE_P | PTE_RW); /* bit 1 reserved in a PDPTE */
    CHECK_EQ(mmu_write_cr3(r.m, 0x3000), MMU_OK);           /* 32-bit paging: no PDPTE load */
    CHECK_EQ(mmu_write_cr4(r.m, CR4_PAE), MMU_GP);          /* PAE on: loads them: #GP */
    CHECK_EQ(mmu_regs(r.m)->cr4, 0);
    physmem_write64(r.pm, 0x3008, 0);
    CHECK_EQ(mmu_write_cr4(r.m, CR4_PAE), MMU_OK);
    physmem_write64(r.pm, 0x3010, 0x5000 | PTE_P | (UINT64_C(1) << 40)); /* bit 40 >= M */
    CHECK_EQ(mmu_write_cr3(r.m, 0x3000), MMU_GP);
    CHECK_EQ(mmu_regs(r.m)->cr3, 0x3000);
    CHECK_EQ(mmu_write_cr3(r.m, PD), MMU_GP); /* the 32-bit PD read as PDPTEs: bits 1, 2 set */
    physmem_write64(r.pm, 0x3010, 0);
    CHECK_EQ(mmu_write_cr3(r.m, 0x3000), MMU_OK);
    physmem_write64(r.pm, 0x4000, 0x6000 | URW);           /* PDE 0 */
    physmem_write64(r.pm, 0x6000 + 8 * 7, 0x9000 | URW);   /* PTE 7 */
    Result res = go(&r, 0x7123, ACC_READ);
    CHECK_EQ(res.paddr, 0x9123);
    CHECK_EQ(physmem_read64(r.pm, 0x3000), 0x4000 | PTE_P); /* PDPTEs never get A */
    res = go(&r, 0x40000000, ACC_READ);                     /* PDPTE 1 not present */
    CHECK_EQ(res.vector, VEC_PF);
    CHECK_EQ(res.error_code, 0);
    CHECK_EQ(mmu_stats(r.m)->gp, 3);
    rig_free(&r);
}

/* The step interface gives the same results and counters as mmu_access. */
static void run_script(Mmu *m, Physmem *pm, bool steps, Result *out, int n) {
    static const uint32_t las[] = {0x5000, 0x5004, 0x6000, 0x6000, 0x5000, 0x7000};
    static const uint8_t kinds[] = {ACC_READ, ACC_WRITE, ACC_FETCH, ACC_WRITE, ACC_READ, ACC_READ};
    for (int i = 0; i < n; i++) {
        Access a = {.la = las[i], .kind = kinds[i]};
        if (!steps) {
            mmu_access(m, &a, &out[i]);
            continue;
        }
        MemReq q;
        int s = mmu_begin(m, &a, &out[i], &q);
        while (s == MMU_STEP_MEM) {
            uint64_t v = q.size == 8 ? physmem_read64(pm, q.addr) : physmem_read32(pm, q.addr);
            if (q.or_bits) physmem_write32(pm, q.addr, (uint32_t)(v | q.or_bits));
            s = mmu_resume(m, v, &out[i], &q);
        }
    }
}

static void test_step_interface(void) {
    Rig a = rig(sized()), b = rig(sized());
    Rig *rs[2] = {&a, &b};
    for (int k = 0; k < 2; k++) {
        map(rs[k], 0x5000, 0x100000 | URW);
        map(rs[k], 0x6000, 0x101000 | PTE_P | PTE_US);
    }
    Result ra[6], rb[6];
    run_script(a.m, a.pm, false, ra, 6);
    run_script(b.m, b.pm, true, rb, 6);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(ra[i].vector, rb[i].vector);
        CHECK_EQ(ra[i].source, rb[i].source);
        CHECK_EQ(ra[i].paddr, rb[i].paddr);
        CHECK_EQ(ra[i].error_code, rb[i].error_code);
        CHECK_EQ(ra[i].cr2, rb[i].cr2);
    }
    CHECK(memcmp(mmu_stats(a.m), mmu_stats(b.m), sizeof(MmuStats)) == 0);
    CHECK_EQ(ra[3].vector, 0); /* supervisor write to a read-only page with WP=0 is allowed */
    CHECK_EQ(physmem_read32(b.pm, PT + 6 * 4), 0x101000 | PTE_P | PTE_US | PTE_A | PTE_D);
    CHECK_EQ(ra[5].vector, VEC_PF); /* 0x7000 is not mapped */
    CHECK_EQ(ra[5].error_code, 0);
    rig_free(&a);
    rig_free(&b);
}

/* The observer sees every memory operation and fill of a walk, in order, with victims. */
typedef struct {
    int n;
    MmuEvent ev[16];
} Events;

static void record(void *ctx, const MmuEvent *ev) {
    Events *e = ctx;
    if (e->n < 16) e->ev[e->n++] = *ev;
}

static void test_observer(void) {
    MmuConfig c = sized();
    c.l1d = (TlbConfig){.small = {1, 1}, .policy = REPL_LRU};
    Rig r = rig(c);
    Events e = {0};
    map(&r, 0x5000, 0x100000 | URW);
    map(&r, 0x6000, 0x101000 | URW | PTE_A | PTE_D);
    mmu_set_observer(r.m, record, &e);
    go(&r, 0x5004, ACC_WRITE);
    CHECK_EQ(e.n, 7);
    CHECK(e.ev[0].kind == MMU_EV_PT_READ && e.ev[0].addr == PD && e.ev[0].value == (PT | URW));
    CHECK(e.ev[1].kind == MMU_EV_PT_READ && e.ev[1].addr == PT + 5 * 4);
    CHECK(e.ev[2].kind == MMU_EV_AD_WRITE && e.ev[2].addr == PD);
    CHECK_EQ(e.ev[2].value, PT | URW | PTE_A);
    CHECK(e.ev[3].kind == MMU_EV_AD_WRITE && e.ev[3].addr == PT + 5 * 4);
    CHECK_EQ(e.ev[3].old, 0x100000 | URW);
    CHECK_EQ(e.ev[3].value, 0x100000 | URW | PTE_A | PTE_D);
    CHECK(e.ev[4].kind == MMU_EV_TLB_FILL && e.ev[4].level == 2 && !e.ev[4].fill.evicted);
    CHECK(e.ev[5].kind == MMU_EV_TLB_FILL && e.ev[5].level == 1 && !e.ev[5].fill.evicted);
    CHECK(e.ev[6].kind == MMU_EV_PDEC_FILL && e.ev[6].level == 0);
    e.n = 0;
    go(&r, 0x6000, ACC_READ); /* PDE-cache hit: one PTE read, no write-back; evicts 0x5000 */
    CHECK_EQ(e.n, 3);
    CHECK(e.ev[0].kind == MMU_EV_PT_READ && e.ev[0].addr == PT + 6 * 4);
    CHECK(e.ev[2].kind == MMU_EV_TLB_FILL && e.ev[2].level == 1 && e.ev[2].fill.evicted);
    CHECK_EQ(e.ev[2].victim.vpn, 5);
    CHECK_EQ(e.ev[2].victim.frame, 0x100000);
    rig_free(&r);
}

int main(void) {
    RUN(test_walk_then_hit);
    RUN(test_write_through_clean_entry_rewalks);
    RUN(test_rights_rewalk_then_fault_invalidates);
    RUN(test_cr3_keeps_globals_pge_toggle_drops_them);
    RUN(test_invlpg_and_pdec);
    RUN(test_pg_off_and_nxe_flush);
    RUN(test_l2_fills_l1);
    RUN(test_large_page_fragments_invlpg);
    RUN(test_reference_and_off);
    RUN(test_pae_pdpte_gp);
    RUN(test_step_interface);
    RUN(test_observer);
    return t_done();
}
