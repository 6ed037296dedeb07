/* exec.c - the trace executor, bare and OS mode; see exec.h. */
#include "exec.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/knobs.h"
#include "mmusim/physmem.h"
#include "mmusim/mm_assert.h"
#include "mmb.h"
#include "msg.h"
#include "options.h"

#define PAGE_SIZE 4096u
#define DESC_MAX 64 /* a described outcome: "pf 07 cr2=00401ffe" */
#define RETRIES_MAX 4 /* faults one translation may take before the model is declared stuck */
#define EXTRA_FIXED 32 /* the memory manager's counters before the per-process ones */
#if defined(__GNUC__)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UNLIKELY(x) (x)
#endif

/* The latest access, as expectations see it. */
typedef struct {
    bool valid;   /* an access has run */
    bool ok;      /* every piece translated */
    uint32_t start; /* the access's first byte */
    Result res;   /* ok: the first piece's result; else the faulting piece's */
    uint8_t nfaults;                  /* OS mode: faults the OS resolved, in order */
    uint8_t fault[RECORD_FAULTS_MAX];
} Outcome;

/* What "expect gp" looks at: the latest register write, unless an access came after it. */
typedef enum { LAST_NONE, LAST_ACCESS, LAST_REG } LastEvent;

typedef struct {
    uint32_t la, len;
    uint64_t paddr;
} Piece;

struct Exec {
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
    bool mode_known, os_mode;
    uint32_t check_every, since_check;
    uint64_t accesses;  /* access records executed (a split access counts once) */
    OsConfig oscfg;
    Os *os;
    ExtraStat *extra;
    ExecTranslate xlate;  /* NULL: mmu_access */
    void *xlate_ctx;
    char err[1536];
};

static const char *const reg_names[] = {[REG_CR0] = "cr0", [REG_CR3] = "cr3",
                                        [REG_CR4] = "cr4", [REG_EFER] = "efer"};
static const char *const source_names[] = {[SRC_UNPAGED] = "unpaged", [SRC_L1] = "l1",
                                           [SRC_L2] = "l2", [SRC_WALK] = "walk"};

Exec *exec_new(const MmuConfig *cfg, const OsConfig *oscfg, uint32_t check_every,
               const char *name, FILE *log, FILE *diag) {
    Exec *b = malloc(sizeof *b);
    if (!b) return NULL;
    *b = (Exec){.cfg = *cfg, .oscfg = *oscfg, .check_every = check_every, .name = name, .log = log,
                .diag = diag};
    b->pm = physmem_new();
    b->mmu = b->pm ? mmu_new(cfg, b->pm) : NULL;
    if (!b->mmu) {
        exec_free(b);
        return NULL;
    }
    return b;
}

void exec_free(Exec *b) {
    if (!b) return;
    os_free(b->os);
    free(b->extra);
    mmu_free(b->mmu);
    physmem_free(b->pm);
    free(b);
}

const char *exec_error(const Exec *b) { return b->err; }
void exec_set_name(Exec *b, const char *name) { b->name = name; }
void exec_set_translator(Exec *b, ExecTranslate fn, void *ctx) {
    b->xlate = fn;
    b->xlate_ctx = ctx;
}
Mmu *exec_mmu(const Exec *b) { return b->mmu; }
Physmem *exec_physmem(const Exec *b) { return b->pm; }
const MmuStats *exec_stats(const Exec *b) { return mmu_stats(b->mmu); }
ExpectTally exec_expectations(const Exec *b) { return b->tally; }

static bool fail(Exec *b, const Record *r, const char *fmt, ...) MSG_PRINTF(3, 4);
static bool fail(Exec *b, const Record *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    msg_vat(b->err, sizeof b->err, b->name, r->line, fmt, ap);
    va_end(ap);
    return false;
}

static bool out_of_memory(Exec *b, const Record *r) {
    return fail(b, r, "out of memory for simulated physical memory");
}

/* ---- expectations ----------------------------------------------------------------------- */

