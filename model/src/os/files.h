/* files.h - the files that file-backed sections map (spec C.2 control areas, C.9 mapped writer).
 *
 * A file's content comes from the host file DIR/PATH when the run was given a files directory
 * (`--files DIR`; a leading '/' of PATH is dropped), read only; pages past its end read as
 * zeros. Without a directory it comes from a deterministic pattern: the byte at offset o of
 * PATH is byte (o mod 8) of the little-endian 64-bit word splitmix64(fnv1a64(PATH) + o/8).
 * Pages the mapped page writer writes back are kept here, in host memory, for the rest of the
 * run, and read back in place of the original: the host files are never modified. A file
 * outlives the sections on it, so data written through one section is seen by later ones.
 */
#ifndef MMUSIM_OS_FILES_H
#define MMUSIM_OS_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    uint64_t page;
    uint8_t *data;          /* 4096 bytes */
} FilePage;

typedef struct {
    char *path;             /* as named in the trace */
    FILE *real;             /* NULL: the pattern */
    uint64_t size;          /* bytes in the real file */
    FilePage *written;      /* sorted by page */
    uint32_t nwritten, capwritten;
} SimFile;

typedef struct {
    const char *dir;        /* borrowed; NULL: the pattern */
    SimFile *f;
    uint32_t n, cap;
} FileTable;

void files_init(FileTable *t, const char *dir);
void files_fini(FileTable *t);
/* The index of PATH's file, opened on first use; -1 and a reason in why when it cannot be. */
int32_t files_open(FileTable *t, const char *path, char *why, size_t whylen);
/* Read / write one 4 KiB page of a file. False: a host read failed (read) or host memory is
 * exhausted (write). */
bool files_read_page(const FileTable *t, int32_t file, uint64_t page, uint8_t *out);
bool files_write_page(FileTable *t, int32_t file, uint64_t page, const uint8_t *in);
/* The pattern's 64-bit word at byte offset 8 * word of path. */
uint64_t files_pattern_word(const char *path, uint64_t word);

#endif
