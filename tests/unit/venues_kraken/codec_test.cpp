// KrakenCodec with messages written here in Kraken v2's format (own values): subscribe and
// ping text, ticker, trades, book snapshot and updates with checksums computed independently
// (zlib over the wire text), checksum mismatch and crossed book → resync, truncation to the
// subscribed depth, malformed, oversized and unknown frames, acks, heartbeats and status.
#include "venues/kraken/codec.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kraken_test_support.hpp"

namespace nzeza::venues::kraken {
namespace {

using test::CollectingSink;
using test::Registry;

struct Level {
  std::string price;  // wire text
  std::string qty;
};

std::string strip(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '.') continue;
    if (out.empty() && c == '0') continue;
    out += c;
  }
  return out;
}

// Kraken's rule, written independently of the codec: asks low→high then bids high→low, top 10.
std::uint32_t expected_checksum(const std::vector<Level>& asks, const std::vector<Level>& bids) {
  std::string text;
  for (std::size_t i = 0; i < asks.size() && i < 10; ++i)
    text += strip(asks[i].price) + strip(asks[i].qty);
  for (std::size_t i = 0; i < bids.size() && i < 10; ++i)
    text += strip(bids[i].price) + strip(bids[i].qty);
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

std::string levels_json(const std::vector<Level>& levels) {
  std::string out = "[";
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i) out += ',';
    out += "{\"price\":" + levels[i].price + ",\"qty\":" + levels[i].qty + "}";
  }
  return out + "]";
}

std::string book_frame(const char* type, const std::string& symbol, const std::vector<Level>& bids,
                       const std::vector<Level>& asks, std::uint32_t checksum) {
  return std::string("{\"channel\":\"book\",\"type\":\"") + type + "\",\"data\":[{\"symbol\":\"" +
         symbol + "\",\"bids\":" + levels_json(bids) + ",\"asks\":" + levels_json(asks) +
         ",\"checksum\":" + std::to_string(checksum) +
         ",\"timestamp\":\"2024-03-01T10:00:00.250000Z\"}]}";
}

class KrakenCodecTest : public ::testing::Test {
 protected:
  KrakenCodecTest() : codec_(KrakenCodec::create(reg_.registry).value()) {}

