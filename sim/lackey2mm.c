/* lackey2mm - converts the valgrind lackey logs of one recording into an mmusim OS-mode trace
 * (spec/traces.md section 4, "Converting lackey"; traces/README.md section 4; how and why:
 * traces/samples/README.md).
 *
 *   lackey2mm [-o OUT] [--streams DIR [--ext EXT]] [--format F] [--level N] [--threads N] [--source TEXT] [--progress|-q]
 *             LOG|DIR...
 *
 * The logs are those of `valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes
 * --trace-children=yes --log-file=DIR/lk.%p.%n sh -c 'CMD; :'` (or `'CMD; exit $?'`, as
 * scripts/record.sh runs it). A directory stands for its lk.* files. Which log is whose comes
 * from the logs themselves: the ==PID== header, a forked child's first record (" --> ..."), the
 * parent's "created child N", an execve without a result at the end of a log. Only the order of
 * a pid's images comes from the names: the logs are sorted by path with numbers compared by
 * value, and a process's images run in that order. valgrind names every image after an exec
 * lk.PID.1, so a process that execs twice overwrites its middle image's log; scripts/record.sh
 * renames a pid's earlier logs to lk.PID.0.1, lk.PID.0.2, ... before each exec'd image starts.
 *
 * Pass 1 runs every process and marks the 4 MiB chunks that accesses and mappings touch
 * (lackeyfold.h). Pass 2 runs them again and writes the trace: accesses folded into the 32-bit
 * user space, system calls as memory-manager events laid out by lackeynt.h. Processes run in
 * the order of a depth-first walk of the process tree: a child's logs are spliced in at its
 * fork and run to completion (merged output, with `switch` records), and/or each process gets
 * a stream of its own (--streams). Pids are renumbered 1, 2, 3, ... in that order.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, directories */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lackeyfold.h"
#include "lackeylog.h"
#include "lackeynt.h"
#include "lackeyvm.h"
#include "mmb.h"
#include "progress.h"
#include "recfmt.h"
#include "tracewrite.h"

#define ACC_BATCH 4096
#define MAX_DEPTH 4096
#define EXACT_BYTES (UINT64_C(64) << 20)

/* Linux constants (the same on x86 and amd64) */
#define L_MAP_SHARED 0x01
#define L_MAP_TYPE 0x0F
#define L_MAP_ANONYMOUS 0x20
#define L_MADV_DONTNEED 4
#define L_F_DUPFD 0
#define L_F_DUPFD_CLOEXEC 1030

/* valgrind loads its tool here; touched pages there that no mapping explains are its own */
#define VG_TOOL_LO UINT64_C(0x58000000)
#define VG_TOOL_HI UINT64_C(0x5C000000)

typedef struct {
    char *path;
    LkHeader hdr; /* command owned here */
    bool used;
} LogInfo;

typedef struct {
    uint32_t tid, nr;
    LkSys sys;
    int32_t path;
} Pending;

typedef struct Proc {
    uint32_t pid, rpid;
    LvMap map;
    NtSpace *nt;
    int32_t *fd; /* path id + 1 of each fd, 0: unknown */
    uint32_t nfd;
    uint64_t brk;
    bool brk_known;
    Pending *pend;
    uint32_t npend, cappend;
    LkSys nores; /* the latest call line without a result (a " --> " line may complete it) */
    int32_t nores_path;
    bool has_nores;
    bool exec_pending;
    int32_t exec_path;
    uint64_t exec_pos; /* where the execve line is, for messages */
    TraceWriter *w;
    LkPageCache pages; /* the folded page of recently used source pages (resolve()) */
} Proc;

typedef struct {
    int pass;
    /* options */
    const char *out, *streams, *ext, *source_opt, *format, *level_opt, *threads_opt, *scan_opt;
    int level;   /* compression level, 0: the writer's default */
    int threads; /* zstd worker threads per output (tw_open) */
    /* the recording */
    LogInfo *logs;
    size_t nlogs;
    char source[4096];
    /* names: paths interned to ids */
    char **names;
    uint32_t nnames, capnames;
    uint32_t *hash;
    uint32_t hcap;
    uint32_t memfds;
    /* shared anonymous objects */
    LvObjs objs;
    uint32_t *shm_sid;
    uint64_t *shm_pages;
    uint32_t capshm;
    LkFold *fold;
    uint64_t exact_bytes; /* pass 1 reads this much of each log line by line (see main) */
    bool missed;          /* pass 2 met an access in a chunk pass 1 did not mark */
    NtCtx nt;
    uint32_t next_pid;
    TraceWriter *merged;
    bool opened;             /* the merged output was created (removed again on failure) */
    uint32_t streams_opened; /* streams 1..this were created */
    Proc *cur; /* whose stream events go to */
    LkAccess acc[LK_SKIM_MAX]; /* pass 1: a batch of lk_skim(); pass 2: lk_next()'s one access */
    uint64_t folded[ACC_BATCH]; /* pass 2: folded accesses (MMB access words) on their way out */
    uint64_t accesses, dropped; /* pass 2: accesses read, and valgrind's own left out */
    /* the progress display: both passes read every log, so the work is twice their bytes */
    Progress *progress;
    char progress_what[32];
    uint64_t log_bytes, bytes_done; /* all logs' bytes; bytes of the logs read to the end */
    int depth;
    char err[1024];
} Conv;

static bool fail(Conv *cv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(Conv *cv, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cv->err, sizeof cv->err, fmt, ap);
    va_end(ap);
    return false;
}

static bool oom(Conv *cv) { return fail(cv, "lackey2mm: out of memory"); }

/* ---- names ------------------------------------------------------------------------------- */

/* A NAME or PATH field: bytes outside '!'..'~', '%' and a leading '#' become %XX. */
static void field_text(const char *s, size_t n, char *out, size_t outlen) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < outlen; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch >= 0x7F || ch == '%' || (i == 0 && ch == '#')) {
            out[o++] = '%';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        } else {
            out[o++] = (char)ch;
        }
    }
    if (o == 0) out[o++] = '?';
    out[o] = 0;
}

