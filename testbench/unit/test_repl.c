/* Replacement policies: victim sequences computed by hand from the rules in repl.h. */
#include "mmusim/repl.h"
#include "t.h"

/* One set of four ways: fill A..D into ways 0..3, hit way 0, then two replacements. Returns
 * the three victims asked for (after the hit, after the first refill, after the second). */
static void sequence(ReplPolicy p, uint32_t v[3]) {
    Repl *r = repl_new(p, 4, 7);
    uint64_t st[8];
    CHECK(repl_state_size(r) <= sizeof st);
    repl_state_init(r, st);
    for (uint32_t w = 0; w < 4; w++) repl_fill(r, st, w);
    repl_touch(r, st, 0);
    v[0] = repl_victim(r, st);
    repl_fill(r, st, v[0]);
    v[1] = repl_victim(r, st);
    repl_fill(r, st, v[1]);
    v[2] = repl_victim(r, st);
    repl_free(r);
}

static void test_lru(void) { /* order after the hit: 1 2 3 0 */
    uint32_t v[3];
    sequence(REPL_LRU, v);
    CHECK_EQ(v[0], 1);
    CHECK_EQ(v[1], 2);
    CHECK_EQ(v[2], 3);
}

/* Tree bits (root, left node, right node); fills of 0..3 leave 000; the hit on 0 sets root=1
 * (go right) and left=1; victim = right node 0 -> way 2. Filling 2: root=0, right=1; victim =
 * left node 1 -> way 1. Filling 1: root=1, left=0; victim = right node 1 -> way 3. */
static void test_plru(void) {
    uint32_t v[3];
    sequence(REPL_PLRU, v);
    CHECK_EQ(v[0], 2);
    CHECK_EQ(v[1], 1);
    CHECK_EQ(v[2], 3);
}

static void test_plru_first_victim_and_eight_ways(void) {
    Repl *r = repl_new(REPL_PLRU, 8, 0);
    uint64_t st[2];
    CHECK_EQ(repl_state_size(r), sizeof st[0]);
    repl_state_init(r, &st[0]);
    repl_state_init(r, &st[1]);
    CHECK_EQ(repl_victim(r, &st[0]), 0); /* all bits 0 */
    repl_fill(r, &st[0], 0);             /* path of way 0 points right at every node */
    CHECK_EQ(repl_victim(r, &st[0]), 4);
    repl_fill(r, &st[0], 4); /* root back to the left, the right subtree's node to the right */
    CHECK_EQ(repl_victim(r, &st[0]), 2);
    CHECK_EQ(repl_victim(r, &st[1]), 0); /* other sets untouched */
    repl_free(r);
}

static void test_fifo(void) { /* hits change nothing: 0 1 2 */
    uint32_t v[3];
    sequence(REPL_FIFO, v);
    CHECK_EQ(v[0], 0);
    CHECK_EQ(v[1], 1);
    CHECK_EQ(v[2], 2);
}

/* xorshift64* from seed 7 (repl.h), victim = next() % 4. The first three outputs, worked out
 * from the algorithm's definition: 0xd1fbaf7f728d2eae, 0xeda46c77629da6ae, 0x16df9d6ac76bd322,
 * so the victims are ways 2, 2, 2. Hits do not advance the generator. */
static void test_random(void) {
    uint32_t v[3], w[3];
    sequence(REPL_RANDOM, v);
    sequence(REPL_RANDOM, w);
    for (int i = 0; i < 3; i++) CHECK_EQ(v[i], w[i]); /* deterministic */
    CHECK_EQ(v[0], 2);
    CHECK_EQ(v[1], 2);
    CHECK_EQ(v[2], 2);
}

/* LRU and FIFO against the definition: the victim is the way with the oldest last use (LRU:
 * touch or fill; FIFO: fill only), over a long pseudo-random mix of touches and refills. */
static void check_against_stamps(ReplPolicy p, uint32_t ways) {
    Repl *r = repl_new(p, ways, 0);
    uint64_t st[520], stamp[1024], clock = 0, x = 12345;
    CHECK(repl_state_size(r) <= sizeof st);
    repl_state_init(r, st);
    for (uint32_t w = 0; w < ways; w++) repl_fill(r, st, w), stamp[w] = ++clock;
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (x % 3) {
            uint32_t w = (uint32_t)(x >> 8) % ways;
            repl_touch(r, st, w);
            if (p == REPL_LRU) stamp[w] = ++clock;
            continue;
        }
        uint32_t oldest = 0;
        for (uint32_t w = 1; w < ways; w++)
            if (stamp[w] < stamp[oldest]) oldest = w;
        uint32_t v = repl_victim(r, st);
        bad += v != oldest;
        repl_fill(r, st, v);
        stamp[v] = ++clock;
    }
    CHECK_EQ(bad, 0);
    repl_free(r);
}

static void test_lru_fifo_many_ways(void) {
    uint32_t ways[] = {1, 2, 3, 12, 64, 1024};
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        check_against_stamps(REPL_LRU, ways[i]);
        check_against_stamps(REPL_FIFO, ways[i]);
    }
}

/* repl_replace is repl_victim then repl_fill of the victim: two copies of a policy, one
 * replacing with repl_replace and one with the two calls, see the same touches and must pick
 * the same victims (and, for RANDOM, draw the same numbers). */
static void check_replace(ReplPolicy p, uint32_t ways) {
    Repl *a = repl_new(p, ways, 9), *b = repl_new(p, ways, 9);
    uint64_t sa[520], sb[520], x = 777;
    repl_state_init(a, sa);
    repl_state_init(b, sb);
    for (uint32_t w = 0; w < ways; w++) repl_fill(a, sa, w), repl_fill(b, sb, w);
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (x % 3) {
            uint32_t w = (uint32_t)(x >> 8) % ways;
            repl_touch(a, sa, w);
            repl_touch(b, sb, w);
            continue;
        }
        uint32_t v = repl_victim(b, sb);
        repl_fill(b, sb, v);
        bad += repl_replace(a, sa) != v;
    }
    CHECK_EQ(bad, 0);
    repl_free(a);
    repl_free(b);
}

static void test_replace(void) {
    uint32_t ways[] = {1, 2, 4, 8, 12, 16, 64};
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++)
        for (int p = 0; p < REPL_POLICIES; p++)
            if (!repl_check((ReplPolicy)p, ways[i])) check_replace((ReplPolicy)p, ways[i]);
}

static void test_checks(void) {
    CHECK(repl_check(REPL_PLRU, 12) != NULL);
    CHECK(repl_check(REPL_PLRU, 16) == NULL);
    CHECK(repl_check(REPL_LRU, 12) == NULL);
    CHECK(repl_new(REPL_PLRU, 6, 0) == NULL);
    ReplPolicy p;
    CHECK(repl_policy_parse("fifo", &p) && p == REPL_FIFO);
    CHECK(!repl_policy_parse("mru", &p));
}

int main(void) {
    RUN(test_lru);
    RUN(test_plru);
    RUN(test_plru_first_victim_and_eight_ways);
    RUN(test_fifo);
    RUN(test_random);
    RUN(test_lru_fifo_many_ways);
    RUN(test_replace);
    RUN(test_checks);
    return t_done();
}
