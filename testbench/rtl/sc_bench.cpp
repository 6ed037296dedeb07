// sc_bench.cpp - the SystemC lockstep bench: Vmmu_top verilated with --sc, clocked by an
// sc_clock (10 ns), driven by a trace-driven CPU module and served by a memory module, checked
// by the same Lockstep as the C++ bench (lockstep.h). One binary per generated geometry
// (build/rtlbench-sc-NAME); RTLBENCH_CONFIG is the option string it was generated from.
//
// Timing, chosen so that both benches agree transaction for transaction and cycle for cycle:
//  - the clock's first rising edge is at 5 ns, then every 10 ns; reset (rst_n low) covers the
//    edges at 5 and 15 ns, as the C++ bench's two reset cycles, and lockstep cycle c has its
//    rising edge at 25 + 10c ns (the C++ bench's dump times too);
//  - everything that drives the RTL does it at the falling edge: the CPU module (Dut::set_*,
//    then Dut::cycle() waits for the next falling edge, one period that holds one rising edge)
//    and the memory module (MemoryPort::drive()); the memory module samples the walker's
//    request pins at the rising edge (values before the edge: MemoryPort::edge()).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <systemc.h>

#include "Vmmu_top.h"
#include "verilated.h"
#include "verilated_fst_sc.h"

#include "lockstep.h"
#include "wave.h"

namespace {

// The wires between the modules, one per port of mmu_top (rtl/README.md section 2).
struct Pins {
    sc_signal<bool> rst_n{"rst_n", false};
    sc_signal<uint32_t> cr0{"cr0"}, cr3{"cr3"}, cr4{"cr4"};
    sc_signal<bool> efer_nxe{"efer_nxe"}, eflags_ac{"eflags_ac"};
    sc_signal<uint32_t> cpl{"cpl"};
    sc_signal<uint64_t> pdpte0{"pdpte0"}, pdpte1{"pdpte1"}, pdpte2{"pdpte2"}, pdpte3{"pdpte3"};
    sc_signal<uint32_t> maxphyaddr{"maxphyaddr", 40};
    sc_signal<bool> prof_pat{"prof_pat"}, prof_pse36{"prof_pse36"};
    sc_signal<bool> ctrl_valid{"ctrl_valid"}, ctrl_ready{"ctrl_ready"}, ctrl_done{"ctrl_done"};
    sc_signal<uint32_t> ctrl_op{"ctrl_op"}, ctrl_la{"ctrl_la"};
    sc_signal<bool> req_valid{"req_valid"}, req_ready{"req_ready"}, req_implicit{"req_implicit"};
    sc_signal<uint32_t> req_la{"req_la"}, req_kind{"req_kind"};
    sc_signal<bool> resp_valid{"resp_valid"}, resp_fault{"resp_fault"};
    sc_signal<uint64_t> resp_paddr{"resp_paddr"};
    sc_signal<uint32_t> resp_err{"resp_err"}, resp_cr2{"resp_cr2"}, resp_source{"resp_source"};
    sc_signal<uint32_t> resp_page_shift{"resp_page_shift"}, mon_rewalk{"mon_rewalk"};
    sc_signal<bool> mon_fill{"mon_fill"}, mon_fill_large{"mon_fill_large"};
    sc_signal<uint32_t> mon_fill_set{"mon_fill_set"}, mon_fill_way{"mon_fill_way"};
    sc_signal<bool> mon_fill_evict{"mon_fill_evict"};
    sc_signal<bool> mem_req_valid{"mem_req_valid"}, mem_req_ready{"mem_req_ready", true};
    sc_signal<uint64_t> mem_req_addr{"mem_req_addr"}, mem_req_wdata{"mem_req_wdata"};
    sc_signal<bool> mem_req_size8{"mem_req_size8"}, mem_req_write{"mem_req_write"};
    sc_signal<bool> mem_req_lock{"mem_req_lock"}, mem_resp_valid{"mem_resp_valid"};
    sc_signal<uint64_t> mem_resp_rdata{"mem_resp_rdata"};
    sc_signal<uint32_t> cnt_sel{"cnt_sel", CNT_SEL_PARKED};
    sc_signal<uint64_t> cnt_value{"cnt_value"};
    sc_signal<uint32_t> id_sets_4k{"id_sets_4k"}, id_ways_4k{"id_ways_4k"};
    sc_signal<uint32_t> id_sets_lg{"id_sets_lg"}, id_ways_lg{"id_ways_lg"};
    sc_signal<uint32_t> id_policy{"id_policy"};

