/* mmstress.c - seeded random generator of OS-mode MMT v1 traces with a built-in oracle of
 * data values.
 *
 *     mmstress [--seed N] [--ops N] [--procs N] [--features LIST] > trace.mmt
 *     mmstress --seed 7 --ops 250000 | mmusim --check --os.ram=48 -
 *
 * WHAT IT GENERATES
 *   An MMT v1 OS-mode trace (traces/README.md) of --ops records (events and accesses; the
 *   `expect` lines are not counted), the same bytes for the same arguments: the generator uses
 *   its own splitmix64 stream, never rand(). Every event is legal (the simulator stops with
 *   exit 2 on an illegal one), so a correct simulator exits 0 on every trace. The trace checks
 *   itself through
 *     - `S ADDR SIZE =V` with random values and `L ADDR SIZE =V` with the oracle's value, on
 *       accesses the oracle knows are legal (sizes 1, 2, 4, 8; some cross a page boundary into
 *       another legal page of the same or an adjacent VAD);
 *     - illegal accesses on one page followed by `expect fault av`, or `expect fault guard` for
 *       the first touch of a guard page. Legal accesses never carry `expect fault`: their
 *       class (none, demand-zero, soft, hard, cow) depends on memory pressure.
 *   Accesses that cross into an illegal page carry no expectation; a store among them keeps its
 *   value, and later loads check that it wrote nothing.
 *
 *   --features is a comma list of groups (default `all`):
 *     private   alloc/reserve/commit/decommit/free/protect, protections NA RO RW X XR XRW,
 *               RO+G / RW+G guard pages and a few +NC (no-cache: nothing the oracle sees)
 *     sections  anonymous sections (also SEC_RESERVE ones, committed by `commit` inside a
 *               view), map/unmap with RO RW WC XR XRW XWC, close
 *     files     file sections on four fixed paths (lib/a.so, lib/b.so, bin/app, data/x.dat)
 *     fork      fork
 *     exec      exec
 *     pressure  frequent `tick N` and `idle` (give the simulator a small --os.ram= as well)
 *   proc, switch (sometimes with a TID) and exit are always generated. --procs bounds the live
 *   processes (default 4). New pids come from a bounded pool, so exited pids come back (a
 *   reused pid must start empty); a closed SID sometimes comes back too. A file section's SIZE
 *   is its path's fixed size or a whole number of pages below it; anonymous sizes are any byte
 *   count up to 64 pages.
 *
 * THE ORACLE (semantics only, not NT internals)
 *   - A process has VADs: private allocations (per page: committed or not, protection, guard
 *     bit, bytes) and views (section, page offset, protection; a write-copy view also holds the
 *     pages this process has copied).
 *   - Access legality, exactly as the simulator implements it: the page is in a VAD, committed
 *     (private: by alloc or commit and not decommitted since; view: the section page is
 *     committed, which a SEC_RESERVE section's pages are only after `commit` inside a view of
 *     it, for every view), and the protection allows the access: read and fetch for every
 *     protection except NA; write (S, M) for RW WC XRW XWC. On a guard page (+G) whose
 *     protection allows the access, the access is a guard fault: it is skipped and clears the
 *     guard; an access its protection does not allow is an access violation and leaves the
 *     guard armed (the access check comes before the guard check, as in NT's MiAccessCheck).
 *     Addresses outside 00010000-7ffeffff are access violations.
 *   - An access is split at the page boundary; pieces are translated in order and the first
 *     faulting piece stops it. A write piece on a write-copy page this process has not copied
 *     makes the copy when it translates, even if the next piece then faults; the bytes are
 *     stored only when every piece translated.
 *   - Private memory and anonymous sections start zeroed. alloc commits every page; reserve
 *     none. commit commits a range with the given protection (already committed pages keep
 *     their bytes and take the new protection and guard); decommit drops the bytes; protect
 *     (every page committed) changes protection and guard and keeps the bytes; free releases a
 *     whole allocation.
 *   - Files: byte o of file PATH is byte (o mod 8) of the little-endian word
 *     splitmix64(fnv1a64(PATH) + o/8). Stores through RW/XRW views of any section on PATH
 *     change the file for every section and view on PATH, and the contents outlive every
 *     section and view. Bytes of the last page at or past the path's size are not checked.
 *   - A write-copy view page reads the section's current bytes until this process first writes
 *     it; from then on it reads its private copy.
 *   - fork: the child gets a snapshot of every private page and of every private copy in its
 *     write-copy views (protections, commit state and armed guards included), and the parent's
 *     views, shared: RW views stay coherent with the parent, and write-copy pages neither
 *     process copied keep following the section.
 *   - exec empties the address space and keeps the pid (and the process stays current if it
 *     was); exit destroys the process (a `switch` follows when it was current). A section lives
 *     while its handle is open or a view of it exists; `close` drops the handle.
 *   Bytes are kept sparsely in reference-counted 4 KiB pages (only pages ever written, shared
 *   copy-on-write between fork snapshots); processes (--procs), VADs per process (12), live
 *   sections (8) and sizes (64 pages) are bounded, so memory stays bounded at any --ops.
 *
 * SHORT AND LONG MODE
 *   The suite (testbench/stress/CMakeLists.txt) runs 10^5 to 2.5*10^5 records per trace,
 *   1.2*10^6 in all, under several --os.ram values and with the TLB off. The long run is 10^7
 *   records per seed:
 *       mmstress --seed S --ops 10000000 | mmusim --check -
 *   (`--check-every N` instead of `--check` makes it several times faster; configure with
 *   -DMMUSIM_STRESS_LONG=ON to register stress.long.* tests). Page directories and page
 *   tables cannot be paged out, so a small --os.ram needs a small --procs: each process pins
 *   up to 5 pages (--procs 4 runs at --os.ram=48; --procs 16 needs about 128).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define GRAN 0x10000u
#define USER_LOW 0x00010000u
#define USER_HIGH 0x7FFF0000u
#define MAXPROCS 16
#define MAXVADS 12
#define MAXSECS 8
#define MAXPAGES 64 /* VAD, view, section and file size bound */
#define RECENT 16

