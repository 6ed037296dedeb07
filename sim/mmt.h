/* mmt.h - the strict MMT v1 text reader, bare and OS mode (traces/README.md is the grammar).
 *
 * Turns lines from an Input into Records. Every field is checked here, once: keyword, field
 * count, hex and decimal syntax, widths and ranges, config knob names and values. A bad line
 * stops the reader with "FILE:LINE: message". No scanf or strtoul: the number parsers are
 * hand-written and work on the line in place, so the reader costs far less per access than the
 * model does. OS-mode events come out as REC_OS with their fields read and checked (trace.h,
 * OsEvent); deciding what a trace's mode allows is the executor's business.
 */
#ifndef MMUSIM_SIM_MMT_H
#define MMUSIM_SIM_MMT_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "trace.h"

typedef struct {
    Input *in;          /* not owned */
    bool header_seen;   /* line 1 was "#mmt 1" */
    bool record_seen;   /* a record has been returned ("mode" must come first) */
} MmtReader;

void mmt_init(MmtReader *p, Input *in);

/* As trace_next(): 1 record, 0 end, -1 error with the message in err. */
int mmt_next(MmtReader *p, Record *r, char *err, size_t errlen);

#endif
