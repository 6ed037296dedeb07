/* stats.h - the counters of one Mmu, declared from stats.def (DESIGN.md habit 8). */
#ifndef MMUSIM_STATS_H
#define MMUSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
#define STAT(name, help) uint64_t name;
#define STAT_KEY(name, help) uint64_t name;
#include "mmusim/stats.def"
#undef STAT
#undef STAT_KEY
} MmuStats;

typedef struct {
    const char *name;
    const char *help;
    size_t offset; /* of the uint64_t in MmuStats */
    bool key;      /* a total: reports show it even when zero */
} StatInfo;

/* The counters in stats.def order. */
size_t stats_count(void);
const StatInfo *stats_info(size_t i);

static inline uint64_t stats_value(const MmuStats *s, const StatInfo *si) {
    return *(const uint64_t *)((const char *)s + si->offset);
}

#endif