  Result<DecodeResult> decode(const std::string& frame) {
    return codec_.decode_unpadded(frame, Timestamp::from_seconds(1'709'287'200), sink_);
  }

  // A synced BTC/USD book: bids 50000.0/49999.5, asks 50000.5/50001.0.
  void snapshot() {
    bids_ = {{"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}};
    asks_ = {{"50000.5", "0.75000000"}, {"50001.0", "2.00000000"}};
    auto r =
        decode(book_frame("snapshot", "BTC/USD", bids_, asks_, expected_checksum(asks_, bids_)));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    sink_.events.clear();
  }

  Registry reg_;
  KrakenCodec codec_;
  CollectingSink sink_;
  std::vector<Level> bids_;
  std::vector<Level> asks_;
};

TEST_F(KrakenCodecTest, builds_book_subscribe_with_depth_snapshot_and_req_id) {
  const InstrumentId ids[] = {reg_.btc, reg_.eth};
  auto msg = codec_.subscribe_message(Channel::book, ids, 7);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(*msg,
            "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\","
            "\"ETH/USD\"],\"depth\":10,\"snapshot\":true},\"req_id\":7}");
}

TEST_F(KrakenCodecTest, builds_ticker_and_trade_subscribes_and_an_unsubscribe) {
  const InstrumentId ids[] = {reg_.btc};
  EXPECT_EQ(codec_.subscribe_message(Channel::ticker, ids, 1).value(),
            "{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/"
            "USD\"],\"snapshot\":true},\"req_id\":1}");
  EXPECT_EQ(codec_.subscribe_message(Channel::trade, ids, 2).value(),
            "{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/"
            "USD\"],\"snapshot\":false},\"req_id\":2}");
  EXPECT_EQ(codec_.unsubscribe_message(Channel::book, ids, 3).value(),
            "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/"
            "USD\"],\"depth\":10},\"req_id\":3}");
  EXPECT_EQ(KrakenCodec::ping_message(101), "{\"method\":\"ping\",\"req_id\":101}");
}

TEST_F(KrakenCodecTest, refuses_a_subscribe_without_instruments_or_with_a_foreign_one) {
  EXPECT_EQ(codec_.subscribe_message(Channel::book, {}, 1).error().code,
            ErrorCode::invalid_argument);
  const InstrumentId unknown[] = {InstrumentId{99}};
  auto r = codec_.subscribe_message(Channel::book, unknown, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("99"), std::string::npos);
}

TEST_F(KrakenCodecTest, refuses_a_depth_kraken_does_not_offer) {
  KrakenCodecConfig cfg;
  cfg.book_depth = 15;
  auto r = KrakenCodec::create(reg_.registry, cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("book_depth"), std::string::npos);
}

TEST_F(KrakenCodecTest, decodes_a_ticker_into_an_exact_quote) {
  auto r = decode(
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":61234.5,"bid_qty":0.01250000,"ask":61234.6,"ask_qty":3.10000000,"last":61234.6,"volume":812.5,"vwap":61000.1,"low":60000.0,"high":62000.0,"change":12.5,"change_pct":0.02,"timestamp":"2024-03-01T10:00:00.5Z"}]})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->kind, FrameKind::market_data);
  ASSERT_EQ(sink_.events.size(), 1u);
  const MarketEvent& e = sink_.events[0];
  EXPECT_EQ(e.venue, Venue::kraken);
  EXPECT_EQ(e.instrument, reg_.btc);
  EXPECT_EQ(e.symbol, reg_.registry.get(reg_.btc)->symbol);
  EXPECT_EQ(e.venue_time, Timestamp::parse_iso8601("2024-03-01T10:00:00.5Z").value());
  EXPECT_EQ(e.receive_time, Timestamp::from_seconds(1'709'287'200));
  const auto& q = std::get<Quote>(e.body);
  EXPECT_EQ(q.bid, "61234.5"_d);
  EXPECT_EQ(q.bid_size, "0.0125"_d);
  EXPECT_EQ(q.ask, "61234.6"_d);
  EXPECT_EQ(q.ask_size, "3.1"_d);
}

TEST_F(KrakenCodecTest, accepts_decimals_sent_as_strings) {
  auto r = decode(
      R"({"channel":"ticker","type":"snapshot","data":[{"symbol":"ETH/USD","bid":"3000.10","bid_qty":"1","ask":"3000.20","ask_qty":"2"}]})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(std::get<Quote>(sink_.events[0].body).ask, "3000.2"_d);
  EXPECT_FALSE(sink_.events[0].has_venue_time());
}

TEST_F(KrakenCodecTest, decodes_trades_with_taker_side_and_id) {
  auto r = decode(
      R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"sell","price":61200.1,"qty":0.00500000,"ord_type":"market","trade_id":4242,"timestamp":"2024-03-01T10:00:01Z"},{"symbol":"BTC/USD","side":"buy","price":61200.2,"qty":1.5,"ord_type":"limit","trade_id":4243,"timestamp":"2024-03-01T10:00:02Z"}]})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(sink_.events.size(), 2u);
  const auto& t0 = std::get<Trade>(sink_.events[0].body);
  EXPECT_EQ(t0.aggressor, Side::sell);
  EXPECT_EQ(t0.price, "61200.1"_d);
  EXPECT_EQ(t0.size, "0.005"_d);
  EXPECT_EQ(t0.trade_id.view(), "4242");
  const auto& t1 = std::get<Trade>(sink_.events[1].body);
  EXPECT_EQ(t1.aggressor, Side::buy);
  EXPECT_EQ(t1.trade_id.view(), "4243");
  EXPECT_EQ(sink_.events[1].venue_time, Timestamp::from_seconds(1'709'287'202));
}

TEST_F(KrakenCodecTest, applies_a_snapshot_with_a_matching_checksum) {
  std::vector<Level> bids = {{"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}};
  std::vector<Level> asks = {{"50000.5", "0.75000000"}, {"50001.0", "2.00000000"}};
  auto r = decode(book_frame("snapshot", "BTC/USD", bids, asks, expected_checksum(asks, bids)));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->events, 4u);
  EXPECT_EQ(r->resyncs, 0u);
  ASSERT_EQ(sink_.events.size(), 4u);
  const auto& first = std::get<BookChange>(sink_.events[0].body);
  EXPECT_TRUE(first.snapshot && first.reset && !first.last);
  EXPECT_EQ(first.side, Side::buy);
  EXPECT_EQ(first.price, "50000"_d);
  EXPECT_EQ(first.size, "1.5"_d);
  const auto& last = std::get<BookChange>(sink_.events[3].body);
  EXPECT_TRUE(last.snapshot && last.last);
  EXPECT_EQ(last.side, Side::sell);
  const market::OrderBook* book = codec_.book(reg_.btc);
  ASSERT_NE(book, nullptr);
  EXPECT_TRUE(book->synced());
  EXPECT_EQ(book->best_bid()->price, "50000"_d);
  EXPECT_EQ(book->best_ask()->price, "50000.5"_d);
  EXPECT_EQ(book->best_ask()->size, "0.75"_d);
}

TEST_F(KrakenCodecTest, applies_an_update_and_deletes_a_level_of_qty_zero) {
  snapshot();
  // 49999.5 removed, 50000.0 resized, new ask 50000.8.
  const std::vector<Level> bids_after = {{"50000.0", "0.10000000"}};
  const std::vector<Level> asks_after = {
      {"50000.5", "0.75000000"}, {"50000.8", "0.01000000"}, {"50001.0", "2.00000000"}};
  const std::string frame =
      book_frame("update", "BTC/USD", {{"50000.0", "0.10000000"}, {"49999.5", "0.00000000"}},
                 {{"50000.8", "0.01000000"}}, expected_checksum(asks_after, bids_after));
  auto r = decode(frame);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->events, 3u);
  const auto& del = std::get<BookChange>(sink_.events[1].body);
  EXPECT_FALSE(del.snapshot);
  EXPECT_TRUE(del.size.is_zero());
  const market::OrderBook* book = codec_.book(reg_.btc);
  EXPECT_TRUE(book->synced());
  EXPECT_EQ(book->bids().size(), 1u);
  EXPECT_EQ(book->best_bid()->size, "0.1"_d);
  EXPECT_EQ(book->asks().size(), 3u);
  EXPECT_EQ(codec_.stats().checksum_mismatches, 0u);
}

TEST_F(KrakenCodecTest, checksum_uses_the_wire_text_so_trailing_zeros_matter) {
  // The same values hashed from their shortest text ("0.1") instead of the wire text
  // ("0.10000000") give another checksum: the codec must reject it.
  snapshot();
  const std::vector<Level> bids_short = {{"50000", "0.1"}, {"49999.5", "0.25"}};
  const std::vector<Level> asks_short = {{"50000.5", "0.75"}, {"50001", "2"}};
  auto r = decode(book_frame("update", "BTC/USD", {{"50000.0", "0.10000000"}}, {},
                             expected_checksum(asks_short, bids_short)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resyncs, 1u);
  EXPECT_EQ(codec_.stats().checksum_mismatches, 1u);
}

// The codec keeps the checksum text of the top levels between updates (ChecksumCache): each
// update is still checked against the book it leaves, and a checksum of the book before the
// update (what a stale text would give) is a mismatch.
TEST_F(KrakenCodecTest, every_update_is_checked_against_the_book_it_leaves_with_the_text_kept) {
  snapshot();
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}, {"50001.0", "2.00000000"}};
  std::vector<Level> bids = {{"50000.0", "1.50000000"}, {"49999.5", "0.30000000"}};
  auto first = decode(book_frame("update", "BTC/USD", {{"49999.5", "0.30000000"}}, {},
                                 expected_checksum(asks, bids)));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->resyncs, 0u);
  const std::uint32_t before = expected_checksum(asks, bids);
  bids = {{"50000.2", "0.50000000"}, {"50000.0", "1.50000000"}, {"49999.5", "0.30000000"}};
  auto second = decode(book_frame("update", "BTC/USD", {{"50000.2", "0.50000000"}}, {},
                                  expected_checksum(asks, bids)));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->resyncs, 0u);
  EXPECT_EQ(codec_.stats().checksum_mismatches, 0u);
  // A qty change on the best ask sent with the checksum of the book before it.
  auto stale = decode(book_frame("update", "BTC/USD", {}, {{"50000.5", "0.80000000"}}, before));
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->resyncs, 1u);
  EXPECT_EQ(codec_.stats().checksum_mismatches, 1u);
}

// Random updates (new levels, deletions, qty changes; prices from "0.00000037" to "99999.5"
// and quantities from "0.00000001", all with 8 decimals, so a new top level's checksum text
// is read from its wire tokens): each carries the zlib checksum of the book it leaves (kept to
// the subscribed 10 levels) and passes; one with the checksum of the book before is refused.
TEST_F(KrakenCodecTest, random_updates_with_the_checksum_of_the_book_they_leave_all_pass) {
  std::mt19937_64 rng(17);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  const auto text8 = [](std::int64_t raw8) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%lld.%08lld", static_cast<long long>(raw8 / 100'000'000),
                  static_cast<long long>(raw8 % 100'000'000));
    return std::string(buf);
  };
  // Bids below 0.002, asks from 0.003 up (some with a long integer part).
  const auto price_of = [&](bool bid, std::uint64_t k) -> std::int64_t {
    if (bid) return static_cast<std::int64_t>(37 * (k + 1) + 5'000 * (k % 3));
    return k < 15 ? static_cast<std::int64_t>(300'000 + 1'000 * k)
                  : static_cast<std::int64_t>(k * 66'666'666'667);
  };
  std::map<std::int64_t, std::string, std::greater<>> bids;  // raw8 price -> qty text
  std::map<std::int64_t, std::string> asks;
  const auto levels_of = [&](const auto& side) {
    std::vector<Level> out;
    for (const auto& [price, qty] : side) out.push_back({text8(price), qty});
    return out;
  };
  const auto trim = [](auto& side) {
    while (side.size() > 10) side.erase(std::prev(side.end()));
  };
  for (std::uint64_t k = 0; k < 4; ++k) {
    bids[price_of(true, k)] = "1.00000000";
    asks[price_of(false, k)] = "2.00000000";
  }
  ASSERT_TRUE(decode(book_frame("snapshot", "BTC/USD", levels_of(bids), levels_of(asks),
                                expected_checksum(levels_of(asks), levels_of(bids))))
                  .ok());
  for (int step = 0; step < 3000; ++step) {
    std::vector<Level> bid_changes;
    std::vector<Level> ask_changes;
    for (std::uint64_t n = 1 + below(3); n > 0; --n) {
      const bool bid = below(2) == 0;
      const std::int64_t price = price_of(bid, below(30));
      const std::int64_t qty =
          below(10) < 3 ? 0
                        : static_cast<std::int64_t>(below(4) == 0 ? 1 + below(100)
                                                                  : 1 + below(1'000'000'000'000));
      (bid ? bid_changes : ask_changes).push_back({text8(price), text8(qty)});
      if (bid) {
        if (qty == 0)
          bids.erase(price);
        else
          bids[price] = text8(qty);
        trim(bids);
      } else {
        if (qty == 0)
          asks.erase(price);
        else
          asks[price] = text8(qty);
        trim(asks);
      }
    }
    const std::uint32_t checksum = expected_checksum(levels_of(asks), levels_of(bids));
    auto r = decode(book_frame("update", "BTC/USD", bid_changes, ask_changes, checksum));
    ASSERT_TRUE(r.ok()) << step;
    ASSERT_EQ(r->resyncs, 0u) << step;
  }
  EXPECT_EQ(codec_.stats().checksum_mismatches, 0u);
  auto stale =
      decode(book_frame("update", "BTC/USD", {}, {{text8(price_of(false, 0)), "7.00000000"}},
                        expected_checksum(levels_of(asks), levels_of(bids))));
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->resyncs, 1u);
}

// One-sided updates (the checksum cache compares only the sides an update touched) between
// snapshots of other books, now and then after a refused update: every update with the
// checksum of the book it leaves passes, whatever side the snapshot before it changed.
TEST_F(KrakenCodecTest, one_sided_updates_after_new_snapshots_and_refusals_all_pass) {
  std::mt19937_64 rng(29);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  const auto text = [](std::int64_t tenths) {
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
  };
  std::map<std::int64_t, std::string, std::greater<>> bids;  // price in tenths -> qty text
  std::map<std::int64_t, std::string> asks;
  const auto levels_of = [&](const auto& side) {
    std::vector<Level> out;
    for (const auto& [price, qty] : side) out.push_back({text(price), qty});
    return out;
  };
  const auto qty_text = [&] {
    return std::to_string(below(30)) + "." + std::to_string(10'000'000 + below(90'000'000));
  };
  // The codec's book keeps the subscribed 10 levels (as the random test above).
  const auto trim = [](auto& side) {
    while (side.size() > 10) side.erase(std::prev(side.end()));
  };
  int snapshots = 0;
  std::uint64_t refused = 0;
  for (int step = 0; step < 3000; ++step) {
    if (step % 40 == 0) {  // a new snapshot: one side or both differ from the book before
      const unsigned which = 1 + static_cast<unsigned>(below(3));
      if ((which & 1u) != 0 || bids.empty()) {
        bids.clear();
        for (std::int64_t k = 0; k < 14; ++k) bids[500'000 - k * (1 + below(3))] = qty_text();
      }
      if ((which & 2u) != 0 || asks.empty()) {
        asks.clear();
        for (std::int64_t k = 0; k < 14; ++k) asks[500'001 + k * (1 + below(3))] = qty_text();
      }
      trim(bids);
      trim(asks);
      auto r = decode(book_frame("snapshot", "BTC/USD", levels_of(bids), levels_of(asks),
                                 expected_checksum(levels_of(asks), levels_of(bids))));
      ASSERT_TRUE(r.ok()) << step;
      ASSERT_EQ(r->resyncs, 0u) << step;
      ++snapshots;
      continue;
    }
    const bool bid = below(2) == 0;
    const std::int64_t price = bid ? 500'000 - static_cast<std::int64_t>(below(16))
                                   : 500'001 + static_cast<std::int64_t>(below(16));
    const bool remove = below(4) == 0;
    const std::string qty = remove ? "0.00000000" : qty_text();
    if (step % 80 == 39) {  // refused (a wrong checksum): the book is resynced by the next
      auto r = decode(book_frame(
          "update", "BTC/USD", bid ? std::vector<Level>{{text(price), qty}} : std::vector<Level>{},
          bid ? std::vector<Level>{} : std::vector<Level>{{text(price), qty}}, 12345));
      ASSERT_TRUE(r.ok()) << step;
      ASSERT_EQ(r->resyncs, 1u) << step;
      ++refused;
      continue;
    }
    if (bid) {
      if (remove)
        bids.erase(price);
      else
        bids[price] = qty;
    } else {
      if (remove)
        asks.erase(price);
      else
        asks[price] = qty;
    }
    trim(bids);
    trim(asks);
    const std::vector<Level> change = {{text(price), qty}};
    auto r = decode(book_frame("update", "BTC/USD", bid ? change : std::vector<Level>{},
                               bid ? std::vector<Level>{} : change,
                               expected_checksum(levels_of(asks), levels_of(bids))));
    ASSERT_TRUE(r.ok()) << step;
    ASSERT_EQ(r->resyncs, 0u) << step;
  }
  EXPECT_GT(snapshots, 50);
  EXPECT_EQ(codec_.stats().checksum_mismatches, refused);  // the refused updates only
}

TEST_F(KrakenCodecTest, checksum_mismatch_marks_the_book_for_resync_and_emits_no_changes) {
  snapshot();
  auto r = decode(book_frame("update", "BTC/USD", {{"50000.0", "9.00000000"}}, {}, 12345));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->resyncs, 1u);
  ASSERT_EQ(sink_.events.size(), 1u);
  const auto& status = std::get<VenueStatus>(sink_.events[0].body);
  EXPECT_EQ(status.state, FeedState::resyncing);
  EXPECT_EQ(sink_.events[0].instrument, reg_.btc);
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::needs_resync);
  EXPECT_EQ(codec_.books_needing_resync(), std::vector<InstrumentId>{reg_.btc});
  EXPECT_EQ(codec_.stats().checksum_mismatches, 1u);
  EXPECT_EQ(codec_.stats().resyncs, 1u);

  // Further updates are dropped until a new snapshot arrives.
  sink_.events.clear();
  auto dropped = decode(book_frame("update", "BTC/USD", {{"50000.0", "1.00000000"}}, {}, 1));
  ASSERT_TRUE(dropped.ok());
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_EQ(codec_.stats().updates_while_unsynced, 1u);

  snapshot();
  EXPECT_TRUE(codec_.book(reg_.btc)->synced());
  EXPECT_TRUE(codec_.books_needing_resync().empty());
}

TEST_F(KrakenCodecTest, a_crossed_book_is_a_resync) {
  snapshot();
  const std::vector<Level> bids_after = {
      {"50001.0", "1.00000000"}, {"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}};
  auto r = decode(book_frame("update", "BTC/USD", {{"50001.0", "1.00000000"}}, {},
                             expected_checksum(asks_, bids_after)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resyncs, 1u);
  EXPECT_EQ(codec_.stats().crossed_books, 1u);
  EXPECT_FALSE(codec_.book(reg_.btc)->synced());
}

TEST_F(KrakenCodecTest, truncates_the_book_to_the_subscribed_depth) {
  std::vector<Level> bids;
  std::vector<Level> asks;
  for (int i = 0; i < 10; ++i) {
    bids.push_back({std::to_string(100 - i) + ".0", "1.00000000"});
    asks.push_back({std::to_string(101 + i) + ".0", "2.00000000"});
  }
  ASSERT_TRUE(
      decode(book_frame("snapshot", "ETH/USD", bids, asks, expected_checksum(asks, bids))).ok());
  // A better bid pushes the worst one (91.0) out; Kraken sends no delete for it.
  std::vector<Level> bids_after = {{"100.5", "3.00000000"}};
  bids_after.insert(bids_after.end(), bids.begin(), bids.end() - 1);
  auto r = decode(book_frame("update", "ETH/USD", {{"100.5", "3.00000000"}}, {},
                             expected_checksum(asks, bids_after)));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->resyncs, 0u);
  const market::OrderBook* book = codec_.book(reg_.eth);
  ASSERT_EQ(book->bids().size(), 10u);
  EXPECT_EQ(book->bids().back().price, "92"_d);
  EXPECT_EQ(book->best_bid()->price, "100.5"_d);
}

TEST_F(KrakenCodecTest, an_update_before_any_snapshot_is_dropped) {
  auto r = decode(book_frame("update", "BTC/USD", {{"50000.0", "1.00000000"}}, {}, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events, 0u);
  EXPECT_EQ(codec_.book(reg_.btc), nullptr);
  EXPECT_EQ(codec_.stats().updates_while_unsynced, 1u);
}

TEST_F(KrakenCodecTest, reconnect_makes_every_book_wait_for_a_snapshot) {
  snapshot();
  codec_.on_reconnect();
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::awaiting_snapshot);
  EXPECT_TRUE(codec_.book(reg_.btc)->empty());
  auto r = decode(book_frame("update", "BTC/USD", {{"50000.0", "1.00000000"}}, {}, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events, 0u);
}

TEST_F(KrakenCodecTest, rejects_malformed_frames_with_what_and_where_then_keeps_going) {
  const char* bad[] = {
      "not json at all",
      "[1,2,3]",
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":-1,"bid_qty":1,"ask":2,"ask_qty":1}]})",
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":3,"bid_qty":1,"ask":2,"ask_qty":1}]})",
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":"abc","bid_qty":1,"ask":2,"ask_qty":1}]})",
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":1}]})",
      R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"up","price":1,"qty":1,"trade_id":1}]})",
      R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":1,"timestamp":"yesterday"}]})",
      R"({"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":1}],"asks":[],"checksum":1}]})",
      R"({"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[],"asks":[]}]})",
      R"({"channel":"book","type":"delta","data":[{"symbol":"BTC/USD","bids":[],"asks":[],"checksum":1}]})",
      R"({"channel":"book","type":"snapshot"})",
      R"({"channel":"ticker","data":[{"symbol":"BTC/USD","bid":1.12345678901234567,"bid_qty":1,"ask":2,"ask_qty":1}]})",
      R"({"channel":"ticker","data":[{"symbol":"BTC/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1})",
  };
  std::uint64_t n = 0;
  for (const char* frame : bad) {
    auto r = decode(frame);
    ASSERT_FALSE(r.ok()) << frame;
    EXPECT_EQ(r.error().code, ErrorCode::parse_error) << frame;
    EXPECT_NE(r.error().message.find("kraken: "), std::string::npos);
    EXPECT_NE(r.error().message.find(" at "), std::string::npos) << r.error().message;
    EXPECT_EQ(codec_.stats().malformed, ++n);
  }
  EXPECT_TRUE(sink_.events.empty());
  auto ok = decode(
      R"({"channel":"ticker","data":[{"symbol":"BTC/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1}]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(KrakenCodecTest, error_names_the_field_and_quotes_the_frame) {
  auto r = decode(
      R"({"channel":"ticker","data":[{"symbol":"BTC/USD","bid":3,"bid_qty":1,"ask":2,"ask_qty":1}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bid must be < ask"), std::string::npos);
  EXPECT_NE(r.error().message.find("ticker.data[]"), std::string::npos);
  EXPECT_NE(r.error().message.find("\"bid\":3"), std::string::npos);
}

