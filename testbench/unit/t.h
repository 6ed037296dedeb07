/* t.h - the unit tests' tiny test header. Each test file is one executable run by ctest; it
 * prints one line per failed check and ends with "N passed, M failed". */
#ifndef MMUSIM_T_H
#define MMUSIM_T_H

#include <inttypes.h>
#include <stdio.h>

static int t_pass, t_fail;

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (cond) t_pass++;                                                                       \
        else {                                                                                    \
            t_fail++;                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
        }                                                                                         \
    } while (0)

#define CHECK_EQ(a, b)                                                                            \
    do {                                                                                          \
        uint64_t t_a = (uint64_t)(a), t_b = (uint64_t)(b);                                        \
        if (t_a == t_b) t_pass++;                                                                 \
        else {                                                                                    \
            t_fail++;                                                                             \
            fprintf(stderr, "%s:%d: %s == %s: got 0x%" PRIx64 ", expected 0x%" PRIx64 "\n",       \
                    __FILE__, __LINE__, #a, #b, t_a, t_b);                                        \
        }                                                                                         \
    } while (0)

#define RUN(test)                                                                                 \
    do {                                                                                          \
        int t_before = t_fail;                                                                    \
        test();                                                                                   \
        if (t_fail != t_before) fprintf(stderr, "  in %s\n", #test);                              \
    } while (0)

static inline int t_done(void) {
    printf("%d passed, %d failed\n", t_pass, t_fail);
    return t_fail ? 1 : 0;
}

#endif
