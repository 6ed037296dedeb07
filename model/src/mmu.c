/* mmu.c - the paging unit: TLB hierarchy + PDE cache + walker + register side effects
 * (spec/x86-paging.md A.1, A.2.2, A.5, A.8; the policy summary is in mmu.h).
 *
 * An access in flight is a small state machine so that the same code serves mmu_access (which
 * performs the memory operations on the Physmem itself) and mmu_begin/mmu_resume (where the
 * caller performs them, with whatever timing it models):
 *   lookup (L1, L2) -> hit: done
 *                   -> miss: [PDE cache] -> PH_READ steps -> PH_AD steps -> fill -> done
 *                                                         -> #PF: invalidate -> done
 */
#include "mmusim/mmu.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"
#include "mmusim/walk.h"

enum { PH_IDLE, PH_READ, PH_AD };

/* The walk-heavy path inlines the fills (HOT: the compiler's heuristics would not, at a
 * twentieth of a walk-heavy access's instructions); the rare paths called from it (observer
 * events, faults, accessed/dirty write-backs) stay out of line (COLD), so the hot code needs no
 * registers or stack frame for them. */
#include "hotcold.h"

/* The last L1 entry an access used, per L1 array: an exact shortcut (DESIGN.md habit 6).
 * Using the same way again changes no replacement state (LRU order and PLRU bits are already
 * as a touch would leave them; FIFO and random ignore hits), so a repeat hit only needs its
 * counters. Anything else that happens to the L1 array, and any change of the control state
 * the rights depend on, kills the memo. */
typedef struct {
    uint32_t vpn;          /* la >> 12; MEMO_NONE when empty */
    uint8_t allow;         /* bit k: an access of kind k may use the entry now */
    uint8_t page_shift;
    uint8_t hit_col;       /* COL_HIT_4K or COL_HIT_LARGE */
    uint64_t page;         /* physical address of the 4 KiB page */
} L1Memo;

#define MEMO_NONE UINT32_MAX
enum { COL_HIT_4K, COL_HIT_LARGE, COL_MISS_4K, COL_MISS_LARGE, COL_MISS_FAULT };

/* Where an access of one kind goes and what it counts, resolved once by mmu_new rather than
 * on every access (an Mmu never moves, so the pointers into it stay valid). */
typedef struct {
    Tlb *l1;               /* the L1 TLB of this kind (l1i for fetches unless unified) */
    L1Memo *memo;          /* that L1 TLB's memo */
    uint64_t *acc, *walk;  /* the acc_<kind> and walk_<kind> counters */
    uint64_t *tlb[2];      /* l1_<kind>_hit_4k and l2_<kind>_hit_4k: the first of five, COL_* */
} KindPath;

struct Mmu {
    MmuConfig cfg;
    Physmem *pm;
    CpuRegs regs;
    WalkEnv env;
    Tlb *l1i, *l1d, *l2, *pdec; /* l1i == l1d when unified or in reference mode */
    MmuStats st;
    L1Memo memo[2];        /* [0] for the L1 data TLB, [1] for the L1 instruction TLB */
    KindPath path[ACC_KINDS];
    MmuObserver obs;
    void *obs_ctx;
    /* The access in flight. */
    Access acc;
    Walk walk;
    uint8_t phase, ad_next;
    bool l1_missed, l2_missed;
    bool from_pdec;        /* the walk began at a PDE-cache entry */
};

/* ---- configuration and lifecycle --------------------------------------------------------- */

const char *mmu_config_check(const MmuConfig *c, const char **where) {
    const char *dummy;
    if (!where) where = &dummy;
    *where = NULL;
    if (c->profile.maxphyaddr < 32 || c->profile.maxphyaddr > PHYSMEM_ADDR_BITS)
        return "maxphyaddr must be between 32 and 40";
    if (c->tlb_mode != TLB_MODE_SIZED) return NULL;
    const struct {
        const char *name;
        const TlbConfig *cfg;
    } levels[] = {{"l1i", c->l1_unified ? NULL : &c->l1i}, {"l1d", &c->l1d}, {"l2", &c->l2},
                  {"pdec", &c->pdec}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        const char *why = levels[i].cfg ? tlb_config_check(levels[i].cfg) : NULL;
        if (why) {
            *where = levels[i].name;
            return why;
        }
    }
    return NULL;
}

