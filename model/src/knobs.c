/* knobs.c - the configuration knob table and the named presets (knobs.h). */
#include "mmusim/knobs.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define CFG(field) offsetof(MmuConfig, field)

static const Knob knobs[] = {
    {"tlb", KNOB_TLBMODE, CFG(tlb_mode), 0, 0, false,
     "TLB mode: sized (the arrays below), reference (unbounded, never evicts), off (walk every access)"},
    {"l1i.4k", KNOB_GEOM, CFG(l1i.small), 0, 0, false, "L1 instruction TLB, 4 KiB pages: SETSxWAYS or 0"},
    {"l1i.large", KNOB_GEOM, CFG(l1i.large), 0, 0, false,
     "L1 instruction TLB, 2/4 MiB pages: SETSxWAYS, or 0 to hold large pages as 4 KiB fragments"},
    {"l1i.policy", KNOB_POLICY, CFG(l1i.policy), 0, 0, false, "L1 instruction TLB replacement: lru, plru, fifo, random"},
    {"l1d.4k", KNOB_GEOM, CFG(l1d.small), 0, 0, false, "L1 data TLB, 4 KiB pages: SETSxWAYS or 0"},
    {"l1d.large", KNOB_GEOM, CFG(l1d.large), 0, 0, false,
     "L1 data TLB, 2/4 MiB pages: SETSxWAYS, or 0 to hold large pages as 4 KiB fragments"},
    {"l1d.policy", KNOB_POLICY, CFG(l1d.policy), 0, 0, false, "L1 data TLB replacement: lru, plru, fifo, random"},
    {"l1.unified", KNOB_BOOL, CFG(l1_unified), 0, 1, false,
     "1: one L1 TLB for fetches and data, configured by the l1d knobs (l1i is unused)"},
    {"l2.4k", KNOB_GEOM, CFG(l2.small), 0, 0, false, "unified L2 TLB, 4 KiB pages: SETSxWAYS or 0"},
    {"l2.large", KNOB_GEOM, CFG(l2.large), 0, 0, false,
     "unified L2 TLB, 2/4 MiB pages: SETSxWAYS, or 0 to hold large pages as 4 KiB fragments"},
    {"l2.policy", KNOB_POLICY, CFG(l2.policy), 0, 0, false, "L2 TLB replacement: lru, plru, fifo, random"},
    {"pdec", KNOB_GEOM, CFG(pdec.large), 0, 0, false,
     "paging-structure (PDE) cache: SETSxWAYS or 0; cleared whole by INVLPG and MOV CR3"},
    {"pdec.policy", KNOB_POLICY, CFG(pdec.policy), 0, 0, false, "PDE cache replacement: lru, plru, fifo, random"},
    {"seed", KNOB_U64, CFG(seed), 0, 0, false, "seed of the random replacement policy"},
    {"lat.l1", KNOB_UINT, CFG(lat_l1), 0, 1000000, false, "cycles per L1 TLB lookup"},
    {"lat.l2", KNOB_UINT, CFG(lat_l2), 0, 1000000, false, "cycles per L2 TLB lookup (after an L1 miss)"},
    {"lat.mem", KNOB_UINT, CFG(lat_mem), 0, 1000000, false,
     "cycles per paging-structure read and per accessed/dirty write-back"},
    {"maxphyaddr", KNOB_U8, CFG(profile.maxphyaddr), 32, 40, true, "CPU profile: physical-address width M"},
    {"pat", KNOB_BOOL, CFG(profile.pat), 0, 1, true, "CPU profile: PAT present (else PTE bit 7 / large-PDE bit 12 reserved)"},
    {"pse36", KNOB_BOOL, CFG(profile.pse36), 0, 1, true,
     "CPU profile: PSE-36 (4 MiB PDE bits 20:13 are physical-address bits 39:32)"},
};

size_t knob_count(void) { return sizeof knobs / sizeof knobs[0]; }

const Knob *knob_get(size_t i) { return i < knob_count() ? &knobs[i] : NULL; }

