#pragma once
// `nzeza report --input report.json --out DIR`: re-renders a backtest's report.json as a
// self-contained DIR/report.html (with DIR/report.json beside it) and prints the page's path;
// a malformed file is an error naming what and where (exit 1).

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_report_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
