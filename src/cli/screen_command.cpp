#include "cli/screen_command.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/screening_run.hpp"
#include "cli/history_inputs.hpp"

namespace nzeza::cli {
namespace {

struct ScreenArgs {
  std::vector<std::string> inputs;
  bool json = false;
  std::size_t top = 0;  // 0 = every symbol
  unsigned interval_s = 60;
};

int run(const ScreenArgs& args) {
  if (args.inputs.empty()) {
    // Live screening (subscribing the configured venues' feeds) is not built yet.
    std::cerr << "nzeza screen: give recordings or Tardis CSV files (live screening is not "
                 "available yet)\n";
    return 2;
  }
  auto files = expand_history_inputs(args.inputs);
  if (!files) {
    std::cerr << "nzeza screen: " << files.error().message << '\n';
    return 2;
  }
  app::ScreenOptions opt;
  opt.files = std::move(*files);
  opt.candle_interval = std::chrono::seconds(args.interval_s);
  auto result = app::screen_files(opt);
  if (!result) {
    std::cerr << "nzeza screen: " << result.error().message << '\n';
    return result.error().code == ErrorCode::invalid_argument ? 2 : 1;
  }
  if (args.top > 0 && result->ranked.size() > args.top) result->ranked.resize(args.top);
  std::cout << (args.json ? app::screen_json(*result) : app::screen_table(*result));
  return 0;
}

}  // namespace

void add_screen_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScreenArgs>();
  auto* cmd = app.add_subcommand(
      "screen", "Rank the symbols of recordings or Tardis CSV files by scalping potential");
  cmd->add_option("files", args->inputs,
                  "Recording files (.ndjson.zst), Tardis CSV files (.csv, .csv.gz) or directories "
                  "holding them");
  cmd->add_flag("--json", args->json, "Print JSON instead of the table");
  cmd->add_option("--top", args->top, "Show the best N symbols only (default: all)");
  cmd->add_option("--interval", args->interval_s,
                  "Candle interval in seconds (default 60: the formulas' windows are 1-minute "
                  "candles)")
      ->check(CLI::Range(1u, 86400u));
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace nzeza::cli
