// The read path allocates nothing per event after warm-up: decompressing, splitting lines,
// parsing decimals and merging reuse their buffers (issue 15 "Performance").

#include <gtest/gtest.h>

#include "common/alloc_counter.hpp"
#include "replay/event_merger.hpp"
#include "replay/recording_reader.hpp"
#include "replay/recording_writer.hpp"
#include "replay/tardis_csv_reader.hpp"
#include "replay_test_support.hpp"

namespace nzeza::replay::testing {
namespace {

constexpr int kEvents = 20'000;
constexpr int kWarmUp = 2'000;

fs::path write_recording(const fs::path& dir, const InstrumentRegistry& registry) {
  RecordingWriterOptions o;
  o.dir = dir;
  o.frame_events = 1000;
  RecordingWriter writer(registry, o);
  for (int i = 0; i < kEvents; ++i) {
    const Timestamp t = at(static_cast<std::int64_t>(i) * 1000);
    const std::string_view sym = i % 2 == 0 ? "BTCUSDT" : "ETHUSDT";
    const std::string p = std::to_string(40000 + i % 500) + "." + std::to_string(i % 100);
    switch (i % 3) {
      case 0:
        EXPECT_TRUE(
            writer.append(quote(registry, Venue::binance, sym, t, p, "1.5", p, "0.25", t)).ok());
        break;
      case 1:
        EXPECT_TRUE(writer
                        .append(trade(registry, Venue::binance, sym, t, p, "0.01", Side::sell,
                                      std::to_string(1'000'000 + i), t))
                        .ok());
        break;
      default:
        EXPECT_TRUE(writer
                        .append(book(registry, Venue::binance, sym, t, Side::buy, p, "3",
                                     static_cast<std::uint64_t>(i), i % 30 == 2, false, false, t))
                        .ok());
    }
  }
  EXPECT_TRUE(writer.close().ok());
  return writer.files().at(0);
}

fs::path write_tardis(const fs::path& dir) {
  std::string text = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n";
  const std::int64_t base = at(0).us();
  for (int i = 0; i < kEvents; ++i)
    text += "coinbase,BTC-USD," + std::to_string(base + i) + "," + std::to_string(base + i) +
            (i % 50 < 3 ? ",true," : ",false,") + (i % 2 == 0 ? "bid," : "ask,") +
            std::to_string(42000 + i % 300) + ".5," + std::to_string(i % 7) + ".125\n";
  const fs::path p = dir / "book.csv.gz";
  write_gz(p, text);
  return p;
}

std::size_t drain(EventSource& source, int limit) {
  MarketEvent e;
  std::size_t n = 0;
  while ((limit < 0 || static_cast<int>(n) < limit) && source.next(e) == ReadOutcome::event) ++n;
  return n;
}

TEST(ReplayAllocation, reading_a_recording_allocates_nothing_per_event_after_warm_up) {
  TempDir dir;
  InstrumentRegistry registry;
  add_test_instruments(registry);
  const fs::path file = write_recording(dir.path(), registry);
  auto reader = RecordingReader::open(file.string(), registry);
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(drain(**reader, kWarmUp), static_cast<std::size_t>(kWarmUp));
  const auto before = test::allocation_count();
  const std::size_t n = drain(**reader, -1);
  const auto after = test::allocation_count();
  EXPECT_EQ(n, static_cast<std::size_t>(kEvents - kWarmUp));
  EXPECT_EQ(after - before, 0u);
}

TEST(ReplayAllocation, merging_a_recording_and_a_tardis_csv_gz_allocates_nothing_after_warm_up) {
  TempDir dir;
  InstrumentRegistry registry;
  add_test_instruments(registry);
  const fs::path rec = write_recording(dir.path(), registry);
  const fs::path csv = write_tardis(dir.path());
  std::vector<std::unique_ptr<EventSource>> sources;
  auto a = RecordingReader::open(rec.string(), registry);
  auto b = TardisCsvReader::open(csv.string(), registry);
  ASSERT_TRUE(a.ok() && b.ok());
  sources.push_back(std::move(*a));
  sources.push_back(std::move(*b));
  EventMerger merger(std::move(sources));
  ASSERT_EQ(drain(merger, kWarmUp), static_cast<std::size_t>(kWarmUp));
  const auto before = test::allocation_count();
  const std::size_t n = drain(merger, -1);
  const auto after = test::allocation_count();
  EXPECT_EQ(n, static_cast<std::size_t>(2 * kEvents - kWarmUp));
  EXPECT_EQ(after - before, 0u);
}

}  // namespace
}  // namespace nzeza::replay::testing
