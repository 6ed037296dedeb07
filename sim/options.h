/* options.h - mmusim's command line: one option table for parsing and --help (DESIGN.md 9).
 *
 * Two tables drive everything: the front-end options below (options.c) and the model's knob
 * table (knobs.h), every knob being an option --NAME=VALUE or --NAME VALUE. --preset is
 * applied first wherever it appears; knobs then override it in command-line order. The same
 * tables print --help (with each default from mmu_config_default()) and, through report.h,
 * the run header, so that an output always names the configuration that produced it.
 */
#ifndef MMUSIM_SIM_OPTIONS_H
#define MMUSIM_SIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mmusim/knobs.h"
#include "mmusim/os.h"
#include "report.h"

typedef struct {
    MmuConfig cfg;       /* preset, then knobs; passes mmu_config_check() */
    const char *preset;  /* the preset's name (PRESET_DEFAULT when none was given) */
    const char *trace;   /* the first positional argument, "-" for standard input; NULL if none */
    const char **traces; /* every positional argument: one trace, or per-process streams */
    size_t ntraces;
    uint32_t quantum;    /* --quantum: accesses per turn when streams are interleaved */
    int progress;        /* --progress 1, --quiet 0, default -1: when stderr is a terminal */
    const char *output;  /* --output FILE; NULL for standard output */
    StatsFormat stats;
    OsConfig oscfg;      /* the memory manager's knobs (--os.NAME), OS-mode traces only */
    uint32_t check_every;/* --check (1) / --check-every=N: the invariant checker after every N-th
                            record and at the end; 0: off */
    bool log, help, version, list_presets;
} Options;

/* The memory manager's knobs: --os.NAME=N, decimal. */
typedef struct {
    const char *name;
    size_t offset;       /* uint32_t in OsConfig */
    const char *help;
} OsKnob;
size_t os_knob_count(void);
const OsKnob *os_knob_get(size_t i);

/* Parse argv. False on a usage error, with a message (naming the option) in err. A trace is
 * required unless --help, --version or --list-presets is given. */
bool options_parse(Options *o, int argc, char **argv, char *err, size_t errlen);
void options_free(Options *o);

void options_help(FILE *out);
void options_list_presets(FILE *out);

#endif
