/* input.c - buffered, decompressing line and byte reader; see input.h. */
#define _POSIX_C_SOURCE 200809L /* fileno, fstat */
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

/* Uncompressed bytes kept at once: large enough that a refill after compaction always has room
 * for a whole line or an INPUT_BYTES_MAX run, and that a pipe or decompressor is called
 * rarely. */
#define INPUT_BUF (1024 * 1024)
#define RAW_BUF (128 * 1024) /* compressed bytes read at once */

struct Input {
    FILE *f;
    bool is_stdin;
    bool raw_eof;    /* f has no more bytes */
    bool eof;        /* no more uncompressed bytes */
    InputCompression comp;
    const char *name;
    size_t pos, end; /* unread bytes are buf[pos, end) */
    uint64_t base;   /* uncompressed offset of buf[0] */
    uint64_t lineno;
    uint64_t file_pos, file_size;
    XXH3_state_t *hash;
    ZSTD_DCtx *zd;
    size_t zst_left;  /* ZSTD_decompressStream's last hint: 0 at a frame boundary */
    z_stream gz;
    bool gz_live, gz_member_done;
    unsigned char *raw;
    size_t raw_pos, raw_end;
    char err[512];
    char *buf; /* INPUT_BUF bytes */
};

/* "NAME: corrupt FORMAT stream: WHY (near compressed byte N)". */
static void corrupt(Input *in, const char *format, const char *why, unsigned long long at) {
    snprintf(in->err, sizeof in->err, "%s: corrupt %s stream: %s (near compressed byte %llu)",
             in->name, format, why, at);
}

/* More raw bytes into in->raw (the unread ones moved to the front). False on a read error. */
static bool read_raw(Input *in) {
    size_t keep = in->raw_end - in->raw_pos;
    memmove(in->raw, in->raw + in->raw_pos, keep);
    in->raw_pos = 0;
    in->raw_end = keep;
    errno = 0;
    size_t got = fread(in->raw + keep, 1, RAW_BUF - keep, in->f);
    in->raw_end += got;
    in->file_pos += got;
    if (got < RAW_BUF - keep) {
        if (ferror(in->f)) {
            int e = errno;
            snprintf(in->err, sizeof in->err, "%s: read error: %s", in->name,
                     e ? strerror(e) : "unknown error");
            return false;
        }
        in->raw_eof = true;
    }
    return true;
}

Input *input_open(const char *path, char *err, size_t errlen) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    Input *in = calloc(1, sizeof *in);
    if (in) {
        in->buf = malloc(INPUT_BUF);
        in->raw = malloc(RAW_BUF);
        in->hash = XXH3_createState();
    }
    if (!in || !in->buf || !in->raw || !in->hash) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (in) {
            in->f = f;
            in->is_stdin = is_stdin;
            input_close(in);
        } else if (!is_stdin) {
            fclose(f);
        }
        return NULL;
    }
    in->f = f;
    in->is_stdin = is_stdin;
    in->name = is_stdin ? "<stdin>" : path;
    XXH3_64bits_reset(in->hash);
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) in->file_size = (uint64_t)st.st_size;
    /* The first bytes choose the decompressor. A directory fails here (EISDIR). */
    if (!read_raw(in)) {
        snprintf(err, errlen, "%s", in->err);
        input_close(in);
        return NULL;
    }
    const unsigned char *r = in->raw;
    size_t n = in->raw_end;
    if (n >= 4 && r[0] == 0x28 && r[1] == 0xb5 && r[2] == 0x2f && r[3] == 0xfd) {
        in->comp = INPUT_ZSTD;
        in->zd = ZSTD_createDCtx();
        in->zst_left = 1;
    } else if (n >= 2 && r[0] == 0x1f && r[1] == 0x8b) {
        in->comp = INPUT_GZIP;
        in->gz_live = inflateInit2(&in->gz, 15 + 16) == Z_OK;
    }
    if ((in->comp == INPUT_ZSTD && !in->zd) || (in->comp == INPUT_GZIP && !in->gz_live)) {
        snprintf(err, errlen, "%s: out of memory for the decompressor", path);
        input_close(in);
        return NULL;
    }
    return in;
}