static void expect(Exec *b, const Record *r, bool pass, const char *want, const char *got) {
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

static void expect_ok(Exec *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    const Outcome *o = &b->acc;
    snprintf(want, sizeof want, "ok %010" PRIx64, r->addr);
    expect(b, r, o->valid && o->ok && o->res.paddr == r->addr, want, describe(o, got));
}

/* CR2 must be the access's first byte, or the cr2= the line names (a split access whose
 * second piece faulted reports the page boundary: traces/README.md, splitting). */
static void expect_pf(Exec *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    const Outcome *o = &b->acc;
    uint64_t cr2 = r->has_cr2 ? r->addr : o->start;
    snprintf(want, sizeof want, "pf %02" PRIx64 " cr2=%08" PRIx64, r->value, cr2);
    bool pass = o->valid && !o->ok && o->res.error_code == r->value && o->res.cr2 == cr2;
    expect(b, r, pass, want, describe(o, got));
}

static void expect_gp(Exec *b, const Record *r) {
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

static void expect_mem(Exec *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    bool wide = r->expect == EXP_MEM64;
    int digits = wide ? 16 : 8;
    uint64_t v = wide ? physmem_read64(b->pm, r->addr) : physmem_read32(b->pm, r->addr);
    snprintf(want, sizeof want, "%s %010" PRIx64 " %0*" PRIx64, wide ? "mem64" : "mem", r->addr,
             digits, r->value);
    snprintf(got, sizeof got, "%0*" PRIx64, digits, v);
    expect(b, r, v == r->value, want, got);
}

/* "demand-zero+cow", or "none" when the access took no fault. */
static const char *fault_list(const uint8_t *cls, unsigned n, char buf[DESC_MAX]) {
    size_t o = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, DESC_MAX - o, "%s%s", i ? "+" : "",
                              fault_class_name((FaultClass)cls[i]));
    return n ? buf : "none";
}

static void expect_fault(Exec *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX], w[DESC_MAX], g[DESC_MAX];
    uint8_t cls[RECORD_FAULTS_MAX];
    unsigned n = r->size;
    for (unsigned i = 0; i < n; i++) cls[i] = (uint8_t)(r->value >> (4 * i) & 0xF);
    if (n == 1 && cls[0] == FAULT_NONE) n = 0;
    const Outcome *o = &b->acc;
    snprintf(want, sizeof want, "fault %s", fault_list(cls, n, w));
    if (!o->valid) snprintf(got, sizeof got, "no access");
    else snprintf(got, sizeof got, "fault %s", fault_list(o->fault, o->nfaults, g));
    expect(b, r, o->valid && o->nfaults == n && memcmp(o->fault, cls, n) == 0, want, got);
}

/* expect stat NAME V: the paging unit's counters, then the memory manager's rows. */
static bool expect_stat(Exec *b, const Record *r) {
    char want[DESC_MAX], got[DESC_MAX];
    bool found = false;
    uint64_t v = 0;
    for (size_t i = 0; !found && i < stats_count(); i++)
        if (strcmp(stats_info(i)->name, r->path) == 0) found = true, v = stats_value(mmu_stats(b->mmu), stats_info(i));
    size_t n = 0;
    const ExtraStat *x = found ? NULL : exec_extra_stats(b, &n);
    for (size_t i = 0; !found && i < n; i++)
        if (strcmp(x[i].name, r->path) == 0) found = true, v = x[i].value;
    if (!found) return fail(b, r, "unknown statistic '%s' (the names are those the report prints)", r->path);
    snprintf(want, sizeof want, "stat %.*s %" PRIu64, DESC_MAX / 2, r->path, r->value);
    snprintf(got, sizeof got, "%" PRIu64, v);
    expect(b, r, v == r->value, want, got);
    return true;
}

static bool run_expect(Exec *b, const Record *r) {
    switch (r->expect) {
    case EXP_OK: expect_ok(b, r); break;
    case EXP_PF: expect_pf(b, r); break;
    case EXP_GP: expect_gp(b, r); break;
    case EXP_MEM:
    case EXP_MEM64: expect_mem(b, r); break;
    case EXP_STAT: return expect_stat(b, r);
    default:
        if (!b->os)
            return fail(b, r, "'expect fault' needs the memory manager; bare-mode traces cannot "
                              "use it");
        expect_fault(b, r);
    }
    return true;
}

