/* tlb.c - one TLB level: a 4 KiB array, a large-page array, or an unbounded store (tlb.h).
 *
 * Arrays keep a key per way, (vpn << 1) | 1 when valid and 0 when not, next to the entries so a
 * lookup compares a few packed words. The unbounded store is an open-addressing hash table on
 * (shift, vpn) with linear probing and backward-shift deletion, so it has no tombstones.
 */
#include "mmusim/tlb.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

_Static_assert(sizeof(TlbEntry) == 16, "TlbEntry packs into 16 bytes");

typedef struct {
    uint32_t sets, ways;
    uint32_t *key;    /* sets*ways */
    TlbEntry *e;      /* sets*ways */
    uint16_t *used;   /* valid ways per set: a full set goes straight to the policy */
    Repl *repl;
    uint32_t frags;   /* valid 4 KiB fragments of large pages (small array only) */
    uint64_t valid;
} Array;

typedef struct {
    uint64_t *key;    /* (shift << 32 | vpn) + 1, 0 = empty */
    TlbEntry *e;
    size_t cap, count;
} Store;

struct Tlb {
    Array arr[2];
    bool unbounded;
    Store store;
};

/* ---- configuration ---------------------------------------------------------------------- */

static bool geom_present(TlbGeom g) { return g.sets && g.ways; }

bool tlb_config_present(const TlbConfig *c) {
    return c->unbounded || geom_present(c->small) || geom_present(c->large);
}

static const char *geom_check(TlbGeom g, ReplPolicy p) {
    if (!geom_present(g)) return NULL;
    if (g.sets & (g.sets - 1)) return "the number of sets must be a power of two";
    if (g.sets > (1u << 20)) return "at most 2^20 sets"; /* ways: repl_check */
    return repl_check(p, g.ways);
}

const char *tlb_config_check(const TlbConfig *c) {
    if (c->unbounded) return NULL;
    const char *e = geom_check(c->small, c->policy);
    return e ? e : geom_check(c->large, c->policy);
}

/* ---- set-associative arrays ------------------------------------------------------------ */

static bool array_init(Array *a, TlbGeom g, ReplPolicy p, uint64_t seed) {
    memset(a, 0, sizeof *a);
    if (!geom_present(g)) return true;
    size_t n = (size_t)g.sets * g.ways;
    a->sets = g.sets, a->ways = g.ways;
    a->key = calloc(n, sizeof *a->key);
    a->e = calloc(n, sizeof *a->e);
    a->used = calloc(g.sets, sizeof *a->used);
    a->repl = repl_new(p, g.sets, g.ways, seed);
    return a->key && a->e && a->used && a->repl;
}

static void array_free(Array *a) {
    free(a->used);
    free(a->key);
    free(a->e);
    repl_free(a->repl);
}

static inline uint32_t array_key(uint32_t vpn) { return vpn << 1 | 1; }

static inline int array_find(const Array *a, uint32_t vpn, uint32_t *set) {
    *set = vpn & (a->sets - 1);
    const uint32_t *k = &a->key[(size_t)*set * a->ways], want = array_key(vpn);
    for (uint32_t w = 0; w < a->ways; w++)
        if (k[w] == want) return (int)w;
    return -1;
}

static void array_drop(Array *a, uint32_t set, uint32_t way) {
    size_t i = (size_t)set * a->ways + way;
    a->frags -= a->e[i].shift < a->e[i].page_shift;
    a->key[i] = 0;
    a->used[set]--;
    a->valid--;
}

/* The caller guarantees the page is not cached here (tlb_fill's contract), so a fill takes the
 * lowest invalid way, or, when the set is full, the policy's victim. Returns the way's entry
 * for the caller to write; fragment says whether it will hold a piece of a large page. */
static TlbEntry *array_fill(Array *a, uint8_t which, uint32_t vpn, bool fragment, TlbFill *f,
                            TlbEntry *victim) {
    uint32_t set = vpn & (a->sets - 1), way = 0;
    uint32_t *k = &a->key[(size_t)set * a->ways];
#ifndef NDEBUG
    uint32_t ignored;
    MM_ASSERT(array_find(a, vpn, &ignored) < 0);
#endif
    if (a->used[set] < a->ways) {
        while (k[way]) way++;
    } else {
        way = repl_victim(a->repl, set);
        f->evicted = true;
        if (victim) *victim = a->e[(size_t)set * a->ways + way];
        array_drop(a, set, way);
    }
    k[way] = array_key(vpn);
    a->used[set]++;
    a->valid++;
    a->frags += fragment;
    repl_fill(a->repl, set, way);
    f->slot = (TlbSlot){.array = which, .set = set, .way = way};
    return &a->e[(size_t)set * a->ways + way];
}

