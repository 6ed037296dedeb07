/* test_lackey.c - unit tests of lackey2mm's modules: the Linux areas (lackeyvm), the chunk
 * fold (lackeyfold), the log reader (lackeylog) and the NT layout (lackeynt), each on
 * hand-computed cases. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/t.h"
#include "lackeyfold.h"
#include "lackeylog.h"
#include "lackeynt.h"
#include "lackeyvm.h"
#include "recfmt.h"

/* ---- lackeyvm --------------------------------------------------------------------------- */

static LvArea area(uint64_t s, uint64_t e, uint8_t kind, uint8_t prot, uint32_t obj, uint64_t off) {
    return (LvArea){.start = s, .end = e, .kind = kind, .prot = prot, .obj = obj, .off = off};
}

static void test_vm_split_join(void) {
    LvMap m = {0};
    lv_insert(&m, area(0x100, 0x140, LV_ANON, 3, 0, 0));
    CHECK_EQ(m.n, 1);
    lv_protect(&m, 0x110, 0x120, 1); /* split in three */
    CHECK_EQ(m.n, 3);
    CHECK_EQ(m.a[1].start, 0x110);
    CHECK_EQ(m.a[1].end, 0x120);
    CHECK_EQ(m.a[1].prot, 1);
    lv_protect(&m, 0x100, 0x140, 3); /* joined back */
    CHECK_EQ(m.n, 1);
    CHECK_EQ(m.a[0].end, 0x140);
    lv_remove(&m, 0x120, 0x130); /* a hole */
    CHECK_EQ(m.n, 2);
    CHECK(lv_find(&m, 0x125) == NULL);
    CHECK(lv_find(&m, 0x130) == &m.a[1]);
    CHECK_EQ(lv_lower(&m, 0x125), 1);
    /* file areas join only at consecutive offsets */
    lv_insert(&m, area(0x200, 0x210, LV_FILE, 1, 7, 0x10));
    lv_insert(&m, area(0x210, 0x220, LV_FILE, 1, 7, 0x20));
    lv_insert(&m, area(0x220, 0x230, LV_FILE, 1, 7, 0x40));
    CHECK_EQ(m.n, 4);
    CHECK_EQ(m.a[2].end, 0x220);
    lv_protect(&m, 0x205, 0x225, 5); /* the offset of a split piece moves with it */
    const LvArea *a = lv_find(&m, 0x222);
    CHECK(a && a->start == 0x220 && a->end == 0x225 && a->off == 0x40 && a->prot == 5);
    a = lv_find(&m, 0x206);
    CHECK(a && a->start == 0x205 && a->end == 0x220 && a->off == 0x15);
    lv_free(&m);
}

static void test_vm_objects(void) {
    LvObjs objs = {0};
    LvMap p = {.objs = &objs}, c = {0};
    uint32_t o = lv_obj_new(&objs);
    CHECK_EQ(o, 0);
    lv_insert(&p, area(0x10, 0x20, LV_SHM, 3, o, 0));
    CHECK_EQ(objs.pages[o], 0x10);
    lv_copy(&c, &p); /* fork */
    CHECK_EQ(objs.pages[o], 0x20);
    lv_remove(&p, 0x10, 0x18);
    CHECK_EQ(objs.pages[o], 0x18);
    lv_clear(&p);
    CHECK_EQ(objs.ndead, 0);
    lv_clear(&c); /* the last mapping: the object is dead */
    CHECK_EQ(objs.ndead, 1);
    CHECK_EQ(objs.dead[0], o);
    lv_free(&p);
    lv_free(&c);
    free(objs.pages);
    free(objs.dead);
}

/* ---- lackeyfold ------------------------------------------------------------------------- */

