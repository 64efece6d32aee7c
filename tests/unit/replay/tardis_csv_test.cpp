// Tardis.dev normalised CSV: each supported data type, plain and gzip, detected from the header,
// mapped to MarketEvents; bad input gets an error naming the file, the line and the column.
// The files are the tests' own, written in Tardis' column layout.

#include <gtest/gtest.h>

#include "replay/tardis_csv_reader.hpp"
#include "replay_test_support.hpp"

namespace nzeza::replay::testing {
namespace {

constexpr std::string_view kBookHeader =
    "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n";
constexpr std::string_view kTradesHeader =
    "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n";
constexpr std::string_view kQuotesHeader =
    "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n";

std::string snapshot_header(int levels) {
  std::string h = "exchange,symbol,timestamp,local_timestamp";
  for (int i = 0; i < levels; ++i) {
    const std::string n = std::to_string(i);
    h += ",asks[" + n + "].price,asks[" + n + "].amount,bids[" + n + "].price,bids[" + n +
         "].amount";
  }
  return h + "\n";
}

class Tardis : public ::testing::Test {
 protected:
  // Writes `text` as <name> (".gz" suffix: gzip) and opens it.
  std::unique_ptr<TardisCsvReader> open(const std::string& name, std::string_view text) {
    const fs::path p = dir / name;
    if (name.ends_with(".gz")) {
      write_gz(p, text);
    } else {
      write_file(p, text);
    }
    auto r = TardisCsvReader::open(p.string(), registry);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? std::move(*r) : nullptr;
  }

  TempDir dir;
  InstrumentRegistry registry;
};

std::string book_rows() {
  return std::string(kBookHeader) +
         // A two-level snapshot at one local time, then increments, then a fresh snapshot.
         "binance,BTCUSDT,1704164400000000,1704164400000150,true,ask,45000.5,1.25\n"
         "binance,BTCUSDT,1704164400000000,1704164400000150,true,bid,45000.4,0.5\n"
         "binance,BTCUSDT,1704164400100000,1704164400100200,false,bid,45000.4,0\n"
         "binance,BTCUSDT,1704164400200000,1704164400200300,false,ask,45000.6,0.00000151\n"
         "binance,BTCUSDT,1704164401000000,1704164401000100,true,bid,44999,3\n";
}

void expect_book_rows(const std::vector<MarketEvent>& ev, const InstrumentRegistry& registry) {
  ASSERT_EQ(ev.size(), 5u);
  const Instrument* btc = registry.find(Venue::binance, "BTCUSDT");
  ASSERT_NE(btc, nullptr);
  for (const auto& e : ev) {
    EXPECT_EQ(e.venue, Venue::binance);
    EXPECT_EQ(e.instrument, btc->id);
    EXPECT_EQ(e.symbol, btc->symbol);
  }
  EXPECT_EQ(ev[0].venue_time, Timestamp::from_us(1704164400000000));
  EXPECT_EQ(ev[0].receive_time, Timestamp::from_us(1704164400000150));
  const auto& b0 = std::get<BookChange>(ev[0].body);
  EXPECT_EQ(b0.side, Side::sell);
  EXPECT_EQ(b0.price, dec("45000.5"));
  EXPECT_EQ(b0.size, dec("1.25"));
  EXPECT_TRUE(b0.snapshot && b0.reset && !b0.last);
  const auto& b1 = std::get<BookChange>(ev[1].body);
  EXPECT_EQ(b1.side, Side::buy);
  EXPECT_TRUE(b1.snapshot && !b1.reset && b1.last);
  const auto& b2 = std::get<BookChange>(ev[2].body);
  EXPECT_TRUE(b2.size.is_zero());
  EXPECT_FALSE(b2.snapshot || b2.reset || b2.last);
  EXPECT_EQ(std::get<BookChange>(ev[3].body).size.to_string(), "0.00000151");
  const auto& b4 = std::get<BookChange>(ev[4].body);
  EXPECT_TRUE(b4.snapshot && b4.reset && b4.last);  // a one-row snapshot at the end of the file
}

TEST_F(Tardis, incremental_book_l2_csv_rows_become_book_changes_with_snapshot_runs_flagged) {
  auto r = open("binance_book.csv", book_rows());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type(), TardisDataType::incremental_book_l2);
  expect_book_rows(read_all(*r), registry);
  EXPECT_EQ(r->stats().rows, 5u);
  EXPECT_EQ(r->stats().events, 5u);
}

TEST_F(Tardis, incremental_book_l2_csv_gz_reads_the_same_events) {
  auto r = open("binance_book.csv.gz", book_rows());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type(), TardisDataType::incremental_book_l2);
  expect_book_rows(read_all(*r), registry);
}

