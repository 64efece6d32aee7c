#include "market/candle_check.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace nzeza::market {

namespace {

Error bad(std::string what) {
  return Error(ErrorCode::invalid_argument, std::move(what));
}

// "<a_name> <a> <relation> <b_name> <b>"
Error order_error(std::string_view a_name, Decimal a, std::string_view relation,
                  std::string_view b_name, Decimal b) {
  return bad(std::string(a_name) + " " + a.to_string() + " " + std::string(relation) + " " +
             std::string(b_name) + " " + b.to_string());
}

}  // namespace

Status check_candle(const Candle& c) {
  if (c.interval <= Duration::zero()) {
    return bad("interval " + interval_text(c.interval) + " is not positive");
  }
  if (c.start.floor_to(c.interval) != c.start) {
    return bad("start " + c.start.to_iso8601() + " is not a multiple of the interval " +
               interval_text(c.interval));
  }
  if (!c.low.is_positive()) return bad("low " + c.low.to_string() + " is not positive");
  if (c.open < c.low) return order_error("open", c.open, "below", "low", c.low);
  if (c.close < c.low) return order_error("close", c.close, "below", "low", c.low);
  if (c.high < c.open) return order_error("high", c.high, "below", "open", c.open);
  if (c.high < c.close) return order_error("high", c.high, "below", "close", c.close);
  if (c.volume.is_negative()) return bad("volume " + c.volume.to_string() + " is negative");
  return {};
}

std::string interval_text(Duration interval) {
  const std::int64_t ns = interval.count();
  if (ns <= 0) return std::to_string(ns) + "ns";
  constexpr std::array<std::pair<std::int64_t, std::string_view>, 6> kUnits{{
      {86'400'000'000'000, "d"},
      {3'600'000'000'000, "h"},
      {60'000'000'000, "m"},
      {1'000'000'000, "s"},
      {1'000'000, "ms"},
      {1'000, "us"},
  }};
  for (const auto& [size, name] : kUnits) {
    if (ns % size == 0) return std::to_string(ns / size) + std::string(name);
  }
  return std::to_string(ns) + "ns";
}

}  // namespace nzeza::market
