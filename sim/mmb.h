/* mmb.h - the MMB v1 binary trace format: constants shared by the writer and the reader.
 *
 * traces/README.md section 9 is the specification. A 16-byte header ("MMTRACE\0", u32 version,
 * u32 flags), then little-endian 64-bit words. An access is one word, plus an optional size
 * word and an optional value word. Every other record is an event word followed by its
 * canonical MMT line as a string (a length word, then the bytes, zero-padded to 8), so that both
 * formats share one grammar and one set of checks.
 */
#ifndef MMUSIM_SIM_MMB_H
#define MMUSIM_SIM_MMB_H

#include <stdint.h>

#include "trace.h"

#define MMB_MAGIC "MMTRACE\0"
#define MMB_HEADER_BYTES 16
#define MMB_VERSION 1

/* Access word: bits 0-31 linear address, 32-39 kind, 40-47 size, 48 implicit, 49 value. */
#define MMB_KIND_SHIFT 32
#define MMB_SIZE_SHIFT 40
#define MMB_SIZE_EXT 255                    /* size field: the exact size is the next word */
#define MMB_IMPLICIT (UINT64_C(1) << 48)    /* the access is flagged `implicit` */
#define MMB_VALUE (UINT64_C(1) << 49)       /* a value word follows (after any size word) */
#define MMB_ACCESS_RESERVED (~UINT64_C(0) << 50)
#define MMB_KINDS 4                         /* 0 I, 1 L, 2 S, 3 M */

/* A plain access: kind 0..3, size 1..254, no flags. The reader hands runs of these to the
 * executor unchanged, so this is also the executor's batch word (trace.h, AccessBatch). */
#define MMB_PLAIN_MASK (UINT64_C(0xFFFF00FC) << 32)

/* Event word: bits 0-31 argument A (the pid, or the sid of section/close, else 0), 32-39
 * code, 40-47 number of words that follow (the string: 1 length word + ceil(len / 8)). */
#define MMB_EVENT_BIT 0x80u
#define MMB_EV_OS 0x80u     /* + OsEvent */
#define MMB_EV_MODE 0xA0u
#define MMB_EV_CONFIG 0xA1u
#define MMB_EV_REG 0xA2u
#define MMB_EV_EFLAGS 0xA3u
#define MMB_EV_CPL 0xA4u
#define MMB_EV_POKE 0xA5u
#define MMB_EV_INVLPG 0xA6u
#define MMB_EV_EXPECT 0xB0u
#define MMB_EV_META 0xC0u   /* a header line ("fold 08000000 00400000"), the text of #... */

static inline uint64_t mmb_access_word(unsigned kind, uint32_t la, uint32_t size) {
    return (uint64_t)la | (uint64_t)kind << MMB_KIND_SHIFT |
           (uint64_t)(size < MMB_SIZE_EXT ? size : MMB_SIZE_EXT) << MMB_SIZE_SHIFT;
}

static inline uint64_t mmb_event_word(unsigned code, uint32_t arg, unsigned nwords) {
    return (uint64_t)arg | (uint64_t)code << 32 | (uint64_t)nwords << 40;
}

/* Access kinds of the access word, 0..3: their MMT letters ("I" "L" "S" "M"), the AccessKind
 * each translates as (M is a write), and the kind of a letter. */
extern const char *const mmb_kind_keyword[MMB_KINDS];
extern const uint8_t mmb_kind_access[MMB_KINDS];
unsigned mmb_kind_of_letter(char letter);

/* An access Record (no value, not implicit) for access word w of the given size at pos. */
void mmb_access_record(uint64_t w, uint32_t size, uint64_t pos, Record *r);

/* The event code of a non-access record and its argument word A. */
unsigned mmb_event_code(const Record *r, uint32_t *arg);

#endif
