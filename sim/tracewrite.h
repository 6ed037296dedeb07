/* tracewrite.h - writing traces: MMT text or MMB binary, plain, zstd- or gzip-compressed.
 *
 * Every program that produces a trace (the converters, the lackey importer, the stress
 * generator) writes through this one module, so the formats have one writer each
 * (traces/README.md is the grammar; the readers are mmt.c and mmb.c). Accesses have their own
 * fast calls (one access, or a run of them); every other record goes through tw_record(), which
 * writes its canonical MMT line (record_format() in recfmt.h), as text in MMT and as an event
 * word plus that text in MMB.
 * Errors (a full disk, a failed compressor) are sticky: the call that meets one and every later
 * call return false, and tw_error() tells what happened, naming the file.
 */
#ifndef MMUSIM_SIM_TRACEWRITE_H
#define MMUSIM_SIM_TRACEWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

typedef enum { TW_MMT, TW_MMB } TwFormat;
typedef enum { TW_PLAIN, TW_ZSTD, TW_GZIP } TwCompress;

/* The format and compression a file name asks for: NAME.mmt, NAME.mmb, each optionally
 * followed by .zst or .gz. False when the name has none of these endings. */
bool tw_format_from_name(const char *path, TwFormat *fmt, TwCompress *comp);

typedef struct TraceWriter TraceWriter;

/* Creates (truncates) path; "-" writes standard output. level: the zstd (1..19) or gzip (1..9)
 * level, 0 for the default (zstd 3, gzip 6). threads (zstd only, TW_MAX_THREADS at most): 0
 * compresses in the calling thread; N >= 1 hands compression to N worker threads of libzstd,
 * so that it overlaps the caller's work. The output is then the same for every N >= 1
 * (libzstd cuts its jobs by size, not by timing), and differs from threads 0 in its block
 * layout only. NULL on failure with "PATH: reason" in err. */
#define TW_MAX_THREADS 64
TraceWriter *tw_open(const char *path, TwFormat fmt, TwCompress comp, int level, int threads,
                     char *err, size_t errlen);

/* A header line before the first record, written as an MMT comment ("#fold 08000000 00400000",
 * "#source valgrind ..."): text is the line without the '#' and without a newline. In MMB it is
 * a meta event carrying the same text. */
bool tw_meta(TraceWriter *w, const char *text);

/* One access without a value: kind 0 fetch (I), 1 read (L), 2 write (S), 3 modify (M);
 * size 1..4096. */
bool tw_access(TraceWriter *w, unsigned kind, uint32_t la, uint32_t size);

/* n plain accesses given as MMB access words (mmb_access_word() in mmb.h: kind 0..3, size
 * 1..254, no flags), the same output as n tw_access() calls: the converters' hot path. MMB
 * output copies the words as they are. */
bool tw_access_words(TraceWriter *w, const uint64_t *words, size_t n);

/* tw_access_words() without the copy: the place in w's buffer where the caller may write up to
 * *max plain MMB access words, which it then hands in with tw_words_done(). The buffer is
 * flushed where tw_access_words() would flush it, so the output is the same byte for byte.
 * NULL when w is not MMB, has met an error (then tw_error() is set), or on a big-endian
 * machine (words are written in the machine's byte order): then use tw_access_words(). */
uint64_t *tw_words_room(TraceWriter *w, size_t *max);
/* n (at most the *max of the tw_words_room() call just before) words were written there. */
void tw_words_done(TraceWriter *w, size_t n);

/* Any record, accesses with =VALUE or `implicit` included. The record must be one a reader
 * would accept (fields in range, keyword set for accesses); the writer does not check. */
bool tw_record(TraceWriter *w, const Record *r);

/* Accesses written so far (for progress displays). */
uint64_t tw_accesses(const TraceWriter *w);

/* Flushes, ends the compressed stream and closes the file. False on any error met during the
 * life of the writer (the message is in err). Frees w either way. */
bool tw_close(TraceWriter *w, char *err, size_t errlen);

/* The message of the first error met, or "" . */
const char *tw_error(const TraceWriter *w);

#endif