/* ---- statistics helpers ------------------------------------------------------------------ */

static const size_t tlb_stat_base[2][ACC_KINDS] = {
    {offsetof(MmuStats, l1_fetch_hit_4k), offsetof(MmuStats, l1_read_hit_4k),
     offsetof(MmuStats, l1_write_hit_4k)},
    {offsetof(MmuStats, l2_fetch_hit_4k), offsetof(MmuStats, l2_read_hit_4k),
     offsetof(MmuStats, l2_write_hit_4k)},
};

static const size_t acc_stat[ACC_KINDS] = {offsetof(MmuStats, acc_fetch),
                                            offsetof(MmuStats, acc_read),
                                            offsetof(MmuStats, acc_write)};
static const size_t walk_stat[ACC_KINDS] = {offsetof(MmuStats, walk_fetch),
                                             offsetof(MmuStats, walk_read),
                                             offsetof(MmuStats, walk_write)};

/* The counters indexed by offset below must keep their stats.def order. */
#define STAT_GAP(a, b) (offsetof(MmuStats, b) - offsetof(MmuStats, a))
_Static_assert(STAT_GAP(l1_fetch_hit_4k, l1_fetch_miss_fault) == 4 * sizeof(uint64_t), "COL_*");
_Static_assert(STAT_GAP(l1_fetch_hit_4k, l1_read_hit_4k) == STAT_GAP(l1_read_hit_4k, l1_write_hit_4k),
               "one stride per access kind");
_Static_assert(STAT_GAP(l2_read_hit_4k, l2_write_miss_fault) == 9 * sizeof(uint64_t), "COL_*");
_Static_assert(STAT_GAP(pf_err_00, pf_err_1f) == 31 * sizeof(uint64_t), "pf_err_XX by code");

static inline uint64_t *stat_at(Mmu *m, size_t offset) {
    return (uint64_t *)((char *)&m->st + offset);
}

/* NULL for an absent level; *ok turns false when a present one cannot be allocated. */
static Tlb *make_level(const TlbConfig *c, uint64_t seed, bool *ok) {
    if (!tlb_config_present(c)) return NULL;
    TlbConfig k = *c;
    k.seed = seed;
    Tlb *t = tlb_new(&k);
    if (!t) *ok = false;
    return t;
}

static void kill_memos(Mmu *m) { m->memo[0].vpn = m->memo[1].vpn = MEMO_NONE; }

static void refresh_env(Mmu *m) {
    walk_env_init(&m->env, &m->regs, &m->cfg.profile);
    kill_memos(m);
    if (m->obs) m->obs(m->obs_ctx, &(MmuEvent){.kind = MMU_EV_REGS});
}

/* Each level's seed for its RANDOM policy, derived from the one configured seed. */
enum { LEVEL_L1D = 1, LEVEL_L1I, LEVEL_L2, LEVEL_PDEC };
static const char *const level_names[] = {[LEVEL_L1D] = "l1d", [LEVEL_L1I] = "l1i",
                                          [LEVEL_L2] = "l2", [LEVEL_PDEC] = "pdec"};

static uint64_t level_seed(const MmuConfig *cfg, int level) {
    return cfg->seed * UINT64_C(0x9E3779B97F4A7C15) + (uint64_t)level;
}

uint64_t mmu_random_state(const MmuConfig *cfg, const char *level, int array) {
    for (int l = LEVEL_L1D; l <= LEVEL_PDEC; l++)
        if (strcmp(level, level_names[l]) == 0)
            return repl_random_start(tlb_array_seed(level_seed(cfg, l), array));
    MM_ASSERT(0);
}

