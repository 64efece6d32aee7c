#include "store/journal.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "unit/store/store_test_support.hpp"

namespace nzeza::store {
namespace {

using testing::at_ms;
using testing::dec;
using testing::event;
using testing::fill;
using testing::intent;
using testing::TempDir;

std::unique_ptr<Journal> open_ok(const std::filesystem::path& file) {
  auto j = Journal::open(file);
  EXPECT_TRUE(j.ok()) << j.error().to_string();
  return j.ok() ? std::move(*j) : nullptr;
}

JournalState load_ok(Journal& j) {
  auto s = j.load();
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  return s.ok() ? std::move(*s) : JournalState{};
}

TEST(Journal, fresh_journal_is_created_with_its_directory_at_this_builds_schema) {
  TempDir dir;
  const auto file = dir.path() / "a" / "b" / "journal.sqlite";
  auto j = open_ok(file);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->path(), file);
  EXPECT_TRUE(std::filesystem::exists(file));
  const JournalState s = load_ok(*j);
  EXPECT_EQ(s.schema_version, schema_version());
  EXPECT_EQ(s.last_sequence, 0u);
  EXPECT_FALSE(s.first_intent_at.has_value());
  EXPECT_TRUE(s.orders.empty());
  SQLite::Database raw(file);
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), schema_version());
}

TEST(Journal, intent_round_trips_every_field_through_a_reopen) {
  TempDir dir;
  const IntentRecord in = intent(7);
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->write_intent(in).ok());
  }
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.orders.size(), 1u);
  const OrderRecord& o = s.orders[0];
  EXPECT_EQ(o.intent.sequence, 7u);
  EXPECT_EQ(o.intent.canonical, in.canonical);
  EXPECT_EQ(o.intent.side, in.side);
  EXPECT_EQ(o.intent.type, in.type);
  EXPECT_EQ(o.intent.time_in_force, in.time_in_force);
  EXPECT_EQ(o.intent.reduce_only, in.reduce_only);
  EXPECT_EQ(o.intent.quantity, in.quantity);
  EXPECT_EQ(o.intent.price, in.price);
  EXPECT_EQ(o.intent.stop_price, in.stop_price);
  EXPECT_EQ(o.intent.purpose, in.purpose);
  EXPECT_EQ(o.intent.at, in.at);
  // No event yet: the order is pending since its intent.
  EXPECT_EQ(o.phase, OrderPhase::pending);
  EXPECT_EQ(o.updated, in.at);
  EXPECT_FALSE(o.venue.has_value());
  EXPECT_EQ(s.last_sequence, 7u);
  ASSERT_TRUE(s.first_intent_at.has_value());
  EXPECT_EQ(*s.first_intent_at, in.at);

  // Stored as exact text, integer nanoseconds and names.
  SQLite::Database raw(dir.file());
  SQLite::Statement q(raw, "SELECT quantity, stop_price, at, side, type FROM intents");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "0.00000151");
  EXPECT_EQ(q.getColumn(1).getString(), "44999.0000000000000001");
  EXPECT_EQ(q.getColumn(2).getInt64(), in.at.ns());
  EXPECT_EQ(q.getColumn(3).getString(), "sell");
  EXPECT_EQ(q.getColumn(4).getString(), "stop_limit");
}

TEST(Journal, intent_without_optional_prices_reads_back_without_them) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  IntentRecord in = intent(1);
  in.price.reset();
  in.stop_price.reset();
  in.type = domain::OrderType::market;
  ASSERT_TRUE(j->write_intent(in).ok());
  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.orders.size(), 1u);
  EXPECT_FALSE(s.orders[0].intent.price.has_value());
  EXPECT_FALSE(s.orders[0].intent.stop_price.has_value());
  EXPECT_EQ(s.orders[0].intent.type, domain::OrderType::market);
}

