/* input.c - buffered line reader; see input.h. */
#include "input.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Large enough that a refill after compaction always has room for a whole line, and that a
 * pipe is read in few calls. */
#define INPUT_BUF (64 * 1024)

struct Input {
    FILE *f;
    bool is_stdin;
    bool eof;      /* f has no more bytes */
    const char *name;
    size_t pos, end; /* unread bytes are buf[pos, end) */
    uint64_t lineno;
    char err[512];
    char buf[INPUT_BUF];
};

Input *input_open(const char *path, char *err, size_t errlen) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    Input *in = malloc(sizeof *in);
    if (!in) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (!is_stdin) fclose(f);
        return NULL;
    }
    *in = (Input){.f = f, .is_stdin = is_stdin, .name = is_stdin ? "<stdin>" : path};
    return in;
}

void input_close(Input *in) {
    if (!in) return;
    if (!in->is_stdin) fclose(in->f);
    free(in);
}

const char *input_name(const Input *in) { return in->name; }
uint64_t input_lineno(const Input *in) { return in->lineno; }
const char *input_error(const Input *in) { return in->err; }

/* Move the unread bytes to the front and read more behind them. False on a read error. A
 * directory opened as a file fails here (EISDIR), which is where the user learns of it. */
static bool refill(Input *in) {
    size_t avail = in->end - in->pos;
    memmove(in->buf, in->buf + in->pos, avail);
    in->pos = 0;
    in->end = avail;
    size_t want = INPUT_BUF - avail;
    errno = 0;
    size_t got = fread(in->buf + in->end, 1, want, in->f);
    in->end += got;
    if (got < want) {
        if (ferror(in->f)) {
            int e = errno;
            snprintf(in->err, sizeof in->err, "%s: read error: %s", in->name,
                     e ? strerror(e) : "unknown error");
            return false;
        }
        in->eof = true;
    }
    return true;
}

const unsigned char *input_peek(Input *in, size_t n, size_t *got) {
    if (n > INPUT_BUF) n = INPUT_BUF;
    while (in->end - in->pos < n && !in->eof) {
        if (!refill(in)) break;
        if (in->eof) break;
    }
    size_t avail = in->end - in->pos;
    *got = avail < n ? avail : n;
    return (const unsigned char *)in->buf + in->pos;
}

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
