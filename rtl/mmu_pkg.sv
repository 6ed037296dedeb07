// mmu_pkg.sv - types, encodings and the paging rules shared by the RTL modules
// (model/include/mmusim/cpu.h, walk.h; model/src/walk.c).
//
// One package on purpose: its file name sorts before every module that imports it, so that
// `verilator ... rtl/*.sv` sees it first (Verilator needs a package declared before its use).
// The generated mmu_cfg_pkg and mmu_stats_pkg are not imported here.
package mmu_pkg;

  // ---- encodings of the ports (rtl/README.md section 2) ------------------------------------

  // AccessKind order. 3 is not a kind; the RTL treats it as a read.
  typedef enum logic [1:0] {
    ACC_FETCH    = 2'd0,
    ACC_READ     = 2'd1,
    ACC_WRITE    = 2'd2,
    ACC_RESERVED = 2'd3
  } acc_kind_e;

  // ctrl_op. 3 is not a command; it completes at once and changes nothing.
  typedef enum logic [1:0] {
    CTRL_CR3_WRITE = 2'd0,
    CTRL_FLUSH_ALL = 2'd1,
    CTRL_INVLPG    = 2'd2,
    CTRL_RESERVED  = 2'd3
  } ctrl_op_e;

  // resp_source: the C model's SRC_* (there is no L2, so SRC_L2 never appears).
  typedef enum logic [1:0] {
    SRC_UNPAGED = 2'd0,
    SRC_L1      = 2'd1,
    SRC_L2      = 2'd2,
    SRC_WALK    = 2'd3
  } source_e;

  // mon_rewalk: why a TLB hit was refused.
  typedef enum logic [1:0] {
    REWALK_NONE   = 2'd0,
    REWALK_RIGHTS = 2'd1,
    REWALK_DIRTY  = 2'd2
  } rewalk_e;

  // Size of a translation: 4 KiB, 2 MiB (PAE) or 4 MiB (32-bit PSE).
  typedef enum logic [1:0] {
    PSZ_4K = 2'd0,
    PSZ_2M = 2'd1,
    PSZ_4M = 2'd2
  } page_size_e;

  function automatic logic [4:0] page_shift_of(page_size_e psz);
    case (psz)
      PSZ_2M:  return 5'd21;
      PSZ_4M:  return 5'd22;
      default: return 5'd12;
    endcase
  endfunction

  // The bits of an address inside a page of this size.
  function automatic logic [39:0] offset_mask(page_size_e psz);
    case (psz)
      PSZ_2M:  return 40'h1F_FFFF;
      PSZ_4M:  return 40'h3F_FFFF;
      default: return 40'hFFF;
    endcase
  endfunction

  // Replacement policies: the generated mmu_cfg_pkg::POLICY, in model/include/mmusim/repl.h
  // ReplPolicy order.
  localparam int unsigned POLICY_LRU = 0, POLICY_PLRU = 1, POLICY_FIFO = 2, POLICY_RANDOM = 3;

  // What a tlb_array clear port removes from the addressed set.
  typedef enum logic [1:0] {
    CLR_PAGE      = 2'd0,  // a page's entry and, in the 4 KiB array, its large page's fragments
    CLR_NONGLOBAL = 2'd1,  // every entry without G (MOV CR3)
    CLR_ALL       = 2'd2   // every entry
  } clear_mode_e;

  // What happened in a cycle, for the counters (mmu_counters.sv decodes it at the clock edge,
  // so the decoding is not re-evaluated with every input change).
  typedef struct packed {
    logic       req_fire;      // a request handshake
    logic       pg;            // ... with paging on (else it is unpaged)
    acc_kind_e  req_kind;      // ... its kind (3 read as ACC_READ)
    logic       hit_used;      // the handshake used a TLB hit
    logic       hit_large;     // ... from a large-page entry
    logic       hit_refused;   // the handshake's hit was refused
    logic       hit_allowed;   // ... for a clean write (else for the rights)
    logic       walk_start;    // a walk starts
    acc_kind_e  walk_kind;     // ... for this kind
    acc_kind_e  held_kind;     // the held request's kind (fills and faults)
    logic       fill;          // a walk ended in a fill
    logic       walk_large;    // ... of a large page (2 or 4 MiB)
    logic       fill_evict;    // ... that replaced a valid entry
    logic       walk_fault;    // a walk ended in #PF
    logic [4:0] pf_err;        // ... with this error code
    logic       pt_read;       // the walker read a paging-structure entry
    logic       ad_write;      // the walker finished an A/D read-modify-write
    logic       d_set;         // ... that set a D bit
    logic       ctrl_fire;     // a command handshake
    ctrl_op_e   ctrl_op;       // ... of this command
    logic       busy;          // a request in progress after its handshake cycle
  } cnt_events_t;

  // ---- x86 bits (cpu.h) ---------------------------------------------------------------------

  localparam int unsigned CR0_WP = 16, CR0_PG = 31;
  localparam int unsigned CR4_PSE = 4, CR4_PAE = 5, CR4_PGE = 7, CR4_SMEP = 20, CR4_SMAP = 21;
  localparam int unsigned PTE_P = 0, PTE_RW = 1, PTE_US = 2, PTE_A = 5, PTE_D = 6, PTE_PS = 7,
                          PTE_G = 8, PTE_XD = 63;

  // Effective rights of a translation (walk.h Rights): AND of R/W and U/S, OR of XD.
  localparam int unsigned RIGHT_RW = 0, RIGHT_US = 1, RIGHT_XD = 2;
  typedef logic [2:0] rights_t;

  // #PF error-code bits.
  localparam int unsigned PFERR_P = 0, PFERR_W = 1, PFERR_U = 2, PFERR_RSVD = 3, PFERR_ID = 4;

  // ---- a TLB entry (model/include/mmusim/tlb.h TlbEntry) -----------------------------------
  //
  // Both arrays use the same layout. vpn is la >> shift (shift 12 in the 4 KiB array, the page
  // shift in the large array); pfn is the physical address bits 39:12 of what the entry maps
  // (a fragment: the 4 KiB frame inside its large page). psz is the size of the translation
  // (a fragment keeps the large size); valid bits are kept beside the entries.
  typedef struct packed {
    logic [19:0] vpn;
    logic [27:0] pfn;
    rights_t     rights;
    logic        dirty;   // cached with D=1 (TLBE_DIRTY)
    logic        glob;    // leaf G with CR4.PGE (TLBE_GLOBAL)
    page_size_e  psz;
  } tlb_entry_t;

  // ---- the walk environment (walk.h WalkEnv, built by walk_env.sv) -------------------------

  // What the rights check reads (spec A.4): CPL and the control bits applied at use time.
  typedef struct packed {
    logic [1:0] cpl;
    logic       wp, smep, smap, ac;
  } priv_t;

  typedef struct packed {
    logic        pae;         // PAE paging (else 32-bit paging)
    logic        nx;          // PAE and EFER.NXE: bit 63 is XD
    logic        pge;         // CR4.PGE: leaf G makes an entry global
    logic        id_bit;      // error-code I/D is reported for fetches (SMEP, or PAE+NXE)
    logic        large_ok;    // PS=1 in a PDE maps a page (PAE, or 32-bit with CR4.PSE)
    logic        pse36;       // 32-bit 4 MiB PDE bits 20:13 are address bits 39:32
    priv_t       priv;
    page_size_e  large_psz;   // PSZ_2M (PAE) or PSZ_4M (32-bit)
    logic [39:0] addr_mask;   // physical-address bits below MAXPHYADDR
    logic [39:0] table_mask;  // address bits of a table pointer or 4 KiB frame in an entry
    logic [63:0] rsvd_table;  // reserved bits of a PDE that references a table
    logic [63:0] rsvd_large;  // of a PDE that maps a large page
    logic [63:0] rsvd_leaf;   // of a PTE
  } walk_env_t;

  // Bits hi..lo of a 64-bit word (walk.c bits()); empty when lo > hi.
  function automatic logic [63:0] bit_range(int unsigned hi, int unsigned lo);
    logic [63:0] m;
    for (int unsigned i = 0; i < 64; i++) m[i] = (i >= lo) && (i <= hi);
    return m;
  endfunction

  // walk_rights_allow (spec A.4): may an access of this kind use these rights now?
  // A supervisor access is one at CPL < 3 or an implicit one.
  function automatic logic rights_allow(priv_t priv, acc_kind_e kind, logic implicit,
                                        rights_t r);
    // One expression, no early return: Verilator then keeps the temporaries in registers.
    logic rw, us, xd, user, smap_blocks;
    rw = r[RIGHT_RW];
    us = r[RIGHT_US];
    xd = r[RIGHT_XD];
    user = priv.cpl == 2'd3 && !implicit;
    smap_blocks = us && priv.smap && !(priv.ac && !implicit);
    return (kind == ACC_FETCH) ? (user ? us && !xd : !xd && !(us && priv.smep))
         : (kind == ACC_WRITE) ? (user ? us && rw : (rw || !priv.wp) && !smap_blocks)
         : (user ? us : !smap_blocks);
  endfunction

  // walk_error_code (spec A.6): the #PF error code for a fault with these P and RSVD bits.
  function automatic logic [4:0] pf_error_code(logic [1:0] cpl, logic id_bit, acc_kind_e kind,
                                               logic implicit, logic p, logic rsvd);
    logic [4:0] e;
    e = '0;
    e[PFERR_P] = p;
    e[PFERR_RSVD] = rsvd;
    e[PFERR_W] = kind == ACC_WRITE;
    e[PFERR_U] = cpl == 2'd3 && !implicit;
    e[PFERR_ID] = kind == ACC_FETCH && id_bit;
    return e;
  endfunction

endpackage
