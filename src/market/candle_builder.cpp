#include "market/candle_builder.hpp"

#include <string>
#include <variant>

namespace nzeza::market {
namespace {
constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kDayNs = 86'400 * kSecondNs;
constexpr std::size_t kMaxGapCandles = 100'000;
}  // namespace

Status CandleBuilderConfig::validate() const {
  const std::int64_t ns = interval.count();
  if (ns < kSecondNs || ns > kDayNs || ns % kSecondNs != 0 || kDayNs % ns != 0) {
    return fail(ErrorCode::invalid_argument,
                "candle interval must be whole seconds in [1 s, 1 d] dividing a day, got " +
                    std::to_string(ns) + " ns");
  }
  if (max_gap_candles > kMaxGapCandles) {
    return fail(ErrorCode::invalid_argument,
                "candle max_gap_candles must be <= " + std::to_string(kMaxGapCandles) + ", got " +
                    std::to_string(max_gap_candles));
  }
  return {};
}

Result<CandleBuilder> CandleBuilder::create(const CandleBuilderConfig& config) {
  if (auto s = config.validate(); !s) return s.error();
  return CandleBuilder(config);
}

CandleBuilder::CandleBuilder(const CandleBuilderConfig& config)
    : config_(config), closed_(config.max_gap_candles + 2) {
  cur_.interval = config_.interval;
}

void CandleBuilder::open_interval(Timestamp start) noexcept {
  cur_ = Candle{};
  cur_.start = start;
  cur_.interval = config_.interval;
}

void CandleBuilder::emit(const Candle& c) noexcept {
  if (closed_.push(c)) ++stats_.output_overflows;
  ++stats_.candles_closed;
  last_emitted_ = c;
}

std::size_t CandleBuilder::emit_gaps(Timestamp first_start, std::int64_t count) noexcept {
  if (count <= 0) return 0;
  if (!has_last_close_) {  // nothing to carry forward before the first price
    stats_.intervals_skipped += static_cast<std::uint64_t>(count);
    return 0;
  }
  const std::int64_t room =
      consecutive_gaps_ >= config_.max_gap_candles
          ? 0
          : static_cast<std::int64_t>(config_.max_gap_candles - consecutive_gaps_);
  const std::int64_t emit_n = count < room ? count : room;
  for (std::int64_t i = 0; i < emit_n; ++i) {
    Candle g;
    g.start = first_start + config_.interval * i;
    g.interval = config_.interval;
    g.open = g.high = g.low = g.close = last_close_;
    g.gap = true;
    emit(g);
    ++stats_.gap_candles;
  }
  consecutive_gaps_ += static_cast<std::size_t>(emit_n);
  if (count > emit_n) {
    stats_.intervals_skipped += static_cast<std::uint64_t>(count - emit_n);
    break_pending_ = true;
  }
  return static_cast<std::size_t>(emit_n);
}

std::size_t CandleBuilder::advance(Timestamp t) noexcept {
  if (!anchored_) return 0;
  const Timestamp target = t.floor_to(config_.interval);
  if (target <= cur_.start) return 0;
  std::size_t emitted = 0;
  const std::int64_t intervals = (target - cur_.start) / config_.interval;
  if (cur_.price_updates > 0) {
    Candle c = cur_;
    c.series_break = break_pending_;
    if (break_pending_) ++stats_.series_breaks;
    break_pending_ = false;
    consecutive_gaps_ = 0;
    emit(c);
    last_close_ = c.close;
    has_last_close_ = true;
    ++emitted;
    emitted += emit_gaps(cur_.start + config_.interval, intervals - 1);
  } else if (cur_.trades > 0 && has_last_close_ && consecutive_gaps_ < config_.max_gap_candles) {
    // quote_mids mode: trades but no mid in the interval — a gap candle that keeps its volume.
    Candle g = cur_;
    g.open = g.high = g.low = g.close = last_close_;
    g.gap = true;
    emit(g);
    ++stats_.gap_candles;
    ++consecutive_gaps_;
    ++emitted;
    emitted += emit_gaps(cur_.start + config_.interval, intervals - 1);
  } else {
    emitted += emit_gaps(cur_.start, intervals);
  }
  open_interval(target);
  return emitted;
}

bool CandleBuilder::accept_time(Timestamp t, std::size_t& closed) noexcept {
  if (!anchored_) {
    anchored_ = true;
    open_interval(t.floor_to(config_.interval));
    return true;
  }
  if (t < cur_.start) {
    ++stats_.late_ticks;
    return false;
  }
  closed += advance(t);
  return true;
}

void CandleBuilder::add_price(Decimal price) noexcept {
  if (cur_.price_updates == 0) {
    cur_.open = cur_.high = cur_.low = price;
  } else {
    if (price > cur_.high) cur_.high = price;
    if (price < cur_.low) cur_.low = price;
  }
  cur_.close = price;
  ++cur_.price_updates;
}

std::size_t CandleBuilder::on_trade(Timestamp t, Decimal price, Decimal size) noexcept {
  if (!price.is_positive() || size.is_negative()) {
    ++stats_.rejected_ticks;
    return 0;
  }
  std::size_t closed = 0;
  if (!accept_time(t, closed)) return closed;
  const auto volume = cur_.volume.checked_add(size);
  if (!volume) {  // beyond Decimal's range: a bug upstream, never a wrapped number
    ++stats_.rejected_ticks;
    return closed;
  }
  ++stats_.ticks;
  cur_.volume = *volume;
  ++cur_.trades;
  if (config_.price_source == CandlePriceSource::trades) add_price(price);
  return closed;
}

std::size_t CandleBuilder::on_mid(Timestamp t, Decimal mid) noexcept {
  if (config_.price_source != CandlePriceSource::quote_mids) {
    ++stats_.ignored_events;
    return 0;
  }
  if (!mid.is_positive()) {
    ++stats_.rejected_ticks;
    return 0;
  }
  std::size_t closed = 0;
  if (!accept_time(t, closed)) return closed;
  ++stats_.ticks;
  add_price(mid);
  return closed;
}

std::size_t CandleBuilder::on_quote(Timestamp t, const Quote& quote) noexcept {
  if (config_.price_source != CandlePriceSource::quote_mids) {
    ++stats_.ignored_events;
    return 0;
  }
  if (!quote.bid.is_positive() || !quote.ask.is_positive() || quote.bid > quote.ask) {
    ++stats_.rejected_ticks;
    return 0;
  }
  const auto sum = quote.bid.checked_add(quote.ask);
  if (!sum) {
    ++stats_.rejected_ticks;
    return 0;
  }
  const auto mid = sum->checked_div(Decimal::from_integer(2));
  if (!mid) {
    ++stats_.rejected_ticks;
    return 0;
  }
  return on_mid(t, *mid);
}

std::size_t CandleBuilder::on_event(const MarketEvent& event) noexcept {
  if (config_.symbol.valid() && event.symbol != config_.symbol) {
    ++stats_.ignored_events;
    return 0;
  }
  const Timestamp t = config_.time_source == CandleTimeSource::venue_time && event.has_venue_time()
                          ? event.venue_time
                          : event.receive_time;
  if (const auto* trade = std::get_if<Trade>(&event.body))
    return on_trade(t, trade->price, trade->size);
  if (const auto* quote = std::get_if<Quote>(&event.body)) return on_quote(t, *quote);
  ++stats_.ignored_events;
  return 0;
}

std::size_t CandleBuilder::on_time(Timestamp now) noexcept {
  return advance(now);
}

std::optional<Candle> CandleBuilder::current() const noexcept {
  if (!anchored_ || cur_.price_updates == 0) return std::nullopt;
  return cur_;
}

std::optional<Candle> CandleBuilder::last_closed() const noexcept {
  return last_emitted_;
}

Timestamp CandleBuilder::next_close() const noexcept {
  return anchored_ ? cur_.end() : Timestamp();
}

}  // namespace nzeza::market
