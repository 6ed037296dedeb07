// lockstep.h - the RTL twin checked against the C model, access by access (rtl/README.md).
//
// One checker serves both benches. A bench supplies a Dut: how to set the RTL's inputs and
// advance its clock (the C++ bench toggles Vmmu_top's clock; the SystemC bench waits on its
// clock). The memory side is a MemoryPort, which serves the RTL's walker port from the C
// model's physical memory with a fixed latency (the C++ bench calls it every cycle; the SystemC
// memory module does). The checker plugs into the replay through ReplayHooks, so traces, OS
// events, faults and retries go through the executor mmusim runs (sim/exec.c):
//  - every register change, flush and INVLPG of the C model (its observer events) is mirrored
//    to the RTL (register inputs, then a CR3_WRITE, FLUSH_ALL or INVLPG command);
//  - every translation runs on both: the C model is stepped (mmu_begin/mmu_resume) by the
//    RTL's own memory operations, each compared with the one the C model asks for, and at the
//    RTL's response the results are compared: address or fault, error code, CR2, source,
//    page size, re-walk reason, fill slot;
//  - at the end every counter the RTL keeps is compared with the C model's.
// The first difference stops the run with the transaction number, the trace line and both
// records.
#ifndef MMUSIM_LOCKSTEP_H
#define MMUSIM_LOCKSTEP_H

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "mmusim/mmu.h"
#include "replay.h"
#include "rtlcfg.h"
}

// The RTL's inputs that mirror architectural state (levels).
struct ArchInputs {
    uint32_t cr0 = 0, cr3 = 0, cr4 = 0;
    bool nxe = false, ac = false;
    uint8_t cpl = 0;
    uint64_t pdpte[4] = {0, 0, 0, 0};
    uint8_t maxphyaddr = 40;
    bool pat = true, pse36 = true;
};

// Drives a into mmu_top's register and profile pins: P is the verilated model itself (the C++
// bench) or the bench's sc_signals named after the ports (the SystemC bench).
template <class P> void drive_arch(P &p, const ArchInputs &a) {
    p.cr0 = a.cr0, p.cr3 = a.cr3, p.cr4 = a.cr4;
    p.efer_nxe = a.nxe, p.eflags_ac = a.ac, p.cpl = a.cpl;
    p.pdpte0 = a.pdpte[0], p.pdpte1 = a.pdpte[1];
    p.pdpte2 = a.pdpte[2], p.pdpte3 = a.pdpte[3];
    p.maxphyaddr = a.maxphyaddr, p.prof_pat = a.pat, p.prof_pse36 = a.pse36;
}

// The RTL's outputs the CPU side looks at, as sampled after a clock edge.
struct CpuOutputs {
    bool ctrl_ready = false, ctrl_done = false, req_ready = false, resp_valid = false;
    bool resp_fault = false;
    uint64_t resp_paddr = 0;
    uint8_t resp_err = 0, resp_source = 0, resp_page_shift = 0, mon_rewalk = 0;
    uint32_t resp_cr2 = 0;
    bool mon_fill = false, mon_fill_large = false, mon_fill_evict = false;
    uint32_t mon_fill_set = 0, mon_fill_way = 0;
};

enum { OP_CR3_WRITE = 0, OP_FLUSH_ALL = 1, OP_INVLPG = 2 };

// cnt_sel between counter reads: no counter (cnt_value reads 0), so the read port does not
// follow a counter that changes every cycle and fill the waveform with it.
enum { CNT_SEL_PARKED = 0xFF };

// How a bench moves the RTL's CPU side.
class Dut {
  public:
    virtual ~Dut() {}
    virtual void set_arch(const ArchInputs &a) = 0;
    virtual void set_request(bool valid, uint32_t la, uint8_t kind, bool implicit) = 0;
    virtual void set_ctrl(bool valid, uint8_t op, uint32_t la) = 0;
    // One clock cycle: inputs set before it are seen at its rising edge; outputs() afterwards
    // shows the state after that edge.
    virtual void cycle() = 0;
    virtual CpuOutputs outputs() = 0;
    virtual uint64_t counter(unsigned index) = 0;
    virtual RtlGeometry identity() = 0; // the compiled geometry (id_* ports; seeds unused)
    // The bench's wave window follows the transaction number (WaveWindow).
    virtual void at_transaction(uint64_t) {}
};

// The walker memory port's pins, RTL to memory.
struct MemRequest {
    bool valid = false;
    uint64_t addr = 0, wdata = 0;
    bool size8 = false, write = false, lock = false;
};
// Memory to RTL, for the next rising edge.
struct MemResponse {
    bool req_ready = true, resp_valid = false;
    uint64_t rdata = 0;
};

class Lockstep;

