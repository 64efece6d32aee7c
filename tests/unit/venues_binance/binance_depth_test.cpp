// Binance diff depth: the U/u rule with the REST snapshot procedure, through BinanceCodec.

#include <gtest/gtest.h>

#include <string>

#include "unit/venues_binance/recording_sink.hpp"
#include "venues/binance/codec.hpp"

namespace nzeza::venues::binance {
namespace {

using test::RecordingSink;
using test::TwoInstruments;

const Timestamp kNow = Timestamp::from_ms(1'760'000'000'000);

std::string diff(std::uint64_t first, std::uint64_t last, std::string bids, std::string asks) {
  return R"({"e":"depthUpdate","E":1760000000100,"s":"ETHUSDT","U":)" + std::to_string(first) +
         R"(,"u":)" + std::to_string(last) + R"(,"b":)" + bids + R"(,"a":)" + asks + "}";
}

const std::string kSnapshot1000 =
    R"({"lastUpdateId":1000,"bids":[["3150.00","5.0"],["3149.50","2.0"]],"asks":[["3150.50","1.0"],["3151.00","3.0"]]})";

class BinanceDepthTest : public ::testing::Test {
 protected:
  TwoInstruments instruments;
  BinanceCodec codec{instruments.registry};
  RecordingSink sink;

  DecodeInfo decode_ok(const std::string& frame) {
    auto info = codec.decode(frame, kNow, sink);
    EXPECT_TRUE(info.ok()) << info.error().to_string();
    return info.ok() ? *info : DecodeInfo{};
  }
  const market::OrderBook& book() { return codec.depth(instruments.eth_usdt)->book(); }

