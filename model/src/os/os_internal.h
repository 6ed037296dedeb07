/* os_internal.h - the OS model's objects, shared by its source files (os.h is the API).
 *
 * Physical layout (docs/os-model.md): frame 0 is never used; frame 1 is the kernel page table
 * mapping KERNEL_PAGES pages at 0x80000000 (global when CR4.PGE is on); frames 2.. hold those
 * kernel pages. Managed frames, the PFN database, start at OS_FIRST_PFN. Each process has a
 * page directory whose PDE 0x200 points to the kernel page table and whose PDE 0x300 maps the
 * directory itself (the PTE self-map at 0xC0000000).
 */
#ifndef MMUSIM_OS_INTERNAL_H
#define MMUSIM_OS_INTERNAL_H

#include <stdio.h>

#include "mmusim/ntpte.h"
#include "mmusim/os.h"
#include "pagefile.h"
#include "pfn.h"

#define KERNEL_PT_PFN 1u
#define KERNEL_PAGES 16u
#define OS_FIRST_PFN 32u
#define USER_LOW UINT32_C(0x00010000)
#define USER_HIGH UINT32_C(0x7FFF0000) /* first address above user space */
#define KERNEL_BASE UINT32_C(0x80000000)
#define SELFMAP_PDE 0x300u
#define USER_PDES 512u
#define GRANULARITY UINT32_C(0x10000)

typedef struct {
    uint32_t start, end;   /* VPNs, inclusive */
    uint8_t prot;          /* MM code */
    bool mem_commit;       /* private: committed at reserve time (alloc) */
} Vad;

typedef struct {
    uint32_t vpn;
    uint8_t age;
} WsEntry;

typedef struct {
    uint32_t pid;
    bool alive;
    uint32_t pd_pfn;
    Vad *vads;             /* sorted by start, disjoint */
    uint32_t nvads, capvads;
    WsEntry *ws;           /* in insertion order */
    uint32_t nws, capws;
    uint16_t used_ptes[USER_PDES]; /* non-zero PTEs per user page table */
    OsFaultStats st;
} Process;

struct Os {
    OsConfig cfg;
    Physmem *pm;
    Mmu *mmu;
    PfnDb db;
    Pagefile pf;
    Process **procs;       /* creation order */
    uint32_t nprocs, capprocs;
    Process *cur;
    bool paging_on;
    const char *fatal;
    OsStats st;
    char msg[256];
    char report[1024];
};

/* ---- os.c: processes, page tables, PTE access ---- */
Process *os_find(Os *os, uint32_t pid);
const char *os_fail(Os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Physical address of the PTE for va in p, or 0 when its page table does not exist. */
uint32_t os_pte_addr(Os *os, const Process *p, uint32_t va);
/* Create va's page table if needed (a zeroed page, C.5 step 2); the PTE address, 0 if out of
 * memory. */
uint32_t os_ensure_pte(Os *os, Process *p, uint32_t va);
uint32_t os_read_pte(Os *os, uint32_t addr);
/* Write a PTE of p for va; keeps UsedPageTableEntries and, when the old value was valid in
 * the current address space, issues INVLPG (C.12). */
void os_write_pte(Os *os, Process *p, uint32_t va, uint32_t addr, uint32_t value);
Vad *os_find_vad(Process *p, uint32_t vpn);
void os_pm_write32(Os *os, uint64_t addr, uint32_t v);

/* ---- fault.c / memory: page allocation and release ---- */
/* Take a page for data that must start zeroed (Zeroed, Free+zero, Standby+zero) or that will
 * be overwritten (Free, Zeroed, Standby); PFN_NONE when none is available even after the
 * emergency pass. The PFN is unlinked, RefCount 1, Active, fields cleared. */
uint32_t mem_take_page(Os *os, bool zeroed);
/* C.6.3.3/4: ShareCount - 1 and, at 0, RefCount - 1 and onto a list. */
void mem_share_dec(Os *os, uint32_t pfn);
/* C.6.3.7: the owner PTE is gone: delete a private page (its PTE in p at va was V or T). */
void mem_delete_private(Os *os, uint32_t pfn);
/* Release the pagefile slot a software PTE or OriginalPte holds, if any. */
void mem_release_slot(Os *os, uint32_t soft_pte);
/* A page-table page gains or loses one share (C.2). */
void mem_table_share(Os *os, uint32_t table_pfn, int delta);
void mem_zero_page(Os *os, uint32_t pfn);
/* Capture D of a valid PTE into its PFN's Modified (C.9), releasing a stale pagefile slot. */
void mem_capture_dirty(Os *os, uint32_t pfn, uint32_t pte);
/* The modified page writer: up to max pages from the Modified list to the paging file. */
uint32_t mem_write_modified(Os *os, uint32_t max);

/* ---- ws.c ---- */
bool ws_insert(Os *os, Process *p, uint32_t vpn);
/* Remove va's entry (the PTE is being changed by the caller); no-op if absent. */
void ws_remove_vpn(Process *p, uint32_t vpn);
/* Take a valid private page out of the working set: PTE := T, ShareCount - 1 (C.8). */
void ws_evict(Os *os, Process *p, uint32_t index);
void ws_enforce_max(Os *os, Process *p, uint32_t keep_vpn);

#endif