    void bind(Vmmu_top &t, sc_clock &clk) {
        t.clk(clk);
        t.rst_n(rst_n);
        t.cr0(cr0), t.cr3(cr3), t.cr4(cr4), t.efer_nxe(efer_nxe), t.eflags_ac(eflags_ac);
        t.cpl(cpl);
        t.pdpte0(pdpte0), t.pdpte1(pdpte1), t.pdpte2(pdpte2), t.pdpte3(pdpte3);
        t.maxphyaddr(maxphyaddr), t.prof_pat(prof_pat), t.prof_pse36(prof_pse36);
        t.ctrl_valid(ctrl_valid), t.ctrl_ready(ctrl_ready), t.ctrl_op(ctrl_op);
        t.ctrl_la(ctrl_la), t.ctrl_done(ctrl_done);
        t.req_valid(req_valid), t.req_ready(req_ready), t.req_la(req_la), t.req_kind(req_kind);
        t.req_implicit(req_implicit);
        t.resp_valid(resp_valid), t.resp_fault(resp_fault), t.resp_paddr(resp_paddr);
        t.resp_err(resp_err), t.resp_cr2(resp_cr2), t.resp_source(resp_source);
        t.resp_page_shift(resp_page_shift);
        t.mon_rewalk(mon_rewalk), t.mon_fill(mon_fill), t.mon_fill_large(mon_fill_large);
        t.mon_fill_set(mon_fill_set), t.mon_fill_way(mon_fill_way);
        t.mon_fill_evict(mon_fill_evict);
        t.mem_req_valid(mem_req_valid), t.mem_req_ready(mem_req_ready);
        t.mem_req_addr(mem_req_addr), t.mem_req_size8(mem_req_size8);
        t.mem_req_write(mem_req_write), t.mem_req_wdata(mem_req_wdata);
        t.mem_req_lock(mem_req_lock), t.mem_resp_valid(mem_resp_valid);
        t.mem_resp_rdata(mem_resp_rdata);
        t.cnt_sel(cnt_sel), t.cnt_value(cnt_value);
        t.id_sets_4k(id_sets_4k), t.id_ways_4k(id_ways_4k), t.id_sets_lg(id_sets_lg);
        t.id_ways_lg(id_ways_lg), t.id_policy(id_policy);
    }
};

// The CPU side: one thread replays the whole trace through Lockstep, which moves the RTL
// through this Dut. Inputs change at falling edges only.
class CpuModule : public sc_module, public Dut {
  public:
    sc_in<bool> clk;

    SC_HAS_PROCESS(CpuModule);
    CpuModule(sc_module_name name, Pins &p, const WaveWindow &w)
        : sc_module(name), p_(p), wave_(w) {
        SC_THREAD(run);
        sensitive << clk.neg();
        // replay_main and the C model keep kilobytes of buffers on the stack
        set_stack_size(16u << 20);
    }
    void attach(Lockstep *ls, const std::vector<std::string> *rest) { ls_ = ls, rest_ = rest; }
    // After elaboration (and after the waveform is set up, which needs it): start the replay.
    void start(VerilatedFstSc *fst) {
        fst_ = fst;
        go_.notify(SC_ZERO_TIME);
    }
    int status() const { return status_; }
    bool finished() const { return finished_; }

