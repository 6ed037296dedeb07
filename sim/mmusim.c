/* mmusim.c - main(): options -> trace -> executor (bare or OS mode) -> report.
 *
 * Exit status (traces/README.md): 0 success; 1 at least one failed expectation; 2 bad input,
 * usage error or environment error (missing file, out of memory, a write that failed). Every
 * message goes to stderr and names the option, or the file and line. Output streams are
 * checked at the end (ferror/fclose), so a full disk is an error, not a short report.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/version.h"

#include "exec.h"
#include "options.h"
#include "report.h"
#include "trace.h"


enum { EXIT_OK = 0, EXIT_EXPECT = 1, EXIT_INPUT = 2 };

#define ERR_MAX 1024

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

static bool run_records(Trace *t, Exec *b, char *err, size_t len) {
    const Record *r;
    AccessBatch batch;
    TraceStatus st;
    while ((st = trace_read(t, &r, &batch)) != TRACE_END && st != TRACE_ERROR) {
        if (!(st == TRACE_BATCH ? exec_batch(b, &batch) : exec_record(b, r))) {
            snprintf(err, len, "%s", exec_error(b));
            return false;
        }
    }
    if (st == TRACE_ERROR) {
        snprintf(err, len, "%s", trace_error(t));
        return false;
    }
    if (!exec_finish(b)) {
        snprintf(err, len, "%s", exec_error(b));
        return false;
    }
    return true;
}

/* Run the trace and report; returns the exit status. */
static int replay(const Options *o, FILE *out, char *err) {
    Trace *t = trace_open(o->trace, err, ERR_MAX);
    if (!t) return EXIT_INPUT;
    Exec *b = exec_new(&o->cfg, &o->oscfg, o->check_every, trace_name(t), o->log ? stdout : NULL, stderr);
    if (!b) {
        snprintf(err, ERR_MAX, "mmusim: out of memory creating the model");
        trace_close(t);
        return EXIT_INPUT;
    }
    int status = EXIT_INPUT;
    if (run_records(t, b, err, ERR_MAX)) {
        RunInfo run = {.version = mmusim_version(), .trace = o->trace, .preset = o->preset,
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
    exec_free(b);
    trace_close(t);
    return status;
}

int main(int argc, char **argv) {
    static const char stdout_name[] = "standard output";
    char err[ERR_MAX] = "";
    Options o;
    if (!options_parse(&o, argc, argv, err, sizeof err)) {
        fprintf(stderr, "mmusim: %s\n", err);
        return EXIT_INPUT;
    }
    if (o.help || o.version || o.list_presets) return print_info(&o);

    /* Opened before the run, so that a bad path costs nothing. */
    FILE *out = stdout;
    if (o.output && strcmp(o.output, "-") != 0 && !(out = fopen(o.output, "w"))) {
        fprintf(stderr, "%s: cannot open for writing: %s\n", o.output, strerror(errno));
        return EXIT_INPUT;
    }
    int status = replay(&o, out, err);
    if (err[0]) fprintf(stderr, "%s\n", err);
    bool ok = true;
    if (out != stdout) ok = finish_output(out, o.output);
    ok = finish_output(stdout, stdout_name) && ok;
    return ok ? status : EXIT_INPUT;
}
