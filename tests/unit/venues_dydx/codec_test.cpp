// DydxCodec with messages written here in the indexer's format (own values): subscribe text,
// connected, orderbook snapshot + updates, message_id gap → resync, uncrossing, top of book
// from the book, trades (live vs subscribe history), oracle prices for every market, batched
// data, errors, malformed, oversized and unknown frames.
#include "venues/dydx/codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "dydx_test_support.hpp"

namespace nzeza::venues::dydx {
namespace {

using test::CollectingSink;
using test::Registry;

class DydxCodecTest : public ::testing::Test {
 protected:
  DydxCodecTest() : codec_(DydxCodec::create(reg_.registry).value()) {}
  Result<DecodeResult> decode(const std::string& frame) {
    return codec_.decode_unpadded(frame, Timestamp::from_seconds(1'715'000'000), sink_);
  }
  std::string snapshot(std::int64_t message_id, const char* market = "BTC-USD") {
    return R"({"type":"subscribed","connection_id":"c1","message_id":)" +
           std::to_string(message_id) + R"(,"channel":"v4_orderbook","id":")" + market +
           R"(","contents":{"bids":[{"price":"61000","size":"0.5"},{"price":"60990","size":"1.2"}],"asks":[{"price":"61010","size":"0.3"},{"price":"61020","size":"2"}]}})";
  }
  std::string update(std::int64_t message_id, const char* bids, const char* asks,
                     const char* market = "BTC-USD") {
    return R"({"type":"channel_data","connection_id":"c1","message_id":)" +
           std::to_string(message_id) + R"(,"id":")" + market +
           R"(","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":)" + bids +
           R"(,"asks":)" + asks + "}}";
  }
  Registry reg_;
  DydxCodec codec_;
  CollectingSink sink_;
};

TEST_F(DydxCodecTest, builds_per_market_subscribe_and_the_markets_subscribe) {
  EXPECT_EQ(codec_.subscribe_message(Channel::orderbook, reg_.btc).value(),
            R"({"type":"subscribe","channel":"v4_orderbook","id":"BTC-USD","batched":false})");
  EXPECT_EQ(codec_.subscribe_message(Channel::trades, reg_.eth).value(),
            R"({"type":"subscribe","channel":"v4_trades","id":"ETH-USD","batched":false})");
  EXPECT_EQ(codec_.subscribe_message(Channel::markets, InstrumentId{}).value(),
            R"({"type":"subscribe","channel":"v4_markets","batched":false})");
  EXPECT_EQ(codec_.unsubscribe_message(Channel::orderbook, reg_.btc).value(),
            R"({"type":"unsubscribe","channel":"v4_orderbook","id":"BTC-USD"})");
  EXPECT_EQ(codec_.subscribe_message(Channel::trades, InstrumentId{}).error().code,
            ErrorCode::not_found);
}

TEST_F(DydxCodecTest, snapshot_then_updates_build_the_book_and_a_top_of_book_quote) {
  ASSERT_EQ(decode(R"({"type":"connected","connection_id":"c1","message_id":0})")->kind,
            FrameKind::connected);
  auto r = decode(snapshot(1));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(sink_.count<BookChange>(), 4u);
  ASSERT_EQ(sink_.count<Quote>(), 1u);
  const auto& q = std::get<Quote>(sink_.events.back().body);
  EXPECT_EQ(q.bid, "61000"_d);
  EXPECT_EQ(q.ask, "61010"_d);
  EXPECT_EQ(q.ask_size, "0.3"_d);
  const auto& first = std::get<BookChange>(sink_.events[0].body);
  EXPECT_TRUE(first.snapshot && first.reset);
  EXPECT_EQ(first.sequence, 1u);

  sink_.events.clear();
  auto u = decode(update(2, R"([["61000","0.8","101"],["60995","1"]])", R"([["61010","0"]])"));
  ASSERT_TRUE(u.ok()) << u.error().to_string();
  EXPECT_EQ(sink_.count<BookChange>(), 3u);
  ASSERT_EQ(sink_.count<Quote>(), 1u);
  EXPECT_EQ(std::get<Quote>(sink_.events.back().body).ask, "61020"_d);
  const market::OrderBook* book = codec_.book(reg_.btc);
  EXPECT_TRUE(book->synced());
  EXPECT_EQ(book->bids().size(), 3u);
  EXPECT_EQ(book->best_bid()->size, "0.8"_d);
  EXPECT_EQ(book->asks().size(), 1u);
  EXPECT_EQ(book->last_sequence(), 2u);
}

