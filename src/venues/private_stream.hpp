#pragma once
// PrivateStream: acks, order updates and fills pushed by the venue (Binance user data stream,
// Kraken v2 `executions`, the paper venue's own events), so fills never depend on polling.
//
// Handlers run on the stream's delivery thread, in the venue's order, one at a time. A fill may
// arrive before its order's ack (venues do that); the domain Order accepts that order of events.
// After a reconnect the stream may replay fills: the FillLedger deduplicates them by trade id.

#include <functional>
#include <mutex>

#include "core/non_copyable.hpp"
#include "domain/balance.hpp"
#include "domain/fill.hpp"
#include "net/connection_status.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues {

struct PrivateStreamHandlers {
  std::function<void(const VenueOrder&)> on_order;         // ack, cancel, expiry, reject...
  std::function<void(const domain::Fill&)> on_fill;        // one trade (an increment)
  std::function<void(const domain::Balance&)> on_balance;  // balance changes, when pushed
  std::function<void(net::ConnectionState)> on_state;      // stream health, for the router
};

// A copy of `handler` taken under `mu`, to be called once the lock is released (a handler may
// call back into the stream).
template <typename Mutex, typename F>
[[nodiscard]] F copy_locked(Mutex& mu, const F& handler) {
  std::lock_guard lock(mu);
  return handler;
}

// A stream owns a connection and its handlers: it is never copied, and neither is a subclass.
class PrivateStream : NonCopyable {
 public:
  virtual ~PrivateStream() = default;
  // Starts delivering to `handlers` (replacing earlier ones). Idempotent.
  virtual void start(PrivateStreamHandlers handlers) = 0;
  // Stops delivering; returns after the last handler call finished.
  virtual void stop() = 0;
  [[nodiscard]] virtual net::ConnectionState state() const = 0;
};

}  // namespace nzeza::venues
