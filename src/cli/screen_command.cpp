#include "cli/screen_command.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/config/config.hpp"
#include "app/screening_live.hpp"
#include "app/screening_run.hpp"
#include "cli/config_file.hpp"
#include "cli/history_inputs.hpp"

namespace nzeza::cli {
namespace {

std::atomic<bool> g_screen_stop{false};
extern "C" void on_screen_signal(int /*signal*/) {
  g_screen_stop.store(true);
}

struct ScreenArgs {
  std::vector<std::string> inputs;
  std::string config_file;
  double duration_s = 900;
  std::string ca_file;
  bool json = false;
  std::size_t top = 0;  // 0 = every symbol
  unsigned interval_s = 60;
};

int print(app::ScreenResult& result, const ScreenArgs& args) {
  if (args.top > 0 && result.ranked.size() > args.top) result.ranked.resize(args.top);
  std::cout << (args.json ? app::screen_json(result) : app::screen_table(result));
  return 0;
}

// Without files: the configured venues' live feeds for --duration seconds.
int run_live(const ScreenArgs& args) {
  if (args.config_file.empty()) {
    std::cerr << "nzeza screen: give recordings or Tardis CSV files, or --config with the venues "
                 "to screen live\n";
    return 2;
  }
  auto loaded = load_config_or_report(args.config_file, "; nothing screened");
  if (!loaded) return 2;
  app::LiveScreenOptions opt;
  opt.config = std::move(*loaded);
  opt.duration =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(args.duration_s));
  opt.candle_interval = std::chrono::seconds(args.interval_s);
  if (!args.ca_file.empty()) opt.ca_file = args.ca_file;
  opt.stop = &g_screen_stop;
  opt.on_error = [](const Error& e) { std::cerr << "nzeza screen: feed: " << e.message << '\n'; };
  std::signal(SIGINT, on_screen_signal);
  std::signal(SIGTERM, on_screen_signal);
  std::cerr << "nzeza screen: listening for " << args.duration_s << " s (Ctrl-C ranks now)\n";
  auto result = app::screen_live(opt);
  if (!result) {
    std::cerr << "nzeza screen: " << result.error().message << '\n';
    return result.error().code == ErrorCode::invalid_argument ? 2 : 1;
  }
  return print(*result, args);
}

int run(const ScreenArgs& args) {
  if (args.inputs.empty()) return run_live(args);
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
  return print(*result, args);
}

}  // namespace

void add_screen_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScreenArgs>();
  auto* cmd = app.add_subcommand(
      "screen",
      "Rank symbols by scalping potential, on recordings or Tardis CSV files, or live on the "
      "configured venues' feeds");
  cmd->add_option("files", args->inputs,
                  "Recording files (.ndjson.zst), Tardis CSV files (.csv, .csv.gz) or directories "
                  "holding them");
  cmd->add_option(
      "--config", args->config_file,
      "Without files: TOML configuration whose [venues.<name>] feeds are screened live");
  cmd->add_option("--duration", args->duration_s,
                  "Without files: seconds of live data before ranking (default 900)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ca-file", args->ca_file, "Extra CA bundle (PEM) to trust (live)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", args->json, "Print JSON instead of the table");
  cmd->add_option("--top", args->top, "Show the best N symbols only (default: all)");
  cmd->add_option("--interval", args->interval_s,
                  "Candle interval in seconds (default 60: the formulas' windows are 1-minute "
                  "candles)")
      ->check(CLI::Range(1u, 86400u));
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace nzeza::cli
