/* ntpte.c - NT PTE formats, classifiers and protection codes (ntpte.h, spec C.3/C.4). */
#include "mmusim/ntpte.h"

#include <stdio.h>
#include <string.h>

/* ---- protection codes ---- */

static const char *const access_names[8] = {"NA", "RO", "X", "XR", "RW", "WC", "XRW", "XWC"};

bool mmprot_parse(const char *text, uint8_t *code) {
    const char *plus = strchr(text, '+');
    size_t n = plus ? (size_t)(plus - text) : strlen(text);
    int base = -1;
    for (int i = 0; i < 8; i++)
        if (strlen(access_names[i]) == n && strncmp(text, access_names[i], n) == 0) base = i;
    if (base < 0) return false;
    uint8_t c = base == 0 ? MM_NOACCESS : (uint8_t)base;
    bool guard = false, nocache = false;
    while (plus) {
        const char *m = plus + 1, *next = strchr(m, '+');
        size_t len = next ? (size_t)(next - m) : strlen(m);
        if (len == 1 && m[0] == 'G' && !guard) guard = true;
        else if (len == 2 && strncmp(m, "NC", 2) == 0 && !nocache) nocache = true;
        else return false;
        plus = next;
    }
    if (base == 0 && (guard || nocache)) return false; /* C.4: invalid with NOACCESS */
    if (guard && nocache) return false; /* 0x18 is WRITECOMBINE, not guard + no-cache */
    *code = (uint8_t)(c | (guard ? MM_GUARD : 0) | (nocache ? MM_NOCACHE : 0));
    return true;
}

const char *mmprot_name(uint8_t code, char *buf) {
    if (code == MM_NOACCESS || MM_PROT_ACCESS(code) == 0) {
        strcpy(buf, code == MM_DECOMMIT ? "DECOMMIT" : "NA");
        return buf;
    }
    snprintf(buf, 12, "%s%s%s", access_names[MM_PROT_ACCESS(code)],
             (code & 0x18) == MM_GUARD ? "+G" : (code & 0x18) == MM_WRITECOMBINE ? "+WCB" : "",
             (code & 0x18) == MM_NOCACHE ? "+NC" : "");
    return buf;
}

bool mmprot_allows(uint8_t code, uint8_t kind, bool nx_enforced) {
    unsigned a = MM_PROT_ACCESS(code);
    switch (kind) {
    case 0: return !nx_enforced ? a != 0 : (a == 2 || a == 3 || a == 6 || a == 7);
    case 1: return a != 0;
    default: return a >= 4;
    }
}

bool mmprot_is_writecopy(uint8_t code) {
    unsigned a = MM_PROT_ACCESS(code);
    return a == MM_WRITECOPY || a == MM_EXECUTE_WRITECOPY;
}

uint8_t mmprot_without_writecopy(uint8_t code) {
    return mmprot_is_writecopy(code) ? (uint8_t)(code - 1) : code;
}

uint8_t mmprot_as_writecopy(uint8_t code) {
    unsigned a = MM_PROT_ACCESS(code);
    return a == MM_READWRITE || a == MM_EXECUTE_READWRITE ? (uint8_t)(code + 1) : code;
}

bool mmprot_mappable(uint8_t code) { return MM_PROT_ACCESS(code) != 0 && !(code & MM_GUARD); }

/* ---- formats ---- */

uint32_t ntpte_valid(uint32_t pfn, uint8_t prot, bool user, bool dirty) {
    unsigned a = MM_PROT_ACCESS(prot);
    uint32_t pte = (pfn << 12) | NTPTE_P;
    if (a == MM_READWRITE || a == MM_EXECUTE_READWRITE) pte |= NTPTE_RW | (dirty ? NTPTE_D : 0);
    if (a == MM_WRITECOPY || a == MM_EXECUTE_WRITECOPY) pte |= NTPTE_COW;
    if (user) pte |= NTPTE_US;
    if ((prot & 0x18) == MM_NOCACHE) pte |= NTPTE_PCD;
    return pte;
}

uint32_t ntpte_software(uint8_t prot, uint8_t file, uint32_t slot) {
    return (slot << 12) | ((uint32_t)(prot & 0x1F) << 5) | ((uint32_t)(file & 0xF) << 1);
}

uint32_t ntpte_transition(uint32_t pfn, uint8_t prot, uint32_t old_valid) {
    return (pfn << 12) | NTPTE_TRANSITION | ((uint32_t)(prot & 0x1F) << 5) | (old_valid & 0x1E);
}

uint32_t ntpte_proto_pointer(uint32_t index, bool readonly) {
    return ((index >> 7) << 11) | NTPTE_PROTOTYPE | ((uint32_t)readonly << 8) | ((index & 0x7F) << 1);
}

uint32_t ntpte_proto_lookup(uint8_t prot) {
    return NTPTE_FRAME_MASK | NTPTE_PROTOTYPE | ((uint32_t)(prot & 0x1F) << 5);
}

uint32_t ntpte_subsection(uint32_t subsection, uint8_t prot) {
    return ((subsection >> 4) << 11) | NTPTE_PROTOTYPE | ((uint32_t)(prot & 0x1F) << 5) |
           ((subsection & 0xF) << 1);
}

uint32_t ntpte_proto_index(uint32_t pte) { return ((pte >> 11) << 7) | ((pte >> 1) & 0x7F); }

bool ntpte_proto_is_lookup(uint32_t pte) { return (pte & NTPTE_FRAME_MASK) == NTPTE_FRAME_MASK; }

uint32_t ntpte_subsection_index(uint32_t pte) { return (((pte >> 11) & 0xFFFFF) << 4) | ((pte >> 1) & 0xF); }

ProcessPteKind ntpte_classify_process(uint32_t pte) {
    if (pte & NTPTE_P) return PPTE_VALID;
    if (pte == 0) return PPTE_ZERO;
    if (pte & NTPTE_PROTOTYPE) return PPTE_PROTO_POINTER;
    if (pte & NTPTE_TRANSITION) return PPTE_TRANSITION;
    if (ntpte_slot(pte)) return PPTE_PAGEFILE;
    if (ntpte_prot(pte) == MM_DECOMMIT) return PPTE_DECOMMITTED;
    return PPTE_DEMAND_ZERO;
}

ProtoPteKind ntpte_classify_proto(uint32_t pte) {
    if (pte & NTPTE_P) return PROTO_VALID;
    if (pte == 0) return PROTO_UNCOMMITTED;
    if (pte & NTPTE_PROTOTYPE) return PROTO_SUBSECTION;
    if (pte & NTPTE_TRANSITION) return PROTO_TRANSITION;
    if (ntpte_slot(pte)) return PROTO_PAGEFILE;
    return PROTO_DEMAND_ZERO;
}