TEST(Journal, load_lists_only_orders_that_may_be_live_each_with_its_latest_event) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  for (std::uint64_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE(j->write_intent(intent(seq)).ok());
  // 1: working, then done → not live.
  j->record(event(1, OrderPhase::working, 10));
  j->record(event(1, OrderPhase::done, 11));
  // 2: unknown, then working (the latest wins even with an older timestamp).
  j->record(event(2, OrderPhase::unknown, 30));
  j->record(event(2, OrderPhase::working, 20));
  // 3: refused → not live. 4: never_executed → not live. 5: no event → pending.
  j->record(event(3, OrderPhase::refused, 12));
  j->record(event(4, OrderPhase::unresolved, 13));
  j->record(event(4, OrderPhase::never_executed, 14));
  ASSERT_TRUE(j->flush().ok());

  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.orders.size(), 2u);
  const OrderRecord& two = s.orders[0];
  EXPECT_EQ(two.intent.sequence, 2u);
  EXPECT_EQ(two.phase, OrderPhase::working);
  EXPECT_EQ(two.updated, at_ms(20));
  EXPECT_EQ(two.venue, Venue::kraken);
  EXPECT_EQ(two.client_order_id, "nz-2");
  EXPECT_EQ(two.venue_order_id, "OABC-20");
  EXPECT_EQ(two.venue_symbol, "XBT/USDT");
  EXPECT_EQ(two.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(two.filled, dec("0.0000005"));
  EXPECT_EQ(two.detail, "phase at 20");
  EXPECT_EQ(s.orders[1].intent.sequence, 5u);
  EXPECT_EQ(s.orders[1].phase, OrderPhase::pending);

  for (OrderPhase p :
       {OrderPhase::pending, OrderPhase::working, OrderPhase::unknown, OrderPhase::unresolved})
    EXPECT_TRUE(may_be_live(p)) << to_string(p);
  for (OrderPhase p : {OrderPhase::refused, OrderPhase::done, OrderPhase::never_executed})
    EXPECT_FALSE(may_be_live(p)) << to_string(p);
}

TEST(Journal, order_phase_names_parse_back_and_unknown_names_do_not) {
  for (OrderPhase p :
       {OrderPhase::pending, OrderPhase::refused, OrderPhase::working, OrderPhase::unknown,
        OrderPhase::done, OrderPhase::never_executed, OrderPhase::unresolved})
    EXPECT_EQ(parse_order_phase(to_string(p)), p);
  EXPECT_FALSE(parse_order_phase("Working").has_value());
  EXPECT_FALSE(parse_order_phase("").has_value());
}

TEST(Journal, event_without_venue_or_status_reads_back_without_them) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  ASSERT_TRUE(j->write_intent(intent(1)).ok());
  OrderEventRecord e = event(1, OrderPhase::unknown, 5);
  e.venue.reset();
  e.status.reset();
  j->record(e);
  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.orders.size(), 1u);
  EXPECT_EQ(s.orders[0].phase, OrderPhase::unknown);
  EXPECT_FALSE(s.orders[0].venue.has_value());
  EXPECT_FALSE(s.orders[0].status.has_value());
}

TEST(Journal, orders_since_lists_every_phase_from_that_time_by_sequence_up_to_the_limit) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  for (std::uint64_t seq = 1; seq <= 4; ++seq)
    ASSERT_TRUE(j->write_intent(intent(seq, static_cast<std::int64_t>(seq) * 100)).ok());
  j->record(event(3, OrderPhase::done, 350));
  auto orders = j->orders_since(at_ms(200), 2);
  ASSERT_TRUE(orders.ok()) << orders.error().to_string();
  ASSERT_EQ(orders->size(), 2u);
  EXPECT_EQ((*orders)[0].intent.sequence, 2u);
  EXPECT_EQ((*orders)[1].intent.sequence, 3u);
  EXPECT_EQ((*orders)[1].phase, OrderPhase::done);
}

