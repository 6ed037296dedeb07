/* rtlcfg.h - what the RTL twin can model, and its configuration as generated SystemVerilog
 * (rtl/README.md sections 1 and 2). One place for both, used by rtlgen (which writes the
 * packages at build time) and by the lockstep benches (which refuse a configuration the
 * verilated model was not generated from).
 */
#ifndef MMUSIM_RTLCFG_H
#define MMUSIM_RTLCFG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmusim/mmu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The RTL's geometry: one unified TLB level (the C model's l1d with l1.unified=1). */
typedef struct {
    uint32_t sets_4k, ways_4k, sets_lg, ways_lg, policy;
    uint64_t seed_4k, seed_lg; /* xorshift64* start states for the random policy */
} RtlGeometry;

/* NULL if the RTL can model cfg, else why not. On NULL, *g is cfg's geometry. */
const char *rtl_geometry(const MmuConfig *cfg, RtlGeometry *g);

/* The two packages (rtl/README.md section 2). config_text names the settings, for humans. */
void rtl_write_cfg_pkg(FILE *out, const RtlGeometry *g, const char *config_text);
void rtl_write_stats_pkg(FILE *out);

#ifdef __cplusplus
}
#endif

#endif
