/* mm_assert.c - report a broken internal invariant and stop (see mm_assert.h). This is the one
 * place in the model that writes to stderr: a failed assertion is a bug in mmusim, not input. */
#include "mmusim/mm_assert.h"

#include <stdio.h>
#include <stdlib.h>

_Noreturn void mm_assert_fail(const char *expr, const char *file, int line) {
    fprintf(stderr, "%s:%d: internal error: assertion '%s' failed\n", file, line, expr);
    abort();
}
