/* options.c - the option table, its parser and --help; see options.h. */
#define _POSIX_C_SOURCE 200809L
#include "options.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "msg.h"

#define NAME_MAX_LEN 64
#define VALUE_MAX 64
#define HELP_COLUMNS 100

typedef enum {
    OPT_PRESET,
    OPT_LIST_PRESETS,
    OPT_LOG,
    OPT_STATS,
    OPT_OUTPUT,
    OPT_CHECK,
    OPT_CHECK_EVERY,
    OPT_FILES,
    OPT_QUANTUM,
    OPT_PROGRESS,
    OPT_QUIET,
    OPT_HELP,
    OPT_VERSION,
    OPT_COUNT
} OptId;

typedef struct {
    const char *name;
    const char *arg;   /* metavariable of the value; NULL for a flag */
    const char *deflt; /* shown by --help; NULL when there is none */
    const char *help;
} FrontOpt;

static const FrontOpt front[OPT_COUNT] = {
    [OPT_PRESET] = {"preset", "NAME", PRESET_DEFAULT,
                    "start from a named configuration; applied before every knob, wherever it "
                    "appears"},
    [OPT_LIST_PRESETS] = {"list-presets", NULL, NULL, "list the presets and exit"},
    [OPT_LOG] = {"log", NULL, NULL,
                 "print one line per translation on standard output, before the statistics"},
    [OPT_STATS] = {"stats", "FORMAT", "text", "statistics format: text, json or csv"},
    [OPT_OUTPUT] = {"output", "FILE", NULL,
                    "write the run header and statistics to FILE ('-': standard output)"},
    [OPT_CHECK] = {"check", NULL, NULL,
                   "OS mode: check every memory-manager invariant after each event and access; "
                   "a violation stops the run with a report"},
    [OPT_CHECK_EVERY] = {"check-every", "N", NULL,
                         "OS mode: run the invariant checker after every N-th record instead "
                         "(and at the end of the trace); implies --check"},
    [OPT_FILES] = {"files", "DIR", NULL,
                   "OS mode: file:PATH sections read DIR/PATH (never written); without it a "
                   "file's bytes follow a deterministic pattern of PATH and offset "
                   "(traces/README.md)"},
    [OPT_QUANTUM] = {"quantum", "N", "10000",
                     "with several traces (one per process): accesses each process runs before "
                     "the next one's turn"},
    [OPT_PROGRESS] = {"progress", NULL, NULL,
                      "show progress on standard error (the default when it is a terminal)"},
    [OPT_QUIET] = {"quiet", NULL, NULL, "no progress display"},
    [OPT_HELP] = {"help", NULL, NULL, "show this help and exit"},
    [OPT_VERSION] = {"version", NULL, NULL, "print the version and exit"},
};

#define OSK(f) offsetof(OsConfig, f)
static const OsKnob os_knobs[] = {
    {"os.ram", OSK(ram_pages), "physical pages the memory manager manages"},
    {"os.pagefile", OSK(pagefile_pages), "paging-file size in pages"},
    {"os.ws-min", OSK(ws_min), "working-set minimum per process, pages"},
    {"os.ws-max", OSK(ws_max), "working-set maximum per process, pages"},
    {"os.avail-min", OSK(avail_min), "available pages below which memory is low"},
    {"os.trim-plenty", OSK(trim_plenty), "trim working sets only while available + modified is below this"},
    {"os.writer-threshold", OSK(writer_threshold), "a tick runs the modified page writer when more pages than this are modified"},
    {"os.writer-batch", OSK(writer_batch), "pages the modified page writer writes per tick"},
};

size_t os_knob_count(void) { return sizeof os_knobs / sizeof os_knobs[0]; }
const OsKnob *os_knob_get(size_t i) { return i < os_knob_count() ? &os_knobs[i] : NULL; }

static const OsKnob *os_knob_find(const char *name) {
    for (size_t i = 0; i < os_knob_count(); i++)
        if (strcmp(os_knobs[i].name, name) == 0) return &os_knobs[i];
    return NULL;
}