/* ---- PRNG: splitmix64 ------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x) {
    uint64_t z = x + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state += 0x9e3779b97f4a7c15ull;
    uint64_t z = rng_state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
/* Uniform in [0, n), n >= 1. */
static uint32_t below(uint32_t n) { return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32); }
static bool chance(uint32_t percent) { return below(100) < percent; }

static void *xcalloc(size_t n, size_t sz) {
    void *p = calloc(n, sz);
    if (!p) {
        fprintf(stderr, "mmstress: out of memory\n");
        exit(2);
    }
    return p;
}

/* ---- output ----------------------------------------------------------------------------- */

static char obuf[1 << 16];
static size_t olen;
static uint64_t records; /* records emitted (expect lines not counted) */

static void oflush(void) {
    if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
        fprintf(stderr, "mmstress: write error\n");
        exit(2);
    }
    olen = 0;
}
static void ostr(const char *s) {
    size_t n = strlen(s);
    if (olen + n > sizeof obuf) oflush();
    memcpy(obuf + olen, s, n);
    olen += n;
}
static void ochar(char c) {
    if (olen + 1 > sizeof obuf) oflush();
    obuf[olen++] = c;
}
/* Hex with exactly `digits` digits (0: as few as needed). */
static void ohex(uint64_t v, int digits) {
    char t[17];
    int n = 0;
    do {
        t[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v && n < 16);
    while (n < digits) t[n++] = '0';
    while (n) ochar(t[--n]);
}
static void odec(uint64_t v) {
    char t[21];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) ochar(t[--n]);
}
static void oend(void) {
    ochar('\n');
    records++;
}
static void oexpect(const char *cls) {
    ostr("expect fault ");
    ostr(cls);
    ochar('\n');
}

/* ---- protections -------------------------------------------------------------------------- */

enum { P_NA, P_RO, P_RW, P_X, P_XR, P_XRW, P_WC, P_XWC };
static const char *const prot_names[] = {"NA", "RO", "RW", "X", "XR", "XRW", "WC", "XWC"};
static bool prot_read(int p) { return p != P_NA; }
static bool prot_write(int p) { return p == P_RW || p == P_WC || p == P_XRW || p == P_XWC; }
static bool prot_wc(int p) { return p == P_WC || p == P_XWC; }
enum { P_NC = 0x100 }; /* +NC: no-cache, which changes nothing the oracle sees */
static void oprot(int p, bool guard) {
    ostr(prot_names[p & 7]);
    if (guard) ostr("+G");
    if (p & P_NC) ostr("+NC");
}

/* ---- pages, files, sections --------------------------------------------------------------- */

typedef struct {
    uint32_t ref;
    uint8_t b[PAGE];
} Page;

static Page *page_ref(Page *p) {
    if (p) p->ref++;
    return p;
}
static void page_unref(Page **pp) {
    Page *p = *pp;
    *pp = NULL;
    if (p && --p->ref == 0) free(p);
}

typedef struct {
    const char *path;
    uint32_t size;   /* bytes; every section on the path is at most this size */
    uint64_t hash;   /* fnv1a64(path) */
    Page *pages[MAXPAGES]; /* NULL: the pattern */
} File;

static File files[] = {
    {"lib/a.so", 0x7a31, 0, {0}},
    {"lib/b.so", 0x20000, 0, {0}},
    {"bin/app", 0x3000, 0, {0}},
    {"data/x.dat", 0x3f123, 0, {0}},
};
#define NFILES ((int)(sizeof files / sizeof files[0]))

static uint64_t fnv1a64(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    return h;
}
static uint8_t file_pattern(const File *f, uint32_t off) {
    return (uint8_t)(splitmix64(f->hash + off / 8) >> (8 * (off % 8)));
}

typedef struct {
    bool live, open, reserve;
    int file;          /* -1: anonymous */
    uint32_t sid, size, npages, nviews;
    uint64_t committed; /* SEC_RESERVE: bit i = page i committed */
    Page *pages[MAXPAGES]; /* anonymous contents; NULL: zero */
} Section;

static Section secs[MAXSECS];
static uint32_t next_sid = 1, last_closed_sid;

static void section_put(Section *s) {
    if (s->open || s->nviews) return;
    for (uint32_t i = 0; i < s->npages; i++) page_unref(&s->pages[i]);
    s->live = false;
}

static bool sec_page_committed(const Section *s, uint32_t i) {
    return !s->reserve || (s->committed >> i & 1);
}

/* A content slot: the page pointer and what a NULL pointer means. */
typedef struct {
    Page **pp;
    const File *file; /* NULL: zeroes */
    uint32_t fpage;
} Slot;