TEST(Journal, fill_reported_twice_is_stored_once_and_round_trips) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  const FillRecord first = fill("T1", 3, 10);
  j->record(first);
  j->record(fill("T2", 3, 11));
  FillRecord again = fill("T1", 3, 12);  // same key, later report
  again.fill.price = dec("1");
  j->record(again);
  FillRecord other_symbol = fill("T1", 3, 13);  // same trade id on another market: a new fill
  other_symbol.fill.venue_symbol = "ETHUSDT";
  j->record(other_symbol);
  FillRecord other_venue = fill("T1", 0, 14);  // and on another venue
  other_venue.fill.venue = Venue::coinbase;
  j->record(other_venue);
  auto n = j->flush();
  ASSERT_TRUE(n.ok()) << n.error().to_string();
  EXPECT_EQ(*n, 5u);  // written = handed to the database; the duplicate is ignored there

  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.fills.size(), 4u);
  const FillRecord& f = s.fills[0];
  EXPECT_EQ(f.fill.venue, Venue::binance);
  EXPECT_EQ(f.fill.venue_symbol, "BTCUSDT");
  EXPECT_EQ(f.fill.trade_id, "T1");
  EXPECT_EQ(f.fill.client_order_id, "nz-3");
  EXPECT_EQ(f.fill.side, Side::buy);
  EXPECT_EQ(f.fill.price, first.fill.price);  // the first report stands
  EXPECT_EQ(f.fill.quantity, first.fill.quantity);
  EXPECT_EQ(f.fill.fee, dec("-0.0000001"));
  EXPECT_EQ(f.fill.fee_currency, "BNB");
  EXPECT_EQ(f.fill.liquidity, domain::Liquidity::maker);
  EXPECT_EQ(f.fill.time, at_ms(10));
  EXPECT_EQ(f.sequence, 3u);
  EXPECT_EQ(f.recorded, at_ms(11));
  EXPECT_EQ(s.fills[1].fill.trade_id, "T2");
  EXPECT_EQ(s.fills[2].fill.venue_symbol, "ETHUSDT");
  EXPECT_EQ(s.fills[3].fill.venue, Venue::coinbase);

  auto since = j->fills_since(at_ms(11), 10);
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ((*since)[0].fill.trade_id, "T2");
  auto limited = j->fills_since(at_ms(0), 1);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].fill.trade_id, "T1");
}

TEST(Journal, load_keeps_the_latest_position_per_venue_and_symbol) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  auto position = [](Venue v, const char* sym, const char* qty, std::int64_t ms) {
    PositionRecord p;
    p.venue = v;
    p.venue_symbol = sym;
    p.canonical = "BTC-USD";
    p.quantity = dec(qty);
    p.average_entry = dec("45000.5");
    p.realized_pnl = dec("-12.25");
    p.at = at_ms(ms);
    return p;
  };
  j->record(position(Venue::hyperliquid, "BTC", "0.5", 1));
  j->record(position(Venue::dydx, "BTC-USD", "1", 2));
  j->record(position(Venue::hyperliquid, "BTC", "-0.25", 3));
  PositionRecord flat = position(Venue::dydx, "BTC-USD", "0", 4);
  flat.average_entry.reset();
  j->record(flat);
  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.positions.size(), 2u);
  // Ordered by when each latest row was written.
  EXPECT_EQ(s.positions[0].venue, Venue::hyperliquid);
  EXPECT_EQ(s.positions[0].quantity, dec("-0.25"));
  EXPECT_EQ(s.positions[0].average_entry, dec("45000.5"));
  EXPECT_EQ(s.positions[0].realized_pnl, dec("-12.25"));
  EXPECT_EQ(s.positions[0].canonical, "BTC-USD");
  EXPECT_EQ(s.positions[0].at, at_ms(3));
  EXPECT_EQ(s.positions[1].venue, Venue::dydx);
  EXPECT_EQ(s.positions[1].quantity, dec("0"));
  EXPECT_FALSE(s.positions[1].average_entry.has_value());
}

TEST(Journal, load_keeps_the_latest_exit_levels_per_symbol_and_only_armed_ones) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  auto levels = [](const char* sym, bool armed, const char* stop, std::int64_t ms) {
    ExitLevelsRecord x;
    x.canonical = sym;
    x.armed = armed;
    x.entry = dec("100");
    x.stop_loss = dec(stop);
    x.take_profit = dec("110.5");
    x.trailing_fraction = dec("0.015");
    x.trailing_best = dec("104.25");
    x.at = at_ms(ms);
    return x;
  };
  j->record(levels("ETH-USDT", true, "95", 1));
  j->record(levels("BTC-USDT", true, "90", 2));
  j->record(levels("ETH-USDT", true, "97.5", 3));  // stop raised
  j->record(levels("BTC-USDT", false, "90", 4));   // position closed
  ExitLevelsRecord sol = levels("SOL-USDT", true, "20", 5);
  sol.take_profit.reset();
  sol.trailing_fraction.reset();
  sol.trailing_best.reset();
  j->record(sol);
  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.exit_levels.size(), 2u);
  EXPECT_EQ(s.exit_levels[0].canonical, "ETH-USDT");
  EXPECT_TRUE(s.exit_levels[0].armed);
  EXPECT_EQ(s.exit_levels[0].stop_loss, dec("97.5"));
  EXPECT_EQ(s.exit_levels[0].entry, dec("100"));
  EXPECT_EQ(s.exit_levels[0].take_profit, dec("110.5"));
  EXPECT_EQ(s.exit_levels[0].trailing_fraction, dec("0.015"));
  EXPECT_EQ(s.exit_levels[0].trailing_best, dec("104.25"));
  EXPECT_EQ(s.exit_levels[0].at, at_ms(3));
  EXPECT_EQ(s.exit_levels[1].canonical, "SOL-USDT");
  EXPECT_FALSE(s.exit_levels[1].take_profit.has_value());
  EXPECT_FALSE(s.exit_levels[1].trailing_best.has_value());
}

