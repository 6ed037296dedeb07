/*
 * gen_rights.c -- generator of the A.4 access-rights matrix as one MMT bare-mode script.
 *
 *   gcc -std=c11 -Wall -Wextra -O2 -o gen_rights gen_rights.c
 *   ./gen_rights > rights-matrix.mmt
 *   ./gen_rights --leaf-only-on-fault > ...   (omit the non-leaf PDE check after a fault)
 *
 * The oracle below is a plain transcription of /work/shared/spec/x86-paging.md:
 *   A.4  (access rights: US_eff/RW_eff = AND over levels, XD_eff = OR, the 9-row table),
 *   A.6  (#PF error code: P=1 for a permission fault, W/R, U/S, I/D rule),
 *   A.5 + team rules (success: A in every PDE/PTE used, D in the leaf on a write;
 *        a faulting access writes nothing, not even non-leaf A bits).
 * It was written from the spec only, without looking at the simulator's code.
 *
 * Output is deterministic (no randomness, no time, no environment).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- page types ---------------------------------------------------------------------- */
enum { T_32_4K, T_32_4M, T_32_PSIGN, T_PAE_4K, T_PAE_2M, T_COUNT };

static const char *const type_name[T_COUNT] = {
    "32-4K", "32-4M", "32-PS-ignored", "PAE-4K", "PAE-2M"
};

/* Fixed layout per type. All numbers are physical addresses / entry values without rights. */
struct layout {
    uint32_t la;        /* linear address accessed (offset 5a4 / 125a4, 4-byte aligned)     */
    uint64_t pde_addr;  /* physical address of the PDE                                      */
    uint64_t pde_base;  /* PDE value without P, R/W, U/S, XD (table address or frame + PS)  */
    uint64_t pte_addr;  /* physical address of the PTE (0 for a large page)                 */
    uint64_t pte_base;  /* PTE value without P, R/W, U/S, XD                                 */
    uint64_t pa;        /* expected physical address of the access                          */
    uint32_t cr3;
    uint32_t cr4;       /* PSE/PAE bits for the type (SMEP/SMAP added per case)              */
    int pae;
    int large;          /* 1: the PDE is the leaf                                           */
};

static const struct layout L[T_COUNT] = {
    /* 32-bit, CR4.PSE=1, PS=0: PDE 1 (1004) -> PT 2000, PTE 1 (2004) -> frame 105000 */
    { 0x004015a4u, 0x1004, 0x00002000, 0x2004, 0x00105000, 0x1055a4, 0x1000, 0x10, 0, 0 },
    /* 32-bit, CR4.PSE=1, PS=1: PDE 3 (100c) = 4M frame 01000000 (PS=80); 00c125a4 -> +0125a4 */
    { 0x00c125a4u, 0x100c, 0x01000080, 0, 0, 0x10125a4, 0x1000, 0x10, 0, 1 },
    /* 32-bit, CR4.PSE=0, PS=1 ignored: PDE 2 (1008) -> table 00203000 (bits 21,13,12);
       PTE 3 (20300c) -> frame 107000 */
    { 0x008035a4u, 0x1008, 0x00203080, 0x20300c, 0x00107000, 0x1075a4, 0x1000, 0x00, 0, 0 },
    /* PAE, CR4.PSE=1: PDPT 5000, PDPTE0 -> PD 6000; PDE 2 (6010) -> PT 7000;
       PTE 1 (7008) -> frame 109000 */
    { 0x004015a4u, 0x6010, 0x00007000, 0x7008, 0x00109000, 0x1095a4, 0x5000, 0x30, 1, 0 },
    /* PAE, CR4.PSE=0 (PAE honours PS anyway): PDE 5 (6028) = 2M frame 01200000 (PS=80);
       00a125a4 -> +0125a4 */
    { 0x00a125a4u, 0x6028, 0x01200080, 0, 0, 0x12125a4, 0x5000, 0x20, 1, 1 },
};

/* ---- accesses ------------------------------------------------------------------------ */
enum { K_FETCH, K_READ, K_WRITE };
struct access { char letter; int kind; int implicit; const char *name; };
static const struct access ACC[] = {
    { 'I', K_FETCH, 0, "I" },
    { 'L', K_READ,  0, "L" },
    { 'S', K_WRITE, 0, "S" },
    { 'L', K_READ,  1, "L-implicit" },
    { 'S', K_WRITE, 1, "S-implicit" },
};
#define N_ACC ((int)(sizeof ACC / sizeof ACC[0]))

