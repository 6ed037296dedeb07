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
#include "meta.h"
#include "trace.h"

/* Accesses handed out in one batch at most. */
#define MMT_BATCH 4096

typedef struct {
    Input *in;          /* not owned */
    MetaList *meta;     /* header lines go here; not owned */
    bool header_seen;   /* line 1 was "#mmt 1" */
    bool record_seen;   /* a record has been returned ("mode" must come first) */
    bool has_word;      /* an access read ahead, for the next batch */
    bool has_record;    /* rec was read ahead, to return after the batch */
    uint64_t word, word_line;
    Record rec;
    uint64_t words[MMT_BATCH];
} MmtReader;

void mmt_init(MmtReader *p, Input *in, MetaList *meta);

/* As trace_read(), with the message of an error in err. */
TraceStatus mmt_read(MmtReader *p, const Record **r, AccessBatch *b, char *err, size_t errlen);

/* Parse one record line (no comment, no newline) at position pos: the MMB reader's events.
 * first_record: whether it is the trace's first record (where `mode` must be). */
bool mmt_parse_text(char *s, size_t len, bool first_record, const char *name, uint64_t pos,
                    Record *r, char *err, size_t errlen);

/* What is wrong with an access's =VALUE (r->value set; L and S only, size at most 8, the value
 * fits the size), or NULL. buf: room for the message. Shared by both readers. */
const char *mmt_value_problem(const Record *r, char *buf, size_t len);

#endif
