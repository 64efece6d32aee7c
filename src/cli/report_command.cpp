#include "cli/report_command.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/backtest_report.hpp"

namespace nzeza::cli {

void add_report_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string input;
    std::string out;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "report", "Write the HTML report of a backtest's report.json (opens from disk, no network)");
  cmd->add_option("--input", opts->input, "report.json written by `nzeza backtest`")->required();
  cmd->add_option("--out", opts->out, "Folder for report.html and report.json (created)")
      ->required();
  cmd->callback([opts, &exit_code] {
    std::ifstream in(opts->input, std::ios::binary);
    if (!in) {
      std::cerr << "nzeza report: cannot read " << opts->input << '\n';
      exit_code = 1;
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto page = app::write_html_report(text.str(), opts->out);
    if (!page.ok()) {
      std::cerr << "nzeza report: " << opts->input << ": " << page.error().message << '\n';
      exit_code = 1;
      return;
    }
    std::cout << page->string() << '\n';
    exit_code = 0;
  });
}

}  // namespace nzeza::cli
