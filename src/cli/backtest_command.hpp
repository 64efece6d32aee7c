#pragma once
// `nzeza backtest FILE... [--config F] [--from T --to T] [--report DIR] [--json]`: replays
// recordings and Tardis CSV files through the trading pipeline (app/backtest.hpp), prints the
// summary and writes DIR/report.json (and the HTML report).
//
// Exit codes: 0 done; 1 the run failed (a corrupt or truncated file: the message names the file
// and the line); 2 bad arguments or configuration.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_backtest_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
