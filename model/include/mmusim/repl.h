/* repl.h - replacement policies for set-associative arrays (DESIGN.md habit 6).
 *
 * The state is per set and is exactly what the modelled hardware keeps, so that the RTL twin
 * can be compared with it bit for bit. The array itself always fills an invalid way first
 * (lowest index); repl_victim() is asked only when every way of the set is valid.
 *
 *  LRU     per-way recency ranks (0 = most recent); a touch or fill makes the way rank 0 and
 *          ages the ways that were more recent; the victim is the least recently touched or
 *          filled way.
 *  PLRU    tree pseudo-LRU, ways-1 bits per set in heap order (node n has children 2n+1, 2n+2).
 *          A bit of 0 sends the victim search left, 1 right. A touch or fill of way w sets every
 *          node on w's path to point away from w. All bits start at 0, so the first victim is
 *          way 0. Needs a power-of-two way count.
 *  FIFO    per-way fill stamps; hits change nothing; the victim is the oldest fill.
 *  RANDOM  xorshift64* seeded per array; the victim is next() % ways; hits change nothing.
 */
#ifndef MMUSIM_REPL_H
#define MMUSIM_REPL_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { REPL_LRU, REPL_PLRU, REPL_FIFO, REPL_RANDOM } ReplPolicy;
#define REPL_POLICIES 4

const char *repl_policy_name(ReplPolicy p);
/* Returns false for an unknown name. */
bool repl_policy_parse(const char *name, ReplPolicy *out);

typedef struct Repl Repl;

/* NULL when out of memory or when the geometry does not suit the policy (see repl_check). */
Repl *repl_new(ReplPolicy p, uint32_t sets, uint32_t ways, uint64_t seed);
void repl_free(Repl *r);

/* NULL if (p, ways) is a valid combination, else a reason (at most 1024 ways; PLRU needs a
 * power of two <= 64). */
const char *repl_check(ReplPolicy p, uint32_t ways);

void repl_touch(Repl *r, uint32_t set, uint32_t way);
void repl_fill(Repl *r, uint32_t set, uint32_t way);
uint32_t repl_victim(Repl *r, uint32_t set);

#endif