TEST_F(DydxCodecTest, a_snapshot_listing_asks_first_is_read_raw_and_its_events_keep_wire_order) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  const auto raw_before = codec_.stats().raw_frames;
  auto r = decode(
      R"({"type":"subscribed","connection_id":"c1","message_id":2,"channel":"v4_orderbook","id":"BTC-USD","contents":{"asks":[{"price":"61011","size":"0.4"},{"price":"61012","size":"0"},{"price":"61015","size":"1"}],"bids":[{"price":"61001","size":"0.7"}]}})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(codec_.stats().raw_frames, raw_before + 1);  // the raw path took it
  ASSERT_EQ(sink_.count<BookChange>(), 3u);              // the size-0 level is no level
  ASSERT_EQ(r->events, 4u);                              // and the new top's Quote
  const auto& a0 = std::get<BookChange>(sink_.events[0].body);
  const auto& a1 = std::get<BookChange>(sink_.events[1].body);
  const auto& b0 = std::get<BookChange>(sink_.events[2].body);
  EXPECT_EQ(a0.side, Side::sell);
  EXPECT_EQ(a0.price, "61011"_d);
  EXPECT_TRUE(a0.snapshot && a0.reset && !a0.last);
  EXPECT_EQ(a1.price, "61015"_d);
  EXPECT_FALSE(a1.reset || a1.last);
  EXPECT_EQ(b0.side, Side::buy);
  EXPECT_EQ(b0.size, "0.7"_d);
  EXPECT_TRUE(b0.last && !b0.reset);
  EXPECT_EQ(b0.sequence, 2u);
  EXPECT_EQ(sink_.events[0].instrument, reg_.btc);
  EXPECT_TRUE(std::holds_alternative<Quote>(sink_.events[3].body));
  const market::OrderBook* book = codec_.book(reg_.btc);
  ASSERT_EQ(book->asks().size(), 2u);
  ASSERT_EQ(book->bids().size(), 1u);  // the earlier snapshot's levels are gone
  EXPECT_EQ(book->last_sequence(), 2u);
  EXPECT_TRUE(book->synced());
}

