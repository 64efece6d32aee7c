#pragma once
// `nzeza backtest FILE... [--config F] [--from T --to T] [--report DIR] [--json]`: replays
// recordings and Tardis CSV files through the trading pipeline (app/backtest.hpp), prints the
// summary and writes DIR/report.json (and the HTML report).
//
// Exit codes: 0 done; 1 the run failed (a corrupt or truncated file: the message names the file
// and the line); 2 bad arguments or configuration.

#include <string>
#include <vector>

namespace nzeza::cli {

struct BacktestOptions {
  std::vector<std::string> inputs;
  std::string config_file;  // empty: config/paper.toml if it exists here, else built-in defaults
  std::string from;
  std::string to;
  std::string report_dir;
  bool json = false;
};

[[nodiscard]] int run(const BacktestOptions& opt);

}  // namespace nzeza::cli
