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

void ThrottledClient::route(Call call) {
  // The endpoint class of each RequestOp.
  static constexpr std::string EndpointClasses::*kClassOf[kRequestOps] = {
      &EndpointClasses::place,           &EndpointClasses::cancel,
      &EndpointClasses::cancel_all,      &EndpointClasses::amend,
      &EndpointClasses::dead_man_switch, &EndpointClasses::order_status,
      &EndpointClasses::open_orders,     &EndpointClasses::fills,
      &EndpointClasses::balances,        &EndpointClasses::positions,
      &EndpointClasses::instruments,     &EndpointClasses::server_time,
      &EndpointClasses::candles};
  const RequestOp op = call.op;
  const std::string& what = call.what;
  if (breaker_ != nullptr) {
    if (auto ok = breaker_->allow(); !ok) {
      {
        std::lock_guard lock(mu_);
        ++refused_circuit_open_;
      }
      call.refuse(venue_error(ErrorCode::circuit_open, venue(), what, ok.error().message)
                      .with_delivery(Delivery::not_sent));
      return;
    }
  }
  Duration wait = Duration::zero();
  if (limiter_ != nullptr) {
    auto reserved = limiter_->reserve(classes_.*kClassOf[static_cast<std::size_t>(op)]);
    if (!reserved) {
      if (breaker_ != nullptr) breaker_->record_abandoned();
      const Error& e = reserved.error();
      {
        std::lock_guard lock(mu_);
        ++(e.code == ErrorCode::banned ? refused_banned_ : refused_rate_limited_);
      }
      call.refuse(venue_error(e.code, venue(), what, e.message, e.venue_code, e.venue_text)
                      .with_delivery(Delivery::not_sent));
      return;
    }
    wait = *reserved;
  }
  // The answer is timed and feeds the breaker, then reaches the caller. It holds the guard, not
  // the decorator: the inner client may answer after the decorator is gone. The clock starts
  // when the inner client gets the call (after any limiter wait).
  auto dispatch = [send = std::move(call.send), guard = guard_, op]() mutable {
    const auto sent = std::chrono::steady_clock::now();
    send([guard, op, sent](const Error* error) {
      const auto i = static_cast<std::size_t>(op);
      guard->latency[i].record(
          std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - sent));
      if (error != nullptr) guard->failures[i].fetch_add(1, std::memory_order_relaxed);
      record(*guard, error);
    });
  };
  if (wait <= Duration::zero()) {
    dispatch();
    return;
  }
  auto fn = std::make_shared<std::function<void()>>(std::move(dispatch));
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
  waiting_.emplace(id, Waiting{std::move(fn), std::move(call.refuse), std::move(call.what)});
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
