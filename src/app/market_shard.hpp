#pragma once
// MarketShard: the market actor of a group of canonical symbols.
//
// Per symbol it keeps the cross-venue reference price (market::ReferencePriceAggregator: stale
// venues and outliers excluded), a clock-aligned CandleBuilder, the configured strategies with
// their weights (SignalCombiner) and the SignalEngine (freshness rule). It reacts to:
//   QuoteUpdate   reference price → ReferenceMark to execution and portfolio when it moved, its
//                 freshness changed, or a fresh unchanged price was last sent a second ago (the
//                 execution actor refuses entries on a mark older than 5 s: a quiet market that
//                 keeps quoting is still a fresh one); the quote also feeds candles when they are
//                 built from quote mids
//   TradePrint    candles (trade prices and sizes)
//   StatusUpdate  a venue that is not connected leaves the reference price at once
//   CandleTick    its own timer: closes the candles whose interval ended even when the market is
//                 quiet, then arms the next tick
//   WarmUpCandles history before the first tick: the strategies see it, no signal comes of it
//   CandlesQuery  the latest closed candles (kCandleHistory kept per symbol) and the open one
// Each venue's last top of book is kept beside the reference price, for the status (per-venue
// prices with their age).
// Each closed candle goes through the engine; a buy or sell verdict becomes a SignalMsg with the
// reference price at that moment — or none when no venue is fresh: the execution actor never
// opens a position on stale data.
//
// State: plain values rebuilt from the feed after a restart (the warm-up is lost and the market
// restarts it; no order depends on it). Threading: the actor's turn only.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actor/actor.hpp"
#include "app/market_data_hop.hpp"
#include "app/pipeline_messages.hpp"
#include "core/instrument.hpp"
#include "market/candle_builder.hpp"
#include "market/reference_price.hpp"
#include "strategy/signal_combiner.hpp"
#include "strategy/signal_engine.hpp"

namespace nzeza::app {

struct StrategyWeights;

// Closed candles kept per symbol for the operator (CandlesQuery).
inline constexpr std::size_t kCandleHistory = 500;

struct MarketShardConfig {
  std::vector<SymbolId> symbols;
  Duration candle_interval = std::chrono::seconds(10);
  market::CandlePriceSource price_source = market::CandlePriceSource::trades;
  Duration quote_max_age = std::chrono::seconds(5);  // a venue older than this leaves the price
  // Strategy weights, in SignalCombiner order: fast, momentum, conservative, mean reversion.
  std::vector<double> weights{0.4, 0.4, 0.2, 0.0};
};

// The combiner with the strategies whose weight is > 0 (invalid_argument when none).
[[nodiscard]] Result<strategy::SignalCombiner> make_combiner(const std::vector<double>& weights);

class MarketShard {
 public:
  using Messages = actor::Messages<QuoteUpdate, TradePrint, StatusUpdate, CandleTick, WarmUpCandles,
                                   ShardStatusQuery, CandlesQuery>;
  using Self = actor::RefTo<Messages>;
  using Execution = std::function<void(const SignalMsg&)>;
  using Marks = std::function<void(const ReferenceMark&)>;

  struct Deps {
    const InstrumentRegistry* registry = nullptr;
    // Filled after spawn: the shard tells itself its CandleTicks. Weak, as Execution::Deps::self:
    // the owner keeps the holder and never empties it.
    std::weak_ptr<Self> self;
    Execution on_signal;  // tells the execution actor
    Marks on_mark;        // tells execution and portfolio
    // Optional: every closed candle (the operator API's stream); on the shard's thread.
    std::function<void(SymbolId, const market::Candle&)> on_candle;
  };

  // Validated by create(); the factory of the actor calls it on every (re)start.
  static Result<std::unique_ptr<MarketShard>> create(MarketShardConfig config, Deps deps);

  void on_start(actor::ActorContext& ctx);
  void on_stop(actor::ActorContext& ctx);
  void on(QuoteUpdate& m, actor::ActorContext& ctx);
  void on(TradePrint& m, actor::ActorContext& ctx);
  void on(StatusUpdate& m, actor::ActorContext& ctx);
  void on(CandleTick& m, actor::ActorContext& ctx);
  void on(WarmUpCandles& m, actor::ActorContext& ctx);
  ShardStatus on(ShardStatusQuery& q, actor::ActorContext& ctx);
  RecentCandles on(CandlesQuery& q, actor::ActorContext& ctx);

 private:
  struct Lane {
    SymbolId symbol;
    std::string name;
    market::ReferencePriceAggregator reference;
    market::CandleBuilder builder;
    strategy::SignalCombiner combiner;
    strategy::SignalEngine engine;
    std::optional<Decimal> last_price;
    bool last_fresh = false;
    std::uint8_t last_venues = 0;
    Timestamp last_published;  // when the last ReferenceMark went out
    std::size_t warm_candles = 0;
    std::size_t warm_needed = 0;
    std::string last_signal;
    Timestamp last_tick;  // receive time of the newest event
    struct VenueQuote {
      bool has = false;
      Decimal bid;
      Decimal ask;
      Timestamp received;
    };
    std::array<VenueQuote, market::kVenueCount> quotes{};  // by Venue
    // The latest closed candles: a ring of kCandleHistory reserved at creation (no allocation
    // on the tick path); `history_next` is the oldest once it is full.
    std::vector<market::Candle> history;
    std::size_t history_next = 0;
    Lane(SymbolId s, std::string n, market::ReferencePriceAggregator r, market::CandleBuilder b,
         strategy::SignalCombiner c)
        : symbol(s),
          name(std::move(n)),
          reference(std::move(r)),
          builder(std::move(b)),
          combiner(std::move(c)),
          engine(combiner) {}
  };
  MarketShard(MarketShardConfig config, Deps deps)
      : config_(std::move(config)), deps_(std::move(deps)) {}
  Lane* lane(SymbolId symbol);
  void publish_mark(Lane& lane, Timestamp now, Timestamp tick);
  void drain(Lane& lane, Timestamp now);
  void arm(actor::ActorContext& ctx);

  MarketShardConfig config_;
  Deps deps_;
  std::map<std::uint32_t, std::unique_ptr<Lane>> lanes_;
  TimerId timer_ = 0;
  ShardStatus counters_;
};

}  // namespace nzeza::app