/* ---- accesses --------------------------------------------------------------------------- */

static bool start_os(Exec *b, const Record *r);

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

/* One line per translation attempt; in OS mode a #PF line ends with how the OS resolved it. */
static void log_piece(Exec *b, const Record *r, const Piece *p, const Result *res, int cls) {
    fprintf(b->log, "%s %08" PRIx32 " %" PRIu32 " ", r->keyword, p->la, p->len);
    if (res->vector)
        fprintf(b->log, "pf %02" PRIx32 " cr2=%08" PRIx32 "%s%s\n", res->error_code, res->cr2,
                cls >= 0 ? " fault " : "", cls >= 0 ? fault_class_name((FaultClass)cls) : "");
    else
        fprintf(b->log, "ok %010" PRIx64 " %s\n", res->paddr, source_names[res->source]);
}

static bool check_invariants(Exec *b, const Record *r) {
    if (!b->check_every || ++b->since_check < b->check_every) return true;
    b->since_check = 0;
    const char *bad = os_check(b->os);
    return bad ? fail(b, r, "invariant violated after this record: %s", bad) : true;
}

/* OS mode: hand a #PF to the memory manager. 1: retry; 0: skip the access; -1: fatal. */
static int resolve(Exec *b, const Record *r, Outcome *o, const Result *res, int *cls) {
    FaultClass c = os_page_fault(b->os, res->cr2, res->error_code);
    *cls = (int)c;
    if (os_fatal(b->os)) {
        fail(b, r, "memory manager: %s", os_fatal(b->os));
        return -1;
    }
    if (o->nfaults == RECORD_FAULTS_MAX) {
        fail(b, r, "the access faulted more than %d times: its pages keep evicting each other "
                   "(raise --os.ws-max)", RECORD_FAULTS_MAX);
        return -1;
    }
    o->fault[o->nfaults++] = (uint8_t)c;
    return c != FAULT_GUARD && c != FAULT_AV;
}

/* Translate the pieces in order; returns how many translated, or -1 on a fatal OS error. When
 * the OS resolved a fault of the second piece, the first is translated again: resolving it may
 * have changed the first page's mapping (a working-set eviction, a copy-on-write). */
static int translate(Exec *b, const Record *r, Piece *pc, size_t n, bool first_done) {
    /* Written in place: building an Outcome on the stack and copying it costs store-forwarding
     * stalls on every access (osbench shows them). first_done: the batch loop has made the
     * first piece's first attempt, and its result is in o->res. */
    Outcome *o = &b->acc;
    o->valid = o->ok = true;
    o->start = pc[0].la;
    o->nfaults = 0;
    size_t done = 0;
    for (; done < n; done++) {
        Access a = {.la = pc[done].la, .kind = r->access, .implicit = r->implicit};
        Result piece, *res = done == 0 ? &o->res : &piece;
        bool resolved = false;
        for (;;) {
            if (!first_done) {
                const char *why = NULL;
                if (!b->xlate) mmu_access(b->mmu, &a, res);
                else if (!b->xlate(b->xlate_ctx, &a, res, &why)) {
                    fail(b, r, "%s", why ? why : "the translator stopped the run");
                    return -1;
                }
            }
            first_done = false;
            int cls = -1, st = 1;
            if (res->vector == VEC_PF && b->os) st = resolve(b, r, o, res, &cls);
            if (b->log) log_piece(b, r, &pc[done], res, cls);
            if (st < 0) return -1;
            if (!res->vector || st == 0 || cls < 0) break;
            resolved = true;
        }
        pc[done].paddr = res->paddr;
        if (res->vector) {
            if (res != &o->res) o->res = *res;
            o->ok = false;
            break;
        }
        if (resolved && done > 0) done = (size_t)-1; /* again from the first piece */
    }
    if (b->os && o->nfaults) os_access_done(b->os);
    b->last = LAST_ACCESS;
    return (int)done;
}

