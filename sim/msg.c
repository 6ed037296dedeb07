/* msg.c - see msg.h. */
#include "msg.h"

#include <stdio.h>

#include "trace.h"

void msg_vat(char *buf, size_t len, const char *file, uint64_t line, const char *fmt, va_list ap) {
    if (len == 0) return;
    int k = line & POS_BYTE
                ? snprintf(buf, len, "%s: byte %llu: ", file, (unsigned long long)(line & ~POS_BYTE))
                : snprintf(buf, len, "%s:%llu: ", file, (unsigned long long)line);
    if (k < 0 || (size_t)k >= len) return;
    vsnprintf(buf + k, len - (size_t)k, fmt, ap);
}

void msg_at(char *buf, size_t len, const char *file, uint64_t line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    msg_vat(buf, len, file, line, fmt, ap);
    va_end(ap);
}
