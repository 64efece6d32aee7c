#pragma once
// ForwardingClient: the base of the VenueClient decorators (PrecisionGuardedClient,
// ThrottledClient). Every call goes to the inner client unchanged; a decorator overrides the
// calls it acts on and inherits the rest, so a call it does not mean to touch cannot be
// forgotten or altered on the way.
//
// Threading and callbacks: the inner client's. `inner` must outlive the decorator.

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "venues/venue_client.hpp"

namespace nzeza::venues {

class ForwardingClient : public VenueClient {
 public:
  explicit ForwardingClient(VenueClient& inner) : inner_(inner) {}

  [[nodiscard]] Venue venue() const noexcept override { return inner_.venue(); }
  [[nodiscard]] VenueCapabilities capabilities() const noexcept override {
    return inner_.capabilities();
  }
  [[nodiscard]] RequestValidity request_validity() const noexcept override {
    return inner_.request_validity();
  }
  void place(const domain::OrderSpec& order, Callback<PlaceAck> done) override {
    inner_.place(order, std::move(done));
  }
  void cancel(const OrderRef& order, Callback<CancelAck> done) override {
    inner_.cancel(order, std::move(done));
  }
  void cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) override {
    inner_.cancel_all(instrument, std::move(done));
  }
  void amend(const AmendRequest& request, Callback<PlaceAck> done) override {
    inner_.amend(request, std::move(done));
  }
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

 protected:
  VenueClient& inner_;
};

}  // namespace nzeza::venues