/* One command-line argument (or an option and its separate value). */
typedef struct {
    const FrontOpt *opt;    /* a front-end option, or */
    const Knob *knob;       /* a knob, or */
    const OsKnob *osknob;   /* a memory-manager knob, or none: a positional argument */
    const char *value;
    char name[NAME_MAX_LEN];
} Item;

typedef struct {
    int argc, i;
    char **argv;
    bool only_positional;   /* after "--" */
    char *err;
    size_t errlen;
} Scan;

static bool usage_error(Scan *s, const char *fmt, ...) MSG_PRINTF(2, 3);
static bool usage_error(Scan *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, s->errlen, fmt, ap);
    va_end(ap);
    return false;
}

static const FrontOpt *front_find(const char *name) {
    for (size_t i = 0; i < OPT_COUNT; i++)
        if (strcmp(front[i].name, name) == 0) return &front[i];
    return NULL;
}

/* Split "--NAME[=VALUE]" and look NAME up: front-end options first, then knobs. */
static bool lookup(Scan *s, const char *arg, Item *it, const char **eq) {
    const char *body = arg + 2;
    *eq = strchr(body, '=');
    size_t n = *eq ? (size_t)(*eq - body) : strlen(body);
    if (n == 0 || n >= sizeof it->name)
        return usage_error(s, "unknown option '%s' (see --help)", arg);
    memcpy(it->name, body, n);
    it->name[n] = '\0';
    it->opt = front_find(it->name);
    it->knob = it->opt ? NULL : knob_find(it->name);
    it->osknob = it->opt || it->knob ? NULL : os_knob_find(it->name);
    if (!it->opt && !it->knob && !it->osknob)
        return usage_error(s, "unknown option '--%s' (see --help)", it->name);
    return true;
}

/* The next item. 1: *it is set; 0: no more arguments; -1: usage error in s->err. */
static int next_item(Scan *s, Item *it) {
    if (s->i >= s->argc) return 0;
    const char *arg = s->argv[s->i++];
    *it = (Item){0};
    if (!s->only_positional && strcmp(arg, "--") == 0) {
        s->only_positional = true;
        return next_item(s, it);
    }
    if (s->only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
        it->value = arg;
        return 1;
    }
    const char *eq;
    if (arg[1] != '-') return usage_error(s, "unknown option '%s' (see --help)", arg), -1;
    if (!lookup(s, arg, it, &eq)) return -1;
    bool takes_value = it->knob || it->osknob || it->opt->arg;
    if (!takes_value && eq) return usage_error(s, "option '--%s' takes no value", it->name), -1;
    if (takes_value && eq) {
        it->value = eq + 1;
    } else if (takes_value) {
        if (s->i >= s->argc)
            return usage_error(s, "option '--%s' needs a value", it->name), -1;
        it->value = s->argv[s->i++];
    }
    return 1;
}

/* A decimal option value below 2^32. */
static bool parse_u32(Scan *s, const Item *it, uint32_t *out) {
    uint64_t v = 0;
    const char *p = it->value;
    if (!*p) return usage_error(s, "--%s: '' is not a decimal number", it->name);
    for (; *p; p++)
        if (*p < '0' || *p > '9' || (v = v * 10 + (uint64_t)(*p - '0')) > UINT32_MAX)
            return usage_error(s, "--%s: '%s' is not a decimal number below 2^32", it->name, it->value);
    *out = (uint32_t)v;
    return true;
}

