// Bad input never crashes: recordings and Tardis files with bytes changed or cut anywhere read
// to a clean end or to an error that names the file (ASan runs these with the unit label).

#include <gtest/gtest.h>

#include <random>

#include "replay/line_reader.hpp"
#include "replay/recording_reader.hpp"
#include "replay/recording_writer.hpp"
#include "replay/tardis_csv_reader.hpp"
#include "replay_test_support.hpp"

namespace nzeza::replay::testing {
namespace {

constexpr char kNasty[] = "\"\\0123456789.-+eE,:{}[] \nxq";

class Damaged : public ::testing::Test {
 protected:
  void SetUp() override { add_test_instruments(registry); }

  fs::path small_recording(std::size_t frame_events) {
    RecordingWriterOptions o;
    o.dir = dir / "rec";
    o.frame_events = frame_events;
    RecordingWriter writer(registry, o);
    for (int i = 0; i < 60; ++i) {
      const Timestamp t = at(i * 1000LL);
      switch (i % 4) {
        case 0:
          EXPECT_TRUE(writer
                          .append(quote(registry, Venue::binance, "BTCUSDT", t, "45000.5", "1.25",
                                        "45000.51", "0.00000151", t))
                          .ok());
          break;
        case 1:
          EXPECT_TRUE(writer
                          .append(trade(registry, Venue::binance, "ETHUSDT", t, "2500.1", "3",
                                        Side::sell, "id-" + std::to_string(i)))
                          .ok());
          break;
        case 2:
          EXPECT_TRUE(writer
                          .append(book(registry, Venue::binance, "BTCUSDT", t, Side::buy,
                                       "44999.99", "0", 17, true, true, true, t))
                          .ok());
          break;
        default: {
          MarketEvent s = event_of(registry, Venue::binance, "", t, {});
          s.body = VenueStatus{FeedState::stale, TradingStatus::halted};
          EXPECT_TRUE(writer.append(s).ok());
        }
      }
    }
    EXPECT_TRUE(writer.close().ok());
    return writer.files().at(0);
  }

  // Reads to the end; an error must name the file. Returns the events read.
  template <typename Open>
  std::size_t read_checked(const fs::path& p, Open open) {
    InstrumentRegistry fresh;
    add_test_instruments(fresh);
    auto source = open(p, fresh);
    if (!source) return 0;  // refused at open: checked by the caller's open
    MarketEvent e;
    std::size_t n = 0;
    for (;;) {
      const ReadOutcome r = source->next(e);
      if (r == ReadOutcome::end) return n;
      if (r == ReadOutcome::error) {
        EXPECT_EQ(source->error().message.rfind(p.string(), 0), 0u) << source->error().message;
        EXPECT_EQ(source->next(e), ReadOutcome::error);
        return n;
      }
      ++n;
    }
  }

  std::unique_ptr<EventSource> open_recording(const fs::path& p, InstrumentRegistry& r) {
    auto reader = RecordingReader::open(p.string(), r);
    if (!reader) {
      EXPECT_EQ(reader.error().message.rfind(p.string(), 0), 0u) << reader.error().message;
      return nullptr;
    }
    return std::move(*reader);
  }

  std::unique_ptr<EventSource> open_tardis(const fs::path& p, InstrumentRegistry& r) {
    auto reader = TardisCsvReader::open(p.string(), r);
    if (!reader) {
      EXPECT_EQ(reader.error().message.rfind(p.string(), 0), 0u) << reader.error().message;
      return nullptr;
    }
    return std::move(*reader);
  }

  TempDir dir;
  InstrumentRegistry registry;
};

TEST_F(Damaged, recording_text_with_bytes_changed_anywhere_reads_or_fails_naming_the_file) {
  const fs::path zst = small_recording(4096);
  // The decompressed text, as a plain .ndjson file (the reader takes both).
  auto lines = LineReader::open(zst.string(), Compression::zstd);
  ASSERT_TRUE(lines.ok());
  std::string text;
  std::string_view l;
  while ((*lines)->next(l) == ReadOutcome::event) (text += l) += '\n';
  std::mt19937 rng(20240102);
  const fs::path p = dir / "mutated.ndjson";
  for (int round = 0; round < 150; ++round) {
    std::string m = text;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) m[rng() % m.size()] = kNasty[rng() % (sizeof kNasty - 1)];
    write_file(p, m);
    (void)read_checked(
        p, [&](const fs::path& f, InstrumentRegistry& r) { return open_recording(f, r); });
  }
}

TEST_F(Damaged, compressed_recording_with_bytes_changed_or_cut_anywhere_never_crashes) {
  const fs::path zst = small_recording(8);
  const std::string bytes = read_file(zst);
  const fs::path p = dir / "mutated.ndjson.zst";
  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    std::string m = bytes;
    m[rng() % m.size()] = static_cast<char>(rng());
    write_file(p, m);
    (void)read_checked(
        p, [&](const fs::path& f, InstrumentRegistry& r) { return open_recording(f, r); });
  }
  std::size_t previous = 0;
  for (std::size_t cut = 1; cut < bytes.size(); cut += 17) {
    write_file(p, std::string_view(bytes).substr(0, cut));
    const std::size_t n = read_checked(
        p, [&](const fs::path& f, InstrumentRegistry& r) { return open_recording(f, r); });
    EXPECT_GE(n, previous) << "a longer prefix never yields fewer events (cut at " << cut << ")";
    previous = n;
  }
}

TEST_F(Damaged, tardis_rows_with_bytes_changed_anywhere_read_or_fail_naming_the_file) {
  std::string text = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n";
  for (int i = 0; i < 40; ++i)
    text += "binance,BTCUSDT,1704164400000" + std::to_string(100 + i) + ",1704164400000" +
            std::to_string(200 + i) + (i < 3 ? ",true," : ",false,") +
            (i % 2 == 0 ? "bid," : "ask,") + "4500" + std::to_string(i % 10) + ".5,0.0" +
            std::to_string(i % 9) + "\n";
  std::mt19937 rng(99);
  for (const std::string name : {"m.csv", "m.csv.gz"}) {
    const fs::path p = dir / name;
    for (int round = 0; round < 60; ++round) {
      std::string m = text;
      m[rng() % m.size()] = kNasty[rng() % (sizeof kNasty - 1)];
      if (name.ends_with(".gz")) {
        write_gz(p, m);
      } else {
        write_file(p, m);
      }
      (void)read_checked(
          p, [&](const fs::path& f, InstrumentRegistry& r) { return open_tardis(f, r); });
    }
  }
}

}  // namespace
}  // namespace nzeza::replay::testing