static Page *page_default(const Slot *s) {
    Page *p = xcalloc(1, sizeof *p);
    p->ref = 1;
    if (s->file)
        for (uint32_t k = 0; k < PAGE; k++) p->b[k] = file_pattern(s->file, s->fpage * PAGE + k);
    return p;
}
static uint8_t slot_read(const Slot *s, uint32_t off) {
    if (*s->pp) return (*s->pp)->b[off];
    return s->file ? file_pattern(s->file, s->fpage * PAGE + off) : 0;
}
static Page *slot_writable(const Slot *s) {
    Page *p = *s->pp;
    if (!p) return *s->pp = page_default(s);
    if (p->ref == 1) return p;
    Page *n = xcalloc(1, sizeof *n);
    n->ref = 1;
    memcpy(n->b, p->b, PAGE);
    page_unref(s->pp);
    return *s->pp = n;
}

static Slot section_slot(Section *s, uint32_t i) {
    if (s->file >= 0) return (Slot){&files[s->file].pages[i], &files[s->file], i};
    return (Slot){&s->pages[i], NULL, 0};
}

/* ---- processes and VADs ------------------------------------------------------------------- */

enum { PS_PROT = 7, PS_COMMITTED = 8, PS_GUARD = 16 };

typedef struct {
    uint32_t base, npages;
    bool view;
    uint8_t prot;     /* view protection */
    uint8_t *pst;     /* private: per page PS_* bits */
    Page **pages;     /* private: bytes; write-copy view: this process's copies */
    Section *sec;     /* view */
    uint32_t off;     /* view: first section page */
} Vad;

typedef struct {
    uint32_t pid;
    uint32_t nvads;
    Vad vads[MAXVADS]; /* sorted by base */
    uint32_t recent[RECENT]; /* addresses of recent legal stores */
    uint32_t nrecent;
} Proc;

static Proc *procs[MAXPROCS];
static uint32_t nprocs, maxprocs = 4, next_pid = 1;

/* A pid for a new process: mostly one never used, sometimes one that has exited (pids come
 * back, as on a real system; a reused pid must start empty). From a bounded pool, so the
 * simulator's per-pid state stays bounded however long the trace. */
#define PIDPOOL(maxp) (8 * (maxp) + 8)
static uint32_t new_pid(void) {
    /* nprocs < maxprocs < PIDPOOL: past the pool some used pid is free */
    if (next_pid <= PIDPOOL(maxprocs) && (chance(70) || nprocs == next_pid - 1)) return next_pid++;
    for (;;) {
        uint32_t pid = 1 + below(next_pid - 1);
        bool live = false;
        for (uint32_t i = 0; i < nprocs; i++) live |= procs[i]->pid == pid;
        if (!live) return pid;
    }
}
static Proc *cur;

static uint32_t vad_end(const Vad *v) { return v->base + v->npages * PAGE; }

static Vad *find_vad(Proc *p, uint32_t va) {
    for (uint32_t i = 0; i < p->nvads; i++)
        if (va >= p->vads[i].base && va < vad_end(&p->vads[i])) return &p->vads[i];
    return NULL;
}

static void vad_release(Vad *v) {
    for (uint32_t i = 0; i < v->npages; i++) page_unref(&v->pages[i]);
    free(v->pages);
    free(v->pst);
    if (v->view) {
        v->sec->nviews--;
        section_put(v->sec);
    }
}

static Vad *vad_insert(Proc *p, Vad v) {
    uint32_t i = 0;
    while (i < p->nvads && p->vads[i].base < v.base) i++;
    memmove(&p->vads[i + 1], &p->vads[i], (p->nvads - i) * sizeof v);
    p->vads[i] = v;
    p->nvads++;
    return &p->vads[i];
}

static void vad_remove(Proc *p, Vad *v) {
    vad_release(v);
    uint32_t i = (uint32_t)(v - p->vads);
    memmove(&p->vads[i], &p->vads[i + 1], (p->nvads - i - 1) * sizeof *v);
    p->nvads--;
}

static void proc_clear(Proc *p) {
    while (p->nvads) vad_remove(p, &p->vads[p->nvads - 1]);
    p->nrecent = 0;
}

/* Address arenas: 64 KiB-aligned, three page-table ranges (the middle one spans a 4 MiB
 * boundary), the lowest and the highest user addresses included. */
static const uint32_t arenas[][2] = {
    {0x00010000u, 0x00400000u},
    {0x0FE00000u, 0x10200000u},
    {0x7FC00000u, USER_HIGH},
};
#define NARENAS 3

static bool range_free(const Proc *p, uint32_t base, uint32_t len) {
    for (uint32_t i = 0; i < p->nvads; i++) {
        const Vad *v = &p->vads[i];
        if (base < vad_end(v) && v->base < base + len) return false;
    }
    return true;
}

/* A free 64 KiB-aligned base for npages pages, or 0. */
static uint32_t place(const Proc *p, uint32_t npages) {
    uint32_t len = npages * PAGE;
    for (int t = 0; t < 8; t++) {
        uint32_t base;
        if (p->nvads && chance(25)) { /* right after a VAD: adjacent when its end is aligned */
            const Vad *v = &p->vads[below(p->nvads)];
            base = (vad_end(v) + GRAN - 1) & ~(GRAN - 1);
        } else {
            const uint32_t *a = arenas[below(NARENAS)];
            uint32_t slots = (a[1] - a[0]) / GRAN;
            base = a[0] + below(slots) * GRAN;
        }
        bool in_arena = false;
        for (int k = 0; k < NARENAS; k++)
            if (base >= arenas[k][0] && (uint64_t)base + len <= arenas[k][1]) in_arena = true;
        if (in_arena && range_free(p, base, len)) return base;
    }
    return 0;
}

static uint32_t rand_pages(uint32_t max) {
    uint32_t n;
    switch (below(10)) {
    case 0: case 1: case 2: case 3: n = 1 + below(4); break;
    case 4: case 5: case 6: n = 1 + below(16); break;
    case 7: n = 16 * (1 + below(2)); break;
    default: n = 1 + below(MAXPAGES); break;
    }
    return n > max ? max : n;
}

