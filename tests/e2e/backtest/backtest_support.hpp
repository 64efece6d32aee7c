#pragma once
// Helpers of the backtest tests: a paper session on the ManualClock that records what it trades
// on (the "live" side of replay-equals-live), small recording and Tardis files written by the
// test itself, and the files of a recording directory.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/backtest.hpp"
#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "support/temp_dir.hpp"

namespace nzeza::app::backtest_test {

namespace fs = std::filesystem;

inline constexpr std::int64_t kStart = 1'767'225'600;  // 2026-01-01T00:00:00Z

// The shipped paper demo's trading settings (config/paper.toml): the simulated market trades
// within minutes with these.
inline Config demo_config() {
  Config c;
  c.strategies.fast_scalping = 0.65;
  c.strategies.momentum_scalping = 0.25;
  c.strategies.conservative_scalping = 0.1;
  c.risk.min_confidence = 0.5;
  return c;
}

inline std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline void write_text(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string text(const BacktestFill& f) {
  return f.at.to_iso8601() + ' ' + f.symbol + " #" + std::to_string(f.sequence) + ' ' + f.side +
         ' ' + f.quantity.to_string() + " @ " + f.price.to_string() + " fee " + f.fee.to_string();
}
inline std::vector<std::string> texts(const std::vector<BacktestFill>& fills) {
  std::vector<std::string> out;
  for (const auto& f : fills) out.push_back(text(f));
  return out;
}

// A fill as the server logs it ("fill" and "exit" events), in BacktestFill's form.
inline std::optional<BacktestFill> fill_of(const TradeEvent& e) {
  if (e.kind != "fill" && e.kind != "exit") return std::nullopt;
  auto get = [&](std::string_view k) -> std::string {
    for (const auto& [key, v] : e.fields)
      if (key == k) return v;
    return {};
  };
  if (get("symbol").empty() || get("trade_id").empty()) return std::nullopt;  // not a fill
  BacktestFill f;
  f.at = e.at;
  f.symbol = get("symbol");
  f.sequence = std::strtoull(get("sequence").c_str(), nullptr, 10);
  f.side = get("side");
  f.quantity = Decimal::parse(get("quantity")).value();
  f.price = Decimal::parse(get("price")).value();
  f.fee = Decimal::parse(get("fee")).value();
  return f;
}

// A paper session on the built-in simulated market, on the ManualClock, with record = true:
// what it traded on ends up in data_dir/recordings. Every step is drained before the next.
struct RecordedSession {
  testsupport::TempDir data_dir{"nzeza-bt-live"};
  std::vector<venues::PlaceIntent> orders;
  std::vector<BacktestFill> fills;

  void run(const Config& base, Duration length) {
    Config c = base;
    c.record = true;
    c.data_dir = data_dir.str();
    ManualClock clock{Timestamp::from_seconds(kStart)};
    ServerOptions so;
    so.feed = MarketFeed::in_process;
    so.manual_dispatch = true;
    so.warm_up_candles = 0;
    so.on_intent = [this](const venues::PlaceIntent& i, Timestamp) { orders.push_back(i); };
    so.on_event = [this](const TradeEvent& e) {
      if (auto f = fill_of(e)) fills.push_back(*f);
    };
    auto server = TradingServer::start(c, clock, std::move(so));
    ASSERT_TRUE(server.ok()) << server.error().message;
    auto drain = [&] {
      for (;;) {
        const std::size_t ran = (*server)->poll();
        const std::size_t fired = clock.run_due();
        if (ran == 0 && fired == 0) return;
      }
    };
    const Timestamp end = clock.now() + length;
    while (clock.now() < end) {
      clock.advance(c.market_data.step_interval);
      drain();
    }
    ASSERT_TRUE((*server)->stop().ok());
  }
  [[nodiscard]] std::vector<std::string> recordings() const {
    return files_under(data_dir.path() / "recordings");
  }
};

}  // namespace nzeza::app::backtest_test
