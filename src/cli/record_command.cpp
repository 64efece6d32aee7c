#include "cli/record_command.hpp"

#include <stdlib.h>  // mkdtemp

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "cli/config_file.hpp"
#include "cli/stop_signals.hpp"
#include "cli/time_arg.hpp"
#include "core/clock.hpp"

namespace nzeza::cli {

namespace fs = std::filesystem;

int run(const RecordOptions& args) {
  if (args.out.empty()) {
    std::cerr << "nzeza record: --out DIR is required\n";
    return 2;
  }
  if (args.fast && args.duration_s <= 0) {
    std::cerr << "nzeza record: --fast needs --duration (simulated seconds to record)\n";
    return 2;
  }
  app::Config config;
  if (!args.config_file.empty()) {
    auto loaded = load_config_or_report(args.config_file, "; nothing recorded");
    if (!loaded) return 2;
    config = std::move(*loaded);
  }
  if (args.fast && config.market_data.source == app::MarketDataSource::live) {
    std::cerr << "nzeza record: --fast runs the simulated market only (market_data.source = "
                 "\"live\" is recorded in real time)\n";
    return 2;
  }
  Timestamp start = Timestamp::from_seconds(std::time(nullptr));
  if (!args.start.empty()) {
    auto t = parse_time_arg(args.start, "--start");
    if (!t) {
      std::cerr << "nzeza record: " << t.error().message << '\n';
      return 2;
    }
    start = *t;
  }
  // Market data only: paper mode (no venue keys needed), a throw-away journal, the kill switch
  // engaged before the first candle can close.
  config.mode = app::Mode::paper;
  config.record = true;
  std::string journal_dir = (fs::temp_directory_path() / "nzeza-record-XXXXXX").string();
  if (::mkdtemp(journal_dir.data()) == nullptr) {
    std::cerr << "nzeza record: cannot create a temporary directory\n";
    return 1;
  }
  config.data_dir = journal_dir;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{journal_dir};

  block_stop_signals();

  ManualClock manual(start);
  std::unique_ptr<SystemClock> system;
  if (!args.fast) system = std::make_unique<SystemClock>();
  Clock& clock = args.fast ? static_cast<Clock&>(manual) : static_cast<Clock&>(*system);

  app::ServerOptions so;
  so.manual_dispatch = args.fast;
  so.feed = args.fast ? app::MarketFeed::in_process : app::MarketFeed::loopback;
  so.warm_up_candles = 0;
  so.durable_journal = false;
  so.record_dir = args.out;
  auto server = app::TradingServer::start(config, clock, std::move(so));
  if (!server) {
    std::cerr << "nzeza record: cannot start: " << server.error().message << '\n';
    return 1;
  }
  app::TradingServer& srv = **server;
  srv.kill_switch(true, "nzeza record: market data only");
  srv.poll();
  std::cerr << "nzeza record: recording " << app::summary(config) << " into " << args.out
            << (args.fast ? " (simulated time)" : "") << "; Ctrl-C stops\n";

  const Timestamp began = clock.now();
  if (args.fast) {
    const Timestamp end = began + seconds_arg(args.duration_s);
    const Duration step = config.market_data.step_interval;
    while (manual.now() < end && take_stop_signal(Duration::zero()) == 0) {
      manual.advance(std::min(step, end - manual.now()));
      srv.poll();
    }
  } else {
    const auto end = args.duration_s > 0
                         ? std::chrono::steady_clock::now() + seconds_arg(args.duration_s)
                         : std::chrono::steady_clock::time_point::max();
    while (take_stop_signal(std::min<std::chrono::nanoseconds>(
               std::chrono::milliseconds(200), end - std::chrono::steady_clock::now())) == 0) {
      if (std::chrono::steady_clock::now() >= end) break;
    }
  }
  auto final_status = srv.stop();
  if (!final_status) {
    std::cerr << "nzeza record: stop: " << final_status.error().message << '\n';
    return 1;
  }
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(args.out, ec), e; !ec && it != e; it.increment(ec))
    if (it->is_regular_file()) {
      ++files;
      bytes += it->file_size();
    }
  std::cout << "nzeza record: " << files << " file(s), " << bytes << " bytes in " << args.out
            << " (" << (clock.now() - began).count() / 1'000'000'000 << " s recorded)\n";
  return 0;
}

}  // namespace nzeza::cli
