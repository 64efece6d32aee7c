#include "app/market_shard.hpp"

#include <algorithm>
#include <cstdio>

#include "strategy/conservative_scalping.hpp"
#include "strategy/fast_scalping.hpp"
#include "strategy/mean_reversion.hpp"
#include "strategy/momentum_scalping.hpp"

namespace nzeza::app {
namespace {

// A fresh price that did not move is sent again this often, so its receivers can tell a quiet
// market from a silent feed by the mark's age.
constexpr Duration kMarkRefresh = std::chrono::seconds(1);

}  // namespace

Result<strategy::SignalCombiner> make_combiner(const std::vector<double>& weights) {
  if (weights.size() != 4)
    return Error{ErrorCode::invalid_argument,
                 "strategy weights: 4 expected (fast, momentum, conservative, mean reversion), " +
                     std::to_string(weights.size()) + " given"};
  std::vector<std::unique_ptr<strategy::Strategy>> strategies;
  std::vector<double> used;
  auto add = [&](double w, auto made) -> Status {
    if (w <= 0) return {};
    if (!made) return made.error();
    strategies.push_back(std::make_unique<std::decay_t<decltype(*made)>>(std::move(*made)));
    used.push_back(w);
    return {};
  };
  if (auto st = add(weights[0], strategy::FastScalping::create()); !st) return st.error();
  if (auto st = add(weights[1], strategy::MomentumScalping::create()); !st) return st.error();
  if (auto st = add(weights[2], strategy::ConservativeScalping::create()); !st) return st.error();
  if (auto st = add(weights[3], strategy::MeanReversion::create()); !st) return st.error();
  if (strategies.empty())
    return Error{ErrorCode::invalid_argument, "strategy weights: every weight is 0"};
  return strategy::SignalCombiner::create(std::move(strategies), std::move(used));
}

Result<std::unique_ptr<MarketShard>> MarketShard::create(MarketShardConfig config, Deps deps) {
  if (deps.registry == nullptr || deps.self.expired() || !deps.on_signal || !deps.on_mark)
    return Error{ErrorCode::invalid_argument, "market shard: missing registry, self or sinks"};
  auto shard = std::unique_ptr<MarketShard>(new MarketShard(std::move(config), std::move(deps)));
  for (const SymbolId symbol : shard->config_.symbols) {
    market::ReferencePriceConfig rc;
    rc.symbol = symbol;
    rc.max_age = shard->config_.quote_max_age;
    auto reference = market::ReferencePriceAggregator::create(rc);
    if (!reference) return reference.error().with_context("market shard");
    market::CandleBuilderConfig bc;
    bc.interval = shard->config_.candle_interval;
    bc.price_source = shard->config_.price_source;
    bc.symbol = symbol;
    auto builder = market::CandleBuilder::create(bc);
    if (!builder) return builder.error().with_context("market shard");
    auto combiner = make_combiner(shard->config_.weights);
    if (!combiner) return combiner.error().with_context("market shard");
    std::size_t needed = 0;
    for (std::size_t i = 0; i < combiner->size(); ++i)
      needed = std::max(needed, combiner->strategy(i).warmup());
    auto lane =
        std::make_unique<Lane>(symbol, std::string(shard->deps_.registry->symbols().name(symbol)),
                               std::move(*reference), std::move(*builder), std::move(*combiner));
    lane->warm_needed = needed;
    lane->history.reserve(kCandleHistory);
    shard->lanes_.emplace(symbol.value, std::move(lane));
  }
  return shard;
}

void MarketShard::on_start(actor::ActorContext& ctx) {
  arm(ctx);
}

void MarketShard::on_stop(actor::ActorContext& ctx) {
  if (timer_ != 0) ctx.cancel_timer(timer_);
  timer_ = 0;
}

void MarketShard::arm(actor::ActorContext& ctx) {
  const Timestamp now = ctx.now();
  const Timestamp due = now.floor_to(config_.candle_interval) + config_.candle_interval;
  // The ref from the running cell, not the holder (filled after spawn, maybe during on_start).
  timer_ = ctx.tell_after(due - now,
                          Self(std::static_pointer_cast<Self::Cell>(ctx.cell().shared_from_this())),
                          CandleTick{due});
}

MarketShard::Lane* MarketShard::lane(SymbolId symbol) {
  auto it = lanes_.find(symbol.value);
  return it == lanes_.end() ? nullptr : it->second.get();
}

void MarketShard::on(QuoteUpdate& m, actor::ActorContext& ctx) {
  Lane* l = lane(m.event.symbol);
  if (l == nullptr) return;
  ++counters_.quotes;
  const Timestamp now = ctx.now();
  l->last_tick = m.event.receive_time;
  if (l->reference.on_event(m.event) == market::QuoteVerdict::accepted) {
    if (const auto* q = std::get_if<Quote>(&m.event.body); q != nullptr) {
      auto& slot = l->quotes[static_cast<std::size_t>(m.event.venue)];
      slot = {true, q->bid, q->ask, m.event.receive_time};
    }
  }
  publish_mark(*l, now, m.event.receive_time);
  if (config_.price_source == market::CandlePriceSource::quote_mids &&
      l->builder.on_event(m.event) > 0)
    drain(*l, now);
}

void MarketShard::on(TradePrint& m, actor::ActorContext& ctx) {
  Lane* l = lane(m.event.symbol);
  if (l == nullptr) return;
  ++counters_.trades;
  l->last_tick = m.event.receive_time;
  if (l->builder.on_event(m.event) > 0) drain(*l, ctx.now());
}

void MarketShard::on(StatusUpdate& m, actor::ActorContext& ctx) {
  Lane* l = lane(m.event.symbol);
  if (l == nullptr) return;
  (void)l->reference.on_event(m.event);
  publish_mark(*l, ctx.now(), m.event.receive_time);
}

void MarketShard::on(CandleTick& /*m*/, actor::ActorContext& ctx) {
  timer_ = 0;
  const Timestamp now = ctx.now();
  for (auto& [id, l] : lanes_) {
    if (l->builder.on_time(now) > 0) drain(*l, now);
    publish_mark(*l, now, l->last_tick);  // a venue may have aged out without a new quote
  }
  arm(ctx);
}

void MarketShard::on(WarmUpCandles& m, actor::ActorContext& /*ctx*/) {
  Lane* l = lane(m.symbol);
  if (l == nullptr) return;
  for (const auto& c : m.candles) {
    if (c.gap) continue;
    l->combiner.on_candle(c);
    ++l->warm_candles;
  }
}

void MarketShard::publish_mark(Lane& l, Timestamp now, Timestamp tick) {
  const market::ReferencePrice ref = l.reference.compute(now);
  const bool fresh = ref.ok();
  const std::optional<Decimal> price = fresh ? std::optional<Decimal>(ref.price) : l.last_price;
  if (!price) return;
  if (fresh == l.last_fresh && l.last_price && *l.last_price == *price &&
      l.last_venues == ref.used && (!fresh || now - l.last_published < kMarkRefresh))
    return;
  l.last_price = price;
  l.last_fresh = fresh;
  l.last_venues = ref.used;
  l.last_published = now;
  deps_.on_mark(ReferenceMark{l.symbol, *price, now, fresh, ref.used, tick});
}

void MarketShard::drain(Lane& l, Timestamp now) {
  market::Candle candle;
  while (l.builder.pop(candle)) {
    ++counters_.candles;
    if (l.history.size() < kCandleHistory) {
      l.history.push_back(candle);
    } else {
      l.history[l.history_next] = candle;
      l.history_next = (l.history_next + 1) % kCandleHistory;
    }
    if (!candle.gap) ++l.warm_candles;
    if (deps_.on_candle && !candle.gap) deps_.on_candle(l.symbol, candle);
    const strategy::EngineOutput out = l.engine.on_candle(candle, now);
    if (!out.signal) continue;
    const strategy::TradingSignal& s = out.signal->signal;
    ++counters_.signals;
    if (s.kind == strategy::SignalKind::hold) continue;
    const market::ReferencePrice ref = l.reference.compute(now);
    char line[96];
    std::snprintf(line, sizeof line, "%s %.2f at %s", std::string(to_string(s.kind)).c_str(),
                  s.confidence, candle.end().to_iso8601().c_str());
    l.last_signal = line;
    // The strategy that weighed most toward the verdict (first in order on a tie).
    std::string_view lead;
    double lead_score = -1.0;
    const auto weights = l.combiner.weights();
    for (std::size_t i = 0; i < l.combiner.size(); ++i) {
      const auto vote = l.combiner.strategy(i).signal();
      if (!vote || vote->kind != s.kind) continue;
      const double score = vote->confidence * weights[i];
      if (score > lead_score) {
        lead_score = score;
        lead = l.combiner.strategy(i).name();
      }
    }
    deps_.on_signal(SignalMsg{l.symbol, s.kind, s.confidence, candle.end(),
                              ref.ok() ? std::optional<Decimal>(ref.price) : std::nullopt,
                              l.last_tick, false, lead});
  }
}

ShardStatus MarketShard::on(ShardStatusQuery& /*q*/, actor::ActorContext& ctx) {
  ShardStatus s = counters_;
  s.symbols.clear();
  for (const auto& [id, l] : lanes_) {
    SymbolStatus st;
    st.symbol = l->name;
    st.reference = l->last_price;
    const market::ReferencePrice ref = l->reference.compute(ctx.now());
    st.fresh = ref.ok();  // now, not at the last publish
    for (std::size_t v = 0; v < l->quotes.size(); ++v) {
      const auto& q = l->quotes[v];
      if (!q.has) continue;
      st.quotes.push_back(
          {kAllVenues[v], q.bid, q.ask, ctx.now() - q.received, (ref.used_mask & (1U << v)) != 0});
    }
    st.venues = l->last_venues;
    st.warm_candles = l->warm_candles;
    st.warm_needed = l->warm_needed;
    st.last_signal = l->last_signal;
    s.symbols.push_back(std::move(st));
  }
  return s;
}

RecentCandles MarketShard::on(CandlesQuery& q, actor::ActorContext& /*ctx*/) {
  RecentCandles out;
  const Lane* l = lane(q.symbol);
  if (l == nullptr) return out;
  const std::size_t size = l->history.size();
  const std::size_t n = std::min(q.limit, size);
  out.closed.reserve(n);
  // Oldest first: the ring starts at history_next once full (at 0 before).
  for (std::size_t i = size - n; i < size; ++i)
    out.closed.push_back(l->history[(l->history_next + i) % size]);
  out.current = l->builder.current();
  return out;
}

}  // namespace nzeza::app
