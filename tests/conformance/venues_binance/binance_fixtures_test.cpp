// Every relevant public Binance sample (read in place from NZEZA_FIXTURES_DIR) decoded with
// concrete values asserted.

#include <gtest/gtest.h>

#include <string>

#include "common/fixtures.hpp"
#include "core/instrument.hpp"
#include "venues/binance/codec.hpp"

namespace nzeza::venues::binance {
namespace {

struct Sink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& event) override { events.push_back(event); }
};

Instrument spot(std::string canonical, std::string symbol, std::string base, std::string quote) {
  Instrument i;
  i.venue = Venue::binance;
  i.canonical = std::move(canonical);
  i.venue_symbol = symbol;
  for (char& c : symbol) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  i.ws_symbol = symbol;
  i.base = std::move(base);
  i.quote = std::move(quote);
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(1);
  return i;
}

class BinanceFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    bnb_btc = registry.add(spot("BNB-BTC", "BNBBTC", "BNB", "BTC")).value();
    bnb_usdt = registry.add(spot("BNB-USDT", "BNBUSDT", "BNB", "USDT")).value();
  }
  std::string fixture(const char* name) {
    return testing::read_file(testing::fixtures_dir() / "binance" / name);
  }
  InstrumentRegistry registry;
  InstrumentId bnb_btc;
  InstrumentId bnb_usdt;
  Sink sink;
  const Timestamp now = Timestamp::from_ms(1'700'000'000'000);
};

TEST_F(BinanceFixtures, book_ticker_sample_decodes_to_its_quote) {
  NZEZA_REQUIRE_FIXTURES();
  BinanceCodec codec(registry);
  auto info = codec.decode(fixture("ws_bookTicker.json"), now, sink);
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].instrument, bnb_usdt);
  const Quote q = std::get<Quote>(sink.events[0].body);
  EXPECT_EQ(q.bid, "25.3519"_d);
  EXPECT_EQ(q.bid_size, "31.21"_d);
  EXPECT_EQ(q.ask, "25.3652"_d);
  EXPECT_EQ(q.ask_size, "40.66"_d);
}

TEST_F(BinanceFixtures, trade_and_agg_trade_samples_decode_with_seller_aggressor) {
  NZEZA_REQUIRE_FIXTURES();
  BinanceCodec codec(registry);
  ASSERT_TRUE(codec.decode(fixture("ws_trade.json"), now, sink).ok());
  ASSERT_TRUE(codec.decode(fixture("ws_aggTrade.json"), now, sink).ok());
  ASSERT_EQ(sink.events.size(), 2u);
  for (const MarketEvent& e : sink.events) {
    const Trade t = std::get<Trade>(e.body);
    EXPECT_EQ(e.instrument, bnb_btc);
    EXPECT_EQ(t.price, "0.001"_d);
    EXPECT_EQ(t.size, "100"_d);
    EXPECT_EQ(t.aggressor, Side::sell);  // m: true
    EXPECT_EQ(t.trade_id.view(), "12345");
    EXPECT_EQ(e.venue_time, Timestamp::from_ms(1'672'515'782'136));
  }
}

TEST_F(BinanceFixtures, depth_update_and_rest_snapshot_samples_build_a_book) {
  NZEZA_REQUIRE_FIXTURES();
  BinanceCodec codec(registry);
  // The samples come from different documents (update ids 157..160 vs snapshot 1027024), so
  // the diff sample is checked on its own against a snapshot at 156, then the REST sample.
  auto info = codec.decode(fixture("ws_depthUpdate.json"), now, sink);
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_TRUE(info->snapshot_wanted);
  auto applied = codec.apply_depth_snapshot(
      bnb_btc, R"({"lastUpdateId":156,"bids":[["0.0023","5"]],"asks":[["0.0027","1"]]})", now,
      sink);
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  const auto& book = codec.depth(bnb_btc)->book();
  EXPECT_EQ(book.last_sequence(), 160u);
  EXPECT_EQ(book.best_bid()->price, "0.0024"_d);
  EXPECT_EQ(book.best_bid()->size, "10"_d);
  EXPECT_EQ(book.best_ask()->price, "0.0026"_d);
  EXPECT_EQ(book.best_ask()->size, "100"_d);

  BinanceCodec fresh(registry);
  sink.events.clear();
  auto rest = fresh.apply_depth_snapshot(bnb_usdt, fixture("rest_depth_snapshot.json"), now, sink);
  ASSERT_TRUE(rest.ok()) << rest.error().to_string();
  const auto& rest_book = fresh.depth(bnb_usdt)->book();
  EXPECT_TRUE(rest_book.synced());
  EXPECT_EQ(rest_book.last_sequence(), 1'027'024u);
  EXPECT_EQ(rest_book.best_bid()->price, "4"_d);
  EXPECT_EQ(rest_book.best_bid()->size, "431"_d);
  EXPECT_EQ(rest_book.best_ask()->price, "4.000002"_d);
  EXPECT_EQ(rest_book.best_ask()->size, "12"_d);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_TRUE(std::get<BookChange>(sink.events[0].body).reset);
  EXPECT_TRUE(std::get<BookChange>(sink.events[1].body).last);
}

TEST_F(BinanceFixtures, partial_depth_sample_in_a_combined_wrapper_is_a_snapshot) {
  NZEZA_REQUIRE_FIXTURES();
  BinanceCodec codec(registry);
  const std::string frame =
      R"({"stream":"bnbbtc@depth5","data":)" + fixture("ws_partial_depth5.json") + "}";
  auto info = codec.decode(frame, now, sink);
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_EQ(sink.events.size(), 2u);
  const BookChange bid = std::get<BookChange>(sink.events[0].body);
  EXPECT_EQ(bid.price, "0.0024"_d);
  EXPECT_EQ(bid.sequence, 160u);
}

TEST_F(BinanceFixtures, server_shutdown_and_subscription_samples) {
  NZEZA_REQUIRE_FIXTURES();
  BinanceCodec codec(registry);
  auto shutdown = codec.decode(fixture("ws_serverShutdown_combined.json"), now, sink);
  ASSERT_TRUE(shutdown.ok());
  EXPECT_EQ(shutdown->kind, FrameKind::closing);
  auto ack = codec.decode(fixture("ws_subscribe_response.json"), now, sink);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->kind, FrameKind::subscribed);
  EXPECT_EQ(ack->request_id, 1);
  // Our subscribe message carries the same content as the documented request.
  const ControlMessage ours = codec.subscribe(
      std::vector<std::string>{stream_name("BTCUSDT", StreamKind::agg_trade), "btcusdt@depth"});
  std::string documented = fixture("ws_subscribe_request.json");
  std::erase(documented, ' ');
  std::erase(documented, '\n');
  EXPECT_EQ(ours.text, documented);
}

}  // namespace
}  // namespace nzeza::venues::binance
