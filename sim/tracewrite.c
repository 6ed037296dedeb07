/* tracewrite.c - MMT and MMB writers over a plain, zstd or gzip byte sink; see tracewrite.h. */
#include "tracewrite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "mmb.h"
#include "recfmt.h"

#define OUT_BUF (1u << 20) /* bytes gathered before they go to the compressor or the file */

struct TraceWriter {
    FILE *f;
    bool is_stdout;
    TwFormat fmt;
    TwCompress comp;
    ZSTD_CCtx *zc;
    z_stream gz;
    bool gz_live;
    const char *name;
    uint64_t accesses;
    bool failed;
    char err[512];
    size_t n;                       /* bytes in buf */
    unsigned char *buf;             /* OUT_BUF bytes */
    unsigned char *cbuf;            /* compressor output */
    size_t clen;
};

static bool ends_with(const char *s, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

bool tw_format_from_name(const char *path, TwFormat *fmt, TwCompress *comp) {
    size_t n = strlen(path);
    *comp = TW_PLAIN;
    if (ends_with(path, n, ".zst")) *comp = TW_ZSTD, n -= 4;
    else if (ends_with(path, n, ".gz")) *comp = TW_GZIP, n -= 3;
    if (ends_with(path, n, ".mmt")) *fmt = TW_MMT;
    else if (ends_with(path, n, ".mmb")) *fmt = TW_MMB;
    else return false;
    return true;
}

static bool failf(TraceWriter *w, const char *what, const char *why) {
    if (!w->failed) snprintf(w->err, sizeof w->err, "%s: %s: %s", w->name, what, why);
    w->failed = true;
    return false;
}

static bool file_write(TraceWriter *w, const void *p, size_t n) {
    errno = 0;
    if (n && fwrite(p, 1, n, w->f) != n)
        return failf(w, "write error", errno ? strerror(errno) : "I/O error");
    return true;
}

/* Push n bytes of buf through the compressor (or straight to the file); end: finish the
 * stream. */
static bool sink(TraceWriter *w, const unsigned char *p, size_t n, bool end) {
    if (w->comp == TW_PLAIN) return file_write(w, p, n);
    if (w->comp == TW_ZSTD) {
        ZSTD_inBuffer in = {p, n, 0};
        for (;;) {
            ZSTD_outBuffer out = {w->cbuf, w->clen, 0};
            size_t left = ZSTD_compressStream2(w->zc, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
            if (ZSTD_isError(left)) return failf(w, "zstd", ZSTD_getErrorName(left));
            if (!file_write(w, w->cbuf, out.pos)) return false;
            if (end ? left == 0 : in.pos == in.size) return true;
        }
    }
    w->gz.next_in = (Bytef *)(uintptr_t)p;
    w->gz.avail_in = (uInt)n;
    for (;;) {
        w->gz.next_out = w->cbuf;
        w->gz.avail_out = (uInt)w->clen;
        int st = deflate(&w->gz, end ? Z_FINISH : Z_NO_FLUSH);
        if (st == Z_STREAM_ERROR) return failf(w, "gzip", "deflate failed");
        if (!file_write(w, w->cbuf, w->clen - w->gz.avail_out)) return false;
        if (end ? st == Z_STREAM_END : w->gz.avail_in == 0 && w->gz.avail_out != 0) return true;
    }
}

static bool flush_buf(TraceWriter *w) {
    bool ok = sink(w, w->buf, w->n, false);
    w->n = 0;
    return ok;
}

/* Room for n more bytes in buf (n is at most a few KiB). */
static inline bool room(TraceWriter *w, size_t n) {
    if (w->failed) return false;
    return w->n + n <= OUT_BUF || flush_buf(w);
}

static void put_bytes(TraceWriter *w, const void *p, size_t n) {
    memcpy(w->buf + w->n, p, n);
    w->n += n;
}

static inline void put_word(TraceWriter *w, uint64_t v) {
    unsigned char *b = w->buf + w->n;
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    w->n += 8;
}

TraceWriter *tw_open(const char *path, TwFormat fmt, TwCompress comp, int level, int threads,
                     char *err, size_t errlen) {
    TraceWriter *w = calloc(1, sizeof *w);
    if (w) w->buf = malloc(OUT_BUF);
    if (!w || !w->buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (w) free(w);
        return NULL;
    }
    w->fmt = fmt;
    w->comp = comp;
    w->is_stdout = strcmp(path, "-") == 0;
    w->name = w->is_stdout ? "<stdout>" : path;
    bool ok = true;
    if (comp == TW_ZSTD) {
        w->clen = ZSTD_CStreamOutSize();
        w->zc = ZSTD_createCCtx();
        ok = w->zc && !ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel,
                                                           level ? level : 3));
        if (ok && threads > 0 && ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_nbWorkers, threads))) {
            snprintf(err, errlen, "%s: this libzstd cannot compress in worker threads", path);
            tw_close(w, NULL, 0);
            return NULL;
        }
    } else if (comp == TW_GZIP) {
        w->clen = 1u << 16;
        ok = deflateInit2(&w->gz, level ? level : 6, Z_DEFLATED, 15 + 16, 8,
                          Z_DEFAULT_STRATEGY) == Z_OK;
        w->gz_live = ok;
    }
    if (ok && w->clen) ok = (w->cbuf = malloc(w->clen)) != NULL;
    if (!ok) {
        snprintf(err, errlen, "%s: cannot set up the compressor (out of memory?)", path);
        tw_close(w, NULL, 0);
        return NULL;
    }
    w->f = w->is_stdout ? stdout : fopen(path, "wb");
    if (!w->f) {
        snprintf(err, errlen, "%s: cannot open for writing: %s", path, strerror(errno));
        tw_close(w, NULL, 0);
        return NULL;
    }
    if (fmt == TW_MMT) {
        put_bytes(w, "#mmt 1\n", 7);
    } else {
        put_bytes(w, MMB_MAGIC, 8);
        put_bytes(w, (const unsigned char[]){MMB_VERSION, 0, 0, 0, 0, 0, 0, 0}, 8);
    }
    return w;
}

