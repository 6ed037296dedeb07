/* One TLB level: fills, hits and victims per policy, fragments of large pages, INVLPG and
 * flush rules, and the unbounded reference store. */
#include "mmusim/tlb.h"
#include "t.h"

static TlbEntry last_victim; /* the entry the latest fill4k replaced */

/* Cache a 4 KiB translation of la to frame. */
static TlbFill fill4k(Tlb *t, uint64_t frame, bool global, uint32_t la) {
    TlbEntry e = {.frame = frame, .page_shift = 12, .rights = RIGHT_RW | RIGHT_US,
                  .flags = TLBE_DIRTY | (global ? TLBE_GLOBAL : 0)};
    TlbFill f;
    tlb_fill(t, &e, la, &f, &last_victim);
    return f;
}

/* 1 set x 4 ways: pages 0x10..0x13 fill ways 0..3, a hit on 0x10, then 0x20 and 0x21 replace
 * per policy (victims as in test_repl's sequence). */
static void policy_case(ReplPolicy p, uint32_t first, uint32_t second, uint32_t evicted_first) {
    Tlb *t = tlb_new(&(TlbConfig){.small = {1, 4}, .policy = p, .seed = 7});
    TlbSlot s;
    for (uint32_t i = 0; i < 4; i++) {
        TlbFill f = fill4k(t, 0x100000 + i * 0x1000, false, (0x10 + i) << 12);
        CHECK(f.stored && !f.evicted);
        CHECK_EQ(f.slot.way, i); /* invalid ways first, lowest index */
    }
    CHECK(tlb_lookup(t, 0x10 << 12, 22, &s) != NULL);
    tlb_touch(t, s);
    CHECK(tlb_lookup(t, 0x14 << 12, 22, &s) == NULL);
    TlbFill f = fill4k(t, 0x200000, false, 0x20 << 12);
    CHECK(f.evicted);
    CHECK_EQ(f.slot.way, first);
    CHECK_EQ(last_victim.vpn, evicted_first);
    f = fill4k(t, 0x201000, false, 0x21 << 12);
    CHECK_EQ(f.slot.way, second);
    CHECK(tlb_lookup(t, evicted_first << 12, 22, &s) == NULL);
    CHECK_EQ(tlb_occupancy(t), 4);
    tlb_free(t);
}

static void test_policies(void) {
    policy_case(REPL_LRU, 1, 2, 0x11);
    policy_case(REPL_PLRU, 2, 1, 0x12);
    policy_case(REPL_FIFO, 0, 1, 0x10);
    policy_case(REPL_RANDOM, 2, 2, 0x12);
}

static void test_set_index(void) { /* set = vpn mod sets */
    Tlb *t = tlb_new(&(TlbConfig){.small = {4, 1}, .policy = REPL_LRU});
    TlbFill a = fill4k(t, 0x1000, false, 0x5000);
    TlbFill b = fill4k(t, 0x2000, false, 0x9000); /* vpn 9: set 1 too */
    CHECK_EQ(a.slot.set, 1);
    CHECK_EQ(b.slot.set, 1);
    CHECK(b.evicted && last_victim.vpn == 5);
    TlbSlot s;
    const TlbEntry *e = tlb_lookup(t, 0x9ABC, 22, &s);
    CHECK(e && e->frame == 0x2000);
    tlb_free(t);
}

