/* stats.c - the name table of the counters, generated from stats.def. */
#include "mmusim/stats.h"

static const StatInfo table[] = {
#define STAT(name, help) {#name, help, offsetof(MmuStats, name)},
#include "mmusim/stats.def"
#undef STAT
};

size_t stats_count(void) { return sizeof table / sizeof table[0]; }

const StatInfo *stats_info(size_t i) { return i < stats_count() ? &table[i] : NULL; }
