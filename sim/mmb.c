/* mmb.c - what the MMB writer and reader share; see mmb.h. */
#include "mmb.h"

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
