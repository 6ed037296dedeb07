// mmu_counters.sv - the 64-bit counters, indexed as mmu_stats_pkg (stats.def order, then
// CNT_FLUSH_ALL), and their combinational readout.
//
// mmu_top reports what happened in a cycle (cnt_events_t, registered: `ev` holds the events
// of the cycle before, so a counter lags its events by one cycle); the decoding into counter
// indices happens here at the clock edge, as slots: slot s adds one to counter idx[s] when
// v[s] (the slots of one cycle name different counters, and each counter has one slot that
// can name it). Decoding at the edge rather than in combinational logic keeps it out of the
// logic that a simulator re-evaluates whenever an input changes. entries_dropped is not kept
// here: it reads `dropped`, the TLB arrays' own totals. Counters the RTL never increments
// read 0.
//
// Not traced in waveforms: the counters are read through cnt_sel/cnt_value (traced at
// mmu_top), and the events are mmu_top's signals.
/* verilator tracing_off */
module mmu_counters
  import mmu_pkg::*;
(
  input  logic        clk,
  input  logic        rst_n,
  input  cnt_events_t ev,
  input  logic [63:0] dropped,
  input  logic [7:0]  cnt_sel,
  output logic [63:0] cnt_value
);
  localparam int unsigned N = mmu_stats_pkg::CNT_COUNT;
  localparam int unsigned DROPPED = mmu_stats_pkg::STAT_entries_dropped;
  localparam int unsigned SEL_W = (N > 1) ? $clog2(N) : 1;
  localparam int unsigned NEV = 10;

  if (N > 256) $fatal(1, "mmu_counters: cnt_sel has 8 bits, CNT_COUNT must be at most 256");

  typedef enum logic [2:0] {
    COL_HIT_4K, COL_HIT_LARGE, COL_MISS_4K, COL_MISS_LARGE, COL_MISS_FAULT
  } tlb_col_e;

  function automatic int unsigned acc_stat(acc_kind_e k);
    case (k)
      ACC_FETCH: return mmu_stats_pkg::STAT_acc_fetch;
      ACC_WRITE: return mmu_stats_pkg::STAT_acc_write;
      default:   return mmu_stats_pkg::STAT_acc_read;
    endcase
  endfunction

  function automatic int unsigned walk_stat(acc_kind_e k);
    case (k)
      ACC_FETCH: return mmu_stats_pkg::STAT_walk_fetch;
      ACC_WRITE: return mmu_stats_pkg::STAT_walk_write;
      default:   return mmu_stats_pkg::STAT_walk_read;
    endcase
  endfunction

  function automatic int unsigned l1_stat(acc_kind_e k, tlb_col_e col);
    case (k)
      ACC_FETCH:
        case (col)
          COL_HIT_4K:     return mmu_stats_pkg::STAT_l1_fetch_hit_4k;
          COL_HIT_LARGE:  return mmu_stats_pkg::STAT_l1_fetch_hit_large;
          COL_MISS_4K:    return mmu_stats_pkg::STAT_l1_fetch_miss_4k;
          COL_MISS_LARGE: return mmu_stats_pkg::STAT_l1_fetch_miss_large;
          default:        return mmu_stats_pkg::STAT_l1_fetch_miss_fault;
        endcase
      ACC_WRITE:
        case (col)
          COL_HIT_4K:     return mmu_stats_pkg::STAT_l1_write_hit_4k;
          COL_HIT_LARGE:  return mmu_stats_pkg::STAT_l1_write_hit_large;
          COL_MISS_4K:    return mmu_stats_pkg::STAT_l1_write_miss_4k;
          COL_MISS_LARGE: return mmu_stats_pkg::STAT_l1_write_miss_large;
          default:        return mmu_stats_pkg::STAT_l1_write_miss_fault;
        endcase
      default:
        case (col)
          COL_HIT_4K:     return mmu_stats_pkg::STAT_l1_read_hit_4k;
          COL_HIT_LARGE:  return mmu_stats_pkg::STAT_l1_read_hit_large;
          COL_MISS_4K:    return mmu_stats_pkg::STAT_l1_read_miss_4k;
          COL_MISS_LARGE: return mmu_stats_pkg::STAT_l1_read_miss_large;
          default:        return mmu_stats_pkg::STAT_l1_read_miss_fault;
        endcase
    endcase
  endfunction

  logic [63:0] cnt[N];

  always_ff @(posedge clk) begin : b_count
    logic [NEV-1:0]      v;    // the slots of this cycle (temporaries)
    logic [NEV-1:0][7:0] idx;
    if (!rst_n) begin
      cnt <= '{default: '0};
    end else begin
      v = '0;
      idx = '0;
      // 0, 1: the access and its kind
      if (ev.req_fire) begin
        v[0] = 1'b1;
        idx[0] = 8'(acc_stat(ev.req_kind));
        if (!ev.pg) begin
          v[1] = 1'b1;
          idx[1] = 8'(mmu_stats_pkg::STAT_acc_unpaged);
        end
      end
      // 2: the l1 outcome (a used hit, a refused hit's reason, a fill's or a fault's column)
      if (ev.hit_used) begin
        v[2] = 1'b1;
        idx[2] = 8'(l1_stat(ev.req_kind, ev.hit_large ? COL_HIT_LARGE : COL_HIT_4K));
      end else if (ev.hit_refused) begin
        v[2] = 1'b1;
        idx[2] = 8'(ev.hit_allowed ? mmu_stats_pkg::STAT_rewalk_dirty
                                   : mmu_stats_pkg::STAT_rewalk_rights);
      end else if (ev.fill) begin
        v[2] = 1'b1;
        idx[2] = 8'(l1_stat(ev.held_kind, ev.walk_large ? COL_MISS_LARGE : COL_MISS_4K));
      end else if (ev.walk_fault) begin
        v[2] = 1'b1;
        idx[2] = 8'(l1_stat(ev.held_kind, COL_MISS_FAULT));
      end
      // 3: a walk starts
      if (ev.walk_start) begin
        v[3] = 1'b1;
        idx[3] = 8'(walk_stat(ev.walk_kind));
      end
      // 4, 5: the walker's memory events
      if (ev.pt_read || ev.ad_write) begin
        v[4] = 1'b1;
        idx[4] = 8'(ev.pt_read ? mmu_stats_pkg::STAT_walk_reads : mmu_stats_pkg::STAT_ad_writes);
      end
      if (ev.d_set) begin
        v[5] = 1'b1;
        idx[5] = 8'(mmu_stats_pkg::STAT_d_sets);
      end
      // 6, 7, 8: a fill (and its eviction) or a #PF (its error code, the invalidation); a
      // command
      if (ev.fill) begin
        v[6] = 1'b1;
        idx[6] = 8'(mmu_stats_pkg::STAT_l1_fills);
        if (ev.fill_evict) begin
          v[7] = 1'b1;
          idx[7] = 8'(mmu_stats_pkg::STAT_l1_evictions);
        end
      end else if (ev.walk_fault) begin
        v[6] = 1'b1;
        idx[6] = 8'(mmu_stats_pkg::STAT_pf);
        v[7] = 1'b1;
        idx[7] = 8'(mmu_stats_pkg::STAT_pf_err_00) + {3'd0, ev.pf_err};
      end
      if (ev.walk_fault) begin
        v[8] = 1'b1;
        idx[8] = 8'(mmu_stats_pkg::STAT_pf_invalidations);
      end else if (ev.ctrl_fire && ev.ctrl_op != CTRL_RESERVED) begin
        v[8] = 1'b1;
        case (ev.ctrl_op)
          CTRL_CR3_WRITE: idx[8] = 8'(mmu_stats_pkg::STAT_flush_cr3);
          CTRL_FLUSH_ALL: idx[8] = 8'(mmu_stats_pkg::CNT_FLUSH_ALL);
          default:        idx[8] = 8'(mmu_stats_pkg::STAT_invlpg);
        endcase
      end
      // 9: cycles: every cycle of a request, from its handshake to the cycle before resp_valid
      if (ev.req_fire || ev.busy) begin
        v[9] = 1'b1;
        idx[9] = 8'(mmu_stats_pkg::STAT_cycles);
      end
      for (int unsigned s = 0; s < NEV; s++)
        if (v[s]) cnt[idx[s][SEL_W-1:0]] <= cnt[idx[s][SEL_W-1:0]] + 64'd1;
    end
  end

  assign cnt_value = ({24'd0, cnt_sel} == DROPPED) ? dropped
                   : ({24'd0, cnt_sel} < N) ? cnt[cnt_sel[SEL_W-1:0]] : 64'd0;

endmodule
