/* files.c - file contents for file-backed sections (files.h). */
#define _POSIX_C_SOURCE 200809L
#include "files.h"
#include "grow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

void files_init(FileTable *t, const char *dir) {
    memset(t, 0, sizeof *t);
    t->dir = dir;
}

void files_fini(FileTable *t) {
    for (uint32_t i = 0; i < t->n; i++) {
        SimFile *f = &t->f[i];
        if (f->real) fclose(f->real);
        for (uint32_t k = 0; k < f->nwritten; k++) free(f->written[k].data);
        free(f->written);
        free(f->path);
    }
    free(t->f);
    memset(t, 0, sizeof *t);
}

static uint64_t fnv1a64(const char *s) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001b3);
    return h;
}

static uint64_t splitmix64(uint64_t x) {
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t files_pattern_word(const char *path, uint64_t word) { return splitmix64(fnv1a64(path) + word); }

int32_t files_open(FileTable *t, const char *path, char *why, size_t whylen) {
    for (uint32_t i = 0; i < t->n; i++)
        if (strcmp(t->f[i].path, path) == 0) return (int32_t)i;
    SimFile *grown = grow_array(t->f, t->n, &t->cap, sizeof *grown, 8);
    if (!grown) {
        snprintf(why, whylen, "out of host memory");
        return -1;
    }
    t->f = grown;
    SimFile f = {.path = strdup(path)};
    if (!f.path) {
        snprintf(why, whylen, "out of host memory");
        return -1;
    }
    if (t->dir) {
        const char *rel = path;
        while (*rel == '/') rel++;
        size_t len = strlen(t->dir) + strlen(rel) + 2;
        char *full = malloc(len);
        if (!full) {
            free(f.path);
            snprintf(why, whylen, "out of host memory");
            return -1;
        }
        snprintf(full, len, "%s/%s", t->dir, rel);
        f.real = fopen(full, "rb");
        long size = -1;
        if (f.real && fseek(f.real, 0, SEEK_END) == 0) size = ftell(f.real);
        if (!f.real || size < 0) {
            snprintf(why, whylen, "cannot read %s: %s", full, strerror(errno ? errno : EIO));
            if (f.real) fclose(f.real);
            free(full);
            free(f.path);
            return -1;
        }
        free(full);
        f.size = (uint64_t)size;
    }
    t->f[t->n] = f;
    return (int32_t)t->n++;
}

/* Index of the first written page >= page. */
static uint32_t find_written(const SimFile *f, uint64_t page) {
    uint32_t lo = 0, hi = f->nwritten;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (f->written[mid].page < page) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bool files_read_page(const FileTable *t, int32_t file, uint64_t page, uint8_t *out) {
    const SimFile *f = &t->f[file];
    uint32_t i = find_written(f, page);
    if (i < f->nwritten && f->written[i].page == page) {
        memcpy(out, f->written[i].data, PAGE);
        return true;
    }
    uint64_t off = page * PAGE;
    if (!f->real) {
        for (uint32_t w = 0; w < PAGE / 8; w++) {
            uint64_t v = files_pattern_word(f->path, off / 8 + w);
            for (int b = 0; b < 8; b++) out[8 * w + (uint32_t)b] = (uint8_t)(v >> (8 * b));
        }
        return true;
    }
    memset(out, 0, PAGE);
    if (off >= f->size) return true;
    size_t want = f->size - off < PAGE ? (size_t)(f->size - off) : PAGE;
    if (fseek(f->real, (long)off, SEEK_SET) != 0) return false;
    return fread(out, 1, want, f->real) == want;
}

bool files_write_page(FileTable *t, int32_t file, uint64_t page, const uint8_t *in) {
    SimFile *f = &t->f[file];
    uint32_t i = find_written(f, page);
    if (i == f->nwritten || f->written[i].page != page) {
        uint8_t *data = malloc(PAGE);
        if (!data) return false;
        FilePage *grown = grow_array(f->written, f->nwritten, &f->capwritten, sizeof *grown, 16);
        if (!grown) {
            free(data);
            return false;
        }
        f->written = grown;
        memmove(&f->written[i + 1], &f->written[i], (f->nwritten - i) * sizeof *f->written);
        f->written[i] = (FilePage){.page = page, .data = data};
        f->nwritten++;
    }
    memcpy(f->written[i].data, in, PAGE);
    return true;
}
