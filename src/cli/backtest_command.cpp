#include "cli/backtest_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "app/backtest.hpp"
#include "app/backtest_report.hpp"
#include "app/config/config.hpp"
#include "cli/config_file.hpp"
#include "cli/history_inputs.hpp"
#include "cli/time_arg.hpp"

namespace nzeza::cli {

namespace fs = std::filesystem;

int run(const BacktestOptions& args) {
  app::BacktestOptions opt;
  auto files = expand_history_inputs(args.inputs);
  if (!files) {
    std::cerr << "nzeza backtest: " << files.error().message << '\n';
    return 2;
  }
  opt.files = std::move(*files);
  // As `nzeza run`: config/paper.toml when it is here, else the built-in defaults.
  const std::string config_file = config_path_or_default(args.config_file);
  if (!config_file.empty()) {
    auto loaded = load_config_or_report(config_file, "; nothing replayed");
    if (!loaded) return 2;
    opt.config = std::move(*loaded);
    opt.config_file = config_file;
  }
  // --from and --to: a time when given; false (said on stderr) when it does not parse.
  const auto read_time = [](const std::string& text, std::string_view option,
                            std::optional<Timestamp>& into) {
    if (text.empty()) return true;
    auto t = parse_time_arg(text, option);
    if (!t) {
      std::cerr << "nzeza backtest: " << t.error().message << '\n';
      return false;
    }
    into = *t;
    return true;
  };
  if (!read_time(args.from, "--from", opt.from) || !read_time(args.to, "--to", opt.to)) return 2;
  if (opt.from && opt.to && *opt.to <= *opt.from) {
    std::cerr << "nzeza backtest: --to must be after --from\n";
    return 2;
  }
  if (::isatty(STDERR_FILENO) == 1) opt.progress = &std::cerr;

  auto result = app::run_backtest(opt);
  if (!result) {
    std::cerr << "nzeza backtest: " << result.error().message << '\n';
    return result.error().code == ErrorCode::invalid_argument ? 2 : 1;
  }
  const std::string report = app::backtest_report_json(*result, opt);
  if (args.json)
    std::cout << report;
  else
    std::cout << app::backtest_summary_text(*result);
  if (!args.report_dir.empty()) {
    std::error_code ec;
    fs::create_directories(args.report_dir, ec);
    const fs::path json_path = fs::path(args.report_dir) / "report.json";
    {
      std::ofstream out(json_path, std::ios::binary | std::ios::trunc);
      out << report;
      if (!out) {
        std::cerr << "nzeza backtest: cannot write " << json_path.string() << '\n';
        return 1;
      }
    }
    auto html = app::write_html_report(report, args.report_dir);
    if (!html) {
      std::cerr << "nzeza backtest: report: " << html.error().message << '\n';
      return 1;
    }
    if (!args.json) std::cout << "  report     " << html->string() << '\n';
  }
  return 0;
}

}  // namespace nzeza::cli
