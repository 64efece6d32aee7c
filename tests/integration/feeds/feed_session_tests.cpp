// FeedSession behaviours beyond the per-venue matrix: pooling by subscription cap, pacing of
// control frames, planned reconnects (serverShutdown, connection age), Binance's REST snapshot
// procedure with a too-old snapshot, clock skew. Loopback sockets, ManualClock.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "integration/feeds/feed_harness.hpp"
#include "support/ws_server.hpp"

namespace nzeza::venues::feed::test {
namespace {

using namespace std::chrono_literals;

std::size_t count_prefix(const std::vector<std::string>& subs, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& s : subs) n += s.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

TEST(FeedPooling, dydx_33_markets_use_two_connections_within_32_per_channel) {
  FeedHarness h(Venue::dydx);
  for (std::uint32_t i = 0; i < 33; ++i) {
    h.add(instrument_for(Venue::dydx, "M" + std::to_string(i), i));
  }
  ASSERT_TRUE(h.start(quiet_rules(Venue::dydx)).ok());
  EXPECT_EQ(connections_needed(default_rules(Venue::dydx), 33), 2u);
  EXPECT_EQ(connections_needed(default_rules(Venue::dydx), 32), 1u);
  ASSERT_TRUE(wait_until([&] { return h.sim().connections() == 2; }));
  ASSERT_TRUE(
      wait_until([&] { return h.sim().subscribe_frames(0) + h.sim().subscribe_frames(1) == 66; }));
  EXPECT_EQ(h.session().stats().connections, 2u);
  std::set<std::string> books;
  for (std::size_t s = 0; s < 2; ++s) {
    const auto subs = h.sim().subscriptions(s);
    const std::size_t n_book = count_prefix(subs, "v4_orderbook:");
    const std::size_t n_trades = count_prefix(subs, "v4_trades:");
    EXPECT_LE(n_book, 32u) << "connection " << s;
    EXPECT_LE(n_trades, 32u) << "connection " << s;
    EXPECT_EQ(n_book, n_trades) << "connection " << s;
    for (const auto& sub : subs) {
      if (sub.rfind("v4_orderbook:", 0) == 0) books.insert(sub);
    }
  }
  EXPECT_EQ(books.size(), 33u);  // every market once
  EXPECT_EQ(count_prefix(h.sim().subscriptions(0), "v4_orderbook:") +
                count_prefix(h.sim().subscriptions(1), "v4_orderbook:"),
            33u);
}

TEST(FeedPooling, connections_needed_follows_each_venue_cap) {
  // Binance: 1024 streams per connection, 3 per instrument → 341 instruments per connection.
  EXPECT_EQ(connections_needed(default_rules(Venue::binance), 341), 1u);
  EXPECT_EQ(connections_needed(default_rules(Venue::binance), 342), 2u);
  // dYdX: 32 per channel per connection.
  EXPECT_EQ(connections_needed(default_rules(Venue::dydx), 64), 2u);
  EXPECT_EQ(connections_needed(default_rules(Venue::dydx), 65), 3u);
  // Hyperliquid: 900 subscriptions per connection, 3 per coin.
  EXPECT_EQ(connections_needed(default_rules(Venue::hyperliquid), 300), 1u);
  EXPECT_EQ(connections_needed(default_rules(Venue::hyperliquid), 301), 2u);
  // No cap: one connection; never zero.
  EXPECT_EQ(connections_needed(default_rules(Venue::coinbase), 5000), 1u);
  EXPECT_EQ(connections_needed(default_rules(Venue::kraken), 0), 1u);
}

TEST(FeedPacing, binance_frames_beyond_the_burst_wait_for_the_clock) {
  FeedSimOptions so;
  so.binance_first_diff = false;  // no books to sync here
  FeedHarness h(Venue::binance, so);
  std::vector<InstrumentId> ids;
  for (int i = 0; i < 300; ++i) {
    ids.push_back(h.add(instrument_for(Venue::binance, "C" + std::to_string(i))));
  }
  FeedRules rules = quiet_rules(Venue::binance);
  rules.control_per_second = 4;  // the default: 4 frames/s, burst 4
  rules.control_burst = 4;
  ASSERT_TRUE(h.start_with(rules, ids).ok());
  // 900 streams → 5 SUBSCRIBE frames of at most 200: 4 at once, the 5th a quarter second later.
  ASSERT_TRUE(wait_until([&] { return h.session().stats().control == 4; }));  // 4 acks back
  EXPECT_EQ(h.sim().subscribe_frames(0), 4u);
  EXPECT_EQ(h.sim().subscriptions(0).size(), 800u);
  h.clock().advance(249ms);
  EXPECT_EQ(h.sim().subscribe_frames(0), 4u);
  h.clock().advance(1ms);
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(0) == 5; }));
  ASSERT_TRUE(wait_until([&] { return h.sim().subscriptions(0).size() == 900u; }));
  EXPECT_EQ(h.session().stats().control_frames_sent, 5u);
  EXPECT_EQ(h.session().stats().connections, 1u);
}

