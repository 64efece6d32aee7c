// The feed matrix (docs/testing/feeds.md): every venue × every failure column, each a real
// FeedSession over loopback sockets against the venue's simulator, on a ManualClock. Values
// are the simulator's default book (bids 50000.5 x 1, 49999.5 x 2; asks 50001.5 x 1,
// 50002.5 x 2) and what each test publishes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "integration/feeds/feed_harness.hpp"

namespace nzeza::venues::feed::test {
namespace {

using namespace std::chrono_literals;

bool has_book(Venue v) {
  return v != Venue::generic;
}
bool has_trades(Venue v) {
  return v != Venue::generic;
}

// Subscribe frames each venue's feed sends per connection for one instrument.
std::size_t subscribe_frames_for(Venue v) {
  switch (v) {
    case Venue::coinbase:
      return 4;  // heartbeats, ticker, market_trades, level2
    case Venue::kraken:
    case Venue::hyperliquid:
      return 3;
    case Venue::dydx:
      return 2;
    default:
      return 1;
  }
}

std::set<std::string> expected_subscriptions(Venue v) {
  switch (v) {
    case Venue::binance:
      return {"btcusdt@bookTicker", "btcusdt@depth@100ms", "btcusdt@trade"};
    case Venue::coinbase:
      return {"heartbeats:", "level2:BTC-USD", "market_trades:BTC-USD", "ticker:BTC-USD"};
    case Venue::kraken:
      return {"book:BTC/USD", "ticker:BTC/USD", "trade:BTC/USD"};
    case Venue::hyperliquid:
      return {"bbo:BTC", "l2Book:BTC", "trades:BTC"};
    case Venue::dydx:
      return {"v4_orderbook:BTC-USD", "v4_trades:BTC-USD"};
    default:
      return {"price:BTC-USD"};
  }
}

std::set<std::string> as_set(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

const std::multiset<LevelKey> kDefaultBook{{Side::buy, d("50000.5"), d("1")},
                                           {Side::buy, d("49999.5"), d("2")},
                                           {Side::sell, d("50001.5"), d("1")},
                                           {Side::sell, d("50002.5"), d("2")}};

class FeedMatrix : public ::testing::TestWithParam<VenueCase> {
 protected:
  FeedMatrix() : h_(GetParam().venue) { id_ = h_.add(instrument_for(GetParam().venue)); }

  Venue venue() const { return GetParam().venue; }
  std::string wire() const { return GetParam().wire; }

  // Starts the session and waits until it is subscribed and (where there is a book) its
  // snapshot has arrived.
  void start(FeedRules rules) {
    ASSERT_TRUE(h_.start(std::move(rules)).ok());
    wait_ready(0, 1);
  }
  void start() { start(quiet_rules(venue())); }

  void wait_ready(std::size_t session, std::size_t snapshots) {
    ASSERT_TRUE(wait_until([&] {
      return h_.sim().subscribe_frames(session) >= subscribe_frames_for(venue());
    })) << "subscribe frames: "
        << h_.sim().subscribe_frames(session);
    if (has_book(venue())) {
      ASSERT_TRUE(wait_until([&] { return snapshot_runs() >= snapshots; }))
          << "snapshot runs: " << snapshot_runs();
    }
  }

  std::size_t snapshot_runs() {
    std::size_t n = 0;
    for (const auto& c : h_.sink().bodies<BookChange>()) n += c.snapshot && c.last ? 1 : 0;
    return n;
  }

  // The last complete snapshot run.
  std::vector<BookChange> last_snapshot() {
    std::vector<BookChange> run;
    std::vector<BookChange> last;
    for (const auto& c : h_.sink().bodies<BookChange>()) {
      if (!c.snapshot) continue;
      if (c.reset) run.clear();
      run.push_back(c);
      if (c.last) last = run;
    }
    return last;
  }

  // A fresh market-data message on the stream (dYdX has no ticker: a book change).
  void publish_data() {
    if (venue() == Venue::dydx) {
      h_.sim().publish_book_update(wire(), {{"50000.75", "1.25"}}, {});
    } else {
      h_.sim().publish_quote(wire(), {"50000.5", "1.25"}, {"50001.5", "0.75"});
    }
  }

  // Waits until the client has surely received a liveness message sent after `before`.
  void send_heartbeat_and_wait() {
    const auto stats = h_.session().stats();
    const std::size_t pongs = h_.sim().pongs();
    h_.sim().publish_heartbeat();
    if (venue() == Venue::binance || venue() == Venue::dydx) {
      ASSERT_TRUE(wait_until([&] { return h_.sim().pongs() > pongs; }));
    } else {
      ASSERT_TRUE(wait_until([&] { return h_.session().stats().heartbeats > stats.heartbeats; }));
    }
  }

  FeedHarness h_;
  InstrumentId id_;
};

TEST_P(FeedMatrix, subscribe) {
  start();
  EXPECT_EQ(as_set(h_.sim().subscriptions(0)), expected_subscriptions(venue()));
  EXPECT_EQ(h_.sim().subscribe_frames(0), subscribe_frames_for(venue()));
  const auto stats = h_.session().stats();
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_EQ(stats.connections, 1u);
  EXPECT_EQ(stats.control_frames_sent, subscribe_frames_for(venue()));
  EXPECT_EQ(stats.rejected, 0u);
  // The instrument saw CONNECTING then CONNECTED.
  const auto states = h_.sink().states();
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states[0], FeedState::connecting);
  EXPECT_EQ(states[1], FeedState::connected);
  if (venue() != Venue::generic) {
    // Acks (and greetings) are control frames.
    ASSERT_TRUE(wait_until([&] { return h_.session().stats().control >= 1; }));
  }
  EXPECT_TRUE(h_.errors().empty()) << h_.errors().front().message;
}

TEST_P(FeedMatrix, top_of_book) {
  start();
  h_.sink().clear();
  if (venue() == Venue::dydx) {
    // No ticker channel: the top of book is the synced book's best levels.
    h_.sim().publish_book_update(wire(), {{"50000.75", "1.25"}}, {{"50001.5", "0.75"}});
  } else {
    h_.sim().publish_quote(wire(), {"50000.5", "1.25"}, {"50001.5", "0.75"});
  }
  ASSERT_TRUE(wait_until([&] { return h_.sink().count<Quote>() == 1; }));
  const MarketEvent e = [&] {
    for (const auto& ev : h_.sink().events()) {
      if (std::holds_alternative<Quote>(ev.body)) return ev;
    }
    return MarketEvent{};
  }();
  EXPECT_EQ(e.venue, venue());
  EXPECT_EQ(e.instrument, id_);
  EXPECT_EQ(e.receive_time, h_.clock().now());
  const Quote q = std::get<Quote>(e.body);
  if (venue() == Venue::generic) {
    EXPECT_EQ(q.bid, d("50000.5"));
    EXPECT_EQ(q.ask, d("50000.5"));
    EXPECT_EQ(q.bid_size, Decimal::zero());
  } else {
    EXPECT_EQ(q.bid, venue() == Venue::dydx ? d("50000.75") : d("50000.5"));
    EXPECT_EQ(q.bid_size, d("1.25"));
    EXPECT_EQ(q.ask, d("50001.5"));
    EXPECT_EQ(q.ask_size, d("0.75"));
  }
  EXPECT_EQ(h_.session().stats().rejected, 0u);
}

TEST_P(FeedMatrix, trades) {
  if (!has_trades(venue())) GTEST_SKIP() << "the generic feed carries prices only";
  start();
  h_.sim().publish_trade(wire(), "50001.5", "0.01", "sell", 4242);
  h_.sim().publish_trade(wire(), "50001.25", "0.5", "buy", 4243);
  ASSERT_TRUE(wait_until([&] { return h_.sink().count<Trade>() == 2; }));
  const auto trades = h_.sink().bodies<Trade>();
  EXPECT_EQ(trades[0].price, d("50001.5"));
  EXPECT_EQ(trades[0].size, d("0.01"));
  EXPECT_EQ(trades[0].aggressor, Side::sell);
  EXPECT_EQ(trades[0].trade_id.view(), "4242");
  EXPECT_EQ(trades[1].price, d("50001.25"));
  EXPECT_EQ(trades[1].size, d("0.5"));
  EXPECT_EQ(trades[1].aggressor, Side::buy);
  EXPECT_EQ(trades[1].trade_id.view(), "4243");
}

TEST_P(FeedMatrix, book_snapshot) {
  if (!has_book(venue())) GTEST_SKIP() << "the generic feed has no book";
  start();
  const auto snap = last_snapshot();
  ASSERT_EQ(snap.size(), 4u);
  EXPECT_TRUE(snap.front().reset);
  EXPECT_TRUE(snap.back().last);
  EXPECT_EQ(level_set(snap), kDefaultBook);
  if (venue() == Venue::binance) {
    EXPECT_EQ(h_.sim().snapshot_requests(), 1u);
    EXPECT_EQ(h_.session().stats().snapshots_applied, 1u);
  }
}

TEST_P(FeedMatrix, book_update) {
  if (!has_book(venue())) GTEST_SKIP() << "the generic feed has no book";
  start();
  h_.sink().clear();
  h_.sim().publish_book_update(wire(), {{"50000.5", "3"}}, {{"50002.5", "0"}});
  if (venue() == Venue::hyperliquid) {
    // Every l2Book message is the whole book.
    ASSERT_TRUE(wait_until([&] { return snapshot_runs() == 1; }));
    EXPECT_EQ(level_set(last_snapshot()),
              (std::multiset<LevelKey>{{Side::buy, d("50000.5"), d("3")},
                                       {Side::buy, d("49999.5"), d("2")},
                                       {Side::sell, d("50001.5"), d("1")}}));
    return;
  }
  ASSERT_TRUE(wait_until([&] { return h_.sink().count<BookChange>() >= 2; }));
  const auto changes = h_.sink().bodies<BookChange>();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_FALSE(changes[0].snapshot);
  EXPECT_EQ(level_set(changes), (std::multiset<LevelKey>{{Side::buy, d("50000.5"), d("3")},
                                                         {Side::sell, d("50002.5"), d("0")}}));
  if (venue() == Venue::binance) {
    EXPECT_EQ(changes[0].sequence, 1002u);  // 1000 + the first diff + this one
  }
  EXPECT_EQ(h_.session().stats().resyncs, 0u);
}

TEST_P(FeedMatrix, gap_or_checksum_resyncs) {
  if (!has_book(venue())) GTEST_SKIP() << "the generic feed has no book";
  start();
  h_.sink().clear();
  h_.sim().inject_gap(wire());
  if (venue() != Venue::hyperliquid) {
    h_.sim().publish_book_update(wire(), {{"50000.5", "4"}}, {});
  }
  ASSERT_TRUE(wait_until([&] { return h_.sink().count_state(FeedState::resyncing) == 1; }))
      << "resyncing events: " << h_.sink().count_state(FeedState::resyncing) << " resyncs "
      << h_.session().stats().resyncs << " rejected " << h_.session().stats().rejected
      << " snapshot requests " << h_.sim().snapshot_requests() << " book changes "
      << h_.sink().count<BookChange>();
  ASSERT_TRUE(wait_until([&] { return h_.session().stats().resyncs == 1; }));
  switch (venue()) {
    case Venue::binance:
      // A new REST snapshot, taken after the lost ids.
      ASSERT_TRUE(wait_until([&] { return h_.session().stats().snapshots_applied == 2; }));
      EXPECT_EQ(h_.sim().snapshot_requests(), 2u);
      break;
    case Venue::hyperliquid:
      // No resubscribe: the next whole book replaces the crossed one.
      h_.sim().publish_book_update(wire(), {{"50000.5", "4"}}, {});
      break;
    default:
      // The book is unsubscribed and subscribed again; the new snapshot resyncs it.
      ASSERT_TRUE(wait_until([&] { return h_.sim().unsubscribe_frames(0) == 1; }));
      ASSERT_TRUE(wait_until(
          [&] { return h_.sim().subscribe_frames(0) == subscribe_frames_for(venue()) + 1; }));
      EXPECT_EQ(h_.session().stats().resubscribe_frames, 2u);
      break;
  }
  ASSERT_TRUE(wait_until([&] { return snapshot_runs() == 1; }));
  EXPECT_EQ(level_set(last_snapshot()),
            (std::multiset<LevelKey>{{Side::buy, d("50000.5"), d("4")},
                                     {Side::buy, d("49999.5"), d("2")},
                                     {Side::sell, d("50001.5"), d("1")},
                                     {Side::sell, d("50002.5"), d("2")}}));
  EXPECT_EQ(h_.sim().connections(), 1u);  // resynced on the same connection
  // The book is live again: the next update applies.
  h_.sink().clear();
  h_.sim().publish_book_update(wire(), {{"49999.5", "7"}}, {});
  ASSERT_TRUE(wait_until([&] {
    for (const auto& c : h_.sink().bodies<BookChange>()) {
      if (c.side == Side::buy && c.price == d("49999.5") && c.size == d("7")) return true;
    }
    return false;
  }));
  EXPECT_EQ(h_.session().stats().resyncs, 1u);
}

TEST_P(FeedMatrix, heartbeat_keeps_alive_and_silence_reconnects) {
  FeedRules rules = quiet_rules(venue());
  rules.idle_timeout = 10s;
  if (venue() == Venue::hyperliquid) rules.app_ping_interval = 5s;  // the client pings
  start(rules);
  // Liveness messages keep a quiet connection open past the idle timeout.
  for (int i = 0; i < 3; ++i) {
    if (venue() == Venue::hyperliquid) {
      const std::size_t before = h_.session().stats().heartbeats;
      h_.clock().advance(5s);
      ASSERT_TRUE(wait_until([&] { return h_.session().stats().heartbeats > before; }));
    } else {
      h_.clock().advance(5s);
      send_heartbeat_and_wait();
    }
  }
  EXPECT_EQ(h_.sim().connections(), 1u);
  EXPECT_EQ(h_.session().stats().connects, 1u);
  if (venue() == Venue::hyperliquid) {
    EXPECT_EQ(h_.sim().app_pings(), 3u);
  }
  // Then the venue goes silent (half-open): the client drops it and reconnects.
  h_.sim().go_silent(0);
  h_.clock().advance(10s);
  ASSERT_TRUE(h_.advance_until([&] { return h_.sim().connections() == 2; }));
  wait_ready(1, 2);
  EXPECT_EQ(as_set(h_.sim().subscriptions(1)), expected_subscriptions(venue()));
  ASSERT_TRUE(wait_until([&] { return h_.session().stats().connects == 2; }));
  EXPECT_GE(h_.sink().count_state(FeedState::reconnecting), 1u);
  bool timeout_reported = false;
  for (const auto& e : h_.errors()) timeout_reported |= e.code == ErrorCode::timeout;
  EXPECT_TRUE(timeout_reported);
}

TEST_P(FeedMatrix, malformed_frame_is_counted_and_the_next_one_decodes) {
  start();
  h_.sink().clear();
  h_.sim().send_malformed(0);
  publish_data();
  ASSERT_TRUE(wait_until([&] { return h_.sink().count<Quote>() == 1; }));
  const auto stats = h_.session().stats();
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.resyncs, 0u) << "a malformed frame must not look like a sequence gap";
  EXPECT_EQ(h_.sim().connections(), 1u);
  const auto errors = h_.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, ErrorCode::parse_error) << errors[0].message;
  EXPECT_NE(errors[0].message.find("feed #0"), std::string::npos) << errors[0].message;
  // Unknown message types are counted and ignored.
  h_.sim().send_unknown_type(0);
  ASSERT_TRUE(wait_until([&] { return h_.session().stats().ignored == 1; }));
  EXPECT_EQ(h_.session().stats().rejected, 1u);
}

