/* repl.h - replacement policies for set-associative arrays (DESIGN.md habit 6).
 *
 * A Repl is one policy for one array geometry. The per-set state is exactly the information
 * the modelled hardware keeps, so that the RTL twin can be compared with it; it lives in memory
 * the array owns (tlb.c keeps it in each set's record, next to the keys, so a lookup and the
 * fill after it touch one record): repl_state_size() bytes per set, set up by
 * repl_state_init(). The array always fills an invalid way first (lowest index);
 * repl_victim() is asked only when every way of the set is valid.
 *
 *  LRU     a recency order per set (a doubly linked list of the ways, most recent first); a
 *          touch or fill moves the way to the front; the victim is the way at the back, the
 *          least recently touched or filled. O(1) for any number of ways.
 *  FIFO    the same order, moved by fills only: hits change nothing; the victim is the oldest
 *          fill.
 *  PLRU    tree pseudo-LRU, ways-1 bits per set in heap order (node n has children 2n+1, 2n+2).
 *          A bit of 0 sends the victim search left, 1 right. A touch or fill of way w sets every
 *          node on w's path to point away from w. All bits start at 0, so the first victim is
 *          way 0. Needs a power-of-two way count.
 *  RANDOM  xorshift64* seeded per array; the victim is next() % ways; hits change nothing. No
 *          per-set state.
 */
#ifndef MMUSIM_REPL_H
#define MMUSIM_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { REPL_LRU, REPL_PLRU, REPL_FIFO, REPL_RANDOM } ReplPolicy;
#define REPL_POLICIES 4

const char *repl_policy_name(ReplPolicy p);
/* Returns false for an unknown name. */
bool repl_policy_parse(const char *name, ReplPolicy *out);

typedef struct Repl Repl;

/* NULL when out of memory or when the geometry does not suit the policy (see repl_check). */
Repl *repl_new(ReplPolicy p, uint32_t ways, uint64_t seed);
void repl_free(Repl *r);
/* The RANDOM policy's xorshift64* state after repl_new(.., seed): never 0. */
uint64_t repl_random_start(uint64_t seed);

/* NULL if (p, ways) is a valid combination, else a reason (at most 1024 ways; PLRU needs a
 * power of two <= 64). */
const char *repl_check(ReplPolicy p, uint32_t ways);

/* Bytes of state per set: a multiple of 8 (possibly 0); the state wants 8-byte alignment. */
size_t repl_state_size(const Repl *r);
/* Put one set's state in its reset value. */
void repl_state_init(const Repl *r, void *state);

/* A hit the array used, a fill of way, and the way a fill of a full set replaces. */
void repl_touch(const Repl *r, void *state, uint32_t way);
void repl_fill(const Repl *r, void *state, uint32_t way);
uint32_t repl_victim(Repl *r, const void *state);
/* repl_victim, then repl_fill of that way: a fill into a full set, with one policy dispatch. */
uint32_t repl_replace(Repl *r, void *state);

#endif
