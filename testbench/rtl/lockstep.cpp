// lockstep.cpp - the RTL/C-model lockstep checker (lockstep.h).
#include "lockstep.h"

#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "mmusim/knobs.h"
#include "mmusim/physmem.h"
#include "mmusim/stats.h"
}

// A response that takes longer than this many cycles is a hang of the RTL.
static const uint64_t TIMEOUT_CYCLES = 100000;

static std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static std::string fmt(const char *f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

// ---- the memory side ------------------------------------------------------------------------

MemResponse MemoryPort::drive() const {
    MemResponse out;
    out.req_ready = true;
    if (!queue_.empty() && queue_.front().due == now_ + 1) {
        out.resp_valid = true;
        out.rdata = queue_.front().data;
    }
    return out;
}

void MemoryPort::edge(const MemRequest &req) {
    now_++;
    if (!queue_.empty() && queue_.front().due == now_) queue_.erase(queue_.begin()); // answered
    if (req.valid) { // accepted at this edge
        uint64_t data = ls_.mem_op(req);
        if (ops_ == inject_) data ^= 1;
        queue_.push_back({now_ + latency_, data});
        ops_++;
    }
}

// ---- options --------------------------------------------------------------------------------

static bool parse_u64(const char *s, uint64_t *v) {
    char *end;
    if (!*s || *s == '-' || *s == '+') return false;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || errno) return false;
    *v = x;
    return true;
}

static bool parse_range(const char *s, uint64_t *from, uint64_t *to) {
    const char *colon = strchr(s, ':');
    if (!colon) return false;
    std::string a(s, (size_t)(colon - s));
    return parse_u64(a.c_str(), from) && parse_u64(colon + 1, to) && *from < *to;
}

void bench_help(const char *prog, const char *default_config) {
    printf("usage: %s [bench options] [mmusim options] TRACE...\n"
           "Replays TRACE through the RTL MMU and the C model in lockstep (rtl/README.md).\n"
           "Bench options:\n"
           "  --mem-latency N       cycles from a walker memory request to its answer "
           "(default 2, at least 1)\n"
           "  --wave FILE           write a waveform: FILE.fst (FST), or FILE.vcd (converted "
           "from FST by fst2vcd)\n"
           "  --wave-cycles A:B     dump cycles A..B-1 only (default: all)\n"
           "  --wave-accesses A:B   dump transactions A..B-1 only (translations, counted from "
           "0)\n"
           "  --no-summary          do not print the lockstep summary on stderr\n"
           "  --inject-mem-error N  a test of the checker: flip bit 0 of the N-th memory answer "
           "(from 0) the RTL gets\n"
           "The RTL was generated from: %s\n"
           "mmusim options (a configuration other than that one is refused):\n\n",
           prog, default_config);
}

bool bench_parse_options(int argc, char **argv, const char *default_config, BenchOptions *bo,
                         std::vector<std::string> *rest, bool *help, std::string *err) {
    std::vector<std::string> user;
    bool preset_given = false;
    *help = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i], name = a, value;
        size_t eq = a.find('=');
        bool has_value = a.rfind("--", 0) == 0 && eq != std::string::npos;
        if (has_value) name = a.substr(0, eq), value = a.substr(eq + 1);
        auto take = [&](std::string *v) {
            if (has_value) {
                *v = value;
                return true;
            }
            if (i + 1 >= argc) {
                *err = "option " + name + " needs a value";
                return false;
            }
            *v = argv[++i];
            return true;
        };
        std::string v;
        uint64_t n;
        if (name == "--mem-latency") {
            if (!take(&v)) return false;
            if (!parse_u64(v.c_str(), &n) || n < 1 || n > 1000) {
                *err = "--mem-latency: expected a number of cycles from 1 to 1000, got '" + v + "'";
                return false;
            }
            bo->mem_latency = (unsigned)n;
        } else if (name == "--wave") {
            if (!take(&v)) return false;
            size_t dot = v.rfind('.');
            std::string ext = dot == std::string::npos ? "" : v.substr(dot);
            if (ext != ".fst" && ext != ".vcd") {
                *err = "--wave: the file name must end in .fst or .vcd, got '" + v + "'";
                return false;
            }
            bo->wave.file = v;
            bo->wave.vcd = ext == ".vcd";
        } else if (name == "--wave-cycles" || name == "--wave-accesses") {
            if (!take(&v)) return false;
            if (!parse_range(v.c_str(), &bo->wave.from, &bo->wave.to)) {
                *err = name + ": expected FROM:TO with FROM < TO, got '" + v + "'";
                return false;
            }
            bo->wave.by_transaction = name == "--wave-accesses";
        } else if (name == "--inject-mem-error") {
            if (!take(&v)) return false;
            if (!parse_u64(v.c_str(), &bo->inject_mem_error)) {
                *err = "--inject-mem-error: expected a memory operation number, got '" + v + "'";
                return false;
            }
        } else if (name == "--no-summary") {
            bo->summary = false;
        } else {
            if (name == "--help") *help = true;
            std::string bare = name.rfind("--", 0) == 0 ? name.substr(2) : "";
            if (bare == "preset") preset_given = true;
            user.push_back(a);
        }
    }
    if (!preset_given) {
        // The generated configuration, word by word; the user's knobs come after it, so they
        // override it (and a geometry the RTL was not generated for is refused at the start).
        std::string w;
        for (const char *p = default_config;; p++) {
            if (*p && *p != ' ') {
                w += *p;
                continue;
            }
            if (!w.empty()) rest->push_back(w);
            w.clear();
            if (!*p) break;
        }
    }
    rest->insert(rest->end(), user.begin(), user.end());
    return true;
}

