#pragma once
// `nzeza record --config F --out DIR [--duration S] [--fast]`: records the market data of the
// configured venues and symbols (or the simulated market) into DIR, in the recording format of
// docs/recording.md, and trades nothing (the kill switch is engaged before the first event).
// --fast runs the simulated market on simulated time as fast as the CPU allows (needs
// --duration). Ctrl-C stops in order; the files are closed whole.
//
// Exit codes: 0 done; 1 the recorder or a feed failed to start; 2 bad arguments or
// configuration.

#include <string>

namespace nzeza::cli {

struct RecordOptions {
  std::string config_file;  // empty: built-in defaults
  std::string out;
  double duration_s = 0;  // 0 = until Ctrl-C (real time)
  bool fast = false;
  std::string start;  // --fast: the simulated clock's start (default: now)
};

[[nodiscard]] int run(const RecordOptions& opt);

}  // namespace nzeza::cli