TEST_F(DydxCodecTest, a_snapshot_the_stage_does_not_take_is_decoded_by_the_reference_path) {
  // A repeated price (the last wins in the book, both are events) and a crossed snapshot (the
  // bids yield): the raw path gives them up before touching the book.
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  const auto raw_before = codec_.stats().raw_frames;
  auto r = decode(
      R"({"type":"subscribed","connection_id":"c1","message_id":2,"channel":"v4_orderbook","id":"BTC-USD","contents":{"bids":[{"price":"61000","size":"1"},{"price":"61000","size":"2"}],"asks":[{"price":"61010","size":"1"}]}})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(codec_.stats().raw_frames, raw_before);
  EXPECT_EQ(sink_.count<BookChange>(), 3u);
  EXPECT_EQ(codec_.book(reg_.btc)->best_bid()->size, "2"_d);

  sink_.events.clear();
  r = decode(
      R"({"type":"subscribed","connection_id":"c1","message_id":3,"channel":"v4_orderbook","id":"BTC-USD","contents":{"bids":[{"price":"61020","size":"1"},{"price":"61000","size":"1"}],"asks":[{"price":"61010","size":"1"}]}})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(codec_.stats().raw_frames, raw_before);
  EXPECT_EQ(sink_.count<BookChange>(), 4u);  // 3 levels and the crossing bid removed
  EXPECT_EQ(codec_.book(reg_.btc)->best_bid()->price, "61000"_d);
  EXPECT_FALSE(codec_.book(reg_.btc)->crossed());
}

TEST_F(DydxCodecTest, an_unchanged_top_emits_no_new_quote) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  ASSERT_TRUE(decode(update(2, R"([["60900","5"]])", "[]")).ok());
  EXPECT_EQ(sink_.count<BookChange>(), 1u);
  EXPECT_EQ(sink_.count<Quote>(), 0u);
}

TEST_F(DydxCodecTest, a_message_id_jump_marks_every_book_for_resync) {
  ASSERT_TRUE(decode(R"({"type":"connected","connection_id":"c1","message_id":0})").ok());
  ASSERT_TRUE(decode(snapshot(1, "BTC-USD")).ok());
  ASSERT_TRUE(decode(snapshot(2, "ETH-USD")).ok());
  sink_.events.clear();
  auto r = decode(update(4, R"([["61000","0.8"]])", "[]"));  // 3 was lost
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->gap);
  EXPECT_EQ(r->resyncs, 2u);
  EXPECT_EQ(sink_.count<VenueStatus>(), 2u);
  EXPECT_EQ(sink_.count<BookChange>(), 0u);
  EXPECT_EQ(codec_.stats().gaps, 1u);
  EXPECT_EQ(codec_.books_needing_resync().size(), 2u);
  EXPECT_EQ(codec_.stats().updates_while_unsynced, 1u);
  // Resubscribing gives a fresh snapshot; the next message continues from 4.
  ASSERT_TRUE(decode(snapshot(5)).ok());
  EXPECT_TRUE(codec_.book(reg_.btc)->synced());
  EXPECT_EQ(codec_.book(reg_.eth)->state(), market::BookSyncState::needs_resync);
}

TEST_F(DydxCodecTest, reconnect_restarts_the_message_id_count) {
  ASSERT_TRUE(decode(snapshot(7)).ok());
  codec_.on_reconnect();
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::awaiting_snapshot);
  ASSERT_TRUE(decode(R"({"type":"connected","connection_id":"c2","message_id":0})").ok());
  auto r = decode(snapshot(1));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->gap);
  EXPECT_TRUE(codec_.book(reg_.btc)->synced());
}

TEST_F(DydxCodecTest, a_crossing_update_removes_the_levels_it_crosses) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  // A bid at 61015 crosses the ask at 61010: the newer bid wins, 61010 is removed.
  auto r = decode(update(2, R"([["61015","0.4"]])", "[]"));
  ASSERT_TRUE(r.ok());
  const market::OrderBook* book = codec_.book(reg_.btc);
  EXPECT_FALSE(book->crossed());
  EXPECT_TRUE(book->synced());
  EXPECT_EQ(book->best_bid()->price, "61015"_d);
  EXPECT_EQ(book->best_ask()->price, "61020"_d);
  EXPECT_EQ(codec_.stats().uncrossed_levels, 1u);
  ASSERT_EQ(sink_.count<BookChange>(), 2u);
  const auto& del = std::get<BookChange>(sink_.events[1].body);
  EXPECT_EQ(del.side, Side::sell);
  EXPECT_EQ(del.price, "61010"_d);
  EXPECT_TRUE(del.size.is_zero());
}

