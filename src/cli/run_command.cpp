#include "cli/run_command.hpp"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/signal_pipeline.hpp"
#include "app/simulated_market.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"

namespace nzeza::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int /*signal*/) {
  g_stop.store(true);
}

struct RunOptions {
  std::vector<std::string> symbols{"BTC-USD", "ETH-USD", "SOL-USD"};
  double duration_s = 0;  // 0 = until Ctrl-C (real time) — required with --fast
  bool fast = false;
  std::uint64_t seed = 42;
  int step_ms = 250;
  int candle_s = 10;
};

// Start prices and sizes of the bundled paper instruments.
struct PaperSpec {
  const char* symbol;
  const char* price;
  const char* tick;
  const char* lot;
};
constexpr PaperSpec kPaperSpecs[] = {
    {"BTC-USD", "45000", "0.01", "0.0001"},   {"ETH-USD", "3000", "0.01", "0.001"},
    {"SOL-USD", "150", "0.001", "0.01"},      {"BTC-USDT", "45010", "0.01", "0.00001"},
    {"BTC-USDC", "44990", "0.01", "0.00001"}, {"ETH-USDT", "3001", "0.01", "0.0001"},
};

Result<std::vector<app::SimulatedInstrument>> build_instruments(const RunOptions& opt,
                                                                InstrumentRegistry& reg) {
  std::vector<app::SimulatedInstrument> out;
  for (const auto& sym : opt.symbols) {
    const PaperSpec* spec = nullptr;
    for (const auto& s : kPaperSpecs) {
      if (sym == s.symbol) spec = &s;
    }
    if (spec == nullptr) {
      std::string known;
      for (const auto& s : kPaperSpecs) {
        if (!known.empty()) known += ", ";
        known += s.symbol;
      }
      return Error{ErrorCode::invalid_argument,
                   "--symbols: unknown paper symbol '" + sym + "' (known: " + known + ")"};
    }
    Instrument i;
    i.venue = Venue::paper;
    i.canonical = sym;
    i.venue_symbol = sym;
    const auto dash = sym.find('-');
    i.base = sym.substr(0, dash);
    i.quote = sym.substr(dash + 1);
    i.tick_size = *Decimal::parse(spec->tick);
    i.lot_size = *Decimal::parse(spec->lot);
    i.min_size = i.lot_size;
    auto id = reg.add(i);
    if (!id) return id.error();
    out.push_back({*id, *Decimal::parse(spec->price), 0.0002, 1});
  }
  return out;
}

int run(const RunOptions& opt) {
  if (opt.fast && opt.duration_s <= 0) {
    std::cerr << "nzeza run: --fast needs --duration (simulated seconds to run)\n";
    return 2;
  }
  if (opt.step_ms <= 0) {
    std::cerr << "nzeza run: --step-ms must be > 0\n";
    return 2;
  }
  InstrumentRegistry reg;
  auto instruments = build_instruments(opt, reg);
  if (!instruments) {
    std::cerr << "nzeza run: " << instruments.error().message << '\n';
    return 2;
  }

  // Simulated time starts at the current wall-clock second, so timestamps read naturally.
  ManualClock manual(
      Timestamp::from_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()));
  SystemClock* system = nullptr;
  std::unique_ptr<SystemClock> system_owner;
  if (!opt.fast) {
    system_owner = std::make_unique<SystemClock>();
    system = system_owner.get();
  }
  Clock& clock = opt.fast ? static_cast<Clock&>(manual) : static_cast<Clock&>(*system);

  // The pipeline runs on the clock's firing thread: market steps, candle timers and signals.
  std::uint64_t signals = 0;
  auto on_candle = [&](const app::SignalReport& r) {
    std::ostringstream line;
    line << r.candle.end().to_iso8601() << ' ' << reg.symbols().name(r.symbol) << " close "
         << r.candle.close.to_string() << " vol " << r.candle.volume.to_string()
         << (r.candle.gap ? " gap" : "");
    if (r.output.signal) {
      const auto& s = *r.output.signal;
      ++signals;
      line << " signal " << strategy::to_string(s.signal.kind) << ' ' << s.signal.confidence
           << " (buy " << s.buy_score << " sell " << s.sell_score << " weight " << s.total_weight
           << ')';
    } else {
      line << " no signal: " << strategy::to_string(r.output.reason);
    }
    std::cout << line.str() << std::endl;
  };
  app::SignalPipelineConfig pcfg;
  pcfg.candle_interval = std::chrono::seconds(opt.candle_s);
  auto pipeline = app::SignalPipeline::create(clock, pcfg, on_candle);
  if (!pipeline) {
    std::cerr << "nzeza run: " << pipeline.error().message << '\n';
    return 2;
  }
  for (const auto& si : *instruments) {
    if (auto st = (*pipeline)->add_symbol(reg.get(si.instrument)->symbol); !st) {
      std::cerr << "nzeza run: " << st.error().message << '\n';
      return 2;
    }
  }
  app::SimulatedMarketConfig cfg;
  cfg.seed = opt.seed;
  cfg.step_interval = std::chrono::milliseconds(opt.step_ms);
  auto market = app::SimulatedMarket::create(
      clock, reg, *instruments, cfg, [&](const MarketEvent& e) { (*pipeline)->on_event(e); });
  if (!market) {
    std::cerr << "nzeza run: " << market.error().message << '\n';
    return 2;
  }

  std::cout << "nzeza run: paper trading on simulated market data ("
            << (opt.fast ? "simulated time" : "real time") << ", seed " << opt.seed
            << "); Ctrl-C stops" << std::endl;
  market->start();
  if (opt.fast) {
    manual.advance(
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(opt.duration_s)));
  } else {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const Timestamp end = opt.duration_s > 0
                              ? clock.now() + std::chrono::duration_cast<Duration>(
                                                  std::chrono::duration<double>(opt.duration_s))
                              : Timestamp::from_ns(INT64_MAX);
    while (!g_stop.load() && clock.now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  market->stop();
  (*pipeline)->stop();
  std::cout << "nzeza run: stopped after " << market->steps() << " market steps, "
            << market->events() << " events, " << signals << " signals" << std::endl;
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run", "Run the trading pipeline (paper trading on simulated market data by default)");
  cmd->add_option("--symbols", opt->symbols, "Canonical symbols to trade")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--duration", opt->duration_s, "Seconds to run (0 = until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--fast", opt->fast,
                "Run on simulated time as fast as the CPU allows (needs --duration)");
  cmd->add_option("--seed", opt->seed, "Seed of the simulated market")->capture_default_str();
  cmd->add_option("--step-ms", opt->step_ms, "Milliseconds between simulated market steps")
      ->capture_default_str();
  cmd->add_option("--candle-s", opt->candle_s, "Candle interval in seconds (divides a day)")
      ->capture_default_str();
  cmd->callback([opt, &exit_code] { exit_code = run(*opt); });
}

}  // namespace nzeza::cli
