/* mmb_read.c - MMB v1 reader; see mmb_read.h. */
#include "mmb_read.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmb.h"
#include "mmt.h"
#include "msg.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the MMB reader hands words to the executor in place: it needs a little-endian host"
#endif

#define ACCESS_SIZE_MAX 4096
#define EVENT_TEXT_MAX (RECORD_PATH_MAX + 256)

void mmb_init(MmbReader *p, Input *in, MetaList *meta) {
    p->in = in;
    p->meta = meta;
    p->header_seen = p->record_seen = false;
}

static TraceStatus fail(MmbReader *p, uint64_t off, char *err, size_t errlen, const char *fmt, ...)
    MSG_PRINTF(5, 6);
static TraceStatus fail(MmbReader *p, uint64_t off, char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    msg_vat(err, errlen, input_name(p->in), POS_BYTE | off, fmt, ap);
    va_end(ap);
    return TRACE_ERROR;
}

static uint64_t word_at(const unsigned char *b, size_t i) {
    uint64_t w;
    memcpy(&w, b + 8 * i, 8);
    return w;
}

static TraceStatus read_header(MmbReader *p, char *err, size_t errlen) {
    const unsigned char *b;
    size_t avail;
    if (input_bytes(p->in, MMB_HEADER_BYTES, &b, &avail) < 0) {
        snprintf(err, errlen, "%s", input_error(p->in));
        return TRACE_ERROR;
    }
    if (avail < MMB_HEADER_BYTES)
        return fail(p, 0, err, errlen, "truncated MMB header (%zu of %d bytes)", avail,
                    MMB_HEADER_BYTES);
    uint32_t version = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 |
                       (uint32_t)b[11] << 24;
    uint32_t flags = (uint32_t)b[12] | (uint32_t)b[13] << 8 | (uint32_t)b[14] << 16 |
                     (uint32_t)b[15] << 24;
    if (version != MMB_VERSION)
        return fail(p, 8, err, errlen, "unsupported MMB version %" PRIu32 " (this reader knows 1)",
                    version);
    if (flags) return fail(p, 12, err, errlen, "unknown MMB header flags %08" PRIx32, flags);
    input_consume(p->in, MMB_HEADER_BYTES);
    p->header_seen = true;
    return TRACE_RECORD;
}

/* Ensure `words` whole words at the read position; NULL (with the error set) if the stream
 * ends first. */
static const unsigned char *need(MmbReader *p, size_t words, uint64_t off, const char *what,
                                 char *err, size_t errlen) {
    const unsigned char *b;
    size_t avail;
    if (input_bytes(p->in, 8 * words, &b, &avail) < 0) {
        snprintf(err, errlen, "%s", input_error(p->in));
        return NULL;
    }
    if (avail < 8 * words) {
        fail(p, off, err, errlen, "truncated %s: needs %zu bytes, the stream ends after %zu", what,
             8 * words, avail);
        return NULL;
    }
    return b;
}

/* An access word with flags or a size word. */
static TraceStatus read_access(MmbReader *p, uint64_t w, uint64_t off, const Record **r,
                               char *err, size_t errlen) {
    unsigned kind = (unsigned)(w >> MMB_KIND_SHIFT & 0xFF);
    uint32_t size = (uint32_t)(w >> MMB_SIZE_SHIFT & 0xFF);
    if (w & MMB_ACCESS_RESERVED)
        return fail(p, off, err, errlen, "access word %016" PRIx64 " has reserved bits set", w);
    if (kind >= MMB_KINDS)
        return fail(p, off, err, errlen, "unknown access kind %u (0 I, 1 L, 2 S, 3 M)", kind);
    if (size == 0)
        return fail(p, off, err, errlen, "access size 0 (writers must give the size, 1..4096)");
    size_t words = 1 + (size == MMB_SIZE_EXT) + ((w & MMB_VALUE) != 0);
    const unsigned char *b = need(p, words, off, "access", err, errlen);
    if (!b) return TRACE_ERROR;
    Record *rec = &p->rec;
    mmb_access_record(w, size, POS_BYTE | off, rec);
    rec->implicit = (w & MMB_IMPLICIT) != 0;
    size_t i = 1;
    if (size == MMB_SIZE_EXT) {
        uint64_t s = word_at(b, i++);
        if (s < MMB_SIZE_EXT || s > ACCESS_SIZE_MAX)
            return fail(p, off + 8, err, errlen,
                        "size word %" PRIu64 " is out of range (255..4096; smaller sizes go in the "
                        "access word)", s);
        rec->size = (uint32_t)s;
    }
    if (w & MMB_VALUE) {
        char why[96];
        rec->value = word_at(b, i++);
        rec->has_value = true;
        const char *bad = mmt_value_problem(rec, why, sizeof why);
        if (bad) return fail(p, off, err, errlen, "%s", bad);
    }
    input_consume(p->in, 8 * words);
    p->record_seen = true;
    *r = rec;
    return TRACE_RECORD;
}