TEST_F(DydxCodecTest, a_change_crossing_mid_update_is_followed_by_its_deletes_then_the_rest) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  const auto raw_before = codec_.stats().raw_frames;
  // The second bid crosses the ask at 61010 (the first sets no best, the third is deeper).
  auto r = decode(update(2, R"([["60995","1"],["61015","0.4"],["60980","2"]])",
                         R"([["61030","1"],["61020","0"]])"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(codec_.stats().raw_frames, raw_before + 1);  // the raw path took it
  const market::OrderBook* book = codec_.book(reg_.btc);
  EXPECT_FALSE(book->crossed());
  EXPECT_EQ(book->last_sequence(), 2u);
  EXPECT_EQ(book->best_ask()->price, "61030"_d);
  EXPECT_EQ(codec_.stats().uncrossed_levels, 1u);
  std::vector<BookChange> changes;
  for (const auto& e : sink_.events) {
    if (const auto* c = std::get_if<BookChange>(&e.body)) changes.push_back(*c);
  }
  const std::vector<std::pair<Side, Decimal>> expected = {
      {Side::buy, "60995"_d}, {Side::buy, "61015"_d},  {Side::sell, "61010"_d},
      {Side::buy, "60980"_d}, {Side::sell, "61030"_d}, {Side::sell, "61020"_d}};
  ASSERT_EQ(changes.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(changes[i].side, expected[i].first) << i;
    EXPECT_EQ(changes[i].price, expected[i].second) << i;
    EXPECT_EQ(changes[i].sequence, 2u) << i;
  }
  EXPECT_TRUE(changes[2].size.is_zero());  // the crossed ask, removed
  // The next update applies on the uncrossed book.
  ASSERT_TRUE(decode(update(3, R"([["61015","0"]])", "[]")).ok());
  EXPECT_EQ(book->best_bid()->price, "61000"_d);
}

TEST_F(DydxCodecTest, message_ids_of_any_length_on_the_raw_path_follow_each_other_without_a_gap) {
  // 1..7 digits are read from one 8-byte load, longer ones digit by digit: both in sequence.
  ASSERT_TRUE(decode(snapshot(9'999'998)).ok());
  const auto raw_before = codec_.stats().raw_frames;
  for (const std::int64_t id : {9'999'999LL, 10'000'000LL, 10'000'001LL}) {
    auto r = decode(update(id, R"([["61000","0.7"]])", "[]"));
    ASSERT_TRUE(r.ok()) << id;
    EXPECT_FALSE(r->gap) << id;
    EXPECT_EQ(codec_.book(reg_.btc)->last_sequence(), static_cast<std::uint64_t>(id));
  }
  EXPECT_EQ(codec_.stats().raw_frames, raw_before + 3);
  EXPECT_EQ(codec_.stats().gaps, 0u);
  // A gap is still one.
  auto r = decode(update(10'000'003, R"([["61000","0.8"]])", "[]"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->gap);
}

TEST_F(DydxCodecTest, updates_of_markets_alternating_on_the_raw_path_each_reach_their_own_book) {
  // The raw path keeps its last market beside the symbol cache: a market of the same length,
  // an unknown one and one without a book yet are each still told apart.
  ASSERT_TRUE(decode(snapshot(1, "BTC-USD")).ok());
  ASSERT_TRUE(decode(update(2, R"([["61001","1"]])", "[]", "BTC-USD")).ok());
  ASSERT_TRUE(decode(update(3, R"([["3001","1"]])", "[]", "ETH-USD")).ok());  // no book yet
  EXPECT_EQ(codec_.stats().updates_while_unsynced, 1u);
  EXPECT_EQ(codec_.book(reg_.eth), nullptr);
  ASSERT_TRUE(decode(snapshot(4, "ETH-USD")).ok());
  ASSERT_TRUE(decode(update(5, R"([["61002","1"]])", "[]", "BTC-USD")).ok());
  ASSERT_TRUE(decode(update(6, R"([["61003","1"]])", "[]", "SOL-USD")).ok());  // unknown
  EXPECT_EQ(codec_.stats().unknown_symbol, 1u);
  sink_.events.clear();
  const auto raw_before = codec_.stats().raw_frames;
  for (int i = 0; i < 6; ++i) {
    const bool btc = i % 2 == 0;
    const std::string price = std::to_string(61004 + i);
    const std::string bids = R"([[")" + price + R"(","1"]])";
    auto r = decode(update(7 + i, bids.c_str(), "[]", btc ? "BTC-USD" : "ETH-USD"));
    ASSERT_TRUE(r.ok()) << i;
    EXPECT_FALSE(r->gap) << i;
    EXPECT_EQ(codec_.book(btc ? reg_.btc : reg_.eth)->best_bid()->price,
              Decimal::parse(price).value())
        << i;
    EXPECT_EQ(codec_.book(btc ? reg_.btc : reg_.eth)->last_sequence(),
              static_cast<std::uint64_t>(7 + i));
  }
  EXPECT_EQ(codec_.stats().raw_frames, raw_before + 6);
  // Every change (and the quote after it) names the market of its own frame.
  std::size_t changes = 0;
  for (const auto& e : sink_.events) {
    const auto* c = std::get_if<BookChange>(&e.body);
    if (c == nullptr) continue;
    const bool btc = (c->sequence - 7) % 2 == 0;
    EXPECT_EQ(e.instrument, btc ? reg_.btc : reg_.eth) << c->sequence;
    ++changes;
  }
  EXPECT_EQ(changes, 6u);
  EXPECT_EQ(codec_.book(reg_.btc)->best_bid()->price, "61008"_d);
  EXPECT_EQ(codec_.book(reg_.eth)->best_bid()->price, "61009"_d);
}

TEST_F(DydxCodecTest, header_values_changing_length_between_frames_stay_on_the_raw_path) {
  // The raw update path takes each header value's end where the last frame's was when it is
  // there: a connection id, message_id (across 99 -> 100, padded or not), market id or version
  // of another length is read where it ends, and the frame is still the raw path's.
  ASSERT_TRUE(decode(snapshot(95, "BTC-USD")).ok());
  const char* const conns[] = {"c1", "0b2f7a3c-1d2e-4f50-8a9b-0c1d2e3f4a5b", "c12"};
  const char* const versions[] = {"1.0.0", "1.0.10", "2"};
  const char* const pads[] = {"", "   "};
  const auto raw_before = codec_.stats().raw_frames;
  std::int64_t best = 0;
  for (int i = 0; i < 14; ++i) {
    const std::int64_t message_id = 96 + i;
    const bool doge = i % 4 == 3;  // an unknown market, an id of another length
    const std::string price = std::to_string(61004 + i);
    const std::string frame =
        std::string(R"({"type":"channel_data","connection_id":")") + conns[i % 3] +
        R"(","message_id":)" + pads[(i / 3) % 2] + std::to_string(message_id) + R"(,"id":")" +
        (doge ? "DOGE-USD" : "BTC-USD") + R"(","channel":"v4_orderbook",)" + R"("version":")" +
        versions[(i / 2) % 3] + R"(","contents":{"bids":[[")" + price + R"(","1","7"]]}})";
    auto r = decode(frame);
    ASSERT_TRUE(r.ok()) << frame;
    EXPECT_FALSE(r->gap) << frame;
    if (!doge) best = 61004 + i;
    EXPECT_EQ(codec_.book(reg_.btc)->best_bid()->price, Decimal::from_integer(best)) << frame;
  }
  EXPECT_EQ(codec_.stats().raw_frames, raw_before + 14);
  EXPECT_EQ(codec_.stats().unknown_symbol, 3u);
  EXPECT_EQ(codec_.book(reg_.btc)->last_sequence(), 109u);
}

