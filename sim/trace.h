/* trace.h - the record stream every trace reader produces (traces/README.md).
 *
 * A Trace is opened from a path or "-" and yields parsed, range-checked Records, each carrying
 * its source position, so that executors never see text. trace_open() looks at the first
 * (uncompressed) bytes to choose a reader: MMT v1 text (mmt.h) or MMB v1 binary (mmb_read.h);
 * zstd and gzip input is decompressed below them (input.h).
 *
 * The fast interface, trace_read(), hands out runs of plain accesses (no value, not implicit,
 * size below 255) as an AccessBatch of MMB access words, so that the executor's inner loop runs
 * over a plain array; everything else comes out as one Record. trace_next() is the simple
 * interface: one Record at a time.
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
    REC_OS      /* an OS-mode event: os says which; fields as listed for OsEvent */
} RecordKind;

/* The OS-mode events (traces/README.md section 4) and the Record fields each one sets. Every
 * PID, SID and TID is at least 1. A range (base, len) has len >= 1 and ends at or below 2^32;
 * has_len is true whenever len was given. prot is an MM protection code (mmusim/ntpte.h). */
typedef enum {
    OSEV_PROC,     /* proc PID [NAME]: pid, path (NAME, or "") */
    OSEV_FORK,     /* fork PARENT CHILD: pid (parent), pid2 (child); they differ */
    OSEV_EXEC,     /* exec PID PATH: pid, path */
    OSEV_EXIT,     /* exit PID: pid */
    OSEV_SWITCH,   /* switch PID [TID]: pid, pid2 (TID, or 0 when absent) */
    OSEV_RESERVE,  /* reserve PID BASE LEN PROT: pid, base, len, prot */
    OSEV_COMMIT,   /* commit PID BASE LEN PROT: as reserve */
    OSEV_ALLOC,    /* alloc PID BASE LEN PROT: as reserve */
    OSEV_DECOMMIT, /* decommit PID BASE LEN: pid, base, len */
    OSEV_FREE,     /* free PID BASE LEN: as decommit */
    OSEV_PROTECT,  /* protect PID BASE LEN PROT: as reserve */
    OSEV_SECTION,  /* section SID SIZE anon [reserve] | file:PATH: sid, offset (SIZE, bytes,
                    * 1..ffffffff), sec_reserve, sec_file, path (file sections only) */
    OSEV_CLOSE,    /* close SID: sid */
    OSEV_MAP,      /* map PID SID BASE LEN OFFSET PROT: pid, sid, base, len, offset, prot */
    OSEV_UNMAP,    /* unmap PID BASE [LEN]: pid, base, has_len and len (0 when absent) */
    OSEV_TICK,     /* tick [N]: count (1..1000000, default 1) */
    OSEV_IDLE      /* idle: nothing */
} OsEvent;

typedef enum { REG_CR0, REG_CR3, REG_CR4, REG_EFER } RegId;

typedef enum {
    EXP_OK,    /* addr = expected physical address of the first byte */
    EXP_PF,    /* value = expected error code */
    EXP_GP,
    EXP_MEM,   /* addr, value: 4-byte word */
    EXP_MEM64, /* addr, value: 8-byte word */
    EXP_STAT,  /* path = counter name, value = its expected value (decimal in the trace) */
    EXP_FAULT  /* OS mode: size = number of classes (1..4), class k (FaultClass) in bits
                * 4k..4k+3 of value, in the order the faults are expected */
} ExpectKind;

/* Longest value text of a `config` line. */
#define RECORD_TEXT_MAX 32
/* Size of Record.path: a NAME or PATH has at most RECORD_PATH_MAX - 1 bytes. */
#define RECORD_PATH_MAX 1024
/* Most fault classes in one `expect fault` line. */
#define RECORD_FAULTS_MAX 4

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
    uint64_t line;       /* source position: a 1-based line, or POS_BYTE | byte offset */
    const char *keyword; /* static spelling of the record's keyword, for messages and the log */
    const Knob *knob;    /* REC_CONFIG */
    char text[RECORD_TEXT_MAX]; /* REC_CONFIG value */
    /* REC_OS: which fields an event sets is listed at OsEvent; the others are 0 or false. */
    uint8_t os;          /* OsEvent */
    uint8_t prot;        /* MM protection code */
    bool has_len;        /* len was given */
    bool sec_reserve;    /* section ... anon reserve */
    bool sec_file;       /* section ... file:PATH */
    uint32_t pid, pid2;  /* pid2: fork's CHILD, switch's TID */
    uint32_t sid;
    uint32_t base, len;  /* linear range */
    uint32_t count;      /* tick N */
    uint64_t offset;     /* map OFFSET; section SIZE */
    char path[RECORD_PATH_MAX]; /* proc NAME, exec PATH, section file:PATH */
} Record;

/* A Record's position is a line number for text traces and, with this bit set, the byte
 * offset of its first word for binary ones; msg.h prints both ("FILE:12:", "FILE: byte 96:"). */
#define POS_BYTE (UINT64_C(1) << 63)

/* A run of plain accesses: MMB access words (mmb.h) with kind 0..3 (I L S M) in bits 32-39,
 * size 1..254 in bits 40-47 and no flags. Access k is at position pos + k * step. */
typedef struct {
    const uint64_t *w;
    size_t n;
    uint64_t pos, step;
} AccessBatch;

typedef struct Trace Trace;

/* NULL on failure, with a message ("PATH: reason") in err. */
Trace *trace_open(const char *path, char *err, size_t errlen);
void trace_close(Trace *t);

typedef enum { TRACE_END = 0, TRACE_RECORD = 1, TRACE_BATCH = 2, TRACE_ERROR = -1 } TraceStatus;

/* TRACE_RECORD: *r points to the next record (valid until the next call). TRACE_BATCH: *b
 * holds the next accesses (n >= 1; the words stay valid until the next call). TRACE_END: end
 * of trace. TRACE_ERROR: bad input or read error; see trace_error(), which reads
 * "FILE:LINE: message", "FILE: byte N: message" or "FILE: message". */
TraceStatus trace_read(Trace *t, const Record **r, AccessBatch *b);

/* One record at a time (batches are taken apart): 1 record in *r, 0 end, -1 error. */
int trace_next(Trace *t, Record *r);

const char *trace_error(const Trace *t);

/* The name used in messages: the path, or "<stdin>". */
const char *trace_name(const Trace *t);

/* Header lines (MMT comments before the first record such as "#fold 7fc00000 7f800000", MMB
 * meta events), without the '#', in file order; NULL past the last. */
const char *trace_meta(const Trace *t, size_t i);

/* XXH3-64 of the uncompressed trace bytes read so far: the whole trace at its end. */
uint64_t trace_hash(const Trace *t);

/* Progress: file bytes read so far (compressed bytes for a compressed trace) and the file's
 * size (0 if unknown: a pipe). */
uint64_t trace_file_pos(const Trace *t);
uint64_t trace_file_size(const Trace *t);

/* Fill *r with access k of a batch (for trace_next() and for slow paths). */
void access_record(const AccessBatch *b, size_t k, Record *r);

#endif