TEST_F(KrakenCodecTest, a_malformed_frame_emits_nothing_even_after_valid_entries) {
  auto r = decode(
      R"({"channel":"trade","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":1},{"symbol":"BTC/USD","side":"buy","price":0,"qty":1,"trade_id":2}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(KrakenCodecTest, a_malformed_update_of_a_synced_book_forces_a_resync) {
  snapshot();
  auto r = decode(
      R"({"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":50000.0,"qty":-1}],"asks":[],"checksum":1}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::needs_resync);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink_.events[0].body).state, FeedState::resyncing);
}

TEST_F(KrakenCodecTest, refuses_an_oversized_frame_before_parsing) {
  std::string big = R"({"channel":"heartbeat","pad":")";
  big.append(2u << 20, 'x');
  big += "\"}";
  auto r = decode(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("exceeds the limit"), std::string::npos);
  EXPECT_LT(r.error().message.size(), 400u);
  EXPECT_EQ(codec_.stats().oversized, 1u);
  EXPECT_EQ(codec_.stats().heartbeats, 0u);
}

TEST_F(KrakenCodecTest, counts_and_ignores_unknown_channels_methods_and_symbols) {
  auto r = decode(R"({"channel":"ohlc","type":"update","data":[{"symbol":"BTC/USD"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, FrameKind::ignored);
  EXPECT_EQ(decode(R"({"method":"add_order","success":true,"req_id":3})")->kind,
            FrameKind::ignored);
  EXPECT_EQ(decode(R"({"something":"else"})")->kind, FrameKind::ignored);
  EXPECT_EQ(codec_.stats().unknown_type, 3u);
  auto unknown = decode(
      R"({"channel":"ticker","data":[{"symbol":"DOGE/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1}]})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->events, 0u);
  EXPECT_EQ(codec_.stats().unknown_symbol, 1u);
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(KrakenCodecTest, reports_heartbeat_pong_and_acks_for_the_liveness_rule) {
  EXPECT_EQ(decode(R"({"channel":"heartbeat"})")->kind, FrameKind::heartbeat);
  auto pong = decode(
      R"({"method":"pong","req_id":101,"time_in":"2024-03-01T10:00:00.1Z","time_out":"2024-03-01T10:00:00.2Z"})");
  ASSERT_TRUE(pong.ok());
  EXPECT_EQ(pong->kind, FrameKind::pong);
  EXPECT_EQ(pong->req_id, 101u);
  auto ack = decode(
      R"({"method":"subscribe","result":{"channel":"book","symbol":"BTC/USD","depth":10,"snapshot":true},"success":true,"time_in":"2024-03-01T10:00:00.1Z","time_out":"2024-03-01T10:00:00.2Z","req_id":7})");
  EXPECT_EQ(ack->kind, FrameKind::subscribed);
  EXPECT_EQ(ack->req_id, 7u);
  EXPECT_EQ(decode(R"({"method":"unsubscribe","success":true,"req_id":8})")->kind,
            FrameKind::unsubscribed);
  EXPECT_EQ(codec_.stats().heartbeats, 1u);
  EXPECT_EQ(codec_.stats().pongs, 1u);
}