TEST_F(DydxCodecTest, live_trades_are_emitted_and_subscribe_history_is_not) {
  auto hist = decode(
      R"({"type":"subscribed","connection_id":"c1","message_id":1,"channel":"v4_trades","id":"ETH-USD","contents":{"trades":[{"id":"t-1","side":"BUY","size":"1","price":"3000","type":"LIMIT","createdAt":"2024-05-06T12:00:00.000Z","createdAtHeight":"100"}]}})");
  ASSERT_TRUE(hist.ok()) << hist.error().to_string();
  EXPECT_EQ(hist->events, 0u);
  EXPECT_EQ(codec_.stats().history_trades_skipped, 1u);
  auto live = decode(
      R"({"type":"channel_data","connection_id":"c1","message_id":2,"id":"ETH-USD","channel":"v4_trades","version":"2.1.0","contents":{"trades":[{"id":"8f1c3a2e-0000-4000-8000-000000000001","side":"SELL","size":"0.25","price":"3001.5","type":"LIMIT","createdAt":"2024-05-06T12:00:01.500Z","createdAtHeight":"101"}]}})");
  ASSERT_TRUE(live.ok()) << live.error().to_string();
  ASSERT_EQ(sink_.events.size(), 1u);
  const auto& t = std::get<Trade>(sink_.events[0].body);
  EXPECT_EQ(t.aggressor, Side::sell);
  EXPECT_EQ(t.price, "3001.5"_d);
  EXPECT_EQ(t.size, "0.25"_d);
  EXPECT_EQ(t.trade_id.view(), "8f1c3a2e-0000-4000-8000-000000000001");
  EXPECT_EQ(sink_.events[0].venue_time, Timestamp::parse_iso8601("2024-05-06T12:00:01.5Z").value());
  EXPECT_EQ(sink_.events[0].instrument, reg_.eth);
}