static void test_fold_layout(void) {
    LkFold *f = fold_new();
    char err[256];
    CHECK(fold_touch(f, 0x108000, 0x108003));                  /* chunk 0 */
    CHECK(fold_touch(f, 0x4035000, 0x4056fff));                /* chunk 0x10 */
    CHECK(fold_touch(f, 0x43fffff, 0x4400007));                /* 0x10 and 0x11: one run */
    CHECK(fold_touch(f, UINT64_C(0x1ffefff8f8), UINT64_C(0x1ffefff8ff))); /* the stack */
    CHECK(fold_marked(f, 0x4400000));
    CHECK(!fold_marked(f, 0x4800000));
    CHECK(fold_build(f, err, sizeof err));
    CHECK_EQ(fold_chunks(f), 4);
    uint32_t d;
    uint64_t s;
    CHECK(fold_to_dst(f, 0x108000, &d) && d == 0x00508000);
    CHECK(fold_to_dst(f, 0x4035010, &d) && d == 0x00c35010); /* after one empty chunk */
    CHECK(fold_to_dst(f, 0x4400008, &d) && d == 0x01000008);
    CHECK(fold_to_dst(f, UINT64_C(0x1ffefff8f8), &d) && d == 0x7fbff8f8); /* ends at 7fc00000 */
    CHECK(!fold_to_dst(f, 0x4800000, &d));
    CHECK(fold_to_src(f, 0x7fbff8f8, &s) && s == UINT64_C(0x1ffefff8f8));
    CHECK(!fold_to_src(f, 0x00800000, &s)); /* the gap */
    CHECK_EQ(fold_lower(f, 0x4035000), 1);
    fold_chunk(f, 2, &s, &d);
    CHECK(s == 0x4400000 && d == 0x01000000);
    fold_free(f);
}

static void test_fold_limits(void) {
    char err[512];
    /* 255 runs of one chunk: 255 + 254 gaps = 509 chunks fit */
    LkFold *f = fold_new();
    for (uint64_t i = 0; i < 255; i++) fold_touch(f, i << 23, i << 23);
    CHECK(fold_build(f, err, sizeof err));
    uint32_t d;
    CHECK(fold_to_dst(f, UINT64_C(253) << 23, &d) && d == 0x00400000 + (253u << 23));
    CHECK(fold_to_dst(f, UINT64_C(254) << 23, &d) && d == 0x7f800000);
    fold_free(f);
    /* 256 runs need 511 */
    f = fold_new();
    for (uint64_t i = 0; i < 256; i++) fold_touch(f, i << 23, i << 23);
    CHECK(!fold_build(f, err, sizeof err));
    CHECK(strcmp(err, "the footprint does not fit in the 32-bit user space: 256 chunks of 4 MiB in "
                      "256 runs need 511 chunks with the gaps, at most 510 fit between 00400000 and "
                      "7fc00000") == 0);
    fold_free(f);
    /* one run of 510 chunks fits exactly, ending at 7fc00000 */
    f = fold_new();
    fold_touch(f, 0x40000000, 0x40000000 + (UINT64_C(510) << 22) - 1);
    CHECK(fold_build(f, err, sizeof err));
    CHECK(fold_to_dst(f, 0x40000000, &d) && d == 0x00400000);
    fold_free(f);
}

/* ---- lackeylog -------------------------------------------------------------------------- */

static char tmpl[] = "/tmp/test_lackey.XXXXXX";

static LkLog *log_of(const char *text) {
    int fd = mkstemp(tmpl);
    if (fd < 0) return NULL;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) return NULL;
    close(fd);
    char err[512];
    LkLog *l = lk_open(tmpl, err, sizeof err);
    unlink(tmpl);
    strcpy(tmpl + strlen(tmpl) - 6, "XXXXXX");
    if (!l) fprintf(stderr, "%s\n", err);
    return l;
}

