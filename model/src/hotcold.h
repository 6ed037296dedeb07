/* hotcold.h - inlining hints for the translation path, shared by mmu.c and tlb.c.
 * HOT forces inlining where the compiler's heuristics would keep a small hot function out of
 * line (with link-time optimisation the TLB's lookup and fill are inlined into the MMU's access
 * path); COLD keeps rare paths out of line so the hot code needs no registers or stack for them. */
#ifndef MMUSIM_HOTCOLD_H
#define MMUSIM_HOTCOLD_H

#if defined(__GNUC__)
#define HOT __attribute__((always_inline)) inline
#define COLD __attribute__((cold, noinline))
#else
#define HOT
#define COLD
#endif

#endif
