#pragma once
// `nzeza report --input report.json --out DIR`: re-renders a backtest's report.json as a
// self-contained DIR/report.html (with DIR/report.json beside it) and prints the page's path;
// a malformed file is an error naming what and where (exit 1).

#include <string>

namespace nzeza::cli {

struct ReportOptions {
  std::string input;
  std::string out;
};

[[nodiscard]] int run(const ReportOptions& opt);

}  // namespace nzeza::cli
