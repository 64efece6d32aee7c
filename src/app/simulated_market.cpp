#include "app/simulated_market.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "market/candle_builder.hpp"

namespace nzeza::app {
namespace {

// The price grid of the walk: the instrument's tick, or a cent where the venue's rule is not a
// tick (Hyperliquid's significant figures).
Decimal price_tick(const Instrument& inst) {
  return inst.price_rule == PriceRule::tick ? inst.tick_size : *Decimal::parse("0.01");
}

// The unit of quote and trade sizes.
Decimal size_unit(const Instrument& inst) {
  return inst.min_size.is_positive() ? inst.min_size : inst.lot_size;
}

// The bid for a log-price: exp rounded down to the tick; nullopt out of range.
std::optional<Decimal> bid_of(double log_price, Decimal tick) {
  auto mid = Decimal::from_double(std::exp(log_price));
  if (!mid) return std::nullopt;
  auto bid = mid->round_to_step(tick, RoundingMode::down);
  if (!bid || !bid->is_positive()) return std::nullopt;
  return *bid;
}

// Counts down the drift regime and draws the next one when it ends: a third of regimes are
// flat, the rest trend up or down.
void next_regime(std::mt19937_64& rng, const SimulatedMarketConfig& config, int& regime_left,
                 double& drift) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (regime_left <= 0) {
    std::exponential_distribution<double> length(1.0 / config.regime_steps);
    regime_left = 1 + static_cast<int>(length(rng));
    const double u = unit(rng);
    drift = u < 1.0 / 3 ? 0.0 : (u < 2.0 / 3 ? 1 : -1) * config.max_drift * unit(rng);
  }
  --regime_left;
}

// The history generator of the index-th instrument: splitmix64 of (seed, index), so that it is
// unrelated to the live generator (seeded with `seed` itself) and to the other instruments'.
std::uint64_t history_seed(std::uint64_t seed, std::size_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

Result<SimulatedMarket> SimulatedMarket::create(Clock& clock, const InstrumentRegistry& registry,
                                                std::vector<SimulatedInstrument> instruments,
                                                SimulatedMarketConfig config, Sink sink) {
  if (config.step_interval <= Duration::zero()) {
    return Error{ErrorCode::invalid_argument, "simulated market: step_interval must be > 0"};
  }
  if (config.trade_probability < 0 || config.trade_probability > 1) {
    return Error{ErrorCode::invalid_argument,
                 "simulated market: trade_probability must be in [0, 1]"};
  }
  if (config.max_trade_lots < 1 || config.regime_steps < 1 || config.max_drift < 0) {
    return Error{ErrorCode::invalid_argument,
                 "simulated market: max_trade_lots and regime_steps must be >= 1, max_drift >= 0"};
  }
  if (!sink) return Error{ErrorCode::invalid_argument, "simulated market: no sink for the events"};
  std::vector<State> states;
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    const auto& p = instruments[i];
    const Instrument* inst = registry.get(p.instrument);
    const std::string where = "simulated market instrument #" + std::to_string(i);
    if (inst == nullptr)
      return Error{ErrorCode::not_found, where + ": not in the instrument registry"};
    if (!p.start_price.is_positive()) {
      return Error{ErrorCode::invalid_argument,
                   where + " (" + inst->canonical + "): start price must be > 0"};
    }
    if (p.spread_ticks < 1) {
      return Error{ErrorCode::invalid_argument,
                   where + " (" + inst->canonical + "): spread_ticks must be >= 1"};
    }
    if (!(p.volatility >= 0) || p.volatility > 0.1) {
      return Error{ErrorCode::invalid_argument,
                   where + " (" + inst->canonical + "): volatility must be in [0, 0.1]"};
    }
    auto rounded = inst->round_price(p.start_price, RoundingMode::nearest);
    if (!rounded) return rounded.error().with_context(where);
    State s;
    s.instrument = inst;
    s.params = p;
    s.log_price = std::log(rounded->to_double());
    s.last = *rounded;
    states.push_back(s);
  }
  return SimulatedMarket(clock, config, std::move(sink), std::move(states));
}

SimulatedMarket::SimulatedMarket(Clock& clock, SimulatedMarketConfig config, Sink sink,
                                 std::vector<State> states)
    : clock_(&clock),
      config_(config),
      sink_(std::move(sink)),
      states_(std::move(states)),
      rng_(config.seed) {}

void SimulatedMarket::start() {
  std::lock_guard lock(run_->mu);
  if (run_->running) return;
  run_->running = true;
  schedule_next();
}

void SimulatedMarket::stop() {
  if (!run_) return;  // moved from
  TimerId timer = 0;
  {
    std::lock_guard lock(run_->mu);
    if (!run_->running) return;
    run_->running = false;
    timer = run_->timer;
    run_->timer = 0;
  }
  // Outside the lock: a clock may run a timer's callback while cancel() waits for it.
  clock_->cancel(timer);
  std::unique_lock lock(run_->mu);
  if (run_->stepping && run_->stepper == std::this_thread::get_id()) return;  // from the sink
  run_->idle.wait(lock, [this] { return !run_->stepping; });
}

// Under run_->mu.
void SimulatedMarket::schedule_next() {
  run_->timer = clock_->schedule_after(config_.step_interval, [this] {
    {
      std::lock_guard lock(run_->mu);
      if (!run_->running) return;
      run_->stepping = true;
      run_->stepper = std::this_thread::get_id();
    }
    step();
    std::lock_guard lock(run_->mu);
    run_->stepping = false;
    if (run_->running) schedule_next();
    run_->idle.notify_all();
  });
}

void SimulatedMarket::step() {
  const Timestamp now = clock_->now();
  for (auto& s : states_) step_one(s, now);
  ++steps_;
}

void SimulatedMarket::step_one(State& s, Timestamp now) {
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  next_regime(rng_, config_, s.regime_left, s.drift);
  s.log_price += s.drift + s.params.volatility * gauss(rng_);

  const Instrument& inst = *s.instrument;
  const Decimal tick = price_tick(inst);
  const auto bid = bid_of(s.log_price, tick);
  if (!bid) return;  // out of range: the walk stays where it was
  const Decimal spread = Decimal::from_raw16(tick.raw16() * s.params.spread_ticks);
  const Decimal ask = *bid + spread;
  s.last = *bid;

  const Decimal lot = size_unit(inst);
  std::uniform_int_distribution<int> lots(1, config_.max_trade_lots);
  MarketEvent quote;
  quote.venue = inst.venue;
  quote.instrument = inst.id;
  quote.symbol = inst.symbol;
  quote.venue_time = now;
  quote.receive_time = now;
  quote.body = Quote{*bid, Decimal::from_raw16(lot.raw16() * lots(rng_)), ask,
                     Decimal::from_raw16(lot.raw16() * lots(rng_))};
  sink_(quote);
  ++events_;

  if (unit(rng_) < config_.trade_probability) {
    MarketEvent trade = quote;
    Trade t;
    t.aggressor =
        unit(rng_) < 0.5 + s.drift / (2 * config_.max_drift + 1e-12) * 0.2 ? Side::buy : Side::sell;
    t.price = t.aggressor == Side::buy ? ask : *bid;
    t.size = Decimal::from_raw16(lot.raw16() * lots(rng_));
    (void)TradeId::assign(t.trade_id, std::to_string(++s.trade_seq));  // at most 20 digits: fits
    trade.body = t;
    sink_(trade);
    ++events_;
  }
}

}  // namespace nzeza::app