/* Pass 1: everything but the knobs, which must wait for the preset. */
static bool take_front(Scan *s, Options *o, const Item *it, const char **preset) {
    if (it->osknob) return parse_u32(s, it, (uint32_t *)((char *)&o->oscfg + it->osknob->offset));
    if (!it->opt && !it->knob) {
        o->traces[o->ntraces++] = it->value;
        if (!o->trace) o->trace = it->value;
        return true;
    }
    if (!it->opt) return true;
    switch ((OptId)(it->opt - front)) {
    case OPT_PRESET:
        if (*preset)
            return usage_error(s, "--preset given twice ('%s' and '%s')", *preset, it->value);
        *preset = it->value;
        break;
    case OPT_LIST_PRESETS: o->list_presets = true; break;
    case OPT_LOG: o->log = true; break;
    case OPT_CHECK:
        if (!o->check_every) o->check_every = 1;
        break;
    case OPT_CHECK_EVERY:
        if (!parse_u32(s, it, &o->check_every)) return false;
        if (!o->check_every) return usage_error(s, "--check-every: N must be at least 1");
        break;
    case OPT_FILES: {
        struct stat st;
        if (stat(it->value, &st) != 0 || !S_ISDIR(st.st_mode))
            return usage_error(s, "--files: '%s' is not a directory", it->value);
        o->oscfg.files_dir = it->value;
        break;
    }
    case OPT_STATS:
        if (!report_format_parse(it->value, &o->stats))
            return usage_error(s, "unknown --stats format '%s' (text, json or csv)", it->value);
        break;
    case OPT_OUTPUT: o->output = it->value; break;
    case OPT_QUANTUM:
        if (!parse_u32(s, it, &o->quantum)) return false;
        if (!o->quantum) return usage_error(s, "--quantum: N must be at least 1");
        break;
    case OPT_PROGRESS: o->progress = 1; break;
    case OPT_QUIET: o->progress = 0; break;
    case OPT_HELP: o->help = true; break;
    case OPT_VERSION: o->version = true; break;
    default: break;
    }
    return true;
}

static bool pass_front(Scan *s, Options *o, const char **preset) {
    Item it;
    int st;
    while ((st = next_item(s, &it)) == 1)
        if (!take_front(s, o, &it, preset)) return false;
    return st == 0;
}

/* Pass 2: knobs in command-line order, over the preset. */
static bool pass_knobs(Scan *s, Options *o) {
    Item it;
    int st;
    while ((st = next_item(s, &it)) == 1) {
        if (!it.knob) continue;
        const char *why = knob_set(&o->cfg, it.knob, it.value);
        if (why) {
            snprintf(s->err, s->errlen, "--%s=%s: %s", it.knob->name, it.value, why);
            return false;
        }
    }
    return st == 0;
}

bool options_parse(Options *o, int argc, char **argv, char *err, size_t errlen) {
    const char *preset = NULL;
    *o = (Options){.stats = STATS_TEXT, .preset = PRESET_DEFAULT, .oscfg = os_config_default(),
                   .quantum = 10000, .progress = -1};
    Scan s = {.argc = argc, .argv = argv, .i = 1, .err = err, .errlen = errlen};
    o->traces = calloc(argc > 0 ? (size_t)argc : 1, sizeof *o->traces);
    if (!o->traces) return usage_error(&s, "out of memory");
    if (!pass_front(&s, o, &preset)) return false;
    if (o->help || o->version || o->list_presets) return true;
    if (!o->trace) return usage_error(&s, "no trace given (see --help)");
    o->cfg = mmu_config_default();
    if (preset) {
        const Preset *p = preset_find(preset);
        if (!p) return usage_error(&s, "unknown preset '%s' (see --list-presets)", preset);
        preset_apply(p, &o->cfg);
        o->preset = p->name;
    }
    s = (Scan){.argc = argc, .argv = argv, .i = 1, .err = err, .errlen = errlen};
    if (!pass_knobs(&s, o)) return false;
    const char *where, *why = mmu_config_check(&o->cfg, &where);
    if (why && where) return usage_error(&s, "invalid configuration: %s: %s", where, why);
    if (why) return usage_error(&s, "invalid configuration: %s", why);
    if ((why = os_config_check(&o->oscfg))) return usage_error(&s, "invalid configuration: %s", why);
    return true;
}

void options_free(Options *o) {
    free(o->traces);
    o->traces = NULL;
}

/* ---- --help ----------------------------------------------------------------------------- */

static void front_left(const FrontOpt *f, char *buf, size_t len) {
    snprintf(buf, len, "--%s%s%s", f->name, f->arg ? " " : "", f->arg ? f->arg : "");
}

static void knob_left(const MmuConfig *def, const Knob *k, char *buf, size_t len) {
    char val[VALUE_MAX];
    knob_format(def, k, val, sizeof val);
    snprintf(buf, len, "--%s=%s", k->name, val);
}