static Proc *rand_proc(void) { return procs[below(nprocs)]; }
/* The current process most of the time. */
static Proc *pick_proc(void) { return cur && (!cur->nvads || chance(75)) ? cur : rand_proc(); }

/* ---- features ----------------------------------------------------------------------------- */

enum { F_PRIVATE = 1, F_SECTIONS = 2, F_FILES = 4, F_FORK = 8, F_EXEC = 16, F_PRESSURE = 32 };
static unsigned features = 63;

/* ---- the access oracle -------------------------------------------------------------------- */

enum { A_OK, A_AV, A_GUARD };
enum { K_READ, K_WRITE, K_FETCH };

/* Is one page piece of an access allowed? Clears an armed guard (A_GUARD) unless peek. */
static int check_piece_peek(Proc *p, uint32_t va, int kind, bool peek) {
    if (va < USER_LOW || va >= USER_HIGH) return A_AV;
    Vad *v = find_vad(p, va);
    if (!v) return A_AV;
    uint32_t i = (va - v->base) / PAGE;
    int prot;
    if (!v->view) {
        if (!(v->pst[i] & PS_COMMITTED)) return A_AV;
        prot = v->pst[i] & PS_PROT;
    } else {
        if (!sec_page_committed(v->sec, v->off + i)) return A_AV;
        prot = v->prot;
    }
    if (kind == K_WRITE ? !prot_write(prot) : !prot_read(prot)) return A_AV;
    if (!v->view && (v->pst[i] & PS_GUARD)) {
        if (!peek) v->pst[i] &= (uint8_t)~PS_GUARD;
        return A_GUARD;
    }
    return A_OK;
}
static int check_piece(Proc *p, uint32_t va, int kind) { return check_piece_peek(p, va, kind, false); }

/* A write piece translated: a write-copy view page gets this process's copy. */
static void write_translated(Proc *p, uint32_t va) {
    Vad *v = find_vad(p, va);
    uint32_t i = (va - v->base) / PAGE;
    if (!v->view || !prot_wc(v->prot) || v->pages[i]) return;
    Slot s = section_slot(v->sec, v->off + i);
    v->pages[i] = *s.pp ? page_ref(*s.pp) : page_default(&s);
}

/* Where the bytes of a (legal) page live for this process. */
static Slot resolve(Proc *p, uint32_t va) {
    Vad *v = find_vad(p, va);
    uint32_t i = (va - v->base) / PAGE;
    if (!v->view) return (Slot){&v->pages[i], NULL, 0};
    if (prot_wc(v->prot) && v->pages[i]) return (Slot){&v->pages[i], NULL, 0};
    return section_slot(v->sec, v->off + i);
}

/* May the byte at va be value-checked? Not past a file's size in its last page. */
static bool byte_known(Proc *p, uint32_t va) {
    Vad *v = find_vad(p, va);
    if (!v->view || v->sec->file < 0) return true;
    uint32_t i = (va - v->base) / PAGE; /* a write-copy copy's tail came from the file too */
    uint64_t off = (uint64_t)(v->off + i) * PAGE + (va & (PAGE - 1));
    return off < files[v->sec->file].size;
}

typedef struct {
    int fault;     /* A_* of the faulting piece, A_OK if none */
    int npieces;
    bool known;    /* every byte read may be value-checked */
    uint64_t value;
} AccResult;

static AccResult do_access(Proc *p, uint32_t va, uint32_t size, int kind, bool store, uint64_t value) {
    AccResult r = {A_OK, 1, true, 0};
    uint32_t first = PAGE - (va & (PAGE - 1));
    uint32_t piece_va[2] = {va, va + first}, piece_len[2] = {size, 0};
    if (size > first) {
        r.npieces = 2;
        piece_len[0] = first;
        piece_len[1] = size - first;
    }
    for (int k = 0; k < r.npieces; k++) {
        int c = check_piece(p, piece_va[k], kind);
        if (c != A_OK) {
            r.fault = c;
            return r;
        }
        if (kind == K_WRITE) write_translated(p, piece_va[k]);
    }
    if (size > 8) return r;
    uint32_t done = 0;
    for (int k = 0; k < r.npieces; k++) {
        Slot s = resolve(p, piece_va[k]);
        uint32_t off = piece_va[k] & (PAGE - 1);
        if (store) {
            Page *pg = slot_writable(&s);
            for (uint32_t j = 0; j < piece_len[k]; j++, done++)
                pg->b[off + j] = (uint8_t)(value >> (8 * done));
        } else if (kind == K_READ) {
            for (uint32_t j = 0; j < piece_len[k]; j++, done++) {
                r.value |= (uint64_t)slot_read(&s, off + j) << (8 * done);
                if (!byte_known(p, piece_va[k] + j)) r.known = false;
            }
        }
    }
    return r;
}

/* ---- events ------------------------------------------------------------------------------- */

static void ev_head(const char *kw, uint32_t pid) {
    ostr(kw);
    ochar(' ');
    odec(pid);
}

static void emit_switch(Proc *p) {
    ev_head("switch", p->pid);
    if (chance(10)) {
        ochar(' ');
        odec(1 + below(8));
    }
    oend();
    cur = p;
}

static bool gen_proc(void) {
    if (nprocs >= maxprocs) return false;
    Proc *p = xcalloc(1, sizeof *p);
    p->pid = new_pid();
    procs[nprocs++] = p;
    ev_head("proc", p->pid);
    if (chance(30)) ostr(chance(50) ? " init" : " worker");
    oend();
    return true;
}

