#pragma once
// Small helpers shared by the Binance and Coinbase codecs: exact decimals from raw JSON tokens and
// short excerpts of a bad frame for error messages.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace nzeza::venues::json_text {

// At most this many characters of a bad frame are quoted in an error message.
inline constexpr std::size_t kExcerptChars = 160;

// The frame's text cut to kExcerptChars (with "..." when cut), for error messages.
[[nodiscard]] std::string excerpt(std::string_view frame);

// The exact text of a JSON scalar: raw token without surrounding whitespace and, for a string,
// without its quotes. Numbers keep their text (no round trip through double). Empty when the
// token is neither a string nor a number.
[[nodiscard]] std::string_view scalar_text(simdjson::ondemand::value value) noexcept;

// Exact decimal from text, identical to Decimal::parse (which it falls back to) but fast for
// plain "12345.6789" text.
[[nodiscard]] bool parse_plain_decimal(std::string_view text, Decimal& out) noexcept;

// Exact decimal from a JSON string ("25.35190000") or number token (45000.50).
[[nodiscard]] bool parse_decimal(simdjson::ondemand::value value, Decimal& out) noexcept;

}  // namespace nzeza::venues::json_text
