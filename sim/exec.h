/* exec.h - execute trace records against one Physmem, one Mmu and, in OS mode, the memory
 * manager (traces/README.md).
 *
 * The first record chooses the mode. In bare mode the trace owns the CPU and physical memory:
 * it writes control registers, pokes page tables into memory and issues accesses. In OS mode
 * the memory manager (model/include/mmusim/os.h) owns them: OS events go to it, and every #PF
 * an access raises is handed to os_page_fault(), then the access is retried, or skipped when
 * the fault was a guard page or an access violation. An access that crosses a 4 KiB boundary is
 * translated as two pieces, in address order, stopping at the first #PF (a restarted
 * instruction would fault there again). =VALUE stores happen only when every piece
 * translated; =VALUE loads are compared. Expectations are checked here: a failed one is
 * printed to `diag` as "FILE:LINE: expected ..., got ..." and counted, and the run goes on.
 * Bad input (an OS-mode event, an unsupported register value) and running out of memory stop
 * the run: exec_record() returns false with "FILE:LINE: message" in exec_error().
 */
#ifndef MMUSIM_SIM_EXEC_H
#define MMUSIM_SIM_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmusim/mmu.h"
#include "mmusim/os.h"
#include "report.h"
#include "trace.h"

typedef struct Exec Exec;

/* check_every: run the invariant checker after every N-th OS event or access (OS mode), and in
 * exec_finish(); 0: never.
 * name: the trace name for messages. log: one line per translation and per register write
 * that raised #GP, or NULL. diag: failed expectations. NULL when out of memory. */
Exec *exec_new(const MmuConfig *cfg, const OsConfig *oscfg, uint32_t check_every,
               const char *name, FILE *log, FILE *diag);
void exec_free(Exec *b);
/* The trace name for messages about the records that follow (interleaved streams). */
void exec_set_name(Exec *b, const char *name);

/* A front end that translates with a twin of the MMU (the RTL lockstep bench) replaces every
 * mmu_access() the executor makes by fn(ctx, access, result). fn runs the C model itself (the
 * Mmu is exec_mmu()) and returns its result; it returns false to stop the run, with *why
 * saying why (a mismatch), which exec_error() then reports as "FILE:LINE: why". */
typedef bool (*ExecTranslate)(void *ctx, const Access *a, Result *r, const char **why);
void exec_set_translator(Exec *b, ExecTranslate fn, void *ctx);
Mmu *exec_mmu(const Exec *b);
Physmem *exec_physmem(const Exec *b);

bool exec_record(Exec *b, const Record *r);
/* A run of plain accesses (trace_read()); as exec_record() for each. */
bool exec_batch(Exec *b, const AccessBatch *bt);
/* After the last record: the final invariant check. False with the report in exec_error(). */
bool exec_finish(Exec *b);
const char *exec_error(const Exec *b);

const MmuStats *exec_stats(const Exec *b);

typedef struct {
    uint64_t passed, failed;
} ExpectTally;
ExpectTally exec_expectations(const Exec *b);

/* The executor's access count and the memory manager's counters (OS mode); NULL if out of
 * memory. Valid until the next call. */
const ExtraStat *exec_extra_stats(Exec *b, size_t *n);

#endif
