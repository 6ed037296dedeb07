/* ntpte.h - NT memory-manager PTE formats and protection codes for 32-bit non-PAE paging
 * (spec/nt-memory-manager.md C.3 and C.4; docs/os-model.md pins the choices).
 *
 * The OS model writes these exact bits into simulated physical memory (process page tables)
 * and into its prototype-PTE store. A P=0 entry is invisible to the MMU. Two classifiers,
 * because the same bit means different things in a process PTE and in a prototype PTE.
 * Pointers are indices (C.3 decision): a prototype-pointer PTE carries the global index of a
 * prototype PTE (27 bits usable), a subsection PTE carries a subsection index (24 bits).
 */
#ifndef MMUSIM_NTPTE_H
#define MMUSIM_NTPTE_H

#include <stdbool.h>
#include <stdint.h>

/* ---- protection codes (C.4) ---- */
enum {
    MM_ZERO_ACCESS = 0,
    MM_READONLY = 1,
    MM_EXECUTE = 2,
    MM_EXECUTE_READ = 3,
    MM_READWRITE = 4,
    MM_WRITECOPY = 5,
    MM_EXECUTE_READWRITE = 6,
    MM_EXECUTE_WRITECOPY = 7,
    MM_NOCACHE = 0x08,
    MM_GUARD = 0x10,
    MM_WRITECOMBINE = 0x18,
    MM_DECOMMIT = 0x10,  /* ZERO_ACCESS | GUARD */
    MM_NOACCESS = 0x18,  /* ZERO_ACCESS | WRITECOMBINE */
};
#define MM_PROT_ACCESS(p) ((p) & 7u)

/* Parse a trace protection: NA RO RW WC X XR XRW XWC, optionally +G (guard) and/or +NC
 * (no-cache), e.g. "RW+G". False for anything else, including NA with a modifier. */
bool mmprot_parse(const char *text, uint8_t *code);
/* The trace spelling of a code ("RW+G"), for logs and messages; buf needs 12 bytes. */
const char *mmprot_name(uint8_t code, char *buf);

/* MiIsAccessAllowed: kind is an AccessKind (0 fetch, 1 read, 2 write). Write-copy codes allow
 * writes (they trigger a private copy). Execute is checked only when nx_enforced. */
bool mmprot_allows(uint8_t code, uint8_t kind, bool nx_enforced);
bool mmprot_is_writecopy(uint8_t code);
/* Write-copy removed: 5 -> 4, 7 -> 6; other codes unchanged. */
uint8_t mmprot_without_writecopy(uint8_t code);
/* Writable codes made write-copy (fork clones, C.7.2): 4 -> 5, 6 -> 7. */
uint8_t mmprot_as_writecopy(uint8_t code);
/* Can a page with this code ever be valid? (not 0, NOACCESS or DECOMMIT, no GUARD) */
bool mmprot_mappable(uint8_t code);

/* ---- bits (C.3) ---- */
#define NTPTE_P (UINT32_C(1) << 0)
#define NTPTE_RW (UINT32_C(1) << 1)
#define NTPTE_US (UINT32_C(1) << 2)
#define NTPTE_PCD (UINT32_C(1) << 4)
#define NTPTE_A (UINT32_C(1) << 5)
#define NTPTE_D (UINT32_C(1) << 6)
#define NTPTE_COW (UINT32_C(1) << 9)        /* valid PTE: copy-on-write */
#define NTPTE_PROTOTYPE (UINT32_C(1) << 10) /* invalid PTE: prototype pointer / subsection */
#define NTPTE_TRANSITION (UINT32_C(1) << 11)
#define NTPTE_FRAME_MASK UINT32_C(0xFFFFF000)

#define NTPTE_PROTO_INDEX_MAX ((UINT32_C(1) << 27) - 1) /* all-ones high part = lookup needed */
#define NTPTE_SUBSECTION_MAX ((UINT32_C(1) << 24) - 1)
#define NTPTE_SLOT_MAX UINT32_C(0xFFFFF)                 /* pagefile slots are 1..this */

/* Valid PTE for frame pfn with the rights of protection code prot (C.4): R/W from the code,
 * write-copy codes give R/W=0 and COW=1, U/S for user pages, PCD for NOCACHE. dirty presets D
 * (only meaningful when writable). */
uint32_t ntpte_valid(uint32_t pfn, uint8_t prot, bool user, bool dirty);
/* Software PTE: demand-zero (slot 0) or pagefile (file, slot). */
uint32_t ntpte_software(uint8_t prot, uint8_t file, uint32_t slot);
/* Transition PTE for pfn, keeping the W/U/PWT/PCD copy of the PTE it replaces. */
uint32_t ntpte_transition(uint32_t pfn, uint8_t prot, uint32_t old_valid);
/* Prototype pointer to prototype PTE `index`; readonly forces READONLY on the fault path. */
uint32_t ntpte_proto_pointer(uint32_t index, bool readonly);
/* Prototype pointer "lookup needed: find the prototype through the VAD", with a protection. */
uint32_t ntpte_proto_lookup(uint8_t prot);
/* Subsection PTE (only inside prototype PTEs). */
uint32_t ntpte_subsection(uint32_t subsection, uint8_t prot);

/* Field extraction. */
static inline uint8_t ntpte_prot(uint32_t pte) { return (uint8_t)((pte >> 5) & 0x1F); }
static inline uint32_t ntpte_pfn(uint32_t pte) { return pte >> 12; }
static inline uint32_t ntpte_slot(uint32_t pte) { return pte >> 12; }
static inline uint8_t ntpte_file(uint32_t pte) { return (uint8_t)((pte >> 1) & 0xF); }
static inline bool ntpte_proto_readonly(uint32_t pte) { return (pte >> 8) & 1; }
uint32_t ntpte_proto_index(uint32_t pte);
bool ntpte_proto_is_lookup(uint32_t pte);
uint32_t ntpte_subsection_index(uint32_t pte);
/* A new protection in a software, transition or lookup-needed prototype-pointer PTE. */
static inline uint32_t ntpte_with_prot(uint32_t pte, uint8_t prot) {
    return (pte & ~(UINT32_C(0x1F) << 5)) | ((uint32_t)(prot & 0x1F) << 5);
}

typedef enum {
    PPTE_VALID,
    PPTE_ZERO,          /* all zero: consult the VAD */
    PPTE_PROTO_POINTER, /* lookup-needed or direct */
    PPTE_TRANSITION,
    PPTE_PAGEFILE,
    PPTE_DECOMMITTED,
    PPTE_DEMAND_ZERO,   /* guard when the protection has MM_GUARD */
} ProcessPteKind;

typedef enum {
    PROTO_VALID,
    PROTO_UNCOMMITTED,
    PROTO_SUBSECTION,
    PROTO_TRANSITION,
    PROTO_PAGEFILE,
    PROTO_DEMAND_ZERO,
} ProtoPteKind;

ProcessPteKind ntpte_classify_process(uint32_t pte);
ProtoPteKind ntpte_classify_proto(uint32_t pte);

#endif