TEST(Journal, audit_lines_round_trip_with_their_fields_in_order) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  AuditRecord a;
  a.at = at_ms(5);
  a.kind = "refusal";
  a.text = "risk gate refused BTC-USDT buy: \"daily loss\" limit";
  a.fields = {{"symbol", "BTC-USDT"}, {"reason", "line\nbreak \"quoted\" \\ é"}, {"a", ""}};
  j->record(a);
  AuditRecord b;
  b.at = at_ms(9);
  b.kind = "order";
  b.text = "placed";
  j->record(b);
  auto lines = j->audit_since(at_ms(0), 10);
  ASSERT_TRUE(lines.ok()) << lines.error().to_string();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].at, a.at);
  EXPECT_EQ((*lines)[0].kind, a.kind);
  EXPECT_EQ((*lines)[0].text, a.text);
  EXPECT_EQ((*lines)[0].fields, a.fields);
  EXPECT_TRUE((*lines)[1].fields.empty());
  auto later = j->audit_since(at_ms(6), 10);
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].kind, "order");

  SQLite::Database raw(dir.file());
  EXPECT_EQ(raw.execAndGet("SELECT fields FROM audit ORDER BY id LIMIT 1").getString().front(),
            '{');
}

TEST(Journal, reconciliations_read_newest_first_up_to_the_limit) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  for (int i = 0; i < 3; ++i) {
    ReconciliationRecord r;
    r.at = at_ms(i);
    r.venue = i == 1 ? Venue::coinbase : Venue::binance;
    r.worst = i == 2 ? "critical" : "ok";
    r.trading_allowed = i != 2;
    r.report_json = R"({"n":)" + std::to_string(i) + "}";
    j->record(r);
  }
  auto recs = j->reconciliations(2);
  ASSERT_TRUE(recs.ok()) << recs.error().to_string();
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].at, at_ms(2));
  EXPECT_EQ((*recs)[0].worst, "critical");
  EXPECT_FALSE((*recs)[0].trading_allowed);
  EXPECT_EQ((*recs)[0].report_json, R"({"n":2})");
  EXPECT_EQ((*recs)[1].venue, Venue::coinbase);
  EXPECT_TRUE((*recs)[1].trading_allowed);
}

