/* mmt.c - MMT v1 text reader; see mmt.h and traces/README.md. */
#include "mmt.h"

#include <stdio.h>
#include <string.h>

#include "mmusim/cpu.h"
#include "mmusim/faultclass.h"
#include "mmusim/ntpte.h"
#include "mmusim/physmem.h"
#include "mmb.h"
#include "msg.h"

#define MAX_TOK 8          /* more than any record has, so the first extra field is kept */
#define ACCESS_SIZE_MAX 4096
#define LA_DIGITS 8
#define PA_DIGITS 10       /* 40-bit physical addresses (physmem.h) */
#define QUOTE_MAX 48
#define TICK_MAX 1000000
#define PROT_TEXT_MAX 16   /* longer than any valid protection ("XWC+NC") */
#define FAULTS_TEXT_MAX 64 /* longer than 4 of the longest class names joined by '+' */

typedef struct {
    const char *p;
    size_t n;
} Tok;

typedef struct Line Line;
typedef bool (*ParseFn)(Line *ln, Record *r);

/* One row per keyword: the usage string doubles as the field-count error message. */
typedef struct {
    const char *name;
    const char *usage;
    uint8_t min_tok, max_tok; /* tokens on the line, keyword(s) included */
    uint8_t sub;              /* AccessKind, RegId, poke width, ExpectKind or OsEvent */
    ParseFn parse;
} Syntax;

struct Line {
    Tok tok[MAX_TOK];
    size_t n;                 /* tokens on the line; may exceed MAX_TOK */
    const Syntax *syn;
    bool first_record;
    const char *name;
    uint64_t lineno;
    char *err;
    size_t errlen;
};

static bool fail(Line *ln, const char *fmt, ...) MSG_PRINTF(2, 3);
static bool fail(Line *ln, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    msg_vat(ln->err, ln->errlen, ln->name, ln->lineno, fmt, ap);
    va_end(ap);
    return false;
}

/* A token made safe to print: non-printable bytes as \xNN, long tokens cut with "...". */
static const char *quote(char buf[QUOTE_MAX], Tok t) {
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < t.n; i++) {
        unsigned char c = (unsigned char)t.p[i];
        if (o + 4 >= QUOTE_MAX - 4) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            buf[o++] = (char)c;
        } else {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        }
    }
    buf[o] = '\0';
    return buf;
}

static bool tok_is(Tok t, const char *s) {
    size_t n = strlen(s);
    return t.n == n && memcmp(t.p, s, n) == 0;
}

/* Fields are separated by runs of spaces or tabs; a field starting with '#' starts a comment
 * that runs to the end of the line. A trailing '\r' (CRLF files) is dropped. */
static void tokenize(Line *ln, const char *s, size_t len) {
    if (len && s[len - 1] == '\r') len--;
    size_t i = 0;
    ln->n = 0;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i >= len || s[i] == '#') return;
        size_t start = i;
        while (i < len && s[i] != ' ' && s[i] != '\t') i++;
        if (ln->n < MAX_TOK) ln->tok[ln->n] = (Tok){s + start, i - start};
        ln->n++;
    }
}

/* ---- numbers ---------------------------------------------------------------------------- */

typedef enum { NUM_OK, NUM_BAD, NUM_WIDE } NumStatus;

/* Digit value + 1, so that 0 marks a non-digit: one load per character on the hot path. */
static const uint8_t hex_value[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
    ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
    ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16,
};

/* Hex with an optional 0x/0X prefix. Leading zeros count towards max_digits: writers emit
 * fixed widths, and a 12-digit "linear address" is a broken trace whatever its value. */
static NumStatus parse_hex(Tok t, unsigned max_digits, uint64_t *out) {
    const char *s = t.p;
    size_t n = t.n;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    if (n == 0) return NUM_BAD;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = hex_value[(unsigned char)s[i]];
        if (!d) return NUM_BAD;
        v = (v << 4) | (d - 1);
    }
    if (n > max_digits) return NUM_WIDE;
    *out = v;
    return NUM_OK;
}

