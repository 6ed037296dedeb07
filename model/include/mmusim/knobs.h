/* knobs.h - the one table of configuration knobs, and the named presets (DESIGN.md habit 9).
 *
 * Every MmuConfig field a user can set has one row here: its name, meaning, range and where
 * it lives. The command line (--NAME=VALUE), --help, the run header printed with every result,
 * the trace `config` lines (profile knobs only) and the RTL package generator all read it.
 */
#ifndef MMUSIM_KNOBS_H
#define MMUSIM_KNOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "mmusim/mmu.h"

typedef enum {
    KNOB_UINT,    /* uint32_t in [min, max] */
    KNOB_U8,      /* uint8_t in [min, max] */
    KNOB_U64,     /* uint64_t */
    KNOB_BOOL,    /* bool: 0/1 */
    KNOB_GEOM,    /* TlbGeom: SETSxWAYS, or 0 for none */
    KNOB_POLICY,  /* ReplPolicy: lru, plru, fifo, random */
    KNOB_TLBMODE  /* TlbMode: sized, reference, off */
} KnobType;

typedef struct {
    const char *name;
    KnobType type;
    size_t offset;     /* in MmuConfig */
    uint32_t min, max; /* KNOB_UINT */
    bool profile;      /* a CPU-profile knob, settable by a trace's `config` line */
    const char *help;
} Knob;

size_t knob_count(void);
const Knob *knob_get(size_t i);
const Knob *knob_find(const char *name);

/* Parse value into cfg. NULL on success, else a static message (the value is unchanged). */
const char *knob_set(MmuConfig *cfg, const Knob *k, const char *value);
/* The knob's value in the form knob_set accepts. */
void knob_format(const MmuConfig *cfg, const Knob *k, char *buf, size_t len);

/* The part of MmuConfig a preset sets: the TLB hierarchy. Mode, seed, latencies and the CPU
 * profile keep their own defaults. */
typedef struct {
    bool l1_unified;
    TlbConfig l1i, l1d, l2, pdec;
} PresetGeometry;

typedef struct {
    const char *name;
    const char *summary;
    const char *source; /* where the geometry comes from */
    PresetGeometry geometry;
} Preset;

#define PRESET_DEFAULT "modern"

size_t preset_count(void);
const Preset *preset_get(size_t i);
const Preset *preset_find(const char *name);
/* Set cfg's TLB hierarchy to the preset's. */
void preset_apply(const Preset *p, MmuConfig *cfg);

/* The configuration of PRESET_DEFAULT with the default CPU profile. */
MmuConfig mmu_config_default(void);

#endif
