/* lackeynt.c - the NT layout of a Linux address space (lackeynt.h). */
#include "lackeynt.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/ntpte.h"
#include "recfmt.h"

#define NT_GRANS 0x8000u  /* 64 KiB granules below 2 GiB */
#define NT_PAGES 0x80000u /* pages below 2 GiB */

/* Page states (NtSpace.page). View pages hold PG_COMMIT | their protection. */
#define PG_COMMIT 0x80u /* committed (private) or mapped (view) */
#define PG_COVER 0x40u  /* private: Linux maps the page */
#define PG_PROT 0x1Fu   /* the memory manager's protection code */

/* Linux facts of a page in the scratch array lp: mapped, kind, protection. */
#define LP_MAPPED 0x80u
#define LP_KIND(x) (((x) >> 3) & 7u)
#define LP_PROT(x) ((x) & 7u)

enum { W_FREE, W_PRIV, W_VIEW };

typedef struct {
    uint8_t cls, vkind;
    uint32_t obj;
    uint64_t objpage; /* object page at the granule's first page */
} Want;

typedef struct {
    uint32_t g0, g1;  /* granules [g0, g1] */
    uint32_t covered; /* private: pages Linux maps */
    uint32_t obj;
    uint64_t objpage; /* view: object page at g0 */
    uint8_t used, view, vkind;
} NtVad;

struct NtSpace {
    uint32_t gran[NT_GRANS]; /* VAD index + 1, 0 when free */
    uint8_t page[NT_PAGES];
    NtVad *v;
    uint32_t nv, capv;
};

/* ---- set-up ----------------------------------------------------------------------------- */

static uint8_t code(const char *name) {
    uint8_t c = 0;
    mmprot_parse(name, &c);
    return c;
}

bool nt_ctx_init(NtCtx *c) {
    static const char *priv[8] = {"NA", "RO", "RW", "RW", "XR", "XR", "XRW", "XRW"};
    static const char *wc[8] = {"NA", "RO", "WC", "WC", "XR", "XR", "XWC", "XWC"};
    for (int i = 0; i < 8; i++) {
        c->prot_priv[i] = c->prot_shared[i] = code(priv[i]);
        c->prot_wc[i] = code(wc[i]);
    }
    c->prot_na = code("NA");
    c->prot_rw = code("RW");
    c->want = malloc(NT_GRANS * sizeof(Want));
    c->lp = malloc(NT_PAGES);
    c->dpriv = malloc(NT_PAGES);
    c->dview = malloc(NT_PAGES);
    if (!c->want || !c->lp || !c->dpriv || !c->dview) {
        nt_ctx_free(c);
        return false;
    }
    return true;
}

void nt_ctx_free(NtCtx *c) {
    free(c->want);
    free(c->lp);
    free(c->dpriv);
    free(c->dview);
    c->want = NULL;
    c->lp = c->dpriv = c->dview = NULL;
}

NtSpace *nt_new(void) { return calloc(1, sizeof(NtSpace)); }

NtSpace *nt_copy(const NtSpace *s) {
    NtSpace *d = malloc(sizeof *d);
    if (!d) return NULL;
    memcpy(d, s, sizeof *d);
    d->v = NULL;
    if (s->nv) {
        if (!(d->v = malloc(s->nv * sizeof *d->v))) {
            free(d);
            return NULL;
        }
        memcpy(d->v, s->v, s->nv * sizeof *d->v);
    }
    d->capv = s->nv;
    return d;
}

void nt_reset(NtSpace *s) {
    memset(s->gran, 0, sizeof s->gran);
    memset(s->page, 0, sizeof s->page);
    s->nv = 0;
}

void nt_free(NtSpace *s) {
    if (!s) return;
    free(s->v);
    free(s);
}

void nt_counts(const NtSpace *s, uint32_t *vads, uint32_t *views) {
    *vads = *views = 0;
    for (uint32_t i = 0; i < s->nv; i++)
        if (s->v[i].used) ++*vads, *views += s->v[i].view;
}

/* ---- events ------------------------------------------------------------------------------ */