/* Decimal digits only; saturates instead of wrapping so that range checks stay honest. */
static NumStatus parse_dec(Tok t, uint64_t *out) {
    if (t.n == 0) return NUM_BAD;
    uint64_t v = 0;
    for (size_t i = 0; i < t.n; i++) {
        unsigned d = (unsigned)((unsigned char)t.p[i] - '0');
        if (d > 9) return NUM_BAD;
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return NUM_OK;
}

static bool hex_at(Line *ln, size_t i, unsigned digits, const char *what, uint64_t *out) {
    char q[QUOTE_MAX];
    switch (parse_hex(ln->tok[i], digits, out)) {
    case NUM_OK: return true;
    case NUM_BAD: return fail(ln, "bad %s '%s' (expected hex)", what, quote(q, ln->tok[i]));
    default: break;
    }
    return fail(ln, "%s '%s' is wider than %u hex digits", what, quote(q, ln->tok[i]), digits);
}

static bool dec_at(Line *ln, size_t i, const char *what, uint64_t min, uint64_t max,
                   uint64_t *out) {
    char q[QUOTE_MAX];
    bool bad = parse_dec(ln->tok[i], out) != NUM_OK;
    if (!bad && *out >= min && *out <= max) return true;
    quote(q, ln->tok[i]);
    if (bad)
        return fail(ln, "bad %s '%s' (expected decimal %llu..%llu)", what, q,
                    (unsigned long long)min, (unsigned long long)max);
    return fail(ln, "%s %s is out of range (%llu..%llu)", what, q, (unsigned long long)min,
                (unsigned long long)max);
}

/* A physical address at which `width` bytes will be read or written (physmem.h's limit). */
static bool paddr_at(Line *ln, size_t i, unsigned width, uint64_t *out) {
    if (!hex_at(ln, i, PA_DIGITS, "physical address", out)) return false;
    if (*out + width > PHYSMEM_LIMIT)
        return fail(ln, "%u bytes at physical address %010llx run past the %d-bit physical "
                        "address space", width, (unsigned long long)*out, PHYSMEM_ADDR_BITS);
    return true;
}

static bool extra_field(Line *ln, size_t i) {
    char q[QUOTE_MAX];
    return fail(ln, "extra field '%s' (usage: %s)", quote(q, ln->tok[i]), ln->syn->usage);
}

static bool check_count(Line *ln, const Syntax *syn) {
    ln->syn = syn;
    if (ln->n < syn->min_tok) return fail(ln, "missing field (usage: %s)", syn->usage);
    if (ln->n > syn->max_tok) return extra_field(ln, syn->max_tok);
    return true;
}

/* ---- records ---------------------------------------------------------------------------- */

/* =VALUE: only loads (compare) and stores (write) have a meaning for it; it is at most 8
 * bytes, little-endian, and must fit the access size. */
const char *mmt_value_problem(const Record *r, char *buf, size_t len) {
    if (r->keyword[0] != 'L' && r->keyword[0] != 'S')
        return "'=VALUE' is allowed only on L and S accesses";
    if (r->size > 8) {
        snprintf(buf, len, "'=VALUE' needs an access size of at most 8 (size is %u)", r->size);
        return buf;
    }
    if (r->size < 8 && (r->value >> (8 * r->size)) != 0) {
        snprintf(buf, len, "value '%llx' does not fit in %u byte%s", (unsigned long long)r->value,
                 r->size, r->size == 1 ? "" : "s");
        return buf;
    }
    return NULL;
}

static bool access_value(Line *ln, size_t i, Record *r) {
    char q[QUOTE_MAX], why[96];
    Tok v = {ln->tok[i].p + 1, ln->tok[i].n - 1};
    switch (parse_hex(v, 16, &r->value)) {
    case NUM_BAD: return fail(ln, "bad value '%s' (expected hex)", quote(q, v));
    case NUM_WIDE: return fail(ln, "value '%s' is wider than 16 hex digits", quote(q, v));
    default: break;
    }
    const char *bad = mmt_value_problem(r, why, sizeof why);
    if (bad) return fail(ln, "%s", bad);
    r->has_value = true;
    return true;
}

static bool parse_access(Line *ln, Record *r) {
    uint64_t size = 0;
    r->kind = REC_ACCESS;
    r->access = ln->syn->sub;
    if (!hex_at(ln, 1, LA_DIGITS, "linear address", &r->addr)) return false;
    if (!dec_at(ln, 2, "access size", 1, ACCESS_SIZE_MAX, &size)) return false;
    r->size = (uint32_t)size;
    size_t i = 3;
    if (i < ln->n && ln->tok[i].p[0] == '=') {
        if (!access_value(ln, i, r)) return false;
        i++;
    }
    if (i < ln->n && tok_is(ln->tok[i], "implicit")) {
        r->implicit = true;
        i++;
    }
    return i < ln->n ? extra_field(ln, i) : true;
}

static bool parse_reg(Line *ln, Record *r) {
    r->kind = REC_REG;
    r->reg = ln->syn->sub;
    return hex_at(ln, 1, r->reg == REG_EFER ? 16 : 8, "value", &r->value);
}

static bool parse_eflags(Line *ln, Record *r) {
    r->kind = REC_EFLAGS;
    return hex_at(ln, 1, 8, "value", &r->value);
}

static bool parse_cpl(Line *ln, Record *r) {
    r->kind = REC_CPL;
    return dec_at(ln, 1, "cpl", 0, 3, &r->value);
}

static bool parse_poke(Line *ln, Record *r) {
    r->kind = REC_POKE;
    r->size = ln->syn->sub;
    return paddr_at(ln, 1, r->size, &r->addr) && hex_at(ln, 2, 2 * r->size, "value", &r->value);
}

static bool parse_invlpg(Line *ln, Record *r) {
    r->kind = REC_INVLPG;
    return hex_at(ln, 1, LA_DIGITS, "linear address", &r->addr);
}

/* "maxphyaddr, pat, pse36": the knobs a trace may set, from the knob table. */
static const char *profile_knob_list(char *buf, size_t len) {
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < knob_count(); i++) {
        const Knob *k = knob_get(i);
        if (!k->profile) continue;
        int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", k->name);
        if (w < 0 || (size_t)w >= len - o) break;
        o += (size_t)w;
    }
    return buf;
}