TEST(Journal, candles_read_the_newest_in_time_order_and_a_rewritten_candle_replaces_the_old) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  auto candle = [](const char* sym, Duration interval, std::int64_t minute, const char* close) {
    CandleRecord c;
    c.canonical = sym;
    c.interval = interval;
    c.start = Timestamp::from_seconds(1'700'000'000 + minute * 60);
    c.open = dec("100");
    c.high = dec("101.5");
    c.low = dec("99.25");
    c.close = dec(close);
    c.volume = dec("12.00000001");
    return c;
  };
  for (std::int64_t m = 0; m < 5; ++m) j->record(candle("BTC-USDT", 60s, m, "100.5"));
  j->record(candle("BTC-USDT", 60s, 4, "100.75"));  // the last candle, updated
  j->record(candle("BTC-USDT", 300s, 0, "1"));      // another interval
  j->record(candle("ETH-USDT", 60s, 0, "2"));       // another symbol
  auto got = j->candles("BTC-USDT", 60s, 3);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].start, Timestamp::from_seconds(1'700'000'000 + 2 * 60));
  EXPECT_EQ((*got)[2].start, Timestamp::from_seconds(1'700'000'000 + 4 * 60));
  EXPECT_EQ((*got)[2].close, dec("100.75"));
  EXPECT_EQ((*got)[2].open, dec("100"));
  EXPECT_EQ((*got)[2].high, dec("101.5"));
  EXPECT_EQ((*got)[2].low, dec("99.25"));
  EXPECT_EQ((*got)[2].volume, dec("12.00000001"));
  EXPECT_EQ((*got)[2].interval, 60s);
  EXPECT_EQ((*got)[2].canonical, "BTC-USDT");
  auto five = j->candles("BTC-USDT", 300s, 10);
  ASSERT_TRUE(five.ok());
  ASSERT_EQ(five->size(), 1u);
  EXPECT_EQ((*five)[0].close, dec("1"));
}

TEST(Journal, balances_and_screening_are_stored_as_exact_text_and_names) {
  TempDir dir;
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    BalanceRecord b;
    b.venue = Venue::coinbase;
    b.currency = "USDC";
    b.total = dec("1234.5678");
    b.available = dec("1000.0000000000000001");
    b.at = at_ms(3);
    j->record(b);
    ScreeningRecord r;
    r.at = at_ms(4);
    r.canonical = "SOL-USDT";
    r.score = 0.8125;
    r.details_json = R"({"volatility":"0.02"})";
    j->record(r);
    auto n = j->flush();
    ASSERT_TRUE(n.ok()) << n.error().to_string();
    EXPECT_EQ(*n, 2u);
  }
  SQLite::Database raw(dir.file());
  SQLite::Statement b(raw, "SELECT venue, currency, total, available, at FROM balance_snapshots");
  ASSERT_TRUE(b.executeStep());
  EXPECT_EQ(b.getColumn(0).getString(), "coinbase");
  EXPECT_EQ(b.getColumn(1).getString(), "USDC");
  EXPECT_EQ(b.getColumn(2).getString(), "1234.5678");
  EXPECT_EQ(b.getColumn(3).getString(), "1000.0000000000000001");
  EXPECT_EQ(b.getColumn(4).getInt64(), at_ms(3).ns());
  SQLite::Statement s(raw, "SELECT at, canonical, score, details_json FROM screening");
  ASSERT_TRUE(s.executeStep());
  EXPECT_EQ(s.getColumn(0).getInt64(), at_ms(4).ns());
  EXPECT_EQ(s.getColumn(1).getString(), "SOL-USDT");
  EXPECT_EQ(s.getColumn(2).getDouble(), 0.8125);
  EXPECT_EQ(s.getColumn(3).getString(), R"({"volatility":"0.02"})");
}

TEST(Journal, write_intent_refuses_a_sequence_not_above_the_last_even_after_a_reopen) {
  TempDir dir;
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->write_intent(intent(10)).ok());
    auto same = j->write_intent(intent(10));
    ASSERT_FALSE(same.ok());
    EXPECT_EQ(same.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(same.error().message.find("10"), std::string::npos) << same.error().message;
    EXPECT_FALSE(j->write_intent(intent(9)).ok());
    EXPECT_FALSE(j->write_intent(intent(0)).ok());
    ASSERT_TRUE(j->write_intent(intent(12)).ok());
    EXPECT_EQ(j->last_sequence(), 12u);
    EXPECT_EQ(j->stats().intents, 2u);
  }
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  EXPECT_EQ(j->last_sequence(), 12u);
  auto again = j->write_intent(intent(11));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::invalid_argument);
  ASSERT_TRUE(j->write_intent(intent(13)).ok());
  EXPECT_EQ(load_ok(*j).last_sequence, 13u);
}

TEST(Journal, sequence_above_the_signed_64_bit_range_is_refused) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  auto r = j->write_intent(intent(std::uint64_t{1} << 63));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(j->last_sequence(), 0u);
}

TEST(Journal, records_queued_before_an_intent_are_durable_with_it_without_a_flush) {
  TempDir dir;
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->write_intent(intent(1)).ok());
    j->record(event(1, OrderPhase::working, 5));
    j->record(fill("T9", 1, 6));
    EXPECT_EQ(j->stats().queued, 2u);
    ASSERT_TRUE(j->write_intent(intent(2)).ok());
    EXPECT_EQ(j->stats().queued, 0u);
    EXPECT_EQ(j->stats().written, 2u);
    EXPECT_EQ(j->stats().flushes, 0u);
    j->record(event(2, OrderPhase::done, 7));  // queued after: lost with the process
  }                                            // closed without flush()
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  const JournalState s = load_ok(*j);
  ASSERT_EQ(s.orders.size(), 2u);
  EXPECT_EQ(s.orders[0].phase, OrderPhase::working);
  EXPECT_EQ(s.orders[1].phase, OrderPhase::pending);
  ASSERT_EQ(s.fills.size(), 1u);
  EXPECT_EQ(s.fills[0].fill.trade_id, "T9");

  // And in the file, before the intent that carried them.
  SQLite::Database raw(dir.file());
  EXPECT_EQ(raw.execAndGet("SELECT COUNT(*) FROM order_events").getInt(), 1);
}