// ---- the checker ----------------------------------------------------------------------------

Lockstep::Lockstep(Dut &dut, const BenchOptions &bo)
    : dut_(dut), bo_(bo), mem_(*this, bo.mem_latency, bo.inject_mem_error) {}

ReplayHooks Lockstep::hooks() {
    ReplayHooks h = {};
    h.name = "rtlbench";
    h.ctx = this;
    h.attach = attach_cb;
    h.finish = finish_cb;
    return h;
}

bool Lockstep::attach_cb(void *ctx, Exec *b, char *err, size_t len) {
    return static_cast<Lockstep *>(ctx)->attach(b, err, len);
}
bool Lockstep::finish_cb(void *ctx, Exec *, char *err, size_t len) {
    return static_cast<Lockstep *>(ctx)->finish(err, len);
}
bool Lockstep::translate_cb(void *ctx, const Access *a, Result *r, const char **why) {
    return static_cast<Lockstep *>(ctx)->translate(a, r, why);
}
void Lockstep::observe_cb(void *ctx, const MmuEvent *ev) { static_cast<Lockstep *>(ctx)->observe(ev); }

// The geometry in the knobs' own words.
static std::string describe_geometry(const RtlGeometry &g) {
    std::string s = fmt("l1d.4k=%" PRIu32 "x%" PRIu32 " l1d.large=", g.sets_4k, g.ways_4k);
    s += g.sets_lg ? fmt("%" PRIu32 "x%" PRIu32, g.sets_lg, g.ways_lg) : "0";
    return s + " l1d.policy=" + repl_policy_name((ReplPolicy)g.policy);
}

bool Lockstep::attach(Exec *b, char *err, size_t len) {
    mmu_ = exec_mmu(b);
    pm_ = exec_physmem(b);
    RtlGeometry want, have = dut_.identity();
    const char *why = rtl_geometry(mmu_config(mmu_), &want);
    if (why) {
        snprintf(err, len, "rtlbench: this configuration cannot run on the RTL: %s", why);
        return false;
    }
    if (want.sets_4k != have.sets_4k || want.ways_4k != have.ways_4k ||
        want.sets_lg != have.sets_lg || want.ways_lg != have.ways_lg || want.policy != have.policy) {
        snprintf(err, len, "rtlbench: the RTL was generated for %s; the options ask for %s",
                 describe_geometry(have).c_str(), describe_geometry(want).c_str());
        return false;
    }
    if (mmu_config(mmu_)->seed != 1 && want.policy == REPL_RANDOM) {
        snprintf(err, len, "rtlbench: the RTL's random policy was generated for seed=1");
        return false;
    }
    geom_ = have;
    exec_set_translator(b, translate_cb, this);
    mmu_set_observer(mmu_, observe_cb, this);
    mirror_regs();
    attached_ = true;
    return true;
}

void Lockstep::tick() {
    dut_.cycle();
    cycle_++;
}