void input_close(Input *in) {
    if (!in) return;
    if (in->f && !in->is_stdin) fclose(in->f);
    ZSTD_freeDCtx(in->zd);
    if (in->gz_live) inflateEnd(&in->gz);
    XXH3_freeState(in->hash);
    free(in->raw);
    free(in->buf);
    free(in);
}

const char *input_name(const Input *in) { return in->name; }
InputCompression input_compression(const Input *in) { return in->comp; }
uint64_t input_lineno(const Input *in) { return in->lineno; }
const char *input_error(const Input *in) { return in->err; }
uint64_t input_offset(const Input *in) { return in->base + in->pos; }
uint64_t input_file_pos(const Input *in) { return in->file_pos - (in->raw_end - in->raw_pos); }
uint64_t input_file_size(const Input *in) { return in->file_size; }
uint64_t input_hash(const Input *in) { return XXH3_64bits_digest(in->hash); }

/* Compressed offset of the next raw byte, for messages about damaged streams. */
static unsigned long long raw_offset(const Input *in) {
    return (unsigned long long)input_file_pos(in);
}

/* The decompressor has used every raw byte. 1: more were read; 0: the file ended where the
 * compressed stream may end (at_boundary), so the trace is over; -1: a read error, or a file
 * that ends inside a frame (format names the compressor in the message). */
static int need_raw(Input *in, bool at_boundary, const char *format) {
    if (!in->raw_eof) return read_raw(in) ? 1 : -1;
    if (!at_boundary) {
        snprintf(in->err, sizeof in->err, "%s: truncated %s stream (compressed input ends at byte %llu)",
                 in->name, format, raw_offset(in));
        return -1;
    }
    in->eof = true;
    return 0;
}

/* Decompress into dst (room bytes); returns the bytes produced, or (size_t)-1 on error. Sets
 * in->eof when the compressed stream is over. */
static size_t fill_zstd(Input *in, char *dst, size_t room) {
    ZSTD_outBuffer out = {dst, room, 0};
    while (out.pos == 0) {
        if (in->raw_pos == in->raw_end) {
            int more = need_raw(in, in->zst_left == 0, "zstd");
            if (more <= 0) return more < 0 ? (size_t)-1 : 0;
            continue;
        }
        ZSTD_inBuffer zin = {in->raw, in->raw_end, in->raw_pos};
        size_t hint = ZSTD_decompressStream(in->zd, &out, &zin);
        if (ZSTD_isError(hint)) {
            corrupt(in, "zstd", ZSTD_getErrorName(hint), raw_offset(in));
            return (size_t)-1;
        }
        in->raw_pos = zin.pos;
        in->zst_left = hint;
    }
    return out.pos;
}

static size_t fill_gzip(Input *in, char *dst, size_t room) {
    in->gz.next_out = (Bytef *)dst;
    in->gz.avail_out = (uInt)room;
    while (in->gz.avail_out == room) {
        if (in->raw_pos == in->raw_end) {
            int more = need_raw(in, in->gz_member_done, "gzip");
            if (more <= 0) return more < 0 ? (size_t)-1 : 0;
            continue;
        }
        if (in->gz_member_done) { /* another gzip member follows (concatenated files) */
            inflateReset(&in->gz);
            in->gz_member_done = false;
        }
        in->gz.next_in = in->raw + in->raw_pos;
        in->gz.avail_in = (uInt)(in->raw_end - in->raw_pos);
        int st = inflate(&in->gz, Z_NO_FLUSH);
        in->raw_pos = in->raw_end - in->gz.avail_in;
        if (st == Z_STREAM_END) {
            in->gz_member_done = true;
        } else if (st != Z_OK && st != Z_BUF_ERROR) {
            corrupt(in, "gzip", in->gz.msg ? in->gz.msg : "inflate failed", raw_offset(in));
            return (size_t)-1;
        }
    }
    return room - in->gz.avail_out;
}