// The memory side: accepts every request at once, performs it on the shared physical memory
// through the checker (Lockstep::mem_op), and answers `latency` cycles later, in order. Per
// clock cycle a bench calls drive() for the pins to present at the coming rising edge, then,
// with the RTL's request pins settled, edge() for that edge: a request seen at edge t is
// answered (resp_valid seen) at edge t + latency.
class MemoryPort {
  public:
    // inject_error: the number of the memory operation (from 0) whose answer to the RTL gets
    // its bit 0 (P) flipped, to prove that the checker catches a difference; UINT64_MAX: none.
    MemoryPort(Lockstep &ls, unsigned latency, uint64_t inject_error)
        : ls_(ls), latency_(latency ? latency : 1), inject_(inject_error) {}
    MemResponse drive() const;
    void edge(const MemRequest &req);

  private:
    struct Pending {
        uint64_t due, data;
    };
    Lockstep &ls_;
    unsigned latency_;
    uint64_t inject_;
    uint64_t now_ = 0, ops_ = 0;
    std::vector<Pending> queue_; // in order; short
};

// Which cycles or transactions are dumped (--wave-cycles, --wave-accesses).
struct WaveWindow {
    std::string file;          // empty: no waveform
    bool vcd = false;          // file ends in .vcd: converted from FST at the end (fst2vcd)
    uint64_t from = 0, to = UINT64_MAX;
    bool by_transaction = false;
    bool active(uint64_t cycle, uint64_t transaction) const {
        uint64_t at = by_transaction ? transaction : cycle;
        return !file.empty() && at >= from && at < to;
    }
};

struct BenchOptions {
    unsigned mem_latency = 2;
    uint64_t inject_mem_error = UINT64_MAX; // --inject-mem-error N (MemoryPort)
    WaveWindow wave;
    bool summary = true;
};

// Split the bench's own options (--mem-latency N, --wave FILE, --wave-cycles A:B,
// --wave-accesses A:B, --no-summary, --inject-mem-error N, --help) from argv; the rest stay for mmusim's parser,
// preceded by default_config (the options the RTL was generated from) unless the user gave a
// --preset; knobs given by the user override it. False with a message on a bad option. help is set for --help.
bool bench_parse_options(int argc, char **argv, const char *default_config, BenchOptions *bo,
                         std::vector<std::string> *rest, bool *help, std::string *err);
void bench_help(const char *prog, const char *default_config);

// Run a bench: parse, replay with the checker, report. Returns the exit status: mmusim's (0, 1
// failed expectations, 2 bad input), or 3 when the RTL and the C model disagree.
enum { EXIT_MISMATCH = 3 };

class Lockstep {
  public:
    Lockstep(Dut &dut, const BenchOptions &bo);
    MemoryPort &memory() { return mem_; }
    ReplayHooks hooks();

    // MemoryPort's way in: the RTL's memory operation, performed on the shared memory after it
    // is checked against the C model's next one. Returns the value read (before the write for a
    // locked read).
    uint64_t mem_op(const MemRequest &req);

    // One memory operation of the transaction in flight, for reports.
    struct MemOp {
        MemRequest req;
        uint64_t value; // read (before the write, for a locked read)
    };

    bool failed() const { return failed_; }
    // The summary printed at the end (cycles per access and per walk), unless --no-summary.
    void print_summary(FILE *f) const;

  private:
    static bool attach_cb(void *ctx, Exec *b, char *err, size_t len);
    static bool finish_cb(void *ctx, Exec *b, char *err, size_t len);
    static bool translate_cb(void *ctx, const Access *a, Result *r, const char **why);
    static void observe_cb(void *ctx, const MmuEvent *ev);

    bool attach(Exec *b, char *err, size_t len);
    bool finish(char *err, size_t len);
    bool translate(const Access *a, Result *r, const char **why);
    void observe(const MmuEvent *ev);
    void mirror_regs();
    void command(uint8_t op, uint32_t la);
    void tick();
    void mismatch(const std::string &what);
    uint64_t drop_cycles() const;
    uint64_t flush_cycles() const;
    uint64_t expected_latency(uint8_t rewalk) const;
    std::string c_record(const Result &r) const;
    std::string rtl_record(const CpuOutputs &o) const;

    Dut &dut_;
    BenchOptions bo_;
    MemoryPort mem_;
    Mmu *mmu_ = nullptr;
    Physmem *pm_ = nullptr;
    bool attached_ = false, failed_ = false;
    std::string why_;
    uint64_t cycle_ = 0, transactions_ = 0, commands_ = 0;
    // The transaction in flight.
    bool in_flight_ = false;
    bool c_done_ = false;   // the C model has finished the access
    MemReq c_req_{};         // its next memory operation while !c_done_
    Result c_res_{};
    bool locked_ = false;    // a locked read was done; its write must follow
    uint64_t locked_old_ = 0;
    std::vector<MemOp> ops_; // this transaction's memory operations
    bool c_fill_ = false;
    TlbFill c_fill_slot_{};
    // Cycle accounting by outcome (rtl/README.md section 4).
    uint64_t cycles_by_source_[4] = {0, 0, 0, 0}, count_by_source_[4] = {0, 0, 0, 0};
    uint64_t walk_mem_ops_ = 0, latency_sum_ = 0;
    RtlGeometry geom_{};
};

// The whole bench after its Dut is made: parse, run, report, print the summary.
int bench_run(Lockstep &ls, const std::vector<std::string> &rest);

#endif
