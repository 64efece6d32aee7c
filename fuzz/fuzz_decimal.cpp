// Decimal::parse on arbitrary bytes: never crashes, and whatever it accepts prints back to
// text that parses to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/decimal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto exact = nzeza::Decimal::parse(text);
  if (exact.ok()) {
    auto back = nzeza::Decimal::parse(exact->to_string());
    if (!back.ok() || *back != *exact) std::abort();
  }
  auto rounded = nzeza::Decimal::parse_rounded(text, nzeza::RoundingMode::nearest_even);
  if (exact.ok() && (!rounded.ok() || *rounded != *exact)) std::abort();
  return 0;
}
