/* repl.c - replacement policies (see repl.h for the exact rules).
 *
 * Per-set state, in memory the array owns:
 *   LRU, FIFO  uint16_t node[ways + 1][2] (next, prev): a circular doubly linked list of the
 *              ways through a sentinel node (index ways), most recent first. Moving a way to
 *              the front and reading the back are a few loads and stores, with no branch and
 *              no loop, whatever the number of ways.
 *   PLRU       one uint64_t of tree bits.
 *   RANDOM     nothing; the generator is per array, in the Repl.
 * The policy is a field of the Repl; after link-time inlining the switches below are one
 * well-predicted branch per call.
 */
#include "mmusim/repl.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

#include "hotcold.h"

enum { NEXT, PREV };
typedef uint16_t Node[2]; /* LRU, FIFO: one way of the recency list */

struct Repl {
    ReplPolicy policy;
    uint32_t ways;
    size_t state_size;
    uint64_t rng;     /* RANDOM state, never 0 */
    uint64_t path_mask[64], path_bits[64]; /* PLRU: the nodes on way w's path and their new
                                              values after a touch of w */
    uint8_t victim_of[128]; /* PLRU with at most 8 ways: the descent's answer per tree state */
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

/* The victim search: from the root, follow each node's bit (0 left, 1 right) to a leaf.
 * Branch-free: the tree bits are as good as random in a replay, so an `if` per level would be
 * mispredicted half the time. Trees of up to 8 ways have it tabulated (victim_of). */
static uint32_t plru_descend(uint32_t ways, uint64_t bits) {
    uint32_t node = 0, lo = 0;
    for (uint32_t span = ways >> 1; span; span >>= 1) {
        uint32_t right = (uint32_t)(bits >> node) & 1;
        lo += span & (0u - right);
        node = 2 * node + 1 + right;
    }
    return lo;
}

Repl *repl_new(ReplPolicy p, uint32_t ways, uint64_t seed) {
    if (repl_check(p, ways)) return NULL;
    Repl *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    *r = (Repl){.policy = p, .ways = ways, .rng = repl_random_start(seed)};
    if (p == REPL_LRU || p == REPL_FIFO)
        r->state_size = ((ways + 1) * sizeof(Node) + 7) & ~(size_t)7;
    if (p == REPL_PLRU) {
        r->state_size = sizeof(uint64_t);
        plru_paths(r);
        for (uint32_t bits = 0; ways <= 8 && bits < (UINT32_C(1) << (ways - 1)); bits++)
            r->victim_of[bits] = (uint8_t)plru_descend(ways, bits);
    }
    return r;
}

void repl_free(Repl *r) { free(r); }

uint64_t repl_random_start(uint64_t seed) { return seed ? seed : UINT64_C(0x9E3779B97F4A7C15); }

size_t repl_state_size(const Repl *r) { return r->state_size; }

/* The recency list (see the top of this file): node `ways` is the sentinel, so its next is the
 * front (most recent) and its prev the back (the victim).
 * Reset order 0, 1, ..., ways-1 from the front: way ways-1 is the first victim. (It is never
 * asked for before every way has been filled, which fixes the order anyway.) */
static void list_init(Node *node, uint32_t ways) {
    for (uint32_t i = 0; i <= ways; i++) {
        node[i][NEXT] = (uint16_t)(i == ways ? 0 : i + 1);
        node[i][PREV] = (uint16_t)(i == 0 ? ways : i - 1);
    }
}

/* Unlink way and insert it after the sentinel. Also right when way is the front already. */
static inline void list_to_front(Node *node, uint32_t ways, uint32_t way) {
    uint16_t n = node[way][NEXT], p = node[way][PREV];
    node[p][NEXT] = n;
    node[n][PREV] = p;
    uint16_t front = node[ways][NEXT];
    node[way][NEXT] = front;
    node[way][PREV] = (uint16_t)ways;
    node[front][PREV] = (uint16_t)way;
    node[ways][NEXT] = (uint16_t)way;
}

void repl_state_init(const Repl *r, void *state) {
    if (r->policy == REPL_LRU || r->policy == REPL_FIFO) list_init(state, r->ways);
    else if (r->policy == REPL_PLRU) *(uint64_t *)state = 0;
}

static inline void plru_mark(const Repl *r, void *state, uint32_t way) {
    uint64_t *tree = state;
    *tree = (*tree & ~r->path_mask[way]) | r->path_bits[way];
}

/* Only path bits are ever set, so a tree of at most 8 ways has bits < 128. */
static inline uint32_t plru_victim(const Repl *r, uint64_t bits) {
    return r->ways <= 8 ? r->victim_of[bits] : plru_descend(r->ways, bits);
}

void repl_touch(const Repl *r, void *state, uint32_t way) {
    if (r->policy == REPL_PLRU) plru_mark(r, state, way);
    else if (r->policy == REPL_LRU) list_to_front(state, r->ways, way);
}

void repl_fill(const Repl *r, void *state, uint32_t way) {
    if (r->policy == REPL_PLRU) plru_mark(r, state, way);
    else if (r->policy != REPL_RANDOM) list_to_front(state, r->ways, way);
}

/* xorshift64* (Vigna): small, fast, and the same sequence on every platform. */
static uint64_t rng_next(Repl *r) {
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return r->rng * UINT64_C(0x2545F4914F6CDD1D);
}

uint32_t repl_victim(Repl *r, const void *state) {
    switch (r->policy) {
    case REPL_PLRU: return plru_victim(r, *(const uint64_t *)state);
    case REPL_LRU:
    case REPL_FIFO: return ((const Node *)state)[r->ways][PREV];
    case REPL_RANDOM: return (uint32_t)(rng_next(r) % r->ways);
    }
    MM_ASSERT(0);
}

HOT uint32_t repl_replace(Repl *r, void *state) {
    uint32_t way;
    switch (r->policy) {
    case REPL_PLRU:
        way = plru_victim(r, *(const uint64_t *)state);
        plru_mark(r, state, way);
        return way;
    case REPL_LRU:
    case REPL_FIFO:
        way = ((const Node *)state)[r->ways][PREV];
        list_to_front(state, r->ways, way);
        return way;
    case REPL_RANDOM: return (uint32_t)(rng_next(r) % r->ways);
    }
    MM_ASSERT(0);
}
