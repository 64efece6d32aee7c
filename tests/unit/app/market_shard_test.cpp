// The market shard actor on a manual clock: the cross-venue reference price it publishes, candles
// closed on time in a quiet market, the warm-up, and the signals it sends.
#include "app/market_shard.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "actor/actor.hpp"
#include "core/clock.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

struct ShardRig {
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};  // 00:00:00, a candle boundary
  actor::ActorSystem system{clock, actor::ActorSystemOptions::with_threads(0)};
  InstrumentRegistry registry;
  SymbolId btc;
  std::vector<SignalMsg> signals;
  std::vector<ReferenceMark> marks;
  std::shared_ptr<MarketShard::Self> shard = std::make_shared<MarketShard::Self>();

  explicit ShardRig(std::vector<double> weights = {0.4, 0.4, 0.2, 0.0}) {
    Instrument i;
    i.venue = Venue::coinbase;
    i.canonical = i.venue_symbol = "BTC-USD";
    i.base = "BTC";
    i.quote = "USD";
    i.tick_size = dec("0.01");
    i.lot_size = i.min_size = dec("0.0001");
    btc = registry.get(registry.add(i).value())->symbol;
    MarketShardConfig config;
    config.symbols = {btc};
    config.candle_interval = 10s;
    config.weights = std::move(weights);
    MarketShard::Deps deps;
    deps.registry = &registry;
    deps.self = shard;
    deps.on_signal = [this](const SignalMsg& m) { signals.push_back(m); };
    deps.on_mark = [this](const ReferenceMark& m) { marks.push_back(m); };
    auto ref = system.spawn<MarketShard>(actor::SpawnOptions::named("market-0"), [config, deps] {
      return std::move(MarketShard::create(config, deps).value());
    });
    *shard = ref.value();
    system.dispatcher().poll();
  }
  // The shard's factory holds the ref holder (cell → factory → holder → cell): empty it.
  ~ShardRig() { *shard = MarketShard::Self{}; }
  ShardRig(const ShardRig&) = delete;
  ShardRig& operator=(const ShardRig&) = delete;
  MarketEvent event(Venue venue, Quote q) {
    MarketEvent e;
    e.venue = venue;
    e.symbol = btc;
    e.receive_time = clock.now();
    e.body = q;
    return e;
  }
  void quote(Venue venue, const char* bid, const char* ask) {
    (void)shard->tell(QuoteUpdate{event(venue, Quote{dec(bid), dec("1"), dec(ask), dec("1")})});
    system.dispatcher().poll();
  }
  void trade(const char* price) {
    MarketEvent e;
    e.venue = Venue::coinbase;
    e.symbol = btc;
    e.receive_time = clock.now();
    e.body = Trade{dec(price), dec("0.01"), Side::buy, {}};
    (void)shard->tell(TradePrint{e});
    system.dispatcher().poll();
  }
  void advance(Duration d) {
    clock.advance(d);
    system.dispatcher().poll();
  }
  ShardStatus status() {
    std::optional<ShardStatus> out;
    shard->ask(ShardStatusQuery{}, actor::kNoTimeout, [&](Result<ShardStatus> r) { out = *r; });
    system.dispatcher().poll();
    return out.value();
  }
};

TEST(MarketShard, quotes_from_two_venues_publish_their_median_as_a_fresh_reference) {
  ShardRig rig;
  rig.quote(Venue::coinbase, "100", "102");  // mid 101
  rig.quote(Venue::kraken, "102", "104");    // mid 103
  ASSERT_FALSE(rig.marks.empty());
  EXPECT_TRUE(rig.marks.back().fresh);
  EXPECT_EQ(rig.marks.back().price, dec("102"));
  EXPECT_EQ(rig.marks.back().venues, 2);
}

TEST(MarketShard, a_disconnected_only_venue_leaves_the_last_price_marked_not_fresh) {
  ShardRig rig;
  rig.quote(Venue::coinbase, "100", "102");
  MarketEvent e = rig.event(Venue::coinbase, Quote{});
  e.body = VenueStatus{FeedState::reconnecting, TradingStatus::trading};
  (void)rig.shard->tell(StatusUpdate{e});
  rig.system.dispatcher().poll();
  ASSERT_FALSE(rig.marks.empty());
  EXPECT_FALSE(rig.marks.back().fresh);
  EXPECT_EQ(rig.marks.back().price, dec("101"));
}

