/* mmb.c - what the MMB writer and reader share; see mmb.h. */
#include "mmb.h"

#include <string.h>

#include "mmusim/cpu.h"

const char *const mmb_kind_keyword[MMB_KINDS] = {"I", "L", "S", "M"};
const uint8_t mmb_kind_access[MMB_KINDS] = {ACC_FETCH, ACC_READ, ACC_WRITE, ACC_WRITE};

unsigned mmb_kind_of_letter(char c) { return c == 'I' ? 0 : c == 'L' ? 1 : c == 'S' ? 2 : 3; }

void mmb_access_record(uint64_t w, uint32_t size, uint64_t pos, Record *r) {
    unsigned kind = (unsigned)(w >> MMB_KIND_SHIFT & 3);
    memset(r, 0, offsetof(Record, path));
    r->path[0] = '\0';
    r->kind = REC_ACCESS;
    r->keyword = mmb_kind_keyword[kind];
    r->access = mmb_kind_access[kind];
    r->addr = (uint32_t)w;
    r->size = size;
    r->line = pos;
}

unsigned mmb_event_code(const Record *r, uint32_t *arg) {
    *arg = 0;
    switch (r->kind) {
    case REC_MODE: return MMB_EV_MODE;
    case REC_CONFIG: return MMB_EV_CONFIG;
    case REC_REG: return MMB_EV_REG;
    case REC_EFLAGS: return MMB_EV_EFLAGS;
    case REC_CPL: return MMB_EV_CPL;
    case REC_POKE: return MMB_EV_POKE;
    case REC_INVLPG: return MMB_EV_INVLPG;
    case REC_EXPECT: return MMB_EV_EXPECT;
    default: break;
    }
    if (r->os == OSEV_SECTION || r->os == OSEV_CLOSE) *arg = r->sid;
    else if (r->os != OSEV_TICK && r->os != OSEV_IDLE) *arg = r->pid;
    return MMB_EV_OS + r->os;
}
