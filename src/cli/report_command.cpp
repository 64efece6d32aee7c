#include "cli/report_command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/backtest_report.hpp"

namespace nzeza::cli {

int run(const ReportOptions& opt) {
  std::ifstream in(opt.input, std::ios::binary);
  if (!in) {
    std::cerr << "nzeza report: cannot read " << opt.input << '\n';
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto page = app::write_html_report(text.str(), opt.out);
  if (!page.ok()) {
    std::cerr << "nzeza report: " << opt.input << ": " << page.error().message << '\n';
    return 1;
  }
  std::cout << page->string() << '\n';
  return 0;
}

}  // namespace nzeza::cli
