/* mmubench - translations per second of the paging unit on one core.
 *
 * Builds 32-bit page tables for a 64 MiB region (16384 pages, 16 page tables, A and D
 * already set, as in a warmed-up process) and replays one of two precomputed access streams
 * through mmu_access():
 *   hits   a TLB-hit-dominated stream: 30% fetches from 4 code pages, 50% reads and 20%
 *          writes to 12 data pages; 80% of fetches are on the page of the previous fetch and
 *          80% of data accesses on the page of the previous data access (spec/traces.md
 *          section 4 measured 80% same-page locality in real programs);
 *   walks  a walk-heavy stream: uniformly random pages over the whole 64 MiB region.
 * Usage: mmubench STREAM PRESET [MILLIONS]  (default 50 million translations).
 * Prints one line: stream, preset, translations, seconds, M translations/s, walks per access.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmusim/knobs.h"
#include "mmusim/mmu.h"
#include "streams.h"

#define PAGES 16384u /* the mapped region: 64 MiB */

static int map_region(Physmem *pm) {
    const uint32_t pd = 0x1000, pt0 = 0x10000, flags = 0x67; /* P RW US A D */
    for (uint32_t t = 0; t < PAGES / 1024; t++)
        if (!physmem_write32(pm, pd + ((REGION >> 22) + t) * 4, (pt0 + t * 0x1000) | 0x27)) return -1;
    for (uint32_t p = 0; p < PAGES; p++)
        if (!physmem_write32(pm, pt0 + p * 4, (0x1000000 + p * 0x1000) | flags)) return -1;
    return 0;
}

static void make_walks(Access *s) {
    for (uint32_t i = 0; i < STREAM_LEN; i++) {
        uint32_t r = next_rand();
        s[i] = (Access){.la = REGION + (r % PAGES) * 0x1000 + ((r >> 20) & 0xFFC),
                        .kind = (uint8_t)(r % 10 < 7 ? ACC_READ : ACC_WRITE)};
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || (strcmp(argv[1], "hits") && strcmp(argv[1], "walks"))) {
        fprintf(stderr, "usage: mmubench hits|walks PRESET [MILLIONS]\n");
        return 2;
    }
    const Preset *p = preset_find(argv[2]);
    long millions = argc == 4 ? strtol(argv[3], NULL, 10) : 50;
    if (!p || millions <= 0) {
        fprintf(stderr, "mmubench: unknown preset or bad count\n");
        return 2;
    }
    MmuConfig cfg = mmu_config_default();
    preset_apply(p, &cfg);
    Physmem *pm = physmem_new();
    Access *s = malloc(STREAM_LEN * sizeof *s);
    Mmu *m = pm ? mmu_new(&cfg, pm) : NULL;
    if (!m || !s || map_region(pm)) {
        fprintf(stderr, "mmubench: out of memory\n");
        return 2;
    }
    mmu_write_cr3(m, 0x1000);
    mmu_write_cr0(m, CR0_PG | CR0_PE);
    (argv[1][0] == 'h' ? make_hits : make_walks)(s);
    uint64_t n = (uint64_t)millions * 1000000u, faults = 0;
    Result r;
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) faults += mmu_access(m, &s[i & (STREAM_LEN - 1)], &r) != 0;
    double dt = now() - t0;
    const MmuStats *st = mmu_stats(m);
    uint64_t walks = st->walk_fetch + st->walk_read + st->walk_write;
    printf("%-6s %-7s %10llu translations %7.3f s %8.1f M/s  walks/access %.4f%s\n", argv[1],
           argv[2], (unsigned long long)n, dt, (double)n / dt / 1e6, (double)walks / (double)n,
           faults ? "  (FAULTS: bench bug)" : "");
    mmu_free(m);
    physmem_free(pm);
    free(s);
    return faults ? 1 : 0;
}
