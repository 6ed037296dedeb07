// mmu_counters.sv - the 64-bit counters, indexed as mmu_stats_pkg (stats.def order, then
// CNT_FLUSH_ALL), and their combinational readout.
//
// inc[i] adds one to counter i in this cycle; entries_dropped instead adds `dropped` (a clear
// may remove several entries in one cycle). Counters the RTL never increments read 0.
module mmu_counters #(
  parameter int unsigned DROP_W = 12
) (
  input  logic                                 clk,
  input  logic                                 rst_n,
  input  logic [mmu_stats_pkg::CNT_COUNT-1:0]  inc,
  input  logic [DROP_W-1:0]                    dropped,
  input  logic [7:0]                           cnt_sel,
  output logic [63:0]                          cnt_value
);
  localparam int unsigned N = mmu_stats_pkg::CNT_COUNT;
  localparam int unsigned DROPPED = mmu_stats_pkg::STAT_entries_dropped;

  if (N > 256) $fatal(1, "mmu_counters: cnt_sel has 8 bits, CNT_COUNT must be at most 256");

  logic [63:0] cnt[N];

  for (genvar i = 0; i < N; i++) begin : g_cnt
    always_ff @(posedge clk) begin
      if (!rst_n) cnt[i] <= '0;
      else if (i == DROPPED) cnt[i] <= cnt[i] + 64'(dropped);
      else if (inc[i]) cnt[i] <= cnt[i] + 64'd1;
    end
  end

  localparam int unsigned SEL_W = (N > 1) ? $clog2(N) : 1;
  assign cnt_value = ({24'd0, cnt_sel} < N) ? cnt[cnt_sel[SEL_W-1:0]] : 64'd0;

endmodule
