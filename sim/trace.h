/* trace.h - the record stream every trace reader produces (traces/README.md).
 *
 * A Trace is opened from a path or "-" and yields parsed, range-checked Records, each carrying
 * its source line, so that executors never see text. trace_open() looks at the first bytes to
 * choose a reader; today that is the MMT v1 text reader (mmt.h). A binary MMB reader or a
 * decompressing input (issue 4) plugs in behind the same three calls.
 */
#ifndef MMUSIM_SIM_TRACE_H
#define MMUSIM_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmusim/knobs.h"

typedef enum {
    REC_MODE,   /* mode bare (the reader accepts it only as the first record) */
    REC_CONFIG, /* config NAME VALUE: knob, text (a CPU-profile knob; value already checked) */
    REC_REG,    /* cr0/cr3/cr4/efer V: reg, value */
    REC_EFLAGS, /* eflags V: value */
    REC_CPL,    /* cpl N: value */
    REC_POKE,   /* poke/poke64 PADDR V: size (4 or 8), addr, value */
    REC_INVLPG, /* invlpg LADDR: addr */
    REC_ACCESS, /* I/L/S/M ADDR SIZE [=V] [implicit]: kind, addr, size, has_value, value, implicit */
    REC_EXPECT, /* expect ...: expect, addr, value */
    REC_OS      /* an OS-mode event (reserved for the memory manager); only keyword is set */
} RecordKind;

typedef enum { REG_CR0, REG_CR3, REG_CR4, REG_EFER } RegId;

typedef enum {
    EXP_OK,    /* addr = expected physical address of the first byte */
    EXP_PF,    /* value = expected error code */
    EXP_GP,
    EXP_MEM,   /* addr, value: 4-byte word */
    EXP_MEM64, /* addr, value: 8-byte word */
    EXP_FAULT  /* OS mode: the fault class; reserved for the memory manager */
} ExpectKind;

/* Longest value text of a `config` line. */
#define RECORD_TEXT_MAX 32

typedef struct {
    uint8_t kind;        /* RecordKind */
    uint8_t reg;         /* RegId */
    uint8_t access;      /* AccessKind (M is ACC_WRITE; keyword keeps the letter) */
    uint8_t expect;      /* ExpectKind */
    bool has_value;      /* access with =VALUE */
    bool implicit;       /* access flagged `implicit` */
    bool has_cr2;        /* expect pf with cr2=LADDR (in addr) */
    uint32_t size;       /* access size in bytes (1..4096) or poke width */
    uint64_t addr;
    uint64_t value;
    uint64_t line;       /* 1-based source line */
    const char *keyword; /* static spelling of the record's keyword, for messages and the log */
    const Knob *knob;    /* REC_CONFIG */
    char text[RECORD_TEXT_MAX]; /* REC_CONFIG value */
} Record;

typedef struct Trace Trace;

/* NULL on failure, with a message ("PATH: reason") in err. */
Trace *trace_open(const char *path, char *err, size_t errlen);
void trace_close(Trace *t);

/* 1: *r holds the next record. 0: end of trace. -1: bad input or read error; see trace_error(),
 * which reads "FILE:LINE: message" (or "FILE: message" when no line applies). */
int trace_next(Trace *t, Record *r);
const char *trace_error(const Trace *t);

/* The name used in messages: the path, or "<stdin>". */
const char *trace_name(const Trace *t);

#endif
