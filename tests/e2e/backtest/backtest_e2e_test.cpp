// The backtest end to end in process: replay equals live, determinism, Tardis CSV input, damaged
// files, and the --from/--to range.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "app/backtest_report.hpp"
#include "e2e/backtest/backtest_support.hpp"
#include "replay/recording_format.hpp"
#include "replay/recording_writer.hpp"
#include "unit/replay/replay_test_support.hpp"

namespace nzeza::app::backtest_test {
namespace {

Timestamp t0() {
  return Timestamp::from_seconds(kStart);
}

// One paper session of 30 simulated minutes, recorded, shared by the tests that replay it.
class Replay : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    session_ = new RecordedSession();
    session_->run(demo_config(), std::chrono::minutes(30));
  }
  static void TearDownTestSuite() {
    delete session_;
    session_ = nullptr;
  }
  static RecordedSession* session_;
};
RecordedSession* Replay::session_ = nullptr;

TEST_F(Replay, a_paper_session_recorded_on_the_manual_clock_replays_to_the_same_orders_and_fills) {
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_FALSE(session_->fills.empty()) << "the live session traded nothing: nothing to compare";
  BacktestOptions o;
  o.files = session_->recordings();
  ASSERT_FALSE(o.files.empty());
  o.config = demo_config();
  o.keep_orders = true;
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;

  ASSERT_EQ(r->orders.size(), session_->orders.size());
  for (std::size_t i = 0; i < r->orders.size(); ++i) {
    const auto& a = session_->orders[i];
    const auto& b = r->orders[i];
    EXPECT_EQ(b.sequence, a.sequence) << "order " << i;
    EXPECT_EQ(b.canonical, a.canonical) << "order " << i;
    EXPECT_EQ(b.side, a.side) << "order " << i;
    EXPECT_EQ(b.type, a.type) << "order " << i;
    EXPECT_EQ(b.reduce_only, a.reduce_only) << "order " << i;
    EXPECT_EQ(b.quantity, a.quantity) << "order " << i;
    EXPECT_EQ(b.price, a.price) << "order " << i;
    EXPECT_EQ(b.stop_price, a.stop_price) << "order " << i;
  }
  EXPECT_EQ(texts(r->fills), texts(session_->fills));
  EXPECT_EQ(r->summary.starting_equity, Decimal::from_integer(100'000));
  EXPECT_GT(r->events.total, 0u);
}

TEST_F(Replay, two_backtests_of_the_same_files_write_identical_report_bytes) {
  ASSERT_FALSE(HasFatalFailure());
  BacktestOptions o;
  o.files = session_->recordings();
  o.config = demo_config();
  auto a = run_backtest(o);
  auto b = run_backtest(o);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_GT(a->summary.trades, 0u) << "a report without trades proves little";
  const std::string ja = backtest_report_json(*a, o);
  const std::string jb = backtest_report_json(*b, o);
  EXPECT_EQ(ja, jb);
  EXPECT_NE(ja.find("\"trades\":["), std::string::npos);
  EXPECT_EQ(ja.find("generated_at"), std::string::npos);
  // The report helper accepts it as it is (docs/backtest-report.md).
  const Status valid = validate_backtest_report(ja);
  EXPECT_TRUE(valid.ok()) << valid.error().message;
}

// The stop cancels what still rests (Config::shutdown = cancel). On the backtest's manual clock
// the paper venue answers those cancels only when the clock moves: the stop moves it until they
// are answered, so every answer reaches the execution actor while it runs, none a dead letter.
TEST_F(Replay, a_backtest_ending_with_a_protected_position_stops_without_dead_letters) {
  ASSERT_FALSE(HasFatalFailure());
  // The replay ends a second after an entry filled (no other fill for two seconds): its position
  // open and its stop-loss resting at the paper venue when the stop comes.
  std::map<std::string, Decimal> net;
  std::optional<Timestamp> end;
  const auto& fills = session_->fills;
  for (std::size_t i = 0; i < fills.size() && !end; ++i) {
    net[fills[i].symbol] += fills[i].side == "buy" ? fills[i].quantity : -fills[i].quantity;
    const bool open =
        std::any_of(net.begin(), net.end(), [](const auto& n) { return !n.second.is_zero(); });
    const bool quiet =
        i + 1 == fills.size() || fills[i + 1].at - fills[i].at > std::chrono::seconds(2);
    if (open && quiet) end = fills[i].at + std::chrono::seconds(1);
  }
  ASSERT_TRUE(end.has_value()) << "the session never held a position for two quiet seconds";
  BacktestOptions o;
  o.files = session_->recordings();
  o.config = demo_config();
  ASSERT_EQ(o.config.shutdown, ShutdownPolicy::cancel_resting);
  o.to = *end;
  o.keep_orders = true;
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::map<std::string, Decimal> held;
  for (const auto& f : r->fills) held[f.symbol] += f.side == "buy" ? f.quantity : -f.quantity;
  ASSERT_TRUE(std::any_of(held.begin(), held.end(), [](const auto& h) {
    return !h.second.is_zero();
  })) << "every position is flat at the end: nothing rests to cancel, the test proves nothing";
  ASSERT_TRUE(std::any_of(r->orders.begin(), r->orders.end(), [](const venues::PlaceIntent& i) {
    return i.reduce_only;
  })) << "no exit was placed: nothing rests to cancel";
  EXPECT_EQ(r->dead_letters, 0u);
}

// ── small files written here ─────────────────────────────────────────────────────────────────

Instrument btcusdt() {
  Instrument i;
  i.venue = Venue::binance;
  i.canonical = "BTC-USDT";
  i.venue_symbol = "BTCUSDT";
  i.base = "BTC";
  i.quote = "USDT";
  i.tick_size = Decimal::parse("0.01").value();
  i.lot_size = Decimal::parse("0.00001").value();
  i.min_size = i.lot_size;
  return i;
}

// A plain (uncompressed) recording: header, then one quote a second from t0 + 1 s; `bad_line`
// (1-based, > 1) replaced by a line that is not an event.
std::string plain_recording(std::size_t quotes, std::size_t bad_line = 0) {
  replay::RecordingHeader h;
  h.nzeza_version = "0.1.0";
  h.venue = Venue::binance;
  h.hour = t0();
  h.instruments.push_back(btcusdt());
  std::string text = replay::encode_header(h) + '\n';
  for (std::size_t i = 1; i <= quotes; ++i) {
    if (i + 1 == bad_line) {
      text += "{\"k\":\"q\",\"s\":\"BTCUSDT\",\"vt\":1,\"rt\":1,\"b\":\"abc\"}\n";
      continue;
    }
    MarketEvent e;
    e.venue = Venue::binance;
    e.venue_time = e.receive_time = t0() + std::chrono::seconds(static_cast<std::int64_t>(i));
    const Decimal bid = Decimal::from_integer(45'000 + static_cast<std::int64_t>(i));
    e.body = Quote{bid, Decimal::one(), bid + Decimal::parse("0.01").value(), Decimal::one()};
    replay::append_event_line(text, e, "BTCUSDT");
  }
  return text;
}

TEST(Backtest,
     tardis_trades_and_quotes_files_replay_with_their_events_counted_and_candles_from_the_trades) {
  testsupport::TempDir dir("nzeza-bt-tardis");
  const std::int64_t us = kStart * 1'000'000;
  auto at = [&](int s) { return std::to_string(us + s * 1'000'000LL); };
  std::string quotes =
      "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n";
  for (int s = 0; s < 4; ++s)
    quotes += "binance,BTCUSDT," + at(s) + ',' + at(s) + ",1.5,45000.20,45000.10,2\n";
  std::string trades = "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n";
  const char* rows[] = {"20,1,buy,45010.00,0.5", "22,2,sell,45030.50,0.25",
                        "25,3,buy,45005.25,1",   "31,4,sell,45020.00,0.1",
                        "33,5,buy,45021.00,0.2", "35,6,buy,45019.00,0.3"};
  for (const char* row : rows) {
    const std::string r(row);
    const int s = std::stoi(r.substr(0, 2));
    trades += "binance,BTCUSDT," + at(s) + ',' + at(s) + ',' + r.substr(3) + '\n';
  }
  const fs::path q = dir.path() / "binance_quotes_2026-01-01_BTCUSDT.csv";
  const fs::path t = dir.path() / "binance_trades_2026-01-01_BTCUSDT.csv.gz";
  write_text(q, quotes);
  replay::testing::write_gz(t, trades);

  BacktestOptions o;
  o.files = {t.string(), q.string()};
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events, (EventCounts{4, 6, 0, 0, 10}));
  EXPECT_EQ(r->symbols, std::vector<std::string>{"BTC-USDT"});
  EXPECT_EQ(r->first_event, t0());
  EXPECT_EQ(r->last_event, t0() + std::chrono::seconds(35));
  const auto& candles = r->candles.at("BTC-USDT");
  ASSERT_EQ(candles.size(), 3u);  // [0, 10) from the quotes' mids, [20, 30) and [30, 40)
  EXPECT_EQ(candles[0].o, Decimal::parse("45000.15").value());
  const CandleRow& c = candles[1];
  EXPECT_EQ(c.t, t0() + std::chrono::seconds(20));
  EXPECT_EQ(c.o, Decimal::parse("45010").value());
  EXPECT_EQ(c.h, Decimal::parse("45030.5").value());
  EXPECT_EQ(c.l, Decimal::parse("45005.25").value());
  EXPECT_EQ(c.c, Decimal::parse("45005.25").value());
  EXPECT_EQ(c.v, Decimal::parse("1.75").value());
  EXPECT_EQ(candles[2].v, Decimal::parse("0.6").value());
  // No strategy can warm up on 40 seconds: nothing traded, the cash intact.
  EXPECT_EQ(r->summary.trades, 0u);
  EXPECT_EQ(r->summary.final_equity, r->summary.starting_equity);
}

TEST(Backtest, a_tardis_l2_book_file_moves_the_paper_book_and_its_mid_draws_the_candles) {
  testsupport::TempDir dir("nzeza-bt-l2");
  const std::int64_t us = kStart * 1'000'000;
  auto at = [&](int s) { return std::to_string(us + s * 1'000'000LL); };
  std::string l2 = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n";
  l2 += "binance,BTCUSDT," + at(0) + ',' + at(0) + ",true,bid,100.00,1\n";
  l2 += "binance,BTCUSDT," + at(0) + ',' + at(0) + ",true,ask,100.10,2\n";
  l2 += "binance,BTCUSDT," + at(5) + ',' + at(5) + ",false,bid,100.05,1\n";
  l2 += "binance,BTCUSDT," + at(25) + ',' + at(25) + ",false,ask,100.08,1\n";
  const fs::path p = dir.path() / "binance_incremental_book_L2_2026-01-01_BTCUSDT.csv";
  write_text(p, l2);
  BacktestOptions o;
  o.files = {p.string()};
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events, (EventCounts{0, 0, 4, 0, 4}));
  // Book data only: each sample (every 10 s) draws the paper book's mid, (100.05 + 100.10) / 2
  // at 10 s and 20 s; the ask moved to 100.08 at 25 s, after the last sample.
  const auto& candles = r->candles.at("BTC-USDT");
  ASSERT_EQ(candles.size(), 2u);
  EXPECT_EQ(candles[0].t, t0());
  EXPECT_EQ(candles[0].c, Decimal::parse("100.075").value());
  EXPECT_EQ(candles[1].t, t0() + std::chrono::seconds(10));
  EXPECT_EQ(candles[1].c, Decimal::parse("100.075").value());
}

// A config file's paper mode whitelists paper.symbols (BTC-USD...) and funds USD; Binance data
// trades BTC-USDT: the backtest trades the files' symbols with cash in their quote currency.
TEST(Backtest, usdt_data_replayed_with_a_paper_config_file_trades_its_own_symbols_in_usdt) {
  testsupport::TempDir dir("nzeza-bt-usdt");
  InstrumentRegistry registry;
  ASSERT_TRUE(registry.add(btcusdt()).ok());
  const Instrument* inst = registry.find(Venue::binance, "BTCUSDT");
  {
    replay::RecordingWriterOptions wo;
    wo.dir = dir.path();
    replay::RecordingWriter w(registry, wo);
    std::mt19937_64 rng(7);
    std::int64_t mid = 4'500'000;            // cents
    for (int i = 0; i < 4 * 60 * 30; ++i) {  // 30 minutes, a quote and a trade every 250 ms
      mid += static_cast<std::int64_t>(rng() % 9) - 4;
      MarketEvent e;
      e.venue = Venue::binance;
      e.instrument = inst->id;
      e.symbol = inst->symbol;
      e.venue_time = e.receive_time = t0() + std::chrono::milliseconds(250 * (i + 1));
      const Decimal bid = Decimal::from_scaled(mid, 2).value();
      e.body = Quote{bid, Decimal::one(), bid + Decimal::parse("0.01").value(), Decimal::one()};
      ASSERT_TRUE(w.append(e).ok());
      Trade t{bid, Decimal::parse("0.01").value(), Side::sell, {}};
      (void)TradeId::assign(t.trade_id, std::to_string(i));
      e.body = t;
      ASSERT_TRUE(w.append(e).ok());
    }
    ASSERT_TRUE(w.close().ok());
  }
  const auto loaded = parse_config(R"(mode = "paper"
[strategies]
fast_scalping = 0.65
momentum_scalping = 0.25
conservative_scalping = 0.1
[risk]
min_confidence = 0.5
)",
                                   "<test>");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.config().risk.whitelist, loaded.config().paper.symbols);  // BTC-USD...
  BacktestOptions o;
  o.files = files_under(dir.path());
  o.config = loaded.config();
  o.keep_orders = true;
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->symbols, std::vector<std::string>{"BTC-USDT"});
  ASSERT_FALSE(r->fills.empty()) << "no fill: the orders were refused";
  EXPECT_EQ(r->fills.front().symbol, "BTC-USDT");
  EXPECT_TRUE(r->summary.fees.is_positive());
}