static bool known_code(unsigned code) {
    return (code >= MMB_EV_OS && code <= MMB_EV_OS + OSEV_IDLE) ||
           (code >= MMB_EV_MODE && code <= MMB_EV_INVLPG) || code == MMB_EV_EXPECT ||
           code == MMB_EV_META;
}

/* An event word, its string, and the record its text describes. 1: *r set; 0: a meta event
 * (nothing to return); TRACE_ERROR. */
static int read_event(MmbReader *p, uint64_t w, uint64_t off, const Record **r, char *err,
                      size_t errlen) {
    unsigned code = (unsigned)(w >> 32 & 0xFF), n = (unsigned)(w >> 40 & 0xFF);
    uint32_t arg = (uint32_t)w;
    if (w >> 48) return fail(p, off, err, errlen, "event word %016" PRIx64 " has reserved bits set", w);
    if (!known_code(code)) return fail(p, off, err, errlen, "unknown event code %02x", code);
    if (n < 2) return fail(p, off, err, errlen, "event %02x has %u words; it needs a string", code, n);
    const unsigned char *b = need(p, 1 + (size_t)n, off, "event", err, errlen);
    if (!b) return TRACE_ERROR;
    uint64_t len = word_at(b, 1);
    if (len == 0 || (len + 7) / 8 != n - 1u || len >= EVENT_TEXT_MAX)
        return fail(p, off + 8, err, errlen,
                    "string length %" PRIu64 " does not match the event's %u words", len, n);
    char text[EVENT_TEXT_MAX];
    memcpy(text, b + 16, (size_t)len);
    text[len] = '\0';
    for (size_t i = (size_t)len; i < 8 * ((size_t)n - 1); i++)
        if (b[16 + i] != 0)
            return fail(p, off, err, errlen, "event string padding is not zero");
    if (memchr(text, '\0', (size_t)len) || memchr(text, '\n', (size_t)len))
        return fail(p, off + 16, err, errlen, "NUL or newline byte inside an event string");
    if (code == MMB_EV_META) { /* header lines count before the first record, as in MMT */
        const char *why;
        if (!p->record_seen && !meta_add(p->meta, text, (size_t)len, &why))
            return fail(p, off, err, errlen, "%s", why);
        input_consume(p->in, 8 * (1 + (size_t)n));
        return 0;
    }
    Record *rec = &p->rec;
    if (!mmt_parse_text(text, (size_t)len, !p->record_seen, input_name(p->in), POS_BYTE | off,
                        rec, err, errlen))
        return TRACE_ERROR;
    uint32_t want_arg;
    if (rec->kind == REC_ACCESS)
        return fail(p, off, err, errlen, "event '%s' is an access: accesses are access words", text);
    if (mmb_event_code(rec, &want_arg) != code || want_arg != arg)
        return fail(p, off, err, errlen,
                    "event word (code %02x, argument %" PRIu32 ") does not match its text '%s'",
                    code, arg, text);
    input_consume(p->in, 8 * (1 + (size_t)n));
    p->record_seen = true;
    *r = rec;
    return 1;
}

TraceStatus mmb_read(MmbReader *p, const Record **r, AccessBatch *b, char *err, size_t errlen) {
    if (!p->header_seen && read_header(p, err, errlen) == TRACE_ERROR) return TRACE_ERROR;
    for (;;) {
        const unsigned char *buf;
        size_t avail;
        if (input_bytes(p->in, 8, &buf, &avail) < 0) {
            snprintf(err, errlen, "%s", input_error(p->in));
            return TRACE_ERROR;
        }
        uint64_t off = input_offset(p->in);
        if (avail == 0) return TRACE_END;
        if (avail < 8)
            return fail(p, off, err, errlen, "truncated word: the stream ends %zu bytes into it",
                        avail);
        /* The buffer holds whole words from an 8-aligned start (input.h). */
        const uint64_t *words = (const uint64_t *)(const void *)buf;
        size_t nw = avail / 8, k = 0;
        while (k < nw && !(words[k] & MMB_PLAIN_MASK) &&
               (uint8_t)((words[k] >> MMB_SIZE_SHIFT) - 1) < MMB_SIZE_EXT - 1)
            k++;
        if (k) {
            input_consume(p->in, 8 * k);
            p->record_seen = true;
            *b = (AccessBatch){.w = words, .n = k, .pos = POS_BYTE | off, .step = 8};
            return TRACE_BATCH;
        }
        uint64_t w = words[0];
        if (!(w >> 32 & MMB_EVENT_BIT)) return read_access(p, w, off, r, err, errlen);
        int st = read_event(p, w, off, r, err, errlen);
        if (st) return st < 0 ? TRACE_ERROR : TRACE_RECORD;
    }
}
