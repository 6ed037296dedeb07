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
#include "files.h"
#include "grow.h"
#include "pagefile.h"
#include "pfn.h"
#include "proto.h"

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
    bool view;             /* a mapped view of control area ca */
    uint32_t ca;
    uint32_t first_page;   /* the view's first page within the segment */
} Vad;

typedef struct {
    uint32_t vpn;
    uint8_t age;
    uint8_t prot;          /* shared pages: this process's protection (private pages keep
                              theirs in the PFN's OriginalPte) */
    bool shared;           /* maps a prototype page */
} WsEntry;

/* A run of prototype PTEs with one file range (C.2). Pagefile-backed segments have one. */
typedef struct {
    uint32_t ca;           /* owning control area, CA_NONE when the entry is free */
    uint32_t proto_base;   /* first prototype PTE */
    uint32_t pages;        /* PtesInSubsection */
    uint32_t file_page;    /* StartingSector, in pages */
} Subsection;

#define CA_NONE UINT32_MAX

/* One per pagefile-backed section, one per file (C.2); its segment is the list of
 * subsections, in file order, covering pages [0, pages). */
typedef struct {
    bool in_use;
    bool reserve;          /* SEC_RESERVE: prototype PTEs start Uncommitted */
    int32_t file;          /* FileTable index, -1 for pagefile-backed */
    uint32_t sections;     /* NumberOfSectionReferences: open section handles */
    uint32_t views;        /* NumberOfMappedViews */
    uint32_t pfn_refs;     /* NumberOfPfnReferences: resident pages of the segment */
    uint32_t pages;        /* TotalNumberOfPtes */
    uint32_t *subs;
    uint32_t nsubs, capsubs;
} ControlArea;

typedef struct {
    uint32_t sid;
    uint32_t ca;
    uint32_t pages;        /* the section's size, which views must fit in */
} SectionHandle;

#define PINNED_MAX 4

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
    ProtoStore protos;
    Subsection *subs;
    uint32_t nsubs, capsubs;
    ControlArea *cas;
    uint32_t ncas, capcas;
    SectionHandle *secs;   /* open sections */
    uint32_t nsecs, capsecs;
    FileTable files;
    uint32_t pinned[PINNED_MAX]; /* pages of the access in flight: kept in the working set */
    uint32_t npinned;
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
/* The page-table page holding va's PTE (its PDE must be present). */
uint32_t os_table_pfn(Os *os, const Process *p, uint32_t va);
const char *os_check_range(Os *os, uint32_t base, uint32_t len, uint32_t align);
const char *os_add_vad(Os *os, Process *p, Vad v);
/* Give up whatever va's PTE holds (decommit, release, unmap, exit) and write `to` there. */
void os_drop_pte(Os *os, Process *p, uint32_t va, uint32_t a, uint32_t to);
/* os_drop_pte over a VPN range, freeing page tables that become empty. */
void os_release_pages(Os *os, Process *p, uint32_t start_vpn, uint32_t end_vpn);
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
/* C.6.3.3/4: ShareCount - 1 and, at 0, the prototype PTE (if any) becomes Transition and
 * RefCount - 1 and onto a list. */
void mem_share_dec(Os *os, uint32_t pfn);
/* C.6.3.4: RefCount - 1; at 0 onto the Free (deleted), Modified or Standby list. */
void mem_ref_dec(Os *os, uint32_t pfn);
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
bool ws_insert(Os *os, Process *p, uint32_t vpn, uint8_t prot, bool shared);
/* Index of vpn's entry; p->nws when absent. */
uint32_t ws_find(const Process *p, uint32_t vpn);
/* Remove vpn's entry (the PTE is being changed by the caller); no-op if absent. */
void ws_remove_vpn(Process *p, uint32_t vpn);
/* Take a valid page out of the working set (C.8): a private page's PTE becomes Transition, a
 * shared page's a prototype pointer; ShareCount - 1. */
void ws_evict(Os *os, Process *p, uint32_t index);
/* Is vpn a page of the access in flight in p (os_page_fault pins them until os_access_done)? */
bool ws_pinned(const Os *os, const Process *p, uint32_t vpn);
void ws_enforce_max(Os *os, Process *p);

/* ---- section.c: sections, control areas, views ---- */
static inline uint32_t proto_valid(uint32_t pfn) { return (pfn << 12) | NTPTE_P; }
/* The prototype PTE of page `page` of control area ca's segment / of a view's page. */
uint32_t seg_proto(const Os *os, uint32_t ca, uint32_t page);
uint32_t view_proto(const Os *os, const Vad *v, uint32_t vpn);
bool proto_is_clone(const Os *os, uint32_t idx);
/* The protection prototype PTE idx carries (its page's OriginalPte while valid). */
uint8_t proto_prot(Os *os, uint32_t idx);
/* What a process PTE holds once a shared page with protection prot leaves it: a direct
 * pointer when the prototype's own protection is prot (always for a fork clone), else a
 * "lookup needed" pointer with prot. */
uint32_t proto_pointer_for(Os *os, uint32_t idx, uint8_t prot);
/* A file page becomes (+1) or stops being (-1) resident: the NumberOfPfnReferences of its
 * control area. No-op for other pages. */
void proto_page_resident(Os *os, uint32_t pfn, int delta);
/* The mapped page writer for one file page: its bytes to the file. */
bool seg_write_file_page(Os *os, uint32_t pfn);
/* A prototype page on a list whose prototype PTE is going away: to the Free list. */
void proto_page_free(Os *os, uint32_t pfn);
/* Delete the control area's segment if it has no section handle and no view left. */
void ca_maybe_delete(Os *os, uint32_t ca);
/* Remove VAD i of p: release its pages (os_release_pages) and, for a view, drop the control
 * area's view count. */
void os_remove_vad(Os *os, Process *p, uint32_t i);
const char *os_commit_view(Os *os, const Vad *v, uint32_t base, uint32_t len);

/* ---- fork.c: fork clones (C.7.2) ---- */
/* One process PTE fewer refers to clone prototype idx; at none the clone's page is freed. */
void clone_unref(Os *os, uint32_t idx);
/* Does this process PTE refer to a fork clone (a direct pointer, or a valid mapping)? */
bool os_refers_to_clone(Os *os, uint32_t pte);
/* The clone such a PTE refers to. */
uint32_t clone_of(Os *os, uint32_t pte);
/* Give p its own copy of the clone page its PTE at va refers to: afterwards the PTE is a
 * private Transition page (on the Modified list) with the clone's protection. False when the
 * run became fatal. */
bool clone_materialize(Os *os, Process *p, uint32_t va, uint32_t a);

#endif
