#include "app/market_data_instruments.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace nzeza::app {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_asset(std::string_view s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

Error bad(Venue venue, std::string_view symbol, std::string_view expected) {
  return Error{ErrorCode::invalid_argument, "symbol '" + std::string(symbol) + "' for " +
                                                std::string(to_string(venue)) + ": expected " +
                                                std::string(expected)};
}

// "BTC-USD" / "BTC/USD" → {BTC, USD}; false when not two assets around one separator.
bool split_pair(std::string_view s, char sep, std::string& base, std::string& quote) {
  const auto p = s.find(sep);
  if (p == std::string_view::npos || s.find(sep, p + 1) != std::string_view::npos) return false;
  base = upper(s.substr(0, p));
  quote = upper(s.substr(p + 1));
  return is_asset(base) && is_asset(quote);
}

Instrument skeleton(Venue venue, InstrumentKind kind) {
  Instrument i;
  i.venue = venue;
  i.kind = kind;
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(1);
  return i;
}

}  // namespace

Result<Instrument> market_data_instrument(Venue venue, std::string_view symbol) {
  std::string base;
  std::string quote;
  switch (venue) {
    case Venue::binance: {
      if (!split_pair(symbol, '-', base, quote)) {
        const std::string s = upper(symbol);
        // Longest quote assets first (FDUSD before USD).
        static constexpr std::array<std::string_view, 12> kQuotes = {
            "FDUSD", "USDT", "USDC", "TUSD", "BUSD", "EUR",
            "TRY",   "BTC",  "ETH",  "BNB",  "BRL",  "USD"};
        for (std::string_view q : kQuotes) {
          if (s.size() > q.size() && s.ends_with(q)) {
            base = s.substr(0, s.size() - q.size());
            quote = std::string(q);
            break;
          }
        }
        if (!is_asset(base)) return bad(venue, symbol, "BTCUSDT or BTC-USDT");
      }
      Instrument i = skeleton(venue, InstrumentKind::spot);
      i.canonical = base + "-" + quote;
      i.venue_symbol = base + quote;
      i.ws_symbol = lower(i.venue_symbol);
      i.base = base;
      i.quote = quote;
      return i;
    }
    case Venue::coinbase:
    case Venue::generic: {
      if (!split_pair(symbol, '-', base, quote)) return bad(venue, symbol, "BTC-USD");
      Instrument i = skeleton(venue, InstrumentKind::spot);
      i.canonical = base + "-" + quote;
      i.venue_symbol = i.canonical;
      i.base = base;
      i.quote = quote;
      return i;
    }
    case Venue::kraken: {
      if (!split_pair(symbol, '/', base, quote) && !split_pair(symbol, '-', base, quote)) {
        return bad(venue, symbol, "BTC/USD or BTC-USD");
      }
      Instrument i = skeleton(venue, InstrumentKind::spot);
      i.canonical = base + "-" + quote;
      i.venue_symbol = base + quote;
      i.ws_symbol = base + "/" + quote;
      i.base = base;
      i.quote = quote;
      return i;
    }
    case Venue::hyperliquid: {
      // Coins are case-sensitive on Hyperliquid ("kPEPE"): kept as typed.
      if (!is_asset(symbol)) return bad(venue, symbol, "a coin name such as BTC");
      Instrument i = skeleton(venue, InstrumentKind::perpetual);
      i.canonical = upper(symbol) + "-USD-PERP";
      i.venue_symbol = std::string(symbol);
      i.base = upper(symbol);
      i.quote = "USD";
      return i;
    }
    case Venue::dydx: {
      if (!split_pair(symbol, '-', base, quote)) return bad(venue, symbol, "BTC-USD");
      Instrument i = skeleton(venue, InstrumentKind::perpetual);
      i.canonical = base + "-" + quote + "-PERP";
      i.venue_symbol = base + "-" + quote;
      i.base = base;
      i.quote = quote;
      return i;
    }
    case Venue::paper:
      break;
  }
  return Error{ErrorCode::invalid_argument,
               "venue " + std::string(to_string(venue)) + " has no market-data feed"};
}

}  // namespace nzeza::app
