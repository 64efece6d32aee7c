#pragma once
// Resolving an unknown outcome by asking the venue: what `nzeza order place|cancel` does when
// its request may have executed (venues::classify said outcome_unknown).
//
// The one rule: a request whose outcome is unknown is never sent again; the venue is asked
// about it by client order id, and "not there" counts only after the venue can no longer accept
// the request (request_expiry(request_validity(), sent_at) + query_lag). A found order proves the
// request executed at any time, so the first query is made at once and the wait happens only
// when it is needed.
//
// Blocking: these functions wait on the client's callbacks and on the clock. They are for
// one-shot tools (the CLI), never for an actor's thread.

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::app {

// Calls one asynchronous port operation and waits for its answer, at most `guard` (a client
// answers on its own deadline; the guard only catches one that never calls back). A guard that
// fires answers ErrorCode::timeout: the request may still be in flight, so the outcome is
// unknown.
template <typename T, typename Call>
[[nodiscard]] Result<T> call_and_wait(Call&& call, Duration guard);

// Blocks until clock.now() >= deadline (through a clock timer, so a ManualClock drives it).
void wait_until(Clock& clock, Timestamp deadline);

enum class Resolution {
  done,           // the request executed: the order is at the venue / cancelled as asked
  not_done,       // it certainly did not execute (not there after the window, or refused)
  still_unknown,  // the venue could not tell us (the query failed)
};

struct Resolved {
  Resolution outcome = Resolution::still_unknown;
  std::optional<venues::VenueOrder> order;  // what the venue answered, when it did
  std::optional<Error> query_error;         // why it is still unknown
  std::string summary;                      // one sentence for a human, naming the client id
};

struct ResolveOptions {
  Duration call_guard = 15s;  // per query, see call_and_wait
  // Called once before waiting out the venue's window, with the moment the wait ends (so the
  // user knows why nothing happens).
  std::function<void(Timestamp until)> on_wait;
};

// A place whose outcome is unknown: found (any status but rejected) → done; rejected → not_done;
// not found after the window → not_done; a failed query → still_unknown.
[[nodiscard]] Resolved resolve_place(venues::VenueClient& client, Clock& clock,
                                     const venues::OrderRef& order, Timestamp sent_at,
                                     const ResolveOptions& options);

// A cancel whose outcome is unknown: cancelled → done; filled, expired or rejected → not_done
// (the cancel did not apply); still open after the window → not_done; not found or a failed
// query → still_unknown.
[[nodiscard]] Resolved resolve_cancel(venues::VenueClient& client, Clock& clock,
                                      const venues::OrderRef& order, Timestamp sent_at,
                                      const ResolveOptions& options);

// ---- implementation ------------------------------------------------------------------------

template <typename T, typename Call>
Result<T> call_and_wait(Call&& call, Duration guard) {
  auto done = std::make_shared<std::promise<Result<T>>>();
  auto future = done->get_future();
  std::forward<Call>(call)([done](Result<T> r) { done->set_value(std::move(r)); });
  if (future.wait_for(guard) != std::future_status::ready) {
    return Error{
        ErrorCode::timeout,
        "no answer within " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(guard).count()) +
            " s (the outcome is unknown)"};
  }
  return future.get();
}

}  // namespace nzeza::app
