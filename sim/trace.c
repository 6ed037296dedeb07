/* trace.c - choose a reader by the first (uncompressed) bytes of the input; see trace.h. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "meta.h"
#include "mmb.h"
#include "mmb_read.h"
#include "mmt.h"

struct Trace {
    Input *in;
    bool binary;
    MetaList meta;
    AccessBatch batch; /* trace_next(): the batch being taken apart */
    size_t batch_next;
    char err[1536];
    union {
        MmtReader mmt;
        MmbReader mmb;
    } r;
};

Trace *trace_open(const char *path, char *err, size_t errlen) {
    Input *in = input_open(path, err, errlen);
    if (!in) return NULL;
    Trace *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "%s: out of memory", input_name(in));
        input_close(in);
        return NULL;
    }
    t->in = in;
    size_t got;
    const unsigned char *head = input_peek(in, 8, &got);
    t->binary = got == 8 && memcmp(head, MMB_MAGIC, 8) == 0;
    if (t->binary) mmb_init(&t->r.mmb, in, &t->meta);
    else mmt_init(&t->r.mmt, in, &t->meta);
    return t;
}

void trace_close(Trace *t) {
    if (!t) return;
    input_close(t->in);
    meta_free(&t->meta);
    free(t);
}

TraceStatus trace_read(Trace *t, const Record **r, AccessBatch *b) {
    return t->binary ? mmb_read(&t->r.mmb, r, b, t->err, sizeof t->err)
                     : mmt_read(&t->r.mmt, r, b, t->err, sizeof t->err);
}

void access_record(const AccessBatch *b, size_t k, Record *r) {
    uint64_t w = b->w[k];
    mmb_access_record(w, (uint32_t)(w >> MMB_SIZE_SHIFT & 0xFF), b->pos + k * b->step, r);
}

int trace_next(Trace *t, Record *r) {
    if (t->batch_next < t->batch.n) {
        access_record(&t->batch, t->batch_next++, r);
        return 1;
    }
    const Record *rec;
    switch (trace_read(t, &rec, &t->batch)) {
    case TRACE_RECORD: *r = *rec; return 1;
    case TRACE_BATCH:
        t->batch_next = 1;
        access_record(&t->batch, 0, r);
        return 1;
    case TRACE_END: return 0;
    default: return -1;
    }
}

const char *trace_error(const Trace *t) { return t->err; }
const char *trace_name(const Trace *t) { return input_name(t->in); }
const char *trace_meta(const Trace *t, size_t i) { return i < t->meta.n ? t->meta.line[i] : NULL; }
uint64_t trace_hash(const Trace *t) { return input_hash(t->in); }
uint64_t trace_file_pos(const Trace *t) { return input_file_pos(t->in); }
uint64_t trace_file_size(const Trace *t) { return input_file_size(t->in); }
