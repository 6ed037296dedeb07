/* replay.c - one replay (replay.h): the records through the executor, then the report. */
#include "replay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/version.h"

#include "progress.h"
#include "report.h"
#include "streamsched.h"
#include "trace.h"

#define ERR_MAX REPLAY_ERR_MAX

static bool run_records(Sched *sc, Exec *b, Progress *pg, char *err, size_t len) {
    const Record *r;
    AccessBatch batch;
    TraceStatus st;
    const char *file = NULL;
    uint64_t accesses = 0;
    while ((st = sched_read(sc, &r, &batch, &file)) != TRACE_END && st != TRACE_ERROR) {
        exec_set_name(b, file);
        bool ok;
        if (st == TRACE_BATCH) {
            ok = exec_batch(b, &batch);
            accesses += batch.n;
            if (pg) {
                uint64_t pos, size;
                sched_progress(sc, &pos, &size);
                progress_update(pg, accesses, pos, size);
            }
        } else {
            ok = exec_record(b, r);
        }
        if (!ok) {
            snprintf(err, len, "%s", exec_error(b));
            return false;
        }
    }
    if (st == TRACE_ERROR) {
        snprintf(err, len, "%s", sched_error(sc));
        return false;
    }
    if (!exec_finish(b)) {
        snprintf(err, len, "%s", exec_error(b));
        return false;
    }
    return true;
}

/* The report's description of the inputs; NULL when out of memory. */
static TraceInfo *describe_inputs(const Sched *sc) {
    size_t n = sched_count(sc);
    TraceInfo *ti = calloc(n, sizeof *ti);
    for (size_t i = 0; ti && i < n; i++) {
        Trace *t = sched_trace(sc, i);
        size_t k = 0;
        while (trace_meta(t, k)) k++;
        const char **h = calloc(k ? k : 1, sizeof *h);
        if (!h) {
            for (size_t j = 0; j < i; j++) free((void *)ti[j].header);
            free(ti);
            return NULL;
        }
        for (size_t j = 0; j < k; j++) h[j] = trace_meta(t, j);
        ti[i] = (TraceInfo){.path = trace_name(t), .hash = trace_hash(t), .header = h, .nheader = k};
    }
    return ti;
}

static void free_inputs(TraceInfo *ti, size_t n) {
    for (size_t i = 0; ti && i < n; i++) free((void *)ti[i].header);
    free(ti);
}

int replay_run(const Options *o, FILE *out, char *err, const ReplayHooks *hooks) {
    Sched *sc = sched_open(o->traces, o->ntraces, o->quantum, err, ERR_MAX);
    if (!sc) return EXIT_INPUT;
    Exec *b = exec_new(&o->cfg, &o->oscfg, o->check_every, trace_name(sched_trace(sc, 0)),
                       o->log ? stdout : NULL, stderr);
    if (!b) {
        snprintf(err, ERR_MAX, "mmusim: out of memory creating the model");
        sched_close(sc);
        return EXIT_INPUT;
    }
    int status = EXIT_INPUT;
    bool ran = !hooks || !hooks->attach || hooks->attach(hooks->ctx, b, err, ERR_MAX);
    Progress *pg = ran ? progress_new(o->progress, hooks && hooks->name ? hooks->name : "mmusim") : NULL;
    ran = ran && run_records(sc, b, pg, err, ERR_MAX);
    progress_end(pg);
    if (ran && hooks && hooks->finish) ran = hooks->finish(hooks->ctx, b, err, ERR_MAX);
    TraceInfo *inputs = ran ? describe_inputs(sc) : NULL;
    if (ran && !inputs) snprintf(err, ERR_MAX, "mmusim: out of memory writing the report");
    if (inputs) {
        RunInfo run = {.version = mmusim_version(), .trace = o->trace, .inputs = inputs,
                       .ninputs = sched_count(sc), .quantum = o->quantum, .preset = o->preset,
                       .cfg = &o->cfg, .stats = exec_stats(b)};
        run.extra = exec_extra_stats(b, &run.nextra);
        report_write(out, o->stats, &run);
        ExpectTally x = exec_expectations(b);
        if (x.passed + x.failed)
            fprintf(stderr, "expectations: %" PRIu64 " passed, %" PRIu64 " failed\n", x.passed,
                    x.failed);
        status = x.failed ? EXIT_EXPECT : EXIT_OK;
        err[0] = '\0';
    }
    free_inputs(inputs, sched_count(sc));
    exec_free(b);
    sched_close(sc);
    return status;
}


/* Flush (and close, unless it is a standard stream) one output; report a failure. */
static bool finish_output(FILE *f, const char *name) {
    errno = 0;
    int bad = fflush(f) != 0;
    int e = errno;
    bad |= ferror(f) != 0;
    if (f != stdout && f != stderr) {
        errno = 0;
        if (fclose(f) != 0) {
            bad = 1;
            if (!e) e = errno;
        }
    }
    if (bad) fprintf(stderr, "%s: write error: %s\n", name, e ? strerror(e) : "I/O error");
    return !bad;
}

/* --help, --version, --list-presets. */
static int print_info(const Options *o) {
    if (o->help)
        options_help(stdout);
    else if (o->version)
        printf("mmusim %s\n", mmusim_version());
    else
        options_list_presets(stdout);
    return finish_output(stdout, "standard output") ? EXIT_OK : EXIT_INPUT;
}

int replay_main(int argc, char **argv, const ReplayHooks *hooks) {
    static const char stdout_name[] = "standard output";
    char err[ERR_MAX] = "";
    Options o;
    if (!options_parse(&o, argc, argv, err, sizeof err)) {
        fprintf(stderr, "mmusim: %s\n", err);
        options_free(&o);
        return EXIT_INPUT;
    }
    if (o.help || o.version || o.list_presets) {
        int st = print_info(&o);
        options_free(&o);
        return st;
    }

    /* Opened before the run, so that a bad path costs nothing. */
    FILE *out = stdout;
    if (o.output && strcmp(o.output, "-") != 0 && !(out = fopen(o.output, "w"))) {
        fprintf(stderr, "%s: cannot open for writing: %s\n", o.output, strerror(errno));
        options_free(&o);
        return EXIT_INPUT;
    }
    int status = replay_run(&o, out, err, hooks);
    if (err[0]) fprintf(stderr, "%s\n", err);
    bool ok = true;
    if (out != stdout) ok = finish_output(out, o.output);
    ok = finish_output(stdout, stdout_name) && ok;
    options_free(&o);
    return ok ? status : EXIT_INPUT;
}