static size_t fill_plain(Input *in, char *dst, size_t room) {
    if (in->raw_pos == in->raw_end) {
        if (in->raw_eof) {
            in->eof = true;
            return 0;
        }
        /* Large reads go straight into the buffer. */
        errno = 0;
        size_t got = fread(dst, 1, room, in->f);
        in->file_pos += got;
        if (got < room) {
            if (ferror(in->f)) {
                int e = errno;
                snprintf(in->err, sizeof in->err, "%s: read error: %s", in->name,
                         e ? strerror(e) : "unknown error");
                return (size_t)-1;
            }
            in->raw_eof = true;
            if (got == 0) in->eof = true;
        }
        return got;
    }
    size_t n = in->raw_end - in->raw_pos;
    if (n > room) n = room;
    memcpy(dst, in->raw + in->raw_pos, n);
    in->raw_pos += n;
    return n;
}

/* Move the unread bytes to the front and add more behind them. False on an error. */
static bool refill(Input *in) {
    size_t avail = in->end - in->pos;
    if (in->pos) {
        memmove(in->buf, in->buf + in->pos, avail);
        in->base += in->pos;
        in->pos = 0;
        in->end = avail;
    }
    size_t room = INPUT_BUF - in->end;
    size_t got;
    switch (in->comp) {
    case INPUT_ZSTD: got = fill_zstd(in, in->buf + in->end, room); break;
    case INPUT_GZIP: got = fill_gzip(in, in->buf + in->end, room); break;
    default: got = fill_plain(in, in->buf + in->end, room); break;
    }
    if (got == (size_t)-1) return false;
    XXH3_64bits_update(in->hash, in->buf + in->end, got);
    in->end += got;
    return true;
}

const unsigned char *input_peek(Input *in, size_t n, size_t *got) {
    if (n > INPUT_BYTES_MAX) n = INPUT_BYTES_MAX;
    while (in->end - in->pos < n && !in->eof)
        if (!refill(in)) break;
    size_t avail = in->end - in->pos;
    *got = avail < n ? avail : n;
    return (const unsigned char *)in->buf + in->pos;
}

int input_bytes(Input *in, size_t want, const unsigned char **p, size_t *avail) {
    if (want > INPUT_BYTES_MAX) want = INPUT_BYTES_MAX;
    while (in->end - in->pos < want && !in->eof)
        if (!refill(in)) return -1;
    *p = (const unsigned char *)in->buf + in->pos;
    *avail = in->end - in->pos;
    return 0;
}

void input_consume(Input *in, size_t n) { in->pos += n; }

InputStatus input_line(Input *in, char **line, size_t *len) {
    for (;;) {
        char *start = in->buf + in->pos;
        size_t avail = in->end - in->pos;
        /* Look no further than the longest line, so that the limit does not depend on where
         * the line happens to fall in the buffer. */
        char *nl = memchr(start, '\n', avail <= INPUT_LINE_MAX ? avail : INPUT_LINE_MAX + 1);
        if (nl) {
            *line = start;
            *len = (size_t)(nl - start);
            in->pos += *len + 1;
            in->lineno++;
            return INPUT_LINE;
        }
        if (avail > INPUT_LINE_MAX) {
            /* Leave the bytes unconsumed; input_skip_rest() discards them. */
            *line = start;
            *len = INPUT_LINE_MAX;
            in->lineno++;
            return INPUT_LONG;
        }
        if (in->eof) {
            if (avail == 0) return INPUT_EOF;
            *line = start; /* a last line without '\n' */
            *len = avail;
            in->pos = in->end;
            in->lineno++;
            return INPUT_LINE;
        }
        if (!refill(in)) return INPUT_ERROR;
    }
}

InputStatus input_skip_rest(Input *in) {
    for (;;) {
        char *start = in->buf + in->pos;
        char *nl = memchr(start, '\n', in->end - in->pos);
        if (nl) {
            in->pos = (size_t)(nl - in->buf) + 1;
            return INPUT_LINE;
        }
        in->pos = in->end;
        if (in->eof) return INPUT_LINE;
        if (!refill(in)) return INPUT_ERROR;
    }
}
