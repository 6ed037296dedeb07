/* streams.h - the benchmarks' precomputed access streams, shared by mmubench and osbench so
 * that both time the very same accesses. A fixed xorshift64 seed: the streams never change. */
#ifndef MMUSIM_BENCH_STREAMS_H
#define MMUSIM_BENCH_STREAMS_H

#include <stdint.h>

#include "mmusim/mmu.h"

#define REGION 0x10000000u   /* linear base of the streams: 256 MiB */
#define STREAM_LEN (1u << 20) /* accesses per stream; replays cycle through it */

static uint64_t stream_rng = 88172645463325252ull;
static inline uint32_t next_rand(void) {
    stream_rng ^= stream_rng << 13, stream_rng ^= stream_rng >> 7, stream_rng ^= stream_rng << 17;
    return (uint32_t)(stream_rng >> 32);
}

/* TLB-hit-dominated: 30% fetches from 4 code pages (REGION pages 0-3), 50% reads and 20% writes
 * to 12 data pages (pages 4-15); 80% of each class stays on its previous page. */
static inline void make_hits(Access *s) {
    uint32_t page[2] = {0, 4}; /* current page of code and of data */
    for (uint32_t i = 0; i < STREAM_LEN; i++) {
        uint32_t r = next_rand(), kind = r % 10 < 3 ? ACC_FETCH : r % 10 < 8 ? ACC_READ : ACC_WRITE;
        uint32_t data = kind != ACC_FETCH;
        if ((r >> 8) % 100 >= 80) page[data] = data ? 4 + (r >> 16) % 12 : (r >> 16) % 4;
        s[i] = (Access){.la = REGION + page[data] * 0x1000 + ((r >> 20) & 0xFFC), .kind = (uint8_t)kind};
    }
}

#endif