void Lockstep::mismatch(const std::string &what) {
    if (failed_) return;
    failed_ = true;
    why_ = fmt("RTL/C-model mismatch at transaction %" PRIu64 " (cycle %" PRIu64 "): ",
               transactions_, cycle_) +
           what;
    uint64_t from = cycle_ > 200 ? cycle_ - 200 : 0;
    why_ += fmt("\n  waveform of it: --wave FILE.fst --wave-cycles %" PRIu64 ":%" PRIu64, from,
                cycle_ + 10);
}

void Lockstep::mirror_regs() {
    const CpuRegs *r = mmu_regs(mmu_);
    const CpuProfile *p = mmu_profile(mmu_);
    ArchInputs a;
    a.cr0 = r->cr0, a.cr3 = r->cr3, a.cr4 = r->cr4;
    a.nxe = (r->efer & EFER_NXE) != 0;
    a.ac = (r->eflags & EFLAGS_AC) != 0;
    a.cpl = r->cpl;
    for (int i = 0; i < 4; i++) a.pdpte[i] = r->pdpte[i];
    a.maxphyaddr = p->maxphyaddr, a.pat = p->pat, a.pse36 = p->pse36;
    dut_.set_arch(a);
}

// A control command, issued while the RTL is idle; returns when it has finished.
void Lockstep::command(uint8_t op, uint32_t la) {
    if (failed_) return;
    commands_++;
    uint64_t start = cycle_;
    while (!dut_.outputs().ctrl_ready) {
        if (cycle_ - start > TIMEOUT_CYCLES) return mismatch("the RTL never became ready for a command");
        tick();
    }
    dut_.set_ctrl(true, op, la);
    uint64_t accepted = cycle_;
    tick();
    dut_.set_ctrl(false, 0, 0);
    while (!dut_.outputs().ctrl_done) {
        if (cycle_ - start > TIMEOUT_CYCLES)
            return mismatch(fmt("command %u (la %08" PRIx32 ") never finished", op, la));
        tick();
    }
    uint64_t want = 1 + (op == OP_INVLPG ? drop_cycles() : flush_cycles());
    if (cycle_ - accepted != want)
        mismatch(fmt("command %u (la %08" PRIx32 ") took %" PRIu64
                     " cycles; the latency formula (rtl/README.md section 4) gives %" PRIu64,
                     op, la, cycle_ - accepted, want));
}

// The latency formula of rtl/README.md section 4: D, the cycles to drop one page, and F, the
// cycles of a flush.
uint64_t Lockstep::drop_cycles() const { return geom_.sets_lg ? 1 : geom_.sets_4k; }
uint64_t Lockstep::flush_cycles() const {
    return geom_.sets_4k > geom_.sets_lg ? geom_.sets_4k : geom_.sets_lg;
}

// The latency of the translation just completed, by the formula, from what the C model did.
uint64_t Lockstep::expected_latency(uint8_t rewalk) const {
    if (c_res_.source != SRC_WALK) return 1; // unpaged, or a used hit
    uint64_t reads = 0, ads = 0, m1 = bo_.mem_latency + 1;
    for (const MemOp &op : ops_) {
        reads += !op.req.lock;
        ads += op.req.write;
    }
    uint64_t t = rewalk ? drop_cycles() : 0;
    if (c_res_.vector == VEC_PF) return t + 2 + reads * m1 + drop_cycles();
    return t + 2 + (reads + 2 * ads) * m1;
}

void Lockstep::observe(const MmuEvent *ev) {
    switch (ev->kind) {
    case MMU_EV_REGS: mirror_regs(); break;
    case MMU_EV_FLUSH: command(ev->value ? OP_CR3_WRITE : OP_FLUSH_ALL, 0); break;
    case MMU_EV_INVLPG: command(OP_INVLPG, (uint32_t)ev->addr); break;
    case MMU_EV_TLB_FILL:
        if (ev->level == 1) {
            c_fill_ = ev->fill.stored;
            c_fill_slot_ = ev->fill;
        }
        break;
    case MMU_EV_PT_READ:  // checked as the RTL's memory operations (mem_op)
    case MMU_EV_AD_WRITE:
    case MMU_EV_PDEC_FILL: break;
    }
}

static std::string describe_req(const MemRequest &q) {
    if (q.write) return fmt("locked write %010" PRIx64 "/%d = %" PRIx64, q.addr, q.size8 ? 8 : 4, q.wdata);
    return fmt("%sread %010" PRIx64 "/%d", q.lock ? "locked " : "", q.addr, q.size8 ? 8 : 4);
}

