#pragma once
// SimulatedMarket: a deterministic source of market data for paper trading and demos when no
// live feed is chosen. Each instrument follows a seeded random walk in log-price with slowly
// changing drift regimes (so trends and reversals occur and strategies have something to
// react to); every step publishes a top-of-book Quote and, with some probability, a Trade at
// the touch, all exact Decimals on the instrument's tick and lot.
//
// Time comes from the Clock: start() schedules steps every `step_interval` on the clock's timer
// service, so on a ManualClock a test or backtest runs hours of market in microseconds.
// Threading: step() and the sink run on the clock's firing thread (or the caller's thread
// when step() is called directly). start() and stop() may be called from any thread: stop()
// returns only once a step running on the clock's thread has finished (the sink is not called
// after it returns), except when called from that step itself (the sink stopping the market),
// which it never waits for. The object is not shared across threads otherwise.
//
// History (warm-up): history(interval, count) returns, per instrument, the `count` closed
// candles that end at the current clock time, as if the walk had been running before it — so a
// strategy can trade from the first live step instead of waiting for 26 candles. It must be
// asked before the first step. How it is made:
//   * The walk is extended *backward* from each instrument's current state (its start price):
//     the step before is log p(t - step) = log p(t) - drift - volatility * N(0,1), with drift
//     regimes drawn like the live ones. The steps sit on the live grid (now - j * step_interval);
//     the steps inside the still-open interval [floor(now), now] are not taken, so the last
//     closed candle's close IS the current price and the first live step moves one ordinary
//     step from it: no jump.
//   * A candle's OHLC are the step prices (the bid, rounded down to the tick, as the live quotes
//     have it) of the steps in its interval; volume and trade count come from trades drawn with
//     trade_probability and 1..max_trade_lots lots, as live; price_updates counts the steps. An
//     interval without a step (step_interval longer than the candle) is a gap candle.
//   * Deterministic: each instrument's history draws from its own generator, seeded from
//     (config.seed, the instrument's position), never from the live generator. So for a given
//     seed and instrument list: the live events are the same whether or not history was asked;
//     the same (clock time, interval, count, step_interval) gives the same candles; and a longer
//     history ends with the shorter one's candles (the walk goes back from now, one draw
//     sequence). (As for the live walk, across standard libraries the distributions may differ.)

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "market/candle.hpp"

namespace nzeza::app {

struct SimulatedInstrument {
  InstrumentId instrument;
  Decimal start_price;         // > 0, on the instrument's tick
  double volatility = 0.0002;  // standard deviation of log-return per step
  int spread_ticks = 1;        // ask - bid in ticks (>= 1)
};

struct SimulatedMarketConfig {
  Duration step_interval = std::chrono::milliseconds(250);
  std::uint64_t seed = 42;
  double trade_probability = 0.6;  // chance of one trade per instrument per step
  int max_trade_lots = 50;         // trade sizes are 1..max_trade_lots lots (times min size)
  int regime_steps = 240;          // mean steps between drift regime changes
  double max_drift = 0.00003;      // |drift| of log-price per step in a trending regime
};

// One instrument's generated history: closed candles, oldest first, contiguous and aligned to
// the interval.
struct SimulatedHistory {
  InstrumentId instrument;
  SymbolId symbol;
  std::vector<market::Candle> candles;
};

class SimulatedMarket {
 public:
  using Sink = std::function<void(const MarketEvent&)>;

  // Validates every instrument (known to the registry, positive start price on its tick,
  // spread >= 1 tick) and the config; the error names the offending entry.
  static Result<SimulatedMarket> create(Clock& clock, const InstrumentRegistry& registry,
                                        std::vector<SimulatedInstrument> instruments,
                                        SimulatedMarketConfig config, Sink sink);

  SimulatedMarket(SimulatedMarket&&) noexcept = default;
  SimulatedMarket& operator=(SimulatedMarket&&) = delete;
  SimulatedMarket(const SimulatedMarket&) = delete;
  SimulatedMarket& operator=(const SimulatedMarket&) = delete;
  ~SimulatedMarket() { stop(); }

  // Starts periodic steps on the clock; stop() cancels the pending step and waits for one that
  // is running (see the threading note above). Both idempotent.
  void start();
  void stop();
  // One step for every instrument, at clock.now().
  void step();

  [[nodiscard]] std::uint64_t steps() const noexcept { return steps_; }
  [[nodiscard]] std::uint64_t events() const noexcept { return events_; }
  // Current price (the last bid) of the i-th instrument (for tests and the paper venue's marks).
  [[nodiscard]] Decimal price(std::size_t i) const { return states_.at(i).last; }
  [[nodiscard]] std::size_t size() const noexcept { return states_.size(); }

  // The `count` closed candles of `interval` per instrument ending at clock.now() (see the top
  // of this file), in instrument order. Errors: interval not whole seconds in [1 s, 1 d]
  // dividing a day, or more than kMaxHistorySteps steps per instrument (invalid_argument);
  // asked after the first step (invalid_state: the past is already published).
  static constexpr std::size_t kMaxHistorySteps = 4'000'000;
  [[nodiscard]] Result<std::vector<SimulatedHistory>> history(Duration interval,
                                                              std::size_t count) const;

 private:
  struct State {
    const Instrument* instrument = nullptr;
    SimulatedInstrument params;
    double log_price = 0;
    double drift = 0;
    int regime_left = 0;
    Decimal last;
    std::uint64_t trade_seq = 0;
  };
  SimulatedMarket(Clock& clock, SimulatedMarketConfig config, Sink sink, std::vector<State> states);
  void schedule_next();
  void step_one(State& s, Timestamp now);
  [[nodiscard]] std::vector<market::Candle> history_of(std::size_t index, Timestamp now,
                                                       Duration interval, std::size_t count) const;

  // What start(), stop() and the clock's thread share (behind a pointer: the market is movable).
  struct Run {
    std::mutex mu;
    std::condition_variable idle;  // a step on the clock's thread finished
    bool running = false;          // started and not stopped: steps are scheduled
    bool stepping = false;         // a scheduled step runs now on `stepper`
    std::thread::id stepper;
    TimerId timer = 0;
  };

  Clock* clock_;
  SimulatedMarketConfig config_;
  Sink sink_;
  std::vector<State> states_;
  std::mt19937_64 rng_;
  std::unique_ptr<Run> run_ = std::make_unique<Run>();
  std::uint64_t steps_ = 0;
  std::uint64_t events_ = 0;
};

}  // namespace nzeza::app