/* ---- control state of one case --------------------------------------------------------- */
struct ctl { int type, nxe, wp, smep, smap, ac, cpl; };

/* ---- the oracle: A.4 ------------------------------------------------------------------
 * user   = CPL 3 and not implicit (A.1 "Mode of an access", A.6 bit 2)
 * us, rw = U/S and R/W ANDed over every level; xd = XD ORed over every level (PAE+NXE only)
 */
static int allowed(const struct ctl *c, int kind, int implicit, int us, int rw, int xd)
{
    int user = (c->cpl == 3) && !implicit;
    int explicit_access = !implicit;
    int executable = !xd;

    if (user) {
        switch (kind) {
        case K_READ:  return us;                         /* user read                 */
        case K_WRITE: return us && rw;                   /* user write (WP irrelevant) */
        default:      return us && executable;           /* user fetch                */
        }
    }
    switch (kind) {
    case K_READ:
        if (!us) return 1;                               /* supervisor-mode address   */
        return !c->smap || (c->ac && explicit_access);   /* user-mode address         */
    case K_WRITE:
        if (!us) return !c->wp || rw;
        return (!c->wp || rw) && (!c->smap || (c->ac && explicit_access));
    default:
        if (!us) return executable;
        return executable && !c->smep;
    }
}

/* ---- the oracle: A.6 (permission fault, so P=1, RSVD=0) -------------------------------- */
static unsigned error_code(const struct ctl *c, int kind, int implicit)
{
    unsigned e = 0x1;                                        /* P: permission fault   */
    if (kind == K_WRITE) e |= 0x2;                           /* W/R                   */
    if (c->cpl == 3 && !implicit) e |= 0x4;                  /* U/S                   */
    if (kind == K_FETCH && (c->smep || (L[c->type].pae && c->nxe)))
        e |= 0x10;                                           /* I/D                   */
    return e;
}

/* ---- emitter state (only changed registers are written) -------------------------------- */
static struct {
    int valid_mode;       /* paging set up for `type` with `nxe`                            */
    int type, nxe;
    uint32_t cr0, cr4;
    int ac, cpl;
} S;

static unsigned long n_cases, n_expect, n_ok, n_pf;

static void set_cpl(int cpl)
{
    if (S.cpl != cpl) { printf("cpl %d\n", cpl); S.cpl = cpl; }
}

static uint32_t want_cr0(const struct ctl *c) { return 0x80000001u | (c->wp ? 0x10000u : 0); }
static uint32_t want_cr4(const struct ctl *c)
{
    return L[c->type].cr4 | (c->smep ? 0x100000u : 0) | (c->smap ? 0x200000u : 0);
}

static void setup_regs(const struct ctl *c)
{
    if (!S.valid_mode || S.type != c->type || S.nxe != c->nxe) {
        const struct layout *l = &L[c->type];
        set_cpl(0);
        printf("# ---- page type %s, EFER.NXE=%d: paging off, reprogram, paging on\n",
               type_name[c->type], c->nxe);
        printf("cr0 1\n");
        printf("cr4 %x\n", want_cr4(c));
        printf("efer %x\n", c->nxe ? 0x800u : 0u);
        printf("cr3 %x\n", l->cr3);
        printf("cr0 %x\n", want_cr0(c));
        S.valid_mode = 1; S.type = c->type; S.nxe = c->nxe;
        S.cr0 = want_cr0(c); S.cr4 = want_cr4(c);
    }
    if (S.cr0 != want_cr0(c)) { set_cpl(0); printf("cr0 %x\n", want_cr0(c)); S.cr0 = want_cr0(c); }
    if (S.cr4 != want_cr4(c)) { set_cpl(0); printf("cr4 %x\n", want_cr4(c)); S.cr4 = want_cr4(c); }
    if (S.ac != c->ac) { set_cpl(0); printf("eflags %x\n", c->ac ? 0x40000u : 0u); S.ac = c->ac; }
}

static void print_entry(int pae, uint64_t addr, uint64_t val)
{
    if (pae) printf("poke64 %llx %016llx\n", (unsigned long long)addr, (unsigned long long)val);
    else     printf("poke %llx %08llx\n", (unsigned long long)addr, (unsigned long long)val);
}

