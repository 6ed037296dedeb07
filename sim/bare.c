/* bare.c - the bare-mode executor; see bare.h. */
#include "bare.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/knobs.h"
#include "mmusim/physmem.h"
#include "msg.h"

#define PAGE_SIZE 4096u
#define DESC_MAX 64 /* a described outcome: "pf 07 cr2=00401ffe" */

/* The latest access, as expectations see it. */
typedef struct {
    bool valid;   /* an access has run */
    bool ok;      /* every piece translated */
    uint32_t start; /* the access's first byte */
    Result res;   /* ok: the first piece's result; else the faulting piece's */
} Outcome;

/* What "expect gp" looks at: the latest register write, unless an access came after it. */
typedef enum { LAST_NONE, LAST_ACCESS, LAST_REG } LastEvent;

typedef struct {
    uint32_t la, len;
    uint64_t paddr;
} Piece;

struct Bare {
    Physmem *pm;
    Mmu *mmu;
    MmuConfig cfg;      /* kept here so that successive `config` lines build on each other */
    const char *name;
    FILE *log, *diag;
    Outcome acc;
    LastEvent last;
    uint8_t last_reg;
    uint64_t last_reg_value;
    bool last_reg_gp;
    ExpectTally tally;
    char err[512];
};

static const char *const reg_names[] = {[REG_CR0] = "cr0", [REG_CR3] = "cr3",
                                        [REG_CR4] = "cr4", [REG_EFER] = "efer"};
static const char *const source_names[] = {[SRC_UNPAGED] = "unpaged", [SRC_L1] = "l1",
                                           [SRC_L2] = "l2", [SRC_WALK] = "walk"};

Bare *bare_new(const MmuConfig *cfg, const char *name, FILE *log, FILE *diag) {
    Bare *b = malloc(sizeof *b);
    if (!b) return NULL;
    *b = (Bare){.cfg = *cfg, .name = name, .log = log, .diag = diag};
    b->pm = physmem_new();
    b->mmu = b->pm ? mmu_new(cfg, b->pm) : NULL;
    if (!b->mmu) {
        bare_free(b);
        return NULL;
    }
    return b;
}

void bare_free(Bare *b) {
    if (!b) return;
    mmu_free(b->mmu);
    physmem_free(b->pm);
    free(b);
}

const char *bare_error(const Bare *b) { return b->err; }
const MmuStats *bare_stats(const Bare *b) { return mmu_stats(b->mmu); }
ExpectTally bare_expectations(const Bare *b) { return b->tally; }

static bool fail(Bare *b, const Record *r, const char *fmt, ...) MSG_PRINTF(3, 4);
static bool fail(Bare *b, const Record *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    msg_vat(b->err, sizeof b->err, b->name, r->line, fmt, ap);
    va_end(ap);
    return false;
}

static bool out_of_memory(Bare *b, const Record *r) {
    return fail(b, r, "out of memory for simulated physical memory");
}

/* ---- expectations ----------------------------------------------------------------------- */

static void expect(Bare *b, const Record *r, bool pass, const char *want, const char *got) {
    if (pass) {
        b->tally.passed++;
        return;
    }
    b->tally.failed++;
    fprintf(b->diag, "%s:%" PRIu64 ": expected %s, got %s\n", b->name, r->line, want, got);
}

/* The same words as the --log line: "ok PPPPPPPPPP" or "pf EE cr2=CCCCCCCC". */
static const char *describe(const Outcome *o, char buf[DESC_MAX]) {
    if (!o->valid)
        snprintf(buf, DESC_MAX, "no access");
    else if (o->ok)
        snprintf(buf, DESC_MAX, "ok %010" PRIx64, o->res.paddr);
    else
        snprintf(buf, DESC_MAX, "pf %02" PRIx32 " cr2=%08" PRIx32, o->res.error_code, o->res.cr2);
    return buf;
}

static void expect_ok(Bare *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    const Outcome *o = &b->acc;
    snprintf(want, sizeof want, "ok %010" PRIx64, r->addr);
    expect(b, r, o->valid && o->ok && o->res.paddr == r->addr, want, describe(o, got));
}

/* CR2 must be the access's first byte, or the cr2= the line names (a split access whose
 * second piece faulted reports the page boundary: traces/README.md, splitting). */