const Knob *knob_find(const char *name) {
    for (size_t i = 0; i < knob_count(); i++)
        if (strcmp(knobs[i].name, name) == 0) return &knobs[i];
    return NULL;
}

/* Strict decimal: digits only, no sign, no overflow. */
static bool parse_u64(const char *s, uint64_t *out) {
    uint64_t v = 0;
    if (!*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool parse_geom(const char *s, TlbGeom *g) {
    uint64_t sets, ways;
    if (strcmp(s, "0") == 0) {
        *g = (TlbGeom){0, 0};
        return true;
    }
    const char *x = strchr(s, 'x');
    char buf[32];
    if (!x || (size_t)(x - s) >= sizeof buf) return false;
    memcpy(buf, s, (size_t)(x - s));
    buf[x - s] = 0;
    /* Only the form here; tlb_config_check judges the sizes (via mmu_config_check). */
    if (!parse_u64(buf, &sets) || !parse_u64(x + 1, &ways) || !sets || !ways ||
        sets > UINT32_MAX || ways > UINT32_MAX)
        return false;
    *g = (TlbGeom){(uint32_t)sets, (uint32_t)ways};
    return true;
}

static const char *const tlb_modes[] = {"sized", "reference", "off"};

const char *knob_set(MmuConfig *cfg, const Knob *k, const char *value) {
    void *p = (char *)cfg + k->offset;
    uint64_t v;
    switch (k->type) {
    case KNOB_UINT:
    case KNOB_U8:
    case KNOB_BOOL:
        if (!parse_u64(value, &v) || v < k->min || v > k->max)
            return k->type == KNOB_BOOL ? "expected 0 or 1" : "expected a decimal number in range";
        if (k->type == KNOB_UINT) *(uint32_t *)p = (uint32_t)v;
        else if (k->type == KNOB_U8) *(uint8_t *)p = (uint8_t)v;
        else *(bool *)p = v != 0;
        return NULL;
    case KNOB_U64:
        if (!parse_u64(value, &v)) return "expected a decimal number";
        *(uint64_t *)p = v;
        return NULL;
    case KNOB_GEOM:
        return parse_geom(value, p) ? NULL : "expected SETSxWAYS (e.g. 16x4) or 0";
    case KNOB_POLICY:
        return repl_policy_parse(value, p) ? NULL : "expected lru, plru, fifo or random";
    case KNOB_TLBMODE:
        for (int i = 0; i < 3; i++)
            if (strcmp(value, tlb_modes[i]) == 0) {
                *(TlbMode *)p = (TlbMode)i;
                return NULL;
            }
        return "expected sized, reference or off";
    }
    return "unknown knob type";
}

void knob_format(const MmuConfig *cfg, const Knob *k, char *buf, size_t len) {
    const void *p = (const char *)cfg + k->offset;
    const TlbGeom *g = p;
    switch (k->type) {
    case KNOB_UINT: snprintf(buf, len, "%" PRIu32, *(const uint32_t *)p); return;
    case KNOB_U8: snprintf(buf, len, "%u", (unsigned)*(const uint8_t *)p); return;
    case KNOB_BOOL: snprintf(buf, len, "%d", *(const bool *)p ? 1 : 0); return;
    case KNOB_U64: snprintf(buf, len, "%" PRIu64, *(const uint64_t *)p); return;
    case KNOB_GEOM:
        if (g->sets && g->ways) snprintf(buf, len, "%" PRIu32 "x%" PRIu32, g->sets, g->ways);
        else snprintf(buf, len, "0");
        return;
    case KNOB_POLICY: snprintf(buf, len, "%s", repl_policy_name(*(const ReplPolicy *)p)); return;
    case KNOB_TLBMODE: snprintf(buf, len, "%s", tlb_modes[*(const TlbMode *)p]); return;
    }
    snprintf(buf, len, "?");
}

/* ---- presets ------------------------------------------------------------------------------ */

#define LEVEL(s4k, w4k, sl, wl, pol) {.small = {s4k, w4k}, .large = {sl, wl}, .policy = pol}

static const Preset presets[] = {
    {"i486", "Intel486: one unified 32-entry 4-way TLB, pseudo-LRU, 4 KiB pages only",
     "Intel486 Microprocessor datasheet, paging unit: 32-entry four-way set-associative TLB "
     "with pseudo-LRU replacement. The i486 has no PSE; large pages, if a trace uses them, are "
     "held as 4 KiB fragments.",
     {.l1_unified = true,
      .l1i = LEVEL(0, 0, 0, 0, REPL_PLRU),
      .l1d = LEVEL(8, 4, 0, 0, REPL_PLRU),
      .l2 = LEVEL(0, 0, 0, 0, REPL_LRU),
      .pdec = LEVEL(0, 0, 0, 0, REPL_LRU)}},
    {"p6", "P6 (Pentium Pro/II/III): split L1 TLBs, no L2 TLB",
     "CPUID leaf 2 descriptors reported by P6-family CPUs (Intel SDM Vol. 2A, CPUID): 01h ITLB "
     "4 KiB 4-way 32 entries; 02h ITLB 4 MiB fully associative 2 entries; 03h DTLB 4 KiB "
     "4-way 64 entries; 04h DTLB 4 MiB 4-way 8 entries. Replacement is not documented; "
     "tree-PLRU is our assumption.",
     {.l1i = LEVEL(8, 4, 1, 2, REPL_PLRU),
      .l1d = LEVEL(16, 4, 2, 4, REPL_PLRU),
      .l2 = LEVEL(0, 0, 0, 0, REPL_LRU),
      .pdec = LEVEL(0, 0, 0, 0, REPL_LRU)}},
    {"modern", "Skylake-class client core: split L1 TLBs, 1536-entry L2 TLB, 32-entry PDE cache",
     "Intel 64 and IA-32 Architectures Optimization Reference Manual (248966-045), Table 2-15, "
     "Skylake client: ITLB 4 KiB 128 entries 8-way, 2/4 MiB 8 entries per thread (associativity "
     "not given: modelled fully associative); DTLB 4 KiB 64 entries 4-way, 2/4 MiB 32 entries "
     "4-way; STLB 1536 entries 12-way shared by 4 KiB and 2 MiB pages. mmusim has no shared-size "
     "array, so L2 holds large pages as 4 KiB fragments. Assumptions: replacement (tree-PLRU in "
     "L1, LRU in L2) and the PDE cache (32 entries, 8x4; Intel does not publish its size).",
     {.l1i = LEVEL(16, 8, 1, 8, REPL_PLRU),
      .l1d = LEVEL(16, 4, 8, 4, REPL_PLRU),
      .l2 = LEVEL(128, 12, 0, 0, REPL_LRU),
      .pdec = LEVEL(0, 0, 8, 4, REPL_PLRU)}},
};

size_t preset_count(void) { return sizeof presets / sizeof presets[0]; }

const Preset *preset_get(size_t i) { return i < preset_count() ? &presets[i] : NULL; }

const Preset *preset_find(const char *name) {
    for (size_t i = 0; i < preset_count(); i++)
        if (strcmp(presets[i].name, name) == 0) return &presets[i];
    return NULL;
}

void preset_apply(const Preset *p, MmuConfig *cfg) {
    cfg->l1_unified = p->geometry.l1_unified;
    cfg->l1i = p->geometry.l1i;
    cfg->l1d = p->geometry.l1d;
    cfg->l2 = p->geometry.l2;
    cfg->pdec = p->geometry.pdec;
}

MmuConfig mmu_config_default(void) {
    MmuConfig c = {.tlb_mode = TLB_MODE_SIZED, .seed = 1, .lat_l1 = 1, .lat_l2 = 7, .lat_mem = 20,
                   .profile = cpu_profile_default()};
    preset_apply(preset_find(PRESET_DEFAULT), &c);
    return c;
}
