/* lackeylog.h - reading one valgrind lackey log, fast (spec/traces.md section 4).
 *
 * A log is what `valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes
 * --log-file=DIR/lk.%p.%n` writes for one process image: a `==PID==` header (Command, Parent
 * PID), then access lines (`I  0401ab70,3`, ` L 1fff0006f8,8`, ` S ...`, ` M ...`) and
 * `SYSCALL[PID,TID](NR) ...` lines in program order, then a `==PID==` summary.
 *
 * The reader streams the file through one large buffer and hands accesses out in batches, so
 * the caller's inner loop runs over a plain array, or (lk_fold_run) folds them into MMB access
 * words as it reads them, for a converter's hot path; every other line it parses into an LkSys
 * (only the system calls the converter needs have their arguments parsed). Lines it does not
 * know are errors: "FILE:LINE: message". The line number is counted only when an error is
 * reported (the reader keeps byte offsets), so the hot path never counts newlines.
 */
#ifndef MMUSIM_SIM_LACKEYLOG_H
#define MMUSIM_SIM_LACKEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t addr;
    uint32_t size; /* 1..4096 (lackey's 0 reads as 1) */
    uint32_t kind; /* 0 fetch (I), 1 read (L), 2 write (S), 3 modify (M) */
} LkAccess;

/* Where the caller's recently used source pages went: a direct-mapped cache from a source
 * page number (tag; UINT64_MAX for an empty slot) to its folded page (dst, a 32-bit page
 * address), indexed by the page number's low bits. lk_fold_run() reads it; the caller fills it. */
#define LK_PAGE_CACHE 256
typedef struct {
    uint64_t tag[LK_PAGE_CACHE];
    uint32_t dst[LK_PAGE_CACHE];
} LkPageCache;

/* The system calls the converter acts on; everything else is LKC_OTHER (not parsed). */
typedef enum {
    LKC_OTHER,
    LKC_MMAP,      /* mmap / old_mmap: addr len prot flags fd offset (bytes) */
    LKC_MMAP2,     /* mmap2: offset in 4096-byte units */
    LKC_MUNMAP,    /* addr len */
    LKC_MPROTECT,  /* addr len prot */
    LKC_MREMAP,    /* old_addr old_len new_len flags [new_addr] */
    LKC_MADVISE,   /* addr len advice */
    LKC_BRK,       /* addr */
    LKC_OPEN,      /* path (arg 0) flags */
    LKC_OPENAT,    /* dirfd path (arg 1) flags */
    LKC_MEMFD,     /* memfd_create */
    LKC_CLOSE,     /* fd */
    LKC_DUP,       /* fd */
    LKC_DUP2,      /* dup2 / dup3: old new */
    LKC_FCNTL,     /* fd cmd arg */
    LKC_EXECVE,    /* path (arg 0) */
    LKC_EXIT_GROUP,
    LKC_FORK,      /* clone / fork / vfork that printed "created child N" */
    LKC_ASYNC_DONE /* "SYSCALL[p,t](nr) ... [async] --> RESULT": completes tid's call */
} LkCall;

typedef enum {
    LKR_NONE,    /* no result on the line (execve, fork: it may follow on a " --> " line) */
    LKR_PENDING, /* "--> [async] ..." : the result comes in an LKC_ASYNC_DONE line */
    LKR_OK,      /* Success(0x...) or NoWriteResult */
    LKR_FAIL     /* Failure(0x...) */
} LkRes;

#define LK_MAX_ARGS 6

typedef struct {
    uint8_t call;  /* LkCall */
    uint8_t res;   /* LkRes */
    uint8_t nargs; /* numeric arguments parsed (for the calls above) */
    uint32_t tid;
    uint32_t nr;   /* system call number */
    uint32_t child; /* LKC_FORK: the child's pid */
    uint64_t ret;   /* LKR_OK / LKR_FAIL: the value in parentheses */
    uint64_t arg[LK_MAX_ARGS];
    const char *path; /* LKC_OPEN/OPENAT/EXECVE: the path text (not NUL-terminated), valid */
    size_t pathlen;   /* until the next lk_next() call; NULL when the log shows none */
} LkSys;

