// HyperliquidCodec against the public Hyperliquid samples in $NZEZA_FIXTURES_DIR/hyperliquid.
#include <string>

#include "common/fixtures.hpp"
#include "unit/venues_hyperliquid/hyperliquid_test_support.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace nzeza::venues::hyperliquid {
namespace {

std::string fixture(const char* name) {
  return testing::read_file(testing::fixtures_dir() / "hyperliquid" / name);
}

std::string without_spaces(std::string s) {
  std::erase(s, ' ');
  std::erase(s, '\n');
  return s;
}

class HyperliquidFixtures : public ::testing::Test {
 protected:
  HyperliquidFixtures() : codec_(HyperliquidCodec::create(reg_.registry).value()) {}
  Result<DecodeResult> decode(const char* name) {
    const std::string text = fixture(name);
    EXPECT_FALSE(text.empty()) << name;
    return codec_.decode_unpadded(text, Timestamp::from_seconds(1'700'000'000), sink_);
  }
  test::Registry reg_;
  HyperliquidCodec codec_;
  test::CollectingSink sink_;
};

TEST_F(HyperliquidFixtures, our_subscribe_and_ping_match_the_documented_requests) {
  NZEZA_REQUIRE_FIXTURES();
  EXPECT_EQ(codec_.subscribe_message(Channel::l2_book, reg_.btc).value(),
            without_spaces(fixture("ws_subscribe_l2Book_request.json")));
  EXPECT_EQ(HyperliquidCodec::ping_message(), without_spaces(fixture("ws_ping_request.json")));
}

TEST_F(HyperliquidFixtures, l2book_sample_becomes_the_exact_book) {
  NZEZA_REQUIRE_FIXTURES();
  auto r = decode("ws_l2Book_constructed.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->events, 10u);
  const market::OrderBook* book = codec_.book(reg_.dydx);
  ASSERT_NE(book, nullptr);
  EXPECT_TRUE(book->synced());
  ASSERT_EQ(book->bids().size(), 5u);
  ASSERT_EQ(book->asks().size(), 5u);
  EXPECT_EQ(book->bids()[0], (market::BookLevel{"2.111"_d, "134.4"_d}));
  EXPECT_EQ(book->bids()[4], (market::BookLevel{"2.1075"_d, "1417"_d}));
  EXPECT_EQ(book->asks()[0], (market::BookLevel{"2.1124"_d, "352.3"_d}));
  EXPECT_EQ(book->asks()[4], (market::BookLevel{"2.1135"_d, "3635"_d}));
  EXPECT_EQ(sink_.events[0].venue_time, Timestamp::from_ms(1'689'630'203'930));
}

TEST_F(HyperliquidFixtures, pong_and_subscription_response_are_recognised) {
  NZEZA_REQUIRE_FIXTURES();
  EXPECT_EQ(decode("ws_pong.json")->kind, FrameKind::pong);
  EXPECT_EQ(decode("ws_subscription_response.json")->kind, FrameKind::subscribed);
}

TEST_F(HyperliquidFixtures, post_responses_are_not_market_data) {
  NZEZA_REQUIRE_FIXTURES();
  auto r = decode("ws_post_order_error_tick.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->kind, FrameKind::ignored);
  EXPECT_TRUE(sink_.events.empty());
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid
