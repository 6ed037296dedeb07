/* repl.c - replacement state for one SETS x WAYS array (see repl.h for the exact rules). */
#include "mmusim/repl.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

struct Repl {
    ReplPolicy policy;
    uint32_t sets, ways;
    uint64_t clock;   /* FIFO stamp source */
    uint64_t rng;     /* RANDOM state, never 0 */
    uint64_t *stamp;  /* FIFO: fill time per way; sets*ways */
    uint16_t *rank;   /* LRU: recency rank per way, 0 = most recent; a permutation per set */
    uint16_t *order;  /* LRU: the inverse permutation, way by rank, so the victim is O(1) */
    uint64_t *tree;   /* PLRU: one bit vector per set (ways-1 bits) */
    uint64_t path_mask[64], path_bits[64]; /* PLRU: the nodes on way w's path and their new
                                              values after a touch of w */
};

static const char *const names[REPL_POLICIES] = {"lru", "plru", "fifo", "random"};

const char *repl_policy_name(ReplPolicy p) { return (unsigned)p < REPL_POLICIES ? names[p] : "?"; }

bool repl_policy_parse(const char *name, ReplPolicy *out) {
    for (int i = 0; i < REPL_POLICIES; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (ReplPolicy)i;
            return true;
        }
    return false;
}

const char *repl_check(ReplPolicy p, uint32_t ways) {
    if (ways == 0) return "an array needs at least one way";
    if (ways > 1024) return "at most 1024 ways";
    if (p == REPL_PLRU && (ways > 64 || (ways & (ways - 1))))
        return "tree-PLRU needs a power-of-two number of ways, at most 64";
    return NULL;
}

/* Precompute, for each way, which tree nodes its path crosses and the values a touch leaves
 * there: every node points away from the way. A bit of 0 sends the victim search left. */
static void plru_paths(Repl *r) {
    for (uint32_t way = 0; way < r->ways; way++) {
        uint64_t mask = 0, bits = 0;
        uint32_t node = 0, lo = 0, span = r->ways;
        while (span > 1) {
            span >>= 1;
            bool right = way >= lo + span;
            mask |= UINT64_C(1) << node;
            if (right) lo += span;
            else bits |= UINT64_C(1) << node; /* way is on the left: search goes right */
            node = 2 * node + 1 + right;
        }
        r->path_mask[way] = mask, r->path_bits[way] = bits;
    }
}

Repl *repl_new(ReplPolicy p, uint32_t sets, uint32_t ways, uint64_t seed) {
    if (repl_check(p, ways) || sets == 0) return NULL;
    Repl *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    *r = (Repl){.policy = p, .sets = sets, .ways = ways, .rng = seed ? seed : 0x9E3779B97F4A7C15u};
    bool ok = true;
    if (p == REPL_FIFO) ok = (r->stamp = calloc((size_t)sets * ways, sizeof *r->stamp)) != NULL;
    if (p == REPL_LRU) {
        r->rank = malloc((size_t)sets * ways * sizeof *r->rank);
        r->order = malloc((size_t)sets * ways * sizeof *r->order);
        if ((ok = r->rank && r->order))
            for (size_t i = 0; i < (size_t)sets * ways; i++)
                r->rank[i] = r->order[i] = (uint16_t)(i % ways);
    }
    if (p == REPL_PLRU && (ok = (r->tree = calloc(sets, sizeof *r->tree)) != NULL)) plru_paths(r);
    if (!ok) {
        repl_free(r);
        return NULL;
    }
    return r;
}

void repl_free(Repl *r) {
    if (!r) return;
    free(r->stamp);
    free(r->rank);
    free(r->order);
    free(r->tree);
    free(r);
}

/* Make way the most recent: every way more recent than it ages by one. The ranks stay a
 * permutation, so their order is exactly the order of last touches and fills. */
static void lru_use(Repl *r, uint32_t set, uint32_t way) {
    uint16_t *rk = &r->rank[(size_t)set * r->ways], old = rk[way];
    for (uint32_t w = 0; w < r->ways; w++) rk[w] = (uint16_t)(rk[w] + (rk[w] < old));
    rk[way] = 0;
    uint16_t *ord = &r->order[(size_t)set * r->ways];
    for (uint32_t i = old; i > 0; i--) ord[i] = ord[i - 1];
    ord[0] = (uint16_t)way;
}

static void plru_mark(Repl *r, uint32_t set, uint32_t way) {
    r->tree[set] = (r->tree[set] & ~r->path_mask[way]) | r->path_bits[way];
}

/* Branch-free descent: the tree bits are as good as random in a replay, so an `if` per level
 * would be mispredicted half the time. */
static uint32_t plru_victim(const Repl *r, uint32_t set) {
    uint64_t bits = r->tree[set];
    uint32_t node = 0, lo = 0;
    for (uint32_t span = r->ways >> 1; span; span >>= 1) {
        uint32_t right = (uint32_t)(bits >> node) & 1;
        lo += span & (0u - right);
        node = 2 * node + 1 + right;
    }
    return lo;
}

void repl_touch(Repl *r, uint32_t set, uint32_t way) {
    if (r->policy == REPL_LRU) lru_use(r, set, way);
    else if (r->policy == REPL_PLRU) plru_mark(r, set, way);
}

void repl_fill(Repl *r, uint32_t set, uint32_t way) {
    if (r->policy == REPL_LRU) lru_use(r, set, way);
    else if (r->policy == REPL_PLRU) plru_mark(r, set, way);
    else if (r->policy == REPL_FIFO) r->stamp[(size_t)set * r->ways + way] = ++r->clock;
}

/* xorshift64* (Vigna): small, fast, and the same sequence on every platform. */
static uint64_t rng_next(Repl *r) {
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return r->rng * UINT64_C(0x2545F4914F6CDD1D);
}

static uint32_t oldest_fill(const Repl *r, uint32_t set) {
    const uint64_t *s = &r->stamp[(size_t)set * r->ways];
    uint32_t v = 0;
    for (uint32_t w = 1; w < r->ways; w++)
        if (s[w] < s[v]) v = w;
    return v;
}

static uint32_t least_recent(const Repl *r, uint32_t set) {
    return r->order[(size_t)set * r->ways + r->ways - 1];
}

uint32_t repl_victim(Repl *r, uint32_t set) {
    MM_ASSERT(set < r->sets);
    switch (r->policy) {
    case REPL_LRU: return least_recent(r, set);
    case REPL_FIFO: return oldest_fill(r, set);
    case REPL_PLRU: return plru_victim(r, set);
    case REPL_RANDOM: return (uint32_t)(rng_next(r) % r->ways);
    }
    MM_ASSERT(0);
}