Mmu *mmu_new(const MmuConfig *cfg, Physmem *pm) {
    if (mmu_config_check(cfg, NULL)) return NULL;
    Mmu *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cfg = *cfg;
    m->pm = pm;
    bool ok = true;
    if (cfg->tlb_mode == TLB_MODE_REFERENCE) {
        m->l1d = m->l1i = make_level(&(TlbConfig){.unbounded = true}, 0, &ok);
    } else if (cfg->tlb_mode == TLB_MODE_SIZED) {
        m->l1d = make_level(&cfg->l1d, level_seed(cfg, LEVEL_L1D), &ok);
        m->l1i = cfg->l1_unified ? m->l1d : make_level(&cfg->l1i, level_seed(cfg, LEVEL_L1I), &ok);
        m->l2 = make_level(&cfg->l2, level_seed(cfg, LEVEL_L2), &ok);
        TlbConfig pd = {.large = cfg->pdec.large, .policy = cfg->pdec.policy};
        m->pdec = make_level(&pd, level_seed(cfg, LEVEL_PDEC), &ok);
    }
    if (!ok) {
        mmu_free(m);
        return NULL;
    }
    for (int k = 0; k < ACC_KINDS; k++)
        m->path[k] = (KindPath){
            .l1 = k == ACC_FETCH ? m->l1i : m->l1d,
            .memo = &m->memo[k == ACC_FETCH && m->l1i != m->l1d],
            .acc = stat_at(m, acc_stat[k]),
            .walk = stat_at(m, walk_stat[k]),
            .tlb = {stat_at(m, tlb_stat_base[0][k]), stat_at(m, tlb_stat_base[1][k])}};
    refresh_env(m);
    return m;
}

void mmu_free(Mmu *m) {
    if (!m) return;
    if (m->l1i != m->l1d) tlb_free(m->l1i);
    tlb_free(m->l1d);
    tlb_free(m->l2);
    tlb_free(m->pdec);
    free(m);
}

const CpuRegs *mmu_regs(const Mmu *m) { return &m->regs; }
const CpuProfile *mmu_profile(const Mmu *m) { return &m->cfg.profile; }
const MmuConfig *mmu_config(const Mmu *m) { return &m->cfg; }
const MmuStats *mmu_stats(const Mmu *m) { return &m->st; }

void mmu_set_observer(Mmu *m, MmuObserver fn, void *ctx) {
    m->obs = fn;
    m->obs_ctx = ctx;
}

/* The L1 TLB an access kind uses (the same object for both when unified). */
static inline Tlb *l1_for(const Mmu *m, uint8_t kind) { return m->path[kind].l1; }

static void observe(Mmu *m, MmuEvent ev) {
    if (m->obs) m->obs(m->obs_ctx, &ev);
}

/* ---- invalidation (A.8.4) ---------------------------------------------------------------- */

static void drop_tlb_page(Mmu *m, Tlb *t, uint32_t la) {
    if (t) m->st.entries_dropped += tlb_invalidate_page(t, la, m->env.large_shift);
}

/* Every TLB level's entries for la's page (the PDE cache is separate). */
static void drop_page(Mmu *m, uint32_t la) {
    kill_memos(m);
    drop_tlb_page(m, m->l1d, la);
    if (m->l1i != m->l1d) drop_tlb_page(m, m->l1i, la);
    drop_tlb_page(m, m->l2, la);
}

static void flush_tlbs(Mmu *m, bool keep_global) {
    kill_memos(m);
    observe(m, (MmuEvent){.kind = MMU_EV_FLUSH, .value = keep_global});
    Tlb *levels[3] = {m->l1d, m->l1i != m->l1d ? m->l1i : NULL, m->l2};
    for (int i = 0; i < 3; i++)
        if (levels[i]) m->st.entries_dropped += tlb_flush(levels[i], keep_global);
    if (m->pdec) tlb_flush(m->pdec, false); /* G never applies to paging-structure caches */
}

void mmu_invlpg(Mmu *m, uint32_t la) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    m->st.invlpg++;
    observe(m, (MmuEvent){.kind = MMU_EV_INVLPG, .addr = la});
    drop_page(m, la);
    if (m->pdec) tlb_flush(m->pdec, false); /* INVLPG clears the whole PDE cache (A.8.3) */
}

