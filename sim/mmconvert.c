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

int main(int argc, char **argv) {
    int level = 0, threads = 0, mode = -1, from = 0; /* from: 0 mmusim trace, 1 din, 2 xdin */
    long din_size = 4;
    const char *paths[2];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--level") == 0 || strncmp(a, "--level=", 8) == 0) {
            const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            char *end;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || !*v || *end || n < 1 || n > 19) return usage("--level needs a number 1..19");
            level = (int)n;
        } else if (strcmp(a, "--threads") == 0 || strncmp(a, "--threads=", 10) == 0) {
            const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || !*v || *end || n < 0 || n > TW_MAX_THREADS) return usage("--threads needs a number 0..64");
            threads = (int)n;
        } else if (strcmp(a, "--from") == 0 || strncmp(a, "--from=", 7) == 0) {
            const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : "");
            if (strcmp(v, "din") == 0) from = 1;
            else if (strcmp(v, "xdin") == 0) from = 2;
            else return usage("--from takes din or xdin");
        } else if (strcmp(a, "--din-size") == 0 || strncmp(a, "--din-size=", 11) == 0) {
            const char *v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : NULL);
            char *end;
            din_size = v ? strtol(v, &end, 10) : 0;
            if (!v || !*v || *end || din_size < 1 || din_size > 4096)
                return usage("--din-size needs a number of bytes 1..4096");
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
        TraceWriter *w = tw_open(paths[1], fmt, comp, level, threads, err, sizeof err);
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
    TraceWriter *w = tw_open(paths[1], fmt, comp, level, threads, err, sizeof err);
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
