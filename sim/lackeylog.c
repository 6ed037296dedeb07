/* lackeylog.c - the lackey log reader (lackeylog.h). */
#define _DEFAULT_SOURCE /* pread, strdup, madvise(MADV_DONTNEED) */
#include "lackeylog.h"

#include "mmb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One read buffer per open log. Large reads keep the system-call cost per access negligible;
 * the padding lets the scanner load 8 bytes past any line end without a bounds check. */
#define LK_BUF (1u << 21)
#define LK_PAD 64

struct LkLog {
    char *path;
    int fd;
    unsigned char *buf;  /* the bytes being scanned: the mapping, the tail, or rbuf */
    unsigned char *rbuf; /* read() buffer (files that cannot be mapped), or the tail copy */
    unsigned char *map;  /* the whole file, mapped (regular files) */
    size_t msize;        /* its size */
    size_t safe;         /* lines before this offset are scanned in place: every one ends at
                          * least LK_PAD bytes before the end of the mapping */
    size_t dropped;      /* the mapping's pages before this offset were given back */
    int seg;             /* mapped files: 0 not started, 1 in the mapping, 2 in the tail */
    size_t len;    /* valid bytes in buf */
    size_t pos;    /* the next line starts here */
    size_t lim;    /* just after the last complete line in buf */
    uint64_t base; /* file offset of buf[0] */
    uint64_t body; /* file offset of the first record */
    bool eof;
    bool nl_added; /* a '\n' was supplied after a last line without one */
    uint64_t ev_off; /* file offset of the line of the latest event (messages) */
    uint64_t exact_until; /* lk_skim: past this offset, system calls only */
    const unsigned char *next_y, *next_gt; /* next_event_line's search positions */
    uint64_t known[4]; /* lk_skim: keys (1 MiB runs) the caller knows, skipped */
    unsigned nknown;
    uint64_t skeys[LK_SKIM_MAX]; /* the key of each access handed out */
    LkHeader hdr;
    LkSys sys;
    char err[640];
};

/* Hex digit values, 16 and up for anything else. */
static unsigned char hexval[256];
/* The value of two lower-case hex digits c0 c1 (as valgrind writes them), indexed by
 * c0 | c1 << 8; 0x100 for anything else. Four lookups parse the first eight digits of an
 * address: fewer instructions than checking and combining the digits arithmetically, and the
 * entries of valid digits fill 32 cache lines. */
static uint16_t hexpair[1 << 16];

static void init_heads(void);

static void init_tables(void) {
    if (hexval['0'] == 0 && hexval['x'] == 16) return;
    init_heads();
    for (int i = 0; i < 256; i++) hexval[i] = 16;
    for (int i = 0; i < 10; i++) hexval['0' + i] = (unsigned char)i;
    for (int i = 0; i < 6; i++) hexval['a' + i] = hexval['A' + i] = (unsigned char)(10 + i);
    /* upper case goes the general way (slow_line()), as it always did: lk_skim hands out
     * accesses of that form without their key, which decides what it skips later */
    for (int i = 0; i < 1 << 16; i++) {
        int c0 = i & 0xFF, c1 = i >> 8;
        bool lower = (c0 <= '9' || c0 >= 'a') && (c1 <= '9' || c1 >= 'a');
        unsigned d0 = hexval[c0], d1 = hexval[c1];
        hexpair[i] = (uint16_t)(lower && d0 < 16 && d1 < 16 ? d0 << 4 | d1 : 0x100);
    }
}

const LkHeader *lk_header(const LkLog *l) { return &l->hdr; }
const char *lk_path(const LkLog *l) { return l->path; }
const LkSys *lk_sys(const LkLog *l) { return &l->sys; }
const char *lk_error(const LkLog *l) { return l->err; }

/* The 1-based line number of the byte at file offset off (counted only for messages). */
static uint64_t line_of(const LkLog *l, uint64_t off) {
    uint64_t line = 1, at = 0;
    unsigned char tmp[1 << 16];
    while (at < off) {
        size_t want = off - at < sizeof tmp ? (size_t)(off - at) : sizeof tmp;
        ssize_t r = pread(l->fd, tmp, want, (off_t)at);
        if (r <= 0) break;
        for (ssize_t i = 0; i < r; i++) line += tmp[i] == '\n';
        at += (uint64_t)r;
    }
    return line;
}

static bool fail_at(LkLog *l, uint64_t off, const char *fmt, va_list ap) {
    int n = snprintf(l->err, sizeof l->err, "%s:%llu: ", l->path, (unsigned long long)line_of(l, off));
    if (n < 0 || (size_t)n >= sizeof l->err) n = 0;
    vsnprintf(l->err + n, sizeof l->err - (size_t)n, fmt, ap);
    return false;
}

bool lk_fail(LkLog *l, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at(l, l->ev_off, fmt, ap);
    va_end(ap);
    return false;
}

uint64_t lk_event_pos(const LkLog *l) { return l->ev_off; }
uint64_t lk_bytes_read(const LkLog *l) { return l->base + l->pos; }

