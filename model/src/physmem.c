/* physmem.c - sparse physical memory as a two-level radix over 4 KiB frames.
 *
 * A 40-bit address has a 28-bit frame number: the top 14 bits pick a directory slot, the low
 * 14 bits a frame within it. Directories (128 KiB of pointers) and frames are allocated on the
 * first write; reads of never-written memory return zero without allocating.
 */
#include "mmusim/physmem.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

#define FRAME_BITS 12
#define FRAME_SIZE (1u << FRAME_BITS)
#define LEAF_BITS 14
#define ROOT_BITS (PHYSMEM_ADDR_BITS - FRAME_BITS - LEAF_BITS)

typedef struct {
    uint8_t *frame[1u << LEAF_BITS];
} Leaf;

struct Physmem {
    Leaf *root[1u << ROOT_BITS];
    uint64_t frames;
    uint64_t fail_countdown; /* fault injection: 0 = off */
};

Physmem *physmem_new(void) { return calloc(1, sizeof(Physmem)); }

void physmem_free(Physmem *pm) {
    if (!pm) return;
    for (size_t i = 0; i < (1u << ROOT_BITS); i++) {
        Leaf *l = pm->root[i];
        if (!l) continue;
        for (size_t j = 0; j < (1u << LEAF_BITS); j++) free(l->frame[j]);
        free(l);
    }
    free(pm);
}

static const uint8_t *frame_ro(const Physmem *pm, uint64_t fn) {
    const Leaf *l = pm->root[fn >> LEAF_BITS];
    return l ? l->frame[fn & ((1u << LEAF_BITS) - 1)] : NULL;
}

/* An allocation that injected failure or a real out-of-memory refuses. */
static void *alloc_zeroed(Physmem *pm, size_t size) {
    if (pm->fail_countdown && --pm->fail_countdown == 0) return NULL;
    return calloc(1, size);
}

static uint8_t *frame_rw(Physmem *pm, uint64_t fn) {
    Leaf **lp = &pm->root[fn >> LEAF_BITS];
    if (!*lp && !(*lp = alloc_zeroed(pm, sizeof(Leaf)))) return NULL;
    uint8_t **fp = &(*lp)->frame[fn & ((1u << LEAF_BITS) - 1)];
    if (!*fp) {
        if (!(*fp = alloc_zeroed(pm, FRAME_SIZE))) return NULL;
        pm->frames++;
    }
    return *fp;
}

void physmem_read(const Physmem *pm, uint64_t addr, void *dst, size_t len) {
    MM_ASSERT(addr <= PHYSMEM_LIMIT && len <= PHYSMEM_LIMIT - addr);
    uint8_t *out = dst;
    while (len) {
        size_t off = addr & (FRAME_SIZE - 1), n = FRAME_SIZE - off;
        if (n > len) n = len;
        const uint8_t *f = frame_ro(pm, addr >> FRAME_BITS);
        if (f) memcpy(out, f + off, n);
        else memset(out, 0, n);
        out += n, addr += n, len -= n;
    }
}

/* Little-endian load of n <= 8 bytes. One memcpy the compiler turns into a plain load; the
 * byte swap exists only on big-endian hosts. */
static uint64_t load_le(const uint8_t *b, size_t n) {
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, b, n);
#else
    for (size_t i = n; i-- > 0;) v = v << 8 | b[i];
#endif
    return v;
}

/* Little-endian load of n <= 8 bytes; the common case (inside one frame) reads the frame
 * directly, since page walks call this on every TLB miss. */
static inline uint64_t read_n(const Physmem *pm, uint64_t addr, size_t n) {
    uint8_t b[8];
    if ((addr & (FRAME_SIZE - 1)) <= FRAME_SIZE - n && addr < PHYSMEM_LIMIT) {
        const uint8_t *f = frame_ro(pm, addr >> FRAME_BITS);
        return f ? load_le(f + (addr & (FRAME_SIZE - 1)), n) : 0;
    }
    physmem_read(pm, addr, b, n);
    return load_le(b, n);
}

uint32_t physmem_read32(const Physmem *pm, uint64_t addr) { return (uint32_t)read_n(pm, addr, 4); }

uint64_t physmem_read64(const Physmem *pm, uint64_t addr) { return read_n(pm, addr, 8); }

bool physmem_write(Physmem *pm, uint64_t addr, const void *src, size_t len) {
    MM_ASSERT(addr <= PHYSMEM_LIMIT && len <= PHYSMEM_LIMIT - addr);
    /* Allocate every frame first so that a failure leaves memory unchanged. */
    for (uint64_t a = addr & ~(uint64_t)(FRAME_SIZE - 1); a < addr + len; a += FRAME_SIZE)
        if (!frame_rw(pm, a >> FRAME_BITS)) return false;
    const uint8_t *in = src;
    while (len) {
        size_t off = addr & (FRAME_SIZE - 1), n = FRAME_SIZE - off;
        if (n > len) n = len;
        memcpy(frame_rw(pm, addr >> FRAME_BITS) + off, in, n);
        in += n, addr += n, len -= n;
    }
    return true;
}

bool physmem_write32(Physmem *pm, uint64_t addr, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return physmem_write(pm, addr, b, 4);
}

bool physmem_write64(Physmem *pm, uint64_t addr, uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    return physmem_write(pm, addr, b, 8);
}

uint64_t physmem_frames(const Physmem *pm) { return pm->frames; }

void physmem_fail_alloc_after(Physmem *pm, uint64_t n) { pm->fail_countdown = n; }