static void expect_pf(Bare *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    const Outcome *o = &b->acc;
    uint64_t cr2 = r->has_cr2 ? r->addr : o->start;
    snprintf(want, sizeof want, "pf %02" PRIx64 " cr2=%08" PRIx64, r->value, cr2);
    bool pass = o->valid && !o->ok && o->res.error_code == r->value && o->res.cr2 == cr2;
    expect(b, r, pass, want, describe(o, got));
}

static void expect_gp(Bare *b, const Record *r) {
    char got[DESC_MAX];
    if (b->last == LAST_ACCESS) {
        expect(b, r, false, "gp", describe(&b->acc, got)); /* accesses never raise #GP */
        return;
    }
    if (b->last == LAST_NONE)
        snprintf(got, sizeof got, "no register write");
    else
        snprintf(got, sizeof got, "%s %0*" PRIx64 " without #GP", reg_names[b->last_reg],
                 b->last_reg == REG_EFER ? 16 : 8, b->last_reg_value);
    expect(b, r, b->last == LAST_REG && b->last_reg_gp, "gp", got);
}

static void expect_mem(Bare *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    bool wide = r->expect == EXP_MEM64;
    int digits = wide ? 16 : 8;
    uint64_t v = wide ? physmem_read64(b->pm, r->addr) : physmem_read32(b->pm, r->addr);
    snprintf(want, sizeof want, "%s %010" PRIx64 " %0*" PRIx64, wide ? "mem64" : "mem", r->addr,
             digits, r->value);
    snprintf(got, sizeof got, "%0*" PRIx64, digits, v);
    expect(b, r, v == r->value, want, got);
}

static bool run_expect(Bare *b, const Record *r) {
    switch (r->expect) {
    case EXP_OK: expect_ok(b, r); break;
    case EXP_PF: expect_pf(b, r); break;
    case EXP_GP: expect_gp(b, r); break;
    case EXP_MEM:
    case EXP_MEM64: expect_mem(b, r); break;
    default:
        return fail(b, r, "'expect fault' needs the memory manager; bare-mode traces cannot "
                          "use it");
    }
    return true;
}

/* ---- accesses --------------------------------------------------------------------------- */

/* At most two pieces: sizes are at most one page. Linear addresses wrap at 4 GiB. */
static size_t split(uint32_t la, uint32_t size, Piece pc[2]) {
    uint32_t room = PAGE_SIZE - (la & (PAGE_SIZE - 1));
    if (size <= room) {
        pc[0] = (Piece){.la = la, .len = size};
        return 1;
    }
    pc[0] = (Piece){.la = la, .len = room};
    pc[1] = (Piece){.la = la + room, .len = size - room};
    return 2;
}

static void log_piece(Bare *b, const Record *r, const Piece *p, const Result *res) {
    fprintf(b->log, "%s %08" PRIx32 " %" PRIu32 " ", r->keyword, p->la, p->len);
    if (res->vector)
        fprintf(b->log, "pf %02" PRIx32 " cr2=%08" PRIx32 "\n", res->error_code, res->cr2);
    else
        fprintf(b->log, "ok %010" PRIx64 " %s\n", res->paddr, source_names[res->source]);
}

/* Translate the pieces in order; returns how many translated. */
static size_t translate(Bare *b, const Record *r, Piece *pc, size_t n) {
    Outcome o = {.valid = true, .ok = true, .start = pc[0].la};
    size_t done = 0;
    for (; done < n; done++) {
        Access a = {.la = pc[done].la, .kind = r->access, .implicit = r->implicit};
        Result res;
        mmu_access(b->mmu, &a, &res);
        if (b->log) log_piece(b, r, &pc[done], &res);
        pc[done].paddr = res.paddr;
        if (done == 0 || res.vector) o.res = res;
        if (res.vector) {
            o.ok = false;
            break;
        }
    }
    b->acc = o;
    b->last = LAST_ACCESS;
    return done;
}

/* S =VALUE: little-endian, byte k of the value to the k-th byte of the access. */
static bool store_value(Bare *b, const Record *r, const Piece *pc, size_t n) {
    uint8_t bytes[8];
    for (uint32_t k = 0; k < r->size; k++) bytes[k] = (uint8_t)(r->value >> (8 * k));
    for (size_t i = 0, off = 0; i < n; off += pc[i].len, i++)
        if (!physmem_write(b->pm, pc[i].paddr, bytes + off, pc[i].len))
            return out_of_memory(b, r);
    return true;
}