TEST(Journal, flush_writes_the_queue_in_one_go_and_counts_it) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  auto empty = j->flush();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0u);
  for (int i = 0; i < 3; ++i) j->record(event(1, OrderPhase::working, i));
  EXPECT_EQ(j->stats().queued, 3u);
  auto n = j->flush();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
  const JournalStats st = j->stats();
  EXPECT_EQ(st.queued, 0u);
  EXPECT_EQ(st.flushes, 1u);
  EXPECT_EQ(st.written, 3u);
  EXPECT_EQ(st.failures, 0u);
}

// Each durable intent write and each flush that wrote something is timed once, within the wall
// time of the call; a refused intent and an empty flush are not.
TEST(Journal, intent_writes_and_flushes_that_wrote_are_timed_once_each_within_their_call) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(j->write_intent(intent(1)).ok());
  const auto after = std::chrono::steady_clock::now();
  EXPECT_FALSE(j->write_intent(intent(1)).ok());  // refused: not timed
  ASSERT_TRUE(j->flush().ok());                   // nothing queued: not timed
  j->record(event(1, OrderPhase::working, 5));
  ASSERT_TRUE(j->flush().ok());
  const JournalStats st = j->stats();
  EXPECT_EQ(st.intent_write.count(), 1u);
  EXPECT_LE(static_cast<std::int64_t>(st.intent_write.sum_ns),
            std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count());
  EXPECT_EQ(st.flush_time.count(), 1u);
  EXPECT_EQ(st.flush_time.count(), st.flushes);
}

TEST(Journal, failed_flush_keeps_its_records_queued_in_order_and_the_next_flush_writes_them) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  AuditRecord first;
  first.kind = "signal";
  first.text = "first";
  first.at = at_ms(1);
  j->record(first);
  {  // Someone drops the audit table: the flush cannot write it.
    SQLite::Database raw(dir.file(), SQLite::OPEN_READWRITE);
    raw.exec("ALTER TABLE audit RENAME TO audit_away");
  }
  auto failed = j->flush();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find(dir.file().string()), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("flush"), std::string::npos);
  EXPECT_EQ(j->stats().failures, 1u);
  EXPECT_EQ(j->stats().queued, 1u);
  // A reader does not see a journal missing its own writes.
  EXPECT_FALSE(j->load().ok());

  AuditRecord second = first;
  second.text = "second";
  j->record(second);
  {
    SQLite::Database raw(dir.file(), SQLite::OPEN_READWRITE);
    raw.exec("ALTER TABLE audit_away RENAME TO audit");
  }
  auto n = j->flush();
  ASSERT_TRUE(n.ok()) << n.error().to_string();
  EXPECT_EQ(*n, 2u);
  auto lines = j->audit_since(at_ms(0), 10);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].text, "first");
  EXPECT_EQ((*lines)[1].text, "second");
}

TEST(Journal, flush_folds_a_large_wal_back_into_the_file_so_the_wal_stops_growing) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  const auto wal = std::filesystem::path(dir.file().string() + "-wal");
  auto round = [&] {
    for (int i = 0; i < 10'000; ++i) {
      AuditRecord a;
      a.at = at_ms(i);
      a.kind = "signal";
      a.text = std::string(600, 'x') + std::to_string(i);  // long: the WAL fills fast
      j->record(std::move(a));
    }
    auto n = j->flush();
    ASSERT_TRUE(n.ok()) << n.error().to_string();
  };
  round();
  const auto first = std::filesystem::file_size(wal);
  ASSERT_GT(first, 4096u * 1000u);  // past the checkpoint threshold
  round();
  round();
  // Checkpointed after each flush: the next rounds reuse the WAL instead of appending to it.
  EXPECT_LE(std::filesystem::file_size(wal), first + first / 10);
}