static uint32_t hash_str(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* The id of a path (raw text, n bytes), made a trace field; -1 when out of memory. */
static int32_t intern(Conv *cv, const char *s, size_t n) {
    char buf[RECORD_PATH_MAX];
    field_text(s, n, buf, sizeof buf);
    if (cv->nnames * 2 >= cv->hcap) {
        uint32_t cap = cv->hcap ? cv->hcap * 2 : 1024;
        uint32_t *h = calloc(cap, sizeof *h);
        if (!h) return -1;
        for (uint32_t i = 0; i < cv->nnames; i++) {
            uint32_t j = hash_str(cv->names[i]) & (cap - 1);
            while (h[j]) j = (j + 1) & (cap - 1);
            h[j] = i + 1;
        }
        free(cv->hash);
        cv->hash = h;
        cv->hcap = cap;
    }
    uint32_t j = hash_str(buf) & (cv->hcap - 1);
    while (cv->hash[j]) {
        if (strcmp(cv->names[cv->hash[j] - 1], buf) == 0) return (int32_t)cv->hash[j] - 1;
        j = (j + 1) & (cv->hcap - 1);
    }
    if (cv->nnames == cv->capnames) {
        uint32_t cap = cv->capnames ? cv->capnames * 2 : 256;
        char **nn = realloc(cv->names, cap * sizeof *nn);
        if (!nn) return -1;
        cv->names = nn;
        cv->capnames = cap;
    }
    if (!(cv->names[cv->nnames] = strdup(buf))) return -1;
    cv->hash[j] = ++cv->nnames;
    return (int32_t)cv->nnames - 1;
}

static const char *name_of(void *ud, uint32_t id) { return ((Conv *)ud)->names[id]; }

static void shm_of(void *ud, uint32_t obj, uint32_t *sid, uint64_t *pages) {
    Conv *cv = ud;
    *sid = cv->shm_sid[obj];
    *pages = cv->shm_pages[obj];
}

/* ---- output ------------------------------------------------------------------------------ */

/* Which outputs a record goes to: the merged trace, the process's stream, or both. */
enum { TO_MERGED = 1, TO_STREAM = 2, TO_BOTH = 3 };

static bool put(Conv *cv, Proc *p, const Record *r, int to) {
    if ((to & TO_MERGED) && cv->merged && !tw_record(cv->merged, r)) return fail(cv, "%s", tw_error(cv->merged));
    if ((to & TO_STREAM) && p->w && !tw_record(p->w, r)) return fail(cv, "%s", tw_error(p->w));
    return true;
}

/* The memory-manager events of lackeynt.h: for the current process, in both outputs. */
static bool emit_rec(void *ud, const Record *r) {
    Conv *cv = ud;
    return put(cv, cv->cur, r, TO_BOTH);
}

static bool emit_os(Conv *cv, Proc *p, Record *r, OsEvent ev, int to) {
    r->kind = REC_OS;
    r->os = (uint8_t)ev;
    r->keyword = record_os_keyword(ev);
    return put(cv, p, r, to);
}

static bool emit_pid(Conv *cv, Proc *p, OsEvent ev, uint32_t pid, uint32_t pid2, const char *path, int to) {
    if (cv->pass != 2) return true;
    Record r;
    memset(&r, 0, sizeof r);
    r.pid = pid;
    r.pid2 = pid2;
    if (path) snprintf(r.path, sizeof r.path, "%s", path);
    return emit_os(cv, p, &r, ev, to);
}

static bool write_headers(Conv *cv, TraceWriter *w) {
    char line[sizeof cv->source + 16];
    snprintf(line, sizeof line, "source %s", cv->source);
    if (!tw_meta(w, line)) return fail(cv, "%s", tw_error(w));
    for (size_t i = 0; i < fold_chunks(cv->fold); i++) {
        uint64_t src;
        uint32_t dst;
        fold_chunk(cv->fold, i, &src, &dst);
        snprintf(line, sizeof line, "fold %08llx %08x", (unsigned long long)src, dst);
        if (!tw_meta(w, line)) return fail(cv, "%s", tw_error(w));
    }
    return true;
}

static TraceWriter *open_writer(Conv *cv, const char *path) {
    TwFormat fmt;
    TwCompress comp;
    if (cv->format && path == cv->out) {
        /* --format: the merged output's format, given as a name ending */
        char name[64];
        snprintf(name, sizeof name, "-.%s", cv->format);
        if (!tw_format_from_name(name, &fmt, &comp)) {
            fail(cv, "lackey2mm: --format: mmt or mmb, optionally followed by .zst or .gz");
            return NULL;
        }
    } else if (!tw_format_from_name(path, &fmt, &comp)) {
        fail(cv, "%s: the output name must end in .mmt or .mmb, optionally followed by .zst or .gz", path);
        return NULL;
    }
    TraceWriter *w = tw_open(path, fmt, comp, cv->level, cv->threads, cv->err, sizeof cv->err);
    if (w && !write_headers(cv, w)) {
        char e[8];
        tw_close(w, e, sizeof e);
        return NULL;
    }
    return w;
}

static TraceWriter *open_stream(Conv *cv, uint32_t pid) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%u.%s", cv->streams, pid, cv->ext);
    TraceWriter *w = open_writer(cv, path);
    if (w && pid > cv->streams_opened) cv->streams_opened = pid;
    return w;
}

static bool close_writer(Conv *cv, TraceWriter *w) {
    char e[1024];
    if (tw_close(w, e, sizeof e)) return true;
    return fail(cv, "%s", e);
}

/* ---- processes ----------------------------------------------------------------------------- */

static void cache_clear(Proc *p) {
    for (int i = 0; i < LK_PAGE_CACHE; i++) p->pages.tag[i] = UINT64_MAX;
}

static Proc *proc_new(Conv *cv, uint32_t rpid) {
    Proc *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->pid = ++cv->next_pid;
    p->rpid = rpid;
    p->map.objs = &cv->objs;
    if (!(p->nt = nt_new())) {
        free(p);
        return NULL;
    }
    cache_clear(p);
    return p;
}

static void proc_free(Proc *p) {
    if (!p) return;
    lv_free(&p->map);
    nt_free(p->nt);
    free(p->fd);
    free(p->pend);
    free(p);
}

static Proc *proc_fork(Conv *cv, const Proc *parent, uint32_t rpid) {
    Proc *p = proc_new(cv, rpid);
    if (!p) return NULL;
    lv_copy(&p->map, &parent->map);
    nt_free(p->nt);
    p->nt = nt_copy(parent->nt);
    if (parent->nfd && (p->fd = malloc(parent->nfd * sizeof *p->fd)))
        memcpy(p->fd, parent->fd, parent->nfd * sizeof *p->fd), p->nfd = parent->nfd;
    p->brk = parent->brk;
    p->brk_known = parent->brk_known;
    if (!p->nt || p->map.oom || (parent->nfd && !p->fd)) {
        proc_free(p);
        return NULL;
    }
    return p;
}

static bool set_fd(Proc *p, uint64_t fd, int32_t id) {
    if (fd > 1u << 20) return true; /* not a descriptor a program maps */
    if (fd >= p->nfd) {
        if (id < 0) return true;
        uint32_t n = p->nfd ? p->nfd : 16;
        while (n <= fd) n *= 2;
        int32_t *f = realloc(p->fd, n * sizeof *f);
        if (!f) return false;
        memset(f + p->nfd, 0, (n - p->nfd) * sizeof *f);
        p->fd = f;
        p->nfd = n;
    }
    p->fd[fd] = id + 1;
    return true;
}

