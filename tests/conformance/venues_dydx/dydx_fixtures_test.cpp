// DydxCodec against the public dYdX indexer samples in $NZEZA_FIXTURES_DIR/dydx.
#include <string>

#include "common/fixtures.hpp"
#include "unit/venues_dydx/dydx_test_support.hpp"
#include "venues/dydx/codec.hpp"

namespace nzeza::venues::dydx {
namespace {

std::string fixture(const char* name) {
  return testing::read_file(testing::fixtures_dir() / "dydx" / name);
}

std::string without_spaces(std::string s) {
  std::erase(s, ' ');
  std::erase(s, '\n');
  return s;
}

class DydxFixtures : public ::testing::Test {
 protected:
  DydxFixtures() : codec_(DydxCodec::create(reg_.registry).value()) {}
  Result<DecodeResult> decode(DydxCodec& codec, const char* name) {
    const std::string text = fixture(name);
    EXPECT_FALSE(text.empty()) << name;
    return codec.decode_unpadded(text, Timestamp::from_seconds(1'704'067'200), sink_);
  }
  Result<DecodeResult> decode(const char* name) { return decode(codec_, name); }
  test::Registry reg_;
  DydxCodec codec_;
  test::CollectingSink sink_;
};

TEST_F(DydxFixtures, our_batched_orderbook_subscribe_matches_the_sdk_request) {
  NZEZA_REQUIRE_FIXTURES();
  DydxCodecConfig cfg;
  cfg.batched = true;
  auto codec = DydxCodec::create(reg_.registry, cfg).value();
  EXPECT_EQ(codec.subscribe_message(Channel::orderbook, reg_.btc).value(),
            without_spaces(fixture("ws_subscribe_orderbook_request.json")));
}

TEST_F(DydxFixtures, connected_then_orderbook_snapshot_and_update_give_the_exact_book) {
  NZEZA_REQUIRE_FIXTURES();
  EXPECT_EQ(decode("ws_connected.json")->kind, FrameKind::connected);
  auto snap = decode("nautilus_ws_orderbook_subscribed.json");
  ASSERT_TRUE(snap.ok()) << snap.error().to_string();
  EXPECT_FALSE(snap->gap);
  auto upd = decode("nautilus_ws_orderbook_update.json");
  ASSERT_TRUE(upd.ok()) << upd.error().to_string();
  EXPECT_FALSE(upd->gap);
  const market::OrderBook* book = codec_.book(reg_.btc);
  ASSERT_NE(book, nullptr);
  EXPECT_TRUE(book->synced());
  EXPECT_EQ(book->last_sequence(), 2u);
  ASSERT_EQ(book->bids().size(), 4u);
  EXPECT_EQ(book->bids()[0], (market::BookLevel{"43240"_d, "2"_d}));
  EXPECT_EQ(book->bids()[1], (market::BookLevel{"43238"_d, "1.5"_d}));
  EXPECT_EQ(book->bids()[3], (market::BookLevel{"43230"_d, "0.8"_d}));
  ASSERT_EQ(book->asks().size(), 3u);
  EXPECT_EQ(book->asks()[0], (market::BookLevel{"43252"_d, "3"_d}));
  EXPECT_EQ(book->asks()[2], (market::BookLevel{"43260"_d, "0.9"_d}));
  // Top of book after the update.
  const auto& q = std::get<Quote>(sink_.events.back().body);
  EXPECT_EQ(q.bid, "43240"_d);
  EXPECT_EQ(q.ask, "43252"_d);
}

TEST_F(DydxFixtures, trades_update_gives_live_trades_and_the_subscribed_history_is_skipped) {
  NZEZA_REQUIRE_FIXTURES();
  auto hist = decode("nautilus_ws_trades_subscribed.json");
  ASSERT_TRUE(hist.ok()) << hist.error().to_string();
  EXPECT_EQ(hist->events, 0u);
  auto live = decode("nautilus_ws_trades_update.json");
  ASSERT_TRUE(live.ok()) << live.error().to_string();
  ASSERT_EQ(sink_.events.size(), 2u);
  const auto& a = std::get<Trade>(sink_.events[0].body);
  EXPECT_EQ(a.trade_id.view(), "trade-002");
  EXPECT_EQ(a.aggressor, Side::sell);
  EXPECT_EQ(a.size, "1.2"_d);
  EXPECT_EQ(a.price, "43248"_d);
  EXPECT_EQ(sink_.events[0].venue_time, Timestamp::parse_iso8601("2024-01-01T00:00:01Z").value());
  const auto& b = std::get<Trade>(sink_.events[1].body);
  EXPECT_EQ(b.trade_id.view(), "trade-003");
  EXPECT_EQ(b.aggressor, Side::buy);
  EXPECT_EQ(b.price, "43252"_d);
}

TEST_F(DydxFixtures, error_and_non_market_channels_are_recognised) {
  NZEZA_REQUIRE_FIXTURES();
  auto err = decode("nautilus_ws_error.json");
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->kind, FrameKind::venue_error);
  EXPECT_EQ(codec_.last_venue_error(), "Invalid subscription: channel 'invalid_channel' not found");
  EXPECT_EQ(decode("nautilus_ws_block_height_update.json")->kind, FrameKind::ignored);
  EXPECT_EQ(decode("nautilus_ws_subaccounts_update.json")->kind, FrameKind::ignored);
  EXPECT_TRUE(sink_.events.empty());
}

}  // namespace
}  // namespace nzeza::venues::dydx