static void test_fragments(void) {
    Tlb *t = tlb_new(&(TlbConfig){.small = {16, 4}, .policy = REPL_LRU});
    TlbEntry big = {.frame = 0x40000000, .page_shift = 22, .rights = RIGHT_RW | RIGHT_US};
    TlbFill f;
    CHECK(tlb_fill(t, &big, 0x00C01234, &f, NULL)); /* 4 MiB page 3, fragment 1 */
    CHECK(f.stored && f.slot.array == TLB_SMALL);
    TlbSlot s;
    const TlbEntry *e = tlb_lookup(t, 0x00C01FFF, 22, &s);
    CHECK(e != NULL);
    CHECK_EQ(e->frame, 0x40001000);
    CHECK_EQ(e->shift, 12);
    CHECK_EQ(e->page_shift, 22);
    CHECK_EQ(tlb_translation(e).frame, 0x40000000);
    CHECK(tlb_lookup(t, 0x00C02000, 22, &s) == NULL); /* other fragments are separate */
    tlb_fill(t, &big, 0x00C05000, &f, NULL);
    fill4k(t, 0x7000, false, 0x00400000); /* an ordinary page */
    CHECK_EQ(tlb_invalidate_page(t, 0x00FFF000, 22), 2);      /* anywhere in the 4 MiB page */
    CHECK_EQ(tlb_occupancy(t), 1);
    tlb_free(t);
}

static void test_large_array(void) {
    Tlb *t = tlb_new(&(TlbConfig){.small = {16, 4}, .large = {2, 2}, .policy = REPL_PLRU});
    TlbEntry big = {.frame = 0x80200000, .page_shift = 21, .rights = RIGHT_RW | RIGHT_US};
    TlbFill f;
    tlb_fill(t, &big, 0x00612345, &f, NULL); /* 2 MiB page 3 -> set 1 */
    CHECK(f.slot.array == TLB_LARGE && f.slot.set == 1);
    TlbSlot s;
    const TlbEntry *e = tlb_lookup(t, 0x007FFFFF, 21, &s);
    CHECK(e && e->frame == 0x80200000 && s.array == TLB_LARGE);
    CHECK_EQ(tlb_invalidate_page(t, 0x00600000, 21), 1);
    CHECK(tlb_lookup(t, 0x00612345, 21, &s) == NULL);
    tlb_free(t);
}

static void test_flush_globals(void) {
    Tlb *t = tlb_new(&(TlbConfig){.small = {4, 2}, .large = {1, 2}, .policy = REPL_FIFO});
    fill4k(t, 0x1000, true, 0x1000);
    fill4k(t, 0x2000, false, 0x2000);
    TlbEntry big = {.frame = 0x400000, .page_shift = 22, .flags = TLBE_GLOBAL};
    TlbFill f;
    tlb_fill(t, &big, 0x800000, &f, NULL);
    CHECK_EQ(tlb_flush(t, true), 1);
    CHECK_EQ(tlb_occupancy(t), 2);
    CHECK_EQ(tlb_invalidate_page(t, 0x1000, 22), 1); /* INVLPG drops globals too */
    CHECK_EQ(tlb_flush(t, false), 1);
    CHECK_EQ(tlb_occupancy(t), 0);
    tlb_free(t);
}

static void test_unbounded(void) {
    Tlb *t = tlb_new(&(TlbConfig){.unbounded = true});
    TlbSlot s;
    for (uint32_t i = 0; i < 20000; i++)
        CHECK(fill4k(t, (uint64_t)i << 12, i % 3 == 0, i * 0x1000 + 0x400000).stored);
    CHECK_EQ(tlb_occupancy(t), 20000);
    int found = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        const TlbEntry *e = tlb_lookup(t, i * 0x1000 + 0x400123, 22, &s);
        found += e && e->frame == ((uint64_t)i << 12);
    }
    CHECK_EQ(found, 20000);
    for (uint32_t i = 0; i < 20000; i += 2) tlb_invalidate_page(t, i * 0x1000 + 0x400000, 22);
    CHECK_EQ(tlb_occupancy(t), 10000);
    CHECK(tlb_lookup(t, 0x401000, 22, &s) != NULL);
    CHECK(tlb_lookup(t, 0x400000, 22, &s) == NULL);
    /* Odd i with i % 3 == 0 survive: i = 3, 9, 15, ... below 20000 -> 3333 entries. */
    CHECK_EQ(tlb_flush(t, true), 10000 - 3333);
    CHECK_EQ(tlb_occupancy(t), 3333);
    found = 0;
    for (uint32_t i = 1; i < 20000; i += 2)
        found += tlb_lookup(t, i * 0x1000 + 0x400000, 22, &s) != NULL;
    CHECK_EQ(found, 3333);
    tlb_free(t);
}

