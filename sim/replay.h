/* replay.h - one replay: options -> trace(s) -> executor -> report (the body of mmusim, shared
 * with the RTL lockstep benches, which plug their twin in through ReplayHooks).
 */
#ifndef MMUSIM_SIM_REPLAY_H
#define MMUSIM_SIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "exec.h"
#include "options.h"

/* Exit status (traces/README.md): 0 success; 1 at least one failed expectation; 2 bad input,
 * usage or environment error. */
enum { EXIT_OK = 0, EXIT_EXPECT = 1, EXIT_INPUT = 2 };

#define REPLAY_ERR_MAX 1024

typedef struct {
    const char *name;  /* the progress display's name; NULL: "mmusim" */
    void *ctx;
    /* After the executor is made, before the first record: false stops with err set. */
    bool (*attach)(void *ctx, Exec *b, char *err, size_t len);
    /* After the last record, before the report: false stops with err set. */
    bool (*finish)(void *ctx, Exec *b, char *err, size_t len);
} ReplayHooks;

/* Replay o's traces and write the report to out; returns the exit status. err (at least
 * REPLAY_ERR_MAX bytes) receives the message when the status is EXIT_INPUT, else "". hooks may
 * be NULL. */
int replay_run(const Options *o, FILE *out, char *err, const ReplayHooks *hooks);

/* mmusim's main(): parse the options (options.h), answer --help/--version/--list-presets, run
 * replay_run into standard output or --output, check the writes; returns the exit status. */
int replay_main(int argc, char **argv, const ReplayHooks *hooks);

#endif
