/* mmb_read.h - the strict MMB v1 binary reader (traces/README.md section 9).
 *
 * Runs of plain access words are handed to the executor in place, straight from the input
 * buffer: no copy, no per-access parsing beyond one mask test. Accesses with flags become
 * Records after the same checks the text reader makes; events carry their MMT line, which the
 * text reader's parser reads (mmt_parse_text), so both formats accept exactly the same
 * records. Errors name the byte offset of the offending word in the uncompressed stream.
 */
#ifndef MMUSIM_SIM_MMB_READ_H
#define MMUSIM_SIM_MMB_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "meta.h"
#include "trace.h"

typedef struct {
    Input *in;          /* not owned */
    MetaList *meta;     /* meta events go here; not owned */
    bool header_seen;
    bool record_seen;
    Record rec;
} MmbReader;

void mmb_init(MmbReader *p, Input *in, MetaList *meta);

/* As trace_read(), with the message of an error in err. */
TraceStatus mmb_read(MmbReader *p, const Record **r, AccessBatch *b, char *err, size_t errlen);

#endif