TEST_P(FeedMatrix, oversized_frame_fails_the_connection_and_it_resubscribes) {
  FeedRules rules = quiet_rules(venue());
  rules.max_message_bytes = 4096;
  start(rules);
  h_.sim().send_oversized(0, 8192);
  ASSERT_TRUE(h_.advance_until([&] { return h_.sim().connections() == 2; }));
  wait_ready(1, 2);
  EXPECT_EQ(as_set(h_.sim().subscriptions(1)), expected_subscriptions(venue()));
  ASSERT_TRUE(wait_until([&] { return h_.session().stats().connects == 2; }));
  EXPECT_EQ(h_.session().stats().rejected, 0u);  // never decoded
  // The new connection carries data.
  h_.sink().clear();
  publish_data();
  ASSERT_TRUE(wait_until([&] { return h_.sink().count<Quote>() == 1; }));
}

TEST_P(FeedMatrix, abrupt_drop_reconnects_and_resubscribes) {
  start();
  h_.sim().reset(0);
  ASSERT_TRUE(wait_until([&] { return h_.sink().count_state(FeedState::reconnecting) == 1; }));
  ASSERT_TRUE(h_.advance_until([&] { return h_.sim().connections() == 2; }));
  wait_ready(1, 2);  // every subscription replayed, the book snapshotted again
  EXPECT_EQ(as_set(h_.sim().subscriptions(1)), expected_subscriptions(venue()));
  EXPECT_EQ(h_.sim().subscribe_frames(1), subscribe_frames_for(venue()));
  ASSERT_TRUE(wait_until([&] { return h_.session().stats().connects == 2; }));
  if (has_book(venue())) {
    EXPECT_EQ(level_set(last_snapshot()), kDefaultBook);
  }
  h_.sink().clear();
  publish_data();
  ASSERT_TRUE(wait_until([&] { return h_.sink().count<Quote>() == 1; }));
  EXPECT_EQ(h_.sink().events().back().instrument, id_);
}

