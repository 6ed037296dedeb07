/* lackeynt.h - laying a Linux address space out as the NT-style memory manager's VADs
 * (docs/os-model.md), and the events that keep the two in step.
 *
 * The memory manager wants every allocation and every view to start on a 64 KiB boundary
 * (one VAD per 64 KiB "granule" at most), while Linux maps anything page-aligned. So the
 * layout works per granule of the folded address space:
 *   - a granule whose 16 pages all map one file or shared object at consecutive offsets (the
 *     interior of a library, a big mapped file, a shared anonymous region) is part of a view of
 *     a section on that object: file:PATH sections for files, anon sections for shared memory;
 *   - any other granule with a mapped page belongs to private memory: a reservation whose pages
 *     are committed with the Linux protection, page by page;
 *   - a granule with no mapped page is free.
 * Consecutive granules of one kind form one VAD. After every change to the Linux areas of a
 * range, nt_sync() compares the layout the areas call for with the one in place and emits the
 * difference: unmap views that no longer fit, decommit pages Linux unmapped, free empty
 * reservations, map new views, reserve new private memory, commit and protect. A private
 * reservation stays private while any of its pages is mapped (a reservation cannot shrink),
 * so a file page that lands in one is committed private memory instead of a view page.
 */
#ifndef MMUSIM_SIM_LACKEYNT_H
#define MMUSIM_SIM_LACKEYNT_H

#include <stdbool.h>
#include <stdint.h>

#include "lackeyfold.h"
#include "lackeyvm.h"
#include "trace.h"

typedef struct NtSpace NtSpace;

typedef struct {
    /* Where the events go; false stops the conversion (the callee keeps the message). */
    bool (*emit)(void *ud, const Record *r);
    /* The path of file object id (a path id of the driver). */
    const char *(*path)(void *ud, uint32_t id);
    /* Section id and size in pages of shared-memory object obj. */
    void (*shm)(void *ud, uint32_t obj, uint32_t *sid, uint64_t *pages);
    void *ud;
    const LkFold *fold;
    uint32_t next_sid; /* file sections are numbered from here (each view gets its own) */
    /* scratch, owned by nt_ctx_init */
    void *want;
    uint8_t *lp, *dpriv, *dview;
    uint8_t prot_priv[8], prot_wc[8], prot_shared[8], prot_na, prot_rw;
} NtCtx;

/* Sets up scratch space and protection codes; false when out of memory. */
bool nt_ctx_init(NtCtx *c);
void nt_ctx_free(NtCtx *c);

NtSpace *nt_new(void);
NtSpace *nt_copy(const NtSpace *s); /* fork */
void nt_reset(NtSpace *s);          /* exec, exit: the memory manager dropped everything */
void nt_free(NtSpace *s);

/* Brings process pid's layout in step with m for the source pages [s0, s1) (every page of
 * the range must be folded, or not mapped). False when emit failed. */
bool nt_sync(NtCtx *c, NtSpace *s, const LvMap *m, uint32_t pid, uint64_t s0, uint64_t s1);

/* Statistics for tests: VADs in use, views among them. */
void nt_counts(const NtSpace *s, uint32_t *vads, uint32_t *views);

#endif
