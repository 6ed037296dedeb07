/* proto.h - the prototype-PTE store (spec/nt-memory-manager.md C.2, C.6.2, C.7.2).
 *
 * Every prototype PTE of every segment and every fork clone lives in one array, so that a
 * process PTE in prototype-pointer form and a PFN's PteAddress can name one by its global index
 * (the C.3 decision: indices instead of kernel addresses). A segment takes a contiguous run of
 * indices per subsection; a fork takes one run for all the pages it clones and gives them back
 * one by one. Free runs are kept sorted and merged; allocation is first fit, and the array
 * grows at the top when no free run is long enough.
 */
#ifndef MMUSIM_OS_PROTO_H
#define MMUSIM_OS_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#define PROTO_NONE UINT32_MAX
#define PROTO_OWNER_CLONE UINT32_C(0xFFFFFFFE) /* a fork clone (C.7.2) */
#define PROTO_OWNER_FREE UINT32_MAX
/* The highest index a prototype pointer can carry: the all-ones pointer means "lookup needed"
 * (C.3), so indices stay below the first index whose high 20 bits are all ones. */
#define PROTO_INDEX_LIMIT (UINT32_C(0xFFFFF) << 7)

typedef struct {
    uint32_t pte;     /* the prototype PTE, C.3 formats (ntpte_classify_proto) */
    uint32_t owner;   /* subsection index, PROTO_OWNER_CLONE or PROTO_OWNER_FREE */
    uint32_t refs;    /* clones: process PTEs that refer to it (prototype pointer or valid) */
} Proto;

typedef struct {
    uint32_t start, len;
} ProtoRun;

typedef struct {
    Proto *e;
    uint32_t size, cap;     /* indices [0, size) exist */
    ProtoRun *free;         /* sorted by start, never adjacent */
    uint32_t nfree, capfree;
    uint32_t used;
} ProtoStore;

void proto_init(ProtoStore *s);
void proto_fini(ProtoStore *s);
/* n consecutive indices, each zero (Uncommitted) and owned by owner; PROTO_NONE when out of
 * host memory or past PROTO_INDEX_LIMIT. */
uint32_t proto_alloc(ProtoStore *s, uint32_t n, uint32_t owner);
/* Give back n indices from start (they must be in use). False only when out of host memory. */
bool proto_release(ProtoStore *s, uint32_t start, uint32_t n);

#endif