static void proc_destroy(Proc *p) {
    proc_clear(p);
    uint32_t i = 0;
    while (procs[i] != p) i++;
    procs[i] = procs[--nprocs];
    if (cur == p) cur = NULL;
    free(p);
}

static bool gen_exit(void) {
    if (nprocs < 2) return false;
    Proc *p = rand_proc();
    ev_head("exit", p->pid);
    oend();
    bool was_cur = cur == p;
    proc_destroy(p);
    if (was_cur) emit_switch(rand_proc());
    return true;
}

static bool gen_switch(void) {
    emit_switch(rand_proc());
    return true;
}

static bool gen_fork(void) {
    if (nprocs >= maxprocs) return false;
    Proc *parent = rand_proc();
    Proc *c = xcalloc(1, sizeof *c);
    c->pid = new_pid();
    c->nvads = parent->nvads;
    for (uint32_t k = 0; k < parent->nvads; k++) {
        const Vad *pv = &parent->vads[k];
        Vad *v = &c->vads[k];
        *v = *pv;
        v->pages = xcalloc(pv->npages, sizeof *v->pages);
        for (uint32_t i = 0; i < pv->npages; i++) v->pages[i] = page_ref(pv->pages[i]);
        if (!pv->view) {
            v->pst = xcalloc(pv->npages, 1);
            memcpy(v->pst, pv->pst, pv->npages);
        } else {
            v->sec->nviews++;
        }
    }
    procs[nprocs++] = c;
    ostr("fork ");
    odec(parent->pid);
    ochar(' ');
    odec(c->pid);
    oend();
    return true;
}

static const char *const exec_paths[] = {"bin/app", "bin/sh", "usr/bin/tool"};

static bool gen_exec(void) {
    Proc *p = rand_proc();
    ev_head("exec", p->pid);
    ochar(' ');
    ostr(exec_paths[below(3)]);
    oend();
    proc_clear(p);
    return true;
}

/* Private protections: NA RO RW X XR XRW, RO+G / RW+G, and a few +NC. */
static void rand_private_prot(int *prot, bool *guard) {
    static const uint8_t table[] = {P_RW, P_RW, P_RW, P_RW, P_RW, P_RW, P_RO, P_RO, P_RO,
                                    P_XRW, P_XRW, P_XR, P_XR, P_X, P_NA};
    *guard = false;
    uint32_t r = below(100);
    if (r < 8) *prot = P_RW, *guard = true;
    else if (r < 12) *prot = P_RO, *guard = true;
    else *prot = table[below(sizeof table)];
    if (!*guard && *prot != P_NA && chance(3)) *prot |= P_NC;
}

static void range_line(const char *kw, uint32_t pid, uint32_t base, uint32_t len) {
    ev_head(kw, pid);
    ochar(' ');
    ohex(base, 8);
    ochar(' ');
    ohex(len, 0);
}

static bool gen_alloc(bool commit) {
    Proc *p = pick_proc();
    if (p->nvads >= MAXVADS) return false;
    uint32_t n = rand_pages(MAXPAGES), base = place(p, n);
    if (!base) return false;
    int prot;
    bool guard;
    rand_private_prot(&prot, &guard);
    if (!commit) { /* the reservation's protection matters only to a later commit */
        guard = false;
        prot = chance(80) ? P_RW : P_NA;
    }
    range_line(commit ? "alloc" : "reserve", p->pid, base, n * PAGE);
    ochar(' ');
    oprot(prot, guard);
    oend();
    Vad v = {.base = base, .npages = n};
    v.pst = xcalloc(n, 1);
    v.pages = xcalloc(n, sizeof *v.pages);
    if (commit)
        for (uint32_t i = 0; i < n; i++)
            v.pst[i] = (uint8_t)((prot & PS_PROT) | PS_COMMITTED | (guard ? PS_GUARD : 0));
    vad_insert(p, v);
    return true;
}

/* A random VAD of p with the given kind, or NULL. */
static Vad *pick_vad(Proc *p, bool view) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->nvads; i++) n += p->vads[i].view == view;
    if (!n) return NULL;
    uint32_t k = below(n);
    for (uint32_t i = 0; i < p->nvads; i++)
        if (p->vads[i].view == view && k-- == 0) return &p->vads[i];
    return NULL;
}

/* A random page subrange [*first, *first + *count) of v. */
static void subrange(const Vad *v, uint32_t *first, uint32_t *count) {
    if (chance(15)) {
        *first = 0, *count = v->npages;
        return;
    }
    *first = below(v->npages);
    uint32_t room = v->npages - *first;
    *count = chance(50) ? 1 : 1 + below(room);
    if (*count > room) *count = room;
}

static bool gen_commit(void) {
    Proc *p = pick_proc();
    Vad *v = pick_vad(p, false);
    if (!v) return false;
    uint32_t f, n;
    subrange(v, &f, &n);
    int prot;
    bool guard;
    rand_private_prot(&prot, &guard);
    range_line("commit", p->pid, v->base + f * PAGE, n * PAGE);
    ochar(' ');
    oprot(prot, guard);
    oend();
    for (uint32_t i = f; i < f + n; i++) {
        if (!(v->pst[i] & PS_COMMITTED)) page_unref(&v->pages[i]);
        v->pst[i] = (uint8_t)((prot & PS_PROT) | PS_COMMITTED | (guard ? PS_GUARD : 0));
    }
    return true;
}