  // Brings the ETHUSDT book in sync at local id 1000 with the snapshot above.
  void sync_at_1000() {
    decode_ok(diff(1001, 1001, "[]", "[]"));
    auto applied = codec.apply_depth_snapshot(instruments.eth_usdt, kSnapshot1000, kNow, sink);
    ASSERT_TRUE(applied.ok()) << applied.error().to_string();
    ASSERT_TRUE(book().synced());
    sink.events.clear();
  }
};

TEST_F(BinanceDepthTest, first_diff_is_buffered_and_asks_for_a_snapshot_once) {
  const DecodeInfo first = decode_ok(diff(990, 995, R"([["3150.00","4"]])", "[]"));
  EXPECT_TRUE(first.snapshot_wanted);
  EXPECT_EQ(first.events, 0u);
  const DecodeInfo second = decode_ok(diff(996, 1000, R"([["3149.00","1"]])", "[]"));
  EXPECT_FALSE(second.snapshot_wanted);
  EXPECT_TRUE(codec.wants_snapshot(instruments.eth_usdt));
  EXPECT_EQ(codec.depth(instruments.eth_usdt)->buffered_events(), 2u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(BinanceDepthTest, snapshot_drops_covered_diffs_and_replays_the_straddling_one) {
  decode_ok(diff(990, 995, R"([["3150.00","4"]])", "[]"));  // u <= 1000: dropped
  decode_ok(diff(996, 1003, R"([["3150.00","6.5"]])", R"([["3150.50","0"]])"));  // straddles 1001
  decode_ok(diff(1004, 1004, "[]", R"([["3150.75","2.25"]])"));
  auto applied = codec.apply_depth_snapshot(instruments.eth_usdt, kSnapshot1000, kNow, sink);
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_EQ(applied->events, 4u + 2u + 1u);

  const auto changes = sink.bodies<BookChange>();
  ASSERT_EQ(changes.size(), 7u);
  EXPECT_TRUE(changes[0].snapshot && changes[0].reset);
  EXPECT_TRUE(changes[3].snapshot && changes[3].last);
  EXPECT_EQ(changes[3].sequence, 1000u);
  EXPECT_FALSE(changes[4].snapshot);
  EXPECT_EQ(changes[4].sequence, 1003u);
  EXPECT_EQ(changes[6].sequence, 1004u);

  EXPECT_TRUE(book().synced());
  EXPECT_EQ(book().last_sequence(), 1004u);
  EXPECT_EQ(book().best_bid()->price, "3150"_d);
  EXPECT_EQ(book().best_bid()->size, "6.5"_d);
  EXPECT_EQ(book().best_ask()->price, "3150.75"_d);  // 3150.50 deleted by size 0
  EXPECT_EQ(book().asks().size(), 2u);
  EXPECT_EQ(codec.depth(instruments.eth_usdt)->buffered_events(), 0u);
}

TEST_F(BinanceDepthTest, snapshot_older_than_the_buffer_is_refused_and_a_newer_one_applies) {
  decode_ok(diff(1005, 1010, R"([["3150.00","1"]])", "[]"));
  auto old = codec.apply_depth_snapshot(instruments.eth_usdt, kSnapshot1000, kNow, sink);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::stale_data);
  EXPECT_TRUE(codec.wants_snapshot(instruments.eth_usdt));
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(codec.stats().snapshots_too_old, 1u);

  const std::string fresh =
      R"({"lastUpdateId":1007,"bids":[["3150.00","9"]],"asks":[["3151.00","1"]]})";
  auto applied = codec.apply_depth_snapshot(instruments.eth_usdt, fresh, kNow, sink);
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_EQ(book().last_sequence(), 1010u);
  EXPECT_EQ(book().best_bid()->size, "1"_d);
}

TEST_F(BinanceDepthTest, snapshot_matching_the_first_diff_exactly_is_contiguous) {
  decode_ok(diff(1001, 1002, R"([["3149.50","0"]])", "[]"));
  auto applied = codec.apply_depth_snapshot(instruments.eth_usdt, kSnapshot1000, kNow, sink);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(book().bids().size(), 1u);
  EXPECT_EQ(book().last_sequence(), 1002u);
}

TEST_F(BinanceDepthTest, synced_diffs_apply_in_order_and_stale_ones_are_ignored) {
  sync_at_1000();
  const DecodeInfo applied = decode_ok(diff(1001, 1005, R"([["3149.75","1.25"]])", "[]"));
  EXPECT_EQ(applied.events, 1u);
  EXPECT_EQ(book().bids()[1].price, "3149.75"_d);
  const DecodeInfo stale = decode_ok(diff(1002, 1004, R"([["3100.00","1"]])", "[]"));
  EXPECT_EQ(stale.events, 0u);
  EXPECT_EQ(codec.depth(instruments.eth_usdt)->stats().stale, 1u);
  EXPECT_EQ(book().size_at(Side::buy, "3100"_d), Decimal::zero());
  EXPECT_EQ(book().last_sequence(), 1005u);
}

TEST_F(BinanceDepthTest, gap_marks_the_book_for_resync_and_a_new_snapshot_recovers) {
  sync_at_1000();
  const DecodeInfo gap = decode_ok(diff(1003, 1004, R"([["3149.00","1"]])", "[]"));
  EXPECT_TRUE(gap.snapshot_wanted);
  EXPECT_EQ(book().state(), market::BookSyncState::needs_resync);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink.events[0].body).state, FeedState::resyncing);
  EXPECT_EQ(sink.events[0].instrument, instruments.eth_usdt);
  EXPECT_TRUE(codec.wants_snapshot(instruments.eth_usdt));

  // Further diffs are buffered, not applied.
  decode_ok(diff(1005, 1006, R"([["3148.00","1"]])", "[]"));
  EXPECT_EQ(book().size_at(Side::buy, "3148"_d), Decimal::zero());

  const std::string again =
      R"({"lastUpdateId":1004,"bids":[["3150.00","1"]],"asks":[["3151.00","1"]]})";
  auto applied = codec.apply_depth_snapshot(instruments.eth_usdt, again, kNow, sink);
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_TRUE(book().synced());
  EXPECT_EQ(book().last_sequence(), 1006u);
  EXPECT_EQ(book().size_at(Side::buy, "3148"_d), "1"_d);
}

TEST_F(BinanceDepthTest, malformed_diff_of_a_synced_book_forces_a_resync) {
  sync_at_1000();
  auto bad = codec.decode(diff(1001, 1001, R"([["3150.00"]])", "[]"), kNow, sink);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("fewer than 2 entries"), std::string::npos);
  EXPECT_EQ(book().state(), market::BookSyncState::needs_resync);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink.events[0].body).state, FeedState::resyncing);
}

TEST_F(BinanceDepthTest, diff_with_negative_size_or_reversed_ids_is_rejected) {
  sync_at_1000();
  EXPECT_FALSE(codec.decode(diff(1001, 1001, R"([["3150.00","-1"]])", "[]"), kNow, sink).ok());
  sync_at_1000();
  auto reversed = codec.decode(diff(1005, 1001, "[]", "[]"), kNow, sink);
  ASSERT_FALSE(reversed.ok());
  EXPECT_NE(reversed.error().message.find("'U' is greater than 'u'"), std::string::npos);
}

