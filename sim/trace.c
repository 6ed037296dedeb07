/* trace.c - choose a reader by the first bytes of the input; see trace.h.
 *
 * The magic numbers of the formats that are specified but not read yet (MMB, gzip, zstd) are
 * recognised so that such a file gets a clear message instead of "missing '#mmt 1' header".
 */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "mmt.h"

struct Trace {
    Input *in;
    MmtReader mmt;
    char err[512];
};

typedef struct {
    const char *magic;
    size_t len;
    const char *what;
} Unsupported;

static const Unsupported unsupported[] = {
    {"MMTRACE\0", 8, "MMB binary traces"},
    {"\x1f\x8b", 2, "gzip-compressed traces"},
    {"\x28\xb5\x2f\xfd", 4, "zstd-compressed traces"},
};

/* NULL if the input may be MMT text, else what it is. */
static const char *sniff_unsupported(Input *in) {
    size_t got;
    const unsigned char *head = input_peek(in, 8, &got);
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        const Unsupported *u = &unsupported[i];
        if (got >= u->len && memcmp(head, u->magic, u->len) == 0) return u->what;
    }
    return NULL;
}

Trace *trace_open(const char *path, char *err, size_t errlen) {
    Input *in = input_open(path, err, errlen);
    if (!in) return NULL;
    const char *what = sniff_unsupported(in);
    if (what) {
        snprintf(err, errlen, "%s: %s are not supported by this build yet", input_name(in), what);
        input_close(in);
        return NULL;
    }
    Trace *t = malloc(sizeof *t);
    if (!t) {
        snprintf(err, errlen, "%s: out of memory", input_name(in));
        input_close(in);
        return NULL;
    }
    t->in = in;
    t->err[0] = '\0';
    mmt_init(&t->mmt, in);
    return t;
}

void trace_close(Trace *t) {
    if (!t) return;
    input_close(t->in);
    free(t);
}

int trace_next(Trace *t, Record *r) { return mmt_next(&t->mmt, r, t->err, sizeof t->err); }
const char *trace_error(const Trace *t) { return t->err; }
const char *trace_name(const Trace *t) { return input_name(t->in); }
