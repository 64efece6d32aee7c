#pragma once
// `nzeza run`: the main job. The command line is bound to RunOptions in main.cpp (the only
// file that includes CLI11).

#include <string>

namespace nzeza::cli {

struct RunOptions {
  std::string config_file;  // empty: config/paper.toml if it exists here, else built-in defaults
  double duration_s = 0;    // 0 = until Ctrl-C (real time); required with --fast
  bool fast = false;
  bool json = false;
  double status_every_s = 10;
  std::string data_dir;  // empty: the config's data_dir
};

// Runs the trading server until Ctrl-C or --duration; answers the exit code (0 done, 1 the
// server failed to start or stop, 2 bad arguments or configuration).
[[nodiscard]] int run(const RunOptions& opt);

}  // namespace nzeza::cli
