/* input.h - a trace file as a stream of lines, in constant memory.
 *
 * One buffered reader over a FILE* (a path, or "-" for standard input) that hands out lines in
 * place, without copying, and counts them. It is the only layer that knows where bytes come
 * from: gzip or zstd decompression (traces/README.md, "Later") slots in below input_line()
 * without the parsers above noticing. Errors are returned as status codes with a message in
 * the caller's buffer; nothing here prints or exits (DESIGN.md habit 7).
 */
#ifndef MMUSIM_SIM_INPUT_H
#define MMUSIM_SIM_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* The longest line input_line() returns whole; a longer one comes back as INPUT_LONG. */
#define INPUT_LINE_MAX 4096

typedef enum {
    INPUT_EOF = 0,    /* no more lines */
    INPUT_LINE = 1,   /* *line holds one line without its '\n' (a trailing '\r' is kept) */
    INPUT_LONG = 2,   /* *line holds the first INPUT_LINE_MAX bytes of a longer line */
    INPUT_ERROR = -1  /* read error; see input_error() */
} InputStatus;

typedef struct Input Input;

/* Opens path ("-" = standard input). NULL on failure, with "PATH: reason" in err. */
Input *input_open(const char *path, char *err, size_t errlen);
void input_close(Input *in);

/* The name for messages: the path, or "<stdin>". */
const char *input_name(const Input *in);

/* Up to n bytes of what comes next, without consuming them (format sniffing). *got may be
 * less than n at end of file or on a read error (which the next input_line() reports). */
const unsigned char *input_peek(Input *in, size_t n, size_t *got);

/* The next line. The pointer stays valid until the next call; the bytes may be modified. */
InputStatus input_line(Input *in, char **line, size_t *len);

/* After INPUT_LONG: drop the rest of that line. Returns INPUT_LINE or INPUT_ERROR. */
InputStatus input_skip_rest(Input *in);

/* 1-based number of the line last returned. */
uint64_t input_lineno(const Input *in);

/* The message for the last INPUT_ERROR, as "NAME: read error: reason". */
const char *input_error(const Input *in);

#endif
