/* Sparse physical memory: zero reads, little-endian words, frame crossing, the 40-bit top,
 * and clean failure when an allocation fails. */
#include "mmusim/physmem.h"
#include "t.h"

static void test_zero_and_words(void) {
    Physmem *pm = physmem_new();
    CHECK_EQ(physmem_read64(pm, 0x123456789AULL), 0);
    CHECK_EQ(physmem_frames(pm), 0); /* reads allocate nothing */
    CHECK(physmem_write32(pm, 0x1000, 0xA1B2C3D4));
    CHECK_EQ(physmem_read32(pm, 0x1000), 0xA1B2C3D4);
    CHECK_EQ(physmem_read32(pm, 0x1001), 0x00A1B2C3);
    uint8_t b;
    physmem_read(pm, 0x1000, &b, 1);
    CHECK_EQ(b, 0xD4);
    CHECK_EQ(physmem_frames(pm), 1);
    physmem_free(pm);
}

static void test_crossing_and_top(void) {
    Physmem *pm = physmem_new();
    CHECK(physmem_write64(pm, 0x1FFC, 0x1122334455667788ULL)); /* two frames */
    CHECK_EQ(physmem_read64(pm, 0x1FFC), 0x1122334455667788ULL);
    CHECK_EQ(physmem_read32(pm, 0x2000), 0x11223344);
    CHECK_EQ(physmem_frames(pm), 2);
    CHECK(physmem_write32(pm, PHYSMEM_LIMIT - 4, 0xCAFEF00D));
    CHECK_EQ(physmem_read32(pm, PHYSMEM_LIMIT - 4), 0xCAFEF00D);
    physmem_free(pm);
}

static void test_alloc_failure(void) {
    Physmem *pm = physmem_new();
    CHECK(physmem_write32(pm, 0x5000, 1)); /* directory + frame */
    physmem_fail_alloc_after(pm, 1);
    CHECK(!physmem_write64(pm, 0x5FFC, ~0ULL)); /* needs frame 6: refused */
    CHECK_EQ(physmem_read32(pm, 0x5FFC), 0);   /* and frame 5 was not written either */
    CHECK(physmem_write32(pm, 0x5004, 2));      /* existing frame: no allocation */
    CHECK_EQ(physmem_frames(pm), 1);
    physmem_free(pm);
}

int main(void) {
    RUN(test_zero_and_words);
    RUN(test_crossing_and_top);
    RUN(test_alloc_failure);
    return t_done();
}
