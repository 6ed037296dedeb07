// mmu_counters.sv - the 64-bit counters, indexed as mmu_stats_pkg (stats.def order, then
// CNT_FLUSH_ALL), and their combinational readout.
//
// The events of a cycle come as NEV slots: slot s adds one to counter ev_idx[s] when
// ev_valid[s] (the slots of one cycle name different counters). entries_dropped is not kept
// here: it reads `dropped`, the TLB arrays' own totals. Counters the RTL never increments
// read 0. One slot per event source instead of one enable per counter keeps the per-cycle work
// proportional to what happened, not to the number of counters.
module mmu_counters #(
  parameter int unsigned NEV = 1
) (
  input  logic                  clk,
  input  logic                  rst_n,
  input  logic [NEV-1:0]        ev_valid,
  input  logic [NEV-1:0][7:0]   ev_idx,
  input  logic [63:0]           dropped,
  input  logic [7:0]            cnt_sel,
  output logic [63:0]           cnt_value
);
  localparam int unsigned N = mmu_stats_pkg::CNT_COUNT;
  localparam int unsigned DROPPED = mmu_stats_pkg::STAT_entries_dropped;
  localparam int unsigned SEL_W = (N > 1) ? $clog2(N) : 1;

  if (N > 256) $fatal(1, "mmu_counters: cnt_sel has 8 bits, CNT_COUNT must be at most 256");

  logic [63:0] cnt[N];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cnt <= '{default: '0};
    end else begin
      for (int unsigned s = 0; s < NEV; s++)
        if (ev_valid[s]) cnt[ev_idx[s][SEL_W-1:0]] <= cnt[ev_idx[s][SEL_W-1:0]] + 64'd1;
    end
  end

  assign cnt_value = ({24'd0, cnt_sel} == DROPPED) ? dropped
                   : ({24'd0, cnt_sel} < N) ? cnt[cnt_sel[SEL_W-1:0]] : 64'd0;

endmodule
