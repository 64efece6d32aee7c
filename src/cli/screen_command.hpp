#pragma once
// `nzeza screen [FILE...] [--config F --duration S] [--json] [--top N] [--interval S]`: ranks
// symbols by scalping potential (formulas in domain/screening.hpp) and prints a table sorted by
// score, or JSON. With files: recordings and Tardis CSV files (app/screening_run.hpp). Without:
// the config's venues' live feeds for --duration seconds, or until Ctrl-C
// (app/screening_live.hpp).
//
// Exit codes: 0 done; 1 a file could not be read (a corrupt or truncated file: the message names
// the file and the line); 2 bad arguments.

#include <cstddef>
#include <string>
#include <vector>

namespace nzeza::cli {

struct ScreenOptions {
  std::vector<std::string> inputs;
  std::string config_file;
  double duration_s = 900;
  std::string ca_file;
  bool json = false;
  std::size_t top = 0;  // 0 = every symbol
  unsigned interval_s = 60;
};

[[nodiscard]] int run(const ScreenOptions& opt);

}  // namespace nzeza::cli
