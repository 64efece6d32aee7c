#pragma once
// SignalPipeline: market events → per-symbol clock-aligned candles → strategies → combined
// signal, with candles closed on time by Clock timers even when the market is quiet.
//
// One SymbolLane per canonical symbol id: a CandleBuilder, the reference strategies with their
// weights (SignalCombiner::reference_default) and a SignalEngine (freshness rule). Each closed
// candle and each verdict is reported through the callbacks. The actor runtime will own one
// lane per market shard; until then the pipeline is driven on the clock's thread.
// Not thread-safe: feed on_event() from the same thread the clock fires on (ManualClock: the
// advancing thread), or serialise externally.

#include <functional>
#include <map>
#include <memory>

#include "core/clock.hpp"
#include "core/market_event.hpp"
#include "market/candle_builder.hpp"
#include "strategy/signal_combiner.hpp"
#include "strategy/signal_engine.hpp"

namespace nzeza::app {

struct SignalPipelineConfig {
  Duration candle_interval = std::chrono::seconds(10);
  market::CandlePriceSource price_source = market::CandlePriceSource::trades;
};

struct SignalReport {
  SymbolId symbol;
  market::Candle candle;
  strategy::EngineOutput output;
};

class SignalPipeline {
 public:
  using CandleSink = std::function<void(const SignalReport&)>;

  static Result<std::unique_ptr<SignalPipeline>> create(Clock& clock, SignalPipelineConfig config,
                                                        CandleSink sink);
  ~SignalPipeline();
  SignalPipeline(const SignalPipeline&) = delete;
  SignalPipeline& operator=(const SignalPipeline&) = delete;

  // Adds a lane for `symbol` (idempotent).
  Status add_symbol(SymbolId symbol);
  // Routes an event to its symbol's lane; events of unknown symbols are counted and ignored.
  void on_event(const MarketEvent& event);
  // Cancels the candle timers.
  void stop();

  [[nodiscard]] std::uint64_t ignored_events() const noexcept { return ignored_; }
  [[nodiscard]] const strategy::SignalEngineStats* stats(SymbolId symbol) const;
  [[nodiscard]] const market::CandleBuilderStats* candle_stats(SymbolId symbol) const;

 private:
  struct Lane {
    SymbolId symbol;
    market::CandleBuilder builder;
    strategy::SignalCombiner combiner;
    strategy::SignalEngine engine;
    TimerId timer = 0;
    Lane(SymbolId s, market::CandleBuilder b, strategy::SignalCombiner c)
        : symbol(s), builder(std::move(b)), combiner(std::move(c)), engine(combiner) {}
  };
  SignalPipeline(Clock& clock, SignalPipelineConfig config, CandleSink sink)
      : clock_(clock), config_(config), sink_(std::move(sink)) {}
  void drain(Lane& lane);
  void arm(Lane& lane);

  Clock& clock_;
  SignalPipelineConfig config_;
  CandleSink sink_;
  std::map<std::uint32_t, std::unique_ptr<Lane>> lanes_;
  std::uint64_t ignored_ = 0;
  bool stopped_ = false;
};

}  // namespace nzeza::app
