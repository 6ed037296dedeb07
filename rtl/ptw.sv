// ptw.sv - the page walker (model/src/walk.c; spec/x86-paging.md A.3-A.6).
//
// One walk at a time, started by a one-cycle `start`:
//   PAE: the PDPTE register for la[31:30]; not present -> PW_FAULT with no memory access.
//   PW_READ -> PW_READ_WAIT     the PDE, then (if it references a table) the PTE; each entry is
//                               checked as it arrives: P, reserved bits, rights accumulated;
//                               at the leaf the access rights (A.4).
//   PW_AD_READ -> ... _WAIT -> PW_AD_WRITE -> ... _WAIT
//                               per entry that needs it, top-down: a locked read, then a
//                               locked write of old | A/D bits (A.5); none after a fault.
//   PW_DONE or PW_FAULT         one cycle with the result, then PW_IDLE.
// The memory port is decoupled: a request is held until mem_req_ready; its response is the
// next mem_resp_valid pulse (at least one cycle after acceptance).
module ptw
  import mmu_pkg::*;
(
  input  logic        clk,
  input  logic        rst_n,
  input  walk_env_t   env,        // registered: valid from the cycle after start
  input  logic [63:0] pdpte0,
  input  logic [63:0] pdpte1,
  input  logic [63:0] pdpte2,
  input  logic [63:0] pdpte3,
  // what the start reads from the inputs of its own cycle (env is not updated yet)
  input  logic        start_pae,
  input  logic [1:0]  start_cpl,
  input  logic        start_id_bit,
  input  logic [31:0] start_cr3,
  input  logic [5:0]  start_maxphyaddr,
  // start of a walk
  input  logic        start,
  input  logic [31:0] start_la,
  input  acc_kind_e   start_kind,
  input  logic        start_implicit,
  // result, valid while done (PW_DONE) or fault (PW_FAULT)
  output logic        done,
  output logic        fault,
  output logic [39:0] paddr,      // translation of la
  output logic [27:0] pfn,        // page base >> 12
  output page_size_e  psz,
  output rights_t     rights,
  output logic        dirty,      // leaf D after this access
  output logic        glob,       // leaf G and CR4.PGE
  output logic [4:0]  err,        // #PF error code
  // one-cycle counter events
  output logic        ev_read,    // a paging-structure entry read (walk_reads)
  output logic        ev_ad_write,// an A/D read-modify-write completed (ad_writes)
  output logic        ev_d_set,   // it set a D bit that was clear (d_sets)
  // memory port
  output logic        mem_req_valid,
  input  logic        mem_req_ready,
  output logic [39:0] mem_req_addr,
  output logic        mem_req_size8,
  output logic        mem_req_write,
  output logic [63:0] mem_req_wdata,
  output logic        mem_req_lock,
  input  logic        mem_resp_valid,
  input  logic [63:0] mem_resp_rdata
);

  typedef enum logic [3:0] {
    PW_IDLE,
    PW_READ,           // request the entry at rd_addr
    PW_READ_WAIT,      // its response: check it
    PW_AD_READ,        // locked read of the entry needing A/D bits
    PW_AD_READ_WAIT,
    PW_AD_WRITE,       // locked write of old | bits
    PW_AD_WRITE_WAIT,
    PW_DONE,
    PW_FAULT
  } ptw_state_e;

  ptw_state_e  state;
  logic [31:0] la;
  acc_kind_e   kind;
  logic        implicit;
  logic        lvl;           // 0: the PDE, 1: the PTE
  logic [39:0] rd_addr;       // the entry being read
  rights_t     acc_rights;    // accumulated over the entries read
  assign rights = acc_rights;  // at PW_DONE: the leaf's, held until the next walk starts
  logic [39:0] pde_addr;
  logic        pde_a;         // the PDE's A bit
  // A/D write-backs, slot 0 first: [0] the PDE (or a is_large page's PDE), [1] the PTE
  logic [39:0] ad_addr[2];
  logic [1:0]  ad_bits[2];    // {D, A} to OR in
  logic [1:0]  ad_pend;
  logic        ad_cur;
  logic [63:0] old;           // the value the locked read returned

  assign done = state == PW_DONE;
  assign fault = state == PW_FAULT;
  assign ad_cur = !ad_pend[0];

  // ---- memory port ------------------------------------------------------------------------
  always_comb begin
    mem_req_valid = 1'b0;
    mem_req_write = 1'b0;
    mem_req_lock = 1'b0;
    mem_req_addr = rd_addr;
    mem_req_wdata = '0;
    case (state)
      PW_READ: mem_req_valid = 1'b1;
      PW_AD_READ: begin
        mem_req_valid = 1'b1;
        mem_req_lock = 1'b1;
        mem_req_addr = ad_addr[ad_cur];
      end
      PW_AD_WRITE: begin
        mem_req_valid = 1'b1;
        mem_req_lock = 1'b1;
        mem_req_write = 1'b1;
        mem_req_addr = ad_addr[ad_cur];
        mem_req_wdata = old | {57'd0, ad_bits[ad_cur], 5'd0};
      end
      default: ;
    endcase
  end
  assign mem_req_size8 = env.pae;

  /* verilator tracing_off */  // mem_resp_rdata, 4-byte entries zero-extended
  logic [63:0] resp_value;  // a locked read's value
  /* verilator tracing_on */
  assign resp_value = env.pae ? mem_resp_rdata : {32'd0, mem_resp_rdata[31:0]};

  assign ev_read = state == PW_READ_WAIT && mem_resp_valid;
  assign ev_d_set = state == PW_AD_READ_WAIT && mem_resp_valid && ad_bits[ad_cur][1] &&
                    !resp_value[PTE_D];
  assign ev_ad_write = state == PW_AD_WRITE_WAIT && mem_resp_valid;

  // ---- the walk ---------------------------------------------------------------------------
  // The entry that arrives in PW_READ_WAIT is checked at the edge (walk_feed, finish): the
  // checks read the memory response, so they are computed only where the edge uses them.
  always_ff @(posedge clk) begin : b_walk
    // Temporaries of the checks, not traced: the entry is mem_resp_rdata, and the results are
    // the registers they are written to.
    /* verilator tracing_off */
    logic [63:0] start_pdpte;
    logic [39:0] start_base;   // the PDPTE's page-table base, within MAXPHYADDR (32..40)
    logic        start_present;
    logic [63:0] e, rsvd;
    logic        is_large, leaf, e_fault, e_rsvd, e_denied;
    rights_t     e_rights;
    logic [39:0] frame, next_table;
    logic [1:0]  leaf_ad0, leaf_ad1;
    logic        leaf_d;
    /* verilator tracing_on */
    if (!rst_n) begin
      state <= PW_IDLE;
      ad_pend <= '0;
    end else begin
      case (state)
        PW_IDLE:
          if (start) begin
            // The first entry: the PDE, under CR3 (32-bit) or the PDPTE register (PAE). The
            // start reads the inputs of its own cycle (env is updated at this edge).
            case (start_la[31:30])
              2'd0: start_pdpte = pdpte0;
              2'd1: start_pdpte = pdpte1;
              2'd2: start_pdpte = pdpte2;
              default: start_pdpte = pdpte3;
            endcase
            start_base = start_pdpte[39:0] & 40'((41'd1 << start_maxphyaddr) - 41'd1) & ~40'hFFF;
            start_present = start_pdpte[PTE_P];
            la <= start_la;
            kind <= start_kind;
            implicit <= start_implicit;
            lvl <= 1'b0;
            acc_rights <= rights_t'(3'b011);  // RW and US until an entry clears them
            rd_addr <= start_pae
                ? start_base |
                  {28'd0, start_la[29:21], 3'd0}
                : {8'd0, start_cr3[31:12], 12'd0} | {28'd0, start_la[31:22], 2'd0};
            ad_pend <= '0;
            if (start_pae && !start_present) begin
              err <= pf_error_code(start_cpl, start_id_bit, start_kind, start_implicit,
                                   1'b0, 1'b0);
              state <= PW_FAULT;
            end else begin
              state <= PW_READ;
            end
          end
        PW_READ: if (mem_req_ready) state <= PW_READ_WAIT;
        PW_READ_WAIT:
          if (mem_resp_valid) begin
            e = env.pae ? mem_resp_rdata : {32'd0, mem_resp_rdata[31:0]};
            is_large = !lvl && env.large_ok && e[PTE_PS];
            leaf = is_large || lvl;
            rsvd = is_large ? env.rsvd_large : lvl ? env.rsvd_leaf : env.rsvd_table;
            e_rights[RIGHT_RW] = acc_rights[RIGHT_RW] && e[PTE_RW];
            e_rights[RIGHT_US] = acc_rights[RIGHT_US] && e[PTE_US];
            e_rights[RIGHT_XD] = acc_rights[RIGHT_XD] || (env.nx && e[PTE_XD]);
            e_fault = !e[PTE_P];  // reserved bits of P=0: ignored
            e_rsvd = e[PTE_P] && (e & rsvd) != 64'd0;
            e_denied = leaf && !rights_allow(env.priv, kind, implicit, e_rights);
            // leaf_frame: the page's physical base
            if (!is_large) frame = e[39:0] & env.table_mask;
            else if (env.pae) frame = e[39:0] & env.addr_mask & ~40'h1F_FFFF;
            else frame = {env.pse36 ? e[20:13] : 8'd0, e[31:22], 22'd0};
            // the page table the PDE references, and its entry for la
            next_table = e[39:0] & env.table_mask;
            // A/D write-backs (top-down): A of each entry read that lacks it, D of the
            // leaf on a write
            leaf_d = kind == ACC_WRITE && !e[PTE_D];
            if (is_large) begin
              leaf_ad0 = {leaf_d, !e[PTE_A]};
              leaf_ad1 = 2'b00;
            end else begin
              leaf_ad0 = {1'b0, !pde_a};
              leaf_ad1 = {leaf_d, !e[PTE_A]};
            end
            acc_rights <= e_rights;
            if (e_fault || e_rsvd || e_denied) begin
              err <= pf_error_code(env.priv.cpl, env.id_bit, kind, implicit, !e_fault, e_rsvd);
              state <= PW_FAULT;
            end else if (!leaf) begin  // a PDE that references a page table
              pde_addr <= rd_addr;
              pde_a <= e[PTE_A];
              lvl <= 1'b1;
              rd_addr <= next_table | (env.pae ? {28'd0, la[20:12], 3'd0}
                                               : {28'd0, la[21:12], 2'd0});
              state <= PW_READ;
            end else begin
              psz <= is_large ? env.large_psz : PSZ_4K;
              pfn <= frame[39:12];
              paddr <= frame | ({8'd0, la} & offset_mask(is_large ? env.large_psz : PSZ_4K));
              dirty <= e[PTE_D] || kind == ACC_WRITE;
              glob <= env.pge && e[PTE_G];
              ad_addr[0] <= is_large ? rd_addr : pde_addr;
              ad_addr[1] <= rd_addr;
              ad_bits[0] <= leaf_ad0;
              ad_bits[1] <= leaf_ad1;
              ad_pend <= {leaf_ad1 != 2'b00, leaf_ad0 != 2'b00};
              state <= (leaf_ad0 != 2'b00 || leaf_ad1 != 2'b00) ? PW_AD_READ : PW_DONE;
            end
          end
        PW_AD_READ: if (mem_req_ready) state <= PW_AD_READ_WAIT;
        PW_AD_READ_WAIT:
          if (mem_resp_valid) begin
            old <= resp_value;
            state <= PW_AD_WRITE;
          end
        PW_AD_WRITE: if (mem_req_ready) state <= PW_AD_WRITE_WAIT;
        PW_AD_WRITE_WAIT:
          if (mem_resp_valid) begin
            ad_pend[ad_cur] <= 1'b0;
            state <= (ad_pend == 2'b11) ? PW_AD_READ : PW_DONE;
          end
        PW_DONE, PW_FAULT: state <= PW_IDLE;
        default: state <= PW_IDLE;
      endcase
    end
  end

  /* verilator tracing_off */  // a lint sink, nothing to see
  logic unused_bits;
  /* verilator tracing_on */
  assign unused_bits = ^start_cr3[11:0];

endmodule