static bool emit(NtCtx *c, Record *r, OsEvent ev) {
    r->kind = REC_OS;
    r->os = (uint8_t)ev;
    r->keyword = record_os_keyword(ev);
    return c->emit(c->ud, r);
}

static bool ev_range(NtCtx *c, OsEvent ev, uint32_t pid, uint32_t page, uint32_t npages, uint8_t prot) {
    Record r;
    memset(&r, 0, sizeof r);
    r.pid = pid;
    r.base = page << 12;
    r.len = npages << 12;
    r.has_len = true;
    r.prot = prot;
    return emit(c, &r, ev);
}

/* Runs of pages with one operation and protection inside one VAD, emitted as one event. */
typedef struct {
    NtCtx *c;
    uint32_t pid;
    OsEvent ev;
    uint32_t start, n, vad;
    uint8_t prot;
    bool open;
} Run;

static bool run_flush(Run *r) {
    bool ok = !r->open || ev_range(r->c, r->ev, r->pid, r->start, r->n, r->prot);
    r->open = false;
    return ok;
}

static bool run_add(Run *r, OsEvent ev, uint32_t vad, uint32_t page, uint8_t prot) {
    if (r->open && r->ev == ev && r->vad == vad && r->prot == prot && r->start + r->n == page) {
        r->n++;
        return true;
    }
    if (!run_flush(r)) return false;
    *r = (Run){.c = r->c, .pid = r->pid, .ev = ev, .start = page, .n = 1, .vad = vad, .prot = prot, .open = true};
    return true;
}

/* ---- VADs -------------------------------------------------------------------------------- */

static int32_t vad_new(NtSpace *s) {
    for (uint32_t i = 0; i < s->nv; i++)
        if (!s->v[i].used) return (int32_t)i;
    if (s->nv == s->capv) {
        uint32_t cap = s->capv ? s->capv * 2 : 16;
        NtVad *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->capv = cap;
    }
    return (int32_t)s->nv++;
}

static void vad_drop(NtSpace *s, uint32_t i) {
    NtVad *v = &s->v[i];
    for (uint32_t g = v->g0; g <= v->g1; g++) {
        s->gran[g] = 0;
        memset(&s->page[g << 4], 0, 16);
    }
    v->used = 0;
    while (s->nv && !s->v[s->nv - 1].used) s->nv--;
}

static bool same_key(const Want *w, uint8_t vkind, uint32_t obj, uint64_t objpage) {
    return w->cls == W_VIEW && w->vkind == vkind && w->obj == obj && w->objpage == objpage;
}

/* ---- the layout -------------------------------------------------------------------------- */

/* What the Linux areas call for in granules [ga, gb], whose first page is source page sp0;
 * fills want and the per-page facts lp (indexed from ga's first page). */
static void classify(NtCtx *c, const LvMap *m, uint32_t ga, uint32_t gb, uint64_t sp0) {
    Want *want = c->want;
    size_t ai = lv_lower(m, sp0);
    for (uint32_t g = ga; g <= gb; g++) {
        Want w = {.cls = W_FREE};
        bool viewable = true, keyed = false;
        for (uint32_t k = 0; k < 16; k++) {
            uint32_t i = ((g - ga) << 4) + k;
            uint64_t sp = sp0 + i;
            while (ai < m->n && m->a[ai].end <= sp) ai++;
            const LvArea *a = ai < m->n && m->a[ai].start <= sp ? &m->a[ai] : NULL;
            if (!a || a->kind == LV_HIDDEN) {
                c->lp[i] = 0;
                viewable = false;
                continue;
            }
            c->lp[i] = (uint8_t)(LP_MAPPED | a->kind << 3 | (a->prot & 7));
            w.cls = W_PRIV;
            if (a->kind != LV_FILE && a->kind != LV_FILE_SHARED && a->kind != LV_SHM) {
                viewable = false;
                continue;
            }
            uint64_t op = a->off + (sp - a->start) - k;
            if (!keyed) {
                w.vkind = a->kind, w.obj = a->obj, w.objpage = op;
                keyed = true;
            } else if (w.vkind != a->kind || w.obj != a->obj || w.objpage != op) {
                viewable = false;
            }
        }
        if (w.cls == W_PRIV && viewable) {
            /* the view must fit its section: a shared object's size, a 32-bit section size */
            uint64_t limit = 0xFFFFF;
            if (w.vkind == LV_SHM) {
                uint32_t sid;
                c->shm(c->ud, w.obj, &sid, &limit);
            }
            if (w.objpage <= limit && limit - w.objpage >= 16) w.cls = W_VIEW;
        }
        want[g - ga] = w;
    }
}

