/* osbench - accesses per second through the executor and the memory manager (sim/exec.h), the
 * path `mmusim` runs, with records built in memory so that no trace parsing is timed.
 *
 * Streams:
 *   bare      mmubench's TLB-hit stream (testbench/bench/mmubench.c: 30% fetches from 4 code
 *             pages, 70% data accesses to 12 pages, 80% same-page locality) in a bare-mode
 *             run: page tables poked by the trace, no memory manager;
 *   resident  the same stream in an OS-mode run: one process, 16 committed pages, all
 *             resident after a warm-up pass, so no access faults;
 *   faults    a fault-heavy OS-mode stream, cycle after cycle: alloc 64 KiB, write each of its
 *             16 pages (16 demand-zero faults), fork, write them again in the parent (16
 *             copy-on-write faults), exit the child, free the region.
 * The hit streams are handed to exec_batch() as MMB access words, 4096 at a time, as the trace
 * readers hand them over (trace_read()); the fault-heavy stream goes through exec_record().
 * Usage: osbench bare|resident|faults PRESET [THOUSANDS]   (accesses, default 20000 = 2*10^7)
 * Prints one line: stream, preset, accesses, seconds, M accesses/s, faults per access.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"
#include "mmb.h"
#include "mmusim/knobs.h"
#include "streams.h"

#define BATCH 4096 /* accesses per exec_batch() call, as the readers hand them out */
_Static_assert(STREAM_LEN % BATCH == 0, "batches tile the stream");

static Record access_rec(uint8_t kind, uint32_t la) {
    static const char *const kw[] = {"I", "L", "S"};
    return (Record){.kind = REC_ACCESS, .access = kind, .keyword = kw[kind], .size = 4, .addr = la};
}

static Record os_rec(uint8_t ev, const char *kw, uint32_t pid, uint32_t pid2, uint32_t base, uint32_t len) {
    return (Record){.kind = REC_OS, .os = ev, .keyword = kw, .pid = pid, .pid2 = pid2, .base = base,
                    .len = len, .has_len = len != 0, .prot = 4 /* RW */};
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run(Exec *x, const Record *r, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!exec_record(x, &r[i])) {
            fprintf(stderr, "osbench: %s\n", exec_error(x));
            exit(2);
        }
}

/* Setup records for each stream; returns how many. */
static size_t setup(const char *stream, Record *s) {
    size_t k = 0;
    if (strcmp(stream, "bare") == 0) {
        s[k++] = (Record){.kind = REC_MODE, .keyword = "mode"};
        s[k++] = (Record){.kind = REC_POKE, .keyword = "poke", .size = 4, .addr = 0x1000 + (REGION >> 22) * 4, .value = 0x2000 | 0x27};
        for (uint32_t p = 0; p < 16; p++)
            s[k++] = (Record){.kind = REC_POKE, .keyword = "poke", .size = 4, .addr = 0x2000 + p * 4, .value = (0x100000 + p * 0x1000) | 0x67};
        s[k++] = (Record){.kind = REC_REG, .keyword = "cr3", .reg = REG_CR3, .value = 0x1000};
        s[k++] = (Record){.kind = REC_REG, .keyword = "cr0", .reg = REG_CR0, .value = 0x80000001};
        s[k++] = (Record){.kind = REC_CPL, .keyword = "cpl", .value = 3};
        return k;
    }
    s[k++] = os_rec(OSEV_PROC, "proc", 1, 0, 0, 0);
    s[k++] = os_rec(OSEV_SWITCH, "switch", 1, 0, 0, 0);
    if (strcmp(stream, "resident") == 0) {
        s[k++] = os_rec(OSEV_ALLOC, "alloc", 1, 0, REGION, 0x10000);
        for (uint32_t p = 0; p < 16; p++) s[k++] = access_rec(ACC_WRITE, REGION + p * 0x1000);
    }
    return k;
}

/* One fault-heavy cycle: 32 accesses, 16 demand-zero and 16 copy-on-write faults. */
static size_t fault_cycle(Record *s) {
    size_t k = 0;
    s[k++] = os_rec(OSEV_ALLOC, "alloc", 1, 0, REGION, 0x10000);
    for (uint32_t p = 0; p < 16; p++) s[k++] = access_rec(ACC_WRITE, REGION + p * 0x1000);
    s[k++] = os_rec(OSEV_FORK, "fork", 1, 2, 0, 0);
    for (uint32_t p = 0; p < 16; p++) s[k++] = access_rec(ACC_WRITE, REGION + p * 0x1000 + 4);
    s[k++] = os_rec(OSEV_EXIT, "exit", 2, 0, 0, 0);
    s[k++] = os_rec(OSEV_FREE, "free", 1, 0, REGION, 0x10000);
    return k;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || (strcmp(argv[1], "bare") && strcmp(argv[1], "resident") && strcmp(argv[1], "faults"))) {
        fprintf(stderr, "usage: osbench bare|resident|faults PRESET [THOUSANDS]\n");
        return 2;
    }
    const Preset *p = preset_find(argv[2]);
    long thousands = argc == 4 ? strtol(argv[3], NULL, 10) : 20000;
    if (!p || thousands <= 0) {
        fprintf(stderr, "osbench: unknown preset or bad count\n");
        return 2;
    }
    MmuConfig cfg = mmu_config_default();
    preset_apply(p, &cfg);
    OsConfig oscfg = os_config_default();
    Exec *x = exec_new(&cfg, &oscfg, 0, "osbench", NULL, stderr);
    Record *s = calloc(64, sizeof *s);
    Access *hits = malloc(STREAM_LEN * sizeof *hits);
    uint64_t *words = malloc(STREAM_LEN * sizeof *words);
    if (!x || !s || !hits || !words) {
        fprintf(stderr, "osbench: out of memory\n");
        return 2;
    }
    run(x, s, setup(argv[1], s));
    uint64_t n = (uint64_t)thousands * 1000u, accesses = 0;
    double t0, dt;
    if (argv[1][0] == 'f') {
        size_t len = fault_cycle(s);
        t0 = now();
        for (; accesses < n; accesses += 32) run(x, s, len);
    } else {
        make_hits(hits);
        for (size_t i = 0; i < STREAM_LEN; i++) words[i] = mmb_access_word(hits[i].kind, hits[i].la, 4);
        t0 = now();
        for (; accesses < n; accesses += BATCH) {
            AccessBatch bt = {.w = words + (accesses & (STREAM_LEN - 1)), .n = BATCH, .pos = 1, .step = 1};
            if (!exec_batch(x, &bt)) {
                fprintf(stderr, "osbench: %s\n", exec_error(x));
                exit(2);
            }
        }
    }
    dt = now() - t0;
    size_t nextra = 0;
    const ExtraStat *e = exec_extra_stats(x, &nextra);
    uint64_t faults = 0;
    for (size_t i = 0; i < nextra; i++)
        if (strncmp(e[i].name, "os.fault.", 9) == 0 && strcmp(e[i].name, "os.fault.proto") != 0) faults += e[i].value;
    printf("%-8s %-7s %10llu accesses %7.3f s %8.2f M/s  faults/access %.4f\n", argv[1], argv[2],
           (unsigned long long)accesses, dt, (double)accesses / dt / 1e6, (double)faults / (double)accesses);
    exec_free(x);
    free(s);
    free(hits);
    free(words);
    return 0;
}