static uint32_t array_drop_vpn(Array *a, uint32_t vpn) {
    uint32_t set;
    int w = array_find(a, vpn, &set);
    if (w < 0) return 0;
    array_drop(a, set, (uint32_t)w);
    return 1;
}

/* Every fragment of the large page number lvpn (page size 1 << shift). */
static uint32_t array_drop_fragments(Array *a, uint32_t lvpn, uint8_t shift) {
    uint32_t n = 0;
    for (size_t i = 0; a->frags && i < (size_t)a->sets * a->ways; i++) {
        const TlbEntry *e = &a->e[i];
        if (a->key[i] && e->page_shift == shift && e->shift < shift &&
            e->vpn >> (shift - e->shift) == lvpn)
            array_drop(a, (uint32_t)(i / a->ways), (uint32_t)(i % a->ways)), n++;
    }
    return n;
}

static uint32_t array_flush(Array *a, bool keep_global) {
    uint32_t n = 0;
    for (size_t i = 0; a->valid && i < (size_t)a->sets * a->ways; i++)
        if (a->key[i] && !(keep_global && a->e[i].global))
            array_drop(a, (uint32_t)(i / a->ways), (uint32_t)(i % a->ways)), n++;
    return n;
}

/* ---- the unbounded store ---------------------------------------------------------------- */

static inline uint64_t store_key(uint8_t shift, uint32_t vpn) {
    return ((uint64_t)shift << 32 | vpn) + 1;
}

static inline size_t store_home(const Store *s, uint64_t key) {
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (s->cap - 1);
}

static bool store_init(Store *s, size_t cap) {
    s->cap = cap, s->count = 0;
    s->key = calloc(cap, sizeof *s->key);
    s->e = calloc(cap, sizeof *s->e);
    return s->key && s->e;
}

static size_t store_find(const Store *s, uint64_t key) {
    for (size_t i = store_home(s, key);; i = (i + 1) & (s->cap - 1)) {
        if (s->key[i] == key) return i;
        if (!s->key[i]) return SIZE_MAX;
    }
}

/* The entry slot for key, claimed if new. */
static TlbEntry *store_slot(Store *s, uint64_t key) {
    size_t i = store_home(s, key);
    while (s->key[i] && s->key[i] != key) i = (i + 1) & (s->cap - 1);
    if (!s->key[i]) s->count++;
    s->key[i] = key;
    return &s->e[i];
}

static bool store_grow(Store *s) {
    Store n;
    if (!store_init(&n, s->cap * 2)) {
        free(n.key);
        free(n.e);
        return false;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->key[i]) *store_slot(&n, s->key[i]) = s->e[i];
    free(s->key);
    free(s->e);
    *s = n;
    return true;
}

/* Remove slot i and close the gap: later members of the probe run move back if their home
 * position allows it. */
static void store_delete(Store *s, size_t i) {
    size_t mask = s->cap - 1;
    s->key[i] = 0;
    s->count--;
    for (size_t j = (i + 1) & mask; s->key[j]; j = (j + 1) & mask) {
        size_t h = store_home(s, s->key[j]);
        bool movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
        if (!movable) continue;
        s->key[i] = s->key[j], s->e[i] = s->e[j], s->key[j] = 0;
        i = j;
    }
}

static uint32_t store_drop(Store *s, uint8_t shift, uint32_t vpn) {
    size_t i = store_find(s, store_key(shift, vpn));
    if (i == SIZE_MAX) return 0;
    store_delete(s, i);
    return 1;
}

/* Deleting at i may pull a later entry into i: look at i again. Entries only ever move to
 * slots at or after the one being visited (cyclically), so nothing is skipped. */
static uint32_t store_flush(Store *s, bool keep_global) {
    uint32_t n = 0;
    for (size_t i = 0; s->count && i < s->cap;) {
        if (s->key[i] && !(keep_global && s->e[i].global)) store_delete(s, i), n++;
        else i++;
    }
    return n;
}

/* ---- the level -------------------------------------------------------------------------- */

Tlb *tlb_new(const TlbConfig *cfg) {
    if (tlb_config_check(cfg)) return NULL;
    Tlb *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->unbounded = cfg->unbounded;
    bool ok = t->unbounded ? store_init(&t->store, 1024)
                           : array_init(&t->arr[TLB_SMALL], cfg->small, cfg->policy, cfg->seed) &&
                                 array_init(&t->arr[TLB_LARGE], cfg->large, cfg->policy,
                                            cfg->seed ^ UINT64_C(0x5bd1e995));
    if (!ok) {
        tlb_free(t);
        return NULL;
    }
    return t;
}