std::string trade_rows() {
  return std::string(kTradesHeader) +
         "coinbase,BTC-USD,1704164400000000,1704164400000900,581234,buy,42000.12,0.015\n"
         "coinbase,BTC-USD,1704164400500000,1704164400500700,581235,sell,41999.5,2\n"
         "coinbase,BTC-USD,,1704164400600000,581236,unknown,41999.25,0.1\n";
}

void expect_trade_rows(const TardisCsvReader& r, const std::vector<MarketEvent>& ev,
                       const InstrumentRegistry& registry) {
  ASSERT_EQ(ev.size(), 3u);
  const Instrument* btc = registry.find(Venue::coinbase, "BTC-USD");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(ev[0].instrument, btc->id);
  const auto& t0 = std::get<Trade>(ev[0].body);
  EXPECT_EQ(t0.price, dec("42000.12"));
  EXPECT_EQ(t0.size, dec("0.015"));
  EXPECT_EQ(t0.aggressor, Side::buy);
  EXPECT_EQ(t0.trade_id.view(), "581234");
  EXPECT_EQ(ev[0].venue_time, Timestamp::from_us(1704164400000000));
  EXPECT_EQ(ev[0].receive_time, Timestamp::from_us(1704164400000900));
  EXPECT_EQ(std::get<Trade>(ev[1].body).aggressor, Side::sell);
  EXPECT_FALSE(ev[2].has_venue_time());  // empty timestamp column
  EXPECT_EQ(r.stats().unknown_sides, 1u);
}

TEST_F(Tardis, trades_csv_rows_become_trades_and_unknown_aggressors_are_counted) {
  auto r = open("coinbase_trades.csv", trade_rows());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type(), TardisDataType::trades);
  expect_trade_rows(*r, read_all(*r), registry);
}

TEST_F(Tardis, trades_csv_gz_reads_the_same_events) {
  auto r = open("coinbase_trades.csv.gz", trade_rows());
  ASSERT_TRUE(r);
  expect_trade_rows(*r, read_all(*r), registry);
}

TEST_F(Tardis, quotes_rows_become_quotes_and_an_empty_side_reads_as_zero) {
  for (const std::string name : {"quotes.csv", "quotes.csv.gz"}) {
    InstrumentRegistry fresh;
    const fs::path p = dir / name;
    const std::string text = std::string(kQuotesHeader) +
                             "kraken,XBT/USD,1704164400000000,1704164400001000,0.5,42001.1,"
                             "42000.9,1.75\n"
                             "kraken,XBT/USD,1704164400100000,1704164400101000,,,42000.8,2\n";
    if (name.ends_with(".gz")) {
      write_gz(p, text);
    } else {
      write_file(p, text);
    }
    auto r = TardisCsvReader::open(p.string(), fresh);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ((*r)->type(), TardisDataType::quotes);
    const auto ev = read_all(**r);
    ASSERT_EQ(ev.size(), 2u) << name;
    const auto& q0 = std::get<Quote>(ev[0].body);
    EXPECT_EQ(q0.ask_size, dec("0.5"));
    EXPECT_EQ(q0.ask, dec("42001.1"));
    EXPECT_EQ(q0.bid, dec("42000.9"));
    EXPECT_EQ(q0.bid_size, dec("1.75"));
    const auto& q1 = std::get<Quote>(ev[1].body);
    EXPECT_TRUE(q1.ask.is_zero() && q1.ask_size.is_zero());
    EXPECT_EQ(q1.bid, dec("42000.8"));
    // Kraken's XBT is BTC in the canonical symbol.
    EXPECT_EQ(fresh.symbols().name(ev[0].symbol), "BTC-USD");
  }
}