/* ---- register writes --------------------------------------------------------------------- */

/* A.2.2: load the four PDPTE registers for n->cr3; false (#GP, nothing loaded) if a present
 * one has a reserved bit set. */
static bool load_pdptes(Mmu *m, CpuRegs *n) {
    uint64_t base = n->cr3 & 0xFFFFFFE0u, rsvd = walk_pdpte_reserved(&m->cfg.profile), v[4];
    for (int i = 0; i < 4; i++) {
        v[i] = physmem_read64(m->pm, base + 8 * (uint64_t)i);
        if ((v[i] & PTE_P) && (v[i] & rsvd)) return false;
    }
    for (int i = 0; i < 4; i++) n->pdpte[i] = v[i];
    m->st.pdpte_loads++;
    return true;
}

/* Commit a register change unless the PDPTE load it needs raises #GP. */
static int commit(Mmu *m, CpuRegs *n, bool pdpte_load) {
    if (pdpte_load && cpu_paging_mode(n) == PAGING_PAE && !load_pdptes(m, n)) {
        m->st.gp++;
        return MMU_GP;
    }
    m->regs = *n;
    refresh_env(m);
    return MMU_OK;
}

#define CR0_NW (UINT32_C(1) << 29)
#define CR0_CD (UINT32_C(1) << 30)

int mmu_write_cr0(Mmu *m, uint32_t v) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD))) {
        m->st.gp++;
        return MMU_GP;
    }
    CpuRegs n = m->regs;
    uint32_t changed = n.cr0 ^ v;
    n.cr0 = v;
    int rc = commit(m, &n, changed & (CR0_PG | CR0_CD | CR0_NW));
    if (rc == MMU_OK && (changed & CR0_PG) && !(v & CR0_PG)) { /* PG 1->0: everything */
        flush_tlbs(m, false);
        m->st.flush_cr0++;
    }
    return rc;
}

int mmu_write_cr3(Mmu *m, uint32_t v) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    CpuRegs n = m->regs;
    n.cr3 = v;
    int rc = commit(m, &n, true);
    if (rc == MMU_OK) { /* non-global entries and all paging-structure caches */
        flush_tlbs(m, true);
        m->st.flush_cr3++;
    }
    return rc;
}

/* CR4 bits this model accepts: VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP VMXE
 * SMXE FSGSBASE OSXSAVE SMEP SMAP PKE. PCIDE and LA57 need IA-32e mode; the rest are reserved
 * or not modelled; setting any of them is #GP. */
#define CR4_ACCEPTED UINT32_C(0x00757FFF) & ~(UINT32_C(1) << 12) & ~(UINT32_C(1) << 15)
#define CR4_FLUSHING (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP)

int mmu_write_cr4(Mmu *m, uint32_t v) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    if (v & ~(CR4_ACCEPTED)) {
        m->st.gp++;
        return MMU_GP;
    }
    CpuRegs n = m->regs;
    uint32_t changed = n.cr4 ^ v;
    n.cr4 = v;
    int rc = commit(m, &n, changed & CR4_FLUSHING);
    if (rc == MMU_OK && (changed & CR4_FLUSHING)) { /* A.8.4: everything, globals too */
        flush_tlbs(m, false);
        m->st.flush_cr4++;
    }
    return rc;
}

#define EFER_SCE UINT64_C(1)

int mmu_write_efer(Mmu *m, uint64_t v) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    if (v & EFER_LME) return MMU_UNSUPPORTED;
    if (v & ~(EFER_SCE | EFER_NXE)) {
        m->st.gp++;
        return MMU_GP;
    }
    bool nx_changed = (m->regs.efer ^ v) & EFER_NXE;
    m->regs.efer = v;
    refresh_env(m);
    if (nx_changed) { /* cached XD and reserved-bit state depend on NXE: drop everything */
        flush_tlbs(m, false);
        m->st.flush_efer++;
    }
    return MMU_OK;
}