TEST(Backtest, a_corrupt_line_stops_the_run_with_an_error_naming_the_file_and_the_line) {
  testsupport::TempDir dir("nzeza-bt-corrupt");
  const fs::path p = dir.path() / "binance.ndjson";
  write_text(p, plain_recording(10, 5));
  BacktestOptions o;
  o.files = {p.string()};
  auto r = run_backtest(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(p.string() + ":5"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().code, ErrorCode::parse_error);
}

TEST(Backtest, a_truncated_recording_stops_with_an_error_naming_the_file) {
  testsupport::TempDir dir("nzeza-bt-cut");
  InstrumentRegistry registry;
  ASSERT_TRUE(registry.add(btcusdt()).ok());
  const Instrument* inst = registry.find(Venue::binance, "BTCUSDT");
  fs::path file;
  {
    replay::RecordingWriterOptions wo;
    wo.dir = dir.path() / "rec";
    wo.frame_events = 100;
    replay::RecordingWriter w(registry, wo);
    for (int i = 0; i < 1000; ++i) {
      MarketEvent e;
      e.venue = Venue::binance;
      e.instrument = inst->id;
      e.symbol = inst->symbol;
      e.venue_time = e.receive_time = t0() + std::chrono::milliseconds(i * 100);
      const Decimal bid = Decimal::from_integer(45'000 + i);
      e.body = Quote{bid, Decimal::one(), bid + Decimal::one(), Decimal::one()};
      ASSERT_TRUE(w.append(e).ok());
    }
    ASSERT_TRUE(w.close().ok());
    ASSERT_EQ(w.files().size(), 1u);
    file = w.files().front();
  }
  const auto size = fs::file_size(file);
  fs::resize_file(file, size - 40);
  BacktestOptions o;
  o.files = {file.string()};
  auto r = run_backtest(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(file.string()), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
}

TEST(Backtest, from_and_to_replay_only_the_events_inside_the_range) {
  testsupport::TempDir dir("nzeza-bt-range");
  const fs::path p = dir.path() / "binance.ndjson";
  write_text(p, plain_recording(10));
  BacktestOptions o;
  o.files = {p.string()};
  o.from = t0() + std::chrono::seconds(3);
  o.to = t0() + std::chrono::seconds(7);
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events.total, 4u);  // 3, 4, 5, 6: [from, to)
  EXPECT_EQ(r->events.quote, 4u);
  EXPECT_EQ(r->first_event, t0() + std::chrono::seconds(3));
  EXPECT_EQ(r->last_event, t0() + std::chrono::seconds(6));
  const std::string json = backtest_report_json(*r, o);
  EXPECT_NE(json.find("\"range\":{\"from\":\"" + o.from->to_iso8601() + "\",\"to\":\"" +
                      o.to->to_iso8601() + "\"}"),
            std::string::npos)
      << json;

  o.from = t0() + std::chrono::seconds(20);  // after the last event: nothing to replay
  o.to.reset();
  auto none = run_backtest(o);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(none->events.total, 0u);
}

TEST(Backtest, the_progress_line_counts_the_events_and_ends_at_the_whole_range) {
  testsupport::TempDir dir("nzeza-bt-progress");
  const fs::path p = dir.path() / "binance.ndjson";
  write_text(p, plain_recording(10));
  BacktestOptions o;
  o.files = {p.string()};
  o.to = t0() + std::chrono::seconds(20);
  std::ostringstream progress;
  o.progress = &progress;
  auto r = run_backtest(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string line = progress.str();
  EXPECT_NE(line.find("          10 events  100.0 %"), std::string::npos) << line;
  EXPECT_NE(line.find("events/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA"), std::string::npos) << line;
  EXPECT_EQ(line.back(), '\n');
}

}  // namespace
}  // namespace nzeza::app::backtest_test