TEST_F(DydxCodecTest, oracle_prices_are_read_for_every_market_not_only_the_first) {
  auto r = decode(
      R"({"type":"channel_data","connection_id":"c1","message_id":3,"channel":"v4_markets","version":"1.0.0","contents":{"oraclePrices":{"AAVE-USD":{"oraclePrice":"90.1","effectiveAt":"2024-05-06T12:00:00.000Z","effectiveAtHeight":"5","marketId":9},"BTC-USD":{"oraclePrice":"61005.25","effectiveAt":"2024-05-06T12:00:00.000Z","effectiveAtHeight":"5","marketId":0},"ETH-USD":{"oraclePrice":"3000.75","effectiveAt":"2024-05-06T12:00:00.000Z","effectiveAtHeight":"5","marketId":1}}}})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->oracle_prices, 2u);
  EXPECT_EQ(codec_.stats().unknown_symbol, 1u);  // AAVE-USD is not in the registry
  ASSERT_TRUE(codec_.oracle_price(reg_.btc).has_value());
  EXPECT_EQ(codec_.oracle_price(reg_.btc)->price, "61005.25"_d);
  EXPECT_EQ(codec_.oracle_price(reg_.eth)->price, "3000.75"_d);
  EXPECT_EQ(codec_.oracle_price(reg_.eth)->effective_at,
            Timestamp::parse_iso8601("2024-05-06T12:00:00Z").value());
  auto snap = decode(
      R"({"type":"subscribed","connection_id":"c1","message_id":4,"channel":"v4_markets","contents":{"markets":{"BTC-USD":{"ticker":"BTC-USD","status":"ACTIVE","oraclePrice":"61100","clobPairId":"0"},"ETH-USD":{"ticker":"ETH-USD","status":"ACTIVE","oraclePrice":"3010","clobPairId":"1"}}}})");
  ASSERT_TRUE(snap.ok()) << snap.error().to_string();
  EXPECT_EQ(codec_.oracle_price(reg_.btc)->price, "61100"_d);
  EXPECT_EQ(codec_.oracle_price(reg_.eth)->price, "3010"_d);
}

TEST_F(DydxCodecTest, batched_updates_are_applied_in_order) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  auto r = decode(
      R"({"type":"channel_batch_data","connection_id":"c1","message_id":2,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":[{"bids":[["61000","0.9"]]},{"asks":[["61010","0.1"]]},{"bids":[["61000","0.7"]]}]})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(sink_.count<BookChange>(), 3u);
  EXPECT_EQ(codec_.book(reg_.btc)->best_bid()->size, "0.7"_d);
  EXPECT_EQ(codec_.book(reg_.btc)->best_ask()->size, "0.1"_d);
}

TEST_F(DydxCodecTest, rejects_malformed_frames_and_keeps_going) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  const std::string bad[] = {
      "{",
      R"({"type":"channel_data","message_id":2,"channel":"v4_trades","id":"BTC-USD","contents":{"trades":[{"id":"a","side":"HOLD","size":"1","price":"1"}]}})",
      R"({"type":"channel_data","message_id":3,"contents":{},"channel":"v4_trades"})",
      R"({"type":"channel_data","message_id":"two","channel":"v4_trades","id":"BTC-USD","contents":{}})",
  };
  for (const auto& frame : bad) {
    auto r = decode(frame);
    ASSERT_FALSE(r.ok()) << frame;
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
    EXPECT_NE(r.error().message.find("dydx: "), std::string::npos);
  }
  EXPECT_EQ(codec_.stats().malformed, std::size(bad));
  EXPECT_TRUE(sink_.events.empty());
  // The refused frames kept their place in the message_id sequence: the next good frame is no
  // gap, and the book (untouched by refused trade frames) stays in use.
  auto next = decode(update(4, R"([["61000","1"]])", "[]"));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->gap);
  EXPECT_EQ(codec_.stats().gaps, 0u);
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::synced);
}