static int32_t fd_path(const Proc *p, uint64_t fd) { return fd < p->nfd ? p->fd[fd] - 1 : -1; }

/* ---- address-space changes ------------------------------------------------------------------ */

/* After the Linux areas of pages [s, e) changed. */
static bool changed(Conv *cv, Proc *p, uint64_t s, uint64_t e) {
    cache_clear(p);
    if (p->map.oom) return oom(cv);
    if (cv->pass != 2) return true;
    cv->cur = p;
    if (!nt_sync(&cv->nt, p->nt, &p->map, p->pid, s, e)) return cv->err[0] ? false : oom(cv);
    /* shared objects nobody maps any more: drop the section handle (in the merged trace
     * only: with streams, another process may still be about to map the section again) */
    for (uint32_t i = 0; i < cv->objs.ndead; i++) {
        uint32_t o = cv->objs.dead[i];
        if (!cv->shm_sid[o] || !cv->merged) continue;
        Record r;
        memset(&r, 0, sizeof r);
        r.sid = cv->shm_sid[o];
        cv->shm_sid[o] = 0;
        if (!emit_os(cv, p, &r, OSEV_CLOSE, TO_MERGED)) return false;
    }
    cv->objs.ndead = 0;
    return true;
}

static bool touched(Conv *cv, uint64_t s, uint64_t e) {
    if (cv->pass == 1 && s < e && !fold_touch(cv->fold, s << 12, (e << 12) - 1)) return oom(cv);
    return true;
}

static bool is_file(uint8_t k) { return k == LV_FILE || k == LV_FILE_SHARED; }

/* mmap semantics: area a replaces whatever was there, except pages already mapping the same
 * file at the same offsets (ld.so maps a library's segments over its own reservation), which
 * only take the new protection and keep their contents. */
static bool do_map(Conv *cv, Proc *p, LvArea a) {
    if (a.kind != LV_HIDDEN && !touched(cv, a.start, a.end)) return false;
    bool removed = false;
    for (uint64_t pg = a.start; pg < a.end;) {
        size_t i = lv_lower(&p->map, pg);
        if (i == p->map.n || p->map.a[i].start >= a.end) break;
        LvArea b = p->map.a[i];
        uint64_t s = b.start > pg ? b.start : pg, e = b.end < a.end ? b.end : a.end;
        bool same = is_file(a.kind) && b.kind == a.kind && b.obj == a.obj && b.off - b.start == a.off - a.start;
        if (!same) {
            lv_remove(&p->map, s, e);
            removed = true;
        }
        pg = e;
    }
    if (removed && !changed(cv, p, a.start, a.end)) return false;
    /* fill: keep-segments take the protection, the rest gets the new area */
    lv_protect(&p->map, a.start, a.end, a.prot);
    for (uint64_t pg = a.start; pg < a.end;) {
        size_t i = lv_lower(&p->map, pg);
        uint64_t e = a.end;
        if (i < p->map.n && p->map.a[i].start <= pg) {
            pg = p->map.a[i].end;
            continue;
        }
        if (i < p->map.n && p->map.a[i].start < e) e = p->map.a[i].start;
        LvArea piece = a;
        piece.start = pg;
        piece.end = e;
        piece.off = a.off + (pg - a.start);
        lv_insert(&p->map, piece);
        pg = e;
    }
    return changed(cv, p, a.start, a.end);
}

static bool do_unmap(Conv *cv, Proc *p, uint64_t s, uint64_t e) {
    if (s >= e) return true;
    lv_remove(&p->map, s, e);
    return changed(cv, p, s, e);
}

static uint64_t page_up(uint64_t a) { return (a + 0xFFF) >> 12; }

static bool new_shm(Conv *cv, Proc *p, uint64_t pages, uint32_t *obj) {
    *obj = lv_obj_new(&cv->objs);
    if (*obj == UINT32_MAX) return oom(cv);
    if (cv->objs.cap > cv->capshm) {
        uint32_t *s = realloc(cv->shm_sid, cv->objs.cap * sizeof *s);
        if (s) cv->shm_sid = s;
        uint64_t *n = realloc(cv->shm_pages, cv->objs.cap * sizeof *n);
        if (n) cv->shm_pages = n;
        if (!s || !n) return oom(cv);
        cv->capshm = cv->objs.cap;
    }
    cv->shm_sid[*obj] = 0;
    cv->shm_pages[*obj] = pages;
    if (pages > 0xFFFFF) return true; /* too big for a section: stays private memory */
    cv->shm_sid[*obj] = cv->nt.next_sid++;
    if (cv->pass != 2) return true;
    Record r;
    memset(&r, 0, sizeof r);
    r.sid = cv->shm_sid[*obj];
    r.offset = pages << 12;
    return emit_os(cv, p, &r, OSEV_SECTION, TO_BOTH);
}

static bool sys_mmap(Conv *cv, Proc *p, const LkSys *s, uint64_t offset) {
    uint64_t len = s->arg[1], flags = s->arg[3], fd = (uint32_t)s->arg[4];
    if (!len) return true;
    LvArea a = {.start = s->ret >> 12, .end = page_up(s->ret + len), .prot = (uint8_t)(s->arg[2] & 7),
                .off = offset >> 12};
    bool shared = (flags & L_MAP_TYPE) == L_MAP_SHARED || (flags & L_MAP_TYPE) == 3;
    int32_t path = -1;
    if (!(flags & L_MAP_ANONYMOUS)) {
        path = fd_path(p, fd);
        if (path < 0) {
            char n[32];
            snprintf(n, sizeof n, "?fd%u", (unsigned)fd);
            if ((path = intern(cv, n, strlen(n))) < 0) return oom(cv);
        }
        const char *name = cv->names[path], *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (strncmp(base, "vgpreload_", 10) == 0) a.kind = LV_HIDDEN;
        else if (strcmp(name, "/dev/zero") == 0) path = -1;
    }
    if (a.kind == LV_HIDDEN) {
    } else if (path >= 0) {
        a.kind = shared ? LV_FILE_SHARED : LV_FILE;
        a.obj = (uint32_t)path;
    } else if (shared) {
        a.kind = LV_SHM;
        a.off = 0;
        if (!new_shm(cv, p, a.end - a.start, &a.obj)) return false;
    } else {
        a.kind = LV_ANON;
        a.off = 0;
    }
    return do_map(cv, p, a);
}

static bool sys_mprotect(Conv *cv, Proc *p, const LkSys *s) {
    uint64_t st = s->arg[0] >> 12, e = page_up(s->arg[0] + s->arg[1]);
    uint8_t prot = (uint8_t)(s->arg[2] & 7);
    if (st >= e) return true;
    if (!touched(cv, st, e)) return false;
    lv_protect(&p->map, st, e, prot);
    /* it succeeded, so every page is mapped: pages we have not seen are the image's */
    for (uint64_t pg = st; pg < e;) {
        size_t i = lv_lower(&p->map, pg);
        if (i < p->map.n && p->map.a[i].start <= pg) {
            pg = p->map.a[i].end;
            continue;
        }
        uint64_t end = i < p->map.n && p->map.a[i].start < e ? p->map.a[i].start : e;
        lv_insert(&p->map, (LvArea){.start = pg, .end = end, .kind = LV_IMPLICIT, .prot = prot});
        pg = end;
    }
    return changed(cv, p, st, e);
}