typedef enum {
    LKE_MORE,    /* the batch is full (or the buffer was refilled): call again */
    LKE_SYSCALL, /* a SYSCALL line, in lk_sys() */
    LKE_RESULT,  /* a " --> RESULT" line continuing the latest SYSCALL line without one */
    LKE_EOF,
    LKE_ERROR    /* lk_error() */
} LkEvent;

typedef struct LkLog LkLog;

/* Header of a log (its ==PID== lines and first record), for sorting a recording out. */
typedef struct {
    uint32_t pid, ppid;
    char *command;   /* the Command: text as valgrind wrote it (escaped), malloc'd */
    bool fork_child; /* the first record is " --> ...": a forked child's log */
    bool empty;      /* no record at all */
} LkHeader;

/* Opens path and reads its header. NULL with "PATH: reason" or "PATH:LINE: reason" in err. */
LkLog *lk_open(const char *path, char *err, size_t errlen);
void lk_close(LkLog *l);
const LkHeader *lk_header(const LkLog *l);
const char *lk_path(const LkLog *l);

/* Up to max accesses into acc (*n of them), then the event that stopped the batch. Accesses
 * come before the event in the log. */
LkEvent lk_next(LkLog *l, LkAccess *acc, size_t max, size_t *n);
const LkSys *lk_sys(const LkLog *l);

/* The hot path of a pass that writes MMB: access lines from the reader's position on, folded
 * as they are read into MMB access words (mmb_access_word(): kind, the page's dst plus the
 * offset, size) in out, while each is an access line of the common form whose page pc knows,
 * which stays within its page and whose size is below MMB_SIZE_EXT. Stops at the first line
 * that is not such (left for lk_next), after max words, or at the end of the buffered lines;
 * returns how many words it wrote. No line is parsed twice, and nothing goes through an
 * LkAccess array. */
size_t lk_fold_run(LkLog *l, const LkPageCache *pc, uint64_t *out, size_t max);

/* lk_next for a pass that only needs to know which 4 MiB chunks accesses touch: accesses in a
 * 1 MiB run the caller said it knows (lk_skim_known) are left out, except those in the last
 * page of a 4 MiB chunk (their size may reach into the next chunk). At most LK_SKIM_MAX
 * accesses per call. Lines are checked less strictly than by lk_next: a later lk_next pass
 * reports what is wrong. */
#define LK_SKIM_MAX 64
LkEvent lk_skim(LkLog *l, LkAccess *acc, size_t max, size_t *n);
/* The 1 MiB run of access i of the latest lk_skim batch needs no more looks. */
void lk_skim_known(LkLog *l, size_t i);
/* lk_skim looks at lines one by one up to file offset offset only; past it, it hands out no
 * access, only the system calls and results (found without reading the lines between). */
void lk_skim_exact_until(LkLog *l, uint64_t offset);

/* "FILE:LINE: message" of the LKE_ERROR, or of lk_fail(). */
const char *lk_error(const LkLog *l);
/* Reports a problem with the latest record (the line of the latest event) as an error: the
 * message gets "FILE:LINE: " in front. Returns false, for `return lk_fail(...)`. */
bool lk_fail(LkLog *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The position of the latest event's line, and lk_fail for the line at such a position. */
uint64_t lk_event_pos(const LkLog *l);
/* The bytes of the log read so far (for progress displays). */
uint64_t lk_bytes_read(const LkLog *l);
bool lk_fail_pos(LkLog *l, uint64_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Undoes valgrind's escaping of the Command: line ("a\ b c" -> argv {"a b", "c"}): the words
 * NUL-separated into out (at most outlen bytes, NUL-terminated overall); returns the number of
 * words. */
size_t lk_command_words(const char *cmd, char *out, size_t outlen);

#endif