static void expect_entry(int pae, uint64_t addr, uint64_t val)
{
    if (pae) printf("expect mem64 %llx %016llx\n", (unsigned long long)addr, (unsigned long long)val);
    else     printf("expect mem %llx %08llx\n", (unsigned long long)addr, (unsigned long long)val);
    n_expect++;
}

static uint64_t rights_bits(int us, int rw, int xd)
{
    return 0x1u | (rw ? 0x2u : 0) | (us ? 0x4u : 0) | (xd ? (1ull << 63) : 0);
}

static int leaf_only_on_fault;

static void emit_case(const struct ctl *c, const struct access *a,
                      int pde_us, int pde_rw, int pde_xd, int pte_us, int pte_rw, int pte_xd)
{
    const struct layout *l = &L[c->type];
    const uint64_t A = 0x20, D = 0x40;
    uint64_t pde = l->pde_base | rights_bits(pde_us, pde_rw, pde_xd);
    uint64_t pte = l->large ? 0 : (l->pte_base | rights_bits(pte_us, pte_rw, pte_xd));
    int us = l->large ? pde_us : (pde_us & pte_us);
    int rw = l->large ? pde_rw : (pde_rw & pte_rw);
    int xd = 0;
    int ok;

    if (l->pae && c->nxe) xd = l->large ? pde_xd : (pde_xd | pte_xd);
    ok = allowed(c, a->kind, a->implicit, us, rw, xd);

    n_cases++;
    setup_regs(c);
    set_cpl(0);
    printf("# %lu %s nxe%d wp%d smep%d smap%d ac%d cpl%d %s PDE:u%dw%d", n_cases,
           type_name[c->type], c->nxe, c->wp, c->smep, c->smap, c->ac, c->cpl, a->name,
           pde_us, pde_rw);
    if (l->pae && c->nxe) printf("x%d", pde_xd);
    if (!l->large) {
        printf(" PTE:u%dw%d", pte_us, pte_rw);
        if (l->pae && c->nxe) printf("x%d", pte_xd);
    }
    printf(" -> %s\n", ok ? "ok" : "pf");

    /* set up this case's entries (A=0, D=0) and drop any translation left by the previous one */
    print_entry(l->pae, l->pde_addr, pde);
    if (!l->large) print_entry(l->pae, l->pte_addr, pte);
    printf("invlpg %08x\n", l->la);
    set_cpl(c->cpl);
    printf("%c %08x 4%s\n", a->letter, l->la, a->implicit ? " implicit" : "");
    if (ok) {
        printf("expect ok %llx\n", (unsigned long long)l->pa);
        n_ok++;
    } else {
        printf("expect pf %x\n", error_code(c, a->kind, a->implicit));
        n_pf++;
    }
    n_expect++;

    /* leaf A/D (A.5 / team rule): success -> A, +D on a write; fault -> unchanged */
    {
        uint64_t after_leaf, leaf_addr = l->large ? l->pde_addr : l->pte_addr;
        uint64_t leaf = l->large ? pde : pte;
        after_leaf = ok ? (leaf | A | (a->kind == K_WRITE ? D : 0)) : leaf;
        expect_entry(l->pae, leaf_addr, after_leaf);
        if (!l->large && (ok || !leaf_only_on_fault))
            expect_entry(l->pae, l->pde_addr, ok ? (pde | A) : pde);  /* non-leaf: A only */
    }
}

