/* meta.c - see meta.h. */
#include "meta.h"

#include <stdlib.h>
#include <string.h>

bool meta_is_header(const char *text, size_t len) {
    return len > 0 && text[0] >= 'a' && text[0] <= 'z';
}

bool meta_add(MetaList *m, const char *text, size_t len, const char **why) {
    while (len && (text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    if (m->n == META_LINES) {
        *why = "more than 256 header lines";
        return false;
    }
    if (len >= META_LINE_MAX) {
        *why = "header line longer than 1023 bytes";
        return false;
    }
    if (memchr(text, '\0', len)) {
        *why = "NUL byte in a header line";
        return false;
    }
    char *s = malloc(len + 1);
    if (!s) {
        *why = "out of memory";
        return false;
    }
    memcpy(s, text, len);
    s[len] = '\0';
    m->line[m->n++] = s;
    return true;
}

void meta_free(MetaList *m) {
    for (size_t i = 0; i < m->n; i++) free(m->line[i]);
    m->n = 0;
}
