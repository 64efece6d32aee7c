// The feed → market-actor hop: never blocks, conflates quotes and statuses per instrument,
// drops the oldest trades when full, keeps books on the feed side.
#include "app/market_data_hop.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "actor/actor.hpp"
#include "core/clock.hpp"

namespace nzeza::app {
namespace {

struct Seen {
  std::vector<std::string> log;
};

// A market actor that records what it receives.
class Recorder {
 public:
  using Messages = actor::Messages<QuoteUpdate, StatusUpdate, TradePrint>;
  explicit Recorder(std::shared_ptr<Seen> seen) : seen_(std::move(seen)) {}
  void on(QuoteUpdate& q, actor::ActorContext&) {
    seen_->log.push_back("q" + std::to_string(q.event.instrument.value) + "=" +
                         std::get<Quote>(q.event.body).bid.to_string());
  }
  void on(StatusUpdate& s, actor::ActorContext&) {
    seen_->log.push_back("s" + std::to_string(s.event.instrument.value) + "=" +
                         std::string(to_string(std::get<VenueStatus>(s.event.body).state)));
  }
  void on(TradePrint& t, actor::ActorContext&) {
    seen_->log.push_back("t" + std::get<Trade>(t.event.body).price.to_string());
  }

 private:
  std::shared_ptr<Seen> seen_;
};

MarketEvent quote(std::uint32_t instrument, std::int64_t bid) {
  MarketEvent e;
  e.instrument = InstrumentId{instrument};
  e.body = Quote{Decimal::from_int(bid).value(), Decimal::one(), Decimal::from_int(bid + 1).value(),
                 Decimal::one()};
  return e;
}
MarketEvent trade(std::int64_t price) {
  MarketEvent e;
  e.instrument = InstrumentId{0};
  e.body = Trade{Decimal::from_int(price).value(), Decimal::one(), Side::buy, {}};
  return e;
}
MarketEvent status(std::uint32_t instrument, FeedState state) {
  MarketEvent e;
  e.instrument = InstrumentId{instrument};
  e.body = VenueStatus{state, TradingStatus::trading};
  return e;
}
MarketEvent book_change() {
  MarketEvent e;
  e.body = BookChange{};
  return e;
}

class MarketDataHopTest : public ::testing::Test {
 protected:
  auto spawn(std::size_t capacity) {
    actor::SpawnOptions o;
    o.name = "market";
    o.mailbox = market_data_mailbox(capacity);
    return system.spawn<Recorder>(o, [s = seen] { return std::make_unique<Recorder>(s); }).value();
  }
  ManualClock clock;
  actor::ActorSystem system{clock, actor::ActorSystemOptions::with_threads(0)};
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();
};

TEST_F(MarketDataHopTest, a_stalled_consumer_sees_only_the_latest_quote_per_instrument) {
  auto ref = spawn(64);
  MarketDataHop hop(ref);
  // 100 000 quotes for 3 instruments while the consumer does not run: tell never waits.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100'000; ++i) hop.on_event(quote(static_cast<std::uint32_t>(i % 3), i));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(ref.metrics().depth, 3u);
  EXPECT_EQ(ref.metrics().conflated, 100'000u - 3u);
  system.dispatcher().poll();
  // Each replacement goes to the back of the queue: the order of the last updates.
  EXPECT_EQ(seen->log, (std::vector<std::string>{"q1=99997", "q2=99998", "q0=99999"}));
  EXPECT_EQ(hop.stats().quotes, 100'000u);
  EXPECT_EQ(hop.stats().refused, 0u);
}

TEST_F(MarketDataHopTest, statuses_are_conflated_per_instrument_and_keep_order_with_quotes) {
  auto ref = spawn(64);
  MarketDataHop hop(ref);
  hop.on_event(status(0, FeedState::connected));
  hop.on_event(quote(0, 100));
  hop.on_event(status(0, FeedState::stale));
  hop.on_event(status(1, FeedState::reconnecting));
  system.dispatcher().poll();
  // The newest status of instrument 0 went to the back, behind the quote.
  EXPECT_EQ(seen->log, (std::vector<std::string>{"q0=100", "s0=STALE", "s1=RECONNECTING"}));
}

TEST_F(MarketDataHopTest, trades_drop_the_oldest_when_the_mailbox_is_full_never_block) {
  auto ref = spawn(4);
  MarketDataHop hop(ref);
  for (int p = 1; p <= 10; ++p) hop.on_event(trade(p));
  EXPECT_EQ(ref.metrics().dropped, 6u);
  system.dispatcher().poll();
  EXPECT_EQ(seen->log, (std::vector<std::string>{"t7", "t8", "t9", "t10"}));
  EXPECT_EQ(hop.stats().trades, 10u);
}

TEST_F(MarketDataHopTest, book_changes_stay_on_the_feed_side) {
  auto ref = spawn(8);
  MarketDataHop hop(ref);
  hop.on_event(book_change());
  hop.on_event(book_change());
  system.dispatcher().poll();
  EXPECT_TRUE(seen->log.empty());
  EXPECT_EQ(hop.stats().book_changes_kept, 2u);
}

TEST_F(MarketDataHopTest, a_stopped_consumer_counts_refusals_without_throwing) {
  auto ref = spawn(8);
  MarketDataHop hop(ref);
  ref.stop();
  system.dispatcher().poll();
  hop.on_event(quote(0, 1));
  EXPECT_EQ(hop.stats().refused, 1u);
}

}  // namespace
}  // namespace nzeza::app