TEST_F(KrakenCodecTest, reports_a_refused_subscription_with_the_venue_text) {
  auto r = decode(
      R"({"error":"Currency pair not supported ABC/XYZ","method":"subscribe","req_id":9,"success":false,"symbol":"ABC/XYZ"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, FrameKind::venue_error);
  EXPECT_EQ(r->req_id, 9u);
  EXPECT_EQ(codec_.last_venue_error(), "Currency pair not supported ABC/XYZ");
  EXPECT_EQ(codec_.stats().request_failures, 1u);
}

TEST_F(KrakenCodecTest, system_status_becomes_a_venue_status_event) {
  auto r = decode(
      R"({"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":123,"system":"maintenance","version":"2.0.9"}]})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->kind, FrameKind::status);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_FALSE(sink_.events[0].instrument.valid());
  const auto& s = std::get<VenueStatus>(sink_.events[0].body);
  EXPECT_EQ(s.state, FeedState::connected);
  EXPECT_EQ(s.trading, TradingStatus::halted);
  sink_.events.clear();
  ASSERT_TRUE(decode(R"({"channel":"status","data":[{"system":"online"}]})").ok());
  EXPECT_EQ(std::get<VenueStatus>(sink_.events[0].body).trading, TradingStatus::trading);
}

}  // namespace
}  // namespace nzeza::venues::kraken

