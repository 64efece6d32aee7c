#pragma once
// ForwardingClient: the base of the VenueClient decorators (PrecisionGuardedClient,
// ThrottledClient). Every call goes to the inner client unchanged; a decorator overrides the
// calls it acts on and inherits the rest, so a call it does not mean to touch cannot be
// forgotten or altered on the way. A decorator that acts on every call alike (ThrottledClient)
// overrides route() instead: every call but venue(), capabilities(), request_validity() and
// private_stream() passes there, its result type erased, on its way to the inner client.
//
// Threading and callbacks: the inner client's. `inner` must outlive the decorator.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "venues/venue_client.hpp"

namespace nzeza::venues {

// The kinds of call, as /metrics labels them (`op`).
enum class RequestOp : std::uint8_t {
  place,
  cancel,
  cancel_all,
  amend,
  dead_man_switch,
  status,
  open_orders,
  fills,
  balances,
  positions,
  instruments,
  server_time,
  candles,
};
inline constexpr std::size_t kRequestOps = 13;
// "place", "cancel", "cancel_all", ... "status" for order_status.
[[nodiscard]] std::string_view to_string(RequestOp op) noexcept;

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
    forward(RequestOp::place, "place " + order.client_order_id.text, std::move(done),
            [this, order](Callback<PlaceAck> cb) { inner_.place(order, std::move(cb)); });
  }
  void cancel(const OrderRef& order, Callback<CancelAck> done) override {
    forward(RequestOp::cancel, "cancel", std::move(done),
            [this, order](Callback<CancelAck> cb) { inner_.cancel(order, std::move(cb)); });
  }
  void cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) override {
    forward(RequestOp::cancel_all, "cancel all", std::move(done),
            [this, instrument](Callback<CancelAllAck> cb) {
              inner_.cancel_all(instrument, std::move(cb));
            });
  }
  void amend(const AmendRequest& request, Callback<PlaceAck> done) override {
    forward(RequestOp::amend, "amend", std::move(done),
            [this, request](Callback<PlaceAck> cb) { inner_.amend(request, std::move(cb)); });
  }
  void set_dead_man_switch(Duration timeout, Callback<Timestamp> done) override {
    forward(RequestOp::dead_man_switch, "dead-man switch", std::move(done),
            [this, timeout](Callback<Timestamp> cb) {
              inner_.set_dead_man_switch(timeout, std::move(cb));
            });
  }
  void order_status(const OrderRef& order, Callback<VenueOrder> done) override {
    forward(RequestOp::status, "order status", std::move(done),
            [this, order](Callback<VenueOrder> cb) { inner_.order_status(order, std::move(cb)); });
  }
  void open_orders(std::optional<InstrumentId> instrument,
                   Callback<std::vector<VenueOrder>> done) override {
    forward(RequestOp::open_orders, "open orders", std::move(done),
            [this, instrument](Callback<std::vector<VenueOrder>> cb) {
              inner_.open_orders(instrument, std::move(cb));
            });
  }
  void fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                   Callback<std::vector<domain::Fill>> done) override {
    forward(RequestOp::fills, "fills", std::move(done),
            [this, since, instrument](Callback<std::vector<domain::Fill>> cb) {
              inner_.fills_since(since, instrument, std::move(cb));
            });
  }
  void balances(Callback<std::vector<domain::Balance>> done) override {
    forward(RequestOp::balances, "balances", std::move(done),
            [this](Callback<std::vector<domain::Balance>> cb) { inner_.balances(std::move(cb)); });
  }
  void positions(Callback<std::vector<VenuePosition>> done) override {
    forward(RequestOp::positions, "positions", std::move(done),
            [this](Callback<std::vector<VenuePosition>> cb) { inner_.positions(std::move(cb)); });
  }
  void load_instruments(Callback<std::vector<Instrument>> done) override {
    forward(
        RequestOp::instruments, "instruments", std::move(done),
        [this](Callback<std::vector<Instrument>> cb) { inner_.load_instruments(std::move(cb)); });
  }
  void server_time(Callback<Timestamp> done) override {
    forward(RequestOp::server_time, "server time", std::move(done),
            [this](Callback<Timestamp> cb) { inner_.server_time(std::move(cb)); });
  }
  void candles(InstrumentId instrument, Duration interval, std::size_t count,
               Callback<std::vector<market::Candle>> done) override {
    forward(RequestOp::candles, "candles", std::move(done),
            [this, instrument, interval, count](Callback<std::vector<market::Candle>> cb) {
              inner_.candles(instrument, interval, count, std::move(cb));
            });
  }
  [[nodiscard]] PrivateStream* private_stream() noexcept override {
    return inner_.private_stream();
  }

 protected:
  // One call on its way to the inner client. Exactly one of send and refuse is called, once.
  struct Call {
    RequestOp op = RequestOp::place;
    std::string what;  // "place nz-t1-3", "cancel", "order status"...: for error messages
    // Hands the call to the inner client; `answered` (may be empty) sees the answer's error, or
    // nullptr for a success, just before the caller gets the answer.
    std::function<void(std::function<void(const Error*)> answered)> send;
    // Completes the call with `error` without sending it.
    std::function<void(Error)> refuse;
  };
  // Where every routed call passes; the default sends it at once.
  virtual void route(Call call) { call.send(nullptr); }

  VenueClient& inner_;

 private:
  template <typename T, typename Send>
  void forward(RequestOp op, std::string what, Callback<T> done, Send send) {
    Completion<T> completion(std::move(done), std::string(to_string(venue())) + " " + what);
    Call call;
    call.op = op;
    call.what = std::move(what);
    call.send = [send = std::move(send),
                 completion](std::function<void(const Error*)> answered) mutable {
      if (!answered) {
        send(Callback<T>([completion](Result<T> r) { completion.complete(std::move(r)); }));
        return;
      }
      send(Callback<T>([completion, answered = std::move(answered)](Result<T> r) {
        answered(r ? nullptr : &r.error());
        completion.complete(std::move(r));
      }));
    };
    call.refuse = [completion](Error e) { completion.complete(std::move(e)); };
    route(std::move(call));
  }
};

}  // namespace nzeza::venues
