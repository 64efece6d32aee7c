#include "cli/record_command.hpp"

#include <pthread.h>
#include <signal.h>
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
#include "cli/time_arg.hpp"
#include "core/clock.hpp"

namespace nzeza::cli {
namespace {

namespace fs = std::filesystem;

struct RecordArgs {
  std::string config_file;
  std::string out;
  double duration_s = 0;  // 0 = until Ctrl-C (real time)
  bool fast = false;
  std::string start;  // --fast: the simulated clock's start (default: now)
};

Duration seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

int run(const RecordArgs& args) {
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

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto stop_requested = [&signals](std::chrono::nanoseconds wait) {
    timespec ts{};
    ts.tv_sec = static_cast<std::time_t>(wait.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(wait.count() % 1'000'000'000);
    return ::sigtimedwait(&signals, nullptr, &ts) > 0;
  };

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
    const Timestamp end = began + seconds(args.duration_s);
    const Duration step = config.market_data.step_interval;
    while (manual.now() < end && !stop_requested(Duration::zero())) {
      manual.advance(std::min(step, end - manual.now()));
      srv.poll();
    }
  } else {
    const auto end = args.duration_s > 0
                         ? std::chrono::steady_clock::now() + seconds(args.duration_s)
                         : std::chrono::steady_clock::time_point::max();
    while (!stop_requested(std::min<std::chrono::nanoseconds>(
        std::chrono::milliseconds(200), end - std::chrono::steady_clock::now()))) {
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

}  // namespace

void add_record_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RecordArgs>();
  auto* cmd = app.add_subcommand(
      "record",
      "Record the market data of the configured venues and symbols (or the simulated market) "
      "into hourly zstd NDJSON files; trades nothing");
  cmd->add_option("--config", args->config_file, "TOML configuration (default: built-in)");
  cmd->add_option("--out", args->out, "Directory of the recordings")->required();
  cmd->add_option("--duration", args->duration_s, "Seconds to record (0 = until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--fast", args->fast,
                "Simulated market on simulated time, as fast as the CPU allows (needs --duration)");
  cmd->add_option("--start", args->start,
                  "With --fast: the simulated clock's start (unix seconds or ISO 8601; default "
                  "now)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace nzeza::cli
