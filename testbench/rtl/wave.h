// wave.h - the bench's waveform file: FST as Verilator writes it, or VCD converted from it.
#ifndef MMUSIM_WAVE_H
#define MMUSIM_WAVE_H

#include <string>

#include "lockstep.h"

// The FST file the simulation writes: the requested file, or for a .vcd a temporary FST next
// to it.
std::string wave_fst_path(const WaveWindow &w);
// After the simulation: for a .vcd, convert the temporary FST with fst2vcd (GTKWave's tool)
// and remove it. False with a message when the conversion fails.
bool wave_finish(const WaveWindow &w, std::string *err);

#endif
