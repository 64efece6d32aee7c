#include "venues/throttled_client.hpp"

#include <chrono>

#include "venues/venue_error.hpp"

namespace nzeza::venues {

std::string_view to_string(RequestOp op) noexcept {
  static constexpr std::array<std::string_view, kRequestOps> kNames{
      "place", "cancel",   "cancel_all", "amend",       "dead_man_switch", "status", "open_orders",
      "fills", "balances", "positions",  "instruments", "server_time",     "candles"};
  const auto i = static_cast<std::size_t>(op);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

struct ThrottledClient::Guard {
  std::mutex mu;
  ThrottledClient* self = nullptr;
  // The breaker that answers report to; null once the decorator is destroyed, so an answer the
  // inner client delivers later (a call in flight when the decorator went) reaches its caller
  // and touches nothing of the decorator. Recursive: a breaker transition callback may run a
  // call that completes inline.
  std::recursive_mutex record_mu;
  net::CircuitBreaker* breaker = nullptr;
  // Answers of the inner client, per RequestOp (lock-free; they outlive the decorator with the
  // guard, so a late answer is still counted).
  std::array<LatencyHistogram, kRequestOps> latency;
  std::array<std::atomic<std::uint64_t>, kRequestOps> failures{};
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
void ThrottledClient::gate(RequestOp op, const std::string& endpoint_class, std::string what,
                           Send send, Callback<T> done) {
  Completion<T> completion(std::move(done), std::string(to_string(venue())) + " " + what);
  if (breaker_ != nullptr) {
    if (auto ok = breaker_->allow(); !ok) {
      {
        std::lock_guard lock(mu_);
        ++refused_circuit_open_;
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
      const Error& e = reserved.error();
      {
        std::lock_guard lock(mu_);
        ++(e.code == ErrorCode::banned ? refused_banned_ : refused_rate_limited_);
      }
      completion.complete(venue_error(e.code, venue(), what, e.message, e.venue_code, e.venue_text)
                              .with_delivery(Delivery::not_sent));
      return;
    }
    wait = *reserved;
  }
  // The answer is timed and feeds the breaker, then reaches the caller. It holds the guard, not
  // the decorator: the inner client may answer after the decorator is gone. The clock starts
  // when the inner client gets the call (after any limiter wait).
  auto dispatch = [send, guard = guard_, completion, op]() mutable {
    const auto sent = std::chrono::steady_clock::now();
    send(Callback<T>([guard, completion, op, sent](Result<T> r) {
      const auto i = static_cast<std::size_t>(op);
      guard->latency[i].record(
          std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - sent));
      if (!r) guard->failures[i].fetch_add(1, std::memory_order_relaxed);
      record(*guard, r ? nullptr : &r.error());
      completion.complete(std::move(r));
    }));
  };
  if (wait <= Duration::zero()) {
    dispatch();
    return;
  }
  auto fn = std::make_shared<std::function<void()>>(std::move(dispatch));
  std::function<void(Error)> refuse = [completion](Error e) { completion.complete(std::move(e)); };
  auto id_holder = std::make_shared<TimerId>(0);
  std::weak_ptr<Guard> weak = guard_;
  std::lock_guard lock(mu_);
  ++limiter_waits_;
  limiter_waited_ += wait;
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
      RequestOp::place, classes_.place, "place " + order.client_order_id.text,
      [this, order](Callback<PlaceAck> cb) { inner_.place(order, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::cancel(const OrderRef& order, Callback<CancelAck> done) {
  gate<CancelAck>(
      RequestOp::cancel, classes_.cancel, "cancel",
      [this, order](Callback<CancelAck> cb) { inner_.cancel(order, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::cancel_all(std::optional<InstrumentId> instrument,
                                 Callback<CancelAllAck> done) {
  gate<CancelAllAck>(
      RequestOp::cancel_all, classes_.cancel_all, "cancel all",
      [this, instrument](Callback<CancelAllAck> cb) {
        inner_.cancel_all(instrument, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::amend(const AmendRequest& request, Callback<PlaceAck> done) {
  gate<PlaceAck>(
      RequestOp::amend, classes_.amend, "amend",
      [this, request](Callback<PlaceAck> cb) { inner_.amend(request, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::set_dead_man_switch(Duration timeout, Callback<Timestamp> done) {
  gate<Timestamp>(
      RequestOp::dead_man_switch, classes_.dead_man_switch, "dead-man switch",
      [this, timeout](Callback<Timestamp> cb) {
        inner_.set_dead_man_switch(timeout, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::order_status(const OrderRef& order, Callback<VenueOrder> done) {
  gate<VenueOrder>(
      RequestOp::status, classes_.order_status, "order status",
      [this, order](Callback<VenueOrder> cb) { inner_.order_status(order, std::move(cb)); },
      std::move(done));
}

void ThrottledClient::open_orders(std::optional<InstrumentId> instrument,
                                  Callback<std::vector<VenueOrder>> done) {
  gate<std::vector<VenueOrder>>(
      RequestOp::open_orders, classes_.open_orders, "open orders",
      [this, instrument](Callback<std::vector<VenueOrder>> cb) {
        inner_.open_orders(instrument, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                                  Callback<std::vector<domain::Fill>> done) {
  gate<std::vector<domain::Fill>>(
      RequestOp::fills, classes_.fills, "fills",
      [this, since, instrument](Callback<std::vector<domain::Fill>> cb) {
        inner_.fills_since(since, instrument, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::balances(Callback<std::vector<domain::Balance>> done) {
  gate<std::vector<domain::Balance>>(
      RequestOp::balances, classes_.balances, "balances",
      [this](Callback<std::vector<domain::Balance>> cb) { inner_.balances(std::move(cb)); },
      std::move(done));
}

void ThrottledClient::positions(Callback<std::vector<VenuePosition>> done) {
  gate<std::vector<VenuePosition>>(
      RequestOp::positions, classes_.positions, "positions",
      [this](Callback<std::vector<VenuePosition>> cb) { inner_.positions(std::move(cb)); },
      std::move(done));
}

void ThrottledClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                              Callback<std::vector<market::Candle>> done) {
  gate<std::vector<market::Candle>>(
      RequestOp::candles, classes_.candles, "candles",
      [this, instrument, interval, count](Callback<std::vector<market::Candle>> cb) {
        inner_.candles(instrument, interval, count, std::move(cb));
      },
      std::move(done));
}

void ThrottledClient::load_instruments(Callback<std::vector<Instrument>> done) {
  gate<std::vector<Instrument>>(
      RequestOp::instruments, classes_.instruments, "instruments",
      [this](Callback<std::vector<Instrument>> cb) { inner_.load_instruments(std::move(cb)); },
      std::move(done));
}

void ThrottledClient::server_time(Callback<Timestamp> done) {
  gate<Timestamp>(
      RequestOp::server_time, classes_.server_time, "server time",
      [this](Callback<Timestamp> cb) { inner_.server_time(std::move(cb)); }, std::move(done));
}

std::uint64_t ThrottledClient::refused() const {
  std::lock_guard lock(mu_);
  return refused_circuit_open_ + refused_rate_limited_ + refused_banned_;
}

std::size_t ThrottledClient::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

ThrottleMetrics ThrottledClient::metrics() const {
  ThrottleMetrics m;
  for (std::size_t i = 0; i < kRequestOps; ++i) {
    m.latency[i] = guard_->latency[i].snapshot();
    m.failures[i] = guard_->failures[i].load(std::memory_order_relaxed);
  }
  {
    std::lock_guard lock(mu_);
    m.limiter_waits = limiter_waits_;
    m.limiter_waited = limiter_waited_;
    m.waiting = waiting_.size();
    m.refused_circuit_open = refused_circuit_open_;
    m.refused_rate_limited = refused_rate_limited_;
    m.refused_banned = refused_banned_;
  }
  if (breaker_ != nullptr) m.circuit = breaker_->state();
  return m;
}

}  // namespace nzeza::venues
