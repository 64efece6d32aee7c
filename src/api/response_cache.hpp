#pragma once
// ResponseCache: one route's last answer, served again while what it shows cannot have changed
// much, so a burst of reads (a dashboard per browser tab, a load test) costs the trading server
// one status round trip to its actors per change instead of one per request.
//
// The contract: an answer is reused while (1) the market version it was rendered at is still
// the current one (TradingServer::market_version(): every reference price handed to execution
// bumps it) and (2) it is younger than max_age on the server's Clock (ages, freshness flags and
// feed states move without a new price; they are at most max_age old). Anything else renders
// anew. Only 200 answers are kept: an error is never served twice.
//
// Threading: one thread (the API server's), like ApiService::handle(); no lock.

#include <cstdint>
#include <optional>
#include <utility>

#include "api/http_types.hpp"
#include "core/time.hpp"

namespace nzeza::api {

class ResponseCache {
 public:
  explicit ResponseCache(Duration max_age) : max_age_(max_age) {}

  template <typename Render>
  const ApiResponse& get(std::uint64_t version, Timestamp now, Render&& render) {
    if (!cached_ || version != version_ || now - at_ >= max_age_ || now < at_) {
      ApiResponse fresh = std::forward<Render>(render)();
      if (fresh.status != 200) {
        cached_.reset();
        last_error_ = std::move(fresh);
        return *last_error_;
      }
      cached_ = std::move(fresh);
      version_ = version;
      at_ = now;
    }
    return *cached_;
  }

 private:
  Duration max_age_;
  std::optional<ApiResponse> cached_;
  std::optional<ApiResponse> last_error_;  // returned by reference, not reused
  std::uint64_t version_ = 0;
  Timestamp at_;
};

}  // namespace nzeza::api
