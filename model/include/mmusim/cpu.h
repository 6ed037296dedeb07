/* cpu.h - the architectural state the paging unit reads: control registers, CPL, EFLAGS.AC,
 * the CPU profile, and the x86 entry bit names (spec/x86-paging.md A.1, A.2).
 */
#ifndef MMUSIM_CPU_H
#define MMUSIM_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Control-register bits (A.1). */
#define CR0_PE (UINT32_C(1) << 0)
#define CR0_WP (UINT32_C(1) << 16)
#define CR0_PG (UINT32_C(1) << 31)
#define CR4_PSE (UINT32_C(1) << 4)
#define CR4_PAE (UINT32_C(1) << 5)
#define CR4_PGE (UINT32_C(1) << 7)
#define CR4_SMEP (UINT32_C(1) << 20)
#define CR4_SMAP (UINT32_C(1) << 21)
#define EFER_LME (UINT64_C(1) << 8)
#define EFER_NXE (UINT64_C(1) << 11)
#define EFLAGS_AC (UINT32_C(1) << 18)

/* Paging-structure entry bits (A.2). */
#define PTE_P (UINT64_C(1) << 0)
#define PTE_RW (UINT64_C(1) << 1)
#define PTE_US (UINT64_C(1) << 2)
#define PTE_PWT (UINT64_C(1) << 3)
#define PTE_PCD (UINT64_C(1) << 4)
#define PTE_A (UINT64_C(1) << 5)
#define PTE_D (UINT64_C(1) << 6)
#define PTE_PS (UINT64_C(1) << 7)
#define PTE_G (UINT64_C(1) << 8)
#define PTE_XD (UINT64_C(1) << 63)

/* #PF error-code bits (A.6). */
#define PFERR_P (1u << 0)
#define PFERR_W (1u << 1)
#define PFERR_U (1u << 2)
#define PFERR_RSVD (1u << 3)
#define PFERR_ID (1u << 4)

/* Kinds of access (A.3). A locked read-modify-write is a WRITE for paging. */
typedef enum { ACC_FETCH = 0, ACC_READ = 1, ACC_WRITE = 2 } AccessKind;
#define ACC_KINDS 3

#define VEC_GP 13
#define VEC_PF 14

/* What the CPU model supports; fixed per run ("config" lines in bare traces change it). */
typedef struct {
    uint8_t maxphyaddr; /* M: 32..40 */
    bool pat;           /* without PAT, PTE bit 7 and large-PDE bit 12 are reserved */
    bool pse36;         /* PSE-36: 4 MiB PDE bits 20:13 are physical-address bits 39:32 */
} CpuProfile;

/* The spec's default profile: M=40 with PAT and PSE-36 (Bochs' Debian build). */
CpuProfile cpu_profile_default(void);

typedef struct {
    uint32_t cr0, cr3, cr4;
    uint64_t efer;
    uint32_t eflags; /* only AC matters */
    uint32_t cr2;    /* the latest #PF's linear address */
    uint8_t cpl;
    uint64_t pdpte[4]; /* PAE PDPTE registers, loaded on the writes listed in A.2.2 */
} CpuRegs;

typedef enum { PAGING_OFF, PAGING_32, PAGING_PAE } PagingMode;

static inline PagingMode cpu_paging_mode(const CpuRegs *r) {
    if (!(r->cr0 & CR0_PG)) return PAGING_OFF;
    return (r->cr4 & CR4_PAE) ? PAGING_PAE : PAGING_32;
}

#endif