void mmu_set_cpl(Mmu *m, uint8_t cpl) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    MM_ASSERT(cpl <= 3);
    m->regs.cpl = cpl;
    refresh_env(m); /* the allow table depends on CPL */
}

void mmu_set_eflags(Mmu *m, uint32_t eflags) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    m->regs.eflags = eflags;
    refresh_env(m); /* and on AC */
}

int mmu_set_profile(Mmu *m, const CpuProfile *prof) {
    MM_ASSERT(m->phase == PH_IDLE); /* complete the access in flight first (mmu.h) */
    MM_ASSERT(prof->maxphyaddr >= 32 && prof->maxphyaddr <= PHYSMEM_ADDR_BITS);
    if (cpu_paging_mode(&m->regs) == PAGING_PAE) { /* loaded PDPTEs must stay valid */
        uint64_t rsvd = walk_pdpte_reserved(prof);
        for (int i = 0; i < 4; i++)
            if ((m->regs.pdpte[i] & PTE_P) && (m->regs.pdpte[i] & rsvd)) return MMU_UNSUPPORTED;
    }
    m->cfg.profile = *prof;
    refresh_env(m);
    flush_tlbs(m, false);
    m->st.flush_profile++;
    return MMU_OK;
}

/* The five counters of a level and kind are consecutive in stats.def: COL_* order. */
static inline void count_tlb(Mmu *m, int level, uint8_t kind, int col) {
    ++m->path[kind].tlb[level - 1][col];
}

static void count_fill(Mmu *m, int level, bool evicted) {
    static const size_t fills[3] = {offsetof(MmuStats, pdec_fills), offsetof(MmuStats, l1_fills),
                                    offsetof(MmuStats, l2_fills)};
    static const size_t evictions[3] = {offsetof(MmuStats, pdec_evictions),
                                        offsetof(MmuStats, l1_evictions),
                                        offsetof(MmuStats, l2_evictions)};
    ++*stat_at(m, fills[level]);
    if (evicted) ++*stat_at(m, evictions[level]);
}

/* fill_level with an observer, which also sees where the entry went and what it replaced. */
COLD static bool fill_observed(Mmu *m, Tlb *t, int level, const TlbEntry *tr, uint32_t la) {
    TlbEntry victim = {0};
    TlbFill f;
    if (!tlb_fill(t, tr, la, &f, &victim)) return false;
    count_fill(m, level, f.evicted);
    observe(m, (MmuEvent){.kind = level ? MMU_EV_TLB_FILL : MMU_EV_PDEC_FILL,
                          .level = (uint8_t)level, .access_kind = m->acc.kind, .fill = f,
                          .victim = victim});
    return true;
}

/* Fill one level (0 = the PDE cache) and count it. Without an observer nothing else wants the
 * fill's details, so they stay in registers. */
HOT static bool fill_level(Mmu *m, Tlb *t, int level, const TlbEntry *tr, uint32_t la) {
    if (m->obs) return fill_observed(m, t, level, tr, la);
    TlbFill f;
    if (!tlb_fill(t, tr, la, &f, NULL)) return false;
    count_fill(m, level, f.evicted);
    return true;
}

/* ---- the access state machine ------------------------------------------------------------ */

static void hit_result(const Mmu *m, const TlbEntry *e, uint32_t la, uint8_t source, Result *r) {
    *r = (Result){.source = source, .page_shift = e->page_shift, .cr2 = m->regs.cr2,
                  .paddr = e->frame + (la & ((UINT32_C(1) << e->shift) - 1))};
}

/* Use a TLB hit if A.8.5 allows: rights under the current control bits, and no write through
 * an entry cached clean. Returns false after counting the re-walk reason. */
static bool hit_usable(Mmu *m, const TlbEntry *e, const Access *a) {
    if (!walk_rights_allow_fast(&m->env, (AccessKind)a->kind, a->implicit, e->rights)) {
        m->st.rewalk_rights++;
        return false;
    }
    /* & rather than &&: reads and writes interleave at random, so a branch on the kind alone
     * would be mispredicted often. */
    if ((a->kind == ACC_WRITE) & !(e->flags & TLBE_DIRTY)) {
        m->st.rewalk_dirty++;
        return false;
    }
    return true;
}