static bool sys_brk(Conv *cv, Proc *p, uint64_t nb) {
    if (!p->brk_known) {
        p->brk = nb;
        p->brk_known = true;
        return true;
    }
    uint64_t op = page_up(p->brk), np = page_up(nb);
    p->brk = nb;
    if (np > op) return do_map(cv, p, (LvArea){.start = op, .end = np, .kind = LV_ANON, .prot = 3});
    return do_unmap(cv, p, np, op);
}

static bool sys_mremap(Conv *cv, Proc *p, const LkSys *s) {
    uint64_t os = s->arg[0] >> 12, oe = page_up(s->arg[0] + s->arg[1]);
    uint64_t npages = page_up(s->arg[2]), ns = s->ret >> 12;
    const LvArea *a = lv_find(&p->map, os);
    LvArea na = a ? *a : (LvArea){.kind = LV_ANON, .prot = 3};
    if (a) na.off = a->off + (os - a->start);
    na.start = ns;
    na.end = ns + npages;
    if (ns == os) {
        if (os + npages < oe) return do_unmap(cv, p, os + npages, oe);
        na.off += oe - os;
        na.start = oe;
        return oe < na.end ? do_map(cv, p, na) : true;
    }
    if (s->arg[1] != 0 && !do_unmap(cv, p, os, oe)) return false;
    return do_map(cv, p, na);
}

/* MADV_DONTNEED: private anonymous pages read as zeros again. */
static bool sys_madvise(Conv *cv, Proc *p, const LkSys *s) {
    if (s->arg[2] != L_MADV_DONTNEED) return true;
    uint64_t st = s->arg[0] >> 12, e = page_up(s->arg[0] + s->arg[1]);
    for (uint64_t pg = st; pg < e;) {
        size_t i = lv_lower(&p->map, pg);
        if (i == p->map.n || p->map.a[i].start >= e) break;
        LvArea a = p->map.a[i];
        uint64_t as = a.start > pg ? a.start : pg, ae = a.end < e ? a.end : e;
        pg = ae;
        if (a.kind != LV_ANON && a.kind != LV_IMPLICIT) continue;
        lv_remove(&p->map, as, ae);
        if (!changed(cv, p, as, ae)) return false;
        a.start = as;
        a.end = ae;
        lv_insert(&p->map, a);
        if (!changed(cv, p, as, ae)) return false;
    }
    return true;
}

/* A completed system call. */
static bool dispatch(Conv *cv, Proc *p, LkLog *l, const LkSys *s, int32_t path) {
    if (s->call == LKC_EXECVE) {
        if (s->res == LKR_NONE) p->exec_pending = true, p->exec_path = path, p->exec_pos = lk_event_pos(l);
        else if (s->res == LKR_FAIL) p->exec_pending = false;
        return true;
    }
    if (s->res != LKR_OK) return true;
    switch (s->call) {
    case LKC_MMAP: return sys_mmap(cv, p, s, s->arg[5]);
    case LKC_MMAP2: return sys_mmap(cv, p, s, s->arg[5] << 12);
    case LKC_MUNMAP: return do_unmap(cv, p, s->arg[0] >> 12, page_up(s->arg[0] + s->arg[1]));
    case LKC_MPROTECT: return sys_mprotect(cv, p, s);
    case LKC_MREMAP: return sys_mremap(cv, p, s);
    case LKC_MADVISE: return sys_madvise(cv, p, s);
    case LKC_BRK: return sys_brk(cv, p, s->ret);
    case LKC_OPEN:
    case LKC_OPENAT: return set_fd(p, s->ret, path) || oom(cv);
    case LKC_MEMFD: {
        char n[32];
        snprintf(n, sizeof n, "memfd:%u", ++cv->memfds);
        int32_t id = intern(cv, n, strlen(n));
        return (id >= 0 && set_fd(p, s->ret, id)) || oom(cv);
    }
    case LKC_CLOSE: return set_fd(p, s->arg[0], -1) || oom(cv);
    case LKC_DUP: return set_fd(p, s->ret, fd_path(p, s->arg[0])) || oom(cv);
    case LKC_DUP2: return set_fd(p, s->arg[1], fd_path(p, s->arg[0])) || oom(cv);
    case LKC_FCNTL:
        if (s->arg[1] == L_F_DUPFD || s->arg[1] == L_F_DUPFD_CLOEXEC)
            return set_fd(p, s->ret, fd_path(p, s->arg[0])) || oom(cv);
        return true;
    default: return true;
    }
}

/* ---- running logs -------------------------------------------------------------------------- */

static bool run_process(Conv *cv, Proc *p, LogInfo *li);

static LogInfo *find_log(Conv *cv, uint32_t rpid, bool fork_child) {
    for (size_t i = 0; i < cv->nlogs; i++)
        if (!cv->logs[i].used && cv->logs[i].hdr.pid == rpid && cv->logs[i].hdr.fork_child == fork_child)
            return &cv->logs[i];
    /* a forked child that never ran a record has an empty log */
    if (fork_child)
        for (size_t i = 0; i < cv->nlogs; i++)
            if (!cv->logs[i].used && cv->logs[i].hdr.pid == rpid && cv->logs[i].hdr.empty)
                return &cv->logs[i];
    return NULL;
}

static bool do_fork(Conv *cv, Proc *p, LkLog *l, uint32_t child_rpid) {
    LogInfo *li = find_log(cv, child_rpid, true);
    if (!li) {
        lk_fail(l, "process %u created child %u, but no log of that child was found", p->rpid, child_rpid);
        return fail(cv, "%s", lk_error(l));
    }
    if (cv->depth >= MAX_DEPTH) return fail(cv, "%s: processes nested more than %d deep", li->path, MAX_DEPTH);
    Proc *c = proc_fork(cv, p, child_rpid);
    if (!c) return oom(cv);
    if (!emit_pid(cv, p, OSEV_FORK, p->pid, c->pid, NULL, TO_BOTH)) return proc_free(c), false;
    if (cv->pass == 2 && cv->streams && !(c->w = open_stream(cv, c->pid))) return proc_free(c), false;
    /* merged: the child runs now; its stream: it runs once the fork has */
    if (!emit_pid(cv, c, OSEV_SWITCH, c->pid, 0, NULL, TO_BOTH)) return proc_free(c), false;
    cv->depth++;
    bool ok = run_process(cv, c, li);
    cv->depth--;
    if (ok) ok = emit_pid(cv, p, OSEV_SWITCH, p->pid, 0, NULL, TO_MERGED);
    cache_clear(p);
    return ok;
}

