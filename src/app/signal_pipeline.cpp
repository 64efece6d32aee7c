#include "app/signal_pipeline.hpp"

namespace nzeza::app {

Result<std::unique_ptr<SignalPipeline>> SignalPipeline::create(Clock& clock,
                                                               SignalPipelineConfig config,
                                                               CandleSink sink) {
  market::CandleBuilderConfig probe;
  probe.interval = config.candle_interval;
  if (auto st = probe.validate(); !st) return st.error().with_context("signal pipeline");
  if (!sink) return Error{ErrorCode::invalid_argument, "signal pipeline: no sink for the signals"};
  return std::unique_ptr<SignalPipeline>(new SignalPipeline(clock, config, std::move(sink)));
}

SignalPipeline::~SignalPipeline() {
  stop();
}

Status SignalPipeline::add_symbol(SymbolId symbol) {
  if (!symbol.valid())
    return Error{ErrorCode::invalid_argument, "signal pipeline: invalid symbol id"};
  if (lanes_.count(symbol.value) != 0) return {};
  market::CandleBuilderConfig cfg;
  cfg.interval = config_.candle_interval;
  cfg.price_source = config_.price_source;
  cfg.symbol = symbol;
  auto builder = market::CandleBuilder::create(cfg);
  if (!builder) return builder.error();
  auto lane = std::make_unique<Lane>(symbol, std::move(*builder),
                                     strategy::SignalCombiner::reference_default());
  Lane& ref = *lane;
  lanes_.emplace(symbol.value, std::move(lane));
  arm(ref);
  return {};
}

void SignalPipeline::arm(Lane& lane) {
  if (stopped_) return;
  // Close the open interval at its end even if no tick arrives; before the first tick, check
  // again one interval later.
  const Timestamp now = clock_.now();
  Timestamp at = lane.builder.next_close();
  if (at.is_zero() || at <= now)
    at = now.floor_to(config_.candle_interval) + config_.candle_interval;
  lane.timer = clock_.schedule_at(at, [this, &lane] {
    lane.timer = 0;
    lane.builder.on_time(clock_.now());
    drain(lane);
    arm(lane);
  });
}

void SignalPipeline::on_event(const MarketEvent& event) {
  auto it = lanes_.find(event.symbol.value);
  if (it == lanes_.end()) {
    ++ignored_;
    return;
  }
  Lane& lane = *it->second;
  if (lane.builder.on_event(event) > 0) drain(lane);
}

void SignalPipeline::drain(Lane& lane) {
  market::Candle candle;
  while (lane.builder.pop(candle)) {
    SignalReport report{lane.symbol, candle, lane.engine.on_candle(candle, clock_.now())};
    sink_(report);
  }
}

void SignalPipeline::stop() {
  stopped_ = true;
  for (auto& [id, lane] : lanes_) {
    if (lane->timer != 0) clock_.cancel(lane->timer);
    lane->timer = 0;
  }
}

const strategy::SignalEngineStats* SignalPipeline::stats(SymbolId symbol) const {
  auto it = lanes_.find(symbol.value);
  return it == lanes_.end() ? nullptr : &it->second->engine.stats();
}

const market::CandleBuilderStats* SignalPipeline::candle_stats(SymbolId symbol) const {
  auto it = lanes_.find(symbol.value);
  return it == lanes_.end() ? nullptr : &it->second->builder.stats();
}

}  // namespace nzeza::app
