/* progress.c - see progress.h. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, fileno, isatty */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define CHECK_EVERY (UINT64_C(1) << 20)     /* accesses between clock readings */
#define CHECK_BYTES (UINT64_C(64) << 20)    /* or input bytes */

struct Progress {
    const char *what;
    bool tty;
    double start, last;
    uint64_t next_check, next_pos;
    bool drawn;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

Progress *progress_new(int mode, const char *what) {
    bool tty = isatty(fileno(stderr));
    if (mode == 0 || (mode < 0 && !tty)) return NULL;
    Progress *p = calloc(1, sizeof *p);
    if (!p) return NULL; /* no display is better than no run */
    p->what = what;
    p->tty = tty;
    p->start = p->last = now();
    p->next_check = CHECK_EVERY;
    p->next_pos = CHECK_BYTES;
    return p;
}

void progress_update(Progress *p, uint64_t accesses, uint64_t pos, uint64_t size) {
    if (!p || (accesses < p->next_check && pos < p->next_pos)) return;
    p->next_check = accesses + CHECK_EVERY;
    p->next_pos = pos + CHECK_BYTES;
    double t = now();
    if (t - p->last < (p->tty ? 0.5 : 5.0)) return;
    p->last = t;
    double el = t - p->start, rate = el > 0 ? (double)accesses / el : 0;
    char tail[64] = "";
    if (size && pos <= size && pos > 0) {
        double frac = (double)pos / (double)size, left = el / frac - el;
        unsigned s = (unsigned)(left + 0.5);
        snprintf(tail, sizeof tail, "  %3.0f%%  ETA %u:%02u:%02u", 100 * frac, s / 3600,
                 s / 60 % 60, s % 60);
    }
    fprintf(stderr, "%s%s: %.1f M accesses  %.1f M/s%s%s", p->tty ? "\r" : "", p->what,
            (double)accesses / 1e6, rate / 1e6, tail, p->tty ? "\033[K" : "\n");
    fflush(stderr);
    p->drawn = true;
}

void progress_end(Progress *p) {
    if (!p) return;
    if (p->tty && p->drawn) fputs("\r\033[K", stderr);
    free(p);
}
