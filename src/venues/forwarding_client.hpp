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
#include <tuple>
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

// Every call: its arguments, copied, to the inner client through forward().
#define NZEZA_VENUE_CALL_FORWARD_(name, answer, params, args, op, label)                          \
  NZEZA_VENUE_CALL_SIGNATURE(name, answer, params) override {                                     \
    forward(RequestOp::op, label, std::make_tuple args, std::move(done),                          \
            [this](Callback<answer> cb, const auto&... a) { inner_.name(a..., std::move(cb)); }); \
  }

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
  NZEZA_VENUE_REQUIRED_CALLS(NZEZA_VENUE_CALL_FORWARD_)
  NZEZA_VENUE_OPTIONAL_CALLS(NZEZA_VENUE_CALL_FORWARD_)
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
  // What a call's errors name it: its label, and for a place the client order id.
  template <typename... Args>
  [[nodiscard]] static std::string call_label(std::string_view label,
                                              const std::tuple<Args...>& /*arguments*/) {
    return std::string(label);
  }
  [[nodiscard]] static std::string call_label(std::string_view label,
                                              const std::tuple<domain::OrderSpec>& place) {
    return std::string(label) + " " + std::get<0>(place).client_order_id.text;
  }

  // `send(callback, arguments...)` calls the inner client.
  template <typename T, typename Args, typename Send>
  void forward(RequestOp op, std::string_view label, Args args, Callback<T> done, Send send) {
    std::string what = call_label(label, args);
    Completion<T> completion(std::move(done), std::string(to_string(venue())) + " " + what);
    Call call;
    call.op = op;
    call.what = std::move(what);
    call.send = [send = std::move(send), args = std::move(args),
                 completion](std::function<void(const Error*)> answered) mutable {
      auto to_inner = [&](Callback<T> cb) {
        std::apply([&](const auto&... a) { send(std::move(cb), a...); }, args);
      };
      if (!answered) {
        to_inner(Callback<T>([completion](Result<T> r) { completion.complete(std::move(r)); }));
        return;
      }
      to_inner(Callback<T>([completion, answered = std::move(answered)](Result<T> r) {
        answered(r ? nullptr : &r.error());
        completion.complete(std::move(r));
      }));
    };
    call.refuse = [completion](Error e) { completion.complete(std::move(e)); };
    route(std::move(call));
  }
};

}  // namespace nzeza::venues
