#include "venues/throttled_client.hpp"

#include "venues/venue_error.hpp"

namespace nzeza::venues {

struct ThrottledClient::Guard {
  std::mutex mu;
  ThrottledClient* self = nullptr;
  // The breaker that answers report to; null once the decorator is destroyed, so an answer the
  // inner client delivers later (a call in flight when the decorator went) reaches its caller
  // and touches nothing of the decorator. Recursive: a breaker transition callback may run a
  // call that completes inline.
  std::recursive_mutex record_mu;
  net::CircuitBreaker* breaker = nullptr;
};

ThrottledClient::ThrottledClient(VenueClient& inner, Clock& clock, net::RateLimiter* limiter,
                                 net::CircuitBreaker* breaker, EndpointClasses classes)
    : ForwardingClient(inner),
      clock_(clock),
      limiter_(limiter),
      breaker_(breaker),
      classes_(std::move(classes)),
      guard_(std::make_shared<Guard>()) {
  guard_->self = this;
  guard_->breaker = breaker;
}

ThrottledClient::~ThrottledClient() {
  std::map<TimerId, Waiting> pending;
  {
    std::lock_guard guard(guard_->mu);
    guard_->self = nullptr;
  }
  {
    std::lock_guard guard(guard_->record_mu);
    guard_->breaker = nullptr;
  }
  {
    std::lock_guard lock(mu_);
    pending = std::move(waiting_);
  }
  for (const auto& [id, w] : pending) clock_.cancel(id);
  // Waiting calls never reached the inner client: `cancelled`, not sent, outside every lock. The
  // breaker granted each one (maybe a half-open trial): give it back.
  for (auto& [id, w] : pending) {
    if (breaker_ != nullptr) breaker_->record_abandoned();
    w.refuse(venue_error(ErrorCode::cancelled, venue(), w.what,
                         "throttled client destroyed while the call waited for the rate limiter; "
                         "not sent")
                 .with_delivery(Delivery::not_sent));
  }
  pending.clear();
}

void ThrottledClient::record(Guard& guard, const Error* error) {
  std::lock_guard lock(guard.record_mu);
  net::CircuitBreaker* breaker = guard.breaker;
  if (breaker == nullptr) return;
  if (error == nullptr) {
    breaker->record_success();
    return;
  }
  switch (error->code) {
    case ErrorCode::rate_limited:
    case ErrorCode::banned:
    case ErrorCode::cancelled:
      breaker->record_abandoned();  // the venue is alive but throttling, or we shut down
      return;
    default:
      break;
  }
  if (classify(*error) == FailureClass::refused_by_venue) {
    breaker->record_success();  // an answer from the venue: it is up
  } else {
    breaker->record_failure();
  }
}

template <typename T, typename Send>
void ThrottledClient::gate(const std::string& endpoint_class, std::string what, Send send,
                           Callback<T> done) {
  Completion<T> completion(std::move(done), std::string(to_string(venue())) + " " + what);
  if (breaker_ != nullptr) {
    if (auto ok = breaker_->allow(); !ok) {
      {
        std::lock_guard lock(mu_);
        ++refused_;
      }
      completion.complete(venue_error(ErrorCode::circuit_open, venue(), what, ok.error().message)
                              .with_delivery(Delivery::not_sent));
      return;
    }
  }
  Duration wait = Duration::zero();
  if (limiter_ != nullptr) {
    auto reserved = limiter_->reserve(endpoint_class);
    if (!reserved) {
      if (breaker_ != nullptr) breaker_->record_abandoned();
      {
        std::lock_guard lock(mu_);
        ++refused_;
      }
      const Error& e = reserved.error();
      completion.complete(venue_error(e.code, venue(), what, e.message, e.venue_code, e.venue_text)
                              .with_delivery(Delivery::not_sent));
      return;
    }
    wait = *reserved;
  }
  // The answer feeds the breaker, then reaches the caller.
  // It holds the guard, not the decorator: the inner client may answer after the decorator
  // is gone.
  auto answer = [guard = guard_, completion](Result<T> r) {
    record(*guard, r ? nullptr : &r.error());
    completion.complete(std::move(r));
  };
  if (wait <= Duration::zero()) {
    send(Callback<T>(answer));
    return;
  }
  auto fn = std::make_shared<std::function<void()>>(
      [send, answer]() mutable { send(Callback<T>(answer)); });
  std::function<void(Error)> refuse = [completion](Error e) { completion.complete(std::move(e)); };
  auto id_holder = std::make_shared<TimerId>(0);
  std::weak_ptr<Guard> weak = guard_;
  std::lock_guard lock(mu_);
  const TimerId id = clock_.schedule_after(wait, [weak, id_holder, fn] {
    auto g = weak.lock();
    if (!g) return;
    std::lock_guard guard(g->mu);
    if (g->self == nullptr) return;
    {
      std::lock_guard inner(g->self->mu_);
      g->self->waiting_.erase(*id_holder);
    }
    (*fn)();
  });
  *id_holder = id;
  waiting_.emplace(id, Waiting{std::move(fn), std::move(refuse), std::move(what)});
}

void ThrottledClient::place(const domain::OrderSpec& order, Callback<PlaceAck> done) {
  gate<PlaceAck>(
      classes_.place, "place " + order.client_order_id.text,
      [this, order](Callback<PlaceAck> cb) { inner_.place(order, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::cancel(const OrderRef& order, Callback<CancelAck> done) {
  gate<CancelAck>(
      classes_.cancel, "cancel",
      [this, order](Callback<CancelAck> cb) { inner_.cancel(order, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::cancel_all(std::optional<InstrumentId> instrument,
                                 Callback<CancelAllAck> done) {
  gate<CancelAllAck>(
      classes_.cancel_all, "cancel all",
      [this, instrument](Callback<CancelAllAck> cb) {
        inner_.cancel_all(instrument, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::amend(const AmendRequest& request, Callback<PlaceAck> done) {
  gate<PlaceAck>(
      classes_.amend, "amend",
      [this, request](Callback<PlaceAck> cb) { inner_.amend(request, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::set_dead_man_switch(Duration timeout, Callback<Timestamp> done) {
  gate<Timestamp>(
      classes_.dead_man_switch, "dead-man switch",
      [this, timeout](Callback<Timestamp> cb) {
        inner_.set_dead_man_switch(timeout, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::order_status(const OrderRef& order, Callback<VenueOrder> done) {
  gate<VenueOrder>(
      classes_.order_status, "order status",
      [this, order](Callback<VenueOrder> cb) { inner_.order_status(order, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::open_orders(std::optional<InstrumentId> instrument,
                                  Callback<std::vector<VenueOrder>> done) {
  gate<std::vector<VenueOrder>>(
      classes_.open_orders, "open orders",
      [this, instrument](Callback<std::vector<VenueOrder>> cb) {
        inner_.open_orders(instrument, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                                  Callback<std::vector<domain::Fill>> done) {
  gate<std::vector<domain::Fill>>(
      classes_.fills, "fills",
      [this, since, instrument](Callback<std::vector<domain::Fill>> cb) {
        inner_.fills_since(since, instrument, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::balances(Callback<std::vector<domain::Balance>> done) {
  gate<std::vector<domain::Balance>>(
      classes_.balances, "balances",
      [this](Callback<std::vector<domain::Balance>> cb) { inner_.balances(std::move(cb)); },
      std::move(done));
}

void ThrottledClient::positions(Callback<std::vector<VenuePosition>> done) {
  gate<std::vector<VenuePosition>>(
      classes_.positions, "positions",
      [this](Callback<std::vector<VenuePosition>> cb) { inner_.positions(std::move(cb)); },
      std::move(done));
}

void ThrottledClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                              Callback<std::vector<market::Candle>> done) {
  gate<std::vector<market::Candle>>(
      classes_.candles, "candles",
      [this, instrument, interval, count](Callback<std::vector<market::Candle>> cb) {
        inner_.candles(instrument, interval, count, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::load_instruments(Callback<std::vector<Instrument>> done) {
  gate<std::vector<Instrument>>(
      classes_.instruments, "instruments",
      [this](Callback<std::vector<Instrument>> cb) { inner_.load_instruments(std::move(cb)); },
      std::move(done));
}

void ThrottledClient::server_time(Callback<Timestamp> done) {
  gate<Timestamp>(
      classes_.server_time, "server time",
      [this](Callback<Timestamp> cb) { inner_.server_time(std::move(cb)); }, std::move(done));
}

std::uint64_t ThrottledClient::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

std::size_t ThrottledClient::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

}  // namespace nzeza::venues