/* The folded page of source page pg for an access: 1 ok, 0 drop (valgrind's own), -1 error.
 * Pages found are remembered in a small direct-mapped cache (emptied when the areas change). */
static int resolve_slow(Conv *cv, Proc *p, uint64_t pg, uint32_t *dst);

static inline int resolve(Conv *cv, Proc *p, uint64_t pg, uint32_t *dst) {
    unsigned slot = (unsigned)pg & (LK_PAGE_CACHE - 1);
    if (p->pages.tag[slot] == pg) {
        *dst = p->pages.dst[slot];
        return 1;
    }
    return resolve_slow(cv, p, pg, dst);
}

static int resolve_slow(Conv *cv, Proc *p, uint64_t pg, uint32_t *dst) {
    unsigned slot = (unsigned)pg & (LK_PAGE_CACHE - 1);
    const LvArea *a = lv_find(&p->map, pg);
    if (a && a->kind == LV_HIDDEN) return 0;
    if (!a) {
        if (pg >= VG_TOOL_LO >> 12 && pg < VG_TOOL_HI >> 12) return 0;
        /* mapped before the first record: the image or the stack */
        lv_insert(&p->map, (LvArea){.start = pg, .end = pg + 1, .kind = LV_IMPLICIT, .prot = 7});
        if (!changed(cv, p, pg, pg + 1)) return -1;
    }
    uint32_t d;
    if (!fold_to_dst(cv->fold, pg << 12, &d)) {
        /* pass 1 read part of a log for system calls only, and this access's chunk was
         * touched nowhere else: pass 1 runs again, reading every line */
        cv->missed = cv->exact_bytes != UINT64_MAX;
        fail(cv, "lackey2mm: internal error: page %llx is not in the fold", (unsigned long long)pg);
        return -1;
    }
    p->pages.tag[slot] = pg;
    p->pages.dst[slot] = d;
    *dst = d;
    return 1;
}

/* One access in the general case: the page cache missed (resolving a page may change the
 * areas, and so emit events), it crosses into the next page, or its size needs a word of its
 * own in MMB. 1: its folded address in *la; 0: dropped (valgrind's own); -1: error. */
static int fold_access(Conv *cv, Proc *p, const LkAccess *a, uint32_t *la) {
    uint64_t pg = a->addr >> 12;
    uint32_t off = (uint32_t)(a->addr & 0xFFF), d;
    int r = resolve(cv, p, pg, &d);
    if (r <= 0) return r;
    if (off + a->size > 0x1000) {
        uint32_t d2;
        int r2 = resolve(cv, p, pg + 1, &d2);
        if (r2 <= 0) return r2;
        if (d2 != d + 0x1000) {
            fail(cv, "lackey2mm: internal error: a page-crossing access splits across the fold");
            return -1;
        }
    }
    *la = d | off;
    return 1;
}

static bool write_failed(Conv *cv, Proc *p) {
    TraceWriter *m = cv->merged, *w = p->w;
    return fail(cv, "%s", tw_error(m && *tw_error(m) ? m : w));
}

/* Pass 2's hot path: the accesses from the log's position on that lk_fold_run() folds with
 * p's page cache (nearly all), written to both outputs; folded straight into the merged
 * output's buffer when that is MMB. Stops at the first line lk_next() has to read. */
static bool fold_run(Conv *cv, Proc *p, LkLog *l) {
    for (;;) {
        size_t max;
        uint64_t *out = cv->merged ? tw_words_room(cv->merged, &max) : NULL;
        bool direct = out != NULL;
        if (!direct) {
            if (cv->merged && *tw_error(cv->merged)) return write_failed(cv, p);
            out = cv->folded;
            max = ACC_BATCH;
        }
        size_t n = lk_fold_run(l, &p->pages, out, max);
        bool ok = true;
        if (direct)
            tw_words_done(cv->merged, n);
        else if (n && cv->merged)
            ok &= tw_access_words(cv->merged, out, n);
        if (n && p->w) ok &= tw_access_words(p->w, out, n);
        if (!ok) return write_failed(cv, p);
        cv->accesses += n;
        if (n < max) return true;
    }
}

/* Pass 2, the accesses lk_next() read (those fold_run() left: the page cache missed, the
 * access crosses into the next page, its size needs a word of its own in MMB, or its line is
 * not in the common form). */
static bool accesses2(Conv *cv, Proc *p, const LkAccess *acc, size_t n) {
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const LkAccess *a = &acc[i];
        uint32_t la;
        int r = fold_access(cv, p, a, &la);
        if (r < 0) return false;
        if (r == 0) {
            cv->dropped++;
            continue;
        }
        if (cv->merged) ok &= tw_access(cv->merged, a->kind, la, a->size);
        if (p->w) ok &= tw_access(p->w, a->kind, la, a->size);
    }
    cv->accesses += n;
    return ok || write_failed(cv, p);
}

/* Pass 1: the chunks of the accesses (lk_skim leaves out those in 1 MiB runs known here). */
static bool accesses1(Conv *cv, Proc *p, LkLog *l, const LkAccess *acc, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t a = acc[i].addr, last = a + acc[i].size - 1;
        const LvArea *ar = lv_find(&p->map, a >> 12);
        if (ar ? ar->kind == LV_HIDDEN : (a >= VG_TOOL_LO && a < VG_TOOL_HI)) continue; /* valgrind's */
        if (!fold_touch(cv->fold, a, last)) return oom(cv);
        lk_skim_known(l, i);
    }
    return true;
}

static bool pend_add(Proc *p, const LkSys *s, int32_t path) {
    if (p->npend == p->cappend) {
        uint32_t cap = p->cappend ? p->cappend * 2 : 8;
        Pending *q = realloc(p->pend, cap * sizeof *q);
        if (!q) return false;
        p->pend = q;
        p->cappend = cap;
    }
    p->pend[p->npend++] = (Pending){.tid = s->tid, .nr = s->nr, .sys = *s, .path = path};
    p->pend[p->npend - 1].sys.path = NULL;
    return true;
}

static bool on_syscall(Conv *cv, Proc *p, LkLog *l, const LkSys *s) {
    if (s->call == LKC_FORK) return do_fork(cv, p, l, s->child);
    if (s->call == LKC_ASYNC_DONE) {
        for (uint32_t i = 0; i < p->npend; i++) {
            if (p->pend[i].tid != s->tid || p->pend[i].nr != s->nr) continue;
            Pending q = p->pend[i];
            p->pend[i] = p->pend[--p->npend];
            q.sys.res = s->res;
            q.sys.ret = s->ret;
            return dispatch(cv, p, l, &q.sys, q.path);
        }
        return true; /* a call we did not keep (not one we act on) */
    }
    if (s->call == LKC_OTHER) {
        p->has_nores = false;
        return true;
    }
    int32_t path = -1;
    if (s->path && (path = intern(cv, s->path, s->pathlen)) < 0) return oom(cv);
    if (s->res == LKR_PENDING) {
        for (uint32_t i = 0; i < p->npend; i++) /* a thread has one call in flight */
            if (p->pend[i].tid == s->tid) p->pend[i] = p->pend[--p->npend];
        return pend_add(p, s, path) || oom(cv);
    }
    p->has_nores = s->res == LKR_NONE;
    if (p->has_nores) p->nores = *s, p->nores.path = NULL, p->nores_path = path;
    return dispatch(cv, p, l, s, path);
}

