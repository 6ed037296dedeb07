// walk_env.sv - the walk environment from the control registers and the CPU profile
// (model/src/walk.c walk_env_init, levels_32, levels_pae; spec/x86-paging.md A.2, A.7).
//
// Registered: env is computed at a clock edge from the inputs of the cycle before it. The
// registers are levels that change only while the MMU is idle, so everything after the edge
// that accepts a request or command sees the new values; the accepting cycle itself reads the
// few bits it needs straight from the inputs (mmu_top). Computing env at the edge only, and
// only when an input changed (or in reset), keeps its logic out of the input-combinational
// region of a simulation and out of most cycles.
module walk_env
  import mmu_pkg::*;
(
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0] cr0,
  input  logic [31:0] cr4,
  input  logic        efer_nxe,
  input  logic        eflags_ac,
  input  logic [1:0]  cpl,
  input  logic [5:0]  maxphyaddr,   // 32..40
  input  logic        prof_pat,
  input  logic        prof_pse36,
  output walk_env_t   env
);

  // The inputs env was computed from, compared at every edge: the control registers as they
  // are, without packing them into one wide vector first; only the small fields are packed.
  logic [31:0] cr0_q, cr4_q;
  logic [11:0] misc_q;

  always_ff @(posedge clk) begin : b_env
    /* verilator tracing_off */  // temporaries: n is env's next value
    logic [11:0] misc;
    int unsigned m, first_rsvd_32;
    logic [63:0] high;
    walk_env_t n;
    /* verilator tracing_on */
    misc = {efer_nxe, eflags_ac, cpl, maxphyaddr, prof_pat, prof_pse36};
    if (!rst_n || cr0 != cr0_q || cr4 != cr4_q || misc != misc_q) begin
      cr0_q <= cr0;
      cr4_q <= cr4;
      misc_q <= misc;
      m = {26'd0, maxphyaddr};
      first_rsvd_32 = prof_pse36 ? 13 + (m - 32) : 13;

      n = '0;
      n.pae = cr4[CR4_PAE];
      n.nx = cr0[CR0_PG] && n.pae && efer_nxe;
      n.pge = cr4[CR4_PGE];
      n.priv.cpl = cpl;
      n.priv.wp = cr0[CR0_WP];
      n.priv.smep = cr4[CR4_SMEP];
      n.priv.smap = cr4[CR4_SMAP];
      n.priv.ac = eflags_ac;
      n.id_bit = n.priv.smep || n.nx;  // A.6: I/D only with SMEP or PAE+NXE
      n.pse36 = prof_pse36;
      for (int unsigned i = 0; i < 40; i++) n.addr_mask[i] = i < m;

      // levels_pae: 62:M everywhere, 63 unless NXE, 20:13 in a 2 MiB PDE
      high = bit_range(62, m) | (n.nx ? 64'd0 : 64'd1 << PTE_XD);
      if (n.pae) begin
        n.large_psz = PSZ_2M;
        n.large_ok = 1'b1;
        n.table_mask = n.addr_mask & ~40'hFFF;
        n.rsvd_table = high;
        n.rsvd_large = high | bit_range(20, 13) | (prof_pat ? 64'd0 : 64'd1 << 12);
        n.rsvd_leaf = high | (prof_pat ? 64'd0 : 64'd1 << PTE_PS);
      end else begin  // levels_32: PSE-36 address bits below MAXPHYADDR, bit 21 always reserved
        n.large_psz = PSZ_4M;
        n.large_ok = cr4[CR4_PSE];
        n.table_mask = 40'h00_FFFF_F000;
        n.rsvd_table = '0;
        n.rsvd_large = bit_range(21, first_rsvd_32) | (prof_pat ? 64'd0 : 64'd1 << 12);
        n.rsvd_leaf = (prof_pat || !cr4[CR4_PSE]) ? 64'd0 : 64'd1 << PTE_PS;
      end
      env <= n;
    end
  end

  // Register bits the walk environment does not read (CR3 is the walker's start, and the
  // PDPTE loads are the CPU side's).
  /* verilator tracing_off */  // a lint sink, nothing to see
  logic unused_register_bits;
  /* verilator tracing_on */
  assign unused_register_bits = ^{cr0[30:17], cr0[15:0], cr4[31:22], cr4[19:8],
                                  cr4[6], cr4[3:0]};

endmodule