namespace nzeza::venues::kraken {
namespace {

// The same snapshot and update written compactly (read by the raw scanner) and with the members
// reordered (the raw scanner gives up: simdjson's general path) decode to the same events and
// the same book.
TEST(KrakenRawPath, compact_and_reordered_frames_give_the_same_events_and_book) {
  Registry reg;
  const std::vector<Level> bids = {{"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}};
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}, {"50001.0", "2.00000000"}};
  const std::uint32_t sum = expected_checksum(asks, bids);
  const std::string compact = book_frame("snapshot", "BTC/USD", bids, asks, sum);
  const std::string reordered =
      "{\"type\":\"snapshot\",\"channel\":\"book\",\"data\":[{\"timestamp\":\"2024-03-01T10:00:"
      "00.250000Z\",\"checksum\":" +
      std::to_string(sum) + ",\"asks\":" + levels_json(asks) + ",\"bids\":" + levels_json(bids) +
      ",\"symbol\":\"BTC/USD\"}]}";
  auto fast = KrakenCodec::create(reg.registry).value();
  auto general = KrakenCodec::create(reg.registry).value();
  CollectingSink fast_sink;
  CollectingSink general_sink;
  ASSERT_TRUE(fast.decode_unpadded(compact, Timestamp::from_seconds(1), fast_sink).ok());
  ASSERT_TRUE(general.decode_unpadded(reordered, Timestamp::from_seconds(1), general_sink).ok());
  ASSERT_EQ(fast_sink.events.size(), 4u);
  ASSERT_EQ(general_sink.events.size(), 4u);
  std::size_t bid_events = 0;
  for (const MarketEvent& e : general_sink.events) {
    bid_events += std::get<BookChange>(e.body).side == Side::buy ? 1 : 0;
  }
  EXPECT_EQ(bid_events, 2u);
  for (const Side side : {Side::buy, Side::sell}) {
    const auto a = fast.book(reg.btc)->top(side, 10);
    const auto b = general.book(reg.btc)->top(side, 10);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].price, b[i].price);
      EXPECT_EQ(a[i].size, b[i].size);
    }
  }
  EXPECT_EQ(fast_sink.events.front().venue_time, general_sink.events.front().venue_time);
  EXPECT_EQ(fast.stats().checksum_mismatches, 0u);
  EXPECT_EQ(general.stats().checksum_mismatches, 0u);
}

