// Cost of the resilience primitives on the request path: a rate-limiter reservation before
// every REST call, a breaker check before every connect/request, a status query per API call.
// All on a ManualClock (no syscalls for time); buckets are large enough that nothing waits.

#include <benchmark/benchmark.h>

#include "net/backoff.hpp"
#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"
#include "net/rate_limiter.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::net;

// Binance-like pools with effectively unlimited refill, so every reservation is granted at once.
RateLimiter& binance_limiter(Clock& clock) {
  static RateLimiter limiter(
      clock,
      {{"REQUEST_WEIGHT_1M", 1e12, 1e12}, {"ORDERS_10S", 1e12, 1e12}, {"ORDERS_1D", 1e12, 1e12}},
      RateLimiterOptions{.name = "bench"});
  static const bool configured = [] {
    (void)limiter.add_endpoint("depth", {{"REQUEST_WEIGHT_1M", 5}});
    (void)limiter.add_endpoint("order",
                               {{"REQUEST_WEIGHT_1M", 1}, {"ORDERS_10S", 1}, {"ORDERS_1D", 1}});
    return true;
  }();
  (void)configured;
  return limiter;
}

ManualClock& bench_clock() {
  static ManualClock clock;
  return clock;
}

void BM_rate_limiter_reserve_one_pool(benchmark::State& state) {
  auto& limiter = binance_limiter(bench_clock());
  for (auto _ : state) {
    auto wait = limiter.reserve("depth");
    benchmark::DoNotOptimize(wait);
  }
}
BENCHMARK(BM_rate_limiter_reserve_one_pool)->Threads(1)->Threads(2);

void BM_rate_limiter_reserve_three_pools(benchmark::State& state) {
  auto& limiter = binance_limiter(bench_clock());
  for (auto _ : state) {
    auto wait = limiter.reserve("order");
    benchmark::DoNotOptimize(wait);
  }
}
BENCHMARK(BM_rate_limiter_reserve_three_pools)->Threads(1)->Threads(2);

void BM_circuit_breaker_allow_and_success_closed(benchmark::State& state) {
  static CircuitBreaker breaker(bench_clock(), CircuitBreakerConfig{}, "bench");
  for (auto _ : state) {
    auto permit = breaker.allow();
    benchmark::DoNotOptimize(permit);
    breaker.record_success();
  }
}
BENCHMARK(BM_circuit_breaker_allow_and_success_closed)->Threads(1)->Threads(2);

void BM_circuit_breaker_refusal_while_open(benchmark::State& state) {
  ManualClock clock;
  CircuitBreaker breaker(clock, CircuitBreakerConfig{.failure_threshold = 1}, "bench");
  breaker.record_failure();
  for (auto _ : state) {
    auto refused = breaker.allow();  // builds the error text: the slow path
    benchmark::DoNotOptimize(refused);
  }
}
BENCHMARK(BM_circuit_breaker_refusal_while_open);

void BM_connection_status_query(benchmark::State& state) {
  static ConnectionStatus status(bench_clock(), "bench", ConnectionState::connected);
  for (auto _ : state) benchmark::DoNotOptimize(status.state());
}
BENCHMARK(BM_connection_status_query)->Threads(1)->Threads(2);

void BM_backoff_next_delay_jitter(benchmark::State& state) {
  Backoff backoff(BackoffConfig{.seed = 1});
  for (auto _ : state) {
    benchmark::DoNotOptimize(backoff.next_delay());
    if (backoff.attempts() > 20) backoff.reset();
  }
}
BENCHMARK(BM_backoff_next_delay_jitter);

}  // namespace

BENCHMARK_MAIN();