static std::string describe_op(const Lockstep::MemOp &op) {
    return describe_req(op.req) + (op.req.write ? "" : fmt(" -> %" PRIx64, op.value));
}

static std::string describe_c_req(const MemReq &q) {
    if (q.or_bits) return fmt("locked or %010" PRIx64 "/%u |= %" PRIx64, q.addr, q.size, q.or_bits);
    return fmt("read %010" PRIx64 "/%u", q.addr, q.size);
}

uint64_t Lockstep::mem_op(const MemRequest &q) {
    if (failed_) return 0;
    std::string rtl; // described only for a report
    auto describe = [&]() -> const std::string & {
        if (rtl.empty()) rtl = describe_req(q);
        return rtl;
    };
    if (!in_flight_) {
        mismatch("the RTL made a memory request with no translation in flight: " + describe());
        return 0;
    }
    if (c_done_) {
        mismatch("the RTL made a memory request the C model does not: " + describe() +
                 "\n  after: " + (ops_.empty() ? std::string("(none)") : describe_op(ops_.back())));
        return 0;
    }
    unsigned size = q.size8 ? 8 : 4;
    bool addr_ok = q.addr == c_req_.addr && size == c_req_.size;
    uint64_t mask = size == 8 ? UINT64_MAX : 0xFFFFFFFFu;
    auto read = [&](uint64_t a) {
        return size == 8 ? physmem_read64(pm_, a) : (uint64_t)physmem_read32(pm_, a);
    };
    if (!q.write && !q.lock) { // a page-table read
        if (!addr_ok || c_req_.or_bits) {
            mismatch("memory operation " + std::to_string(ops_.size()) + ": RTL " + describe() +
                     ", C model " + describe_c_req(c_req_));
            return 0;
        }
        uint64_t v = read(q.addr);
        ops_.push_back({q, v});
        c_done_ = mmu_resume(mmu_, v, &c_res_, &c_req_) == MMU_STEP_DONE;
        return v;
    }
    if (!q.write) { // the read of a locked read-modify-write
        if (!addr_ok || !c_req_.or_bits || locked_) {
            mismatch("memory operation " + std::to_string(ops_.size()) + ": RTL " + describe() +
                     ", C model " + describe_c_req(c_req_));
            return 0;
        }
        locked_ = true;
        locked_old_ = read(q.addr);
        ops_.push_back({q, locked_old_});
        return locked_old_;
    }
    // The write of a locked read-modify-write: old | the C model's bits, at the same entry.
    uint64_t want = (locked_old_ | c_req_.or_bits) & mask;
    if (!q.lock || !locked_ || !addr_ok || (q.wdata & mask) != want) {
        mismatch("memory operation " + std::to_string(ops_.size()) + ": RTL " + describe() + ", C model " +
                 describe_c_req(c_req_) + fmt(" (writing %" PRIx64 ")", want));
        return 0;
    }
    bool ok = size == 8 ? physmem_write64(pm_, q.addr, q.wdata)
                        : physmem_write32(pm_, q.addr, (uint32_t)q.wdata);
    if (!ok) {
        mismatch("out of memory writing a page-table entry");
        return 0;
    }
    ops_.push_back({q, 0});
    locked_ = false;
    c_done_ = mmu_resume(mmu_, locked_old_, &c_res_, &c_req_) == MMU_STEP_DONE;
    return 0;
}

static const char *const source_names[4] = {"unpaged", "hit", "l2", "walk"};

// One side's answer as text, the same for both sides, so that a mismatch shows as a diff.
static std::string record_text(bool fault, unsigned err, uint32_t cr2, uint64_t paddr, unsigned shift,
                               unsigned source, bool fill, bool large, uint32_t set, uint32_t way,
                               bool evict) {
    std::string s;
    if (fault)
        s = fmt("#PF err=%02x cr2=%08" PRIx32, err, cr2);
    else
        s = fmt("ok paddr=%010" PRIx64 " size=%u cr2=%08" PRIx32, paddr, shift, cr2);
    s += fmt(" source=%s", source_names[source & 3]);
    if (fill)
        s += fmt(" fill=%s[%" PRIu32 "][%" PRIu32 "]%s", large ? "large" : "4k", set, way,
                 evict ? " evict" : "");
    return s;
}