bool lk_fail_pos(LkLog *l, uint64_t pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at(l, pos, fmt, ap);
    va_end(ap);
    return false;
}

static bool fail_off(LkLog *l, uint64_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail_off(LkLog *l, uint64_t off, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at(l, off, fmt, ap);
    va_end(ap);
    return false;
}

/* Sets lim after the last complete line of buf[0, len); -1 when there is none. */
static int set_lim(LkLog *l, size_t max) {
    memset(l->buf + l->len, 0, LK_PAD);
    if (l->len == 0) {
        l->lim = 0;
        return 0;
    }
    size_t i = l->len;
    while (i > 0 && l->buf[i - 1] != '\n') i--;
    if (i == 0) {
        fail_off(l, l->base, "line longer than %zu bytes", max);
        return -1;
    }
    l->lim = i;
    return 1;
}

/* A mapped file: the lines that end well before the end of the mapping are scanned in place;
 * the rest (the tail) is copied into a buffer with padding after it. The reader asks for more
 * only once every complete line was consumed (pos == lim). */
static int refill_mapped(LkLog *l, uint64_t from) {
    if (l->seg == 0 && from < l->safe) {
        l->seg = 1;
        l->buf = l->map;
        l->base = 0;
        l->pos = (size_t)from;
        l->len = l->lim = l->safe;
        return 1;
    }
    if (l->seg == 2) return 0;
    l->seg = 2;
    if (from < l->safe) from = l->safe;
    size_t n = l->msize - (size_t)from;
    free(l->rbuf);
    if (!(l->rbuf = malloc(n + 1 + LK_PAD))) {
        snprintf(l->err, sizeof l->err, "%s: out of memory", l->path);
        return -1;
    }
    memcpy(l->rbuf, l->map + from, n);
    if (n > 0 && l->rbuf[n - 1] != '\n') l->rbuf[n++] = '\n'; /* a last line without one */
    l->buf = l->rbuf;
    l->base = from;
    l->pos = 0;
    l->len = n;
    return set_lim(l, n);
}

/* Keeps the unread bytes, reads more, and sets lim after the last complete line.
 * 1: lines available; 0: end of file; -1: error (message set). */
static int refill(LkLog *l) {
    if (l->map) return refill_mapped(l, l->base + l->pos);
    size_t keep = l->len - l->pos;
    memmove(l->buf, l->buf + l->pos, keep);
    l->base += l->pos;
    l->pos = 0;
    l->len = keep;
    while (!l->eof && l->len < LK_BUF) {
        ssize_t r = read(l->fd, l->buf + l->len, LK_BUF - l->len);
        if (r < 0) {
            if (errno == EINTR) continue;
            snprintf(l->err, sizeof l->err, "%s: %s", l->path, strerror(errno));
            return -1;
        }
        if (r == 0) l->eof = true;
        l->len += (size_t)r;
    }
    if (l->eof && l->len > 0 && l->buf[l->len - 1] != '\n' && !l->nl_added) {
        l->buf[l->len++] = '\n'; /* a last line without a newline (the padding has room) */
        l->nl_added = true;
    }
    return set_lim(l, LK_BUF);
}

static bool starts(const unsigned char *p, const unsigned char *e, const char *s) {
    size_t n = strlen(s);
    return (size_t)(e - p) >= n && memcmp(p, s, n) == 0;
}

/* Parses a decimal number of at most 10 digits. */
static const unsigned char *parse_dec(const unsigned char *p, const unsigned char *e, uint64_t *v) {
    uint64_t x = 0;
    const unsigned char *s = p;
    while (p < e && *p >= '0' && *p <= '9' && p - s < 20) x = x * 10 + (uint64_t)(*p++ - '0');
    if (p == s || (p < e && *p >= '0' && *p <= '9')) return NULL;
    *v = x;
    return p;
}

/* Parses 1..16 hex digits. */
static const unsigned char *parse_hex(const unsigned char *p, const unsigned char *e, uint64_t *v) {
    uint64_t x = 0;
    const unsigned char *s = p;
    while (p < e && hexval[*p] < 16 && p - s < 16) x = x << 4 | hexval[*p++];
    if (p == s || (p < e && hexval[*p] < 16)) return NULL;
    *v = x;
    return p;
}

/* A system-call argument: 0xHEX, DEC or -DEC (two's complement). */
static const unsigned char *parse_arg(const unsigned char *p, const unsigned char *e, uint64_t *v) {
    if (e - p >= 2 && p[0] == '0' && p[1] == 'x') return parse_hex(p + 2, e, v);
    if (p < e && *p == '-') {
        const unsigned char *q = parse_dec(p + 1, e, v);
        if (q) *v = (uint64_t)0 - *v;
        return q;
    }
    return parse_dec(p, e, v);
}

/* "I  ADDR,SIZE" or " K ADDR,SIZE" in general form (any case, 1..16 digits). */
static bool parse_access(const unsigned char *p, const unsigned char *e, LkAccess *a) {
    if (e - p < 3) return false;
    if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ') a->kind = 0;
    else if (p[0] == ' ' && p[2] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M'))
        a->kind = p[1] == 'L' ? 1 : p[1] == 'S' ? 2 : 3;
    else return false;
    uint64_t addr, size;
    const unsigned char *q = parse_hex(p + 3, e, &addr);
    if (!q || q == e || *q != ',') return false;
    q = parse_dec(q + 1, e, &size);
    if (!q || q != e || size > 4096) return false;
    a->addr = addr;
    a->size = size ? (uint32_t)size : 1;
    return true;
}

static const struct {
    const char *name;
    LkCall call;
} calls[] = {
    {"sys_mmap", LKC_MMAP},         {"old_mmap", LKC_MMAP},     {"sys_old_mmap", LKC_MMAP},
    {"sys_mmap2", LKC_MMAP2},       {"sys_munmap", LKC_MUNMAP}, {"sys_mprotect", LKC_MPROTECT},
    {"sys_mremap", LKC_MREMAP},     {"sys_madvise", LKC_MADVISE}, {"sys_brk", LKC_BRK},
    {"sys_open", LKC_OPEN},         {"sys_openat", LKC_OPENAT}, {"sys_memfd_create", LKC_MEMFD},
    {"sys_close", LKC_CLOSE},       {"sys_dup", LKC_DUP},       {"sys_dup2", LKC_DUP2},
    {"sys_dup3", LKC_DUP2},         {"sys_fcntl", LKC_FCNTL},   {"sys_fcntl64", LKC_FCNTL},
    {"sys_execve", LKC_EXECVE},     {"exit_group", LKC_EXIT_GROUP},
};

static LkCall call_of(const unsigned char *name, size_t n) {
    /* sys_fcntl prints as "sys_fcntl[ARG3=='arg']" */
    for (size_t i = 0; i < n; i++)
        if (name[i] == '[') n = i;
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (strlen(calls[i].name) == n && memcmp(calls[i].name, name, n) == 0) return calls[i].call;
    return LKC_OTHER;
}

/* The last occurrence of s in [p, e). */
static const unsigned char *find_last(const unsigned char *p, const unsigned char *e, const char *s) {
    size_t n = strlen(s);
    for (const unsigned char *q = e - n; q >= p && e - p >= (ptrdiff_t)n; q--)
        if (memcmp(q, s, n) == 0) return q;
    return NULL;
}

static const unsigned char *find_first(const unsigned char *p, const unsigned char *e, const char *s) {
    size_t n = strlen(s);
    for (const unsigned char *q = p; e - q >= (ptrdiff_t)n; q++)
        if (memcmp(q, s, n) == 0) return q;
    return NULL;
}

/* Parses "--> [tag] Success(0x..)" (p at "-->"). Returns where the result ends, NULL if it is
 * not one. */
static const unsigned char *parse_result(const unsigned char *p, const unsigned char *e, LkSys *s) {
    p += 3;
    while (p < e && *p == ' ') p++;
    if (p < e && *p == '[') {
        while (p < e && *p != ']') p++;
        if (p == e) return NULL;
        p++;
        while (p < e && *p == ' ') p++;
    }
    if (starts(p, e, "...")) {
        s->res = LKR_PENDING;
        return p + 3;
    }
    if (starts(p, e, "NoWriteResult")) {
        s->res = LKR_OK;
        s->ret = 0;
        return p + 13;
    }
    bool ok = starts(p, e, "Success(0x");
    if (!ok && !starts(p, e, "Failure(0x")) return NULL;
    p = parse_hex(p + 10, e, &s->ret);
    if (!p || p == e || *p != ')') return NULL;
    s->res = ok ? LKR_OK : LKR_FAIL;
    return p + 1;
}

/* The text after a result: spaces, then nothing or (rarely, when two threads' output met) the
 * start of another record on the same line. Returns the new read position. */
static size_t after_result(LkLog *l, const unsigned char *p, const unsigned char *e) {
    while (p < e && *p == ' ') p++;
    return (size_t)((p < e ? p : e + 1) - l->buf);
}

/* A SYSCALL[...] line [p, e). Sets l->sys and l->pos. */
static LkEvent parse_syscall(LkLog *l, const unsigned char *p, const unsigned char *e) {
    LkSys *s = &l->sys;
    *s = (LkSys){0};
    uint64_t pid, tid, nr;
    const unsigned char *q = parse_dec(p + 8, e, &pid);
    if (q && q < e && *q == ',') q = parse_dec(q + 1, e, &tid);
    else q = NULL;
    if (q && starts(q, e, "](")) q = parse_dec(q + 2, e, &nr);
    else q = NULL;
    if (!q || !starts(q, e, ") ")) {
        fail_off(l, l->ev_off, "malformed SYSCALL line");
        return LKE_ERROR;
    }
    s->tid = (uint32_t)tid;
    s->nr = (uint32_t)nr;
    q += 2;
    l->pos = (size_t)(e + 1 - l->buf);
    if (starts(q, e, "... [async] ")) {
        const unsigned char *r = find_first(q, e, "-->");
        s->call = LKC_ASYNC_DONE;
        const unsigned char *end = r ? parse_result(r, e, s) : NULL;
        if (!end) {
            fail_off(l, l->ev_off, "malformed system call result");
            return LKE_ERROR;
        }
        l->pos = after_result(l, end, e);
        return LKE_SYSCALL;
    }
    const unsigned char *name = q;
    while (q < e && *q != ' ' && *q != '(') q++;
    s->call = (uint8_t)call_of(name, (size_t)(q - name));
    const unsigned char *created = find_last(q, e, "created child ");
    if (created) {
        uint64_t child;
        const unsigned char *c = parse_dec(created + 14, e, &child);
        if (!c || child == 0 || child > UINT32_MAX) {
            fail_off(l, l->ev_off, "malformed 'created child' pid");
            return LKE_ERROR;
        }
        s->call = LKC_FORK;
        s->child = (uint32_t)child;
    }
    /* The result, if the line has one: after the last "--> ". */
    const unsigned char *r = find_last(q, e, "--> ");
    const unsigned char *rend = r ? parse_result(r, e, s) : NULL;
    if (rend) l->pos = after_result(l, rend, e);
    if (s->call == LKC_OTHER || s->call == LKC_FORK) return LKE_SYSCALL;
    if (r && !rend) {
        fail_off(l, l->ev_off, "malformed system call result");
        return LKE_ERROR;
    }
    /* Arguments: "( a, b, ... )" up to the result (or the line end). */
    const unsigned char *ae = r ? r : e;
    while (q < ae && *q == ' ') q++;
    if (q == ae || *q != '(') {
        fail_off(l, l->ev_off, "malformed system call arguments");
        return LKE_ERROR;
    }
    q++;
    int path_arg = s->call == LKC_OPENAT ? 1 : (s->call == LKC_OPEN || s->call == LKC_EXECVE) ? 0 : -1;
    for (int i = 0;; i++) {
        while (q < ae && *q == ' ') q++;
        if (q < ae && *q == ')') break;
        if (i == LK_MAX_ARGS) {
            fail_off(l, l->ev_off, "too many system call arguments");
            return LKE_ERROR;
        }
        uint64_t v;
        const unsigned char *n = parse_arg(q, ae, &v);
        if (!n) {
            fail_off(l, l->ev_off, "malformed system call argument %d", i + 1);
            return LKE_ERROR;
        }
        s->arg[i] = v;
        s->nargs = (uint8_t)(i + 1);
        q = n;
        if (i == path_arg && q < ae && *q == '(') {
            /* 0xADDR(PATH): the path runs to the ")" that ends the argument */
            const unsigned char *pe = find_first(q + 1, ae, "), ");
            if (!pe) pe = find_first(q + 1, ae, ") )");
            if (!pe) {
                fail_off(l, l->ev_off, "malformed path argument");
                return LKE_ERROR;
            }
            s->path = (const char *)q + 1;
            s->pathlen = (size_t)(pe - q - 1);
            q = pe + 1;
        }
        while (q < ae && *q == ' ') q++;
        if (q < ae && *q == ',') {
            q++;
            continue;
        }
        if (q < ae && *q == ')') break;
        fail_off(l, l->ev_off, "malformed system call arguments");
        return LKE_ERROR;
    }
    static const uint8_t need[] = {
        [LKC_MMAP] = 6,  [LKC_MMAP2] = 6, [LKC_MUNMAP] = 2, [LKC_MPROTECT] = 3, [LKC_MREMAP] = 4,
        [LKC_MADVISE] = 3, [LKC_BRK] = 1,  [LKC_OPEN] = 2,   [LKC_OPENAT] = 3,   [LKC_MEMFD] = 1,
        [LKC_CLOSE] = 1, [LKC_DUP] = 1,   [LKC_DUP2] = 2,   [LKC_FCNTL] = 2,    [LKC_EXECVE] = 1,
        [LKC_EXIT_GROUP] = 1,
    };
    if (s->nargs < need[s->call]) {
        fail_off(l, l->ev_off, "system call has %u arguments, expected at least %u", s->nargs,
                 need[s->call]);
        return LKE_ERROR;
    }
    return LKE_SYSCALL;
}

/* Every line that is not a plain access in the fast form. Returns LKE_MORE to go on
 * scanning (an access appended to acc, or a line skipped), or an event. */
static LkEvent slow_line(LkLog *l, LkAccess *acc, size_t *k) {
    const unsigned char *p = l->buf + l->pos;
    const unsigned char *e = memchr(p, '\n', l->lim - l->pos);
    l->ev_off = l->base + l->pos;
    l->pos = (size_t)(e + 1 - l->buf);
    if (p == e) return LKE_MORE; /* blank line (thread output can leave one) */
    if (parse_access(p, e, &acc[*k])) {
        ++*k;
        return LKE_MORE;
    }
    if (starts(p, e, "SYSCALL[")) return parse_syscall(l, p, e);
    if (starts(p, e, " --> ")) {
        l->sys = (LkSys){0};
        const unsigned char *r = parse_result(p + 1, e, &l->sys);
        if (!r) {
            fail_off(l, l->ev_off, "malformed system call result");
            return LKE_ERROR;
        }
        l->pos = after_result(l, r, e);
        return LKE_RESULT;
    }
    if (starts(p, e, "==") || starts(p, e, "--") || starts(p, e, "**") || starts(p, e, "vex ") ||
        starts(p, e, "valgrind:"))
        return LKE_MORE; /* valgrind's own messages */
    if (p[0] == 'I' || (p[0] == ' ' && e - p > 1 && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M')))
        fail_off(l, l->ev_off, "malformed access line (expected 'I  ADDR,SIZE' or ' L|S|M ADDR,SIZE' with SIZE 0..4096)");
    else fail_off(l, l->ev_off, "unrecognised line in a lackey log");
    return LKE_ERROR;
}

/* The expected first three bytes of an access line, by its second byte; and its kind. */
static uint32_t head_of[256];
static uint8_t kind_of[256];

static void init_heads(void) {
    head_of[' '] = 0x202049; /* "I  " */
    head_of['L'] = 0x204C20; /* " L " */
    head_of['S'] = 0x205320;
    head_of['M'] = 0x204D20;
    kind_of['L'] = 1;
    kind_of['S'] = 2;
    kind_of['M'] = 3;
}

/* Eight lower-case hex digits at p: false if any byte is not one. */
static inline bool hex8(const unsigned char *p, uint64_t *v) {
    uint32_t a = hexpair[p[0] | p[1] << 8], b = hexpair[p[2] | p[3] << 8];
    uint32_t c = hexpair[p[4] | p[5] << 8], d = hexpair[p[6] | p[7] << 8];
    if ((a | b | c | d) > 0xFF) return false;
    *v = a << 24 | b << 16 | c << 8 | d;
    return true;
}

/* The rest of an access line after its first eight address digits (value v so far, at p + 11):
 * more address digits, ',', 1 to 4 decimal digits, '\n'. Returns the next line, or NULL. */
static __attribute__((noinline)) const unsigned char *access_tail(const unsigned char *p, uint64_t v,
                                                                   LkAccess *a) {
    const unsigned char *q = p + 11;
    while (hexval[*q] < 16) v = v << 4 | hexval[*q++];
    if (*q != ',' || q - p > 3 + 16) return NULL;
    uint32_t s = (uint32_t)(q[1] - '0');
    if (s > 9) return NULL;
    q += 2;
    if (*q != '\n') {
        uint32_t d = (uint32_t)(*q - '0');
        if (d > 9) return NULL;
        s = s * 10 + d;
        q++;
        while (*q != '\n') {
            d = (uint32_t)(*q - '0');
            if (d > 9 || s > 409) return NULL;
            s = s * 10 + d;
            q++;
        }
        if (s > 4096) return NULL;
    }
    if (s == 0) return NULL;
    a->addr = v;
    a->size = s;
    a->kind = kind_of[p[1]];
    return q + 1;
}

/* The common access line: "I  " or " K ", 8 to 16 hex digits (the first 8 lower case), ',',
 * 1 to 4 decimal digits (not 0), '\n'. Returns the next line with the address and size in
 * *addr and *size (the kind is kind_of[p[1]]), or NULL for anything else (slow_line() then
 * parses the general form or reports the error). Always inlined, so that the caller keeps
 * the fields in registers. */
static inline __attribute__((always_inline)) const unsigned char *fast_line(const unsigned char *p,
                                                                            uint64_t *addr, uint32_t *size) {
    uint32_t head;
    memcpy(&head, p, 4);
    /* "I  ", " L ", " S ", " M ": decided by the second byte, without a branch on the kind
     * (kinds alternate unpredictably, a switch would mispredict) */
    if ((head & 0xFFFFFF) != head_of[p[1]]) return NULL;
    uint64_t v;
    if (!hex8(p + 3, &v)) return NULL;
    /* most lines end ",D\n" right after eight digits (a 32-bit address, a size of 1..9):
     * checked on one word, without the digit loops of access_tail() */
    uint64_t end;
    memcpy(&end, p + 11, 8);
    uint32_t d = (uint32_t)(end >> 8 & 0xFF) - '1';
    if ((end & 0xFF00FF) != 0x0A002C || d > 8) {
        LkAccess a;
        const unsigned char *next = access_tail(p, v, &a);
        *addr = a.addr;
        *size = a.size;
        return next;
    }
    *addr = v;
    *size = d + 1;
    return p + 14;
}

static inline const unsigned char *fast_access(const unsigned char *p, LkAccess *a) {
    uint64_t addr;
    uint32_t size;
    const unsigned char *next = fast_line(p, &addr, &size);
    if (next) {
        a->addr = addr;
        a->size = size;
        a->kind = kind_of[p[1]];
    }
    return next;
}

/* The skim key of an access line with 8 or 10 address digits: the digits above the low 20
 * bits of the address (which 1 MiB it is in), and the digit count; 0 for other lines. An
 * access in the last page of a 4 MiB chunk gets 0 too: with its size it may reach into the
 * next chunk, so it is always handed out. */
static inline uint64_t skim_key(const unsigned char *p) {
    const unsigned char *q = p + 3;
    unsigned nd = q[8] == ',' ? 8 : q[10] == ',' ? 10 : 0;
    if (!nd) return 0;
    uint32_t page;
    memcpy(&page, q + nd - 5, 4);
    if ((page & 0xFFFFFF) == 0x666666) return 0; /* "fff": the last page of a 1 MiB */
    uint64_t pre;
    memcpy(&pre, q, 8);
    return nd == 8 ? (pre & 0xFFFFFF) | UINT64_C(1) << 62 : (pre & 0xFFFFFFFFFFULL) | UINT64_C(1) << 63;
}

/* A mapped log's pages count in the process's memory once read; every DROP_BYTES the pages
 * read so far are dropped (the page cache keeps them), so memory does not grow with the log. */
#define DROP_BYTES (UINT64_C(64) << 20)

static void drop_read(LkLog *l, const unsigned char *upto) {
    if (l->buf != l->map || (size_t)(upto - l->map) < l->dropped + DROP_BYTES) return;
    size_t end = (size_t)(upto - l->map) & ~(size_t)0xFFFF;
    madvise(l->map + l->dropped, end - l->dropped, MADV_DONTNEED);
    l->dropped = end;
}

/* The part of the log that lk_skim searches for system calls at a time: the 'Y' search brings
 * it into the cache, and the '>' search then finds it there (one read from memory, not two);
 * and read pages can be dropped as the search goes. */
#define SKIP_WINDOW (UINT64_C(256) << 10)

/* The lines from p that end within SKIP_WINDOW bytes (all lines up to lim if there are fewer,
 * or if the first line is longer). */
static const unsigned char *skip_window(const unsigned char *p, const unsigned char *lim) {
    if ((size_t)(lim - p) <= SKIP_WINDOW) return lim;
    const unsigned char *w = p + SKIP_WINDOW;
    while (w > p && w[-1] != '\n') w--;
    return w > p ? w : lim;
}

/* The next line at or after pos that may be a system call or a result line, without looking
 * at the lines between: an access line holds only "ILSM ,\n", digits and a-f, so a SYSCALL
 * line is found by its 'Y', a " --> " line by its '>'. Returns its start, or lim. */
static const unsigned char *next_event_line(LkLog *l, const unsigned char *p, const unsigned char *lim) {
    for (;;) {
        if (!l->next_y || l->next_y < p) {
            l->next_y = memchr(p, 'Y', (size_t)(lim - p));
            if (!l->next_y) l->next_y = lim;
        }
        if (!l->next_gt || l->next_gt < p) {
            l->next_gt = memchr(p, '>', (size_t)(lim - p));
            if (!l->next_gt) l->next_gt = lim;
        }
        const unsigned char *hit = l->next_y < l->next_gt ? l->next_y : l->next_gt;
        if (hit >= lim) return lim;
        const unsigned char *ls = hit;
        while (ls > p && ls[-1] != '\n') ls--;
        if (ls[0] == 'S' || (ls[0] == ' ' && ls[1] == '-')) return ls;
        p = memchr(hit, '\n', (size_t)(lim - hit)) + 1; /* a valgrind message: skip it */
    }
}

/* lk_next's inner loop: access lines in the fast form from *pp on (up to lim) into acc[k],
 * up to acc[max - 1]. Returns the new k, *pp at the first line not parsed. A function of its
 * own so that its few variables stay in registers. */
static __attribute__((noinline)) size_t fast_run(const unsigned char **pp, const unsigned char *lim,
                                                 LkAccess *acc, size_t k, size_t max) {
    const unsigned char *p = *pp;
    while (p < lim && k < max) {
        const unsigned char *next = fast_access(p, &acc[k]);
        if (!next) break;
        k++;
        p = next;
    }
    *pp = p;
    return k;
}

/* lk_skim's inner loop: as fast_run, leaving out the accesses in the 1 MiB runs the caller
 * knows, and keeping each access's key in l->skeys. */
static __attribute__((noinline)) size_t skim_run(LkLog *l, const unsigned char **pp, const unsigned char *lim,
                                                 LkAccess *acc, size_t k, size_t max) {
    const unsigned char *p = *pp;
    while (p < lim && k < max) {
        uint32_t head;
        memcpy(&head, p, 4);
        uint64_t key = (head & 0xFFFFFF) == head_of[p[1]] ? skim_key(p) : 0;
        if (key && ((key == l->known[0]) | (key == l->known[1]) | (key == l->known[2]) | (key == l->known[3]))) {
            /* in a 1 MiB the caller knows: skip to the line end. Most lines end ",D\n" after
             * eight digits: their length is a constant the processor can run ahead with,
             * instead of waiting for the search below. */
            if (p[11] == ',' && (unsigned)(p[12] - '0') <= 9 && p[13] == '\n') {
                p += 14;
                continue;
            }
            /* the end is within 8 bytes of the address's ninth character */
            uint64_t z;
            memcpy(&z, p + 12, 8);
            z ^= 0x0A0A0A0A0A0A0A0AULL;
            uint64_t nl = (z - 0x0101010101010101ULL) & ~z & 0x8080808080808080ULL;
            if (nl) {
                p += 13 + ((unsigned)__builtin_ctzll(nl) >> 3);
                continue;
            }
        }
        const unsigned char *next = fast_access(p, &acc[k]);
        if (!next) break;
        l->skeys[k] = key;
        k++;
        p = next;
    }
    *pp = p;
    return k;
}

static inline __attribute__((always_inline)) LkEvent scan(LkLog *l, LkAccess *acc, size_t max, size_t *n,
                                                          bool skim) {
    size_t k = 0;
    for (;;) {
        const unsigned char *p = l->buf + l->pos, *lim = l->buf + l->lim;
        if (skim && l->base + l->pos >= l->exact_until) {
            /* past the part looked at line by line: system calls only */
            l->next_y = l->next_gt = NULL;
            while (p < lim) {
                const unsigned char *w = skip_window(p, lim);
                const unsigned char *e = next_event_line(l, p, w);
                if (e == w) {
                    p = w;
                    l->next_y = l->next_gt = NULL;
                    drop_read(l, p);
                    continue;
                }
                p = e;
                l->pos = (size_t)(p - l->buf);
                size_t before = k;
                LkEvent ev = slow_line(l, acc, &k);
                k = before; /* an access (a malformed line shaped like one): not handed out */
                if (ev != LKE_MORE) {
                    *n = k;
                    return ev;
                }
                p = l->buf + l->pos;
            }
            l->pos = (size_t)(lim - l->buf);
            int r = refill(l);
            if (r <= 0) {
                *n = 0;
                return r < 0 ? LKE_ERROR : LKE_EOF;
            }
            continue;
        }
        bool cut = false;
        if (skim && l->exact_until < UINT64_MAX && l->base + l->lim > l->exact_until) {
            /* stop the line-by-line part at the first line that starts past the limit */
            const unsigned char *e = l->buf + (l->exact_until - l->base);
            while (e < lim && e[-1] != '\n') e++;
            if (e < lim) lim = e, cut = true;
        }
        while (p < lim && k < max) {
            k = skim ? skim_run(l, &p, lim, acc, k, max) : fast_run(&p, lim, acc, k, max);
            if (p >= lim || k >= max) break;
            /* a line that is not an access in the fast form */
            l->pos = (size_t)(p - l->buf);
            size_t got = k; /* a copy: with its address never taken, k stays in a register */
            LkEvent ev = slow_line(l, acc, &got);
            if (skim && got > k) l->skeys[k] = 0; /* general form: no key */
            k = got;
            if (ev != LKE_MORE) {
                *n = k;
                return ev;
            }
            p = l->buf + l->pos;
            lim = l->buf + l->lim;
        }
        l->pos = (size_t)(p - l->buf);
        /* a full batch, or the buffer holds no further complete line */
        if (k) {
            *n = k;
            return LKE_MORE;
        }
        if (cut) continue; /* on to the part read for system calls only */
        int r = refill(l);
        if (r < 0) {
            *n = 0;
            return LKE_ERROR;
        }
        if (r == 0) {
            *n = 0;
            return LKE_EOF;
        }
    }
}

LkEvent lk_next(LkLog *l, LkAccess *acc, size_t max, size_t *n) {
    drop_read(l, l->buf + l->pos);
    return scan(l, acc, max, n, false);
}

size_t lk_fold_run(LkLog *l, const LkPageCache *pc, uint64_t *out, size_t max) {
    drop_read(l, l->buf + l->pos);
    const unsigned char *p = l->buf + l->pos, *lim = l->buf + l->lim;
    size_t k = 0;
    while (p < lim && k < max) {
        uint64_t addr;
        uint32_t size;
        const unsigned char *next = fast_line(p, &addr, &size);
        if (!next) break;
        uint64_t pg = addr >> 12;
        uint32_t off = (uint32_t)(addr & 0xFFF);
        unsigned slot = (unsigned)pg & (LK_PAGE_CACHE - 1);
        /* one well-predicted branch, however code and data accesses alternate */
        if ((pc->tag[slot] != pg) | (off + size > 0x1000) | (size >= MMB_SIZE_EXT)) break;
        out[k++] = mmb_access_word(kind_of[p[1]], pc->dst[slot] | off, size);
        p = next;
    }
    l->pos = (size_t)(p - l->buf);
    return k;
}

LkEvent lk_skim(LkLog *l, LkAccess *acc, size_t max, size_t *n) {
    drop_read(l, l->buf + l->pos);
    return scan(l, acc, max < LK_SKIM_MAX ? max : LK_SKIM_MAX, n, true);
}

void lk_skim_exact_until(LkLog *l, uint64_t offset) { l->exact_until = offset; }

void lk_skim_known(LkLog *l, size_t i) {
    uint64_t key = l->skeys[i];
    if (!key || key == l->known[0] || key == l->known[1] || key == l->known[2] || key == l->known[3]) return;
    l->known[l->nknown++ & 3] = key;
}

/* Reads the ==PID== header lines; leaves the reader at the first record. */
static bool read_header(LkLog *l) {
    bool any = false;
    for (;;) {
        if (l->pos >= l->lim) {
            int r = refill(l);
            if (r < 0) return false;
            if (r == 0) {
                if (!any) {
                    snprintf(l->err, sizeof l->err, "%s: empty file, not a lackey log", l->path);
                    return false;
                }
                l->hdr.empty = true;
                break;
            }
        }
        const unsigned char *p = l->buf + l->pos;
        const unsigned char *e = memchr(p, '\n', l->lim - l->pos);
        if (!starts(p, e, "==")) {
            l->hdr.fork_child = starts(p, e, " --> ");
            break;
        }
        uint64_t pid;
        const unsigned char *q = parse_dec(p + 2, e, &pid);
        if (!q || !starts(q, e, "==") || pid == 0 || pid > UINT32_MAX)
            return fail_off(l, l->base + l->pos, "malformed valgrind header line (expected '==PID== ...')");
        if (any && pid != l->hdr.pid)
            return fail_off(l, l->base + l->pos, "header line of pid %llu in the log of pid %u",
                            (unsigned long long)pid, l->hdr.pid);
        l->hdr.pid = (uint32_t)pid;
        any = true;
        q += 2;
        while (q < e && *q == ' ') q++;
        if (starts(q, e, "Command: ") && !l->hdr.command) {
            size_t n = (size_t)(e - q - 9);
            if (!(l->hdr.command = malloc(n + 1))) return false;
            memcpy(l->hdr.command, q + 9, n);
            l->hdr.command[n] = 0;
        } else if (starts(q, e, "Parent PID: ")) {
            uint64_t pp;
            if (!parse_dec(q + 12, e, &pp) || pp > UINT32_MAX)
                return fail_off(l, l->base + l->pos, "malformed 'Parent PID' line");
            l->hdr.ppid = (uint32_t)pp;
        }
        l->pos = (size_t)(e + 1 - l->buf);
    }
    if (!any) {
        snprintf(l->err, sizeof l->err, "%s:1: not a lackey log (no '==PID==' header)", l->path);
        return false;
    }
    if (!l->hdr.command) {
        snprintf(l->err, sizeof l->err, "%s: the valgrind header has no 'Command:' line", l->path);
        return false;
    }
    l->body = l->base + l->pos;
    return true;
}

/* Maps a regular file; the read() buffer serves anything else. */
static bool setup_input(LkLog *l) {
    struct stat st;
    if (fstat(l->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, l->fd, 0);
        if (m != MAP_FAILED) {
            l->map = m;
            l->msize = (size_t)st.st_size;
            posix_madvise(m, l->msize, POSIX_MADV_SEQUENTIAL);
            size_t i = l->msize > LK_PAD ? l->msize - LK_PAD : 0;
            while (i > 0 && l->map[i - 1] != '\n') i--;
            l->safe = i;
            return true;
        }
    }
    return (l->buf = l->rbuf = malloc(LK_BUF + LK_PAD)) != NULL;
}

LkLog *lk_open(const char *path, char *err, size_t errlen) {
    init_tables();
    LkLog *l = calloc(1, sizeof *l);
    if (!l || !(l->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(l);
        return NULL;
    }
    l->exact_until = UINT64_MAX;
    l->fd = open(path, O_RDONLY);
    if (l->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(l->path), free(l);
        return NULL;
    }
    if (!setup_input(l)) {
        snprintf(err, errlen, "%s: out of memory", path);
        lk_close(l);
        return NULL;
    }
    if (!read_header(l)) {
        snprintf(err, errlen, "%s", l->err[0] ? l->err : "out of memory");
        lk_close(l);
        return NULL;
    }
    return l;
}

void lk_close(LkLog *l) {
    if (!l) return;
    if (l->fd >= 0) close(l->fd);
    if (l->map) munmap(l->map, l->msize);
    free(l->hdr.command);
    free(l->rbuf);
    free(l->path);
    free(l);
}

size_t lk_command_words(const char *cmd, char *out, size_t outlen) {
    size_t o = 0, words = 0;
    bool in = false;
    if (outlen == 0) return 0;
    for (const char *p = cmd; *p && o + 2 < outlen; p++) {
        if (*p == ' ') {
            if (in) out[o++] = 0, in = false;
            continue;
        }
        if (!in) words++, in = true;
        if (*p == '\\' && p[1]) p++;
        out[o++] = *p;
    }
    if (in) out[o++] = 0;
    out[o] = 0;
    return words;
}
