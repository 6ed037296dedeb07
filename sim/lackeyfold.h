/* lackeyfold.h - the 4 MiB-chunk fold of a recording into the 32-bit NT user space
 * (spec/traces.md section 4, "Fold into the 32-bit NT user space").
 *
 * Pass 1 marks every 4 MiB chunk that an access or a mapping touches, in every process of the
 * recording. fold_build() coalesces consecutive chunks into runs, puts the highest run (the
 * stack) so that it ends at 0x7FC00000 and the others upward from 0x00400000 in source order,
 * one empty chunk between runs. A chunk moves whole: page offsets, the 1024 PTEs of its page
 * table and 4 MiB alignment stay. The map is written into the trace header as one
 * `#fold SRC DST` line per chunk.
 */
#ifndef MMUSIM_SIM_LACKEYFOLD_H
#define MMUSIM_SIM_LACKEYFOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FOLD_CHUNK_SHIFT 22
#define FOLD_LOW UINT32_C(0x00400000)  /* the first run starts here */
#define FOLD_HIGH UINT32_C(0x7FC00000) /* the highest run ends here */
#define FOLD_MAX_CHUNKS ((FOLD_HIGH - FOLD_LOW) >> FOLD_CHUNK_SHIFT)

typedef struct LkFold LkFold;

LkFold *fold_new(void);
void fold_free(LkFold *f);

/* Pass 1: the chunks of bytes [first, last] are in use. False when out of memory. */
bool fold_touch(LkFold *f, uint64_t first, uint64_t last);
/* Is the chunk of addr marked? */
bool fold_marked(const LkFold *f, uint64_t addr);

/* Lays the marked chunks out. False with a message ("the footprint does not fit ...") when
 * they do not fit. */
bool fold_build(LkFold *f, char *err, size_t errlen);

/* After fold_build: the folded address of src, or false if its chunk is not in the fold. */
bool fold_to_dst(const LkFold *f, uint64_t src, uint32_t *dst);
/* The source address of folded address dst, or false if no chunk lands there. */
bool fold_to_src(const LkFold *f, uint32_t dst, uint64_t *src);

/* The chunks in source order: count, and chunk i's source and folded base addresses. */
size_t fold_chunks(const LkFold *f);
void fold_chunk(const LkFold *f, size_t i, uint64_t *src, uint32_t *dst);
/* The index of the first chunk (in source order) that ends after src. */
size_t fold_lower(const LkFold *f, uint64_t src);

#endif