TEST_F(BinanceDepthTest, diff_that_crosses_the_book_forces_a_resync) {
  sync_at_1000();
  decode_ok(diff(1002, 1002, R"([["3152.00","1"]])", "[]"));
  EXPECT_EQ(book().state(), market::BookSyncState::needs_resync);
  EXPECT_EQ(codec.depth(instruments.eth_usdt)->stats().crossed, 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink.events.back().body).state, FeedState::resyncing);
}

TEST_F(BinanceDepthTest, crossed_or_malformed_snapshot_is_rejected) {
  decode_ok(diff(1001, 1001, "[]", "[]"));
  auto crossed = codec.apply_depth_snapshot(
      instruments.eth_usdt, R"({"lastUpdateId":1000,"bids":[["3152","1"]],"asks":[["3151","1"]]})",
      kNow, sink);
  ASSERT_FALSE(crossed.ok());
  EXPECT_NE(crossed.error().message.find("crossed"), std::string::npos);
  auto missing =
      codec.apply_depth_snapshot(instruments.eth_usdt, R"({"bids":[],"asks":[]})", kNow, sink);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("lastUpdateId"), std::string::npos);
  EXPECT_TRUE(codec.wants_snapshot(instruments.eth_usdt));
  EXPECT_FALSE(codec.apply_depth_snapshot(InstrumentId{999}, kSnapshot1000, kNow, sink).ok());
}

// A ':' inside a level array is not seen by simdjson's first pass; the later key lookups
// used to reach simdjson 3.0.1's unchecked wrap-around (undefined behaviour, found by
// fuzz_binance_codec). Now a clear error, and the book still waits for a good snapshot.
TEST_F(BinanceDepthTest, snapshot_or_diff_with_a_colon_inside_a_level_array_is_rejected_cleanly) {
  decode_ok(diff(1001, 1001, "[]", "[]"));
  auto snapshot = codec.apply_depth_snapshot(
      instruments.eth_usdt,
      R"({"lastUpdateId":1000,"bids":[[ "3150.00":[+"3150.00","6.5"]],"50.50"]]})", kNow, sink);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_NE(snapshot.error().message.find("depth snapshot"), std::string::npos)
      << snapshot.error().message;
  EXPECT_TRUE(codec.wants_snapshot(instruments.eth_usdt));

  auto broken_diff = codec.decode(
      R"({"e":"depthUpdate","E":1760000000100,"s":"ETHUSDT","U":1002,"u":1002,"b":[[ "3150.00":[+"1","2"]],"5"]]})",
      kNow, sink);
  EXPECT_FALSE(broken_diff.ok());
  EXPECT_TRUE(sink.bodies<BookChange>().empty());
  EXPECT_FALSE(book().synced());
}

TEST_F(BinanceDepthTest, combined_depth_stream_feeds_the_same_book) {
  sync_at_1000();
  decode_ok(R"({"stream":"ethusdt@depth@100ms","data":)" +
            diff(1001, 1002, R"([["3150.00","0"]])", "[]") + "}");
  EXPECT_EQ(book().best_bid()->price, "3149.5"_d);
  EXPECT_EQ(book().last_sequence(), 1002u);
}

}  // namespace
}  // namespace nzeza::venues::binance

namespace nzeza::venues::binance {
namespace {

// Found by the fuzzer: a trailing comma inside a level used to be read past.
TEST(BinanceDepthSnapshot, level_with_extra_or_trailing_entries_is_rejected) {
  test::TwoInstruments instruments;
  BinanceCodec codec(instruments.registry);
  test::RecordingSink sink;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);
  for (const char* body : {R"({"lastUpdateId":5,"bids":[["3","0",]]]})",
                           R"({"lastUpdateId":5,"bids":[["3","1","x"]],"asks":[]})"}) {
    auto info = codec.apply_depth_snapshot(instruments.eth_usdt, body, now, sink);
    ASSERT_FALSE(info.ok()) << body;
    EXPECT_EQ(info.error().code, ErrorCode::parse_error);
  }
  EXPECT_TRUE(sink.events.empty());
}

}  // namespace
}  // namespace nzeza::venues::binance