void tlb_free(Tlb *t) {
    if (!t) return;
    array_free(&t->arr[0]);
    array_free(&t->arr[1]);
    free(t->store.key);
    free(t->store.e);
    free(t);
}

static inline const TlbEntry *array_lookup(const Array *a, uint8_t which, uint32_t vpn,
                                           TlbSlot *slot) {
    uint32_t set;
    int w = array_find(a, vpn, &set);
    if (w < 0) return NULL;
    *slot = (TlbSlot){.array = which, .set = set, .way = (uint32_t)w};
    return &a->e[(size_t)set * a->ways + (uint32_t)w];
}

const TlbEntry *tlb_lookup(const Tlb *t, uint32_t la, uint8_t large_shift, TlbSlot *slot) {
    const Array *s = &t->arr[TLB_SMALL], *l = &t->arr[TLB_LARGE];
    const TlbEntry *e = NULL;
    if (s->valid) e = array_lookup(s, TLB_SMALL, la >> 12, slot);
    if (!e && l->valid) e = array_lookup(l, TLB_LARGE, la >> large_shift, slot);
    if (e || !t->unbounded) return e;
    size_t i = store_find(&t->store, store_key(12, la >> 12));
    if (i == SIZE_MAX) i = store_find(&t->store, store_key(large_shift, la >> large_shift));
    if (i == SIZE_MAX) return NULL;
    *slot = (TlbSlot){.array = TLB_UNBOUNDED, .set = (uint32_t)i};
    return &t->store.e[i];
}

void tlb_touch(Tlb *t, TlbSlot slot) {
    if (slot.array != TLB_UNBOUNDED) repl_touch(t->arr[slot.array].repl, slot.set, slot.way);
}

/* Entries are written field by field: a wholesale copy of a TlbEntry the caller has just built
 * field by field would read the parts back before the stores retire (a store-forwarding stall
 * that cost a third of a walk-heavy replay). */
bool tlb_fill(Tlb *t, const TlbEntry *tr, uint32_t la, TlbFill *f, TlbEntry *victim) {
    uint8_t which = tr->page_shift > 12 ? TLB_LARGE : TLB_SMALL;
    uint64_t frame = tr->frame;
    if (!t->unbounded && which == TLB_LARGE && !t->arr[TLB_LARGE].sets) {
        /* No large array: keep the 4 KiB fragment that was accessed. */
        which = TLB_SMALL;
        frame += (la & ((UINT32_C(1) << tr->page_shift) - 1)) & ~UINT32_C(0xFFF);
    }
    uint8_t shift = which == TLB_SMALL ? 12 : tr->page_shift;
    uint32_t vpn = la >> shift;
    f->stored = f->evicted = false;
    f->slot = (TlbSlot){.array = t->unbounded ? TLB_UNBOUNDED : which};
    TlbEntry *d;
    if (t->unbounded) {
        if (t->store.count * 2 >= t->store.cap && !store_grow(&t->store)) return false;
        d = store_slot(&t->store, store_key(shift, vpn));
    } else {
        if (!t->arr[which].sets) return false;
        d = array_fill(&t->arr[which], which, vpn, shift < tr->page_shift, f, victim);
    }
    d->frame = frame;
    d->vpn = vpn;
    d->shift = shift;
    d->page_shift = tr->page_shift;
    d->rights = tr->rights;
    d->dirty = tr->dirty;
    d->global = tr->global;
    return f->stored = true;
}

TlbEntry tlb_translation(const TlbEntry *e) {
    TlbEntry tr = *e;
    if (e->shift < e->page_shift) {
        uint32_t off = (e->vpn << e->shift) & ((UINT32_C(1) << e->page_shift) - 1);
        tr.frame = e->frame - off;
    }
    return tr;
}

uint32_t tlb_invalidate_page(Tlb *t, uint32_t la, uint8_t large_shift) {
    if (t->unbounded)
        return store_drop(&t->store, 12, la >> 12) +
               store_drop(&t->store, large_shift, la >> large_shift);
    uint32_t n = 0;
    Array *s = &t->arr[TLB_SMALL], *l = &t->arr[TLB_LARGE];
    if (s->sets) n += array_drop_vpn(s, la >> 12) + array_drop_fragments(s, la >> large_shift, large_shift);
    if (l->sets) n += array_drop_vpn(l, la >> large_shift);
    return n;
}

uint32_t tlb_flush(Tlb *t, bool keep_global) {
    if (t->unbounded) return store_flush(&t->store, keep_global);
    return array_flush(&t->arr[0], keep_global) + array_flush(&t->arr[1], keep_global);
}

uint64_t tlb_occupancy(const Tlb *t) {
    return t->unbounded ? t->store.count : t->arr[0].valid + t->arr[1].valid;
}
