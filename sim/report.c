/* report.c - text, JSON and CSV writers; see report.h. */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 64 /* a formatted knob value */

bool report_format_parse(const char *name, StatsFormat *out) {
    static const char *const names[] = {[STATS_TEXT] = "text", [STATS_JSON] = "json",
                                        [STATS_CSV] = "csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (StatsFormat)i;
            return true;
        }
    }
    return false;
}

static uint64_t stat_at(const RunInfo *run, size_t i) {
    return stats_value(run->stats, stats_info(i));
}

/* ---- text ------------------------------------------------------------------------------- */

/* Zero counters are left out of the text report so that a run's few interesting counters
 * stand out, except the totals stats.def marks with STAT_KEY. JSON and CSV always carry
 * every counter. */
static bool text_shown(const StatInfo *si, uint64_t v) { return v || si->key; }

/* One column width for knob and counter names, so both sections line up. */
static int text_name_width(void) {
    size_t w = 0;
    for (size_t i = 0; i < knob_count(); i++) {
        size_t n = strlen(knob_get(i)->name);
        if (n > w) w = n;
    }
    for (size_t i = 0; i < stats_count(); i++) {
        size_t n = strlen(stats_info(i)->name);
        if (n > w) w = n;
    }
    return (int)w;
}

static int extra_name_width(const RunInfo *run, int w) {
    for (size_t i = 0; i < run->nextra; i++) {
        int n = (int)strlen(run->extra[i].name);
        if (n > w) w = n;
    }
    return w;
}

static int text_value_width(const RunInfo *run) {
    int w = 1;
    for (size_t i = 0; i < stats_count(); i++) {
        uint64_t v = stat_at(run, i);
        if (!text_shown(stats_info(i), v)) continue;
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
        if (n > w) w = n;
    }
    for (size_t i = 0; i < run->nextra; i++) {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%" PRIu64, run->extra[i].value);
        if (n > w) w = n;
    }
    return w;
}

