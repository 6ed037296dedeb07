/* streamsched.c - one trace, or per-process streams run round-robin; see streamsched.h. (Not
 * sched.h: that name would hide the system header from C++ code with sim/ on its include path.) */
#include "streamsched.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "recfmt.h"

typedef enum { ST_WAITING, ST_READY, ST_DONE } StreamState;

typedef struct {
    Trace *t;
    uint32_t pid;
    StreamState state;
    bool started;         /* its first turn has begun */
    bool exited;          /* `exit PID` has been handed out: only the end may follow */
    const Record *first;  /* `proc` or `switch`, read at open; valid until the first turn */
    bool first_proc;      /* it was `proc`: handed out at the first turn */
    uint64_t first_line;
    AccessBatch rest;     /* the part of a batch a quantum cut off */
    size_t rest_k;
    const Record *held;   /* an access record read at the end of a turn, for the next one */
} Stream;

struct Sched {
    Stream *st;
    size_t n;
    uint32_t quantum, left;
    size_t cur;
    bool have_cur;
    uint32_t running;     /* the pid of the latest `switch` handed out, 0 for none */
    Record sw;            /* the scheduler's own `switch` records */
    char err[1536];
};

void sched_close(Sched *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) trace_close(s->st[i].t);
    free(s->st);
    free(s);
}

static bool fail_at(Sched *s, const Stream *c, uint64_t pos, const char *fmt, ...) MSG_PRINTF(4, 5);
static bool fail_at(Sched *s, const Stream *c, uint64_t pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    msg_vat(s->err, sizeof s->err, trace_name(c->t), pos, fmt, ap);
    va_end(ap);
    return false;
}

/* A stream's first record says whose stream it is. */
static bool open_stream(Sched *s, Stream *c) {
    const Record *r;
    AccessBatch b;
    TraceStatus st = trace_read(c->t, &r, &b);
    if (st == TRACE_ERROR) {
        snprintf(s->err, sizeof s->err, "%s", trace_error(c->t));
        return false;
    }
    bool ok = st == TRACE_RECORD && r->kind == REC_OS &&
              (r->os == OSEV_PROC || r->os == OSEV_SWITCH);
    if (!ok) {
        if (st == TRACE_END)
            snprintf(s->err, sizeof s->err, "%s: empty per-process stream", trace_name(c->t));
        else
            fail_at(s, c, st == TRACE_BATCH ? b.pos : r->line,
                    "a per-process stream must start with 'proc PID' or 'switch PID'");
        return false;
    }
    c->first = r;
    c->first_proc = r->os == OSEV_PROC;
    c->first_line = r->line;
    c->pid = r->pid;
    c->state = r->os == OSEV_PROC ? ST_READY : ST_WAITING;
    for (Stream *o = s->st; o < c; o++)
        if (o->pid == c->pid)
            return fail_at(s, c, r->line, "pid %u already has a stream (%s)", (unsigned)c->pid,
                           trace_name(o->t));
    return true;
}

Sched *sched_open(const char *const *paths, size_t n, uint32_t quantum, char *err, size_t errlen) {
    Sched *s = calloc(1, sizeof *s);
    if (s) s->st = calloc(n, sizeof *s->st);
    if (!s || !s->st) {
        snprintf(err, errlen, "mmusim: out of memory opening the traces");
        if (s) free(s);
        return NULL;
    }
    s->quantum = quantum ? quantum : 1;
    for (size_t i = 0; i < n; i++) {
        s->st[i].t = trace_open(paths[i], err, errlen);
        if (!s->st[i].t) {
            sched_close(s);
            return NULL;
        }
        s->n = i + 1;
        if (n > 1 && !open_stream(s, &s->st[i])) {
            snprintf(err, errlen, "%s", s->err);
            sched_close(s);
            return NULL;
        }
    }
    return s;
}

const char *sched_error(const Sched *s) { return s->err; }
size_t sched_count(const Sched *s) { return s->n; }
Trace *sched_trace(const Sched *s, size_t i) { return s->st[i].t; }

void sched_progress(const Sched *s, uint64_t *pos, uint64_t *size) {
    *pos = *size = 0;
    bool known = true;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t sz = trace_file_size(s->st[i].t);
        *pos += trace_file_pos(s->st[i].t);
        *size += sz;
        known &= sz != 0;
    }
    if (!known) *size = 0;
}

/* The next stream to run after the current one, round-robin; NULL when none can run (the
 * error is set unless every stream is done). */
static Stream *pick(Sched *s) {
    size_t start = s->have_cur ? s->cur + 1 : 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t j = (start + i) % s->n;
        if (s->st[j].state == ST_READY) {
            s->cur = j;
            s->have_cur = true;
            s->left = s->quantum;
            return &s->st[j];
        }
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->st[i].state == ST_WAITING) {
            snprintf(s->err, sizeof s->err,
                     "%s: no stream can run: this one waits for pid %u, which no stream creates "
                     "with 'fork'", trace_name(s->st[i].t), (unsigned)s->st[i].pid);
            break;
        }
    return NULL;
}