TEST(FeedPlannedReconnect, binance_server_shutdown_reconnects_at_once_and_resubscribes) {
  FeedHarness h(Venue::binance);
  const InstrumentId id = h.add(instrument_for(Venue::binance));
  ASSERT_TRUE(h.start(quiet_rules(Venue::binance)).ok());
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(0) == 1; }));
  h.sim().send_server_shutdown(0);
  // No clock advance: a planned reconnect has no backoff.
  ASSERT_TRUE(wait_until([&] { return h.sim().connections() == 2; }));
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(1) == 1; }));
  EXPECT_EQ(
      h.sim().subscriptions(1),
      (std::vector<std::string>{"btcusdt@bookTicker", "btcusdt@depth@100ms", "btcusdt@trade"}));
  // The simulator has the second SUBSCRIBE; the session reads its ack later: wait for it.
  // Control frames: the first ack, the shutdown notice, the second ack.
  ASSERT_TRUE(wait_until([&] { return h.session().stats().control >= 3; }))
      << "control frames " << h.session().stats().control;
  const auto stats = h.session().stats();
  EXPECT_EQ(stats.control, 3u);
  EXPECT_EQ(stats.planned_reconnects, 1u);
  EXPECT_EQ(stats.connects, 2u);
  h.sim().publish_quote("BTCUSDT", {"50000.5", "1"}, {"50001.5", "1"});
  ASSERT_TRUE(wait_until([&] { return h.sink().count<Quote>() == 1; }));
  EXPECT_EQ(h.sink().bodies<Quote>()[0].bid, d("50000.5"));
  EXPECT_FALSE(h.session().is_stale(id));
}

std::string describe(FeedHarness& h) {
  std::string out = "state " + std::string(net::to_string(h.session().connection_states()[0])) +
                    " planned " + std::to_string(h.session().stats().planned_reconnects) +
                    " pending timers " + std::to_string(h.clock().pending_timers()) +
                    " close frames at server " +
                    std::to_string(h.sim().ws_server().close_codes().size()) + " errors:";
  for (const auto& e : h.errors()) out += " [" + e.message + "]";
  return out;
}

TEST(FeedPlannedReconnect, connection_age_limit_reconnects_before_the_venue_cut) {
  // No book to sync: a REST request in flight would time out on the advancing clock.
  FeedSimOptions so;
  so.binance_first_diff = false;
  FeedHarness h(Venue::binance, so);
  h.add(instrument_for(Venue::binance));
  FeedRules rules = quiet_rules(Venue::binance);
  rules.max_connection_age = 60s;
  ASSERT_TRUE(h.start(rules).ok());
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(0) == 1; }));
  // A planned reconnect needs a CONNECTED client: wait for it before the clock moves.
  const auto connected = [&] {
    return h.session().connection_states() ==
           std::vector<net::ConnectionState>{net::ConnectionState::connected};
  };
  ASSERT_TRUE(wait_until(connected));
  h.clock().advance(59s);
  EXPECT_EQ(h.sim().connections(), 1u);
  h.clock().advance(1s);
  ASSERT_TRUE(wait_until([&] { return h.sim().connections() == 2; }, 1000ms)) << describe(h);
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(1) == 1; }));
  EXPECT_EQ(h.session().stats().planned_reconnects, 1u);
  // The age counts again from the new connection.
  ASSERT_TRUE(wait_until([&] { return h.session().stats().connects == 2; }));
  ASSERT_TRUE(wait_until(connected));
  h.clock().advance(59s);
  EXPECT_EQ(h.sim().connections(), 2u);
  h.clock().advance(1s);
  ASSERT_TRUE(wait_until([&] { return h.sim().connections() == 3; }, 1000ms)) << describe(h);
  EXPECT_EQ(h.session().stats().planned_reconnects, 2u);
}

