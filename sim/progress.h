/* progress.h - a progress line on standard error for long replays and conversions.
 *
 * Accesses done, the rate, and when the input's size is known the share read and an estimate
 * of the time left. On a terminal the line is redrawn in place about twice a second and erased
 * at the end; elsewhere (when forced on) one line is printed every few seconds. It writes only
 * to standard error, so results stay byte-identical with or without it.
 */
#ifndef MMUSIM_SIM_PROGRESS_H
#define MMUSIM_SIM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Progress Progress;

/* mode: 1 on, 0 off, -1 on when standard error is a terminal. what: the program's name (read
 * at every redraw: the caller may change the text, e.g. to name a pass). NULL when off (every
 * call below accepts NULL and does nothing). */
Progress *progress_new(int mode, const char *what);

/* Cheap enough to call per batch: the clock is read once per ~2^20 accesses or 64 MiB of input
 * (a pass that reads without writing accesses is shown too). pos and size: the input bytes read
 * so far and in all (size 0 if unknown). */
void progress_update(Progress *p, uint64_t accesses, uint64_t pos, uint64_t size);

/* Erase the line (terminal) and free. */
void progress_end(Progress *p);

#endif