/* Desired page states: private (dpriv) and view (dview), from lp and the current state. */
static void desire(NtCtx *c, const NtSpace *s, uint32_t p0, uint32_t np) {
    for (uint32_t i = 0; i < np; i++) {
        uint8_t lp = c->lp[i], old = s->page[p0 + i];
        if (!(lp & LP_MAPPED)) {
            c->dpriv[i] = c->dview[i] = 0;
            continue;
        }
        uint8_t prot = LP_PROT(lp), kind = (uint8_t)LP_KIND(lp);
        if (prot) c->dpriv[i] = (uint8_t)(PG_COMMIT | PG_COVER | c->prot_priv[prot]);
        else if (old & PG_COMMIT) c->dpriv[i] = (uint8_t)(PG_COMMIT | PG_COVER | c->prot_na);
        else c->dpriv[i] = PG_COVER;
        c->dview[i] = (uint8_t)(PG_COMMIT | (kind == LV_FILE ? c->prot_wc[prot] : c->prot_shared[prot]));
    }
}

static bool unmap_view(NtCtx *c, NtSpace *s, uint32_t pid, uint32_t vi) {
    NtVad *v = &s->v[vi];
    Record r;
    memset(&r, 0, sizeof r);
    r.pid = pid;
    r.base = v->g0 << 16;
    r.len = (v->g1 - v->g0 + 1) << 16;
    r.has_len = true;
    if (!emit(c, &r, OSEV_UNMAP)) return false;
    vad_drop(s, vi);
    return true;
}

/* A view of granules [g0, g1] as want[g0 - ga] asks, pages from dview. */
static bool map_view(NtCtx *c, NtSpace *s, uint32_t pid, uint32_t ga, uint32_t g0, uint32_t g1) {
    const Want *w = &((const Want *)c->want)[g0 - ga];
    int32_t vi = vad_new(s);
    if (vi < 0) return false;
    uint32_t ng = g1 - g0 + 1, p0 = g0 << 4, i0 = (g0 - ga) << 4;
    uint32_t sid;
    uint64_t pages;
    Record r;
    memset(&r, 0, sizeof r);
    if (w->vkind == LV_SHM) {
        c->shm(c->ud, w->obj, &sid, &pages);
    } else {
        sid = c->next_sid++;
        r.sid = sid;
        r.offset = (w->objpage + ((uint64_t)ng << 4)) << 12;
        r.sec_file = true;
        const char *path = c->path(c->ud, w->obj);
        size_t n = strlen(path);
        if (n >= sizeof r.path) n = sizeof r.path - 1;
        memcpy(r.path, path, n);
        r.path[n] = 0;
        if (!emit(c, &r, OSEV_SECTION)) return false;
        memset(&r, 0, sizeof r);
    }
    uint8_t prot = c->dview[i0] & PG_PROT;
    r.pid = pid;
    r.sid = sid;
    r.base = g0 << 16;
    r.len = ng << 16;
    r.offset = w->objpage << 12;
    r.prot = prot;
    if (!emit(c, &r, OSEV_MAP)) return false;
    s->v[vi] = (NtVad){.g0 = g0, .g1 = g1, .obj = w->obj, .objpage = w->objpage, .used = 1, .view = 1,
                       .vkind = w->vkind};
    for (uint32_t g = g0; g <= g1; g++) s->gran[g] = (uint32_t)vi + 1;
    Run run = {.c = c, .pid = pid};
    for (uint32_t i = 0; i < ng << 4; i++) { /* pages whose protection is not the view's */
        uint8_t want = c->dview[i0 + i] & PG_PROT;
        if (want != prot && !run_add(&run, OSEV_PROTECT, (uint32_t)vi, p0 + i, want)) return false;
        s->page[p0 + i] = (uint8_t)(PG_COMMIT | want);
    }
    if (!run_flush(&run)) return false;
    if (w->vkind != LV_SHM) {
        memset(&r, 0, sizeof r);
        r.sid = sid;
        if (!emit(c, &r, OSEV_CLOSE)) return false;
    }
    return true;
}