TEST(FeedBinanceSnapshot, too_old_snapshot_is_fetched_again_after_the_retry_delay) {
  FeedHarness h(Venue::binance);
  h.add(instrument_for(Venue::binance));
  h.sim().serve_stale_snapshots(1);
  ASSERT_TRUE(h.start(quiet_rules(Venue::binance)).ok());
  ASSERT_TRUE(wait_until([&] { return h.sim().snapshot_requests() == 1; }));
  ASSERT_TRUE(wait_until([&] { return h.session().stats().snapshot_requests == 1; }));
  // lastUpdateId 1 < the first buffered diff's U (1001): refused, fetched again after 1 s.
  EXPECT_EQ(h.session().stats().snapshots_applied, 0u);
  EXPECT_EQ(h.sink().count<BookChange>(), 0u);
  ASSERT_TRUE(h.advance_until([&] { return h.sim().snapshot_requests() == 2; }, 1s, 3));
  ASSERT_TRUE(wait_until([&] { return h.session().stats().snapshots_applied == 1; }));
  EXPECT_EQ(h.session().stats().snapshot_requests, 2u);
  const auto changes = h.sink().bodies<BookChange>();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_TRUE(changes.front().snapshot && changes.front().reset);
  EXPECT_EQ(changes.front().sequence, 1001u);
  EXPECT_EQ(level_set(changes), (std::multiset<LevelKey>{{Side::buy, d("50000.5"), d("1")},
                                                         {Side::buy, d("49999.5"), d("2")},
                                                         {Side::sell, d("50001.5"), d("1")},
                                                         {Side::sell, d("50002.5"), d("2")}}));
  // Synced: the next diff (U 1002) applies.
  h.sim().publish_book_update("BTCUSDT", {{"49999.5", "0"}}, {});
  ASSERT_TRUE(wait_until([&] { return h.sink().count<BookChange>() == 5; }));
  EXPECT_EQ(h.sink().bodies<BookChange>().back().sequence, 1002u);
}

TEST(FeedSkew, venue_time_behind_the_receive_time_is_measured) {
  FeedSimOptions so;
  ManualClock* clock = nullptr;
  so.now = [&clock] { return clock->now() - 1500ms; };
  FeedHarness h(Venue::generic, so);
  clock = &h.clock();
  h.add(instrument_for(Venue::generic));
  ASSERT_TRUE(h.start(quiet_rules(Venue::generic)).ok());
  ASSERT_TRUE(wait_until([&] { return h.sim().subscribe_frames(0) == 1; }));
  h.sim().publish_quote("BTC-USD", {"50000.5", "0"}, {"50000.5", "0"});
  ASSERT_TRUE(wait_until([&] { return h.sink().count<Quote>() == 1; }));
  const auto stats = h.session().stats();
  EXPECT_EQ(stats.last_skew_ms, 1500);
  EXPECT_EQ(stats.max_skew_ms, 1500);
}

TEST(FeedStart, refuses_no_instruments_and_a_foreign_instrument) {
  FeedHarness h(Venue::kraken);
  auto none = h.start_with(quiet_rules(Venue::kraken), {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::invalid_argument);
  FeedHarness h2(Venue::kraken);
  const InstrumentId other = h2.add(instrument_for(Venue::coinbase));
  auto s = h2.start_with(quiet_rules(Venue::kraken), {other});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(s.error().message.find("belongs to coinbase"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace nzeza::venues::feed::test
