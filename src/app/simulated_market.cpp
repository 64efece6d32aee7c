#include "app/simulated_market.hpp"

#include <cmath>

namespace nzeza::app {

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
  if (running_) return;
  running_ = true;
  schedule_next();
}

void SimulatedMarket::stop() {
  if (!running_) return;
  running_ = false;
  clock_->cancel(timer_);
}

void SimulatedMarket::schedule_next() {
  timer_ = clock_->schedule_after(config_.step_interval, [this] {
    if (!running_) return;
    step();
    schedule_next();
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
  if (s.regime_left <= 0) {
    std::exponential_distribution<double> length(1.0 / config_.regime_steps);
    s.regime_left = 1 + static_cast<int>(length(rng_));
    // A third of regimes are flat, the rest trend up or down.
    const double u = unit(rng_);
    s.drift = u < 1.0 / 3 ? 0.0 : (u < 2.0 / 3 ? 1 : -1) * config_.max_drift * unit(rng_);
  }
  --s.regime_left;
  s.log_price += s.drift + s.params.volatility * gauss(rng_);

  const Instrument& inst = *s.instrument;
  const Decimal tick =
      inst.price_rule == PriceRule::tick ? inst.tick_size : *Decimal::parse("0.01");
  auto mid = Decimal::from_double(std::exp(s.log_price));
  if (!mid) return;  // out of range: the walk stays where it was
  auto bid = mid->round_to_step(tick, RoundingMode::down);
  if (!bid || !bid->is_positive()) return;
  const Decimal spread = Decimal::from_raw16(tick.raw16() * s.params.spread_ticks);
  const Decimal ask = *bid + spread;
  s.last = *bid;

  const Decimal lot = inst.min_size.is_positive() ? inst.min_size : inst.lot_size;
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
