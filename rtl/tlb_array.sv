// tlb_array.sv - one SETS x WAYS TLB array: lookup, used-hit touch, fill, clear
// (model/src/tlb.c Array; replacement in tlb_repl.sv).
//
// The 4 KiB array (LARGE=0) keys entries by la >> 12 and may hold 4 KiB fragments of large
// pages; the large array (LARGE=1) keys them by la >> 21 or 22. The set of a vpn is
// vpn mod SETS. Entries live in flip-flops; every port works on one set per cycle:
//   lookup  combinational: the lowest valid way whose vpn matches (there is at most one). A
//           request's hit (lk_en) keeps its set and way at the edge; `touch` in the next
//           cycle says it was used, and the replacement state takes it at that cycle's edge.
//   fill    the lowest invalid way of fill_entry.vpn's set, else the policy's victim; the way
//           and whether a valid entry is replaced are outputs in the cycle of the fill.
//   clear   drops entries of one set (clear_mode_e) and adds how many valid ones it dropped
//           to clr_total (at the edge: the clear logic runs only there); the replacement
//           state is left alone, as the C model's flushes and drops do.
module tlb_array
  import mmu_pkg::*;
#(
  parameter int unsigned SETS = 1,
  parameter int unsigned WAYS = 1,
  parameter int unsigned POLICY = POLICY_LRU,
  parameter logic [63:0] SEED = 64'h1,
  parameter bit LARGE = 1'b0,
  localparam int unsigned SIDX_W = (SETS > 1) ? $clog2(SETS) : 1,
  localparam int unsigned WIDX_W = (WAYS > 1) ? $clog2(WAYS) : 1,
  localparam int unsigned CNT_W = $clog2(WAYS + 1)
) (
  input  logic              clk,
  input  logic              rst_n,
  // lookup
  /* verilator tracing_off */
  input  logic [19:0]       lk_vpn,     // not traced: a slice of mmu_top's req_la
  /* verilator tracing_on */
  output logic              lk_hit,
  /* verilator tracing_off */
  output tlb_entry_t        lk_entry,   // not traced: ent[lk_set][lk_way]
  /* verilator tracing_on */
  input  logic              lk_en,      // the lookup is a request's (its hit may be touched)
  input  logic              touch,      // the hit kept at the previous edge was used
  // fill
  input  logic              fill,
  input  tlb_entry_t        fill_entry,
  output logic [SIDX_W-1:0] fill_set,
  output logic [WIDX_W-1:0] fill_way,
  output logic              fill_evict,
  // clear
  input  logic              clr,
  input  clear_mode_e       clr_mode,
  input  logic [SIDX_W-1:0] clr_set,
  input  logic [19:0]       clr_vpn,    // CLR_PAGE: the page's vpn in this array
  input  logic [10:0]       clr_lvpn,   // CLR_PAGE, 4 KiB array: la >> large shift
  input  page_size_e        clr_lpsz,   // CLR_PAGE, 4 KiB array: the current large size
  output logic [63:0]       clr_total   // valid entries dropped by clears since reset
);

  if (SETS == 0 || (SETS & (SETS - 1)) != 0 || SETS > (1 << 20))
    $fatal(1, "tlb_array: SETS must be a power of two, 1..2^20");
  if (WAYS == 0 || WAYS > 1024) $fatal(1, "tlb_array: WAYS must be 1..1024");
  if (POLICY > POLICY_RANDOM) $fatal(1, "tlb_array: unknown POLICY");
  if (POLICY == POLICY_PLRU && (WAYS > 64 || (WAYS & (WAYS - 1)) != 0))
    $fatal(1, "tlb_array: tree-PLRU needs a power-of-two number of ways, at most 64");

  tlb_entry_t                ent[SETS][WAYS];  // written by fills only, meaningful when valid
  logic [SETS-1:0][WAYS-1:0] vld;

  function automatic logic [SIDX_W-1:0] set_of(logic [19:0] vpn);
    return SIDX_W'(vpn & 20'(SETS - 1));
  endfunction

  // ---- lookup -----------------------------------------------------------------------------
  /* verilator tracing_off */  // a slice of lk_vpn
  logic [SIDX_W-1:0] lk_set;
  /* verilator tracing_on */
  logic [WIDX_W-1:0] lk_way;
  assign lk_set = set_of(lk_vpn);

  logic [WAYS-1:0] lk_match;  // one compare per way, shared by the hit and the way
  always_comb
    for (int unsigned w = 0; w < WAYS; w++)
      lk_match[w] = vld[lk_set][w] && ent[lk_set][w].vpn == lk_vpn;
  assign lk_hit = |lk_match;
  always_comb begin
    lk_way = '0;
    for (int w = int'(WAYS) - 1; w >= 0; w--)
      if (lk_match[w]) lk_way = WIDX_W'(w);
  end
  assign lk_entry = ent[lk_set][lk_way];

  // The latest request hit's set and way, for its touch. Not traced: the replacement update's
  // upd_set/upd_way show them in the cycle they are used.
  /* verilator tracing_off */
  logic [SIDX_W-1:0] hit_set;
  logic [WIDX_W-1:0] hit_way;
  /* verilator tracing_on */
  always_ff @(posedge clk)
    if (lk_en && lk_hit) begin
      hit_set <= lk_set;
      hit_way <= lk_way;
    end

  // ---- fill -------------------------------------------------------------------------------
  logic [WIDX_W-1:0] victim, free_way;
  assign fill_set = set_of(fill_entry.vpn);
  assign fill_evict = &vld[fill_set];

  always_comb begin
    free_way = '0;
    for (int w = int'(WAYS) - 1; w >= 0; w--)
      if (!vld[fill_set][w]) free_way = WIDX_W'(w);
  end
  assign fill_way = fill_evict ? victim : free_way;

  // ---- clear and state ----------------------------------------------------------------

  // A fragment of the large page clr_lvpn: a 4 KiB-array entry of the current large size whose
  // vpn lies in that page (tlb.c array_drop_fragments).
  function automatic logic is_fragment_of(logic [10:0] vpn_31_21, page_size_e psz,
                                          logic [10:0] lvpn, page_size_e lpsz);
    if (LARGE || psz != lpsz) return 1'b0;
    case (lpsz)
      PSZ_2M:  return vpn_31_21 == lvpn;
      PSZ_4M:  return {1'b0, vpn_31_21[10:1]} == lvpn;
      default: return 1'b0;
    endcase
  endfunction

  always_ff @(posedge clk) begin : b_state
    logic [WAYS-1:0] clr_mask;
    logic [CNT_W-1:0] clr_count;
    if (!rst_n) begin
      vld <= '0;
      clr_total <= '0;
    end else begin
      if (fill) vld[fill_set][fill_way] <= 1'b1;
      if (clr) begin
        clr_mask = '0;
        clr_count = '0;
        for (int unsigned w = 0; w < WAYS; w++) begin
          case (clr_mode)
            CLR_PAGE:
              clr_mask[w] = ent[clr_set][w].vpn == clr_vpn ||
                            is_fragment_of(ent[clr_set][w].vpn[19:9], ent[clr_set][w].psz,
                                           clr_lvpn, clr_lpsz);
            CLR_NONGLOBAL: clr_mask[w] = !ent[clr_set][w].glob;
            default:       clr_mask[w] = 1'b1;
          endcase
          clr_mask[w] = clr_mask[w] && vld[clr_set][w];
          clr_count = clr_count + CNT_W'(clr_mask[w]);
        end
        vld[clr_set] <= vld[clr_set] & ~clr_mask;
        clr_total <= clr_total + 64'(clr_count);
      end
    end
  end

  always_ff @(posedge clk)  // the entries need no reset: they are read only when valid
    if (fill) ent[fill_set][fill_way] <= fill_entry;

  tlb_repl #(.SETS(SETS), .WAYS(WAYS), .POLICY(POLICY), .SEED(SEED)) u_repl (
    .clk,
    .rst_n,
    .vic_set    (fill_set),
    .victim     (victim),
    .upd        (touch || fill),
    .upd_fill   (fill),
    .upd_replace(fill_evict),
    // zero unless there is an update (operand isolation)
    .upd_set    (fill ? fill_set : touch ? hit_set : '0),
    .upd_way    (fill ? fill_way : touch ? hit_way : '0)
  );

endmodule
