// cpp_bench.cpp - the C++ Verilator lockstep bench: Vmmu_top clocked by hand, its walker port
// served by MemoryPort, checked by Lockstep (lockstep.h). One binary per generated geometry
// (build/rtlbench-NAME); RTLBENCH_CONFIG is the option string it was generated from.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "Vmmu_top.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include "lockstep.h"
#include "wave.h"

namespace {

class VerilatorDut : public Dut {
  public:
    VerilatorDut(VerilatedContext *ctx, const WaveWindow &w) : top_(ctx, "top"), ctx_(ctx), wave_(w) {
        if (!wave_.file.empty()) {
            ctx_->traceEverOn(true);
            top_.trace(&fst_, 99);
            fst_.open(wave_fst_path(wave_).c_str());
        }
        top_.cnt_sel = CNT_SEL_PARKED;
        top_.clk = 0;
        top_.rst_n = 0;
        top_.eval();
        for (int i = 0; i < 2; i++) reset_cycle();
        top_.rst_n = 1;
        top_.eval();
    }
    ~VerilatorDut() override {
        if (!wave_.file.empty()) fst_.close();
        top_.final();
    }
    void attach(MemoryPort *m) { mem_ = m; }

    void set_arch(const ArchInputs &a) override { drive_arch(top_, a); }
    void set_request(bool valid, uint32_t la, uint8_t kind, bool implicit) override {
        // Seen by the next cycle()'s evaluations; nothing reads the outputs before that.
        top_.req_valid = valid, top_.req_la = la, top_.req_kind = kind, top_.req_implicit = implicit;
    }
    void set_ctrl(bool valid, uint8_t op, uint32_t la) override {
        top_.ctrl_valid = valid, top_.ctrl_op = op, top_.ctrl_la = la;
    }
    void cycle() override {
        MemResponse r = mem_->drive();
        top_.mem_req_ready = r.req_ready, top_.mem_resp_valid = r.resp_valid;
        top_.mem_resp_rdata = r.rdata;
        top_.clk = 0;
        top_.eval();
        dump();
        MemRequest q;
        q.valid = top_.mem_req_valid, q.addr = top_.mem_req_addr, q.wdata = top_.mem_req_wdata;
        q.size8 = top_.mem_req_size8, q.write = top_.mem_req_write, q.lock = top_.mem_req_lock;
        if (!(q.valid && r.req_ready)) q.valid = false;
        mem_->edge(q);
        top_.clk = 1;
        top_.eval();
        dump();
        cycles_++;
        if (cycles_ % WAVE_FLUSH_CYCLES == 0 && !wave_.file.empty()) fst_.flush();
    }
    CpuOutputs outputs() override {
        CpuOutputs o;
        o.ctrl_ready = top_.ctrl_ready, o.ctrl_done = top_.ctrl_done, o.req_ready = top_.req_ready;
        o.resp_valid = top_.resp_valid, o.resp_fault = top_.resp_fault;
        o.resp_paddr = top_.resp_paddr, o.resp_err = top_.resp_err, o.resp_cr2 = top_.resp_cr2;
        o.resp_source = top_.resp_source, o.resp_page_shift = top_.resp_page_shift;
        o.mon_rewalk = top_.mon_rewalk, o.mon_fill = top_.mon_fill;
        o.mon_fill_large = top_.mon_fill_large, o.mon_fill_set = top_.mon_fill_set;
        o.mon_fill_way = top_.mon_fill_way, o.mon_fill_evict = top_.mon_fill_evict;
        return o;
    }
    uint64_t counter(unsigned index) override {
        top_.cnt_sel = index;
        top_.eval();
        uint64_t v = top_.cnt_value;
        top_.cnt_sel = CNT_SEL_PARKED;
        top_.eval();
        return v;
    }
    RtlGeometry identity() override {
        RtlGeometry g = {};
        g.sets_4k = top_.id_sets_4k, g.ways_4k = top_.id_ways_4k;
        g.sets_lg = top_.id_sets_lg, g.ways_lg = top_.id_ways_lg, g.policy = top_.id_policy;
        return g;
    }
    void at_transaction(uint64_t t) override { transaction_ = t; }

  private:
    // Reset: clock edges with the memory port idle.
    void reset_cycle() {
        top_.clk = 0;
        top_.eval();
        dump();
        top_.clk = 1;
        top_.eval();
        dump();
    }
    void dump() {
        if (wave_.active(cycles_, transaction_)) fst_.dump(ctx_->time());
        ctx_->timeInc(5000); // 10 ns per cycle: time counts in the precision, 1 ps
    }

    Vmmu_top top_;
    VerilatedContext *ctx_;
    VerilatedFstC fst_;
    WaveWindow wave_;
    MemoryPort *mem_ = nullptr;
    uint64_t cycles_ = 0, transaction_ = 0;
};

} // namespace

int main(int argc, char **argv) {
    BenchOptions bo;
    std::vector<std::string> rest;
    bool help;
    std::string err;
    if (!bench_parse_options(argc, argv, RTLBENCH_CONFIG, &bo, &rest, &help, &err)) {
        fprintf(stderr, "rtlbench: %s\n", err.c_str());
        return EXIT_INPUT;
    }
    if (help) bench_help(argv[0], RTLBENCH_CONFIG);
    int status;
    {
        std::unique_ptr<VerilatedContext> ctx(new VerilatedContext);
        VerilatorDut dut(ctx.get(), bo.wave);
        Lockstep ls(dut, bo);
        dut.attach(&ls.memory());
        status = bench_run(ls, rest);
    }
    if (!bo.wave.file.empty() && !wave_finish(bo.wave, &err)) {
        fprintf(stderr, "rtlbench: %s\n", err.c_str());
        if (status == EXIT_OK) status = EXIT_INPUT;
    }
    return status;
}