std::string Lockstep::c_record(const Result &r) const {
    const TlbFill &f = c_fill_slot_;
    return record_text(r.vector == VEC_PF, r.error_code, r.cr2, r.paddr, r.page_shift, r.source, c_fill_,
                       f.slot.array != 0, f.slot.set, f.slot.way, f.evicted);
}

std::string Lockstep::rtl_record(const CpuOutputs &o) const {
    return record_text(o.resp_fault, o.resp_err, o.resp_cr2, o.resp_paddr, o.resp_page_shift, o.resp_source,
                       o.mon_fill, o.mon_fill_large, o.mon_fill_set, o.mon_fill_way, o.mon_fill_evict);
}

bool Lockstep::translate(const Access *a, Result *r, const char **why) {
    if (failed_) {
        *why = why_.c_str();
        return false;
    }
    dut_.at_transaction(transactions_);
    const MmuStats *st = mmu_stats(mmu_);
    uint64_t rights0 = st->rewalk_rights, dirty0 = st->rewalk_dirty;
    in_flight_ = true;
    ops_.clear();
    c_fill_ = false;
    locked_ = false;
    c_done_ = mmu_begin(mmu_, a, &c_res_, &c_req_) == MMU_STEP_DONE;

    // The request: offered until the RTL takes it (it is idle, so at once).
    uint64_t start = cycle_;
    while (!dut_.outputs().req_ready && !failed_) {
        if (cycle_ - start > TIMEOUT_CYCLES) mismatch("the RTL never became ready for a request");
        else tick();
    }
    dut_.set_request(true, a->la, a->kind, a->implicit);
    uint64_t accepted = cycle_;
    tick();
    dut_.set_request(false, 0, 0, false);
    CpuOutputs o;
    while (!failed_ && !(o = dut_.outputs()).resp_valid) {
        if (cycle_ - accepted > TIMEOUT_CYCLES) mismatch("the RTL never answered");
        else tick();
    }
    in_flight_ = false;
    uint64_t latency = cycle_ - accepted;
    if (!failed_) {
        uint8_t c_rewalk = st->rewalk_rights != rights0 ? 1 : st->rewalk_dirty != dirty0 ? 2 : 0;
        bool same = c_done_ && !locked_;
        if (same) {
            bool fault = c_res_.vector == VEC_PF;
            same = o.resp_fault == fault && o.resp_cr2 == c_res_.cr2 &&
                   o.resp_source == c_res_.source && o.mon_rewalk == c_rewalk &&
                   o.mon_fill == c_fill_;
            if (fault) same = same && o.resp_err == c_res_.error_code;
            else same = same && o.resp_paddr == c_res_.paddr && o.resp_page_shift == c_res_.page_shift;
            if (c_fill_)
                same = same && o.mon_fill_large == (c_fill_slot_.slot.array == TLB_LARGE) &&
                       o.mon_fill_set == c_fill_slot_.slot.set &&
                       o.mon_fill_way == c_fill_slot_.slot.way &&
                       o.mon_fill_evict == c_fill_slot_.evicted;
        }
        if (!same) {
            std::string ops;
            for (const MemOp &op : ops_) ops += "\n    " + describe_op(op);
            std::string head = fmt("%s %08" PRIx32 "%s",
                                   a->kind == ACC_FETCH ? "fetch" : a->kind == ACC_READ ? "read" : "write",
                                   a->la, a->implicit ? " implicit" : "");
            mismatch(head + "\n  RTL:     " + rtl_record(o) + fmt(" rewalk=%u", o.mon_rewalk) +
                     "\n  C model: " +
                     (c_done_ ? c_record(c_res_) + fmt(" rewalk=%u", c_rewalk)
                              : "unfinished, next " + describe_c_req(c_req_)) +
                     "\n  memory operations:" + (ops.empty() ? " none" : ops));
        }
    }
    if (!failed_) {
        uint64_t want = expected_latency(o.mon_rewalk);
        if (latency != want)
            mismatch(fmt("%s %08" PRIx32 " took %" PRIu64 " cycles; the latency formula "
                         "(rtl/README.md section 4) gives %" PRIu64 " for %s",
                         a->kind == ACC_FETCH ? "fetch" : a->kind == ACC_READ ? "read" : "write",
                         a->la, latency, want, c_record(c_res_).c_str()));
    }
    if (failed_) {
        *why = why_.c_str();
        return false;
    }
    latency_sum_ += latency;
    cycles_by_source_[c_res_.source & 3] += latency;
    count_by_source_[c_res_.source & 3]++;
    if (c_res_.source == SRC_WALK) walk_mem_ops_ += ops_.size();
    transactions_++;
    *r = c_res_;
    return true;
}

