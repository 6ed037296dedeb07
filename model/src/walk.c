/* walk.c - the page walker (spec/x86-paging.md A.2-A.7). */
#include "mmusim/walk.h"

#include "mmusim/mm_assert.h"

static uint64_t bits(unsigned hi, unsigned lo) { /* bits hi..lo inclusive */
    return (hi >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (hi + 1)) - 1) & ~((UINT64_C(1) << lo) - 1);
}

CpuProfile cpu_profile_default(void) {
    return (CpuProfile){.maxphyaddr = 40, .pat = true, .pse36 = true};
}

uint64_t walk_pdpte_reserved(const CpuProfile *prof) { /* A.2.2: 2:1, 8:5, 63:M */
    return bits(2, 1) | bits(8, 5) | bits(63, prof->maxphyaddr);
}

/* 32-bit paging, A.2.1 and A.7. A 4 MiB PDE carries physical-address bits 39:32 in bits 20:13
 * with PSE-36; the bits that would lie at or above MAXPHYADDR are reserved, and bit 21 always.
 * SDM 4.3: "there are reserved bits only if CR4.PSE = 1", so without PAT the PTE's bit 7 is
 * reserved only under PSE (A.7 of the shared spec omits that condition; docs/spec-notes.md). */
static void levels_32(WalkEnv *env, const CpuRegs *r, const CpuProfile *p) {
    unsigned first_rsvd = p->pse36 ? 13 + (p->maxphyaddr - 32) : 13;
    env->large_shift = 22;
    env->pd_base = r->cr3 & 0xFFFFF000u;
    env->table_mask = 0xFFFFF000u;
    env->level[0] = (WalkLevel){.shift = 22, .index_bits = 10, .entry_size = 4,
                                .large_ok = (r->cr4 & CR4_PSE) != 0,
                                .rsvd_large = bits(21, first_rsvd) | (p->pat ? 0 : bits(12, 12))};
    env->level[1] = (WalkLevel){.shift = 12, .index_bits = 10, .entry_size = 4,
                                .rsvd_leaf = (p->pat || !(r->cr4 & CR4_PSE)) ? 0 : PTE_PS};
}

/* PAE paging, A.2.2 and A.7: 62:M everywhere, 63 unless NXE, 20:13 in a 2 MiB PDE. */
static void levels_pae(WalkEnv *env, const CpuRegs *r, const CpuProfile *p) {
    uint64_t high = bits(62, p->maxphyaddr) | (env->nx ? 0 : PTE_XD);
    env->large_shift = 21;
    for (int i = 0; i < 4; i++) env->pdpte[i] = r->pdpte[i];
    env->table_mask = env->addr_mask & ~UINT64_C(0xFFF);
    env->level[0] = (WalkLevel){.shift = 21, .index_bits = 9, .entry_size = 8, .large_ok = true,
                                .rsvd_table = high,
                                .rsvd_large = high | bits(20, 13) | (p->pat ? 0 : bits(12, 12))};
    env->level[1] = (WalkLevel){.shift = 12, .index_bits = 9, .entry_size = 8,
                                .rsvd_leaf = high | (p->pat ? 0 : PTE_PS)};
}

void walk_env_init(WalkEnv *env, const CpuRegs *r, const CpuProfile *p) {
    MM_ASSERT(p->maxphyaddr >= 32 && p->maxphyaddr <= 40);
    *env = (WalkEnv){
        .mode = cpu_paging_mode(r),
        .addr_mask = bits(p->maxphyaddr - 1, 0),
        .pse36 = p->pse36,
        .wp = (r->cr0 & CR0_WP) != 0,
        .smep = (r->cr4 & CR4_SMEP) != 0,
        .smap = (r->cr4 & CR4_SMAP) != 0,
        .ac = (r->eflags & EFLAGS_AC) != 0,
        .pge = (r->cr4 & CR4_PGE) != 0,
        .cpl = r->cpl,
    };
    env->nx = env->mode == PAGING_PAE && (r->efer & EFER_NXE);
    env->id_bit = env->smep || env->nx; /* A.6: I/D only with SMEP or PAE+NXE */
    if (env->mode == PAGING_PAE) levels_pae(env, r, p);
    else levels_32(env, r, p);
    for (unsigned i = 0; i < 8; i++) {
        env->allow[i] = 0;
        for (int k = 0; k < ACC_KINDS; k++)
            if (walk_rights_allow(env, (AccessKind)k, false, (Rights)i))
                env->allow[i] |= (uint8_t)(1u << k);
    }
}

/* A.4, one row per case. A supervisor access is one at CPL<3 or an implicit one. */
bool walk_rights_allow(const WalkEnv *env, AccessKind kind, bool implicit, Rights r) {
    bool rw = r & RIGHT_RW, us = r & RIGHT_US, xd = r & RIGHT_XD;
    if (env->cpl == 3 && !implicit) {
        if (!us) return false;
        if (kind == ACC_WRITE) return rw;
        if (kind == ACC_FETCH) return !xd;
        return true;
    }
    bool smap_blocks = us && env->smap && !(env->ac && !implicit);
    switch (kind) {
    case ACC_FETCH: return !xd && !(us && env->smep);
    case ACC_READ: return !smap_blocks;
    case ACC_WRITE: return (rw || !env->wp) && !smap_blocks;
    }
    MM_ASSERT(0);
}

uint32_t walk_error_code(const WalkEnv *env, AccessKind kind, bool implicit, uint32_t flags) {
    uint32_t e = flags;
    if (kind == ACC_WRITE) e |= PFERR_W;
    if (env->cpl == 3 && !implicit) e |= PFERR_U;
    if (kind == ACC_FETCH && env->id_bit) e |= PFERR_ID;
    return e;
}