/* L =VALUE: an expectation on the bytes read; a load that faulted read nothing. */
static void check_value(Bare *b, const Record *r, const Piece *pc, size_t n) {
    char want[DESC_MAX], got[DESC_MAX];
    int digits = (int)(2 * r->size);
    snprintf(want, sizeof want, "value %0*" PRIx64, digits, r->value);
    if (!b->acc.ok) {
        expect(b, r, false, want, describe(&b->acc, got));
        return;
    }
    uint8_t bytes[8];
    for (size_t i = 0, off = 0; i < n; off += pc[i].len, i++)
        physmem_read(b->pm, pc[i].paddr, bytes + off, pc[i].len);
    uint64_t v = 0;
    for (uint32_t k = r->size; k-- > 0;) v = (v << 8) | bytes[k];
    snprintf(got, sizeof got, "value %0*" PRIx64, digits, v);
    expect(b, r, v == r->value, want, got);
}

static bool run_access(Bare *b, const Record *r) {
    Piece pc[2];
    size_t n = split((uint32_t)r->addr, r->size, pc);
    size_t done = translate(b, r, pc, n);
    if (!r->has_value) return true;
    if (r->keyword[0] == 'S') return done == n ? store_value(b, r, pc, n) : true;
    check_value(b, r, pc, n);
    return true;
}

/* ---- the other records ------------------------------------------------------------------ */

static bool run_reg(Bare *b, const Record *r) {
    int st;
    switch (r->reg) {
    case REG_CR0: st = mmu_write_cr0(b->mmu, (uint32_t)r->value); break;
    case REG_CR3: st = mmu_write_cr3(b->mmu, (uint32_t)r->value); break;
    case REG_CR4: st = mmu_write_cr4(b->mmu, (uint32_t)r->value); break;
    default: st = mmu_write_efer(b->mmu, r->value); break;
    }
    int digits = r->reg == REG_EFER ? 16 : 8;
    if (st == MMU_UNSUPPORTED)
        return fail(b, r, "%s %0*" PRIx64 " is not supported by the model (long mode, EFER.LME, "
                          "is not modelled)", reg_names[r->reg], digits, r->value);
    b->last = LAST_REG;
    b->last_reg = r->reg;
    b->last_reg_value = r->value;
    b->last_reg_gp = st == MMU_GP;
    if (b->log && st == MMU_GP)
        fprintf(b->log, "%s %0*" PRIx64 " gp\n", reg_names[r->reg], digits, r->value);
    return true;
}

/* The reader checked the value on a scratch configuration; applying it cannot fail. */
static bool run_config(Bare *b, const Record *r) {
    const char *why = knob_set(&b->cfg, r->knob, r->text);
    if (why) return fail(b, r, "config %s %s: %s", r->knob->name, r->text, why);
    if (mmu_set_profile(b->mmu, &b->cfg.profile) != MMU_OK)
        return fail(b, r, "config %s %s: the loaded PAE PDPTE registers would have reserved bits "
                          "(change the profile before enabling PAE paging)",
                    r->knob->name, r->text);
    return true;
}

static bool run_poke(Bare *b, const Record *r) {
    bool ok = r->size == 8 ? physmem_write64(b->pm, r->addr, r->value)
                           : physmem_write32(b->pm, r->addr, (uint32_t)r->value);
    return ok ? true : out_of_memory(b, r);
}

bool bare_exec(Bare *b, const Record *r) {
    switch (r->kind) {
    case REC_ACCESS: return run_access(b, r);
    case REC_EXPECT: return run_expect(b, r);
    case REC_REG: return run_reg(b, r);
    case REC_POKE: return run_poke(b, r);
    case REC_INVLPG: mmu_invlpg(b->mmu, (uint32_t)r->addr); return true;
    case REC_CPL: mmu_set_cpl(b->mmu, (uint8_t)r->value); return true;
    case REC_EFLAGS: mmu_set_eflags(b->mmu, (uint32_t)r->value); return true;
    case REC_CONFIG: return run_config(b, r);
    case REC_MODE: return true;
    default: break;
    }
    return fail(b, r, "OS-mode event '%s' is not allowed in a bare-mode trace", r->keyword);
}