TEST_F(DydxCodecTest, a_refused_book_update_resyncs_that_book_only) {
  ASSERT_TRUE(decode(snapshot(1)).ok());
  sink_.events.clear();
  const std::string bad[] = {
      update(2, R"([["-5","1"]])", "[]"),
      update(3, R"([["61000"]])", "[]"),
      update(4, R"([["61000","x"]])", "[]"),
  };
  auto r = decode(bad[0]);
  ASSERT_FALSE(r.ok());
  // The update could not be applied: the book is behind, marked for a resubscribe, and its
  // RESYNCING status is delivered although the frame is refused.
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::needs_resync);
  EXPECT_EQ(codec_.books_needing_resync(), (std::vector<InstrumentId>{reg_.btc}));
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink_.events[0].body).state, FeedState::resyncing);
  for (std::size_t i = 1; i < std::size(bad); ++i) EXPECT_FALSE(decode(bad[i]).ok());
  EXPECT_EQ(codec_.stats().gaps, 0u);
  // A fresh `subscribed` snapshot brings it back.
  ASSERT_TRUE(decode(snapshot(5)).ok());
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::synced);
}

TEST_F(DydxCodecTest, refuses_an_oversized_frame) {
  DydxCodecConfig cfg;
  cfg.max_frame_bytes = 4096;
  auto small = DydxCodec::create(reg_.registry, cfg).value();
  std::string big = R"({"type":"connected","pad":")" + std::string(8192, 'x') + "\"}";
  auto r = small.decode_unpadded(big, Timestamp::from_seconds(1), sink_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeds the limit of 4096"), std::string::npos);
  EXPECT_EQ(small.stats().oversized, 1u);
}

TEST_F(DydxCodecTest, errors_unsubscribes_unknown_channels_and_markets) {
  auto err = decode(
      R"({"type":"error","message":"Invalid subscribe message: channel is not valid","connection_id":"c1","message_id":1})");
  EXPECT_EQ(err->kind, FrameKind::venue_error);
  EXPECT_EQ(codec_.last_venue_error(), "Invalid subscribe message: channel is not valid");
  EXPECT_EQ(
      decode(
          R"({"type":"unsubscribed","connection_id":"c1","message_id":2,"channel":"v4_trades","id":"BTC-USD"})")
          ->kind,
      FrameKind::unsubscribed);
  EXPECT_EQ(
      decode(
          R"({"type":"channel_data","connection_id":"c1","message_id":3,"id":"v4_block_height","channel":"v4_block_height","contents":{"blockHeight":"5"}})")
          ->kind,
      FrameKind::ignored);
  auto unknown = decode(snapshot(4, "DOGE-USD"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->events, 0u);
  EXPECT_EQ(codec_.stats().unknown_symbol, 1u);
  EXPECT_EQ(codec_.stats().unknown_type, 1u);
  EXPECT_EQ(codec_.stats().gaps, 0u);
}

TEST_F(DydxCodecTest, book_depth_outside_the_venue_limits_is_refused_naming_the_range) {
  DydxCodecConfig cfg;
  cfg.max_book_depth = kBookLimits.min_depth - 1;
  auto r = DydxCodec::create(reg_.registry, cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "dydx codec: max_book_depth must be in [10, 100000], got 9");
  cfg.max_book_depth = kBookLimits.max_depth;
  EXPECT_TRUE(DydxCodec::create(reg_.registry, cfg).ok());
}

}  // namespace
}  // namespace nzeza::venues::dydx