static WalkStatus fault(Walk *w, const WalkEnv *env, uint32_t flags) {
    w->error_code = walk_error_code(env, (AccessKind)w->kind, w->implicit, flags);
    return WALK_FAULT;
}

/* Ask for the entry indexing `table` at the current level. */
static WalkStatus request(Walk *w, const WalkEnv *env, uint64_t table) {
    const WalkLevel *l = &env->level[w->lvl];
    uint32_t index = (w->la >> l->shift) & ((UINT32_C(1) << l->index_bits) - 1);
    w->read_addr = table + (uint64_t)index * l->entry_size;
    w->read_size = l->entry_size;
    return WALK_READ;
}

/* Only the fields a walk reads before writing them; the rest of Walk is output. */
static void start(Walk *w, uint32_t la, AccessKind kind, bool implicit) {
    w->la = la;
    w->kind = (uint8_t)kind;
    w->implicit = implicit;
    w->lvl = 0;
    w->reads = 0;
    w->rights = RIGHT_RW | RIGHT_US;
    w->n_ad = 0;
    w->pde_cacheable = false;
    w->error_code = 0;
}

WalkStatus walk_begin(Walk *w, const WalkEnv *env, uint32_t la, AccessKind kind, bool implicit) {
    MM_ASSERT(env->mode != PAGING_OFF);
    start(w, la, kind, implicit);
    uint64_t table = env->pd_base;
    if (env->mode == PAGING_PAE) { /* A.3 step 1: the PDPTE register, never read per access */
        uint64_t pdpte = env->pdpte[la >> 30];
        if (!(pdpte & PTE_P)) return fault(w, env, 0);
        table = pdpte & env->table_mask;
    }
    return request(w, env, table);
}

WalkStatus walk_begin_at_table(Walk *w, const WalkEnv *env, uint32_t la, AccessKind kind,
                               bool implicit, uint64_t table, Rights pde_rights) {
    MM_ASSERT(env->mode != PAGING_OFF);
    start(w, la, kind, implicit);
    w->rights = pde_rights;
    w->entry_addr[0] = UINT64_MAX; /* the PDE is not re-read; it was cached with A=1 */
    w->entry[0] = PTE_A;
    w->lvl = 1;
    return request(w, env, table);
}

/* Physical base of the page a leaf maps (A.3 step 6). */
static uint64_t leaf_frame(const WalkEnv *env, uint64_t entry, bool large) {
    if (!large) return entry & env->table_mask;
    if (env->mode == PAGING_PAE) return entry & env->addr_mask & ~bits(20, 0);
    uint64_t frame = entry & 0xFFC00000u;
    if (env->pse36) frame |= ((entry >> 13) & 0xFF) << 32; /* reserved bits already checked */
    return frame;
}

/* A.3 steps 4-6 and A.5: rights, then the write-backs a successful access needs. */
static WalkStatus finish(Walk *w, const WalkEnv *env, uint64_t leaf, bool large) {
    AccessKind kind = (AccessKind)w->kind;
    if (!walk_rights_allow_fast(env, kind, w->implicit, w->rights)) return fault(w, env, PFERR_P);
    w->page_shift = large ? env->large_shift : 12;
    w->frame = leaf_frame(env, leaf, large);
    w->paddr = w->frame | (w->la & ((UINT32_C(1) << w->page_shift) - 1));
    /* Flags and masks rather than branches on the access kind: reads and writes interleave at
     * random in a replay, so a branch on the kind is mispredicted at every other change. */
    uint64_t is_write = (uint64_t)(kind == ACC_WRITE);
    w->global = env->pge & ((leaf & PTE_G) != 0);
    w->dirty = ((leaf & PTE_D) != 0) | is_write;
    uint64_t leaf_d = ~leaf & PTE_D & (0 - is_write);
    if (!leaf_d && (w->entry[0] & w->entry[w->lvl] & PTE_A)) return WALK_DONE; /* no write-back */
    for (uint8_t i = 0; i <= w->lvl; i++) {
        uint64_t set = (~w->entry[i] & PTE_A) | (i == w->lvl ? leaf_d : 0);
        if (set && w->entry_addr[i] != UINT64_MAX)
            w->ad[w->n_ad++] = (WalkAdWrite){w->entry_addr[i], set, env->level[i].entry_size};
    }
    return WALK_DONE;
}

WalkStatus walk_feed(Walk *w, const WalkEnv *env, uint64_t entry) {
    const WalkLevel *l = &env->level[w->lvl];
    w->entry_addr[w->lvl] = w->read_addr;
    w->entry[w->lvl] = entry;
    w->reads++;
    if (!(entry & PTE_P)) return fault(w, env, 0); /* reserved bits of P=0 are never examined */
    bool large = w->lvl == 0 && l->large_ok && (entry & PTE_PS);
    uint64_t rsvd = large ? l->rsvd_large : w->lvl == 1 ? l->rsvd_leaf : l->rsvd_table;
    if (entry & rsvd) return fault(w, env, PFERR_P | PFERR_RSVD);
    _Static_assert(PTE_RW >> 1 == RIGHT_RW && PTE_US >> 1 == RIGHT_US, "R/W, U/S: entry bits 2:1");
    w->rights &= (Rights)((entry >> 1) & (RIGHT_RW | RIGHT_US)) | RIGHT_XD;
    if (env->nx && (entry & PTE_XD)) w->rights |= RIGHT_XD;
    if (large || w->lvl == 1) return finish(w, env, entry, large);
    w->pde_cacheable = true;
    w->pde_table = entry & env->table_mask;
    w->pde_rights = w->rights;
    w->lvl = 1;
    return request(w, env, w->pde_table);
}
