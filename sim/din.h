/* din.h - importing Dinero IV traces (din, and xdin with access sizes) as OS-mode traces.
 *
 * din: one access per line, "LABEL ADDRESS" with LABEL 0 read, 1 write, 2 instruction fetch,
 * 3 escape (an access of unknown kind, imported as a read), 4 escape (cache flush: no paging
 * meaning, dropped and counted in the header); ADDRESS is hex (up to 64 bits), and further
 * fields are ignored as Dinero does. xdin, as this importer reads it: "LABEL ADDRESS SIZE" with
 * SIZE the access size in decimal bytes (1..4096). din accesses take a fixed size (--din-size).
 *
 * Two passes over the file: the first marks the 4 MiB chunks the trace touches and folds them
 * into the 32-bit user space (the lackey importer's fold, lackeyfold.h); the second writes one
 * process (`proc 1 NAME`, `switch 1`, one `alloc ... XRW` per run of folded chunks), the
 * accesses, and `exit 1`. A footprint that does not fit, or a malformed line, is an error
 * with FILE:LINE.
 */
#ifndef MMUSIM_SIM_DIN_H
#define MMUSIM_SIM_DIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracewrite.h"

/* path: a file (read twice, so not standard input), plain or compressed. */
bool din_import(const char *path, bool extended, uint32_t size, TraceWriter *w, char *err,
                size_t errlen);

#endif
