#pragma once
// Instrument: one tradable market on one venue, with everything needed to price, size and
// route an order exactly; InstrumentRegistry: the lookup tables over them.
//
// Canonical symbols keep the quote currency: BTC-USD, BTC-USDT and BTC-USDC are distinct
// instruments and are never merged. Perpetuals carry "-PERP" only where the venue lists the
// same pair as spot too; the canonical symbol is the registry's key, not a display name.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/symbol.hpp"
#include "core/venue.hpp"

namespace nzeza {

enum class InstrumentKind : std::uint8_t { spot, perpetual };
[[nodiscard]] std::string_view to_string(InstrumentKind k) noexcept;

enum class TradingStatus : std::uint8_t { trading, cancel_only, halted };
[[nodiscard]] std::string_view to_string(TradingStatus s) noexcept;

// How a price is made valid before it leaves.
enum class PriceRule : std::uint8_t {
  tick,               // a multiple of tick_size (Binance, Coinbase, Kraken, dYdX)
  hyperliquid_sigfig  // <= 5 significant figures unless integer; <= 6|8 - sz_decimals decimals
};

struct InstrumentId {
  std::uint32_t value = UINT32_MAX;
  [[nodiscard]] constexpr bool valid() const noexcept { return value != UINT32_MAX; }
  friend constexpr bool operator==(InstrumentId, InstrumentId) noexcept = default;
  friend constexpr auto operator<=>(InstrumentId, InstrumentId) noexcept = default;
};

struct Instrument {
  InstrumentId id;  // assigned by the registry
  Venue venue = Venue::paper;
  InstrumentKind kind = InstrumentKind::spot;
  SymbolId symbol;           // interned canonical symbol, assigned by the registry
  std::string canonical;     // "BTC-USD"
  std::string venue_symbol;  // REST/order symbol: "BTCUSDT", "XXBTZUSD", "BTC", "BTC-USD"
  std::string ws_symbol;     // market-data symbol when it differs: "btcusdt", "XBT/USD"
  std::string base;          // "BTC"
  std::string quote;         // "USD", "USDT", "USDC"
  Decimal tick_size;         // price increment (> 0 for PriceRule::tick)
  Decimal lot_size;          // size increment (> 0)
  Decimal min_size;          // smallest order size (>= 0)
  Decimal max_size;          // largest order size (0 = no limit)
  Decimal min_notional;      // smallest price * size (0 = no limit)
  PriceRule price_rule = PriceRule::tick;
  TradingStatus status = TradingStatus::trading;
  // Venue-specific ids.
  std::optional<std::uint32_t> hyperliquid_asset;  // asset index in `meta`
  std::optional<int> hyperliquid_sz_decimals;
  std::optional<std::uint32_t> dydx_clob_pair_id;
  std::optional<int> dydx_atomic_resolution;
  std::optional<int> dydx_quantum_conversion_exponent;
  std::optional<std::uint64_t> dydx_step_base_quantums;
  std::optional<std::uint64_t> dydx_subticks_per_tick;
  std::optional<std::uint32_t> max_leverage;

  [[nodiscard]] bool tradable() const noexcept { return status == TradingStatus::trading; }
  // Checks the fields against each other: positive increments, min <= max, a sz_decimals
  // for Hyperliquid pricing... The error names the instrument and the field.
  [[nodiscard]] Status validate() const;
  // Price rounded to this instrument's rule with `mode` (choose the safe side: down for a
  // buy limit, up for a sell limit).
  [[nodiscard]] Result<Decimal> round_price(Decimal price, RoundingMode mode) const noexcept;
  // Size rounded to the lot with `mode` (normally down: never more than intended).
  [[nodiscard]] Result<Decimal> round_size(Decimal size, RoundingMode mode) const noexcept;
  // Checks a (rounded) order: price valid for the rule, size a lot multiple within
  // [min_size, max_size], price * size >= min_notional. The error says which limit and values.
  [[nodiscard]] Status check_order(Decimal price, Decimal size) const;
};

// Built at start-up (and refreshed from venue metadata); lookups by id, by (venue, venue
// symbol or ws symbol) and by canonical symbol. Not thread-safe for mutation: the owner
// publishes a new registry or mutates it from one thread.
class InstrumentRegistry {
 public:
  // Adds an instrument after validate(); refuses a duplicate (venue, venue_symbol).
  Result<InstrumentId> add(Instrument instrument);
  // Replaces metadata (tick, lot, limits, status) of an existing (venue, venue_symbol).
  Status update(const Instrument& instrument);

  [[nodiscard]] const Instrument* get(InstrumentId id) const noexcept;
  [[nodiscard]] const Instrument* find(Venue venue, std::string_view venue_or_ws_symbol) const;
  [[nodiscard]] const Instrument* find_canonical(Venue venue, std::string_view canonical) const;
  // Every venue's instrument for a canonical symbol (for the cross-venue reference price).
  [[nodiscard]] std::vector<const Instrument*> by_canonical(std::string_view canonical) const;
  [[nodiscard]] std::vector<const Instrument*> by_venue(Venue venue) const;
  [[nodiscard]] std::size_t size() const noexcept { return instruments_.size(); }
  [[nodiscard]] const SymbolTable& symbols() const noexcept { return symbols_; }
  SymbolTable& symbols() noexcept { return symbols_; }

 private:
  static std::string key(Venue v, std::string_view s);
  std::deque<Instrument> instruments_;  // deque: pointers handed out stay valid as it grows
  SymbolTable symbols_;
  std::unordered_map<std::string, std::uint32_t> by_venue_symbol_;  // "venue|symbol"
  std::unordered_map<std::string, std::uint32_t> by_canonical_;     // "venue|canonical"
};

}  // namespace nzeza