static void write_text(FILE *out, const RunInfo *run) {
    int nw = extra_name_width(run, text_name_width()), vw = text_value_width(run);
    char val[VALUE_MAX];
    fprintf(out, "mmusim %s\n", run->version);
    for (size_t i = 0; i < run->ninputs; i++) {
        const TraceInfo *t = &run->inputs[i];
        fprintf(out, "trace %s\n  xxh3 %016" PRIx64 "\n", t->path, t->hash);
        for (size_t k = 0; k < t->nheader; k++) fprintf(out, "  #%s\n", t->header[k]);
    }
    if (run->ninputs > 1) fprintf(out, "quantum %" PRIu32 "\n", run->quantum);
    fprintf(out, "preset %s\n\nconfig\n", run->preset);
    for (size_t i = 0; i < knob_count(); i++) {
        const Knob *k = knob_get(i);
        knob_format(run->cfg, k, val, sizeof val);
        fprintf(out, "  %-*s %s\n", nw, k->name, val);
    }
    fputs("\nstats\n", out);
    for (size_t i = 0; i < stats_count(); i++) {
        const StatInfo *si = stats_info(i);
        uint64_t v = stat_at(run, i);
        if (text_shown(si, v))
            fprintf(out, "  %-*s %*" PRIu64 "  %s\n", nw, si->name, vw, v, si->help);
    }
    for (size_t i = 0; i < run->nextra; i++)
        fprintf(out, "  %-*s %*" PRIu64 "  %s\n", nw, run->extra[i].name, vw, run->extra[i].value,
                run->extra[i].help);
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* Bytes >= 0x80 pass through, so a UTF-8 path stays readable. */
static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void write_json(FILE *out, const RunInfo *run) {
    char val[VALUE_MAX];
    fputs("{\n  \"mmusim\": ", out);
    json_string(out, run->version);
    fputs(",\n  \"trace\": ", out);
    json_string(out, run->trace);
    fputs(",\n  \"inputs\": [", out);
    for (size_t i = 0; i < run->ninputs; i++) {
        const TraceInfo *t = &run->inputs[i];
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", out);
        json_string(out, t->path);
        fprintf(out, ", \"xxh3\": \"%016" PRIx64 "\", \"header\": [", t->hash);
        for (size_t k = 0; k < t->nheader; k++) {
            if (k) fputs(", ", out);
            json_string(out, t->header[k]);
        }
        fputs("]}", out);
    }
    fputs("\n  ]", out);
    if (run->ninputs > 1) fprintf(out, ",\n  \"quantum\": %" PRIu32, run->quantum);
    fputs(",\n  \"preset\": ", out);
    json_string(out, run->preset);
    fputs(",\n  \"config\": {", out);
    for (size_t i = 0; i < knob_count(); i++) {
        const Knob *k = knob_get(i);
        knob_format(run->cfg, k, val, sizeof val);
        fputs(i ? ",\n    " : "\n    ", out);
        json_string(out, k->name);
        fputs(": ", out);
        json_string(out, val);
    }
    fputs("\n  },\n  \"stats\": {", out);
    for (size_t i = 0; i < stats_count(); i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        json_string(out, stats_info(i)->name);
        fprintf(out, ": %" PRIu64, stat_at(run, i));
    }
    for (size_t i = 0; i < run->nextra; i++) {
        fputs(",\n    ", out);
        json_string(out, run->extra[i].name);
        fprintf(out, ": %" PRIu64, run->extra[i].value);
    }
    fputs("\n  }\n}\n", out);
}

/* ---- CSV -------------------------------------------------------------------------------- */

/* RFC 4180: quote a field holding a comma, quote or line break; double inner quotes. */
static void csv_field(FILE *out, const char *s, bool first) {
    if (!first) fputc(',', out);
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Identification and knob columns first, counters after: rows of many runs share a header. */
/* Several inputs' fields in one cell, separated by sep. */
static void csv_joined(FILE *out, const RunInfo *run, int which, const char *sep) {
    size_t len = 1;
    for (size_t i = 0; i < run->ninputs; i++) {
        const TraceInfo *t = &run->inputs[i];
        len += strlen(t->path) + 20 + strlen(sep);
        for (size_t k = 0; k < t->nheader; k++) len += strlen(t->header[k]) + strlen(sep);
    }
    char *buf = malloc(len), *p = buf;
    if (!buf) {
        csv_field(out, "", false);
        return;
    }
    *p = '\0';
    for (size_t i = 0; i < run->ninputs; i++) {
        const TraceInfo *t = &run->inputs[i];
        if (which == 0) p += sprintf(p, "%s%s", i ? sep : "", t->path);
        else if (which == 1) p += sprintf(p, "%s%016" PRIx64, i ? sep : "", t->hash);
        else
            for (size_t k = 0; k < t->nheader; k++)
                p += sprintf(p, "%s%s", p > buf ? sep : "", t->header[k]);
    }
    csv_field(out, buf, false);
    free(buf);
}

static void write_csv(FILE *out, const RunInfo *run) {
    char val[VALUE_MAX];
    fputs("mmusim,trace,xxh3,header,quantum,preset", out);
    for (size_t i = 0; i < knob_count(); i++) csv_field(out, knob_get(i)->name, false);
    for (size_t i = 0; i < stats_count(); i++) csv_field(out, stats_info(i)->name, false);
    for (size_t i = 0; i < run->nextra; i++) csv_field(out, run->extra[i].name, false);
    fputc('\n', out);
    csv_field(out, run->version, true);
    csv_joined(out, run, 0, " ");
    csv_joined(out, run, 1, " ");
    csv_joined(out, run, 2, "; ");
    if (run->ninputs > 1) fprintf(out, ",%" PRIu32, run->quantum);
    else fputc(',', out);
    csv_field(out, run->preset, false);
    for (size_t i = 0; i < knob_count(); i++) {
        knob_format(run->cfg, knob_get(i), val, sizeof val);
        csv_field(out, val, false);
    }
    for (size_t i = 0; i < stats_count(); i++) fprintf(out, ",%" PRIu64, stat_at(run, i));
    for (size_t i = 0; i < run->nextra; i++) fprintf(out, ",%" PRIu64, run->extra[i].value);
    fputc('\n', out);
}

void report_write(FILE *out, StatsFormat fmt, const RunInfo *run) {
    switch (fmt) {
    case STATS_JSON: write_json(out, run); break;
    case STATS_CSV: write_csv(out, run); break;
    default: write_text(out, run); break;
    }
}