static bool on_result(Conv *cv, Proc *p, LkLog *l, const LkSys *r) {
    if (!p->has_nores) return true;
    p->has_nores = false;
    LkSys s = p->nores;
    s.res = r->res;
    s.ret = r->ret;
    return dispatch(cv, p, l, &s, p->nores_path);
}

/* Runs one log of process p to its end. */
static bool run_log(Conv *cv, Proc *p, LogInfo *li) {
    char err[1024];
    li->used = true;
    LkLog *l = lk_open(li->path, err, sizeof err);
    if (!l) return fail(cv, "%s", err);
    if (cv->pass == 1) lk_skim_exact_until(l, cv->exact_bytes);
    bool ok = true;
    p->has_nores = false;
    p->npend = 0;
    for (;;) {
        size_t n;
        LkEvent ev;
        if (cv->pass == 2) {
            /* the common accesses, then the one line after them (a page the cache does not
             * know yet, another kind of access line, a system call, the end of the buffer) */
            if (!(ok = fold_run(cv, p, l))) break;
            ev = lk_next(l, cv->acc, 1, &n);
        } else {
            ev = lk_skim(l, cv->acc, LK_SKIM_MAX, &n);
        }
        if (n) ok = cv->pass == 2 ? accesses2(cv, p, cv->acc, n) : accesses1(cv, p, l, cv->acc, n);
        if (!ok) break;
        progress_update(cv->progress, cv->accesses, cv->bytes_done + lk_bytes_read(l), 2 * cv->log_bytes);
        if (ev == LKE_MORE) continue;
        if (ev == LKE_EOF) break;
        if (ev == LKE_ERROR) {
            ok = fail(cv, "%s", lk_error(l));
            break;
        }
        ok = ev == LKE_SYSCALL ? on_syscall(cv, p, l, lk_sys(l)) : on_result(cv, p, l, lk_sys(l));
        if (!ok) break;
    }
    if (ok && p->exec_pending && !find_log(cv, p->rpid, false)) {
        lk_fail_pos(l, p->exec_pos, "execve of %s succeeded (the log ends here), but no log of "
                    "pid %u's new image was found", p->exec_path >= 0 ? cv->names[p->exec_path] : "?", p->rpid);
        ok = fail(cv, "%s", lk_error(l));
    }
    cv->bytes_done += lk_bytes_read(l);
    lk_close(l);
    return ok;
}

static const char *basename_of(const char *path) {
    const char *b = strrchr(path, '/');
    return b && b[1] ? b + 1 : path;
}

static bool run_process(Conv *cv, Proc *p, LogInfo *li) {
    bool ok = true;
    for (;;) {
        p->exec_pending = false;
        if (!(ok = run_log(cv, p, li))) break;
        if (!p->exec_pending) break;
        /* execve succeeded: the new image's log goes on */
        LogInfo *next = find_log(cv, p->rpid, false);
        const char *path = p->exec_path >= 0 ? cv->names[p->exec_path] : "?";
        if (!next) break; /* cannot happen: run_log checked */
        if (!(ok = emit_pid(cv, p, OSEV_EXEC, p->pid, 0, path, TO_BOTH))) break;
        lv_clear(&p->map);
        nt_reset(p->nt);
        if (!(ok = changed(cv, p, 0, 0))) break;
        p->brk_known = false;
        li = next;
    }
    if (ok) {
        lv_clear(&p->map);
        ok = emit_pid(cv, p, OSEV_EXIT, p->pid, 0, NULL, TO_BOTH) && changed(cv, p, 0, 0);
    }
    if (p->w) {
        bool c = close_writer(cv, p->w);
        ok = ok && c;
    }
    proc_free(p);
    return ok;
}

/* ---- the recording ------------------------------------------------------------------------- */

/* Log paths in order, their numbers compared by value: a pid's images come in the order they
 * ran whatever the number of images, lk.PID.0.1, ..., lk.PID.0.9, lk.PID.0.10, ..., lk.PID.1
 * (scripts/record.sh's names) as well as valgrind's own lk.PID.N. Leading zeros do not count;
 * paths equal by this measure are ordered by strcmp. */
static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static int cmp_paths(const char *a, const char *b) {
    const char *p = a, *q = b;
    while (*p && *q) {
        if (is_digit(*p) && is_digit(*q)) {
            while (*p == '0') p++;
            while (*q == '0') q++;
            size_t m = 0, n = 0;
            while (is_digit(p[m])) m++;
            while (is_digit(q[n])) n++;
            if (m != n) return m < n ? -1 : 1;
            int c = memcmp(p, q, m);
            if (c) return c;
            p += m;
            q += n;
        } else {
            if (*p != *q) return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
            p++;
            q++;
        }
    }
    if (*p || *q) return *p ? 1 : -1;
    return strcmp(a, b);
}

static int cmp_logs(const void *a, const void *b) {
    return cmp_paths(((const LogInfo *)a)->path, ((const LogInfo *)b)->path);
}

static bool add_log(Conv *cv, const char *path) {
    char err[1024];
    LkLog *l = lk_open(path, err, sizeof err);
    if (!l) return fail(cv, "%s", err);
    LogInfo *g = realloc(cv->logs, (cv->nlogs + 1) * sizeof *g);
    if (!g) return lk_close(l), oom(cv);
    cv->logs = g;
    LogInfo *li = &cv->logs[cv->nlogs++];
    li->hdr = *lk_header(l);
    li->hdr.command = strdup(li->hdr.command);
    li->path = strdup(path);
    struct stat st;
    if (stat(path, &st) == 0) cv->log_bytes += (uint64_t)st.st_size;
    li->used = false;
    lk_close(l);
    return (li->hdr.command && li->path) || oom(cv);
}

static bool add_input(Conv *cv, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return fail(cv, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return add_log(cv, path);
    DIR *d = opendir(path);
    if (!d) return fail(cv, "%s: %s", path, strerror(errno));
    size_t before = cv->nlogs;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (strncmp(e->d_name, "lk.", 3) != 0) continue;
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) ok = add_log(cv, full);
    }
    closedir(d);
    if (ok && cv->nlogs == before) return fail(cv, "%s: no lackey logs (lk.*) in this directory", path);
    return ok;
}

