#include "market/reference_price.hpp"

#include <string>
#include <variant>

#include "core/enum_names.hpp"

namespace nzeza::market {
namespace {

const Decimal kTwo = Decimal::from_integer(2);

// Sorts the first n values ascending (n <= 7: insertion sort, no allocation).
void sort_prefix(std::array<Decimal, kVenueCount>& v, std::size_t n) noexcept {
  for (std::size_t i = 1; i < n; ++i) {
    const Decimal x = v[i];
    std::size_t j = i;
    while (j > 0 && v[j - 1] > x) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
  }
}

// Median of the first n (>= 1) sorted values; the mean of the middle two for even n.
Decimal median_sorted(const std::array<Decimal, kVenueCount>& v, std::size_t n) noexcept {
  if (n % 2 == 1) return v[n / 2];
  const Decimal a = v[n / 2 - 1];
  const Decimal b = v[n / 2];
  // a + (b - a)/2 cannot overflow for a <= b of the same sign range used here.
  const auto half = (b - a).checked_div(kTwo);
  return half ? a + *half : a;
}

}  // namespace

constexpr EnumNames kNoPriceReasonNames{NoPriceReason::too_few_venues,
                                        {"none", "no_quotes", "all_stale", "too_few_venues"}};

std::string_view to_string(NoPriceReason r) noexcept {
  return kNoPriceReasonNames.name(r);
}

Status ReferencePriceConfig::validate() const {
  if (!symbol.valid())
    return fail(ErrorCode::invalid_argument, "reference price: symbol is required");
  if (max_age <= Duration::zero()) {
    return fail(ErrorCode::invalid_argument, "reference price: max_age must be positive");
  }
  for (std::size_t i = 0; i < kVenueCount; ++i) {
    if (venue_max_age[i] < Duration::zero()) {
      return fail(ErrorCode::invalid_argument, "reference price: venue_max_age[" +
                                                   std::string(to_string(kAllVenues[i])) +
                                                   "] must not be negative");
    }
  }
  if (!mad_k.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "reference price: mad_k must be positive, got " + mad_k.to_string());
  }
  if (min_mad_fraction.is_negative()) {
    return fail(
        ErrorCode::invalid_argument,
        "reference price: min_mad_fraction must be >= 0, got " + min_mad_fraction.to_string());
  }
  if (min_venues == 0 || min_venues > kVenueCount) {
    return fail(ErrorCode::invalid_argument, "reference price: min_venues must be in [1, " +
                                                 std::to_string(kVenueCount) + "], got " +
                                                 std::to_string(min_venues));
  }
  return {};
}

Result<ReferencePriceAggregator> ReferencePriceAggregator::create(
    const ReferencePriceConfig& config) {
  if (auto s = config.validate(); !s) return s.error();
  return ReferencePriceAggregator(config);
}

ReferencePriceAggregator::ReferencePriceAggregator(const ReferencePriceConfig& config) noexcept
    : config_(config) {}

QuoteVerdict ReferencePriceAggregator::on_quote(Venue venue, SymbolId symbol, Timestamp received,
                                                const Quote& quote) noexcept {
  const auto index = static_cast<std::size_t>(venue);
  if (symbol != config_.symbol) {
    ++stats_.wrong_symbol;
    return QuoteVerdict::wrong_symbol;
  }
  if (index >= kVenueCount || !quote.bid.is_positive() || !quote.ask.is_positive() ||
      quote.bid > quote.ask) {
    ++stats_.invalid_quote;
    return QuoteVerdict::invalid_quote;
  }
  Slot& slot = slots_[index];
  if (slot.has_quote && received < slot.received) {
    ++stats_.out_of_order;
    return QuoteVerdict::out_of_order;
  }
  // bid + (ask - bid)/2: no overflow for any valid pair.
  const auto half = (quote.ask - quote.bid).checked_div(kTwo);
  if (!half) {
    ++stats_.invalid_quote;
    return QuoteVerdict::invalid_quote;
  }
  slot.mid = quote.bid + *half;
  slot.received = received;
  slot.has_quote = true;
  slot.feed_down = false;
  ++stats_.accepted;
  return QuoteVerdict::accepted;
}

QuoteVerdict ReferencePriceAggregator::on_event(const MarketEvent& event) noexcept {
  if (const auto* quote = std::get_if<Quote>(&event.body)) {
    return on_quote(event.venue, event.symbol, event.receive_time, *quote);
  }
  if (const auto* status = std::get_if<VenueStatus>(&event.body)) {
    if (event.symbol == config_.symbol || !event.symbol.valid())
      on_feed_state(event.venue, status->state);
  }
  return QuoteVerdict::ignored;
}

void ReferencePriceAggregator::on_feed_state(Venue venue, FeedState state) noexcept {
  const auto index = static_cast<std::size_t>(venue);
  if (index >= kVenueCount) return;
  if (state != FeedState::connected) slots_[index].feed_down = true;
}

ReferencePrice ReferencePriceAggregator::compute(Timestamp now) noexcept {
  ReferencePrice out;
  std::array<Decimal, kVenueCount> mids{};
  std::array<std::size_t, kVenueCount> venue_of{};
  std::size_t n = 0;
  bool any_quote = false;
  for (std::size_t i = 0; i < kVenueCount; ++i) {
    const Slot& s = slots_[i];
    if (!s.has_quote) continue;
    any_quote = true;
    const Duration age = now - s.received;  // a quote stamped after `now` has age <= 0: fresh
    if (s.feed_down || age >= config_.max_age_for(kAllVenues[i])) {
      ++out.stale;
      out.stale_mask |= static_cast<std::uint8_t>(1U << i);
      continue;
    }
    mids[n] = s.mid;
    venue_of[n] = i;
    ++n;
  }
  out.fresh = static_cast<std::uint8_t>(n);
  if (n == 0) {
    out.reason = any_quote ? NoPriceReason::all_stale : NoPriceReason::no_quotes;
    ++stats_.no_price;
    return out;
  }

  std::array<Decimal, kVenueCount> sorted = mids;
  sort_prefix(sorted, n);
  const Decimal median = median_sorted(sorted, n);
  std::array<Decimal, kVenueCount> deviations{};
  for (std::size_t i = 0; i < n; ++i) deviations[i] = (mids[i] - median).abs();
  std::array<Decimal, kVenueCount> sorted_dev = deviations;
  sort_prefix(sorted_dev, n);
  const Decimal mad = median_sorted(sorted_dev, n);
  out.median_all = median;
  out.mad = mad;

  Decimal scale = mad;
  if (const auto floor = median.checked_mul(config_.min_mad_fraction); floor && *floor > scale) {
    scale = *floor;
  }
  const auto threshold = scale.checked_mul(config_.mad_k);  // error only when huge: reject none

  std::array<Decimal, kVenueCount> inliers{};
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto bit = static_cast<std::uint8_t>(1U << venue_of[i]);
    if (threshold && deviations[i] > *threshold) {
      ++out.outliers;
      out.outlier_mask |= bit;
      continue;
    }
    inliers[m++] = mids[i];
    out.used_mask |= bit;
  }
  out.used = static_cast<std::uint8_t>(m);
  if (m < config_.min_venues || m == 0) {
    out.reason = NoPriceReason::too_few_venues;
    ++stats_.no_price;
    return out;
  }
  sort_prefix(inliers, m);
  out.price = median_sorted(inliers, m);
  out.reason = NoPriceReason::none;
  return out;
}

}  // namespace nzeza::market