/* The rules a record of a per-process stream must keep, and what it changes. */
static bool take_record(Sched *s, Stream *c, const Record *r) {
    if (c->exited)
        return fail_at(s, c, r->line, "a record after 'exit %u'", (unsigned)c->pid);
    if (r->kind == REC_ACCESS) {
        s->left--; /* next_item() hands out an access only while the quantum lasts */
        return true;
    }
    if (r->kind != REC_OS) return true; /* expectations */
    switch (r->os) {
    case OSEV_SWITCH:
        return fail_at(s, c, r->line,
                       "'switch' in a per-process stream (the simulator schedules the streams)");
    case OSEV_PROC:
        return fail_at(s, c, r->line, "'proc' must be the first record of a per-process stream");
    case OSEV_SECTION:
    case OSEV_CLOSE:
    case OSEV_TICK:
    case OSEV_IDLE: return true;
    default: break;
    }
    if (r->pid != c->pid)
        return fail_at(s, c, r->line, "'%s' names pid %u in the stream of pid %u", r->keyword,
                       (unsigned)r->pid, (unsigned)c->pid);
    if (r->os == OSEV_EXIT) c->exited = true;
    if (r->os == OSEV_FORK)
        for (size_t i = 0; i < s->n; i++)
            if (s->st[i].pid == r->pid2 && s->st[i].state == ST_WAITING) s->st[i].state = ST_READY;
    return true;
}

/* Hand out the next item of stream c, reading it first if need be. 1: handed out; 0: the
 * stream has ended or its next item is an access that must wait for the next turn (the
 * quantum is used up); -1: error. Records that are not accesses (expectations, events) run in
 * the turn of the access before them, so that an expectation sees its own stream's access. */
static int next_item(Sched *s, Stream *c, const Record **r, AccessBatch *b) {
    if (c->rest_k == c->rest.n && !c->held) {
        const Record *rec;
        switch (trace_read(c->t, &rec, &c->rest)) {
        case TRACE_END: c->state = ST_DONE; return 0;
        case TRACE_ERROR: snprintf(s->err, sizeof s->err, "%s", trace_error(c->t)); return -1;
        case TRACE_BATCH:
            c->rest_k = 0;
            if (c->exited) return fail_at(s, c, c->rest.pos, "a record after 'exit %u'", (unsigned)c->pid), -1;
            break;
        default: c->rest.n = c->rest_k = 0; c->held = rec; break;
        }
    }
    bool access = c->rest_k < c->rest.n || c->held->kind == REC_ACCESS;
    if (access && s->left == 0) return 0;
    if (c->rest_k < c->rest.n) {
        size_t give = c->rest.n - c->rest_k;
        if (give > s->left) give = s->left;
        *b = (AccessBatch){.w = c->rest.w + c->rest_k, .n = give,
                           .pos = c->rest.pos + c->rest_k * c->rest.step, .step = c->rest.step};
        c->rest_k += give;
        s->left -= (uint32_t)give;
        return 2;
    }
    *r = c->held;
    c->held = NULL;
    return take_record(s, c, *r) ? 1 : -1;
}

TraceStatus sched_read(Sched *s, const Record **r, AccessBatch *b, const char **file) {
    if (s->n == 1) {
        *file = trace_name(s->st[0].t);
        TraceStatus st = trace_read(s->st[0].t, r, b);
        if (st == TRACE_ERROR) snprintf(s->err, sizeof s->err, "%s", trace_error(s->st[0].t));
        return st;
    }
    bool turn_over = false;
    for (;;) {
        Stream *c = s->have_cur ? &s->st[s->cur] : NULL;
        if (!c || c->state != ST_READY || turn_over) {
            c = pick(s);
            if (!c) return s->err[0] ? TRACE_ERROR : TRACE_END;
            turn_over = false;
        }
        *file = trace_name(c->t);
        if (!c->started) {
            c->started = true;
            if (c->first_proc) {
                *r = c->first;
                return TRACE_RECORD;
            }
        }
        if (s->running != c->pid) {
            s->running = c->pid;
            memset(&s->sw, 0, sizeof s->sw);
            s->sw.kind = REC_OS;
            s->sw.os = OSEV_SWITCH;
            s->sw.keyword = record_os_keyword(OSEV_SWITCH);
            s->sw.pid = c->pid;
            s->sw.line = c->first_line;
            *r = &s->sw;
            return TRACE_RECORD;
        }
        switch (next_item(s, c, r, b)) {
        case 2: return TRACE_BATCH;
        case 1: return TRACE_RECORD;
        case 0: turn_over = true; continue;
        default: return TRACE_ERROR;
        }
    }
}