TEST(Journal, a_second_open_of_a_journal_in_use_is_refused_naming_the_holding_process) {
  TempDir dir;
  auto first = Journal::open(dir.file());
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = Journal::open(dir.file());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::invalid_state);
  const std::string& msg = second.error().message;
  EXPECT_NE(msg.find("in use by another nzeza"), std::string::npos) << msg;
  EXPECT_NE(msg.find("process " + std::to_string(::getpid())), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir.file().string()), std::string::npos) << msg;
  // The holder keeps working; once it closes, the journal opens again with what it wrote.
  ASSERT_TRUE((*first)->write_intent(intent(1)).ok());
  first->reset();
  auto third = Journal::open(dir.file());
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_EQ((*third)->last_sequence(), 1U);
}

TEST(Journal, a_lock_left_by_a_killed_process_does_not_block_the_next_open) {
  TempDir dir;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto j = Journal::open(dir.file());
    if (!j.ok()) ::_exit(3);
    ::raise(SIGKILL);
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit " << WEXITSTATUS(status);
  auto j = Journal::open(dir.file());
  EXPECT_TRUE(j.ok()) << j.error().message;
}

TEST(Journal, newer_schema_is_refused_naming_both_versions_and_left_untouched) {
  TempDir dir;
  { ASSERT_TRUE(open_ok(dir.file())); }
  {
    SQLite::Database raw(dir.file(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  auto j = Journal::open(dir.file());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::invalid_state);
  const std::string& msg = j.error().message;
  EXPECT_NE(msg.find("99"), std::string::npos) << msg;
  EXPECT_NE(msg.find("version " + std::to_string(schema_version())), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir.file().string()), std::string::npos) << msg;
  SQLite::Database raw(dir.file());
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 99);
}

// A synthetic migration 2 in this test: the real backup and migrate path, on a real version-1
// journal.
constexpr std::string_view kMigration2 =
    "ALTER TABLE intents ADD COLUMN note TEXT;"
    "CREATE TABLE tags (sequence INTEGER NOT NULL, tag TEXT NOT NULL);";

std::vector<Migration> with_migration_2() {
  std::vector<Migration> list(migrations().begin(), migrations().end());
  list.push_back(Migration{schema_version() + 1, kMigration2});
  return list;
}

TEST(Journal, older_schema_is_backed_up_then_migrated_and_keeps_its_data) {
  TempDir dir;
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->write_intent(intent(4)).ok());
    j->record(fill("T1", 4, 1));
    ASSERT_TRUE(j->flush().ok());
  }
  const int old = schema_version();
  const int next = old + 1;
  const auto list = with_migration_2();
  {
    auto j = Journal::open(dir.file(), list);
    ASSERT_TRUE(j.ok()) << j.error().to_string();
    const JournalState s = load_ok(**j);
    EXPECT_EQ(s.schema_version, next);
    EXPECT_EQ(s.last_sequence, 4u);
    ASSERT_EQ(s.orders.size(), 1u);
    ASSERT_EQ(s.fills.size(), 1u);
    ASSERT_TRUE((*j)->write_intent(intent(5)).ok());
  }
  SQLite::Database migrated(dir.file());
  EXPECT_EQ(migrated.execAndGet("PRAGMA user_version").getInt(), next);
  EXPECT_EQ(migrated.execAndGet("SELECT COUNT(*) FROM tags").getInt(), 0);
  EXPECT_EQ(migrated.execAndGet("SELECT COUNT(*) FROM intents WHERE note IS NULL").getInt(), 2);

  const auto bak = dir.path() / ("journal.sqlite.v" + std::to_string(old) + ".bak");
  ASSERT_TRUE(std::filesystem::exists(bak));
  {
    SQLite::Database backup(bak);
    EXPECT_EQ(backup.execAndGet("PRAGMA user_version").getInt(), old);
    EXPECT_EQ(backup.execAndGet("SELECT COUNT(*) FROM intents").getInt(), 1);
    EXPECT_EQ(backup.execAndGet("SELECT trade_id FROM fills").getString(), "T1");
  }
  // The backup is a journal this build opens as it was.
  auto restored = Journal::open(bak);
  ASSERT_TRUE(restored.ok()) << restored.error().to_string();
  EXPECT_EQ((*restored)->last_sequence(), 4u);

  // This build refuses the migrated file: it is newer than what it writes.
  auto refused = Journal::open(dir.file());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_state);
  EXPECT_NE(refused.error().message.find(std::to_string(next)), std::string::npos);
}