/* S =VALUE: little-endian, byte k of the value to the k-th byte of the access. */
static bool store_value(Exec *b, const Record *r, const Piece *pc, size_t n) {
    uint8_t bytes[8];
    for (uint32_t k = 0; k < r->size; k++) bytes[k] = (uint8_t)(r->value >> (8 * k));
    for (size_t i = 0, off = 0; i < n; off += pc[i].len, i++)
        if (!physmem_write(b->pm, pc[i].paddr, bytes + off, pc[i].len))
            return out_of_memory(b, r);
    return true;
}

/* L =VALUE: an expectation on the bytes read; a load that faulted read nothing. */
static void check_value(Exec *b, const Record *r, const Piece *pc, size_t n) {
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

static bool run_access_from(Exec *b, const Record *r, bool first_done) {
    if (b->os && !os_current(b->os))
        return fail(b, r, "access before any 'switch': no process is running");
    Piece pc[2];
    size_t n = split((uint32_t)r->addr, r->size, pc);
    int done = translate(b, r, pc, n, first_done);
    if (done < 0) return false;
    if (r->has_value && r->keyword[0] == 'S') {
        if ((size_t)done == n && !store_value(b, r, pc, n)) return false;
    } else if (r->has_value) {
        check_value(b, r, pc, n);
    }
    return b->os ? check_invariants(b, r) : true;
}

static bool run_access(Exec *b, const Record *r) {
    b->accesses++;
    return run_access_from(b, r, false);
}

/* The lean loop: an access that fits in its page is one mmu_access(), and only a fault, a
 * split, a log or a checker run takes the general path. Expectations look at b->acc, which
 * holds the last access's outcome when the batch ends. */
bool exec_batch(Exec *b, const AccessBatch *bt) {
    if (!b->mode_known) { /* an access first: an OS-mode trace */
        Record r;
        access_record(bt, 0, &r);
        b->mode_known = b->os_mode = true;
        if (!start_os(b, &r)) return false;
    }
    b->accesses += bt->n;
    bool lean = !b->log && !(b->os && b->check_every) && !b->xlate;
    if (b->os && !os_current(b->os)) lean = false; /* run_access() reports it */
    Outcome *o = &b->acc;
    bool last_lean = false;
    for (size_t k = 0; k < bt->n; k++) {
        uint64_t w = bt->w[k];
        uint32_t la = (uint32_t)w, size = (uint32_t)(w >> 40 & 0xFF);
        if (UNLIKELY(!lean || (la & (PAGE_SIZE - 1)) + size > PAGE_SIZE)) {
            Record r;
            access_record(bt, k, &r);
            if (!run_access_from(b, &r, false)) return false;
            last_lean = false;
            continue;
        }
        Access a = {.la = la, .kind = mmb_kind_access[w >> 32 & 3]};
        mmu_access(b->mmu, &a, &o->res);
        last_lean = true;
        if (UNLIKELY(o->res.vector)) {
            Record r;
            access_record(bt, k, &r);
            if (!run_access_from(b, &r, true)) return false;
            last_lean = false;
        }
    }
    if (last_lean) {
        o->valid = o->ok = true;
        o->start = (uint32_t)bt->w[bt->n - 1];
        o->nfaults = 0;
    }
    b->last = LAST_ACCESS;
    return true;
}

/* ---- the other records ------------------------------------------------------------------ */

static bool run_reg(Exec *b, const Record *r) {
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
static bool run_config(Exec *b, const Record *r) {
    const char *why = knob_set(&b->cfg, r->knob, r->text);
    if (why) return fail(b, r, "config %s %s: %s", r->knob->name, r->text, why);
    if (mmu_set_profile(b->mmu, &b->cfg.profile) != MMU_OK)
        return fail(b, r, "config %s %s: the loaded PAE PDPTE registers would have reserved bits "
                          "(change the profile before enabling PAE paging)",
                    r->knob->name, r->text);
    return true;
}

static bool run_poke(Exec *b, const Record *r) {
    bool ok = r->size == 8 ? physmem_write64(b->pm, r->addr, r->value)
                           : physmem_write32(b->pm, r->addr, (uint32_t)r->value);
    return ok ? true : out_of_memory(b, r);
}

/* ---- OS mode ------------------------------------------------------------------------------- */

static bool start_os(Exec *b, const Record *r) {
    b->os = os_new(&b->oscfg, b->pm, b->mmu);
    if (!b->os) return out_of_memory(b, r);
    mmu_set_cpl(b->mmu, 3); /* every access in an OS-mode trace is a user-mode access */
    return true;
}

static bool run_os_event(Exec *b, const Record *r) {
    const char *e;
    switch (r->os) {
    case OSEV_PROC: e = os_proc_create(b->os, r->pid); break;
    case OSEV_EXIT: e = os_exit(b->os, r->pid); break;
    case OSEV_SWITCH: e = os_switch(b->os, r->pid); break;
    case OSEV_RESERVE: e = os_reserve(b->os, r->pid, r->base, r->len, r->prot); break;
    case OSEV_COMMIT: e = os_commit(b->os, r->pid, r->base, r->len, r->prot); break;
    case OSEV_ALLOC: e = os_alloc(b->os, r->pid, r->base, r->len, r->prot); break;
    case OSEV_DECOMMIT: e = os_decommit(b->os, r->pid, r->base, r->len); break;
    case OSEV_FREE: e = os_release(b->os, r->pid, r->base, r->len); break;
    case OSEV_PROTECT: e = os_protect(b->os, r->pid, r->base, r->len, r->prot); break;
    case OSEV_TICK: e = os_tick(b->os, r->count); break;
    case OSEV_IDLE: e = os_idle(b->os); break;
    case OSEV_FORK: e = os_fork(b->os, r->pid, r->pid2); break;
    case OSEV_EXEC: e = os_exec(b->os, r->pid); break;
    case OSEV_SECTION:
        e = os_section(b->os, r->sid, r->offset, r->sec_reserve, r->sec_file ? r->path : NULL);
        break;
    case OSEV_CLOSE: e = os_close(b->os, r->sid); break;
    case OSEV_MAP: e = os_map(b->os, r->pid, r->sid, r->base, r->len, r->offset, r->prot); break;
    case OSEV_UNMAP: e = os_unmap(b->os, r->pid, r->base, r->has_len, r->len); break;
    default: MM_ASSERT(0);
    }
    if (e) return fail(b, r, "%s: %s", r->keyword, e);
    return check_invariants(b, r);
}

/* Records that belong to bare mode, where the trace owns the CPU. */
static bool bare_only(const Record *r) {
    return r->kind == REC_REG || r->kind == REC_EFLAGS || r->kind == REC_CPL ||
           r->kind == REC_POKE || r->kind == REC_INVLPG || r->kind == REC_CONFIG ||
           (r->kind == REC_EXPECT && r->expect == EXP_GP);
}

static bool exec_os(Exec *b, const Record *r) {
    if (r->kind == REC_ACCESS) return run_access(b, r); /* the common case first */
    if (bare_only(r))
        return fail(b, r, "'%s%s' is a bare-mode record; in an OS-mode trace the memory manager "
                          "owns the CPU and physical memory",
                    r->keyword, r->kind == REC_EXPECT ? " gp" : "");
    if (r->kind == REC_OS) return run_os_event(b, r);
    return run_expect(b, r);
}

static const char accesses_help[] = "access records replayed (a page-crossing access counts once)";

const ExtraStat *exec_extra_stats(Exec *b, size_t *n) {
    *n = 0;
    if (!b->os) {
        ExtraStat *x = realloc(b->extra, sizeof *x);
        if (!x) return NULL;
        b->extra = x;
        snprintf(x->name, sizeof x->name, "trace.accesses");
        x->value = b->accesses;
        x->help = accesses_help;
        *n = 1;
        return x;
    }
    uint32_t pid, nproc = 0;
    OsFaultStats ps;
    while (os_process_stats(b->os, nproc, &pid, &ps)) nproc++;
    ExtraStat *x = realloc(b->extra, (EXTRA_FIXED + os_knob_count() + (size_t)nproc * FAULT_CLASSES) * sizeof *x);
    if (!x) return NULL;
    b->extra = x;
    const OsStats *s = os_stats(b->os);
    size_t k = 0;
    for (size_t i = 0; i < os_knob_count(); i++) { /* the run header's memory-manager part */
        const OsKnob *kn = os_knob_get(i);
        snprintf(x[k].name, sizeof x[k].name, "config.%s", kn->name);
        x[k].value = *(const uint32_t *)((const char *)&b->oscfg + kn->offset);
        x[k++].help = "memory-manager knob";
    }
#define EXTRA(nm, v, h) (snprintf(x[k].name, sizeof x[k].name, "%s", nm), x[k].value = (v), x[k++].help = (h))
    EXTRA("trace.accesses", b->accesses, accesses_help);
    for (int c = 1; c < FAULT_CLASSES; c++) {
        snprintf(x[k].name, sizeof x[k].name, "os.fault.%s", fault_class_name((FaultClass)c));
        x[k].value = s->total.faults[c];
        x[k++].help = "page faults the memory manager resolved this way";
    }
    EXTRA("os.fault.proto", s->total.proto_resolved, "faults resolved through a prototype PTE");
    EXTRA("os.pagefile.reads", s->pagefile_reads, "pages read from the paging file");
    EXTRA("os.pagefile.writes", s->pagefile_writes, "pages written to the paging file");
    EXTRA("os.pagefile.used", s->pagefile_used, "paging-file slots in use at the end");
    EXTRA("os.file.reads", s->file_reads, "pages read from mapped files");
    EXTRA("os.file.writes", s->file_writes, "pages the mapped page writer wrote to files");
    EXTRA("os.proto.used", s->protos_used, "prototype PTEs in use at the end (segments, fork clones)");
    EXTRA("os.pages.zeroed", s->pages_zeroed, "pages zeroed");
    EXTRA("os.pages.repurposed", s->repurposed, "standby pages taken for a new use");
    EXTRA("os.ws.trims", s->trims, "working-set aging passes");
    EXTRA("os.ws.removals", s->ws_removals, "pages taken out of working sets");
    EXTRA("os.list.zeroed", s->list[0], "pages on the Zeroed list at the end");
    EXTRA("os.list.free", s->list[1], "pages on the Free list at the end");
    EXTRA("os.list.standby", s->list[2], "pages on the Standby list at the end");
    EXTRA("os.list.modified", s->list[3], "pages on the Modified list at the end");
    EXTRA("os.list.active", s->active, "pages in use at the end");
#undef EXTRA
    MM_ASSERT(k <= EXTRA_FIXED + os_knob_count()); /* EXTRA_FIXED covers the rows above */
    for (uint32_t i = 0; os_process_stats(b->os, i, &pid, &ps); i++) {
        for (int c = 1; c < FAULT_CLASSES; c++) {
            snprintf(x[k].name, sizeof x[k].name, "os.pid.%u.fault.%s", pid,
                     fault_class_name((FaultClass)c));
            x[k].value = ps.faults[c];
            x[k++].help = "page faults of this process";
        }
        snprintf(x[k].name, sizeof x[k].name, "os.pid.%u.fault.proto", pid);
        x[k].value = ps.proto_resolved;
        x[k++].help = "faults of this process resolved through a prototype PTE";
    }
    *n = k;
    return x;
}

bool exec_finish(Exec *b) {
    const char *bad = b->os && b->check_every ? os_check(b->os) : NULL;
    if (bad) snprintf(b->err, sizeof b->err, "%s: invariant violated at the end of the trace: %s", b->name, bad);
    return !bad;
}

bool exec_record(Exec *b, const Record *r) {
    if (!b->mode_known) {
        b->mode_known = true;
        b->os_mode = r->kind != REC_MODE;
        if (b->os_mode && !start_os(b, r)) return false;
    }
    if (b->os_mode) return exec_os(b, r);
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