static void usage(const char *p)
{
    fprintf(stderr, "usage: %s [--leaf-only-on-fault] > rights-matrix.mmt\n", p);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--leaf-only-on-fault") == 0) leaf_only_on_fault = 1;
        else { usage(argv[0]); return 2; }
    }

    printf("#mmt 1\n");
    printf("mode bare\n");
    printf("# rights-matrix.mmt -- GENERATED by testbench/conformance/gen_rights.c; do not edit.\n");
    printf("#   regenerate: gcc -std=c11 -Wall -Wextra -O2 -o gen_rights gen_rights.c &&"
           " ./gen_rights > rights-matrix.mmt\n");
    printf("# Checks the A.4 access-rights table, the A.6 error code and the A.5 A/D rules for\n");
    printf("# every combination of:\n");
    printf("#   page type  {32-4K (CR4.PSE=1), 32-4M (PSE=1), 32-PS-ignored (PDE.PS=1 with CR4.PSE=0,\n");
    printf("#               so a table pointer whose address includes bits 21:12), PAE-4K, PAE-2M}\n");
    printf("#   x EFER.NXE {0,1} for the PAE types (32-bit types run with NXE=0: no effect there)\n");
    printf("#   x CR0.WP x CR4.SMEP x CR4.SMAP x EFLAGS.AC x CPL {0,3}\n");
    printf("#   x access {I, L, S}, plus L/S `implicit` where implicit differs from explicit\n");
    printf("#     (CPL 3, or SMAP=1 and AC=1; otherwise both are the same supervisor access)\n");
    printf("#   x rights: U/S and R/W in the PDE and (4K types) in the PTE, each 0/1; with PAE and\n");
    printf("#     NXE=1 also XD in the PDE and the PTE, each 0/1 (with NXE=0 bit 63 is reserved).\n");
    printf("# Each case: poke the PDE (and PTE) with A=D=0, INVLPG the address (at CPL 0), switch\n");
    printf("# to the case's CPL, access 4 bytes, expect ok PA or expect pf ERR (A.6: P=1, W on a\n");
    printf("# write, U at CPL 3 unless implicit, I/D on a fetch with SMEP=1 or PAE+NXE=1), then\n");
    printf("# expect the leaf entry: +A (+D on a write) on success, unchanged after a fault;\n");
    printf("# for 4K types also the PDE: +A on success, unchanged after a fault (team rule: a\n");
    printf("# faulting access writes nothing; gen_rights --leaf-only-on-fault drops that check).\n");
    printf("# The next case re-pokes the entries and INVLPGs, which restores the state.\n");
    printf("# Layout: 32-bit PD 1000; 32-4K LA 004015a4 PDE 1004 PT 2000 PTE 2004 -> 1055a4;\n");
    printf("#   32-4M LA 00c125a4 PDE 100c 4M 01000000 -> 10125a4; 32-PS-ignored LA 008035a4\n");
    printf("#   PDE 1008 (=00203080|rights) PT 203000 PTE 20300c -> 1075a4; PAE PDPT 5000 (PDPTE0\n");
    printf("#   -> PD 6000); PAE-4K LA 004015a4 PDE 6010 PT 7000 PTE 7008 -> 1095a4; PAE-2M LA\n");
    printf("#   00a125a4 PDE 6028 2M 01200000 -> 12125a4.\n");
    printf("# Needs no TLB retention: runs under every --tlb setting.\n");

    /* static tables (written once; the per-case entries are re-poked every case) */
    printf("poke64 5000 0000000000006001\n");   /* PAE PDPTE0 -> PD 6000 */

    S.cpl = 0; S.ac = 0; S.valid_mode = 0;

    for (int type = 0; type < T_COUNT; type++) {
        const struct layout *l = &L[type];
        for (int nxe = 0; nxe <= (l->pae ? 1 : 0); nxe++)
        for (int wp = 0; wp <= 1; wp++)
        for (int smep = 0; smep <= 1; smep++)
        for (int smap = 0; smap <= 1; smap++)
        for (int ac = 0; ac <= 1; ac++)
        for (int cpl = 0; cpl <= 3; cpl += 3)
        for (int ai = 0; ai < N_ACC; ai++) {
            struct ctl c = { type, nxe, wp, smep, smap, ac, cpl };
            const struct access *a = &ACC[ai];
            int xdmax = (l->pae && nxe) ? 1 : 0;
            int ptemax = l->large ? 0 : 1;
            if (a->implicit && !(cpl == 3 || (smap && ac)))
                continue;   /* identical to the explicit access: covered already */
            for (int pde_us = 0; pde_us <= 1; pde_us++)
            for (int pde_rw = 0; pde_rw <= 1; pde_rw++)
            for (int pde_xd = 0; pde_xd <= xdmax; pde_xd++)
            for (int pte_us = 0; pte_us <= ptemax; pte_us++)
            for (int pte_rw = 0; pte_rw <= ptemax; pte_rw++)
            for (int pte_xd = 0; pte_xd <= (ptemax ? xdmax : 0); pte_xd++)
                emit_case(&c, a, pde_us, pde_rw, pde_xd, pte_us, pte_rw, pte_xd);
        }
    }
    set_cpl(0);
    printf("# end: %lu cases (%lu ok, %lu #PF), %lu expect lines\n",
           n_cases, n_ok, n_pf, n_expect);
    fprintf(stderr, "gen_rights: %lu cases (%lu ok, %lu pf), %lu expect lines\n",
            n_cases, n_ok, n_pf, n_expect);
    return 0;
}
