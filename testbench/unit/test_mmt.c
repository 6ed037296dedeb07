/* The MMT reader's OS-mode events: the Record fields every event sets (trace.h, OsEvent),
 * read from os-events.mmt (argv[1]). Malformed lines are covered by testbench/malformed. */
#include <string.h>

#include "mmusim/faultclass.h"
#include "mmusim/ntpte.h"
#include "t.h"
#include "trace.h"

static Trace *trace;
static Record r;

/* The next record, which must be an OS event of kind os. */
static void next_os(OsEvent os) {
    int st = trace_next(trace, &r);
    CHECK_EQ(st, 1);
    if (st != 1) fprintf(stderr, "%s\n", trace_error(trace));
    CHECK_EQ(r.kind, REC_OS);
    CHECK_EQ(r.os, os);
}

static void check_range(uint32_t base, uint32_t len, uint8_t prot) {
    CHECK_EQ(r.pid, 4);
    CHECK_EQ(r.base, base);
    CHECK_EQ(r.len, len);
    CHECK(r.has_len);
    CHECK_EQ(r.prot, prot);
}

static void test_processes(void) {
    next_os(OSEV_PROC);
    CHECK_EQ(r.pid, 4);
    CHECK(strcmp(r.path, "init") == 0);
    CHECK(strcmp(r.keyword, "proc") == 0);
    CHECK_EQ(r.line, 3);
    next_os(OSEV_PROC);
    CHECK_EQ(r.pid, 5);
    CHECK_EQ(r.path[0], '\0');
    next_os(OSEV_FORK);
    CHECK_EQ(r.pid, 4);
    CHECK_EQ(r.pid2, 9);
    next_os(OSEV_EXEC);
    CHECK_EQ(r.pid, 9);
    CHECK(strcmp(r.path, "/usr/bin/a.out") == 0);
    next_os(OSEV_EXIT);
    CHECK_EQ(r.pid, 9);
    CHECK_EQ(r.path[0], '\0'); /* reset between records */
    next_os(OSEV_SWITCH);
    CHECK_EQ(r.pid, 4);
    CHECK_EQ(r.pid2, 0);
    next_os(OSEV_SWITCH);
    CHECK_EQ(r.pid2, 17);
}

static void test_virtual_memory(void) {
    next_os(OSEV_RESERVE);
    check_range(0x00400000, 0x10000, MM_READWRITE | MM_GUARD);
    next_os(OSEV_COMMIT);
    check_range(0x00400000, 0x1000, MM_EXECUTE_WRITECOPY | MM_NOCACHE);
    next_os(OSEV_ALLOC);
    check_range(0x7ffe0000, 0x20000, MM_NOACCESS);
    next_os(OSEV_DECOMMIT);
    check_range(0x00401000, 0x1000, 0);
    next_os(OSEV_FREE);
    check_range(0xffff0000, 0x10000, 0);
    next_os(OSEV_PROTECT);
    check_range(0x00400000, 0x1000, MM_EXECUTE_READ);
}

static void test_sections(void) {
    next_os(OSEV_SECTION);
    CHECK_EQ(r.sid, 1);
    CHECK_EQ(r.offset, 0x10000);
    CHECK(!r.sec_reserve && !r.sec_file);
    next_os(OSEV_SECTION);
    CHECK_EQ(r.sid, 2);
    CHECK(r.sec_reserve && !r.sec_file);
    next_os(OSEV_SECTION);
    CHECK_EQ(r.offset, 0x2000);
    CHECK(r.sec_file && !r.sec_reserve);
    CHECK(strcmp(r.path, "/lib/libc.so") == 0);
    next_os(OSEV_CLOSE);
    CHECK_EQ(r.sid, 3);
    next_os(OSEV_MAP);
    CHECK_EQ(r.sid, 1);
    check_range(0x10000000, 0x2000, MM_WRITECOPY);
    CHECK_EQ(r.offset, 0x123456789abcdef0ULL);
    next_os(OSEV_UNMAP);
    CHECK_EQ(r.base, 0x10000000);
    CHECK(!r.has_len);
    CHECK_EQ(r.len, 0);
    next_os(OSEV_UNMAP);
    CHECK(r.has_len);
    CHECK_EQ(r.len, 0x1000);
}

static void test_background(void) {
    next_os(OSEV_TICK);
    CHECK_EQ(r.count, 1);
    next_os(OSEV_TICK);
    CHECK_EQ(r.count, 1000000);
    next_os(OSEV_IDLE);
    CHECK_EQ(r.count, 0);
}

static void test_expect_fault(void) {
    CHECK_EQ(trace_next(trace, &r), 1);
    CHECK_EQ(r.kind, REC_EXPECT);
    CHECK_EQ(r.expect, EXP_FAULT);
    CHECK_EQ(r.size, 1);
    CHECK_EQ(r.value, FAULT_COW);
    CHECK_EQ(trace_next(trace, &r), 1);
    CHECK_EQ(r.size, 4);
    CHECK_EQ(r.value, FAULT_SOFT | FAULT_AV << 4 | FAULT_SPURIOUS << 8 | FAULT_NONE << 12);
    CHECK_EQ(trace_next(trace, &r), 0);
}

int main(int argc, char **argv) {
    char err[512];
    if (argc != 2) {
        fprintf(stderr, "usage: test_mmt os-events.mmt\n");
        return 2;
    }
    trace = trace_open(argv[1], err, sizeof err);
    if (!trace) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    RUN(test_processes);
    RUN(test_virtual_memory);
    RUN(test_sections);
    RUN(test_background);
    RUN(test_expect_fault);
    trace_close(trace);
    return t_done();
}
