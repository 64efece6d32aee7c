// RecordingWriter -> RecordingReader: the format round-trips every event kind exactly, rotates
// hourly, survives a crash up to the last complete frame and names the file and line of damage.

#include <gtest/gtest.h>

#include "replay/line_reader.hpp"
#include "replay/recording_format.hpp"
#include "replay/recording_reader.hpp"
#include "replay/recording_writer.hpp"
#include "replay_test_support.hpp"

namespace nzeza::replay::testing {
namespace {

class Recording : public ::testing::Test {
 protected:
  void SetUp() override { add_test_instruments(registry); }

  RecordingWriterOptions options(std::size_t frame_events = 4096) {
    RecordingWriterOptions o;
    o.dir = dir.path();
    o.frame_events = frame_events;
    o.frame_interval = std::chrono::hours(10);  // frames end on count (or flush) in these tests
    return o;
  }

  // Every kind, both times, awkward decimals, snapshot flags, a venue-wide status.
  std::vector<MarketEvent> every_kind() {
    std::vector<MarketEvent> v;
    v.push_back(quote(registry, Venue::binance, "BTCUSDT", at(1'000), "45000.5", "1.25", "45000.51",
                      "0.00000151", at(500)));
    v.push_back(trade(registry, Venue::binance, "BTCUSDT", at(2'000), "45000.51", "0.0001",
                      Side::sell, "7281923", at(1'500)));
    v.push_back(trade(registry, Venue::binance, "ETHUSDT", at(2'500), "2500.1", "3", Side::buy,
                      R"(id "quoted" \ slash)"));
    v.push_back(book(registry, Venue::binance, "BTCUSDT", at(3'000), Side::buy, "44999.99", "2.5",
                     1027024, true, true, false, at(2'900)));
    v.push_back(book(registry, Venue::binance, "BTCUSDT", at(3'000), Side::sell, "45000.01", "0.75",
                     1027024, true, false, true, at(2'900)));
    v.push_back(
        book(registry, Venue::binance, "BTCUSDT", at(4'000), Side::sell, "45000.01", "0", 1027025));
    MarketEvent status = event_of(registry, Venue::binance, "", at(5'000), {});
    status.body = VenueStatus{FeedState::resyncing, TradingStatus::trading};
    v.push_back(status);
    MarketEvent halted = event_of(registry, Venue::binance, "ETHUSDT", at(6'000), at(5'999));
    halted.body = VenueStatus{FeedState::connected, TradingStatus::halted};
    v.push_back(halted);
    return v;
  }

  TempDir dir;
  InstrumentRegistry registry;
};

TEST_F(Recording, every_event_kind_round_trips_with_exact_decimals_both_times_and_flags) {
  const auto events = every_kind();
  RecordingWriter writer(registry, options());
  for (const auto& e : events) ASSERT_TRUE(writer.append(e).ok());
  ASSERT_TRUE(writer.close().ok());
  EXPECT_EQ(writer.stats().written, events.size());
  EXPECT_EQ(writer.stats().dropped, 0u);
  ASSERT_EQ(writer.files().size(), 1u);

  auto reader = RecordingReader::open(writer.files()[0].string(), registry);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  const auto back = read_all(**reader);
  ASSERT_EQ(back.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_TRUE(same_event(back[i], events[i])) << "event " << i;
  EXPECT_EQ(std::get<Quote>(back[0].body).ask_size.to_string(), "0.00000151");
}

TEST_F(Recording, header_names_format_nzeza_version_venue_hour_and_instrument_metadata) {
  RecordingWriter writer(registry, options());
  ASSERT_TRUE(writer.append(every_kind()[0]).ok());
  ASSERT_TRUE(writer.close().ok());
  EXPECT_EQ(writer.files()[0], dir.path() / "binance" / "2024-01-02" / "03.ndjson.zst");

  auto lines = LineReader::open(writer.files()[0].string(), Compression::zstd);
  ASSERT_TRUE(lines.ok());
  std::string_view first;
  ASSERT_EQ((*lines)->next(first), ReadOutcome::event);
  EXPECT_EQ(classify_line(first), LineKind::header);
  auto header = decode_header(first);
  ASSERT_TRUE(header.ok()) << header.error().to_string();
  EXPECT_EQ(header->format_version, kRecordingFormatVersion);
  EXPECT_EQ(header->nzeza_version, nzeza_version());
  EXPECT_FALSE(header->nzeza_version.empty());
  EXPECT_EQ(header->venue, Venue::binance);
  EXPECT_EQ(header->hour, at(0));
  ASSERT_EQ(header->instruments.size(), 2u);
  const Instrument& btc = header->instruments[0];
  EXPECT_EQ(btc.venue_symbol, "BTCUSDT");
  EXPECT_EQ(btc.ws_symbol, "btcusdt");
  EXPECT_EQ(btc.canonical, "BTC-USDT");
  EXPECT_EQ(btc.kind, InstrumentKind::spot);
  EXPECT_EQ(btc.base, "BTC");
  EXPECT_EQ(btc.quote, "USDT");
  EXPECT_EQ(btc.tick_size, dec("0.01"));
  EXPECT_EQ(btc.lot_size, dec("0.00001"));
  EXPECT_EQ(btc.min_size, dec("0.00001"));
  EXPECT_EQ(btc.min_notional, dec("5"));
  EXPECT_EQ(btc.max_size, dec("9000"));
  std::string_view second;
  ASSERT_EQ((*lines)->next(second), ReadOutcome::event);
  EXPECT_EQ(second.substr(0, 30), R"({"k":"q","s":"BTCUSDT","vt":17)");
}

TEST_F(Recording, reader_rebuilds_an_empty_registry_from_the_header) {
  RecordingWriter writer(registry, options());
  for (const auto& e : every_kind()) ASSERT_TRUE(writer.append(e).ok());
  ASSERT_TRUE(writer.close().ok());

  InstrumentRegistry fresh;
  auto reader = RecordingReader::open(writer.files()[0].string(), fresh);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  EXPECT_EQ(fresh.size(), 2u);
  const Instrument* btc = fresh.find(Venue::binance, "BTCUSDT");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->tick_size, dec("0.01"));
  EXPECT_EQ(btc->min_notional, dec("5"));
  EXPECT_EQ(fresh.find(Venue::binance, "btcusdt"), btc);
  const auto back = read_all(**reader);
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(back[0].instrument, btc->id);
  EXPECT_EQ(back[0].symbol, btc->symbol);
  EXPECT_EQ(fresh.symbols().name(back[0].symbol), "BTC-USDT");
}

TEST_F(Recording, reader_maps_onto_a_registry_that_already_holds_the_instrument) {
  RecordingWriter writer(registry, options());
  ASSERT_TRUE(writer.append(every_kind()[1]).ok());
  ASSERT_TRUE(writer.close().ok());

  // Another registry where BTCUSDT has another id and its own (configured) tick.
  InstrumentRegistry configured;
  ASSERT_TRUE(
      configured.add(spot(Venue::binance, "SOLUSDT", "SOL", "USDT", dec("0.01"), dec("0.001")))
          .ok());
  ASSERT_TRUE(
      configured.add(spot(Venue::binance, "BTCUSDT", "BTC", "USDT", dec("0.1"), dec("0.001")))
          .ok());
  auto reader = RecordingReader::open(writer.files()[0].string(), configured);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  const auto back = read_all(**reader);
  ASSERT_EQ(back.size(), 1u);
  const Instrument* btc = configured.find(Venue::binance, "BTCUSDT");
  EXPECT_EQ(back[0].instrument, btc->id);
  EXPECT_EQ(btc->id.value, 1u);
  EXPECT_EQ(btc->tick_size, dec("0.1"));  // the registry's own metadata is kept
  EXPECT_EQ(configured.size(), 3u);       // ETHUSDT from the header was added
}

TEST_F(Recording, events_rotate_into_one_file_per_venue_and_hour_of_receive_time) {
  RecordingWriter writer(registry, options());
  const Duration hour = std::chrono::hours(1);
  ASSERT_TRUE(
      writer.append(quote(registry, Venue::binance, "BTCUSDT", at(0), "1", "1", "2", "1")).ok());
  ASSERT_TRUE(
      writer.append(quote(registry, Venue::coinbase, "BTC-USD", at(10), "1", "1", "2", "1")).ok());
  ASSERT_TRUE(writer
                  .append(quote(registry, Venue::binance, "BTCUSDT", at(hour.count() - 1), "3", "1",
                                "4", "1"))
                  .ok());
  ASSERT_TRUE(
      writer
          .append(quote(registry, Venue::binance, "BTCUSDT", at(hour.count()), "5", "1", "6", "1"))
          .ok());
  ASSERT_TRUE(writer
                  .append(quote(registry, Venue::binance, "BTCUSDT", at(21 * hour.count() + 5), "7",
                                "1", "8", "1"))
                  .ok());
  ASSERT_TRUE(writer.close().ok());
  const std::vector<fs::path> want = {
      dir.path() / "binance/2024-01-02/03.ndjson.zst",
      dir.path() / "coinbase/2024-01-02/03.ndjson.zst",
      dir.path() / "binance/2024-01-02/04.ndjson.zst",
      dir.path() / "binance/2024-01-03/00.ndjson.zst",
  };
  EXPECT_EQ(writer.files(), want);
  EXPECT_EQ(writer.stats().files, 4u);
  const std::size_t counts[] = {2, 1, 1, 1};
  for (std::size_t i = 0; i < want.size(); ++i) {
    auto reader = RecordingReader::open(want[i].string(), registry);
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    const auto back = read_all(**reader);
    EXPECT_EQ(back.size(), counts[i]) << want[i];
    for (const auto& e : back) EXPECT_EQ(e.receive_time.floor_to(hour), (*reader)->header().hour);
  }
}

TEST_F(Recording, a_restarted_writer_starts_a_new_file_instead_of_appending_to_the_hour) {
  {
    RecordingWriter first(registry, options());
    ASSERT_TRUE(first.append(every_kind()[0]).ok());
  }
  RecordingWriter second(registry, options());
  ASSERT_TRUE(second.append(every_kind()[1]).ok());
  ASSERT_TRUE(second.close().ok());
  ASSERT_EQ(second.files().size(), 1u);
  EXPECT_EQ(second.files()[0], dir.path() / "binance/2024-01-02/03.1.ndjson.zst");
  for (const auto& p : {dir.path() / "binance/2024-01-02/03.ndjson.zst", second.files()[0]}) {
    auto reader = RecordingReader::open(p.string(), registry);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(read_all(**reader).size(), 1u);
  }
}

TEST_F(Recording, an_instrument_added_after_the_file_began_is_declared_in_the_file) {
  RecordingWriter writer(registry, options());
  ASSERT_TRUE(writer.append(every_kind()[0]).ok());
  ASSERT_TRUE(
      registry.add(spot(Venue::binance, "SOLUSDT", "SOL", "USDT", dec("0.01"), dec("0.001"))).ok());
  ASSERT_TRUE(writer
                  .append(trade(registry, Venue::binance, "SOLUSDT", at(9'000), "101.25", "4",
                                Side::buy, "1"))
                  .ok());
  ASSERT_TRUE(writer.close().ok());

  InstrumentRegistry fresh;
  auto reader = RecordingReader::open(writer.files()[0].string(), fresh);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->header().instruments.size(), 2u);
  const auto back = read_all(**reader);
  ASSERT_EQ(back.size(), 2u);
  const Instrument* sol = fresh.find(Venue::binance, "SOLUSDT");
  ASSERT_NE(sol, nullptr);
  EXPECT_EQ(sol->lot_size, dec("0.001"));
  EXPECT_EQ(back[1].instrument, sol->id);
}

TEST_F(Recording,
       writer_drops_and_counts_an_event_whose_instrument_is_unknown_or_of_another_venue) {
  RecordingWriter writer(registry, options());
  MarketEvent e = every_kind()[0];
  e.instrument = InstrumentId{999};
  const Status st = writer.append(e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("999"), std::string::npos);
  MarketEvent orphan = every_kind()[1];
  orphan.instrument = InstrumentId{};
  EXPECT_FALSE(writer.append(orphan).ok());
  MarketEvent elsewhere = every_kind()[0];
  elsewhere.venue = Venue::coinbase;  // a Binance instrument on a Coinbase event
  const Status mixed = writer.append(elsewhere);
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.error().message.find("from coinbase names the binance instrument BTCUSDT"),
            std::string::npos)
      << mixed.error().message;
  EXPECT_EQ(writer.stats().dropped, 3u);
  EXPECT_EQ(writer.stats().written, 0u);
}

TEST_F(Recording, a_file_cut_mid_frame_reads_up_to_the_cut_then_names_the_file_and_offset) {
  // Frames of 10 events; 25 events written without close: frames 1 and 2 complete on disk.
  RecordingWriter writer(registry, options(10));
  for (int i = 0; i < 25; ++i)
    ASSERT_TRUE(writer
                    .append(trade(registry, Venue::binance, "BTCUSDT", at(i), "45000.5", "1",
                                  Side::buy, std::to_string(i)))
                    .ok());
  ASSERT_TRUE(writer.flush().ok());  // frame 3 (5 events)
  const std::string whole = read_file(writer.files()[0]);
  ASSERT_EQ(writer.stats().frames, 3u);
  // Cut 7 bytes before the end: inside the third frame, after the first two.
  const fs::path cut = dir / "cut.ndjson.zst";
  const std::size_t third = whole.size() - 7;
  write_file(cut, std::string_view(whole).substr(0, third));

  auto reader = RecordingReader::open(cut.string(), registry);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  auto [events, error] = read_until_error(**reader);
  EXPECT_GE(events.size(), 20u);
  EXPECT_LT(events.size(), 25u);
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(std::get<Trade>(events[i].body).trade_id.view(), std::to_string(i));
  EXPECT_EQ(error.code, ErrorCode::parse_error);
  EXPECT_NE(error.message.find(cut.string()), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("truncated zstd frame"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("cut at byte " + std::to_string(third)), std::string::npos)
      << error.message;
  // The reader stays failed.
  MarketEvent e;
  EXPECT_EQ((*reader)->next(e), ReadOutcome::error);
}

TEST_F(Recording, a_writer_that_dies_without_close_leaves_every_complete_frame_readable) {
  auto writer = std::make_unique<RecordingWriter>(registry, options(8));
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(writer
                    ->append(trade(registry, Venue::binance, "BTCUSDT", at(i), "1", "1", Side::buy,
                                   std::to_string(i)))
                    .ok());
  // A crash: copy what is on disk now (two 8-event frames) before the writer closes.
  const fs::path copy = dir / "crashed.ndjson.zst";
  fs::copy_file(writer->files()[0], copy);
  writer.reset();

  auto reader = RecordingReader::open(copy.string(), registry);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  auto [events, error] = read_until_error(**reader);
  EXPECT_EQ(events.size(), 16u);
  EXPECT_TRUE(error.message.empty()) << error.message;  // it ends on a frame boundary
}

TEST_F(Recording, a_corrupt_line_is_an_error_naming_the_file_and_the_line) {
  RecordingWriter writer(registry, options());
  ASSERT_TRUE(writer.append(every_kind()[0]).ok());
  ASSERT_TRUE(writer.close().ok());
  auto lines = LineReader::open(writer.files()[0].string(), Compression::zstd);
  ASSERT_TRUE(lines.ok());
  std::string_view l;
  ASSERT_EQ((*lines)->next(l), ReadOutcome::event);
  std::string text(l);
  text += "\n";
  text += R"({"k":"q","s":"BTCUSDT","rt":1,"b":"1","bs":"1","a":"2","as":"1"})"
          "\n";
  text += R"({"k":"q","s":"BTCUSDT","rt":2,"b":"1.2.3","bs":"1","a":"2","as":"1"})"
          "\n";
  const fs::path plain = dir / "corrupt.ndjson";
  write_file(plain, text);

  auto reader = RecordingReader::open(plain.string(), registry);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  auto [events, error] = read_until_error(**reader);
  EXPECT_EQ(events.size(), 1u);
  EXPECT_EQ(error.code, ErrorCode::parse_error);
  EXPECT_EQ(error.message.rfind(plain.string() + ":3: \"b\": not an exact decimal", 0), 0u)
      << error.message;
}

TEST_F(Recording, damaged_lines_each_get_an_error_naming_what_is_wrong) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"k":"q","s":"BTCUSDT","rt":1,"b":"1","bs":"1","a":"2"})", "missing \"as\""},
      {R"({"k":"x","s":"BTCUSDT","rt":1})", "unknown event kind"},
      {R"({"k":"t","s":"NOPE","rt":1,"p":"1","q":"1","side":"buy"})",
       "instrument \"NOPE\" is not declared"},
      {R"({"k":"t","s":"BTCUSDT","rt":-5,"p":"1","q":"1","side":"buy"})", "not a time in ns"},
      {R"({"k":"t","s":"BTCUSDT","rt":1,"p":"1","q":"1","side":"up"})", "not buy or sell"},
      {R"({"k":"b","s":"BTCUSDT","rt":1,"p":"1","q":"1","side":"buy","f":"sx"})", "unknown flag"},
      {R"({"k":"t","s":"BTCUSDT","rt":1,"p":1.5,"q":"1","side":"buy"})",
       "a decimal must be a string"},
      {R"({"k":"q","s":"BTCUSDT","rt":1,"b":"1")", "expected ',' or '}'"},
      {"garbage", "not a recording line"},
  };
  RecordingHeader h;
  h.nzeza_version = "test";
  h.venue = Venue::binance;
  h.instruments.push_back(*registry.find(Venue::binance, "BTCUSDT"));
  for (const auto& [line, want] : cases) {
    const fs::path p = dir / "bad.ndjson";
    write_file(p, encode_header(h) + "\n" + line + "\n");
    auto reader = RecordingReader::open(p.string(), registry);
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    auto [events, error] = read_until_error(**reader);
    EXPECT_TRUE(events.empty()) << line;
    EXPECT_NE(error.message.find(p.string() + ":2: "), std::string::npos) << error.message;
    EXPECT_NE(error.message.find(want), std::string::npos) << line << " -> " << error.message;
  }
}

TEST_F(Recording, a_hand_written_line_in_another_key_order_with_spaces_reads_the_same) {
  RecordingHeader h;
  h.nzeza_version = "test";
  h.venue = Venue::binance;
  h.instruments.push_back(*registry.find(Venue::binance, "BTCUSDT"));
  const fs::path p = dir / "hand.ndjson";
  write_file(p, encode_header(h) + "\n" +
                    R"({ "rt": 2000, "k": "t", "id": "a\"b", "side": "sell", "q": "1.5e-3",)"
                    R"( "p": "45000.5", "s": "BTCUSDT", "vt": 1000 })"
                    "\n"
                    R"({"k":"b","s":"BTCUSDT","rt":3000,"side":"buy","p":"1","q":"0","f":"lrs"})"
                    "\n"
                    R"({"k":"st","rt":4000,"feed":"stale"})"
                    "\n");
  auto reader = RecordingReader::open(p.string(), registry);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  const auto ev = read_all(**reader);
  ASSERT_EQ(ev.size(), 3u);
  const auto& t = std::get<Trade>(ev[0].body);
  EXPECT_EQ(t.price, dec("45000.5"));
  EXPECT_EQ(t.size, dec("0.0015"));
  EXPECT_EQ(t.aggressor, Side::sell);
  EXPECT_EQ(t.trade_id.view(), "a\"b");
  EXPECT_EQ(ev[0].venue_time, Timestamp::from_ns(1000));
  EXPECT_EQ(ev[0].receive_time, Timestamp::from_ns(2000));
  const auto& b = std::get<BookChange>(ev[1].body);
  EXPECT_TRUE(b.snapshot && b.reset && b.last);
  EXPECT_FALSE(ev[2].instrument.valid());
  EXPECT_EQ(std::get<VenueStatus>(ev[2].body).state, FeedState::stale);
  EXPECT_EQ(std::get<VenueStatus>(ev[2].body).trading, TradingStatus::trading);
}

TEST_F(Recording, a_file_without_a_header_or_with_a_newer_format_is_refused_at_open) {
  const fs::path none = dir / "none.ndjson";
  write_file(none, R"({"k":"q","s":"BTCUSDT","rt":1,"b":"1","bs":"1","a":"2","as":"1"})"
                   "\n");
  auto r1 = RecordingReader::open(none.string(), registry);
  ASSERT_FALSE(r1.ok());
  EXPECT_NE(r1.error().message.find(none.string() + ":1: not a recording header"),
            std::string::npos)
      << r1.error().message;

  const fs::path newer = dir / "newer.ndjson";
  write_file(
      newer,
      R"({"format":"nzeza-recording","format_version":2,"nzeza_version":"9","venue":"binance","instruments":[]})"
      "\n");
  auto r2 = RecordingReader::open(newer.string(), registry);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("format_version 2"), std::string::npos) << r2.error().message;

  const fs::path empty = dir / "empty.ndjson.zst";
  write_file(empty, "");
  auto r3 = RecordingReader::open(empty.string(), registry);
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(r3.error().message.find("empty"), std::string::npos);

  auto r4 = RecordingReader::open((dir / "missing.ndjson.zst").string(), registry);
  ASSERT_FALSE(r4.ok());
  EXPECT_EQ(r4.error().code, ErrorCode::not_found);
}

TEST_F(Recording, corrupt_zstd_bytes_are_an_error_naming_the_file_and_the_frame_offset) {
  RecordingWriter writer(registry, options(4));
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(writer
                    .append(quote(registry, Venue::binance, "BTCUSDT", at(i), "45000.5", "1",
                                  "45000.6", "2"))
                    .ok());
  ASSERT_TRUE(writer.close().ok());
  std::string bytes = read_file(writer.files()[0]);
  // Overwrite the middle of the file (a later frame) with junk.
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 16; ++i) bytes[i] = '\x5a';
  const fs::path bad = dir / "flipped.ndjson.zst";
  write_file(bad, bytes);

  auto reader = RecordingReader::open(bad.string(), registry);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  auto [events, error] = read_until_error(**reader);
  EXPECT_LT(events.size(), 40u);
  EXPECT_EQ(error.code, ErrorCode::parse_error);
  EXPECT_EQ(
      error.message.rfind(bad.string() + ": corrupt zstd data in the frame beginning at byte", 0),
      0u)
      << error.message;
}

}  // namespace
}  // namespace nzeza::replay::testing