/* Remember the L1 entry this access used (after an L1 hit or an L1 fill). tr is the page-level
 * translation (tlb_translation form: frame = the whole page's base). */
static void set_memo(Mmu *m, uint8_t kind, const TlbEntry *tr, uint32_t la) {
    L1Memo *mm = m->path[kind].memo;
    mm->allow = m->env.allow[rights_index(tr->rights)] &
                ((tr->flags & TLBE_DIRTY) ? 7u : ~(1u << ACC_WRITE));
    mm->vpn = la >> 12;
    mm->page_shift = tr->page_shift;
    mm->page = (tr->frame + (la & ((UINT32_C(1) << tr->page_shift) - 1))) & ~UINT64_C(0xFFF);
    mm->hit_col = tr->page_shift > 12 ? COL_HIT_LARGE : COL_HIT_4K;
}

/* A hit in level: use it if A.8.5 allows (see lookup). */
static int use_hit(Mmu *m, Tlb *t, const Access *a, int level, const TlbEntry *e, TlbSlot slot,
                   Result *r) {
    if (!hit_usable(m, e, a)) {
        drop_page(m, a->la);
        return -1;
    }
    TlbEntry tr = tlb_translation(e);
    if (level == 1) set_memo(m, a->kind, &tr, a->la);
    tlb_touch(t, slot);
    int size_col = e->page_shift > 12 ? COL_HIT_LARGE : COL_HIT_4K;
    count_tlb(m, level, a->kind, size_col);
    if (level == 2 && m->l1_missed) {
        count_tlb(m, 1, a->kind, size_col + (COL_MISS_4K - COL_HIT_4K));
        Tlb *l1 = l1_for(m, a->kind);
        if (fill_level(m, l1, 1, &tr, a->la)) set_memo(m, a->kind, &tr, a->la);
    }
    hit_result(m, e, a->la, level == 1 ? SRC_L1 : SRC_L2, r);
    return 1;
}

/* Look a level up. 1: hit used; 0: miss; -1: unusable hit (page dropped from every level).
 * The miss path is the walk-heavy common case: a few instructions around tlb_lookup. */
static inline int lookup(Mmu *m, Tlb *t, const Access *a, int level, Result *r) {
    m->st.cycles += level == 1 ? m->cfg.lat_l1 : m->cfg.lat_l2;
    TlbSlot slot;
    const TlbEntry *e = tlb_lookup(t, a->la, m->env.large_shift, &slot);
    return e ? use_hit(m, t, a, level, e, slot, r) : 0;
}

static void count_misses(Mmu *m, int col) {
    if (m->l1_missed) count_tlb(m, 1, m->acc.kind, col);
    if (m->l2_missed) count_tlb(m, 2, m->acc.kind, col);
}

COLD static int finish_fault(Mmu *m, Result *r) {
    const Walk *w = &m->walk;
    *r = (Result){.vector = VEC_PF, .source = SRC_WALK, .error_code = w->error_code, .cr2 = w->la};
    m->regs.cr2 = w->la;
    m->st.pf++;
    ++*stat_at(m, offsetof(MmuStats, pf_err_00) + (w->error_code & 0x1F) * sizeof(uint64_t));
    count_misses(m, COL_MISS_FAULT);
    /* A.8.4: a #PF drops the page's TLB entries and the PDE-cache entry used for it. */
    m->st.pf_invalidations++;
    drop_page(m, w->la);
    if (m->pdec) tlb_invalidate_page(m->pdec, w->la, m->env.large_shift);
    m->phase = PH_IDLE;
    return MMU_STEP_DONE;
}

