#include "cli/screen_command.hpp"

#include <chrono>
#include <iostream>
#include <string>

#include "app/config/config.hpp"
#include "app/screening_live.hpp"
#include "app/screening_run.hpp"
#include "cli/config_file.hpp"
#include "cli/history_inputs.hpp"
#include "cli/stop_signals.hpp"
#include "cli/time_arg.hpp"

namespace nzeza::cli {
namespace {

int print(app::ScreenResult& result, const ScreenOptions& args) {
  if (args.top > 0 && result.ranked.size() > args.top) result.ranked.resize(args.top);
  std::cout << (args.json ? app::screen_json(result) : app::screen_table(result));
  return 0;
}

// Without files: the configured venues' live feeds for --duration seconds.
int run_live(const ScreenOptions& args) {
  if (args.config_file.empty()) {
    std::cerr << "nzeza screen: give recordings or Tardis CSV files, or --config with the venues "
                 "to screen live\n";
    return 2;
  }
  auto loaded = load_config_or_report(args.config_file, "; nothing screened");
  if (!loaded) return 2;
  app::LiveScreenOptions opt;
  opt.config = std::move(*loaded);
  opt.duration = seconds_arg(args.duration_s);
  opt.candle_interval = std::chrono::seconds(args.interval_s);
  if (!args.ca_file.empty()) opt.ca_file = args.ca_file;
  opt.on_error = [](const Error& e) { std::cerr << "nzeza screen: feed: " << e.message << '\n'; };
  opt.stop = &stop_flag_on_signal();
  std::cerr << "nzeza screen: listening for " << args.duration_s << " s (Ctrl-C ranks now)\n";
  auto result = app::screen_live(opt);
  if (!result) {
    std::cerr << "nzeza screen: " << result.error().message << '\n';
    return result.error().code == ErrorCode::invalid_argument ? 2 : 1;
  }
  return print(*result, args);
}

}  // namespace

int run(const ScreenOptions& args) {
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

}  // namespace nzeza::cli
