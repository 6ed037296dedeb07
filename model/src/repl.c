/* repl.c - replacement state for one SETS x WAYS array (see repl.h for the exact rules). */
#include "mmusim/repl.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

struct Repl {
    ReplPolicy policy;
    uint32_t sets, ways;
    uint64_t clock;   /* LRU/FIFO stamp source */
    uint64_t rng;     /* RANDOM state, never 0 */
    uint64_t *stamp;  /* LRU: last use; FIFO: fill time; sets*ways */
    uint64_t *tree;   /* PLRU: one bit vector per set (ways-1 bits) */
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
    if (p == REPL_PLRU && (ways > 64 || (ways & (ways - 1))))
        return "tree-PLRU needs a power-of-two number of ways, at most 64";
    return NULL;
}

Repl *repl_new(ReplPolicy p, uint32_t sets, uint32_t ways, uint64_t seed) {
    if (repl_check(p, ways) || sets == 0) return NULL;
    Repl *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    *r = (Repl){.policy = p, .sets = sets, .ways = ways, .rng = seed ? seed : 0x9E3779B97F4A7C15u};
    if (p == REPL_LRU || p == REPL_FIFO) r->stamp = calloc((size_t)sets * ways, sizeof *r->stamp);
    if (p == REPL_PLRU) r->tree = calloc(sets, sizeof *r->tree);
    if ((p == REPL_LRU || p == REPL_FIFO) ? !r->stamp : (p == REPL_PLRU && !r->tree)) {
        repl_free(r);
        return NULL;
    }
    return r;
}

void repl_free(Repl *r) {
    if (!r) return;
    free(r->stamp);
    free(r->tree);
    free(r);
}

/* Point every node on way's path away from it. Node n covers a subtree; its left child 2n+1
 * holds the lower half of the ways. */
static void plru_mark(Repl *r, uint32_t set, uint32_t way) {
    uint64_t bits = r->tree[set];
    uint32_t node = 0, lo = 0, span = r->ways;
    while (span > 1) {
        span >>= 1;
        bool right = way >= lo + span;
        if (right) bits &= ~(UINT64_C(1) << node), lo += span; /* victim search goes left */
        else bits |= UINT64_C(1) << node;                       /* victim search goes right */
        node = 2 * node + 1 + right;
    }
    r->tree[set] = bits;
}

static uint32_t plru_victim(const Repl *r, uint32_t set) {
    uint64_t bits = r->tree[set];
    uint32_t node = 0, lo = 0, span = r->ways;
    while (span > 1) {
        span >>= 1;
        bool right = (bits >> node) & 1;
        if (right) lo += span;
        node = 2 * node + 1 + right;
    }
    return lo;
}

void repl_touch(Repl *r, uint32_t set, uint32_t way) {
    MM_ASSERT(set < r->sets && way < r->ways);
    if (r->policy == REPL_LRU) r->stamp[(size_t)set * r->ways + way] = ++r->clock;
    else if (r->policy == REPL_PLRU) plru_mark(r, set, way);
}

void repl_fill(Repl *r, uint32_t set, uint32_t way) {
    MM_ASSERT(set < r->sets && way < r->ways);
    if (r->policy == REPL_LRU || r->policy == REPL_FIFO)
        r->stamp[(size_t)set * r->ways + way] = ++r->clock;
    else if (r->policy == REPL_PLRU) plru_mark(r, set, way);
}

/* xorshift64* (Vigna): small, fast, and the same sequence on every platform. */
static uint64_t rng_next(Repl *r) {
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return r->rng * UINT64_C(0x2545F4914F6CDD1D);
}

static uint32_t oldest_stamp(const Repl *r, uint32_t set) {
    const uint64_t *s = &r->stamp[(size_t)set * r->ways];
    uint32_t v = 0;
    for (uint32_t w = 1; w < r->ways; w++)
        if (s[w] < s[v]) v = w;
    return v;
}

uint32_t repl_victim(Repl *r, uint32_t set) {
    MM_ASSERT(set < r->sets);
    switch (r->policy) {
    case REPL_LRU:
    case REPL_FIFO: return oldest_stamp(r, set);
    case REPL_PLRU: return plru_victim(r, set);
    case REPL_RANDOM: return (uint32_t)(rng_next(r) % r->ways);
    }
    MM_ASSERT(0);
}
