#pragma once
// MarketEvent: one normalised piece of market data from a venue. Plain values, no heap: a
// feed decodes a wire message straight into these and hands them on.
//
// Every event has the receive time (our clock, always) and the venue's own time where the
// venue sends one (zero otherwise); the difference measures skew and latency.

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"

namespace nzeza {

// Top of book (best bid/ask); a venue ticker without sizes leaves them zero.
struct Quote {
  Decimal bid;
  Decimal bid_size;
  Decimal ask;
  Decimal ask_size;
  [[nodiscard]] Decimal mid() const { return (bid + ask) / Decimal::from_integer(2); }
};

// Venue trade ids come as integers or strings; kept inline up to 40 chars (longer ids are
// refused by the codec as malformed, never truncated).
struct TradeId {
  static constexpr std::size_t kMax = 40;
  std::array<char, kMax> chars{};
  std::uint8_t size = 0;
  [[nodiscard]] std::string_view view() const noexcept { return {chars.data(), size}; }
  [[nodiscard]] static bool assign(TradeId& out, std::string_view text) noexcept;
  friend bool operator==(const TradeId& a, const TradeId& b) noexcept {
    return a.view() == b.view();
  }
};

struct Trade {
  Decimal price;
  Decimal size;
  Side aggressor = Side::buy;  // taker side (Binance: m == true means the seller was taker)
  TradeId trade_id;
};

// One price level change. A snapshot is a run of BookChange events with `snapshot` set, the
// first one with `reset` (clear the book) and the last one with `last`. size 0 deletes.
struct BookChange {
  Side side = Side::buy;
  Decimal price;
  Decimal size;
  std::uint64_t sequence = 0;  // the venue's sequence / update id where it has one
  bool snapshot = false;
  bool reset = false;
  bool last = false;
};

enum class FeedState : std::uint8_t {
  connecting,
  connected,
  reconnecting,
  circuit_open,
  stopped,
  stale,
  resyncing
};
[[nodiscard]] std::string_view to_string(FeedState s) noexcept;

struct VenueStatus {
  FeedState state = FeedState::connecting;
  TradingStatus trading = TradingStatus::trading;
};

struct MarketEvent {
  Venue venue = Venue::paper;
  InstrumentId instrument;
  SymbolId symbol;       // canonical symbol id (for conflation by key and the reference price)
  Timestamp venue_time;  // zero when the venue gave none
  Timestamp receive_time;
  std::variant<Quote, Trade, BookChange, VenueStatus> body;

  [[nodiscard]] bool has_venue_time() const noexcept { return !venue_time.is_zero(); }
};

}  // namespace nzeza
