/* msg.h - formatting "FILE:LINE: message" into a caller's buffer.
 *
 * The trace reader and the executors report bad input as a status code plus one message in
 * this form (DESIGN.md habit 7); only main() prints it. Keeping the format in one place keeps
 * every error line of mmusim greppable the same way.
 */
#ifndef MMUSIM_SIM_MSG_H
#define MMUSIM_SIM_MSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define MSG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define MSG_PRINTF(fmt, args)
#endif

/* buf <- "file:line: " + the formatted message (truncated to fit, always terminated). A line
 * with POS_BYTE set (trace.h) is a byte offset: "file: byte N: ". */
void msg_vat(char *buf, size_t len, const char *file, uint64_t line, const char *fmt, va_list ap)
    MSG_PRINTF(5, 0);
void msg_at(char *buf, size_t len, const char *file, uint64_t line, const char *fmt, ...)
    MSG_PRINTF(5, 6);

#endif