TEST_P(FeedMatrix, silent_instrument_is_marked_stale_and_fresh_again_on_data) {
  FeedRules rules = quiet_rules(venue());
  rules.stale_after = 2s;
  start(rules);
  // A heartbeat keeps a quiet book fresh (not for Hyperliquid: its only liveness is our ping).
  if (venue() != Venue::hyperliquid) {
    h_.clock().advance(1500ms);
    send_heartbeat_and_wait();
    h_.clock().advance(1500ms);
    EXPECT_FALSE(h_.session().is_stale(id_));
    EXPECT_EQ(h_.sink().count_state(FeedState::stale), 0u);
  }
  h_.clock().advance(2s);
  ASSERT_TRUE(wait_until([&] { return h_.session().is_stale(id_); }));
  EXPECT_EQ(h_.sink().count_state(FeedState::stale), 1u);
  EXPECT_EQ(h_.session().stats().stale_marks, 1u);
  h_.sink().clear();
  publish_data();
  ASSERT_TRUE(wait_until([&] { return !h_.session().is_stale(id_); }));
  ASSERT_TRUE(wait_until([&] { return h_.sink().count_state(FeedState::connected) == 1; }));
}

// A frame rejected while its contents are parsed still takes its place in the message_id
// sequence: the next good frame is not a gap, and a malformed v4_trades frame costs the books
// no resync (fixed: the codec used to return before recording the message_id).
TEST(FeedDydx, malformed_trade_frame_does_not_resync_books) {
  FeedHarness h(Venue::dydx);
  h.add(instrument_for(Venue::dydx));
  ASSERT_TRUE(h.start(quiet_rules(Venue::dydx)).ok());
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(0) == 2; }));
  ASSERT_TRUE(wait_until([&] { return h.sink().count<BookChange>() == 4; }));
  h.sim().send_malformed(0);
  h.sim().publish_book_update("BTC-USD", {{"50000.75", "1.25"}}, {});
  ASSERT_TRUE(wait_until([&] { return h.session().stats().rejected == 1; }));
  // The update after the refused frame applies as an update: the book kept its sync (after a
  // false gap it would be refused, and only a new snapshot would carry the level).
  ASSERT_TRUE(wait_until([&] {
    for (const auto& c : h.sink().bodies<BookChange>()) {
      if (!c.snapshot && c.price == d("50000.75") && c.size == d("1.25")) return true;
    }
    return false;
  })) << "resyncs "
      << h.session().stats().resyncs << ", unsubscribes " << h.sim().unsubscribe_frames(0);
  EXPECT_EQ(h.session().stats().resyncs, 0u);
  EXPECT_EQ(h.sink().count_state(FeedState::resyncing), 0u);
  EXPECT_EQ(h.sim().unsubscribe_frames(0), 0u);
}

const VenueCase kVenues[] = {
    {Venue::binance, "binance", "BTCUSDT"}, {Venue::coinbase, "coinbase", "BTC-USD"},
    {Venue::kraken, "kraken", "BTC/USD"},   {Venue::hyperliquid, "hyperliquid", "BTC"},
    {Venue::dydx, "dydx", "BTC-USD"},       {Venue::generic, "generic", "BTC-USD"},
};

INSTANTIATE_TEST_SUITE_P(Feeds, FeedMatrix, ::testing::ValuesIn(kVenues),
                         [](const ::testing::TestParamInfo<VenueCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace nzeza::venues::feed::test
