/* din.c - Dinero IV din/xdin import; see din.h. */
#include "din.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "input.h"
#include "lackeyfold.h"
#include "mmusim/ntpte.h"
#include "msg.h"
#include "trace.h"

#define ACCESS_SIZE_MAX 4096
#define HEADER_MAX 1536

typedef struct {
    unsigned label; /* 0..4 */
    uint64_t addr;
    uint32_t size;
} DinLine;

/* A field: up to the next blank. */
static size_t field(const char *s, size_t len, size_t *i, const char **start) {
    while (*i < len && (s[*i] == ' ' || s[*i] == '\t')) (*i)++;
    *start = s + *i;
    size_t b = *i;
    while (*i < len && s[*i] != ' ' && s[*i] != '\t') (*i)++;
    return *i - b;
}

static bool hex64(const char *p, size_t n, uint64_t *out) {
    if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2, n -= 2;
    if (n == 0 || n > 16) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d > 15) return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

/* One line: 1 an access, 0 blank, -1 error (message in err). */
static int parse(const char *s, size_t len, bool extended, uint32_t size, DinLine *d,
                 const char *name, uint64_t line, char *err, size_t errlen) {
    if (len && s[len - 1] == '\r') len--;
    size_t i = 0, n;
    const char *f;
    if (!(n = field(s, len, &i, &f))) return 0;
    if (n != 1 || f[0] < '0' || f[0] > '4') {
        msg_at(err, errlen, name, line, "bad label '%.*s' (0 read, 1 write, 2 fetch, 3, 4)",
               (int)(n > 16 ? 16 : n), f);
        return -1;
    }
    d->label = (unsigned)(f[0] - '0');
    n = field(s, len, &i, &f);
    if (!n) return msg_at(err, errlen, name, line, "missing address"), -1;
    if (!hex64(f, n, &d->addr)) {
        msg_at(err, errlen, name, line, "bad address '%.*s' (hex, at most 16 digits)",
               (int)(n > 24 ? 24 : n), f);
        return -1;
    }
    d->size = size;
    if (extended) {
        n = field(s, len, &i, &f);
        uint64_t v = 0;
        bool ok = n > 0 && n <= 4;
        for (size_t k = 0; ok && k < n; k++) {
            ok = f[k] >= '0' && f[k] <= '9';
            v = v * 10 + (uint64_t)(f[k] - '0');
        }
        if (!ok || v < 1 || v > ACCESS_SIZE_MAX) {
            msg_at(err, errlen, name, line, "bad size '%.*s' (decimal bytes, 1..4096)",
                   (int)(n > 16 ? 16 : n), f);
            return -1;
        }
        d->size = (uint32_t)v;
    }
    return 1;
}

/* Read the file once; pass 1 marks chunks (and counts flushes), pass 2 writes accesses. */
static bool pass(const char *path, bool extended, uint32_t size, LkFold *fold, TraceWriter *w,
                 uint64_t *flushes, char *err, size_t errlen) {
    Input *in = input_open(path, err, errlen);
    if (!in) return false;
    static const unsigned kinds[5] = {1, 2, 0, 1, 0}; /* label -> I L S M index */
    bool ok = true;
    for (;;) {
        char *s;
        size_t len;
        InputStatus st = input_line(in, &s, &len);
        if (st == INPUT_EOF) break;
        if (st == INPUT_ERROR) {
            snprintf(err, errlen, "%s", input_error(in));
            ok = false;
            break;
        }
        if (st == INPUT_LONG) {
            msg_at(err, errlen, input_name(in), input_lineno(in), "line is longer than %d bytes",
                   INPUT_LINE_MAX);
            ok = false;
            break;
        }
        DinLine d;
        int r = parse(s, len, extended, size, &d, input_name(in), input_lineno(in), err, errlen);
        if (r < 0) {
            ok = false;
            break;
        }
        if (r == 0) continue;
        if (d.label == 4) {
            (*flushes)++;
            continue;
        }
        uint64_t last = d.addr + d.size - 1;
        if (last < d.addr) {
            msg_at(err, errlen, input_name(in), input_lineno(in),
                   "access at %" PRIx64 " runs past the 64-bit address space", d.addr);
            ok = false;
            break;
        }
        if (!w) {
            if (!fold_touch(fold, d.addr, last)) {
                snprintf(err, errlen, "%s: out of memory", path);
                ok = false;
                break;
            }
            continue;
        }
        uint32_t la;
        fold_to_dst(fold, d.addr, &la); /* pass 1 marked every chunk */
        if (!tw_access(w, kinds[d.label], la, d.size)) {
            snprintf(err, errlen, "%s", tw_error(w));
            ok = false;
            break;
        }
    }
    input_close(in);
    return ok;
}

