/* tlb.c - one TLB level: a 4 KiB array, a large-page array, or an unbounded store (tlb.h).
 *
 * An array keeps each set in one record: keys, valid count, replacement state and entries (see
 * Array), so a lookup compares a few packed words. The unbounded store is an open-addressing
 * hash table on (shift, vpn) with linear probing and backward-shift deletion, so it has no
 * tombstones.
 */
#include "mmusim/tlb.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

_Static_assert(sizeof(TlbEntry) == 16, "TlbEntry packs into 16 bytes");

/* A walk-heavy replay calls tlb_lookup, tlb_touch and tlb_fill five times per access. With
 * link-time optimisation they are inlined into the MMU's access path (HOT: the compiler's own
 * heuristics keep them out of line, and the calls and spills around them were a tenth of such
 * an access's instructions); the unbounded store's paths stay out of line (COLD), so that the
 * inlined code is only the arrays'. */
#include "hotcold.h"

/* A set-associative array. Each set is one record, so that a lookup and the fill after it
 * touch the same few cache lines and find everything from one base address:
 *   uint32_t key[slots]   (vpn << 1) | 1 when valid, 0 when not; slots = ways rounded up to a
 *                         multiple of 4, the padding always 0, so a lookup compares four keys
 *                         per loop step and never matches the padding
 *   uint32_t used         valid ways: a full set goes straight to the policy
 *   policy state          repl_state_size() bytes at repl_at (8-aligned)
 *   TlbEntry e[ways]      at entries_at (16-aligned), read on a hit, written on a fill
 * Records are padded to a power of two up to 64 bytes, then to a multiple of 64, and the block
 * is 64-byte aligned, so the keys of a set of up to 12 ways share one cache line and no entry
 * straddles two. */
typedef struct {
    uint32_t set_mask; /* sets - 1 */
    uint32_t ways, slots;
    uint32_t stride;     /* bytes per set record */
    uint32_t repl_at;    /* offset of the policy state in a record */
    uint32_t entries_at; /* offset of the entries in a record */
    unsigned char *rec;
    Repl *repl;
    uint64_t valid;
    /* An upper bound on the valid 4 KiB fragments of large pages (small array only), so that
     * INVLPG skips its scan for them when there are none. An eviction leaves it alone (that
     * would load every victim entry on the walk path); the scans recount it exactly. */
    uint32_t frags;
    uint32_t sets;
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
    if (!(a->repl = repl_new(p, g.ways, seed))) return false;
    a->sets = g.sets, a->set_mask = g.sets - 1, a->ways = g.ways;
    a->slots = (g.ways + 3) & ~UINT32_C(3);
    size_t repl_at = ((a->slots + 1) * sizeof(uint32_t) + 7) & ~(size_t)7;
    size_t entries_at = (repl_at + repl_state_size(a->repl) + 15) & ~(size_t)15;
    size_t stride = entries_at + g.ways * sizeof(TlbEntry), pad = 16;
    while (pad < stride && pad < 64) pad *= 2;
    stride = pad < 64 ? pad : (stride + 63) & ~(size_t)63;
    /* at most 1024 ways: a few KiB per record */
    a->repl_at = (uint32_t)repl_at, a->entries_at = (uint32_t)entries_at;
    a->stride = (uint32_t)stride;
    size_t bytes = (size_t)g.sets * stride;
    if (!(a->rec = aligned_alloc(64, (bytes + 63) & ~(size_t)63))) return false;
    memset(a->rec, 0, bytes);
    for (uint32_t set = 0; set < g.sets; set++)
        repl_state_init(a->repl, a->rec + (size_t)set * stride + repl_at);
    return true;
}

static void array_free(Array *a) {
    free(a->rec);
    repl_free(a->repl);
}

/* A set's record and its parts (see Array). */
static inline unsigned char *set_rec(const Array *a, uint32_t set) {
    return a->rec + (size_t)set * a->stride;
}
static inline uint32_t *rec_keys(unsigned char *rec) { return (uint32_t *)rec; }
static inline void *rec_repl(const Array *a, unsigned char *rec) { return rec + a->repl_at; }
static inline TlbEntry *rec_entries(const Array *a, unsigned char *rec) {
    return (TlbEntry *)(rec + a->entries_at);
}