    void set_arch(const ArchInputs &a) override {
        drive_arch(p_, a);
        unsettled_ = true;
    }
    void set_request(bool valid, uint32_t la, uint8_t kind, bool implicit) override {
        p_.req_valid = valid, p_.req_la = la, p_.req_kind = kind, p_.req_implicit = implicit;
        unsettled_ = true;
    }
    void set_ctrl(bool valid, uint8_t op, uint32_t la) override {
        p_.ctrl_valid = valid, p_.ctrl_op = op, p_.ctrl_la = la;
        unsettled_ = true;
    }
    void cycle() override {
        window();
        wait(); // the next falling edge: one rising edge in between
        cycles_++;
        if (cycles_ % WAVE_FLUSH_CYCLES == 0 && fst_ && fst_->isOpen()) fst_->flush();
        unsettled_ = false;
    }
    // The outputs as the last rising edge left them, as in the C++ bench (which does not
    // evaluate the model here either): no settling of inputs written since. Only req_ready
    // depends combinationally on an input (ctrl_valid), and Lockstep reads it only after a
    // clock edge with ctrl_valid low (every command it issues lasts two cycles or more).
    CpuOutputs outputs() override {
        CpuOutputs o;
        o.ctrl_ready = p_.ctrl_ready.read(), o.ctrl_done = p_.ctrl_done.read();
        o.req_ready = p_.req_ready.read();
        o.resp_valid = p_.resp_valid.read(), o.resp_fault = p_.resp_fault.read();
        o.resp_paddr = p_.resp_paddr.read(), o.resp_err = (uint8_t)p_.resp_err.read();
        o.resp_cr2 = p_.resp_cr2.read();
        o.resp_source = (uint8_t)p_.resp_source.read();
        o.resp_page_shift = (uint8_t)p_.resp_page_shift.read();
        o.mon_rewalk = (uint8_t)p_.mon_rewalk.read(), o.mon_fill = p_.mon_fill.read();
        o.mon_fill_large = p_.mon_fill_large.read(), o.mon_fill_set = p_.mon_fill_set.read();
        o.mon_fill_way = p_.mon_fill_way.read(), o.mon_fill_evict = p_.mon_fill_evict.read();
        return o;
    }
    uint64_t counter(unsigned index) override {
        p_.cnt_sel = index;
        unsettled_ = true;
        settle();
        uint64_t v = p_.cnt_value.read();
        p_.cnt_sel = CNT_SEL_PARKED;
        unsettled_ = true;
        return v;
    }
    RtlGeometry identity() override {
        settle();
        RtlGeometry g = {};
        g.sets_4k = p_.id_sets_4k.read(), g.ways_4k = p_.id_ways_4k.read();
        g.sets_lg = p_.id_sets_lg.read(), g.ways_lg = p_.id_ways_lg.read();
        g.policy = p_.id_policy.read();
        return g;
    }
    void at_transaction(uint64_t t) override { transaction_ = t; }

  private:
    void run() {
        wait(go_);
        // Reset: the rising edges at 5 and 15 ns see rst_n low (the C++ bench's two reset
        // cycles); it rises at the falling edge at 20 ns.
        window();
        p_.rst_n = false;
        wait();
        wait();
        p_.rst_n = true;
        status_ = bench_run(*ls_, *rest_);
        finished_ = true;
        if (fst_ && !wave_done_) {
            // a window the run never reached: the file holds the signals and no values, as
            // the C++ bench's does
            if (!fst_->isOpen()) fst_->open(wave_fst_path(wave_).c_str());
            fst_->close();
        }
        sc_stop();
    }
    // Combinational outputs follow inputs written in this delta two delta cycles later (the
    // signal update, then the model's evaluation); the C++ bench sees them at once.
    void settle() {
        if (!unsettled_) return;
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        unsettled_ = false;
    }
    // The waveform holds the cycles of the window only: VerilatedFstSc dumps every time step
    // while its file is open, so it is opened when the window starts and closed when it ends
    // (the window is one range of cycles or of transactions, both of which only grow).
    void window() {
        if (!fst_ || wave_done_) return;
        bool active = wave_.active(cycles_, transaction_);
        if (active && !fst_->isOpen()) {
            fst_->open(wave_fst_path(wave_).c_str());
        } else if (!active && fst_->isOpen()) {
            fst_->close();
            wave_done_ = true;
        }
    }

    Pins &p_;
    WaveWindow wave_;
    VerilatedFstSc *fst_ = nullptr;
    sc_event go_;
    Lockstep *ls_ = nullptr;
    const std::vector<std::string> *rest_ = nullptr;
    bool unsettled_ = true, wave_done_ = false, finished_ = false;
    uint64_t cycles_ = 0, transaction_ = 0;
    int status_ = EXIT_INPUT;
};

// The memory side of the walker port: the shared MemoryPort (answers in order, `latency`
// cycles after the request is accepted). It drives its pins at the falling edge and takes the
// request the RTL presents at each rising edge after reset.
class MemoryModule : public sc_module {
  public:
    sc_in<bool> clk, rst_n;
    sc_in<bool> req_valid, req_size8, req_write, req_lock;
    sc_in<uint64_t> req_addr, req_wdata;
    sc_out<bool> req_ready, resp_valid;
    sc_out<uint64_t> resp_rdata;