/* Private memory for granules [g0, g1]: one allocation if every page wants the same committed
 * protection, else a reservation (the pages are committed afterwards). */
static bool new_private(NtCtx *c, NtSpace *s, uint32_t pid, uint32_t ga, uint32_t g0, uint32_t g1) {
    int32_t vi = vad_new(s);
    if (vi < 0) return false;
    uint32_t p0 = g0 << 4, np = (g1 - g0 + 1) << 4, i0 = (g0 - ga) << 4;
    uint8_t first = c->dpriv[i0];
    bool uniform = first & PG_COMMIT;
    uint32_t covered = 0;
    for (uint32_t i = 0; i < np; i++) {
        uniform &= c->dpriv[i0 + i] == first;
        covered += (c->dpriv[i0 + i] & PG_COVER) != 0;
    }
    if (!ev_range(c, uniform ? OSEV_ALLOC : OSEV_RESERVE, pid, p0, np, uniform ? first & PG_PROT : c->prot_rw))
        return false;
    s->v[vi] = (NtVad){.g0 = g0, .g1 = g1, .covered = covered, .used = 1};
    for (uint32_t g = g0; g <= g1; g++) s->gran[g] = (uint32_t)vi + 1;
    for (uint32_t i = 0; i < np; i++) s->page[p0 + i] = uniform ? first : (uint8_t)(c->dpriv[i0 + i] & PG_COVER);
    return true;
}

