/* input.h - a trace file as a stream of bytes or lines, in constant memory.
 *
 * One buffered reader over a file (a path, or "-" for standard input) that hands out lines or
 * runs of bytes in place, without copying. It is the only layer that knows where bytes come
 * from: a zstd (one or more frames) or gzip (one or more members) stream is recognised by its
 * magic number and decompressed on the fly, so the parsers above never notice. It also hashes
 * every byte it hands out (XXH3-64 of the uncompressed trace), which results carry so that two
 * runs can be compared. Errors are returned as status codes with a message; nothing here
 * prints or exits (DESIGN.md habit 7).
 */
#ifndef MMUSIM_SIM_INPUT_H
#define MMUSIM_SIM_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest line input_line() returns whole; a longer one comes back as INPUT_LONG. */
#define INPUT_LINE_MAX 4096
/* The most bytes input_bytes() can promise in one piece. */
#define INPUT_BYTES_MAX (64 * 1024)

typedef enum {
    INPUT_EOF = 0,    /* no more lines */
    INPUT_LINE = 1,   /* *line holds one line without its '\n' (a trailing '\r' is kept) */
    INPUT_LONG = 2,   /* *line holds the first INPUT_LINE_MAX bytes of a longer line */
    INPUT_ERROR = -1  /* read or decompression error; see input_error() */
} InputStatus;

typedef enum { INPUT_PLAIN, INPUT_ZSTD, INPUT_GZIP } InputCompression;

typedef struct Input Input;

/* Opens path ("-" = standard input) and looks at its first bytes to choose a decompressor.
 * NULL on failure, with "PATH: reason" in err. */
Input *input_open(const char *path, char *err, size_t errlen);
void input_close(Input *in);

/* The name for messages: the path, or "<stdin>". */
const char *input_name(const Input *in);
InputCompression input_compression(const Input *in);

/* Up to n bytes of what comes next, without consuming them (format sniffing). *got may be
 * less than n at end of file or on a read error (which the next read reports). */
const unsigned char *input_peek(Input *in, size_t n, size_t *got);

/* The next line. The pointer stays valid until the next call; the bytes may be modified. */
InputStatus input_line(Input *in, char **line, size_t *len);

/* After INPUT_LONG: drop the rest of that line. Returns INPUT_LINE or INPUT_ERROR. */
InputStatus input_skip_rest(Input *in);

/* 1-based number of the line last returned. */
uint64_t input_lineno(const Input *in);

/* Binary reading. input_bytes() makes at least `want` (<= INPUT_BYTES_MAX) unread bytes
 * contiguous when the stream has them, and returns a pointer to all unread bytes in the buffer
 * (*avail of them: fewer than want only at the end of the stream). The pointer is 8-byte
 * aligned when the bytes consumed so far are a multiple of 8. -1 on error. */
int input_bytes(Input *in, size_t want, const unsigned char **p, size_t *avail);
void input_consume(Input *in, size_t n);

/* Uncompressed bytes consumed so far (the byte offset of the next unread byte). */
uint64_t input_offset(const Input *in);

/* For progress displays: bytes of the file read so far, and its size (0 if unknown: a pipe). */
uint64_t input_file_pos(const Input *in);
uint64_t input_file_size(const Input *in);

/* XXH3-64 of the uncompressed bytes read so far (the whole trace once it has been read to the
 * end). */
uint64_t input_hash(const Input *in);

/* The message for the last INPUT_ERROR / -1. */
const char *input_error(const Input *in);

#endif