    SC_HAS_PROCESS(MemoryModule);
    MemoryModule(sc_module_name name, MemoryPort &port) : sc_module(name), port_(port) {
        SC_METHOD(fall);
        sensitive << clk.neg();
        dont_initialize();
        SC_METHOD(rise);
        sensitive << clk.pos();
        dont_initialize();
    }

    void bind(Pins &p, sc_clock &c) {
        clk(c), rst_n(p.rst_n);
        req_valid(p.mem_req_valid), req_size8(p.mem_req_size8), req_write(p.mem_req_write);
        req_lock(p.mem_req_lock), req_addr(p.mem_req_addr), req_wdata(p.mem_req_wdata);
        req_ready(p.mem_req_ready), resp_valid(p.mem_resp_valid), resp_rdata(p.mem_resp_rdata);
    }

  private:
    void fall() {
        MemResponse r = port_.drive();
        req_ready = r.req_ready, resp_valid = r.resp_valid, resp_rdata = r.rdata;
        ready_ = r.req_ready;
    }
    void rise() {
        if (!rst_n.read()) return; // reset cycles are not the bench's
        MemRequest q;
        q.valid = req_valid.read() && ready_;
        q.addr = req_addr.read(), q.wdata = req_wdata.read();
        q.size8 = req_size8.read(), q.write = req_write.read(), q.lock = req_lock.read();
        port_.edge(q);
    }

    MemoryPort &port_;
    bool ready_ = true;
};

// SystemC's reports go to stderr (stdout carries the statistics), informational ones not at
// all ("simulation stopped by user").
void report_handler(const sc_report &r, const sc_actions &a) {
    sc_actions rest = a;
    if (a & SC_DISPLAY) {
        if (r.get_severity() != SC_INFO)
            fprintf(stderr, "%s\n", sc_report_compose_message(r).c_str());
        rest &= ~SC_DISPLAY;
    }
    sc_report_handler::default_handler(r, rest);
}

} // namespace

int sc_main(int argc, char **argv) {
    sc_report_handler::set_handler(report_handler);
    BenchOptions bo;
    std::vector<std::string> rest;
    bool help;
    std::string err;
    if (!bench_parse_options(argc, argv, RTLBENCH_CONFIG, &bo, &rest, &help, &err)) {
        fprintf(stderr, "%s: %s\n", argv[0], err.c_str());
        return EXIT_INPUT;
    }
    if (help) bench_help(argv[0], RTLBENCH_CONFIG);
    int status;
    {
        if (!bo.wave.file.empty()) Verilated::traceEverOn(true);
        sc_clock clk("clk", sc_time(10, SC_NS), 0.5, sc_time(5, SC_NS), true);
        Pins pins;
        Vmmu_top top("top");
        pins.bind(top, clk);
        CpuModule cpu("cpu", pins, bo.wave);
        cpu.clk(clk);
        Lockstep ls(cpu, bo);
        cpu.attach(&ls, &rest);
        MemoryModule mem("memory", ls.memory());
        mem.bind(pins, clk);
        sc_start(SC_ZERO_TIME); // elaboration: Verilator's trace() needs it done
        std::unique_ptr<VerilatedFstSc> fst;
        if (!bo.wave.file.empty()) {
            fst.reset(new VerilatedFstSc);
            top.trace(fst.get(), 99);
        }
        cpu.start(fst.get());
        sc_start();
        status = cpu.finished() ? cpu.status() : EXIT_INPUT;
        if (fst && fst->isOpen()) fst->close();
        top.final();
    }
    if (!bo.wave.file.empty() && !wave_finish(bo.wave, &err)) {
        fprintf(stderr, "%s: %s\n", argv[0], err.c_str());
        if (status == EXIT_OK) status = EXIT_INPUT;
    }
    return status;
}