// Counters the RTL does not keep: the CPU side's (rtl/README.md section 3: the RTL sees only
// FLUSH_ALL), and cycles, which the bench compares separately.
static bool cpu_side(const char *name) {
    static const char *const names[] = {"flush_cr0", "flush_cr4", "flush_efer", "flush_profile",
                                        "pdpte_loads", "gp", "cycles"};
    for (const char *n : names)
        if (strcmp(n, name) == 0) return true;
    return false;
}

static size_t stats_index(const char *name) {
    for (size_t i = 0; i < stats_count(); i++)
        if (strcmp(stats_info(i)->name, name) == 0) return i;
    abort(); // stats.def has no such counter: a bug here
}

bool Lockstep::finish(char *err, size_t len) {
    if (failed_) {
        snprintf(err, len, "%s", why_.c_str());
        return false;
    }
    // The RTL counts a cycle's events at the next edge (rtl/README.md section 3): one more
    // cycle, idle, and the counters hold every request's events.
    tick();
    const MmuStats *st = mmu_stats(mmu_);
    std::string diffs;
    size_t n = stats_count();
    for (size_t i = 0; i < n; i++) {
        const StatInfo *si = stats_info(i);
        if (cpu_side(si->name)) continue;
        uint64_t c = stats_value(st, si), rtl = dut_.counter((unsigned)i);
        if (c != rtl) diffs += fmt("\n  %s: RTL %" PRIu64 ", C model %" PRIu64, si->name, rtl, c);
    }
    uint64_t all = st->flush_cr0 + st->flush_cr4 + st->flush_efer + st->flush_profile;
    uint64_t rtl_all = dut_.counter((unsigned)n);
    if (rtl_all != all)
        diffs += fmt("\n  FLUSH_ALL commands: RTL %" PRIu64 ", C model %" PRIu64
                     " (flush_cr0 + flush_cr4 + flush_efer + flush_profile)",
                     rtl_all, all);
    uint64_t rtl_cycles = dut_.counter((unsigned)stats_index("cycles"));
    if (rtl_cycles != latency_sum_)
        diffs += fmt("\n  cycles: RTL %" PRIu64 ", the sum of the translations' latencies %" PRIu64,
                     rtl_cycles, latency_sum_);
    if (!diffs.empty()) {
        failed_ = true;
        why_ = "RTL/C-model mismatch in the counters at the end:" + diffs;
        snprintf(err, len, "%s", why_.c_str());
        return false;
    }
    return true;
}

void Lockstep::print_summary(FILE *f) const {
    if (!bo_.summary || !attached_) return; // nothing ran
    fprintf(f, "lockstep: %" PRIu64 " translations, %" PRIu64 " commands, %s; %" PRIu64
               " cycles, memory latency %u\n",
            transactions_, commands_, failed_ ? "MISMATCH" : "0 mismatches", cycle_,
            bo_.mem_latency);
    static const char *const rows[4] = {"unpaged", "TLB hit", "", "walk"};
    for (int s = 0; s < 4; s++) {
        if (!count_by_source_[s]) continue;
        fprintf(f, "lockstep: %-8s %10" PRIu64 " translations, %.2f cycles each", rows[s],
                count_by_source_[s], (double)cycles_by_source_[s] / (double)count_by_source_[s]);
        if (s == SRC_WALK)
            fprintf(f, ", %.2f memory operations each",
                    (double)walk_mem_ops_ / (double)count_by_source_[s]);
        fputc('\n', f);
    }
}

int bench_run(Lockstep &ls, const std::vector<std::string> &rest) {
    std::vector<char *> argv;
    static char prog[] = "rtlbench";
    argv.push_back(prog);
    for (const std::string &s : rest) argv.push_back(const_cast<char *>(s.c_str()));
    argv.push_back(nullptr);
    ReplayHooks h = ls.hooks();
    int status = replay_main((int)argv.size() - 1, argv.data(), &h);
    ls.print_summary(stderr);
    if (ls.failed()) status = EXIT_MISMATCH;
    return status;
}
