#pragma once
// MarketScript: a seeded scripted market for the kill -9 test. One thread moves every symbol's
// price a step at a time and, for each step, publishes it where a real venue would show it: a
// quote and a trade print on the symbol's market-data feed (FeedSim, the venue's wire format) and
// the venue simulator's own price (what its market orders fill at and its trigger orders fire
// on). It keeps running while the server is down, so a resting stop may fill then.
//
// Shapes: `wave` (a sine of the given period and amplitude plus a seeded mean-reverting walk: the
// fast strategy's EMAs cross every half period, so entries, closes and stop-loss fills come
// within seconds) and `rise` (a steady climb: every symbol goes long once and stays long).
//
// Threading: start()/stop() from the test thread; ticks() and price() from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nzeza::sim::feeds {
class FeedSim;
}

namespace nzeza::e2e::crash {

enum class Shape : std::uint8_t { wave, rise };

struct ScriptedSymbol {
  std::string wire;  // as the feed writes it: "BTCUSDT", "BTC"
  double start = 0;  // first price, quote units
  int decimals = 2;  // price text decimals (on the venue's tick)
  Shape shape = Shape::wave;
  double amplitude = 0.004;  // wave: fraction of the start price
  double period_s = 5;       // wave: seconds
  double slope = 0.0001;     // rise: fraction of the start price per step
  sim::feeds::FeedSim* feed = nullptr;
  // The venue simulator's price, as exact text (BinanceSim::set_price, HyperliquidSim::set_mark).
  std::function<void(const std::string& price)> venue_price;
};

class MarketScript {
 public:
  MarketScript(std::uint64_t seed, std::chrono::milliseconds step);
  ~MarketScript();  // stop()
  MarketScript(const MarketScript&) = delete;
  MarketScript& operator=(const MarketScript&) = delete;

  void add(ScriptedSymbol symbol);  // before start()
  // Publishes the first step at once (so the venues have prices before anyone asks), then one
  // step every `step` on the thread.
  void start();
  void stop();  // joins the thread; idempotent

  [[nodiscard]] std::uint64_t ticks() const noexcept { return ticks_.load(); }
  // The latest price text of a symbol ("" before the first step).
  [[nodiscard]] std::string price(const std::string& wire) const;

 private:
  void step_all();
  std::vector<ScriptedSymbol> symbols_;
  std::vector<double> walk_;
  std::vector<std::string> last_;
  mutable std::mutex mu_;
  std::uint64_t rng_state_;
  std::chrono::milliseconds step_;
  std::atomic<std::uint64_t> ticks_{0};
  std::atomic<bool> stopping_{false};
  std::uint64_t trade_id_ = 1;
  std::thread thread_;
};

// Formats `value` with `decimals` digits after the point ("50012.35").
[[nodiscard]] std::string price_text(double value, int decimals);

}  // namespace nzeza::e2e::crash