bool din_import(const char *path, bool extended, uint32_t size, TraceWriter *w, char *err,
                size_t errlen) {
    if (strcmp(path, "-") == 0) {
        snprintf(err, errlen, "-: a din trace is read twice (to fold its addresses): give a file");
        return false;
    }
    LkFold *fold = fold_new();
    if (!fold) {
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    uint64_t flushes = 0;
    bool ok = pass(path, extended, size, fold, NULL, &flushes, err, errlen);
    if (ok && !fold_build(fold, err, errlen)) { /* the fold's message names no file */
        char why[512];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, errlen, "%s: %s", path, why);
        ok = false;
    }
    if (ok) {
        char line[HEADER_MAX];
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        snprintf(line, sizeof line, "source Dinero IV %s trace %s (%" PRIu64 " flush records dropped)",
                 extended ? "xdin" : "din", base, flushes);
        ok = tw_meta(w, line);
        for (size_t i = 0; ok && i < fold_chunks(fold); i++) {
            uint64_t src;
            uint32_t dst;
            fold_chunk(fold, i, &src, &dst);
            snprintf(line, sizeof line, "fold %08" PRIx64 " %08" PRIx32, src, dst);
            ok = tw_meta(w, line);
        }
        Record r;
        memset(&r, 0, sizeof r);
        r.kind = REC_OS;
        r.os = OSEV_PROC;
        r.pid = 1;
        snprintf(r.path, sizeof r.path, "%.*s", (int)(sizeof r.path - 1), base);
        for (char *c = r.path; *c; c++)
            if (*c == ' ' || *c == '\t' || *c == '#') *c = '_'; /* NAME is one field */
        ok = ok && tw_record(w, &r);
        r.path[0] = '\0';
        r.os = OSEV_SWITCH;
        ok = ok && tw_record(w, &r);
        /* One region per run of consecutive folded chunks, executable and writable: din says
         * nothing of protections. */
        r.os = OSEV_ALLOC;
        mmprot_parse("XRW", &r.prot);
        size_t n = fold_chunks(fold);
        for (size_t i = 0; ok && i < n;) {
            uint64_t src;
            uint32_t start, dst;
            fold_chunk(fold, i, &src, &start);
            size_t j = i + 1;
            for (; j < n; j++) {
                fold_chunk(fold, j, &src, &dst);
                if (dst != start + ((uint32_t)(j - i) << FOLD_CHUNK_SHIFT)) break;
            }
            r.base = start;
            r.len = (uint32_t)(j - i) << FOLD_CHUNK_SHIFT;
            r.has_len = true;
            ok = tw_record(w, &r);
            i = j;
        }
        if (!ok) snprintf(err, errlen, "%s", tw_error(w));
    }
    ok = ok && pass(path, extended, size, fold, w, &flushes, err, errlen);
    if (ok) {
        Record r;
        memset(&r, 0, sizeof r);
        r.kind = REC_OS;
        r.os = OSEV_EXIT;
        r.pid = 1;
        if (!tw_record(w, &r)) {
            snprintf(err, errlen, "%s", tw_error(w));
            ok = false;
        }
    }
    fold_free(fold);
    return ok;
}
