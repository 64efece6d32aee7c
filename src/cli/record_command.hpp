#pragma once
// `nzeza record --config F --out DIR [--duration S] [--fast]`: records the market data of the
// configured venues and symbols (or the simulated market) into DIR, in the recording format of
// docs/recording.md, and trades nothing (the kill switch is engaged before the first event).
// --fast runs the simulated market on simulated time as fast as the CPU allows (needs
// --duration). Ctrl-C stops in order; the files are closed whole.
//
// Exit codes: 0 done; 1 the recorder or a feed failed to start; 2 bad arguments or
// configuration.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_record_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