static inline uint32_t array_key(uint32_t vpn) { return vpn << 1 | 1; }

/* The way holding vpn in its set, or -1. Four keys per step (see Array): a miss in a 12-way
 * set costs three loop steps, not twelve. The cheapest search when hits land on a way the
 * branch predictor can guess (an L1 TLB's few hot pages all sit in way 0) and misses are
 * predicted too; otherwise see array_find_scattered. */
static inline int array_find(const Array *a, uint32_t vpn, uint32_t *set) {
    *set = vpn & a->set_mask;
    const uint32_t *k = rec_keys(set_rec(a, *set)), *end = k + a->slots, want = array_key(vpn);
    for (const uint32_t *p = k; p < end; p += 4) {
        if (p[0] == want) return (int)(p - k);
        if (p[1] == want) return (int)(p - k) + 1;
        if (p[2] == want) return (int)(p - k) + 2;
        if (p[3] == want) return (int)(p - k) + 3;
    }
    return -1;
}

/* array_find with one branch per four keys instead of one per key: for arrays whose hits land
 * on ways that follow no pattern. The PDE cache of a walk-heavy replay hits on way 0 or 1 at
 * random, and array_find's per-key branch mispredicted every other hit (a tenth of such a
 * replay's time); this costs a few more instructions per step, which an L1 hit on way 0 would
 * pay for nothing. A valid key is in a set at most once and the padding never matches, so at
 * most one of the four keys matches: a match in way 1 or 3 sets bit 0 of w, one in way 2 or 3
 * bit 1, so w is that way (0 if none of the last three matches), and one compare confirms it.
 * Written so because gcc turns 3 * (p[3] == want), or a test of "any compare true", back into
 * a branch on one key. */
static inline int array_find_scattered(const Array *a, uint32_t vpn, uint32_t *set) {
    *set = vpn & a->set_mask;
    const uint32_t *k = rec_keys(set_rec(a, *set)), *end = k + a->slots, want = array_key(vpn);
    for (const uint32_t *p = k; p < end; p += 4) {
        uint32_t m3 = p[3] == want;
        uint32_t w = ((uint32_t)(p[1] == want) | m3) + 2 * ((uint32_t)(p[2] == want) | m3);
        if (p[w] == want) return (int)(p - k) + (int)w;
    }
    return -1;
}

static inline bool is_fragment(const TlbEntry *e) { return e->shift < e->page_shift; }

static void array_drop(Array *a, uint32_t set, uint32_t way) {
    unsigned char *rec = set_rec(a, set);
    uint32_t *k = rec_keys(rec);
    a->frags -= is_fragment(&rec_entries(a, rec)[way]);
    k[way] = 0;
    k[a->slots]--; /* used */
    a->valid--;
}

static uint32_t array_drop_vpn(Array *a, uint32_t vpn) {
    uint32_t set;
    int w = array_find(a, vpn, &set);
    if (w < 0) return 0;
    array_drop(a, set, (uint32_t)w);
    return 1;
}

/* Every fragment of the large page number lvpn (page size 1 << shift); recounts frags. */
static uint32_t array_drop_fragments(Array *a, uint32_t lvpn, uint8_t shift) {
    uint32_t n = 0, left = 0;
    for (uint32_t set = 0; a->frags && set < a->sets; set++) {
        unsigned char *rec = set_rec(a, set);
        const uint32_t *k = rec_keys(rec);
        const TlbEntry *e = rec_entries(a, rec);
        for (uint32_t w = 0; w < a->ways; w++) {
            if (!k[w] || !is_fragment(&e[w])) continue;
            if (e[w].page_shift == shift && e[w].vpn >> (shift - e[w].shift) == lvpn)
                array_drop(a, set, w), n++;
            else
                left++;
        }
    }
    a->frags = left;
    return n;
}

