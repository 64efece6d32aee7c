// Zero heap allocations per frame after warm-up: 100k Kraken frames (book updates with
// verified checksums, tickers, trades, heartbeats) through KrakenCodec::decode, counted with a
// replaced global operator new.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/alloc_counter.hpp"
#include "kraken_test_support.hpp"
#include "venues/kraken/checksum.hpp"
#include "venues/kraken/codec.hpp"

namespace nzeza::venues::kraken {
namespace {

struct CountingSink final : MarketEventSink {
  std::uint64_t events = 0;
  std::uint64_t changes = 0;
  void on_event(const MarketEvent& e) override {
    ++events;
    if (std::holds_alternative<BookChange>(e.body)) ++changes;
  }
};

// A frame with the padding decode() requires.
struct PaddedFrame {
  std::string text;
  explicit PaddedFrame(std::string s) : text(std::move(s)) { text.reserve(text.size() + 64); }
  [[nodiscard]] std::string_view view() const { return {text.data(), text.size()}; }
};

std::string level(const char* p, const char* q) {
  return std::string("{\"price\":") + p + ",\"qty\":" + q + "}";
}

TEST(KrakenCodecAllocations, decodes_100k_frames_without_touching_the_heap) {
  test::Registry reg;
  auto codec = KrakenCodec::create(reg.registry).value();
  CountingSink sink;

  // Book: bids 100.0 / 99.5, asks 100.5 / 101.0; updates toggle the best bid's qty between
  // 1.00000000 and 2.00000000, each with its correct checksum.
  auto checksum_for = [](const char* best_bid_qty_digits) {
    std::string text = std::string("1005") + "50000000" + "1010" + "100000000" + "1000" +
                       best_bid_qty_digits + "995" + "300000000";
    return crc32(text);
  };
  const std::string snap =
      "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[" +
      level("100.0", "1.00000000") + "," + level("99.5", "3.00000000") + "],\"asks\":[" +
      level("100.5", "0.50000000") + "," + level("101.0", "1.00000000") +
      "],\"checksum\":" + std::to_string(checksum_for("100000000")) +
      ",\"timestamp\":\"2024-03-01T10:00:00.123456Z\"}]}";
  auto update = [&](const char* qty, const char* digits) {
    return "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/"
           "USD\",\"bids\":[" +
           level("100.0", qty) +
           "],\"asks\":[],\"checksum\":" + std::to_string(checksum_for(digits)) +
           ",\"timestamp\":\"2024-03-01T10:00:00.223456Z\"}]}";
  };
  std::vector<PaddedFrame> frames;
  frames.emplace_back(update("2.00000000", "200000000"));
  frames.emplace_back(update("1.00000000", "100000000"));
  frames.emplace_back(std::string(
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":100.0,"bid_qty":1.00000000,"ask":100.5,"ask_qty":0.50000000,"last":100.2,"volume":10.0,"vwap":100.1,"low":99.0,"high":101.0,"change":0.5,"change_pct":0.5,"timestamp":"2024-03-01T10:00:00.5Z"}]})"));
  frames.emplace_back(std::string(
      R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":100.5,"qty":0.01000000,"ord_type":"market","trade_id":123456789,"timestamp":"2024-03-01T10:00:00.6Z"}]})"));
  frames.emplace_back(std::string(R"({"channel":"heartbeat"})"));
  PaddedFrame snapshot(snap);

  // Warm-up: parser buffers, symbol cache, the book.
  ASSERT_TRUE(codec.decode(snapshot.view(), Timestamp::from_seconds(1), sink).ok());
  for (int i = 0; i < 10; ++i) {
    for (const auto& f : frames) {
      auto r = codec.decode(f.view(), Timestamp::from_seconds(2), sink);
      ASSERT_TRUE(r.ok()) << r.error().to_string();
    }
  }

  const std::uint64_t before = nzeza::test::allocation_count();
  const std::uint64_t events_before = sink.events;
  constexpr int kFrames = 100'000;
  bool all_ok = true;
  for (int i = 0; i < kFrames; ++i) {
    const auto& f = frames[static_cast<std::size_t>(i) % frames.size()];
    all_ok &= codec.decode(f.view(), Timestamp::from_seconds(3), sink).ok();
  }
  const std::uint64_t allocations = nzeza::test::allocation_count() - before;
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(codec.stats().checksum_mismatches, 0u);
  EXPECT_EQ(sink.events - events_before, 80'000u);  // 4 of every 5 frames carry one event
  EXPECT_TRUE(codec.book(reg.btc)->synced());
}

}  // namespace
}  // namespace nzeza::venues::kraken