namespace nzeza::app {

Result<std::vector<SimulatedHistory>> SimulatedMarket::history(Duration interval,
                                                               std::size_t count) const {
  market::CandleBuilderConfig probe;
  probe.interval = interval;
  if (auto valid = probe.validate(); !valid) {
    return valid.error().with_context("simulated market history");
  }
  if (steps_ > 0) {
    return Error{ErrorCode::invalid_state,
                 "simulated market history: asked after " + std::to_string(steps_) +
                     " live steps; the history must come before the first step"};
  }
  const std::int64_t max_span = std::numeric_limits<std::int64_t>::max() / 4;
  const Duration span_needed = count > static_cast<std::size_t>(max_span / interval.count())
                                   ? Duration::max()
                                   : interval * static_cast<std::int64_t>(count) + interval;
  if (span_needed == Duration::max() ||
      static_cast<std::size_t>(span_needed / config_.step_interval) > kMaxHistorySteps) {
    return Error{ErrorCode::invalid_argument,
                 "simulated market history: " + std::to_string(count) + " candles of " +
                     std::to_string(interval.count() / 1'000'000'000) + " s need more than " +
                     std::to_string(kMaxHistorySteps) + " steps per instrument"};
  }
  const Timestamp now = clock_->now();
  std::vector<SimulatedHistory> out;
  out.reserve(states_.size());
  for (std::size_t i = 0; i < states_.size(); ++i) {
    out.push_back(SimulatedHistory{states_[i].instrument->id, states_[i].instrument->symbol,
                                   history_of(i, now, interval, count)});
  }
  return out;
}

std::vector<market::Candle> SimulatedMarket::history_of(std::size_t index, Timestamp now,
                                                        Duration interval,
                                                        std::size_t count) const {
  const State& s = states_[index];
  const Decimal tick = price_tick(*s.instrument);
  const Decimal lot = size_unit(*s.instrument);
  const Duration step = config_.step_interval;
  const Timestamp end = now.floor_to(interval);
  const Timestamp start = end - interval * static_cast<std::int64_t>(count);

  std::vector<market::Candle> candles(count);
  for (std::size_t k = 0; k < count; ++k) {
    candles[k].start = start + interval * static_cast<std::int64_t>(k);
    candles[k].interval = interval;
  }

  std::mt19937_64 rng(history_seed(config_.seed, index));
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> lots(1, config_.max_trade_lots);
  int regime_left = 0;
  double drift = 0;
  double log_price = s.log_price;
  Decimal price = s.last;
  // Back from the last step before the open interval [end, now]: its price is the current one.
  for (std::int64_t j = (now - end) / step + 1;; ++j) {
    const Timestamp t = now - step * j;
    if (t < start) break;  // `price` is now the close before the first candle
    market::Candle& c = candles[static_cast<std::size_t>((t - start) / interval)];
    if (c.price_updates == 0) {  // going backward, a candle's first step is its close
      c.close = c.high = c.low = price;
    }
    c.open = price;
    c.high = std::max(c.high, price);
    c.low = std::min(c.low, price);
    ++c.price_updates;
    if (unit(rng) < config_.trade_probability) {
      c.volume += Decimal::from_raw16(lot.raw16() * lots(rng));
      ++c.trades;
    }
    next_regime(rng, config_, regime_left, drift);
    log_price -= drift + s.params.volatility * gauss(rng);
    if (const auto bid = bid_of(log_price, tick)) price = *bid;  // else the walk stays
  }
  // Forward: an interval without a step is a gap candle at the previous close.
  Decimal previous = price;
  for (market::Candle& c : candles) {
    if (c.price_updates == 0) {
      c.open = c.high = c.low = c.close = previous;
      c.gap = true;
    }
    previous = c.close;
  }
  return candles;
}

}  // namespace nzeza::app