/* Drop every entry, or every non-global one; recounts frags. */
static uint32_t array_flush(Array *a, bool keep_global) {
    uint32_t n = 0, left = 0;
    for (uint32_t set = 0; a->valid && set < a->sets; set++) {
        unsigned char *rec = set_rec(a, set);
        const uint32_t *k = rec_keys(rec);
        const TlbEntry *e = rec_entries(a, rec);
        for (uint32_t w = 0; w < a->ways; w++) {
            if (!k[w]) continue;
            if (!(keep_global && (e[w].flags & TLBE_GLOBAL))) array_drop(a, set, w), n++;
            else left += is_fragment(&e[w]);
        }
    }
    a->frags = left;
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
        if (s->key[i] && !(keep_global && (s->e[i].flags & TLBE_GLOBAL))) store_delete(s, i), n++;
        else i++;
    }
    return n;
}

uint64_t tlb_array_seed(uint64_t level_seed, int array) {
    return array == TLB_LARGE ? level_seed ^ UINT64_C(0x5bd1e995) : level_seed;
}

/* ---- the level -------------------------------------------------------------------------- */

Tlb *tlb_new(const TlbConfig *cfg) {
    if (tlb_config_check(cfg)) return NULL;
    Tlb *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->unbounded = cfg->unbounded;
    bool ok = t->unbounded ? store_init(&t->store, 1024)
                           : array_init(&t->arr[TLB_SMALL], cfg->small, cfg->policy,
                                      tlb_array_seed(cfg->seed, TLB_SMALL)) &&
                                 array_init(&t->arr[TLB_LARGE], cfg->large, cfg->policy,
                                            tlb_array_seed(cfg->seed, TLB_LARGE));
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
    return &rec_entries(a, set_rec(a, set))[w];
}

COLD static const TlbEntry *store_lookup(const Store *s, uint32_t la, uint8_t large_shift,
                                         TlbSlot *slot) {
    size_t i = store_find(s, store_key(12, la >> 12));
    if (i == SIZE_MAX) i = store_find(s, store_key(large_shift, la >> large_shift));
    if (i == SIZE_MAX) return NULL;
    *slot = (TlbSlot){.array = TLB_UNBOUNDED, .set = (uint32_t)i};
    return &s->e[i];
}

HOT const TlbEntry *tlb_lookup(const Tlb *t, uint32_t la, uint8_t large_shift, TlbSlot *slot) {
    const Array *s = &t->arr[TLB_SMALL], *l = &t->arr[TLB_LARGE];
    const TlbEntry *e = NULL;
    if (s->valid) e = array_lookup(s, TLB_SMALL, la >> 12, slot);
    if (!e && l->valid) e = array_lookup(l, TLB_LARGE, la >> large_shift, slot);
    if (e || !t->unbounded) return e;
    return store_lookup(&t->store, la, large_shift, slot);
}

/* array_lookup through array_find_scattered, and the hit's touch, from one record address. */
static inline const TlbEntry *array_lookup_touch(const Array *a, uint32_t vpn) {
    uint32_t set;
    int w = array_find_scattered(a, vpn, &set);
    if (w < 0) return NULL;
    unsigned char *rec = set_rec(a, set);
    repl_touch(a->repl, rec_repl(a, rec), (uint32_t)w);
    return &rec_entries(a, rec)[w];
}

/* The same search and touch as tlb_lookup then tlb_touch (the unbounded store has no
 * replacement state to touch). */
HOT const TlbEntry *tlb_lookup_touch(Tlb *t, uint32_t la, uint8_t large_shift) {
    const Array *s = &t->arr[TLB_SMALL], *l = &t->arr[TLB_LARGE];
    const TlbEntry *e = NULL;
    if (s->valid) e = array_lookup_touch(s, la >> 12);
    if (!e && l->valid) e = array_lookup_touch(l, la >> large_shift);
    if (e || !t->unbounded) return e;
    TlbSlot ignored;
    return store_lookup(&t->store, la, large_shift, &ignored);
}