TEST(Journal, a_second_migration_of_the_same_version_never_overwrites_the_first_backup) {
  TempDir dir;
  const int old = schema_version();
  const auto list = with_migration_2();
  const std::string base = "journal.sqlite.v" + std::to_string(old);
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->write_intent(intent(1)).ok());
  }
  { ASSERT_TRUE(Journal::open(dir.file(), list).ok()); }
  // Start again from a version-1 file with the first backup still there.
  std::filesystem::remove(dir.file());
  {
    auto j = open_ok(dir.file());
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->write_intent(intent(2)).ok());
  }
  { ASSERT_TRUE(Journal::open(dir.file(), list).ok()); }
  SQLite::Database first(dir.path() / (base + ".bak"));
  EXPECT_EQ(first.execAndGet("SELECT sequence FROM intents").getInt(), 1);
  SQLite::Database second(dir.path() / (base + ".2.bak"));
  EXPECT_EQ(second.execAndGet("SELECT sequence FROM intents").getInt(), 2);
}

TEST(Journal, a_file_that_is_not_sqlite_is_refused_with_its_name_and_not_modified) {
  TempDir dir;
  const std::string garbage(8192, 'x');
  {
    std::ofstream out(dir.file(), std::ios::binary);
    out << garbage;
  }
  auto j = Journal::open(dir.file());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::parse_error) << j.error().to_string();
  EXPECT_NE(j.error().message.find(dir.file().string()), std::string::npos) << j.error().message;
  EXPECT_NE(j.error().message.find("not a database"), std::string::npos) << j.error().message;
  EXPECT_EQ(std::filesystem::file_size(dir.file()), garbage.size());
}

TEST(Journal, an_sqlite_database_nzeza_did_not_write_is_refused) {
  TempDir dir;
  {
    SQLite::Database other(dir.file(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE recipes (name TEXT)");
  }
  auto j = Journal::open(dir.file());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::invalid_state);
  EXPECT_NE(j.error().message.find("not a journal"), std::string::npos) << j.error().message;
}

TEST(Journal, a_directory_that_cannot_be_created_is_an_error_naming_it) {
  TempDir dir;
  const auto blocker = dir.path() / "plain-file";
  { std::ofstream(blocker) << "x"; }
  auto j = Journal::open(blocker / "data" / "journal.sqlite");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::unavailable);
  EXPECT_NE(j.error().message.find("cannot create directory"), std::string::npos)
      << j.error().message;
  EXPECT_NE(j.error().message.find((blocker / "data").string()), std::string::npos);
}

TEST(Journal, a_directory_in_place_of_the_file_is_an_error) {
  TempDir dir;
  std::filesystem::create_directories(dir.file());
  auto j = Journal::open(dir.file());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::invalid_argument);
}

TEST(Journal, a_value_that_does_not_decode_fails_the_read_naming_table_and_column) {
  TempDir dir;
  auto j = open_ok(dir.file());
  ASSERT_TRUE(j);
  ASSERT_TRUE(j->write_intent(intent(1)).ok());
  {
    SQLite::Database raw(dir.file(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE intents SET quantity = '1.2.3'");
  }
  auto s = j->load();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::parse_error);
  EXPECT_NE(s.error().message.find("intents.quantity"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("1.2.3"), std::string::npos);
  {
    SQLite::Database raw(dir.file(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE intents SET quantity = '1', side = 'up'");
  }
  auto side = j->load();
  ASSERT_FALSE(side.ok());
  EXPECT_NE(side.error().message.find("intents.side"), std::string::npos) << side.error().message;
}

TEST(Journal, the_migration_list_is_numbered_from_one_without_gaps) {
  const auto list = migrations();
  ASSERT_FALSE(list.empty());
  for (std::size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].version, static_cast<int>(i) + 1);
  EXPECT_EQ(list.back().version, schema_version());

  TempDir dir;
  const std::vector<Migration> gap{Migration{1, "CREATE TABLE a (x);"},
                                   Migration{3, "CREATE TABLE b (x);"}};
  auto j = Journal::open(dir.file(), gap);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::internal);
}

}  // namespace
}  // namespace nzeza::store