/* lk_next until an event other than LKE_MORE: the accesses of all the batches go to a. */
static LkEvent next_event(LkLog *l, LkAccess *a, size_t max, size_t *n, bool skim) {
    size_t k = 0, got;
    LkEvent ev;
    do {
        ev = skim ? lk_skim(l, a + k, max - k, &got) : lk_next(l, a + k, max - k, &got);
        k += got;
    } while (ev == LKE_MORE && k < max);
    *n = k;
    return ev;
}

#define HDR "==42== Lackey\n==42== Command: sh -c a\\ b;\\ :\n==42== Parent PID: 41\n==42== \n"

static void test_log_accesses(void) {
    LkLog *l = log_of(HDR "I  0401ab70,3\n L 1fff0006f8,8\n S 04a29a18,16\n M 00001000,4096\n"
                          "I  12345678,0\n L ABCDEF01,2\n S 7fffffffffff,1\n");
    CHECK(l != NULL);
    if (!l) return;
    CHECK_EQ(lk_header(l)->pid, 42);
    CHECK_EQ(lk_header(l)->ppid, 41);
    CHECK(strcmp(lk_header(l)->command, "sh -c a\\ b;\\ :") == 0);
    LkAccess a[16];
    size_t n;
    CHECK_EQ(next_event(l, a, 16, &n, false), LKE_EOF);
    CHECK_EQ(n, 7);
    CHECK(a[0].addr == 0x0401ab70 && a[0].size == 3 && a[0].kind == 0);
    CHECK(a[1].addr == UINT64_C(0x1fff0006f8) && a[1].size == 8 && a[1].kind == 1);
    CHECK(a[2].addr == 0x04a29a18 && a[2].size == 16 && a[2].kind == 2);
    CHECK(a[3].addr == 0x1000 && a[3].size == 4096 && a[3].kind == 3);
    CHECK(a[4].size == 1);                        /* lackey's size 0 reads as 1 */
    CHECK(a[5].addr == 0xABCDEF01 && a[5].kind == 1); /* upper case: the general parser */
    CHECK(a[6].addr == UINT64_C(0x7fffffffffff));
    lk_close(l);
    char words[64];
    CHECK_EQ(lk_command_words("sh -c a\\ b;\\ :", words, sizeof words), 3);
    CHECK(strcmp(words + 6, "a b; :") == 0);
}

static void test_log_syscalls(void) {
    LkLog *l = log_of(HDR
        "SYSCALL[42,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x4835000) \n"
        "SYSCALL[42,1](257) sys_openat ( 4294967196, 0x4034bb0(/lib/a b.so), 524288 ) --> [async] ... \n"
        "I  00108000,4\n"
        "SYSCALL[42,1](257) ... [async] --> Success(0x4) \n"
        "SYSCALL[42,1](56) sys_clone ( 1200011, 0x0, 0x0, 0x4a29a10, 0x0 )   clone(fork): process 42 created child 43\n"
        " --> [pre-success] Success(0x2b) \n"
        "SYSCALL[42,1](56) sys_clone ( 3d0f00, 0x562bf70 ) --> [pre-success] Success(0x1dfa) I  0494fb42,3\n"
        "SYSCALL[42,1](59) sys_execve ( 0x4035dd8(/usr/bin/cat), 0x129968, 0x4035c88 )\n"
        "SYSCALL[42,1](10) sys_mprotect ( 0x4a16000, 16384, 1 )[sync] --> Failure(0xc) \n");
    CHECK(l != NULL);
    if (!l) return;
    LkAccess a[4];
    size_t n;
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL);
    const LkSys *s = lk_sys(l);
    CHECK(s->call == LKC_MMAP && s->res == LKR_OK && s->ret == 0x4835000 && s->nargs == 6);
    CHECK(s->arg[1] == 8192 && s->arg[3] == 34 && s->arg[4] == 4294967295u && s->tid == 1 && s->nr == 9);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL);
    CHECK(s->call == LKC_OPENAT && s->res == LKR_PENDING && s->pathlen == 11 && memcmp(s->path, "/lib/a b.so", 11) == 0);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL); /* the access comes first */
    CHECK_EQ(n, 1);
    CHECK(s->call == LKC_ASYNC_DONE && s->res == LKR_OK && s->ret == 4 && s->nr == 257);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL);
    CHECK(s->call == LKC_FORK && s->child == 43 && s->res == LKR_NONE);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_RESULT);
    CHECK(s->res == LKR_OK && s->ret == 0x2b);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL); /* a thread: not a fork */
    CHECK(s->call == LKC_OTHER && s->res == LKR_OK);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL); /* the access after the result, then execve */
    CHECK(n == 1 && a[0].addr == 0x0494fb42);
    CHECK(s->call == LKC_EXECVE && s->res == LKR_NONE && s->pathlen == 12);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_SYSCALL);
    CHECK(s->call == LKC_MPROTECT && s->res == LKR_FAIL && s->ret == 0xc);
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_EOF);
    lk_close(l);
}