static int help_width(const MmuConfig *def) {
    char buf[NAME_MAX_LEN + VALUE_MAX + 8];
    size_t w = 0;
    for (size_t i = 0; i < OPT_COUNT; i++) {
        front_left(&front[i], buf, sizeof buf);
        if (strlen(buf) > w) w = strlen(buf);
    }
    for (size_t i = 0; i < knob_count(); i++) {
        knob_left(def, knob_get(i), buf, sizeof buf);
        if (strlen(buf) > w) w = strlen(buf);
    }
    return (int)w;
}

/* Help text wrapped at HELP_COLUMNS, continuation lines under the first. */
static void print_wrapped(FILE *out, int indent, const char *text) {
    int col = indent;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (col > indent && col + 1 + (int)word > HELP_COLUMNS) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(text, 1, word, out);
        col += (int)word;
        text += word;
        while (*text == ' ') text++;
    }
    fputc('\n', out);
}

static void help_line(FILE *out, int w, const char *left, const char *help) {
    fprintf(out, "  %-*s  ", w, left);
    print_wrapped(out, w + 4, help);
}

void options_help(FILE *out) {
    MmuConfig def = mmu_config_default();
    int w = help_width(&def);
    char left[NAME_MAX_LEN + VALUE_MAX + 8], help[512];
    fputs("usage: mmusim [OPTION]... TRACE [TRACE]...\n"
          "Replay a trace (MMT text or MMB binary, plain, .zst or .gz; '-' for standard\n"
          "input) through the x86 paging-unit model (and, in OS mode, the NT-style memory\n"
          "manager) and print its statistics after a header naming the run. Several traces\n"
          "are per-process streams, interleaved --quantum accesses at a time.\n"
          "Exit status: 0 success, 1 a trace expectation failed, 2 bad input, usage or\n"
          "environment error.\n\nOptions:\n",
          out);
    for (size_t i = 0; i < OPT_COUNT; i++) {
        const FrontOpt *f = &front[i];
        front_left(f, left, sizeof left);
        snprintf(help, sizeof help, "%s%s%s%s", f->help, f->deflt ? " (default: " : "",
                 f->deflt ? f->deflt : "", f->deflt ? ")" : "");
        help_line(out, w, left, help);
    }
    fprintf(out, "\nModel knobs, --NAME=VALUE or --NAME VALUE, shown with the defaults of preset "
                 "'%s'.\n[trace]: a CPU-profile knob, which a trace's 'config' line may also "
                 "set.\n",
            PRESET_DEFAULT);
    for (size_t i = 0; i < knob_count(); i++) {
        const Knob *k = knob_get(i);
        int n = snprintf(help, sizeof help, "%s", k->help);
        if (k->max > k->min && n > 0 && (size_t)n < sizeof help)
            n += snprintf(help + n, sizeof help - (size_t)n, " (%u..%u)", (unsigned)k->min,
                          (unsigned)k->max);
        if (k->profile && n > 0 && (size_t)n < sizeof help)
            snprintf(help + n, sizeof help - (size_t)n, " [trace]");
        knob_left(&def, k, left, sizeof left);
        help_line(out, w, left, help);
    }
    OsConfig osdef = os_config_default();
    fputs("\nMemory-manager knobs (OS-mode traces), --NAME=N or --NAME N, decimal:\n", out);
    for (size_t i = 0; i < os_knob_count(); i++) {
        const OsKnob *k = os_knob_get(i);
        snprintf(left, sizeof left, "--%s=%u", k->name,
                 (unsigned)*(const uint32_t *)((const char *)&osdef + k->offset));
        help_line(out, w, left, k->help);
    }
}

void options_list_presets(FILE *out) {
    size_t w = 0;
    for (size_t i = 0; i < preset_count(); i++)
        if (strlen(preset_get(i)->name) > w) w = strlen(preset_get(i)->name);
    for (size_t i = 0; i < preset_count(); i++) {
        const Preset *p = preset_get(i);
        fprintf(out, "%-*s  %s%s\n%-*s  source: %s\n", (int)w, p->name, p->summary,
                strcmp(p->name, PRESET_DEFAULT) == 0 ? " (default)" : "", (int)w, "",
                p->source);
    }
}
