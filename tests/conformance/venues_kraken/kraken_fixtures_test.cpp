// KrakenCodec against the public Kraken samples in $NZEZA_FIXTURES_DIR/kraken (read in place).
//
// Note on the book samples: fixtures/SOURCES.md records that the nautilus book snapshot/update
// `checksum` values are synthetic — they are not the CRC32 of the levels they carry. The codec
// must therefore treat them as a checksum mismatch (resync), which is what these tests assert;
// the checksum rule itself is checked against the derived vector of signing_vectors.json
// (self-computed with zlib from Kraken's documented algorithm).
#include <simdjson.h>

#include <string>

#include "common/fixtures.hpp"
#include "unit/venues_kraken/kraken_test_support.hpp"
#include "venues/kraken/checksum.hpp"
#include "venues/kraken/codec.hpp"

namespace nzeza::venues::kraken {
namespace {

using test::CollectingSink;
using test::Registry;

std::string fixture(const char* name) {
  return testing::read_file(testing::fixtures_dir() / "kraken" / name);
}

std::string without_spaces(std::string s) {
  std::erase(s, ' ');
  std::erase(s, '\n');
  return s;
}

class KrakenFixtures : public ::testing::Test {
 protected:
  KrakenFixtures() : codec_(KrakenCodec::create(reg_.registry).value()) {}
  Result<DecodeResult> decode(const char* name) {
    const std::string text = fixture(name);
    EXPECT_FALSE(text.empty()) << name;
    return codec_.decode_unpadded(text, Timestamp::from_seconds(1'700'000'000), sink_);
  }
  Registry reg_;
  KrakenCodec codec_;
  CollectingSink sink_;
};

TEST_F(KrakenFixtures, our_book_subscribe_and_ping_match_the_documented_requests) {
  NZEZA_REQUIRE_FIXTURES();
  const InstrumentId ids[] = {reg_.btc};
  EXPECT_EQ(codec_.subscribe_message(Channel::book, ids, 1).value(),
            without_spaces(fixture("ws_subscribe_book_request.json")));
  EXPECT_EQ(KrakenCodec::ping_message(101), without_spaces(fixture("ws_ping_request.json")));
}

TEST_F(KrakenFixtures, ticker_snapshot_gives_the_exact_top_of_book) {
  NZEZA_REQUIRE_FIXTURES();
  auto r = decode("nautilus_ws_ticker_snapshot.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(sink_.events.size(), 1u);
  const auto& e = sink_.events[0];
  EXPECT_EQ(e.instrument, reg_.btc);
  EXPECT_EQ(e.venue_time, Timestamp::parse_iso8601("2022-12-25T09:30:59.123456Z").value());
  const auto& q = std::get<Quote>(e.body);
  EXPECT_EQ(q.bid, "105944.2"_d);
  EXPECT_EQ(q.bid_size, "2.5"_d);
  EXPECT_EQ(q.ask, "105944.3"_d);
  EXPECT_EQ(q.ask_size, "3.2"_d);
}

TEST_F(KrakenFixtures, trade_update_gives_both_trades_with_side_and_id) {
  NZEZA_REQUIRE_FIXTURES();
  auto r = decode("nautilus_ws_trade_update.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(sink_.events.size(), 2u);
  const auto& a = std::get<Trade>(sink_.events[0].body);
  EXPECT_EQ(a.aggressor, Side::buy);
  EXPECT_EQ(a.price, "105944.2"_d);
  EXPECT_EQ(a.size, "0.00027625"_d);
  EXPECT_EQ(a.trade_id.view(), "10218208");
  const auto& b = std::get<Trade>(sink_.events[1].body);
  EXPECT_EQ(b.aggressor, Side::sell);
  EXPECT_EQ(b.price, "105910.5"_d);
  EXPECT_EQ(b.size, "0.0001246"_d);
  EXPECT_EQ(b.trade_id.view(), "10218209");
  EXPECT_EQ(sink_.events[1].venue_time,
            Timestamp::parse_iso8601("2023-10-06T17:35:56.123456Z").value());
}

TEST_F(KrakenFixtures,
       book_snapshot_levels_are_read_exactly_and_its_synthetic_checksum_is_refused) {
  NZEZA_REQUIRE_FIXTURES();
  auto r = decode("nautilus_ws_book_snapshot.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->resyncs, 1u);
  EXPECT_EQ(codec_.stats().checksum_mismatches, 1u);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink_.events[0].body).state, FeedState::resyncing);
  const market::OrderBook* book = codec_.book(reg_.btc);
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->state(), market::BookSyncState::needs_resync);
  ASSERT_EQ(book->bids().size(), 3u);
  ASSERT_EQ(book->asks().size(), 3u);
  EXPECT_EQ(book->bids()[0], (market::BookLevel{"105944.2"_d, "0.136"_d}));
  EXPECT_EQ(book->bids()[2], (market::BookLevel{"105920.1"_d, "0.052"_d}));
  EXPECT_EQ(book->asks()[0], (market::BookLevel{"105944.3"_d, "0.136"_d}));
  EXPECT_EQ(book->asks()[2], (market::BookLevel{"105955.8"_d, "0.003"_d}));
  // The wire carries 2 price decimals and 3 qty decimals ("105944.30", "0.136"); the CRC32 of
  // that text is not the sample's 2439117997.
  const std::string wire_text = "1059443013610594690951059558031059442013610593540241059201052";
  EXPECT_EQ(book_checksum(*book, 2, 3), crc32(wire_text));
  EXPECT_NE(book_checksum(*book, 2, 3), 2439117997u);
}

TEST_F(KrakenFixtures, book_update_after_a_refused_snapshot_waits_for_a_new_snapshot) {
  NZEZA_REQUIRE_FIXTURES();
  ASSERT_TRUE(decode("nautilus_ws_book_snapshot.json").ok());
  sink_.events.clear();
  auto r = decode("nautilus_ws_book_update.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->events, 0u);
  EXPECT_EQ(codec_.stats().updates_while_unsynced, 1u);
}

TEST_F(KrakenFixtures, checksum_rule_reproduces_the_derived_vector) {
  NZEZA_REQUIRE_FIXTURES();
  const auto text = simdjson::padded_string(fixture("signing_vectors.json"));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(text);
  simdjson::dom::element v = doc["book_checksum_v2_derived"];
  std::string built;
  char buf[64];
  for (const char* side : {"asks_low_to_high", "bids_high_to_low"}) {
    for (simdjson::dom::element level : v[side].get_array()) {
      for (simdjson::dom::element token : level.get_array()) {
        char* end = checksum_digits(std::string_view(token.get_string()), buf);
        built.append(buf, end);
      }
    }
  }
  EXPECT_EQ(built, std::string_view(v["concatenated"].get_string()));
  EXPECT_EQ(crc32(built), static_cast<std::uint32_t>(std::uint64_t(v["crc32_unsigned"])));
  EXPECT_EQ(crc32(built), 4189857626u);
}

TEST_F(KrakenFixtures, pong_and_subscribe_ack_are_recognised_with_their_req_id) {
  NZEZA_REQUIRE_FIXTURES();
  auto pong = decode("nautilus_ws_pong.json");
  ASSERT_TRUE(pong.ok());
  EXPECT_EQ(pong->kind, FrameKind::pong);
  EXPECT_EQ(pong->req_id, 42u);
  auto ack = decode("nautilus_ws_subscribe_response.json");
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->kind, FrameKind::subscribed);
  EXPECT_EQ(ack->req_id, 1u);
}

TEST_F(KrakenFixtures, order_responses_are_not_market_data) {
  NZEZA_REQUIRE_FIXTURES();
  auto ok = decode("nautilus_ws_add_order_response_success.json");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->kind, FrameKind::ignored);
  auto refused = decode("nautilus_ws_add_order_response_failure.json");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->kind, FrameKind::venue_error);
  EXPECT_EQ(codec_.last_venue_error(), "EOrder:Insufficient funds");
  EXPECT_TRUE(sink_.events.empty());
}

}  // namespace
}  // namespace nzeza::venues::kraken
