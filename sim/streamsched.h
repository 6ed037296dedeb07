/* streamsched.h - where the executor's records come from: one trace, or per-process streams that the
 * simulator interleaves (traces/README.md section 10).
 *
 * With one trace, records pass through unchanged. With several, each trace is the stream of
 * one process, and the scheduler runs them round-robin, a quantum of N accesses at a time,
 * writing the `switch` records itself. A stream starts with `proc PID [NAME]` (a root process)
 * or `switch PID` (a process another stream creates with `fork`: the stream waits until then),
 * carries only its own process's events and no `switch`, and ends at its end or after
 * `exit PID`. Breaking a rule, or every remaining stream waiting for a process no stream
 * creates, is bad input reported with the stream's file and line.
 */
#ifndef MMUSIM_SIM_SCHED_H
#define MMUSIM_SIM_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

typedef struct Sched Sched;

/* NULL on failure with the message in err. quantum: accesses per turn (>= 1), used only with
 * more than one path. */
Sched *sched_open(const char *const *paths, size_t n, uint32_t quantum, char *err, size_t errlen);
void sched_close(Sched *s);

/* As trace_read(); *file is the name of the stream the record or batch comes from (for the
 * executor's messages). Errors: sched_error(). */
TraceStatus sched_read(Sched *s, const Record **r, AccessBatch *b, const char **file);
const char *sched_error(const Sched *s);

size_t sched_count(const Sched *s);
Trace *sched_trace(const Sched *s, size_t i);

/* Progress over all streams: file bytes read so far and in all (0 if a size is unknown). */
void sched_progress(const Sched *s, uint64_t *pos, uint64_t *size);

#endif
