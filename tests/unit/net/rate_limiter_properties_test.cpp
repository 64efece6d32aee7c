// Properties of the rate limiter over random sequences of reservations, clock moves, 429s and
// server usage headers: whatever happens, no pool ever sends more than it allows, a refused
// reservation takes nothing, and one endpoint class is served in order.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "net/rate_limiter.hpp"

namespace nzeza::net {
namespace {

struct PoolSpec {
  double capacity;
  double rate;
};

// endpoint class -> weight per pool (0 = not used)
const std::vector<std::vector<double>> kWeights{{1, 0}, {4, 1}, {0, 2}, {10, 3}};
const std::vector<PoolSpec> kPools{{60, 5}, {12, 0.5}};

struct Grant {
  Timestamp send_at;
  std::size_t endpoint;
  double multiplier;
};

RC_GTEST_PROP(RateLimiterProperties, no_pool_ever_sends_more_than_capacity_plus_refill, ()) {
  ManualClock clock;
  RateLimiter limiter(
      clock,
      {{"p0", kPools[0].capacity, kPools[0].rate}, {"p1", kPools[1].capacity, kPools[1].rate}},
      RateLimiterOptions{.name = "prop", .max_wait = 20s});
  for (std::size_t e = 0; e < kWeights.size(); ++e) {
    std::vector<std::pair<std::string, double>> uses;
    for (std::size_t p = 0; p < kPools.size(); ++p) {
      if (kWeights[e][p] > 0) uses.emplace_back("p" + std::to_string(p), kWeights[e][p]);
    }
    RC_ASSERT(limiter.add_endpoint("e" + std::to_string(e), uses).ok());
  }

  const int steps = *rc::gen::inRange(1, 120);
  std::vector<Grant> grants;
  std::vector<Timestamp> last_send(kWeights.size());
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 6) {  // reserve
      const auto e =
          static_cast<std::size_t>(*rc::gen::inRange(0, static_cast<int>(kWeights.size())));
      const double multiplier = *rc::gen::element(1.0, 1.0, 2.0, 3.0);
      const double before0 = limiter.available("p0").value();
      const double before1 = limiter.available("p1").value();
      auto wait = limiter.reserve("e" + std::to_string(e), multiplier);
      if (!wait) {
        RC_ASSERT(wait.error().code == ErrorCode::rate_limited);
        RC_ASSERT(limiter.available("p0").value() == before0);
        RC_ASSERT(limiter.available("p1").value() == before1);
        continue;
      }
      RC_ASSERT(*wait >= Duration::zero());
      RC_ASSERT(*wait <= 20s);
      const Timestamp send_at = clock.now() + *wait;
      RC_ASSERT(send_at >= last_send[e]);  // one class is served in order
      last_send[e] = send_at;
      grants.push_back(Grant{send_at, e, multiplier});
    } else if (op < 8) {
      clock.advance(std::chrono::milliseconds(*rc::gen::inRange(0, 4000)));
    } else if (op == 8) {
      limiter.on_retry_after(std::chrono::milliseconds(*rc::gen::inRange(0, 3000)));
    } else {
      const auto p = static_cast<std::size_t>(*rc::gen::inRange(0, 2));
      const double used = *rc::gen::inRange(0, static_cast<int>(kPools[p].capacity) + 5);
      RC_ASSERT(limiter.on_server_usage("p" + std::to_string(p), used));
    }
  }

  std::sort(grants.begin(), grants.end(),
            [](const Grant& a, const Grant& b) { return a.send_at < b.send_at; });
  for (std::size_t p = 0; p < kPools.size(); ++p) {
    for (std::size_t i = 0; i < grants.size(); ++i) {
      double sent = 0;
      for (std::size_t j = i; j < grants.size(); ++j) {
        sent += kWeights[grants[j].endpoint][p] * grants[j].multiplier;
        const double window =
            std::chrono::duration<double>(grants[j].send_at - grants[i].send_at).count();
        RC_ASSERT(sent <= kPools[p].capacity + kPools[p].rate * window + 1e-6);
      }
    }
  }
}

}  // namespace
}  // namespace nzeza::net