static void test_log_skim(void) {
    /* 3 accesses in one 1 MiB, one in the last page of a 4 MiB chunk, one elsewhere */
    LkLog *l = log_of(HDR "I  00108000,4\nI  00108004,3\n L 00109000,8\n S 003ffff8,16\n"
                          " L 00108010,8\nI  00500000,1\n L 00108020,8\n");
    if (!l) return;
    LkAccess a[8];
    size_t n;
    CHECK_EQ(next_event(l, a, 8, &n, true), LKE_EOF); /* nothing known yet: all handed out */
    CHECK_EQ(n, 7);
    lk_close(l);
    l = log_of(HDR "I  00108000,4\nI  00108004,3\n S 003ffff8,16\n L 00109000,8\nI  00500000,1\n L 00108020,8\n");
    if (!l) return;
    CHECK_EQ(next_event(l, a, 1, &n, true), LKE_MORE);
    CHECK(n == 1 && a[0].addr == 0x108000);
    lk_skim_known(l, 0);
    CHECK_EQ(next_event(l, a, 8, &n, true), LKE_EOF);
    CHECK_EQ(n, 2); /* 003ffff8 (the last page of its chunk) and 00500000 */
    CHECK(a[0].addr == 0x3ffff8 && a[1].addr == 0x500000);
    lk_close(l);
}

static void test_log_errors(void) {
    LkLog *l = log_of(HDR "I  00108000,4\n L 0010zz00,4\n");
    if (!l) return;
    LkAccess a[4];
    size_t n;
    CHECK_EQ(next_event(l, a, 4, &n, false), LKE_ERROR);
    CHECK_EQ(n, 1);
    const char *e = strchr(lk_error(l), ':');
    CHECK(e && strncmp(e, ":6: malformed access line", 25) == 0);
    lk_close(l);
}

/* ---- lackeynt --------------------------------------------------------------------------- */

typedef struct {
    char text[4096];
    size_t n;
} Sink;

static bool sink_emit(void *ud, const Record *r) {
    Sink *s = ud;
    char line[RECFMT_MAX];
    size_t k = record_format(r, line);
    if (s->n + k + 2 >= sizeof s->text) return false;
    memcpy(s->text + s->n, line, k);
    s->n += k;
    s->text[s->n++] = '\n';
    s->text[s->n] = 0;
    return true;
}

static const char *path_of(void *ud, uint32_t id) {
    (void)ud;
    return id == 3 ? "/lib/libx.so" : "?";
}

static void shm_of(void *ud, uint32_t obj, uint32_t *sid, uint64_t *pages) {
    (void)ud, (void)obj;
    *sid = 9;
    *pages = 0x40;
}

