/* mm_assert.h - the programming-error channel (DESIGN.md habit 7).
 *
 * Architectural faults are data (see mmu.h); bad input is a status code reported by the front
 * ends. MM_ASSERT is for neither: it guards internal invariants, and a failure is a bug in
 * mmusim itself, so it names the file and line and aborts. It stays on in release builds:
 * a silently wrong statistic is worse than a crash report.
 */
#ifndef MMUSIM_MM_ASSERT_H
#define MMUSIM_MM_ASSERT_H

_Noreturn void mm_assert_fail(const char *expr, const char *file, int line);

#define MM_ASSERT(e) ((e) ? (void)0 : mm_assert_fail(#e, __FILE__, __LINE__))

#endif
