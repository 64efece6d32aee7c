#pragma once
// Exact conversion between human sizes/prices (Decimal, 16 fractional digits) and the integers a
// dYdX v4 order carries, from the perpetual market's metadata (indexer /v4/perpetualMarkets):
//
//   quantums = size  * 10^(-atomicResolution)                         multiple of stepBaseQuantums
//   subticks = price * 10^(atomicResolution - quantumConversionExponent + 6)
//                                                                      multiple of subticksPerTick
//
// Integer arithmetic only. A size or price that does not land exactly on an integer multiple of
// the step (or tick) is REFUSED with ErrorCode::precision naming the nearest valid values — the
// caller rounds on purpose (PrecisionGuard), never this layer: the old client's truncated prices
// are the bug this replaces.

#include <cstdint>
#include <string>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace nzeza::venues::dydx {

struct PerpetualMarket {
  std::string ticker;  // "BTC-USD"
  std::uint32_t clob_pair_id = 0;
  int atomic_resolution = 0;            // e.g. -10 for BTC
  int quantum_conversion_exponent = 0;  // e.g. -9
  std::uint64_t step_base_quantums = 0;
  std::uint64_t subticks_per_tick = 0;
};

// Checks the metadata is usable (steps > 0, exponents in a sane range).
[[nodiscard]] Status validate_market(const PerpetualMarket& market);

[[nodiscard]] Result<std::uint64_t> size_to_quantums(const PerpetualMarket& market, Decimal size);
[[nodiscard]] Result<std::uint64_t> price_to_subticks(const PerpetualMarket& market, Decimal price);

// The inverse maps; an error when the value has more than Decimal's 16 fractional digits.
[[nodiscard]] Result<Decimal> quantums_to_size(const PerpetualMarket& market,
                                               std::uint64_t quantums);
[[nodiscard]] Result<Decimal> subticks_to_price(const PerpetualMarket& market,
                                                std::uint64_t subticks);

}  // namespace nzeza::venues::dydx