TEST_F(Tardis, book_snapshot_25_row_becomes_one_snapshot_run_asks_then_bids) {
  std::string row = "binance-futures,ETHUSDT,1704164400000000,1704164400000400";
  for (int i = 0; i < 25; ++i) {
    // Three ask levels and two bid levels; the rest empty.
    const bool ask = i < 3;
    const bool bid = i < 2;
    row += ask ? ",2500." + std::to_string(i + 1) + "," + std::to_string(i + 1) : ",,";
    row += bid ? ",2499." + std::to_string(9 - i) + ",0.5" : ",,";
  }
  const std::string text = snapshot_header(25) + row + "\n" + row + "\n";
  for (const std::string name : {"snap.csv", "snap.csv.gz"}) {
    InstrumentRegistry fresh;
    const fs::path p = dir / name;
    if (name.ends_with(".gz")) {
      write_gz(p, text);
    } else {
      write_file(p, text);
    }
    auto r = TardisCsvReader::open(p.string(), fresh);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ((*r)->type(), TardisDataType::book_snapshot);
    EXPECT_EQ((*r)->levels(), 25u);
    const auto ev = read_all(**r);
    ASSERT_EQ(ev.size(), 10u) << name;
    for (std::size_t run = 0; run < 2; ++run) {
      for (std::size_t i = 0; i < 5; ++i) {
        const auto& b = std::get<BookChange>(ev[run * 5 + i].body);
        EXPECT_TRUE(b.snapshot);
        EXPECT_EQ(b.reset, i == 0);
        EXPECT_EQ(b.last, i == 4);
        EXPECT_EQ(b.side, i < 3 ? Side::sell : Side::buy);
      }
    }
    EXPECT_EQ(std::get<BookChange>(ev[0].body).price, dec("2500.1"));
    EXPECT_EQ(std::get<BookChange>(ev[4].body).price, dec("2499.8"));
    EXPECT_EQ(ev[0].receive_time, Timestamp::from_us(1704164400000400));
    const Instrument* eth = fresh.get(ev[0].instrument);
    ASSERT_NE(eth, nullptr);
    EXPECT_EQ(eth->kind, InstrumentKind::perpetual);
    EXPECT_EQ(eth->canonical, "ETH-USDT-PERP");
  }
}

TEST_F(Tardis, an_unknown_instrument_is_created_with_tick_and_lot_from_the_finest_decimals_seen) {
  auto r = open("hl_trades.csv",
                std::string(kTradesHeader) +
                    "hyperliquid,SOL,1704164400000000,1704164400000100,1,buy,101.5,2\n"
                    "hyperliquid,SOL,1704164400000000,1704164400000200,2,sell,101.525,0.25\n");
  ASSERT_TRUE(r);
  const auto ev = read_all(*r);
  ASSERT_EQ(ev.size(), 2u);
  const Instrument* sol = registry.find(Venue::hyperliquid, "SOL");
  ASSERT_NE(sol, nullptr);
  EXPECT_EQ(sol->canonical, "SOL-USDC");
  EXPECT_EQ(sol->kind, InstrumentKind::perpetual);
  EXPECT_EQ(sol->tick_size, dec("0.001"));
  EXPECT_EQ(sol->lot_size, dec("0.01"));
  EXPECT_EQ(r->stats().instruments_created, 1u);
}

TEST_F(Tardis, a_registered_instrument_keeps_its_metadata_and_is_found_by_canonical_symbol) {
  Instrument xbt = spot(Venue::kraken, "XXBTZUSD", "BTC", "USD", dec("0.1"), dec("0.00000001"));
  xbt.ws_symbol = "BTC/USD";
  ASSERT_TRUE(registry.add(xbt).ok());
  auto r = open("kraken_trades.csv",
                std::string(kTradesHeader) +
                    "kraken,XBT/USD,1704164400000000,1704164400000100,9,buy,42000.15,0.001\n");
  ASSERT_TRUE(r);
  const auto ev = read_all(*r);
  ASSERT_EQ(ev.size(), 1u);
  const Instrument* known = registry.find(Venue::kraken, "XXBTZUSD");
  EXPECT_EQ(ev[0].instrument, known->id);
  EXPECT_EQ(known->tick_size, dec("0.1"));  // not refined: the registry's rule stands
  EXPECT_EQ(registry.size(), 1u);
}

TEST_F(Tardis, a_futures_file_against_a_spot_instrument_of_the_same_symbol_is_refused) {
  add_test_instruments(registry);
  auto r = open("futures.csv",
                std::string(kTradesHeader) + "binance-futures,BTCUSDT,1,2,1,buy,42000,1\n");
  ASSERT_TRUE(r);
  auto [events, error] = read_until_error(*r);
  EXPECT_TRUE(events.empty());
  EXPECT_NE(error.message.find("futures.csv:2: binance-futures BTCUSDT is a perpetual market"),
            std::string::npos)
      << error.message;
}