static bool gen_decommit(void) {
    Proc *p = pick_proc();
    Vad *v = pick_vad(p, false);
    if (!v) return false;
    uint32_t f, n;
    subrange(v, &f, &n);
    range_line("decommit", p->pid, v->base + f * PAGE, n * PAGE);
    oend();
    for (uint32_t i = f; i < f + n; i++) {
        page_unref(&v->pages[i]);
        v->pst[i] = 0;
    }
    return true;
}

static bool gen_protect(void) {
    Proc *p = pick_proc();
    Vad *v = pick_vad(p, false);
    if (!v) return false;
    uint32_t f = below(v->npages);
    while (f < v->npages && !(v->pst[f] & PS_COMMITTED)) f++;
    if (f == v->npages) return false;
    uint32_t max = chance(50) ? 1 : 1 + below(v->npages - f), n = 0;
    while (n < max && f + n < v->npages && (v->pst[f + n] & PS_COMMITTED)) n++;
    int prot;
    bool guard;
    rand_private_prot(&prot, &guard);
    range_line("protect", p->pid, v->base + f * PAGE, n * PAGE);
    ochar(' ');
    oprot(prot, guard);
    oend();
    for (uint32_t i = f; i < f + n; i++)
        v->pst[i] = (uint8_t)((prot & PS_PROT) | PS_COMMITTED | (guard ? PS_GUARD : 0));
    return true;
}

static bool gen_free(void) {
    Proc *p = pick_proc();
    Vad *v = pick_vad(p, false);
    if (!v) return false;
    range_line("free", p->pid, v->base, v->npages * PAGE);
    oend();
    vad_remove(p, v);
    return true;
}

static bool sid_open(uint32_t sid) {
    for (int i = 0; i < MAXSECS; i++)
        if (secs[i].live && secs[i].open && secs[i].sid == sid) return true;
    return false;
}

static bool gen_section(bool file) {
    Section *s = NULL;
    for (int i = 0; i < MAXSECS && !s; i++)
        if (!secs[i].live) s = &secs[i];
    if (!s) return false;
    memset(s, 0, sizeof *s);
    s->live = s->open = true;
    s->file = -1;
    /* SIDs are unique among open sections; a closed one may come back. */
    if (last_closed_sid && chance(10) && !sid_open(last_closed_sid)) s->sid = last_closed_sid;
    else s->sid = next_sid++;
    ostr("section ");
    odec(s->sid);
    ochar(' ');
    if (file) {
        s->file = (int)below(NFILES);
        const File *f = &files[s->file];
        uint32_t full = f->size / PAGE;
        s->size = full && chance(40) ? PAGE * (1 + below(full)) : f->size;
        ohex(s->size, 0);
        ostr(" file:");
        ostr(f->path);
    } else {
        uint32_t n = rand_pages(MAXPAGES);
        s->size = n * PAGE - (chance(25) ? 1 + below(PAGE - 1) : 0);
        s->reserve = chance(40);
        ohex(s->size, 0);
        ostr(s->reserve ? " anon reserve" : " anon");
    }
    s->npages = (s->size + PAGE - 1) / PAGE;
    oend();
    return true;
}

static Section *pick_section(bool open_only) {
    uint32_t n = 0;
    for (int i = 0; i < MAXSECS; i++) n += secs[i].live && (secs[i].open || !open_only);
    if (!n) return NULL;
    uint32_t k = below(n);
    for (int i = 0; i < MAXSECS; i++)
        if (secs[i].live && (secs[i].open || !open_only) && k-- == 0) return &secs[i];
    return NULL;
}

static bool gen_map(void) {
    Section *s = pick_section(true);
    if (!s) return false;
    Proc *p = pick_proc();
    if (p->nvads >= MAXVADS) return false;
    uint32_t off = chance(40) ? 0 : below(s->npages), room = s->npages - off;
    uint32_t n = chance(40) ? room : 1 + below(room);
    uint32_t base = place(p, n);
    if (!base) return false;
    static const uint8_t vprots[] = {P_RO, P_RW, P_RW, P_WC, P_WC, P_XR, P_XRW, P_XWC};
    int prot = vprots[below(sizeof vprots)];
    ev_head("map", p->pid);
    ochar(' ');
    odec(s->sid);
    ochar(' ');
    ohex(base, 8);
    ochar(' ');
    ohex(n * PAGE, 0);
    ochar(' ');
    ohex((uint64_t)off * PAGE, 0);
    ochar(' ');
    oprot(prot, false);
    oend();
    Vad v = {.base = base, .npages = n, .view = true, .prot = (uint8_t)prot, .sec = s, .off = off};
    v.pages = xcalloc(n, sizeof *v.pages);
    s->nviews++;
    vad_insert(p, v);
    return true;
}

static bool gen_unmap(void) {
    Proc *p = pick_proc();
    Vad *v = pick_vad(p, true);
    if (!v) return false;
    ev_head("unmap", p->pid);
    ochar(' ');
    ohex(v->base, 8);
    if (chance(30)) {
        ochar(' ');
        ohex(v->npages * PAGE, 0);
    }
    oend();
    vad_remove(p, v);
    return true;
}

static bool gen_close(void) {
    Section *s = pick_section(true);
    if (!s) return false;
    ostr("close ");
    odec(s->sid);
    oend();
    s->open = false;
    last_closed_sid = s->sid;
    section_put(s);
    return true;
}