/* The root: the one log whose parent is not among the logged processes (the first image's, if
 * the first process exec'd). */
static LogInfo *find_root(Conv *cv) {
    LogInfo *root = NULL;
    for (size_t i = 0; i < cv->nlogs; i++) {
        LogInfo *li = &cv->logs[i];
        bool parent_logged = false;
        for (size_t j = 0; j < cv->nlogs && !parent_logged; j++)
            parent_logged = cv->logs[j].hdr.pid == li->hdr.ppid;
        /* a later image of an exec'ing process: the logs are in order, its first image first */
        bool later_image = false;
        for (size_t j = 0; j < i && !later_image; j++) later_image = cv->logs[j].hdr.pid == li->hdr.pid;
        if (parent_logged || later_image || li->hdr.fork_child) continue;
        if (root) {
            fail(cv, "%s and %s both look like the first process of a recording: give the logs of "
                     "one recording", root->path, li->path);
            return NULL;
        }
        root = li;
    }
    if (!root) fail(cv, "lackey2mm: no log starts the recording (every log's parent process is logged too)");
    return root;
}

/* #source: the command inside `sh -c 'CMD; :'` (spec/traces.md) or `sh -c 'CMD; exit $?'`
 * (scripts/record.sh), or the whole command line. */
static void make_source(Conv *cv, const LogInfo *root) {
    static const char *const tails[] = {"; :", "; exit $?"};
    if (cv->source_opt) {
        snprintf(cv->source, sizeof cv->source, "%s", cv->source_opt);
    } else {
        char words[4096];
        size_t n = lk_command_words(root->hdr.command, words, sizeof words);
        const char *w0 = words, *w1 = w0 + strlen(w0) + 1, *w2 = w1 + strlen(w1) + 1;
        size_t l2 = n == 3 ? strlen(w2) : 0, cut = 0;
        for (int i = 0; i < 2 && !cut; i++) {
            size_t t = strlen(tails[i]);
            if (l2 > t && strcmp(w2 + l2 - t, tails[i]) == 0) cut = t;
        }
        if (cut && strcmp(basename_of(w0), "sh") == 0 && strcmp(w1, "-c") == 0)
            snprintf(cv->source, sizeof cv->source, "%.*s", (int)(l2 - cut), w2);
        else
            snprintf(cv->source, sizeof cv->source, "%s", root->hdr.command);
    }
    for (char *c = cv->source; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
}

static void reset_pass(Conv *cv, int pass) {
    cv->pass = pass;
    cv->bytes_done = pass == 2 ? cv->log_bytes : 0;
    snprintf(cv->progress_what, sizeof cv->progress_what, "lackey2mm pass %d of 2", pass);
    cv->next_pid = 0;
    cv->memfds = 0;
    cv->objs.n = 0;
    cv->objs.ndead = 0;
    cv->nt.next_sid = 1;
    cv->accesses = cv->dropped = 0;
    for (size_t i = 0; i < cv->nlogs; i++) cv->logs[i].used = false;
}

static bool run_pass(Conv *cv, LogInfo *root, int pass) {
    reset_pass(cv, pass);
    Proc *p = proc_new(cv, root->hdr.pid);
    if (!p) return oom(cv);
    char words[4096];
    lk_command_words(root->hdr.command, words, sizeof words);
    char name[RECORD_PATH_MAX];
    field_text(basename_of(words), strlen(basename_of(words)), name, sizeof name);
    if (pass == 2 && cv->streams && !(p->w = open_stream(cv, p->pid))) return proc_free(p), false;
    if (!emit_pid(cv, p, OSEV_PROC, p->pid, 0, name, TO_BOTH)) return proc_free(p), false;
    if (!emit_pid(cv, p, OSEV_SWITCH, p->pid, 0, NULL, TO_MERGED)) return proc_free(p), false;
    if (!run_process(cv, p, root)) return false;
    for (size_t i = 0; i < cv->nlogs; i++)
        if (!cv->logs[i].used)
            return fail(cv, "%s: this log (pid %u) belongs to no process of the recording: its "
                            "parent's log does not create it, or pid %u did not exec",
                        cv->logs[i].path, cv->logs[i].hdr.pid, cv->logs[i].hdr.pid);
    return true;
}

static const char usage_line[] =
    "usage: lackey2mm [-o OUT] [--streams DIR [--ext EXT]] [--format F] [--level N] [--threads N] [--source TEXT] [--progress|-q] LOG|DIR...\n";

static void usage(FILE *f) {
    fprintf(f,
            "%s"
            "Converts the valgrind lackey logs of one recording (scripts/record.sh) into an\n"
            "mmusim OS-mode trace. A DIR stands for its lk.* files.\n"
            "  -o OUT          one trace, each child spliced in at its fork; the format comes\n"
            "                  from the name: .mmt or .mmb, optionally .zst or .gz\n"
            "  --format F      -o OUT's format: mmt or mmb, optionally .zst or .gz (default:\n"
            "                  from OUT's name; needed for -o -, standard output)\n"
            "  --streams DIR   one trace per process: DIR/PID.EXT (pids renumbered 1, 2, ...)\n"
            "  --ext EXT       the streams' format (default mmb.zst)\n"
            "  --level N       compression level: zstd 1..19 (default 3), gzip 1..9 (default 6)\n"
            "  --threads N     zstd outputs: compress in N worker threads (1..64), overlapping\n"
            "                  the conversion; the output is the same for every N; 0 (default)\n"
            "                  compresses in the converting thread\n"
            "  --scan-bytes N  pass 1 reads the first N bytes of each log line by line and the\n"
            "                  rest for system calls only (default 67108864; 'all'); the\n"
            "                  output is the same, only the time differs; -o - reads all\n"
            "  --source TEXT   the #source header (default: the recorded command)\n"
            "  --progress      a progress display on standard error (default: when it is a\n"
            "                  terminal)\n"
            "  -q, --quiet     no progress display and no summary line\n",
            usage_line);
}

/* An output name's format, checked before any work is done. */
static bool check_name(Conv *cv, const char *path, TwCompress *comp) {
    TwFormat fmt;
    char name[64];
    if (cv->format && path == cv->out) {
        snprintf(name, sizeof name, "-.%s", cv->format);
        if (tw_format_from_name(name, &fmt, comp)) return true;
        return fail(cv, "lackey2mm: --format: mmt or mmb, optionally followed by .zst or .gz");
    }
    if (strcmp(path, "-") == 0) return fail(cv, "lackey2mm: -o - needs --format mmt|mmb, optionally followed by .zst or .gz");
    if (tw_format_from_name(path, &fmt, comp)) return true;
    return fail(cv, "%s: the output name must end in .mmt or .mmb, optionally followed by .zst or .gz", path);
}

/* An option's value: decimal digits only, lo..hi. */
static bool small_number(const char *v, int lo, int hi, int *out) {
    int n = 0;
    const char *p = v;
    while (*p >= '0' && *p <= '9' && n <= hi) n = n * 10 + (*p++ - '0');
    if (*p || p == v || n < lo || n > hi) return false;
    *out = n;
    return true;
}

int main(int argc, char **argv) {
    static Conv conv;
    Conv *cv = &conv;
    cv->ext = "mmb.zst";
    bool quiet = false;
    int progress_mode = -1; /* progress_new() */
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
            progress_mode = 0;
            continue;
        }
        if (strcmp(a, "--progress") == 0) {
            progress_mode = 1;
            continue;
        }
        const char **opt = strcmp(a, "-o") == 0 ? &cv->out : strcmp(a, "--streams") == 0 ? &cv->streams
                          : strcmp(a, "--ext") == 0 ? &cv->ext : strcmp(a, "--source") == 0 ? &cv->source_opt
                          : strcmp(a, "--format") == 0 ? &cv->format : strcmp(a, "--level") == 0 ? &cv->level_opt
                          : strcmp(a, "--threads") == 0 ? &cv->threads_opt
                          : strcmp(a, "--scan-bytes") == 0 ? &cv->scan_opt : NULL;
        if (opt) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lackey2mm: %s needs a value\n", a);
                return 2;
            }
            *opt = argv[++i];
            continue;
        }
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lackey2mm: unknown option '%s'\n%s", a, usage_line);
            return 2;
        }
        first = i;
        break;
    }
    if (first == argc || (!cv->out && !cv->streams)) {
        fprintf(stderr, "lackey2mm: %s\n%s", first == argc ? "no logs given" : "no output: give -o OUT or --streams DIR",
                usage_line);
        return 2;
    }
    if (cv->level_opt && !small_number(cv->level_opt, 1, 19, &cv->level)) {
        fprintf(stderr, "lackey2mm: --level: N must be 1..19 (zstd) or 1..9 (gzip)\n%s", usage_line);
        return 2;
    }
    if (cv->threads_opt && !small_number(cv->threads_opt, 0, TW_MAX_THREADS, &cv->threads)) {
        fprintf(stderr, "lackey2mm: --threads: N must be 0..%d\n%s", TW_MAX_THREADS, usage_line);
        return 2;
    }
    bool ok = true;
    TwCompress out_comp = TW_PLAIN, stream_comp = TW_PLAIN;
    if (cv->out) ok = check_name(cv, cv->out, &out_comp);
    if (ok && cv->streams) {
        char name[4096];
        snprintf(name, sizeof name, "%s/1.%s", cv->streams, cv->ext);
        ok = check_name(cv, name, &stream_comp);
        struct stat st;
        if (ok && (stat(cv->streams, &st) != 0 || !S_ISDIR(st.st_mode)))
            ok = fail(cv, "%s: not a directory", cv->streams);
    }
    if (ok && cv->threads && out_comp != TW_ZSTD && stream_comp != TW_ZSTD)
        ok = fail(cv, "lackey2mm: --threads is for zstd outputs (.zst), and no output is one");
    for (int i = first; ok && i < argc; i++) ok = add_input(cv, argv[i]);
    LogInfo *root = NULL;
    if (ok) {
        qsort(cv->logs, cv->nlogs, sizeof *cv->logs, cmp_logs);
        ok = (root = find_root(cv)) != NULL;
    }
    if (ok) {
        make_source(cv, root);
        cv->nt.emit = emit_rec;
        cv->nt.path = name_of;
        cv->nt.shm = shm_of;
        cv->nt.ud = cv;
        ok = (cv->fold = fold_new()) && nt_ctx_init(&cv->nt);
        if (!ok) oom(cv);
        cv->nt.fold = cv->fold;
    }
    /* Pass 1 reads the first EXACT_BYTES of each log line by line, and the rest only for its
     * system calls (mappings mark their chunks): about four times faster. If pass 2 then meets
     * an access in a chunk nothing marked (a stack that grew into a new chunk late in a long
     * run), both passes run again with pass 1 reading every line. Either way the fold is
     * exactly the chunks that accesses and mappings touch. */
    cv->exact_bytes = EXACT_BYTES;
    if (cv->scan_opt) {
        uint64_t v = 0;
        const char *c = cv->scan_opt;
        while (*c >= '0' && *c <= '9' && v < (UINT64_C(1) << 60)) v = v * 10 + (uint64_t)(*c++ - '0');
        if (strcmp(cv->scan_opt, "all") == 0) v = UINT64_MAX;
        else if (*c || c == cv->scan_opt) ok = fail(cv, "lackey2mm: --scan-bytes: N must be a number of bytes or 'all'");
        cv->exact_bytes = v;
    }
    if (cv->out && strcmp(cv->out, "-") == 0) cv->exact_bytes = UINT64_MAX; /* no second attempt */
    cv->progress = ok ? progress_new(progress_mode, cv->progress_what) : NULL;
    for (int attempt = 0; ok && attempt < 2; attempt++) {
        if (attempt) {
            /* the display starts again, as the passes do */
            progress_end(cv->progress);
            cv->progress = progress_new(progress_mode, cv->progress_what);
            cv->missed = false;
            cv->exact_bytes = UINT64_MAX;
            cv->err[0] = 0;
            fold_free(cv->fold);
            ok = (cv->nt.fold = cv->fold = fold_new()) != NULL || oom(cv);
        }
        ok = ok && run_pass(cv, root, 1);
        if (ok) {
            char e[512];
            if (!fold_build(cv->fold, e, sizeof e)) ok = fail(cv, "lackey2mm: %s", e);
        }

        if (ok && cv->out) ok = cv->opened = (cv->merged = open_writer(cv, cv->out)) != NULL;
        ok = ok && run_pass(cv, root, 2);
        if (cv->merged) {
            bool c = close_writer(cv, cv->merged);
            ok = ok && c;
            if (!ok && cv->missed) cv->merged = NULL;
        }
        if (ok || !cv->missed) break;
        ok = true; /* the second attempt overwrites the outputs */
    }
    progress_end(cv->progress);
    if (!ok) {
        fprintf(stderr, "%s\n", cv->err);
        /* no half-written traces */
        if (cv->out && cv->opened && strcmp(cv->out, "-") != 0) remove(cv->out);
        for (uint32_t pid = 1; pid <= cv->streams_opened; pid++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%u.%s", cv->streams, pid, cv->ext);
            remove(path);
        }
        return 2;
    }
    if (!quiet)
        fprintf(stderr, "lackey2mm: %zu logs, %u processes, %llu accesses (%llu of valgrind's own left out), "
                "%zu chunks folded\n", cv->nlogs, cv->next_pid, (unsigned long long)(cv->accesses - cv->dropped),
                (unsigned long long)cv->dropped, fold_chunks(cv->fold));
    return 0;
}
