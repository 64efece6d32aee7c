#pragma once
// ReferencePriceAggregator: one symbol's price across venues — the median of fresh venue
// quote mids, with outliers rejected by median absolute deviation (MAD).
//
// Replaces the reference's "MPC" mean (nzeza-reference §3.4: arithmetic mean of every cached
// price, no staleness, no outlier rejection, USD and USDT mixed):
// - One aggregator per canonical symbol id. BTC-USD, BTC-USDT and BTC-USDC are different
//   symbols, so their quotes never meet: a quote for another symbol is refused and counted.
// - A venue is fresh when now - its last quote's receive time < its max age (per venue, the
//   caller passes `now`), and its feed has not reported a state other than connected since.
// - Outliers: with m the median of the fresh mids and MAD the median of |mid - m|, a mid is
//   rejected when |mid - m| > k · max(MAD, min_mad_fraction · m). The floor keeps a MAD of 0
//   (two venues agreeing exactly) from rejecting a third venue a tick away. With two venues
//   nothing can be rejected (each deviates by exactly the MAD).
// - The price is the median of the remaining mids (mean of the two middle ones for an even
//   count, rounded half to even at 1e-8). Fewer than min_venues left → no price, with a reason.
// All Decimal, no allocation, O(v log v) for v <= 7 venues. Not thread-safe (one owner).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/decimal.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/symbol.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"

namespace nzeza::market {

inline constexpr std::size_t kVenueCount = kAllVenues.size();

struct ReferencePriceConfig {
  SymbolId symbol;                                    // required
  Duration max_age = std::chrono::seconds(5);         // default per-venue limit
  std::array<Duration, kVenueCount> venue_max_age{};  // zero → max_age (indexed by Venue)
  Decimal mad_k = Decimal::from_integer(3);
  Decimal min_mad_fraction = Decimal::from_raw8(50'000);  // 0.0005 = 5 bp of the median
  std::size_t min_venues = 1;

  [[nodiscard]] Status validate() const;
  [[nodiscard]] Duration max_age_for(Venue v) const noexcept {
    const Duration d = venue_max_age[static_cast<std::size_t>(v)];
    return d > Duration::zero() ? d : max_age;
  }
};

// ignored: not a quote (a status event is applied, trades and book changes are not used).
enum class QuoteVerdict : std::uint8_t {
  accepted,
  wrong_symbol,
  invalid_quote,
  out_of_order,
  ignored
};
enum class NoPriceReason : std::uint8_t { none, no_quotes, all_stale, too_few_venues };
[[nodiscard]] std::string_view to_string(NoPriceReason r) noexcept;

struct ReferencePrice {
  NoPriceReason reason = NoPriceReason::no_quotes;
  Decimal price;       // valid when reason == none
  Decimal median_all;  // median of every fresh mid, before outlier rejection
  Decimal mad;         // median absolute deviation of the fresh mids
  std::uint8_t fresh = 0;
  std::uint8_t stale = 0;
  std::uint8_t outliers = 0;
  std::uint8_t used = 0;
  std::uint8_t used_mask = 0;  // bit i = venue i (Venue enum order) went into the price
  std::uint8_t outlier_mask = 0;
  std::uint8_t stale_mask = 0;

  [[nodiscard]] bool ok() const noexcept { return reason == NoPriceReason::none; }
  [[nodiscard]] std::optional<Decimal> value() const noexcept {
    return ok() ? std::optional<Decimal>(price) : std::nullopt;
  }
};

struct ReferencePriceStats {
  std::uint64_t accepted = 0;
  std::uint64_t wrong_symbol = 0;
  std::uint64_t invalid_quote = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t no_price = 0;  // compute() calls that gave no price
};

class ReferencePriceAggregator {
 public:
  [[nodiscard]] static Result<ReferencePriceAggregator> create(const ReferencePriceConfig& config);
  explicit ReferencePriceAggregator(const ReferencePriceConfig& config) noexcept;

  // A quote received at `received` (our clock). Invalid: bid or ask <= 0, or bid > ask.
  QuoteVerdict on_quote(Venue venue, SymbolId symbol, Timestamp received,
                        const Quote& quote) noexcept;
  // Quotes feed prices; a VenueStatus other than connected makes that venue stale until its
  // next quote; other events are ignored.
  QuoteVerdict on_event(const MarketEvent& event) noexcept;
  void on_feed_state(Venue venue, FeedState state) noexcept;

  [[nodiscard]] ReferencePrice compute(Timestamp now) noexcept;

  [[nodiscard]] const ReferencePriceConfig& config() const noexcept { return config_; }
  [[nodiscard]] const ReferencePriceStats& stats() const noexcept { return stats_; }

 private:
  struct Slot {
    bool has_quote = false;
    bool feed_down = false;
    Timestamp received;
    Decimal mid;
  };
  ReferencePriceConfig config_;
  std::array<Slot, kVenueCount> slots_{};
  ReferencePriceStats stats_;
};

}  // namespace nzeza::market
