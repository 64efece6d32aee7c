#pragma once
// ThrottledClient: a decorator that applies a venue's rate limits and circuit breaker before any
// request leaves, so every venue client gets both the same way.
//
// For each call:
//   1. the breaker (optional) must allow it — else ErrorCode::circuit_open, nothing sent;
//   2. the rate limiter (optional) reserves the call's endpoint class — a refusal (rate_limited:
//      the wait would exceed max_wait; banned: a Binance 418 ban is running) completes the call
//      with that error, nothing sent; a wait is spent on a Clock timer, then the call is sent;
//   3. the answer tells the breaker: a venue refusal proves the venue is up (success); an
//      unknown outcome or a transport refusal counts as a failure; a 429/418 or a shutdown is
//      neither (abandoned).
// Every refusal of this decorator (circuit_open, rate_limited, banned, and `cancelled` for a call
// still waiting for the limiter when the decorator is destroyed) carries Delivery::not_sent: the
// inner client never saw the call.
//
// The breaker counts by venues::classify, so by Error::delivery first: a transport failure after
// the request was written (a reset, a deadline, a cut answer, an HTTP 5xx: delivery
// sent_no_answer, answer_cut or answer_unknown — the order's outcome is unknown) is a FAILURE of
// the venue, whatever its code; so is a refusal before sending (connect refused, TLS failure, a
// deadline before the write). Only a complete answer that the venue gave on purpose — a refusal
// with Delivery::none (rejected, insufficient balance...) — proves the venue up. A 429/418
// (rate_limited, banned) and a shutdown (cancelled, whatever its delivery) are abandoned: they
// free a half-open trial and change nothing else.
// The limiter learns about 429 Retry-After and 418 bans from the client that reads the HTTP
// answer (RateLimiter::on_retry_after / on_banned_until); this decorator only asks it.
//
// Metrics (metrics(), for /metrics): per call kind (RequestOp) the time from the call handed to
// the inner client to its answer (steady clock: a measurement of the venue and the network, the
// limiter's wait excluded) and the answers that were errors; the limiter's waits (how many, and
// the Clock time they added); this decorator's refusals by reason; the breaker's state. Recording
// is lock-free and allocates nothing; answers delivered after the decorator went are still
// counted (the counters live as long as the last call).
//
// Threading: thread-safe; `inner`, `clock`, `limiter` and `breaker` must outlive it. Destroying
// it cancels waiting calls, which then complete with ErrorCode::cancelled; a call already sent
// still completes with the inner client's answer, which no longer reaches the breaker.

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/latency_histogram.hpp"
#include "net/circuit_breaker.hpp"
#include "net/rate_limiter.hpp"
#include "venues/forwarding_client.hpp"

namespace nzeza::venues {

// The limiter's endpoint class of each call (configure them with RateLimiter::add_endpoint).
struct EndpointClasses {
  std::string place = "order";
  std::string cancel = "order";
  std::string cancel_all = "order";
  std::string amend = "order";
  std::string dead_man_switch = "order";
  std::string order_status = "query";
  std::string open_orders = "query";
  std::string fills = "query";
  std::string balances = "account";
  std::string positions = "account";
  std::string instruments = "metadata";
  std::string server_time = "time";
  std::string candles = "metadata";
};

// What a ThrottledClient measured since it was built (a snapshot).
struct ThrottleMetrics {
  // Indexed by RequestOp: answer time of the calls sent to the inner client, and how many of
  // those answers were errors (refused by the venue, lost, cut...).
  std::array<LatencyHistogram::Snapshot, kRequestOps> latency{};
  std::array<std::uint64_t, kRequestOps> failures{};
  std::uint64_t limiter_waits = 0;  // calls the rate limiter delayed before sending
  Duration limiter_waited{};        // the delays those calls were given, summed
  std::size_t waiting = 0;          // calls waiting for the limiter now
  // Refused here, nothing sent.
  std::uint64_t refused_circuit_open = 0;
  std::uint64_t refused_rate_limited = 0;    // the wait would exceed the limiter's max_wait
  std::uint64_t refused_banned = 0;          // a venue ban (Binance 418) is running
  std::optional<net::CircuitState> circuit;  // absent without a breaker
};

class ThrottledClient final : public ForwardingClient {
 public:
  ThrottledClient(VenueClient& inner, Clock& clock, net::RateLimiter* limiter,
                  net::CircuitBreaker* breaker, EndpointClasses classes = {});
  ~ThrottledClient() override;

  // Calls refused here (circuit open, rate limited, banned) — nothing sent.
  [[nodiscard]] std::uint64_t refused() const;
  // Calls currently waiting for the limiter.
  [[nodiscard]] std::size_t waiting() const;
  [[nodiscard]] ThrottleMetrics metrics() const;

 private:
  struct Guard;
  // Every call but venue(), capabilities(), request_validity() and private_stream() is gated.
  void route(Call call) override;
  static void record(Guard& guard, const Error* error);

  Clock& clock_;
  net::RateLimiter* limiter_;
  net::CircuitBreaker* breaker_;
  EndpointClasses classes_;
  std::shared_ptr<Guard> guard_;
  mutable std::mutex mu_;
  // A call waiting for the limiter: `send` when its time comes, `refuse` when it never will.
  struct Waiting {
    std::shared_ptr<std::function<void()>> send;
    std::function<void(Error)> refuse;
    std::string what;  // "place nz-t1-3", for the refusal's message
  };
  std::map<TimerId, Waiting> waiting_;
  std::uint64_t refused_circuit_open_ = 0;
  std::uint64_t refused_rate_limited_ = 0;
  std::uint64_t refused_banned_ = 0;
  std::uint64_t limiter_waits_ = 0;
  Duration limiter_waited_{};
};

}  // namespace nzeza::venues