/* Only CPU-profile knobs: a trace describes the CPU it was written for, never the TLB under
 * study. The value is checked now, on a scratch configuration, so that a bad one is reported
 * against its line before anything runs. */
static bool parse_config(Line *ln, Record *r) {
    char name[64], q[QUOTE_MAX], list[128];
    Tok nt = ln->tok[1], vt = ln->tok[2];
    r->kind = REC_CONFIG;
    /* The name and value become C strings: a NUL inside would cut them short unseen. */
    if (memchr(nt.p, '\0', nt.n) || memchr(vt.p, '\0', vt.n))
        return fail(ln, "NUL byte in config field '%s %s'", quote(q, nt), quote(list, vt));
    if (nt.n < sizeof name) {
        memcpy(name, nt.p, nt.n);
        name[nt.n] = '\0';
        r->knob = knob_find(name);
    }
    if (!r->knob) return fail(ln, "unknown config knob '%s'", quote(q, nt));
    if (!r->knob->profile)
        return fail(ln, "config knob '%s' is not a CPU-profile knob (allowed: %s)", r->knob->name,
                    profile_knob_list(list, sizeof list));
    if (vt.n >= RECORD_TEXT_MAX) return fail(ln, "config value '%s' is too long", quote(q, vt));
    memcpy(r->text, vt.p, vt.n);
    r->text[vt.n] = '\0';
    MmuConfig scratch = mmu_config_default();
    const char *why = knob_set(&scratch, r->knob, r->text);
    if (why) return fail(ln, "config %s %s: %s", r->knob->name, quote(q, vt), why);
    return true;
}

static bool parse_mode(Line *ln, Record *r) {
    char q[QUOTE_MAX];
    r->kind = REC_MODE;
    if (!ln->first_record) return fail(ln, "'mode' must be the first record of the trace");
    if (!tok_is(ln->tok[1], "bare"))
        return fail(ln, "unknown mode '%s' (this build knows only 'bare')", quote(q, ln->tok[1]));
    return true;
}

static bool parse_expect_ok(Line *ln, Record *r) { return paddr_at(ln, 2, 1, &r->addr); }
/* expect pf ERR [cr2=LADDR]: without cr2=, CR2 must be the access's first byte. */
static bool parse_expect_pf(Line *ln, Record *r) {
    char q[QUOTE_MAX];
    if (!hex_at(ln, 2, 8, "error code", &r->value)) return false;
    if (ln->n < 4) return true;
    Tok t = ln->tok[3];
    if (t.n < 4 || memcmp(t.p, "cr2=", 4) != 0)
        return fail(ln, "expected cr2=LADDR after the error code, got '%s'", quote(q, t));
    ln->tok[3] = (Tok){.p = t.p + 4, .n = t.n - 4};
    r->has_cr2 = true;
    return hex_at(ln, 3, LA_DIGITS, "CR2", &r->addr);
}
static bool parse_nothing(Line *ln, Record *r) {
    (void)ln;
    (void)r;
    return true;
}
static bool parse_expect_mem(Line *ln, Record *r) {
    unsigned width = r->expect == EXP_MEM64 ? 8 : 4;
    return paddr_at(ln, 2, width, &r->addr) && hex_at(ln, 3, 2 * width, "value", &r->value);
}