/* commit inside a view of a SEC_RESERVE section: the pages are committed for every view. */
static bool gen_view_commit(void) {
    Proc *p = pick_proc();
    Vad *cand[MAXVADS];
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->nvads; i++)
        if (p->vads[i].view && p->vads[i].sec->reserve) cand[n++] = &p->vads[i];
    if (!n) return false;
    Vad *v = cand[below(n)];
    uint32_t f, c;
    subrange(v, &f, &c);
    range_line("commit", p->pid, v->base + f * PAGE, c * PAGE);
    ochar(' ');
    oprot(v->prot, false);
    oend();
    for (uint32_t i = f; i < f + c; i++) v->sec->committed |= 1ull << (v->off + i);
    return true;
}

static bool gen_tick(void) {
    ostr("tick");
    uint32_t r = below(100);
    if (r < 20) {
        oend();
        return true;
    }
    ochar(' ');
    odec(r < 70 ? 1 : r < 95 ? 2 + below(4) : 8 + below(32));
    oend();
    return true;
}

static bool gen_idle(void) {
    ostr("idle");
    oend();
    return true;
}

/* ---- accesses ----------------------------------------------------------------------------- */

static void remember(Proc *p, uint32_t va) {
    p->recent[p->nrecent % RECENT] = va;
    p->nrecent++;
}

/* An address that is probably not in any VAD: below or above user space, kernel space,
 * or somewhere in an arena. Aligned to size, so it never crosses a page. */
static uint32_t wild_address(uint32_t size) {
    uint32_t va;
    switch (below(6)) {
    case 0: va = below(USER_LOW); break;
    case 1: va = USER_HIGH + below(0x10000); break;
    case 2: va = 0x80000000u + below(0x10000); break;
    case 3: va = 0xC0000000u + (uint32_t)(rnd() & 0x3FFFFF); break;
    default: {
        const uint32_t *a = arenas[below(NARENAS)];
        va = a[0] + below(a[1] - a[0]);
    }
    }
    return va & ~(size - 1);
}

static void gen_access(void) {
    Proc *p = cur;
    static const uint8_t sizes[] = {4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 2, 2, 8, 8};
    uint32_t size = sizes[below(sizeof sizes)];
    uint32_t r = below(100);
    char letter = r < 46 ? 'L' : r < 88 ? 'S' : r < 94 ? 'I' : 'M';
    int kind = letter == 'L' ? K_READ : letter == 'I' ? K_FETCH : K_WRITE;
    uint32_t va;
    uint32_t t = below(100);
    if (t < 3 || !p->nvads) {
        va = wild_address(size);
    } else if (t < 40 && p->nrecent && (letter == 'L' || letter == 'S')) {
        uint32_t k = below(p->nrecent < RECENT ? p->nrecent : RECENT);
        va = p->recent[k];
    } else {
        /* Mostly a page where this access is allowed: a few tries. */
        const Vad *v = NULL;
        uint32_t pg = 0, off, tries = chance(90) ? 8 : 1;
        for (uint32_t k = 0; k < tries; k++) {
            v = &p->vads[below(p->nvads)];
            pg = below(v->npages);
            if (check_piece_peek(p, v->base + pg * PAGE, kind, true) == A_OK) break;
        }
        if (size > 1 && chance(6)) off = PAGE - 1 - below(size - 1); /* crosses into the next page */
        else off = below(PAGE / size) * size + (chance(3) ? below(size) : 0);
        if (off + size > PAGE && pg + 1 == v->npages && chance(50)) off -= PAGE / 2;
        va = v->base + pg * PAGE + off;
    }
    uint64_t value = 0;
    if (letter == 'S') value = size == 8 ? rnd() : rnd() & ((1ull << (8 * size)) - 1);
    AccResult res = do_access(p, va, size, kind, letter == 'S', value);
    ochar(letter);
    ochar(' ');
    ohex(va, 8);
    ochar(' ');
    odec(size);
    if (letter == 'S' && (res.fault == A_OK || res.npieces == 2)) {
        /* a store that faults on its second piece writes nothing */
        ostr(" =");
        ohex(value, 2 * (int)size);
    } else if (letter == 'L' && res.fault == A_OK && res.known) {
        ostr(" =");
        ohex(res.value, 2 * (int)size);
    }
    oend();
    if (res.fault != A_OK && res.npieces == 1) oexpect(res.fault == A_GUARD ? "guard" : "av");
    if (res.fault == A_OK && letter == 'S') remember(p, va);
}

/* ---- the main loop ------------------------------------------------------------------------ */

typedef struct {
    unsigned feature; /* 0: always */
    unsigned weight;
    int op;
} OpWeight;

enum { OP_ACCESS, OP_PROC, OP_EXIT, OP_SWITCH, OP_FORK, OP_EXEC, OP_ALLOC, OP_RESERVE, OP_COMMIT,
       OP_DECOMMIT, OP_PROTECT, OP_FREE, OP_SEC_ANON, OP_SEC_FILE, OP_MAP, OP_UNMAP, OP_CLOSE,
       OP_VIEW_COMMIT, OP_TICK, OP_IDLE };

static const OpWeight weights[] = {
    {0, 1400, OP_ACCESS},
    {0, 6, OP_PROC},
    {0, 4, OP_EXIT},
    {0, 40, OP_SWITCH},
    {F_FORK, 6, OP_FORK},
    {F_EXEC, 3, OP_EXEC},
    {F_PRIVATE, 30, OP_ALLOC},
    {F_PRIVATE, 12, OP_RESERVE},
    {F_PRIVATE, 30, OP_COMMIT},
    {F_PRIVATE, 12, OP_DECOMMIT},
    {F_PRIVATE, 30, OP_PROTECT},
    {F_PRIVATE, 30, OP_FREE},
    {F_SECTIONS, 10, OP_SEC_ANON},
    {F_FILES, 10, OP_SEC_FILE},
    {F_SECTIONS | F_FILES, 40, OP_MAP},
    {F_SECTIONS | F_FILES, 30, OP_UNMAP},
    {F_SECTIONS | F_FILES, 12, OP_CLOSE},
    {F_SECTIONS, 20, OP_VIEW_COMMIT},
    {F_PRESSURE, 50, OP_TICK},
    {F_PRESSURE, 10, OP_IDLE},
};
#define NWEIGHTS (sizeof weights / sizeof weights[0])