// A snapshot whose levels are not best first on the wire: the checksum text cannot come from
// the wire order, so it is printed from the sorted book, and a right checksum still matches
// while a wrong one is still caught.
TEST(KrakenRawPath, unsorted_snapshot_is_checked_against_the_sorted_book) {
  Registry reg;
  const std::vector<Level> wire_bids = {{"49999.5", "0.25000000"}, {"50000.0", "1.50000000"}};
  const std::vector<Level> sorted_bids = {{"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}};
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}, {"50001.0", "2.00000000"}};
  auto codec = KrakenCodec::create(reg.registry).value();
  CollectingSink sink;
  const std::uint32_t right = expected_checksum(asks, sorted_bids);
  auto ok = codec.decode_unpadded(book_frame("snapshot", "BTC/USD", wire_bids, asks, right),
                                  Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->resyncs, 0u);
  auto bad = codec.decode_unpadded(book_frame("snapshot", "BTC/USD", wire_bids, asks, right + 1),
                                   Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->resyncs, 1u);
  EXPECT_EQ(codec.stats().checksum_mismatches, 1u);
}

// A raw-scanned snapshot with an empty side after one whose side had levels: the empty side's
// checksum text is empty (it once kept the previous frame's text: a false mismatch and resync).
TEST(KrakenRawPath, snapshot_with_an_empty_side_after_a_full_one_matches_its_checksum) {
  Registry reg;
  auto codec = KrakenCodec::create(reg.registry).value();
  CollectingSink sink;
  const std::vector<Level> bids = {{"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}};
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}};
  auto full = codec.decode_unpadded(
      book_frame("snapshot", "BTC/USD", bids, asks, expected_checksum(asks, bids)),
      Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(full.ok());
  auto no_asks = codec.decode_unpadded(
      book_frame("snapshot", "BTC/USD", bids, {}, expected_checksum({}, bids)),
      Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(no_asks.ok());
  EXPECT_EQ(no_asks->resyncs, 0u);
  EXPECT_EQ(no_asks->events, 2u);
  auto no_bids = codec.decode_unpadded(
      book_frame("snapshot", "BTC/USD", {}, asks, expected_checksum(asks, {})),
      Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(no_bids.ok());
  EXPECT_EQ(no_bids->resyncs, 0u);
  EXPECT_EQ(codec.stats().checksum_mismatches, 0u);
  EXPECT_TRUE(codec.book(reg.btc)->synced());
}

// Kraken's own form (bare numbers, compact) is read by the raw scanner, snapshot and update
// alike; its checksum text comes from the wire tokens, and a wrong checksum still resyncs.
TEST(KrakenRawPath, bare_number_frames_take_the_raw_path_and_a_wrong_checksum_still_resyncs) {
  Registry reg;
  auto codec = KrakenCodec::create(reg.registry).value();
  CollectingSink sink;
  const std::vector<Level> bids = {{"50000.0", "1.50000000"}, {"49999.5", "0.00100000"}};
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}, {"50001.0", "12.00000000"}};
  auto snap = codec.decode_unpadded(
      book_frame("snapshot", "BTC/USD", bids, asks, expected_checksum(asks, bids)),
      Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(snap.ok()) << snap.error().to_string();
  EXPECT_EQ(snap->resyncs, 0u);
  EXPECT_EQ(snap->events, 4u);
  EXPECT_EQ(codec.stats().raw_frames, 1u);
  const std::vector<Level> new_bids = {{"50000.0", "2.00000000"}, {"49999.5", "0.00100000"}};
  auto update = codec.decode_unpadded(book_frame("update", "BTC/USD", {{"50000.0", "2.00000000"}},
                                                 {}, expected_checksum(asks, new_bids)),
                                      Timestamp::from_seconds(2), sink);
  ASSERT_TRUE(update.ok()) << update.error().to_string();
  EXPECT_EQ(update->resyncs, 0u);
  EXPECT_EQ(codec.stats().raw_frames, 2u);
  EXPECT_EQ(codec.book(reg.btc)->top(Side::buy, 1)[0].size, Decimal::from_raw8(200'000'000));
  auto wrong = codec.decode_unpadded(
      book_frame("snapshot", "BTC/USD", bids, asks, expected_checksum(asks, bids) ^ 1u),
      Timestamp::from_seconds(3), sink);
  ASSERT_TRUE(wrong.ok()) << wrong.error().to_string();
  EXPECT_EQ(codec.stats().raw_frames, 3u);
  EXPECT_EQ(wrong->resyncs, 1u);
  EXPECT_EQ(codec.stats().checksum_mismatches, 1u);
  EXPECT_FALSE(codec.book(reg.btc)->synced());
}

// A side whose first levels are in Kraken's compact form and a later one is not (a member after
// the qty, whitespace): the scan drops what its compact loop took, puts its state back and reads
// the side again in full, so the snapshot's checksum text (from the wire tokens) holds each level
// once and the frame stays on the raw path, snapshot and update alike.
TEST(KrakenRawPath, a_side_whose_later_level_is_not_compact_is_read_again_in_full) {
  Registry reg;
  auto codec = KrakenCodec::create(reg.registry).value();
  CollectingSink sink;
  const std::vector<Level> bids = {
      {"50000.0", "1.50000000"}, {"49999.5", "0.25000000"}, {"49999.0", "0.50000000"}};
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}, {"50001.0", "2.00000000"}};
  std::string frame = book_frame("snapshot", "BTC/USD", bids, asks, expected_checksum(asks, bids));
  const auto edit = [](std::string& f, const std::string& from, const std::string& to) {
    const std::size_t at = f.find(from);
    ASSERT_NE(at, std::string::npos);
    f.replace(at, from.size(), to);
  };
  edit(frame, R"({"price":49999.0,"qty":0.50000000})",
       R"({"price":49999.0,"qty":0.50000000,"n":3})");
  edit(frame, R"({"price":50001.0,"qty":2.00000000})",
       R"({ "price": 50001.0, "qty": 2.00000000 })");
  auto snap = codec.decode_unpadded(frame, Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(snap.ok()) << snap.error().to_string();
  EXPECT_EQ(snap->resyncs, 0u);
  EXPECT_EQ(snap->events, 5u);
  EXPECT_EQ(codec.stats().raw_frames, 1u);
  EXPECT_EQ(codec.stats().checksum_mismatches, 0u);
  ASSERT_EQ(codec.book(reg.btc)->top(Side::buy, 10).size(), 3u);
  EXPECT_EQ(codec.book(reg.btc)->top(Side::buy, 10)[2].size, Decimal::from_raw8(50'000'000));
  // An update: one compact level, then one with whitespace.
  const std::vector<Level> new_bids = {
      {"50000.0", "1.00000000"}, {"49999.5", "0.25000000"}, {"49999.0", "0.70000000"}};
  std::string update =
      book_frame("update", "BTC/USD", {{"50000.0", "1.00000000"}, {"49999.0", "0.70000000"}}, {},
                 expected_checksum(asks, new_bids));
  edit(update, R"({"price":49999.0,"qty":0.70000000})", R"({"price":49999.0, "qty":0.70000000})");
  auto r = codec.decode_unpadded(update, Timestamp::from_seconds(2), sink);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->resyncs, 0u);
  EXPECT_EQ(r->events, 2u);
  EXPECT_EQ(codec.stats().raw_frames, 2u);
  EXPECT_EQ(codec.stats().checksum_mismatches, 0u);
  EXPECT_EQ(codec.book(reg.btc)->top(Side::buy, 10)[2].size, Decimal::from_raw8(70'000'000));
}

// Forms the raw scanner does not take decode exactly as the general path decodes them.
TEST(KrakenRawPath, frames_the_raw_scanner_gives_up_on_decode_as_before) {
  Registry reg;
  auto codec = KrakenCodec::create(reg.registry).value();
  CollectingSink sink;
  const std::vector<Level> bids = {{"50000.0", "1.50000000"}};
  const std::vector<Level> asks = {{"50000.5", "0.75000000"}};
  // An escaped symbol: unescaped by simdjson, found.
  std::string escaped =
      book_frame("snapshot", "BTC\\/USD", bids, asks, expected_checksum(asks, bids));
  auto r = codec.decode_unpadded(escaped, Timestamp::from_seconds(1), sink);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->events, 2u);
  // A zero price: the general path's error.
  auto zero = codec.decode_unpadded(book_frame("update", "BTC/USD", {{"0.0", "1.00000000"}}, {}, 0),
                                    Timestamp::from_seconds(1), sink);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message.find("price must be > 0"), std::string::npos);
}

}  // namespace
}  // namespace nzeza::venues::kraken
