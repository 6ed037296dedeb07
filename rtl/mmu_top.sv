// mmu_top.sv - the paging unit: request front end, TLB arrays, walker, fault unit, counters
// (contract: rtl/README.md; behaviour: model/src/mmu.c with one unified L1 TLB, no L2, no PDE
// cache).
//
// Sequencing FSM (one request or command at a time):
//   MMU_IDLE          ready. A request is looked up in the cycle of its handshake (req_la
//                     straight into both arrays): paging off or a used hit responds in the next
//                     cycle; a miss starts the walker; a refused hit drops the page first.
//   MMU_DROP_REFUSED  the refused hit's page is dropped (a sweep, see below), then the walk.
//   MMU_WALK          the walker runs; on success the fill and the response, on #PF the drop.
//   MMU_DROP_FAULT    the faulting page is dropped, then the #PF response.
//   MMU_CTRL_SWEEP    a command's sweep, then ctrl_done.
// A sweep clears one set of each array per cycle. Dropping a page (INVLPG, #PF, refused hit)
// takes one cycle when there is a large array (la's 4 KiB set and la's large set), else
// SETS_4K cycles (every set of the 4 KiB array, for the fragments of la's large page).
// CR3_WRITE and FLUSH_ALL sweep max(SETS_4K, SETS_LG) sets.
module mmu_top
  import mmu_pkg::*;
