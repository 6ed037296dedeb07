/* stats.c - the name table of the counters, generated from stats.def. */
#include "mmusim/stats.h"
#include "mmusim/version.h"

static const StatInfo table[] = {
#define STAT(name, help) {#name, help, offsetof(MmuStats, name), false},
#define STAT_KEY(name, help) {#name, help, offsetof(MmuStats, name), true},
#include "mmusim/stats.def"
#undef STAT
#undef STAT_KEY
};

size_t stats_count(void) { return sizeof table / sizeof table[0]; }

const StatInfo *stats_info(size_t i) { return i < stats_count() ? &table[i] : NULL; }

const char *mmusim_version(void) { return MMUSIM_VERSION; }