/* expect fault CLASS[+CLASS...]: the faults the latest access takes, in order (a split or
 * retried access can take several). Encoded for the executor as trace.h says at EXP_FAULT. */
static bool parse_expect_fault(Line *ln, Record *r) {
    char buf[FAULTS_TEXT_MAX], q[QUOTE_MAX];
    Tok t = ln->tok[2];
    size_t i = 0;
    r->size = 0;
    r->value = 0;
    for (;;) {
        size_t start = i;
        while (i < t.n && t.p[i] != '+') i++;
        Tok part = {t.p + start, i - start};
        FaultClass c;
        if (part.n == 0) return fail(ln, "empty fault class in '%s'", quote(q, t));
        if (r->size == RECORD_FAULTS_MAX)
            return fail(ln, "more than %d fault classes in '%s'", RECORD_FAULTS_MAX, quote(q, t));
        bool known = part.n < sizeof buf && !memchr(part.p, '\0', part.n);
        if (known) {
            memcpy(buf, part.p, part.n);
            buf[part.n] = '\0';
            known = fault_class_parse(buf, &c);
        }
        if (!known)
            return fail(ln, "unknown fault class '%s' (none, demand-zero, soft, hard, cow, guard, "
                            "av, spurious)", quote(q, part));
        r->value |= (uint64_t)c << (4 * r->size);
        r->size++;
        if (i == t.n) return true;
        i++; /* the '+' */
    }
}

/* expect stat NAME V: a counter of the statistics (any name the report prints) equals V now. */
static bool parse_expect_stat(Line *ln, Record *r) {
    char q[QUOTE_MAX];
    Tok t = ln->tok[2];
    if (t.n >= sizeof r->path) return fail(ln, "statistic name '%s' is too long", quote(q, t));
    for (size_t i = 0; i < t.n; i++) {
        char ch = t.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
            return fail(ln, "bad statistic name '%s' (letters a-z, digits, '_', '.', '-')", quote(q, t));
    }
    memcpy(r->path, t.p, t.n);
    r->path[t.n] = '\0';
    return dec_at(ln, 3, "statistic value", 0, UINT64_MAX, &r->value);
}

static const Syntax expectations[] = {
    {"ok", "expect ok PADDR", 3, 3, EXP_OK, parse_expect_ok},
    {"pf", "expect pf ERR [cr2=LADDR]", 3, 4, EXP_PF, parse_expect_pf},
    {"gp", "expect gp", 2, 2, EXP_GP, parse_nothing},
    {"mem", "expect mem PADDR V", 4, 4, EXP_MEM, parse_expect_mem},
    {"mem64", "expect mem64 PADDR V", 4, 4, EXP_MEM64, parse_expect_mem},
    /* OS mode: the memory manager checks it. */
    {"fault", "expect fault CLASS[+CLASS...]", 3, 3, EXP_FAULT, parse_expect_fault},
    {"stat", "expect stat NAME V", 4, 4, EXP_STAT, parse_expect_stat},
};

static const Syntax *find_syntax(const Syntax *tab, size_t n, Tok t) {
    for (size_t i = 0; i < n; i++)
        if (tok_is(t, tab[i].name)) return &tab[i];
    return NULL;
}

static bool parse_expect(Line *ln, Record *r) {
    char q[QUOTE_MAX];
    const Syntax *syn =
        find_syntax(expectations, sizeof expectations / sizeof expectations[0], ln->tok[1]);
    r->kind = REC_EXPECT;
    if (!syn)
        return fail(ln, "unknown expectation '%s' (ok, pf, gp, mem, mem64, fault, stat)",
                    quote(q, ln->tok[1]));
    r->expect = syn->sub;
    return check_count(ln, syn) && syn->parse(ln, r);
}

/* ---- OS-mode events --------------------------------------------------------------------- */
/* The reader checks syntax and the ranges a field can have on its own: ids of at least 1, a
 * non-empty range that does not wrap past 2^32, a known protection. Whether a pid exists, a
 * range is aligned or free, an offset lies inside its section is the memory manager's call. */

static bool id_at(Line *ln, size_t i, const char *what, uint32_t *out) {
    uint64_t v;
    if (!dec_at(ln, i, what, 1, UINT32_MAX, &v)) return false;
    *out = (uint32_t)v;
    return true;
}