static bool sync_span(NtCtx *c, NtSpace *s, const LvMap *m, uint32_t pid, uint32_t dp0, uint32_t dp1) {
    uint32_t ga = dp0 >> 4, gb = (dp1 - 1) >> 4;
    /* whole views at both ends: a view that changes is unmapped and mapped again */
    if (s->gran[ga] && s->v[s->gran[ga] - 1].view) ga = s->v[s->gran[ga] - 1].g0;
    if (s->gran[gb] && s->v[s->gran[gb] - 1].view) gb = s->v[s->gran[gb] - 1].g1;
    uint64_t src;
    if (!fold_to_src(c->fold, ga << 16, &src)) return true; /* cannot happen: the span is folded */
    classify(c, m, ga, gb, src >> 12);
    const Want *want = c->want;
    uint32_t p0 = ga << 4, np = (gb - ga + 1) << 4;

    /* 1. views whose granules no longer hold the same consecutive object pages */
    for (uint32_t g = ga; g <= gb;) {
        uint32_t vi = s->gran[g];
        if (!vi || !s->v[vi - 1].view) {
            g++;
            continue;
        }
        NtVad *v = &s->v[vi - 1];
        bool keep = true;
        for (uint32_t h = v->g0; h <= v->g1 && keep; h++)
            keep = same_key(&want[h - ga], v->vkind, v->obj, v->objpage + ((uint64_t)(h - v->g0) << 4));
        g = v->g1 + 1;
        if (!keep && !unmap_view(c, s, pid, vi - 1)) return false;
    }
    desire(c, s, p0, np);

    /* 2. private pages Linux no longer maps: decommit; keep coverage counts */
    Run run = {.c = c, .pid = pid};
    for (uint32_t i = 0; i < np; i++) {
        uint32_t vi = s->gran[(p0 + i) >> 4];
        if (!vi || s->v[vi - 1].view) continue;
        uint8_t old = s->page[p0 + i], nw = c->dpriv[i];
        NtVad *v = &s->v[vi - 1];
        v->covered += ((nw & PG_COVER) != 0) - ((old & PG_COVER) != 0);
        if ((old & PG_COMMIT) && !(nw & PG_COMMIT)) {
            if (!run_add(&run, OSEV_DECOMMIT, vi, p0 + i, 0)) return false;
            s->page[p0 + i] = nw;
        } else {
            s->page[p0 + i] = (uint8_t)((old & ~PG_COVER) | (nw & PG_COVER));
        }
    }
    if (!run_flush(&run)) return false;

    /* 3. reservations with no mapped page left */
    for (uint32_t g = ga; g <= gb;) {
        uint32_t vi = s->gran[g];
        if (!vi || s->v[vi - 1].view) {
            g++;
            continue;
        }
        NtVad *v = &s->v[vi - 1];
        g = v->g1 + 1;
        if (v->covered) continue;
        if (!ev_range(c, OSEV_FREE, pid, v->g0 << 4, (v->g1 - v->g0 + 1) << 4, 0)) return false;
        vad_drop(s, vi - 1);
    }

    /* 4. views on free granules */
    for (uint32_t g = ga; g <= gb;) {
        const Want *w = &want[g - ga];
        if (s->gran[g] || w->cls != W_VIEW) {
            g++;
            continue;
        }
        uint32_t h = g;
        while (h < gb && !s->gran[h + 1] &&
               same_key(&want[h + 1 - ga], w->vkind, w->obj, w->objpage + ((uint64_t)(h + 1 - g) << 4)))
            h++;
        if (!map_view(c, s, pid, ga, g, h)) return false;
        g = h + 1;
    }

    /* 5. private memory on the other free granules that Linux maps */
    for (uint32_t g = ga; g <= gb;) {
        if (s->gran[g] || want[g - ga].cls == W_FREE) {
            g++;
            continue;
        }
        uint32_t h = g;
        while (h < gb && !s->gran[h + 1] && want[h + 1 - ga].cls != W_FREE) h++;
        if (!new_private(c, s, pid, ga, g, h)) return false;
        g = h + 1;
    }

    /* 6. commit and protect private pages; protect view pages */
    for (uint32_t i = 0; i < np; i++) {
        uint32_t vi = s->gran[(p0 + i) >> 4];
        if (!vi) continue;
        uint8_t old = s->page[p0 + i];
        if (s->v[vi - 1].view) {
            uint8_t nw = c->dview[i];
            if (nw != old && !run_add(&run, OSEV_PROTECT, vi, p0 + i, nw & PG_PROT)) return false;
            s->page[p0 + i] = nw;
            continue;
        }
        uint8_t nw = c->dpriv[i];
        if (nw & PG_COMMIT) {
            if (!(old & PG_COMMIT)) {
                if (!run_add(&run, OSEV_COMMIT, vi, p0 + i, nw & PG_PROT)) return false;
            } else if ((old & PG_PROT) != (nw & PG_PROT)) {
                if (!run_add(&run, OSEV_PROTECT, vi, p0 + i, nw & PG_PROT)) return false;
            }
        }
        s->page[p0 + i] = nw;
    }
    return run_flush(&run);
}

bool nt_sync(NtCtx *c, NtSpace *s, const LvMap *m, uint32_t pid, uint64_t s0, uint64_t s1) {
    const LkFold *f = c->fold;
    size_t n = fold_chunks(f);
    for (size_t i = s0 < s1 ? fold_lower(f, s0 << 12) : n; i < n;) {
        uint64_t src;
        uint32_t dst;
        fold_chunk(f, i, &src, &dst);
        uint64_t cp = src >> 12, endp = cp + 1024;
        if (cp >= s1) break;
        size_t j = i + 1;
        for (; j < n && endp < s1; j++) {
            uint64_t s2;
            uint32_t d2;
            fold_chunk(f, j, &s2, &d2);
            if (s2 >> 12 != endp) break;
            endp += 1024;
        }
        uint64_t a = s0 > cp ? s0 : cp, b = s1 < endp ? s1 : endp;
        uint32_t dp0 = (dst >> 12) + (uint32_t)(a - cp);
        if (!sync_span(c, s, m, pid, dp0, dp0 + (uint32_t)(b - a))) return false;
        i = j;
    }
    return true;
}
