/* lackeyvm.h - a Linux process address space as lackey2mm sees it: the areas (VMAs) its
 * system calls created, in source (recorded) page numbers.
 *
 * An area is a run of pages with one kind, one protection and, for files and shared memory,
 * one backing object at a running page offset. mmap over existing areas, partial munmap and
 * mprotect split areas exactly as Linux splits VMAs. Pages the program touched that no system
 * call mapped (the executable, the interpreter and the stack, which the loader maps before the
 * first record) become LV_IMPLICIT areas. Pages of shared anonymous objects are counted across
 * every process, so the converter knows when the last mapping of one goes away.
 */
#ifndef MMUSIM_SIM_LACKEYVM_H
#define MMUSIM_SIM_LACKEYVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    LV_IMPLICIT,    /* mapped before the first record (image, stack); read/write/execute */
    LV_ANON,        /* private anonymous memory (mmap, brk) */
    LV_SHM,         /* shared anonymous memory: obj is a shared-memory object */
    LV_FILE,        /* private file mapping: obj is a path id, off the file page */
    LV_FILE_SHARED, /* shared file mapping */
    LV_HIDDEN       /* valgrind's own (vgpreload_*.so): never shown, its accesses dropped */
} LvKind;

#define LV_PROT_R 1u
#define LV_PROT_W 2u
#define LV_PROT_X 4u

typedef struct {
    uint64_t start, end; /* pages [start, end) */
    uint64_t off;        /* object page at start (files, shared memory) */
    uint32_t obj;
    uint8_t kind;        /* LvKind */
    uint8_t prot;        /* LV_PROT_* */
} LvArea;

/* Pages mapped of each shared-memory object, over all processes; objects whose count fell to
 * zero are listed in dead until the caller takes them. */
typedef struct {
    uint64_t *pages;
    uint32_t n, cap;
    uint32_t *dead;
    uint32_t ndead, capdead;
} LvObjs;

typedef struct {
    LvArea *a;
    size_t n, cap;
    LvObjs *objs; /* shared by every process of a recording */
    bool oom;     /* a growth failed: the caller reports out of memory */
} LvMap;

/* A new shared-memory object id (its page count starts at 0). UINT32_MAX when out of memory. */
uint32_t lv_obj_new(LvObjs *o);

/* The index of the first area that ends after page (n if none). */
size_t lv_lower(const LvMap *m, uint64_t page);
/* The area holding page, or NULL. */
const LvArea *lv_find(const LvMap *m, uint64_t page);

/* munmap: pages [s, e) no longer mapped. */
void lv_remove(LvMap *m, uint64_t s, uint64_t e);
/* Maps area a over pages that must be free (after lv_remove); joins equal neighbours. */
void lv_insert(LvMap *m, LvArea a);
/* mprotect on the mapped pages of [s, e); unmapped pages are left alone. */
void lv_protect(LvMap *m, uint64_t s, uint64_t e, uint8_t prot);

/* fork: dst (empty) becomes a copy of src. */
void lv_copy(LvMap *dst, const LvMap *src);
/* exec, exit: no areas left. */
void lv_clear(LvMap *m);
void lv_free(LvMap *m);

#endif