/* BASE LEN at tokens i, i + 1. */
static bool range_at(Line *ln, size_t i, Record *r) {
    uint64_t base, len;
    if (!hex_at(ln, i, LA_DIGITS, "base address", &base) ||
        !hex_at(ln, i + 1, LA_DIGITS, "length", &len))
        return false;
    if (len == 0) return fail(ln, "length must be greater than 0");
    if (base + len > (UINT64_C(1) << 32))
        return fail(ln, "length %llx at base address %08llx runs past the 32-bit linear address "
                        "space", (unsigned long long)len, (unsigned long long)base);
    r->base = (uint32_t)base;
    r->len = (uint32_t)len;
    r->has_len = true;
    return true;
}

static bool prot_at(Line *ln, size_t i, Record *r) {
    char buf[PROT_TEXT_MAX], q[QUOTE_MAX];
    Tok t = ln->tok[i];
    if (t.n < sizeof buf && !memchr(t.p, '\0', t.n)) {
        memcpy(buf, t.p, t.n);
        buf[t.n] = '\0';
        if (mmprot_parse(buf, &r->prot)) return true;
        /* A known access word with modifiers mmprot_parse() refuses: say what is allowed. */
        char *plus = strchr(buf, '+');
        uint8_t code;
        if (plus) {
            *plus = '\0';
            if (mmprot_parse(buf, &code))
                return fail(ln, "bad protection '%s' (at most one of +G and +NC, and none on NA)",
                            quote(q, t));
        }
    }
    return fail(ln, "unknown protection '%s' (NA RO RW WC X XR XRW XWC, optionally +G or +NC)",
                quote(q, t));
}

/* A NAME or PATH into r->path; what names it in messages. */
static bool path_from(Line *ln, Tok t, const char *what, Record *r) {
    char q[QUOTE_MAX];
    if (t.n == 0) return fail(ln, "empty %s", what);
    if (memchr(t.p, '\0', t.n)) return fail(ln, "NUL byte in %s '%s'", what, quote(q, t));
    if (t.n >= RECORD_PATH_MAX)
        return fail(ln, "%s '%s' is longer than %d bytes", what, quote(q, t), RECORD_PATH_MAX - 1);
    memcpy(r->path, t.p, t.n);
    r->path[t.n] = '\0';
    return true;
}

static void os_start(Line *ln, Record *r) {
    r->kind = REC_OS;
    r->os = ln->syn->sub;
}

static bool parse_proc(Line *ln, Record *r) {
    os_start(ln, r);
    if (!id_at(ln, 1, "pid", &r->pid)) return false;
    return ln->n < 3 || path_from(ln, ln->tok[2], "process name", r);
}

static bool parse_fork(Line *ln, Record *r) {
    os_start(ln, r);
    if (!id_at(ln, 1, "parent pid", &r->pid) || !id_at(ln, 2, "child pid", &r->pid2))
        return false;
    if (r->pid == r->pid2) return fail(ln, "fork: parent and child must differ");
    return true;
}

static bool parse_exec(Line *ln, Record *r) {
    os_start(ln, r);
    return id_at(ln, 1, "pid", &r->pid) && path_from(ln, ln->tok[2], "path", r);
}

static bool parse_exit(Line *ln, Record *r) {
    os_start(ln, r);
    return id_at(ln, 1, "pid", &r->pid);
}

static bool parse_switch(Line *ln, Record *r) {
    os_start(ln, r);
    if (!id_at(ln, 1, "pid", &r->pid)) return false;
    return ln->n < 3 || id_at(ln, 2, "tid", &r->pid2);
}

/* reserve, commit, alloc, protect: PID BASE LEN PROT; decommit, free: PID BASE LEN. */
static bool parse_vm(Line *ln, Record *r) {
    os_start(ln, r);
    if (!id_at(ln, 1, "pid", &r->pid) || !range_at(ln, 2, r)) return false;
    return ln->syn->max_tok < 5 || prot_at(ln, 4, r);
}

/* section SID SIZE anon [reserve] | section SID SIZE file:PATH */
static bool parse_section(Line *ln, Record *r) {
    char q[QUOTE_MAX];
    Tok kind = ln->tok[3];
    os_start(ln, r);
    if (!id_at(ln, 1, "sid", &r->sid) ||
        !hex_at(ln, 2, LA_DIGITS, "section size", &r->offset))
        return false;
    if (r->offset == 0) return fail(ln, "section size must be greater than 0");
    if (tok_is(kind, "anon")) {
        if (ln->n < 5) return true;
        if (!tok_is(ln->tok[4], "reserve"))
            return fail(ln, "expected 'reserve' after 'anon', got '%s'", quote(q, ln->tok[4]));
        r->sec_reserve = true;
        return true;
    }
    if (kind.n >= 5 && memcmp(kind.p, "file:", 5) == 0) {
        if (ln->n > 4) return extra_field(ln, 4);
        if (kind.n == 5) return fail(ln, "empty path in 'file:' (expected file:PATH)");
        r->sec_file = true;
        return path_from(ln, (Tok){kind.p + 5, kind.n - 5}, "section file path", r);
    }
    return fail(ln, "unknown section kind '%s' (anon or file:PATH)", quote(q, kind));
}

