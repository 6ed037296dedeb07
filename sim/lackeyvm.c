/* lackeyvm.c - Linux areas (lackeyvm.h). A sorted array: programs have tens to a few thousand
 * areas, and system calls are rare next to accesses. */
#include "lackeyvm.h"

#include <stdlib.h>
#include <string.h>

static bool grow(void **p, uint32_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t c = *cap ? *cap * 2u : 16u;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return false;
    *p = q;
    *cap = (uint32_t)c;
    return true;
}

uint32_t lv_obj_new(LvObjs *o) {
    if (o->n == UINT32_MAX - 1 || !grow((void **)&o->pages, &o->cap, (size_t)o->n + 1, sizeof *o->pages))
        return UINT32_MAX;
    o->pages[o->n] = 0;
    return o->n++;
}

static void obj_add(LvMap *m, const LvArea *a, bool add) {
    if (a->kind != LV_SHM || !m->objs) return;
    LvObjs *o = m->objs;
    uint64_t n = a->end - a->start;
    if (add) {
        o->pages[a->obj] += n;
        return;
    }
    o->pages[a->obj] -= n;
    if (o->pages[a->obj] == 0) {
        if (grow((void **)&o->dead, &o->capdead, (size_t)o->ndead + 1, sizeof *o->dead))
            o->dead[o->ndead++] = a->obj;
        else m->oom = true;
    }
}

size_t lv_lower(const LvMap *m, uint64_t page) {
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->a[mid].end <= page) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const LvArea *lv_find(const LvMap *m, uint64_t page) {
    size_t i = lv_lower(m, page);
    return i < m->n && m->a[i].start <= page ? &m->a[i] : NULL;
}

static bool reserve(LvMap *m, size_t extra) {
    if (m->n + extra <= m->cap) return true;
    size_t c = m->cap ? m->cap * 2 : 16;
    while (c < m->n + extra) c *= 2;
    LvArea *a = realloc(m->a, c * sizeof *a);
    if (!a) {
        m->oom = true;
        return false;
    }
    m->a = a;
    m->cap = c;
    return true;
}

/* Splits the area holding page so that one starts at page. */
static void split_at(LvMap *m, uint64_t page) {
    size_t i = lv_lower(m, page);
    if (i == m->n || m->a[i].start >= page) return;
    if (!reserve(m, 1)) return;
    LvArea *a = &m->a[i];
    memmove(a + 1, a, (m->n - i) * sizeof *a);
    m->n++;
    a[0].end = page;
    a[1].off += page - a[1].start;
    a[1].start = page;
}

static bool joinable(const LvArea *a, const LvArea *b) {
    return a->end == b->start && a->kind == b->kind && a->prot == b->prot && a->obj == b->obj &&
           (a->kind == LV_IMPLICIT || a->kind == LV_ANON || a->off + (a->end - a->start) == b->off);
}

/* Joins area i with its equal neighbours. */
static void join_around(LvMap *m, size_t i) {
    if (i + 1 < m->n && joinable(&m->a[i], &m->a[i + 1])) {
        m->a[i].end = m->a[i + 1].end;
        memmove(&m->a[i + 1], &m->a[i + 2], (m->n - i - 2) * sizeof *m->a);
        m->n--;
    }
    if (i > 0 && joinable(&m->a[i - 1], &m->a[i])) {
        m->a[i - 1].end = m->a[i].end;
        memmove(&m->a[i], &m->a[i + 1], (m->n - i - 1) * sizeof *m->a);
        m->n--;
    }
}

void lv_remove(LvMap *m, uint64_t s, uint64_t e) {
    if (s >= e) return;
    split_at(m, s);
    split_at(m, e);
    size_t i = lv_lower(m, s), j = i;
    while (j < m->n && m->a[j].start < e) obj_add(m, &m->a[j++], false);
    if (j == i) return;
    memmove(&m->a[i], &m->a[j], (m->n - j) * sizeof *m->a);
    m->n -= j - i;
}

void lv_insert(LvMap *m, LvArea a) {
    if (a.start >= a.end || !reserve(m, 1)) return;
    size_t i = lv_lower(m, a.start);
    memmove(&m->a[i + 1], &m->a[i], (m->n - i) * sizeof *m->a);
    m->a[i] = a;
    m->n++;
    obj_add(m, &a, true);
    join_around(m, i);
}

void lv_protect(LvMap *m, uint64_t s, uint64_t e, uint8_t prot) {
    if (s >= e) return;
    split_at(m, s);
    split_at(m, e);
    size_t i = lv_lower(m, s), j = i;
    for (; j < m->n && m->a[j].start < e; j++) m->a[j].prot = prot;
    /* join equal neighbours from the area before the range to the one after it */
    size_t k = i > 0 ? i - 1 : 0, last = j;
    while (k + 1 < m->n && k <= last) {
        if (joinable(&m->a[k], &m->a[k + 1])) {
            m->a[k].end = m->a[k + 1].end;
            memmove(&m->a[k + 1], &m->a[k + 2], (m->n - k - 2) * sizeof *m->a);
            m->n--;
            if (last > 0) last--;
        } else {
            k++;
        }
    }
}

void lv_copy(LvMap *dst, const LvMap *src) {
    dst->objs = src->objs;
    dst->n = 0;
    if (!src->n || !reserve(dst, src->n)) return;
    memcpy(dst->a, src->a, src->n * sizeof *src->a);
    dst->n = src->n;
    for (size_t i = 0; i < dst->n; i++) obj_add(dst, &dst->a[i], true);
}

void lv_clear(LvMap *m) {
    for (size_t i = 0; i < m->n; i++) obj_add(m, &m->a[i], false);
    m->n = 0;
}

void lv_free(LvMap *m) {
    lv_clear(m);
    free(m->a);
    m->a = NULL;
    m->cap = 0;
}
