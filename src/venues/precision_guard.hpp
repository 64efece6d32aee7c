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
#include "venues/venue_client.hpp"

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
class PrecisionGuardedClient final : public VenueClient {
 public:
  using ReferencePrice = std::function<std::optional<Decimal>(InstrumentId, Side)>;
  PrecisionGuardedClient(VenueClient& inner, const InstrumentRegistry& registry,
                         ReferencePrice reference_price = {});

  [[nodiscard]] Venue venue() const noexcept override { return inner_.venue(); }
  [[nodiscard]] VenueCapabilities capabilities() const noexcept override {
    return inner_.capabilities();
  }
  [[nodiscard]] RequestValidity request_validity() const noexcept override {
    return inner_.request_validity();
  }
  void place(const domain::OrderSpec& order, Callback<PlaceAck> done) override;
  void cancel(const OrderRef& order, Callback<CancelAck> done) override {
    inner_.cancel(order, std::move(done));
  }
  void cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) override {
    inner_.cancel_all(instrument, std::move(done));
  }
  void amend(const AmendRequest& request, Callback<PlaceAck> done) override;
  void set_dead_man_switch(Duration timeout, Callback<Timestamp> done) override {
    inner_.set_dead_man_switch(timeout, std::move(done));
  }
  void order_status(const OrderRef& order, Callback<VenueOrder> done) override {
    inner_.order_status(order, std::move(done));
  }
  void open_orders(std::optional<InstrumentId> instrument,
                   Callback<std::vector<VenueOrder>> done) override {
    inner_.open_orders(instrument, std::move(done));
  }
  void fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                   Callback<std::vector<domain::Fill>> done) override {
    inner_.fills_since(since, instrument, std::move(done));
  }
  void balances(Callback<std::vector<domain::Balance>> done) override {
    inner_.balances(std::move(done));
  }
  void positions(Callback<std::vector<VenuePosition>> done) override {
    inner_.positions(std::move(done));
  }
  void load_instruments(Callback<std::vector<Instrument>> done) override {
    inner_.load_instruments(std::move(done));
  }
  void server_time(Callback<Timestamp> done) override { inner_.server_time(std::move(done)); }
  void candles(InstrumentId instrument, Duration interval, std::size_t count,
               Callback<std::vector<market::Candle>> done) override {
    inner_.candles(instrument, interval, count, std::move(done));
  }
  [[nodiscard]] PrivateStream* private_stream() noexcept override {
    return inner_.private_stream();
  }

  // Orders refused locally so far (for metrics and tests).
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

 private:
  VenueClient& inner_;
  const InstrumentRegistry& registry_;
  ReferencePrice reference_price_;
  std::uint64_t refused_ = 0;
};

}  // namespace nzeza::venues