static bool parse_close(Line *ln, Record *r) {
    os_start(ln, r);
    return id_at(ln, 1, "sid", &r->sid);
}

static bool parse_map(Line *ln, Record *r) {
    os_start(ln, r);
    return id_at(ln, 1, "pid", &r->pid) && id_at(ln, 2, "sid", &r->sid) && range_at(ln, 3, r) &&
           hex_at(ln, 5, 16, "offset", &r->offset) && prot_at(ln, 6, r);
}

static bool parse_unmap(Line *ln, Record *r) {
    uint64_t base;
    os_start(ln, r);
    if (!id_at(ln, 1, "pid", &r->pid)) return false;
    if (ln->n > 3) return range_at(ln, 2, r);
    if (!hex_at(ln, 2, LA_DIGITS, "base address", &base)) return false;
    r->base = (uint32_t)base;
    return true;
}

static bool parse_tick(Line *ln, Record *r) {
    uint64_t n = 1;
    os_start(ln, r);
    if (ln->n > 1 && !dec_at(ln, 1, "tick count", 1, TICK_MAX, &n)) return false;
    r->count = (uint32_t)n;
    return true;
}

static bool parse_idle(Line *ln, Record *r) {
    os_start(ln, r);
    return true;
}

/* The access rows come first (find_keyword relies on it); every other keyword is longer. */
#define ACCESS_ROWS 4
static const Syntax keywords[] = {
    {"L", "L ADDR SIZE [=VALUE] [implicit]", 3, 5, ACC_READ, parse_access},
    {"I", "I ADDR SIZE [implicit]", 3, 5, ACC_FETCH, parse_access},
    {"S", "S ADDR SIZE [=VALUE] [implicit]", 3, 5, ACC_WRITE, parse_access},
    {"M", "M ADDR SIZE [implicit]", 3, 5, ACC_WRITE, parse_access},
    /* The row for each kind of expectation does the real field-count check. */
    {"expect", "expect ok|pf|gp|mem|mem64|fault|stat ...", 2, MAX_TOK - 1, 0, parse_expect},
    {"cr0", "cr0 V", 2, 2, REG_CR0, parse_reg},
    {"cr3", "cr3 V", 2, 2, REG_CR3, parse_reg},
    {"cr4", "cr4 V", 2, 2, REG_CR4, parse_reg},
    {"efer", "efer V", 2, 2, REG_EFER, parse_reg},
    {"eflags", "eflags V", 2, 2, 0, parse_eflags},
    {"cpl", "cpl N", 2, 2, 0, parse_cpl},
    {"poke", "poke PADDR V", 3, 3, 4, parse_poke},
    {"poke64", "poke64 PADDR V", 3, 3, 8, parse_poke},
    {"invlpg", "invlpg LADDR", 2, 2, 0, parse_invlpg},
    {"config", "config NAME VALUE", 3, 3, 0, parse_config},
    {"mode", "mode bare", 2, 2, 0, parse_mode},
    /* OS-mode events (traces/README.md section 4), for the memory manager. */
    {"proc", "proc PID [NAME]", 2, 3, OSEV_PROC, parse_proc},
    {"fork", "fork PARENT CHILD", 3, 3, OSEV_FORK, parse_fork},
    {"exec", "exec PID PATH", 3, 3, OSEV_EXEC, parse_exec},
    {"exit", "exit PID", 2, 2, OSEV_EXIT, parse_exit},
    {"switch", "switch PID [TID]", 2, 3, OSEV_SWITCH, parse_switch},
    {"reserve", "reserve PID BASE LEN PROT", 5, 5, OSEV_RESERVE, parse_vm},
    {"commit", "commit PID BASE LEN PROT", 5, 5, OSEV_COMMIT, parse_vm},
    {"alloc", "alloc PID BASE LEN PROT", 5, 5, OSEV_ALLOC, parse_vm},
    {"decommit", "decommit PID BASE LEN", 4, 4, OSEV_DECOMMIT, parse_vm},
    {"free", "free PID BASE LEN", 4, 4, OSEV_FREE, parse_vm},
    {"protect", "protect PID BASE LEN PROT", 5, 5, OSEV_PROTECT, parse_vm},
    {"section", "section SID SIZE anon [reserve] | section SID SIZE file:PATH", 4, 5,
     OSEV_SECTION, parse_section},
    {"close", "close SID", 2, 2, OSEV_CLOSE, parse_close},
    {"map", "map PID SID BASE LEN OFFSET PROT", 7, 7, OSEV_MAP, parse_map},
    {"unmap", "unmap PID BASE [LEN]", 3, 4, OSEV_UNMAP, parse_unmap},
    {"tick", "tick [N]", 1, 2, OSEV_TICK, parse_tick},
    {"idle", "idle", 1, 1, OSEV_IDLE, parse_idle},
};