static void test_nt_layout(void) {
    Sink sink = {0};
    LkFold *f = fold_new();
    char err[256];
    fold_touch(f, 0x4800000, 0x4bfffff);
    CHECK(fold_build(f, err, sizeof err)); /* chunk 0x4800000 -> 0x7f800000 */
    NtCtx c = {.emit = sink_emit, .path = path_of, .shm = shm_of, .ud = &sink, .fold = f, .next_sid = 1};
    CHECK(nt_ctx_init(&c));
    NtSpace *s = nt_new();
    LvMap m = {0};
    /* a file mapped RO at a page that is not 64 KiB-aligned: a view of the whole granules in
     * its middle, private pages at both ends */
    lv_insert(&m, area(0x4847, 0x4867, LV_FILE, 1, 3, 0));
    CHECK(nt_sync(&c, s, &m, 1, 0x4847, 0x4867));
    CHECK(strcmp(sink.text, "section 1 00019000 file:/lib/libx.so\n"
                            "map 1 1 7f850000 00010000 00009000 RO\n"
                            "close 1\n"
                            "reserve 1 7f840000 00010000 RW\n"
                            "reserve 1 7f860000 00010000 RW\n"
                            "commit 1 7f847000 00009000 RO\n"
                            "commit 1 7f860000 00007000 RO\n") == 0);
    uint32_t vads, views;
    nt_counts(s, &vads, &views);
    CHECK(vads == 3 && views == 1);
    /* an anonymous page over the view's middle: the view goes, its granule becomes private;
     * a reservation stays private while a page of it is mapped */
    sink.n = 0;
    lv_remove(&m, 0x4855, 0x4856);
    lv_insert(&m, area(0x4855, 0x4856, LV_ANON, 3, 0, 0));
    CHECK(nt_sync(&c, s, &m, 1, 0x4855, 0x4856));
    CHECK(strcmp(sink.text, "unmap 1 7f850000 00010000\n"
                            "reserve 1 7f850000 00010000 RW\n"
                            "commit 1 7f850000 00005000 RO\n"
                            "commit 1 7f855000 00001000 RW\n"
                            "commit 1 7f856000 0000a000 RO\n") == 0);
    /* unmapping everything frees every reservation */
    sink.n = 0;
    lv_remove(&m, 0x4800, 0x4c00);
    CHECK(nt_sync(&c, s, &m, 1, 0x4800, 0x4c00));
    CHECK(strcmp(sink.text, "decommit 1 7f847000 00009000\n"
                            "decommit 1 7f850000 00010000\n"
                            "decommit 1 7f860000 00007000\n"
                            "free 1 7f840000 00010000\n"
                            "free 1 7f850000 00010000\n"
                            "free 1 7f860000 00010000\n") == 0);
    nt_counts(s, &vads, &views);
    CHECK(vads == 0 && views == 0);
    /* shared memory: a view of the object's section, write protections become RW */
    sink.n = 0;
    lv_insert(&m, area(0x4900, 0x4920, LV_SHM, 3, 0, 0x10));
    CHECK(nt_sync(&c, s, &m, 1, 0x4900, 0x4920));
    CHECK(strcmp(sink.text, "map 1 9 7f900000 00020000 00010000 RW\n") == 0);
    /* a granule past the section's end stays private */
    sink.n = 0;
    lv_insert(&m, area(0x4920, 0x4940, LV_SHM, 3, 0, 0x30));
    CHECK(nt_sync(&c, s, &m, 1, 0x4920, 0x4940));
    CHECK(strcmp(sink.text, "map 1 9 7f920000 00010000 00030000 RW\nalloc 1 7f930000 00010000 RW\n") == 0);
    lv_free(&m);
    nt_free(s);
    nt_ctx_free(&c);
    fold_free(f);
}

int main(void) {
    RUN(test_vm_split_join);
    RUN(test_vm_objects);
    RUN(test_fold_layout);
    RUN(test_fold_limits);
    RUN(test_log_accesses);
    RUN(test_log_syscalls);
    RUN(test_log_skim);
    RUN(test_log_errors);
    RUN(test_nt_layout);
    return t_done();
}