HOT void tlb_touch(Tlb *t, TlbSlot slot) {
    if (slot.array == TLB_UNBOUNDED) return;
    const Array *a = &t->arr[slot.array];
    repl_touch(a->repl, rec_repl(a, set_rec(a, slot.set)), slot.way);
}

/* Write a fill's entry: the translation tr of the page holding la, cached as an entry of
 * 1 << shift bytes (shift < tr->page_shift: the 4 KiB fragment of a large page that la is in).
 * tr is read field by field and the entry assembled before it is stored: a wholesale copy of
 * a TlbEntry the caller has just built field by field would read the parts back before the
 * stores retire (a store-forwarding stall that cost a third of a walk-heavy replay). */
static inline void write_entry(TlbEntry *d, const TlbEntry *tr, uint32_t la, uint8_t shift) {
    uint8_t page_shift = tr->page_shift;
    uint64_t frame = tr->frame;
    if (shift < page_shift) frame += (la & ((UINT32_C(1) << page_shift) - 1)) & ~UINT32_C(0xFFF);
    *d = (TlbEntry){.frame = frame, .vpn = la >> shift, .shift = shift, .page_shift = page_shift,
                    .rights = tr->rights, .flags = tr->flags};
}

/* tlb_fill into array a (number `which`), in entries of 1 << shift bytes. The caller
 * guarantees the page is not cached here (tlb_fill's contract), so the fill takes the lowest
 * invalid way, or, when the set is full, the policy's victim. */
static inline bool array_fill(Array *a, uint8_t which, uint8_t shift, const TlbEntry *tr,
                              uint32_t la, TlbFill *f, TlbEntry *victim) {
    if (!a->sets) {
        *f = (TlbFill){.slot = {.array = which}};
        return false;
    }
    uint32_t vpn = la >> shift, set = vpn & a->set_mask, way = 0;
    unsigned char *rec = set_rec(a, set);
    uint32_t *k = rec_keys(rec);
    void *st = rec_repl(a, rec);
    TlbEntry *e = rec_entries(a, rec);
#ifndef NDEBUG
    uint32_t ignored;
    MM_ASSERT(array_find(a, vpn, &ignored) < 0 && array_find_scattered(a, vpn, &ignored) < 0);
#endif
    bool evicted = k[a->slots] == a->ways;
    if (!evicted) {
        while (k[way]) way++;
        k[a->slots]++;
        a->valid++;
        repl_fill(a->repl, st, way);
    } else { /* the victim's place: used and valid stay; frags stays an upper bound */
        way = repl_replace(a->repl, st);
        if (victim) *victim = e[way];
    }
    k[way] = array_key(vpn);
    if (shift < tr->page_shift) a->frags++; /* the same test as in write_entry: one branch */
    write_entry(&e[way], tr, la, shift);
    *f = (TlbFill){.stored = true, .evicted = evicted,
                   .slot = {.array = which, .set = set, .way = way}};
    return true;
}

/* tlb_fill for the unbounded store: every page size is kept as it is. */
COLD static bool store_fill(Store *s, const TlbEntry *tr, uint32_t la, TlbFill *f) {
    *f = (TlbFill){.slot = {.array = TLB_UNBOUNDED}};
    if (s->count * 2 >= s->cap && !store_grow(s)) return false;
    uint8_t shift = tr->page_shift;
    write_entry(store_slot(s, store_key(shift, la >> shift)), tr, la, shift);
    return f->stored = true;
}

HOT bool tlb_fill(Tlb *t, const TlbEntry *tr, uint32_t la, TlbFill *f, TlbEntry *victim) {
    if (t->unbounded) return store_fill(&t->store, tr, la, f);
    /* Large pages go to the large array; without one, as 4 KiB fragments to the small one. */
    if (tr->page_shift > 12 && t->arr[TLB_LARGE].sets)
        return array_fill(&t->arr[TLB_LARGE], TLB_LARGE, tr->page_shift, tr, la, f, victim);
    return array_fill(&t->arr[TLB_SMALL], TLB_SMALL, 12, tr, la, f, victim);
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