/* tlb_lookup_touch finds exactly what tlb_lookup finds and leaves the replacement state as
 * tlb_touch does: level a uses tlb_lookup and tlb_touch, level b tlb_lookup_touch, and both
 * must place every fill in the same slot, over a long pseudo-random mix of fills, hits and
 * invalidations of 4 KiB and 4 MiB pages. The geometries have one, two and three steps of
 * four keys (4, 8, 12 ways), padding (6 and 3 ways), and large pages split into fragments. */
static void lookup_touch_case(TlbConfig cfg) {
    Tlb *a = tlb_new(&cfg), *b = tlb_new(&cfg);
    uint64_t x = 88172645463325252u;
    int hits = 0;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t page = (uint32_t)(x >> 40) % 192, la = (page << 12) | ((uint32_t)x & 0xFFF);
        bool large = (x >> 20) % 8 == 0;
        if (large) la = 0x40000000u + (page % 48 << 22) + ((uint32_t)x & 0x3FFFFF);
        TlbSlot sa, sb;
        const TlbEntry *ea = tlb_lookup(a, la, 22, &sa), *eb = tlb_lookup(b, la, 22, &sb);
        CHECK(tlb_lookup_touch(b, la, 22) == eb);
        CHECK((ea == NULL) == (eb == NULL));
        if (ea && eb) {
            CHECK(sa.array == sb.array && sa.set == sb.set && sa.way == sb.way);
            tlb_touch(a, sa);
            hits++;
        } else {
            TlbEntry tr = {.frame = (uint64_t)page << 22, .page_shift = large ? 22 : 12};
            TlbFill fa, fb;
            tlb_fill(a, &tr, la, &fa, NULL);
            tlb_fill(b, &tr, la, &fb, NULL);
            CHECK(fa.slot.array == fb.slot.array && fa.slot.set == fb.slot.set &&
                  fa.slot.way == fb.slot.way && fa.evicted == fb.evicted);
        }
        if ((x >> 32) % 64 == 0)
            CHECK_EQ(tlb_invalidate_page(a, la, 22), tlb_invalidate_page(b, la, 22));
    }
    CHECK(hits > 10000);
    tlb_free(a);
    tlb_free(b);
}

static void test_lookup_touch(void) {
    lookup_touch_case((TlbConfig){.small = {16, 4}, .large = {2, 4}, .policy = REPL_PLRU});
    lookup_touch_case((TlbConfig){.small = {8, 8}, .large = {1, 8}, .policy = REPL_LRU});
    lookup_touch_case((TlbConfig){.small = {8, 12}, .policy = REPL_LRU}); /* fragments */
    lookup_touch_case((TlbConfig){.small = {4, 6}, .large = {2, 3}, .policy = REPL_FIFO});
    lookup_touch_case(
        (TlbConfig){.small = {1, 12}, .large = {1, 4}, .policy = REPL_RANDOM, .seed = 3});
    lookup_touch_case((TlbConfig){.unbounded = true});
}

static void test_config_checks(void) {
    CHECK(tlb_config_check(&(TlbConfig){.small = {3, 4}}) != NULL);
    CHECK(tlb_config_check(&(TlbConfig){.small = {4, 6}, .policy = REPL_PLRU}) != NULL);
    CHECK(tlb_config_check(&(TlbConfig){.small = {128, 12}, .policy = REPL_LRU}) == NULL);
    CHECK(!tlb_config_present(&(TlbConfig){.small = {0, 4}}));
}

int main(void) {
    RUN(test_policies);
    RUN(test_set_index);
    RUN(test_fragments);
    RUN(test_large_array);
    RUN(test_flush_globals);
    RUN(test_unbounded);
    RUN(test_lookup_touch);
    RUN(test_config_checks);
    return t_done();
}