TEST_F(Tardis, an_unknown_header_is_refused_at_open_naming_the_file_and_line_one) {
  const fs::path p = dir / "liquidations.csv";
  write_file(p, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount,extra\n");
  auto r = TardisCsvReader::open(p.string(), registry);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::parse_error);
  EXPECT_EQ(r.error().message.rfind(p.string() + ":1: not a Tardis CSV header", 0), 0u)
      << r.error().message;
  // A snapshot header with a level out of order is not a snapshot header.
  std::string h = snapshot_header(2);
  h.replace(h.find("bids[1].price"), 13, "bids[7].price");
  write_file(p, h);
  EXPECT_FALSE(TardisCsvReader::open(p.string(), registry).ok());
  write_file(p, "");
  auto empty = TardisCsvReader::open(p.string(), registry);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST_F(Tardis, an_unknown_exchange_is_an_error_naming_it_the_file_and_the_line) {
  auto r = open("bitmex.csv", std::string(kTradesHeader) +
                                  "bitmex,XBTUSD,1704164400000000,1704164400000100,a,buy,1,1\n");
  ASSERT_TRUE(r);
  auto [events, error] = read_until_error(*r);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(error.code, ErrorCode::not_found);
  EXPECT_NE(error.message.find("bitmex.csv:2: unknown Tardis exchange \"bitmex\""),
            std::string::npos)
      << error.message;
}

TEST_F(Tardis, a_malformed_row_is_an_error_naming_the_file_the_line_and_the_column) {
  const std::pair<std::string, std::string> cases[] = {
      {"binance,BTCUSDT,1,2,false,bid,4x5,1", ":3: column 7 (price): not an exact decimal"},
      {"binance,BTCUSDT,1,2,maybe,bid,45,1", ":3: column 5 (is_snapshot): not true or false"},
      {"binance,BTCUSDT,1,2,false,buy,45,1", ":3: column 6 (side): not bid or ask"},
      {"binance,BTCUSDT,1,abc,false,bid,45,1",
       ":3: column 4 (local_timestamp): not a time in microseconds"},
      {"binance,BTCUSDT,1,2,false,bid,45", ":3: 7 columns, the header has 8"},
      {"binance,BTCUSDT,1,2,false,bid,45,1,9", ":3: 9 columns, the header has 8"},
  };
  for (const auto& [row, want] : cases) {
    for (const std::string name : {"bad.csv", "bad.csv.gz"}) {
      auto r = open(name,
                    std::string(kBookHeader) + "binance,BTCUSDT,1,2,false,bid,45,1\n" + row + "\n");
      ASSERT_TRUE(r);
      auto [events, error] = read_until_error(*r);
      EXPECT_EQ(events.size(), 1u) << row;
      EXPECT_EQ(error.code, ErrorCode::parse_error);
      EXPECT_NE(error.message.find(name + want), std::string::npos)
          << row << " -> " << error.message;
    }
  }
}

TEST_F(Tardis, a_truncated_gzip_file_reads_the_rows_before_the_cut_then_names_the_file) {
  std::string text(kTradesHeader);
  for (int i = 0; i < 2000; ++i)
    text += "coinbase,BTC-USD,1704164400000000," + std::to_string(1704164400000000 + i) + "," +
            std::to_string(i) + ",buy,42000." + std::to_string(i % 100) + ",0.0" +
            std::to_string(i % 10 + 1) + "\n";
  const fs::path whole = dir / "whole.csv.gz";
  write_gz(whole, text);
  const std::string bytes = read_file(whole);
  const fs::path cut = dir / "cut.csv.gz";
  write_file(cut, std::string_view(bytes).substr(0, bytes.size() / 2));
  auto r = TardisCsvReader::open(cut.string(), registry);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  auto [events, error] = read_until_error(**r);
  EXPECT_GT(events.size(), 0u);
  EXPECT_LT(events.size(), 2000u);
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(std::get<Trade>(events[i].body).trade_id.view(), std::to_string(i));
  EXPECT_NE(error.message.find(cut.string() + ": truncated gzip member"), std::string::npos)
      << error.message;
}

TEST_F(Tardis, exchange_ids_map_to_venues_and_kinds) {
  EXPECT_EQ(tardis_exchange("binance")->venue, Venue::binance);
  EXPECT_EQ(tardis_exchange("binance")->kind, InstrumentKind::spot);
  EXPECT_EQ(tardis_exchange("binance-futures")->kind, InstrumentKind::perpetual);
  EXPECT_EQ(tardis_exchange("coinbase")->venue, Venue::coinbase);
  EXPECT_EQ(tardis_exchange("kraken")->venue, Venue::kraken);
  EXPECT_EQ(tardis_exchange("hyperliquid")->venue, Venue::hyperliquid);
  EXPECT_EQ(tardis_exchange("dydx-v4")->venue, Venue::dydx);
  EXPECT_EQ(tardis_exchange("dydx")->venue, Venue::dydx);
  EXPECT_FALSE(tardis_exchange("deribit").has_value());
  EXPECT_FALSE(tardis_exchange("").has_value());
}

}  // namespace
}  // namespace nzeza::replay::testing