/* An event word and its text as a string. */
static bool put_event(TraceWriter *w, unsigned code, uint32_t arg, const char *text, size_t len) {
    size_t words = (len + 7) / 8;
    if (!room(w, 16 + words * 8)) return false;
    put_word(w, mmb_event_word(code, arg, (unsigned)(1 + words)));
    put_word(w, len);
    put_bytes(w, text, len);
    memset(w->buf + w->n, 0, words * 8 - len);
    w->n += words * 8 - len;
    return true;
}

bool tw_meta(TraceWriter *w, const char *text) {
    size_t len = strlen(text);
    if (w->fmt == TW_MMB) return put_event(w, MMB_EV_META, 0, text, len);
    if (!room(w, len + 2)) return false;
    put_bytes(w, "#", 1);
    put_bytes(w, text, len);
    put_bytes(w, "\n", 1);
    return true;
}

static const char hex_digits[] = "0123456789abcdef";

bool tw_access(TraceWriter *w, unsigned kind, uint32_t la, uint32_t size) {
    w->accesses++;
    if (w->fmt == TW_MMB) {
        if (!room(w, 16)) return false;
        put_word(w, mmb_access_word(kind, la, size));
        if (size >= MMB_SIZE_EXT) put_word(w, size);
        return true;
    }
    if (!room(w, 16)) return false;
    char *b = (char *)w->buf + w->n;
    b[0] = mmb_kind_keyword[kind][0];
    b[1] = ' ';
    for (int i = 0; i < 8; i++) b[2 + i] = hex_digits[la >> (28 - 4 * i) & 15];
    b[10] = ' ';
    size_t n = 11;
    char dec[8];
    int k = 0;
    do dec[k++] = (char)('0' + size % 10), size /= 10;
    while (size);
    while (k) b[n++] = dec[--k];
    b[n++] = '\n';
    w->n += n;
    return true;
}