static int finish_walk(Mmu *m, Result *r) {
    const Walk *w = &m->walk;
    TlbEntry tr = {.frame = w->frame, .page_shift = w->page_shift, .rights = w->rights,
                   .flags = (uint8_t)((w->dirty ? TLBE_DIRTY : 0) |
                                      (w->global ? TLBE_GLOBAL : 0))};
    Tlb *l1 = l1_for(m, m->acc.kind);
    if (m->l2) fill_level(m, m->l2, 2, &tr, w->la);
    if (l1 && fill_level(m, l1, 1, &tr, w->la)) set_memo(m, m->acc.kind, &tr, w->la);
    if (m->pdec && w->pde_cacheable) {
        TlbEntry pde = {.frame = w->pde_table, .page_shift = m->env.large_shift,
                        .rights = w->pde_rights};
        fill_level(m, m->pdec, 0, &pde, w->la);
    }
    count_misses(m, w->page_shift > 12 ? COL_MISS_LARGE : COL_MISS_4K);
    *r = (Result){.source = SRC_WALK, .page_shift = w->page_shift, .paddr = w->paddr,
                  .cr2 = m->regs.cr2};
    m->phase = PH_IDLE;
    return MMU_STEP_DONE;
}

/* The walk's end: the fault, or the fills after every write-back. */
static int end_walk(Mmu *m, WalkStatus s, Result *r) {
    return s == WALK_FAULT ? finish_fault(m, r) : finish_walk(m, r);
}

/* A walk that began at a PDE-cache entry and faults may have used a stale PDE (its rights
 * raised, or the PDE changed, without INVLPG). A.8.5: no spurious #PF, so drop the entry and
 * walk again from the top. */
static WalkStatus settle(Mmu *m, WalkStatus s) {
    if (s != WALK_FAULT || !m->from_pdec) return s;
    m->from_pdec = false;
    m->st.rewalk_pdec++;
    tlb_invalidate_page(m->pdec, m->acc.la, m->env.large_shift);
    return walk_begin(&m->walk, &m->env, m->acc.la, (AccessKind)m->acc.kind, m->acc.implicit);
}

/* Start the walk for m->acc, at a PDE-cache entry when there is one. */
static WalkStatus start_walk(Mmu *m) {
    const Access *a = &m->acc;
    ++*m->path[a->kind].walk;
    m->ad_next = 0;
    const TlbEntry *pde = m->pdec ? tlb_lookup_touch(m->pdec, a->la, m->env.large_shift) : NULL;
    m->from_pdec = pde != NULL;
    if (!pde) {
        m->st.pdec_misses += m->pdec != NULL;
        return settle(m, walk_begin(&m->walk, &m->env, a->la, (AccessKind)a->kind, a->implicit));
    }
    m->st.pdec_hits++;
    return settle(m, walk_begin_at_table(&m->walk, &m->env, a->la, (AccessKind)a->kind,
                                         a->implicit, pde->frame, pde->rights));
}

/* Account the page-table read the walker asked for and hand it the entry. */
static WalkStatus walk_read_done(Mmu *m, uint64_t value) {
    m->st.cycles += m->cfg.lat_mem;
    m->st.walk_reads++;
    if (m->obs) observe(m, (MmuEvent){.kind = MMU_EV_PT_READ, .access_kind = m->acc.kind,
                                       .addr = m->walk.read_addr, .value = value});
    return settle(m, walk_feed(&m->walk, &m->env, value));
}

/* Account the next A/D write-back, whose entry held old before the OR. */
static void ad_done(Mmu *m, uint64_t old) {
    const WalkAdWrite *ad = &m->walk.ad[m->ad_next++];
    m->st.cycles += m->cfg.lat_mem;
    m->st.ad_writes++;
    m->st.d_sets += (ad->bits & PTE_D) && !(old & PTE_D);
    if (m->obs) observe(m, (MmuEvent){.kind = MMU_EV_AD_WRITE, .access_kind = m->acc.kind,
                                       .addr = ad->addr, .old = old, .value = old | ad->bits});
}

/* Step interface: ask the caller for the next memory operation, or finish. */
static int next_step(Mmu *m, WalkStatus s, Result *r, MemReq *req) {
    if (s == WALK_READ) {
        m->phase = PH_READ;
        *req = (MemReq){.addr = m->walk.read_addr, .size = m->walk.read_size};
        return MMU_STEP_MEM;
    }
    if (s == WALK_DONE && m->ad_next < m->walk.n_ad) {
        const WalkAdWrite *ad = &m->walk.ad[m->ad_next];
        m->phase = PH_AD;
        *req = (MemReq){.addr = ad->addr, .or_bits = ad->bits, .size = ad->size};
        return MMU_STEP_MEM;
    }
    return end_walk(m, s, r);
}

