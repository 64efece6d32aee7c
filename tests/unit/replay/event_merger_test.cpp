// EventMerger over real sources (two recordings and a Tardis CSV file): one receive-time order,
// ties broken by source order then position, and the first source error stops the merge.

#include "replay/event_merger.hpp"

#include <gtest/gtest.h>

#include "replay/recording_reader.hpp"
#include "replay/recording_writer.hpp"
#include "replay/tardis_csv_reader.hpp"
#include "replay_test_support.hpp"

namespace nzeza::replay::testing {
namespace {

class Merger : public ::testing::Test {
 protected:
  void SetUp() override { add_test_instruments(registry); }

  // A recording of quotes whose bid is the tag, at the given receive times (µs after at(0)).
  fs::path record(const std::string& sub, Venue venue, std::string_view symbol,
                  const std::vector<std::pair<int, std::string>>& us_and_tag) {
    RecordingWriterOptions o;
    o.dir = dir / sub;
    RecordingWriter writer(registry, o);
    for (const auto& [us, tag] : us_and_tag)
      EXPECT_TRUE(
          writer.append(quote(registry, venue, symbol, at(us * 1000LL), tag, "1", "999", "1"))
              .ok());
    EXPECT_TRUE(writer.close().ok());
    return writer.files().at(0);
  }

  // Tag of an event: a quote's bid or a trade's id.
  static std::string tag(const MarketEvent& e) {
    if (const auto* q = std::get_if<Quote>(&e.body)) return q->bid.to_string();
    return std::string(std::get<Trade>(e.body).trade_id.view());
  }

  std::unique_ptr<EventSource> open_recording(const fs::path& p) {
    auto r = RecordingReader::open(p.string(), registry);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return std::move(*r);
  }

  TempDir dir;
  InstrumentRegistry registry;
};

TEST_F(Merger, three_sources_merge_by_receive_time_with_ties_in_source_then_file_order) {
  const fs::path a =
      record("a", Venue::binance, "BTCUSDT", {{1, "11"}, {3, "12"}, {3, "13"}, {7, "14"}});
  const fs::path b = record("b", Venue::coinbase, "BTC-USD", {{0, "21"}, {3, "22"}, {5, "23"}});
  const fs::path c = dir / "c_trades.csv";
  const std::int64_t base_us = at(0).us();
  auto row = [&](int us, const std::string& id) {
    return "binance,ETHUSDT,1," + std::to_string(base_us + us) + "," + id + ",buy,2500,1\n";
  };
  write_file(c, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n" + row(3, "c1") +
                    row(3, "c2") + row(8, "c3"));

  std::vector<std::unique_ptr<EventSource>> sources;
  sources.push_back(open_recording(a));
  sources.push_back(open_recording(b));
  auto tardis = TardisCsvReader::open(c.string(), registry);
  ASSERT_TRUE(tardis.ok()) << tardis.error().to_string();
  sources.push_back(std::move(*tardis));
  EventMerger merger(std::move(sources));
  EXPECT_EQ(merger.sources(), 3u);

  std::vector<std::string> tags;
  std::vector<std::size_t> from;
  MarketEvent e;
  Timestamp prev;
  while (merger.next(e) == ReadOutcome::event) {
    EXPECT_GE(e.receive_time, prev);
    prev = e.receive_time;
    tags.push_back(tag(e));
    from.push_back(merger.last_source());
  }
  EXPECT_EQ(tags,
            (std::vector<std::string>{"21", "11", "12", "13", "22", "c1", "c2", "23", "14", "c3"}));
  EXPECT_EQ(from, (std::vector<std::size_t>{1, 0, 0, 0, 1, 2, 2, 1, 0, 2}));
  EXPECT_EQ(merger.next(e), ReadOutcome::end);
}

TEST_F(Merger, the_merged_events_keep_their_venue_instrument_and_times) {
  const fs::path a = record("a", Venue::binance, "BTCUSDT", {{2, "1"}});
  const fs::path b = record("b", Venue::coinbase, "BTC-USD", {{1, "2"}});
  std::vector<std::unique_ptr<EventSource>> sources;
  sources.push_back(open_recording(a));
  sources.push_back(open_recording(b));
  EventMerger merger(std::move(sources));
  const auto ev = read_all(merger);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].venue, Venue::coinbase);
  EXPECT_EQ(ev[0].instrument, registry.find(Venue::coinbase, "BTC-USD")->id);
  EXPECT_EQ(ev[0].receive_time, at(1000));
  EXPECT_EQ(ev[1].venue, Venue::binance);
  EXPECT_EQ(ev[1].symbol, registry.find(Venue::binance, "BTCUSDT")->symbol);
}

TEST_F(Merger, a_source_error_stops_the_merge_with_that_sources_file_and_line) {
  const fs::path a = record("a", Venue::binance, "BTCUSDT", {{1, "11"}, {2, "12"}, {9, "13"}});
  const fs::path bad = dir / "bad_trades.csv";
  const std::int64_t base_us = at(0).us();
  write_file(bad,
             "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"
             "binance,ETHUSDT,1," +
                 std::to_string(base_us + 1) + ",x1,buy,2500,1\n" + "binance,ETHUSDT,1," +
                 std::to_string(base_us + 3) + ",x2,buy,25oo,1\n");
  std::vector<std::unique_ptr<EventSource>> sources;
  sources.push_back(open_recording(a));
  auto tardis = TardisCsvReader::open(bad.string(), registry);
  ASSERT_TRUE(tardis.ok());
  sources.push_back(std::move(*tardis));
  EventMerger merger(std::move(sources));
  auto [events, error] = read_until_error(merger);
  ASSERT_FALSE(error.message.empty());
  EXPECT_NE(error.message.find(bad.string() + ":3: column 7 (price)"), std::string::npos)
      << error.message;
  // The events before the failing row came out in order; nothing after it.
  std::vector<std::string> tags;
  for (const auto& e : events) tags.push_back(tag(e));
  EXPECT_EQ(tags, (std::vector<std::string>{"11", "x1"}));
  MarketEvent e;
  EXPECT_EQ(merger.next(e), ReadOutcome::error);
}

TEST_F(Merger, no_sources_or_only_empty_ones_end_at_once) {
  EventMerger none({});
  MarketEvent e;
  EXPECT_EQ(none.next(e), ReadOutcome::end);
  RecordingWriterOptions o;
  o.dir = dir.path();
  const fs::path empty = dir / "empty.csv";
  write_file(empty, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
  std::vector<std::unique_ptr<EventSource>> sources;
  auto tardis = TardisCsvReader::open(empty.string(), registry);
  ASSERT_TRUE(tardis.ok());
  sources.push_back(std::move(*tardis));
  EventMerger merger(std::move(sources));
  EXPECT_EQ(merger.next(e), ReadOutcome::end);
}

}  // namespace
}  // namespace nzeza::replay::testing