TEST(MarketShard, quotes_that_stop_age_the_price_out_on_the_candle_tick) {
  ShardRig rig;
  rig.quote(Venue::coinbase, "100", "102");
  ASSERT_TRUE(rig.marks.back().fresh);
  rig.advance(10s);  // the candle tick runs: the quote is older than 5 s
  EXPECT_FALSE(rig.marks.back().fresh);
}

TEST(MarketShard, an_unchanged_fresh_price_is_published_again_at_most_once_a_second) {
  ShardRig rig;
  rig.quote(Venue::coinbase, "100", "102");
  const std::size_t first = rig.marks.size();
  rig.quote(Venue::coinbase, "100", "102");  // same price, same instant: nothing new
  EXPECT_EQ(rig.marks.size(), first);
  rig.clock.advance(1500ms);
  rig.quote(Venue::coinbase, "100", "102");
  EXPECT_EQ(rig.marks.size(), first + 1);
  EXPECT_EQ(rig.marks.back().at, rig.clock.now());
}

TEST(MarketShard, a_quiet_market_still_closes_its_candles_on_time) {
  ShardRig rig;
  rig.trade("100");
  rig.advance(10s);
  rig.advance(10s);
  rig.advance(10s);
  // The traded candle and the quiet intervals after it, each closed by the shard's own tick.
  EXPECT_EQ(rig.status().candles, 3u);
}

TEST(MarketShard, warm_up_candles_count_toward_the_strategies_warm_up) {
  ShardRig rig;
  std::vector<market::Candle> history;
  for (int k = 0; k < 30; ++k) {
    market::Candle c;
    c.interval = 10s;
    c.start = rig.clock.now() - 10s * (30 - k);
    c.open = c.high = c.low = c.close = dec("100");
    c.volume = dec("1");
    c.trades = 1;
    c.price_updates = 1;
    history.push_back(c);
  }
  (void)rig.shard->tell(WarmUpCandles{rig.btc, history, "test"});
  rig.system.dispatcher().poll();
  const ShardStatus s = rig.status();
  ASSERT_EQ(s.symbols.size(), 1u);
  EXPECT_EQ(s.symbols[0].warm_candles, 30u);
  EXPECT_GT(s.symbols[0].warm_needed, 0u);
  EXPECT_TRUE(rig.signals.empty());  // history gives no signal
}

TEST(MarketShard, a_rising_market_signals_a_buy_with_the_reference_price) {
  // Fast scalping alone decides above a weight of 0.625 (config/paper.toml explains why).
  ShardRig rig({0.65, 0.25, 0.1, 0.0});
  std::int64_t cents = 10'000'000;  // 100000.00
  for (int step = 0; step < 400 && rig.signals.empty(); ++step) {
    cents += (step % 5 == 4) ? -150 : 200;
    const std::string p = Decimal::from_raw8(cents * 1'000'000).to_string();
    const std::string a = Decimal::from_raw8((cents + 1) * 1'000'000).to_string();
    rig.quote(Venue::coinbase, p.c_str(), a.c_str());
    rig.trade(p.c_str());
    rig.advance(1s);
  }
  ASSERT_FALSE(rig.signals.empty());
  EXPECT_EQ(rig.signals.front().kind, strategy::SignalKind::buy);
  ASSERT_TRUE(rig.signals.front().reference.has_value());
  EXPECT_FALSE(rig.status().symbols[0].last_signal.empty());
}

TEST(MarketShard, refuses_weights_that_are_all_zero_and_an_interval_that_does_not_divide_a_day) {
  EXPECT_FALSE(make_combiner({0, 0, 0, 0}).ok());
  EXPECT_FALSE(make_combiner({1, 0}).ok());
  InstrumentRegistry registry;
  MarketShardConfig config;
  config.candle_interval = 7s;
  config.symbols = {registry.symbols().intern("BTC-USD")};
  MarketShard::Deps deps;
  deps.registry = &registry;
  auto self = std::make_shared<MarketShard::Self>();
  deps.self = self;
  deps.on_signal = [](const SignalMsg&) {};
  deps.on_mark = [](const ReferenceMark&) {};
  EXPECT_FALSE(MarketShard::create(config, deps).ok());
}

}  // namespace
}  // namespace nzeza::app
