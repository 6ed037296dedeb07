/* os.h - the NT-style memory manager (spec/nt-memory-manager.md; docs/os-model.md).
 *
 * The OS model owns real page tables in simulated physical memory (32-bit non-PAE paging,
 * C.3 formats) and resolves the #PFs the paging unit raises. It never sees the TLB: when it
 * changes a PTE that was valid in the current address space it issues INVLPG through the Mmu
 * it was given (C.12), and `os_switch` writes CR3.
 *
 * Every event returns NULL on success or a message describing why the event is illegal
 * (unknown pid, overlapping range, ...); the message lives in the Os until the next event.
 * An illegal event changes nothing.
 */
#ifndef MMUSIM_OS_H
#define MMUSIM_OS_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/faultclass.h"
#include "mmusim/mmu.h"
#include "mmusim/physmem.h"

typedef struct {
    uint32_t ram_pages;       /* managed physical pages (the PFN database) */
    uint32_t pagefile_pages;  /* paging-file slots */
    uint32_t ws_min, ws_max;  /* working-set limits per process, pages */
    uint32_t avail_min;       /* "available is low" below this many pages */
    uint32_t trim_plenty;     /* trim only while available + modified < this */
    uint32_t writer_threshold;/* modified writer runs on a tick when |Modified| > this */
    uint32_t writer_batch;    /* pages the modified writer writes per tick */
    const char *files_dir;    /* file:PATH reads DIR/PATH; NULL: a deterministic pattern
                                 (model/src/os/files.h); borrowed, must outlive the Os */
} OsConfig;

OsConfig os_config_default(void);
/* NULL if valid, else a reason. */
const char *os_config_check(const OsConfig *c);

typedef struct Os Os;

/* pm and mmu are borrowed and must outlive the Os. The Os sets up paging on the Mmu
 * (CR4.PSE/PGE, CR0.PG) when the first process becomes current. NULL if out of memory. */
Os *os_new(const OsConfig *cfg, Physmem *pm, Mmu *mmu);
void os_free(Os *os);

/* ---- events (C.10); NULL = done, else the reason it is illegal ---- */
const char *os_proc_create(Os *os, uint32_t pid);
const char *os_exit(Os *os, uint32_t pid);
const char *os_switch(Os *os, uint32_t pid);
const char *os_reserve(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot);
const char *os_commit(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot);
const char *os_alloc(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot);
const char *os_decommit(Os *os, uint32_t pid, uint32_t base, uint32_t len);
const char *os_release(Os *os, uint32_t pid, uint32_t base, uint32_t len);
const char *os_protect(Os *os, uint32_t pid, uint32_t base, uint32_t len, uint8_t prot);
/* CHILD copies PARENT: private pages shared copy-on-write, views inherited (C.7.2). */
const char *os_fork(Os *os, uint32_t parent, uint32_t child);
/* Replace pid's address space by an empty one (every view and allocation released). */
const char *os_exec(Os *os, uint32_t pid);
/* A section of size bytes: pagefile-backed (file NULL; reserve: SEC_RESERVE, pages committed
 * later by `commit` inside a view), or backed by file PATH (one control area per PATH). */
const char *os_section(Os *os, uint32_t sid, uint64_t size, bool reserve, const char *file);
/* Close the creating handle: the section lives on while views of it exist. */
const char *os_close(Os *os, uint32_t sid);
/* Map a view of section sid: len bytes at base (64 KiB aligned), from byte offset (page
 * aligned) of the section; WC/XWC give a copy-on-write view. */
const char *os_map(Os *os, uint32_t pid, uint32_t sid, uint32_t base, uint32_t len, uint64_t offset,
                   uint8_t prot);
/* Unmap the view at base; when has_len, len must be the view's length. */
const char *os_unmap(Os *os, uint32_t pid, uint32_t base, bool has_len, uint32_t len);
/* n rounds of background work: working-set trimming, then the modified page writer. */
const char *os_tick(Os *os, uint32_t n);
/* The zero-page thread: zero every page on the Free list. */
const char *os_idle(Os *os);

/* The current process (0 before the first switch). */
uint32_t os_current(const Os *os);

/* Resolve a #PF of the current process (C.5): error code and CR2 as the MMU reported them.
 * Returns how it was resolved; FAULT_GUARD and FAULT_AV mean the access must be skipped, the
 * other classes that it must be retried. A fatal condition is reported by os_fatal(). */
FaultClass os_page_fault(Os *os, uint32_t cr2, uint32_t error_code);

/* The access that faulted is complete (or skipped): the pages its faults brought in are no
 * longer protected from leaving the working set. Call after every access that faulted. */
void os_access_done(Os *os);

/* NULL, or why the run cannot go on: a host allocation failed, or simulated physical memory
 * and the paging file are both exhausted. Once set, every event fails with it. */
const char *os_fatal(const Os *os);

/* Invariant checker (C.11.1): NULL if every invariant holds, else a precise report. */
const char *os_check(Os *os);

/* ---- statistics ---- */
typedef struct {
    uint64_t faults[FAULT_CLASSES];
    uint64_t proto_resolved;    /* faults resolved through a prototype PTE */
} OsFaultStats;

typedef struct {
    OsFaultStats total;
    uint64_t pagefile_reads, pagefile_writes;
    uint64_t file_reads, file_writes;
    uint64_t pages_zeroed, trims, ws_removals, repurposed;
    uint64_t list[4];           /* pages on Zeroed, Free, Standby, Modified now */
    uint64_t active;            /* pages in use */
    uint64_t pagefile_used;     /* slots in use now */
    uint64_t protos_used;       /* prototype PTEs in use now */
} OsStats;

/* Counters and gauges, gauges filled in now. */
const OsStats *os_stats(Os *os);
/* Per-process fault counts, per pid in increasing pid order: a pid created again after its
 * process exited goes on counting in the same entry. False past the end. */
bool os_process_stats(const Os *os, uint32_t i, uint32_t *pid, OsFaultStats *st);

#endif
