/* mmconvert - convert traces between MMT text and MMB binary, plain or compressed, and import
 * Dinero IV din/xdin traces (din.h).
 *
 * usage: mmconvert [--from din|xdin] [--din-size N] [--level N] [--threads N] [--progress|--quiet]
 *                  IN OUT
 * IN is any trace mmusim reads (format and compression are sniffed; '-' is standard input).
 * OUT's name chooses the output: NAME.mmt or NAME.mmb, optionally with .zst or .gz
 * (tracewrite.h); '-' writes MMT text to standard output; --threads N compresses zstd output
 * in N worker threads (tw_open). Header lines (#source, #fold ...) are carried over. Every
 * record is read through the strict readers, so a conversion is also a full check of the
 * input: a bad line stops it with FILE:LINE (or byte offset) and exit 2, and the partial output
 * is removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "din.h"
#include "progress.h"
#include "trace.h"
#include "tracewrite.h"

#define ERR_MAX 1536

static int usage(const char *why) {
    fprintf(stderr, "mmconvert: %s\nusage: mmconvert [--from din|xdin] [--din-size N] [--level N] "
                    "[--threads N] [--progress|--quiet] IN OUT\n"
                    "OUT: NAME.mmt or NAME.mmb, optionally .zst or .gz; '-' for MMT on standard "
                    "output\n", why);
    return 2;
}

static bool convert(Trace *t, TraceWriter *w, Progress *pg, char *err) {
    const Record *r;
    AccessBatch b;
    TraceStatus st;
    bool header_done = false;
    while ((st = trace_read(t, &r, &b)) == TRACE_RECORD || st == TRACE_BATCH) {
        if (!header_done) { /* the reader has seen the header lines by its first record */
            for (size_t i = 0; trace_meta(t, i); i++)
                if (!tw_meta(w, trace_meta(t, i))) break;
            header_done = true;
        }
        bool ok = st == TRACE_BATCH ? tw_access_words(w, b.w, b.n) : tw_record(w, r);
        if (!ok) {
            snprintf(err, ERR_MAX, "%s", tw_error(w));
            return false;
        }
        progress_update(pg, tw_accesses(w), trace_file_pos(t), trace_file_size(t));
    }
    if (st == TRACE_ERROR) {
        snprintf(err, ERR_MAX, "%s", trace_error(t));
        return false;
    }
    if (!header_done)
        for (size_t i = 0; trace_meta(t, i); i++) tw_meta(w, trace_meta(t, i));
    return true;
}

/* The value of option name at argv[*i], given as "--name VALUE" (*i moves on) or
 * "--name=VALUE"; NULL when argv[*i] is another option, "" when the value is missing. */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n]) return NULL;
    return *i + 1 < argc ? argv[++*i] : "";
}

/* A decimal option value in lo..hi. */
static bool number_in(const char *v, long lo, long hi, long *out) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || v[0] < '0' || v[0] > '9' || n < lo || n > hi) return false;
    *out = n;
    return true;
}

int main(int argc, char **argv) {
    long level = 0, threads = 0, din_size = 4;
    int mode = -1, from = 0; /* from: 0 mmusim trace, 1 din, 2 xdin */
    const char *paths[2];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if ((v = option_value(argc, argv, &i, "--level"))) {
            if (!number_in(v, 1, 19, &level)) return usage("--level needs a number 1..19");
        } else if ((v = option_value(argc, argv, &i, "--threads"))) {
            if (!number_in(v, 0, TW_MAX_THREADS, &threads)) return usage("--threads needs a number 0..64");
        } else if ((v = option_value(argc, argv, &i, "--from"))) {
            if (strcmp(v, "din") == 0) from = 1;
            else if (strcmp(v, "xdin") == 0) from = 2;
            else return usage("--from takes din or xdin");
        } else if ((v = option_value(argc, argv, &i, "--din-size"))) {
            if (!number_in(v, 1, 4096, &din_size)) return usage("--din-size needs a number of bytes 1..4096");
        } else if (strcmp(a, "--progress") == 0) {
            mode = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            mode = 0;
        } else if (a[0] == '-' && a[1]) {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown option '%s'", a);
            return usage(msg);
        } else if (np < 2) {
            paths[np++] = a;
        } else {
            return usage("more than two files given");
        }
    }
    if (np < 2) return usage("needs IN and OUT");
    TwFormat fmt = TW_MMT;
    TwCompress comp = TW_PLAIN;
    if (strcmp(paths[1], "-") != 0 && !tw_format_from_name(paths[1], &fmt, &comp)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s: unknown output format (the name must end in .mmt or .mmb, "
                                  "optionally followed by .zst or .gz)", paths[1]);
        return usage(msg);
    }
    if (comp == TW_GZIP && level > 9) return usage("--level for gzip output is 1..9");
    if (threads && comp != TW_ZSTD) return usage("--threads is for zstd output (.zst) only");
    char err[ERR_MAX];
    if (from) {
        TraceWriter *w = tw_open(paths[1], fmt, comp, (int)level, (int)threads, err, sizeof err);
        bool ok = w && din_import(paths[0], from == 2, (uint32_t)din_size, w, err, sizeof err);
        char cerr[ERR_MAX];
        if (w && !tw_close(w, cerr, sizeof cerr) && ok) {
            snprintf(err, sizeof err, "%s", cerr);
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "%s\n", err);
            if (w && strcmp(paths[1], "-") != 0) remove(paths[1]);
            return 2;
        }
        return 0;
    }
    Trace *t = trace_open(paths[0], err, sizeof err);
    if (!t) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    TraceWriter *w = tw_open(paths[1], fmt, comp, (int)level, (int)threads, err, sizeof err);
    if (!w) {
        fprintf(stderr, "%s\n", err);
        trace_close(t);
        return 2;
    }
    Progress *pg = progress_new(mode, "mmconvert");
    bool ok = convert(t, w, pg, err);
    progress_end(pg);
    char cerr[ERR_MAX];
    if (!tw_close(w, cerr, sizeof cerr) && ok) {
        snprintf(err, sizeof err, "%s", cerr);
        ok = false;
    }
    trace_close(t);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        if (strcmp(paths[1], "-") != 0) remove(paths[1]);
        return 2;
    }
    return 0;
}
