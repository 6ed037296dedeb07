/* recfmt.h - a Record as its canonical MMT line (traces/README.md).
 *
 * The inverse of the MMT reader: the line record_format() writes parses back to an equal
 * Record. Writers use it for text traces and for the events of binary ones (an MMB event word
 * carries this text), so each record has exactly one spelling.
 */
#ifndef MMUSIM_SIM_RECFMT_H
#define MMUSIM_SIM_RECFMT_H

#include <stddef.h>

#include "trace.h"

/* Long enough for any record: a path of RECORD_PATH_MAX - 1 bytes plus the fields. */
#define RECFMT_MAX (RECORD_PATH_MAX + 128)

/* The line without its newline into buf (RECFMT_MAX bytes); returns its length. Accesses take
 * their letter from r->keyword (M and S are both writes). */
size_t record_format(const Record *r, char *buf);

/* The keyword of an OS event ("alloc"), for writers that build Records by hand. */
const char *record_os_keyword(OsEvent ev);

#endif
