#pragma once
// MarketDataHop: the hop from a feed's read loop to the market actors. It never blocks the
// socket (a blocked read loop stops answering pings and drops book diffs) and a slow consumer
// sees fresh prices, never a stale queue:
//
//   Quote         → QuoteUpdate,   conflated by instrument (the newest replaces a queued one)
//   VenueStatus   → StatusUpdate,  conflated by instrument (STALE, RECONNECTING... latest wins)
//   Trade         → TradePrint,    drop-oldest when the mailbox is full (counted by the actor)
//   BookChange    → not forwarded: books are built on the feed's side (the codec), and what the
//                   market actors use of them arrives as Quotes (top of book)
//
// Spawn the consumer with market_data_mailbox(capacity) so the policies above hold; the hop
// uses tell() only, which never waits. Threading: on_event runs on the feed's thread; the
// counters are atomics readable from anywhere.

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "actor/mailbox_options.hpp"
#include "core/market_event.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::app {

struct QuoteUpdate {
  MarketEvent event;
};
struct StatusUpdate {
  MarketEvent event;
};
struct TradePrint {
  MarketEvent event;
};

// The consumer's mailbox: `capacity` messages, quotes and statuses conflated per instrument,
// everything else drops the oldest when full.
[[nodiscard]] inline actor::MailboxOptions market_data_mailbox(std::size_t capacity) {
  actor::MailboxOptions m;
  m.with_capacity(capacity).with_policy(actor::OverflowPolicy::drop_oldest);
  m.conflate_by<QuoteUpdate>([](const QuoteUpdate& q) { return q.event.instrument.value; });
  m.conflate_by<StatusUpdate>([](const StatusUpdate& s) { return s.event.instrument.value; });
  return m;
}

struct MarketDataHopStats {
  std::uint64_t quotes = 0;
  std::uint64_t trades = 0;
  std::uint64_t statuses = 0;
  std::uint64_t book_changes_kept = 0;  // not forwarded (feed-side books)
  std::uint64_t refused = 0;            // tell() refused: the consumer stopped (dead letters)
};

// `Ref` is an actor::ActorRef accepting QuoteUpdate, StatusUpdate and TradePrint.
template <typename Ref>
class MarketDataHop final : public MarketEventSink {
 public:
  explicit MarketDataHop(Ref ref) : ref_(std::move(ref)) {}

  void on_event(const MarketEvent& e) override {
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, Quote>) {
            quotes_.fetch_add(1, std::memory_order_relaxed);
            count(ref_.tell(QuoteUpdate{e}));
          } else if constexpr (std::is_same_v<T, Trade>) {
            trades_.fetch_add(1, std::memory_order_relaxed);
            count(ref_.tell(TradePrint{e}));
          } else if constexpr (std::is_same_v<T, VenueStatus>) {
            statuses_.fetch_add(1, std::memory_order_relaxed);
            count(ref_.tell(StatusUpdate{e}));
          } else {
            books_.fetch_add(1, std::memory_order_relaxed);
          }
        },
        e.body);
  }

  [[nodiscard]] MarketDataHopStats stats() const noexcept {
    return {quotes_.load(), trades_.load(), statuses_.load(), books_.load(), refused_.load()};
  }

 private:
  template <typename S>
  void count(const S& status) {
    if (!status.ok()) refused_.fetch_add(1, std::memory_order_relaxed);
  }

  Ref ref_;
  std::atomic<std::uint64_t> quotes_{0};
  std::atomic<std::uint64_t> trades_{0};
  std::atomic<std::uint64_t> statuses_{0};
  std::atomic<std::uint64_t> books_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace nzeza::app
