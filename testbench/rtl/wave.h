// wave.h - the bench's waveform file: FST as Verilator writes it, or VCD converted from it.
#ifndef MMUSIM_WAVE_H
#define MMUSIM_WAVE_H

#include <cstdint>
#include <string>

#include "lockstep.h"

// Both benches ask Verilator's FST writer to write out its buffered value changes every
// WAVE_FLUSH_CYCLES cycles. Left alone, it buffers up to 128 MiB and then walks each signal's
// chain of changes through that buffer, a cache miss per change: that walk was two thirds of
// a full dump's time. Measured on gzip.mmb.zst (2.70 M cycles, C++ bench, before the RTL's
// switching was reduced): 7.3 s unflushed, 3.6 s flushing every 2048 cycles (every 512 and
// every 8192 were slower, 4.0 s and 3.9 s), for a file 1.5x larger (more blocks, each with
// its own index). Once the RTL switched a third as much (8.6 M bits changed per 100k cycles),
// each flush found a third of the data, and its fixed cost per signal (a memset, a compressor
// call per signal) weighed more: on shmcow.mmb.zst a full dump ran 3,701 M instructions
// flushing every 2048 cycles, 3,450 M every 8192 (callgrind), and gzip.mmb.zst took 2.25 s
// against 2.41 s (medians of 4, alternated on a shared core).
constexpr uint64_t WAVE_FLUSH_CYCLES = 8192;

// The FST file the simulation writes: the requested file, or for a .vcd a temporary FST next
// to it.
std::string wave_fst_path(const WaveWindow &w);
// After the simulation: for a .vcd, convert the temporary FST with fst2vcd (GTKWave's tool)
// and remove it. False with a message when the conversion fails.
bool wave_finish(const WaveWindow &w, std::string *err);

#endif
