/* grow.h - room for one more element in a growable array (the OS model's lists). */
#ifndef MMUSIM_OS_GROW_H
#define MMUSIM_OS_GROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* arr holds n elements of `size` bytes in room for *cap. Returns arr when there is room for one
 * more, else arr reallocated to twice the room (`first` elements the first time) with *cap
 * updated, or NULL when out of host memory (arr and *cap unchanged). */
static inline void *grow_array(void *arr, uint32_t n, uint32_t *cap, size_t size, uint32_t first) {
    if (n < *cap) return arr;
    uint32_t c = *cap ? 2 * *cap : first;
    void *p = realloc(arr, (size_t)c * size);
    if (p) *cap = c;
    return p;
}

#endif
