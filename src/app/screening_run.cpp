#include "app/screening_run.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <tuple>
#include <utility>

#include "replay/event_merger.hpp"
#include "replay/history_file.hpp"

namespace nzeza::app {

ScreeningCollector::PerInstrument::PerInstrument(const market::CandleBuilderConfig& config)
    : builder(config) {}

Result<ScreeningCollector> ScreeningCollector::create(const InstrumentRegistry& registry,
                                                      Duration candle_interval,
                                                      const domain::ScreeningConfig& screening) {
  market::CandleBuilderConfig config;
  config.interval = candle_interval;
  config.price_source = market::CandlePriceSource::quote_mids;
  config.time_source = market::CandleTimeSource::receive_time;
  if (auto st = config.validate(); !st)
    return Error{ErrorCode::invalid_argument, "screen: candle interval: " + st.error().message};
  const std::size_t keep =
      std::max<std::size_t>({screening.volatility_window, screening.volume_window, 1});
  return ScreeningCollector(registry, config, keep);
}

void ScreeningCollector::on_event(const MarketEvent& event) {
  ++events_;
  if (!first_) first_ = event.receive_time;
  last_ = event.receive_time;
  auto it = instruments_.find(event.instrument.value);
  if (it == instruments_.end())
    it = instruments_
             .emplace(std::piecewise_construct, std::forward_as_tuple(event.instrument.value),
                      std::forward_as_tuple(config_))
             .first;
  PerInstrument& s = it->second;
  if (const auto* q = std::get_if<Quote>(&event.body)) {
    // Trades also come as quotes on some venues; a crossed or empty quote is no book.
    if (q->bid.is_positive() && q->ask.is_positive() && q->bid <= q->ask)
      s.book = domain::ScreeningBook{q->bid.to_double(), q->ask.to_double()};
  }
  if (s.builder.on_event(event) > 0) drain(s);
}

void ScreeningCollector::drain(PerInstrument& s) const {
  market::Candle c;
  while (s.builder.pop(c)) {
    if (c.series_break) {
      s.rsi.reset();
      s.macd.reset();
      s.ema_fast.reset();
      s.ema_slow.reset();
      s.histogram = s.previous_histogram = domain::MomentumInputs::kNone;
    }
    const double close = c.close.to_double();
    (void)s.rsi.update(close);
    (void)s.ema_fast.update(close);
    (void)s.ema_slow.update(close);
    if (const auto m = s.macd.update(close)) {
      s.previous_histogram = s.histogram;
      s.histogram = m->histogram;
    }
    if (c.gap) continue;
    s.candles.push_back(
        {c.open.to_double(), c.high.to_double(), c.low.to_double(), close, c.volume.to_double()});
    while (s.candles.size() > keep_) s.candles.pop_front();
  }
}

ScreenResult ScreeningCollector::finish(const domain::Screener& screener, Timestamp now) {
  ScreenResult out;
  out.events = events_;
  out.first_event = first_;
  out.last_event = last_;
  out.candle_interval = config_.interval;
  std::vector<domain::ScreeningScore> scores;
  for (auto& [id, s] : instruments_) {
    s.builder.on_time(now);
    drain(s);
    const Instrument* inst = registry_->get(InstrumentId{id});
    domain::ScreeningInput input;
    input.symbol = inst != nullptr ? inst->canonical : "instrument#" + std::to_string(id);
    input.venue = inst != nullptr ? inst->venue : Venue::paper;
    const std::vector<domain::ScreeningCandle> candles(s.candles.begin(), s.candles.end());
    input.candles = candles;
    input.book = s.book;
    if (const auto v = s.rsi.value()) input.momentum.rsi = *v;
    input.momentum.macd_histogram = s.histogram;
    input.momentum.previous_macd_histogram = s.previous_histogram;
    if (const auto v = s.ema_fast.value()) input.momentum.ema_fast = *v;
    if (const auto v = s.ema_slow.value()) input.momentum.ema_slow = *v;
    auto score = screener.screen(input);
    if (score)
      scores.push_back(std::move(*score));
    else
      out.skipped.push_back({input.symbol, input.venue, score.error().message});
  }
  out.ranked = domain::Screener::rank(std::move(scores));
  std::sort(out.skipped.begin(), out.skipped.end(), [](const ScreenSkip& a, const ScreenSkip& b) {
    return std::tie(a.symbol, a.venue) < std::tie(b.symbol, b.venue);
  });
  return out;
}

Result<ScreenResult> screen_files(const ScreenOptions& options) {
  auto screener = domain::Screener::create(options.screening);
  if (!screener) return screener.error();
  if (options.files.empty())
    return Error{ErrorCode::invalid_argument, "screen: no recording or Tardis CSV file"};
  InstrumentRegistry registry;
  std::vector<std::unique_ptr<replay::EventSource>> sources;
  for (const auto& path : options.files) {
    auto opened = replay::open_history_file(path, registry);
    if (!opened) return opened.error();
    sources.push_back(std::move(opened->source));
  }
  replay::EventMerger merger(std::move(sources));
  auto collector = ScreeningCollector::create(registry, options.candle_interval, options.screening);
  if (!collector) return collector.error();
  MarketEvent ev;
  replay::ReadOutcome outcome;
  while ((outcome = merger.next(ev)) == replay::ReadOutcome::event) collector->on_event(ev);
  if (outcome == replay::ReadOutcome::error) return merger.error();
  const Timestamp now = ev.receive_time;
  return collector->finish(*screener, now);
}

namespace {

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pad(std::string s, std::size_t width, bool right) {
  if (s.size() >= width) return s;
  const std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

boost::json::object details(const domain::ScreeningScore& s) {
  boost::json::object o;
  o["symbol"] = s.symbol;
  o["venue"] = std::string(to_string(s.venue));
  o["rank"] = s.rank;
  o["score"] = s.overall;
  o["category"] = std::string(to_string(s.category));
  o["volatility"] = s.volatility;
  o["volume"] = s.volume;
  o["spread"] = s.spread;
  o["momentum"] = s.momentum;
  o["mean_range_pct"] = s.mean_range_pct;
  o["quote_volume"] = s.quote_volume;
  o["candles"] = s.candles_used;
  return o;
}

}  // namespace

std::string screen_details_json(const domain::ScreeningScore& score) {
  return boost::json::serialize(details(score));
}

std::string screen_table(const ScreenResult& result) {
  std::ostringstream out;
  // Text columns (symbol, venue, category) align left, figures right.
  constexpr std::array<std::size_t, 12> kWidth{4, 14, 11, 6, 13, 10, 6, 6, 8, 7, 12, 7};
  constexpr std::array<bool, 12> kLeft{false, true,  true,  false, true,  false,
                                       false, false, false, false, false, false};
  const auto row = [&](const std::array<std::string, 12>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      out << (i == 0 ? "" : "  ") << pad(cells[i], kWidth[i], !kLeft[i]);
    out << '\n';
  };
  row({"rank", "symbol", "venue", "score", "category", "volatility", "volume", "spread", "momentum",
       "range%", "quote vol", "candles"});
  for (const auto& s : result.ranked)
    row({std::to_string(s.rank), s.symbol, std::string(to_string(s.venue)), fixed(s.overall, 3),
         std::string(to_string(s.category)), fixed(s.volatility, 3), fixed(s.volume, 3),
         fixed(s.spread, 3), fixed(s.momentum, 3), fixed(s.mean_range_pct, 3),
         fixed(s.quote_volume, 0), std::to_string(s.candles_used)});
  for (const auto& k : result.skipped)
    out << "not ranked: " << k.symbol << " on " << to_string(k.venue) << ": " << k.reason << '\n';
  out << result.ranked.size() << " ranked, " << result.skipped.size() << " not ranked; "
      << result.events << " events";
  if (result.first_event && result.last_event)
    out << " from " << result.first_event->to_iso8601() << " to "
        << result.last_event->to_iso8601();
  out << "; " << std::chrono::duration_cast<std::chrono::seconds>(result.candle_interval).count()
      << " s candles\n";
  return out.str();
}

std::string screen_json(const ScreenResult& result) {
  boost::json::object o;
  o["candle_interval_s"] =
      std::chrono::duration_cast<std::chrono::seconds>(result.candle_interval).count();
  o["events"] = result.events;
  o["first_event"] =
      result.first_event ? boost::json::value(result.first_event->to_iso8601()) : nullptr;
  o["last_event"] =
      result.last_event ? boost::json::value(result.last_event->to_iso8601()) : nullptr;
  boost::json::array ranked;
  for (const auto& s : result.ranked) ranked.push_back(details(s));
  o["ranked"] = std::move(ranked);
  boost::json::array skipped;
  for (const auto& k : result.skipped)
    skipped.push_back(boost::json::object{
        {"symbol", k.symbol}, {"venue", std::string(to_string(k.venue))}, {"reason", k.reason}});
  o["skipped"] = std::move(skipped);
  return boost::json::serialize(o) + "\n";
}

}  // namespace nzeza::app
