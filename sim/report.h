/* report.h - the run header and the statistics as text, JSON or CSV (DESIGN.md habits 8, 9).
 *
 * Every output describes itself: mmusim version, trace, preset and every knob's value, then
 * the counters. Nothing here names a knob or a counter: both lists come from the model's
 * tables (knob_get, stats_info), so a new counter in stats.def appears in all three formats.
 * The output is a pure function of its inputs (no time, no pointers), so goldens can pin it.
 */
#ifndef MMUSIM_SIM_REPORT_H
#define MMUSIM_SIM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "mmusim/knobs.h"
#include "mmusim/stats.h"

typedef enum { STATS_TEXT, STATS_JSON, STATS_CSV } StatsFormat;

/* "text", "json", "csv"; false for anything else. */
bool report_format_parse(const char *name, StatsFormat *out);

/* A counter that is not in stats.def: the memory manager's, named at run time
 * ("os.fault.soft", "os.pid.7.fault.cow"). */
typedef struct {
    char name[48];
    uint64_t value;
    const char *help;
} ExtraStat;

/* One input trace: its name as given, the XXH3-64 of its uncompressed bytes, and its header
 * lines (#fold, #source ...: trace.h, trace_meta). */
typedef struct {
    const char *path;
    uint64_t hash;
    const char *const *header;
    size_t nheader;
} TraceInfo;

typedef struct {
    const char *version;
    const char *trace;     /* as given on the command line ("-" for standard input) */
    const TraceInfo *inputs; /* every trace; several are interleaved per-process streams */
    size_t ninputs;
    uint32_t quantum;      /* with several inputs: accesses per turn */
    const char *preset;
    const MmuConfig *cfg;  /* the configuration the run started with */
    const MmuStats *stats;
    const ExtraStat *extra; /* after the paging unit's counters, in this order */
    size_t nextra;
} RunInfo;

/* Write errors are left in out's error indicator for the caller's ferror()/fclose() check. */
void report_write(FILE *out, StatsFormat fmt, const RunInfo *run);

#endif
