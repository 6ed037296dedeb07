/* meta.h - a trace's header lines (#source, #fold, #page ...), kept for the results.
 *
 * Bounded (META_LINES lines of at most META_LINE_MAX bytes) so that memory stays constant
 * however long the trace; a header beyond the bounds is an error the reader reports.
 */
#ifndef MMUSIM_SIM_META_H
#define MMUSIM_SIM_META_H

#include <stdbool.h>
#include <stddef.h>

#define META_LINES 256
#define META_LINE_MAX 1024

typedef struct {
    char *line[META_LINES];
    size_t n;
} MetaList;

/* Is "key value..." (the comment text after '#') a header line: a lower-case key directly
 * after the '#'? */
bool meta_is_header(const char *text, size_t len);
/* Copies the text. False when the list is full, the line too long or memory is out; *why
 * says which. */
bool meta_add(MetaList *m, const char *text, size_t len, const char **why);
void meta_free(MetaList *m);

#endif
