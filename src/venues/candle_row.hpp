#pragma once
// A history candle sent as a positional JSON row (Binance klines, Kraken OHLC): its fields named
// by index and by the venue's name for them, read with errors that name the field, never the
// body. The row's length is the caller's check, before any field is read.
//
// Threading: pure functions.

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/decimal.hpp"
#include "core/error.hpp"
#include "core/result.hpp"

namespace nzeza::venues::history {

// One element of a candle row, by its index and the venue's name for it.
struct RowField {
  std::size_t index;
  const char* name;
};

// "field 'open' (index 1)".
[[nodiscard]] inline std::string field_text(RowField f) {
  return "field '" + std::string(f.name) + "' (index " + std::to_string(f.index) + ")";
}

// An integer field within [min, max]; protocol naming the field otherwise.
[[nodiscard]] inline Result<std::int64_t> row_int(const boost::json::array& row, RowField f,
                                                  std::int64_t min, std::int64_t max) {
  const auto& v = row[f.index];
  if (!v.is_int64() && !v.is_uint64())
    return Error(ErrorCode::protocol, field_text(f) + " is not an integer");
  if (v.is_uint64() && v.get_uint64() > static_cast<std::uint64_t>(max))
    return Error(ErrorCode::protocol, field_text(f) + " is out of range");
  const std::int64_t n = v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(v.get_uint64());
  if (n < min || n > max) return Error(ErrorCode::protocol, field_text(f) + " is out of range");
  return n;
}

// A decimal string field; protocol naming the field otherwise.
[[nodiscard]] inline Result<Decimal> row_decimal(const boost::json::array& row, RowField f) {
  const auto& v = row[f.index];
  if (!v.is_string()) return Error(ErrorCode::protocol, field_text(f) + " is not a decimal string");
  auto d = Decimal::parse(std::string_view(v.get_string()));
  if (!d) return Error(ErrorCode::protocol, field_text(f) + ": " + d.error().message);
  return *d;
}

}  // namespace nzeza::venues::history