(
  input  logic        clk,
  input  logic        rst_n,
  // architectural state (levels; they change only while idle)
  input  logic [31:0] cr0,
  input  logic [31:0] cr3,
  input  logic [31:0] cr4,
  input  logic        efer_nxe,
  input  logic        eflags_ac,
  input  logic [1:0]  cpl,
  input  logic [63:0] pdpte0,
  input  logic [63:0] pdpte1,
  input  logic [63:0] pdpte2,
  input  logic [63:0] pdpte3,
  input  logic [5:0]  maxphyaddr,
  input  logic        prof_pat,
  input  logic        prof_pse36,
  // commands
  input  logic        ctrl_valid,
  output logic        ctrl_ready,
  input  logic [1:0]  ctrl_op,
  input  logic [31:0] ctrl_la,
  output logic        ctrl_done,
  // translation requests
  input  logic        req_valid,
  output logic        req_ready,
  input  logic [31:0] req_la,
  input  logic [1:0]  req_kind,
  input  logic        req_implicit,
  output logic        resp_valid,
  output logic        resp_fault,
  output logic [39:0] resp_paddr,
  output logic [4:0]  resp_err,
  output logic [31:0] resp_cr2,
  output logic [1:0]  resp_source,
  output logic [4:0]  resp_page_shift,
  // monitor, valid with resp_valid
  output logic [1:0]  mon_rewalk,
  output logic        mon_fill,
  output logic        mon_fill_large,
  output logic [19:0] mon_fill_set,
  output logic [9:0]  mon_fill_way,
  output logic        mon_fill_evict,
  // walker memory port
  output logic        mem_req_valid,
  input  logic        mem_req_ready,
  output logic [39:0] mem_req_addr,
  output logic        mem_req_size8,
  output logic        mem_req_write,
  output logic [63:0] mem_req_wdata,
  output logic        mem_req_lock,
  input  logic        mem_resp_valid,
  input  logic [63:0] mem_resp_rdata,
  // counters
  input  logic [7:0]  cnt_sel,
  output logic [63:0] cnt_value,
  // compiled geometry
  output logic [31:0] id_sets_4k,
  output logic [31:0] id_ways_4k,
  output logic [31:0] id_sets_lg,
  output logic [31:0] id_ways_lg,
  output logic [31:0] id_policy
);

  // ---- configuration ---------------------------------------------------------------------------
  localparam int unsigned SETS_4K = mmu_cfg_pkg::SETS_4K;
  localparam int unsigned WAYS_4K = mmu_cfg_pkg::WAYS_4K;
  localparam int unsigned POLICY = mmu_cfg_pkg::POLICY;
  localparam bit HAS_LG = mmu_cfg_pkg::SETS_LG != 0 && mmu_cfg_pkg::WAYS_LG != 0;
  // Geometry of the large array; 1 x 1 (never instantiated) when there is none.
  localparam int unsigned SETS_LG = HAS_LG ? mmu_cfg_pkg::SETS_LG : 1;
  localparam int unsigned WAYS_LG = HAS_LG ? mmu_cfg_pkg::WAYS_LG : 1;

  localparam int unsigned SIDX_4K = (SETS_4K > 1) ? $clog2(SETS_4K) : 1;
  localparam int unsigned WIDX_4K = (WAYS_4K > 1) ? $clog2(WAYS_4K) : 1;
  localparam int unsigned SIDX_LG = (SETS_LG > 1) ? $clog2(SETS_LG) : 1;
  localparam int unsigned WIDX_LG = (WAYS_LG > 1) ? $clog2(WAYS_LG) : 1;

  // Sweep lengths in cycles: dropping one page, and CR3_WRITE / FLUSH_ALL.
  localparam int unsigned PAGE_SWEEP = HAS_LG ? 1 : SETS_4K;
  localparam int unsigned FLUSH_SWEEP = (HAS_LG && SETS_LG > SETS_4K) ? SETS_LG : SETS_4K;

  if (SETS_4K == 0 || WAYS_4K == 0) $fatal(1, "mmu_top: the 4 KiB array needs sets and ways");
  if (mmu_stats_pkg::STAT_pf_err_1f != mmu_stats_pkg::STAT_pf_err_00 + 31)
    $fatal(1, "mmu_top: pf_err_00..pf_err_1f must be consecutive");

  assign id_sets_4k = 32'(SETS_4K);
  assign id_ways_4k = 32'(WAYS_4K);
  assign id_sets_lg = 32'(mmu_cfg_pkg::SETS_LG);
  assign id_ways_lg = 32'(mmu_cfg_pkg::WAYS_LG);
  assign id_policy = 32'(POLICY);

  // ---- helpers ---------------------------------------------------------------------------------
  // la >> 21 (PAE) or la >> 22 (32-bit), the large page number, from la[31:21].
  function automatic logic [10:0] large_vpn(logic [10:0] la_31_21, logic pae);
    return pae ? la_31_21 : {1'b0, la_31_21[10:1]};
  endfunction

  // ---- environment -----------------------------------------------------------------------------
  // env is registered (walk_env.sv): it holds the inputs of the cycle before. The registers
  // change only while idle, so only the cycle that accepts a request reads them straight from
  // the inputs: paging on, PAE (the large set) and the rights-check inputs; the walker's start
  // likewise (ptw.sv). Every later cycle uses env.
  walk_env_t env;
  walk_env u_env (
    .clk, .rst_n, .cr0, .cr4, .efer_nxe, .eflags_ac, .cpl, .maxphyaddr, .prof_pat, .prof_pse36,
    .env
  );
  logic  pg_in, pae_in, id_bit_in;
  priv_t priv_in;
  assign pg_in = cr0[CR0_PG];
  assign pae_in = cr4[CR4_PAE];
  assign id_bit_in = cr4[CR4_SMEP] || (pg_in && pae_in && efer_nxe);
  assign priv_in = '{cpl: cpl, wp: cr0[CR0_WP], smep: cr4[CR4_SMEP], smap: cr4[CR4_SMAP],
                     ac: eflags_ac};

  // ---- sequencing state ------------------------------------------------------------------------
  typedef enum logic [2:0] {
    MMU_IDLE,
    MMU_DROP_REFUSED,
    MMU_WALK,
    MMU_DROP_FAULT,
    MMU_CTRL_SWEEP
  } mmu_state_e;

  mmu_state_e  state;
  logic [31:0] la_q;         // the walked request's (or INVLPG's) linear address
  acc_kind_e   kind_q;
  logic        implicit_q;
  rewalk_e     rewalk_q;
  clear_mode_e sweep_mode;
  logic [20:0] sweep_idx;    // the set being cleared
  logic [31:0] cr2_q;        // CR2: the latest #PF's linear address
  assign resp_cr2 = cr2_q;    // a fault's response comes at the edge that loads CR2

  logic idle, req_fire, ctrl_fire;
  /* verilator tracing_off */  // req_kind with 3 read as ACC_READ
  acc_kind_e req_kind_e;
  /* verilator tracing_on */
  assign idle = state == MMU_IDLE;
  assign ctrl_ready = idle;
  assign req_ready = idle && !ctrl_valid;  // a command offered in the same cycle goes first
  assign ctrl_fire = ctrl_valid && idle;
  assign req_fire = req_valid && req_ready;
  assign req_kind_e = (req_kind == 2'd3) ? ACC_READ : acc_kind_e'(req_kind);

  // ---- TLB arrays ------------------------------------------------------------------------------
  tlb_entry_t            sm_fill_entry, lg_fill_entry;
  /* verilator tracing_off */  // the matching entry: the array's ent[set][way], traced there
  tlb_entry_t            sm_entry, lg_entry;
  /* verilator tracing_on */
  logic                  lk_en;  // a request's lookup: a hit of it may be used
  logic                  sm_hit, lg_hit, sm_touch, lg_touch, sm_fill, lg_fill, sm_clr, lg_clr;
  logic [WIDX_4K-1:0]    sm_fill_way;
  logic [WIDX_LG-1:0]    lg_fill_way;
  logic [SIDX_4K-1:0]    sm_fill_set, sm_clr_set;
  logic [SIDX_LG-1:0]    lg_fill_set, lg_clr_set;
  logic                  sm_fill_evict, lg_fill_evict;
  logic [63:0]           sm_clr_total, lg_clr_total;
  // The sweeps' page (CLR_PAGE): la_q while a sweep runs, zero otherwise (operand isolation:
  // the clear ports do not follow every request's address).
  logic [31:12]          sweep_la;
  logic [10:0]           sweep_lvpn;
  assign sweep_lvpn = large_vpn(sweep_la[31:21], env.pae);

  assign lk_en = req_fire && pg_in;

  tlb_array #(
    .SETS(SETS_4K), .WAYS(WAYS_4K), .POLICY(POLICY), .SEED(mmu_cfg_pkg::SEED_4K), .LARGE(1'b0)
  ) u_tlb_4k (
    .clk, .rst_n,
    .lk_vpn    (req_la[31:12]),
    .lk_hit    (sm_hit),
    .lk_entry  (sm_entry),
    .lk_en     (lk_en),
    .touch     (sm_touch),
    .fill      (sm_fill),
    .fill_entry(sm_fill_entry),
    .fill_set  (sm_fill_set),
    .fill_way  (sm_fill_way),
    .fill_evict(sm_fill_evict),
    .clr       (sm_clr),
    .clr_mode  (sweep_mode),
    .clr_set   (sm_clr_set),
    .clr_vpn   (sweep_la[31:12]),
    .clr_lvpn  (sweep_lvpn),
    .clr_lpsz  (env.large_psz),
    .clr_total (sm_clr_total)
  );

  if (HAS_LG) begin : g_large
    tlb_array #(
      .SETS(SETS_LG), .WAYS(WAYS_LG), .POLICY(POLICY), .SEED(mmu_cfg_pkg::SEED_LG), .LARGE(1'b1)
    ) u_tlb_lg (
      .clk, .rst_n,
      .lk_vpn    ({9'd0, large_vpn(req_la[31:21], pae_in)}),
      .lk_hit    (lg_hit),
      .lk_entry  (lg_entry),
      .lk_en     (lk_en),
      .touch     (lg_touch),
      .fill      (lg_fill),
      .fill_entry(lg_fill_entry),
      .fill_set  (lg_fill_set),
      .fill_way  (lg_fill_way),
      .fill_evict(lg_fill_evict),
      .clr       (lg_clr),
      .clr_mode  (sweep_mode),
      .clr_set   (lg_clr_set),
      .clr_vpn   ({9'd0, sweep_lvpn}),
      .clr_lvpn  (sweep_lvpn),
      .clr_lpsz  (env.large_psz),
      .clr_total (lg_clr_total)
    );
  end else begin : g_no_large
    assign lg_hit = 1'b0;
    assign lg_entry = '0;
    assign lg_fill_set = '0;
    assign lg_fill_way = '0;
    assign lg_fill_evict = 1'b0;
    assign lg_clr_total = '0;
    /* verilator tracing_off */  // a lint sink, nothing to see
    logic unused_large;
    /* verilator tracing_on */
    assign unused_large = ^{lg_touch, lg_fill, lg_fill_entry, lg_clr, lg_clr_set};
  end

  // ---- lookup (MMU_IDLE, the handshake cycle) --------------------------------------------------
  // The 4 KiB array first, then the large array (tlb_lookup). Whether a hit may be used (the
  // rights, a write through a clean entry) is decided in the sequencing block below, at the
  // edge that takes the request: only that edge reads it. A used hit touches the replacement
  // state at the next edge (sm_touch, lg_touch are registers), when nothing can read that
  // state yet: a fill comes at least three edges after a request's handshake.
  logic hit;
  assign hit = sm_hit || lg_hit;

  // ---- walker ----------------------------------------------------------------------------------
  logic        ptw_start, ptw_done, ptw_fault, ptw_dirty, ptw_glob;
  logic        ev_read, ev_ad_write, ev_d_set;
  logic [39:0] ptw_paddr;
  logic [27:0] ptw_pfn;
  page_size_e  ptw_psz;
  rights_t     ptw_rights;
  logic [4:0]  ptw_err;
  logic        sweep_last;

  assign ptw_start = (req_fire && pg_in && !hit) || (state == MMU_DROP_REFUSED && sweep_last);

  // The walk's request: the handshake's inputs, or the held request of a refused hit's re-walk;
  // zero when no walk starts (operand isolation, as the fill ports).
  logic [31:0] start_la;
  acc_kind_e   start_kind;
  logic        start_implicit;
  always_comb begin
    start_la = '0;
    start_kind = ACC_FETCH;
    start_implicit = 1'b0;
    if (ptw_start) begin
      start_la = idle ? req_la : la_q;
      start_kind = idle ? req_kind_e : kind_q;
      start_implicit = idle ? req_implicit : implicit_q;
    end
  end

  ptw u_ptw (
    .clk, .rst_n, .env,
    .pdpte0, .pdpte1, .pdpte2, .pdpte3,
    .start_pae     (pae_in),
    .start_cpl     (cpl),
    .start_id_bit  (id_bit_in),
    .start_cr3     (cr3),
    .start_maxphyaddr(maxphyaddr),
    .start         (ptw_start),
    .start_la      (start_la),
    .start_kind    (start_kind),
    .start_implicit(start_implicit),
    .done          (ptw_done),
    .fault         (ptw_fault),
    .paddr         (ptw_paddr),
    .pfn           (ptw_pfn),
    .psz           (ptw_psz),
    .rights        (ptw_rights),
    .dirty         (ptw_dirty),
    .glob          (ptw_glob),
    .err           (ptw_err),
    .ev_read, .ev_ad_write, .ev_d_set,
    .mem_req_valid, .mem_req_ready, .mem_req_addr, .mem_req_size8, .mem_req_write,
    .mem_req_wdata, .mem_req_lock, .mem_resp_valid, .mem_resp_rdata
  );

  // ---- fill after a successful walk ------------------------------------------------------------
  // A large page goes to the large array when there is one, else its 4 KiB fragment holding la
  // to the 4 KiB array.
  logic        fill_now, fill_large;
  logic [27:0] frag_pfn;
  assign fill_now = state == MMU_WALK && ptw_done;
  assign fill_large = HAS_LG && ptw_psz != PSZ_4K;
  assign sm_fill = fill_now && !fill_large;
  assign lg_fill = fill_now && fill_large;
  assign frag_pfn = ptw_pfn | (28'(la_q[21:12]) & 28'(offset_mask(ptw_psz) >> 12));
  // Operand isolation: a fill port carries its entry in the fill's cycle only and is zero
  // otherwise, so the array's fill-side logic (set, free way, victim) does not follow la_q on
  // every request. It saves switching, and in a waveform dump most of the value changes.
  always_comb begin
    sm_fill_entry = '0;
    lg_fill_entry = '0;
    if (sm_fill)
      sm_fill_entry = '{vpn: la_q[31:12], pfn: frag_pfn, rights: ptw_rights, dirty: ptw_dirty,
                        glob: ptw_glob, psz: ptw_psz};
    if (lg_fill)
      lg_fill_entry = '{vpn: {9'd0, large_vpn(la_q[31:21], env.pae)}, pfn: ptw_pfn, rights: ptw_rights,
                        dirty: ptw_dirty, glob: ptw_glob, psz: ptw_psz};
  end

  // ---- sweeps: dropping a page, CR3_WRITE, FLUSH_ALL -------------------------------------------
  logic in_sweep, sweep_page;
  assign in_sweep = state == MMU_DROP_REFUSED || state == MMU_DROP_FAULT ||
                    state == MMU_CTRL_SWEEP;
  assign sweep_la = in_sweep ? la_q[31:12] : '0;
  assign sweep_page = sweep_mode == CLR_PAGE;
  assign sweep_last = sweep_idx == 21'((sweep_page ? PAGE_SWEEP : FLUSH_SWEEP) - 1);
  assign sm_clr = in_sweep && (sweep_page || {11'd0, sweep_idx} < SETS_4K);
  assign lg_clr = in_sweep && (sweep_page || {11'd0, sweep_idx} < SETS_LG);
  assign sm_clr_set = (sweep_page && HAS_LG) ? SIDX_4K'(sweep_la[31:12] & 20'(SETS_4K - 1))
                                             : SIDX_4K'(sweep_idx);
  assign lg_clr_set = sweep_page ? SIDX_LG'(sweep_lvpn & 11'(SETS_LG - 1)) : SIDX_LG'(sweep_idx);

  // ---- counter events --------------------------------------------------------------------------
  // The cycle's events are registered (cnt_ev, in b_seq) and counted at the next edge
  // (mmu_counters.sv): no combinational path leads from the request to the counter logic, and
  // a simulator builds the event word once per edge, not with every change of an input. A
  // counter therefore includes a request's events from the second edge after its response
  // (rtl/README.md section 3).
  /* verilator tracing_off */  // it re-encodes the request, the hit and the states shown
  cnt_events_t cnt_ev;
  /* verilator tracing_on */

  // ---- sequencing and the response -------------------------------------------------------------
  // The hit check of a handshake is computed here, at its edge (temporaries of the block; in a
  // waveform they hold the decision of the latest edge, so they are high in the cycle of the
  // used hit's resp_valid).
  logic walk_fault;
  assign walk_fault = state == MMU_WALK && ptw_fault;

  always_ff @(posedge clk) begin : b_seq
    /* verilator tracing_off */
    /* verilator lint_off UNUSEDSIGNAL */  // vpn (the key matched) and G (CR3_WRITE's) unread
    tlb_entry_t hit_e;  // sm_entry or lg_entry: the array's ent[set][way], traced there
    /* verilator lint_on UNUSEDSIGNAL */
    /* verilator tracing_on */
    logic hit_allowed, hit_clean_write, hit_used, hit_refused;
    hit_e = sm_hit ? sm_entry : lg_entry;
    hit_allowed = 1'b0;
    hit_clean_write = 1'b0;
    hit_used = 1'b0;
    hit_refused = 1'b0;
    if (lk_en && hit) begin
      hit_allowed = rights_allow(priv_in, req_kind_e, req_implicit, hit_e.rights);
      hit_clean_write = req_kind_e == ACC_WRITE && !hit_e.dirty;
      hit_used = hit_allowed && !hit_clean_write;
      hit_refused = !hit_used;
    end
    if (!rst_n) begin
      state <= MMU_IDLE;
      cr2_q <= '0;
      resp_valid <= 1'b0;
      ctrl_done <= 1'b0;
      sweep_mode <= CLR_PAGE;
      sweep_idx <= '0;
      sm_touch <= 1'b0;
      lg_touch <= 1'b0;
      cnt_ev <= '0;
    end else begin
      resp_valid <= 1'b0;
      ctrl_done <= 1'b0;
      sm_touch <= hit_used && sm_hit;
      lg_touch <= hit_used && !sm_hit;
      // The cycle's events, counted at the next edge (mmu_counters.sv).
      cnt_ev <= '{
        req_fire: req_fire, pg: pg_in, req_kind: req_kind_e,
        hit_used: hit_used, hit_large: hit_e.psz != PSZ_4K,
        hit_refused: hit_refused, hit_allowed: hit_allowed,
        walk_start: ptw_start, walk_kind: start_kind, held_kind: kind_q,
        fill: fill_now, walk_large: ptw_psz != PSZ_4K,
        fill_evict: fill_large ? lg_fill_evict : sm_fill_evict,
        walk_fault: walk_fault, pf_err: ptw_err,
        pt_read: ev_read, ad_write: ev_ad_write, d_set: ev_d_set,
        ctrl_fire: ctrl_fire, ctrl_op: ctrl_op_e'(ctrl_op),
        busy: state == MMU_DROP_REFUSED || state == MMU_WALK || state == MMU_DROP_FAULT
      };
      if (in_sweep) sweep_idx <= sweep_idx + 1'b1;
      case (state)
        MMU_IDLE:
          if (ctrl_fire) begin
            la_q <= ctrl_la;
            sweep_idx <= '0;
            state <= MMU_CTRL_SWEEP;
            case (ctrl_op)
              CTRL_CR3_WRITE: sweep_mode <= CLR_NONGLOBAL;
              CTRL_FLUSH_ALL: sweep_mode <= CLR_ALL;
              CTRL_INVLPG:    sweep_mode <= CLR_PAGE;
              default: begin  // not a command: done at once
                ctrl_done <= 1'b1;
                state <= MMU_IDLE;
              end
            endcase
          end else if (req_fire) begin
            // The request is held only when a walk follows (now or after a refused hit's
            // drop); an unpaged access or a used hit leaves the registers alone.
            if (pg_in && !hit_used) begin
              la_q <= req_la;
              kind_q <= req_kind_e;
              implicit_q <= req_implicit;
            end
            rewalk_q <= REWALK_NONE;
            // the response of an unpaged access or a used hit
            resp_fault <= 1'b0;
            resp_err <= '0;
            mon_rewalk <= REWALK_NONE;
            mon_fill <= 1'b0;
            mon_fill_large <= 1'b0;
            mon_fill_set <= '0;
            mon_fill_way <= '0;
            mon_fill_evict <= 1'b0;
            if (!pg_in) begin
              resp_valid <= 1'b1;
              resp_paddr <= {8'd0, req_la};
              resp_source <= SRC_UNPAGED;
              resp_page_shift <= '0;
            end else if (hit_used) begin
              resp_valid <= 1'b1;
              // frame + (la mod entry size): 4 KiB entries (fragments too) or large pages
              resp_paddr <= {hit_e.pfn, 12'd0} |
                            ({8'd0, req_la} & (sm_hit ? 40'hFFF : offset_mask(hit_e.psz)));
              resp_source <= SRC_L1;
              resp_page_shift <= page_shift_of(hit_e.psz);
            end else if (hit_refused) begin
              rewalk_q <= hit_allowed ? REWALK_DIRTY : REWALK_RIGHTS;
              sweep_mode <= CLR_PAGE;
              sweep_idx <= '0;
              state <= MMU_DROP_REFUSED;
            end else begin
              state <= MMU_WALK;
            end
          end
        MMU_DROP_REFUSED:
          if (sweep_last) state <= MMU_WALK;  // ptw_start
        MMU_WALK:
          if (ptw_done) begin
            resp_valid <= 1'b1;
            resp_fault <= 1'b0;
            resp_paddr <= ptw_paddr;
            resp_err <= '0;
            resp_source <= SRC_WALK;
            resp_page_shift <= page_shift_of(ptw_psz);
            mon_rewalk <= rewalk_q;
            mon_fill <= 1'b1;
            mon_fill_large <= fill_large;
            mon_fill_set <= fill_large ? 20'(lg_fill_set) : 20'(sm_fill_set);
            mon_fill_way <= fill_large ? 10'(lg_fill_way) : 10'(sm_fill_way);
            mon_fill_evict <= fill_large ? lg_fill_evict : sm_fill_evict;
            state <= MMU_IDLE;
          end else if (ptw_fault) begin
            sweep_mode <= CLR_PAGE;
            sweep_idx <= '0;
            state <= MMU_DROP_FAULT;
          end
        MMU_DROP_FAULT:
          if (sweep_last) begin  // ptw_err holds until the next walk starts
            resp_valid <= 1'b1;
            resp_fault <= 1'b1;
            resp_paddr <= '0;
            resp_err <= ptw_err;
            cr2_q <= la_q;
            resp_source <= SRC_WALK;
            resp_page_shift <= '0;
            mon_rewalk <= rewalk_q;
            mon_fill <= 1'b0;
            mon_fill_large <= 1'b0;
            mon_fill_set <= '0;
            mon_fill_way <= '0;
            mon_fill_evict <= 1'b0;
            state <= MMU_IDLE;
          end
        MMU_CTRL_SWEEP:
          if (sweep_last) begin
            ctrl_done <= 1'b1;
            state <= MMU_IDLE;
          end
        default: state <= MMU_IDLE;
      endcase
    end
  end

  // ---- counters ---------------------------------------------------------------------------------
  mmu_counters u_counters (
    .clk, .rst_n, .ev(cnt_ev), .dropped(sm_clr_total + lg_clr_total), .cnt_sel, .cnt_value
  );

endmodule
