#pragma once
// Precision guard: makes an order valid for its instrument before it leaves, in the safe
// direction, or refuses it locally with the reason.
//
//   limit price   buy: rounded DOWN to the price rule (never pay more than asked)
//                 sell: rounded UP (never sell for less than asked)
//   trigger price rounded to the nearest valid price (either direction can be the "safe" one
//                 depending on intent; nearest keeps the trigger closest to what was asked)
//   size          rounded DOWN to the lot (never trade more than intended)
// Then refused locally (ErrorCode::invalid_argument, message naming the instrument, the limit
// and the values) when the size rounds to zero, is below min_size or above max_size, or when
// price * size is below min_notional (market orders: with the reference price given, usually
// the opposite best price; without one the notional check is left to the venue). A halted or
// cancel-only instrument is refused with ErrorCode::unavailable (nothing was sent: the router may
// use another venue).

#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "domain/order.hpp"
#include "venues/forwarding_client.hpp"

namespace nzeza::venues {

struct PreparedOrder {
  domain::OrderSpec spec;                // rounded
  std::vector<std::string> adjustments;  // what was rounded: "price 100.07 -> 100.05 (down)"
};

[[nodiscard]] Result<PreparedOrder> prepare_order(
    const Instrument& instrument, const domain::OrderSpec& spec,
    std::optional<Decimal> reference_price = std::nullopt);

// Decorator applying prepare_order to place() and the price/size of amend() before the inner
// client sees them; every other call is forwarded unchanged. `registry` and `inner` must outlive
// it. `reference_price(instrument, side)` (optional) gives the price a market order is expected
// to trade at, for the min-notional check.
class PrecisionGuardedClient final : public ForwardingClient {
 public:
  using ReferencePrice = std::function<std::optional<Decimal>(InstrumentId, Side)>;
  PrecisionGuardedClient(VenueClient& inner, const InstrumentRegistry& registry,
                         ReferencePrice reference_price = {});

  void place(const domain::OrderSpec& order, Callback<PlaceAck> done) override;
  void amend(const AmendRequest& request, Callback<PlaceAck> done) override;

  // Orders refused locally so far (for metrics and tests).
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

 private:
  const InstrumentRegistry& registry_;
  ReferencePrice reference_price_;
  std::uint64_t refused_ = 0;
};

}  // namespace nzeza::venues
