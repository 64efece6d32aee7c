#include "core/venue.hpp"

#include <cctype>

#include "core/enum_names.hpp"

namespace nzeza {

constexpr EnumNames kVenueNames{
    Venue::generic, {"binance", "coinbase", "kraken", "hyperliquid", "dydx", "paper", "generic"}};

std::string_view to_string(Venue v) noexcept {
  return kVenueNames.name(v);
}

std::optional<Venue> parse_venue(std::string_view name) noexcept {
  for (Venue v : kAllVenues) {
    const std::string_view n = to_string(v);
    if (n.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(name[i])) != n[i]) {
        same = false;
        break;
      }
    }
    if (same) return v;
  }
  return std::nullopt;
}

std::string_view to_string(Side s) noexcept {
  return s == Side::buy ? "buy" : "sell";
}

}  // namespace nzeza