/* Field by field: zeroing the whole Record (and its text buffer) per line cost more than
 * parsing an access line. */
static void record_start(Record *r, uint64_t line, const char *keyword) {
    r->kind = REC_OS;
    r->reg = r->access = r->expect = 0;
    r->has_value = r->implicit = r->has_cr2 = false;
    r->size = 0;
    r->addr = r->value = 0;
    r->line = line;
    r->keyword = keyword;
    r->knob = NULL;
    r->text[0] = '\0';
    r->os = r->prot = 0;
    r->has_len = r->sec_reserve = r->sec_file = false;
    r->pid = r->pid2 = r->sid = 0;
    r->base = r->len = r->count = 0;
    r->offset = 0;
    r->path[0] = '\0';
}

/* Accesses are nearly every line: their one-letter keywords skip the table search. */
static const Syntax *find_keyword(Tok t) {
    if (t.n == 1) {
        for (size_t i = 0; i < ACCESS_ROWS; i++)
            if (keywords[i].name[0] == t.p[0]) return &keywords[i];
        return NULL;
    }
    return find_syntax(keywords + ACCESS_ROWS, sizeof keywords / sizeof keywords[0] - ACCESS_ROWS,
                       t);
}

static bool parse_line(Line *ln, Record *r) {
    char q[QUOTE_MAX];
    const Syntax *syn = find_keyword(ln->tok[0]);
    if (!syn) return fail(ln, "unknown keyword '%s'", quote(q, ln->tok[0]));
    record_start(r, ln->lineno, syn->name);
    return check_count(ln, syn) && syn->parse(ln, r);
}

/* Line 1 must be "#mmt 1": the format and its version, so that a wrong file fails at once. */
static bool check_header(Line *ln, const char *s, size_t len) {
    char q[QUOTE_MAX];
    if (len && s[len - 1] == '\r') len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (len > 4 && memcmp(s, "#mmt", 4) == 0 && (s[4] == ' ' || s[4] == '\t')) {
        size_t i = 5;
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        Tok v = {s + i, len - i};
        if (tok_is(v, "1")) return true;
        return fail(ln, "unsupported MMT version '%s' (this reader knows 1)", quote(q, v));
    }
    return fail(ln, "missing '#mmt 1' header");
}

/* Only comments may exceed INPUT_LINE_MAX (a long #source command line, say). */
static bool skip_long(MmtReader *p, Line *ln, const char *s) {
    size_t i = 0;
    while (i < INPUT_LINE_MAX && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == INPUT_LINE_MAX || s[i] != '#')
        return fail(ln, "line is longer than %d bytes", INPUT_LINE_MAX);
    if (input_skip_rest(p->in) == INPUT_ERROR) {
        snprintf(ln->err, ln->errlen, "%s", input_error(p->in));
        return false;
    }
    return true;
}

void mmt_init(MmtReader *p, Input *in, MetaList *meta) {
    p->in = in;
    p->meta = meta;
    p->header_seen = p->record_seen = p->has_word = p->has_record = false;
}

bool mmt_parse_text(char *s, size_t len, bool first_record, const char *name, uint64_t pos,
                    Record *r, char *err, size_t errlen) {
    Line ln;
    ln.name = name;
    ln.err = err;
    ln.errlen = errlen;
    ln.syn = NULL;
    ln.lineno = pos;
    ln.first_record = first_record;
    tokenize(&ln, s, len);
    if (ln.n == 0) {
        msg_at(err, errlen, name, pos, "empty record");
        return false;
    }
    return parse_line(&ln, r);
}

/* "L 0804a01c 4": the fixed-width access line writers emit, read without tokenizing. Sizes of
 * 1..254 only (the batch word's range); anything else takes the general path. */
