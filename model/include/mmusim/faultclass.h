/* faultclass.h - how the OS model resolved a page fault (spec/nt-memory-manager.md C.5).
 *
 * The classes users see in `expect fault` lines, in --log and in the statistics. FAULT_NONE
 * means the access needed no OS work. Success classes retry the access; FAULT_GUARD and FAULT_AV
 * skip it (the trace goes on).
 */
#ifndef MMUSIM_FAULTCLASS_H
#define MMUSIM_FAULTCLASS_H

#include <stdbool.h>

typedef enum {
    FAULT_NONE,
    FAULT_DEMAND_ZERO, /* C.5.2 */
    FAULT_SOFT,        /* transition, or an already valid prototype PTE (C.5.3, C.5.5) */
    FAULT_HARD,        /* pagefile or file read (C.5.4, C.5.5 subsection) */
    FAULT_COW,         /* copy-on-write (C.7.1) */
    FAULT_GUARD,       /* guard page: the access is skipped */
    FAULT_AV,          /* access violation: the access is skipped */
    FAULT_SPURIOUS,    /* the PTE already allowed the access (C.5 step 3, Valid): retried */
} FaultClass;
#define FAULT_CLASSES 8

/* "none", "demand-zero", "soft", "hard", "cow", "guard", "av", "spurious". */
const char *fault_class_name(FaultClass c);
/* Parse one class name; false if unknown. */
bool fault_class_parse(const char *name, FaultClass *out);

#endif
