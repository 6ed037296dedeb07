/* recfmt.c - canonical MMT lines; see recfmt.h. */
#include "recfmt.h"

#include <inttypes.h>
#include <stdio.h>

#include "mmusim/faultclass.h"
#include "mmusim/ntpte.h"

static const char *const os_keywords[] = {
    [OSEV_PROC] = "proc",       [OSEV_FORK] = "fork",         [OSEV_EXEC] = "exec",
    [OSEV_EXIT] = "exit",       [OSEV_SWITCH] = "switch",     [OSEV_RESERVE] = "reserve",
    [OSEV_COMMIT] = "commit",   [OSEV_ALLOC] = "alloc",       [OSEV_DECOMMIT] = "decommit",
    [OSEV_FREE] = "free",       [OSEV_PROTECT] = "protect",   [OSEV_SECTION] = "section",
    [OSEV_CLOSE] = "close",     [OSEV_MAP] = "map",           [OSEV_UNMAP] = "unmap",
    [OSEV_TICK] = "tick",       [OSEV_IDLE] = "idle",
};

const char *record_os_keyword(OsEvent ev) { return os_keywords[ev]; }

static const char *const reg_keywords[] = {[REG_CR0] = "cr0", [REG_CR3] = "cr3",
                                           [REG_CR4] = "cr4", [REG_EFER] = "efer"};

static int format_expect(const Record *r, char *buf) {
    switch (r->expect) {
    case EXP_OK: return snprintf(buf, RECFMT_MAX, "expect ok %010" PRIx64, r->addr);
    case EXP_PF:
        if (r->has_cr2)
            return snprintf(buf, RECFMT_MAX, "expect pf %02" PRIx64 " cr2=%08" PRIx64, r->value,
                            r->addr);
        return snprintf(buf, RECFMT_MAX, "expect pf %02" PRIx64, r->value);
    case EXP_GP: return snprintf(buf, RECFMT_MAX, "expect gp");
    case EXP_MEM:
        return snprintf(buf, RECFMT_MAX, "expect mem %010" PRIx64 " %08" PRIx64, r->addr, r->value);
    case EXP_MEM64:
        return snprintf(buf, RECFMT_MAX, "expect mem64 %010" PRIx64 " %016" PRIx64, r->addr,
                        r->value);
    case EXP_STAT:
        return snprintf(buf, RECFMT_MAX, "expect stat %s %" PRIu64, r->path, r->value);
    default: break;
    }
    int n = snprintf(buf, RECFMT_MAX, "expect fault ");
    for (uint32_t i = 0; i < r->size; i++)
        n += snprintf(buf + n, (size_t)(RECFMT_MAX - n), "%s%s", i ? "+" : "",
                      fault_class_name((FaultClass)(r->value >> (4 * i) & 0xF)));
    return n;
}

static int format_os(const Record *r, char *buf) {
    char prot[12];
    const char *kw = os_keywords[r->os];
    switch (r->os) {
    case OSEV_PROC:
        return r->path[0] ? snprintf(buf, RECFMT_MAX, "proc %" PRIu32 " %s", r->pid, r->path)
                          : snprintf(buf, RECFMT_MAX, "proc %" PRIu32, r->pid);
    case OSEV_FORK: return snprintf(buf, RECFMT_MAX, "fork %" PRIu32 " %" PRIu32, r->pid, r->pid2);
    case OSEV_EXEC: return snprintf(buf, RECFMT_MAX, "exec %" PRIu32 " %s", r->pid, r->path);
    case OSEV_SWITCH:
        return r->pid2 ? snprintf(buf, RECFMT_MAX, "switch %" PRIu32 " %" PRIu32, r->pid, r->pid2)
                       : snprintf(buf, RECFMT_MAX, "switch %" PRIu32, r->pid);
    case OSEV_EXIT: return snprintf(buf, RECFMT_MAX, "exit %" PRIu32, r->pid);
    case OSEV_RESERVE:
    case OSEV_COMMIT:
    case OSEV_ALLOC:
    case OSEV_PROTECT:
        return snprintf(buf, RECFMT_MAX, "%s %" PRIu32 " %08" PRIx32 " %08" PRIx32 " %s", kw,
                        r->pid, r->base, r->len, mmprot_name(r->prot, prot));
    case OSEV_DECOMMIT:
    case OSEV_FREE:
        return snprintf(buf, RECFMT_MAX, "%s %" PRIu32 " %08" PRIx32 " %08" PRIx32, kw, r->pid,
                        r->base, r->len);
    case OSEV_SECTION:
        if (r->sec_file)
            return snprintf(buf, RECFMT_MAX, "section %" PRIu32 " %08" PRIx64 " file:%s", r->sid,
                            r->offset, r->path);
        return snprintf(buf, RECFMT_MAX, "section %" PRIu32 " %08" PRIx64 " anon%s", r->sid,
                        r->offset, r->sec_reserve ? " reserve" : "");
    case OSEV_CLOSE: return snprintf(buf, RECFMT_MAX, "close %" PRIu32, r->sid);
    case OSEV_MAP:
        return snprintf(buf, RECFMT_MAX,
                        "map %" PRIu32 " %" PRIu32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx64 " %s",
                        r->pid, r->sid, r->base, r->len, r->offset, mmprot_name(r->prot, prot));
    case OSEV_UNMAP:
        return r->has_len ? snprintf(buf, RECFMT_MAX, "unmap %" PRIu32 " %08" PRIx32 " %08" PRIx32,
                                     r->pid, r->base, r->len)
                          : snprintf(buf, RECFMT_MAX, "unmap %" PRIu32 " %08" PRIx32, r->pid,
                                     r->base);
    case OSEV_TICK: return snprintf(buf, RECFMT_MAX, "tick %" PRIu32, r->count);
    default: return snprintf(buf, RECFMT_MAX, "idle");
    }
}

size_t record_format(const Record *r, char *buf) {
    int n;
    switch (r->kind) {
    case REC_ACCESS:
        n = snprintf(buf, RECFMT_MAX, "%c %08" PRIx64 " %" PRIu32, r->keyword[0], r->addr, r->size);
        if (r->has_value)
            n += snprintf(buf + n, (size_t)(RECFMT_MAX - n), " =%0*" PRIx64, (int)(2 * r->size),
                          r->value);
        if (r->implicit) n += snprintf(buf + n, (size_t)(RECFMT_MAX - n), " implicit");
        break;
    case REC_MODE: n = snprintf(buf, RECFMT_MAX, "mode bare"); break;
    case REC_CONFIG: n = snprintf(buf, RECFMT_MAX, "config %s %s", r->knob->name, r->text); break;
    case REC_REG:
        n = snprintf(buf, RECFMT_MAX, "%s %0*" PRIx64, reg_keywords[r->reg],
                     r->reg == REG_EFER ? 16 : 8, r->value);
        break;
    case REC_EFLAGS: n = snprintf(buf, RECFMT_MAX, "eflags %08" PRIx64, r->value); break;
    case REC_CPL: n = snprintf(buf, RECFMT_MAX, "cpl %" PRIu64, r->value); break;
    case REC_POKE:
        n = snprintf(buf, RECFMT_MAX, "%s %010" PRIx64 " %0*" PRIx64,
                     r->size == 8 ? "poke64" : "poke", r->addr, (int)(2 * r->size), r->value);
        break;
    case REC_INVLPG: n = snprintf(buf, RECFMT_MAX, "invlpg %08" PRIx64, r->addr); break;
    case REC_EXPECT: n = format_expect(r, buf); break;
    default: n = format_os(r, buf); break;
    }
    return n < 0 ? 0 : (size_t)n;
}
