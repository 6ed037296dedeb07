// walk_env.sv - the walk environment from the control registers and the CPU profile
// (model/src/walk.c walk_env_init, levels_32, levels_pae; spec/x86-paging.md A.2, A.7).
//
// Purely combinational: the registers are levels that change only while the MMU is idle.
module walk_env
  import mmu_pkg::*;
(
  input  logic [31:0] cr0,
  input  logic [31:0] cr3,
  input  logic [31:0] cr4,
  input  logic        efer_nxe,
  input  logic        eflags_ac,
  input  logic [1:0]  cpl,
  input  logic [5:0]  maxphyaddr,   // 32..40
  input  logic        prof_pat,
  input  logic        prof_pse36,
  output walk_env_t   env
);

  always_comb begin
    int unsigned m, first_rsvd_32;
    logic [63:0] high;
    m = {26'd0, maxphyaddr};
    first_rsvd_32 = prof_pse36 ? 13 + (m - 32) : 13;

    env = '0;
    env.pg = cr0[CR0_PG];
    env.pae = cr4[CR4_PAE];
    env.nx = env.pg && env.pae && efer_nxe;
    env.pge = cr4[CR4_PGE];
    env.priv.cpl = cpl;
    env.priv.wp = cr0[CR0_WP];
    env.priv.smep = cr4[CR4_SMEP];
    env.priv.smap = cr4[CR4_SMAP];
    env.priv.ac = eflags_ac;
    env.id_bit = env.priv.smep || env.nx;  // A.6: I/D only with SMEP or PAE+NXE
    env.pse36 = prof_pse36;
    for (int unsigned i = 0; i < 40; i++) env.addr_mask[i] = i < m;
    env.pd_base = {8'd0, cr3[31:12], 12'd0};

    // levels_pae: 62:M everywhere, 63 unless NXE, 20:13 in a 2 MiB PDE
    high = bit_range(62, m) | (env.nx ? 64'd0 : 64'd1 << PTE_XD);
    if (env.pae) begin
      env.large_psz = PSZ_2M;
      env.large_ok = 1'b1;
      env.table_mask = env.addr_mask & ~40'hFFF;
      env.rsvd_table = high;
      env.rsvd_large = high | bit_range(20, 13) | (prof_pat ? 64'd0 : 64'd1 << 12);
      env.rsvd_leaf = high | (prof_pat ? 64'd0 : 64'd1 << PTE_PS);
    end else begin  // levels_32: PSE-36 address bits below MAXPHYADDR, bit 21 always reserved
      env.large_psz = PSZ_4M;
      env.large_ok = cr4[CR4_PSE];
      env.table_mask = 40'h00_FFFF_F000;
      env.rsvd_table = '0;
      env.rsvd_large = bit_range(21, first_rsvd_32) | (prof_pat ? 64'd0 : 64'd1 << 12);
      env.rsvd_leaf = (prof_pat || !cr4[CR4_PSE]) ? 64'd0 : 64'd1 << PTE_PS;
    end
  end

  // Register bits the paging unit does not read (CR3[11:0]: PCD/PWT and, under PAE, the low
  // PDPT base bits, whose PDPTE loads are the CPU side's).
  logic unused_register_bits;
  assign unused_register_bits = ^{cr0[30:17], cr0[15:0], cr3[11:0], cr4[31:22], cr4[19:8],
                                  cr4[6], cr4[3:0]};

endmodule
