#pragma once
// The venues nzeza knows. `paper` is the built-in simulated exchange; `generic` the seed's
// own JSON price format.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nzeza {

enum class Venue : std::uint8_t { binance, coinbase, kraken, hyperliquid, dydx, paper, generic };

inline constexpr std::array<Venue, 7> kAllVenues = {
    Venue::binance, Venue::coinbase, Venue::kraken, Venue::hyperliquid,
    Venue::dydx,    Venue::paper,    Venue::generic};

// Lowercase name: "binance", "coinbase", "kraken", "hyperliquid", "dydx", "paper", "generic".
[[nodiscard]] std::string_view to_string(Venue v) noexcept;
// Inverse of to_string (case-insensitive); nullopt for an unknown name.
[[nodiscard]] std::optional<Venue> parse_venue(std::string_view name) noexcept;

enum class Side : std::uint8_t { buy, sell };
[[nodiscard]] constexpr Side opposite(Side s) noexcept {
  return s == Side::buy ? Side::sell : Side::buy;
}
[[nodiscard]] std::string_view to_string(Side s) noexcept;  // "buy" / "sell"

}  // namespace nzeza