static bool step(unsigned total) {
    uint32_t r = below(total);
    int op = OP_ACCESS;
    for (size_t i = 0; i < NWEIGHTS; i++) {
        if (weights[i].feature && !(weights[i].feature & features)) continue;
        if (r < weights[i].weight) {
            op = weights[i].op;
            break;
        }
        r -= weights[i].weight;
    }
    switch (op) {
    case OP_PROC: return gen_proc();
    case OP_EXIT: return gen_exit();
    case OP_SWITCH: return gen_switch();
    case OP_FORK: return gen_fork();
    case OP_EXEC: return gen_exec();
    case OP_ALLOC: return gen_alloc(true);
    case OP_RESERVE: return gen_alloc(false);
    case OP_COMMIT: return gen_commit();
    case OP_DECOMMIT: return gen_decommit();
    case OP_PROTECT: return gen_protect();
    case OP_FREE: return gen_free();
    case OP_SEC_ANON: return gen_section(false);
    case OP_SEC_FILE: return gen_section(true);
    case OP_MAP: return gen_map();
    case OP_UNMAP: return gen_unmap();
    case OP_CLOSE: return gen_close();
    case OP_VIEW_COMMIT: return gen_view_commit();
    case OP_TICK: return gen_tick();
    case OP_IDLE: return gen_idle();
    default:
        /* A process with nothing mapped mostly gets something first. */
        if (!cur->nvads && chance(90)) {
            if ((features & (F_SECTIONS | F_FILES)) && chance(40) && gen_map()) return true;
            if ((features & F_PRIVATE) && gen_alloc(true)) return true;
        }
        gen_access();
        return true;
    }
}

static const struct {
    const char *name;
    unsigned bit;
} feature_names[] = {{"private", F_PRIVATE}, {"sections", F_SECTIONS}, {"files", F_FILES},
                     {"fork", F_FORK},       {"exec", F_EXEC},         {"pressure", F_PRESSURE},
                     {"all", 63}};

static int usage(const char *msg) {
    if (msg) fprintf(stderr, "mmstress: %s\n", msg);
    fprintf(stderr,
            "usage: mmstress [--seed N] [--ops N] [--procs N] [--features LIST]\n"
            "  writes a random OS-mode MMT v1 trace that checks its own data values to stdout\n"
            "  --seed N       PRNG seed (default 1)\n"
            "  --ops N        records to write (default 100000)\n"
            "  --procs N      live processes at most, 1..%d (default 4)\n"
            "  --features L   comma list of private,sections,files,fork,exec,pressure or all\n"
            "                 (default all)\n",
            MAXPROCS);
    return 2;
}

static bool parse_u64(const char *s, uint64_t *v) {
    if (!s || !*s) return false;
    uint64_t x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10) return false;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return true;
}

static bool parse_features(const char *s, unsigned *out) {
    unsigned f = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        bool found = false;
        for (size_t i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++)
            if (strlen(feature_names[i].name) == n && !strncmp(s, feature_names[i].name, n)) {
                f |= feature_names[i].bit;
                found = true;
            }
        if (!found) return false;
        s += n;
        if (*s == ',') s++;
    }
    *out = f;
    return true;
}

int main(int argc, char **argv) {
    uint64_t seed = 1, ops = 100000, np = 4;
    const char *flist = "all";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        const char *names[] = {"--seed", "--ops", "--procs", "--features"};
        int which = -1;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(NULL);
            return 0;
        }
        for (int k = 0; k < 4; k++) {
            size_t n = strlen(names[k]);
            if (!strncmp(a, names[k], n) && (a[n] == '=' || a[n] == '\0')) {
                which = k;
                val = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
            }
        }
        if (which < 0) return usage("unknown option");
        if (!val) return usage("missing value");
        if (which == 3) {
            flist = val;
            if (!parse_features(val, &features)) return usage("bad --features list");
        } else {
            uint64_t v;
            if (!parse_u64(val, &v)) return usage("bad number");
            if (which == 0) seed = v;
            else if (which == 1) ops = v;
            else np = v;
        }
    }
    if (np < 1 || np > MAXPROCS) return usage("--procs must be 1..16");
    maxprocs = (uint32_t)np;
    rng_state = splitmix64(seed ^ 0x6d6d737472657373ull);
    for (int i = 0; i < NFILES; i++) files[i].hash = fnv1a64(files[i].path);

    unsigned total = 0;
    for (size_t i = 0; i < NWEIGHTS; i++)
        if (!weights[i].feature || (weights[i].feature & features)) total += weights[i].weight;

    ostr("#mmt 1\n# mmstress --seed ");
    odec(seed);
    ostr(" --ops ");
    odec(ops);
    ostr(" --procs ");
    odec(np);
    ostr(" --features ");
    ostr(flist);
    ostr("\n# generated: every data value and fault class below is the oracle's (mmstress.c)\n");
    if (ops) {
        gen_proc();
        if (records < ops) emit_switch(procs[0]);
    }
    while (records < ops) {
        if (!cur) emit_switch(rand_proc());
        else step(total);
    }
    oflush();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mmstress: write error\n");
        return 2;
    }
    return 0;
}