static inline bool fast_access(const char *s, size_t len, uint64_t *w) {
    if (len < 12 || len > 14 || s[1] != ' ' || s[10] != ' ') return false;
    unsigned kind;
    switch (s[0]) {
    case 'I': kind = 0; break;
    case 'L': kind = 1; break;
    case 'S': kind = 2; break;
    case 'M': kind = 3; break;
    default: return false;
    }
    uint32_t la = 0;
    unsigned ok = 1;
    for (int i = 0; i < 8; i++) {
        unsigned d = hex_value[(unsigned char)s[2 + i]];
        ok &= d != 0;
        la = la << 4 | ((d - 1) & 15);
    }
    uint32_t size = 0;
    for (size_t i = 11; i < len; i++) {
        unsigned d = (unsigned)((unsigned char)s[i] - '0');
        ok &= d <= 9;
        size = size * 10 + d;
    }
    if (!ok || size == 0 || size >= MMB_SIZE_EXT) return false;
    *w = mmb_access_word(kind, la, size);
    return true;
}

/* Append an access to the batch being built; false when it must wait for the next batch
 * (the batch is full, or lines in between broke the run of consecutive positions). */
static bool batch_add(MmtReader *p, size_t *n, uint64_t *first, uint64_t w, uint64_t line) {
    if (*n && (line != *first + *n || *n == MMT_BATCH)) {
        p->has_word = true;
        p->word = w;
        p->word_line = line;
        return false;
    }
    if (*n == 0) *first = line;
    p->words[(*n)++] = w;
    return true;
}

static TraceStatus batch_out(MmtReader *p, size_t n, uint64_t first, AccessBatch *b) {
    *b = (AccessBatch){.w = p->words, .n = n, .pos = first, .step = 1};
    return TRACE_BATCH;
}

TraceStatus mmt_read(MmtReader *p, const Record **r, AccessBatch *b, char *err, size_t errlen) {
    if (p->has_record) {
        p->has_record = false;
        *r = &p->rec;
        return TRACE_RECORD;
    }
    size_t n = 0;
    uint64_t first = 0;
    if (p->has_word) {
        p->has_word = false;
        batch_add(p, &n, &first, p->word, p->word_line);
    }
    Line ln; /* not zeroed as a whole, for the same reason as record_start() */
    ln.name = input_name(p->in);
    ln.err = err;
    ln.errlen = errlen;
    ln.syn = NULL;
    for (;;) {
        char *s;
        size_t len;
        uint64_t w;
        InputStatus st = input_line(p->in, &s, &len);
        ln.lineno = input_lineno(p->in);
        if (st == INPUT_LINE && p->header_seen && fast_access(s, len, &w)) {
            p->record_seen = true;
            if (!batch_add(p, &n, &first, w, ln.lineno)) return batch_out(p, n, first, b);
            continue;
        }
        if (st == INPUT_ERROR) {
            snprintf(err, errlen, "%s", input_error(p->in));
            return TRACE_ERROR;
        }
        if (st == INPUT_EOF && !p->header_seen) {
            ln.lineno = 1;
            fail(&ln, "missing '#mmt 1' header");
            return TRACE_ERROR;
        }
        if (st == INPUT_EOF) return n ? batch_out(p, n, first, b) : TRACE_END;
        if (!p->header_seen) {
            if (!check_header(&ln, s, len)) return TRACE_ERROR;
            p->header_seen = true;
            if (st == INPUT_LONG && input_skip_rest(p->in) == INPUT_ERROR) {
                snprintf(err, errlen, "%s", input_error(p->in));
                return TRACE_ERROR;
            }
            continue;
        }
        if (st == INPUT_LONG) {
            if (!skip_long(p, &ln, s)) return TRACE_ERROR;
            continue;
        }
        if (!p->record_seen && len > 1 && s[0] == '#' && meta_is_header(s + 1, len - 1)) {
            const char *why;
            if (meta_add(p->meta, s + 1, len - 1, &why)) continue;
            fail(&ln, "%s", why);
            return TRACE_ERROR;
        }
        tokenize(&ln, s, len);
        if (ln.n == 0) continue;
        ln.first_record = !p->record_seen;
        Record *rec = &p->rec;
        if (!parse_line(&ln, rec)) return TRACE_ERROR;
        p->record_seen = true;
        if (rec->kind == REC_ACCESS && !rec->has_value && !rec->implicit &&
            rec->size < MMB_SIZE_EXT) {
            w = mmb_access_word(mmb_kind_of_letter(rec->keyword[0]), (uint32_t)rec->addr, rec->size);
            if (!batch_add(p, &n, &first, w, ln.lineno)) return batch_out(p, n, first, b);
            continue;
        }
        if (n) {
            p->has_record = true;
            return batch_out(p, n, first, b);
        }
        *r = rec;
        return TRACE_RECORD;
    }
}