/* The memo, paging off, L1 and L2. True when the access is complete; false when it needs a
 * walk (m->acc and the miss flags are set up for it). */
static bool try_tlbs(Mmu *m, const Access *a, Result *r) {
    MM_ASSERT(m->phase == PH_IDLE && a->kind < ACC_KINDS);
    const KindPath *kp = &m->path[a->kind];
    ++*kp->acc;
    /* The memo first: it is always empty while paging is off (a PG change refreshes the
     * environment, and nothing fills without paging). */
    L1Memo *mm = kp->memo;
    if (a->la >> 12 == mm->vpn && (mm->allow >> a->kind & 1) && !a->implicit) {
        ++kp->tlb[0][mm->hit_col];
        m->st.cycles += m->cfg.lat_l1;
        *r = (Result){.source = SRC_L1, .page_shift = mm->page_shift, .cr2 = m->regs.cr2,
                      .paddr = mm->page | (a->la & 0xFFF)};
        return true;
    }
    if (m->env.mode == PAGING_OFF) {
        m->st.acc_unpaged++;
        *r = (Result){.source = SRC_UNPAGED, .paddr = a->la, .cr2 = m->regs.cr2};
        return true;
    }
    mm->vpn = MEMO_NONE; /* whatever happens next touches this L1 array */
    m->acc = *a;
    m->l1_missed = m->l2_missed = false;
    Tlb *l1 = kp->l1;
    int hit = 0;
    if (l1) {
        hit = lookup(m, l1, a, 1, r);
        if (hit == 1) return true;
        m->l1_missed = true;
    }
    if (m->l2 && hit == 0) {
        hit = lookup(m, m->l2, a, 2, r);
        if (hit == 1) return true;
        m->l2_missed = true;
    }
    return false;
}

int mmu_begin(Mmu *m, const Access *a, Result *r, MemReq *req) {
    if (try_tlbs(m, a, r)) return MMU_STEP_DONE;
    return next_step(m, start_walk(m), r, req);
}

int mmu_resume(Mmu *m, uint64_t value, Result *r, MemReq *req) {
    if (m->phase == PH_READ) return next_step(m, walk_read_done(m, value), r, req);
    MM_ASSERT(m->phase == PH_AD);
    ad_done(m, value);
    return next_step(m, WALK_DONE, r, req);
}

static inline uint64_t read_entry(const Physmem *pm, uint64_t addr, uint8_t size) {
    return size == 8 ? physmem_read64(pm, addr) : physmem_read32(pm, addr);
}

/* The same steps as mmu_begin/mmu_resume, with the memory operations done here. */
/* mmu_access's accessed/dirty write-backs: out of line, since a warm process rarely has any. */
COLD static void write_backs(Mmu *m) {
    while (m->ad_next < m->walk.n_ad) {
        const WalkAdWrite *ad = &m->walk.ad[m->ad_next];
        uint64_t v = read_entry(m->pm, ad->addr, ad->size);
        /* The entry was read as present, so its frame exists and this cannot allocate. */
        bool ok = ad->size == 8 ? physmem_write64(m->pm, ad->addr, v | ad->bits)
                                : physmem_write32(m->pm, ad->addr, (uint32_t)(v | ad->bits));
        MM_ASSERT(ok);
        ad_done(m, v);
    }
}

int mmu_access(Mmu *m, const Access *a, Result *r) {
    if (try_tlbs(m, a, r)) return r->vector;
    WalkStatus s = start_walk(m);
    while (s == WALK_READ) s = walk_read_done(m, read_entry(m->pm, m->walk.read_addr, m->walk.read_size));
    if (s == WALK_DONE && m->walk.n_ad) write_backs(m);
    end_walk(m, s, r);
    return r->vector;
}
