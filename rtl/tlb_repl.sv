// tlb_repl.sv - the replacement state of one SETS x WAYS array (model/src/repl.c, repl.h).
//
// The state is exactly what repl.c keeps, so the victims are the C model's:
//   LRU    a recency order per set: rank[set][way], 0 = most recent (front), WAYS-1 = the
//          victim (back). Reset: way w has rank w. A used hit or a fill moves the way to the
//          front (every way that was ahead of it moves back one place).
//   FIFO   the same order, moved by fills only.
//   PLRU   WAYS-1 tree bits per set in heap order (node n has children 2n+1, 2n+2); a bit of 0
//          sends the victim search left. A used hit or a fill of way w points every node on
//          w's path away from w. Reset: all 0 (first victim: way 0).
//   RANDOM one xorshift64* state per array, reset to SEED; the victim is the 64-bit
//          xorshift64* output mod WAYS, and the state advances only when a fill replaces
//          that victim. Hits change nothing.
// The victim output is combinational for vic_set; it is asked for only when the set is full.
module tlb_repl
  import mmu_pkg::*;
#(
  parameter int unsigned SETS = 1,
  parameter int unsigned WAYS = 1,
  parameter int unsigned POLICY = POLICY_LRU,
  parameter logic [63:0] SEED = 64'h1,
  localparam int unsigned SIDX_W = (SETS > 1) ? $clog2(SETS) : 1,
  localparam int unsigned WIDX_W = (WAYS > 1) ? $clog2(WAYS) : 1
) (
  input  logic              clk,
  input  logic              rst_n,
  input  logic [SIDX_W-1:0] vic_set,
  output logic [WIDX_W-1:0] victim,
  input  logic              upd,          // a used hit (upd_fill=0) or a fill (upd_fill=1)
  input  logic              upd_fill,
  input  logic              upd_replace,  // the fill replaced the victim of a full set
  input  logic [SIDX_W-1:0] upd_set,
  input  logic [WIDX_W-1:0] upd_way
);

  // LRU/FIFO: the rank of each way in one set; reset: way w has rank w.
  typedef logic [WAYS-1:0][WIDX_W-1:0] order_t;
  function automatic order_t reset_order();
    order_t o;
    for (int unsigned w = 0; w < WAYS; w++) o[w] = WIDX_W'(w);
    return o;
  endfunction

  if (POLICY == POLICY_LRU || POLICY == POLICY_FIFO) begin : g_order
    localparam order_t RESET_ORDER = reset_order();

    logic [SETS-1:0][WAYS-1:0][WIDX_W-1:0] rank;
    order_t vic_order;

    assign vic_order = rank[vic_set];
    always_comb begin
      victim = '0;
      for (int unsigned w = 0; w < WAYS; w++)
        if (vic_order[w] == WIDX_W'(WAYS - 1)) victim = WIDX_W'(w);
    end

    // upd_way to the front; the ways ahead of it move back one place (at the edge).
    always_ff @(posedge clk) begin : b_order
      order_t upd_order, moved;
      if (!rst_n) rank <= {SETS{RESET_ORDER}};
      else if (upd && (upd_fill || POLICY == POLICY_LRU)) begin  // FIFO: fills only
        upd_order = rank[upd_set];
        for (int unsigned w = 0; w < WAYS; w++)
          if (WIDX_W'(w) == upd_way) moved[w] = '0;
          else if (upd_order[w] < upd_order[upd_way]) moved[w] = upd_order[w] + 1'b1;
          else moved[w] = upd_order[w];
        rank[upd_set] <= moved;
      end
    end

    /* verilator tracing_off */  // a lint sink, nothing to see
    logic unused_ports;
    /* verilator tracing_on */
    assign unused_ports = upd_replace;

  end else if (POLICY == POLICY_PLRU && WAYS > 1) begin : g_plru
    localparam int unsigned LEVELS = $clog2(WAYS);
    logic [SETS-1:0][WAYS-2:0] tree;
    logic [WAYS-2:0] vic_tree;

    // Descend from the root: each node's bit is the next bit of the victim's way number.
    assign vic_tree = tree[vic_set];
    always_comb begin
      /* verilator tracing_off */  // loop temporaries
      int unsigned node;
      logic b;
      /* verilator tracing_on */
      node = 0;
      victim = '0;
      for (int unsigned d = 0; d < LEVELS; d++) begin
        b = vic_tree[node];
        victim = WIDX_W'({victim, b});
        node = 2 * node + 1 + {31'd0, b};
      end
    end

    // At depth d, way w's path crosses node 2^d - 1 + (w >> (LEVELS - d)) and leaves it
    // towards bit LEVELS-1-d of w; the node is set to point the other way (at the edge).
    always_ff @(posedge clk) begin : b_tree
      /* verilator tracing_off */
      logic [WAYS-2:0] marked;  // the set's next tree (a temporary)
      /* verilator tracing_on */
      if (!rst_n) tree <= '0;
      else if (upd) begin
        marked = tree[upd_set];
        for (int unsigned d = 0; d < LEVELS; d++)
          marked[(1 << d) - 1 + ({{(32 - WIDX_W) {1'b0}}, upd_way} >> (LEVELS - d))] =
              !upd_way[LEVELS-1-d];
        tree[upd_set] <= marked;
      end
    end

    /* verilator tracing_off */  // a lint sink, nothing to see
    logic unused_ports;
    /* verilator tracing_on */
    assign unused_ports = ^{upd_fill, upd_replace};

  end else if (POLICY == POLICY_RANDOM) begin : g_random
    localparam logic [63:0] START = (SEED != 64'd0) ? SEED : 64'h9E3779B97F4A7C15;
    logic [63:0] state, next, product;

    always_comb begin  // xorshift64* (Vigna), as repl.c rng_next
      next = state ^ (state >> 12);
      next = next ^ (next << 25);
      next = next ^ (next >> 27);
      product = next * 64'h2545F4914F6CDD1D;
    end
    assign victim = WIDX_W'(product % 64'(WAYS));

    always_ff @(posedge clk) begin
      if (!rst_n) state <= START;
      else if (upd && upd_fill && upd_replace) state <= next;
    end

    /* verilator tracing_off */  // a lint sink, nothing to see
    logic unused_ports;
    /* verilator tracing_on */
    assign unused_ports = ^{vic_set, upd_set, upd_way};

  end else begin : g_single  // PLRU with one way: no tree, the victim is way 0
    assign victim = '0;
    /* verilator tracing_off */  // a lint sink, nothing to see
    logic unused_ports;
    /* verilator tracing_on */
    assign unused_ports = ^{clk, rst_n, vic_set, upd, upd_fill, upd_replace, upd_set, upd_way};
  end

endmodule
