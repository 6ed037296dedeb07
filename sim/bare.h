/* bare.h - execute bare-mode records against one Physmem and one Mmu (traces/README.md).
 *
 * In bare mode the trace owns the CPU and physical memory: it writes control registers, pokes
 * page tables into memory and issues accesses. An access that crosses a 4 KiB boundary is
 * translated as two pieces, in address order, stopping at the first #PF (a restarted
 * instruction would fault there again). =VALUE stores happen only when every piece
 * translated; =VALUE loads are compared. Expectations are checked here: a failed one is
 * printed to `diag` as "FILE:LINE: expected ..., got ..." and counted, and the run goes on.
 * Bad input (an OS-mode event, an unsupported register value) and running out of memory stop
 * the run: bare_exec() returns false with "FILE:LINE: message" in bare_error().
 */
#ifndef MMUSIM_SIM_BARE_H
#define MMUSIM_SIM_BARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmusim/mmu.h"
#include "trace.h"

typedef struct Bare Bare;

/* name: the trace name for messages. log: one line per translation and per register write
 * that raised #GP, or NULL. diag: failed expectations. NULL when out of memory. */
Bare *bare_new(const MmuConfig *cfg, const char *name, FILE *log, FILE *diag);
void bare_free(Bare *b);

bool bare_exec(Bare *b, const Record *r);
const char *bare_error(const Bare *b);

const MmuStats *bare_stats(const Bare *b);

typedef struct {
    uint64_t passed, failed;
} ExpectTally;
ExpectTally bare_expectations(const Bare *b);

#endif
