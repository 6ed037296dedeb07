/* lackeyfold.c - the chunk fold (lackeyfold.h). Chunks live in an open-addressing hash table
 * keyed by source chunk number; the folded side is a direct table of the 512 folded chunks. */
#include "lackeyfold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More chunks than this can never fit; marking stops there (the count is still exact enough
 * for the message: "more than N"). */
#define FOLD_MARK_LIMIT 4096u

struct LkFold {
    uint64_t *key;   /* chunk + 1; 0 = empty slot */
    uint32_t *dst;   /* folded chunk base, after fold_build */
    size_t cap, n;
    bool too_many;
    uint64_t *sorted; /* source chunks in order, after fold_build */
    size_t nsorted;
    uint64_t back[1u << (32 - FOLD_CHUNK_SHIFT)]; /* folded chunk -> source chunk + 1 */
};

static size_t slot_of(uint64_t k, size_t cap) {
    k *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(k >> 40) & (cap - 1);
}

LkFold *fold_new(void) {
    LkFold *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->cap = 1024;
    f->key = calloc(f->cap, sizeof *f->key);
    f->dst = calloc(f->cap, sizeof *f->dst);
    if (!f->key || !f->dst) {
        fold_free(f);
        return NULL;
    }
    return f;
}

void fold_free(LkFold *f) {
    if (!f) return;
    free(f->key);
    free(f->dst);
    free(f->sorted);
    free(f);
}

static size_t find(const LkFold *f, uint64_t chunk) {
    size_t i = slot_of(chunk + 1, f->cap);
    while (f->key[i] && f->key[i] != chunk + 1) i = (i + 1) & (f->cap - 1);
    return i;
}

static bool add(LkFold *f, uint64_t chunk) {
    size_t i = find(f, chunk);
    if (f->key[i]) return true;
    if (f->n >= FOLD_MARK_LIMIT) {
        f->too_many = true;
        return true;
    }
    f->key[i] = chunk + 1;
    f->n++;
    if (f->n * 2 > f->cap) {
        size_t cap = f->cap * 2;
        uint64_t *key = calloc(cap, sizeof *key);
        uint32_t *dst = calloc(cap, sizeof *dst);
        if (!key || !dst) {
            free(key);
            free(dst);
            return false;
        }
        for (size_t j = 0; j < f->cap; j++) {
            if (!f->key[j]) continue;
            size_t s = slot_of(f->key[j], cap);
            while (key[s]) s = (s + 1) & (cap - 1);
            key[s] = f->key[j];
        }
        free(f->key);
        free(f->dst);
        f->key = key;
        f->dst = dst;
        f->cap = cap;
    }
    return true;
}

bool fold_touch(LkFold *f, uint64_t first, uint64_t last) {
    for (uint64_t c = first >> FOLD_CHUNK_SHIFT; c <= last >> FOLD_CHUNK_SHIFT && !f->too_many; c++)
        if (!add(f, c)) return false;
    return true;
}

bool fold_marked(const LkFold *f, uint64_t addr) { return f->key[find(f, addr >> FOLD_CHUNK_SHIFT)] != 0; }

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

bool fold_build(LkFold *f, char *err, size_t errlen) {
    if (f->too_many) {
        snprintf(err, errlen, "the footprint does not fit in the 32-bit user space: more than %u chunks "
                 "of 4 MiB are in use, at most %u fit between %08x and %08x",
                 FOLD_MARK_LIMIT, (unsigned)FOLD_MAX_CHUNKS, FOLD_LOW, FOLD_HIGH);
        return false;
    }
    free(f->sorted);
    f->sorted = malloc((f->n ? f->n : 1) * sizeof *f->sorted);
    if (!f->sorted) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    f->nsorted = 0;
    for (size_t j = 0; j < f->cap; j++)
        if (f->key[j]) f->sorted[f->nsorted++] = f->key[j] - 1;
    qsort(f->sorted, f->nsorted, sizeof *f->sorted, cmp_u64);
    memset(f->back, 0, sizeof f->back);
    if (f->nsorted == 0) return true;
    /* runs; the last one (highest) is the stack's */
    size_t nruns = 1, top = 0; /* top: index of the first chunk of the highest run */
    for (size_t i = 1; i < f->nsorted; i++)
        if (f->sorted[i] != f->sorted[i - 1] + 1) nruns++, top = i;
    size_t below = top;                       /* chunks in the lower runs */
    size_t need = f->nsorted + (nruns - 1); /* plus one empty chunk after each lower run */
    if (need > FOLD_MAX_CHUNKS) {
        snprintf(err, errlen,
                 "the footprint does not fit in the 32-bit user space: %zu chunks of 4 MiB in %zu runs "
                 "need %zu chunks with the gaps, at most %u fit between %08x and %08x",
                 f->nsorted, nruns, need, (unsigned)FOLD_MAX_CHUNKS, FOLD_LOW, FOLD_HIGH);
        return false;
    }
    uint64_t at = FOLD_LOW >> FOLD_CHUNK_SHIFT;
    for (size_t i = 0; i < below; i++) {
        if (i > 0 && f->sorted[i] != f->sorted[i - 1] + 1) at++; /* the empty chunk */
        f->dst[find(f, f->sorted[i])] = (uint32_t)(at << FOLD_CHUNK_SHIFT);
        f->back[at] = f->sorted[i] + 1;
        at++;
    }
    at = (FOLD_HIGH >> FOLD_CHUNK_SHIFT) - (f->nsorted - top);
    for (size_t i = top; i < f->nsorted; i++, at++) {
        f->dst[find(f, f->sorted[i])] = (uint32_t)(at << FOLD_CHUNK_SHIFT);
        f->back[at] = f->sorted[i] + 1;
    }
    return true;
}

bool fold_to_dst(const LkFold *f, uint64_t src, uint32_t *dst) {
    size_t i = find(f, src >> FOLD_CHUNK_SHIFT);
    if (!f->key[i]) return false;
    *dst = f->dst[i] | (uint32_t)(src & ((1u << FOLD_CHUNK_SHIFT) - 1));
    return true;
}

bool fold_to_src(const LkFold *f, uint32_t dst, uint64_t *src) {
    uint64_t b = f->back[dst >> FOLD_CHUNK_SHIFT];
    if (!b) return false;
    *src = ((b - 1) << FOLD_CHUNK_SHIFT) | (dst & ((1u << FOLD_CHUNK_SHIFT) - 1));
    return true;
}

size_t fold_chunks(const LkFold *f) { return f->nsorted; }

void fold_chunk(const LkFold *f, size_t i, uint64_t *src, uint32_t *dst) {
    *src = f->sorted[i] << FOLD_CHUNK_SHIFT;
    *dst = f->dst[find(f, f->sorted[i])];
}

size_t fold_lower(const LkFold *f, uint64_t src) {
    uint64_t c = src >> FOLD_CHUNK_SHIFT;
    size_t lo = 0, hi = f->nsorted;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->sorted[mid] < c) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