/* n words, as put_word() n times: one copy where the machine's byte order is the format's. */
static void put_words(TraceWriter *w, const uint64_t *words, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(w->buf + w->n, words, n * 8);
    w->n += n * 8;
#else
    for (size_t i = 0; i < n; i++) put_word(w, words[i]);
#endif
}

/* MMB: room for a run of plain access words, flushing the buffer where tw_access() calls would
 * flush it, when an access finds less than 16 bytes left (the compressor then gets the same
 * pieces). Returns how many words fit now (each finds 16 bytes before it), 0 on an error. */
static size_t words_room(TraceWriter *w) {
    if (!room(w, 16)) return 0;
    return (OUT_BUF - 16 - w->n) / 8 + 1;
}

bool tw_access_words(TraceWriter *w, const uint64_t *words, size_t n) {
    if (w->fmt != TW_MMB) {
        for (size_t i = 0; i < n; i++) {
            uint64_t x = words[i];
            unsigned kind = (unsigned)(x >> MMB_KIND_SHIFT & 0xFF);
            if (!tw_access(w, kind, (uint32_t)x, (uint32_t)(x >> MMB_SIZE_SHIFT & 0xFF))) return false;
        }
        return true;
    }
    while (n) {
        size_t k = words_room(w);
        if (!k) return false;
        if (k > n) k = n;
        put_words(w, words, k);
        w->accesses += k;
        words += k;
        n -= k;
    }
    return true;
}

uint64_t *tw_words_room(TraceWriter *w, size_t *max) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (w->fmt != TW_MMB || !(*max = words_room(w))) return NULL;
    /* MMB output is made of whole words after a 16-byte header: the place is 8-byte aligned */
    return (uint64_t *)(void *)(w->buf + w->n);
#else
    (void)w;
    (void)max;
    return NULL;
#endif
}

void tw_words_done(TraceWriter *w, size_t n) {
    w->n += n * 8;
    w->accesses += n;
}

bool tw_record(TraceWriter *w, const Record *r) {
    if (r->kind == REC_ACCESS && w->fmt == TW_MMB) {
        w->accesses++;
        if (!room(w, 24)) return false;
        uint64_t word = mmb_access_word(mmb_kind_of_letter(r->keyword[0]), (uint32_t)r->addr, r->size);
        if (r->implicit) word |= MMB_IMPLICIT;
        if (r->has_value) word |= MMB_VALUE;
        put_word(w, word);
        if (r->size >= MMB_SIZE_EXT) put_word(w, r->size);
        if (r->has_value) put_word(w, r->value);
        return true;
    }
    char line[RECFMT_MAX];
    size_t len = record_format(r, line);
    if (w->fmt == TW_MMB) {
        uint32_t arg;
        unsigned code = mmb_event_code(r, &arg);
        return put_event(w, code, arg, line, len);
    }
    if (r->kind == REC_ACCESS) w->accesses++;
    if (!room(w, len + 1)) return false;
    put_bytes(w, line, len);
    put_bytes(w, "\n", 1);
    return true;
}

uint64_t tw_accesses(const TraceWriter *w) { return w->accesses; }
const char *tw_error(const TraceWriter *w) { return w->err; }

bool tw_close(TraceWriter *w, char *err, size_t errlen) {
    if (!w) return true;
    if (w->f && !w->failed) {
        if (flush_buf(w) && w->comp != TW_PLAIN) sink(w, NULL, 0, true);
    }
    if (w->f) {
        errno = 0;
        bool bad = fflush(w->f) != 0 || ferror(w->f);
        if (!w->is_stdout && fclose(w->f) != 0) bad = true;
        if (bad) failf(w, "write error", errno ? strerror(errno) : "I/O error");
    }
    bool ok = !w->failed;
    if (!ok && err) snprintf(err, errlen, "%s", w->err);
    ZSTD_freeCCtx(w->zc);
    if (w->gz_live) deflateEnd(&w->gz);
    free(w->cbuf);
    free(w->buf);
    free(w);
    return ok;
}
