#include "core/instrument.hpp"

#include <gtest/gtest.h>

#include "core/market_event.hpp"

namespace nzeza {
namespace {

Instrument binance_btcusdt() {
  Instrument i;
  i.venue = Venue::binance;
  i.kind = InstrumentKind::spot;
  i.canonical = "BTC-USDT";
  i.venue_symbol = "BTCUSDT";
  i.ws_symbol = "btcusdt";
  i.base = "BTC";
  i.quote = "USDT";
  i.tick_size = "0.01"_d;
  i.lot_size = "0.00001"_d;
  i.min_size = "0.00001"_d;
  i.max_size = "9000"_d;
  i.min_notional = "5"_d;
  return i;
}

Instrument kraken_xbtusd() {
  Instrument i;
  i.venue = Venue::kraken;
  i.canonical = "BTC-USD";
  i.venue_symbol = "XXBTZUSD";
  i.ws_symbol = "XBT/USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = "0.1"_d;
  i.lot_size = "0.00000001"_d;
  i.min_size = "0.0001"_d;
  return i;
}

Instrument hyperliquid_btc() {
  Instrument i;
  i.venue = Venue::hyperliquid;
  i.kind = InstrumentKind::perpetual;
  i.canonical = "BTC-USDC";
  i.venue_symbol = "BTC";
  i.base = "BTC";
  i.quote = "USDC";
  i.price_rule = PriceRule::hyperliquid_sigfig;
  i.hyperliquid_asset = 0;
  i.hyperliquid_sz_decimals = 5;
  i.lot_size = "0.00001"_d;
  i.min_notional = "10"_d;
  return i;
}

TEST(InstrumentRegistry, finds_by_venue_symbol_ws_symbol_canonical_and_id) {
  InstrumentRegistry reg;
  auto b = reg.add(binance_btcusdt());
  auto k = reg.add(kraken_xbtusd());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(reg.find(Venue::kraken, "XXBTZUSD")->id, *k);
  EXPECT_EQ(reg.find(Venue::kraken, "XBT/USD")->id, *k);
  EXPECT_EQ(reg.find(Venue::binance, "btcusdt")->id, *b);
  EXPECT_EQ(reg.find_canonical(Venue::binance, "BTC-USDT")->venue_symbol, "BTCUSDT");
  EXPECT_EQ(reg.get(*k)->canonical, "BTC-USD");
  EXPECT_EQ(reg.find(Venue::binance, "XXBTZUSD"), nullptr);
  EXPECT_EQ(reg.get(InstrumentId{99}), nullptr);
}

TEST(InstrumentRegistry, keeps_usd_usdt_and_usdc_distinct) {
  InstrumentRegistry reg;
  ASSERT_TRUE(reg.add(binance_btcusdt()).ok());
  ASSERT_TRUE(reg.add(kraken_xbtusd()).ok());
  ASSERT_TRUE(reg.add(hyperliquid_btc()).ok());
  EXPECT_EQ(reg.by_canonical("BTC-USD").size(), 1U);
  EXPECT_EQ(reg.by_canonical("BTC-USDT").size(), 1U);
  EXPECT_EQ(reg.by_canonical("BTC-USDC").size(), 1U);
  const auto usd = reg.find(Venue::kraken, "XXBTZUSD")->symbol;
  const auto usdt = reg.find(Venue::binance, "BTCUSDT")->symbol;
  EXPECT_NE(usd, usdt);
  EXPECT_EQ(reg.symbols().name(usdt), "BTC-USDT");
}

TEST(InstrumentRegistry, interns_the_same_canonical_symbol_across_venues_to_one_id) {
  InstrumentRegistry reg;
  auto coinbase = kraken_xbtusd();
  coinbase.venue = Venue::coinbase;
  coinbase.venue_symbol = "BTC-USD";
  coinbase.ws_symbol.clear();
  ASSERT_TRUE(reg.add(kraken_xbtusd()).ok());
  ASSERT_TRUE(reg.add(coinbase).ok());
  EXPECT_EQ(reg.find(Venue::kraken, "XXBTZUSD")->symbol,
            reg.find(Venue::coinbase, "BTC-USD")->symbol);
  EXPECT_EQ(reg.by_venue(Venue::coinbase).size(), 1U);
}

TEST(InstrumentRegistry, refuses_duplicates_and_invalid_metadata_naming_the_field) {
  InstrumentRegistry reg;
  ASSERT_TRUE(reg.add(binance_btcusdt()).ok());
  auto dup = reg.add(binance_btcusdt());
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::already_exists);
  auto bad = kraken_xbtusd();
  bad.tick_size = "0"_d;
  auto r = reg.add(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("tick_size"), std::string::npos);
  EXPECT_NE(r.error().message.find("kraken XXBTZUSD"), std::string::npos);
  auto hl = hyperliquid_btc();
  hl.hyperliquid_sz_decimals.reset();
  EXPECT_NE(reg.add(hl).error().message.find("hyperliquid_sz_decimals"), std::string::npos);
  auto minmax = binance_btcusdt();
  minmax.venue_symbol = "ETHUSDT";
  minmax.canonical = "ETH-USDT";
  minmax.ws_symbol = "ethusdt";
  minmax.max_size = "0.000001"_d;
  EXPECT_NE(reg.add(minmax).error().message.find("max_size"), std::string::npos);
}

TEST(InstrumentRegistry, updates_metadata_and_status_in_place) {
  InstrumentRegistry reg;
  auto id = *reg.add(binance_btcusdt());
  auto changed = binance_btcusdt();
  changed.tick_size = "0.1"_d;
  changed.status = TradingStatus::halted;
  ASSERT_TRUE(reg.update(changed).ok());
  EXPECT_EQ(reg.get(id)->tick_size, "0.1"_d);
  EXPECT_FALSE(reg.get(id)->tradable());
  EXPECT_EQ(reg.find(Venue::binance, "btcusdt")->id, id);
  auto unknown = kraken_xbtusd();
  EXPECT_EQ(reg.update(unknown).error().code, ErrorCode::not_found);
}

TEST(Instrument, rounds_prices_to_tick_and_sizes_to_lot) {
  const auto i = binance_btcusdt();
  EXPECT_EQ(*i.round_price("45000.129"_d, RoundingMode::down), "45000.12"_d);
  EXPECT_EQ(*i.round_price("45000.121"_d, RoundingMode::up), "45000.13"_d);
  EXPECT_EQ(*i.round_size("0.12345678"_d, RoundingMode::down), "0.12345"_d);
  EXPECT_EQ(i.round_price("0"_d, RoundingMode::down).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(i.round_size("-1"_d, RoundingMode::down).error().code, ErrorCode::invalid_argument);
}

TEST(Instrument, rounds_hyperliquid_prices_by_significant_figures) {
  const auto i = hyperliquid_btc();  // perp, szDecimals 5 → at most 1 decimal
  EXPECT_EQ(*i.round_price("97123.45"_d, RoundingMode::down), "97123"_d);
  EXPECT_EQ(*i.round_price("9712.345"_d, RoundingMode::down), "9712.3"_d);
  EXPECT_TRUE(i.check_order("97123"_d, "0.001"_d).ok());
  EXPECT_FALSE(i.check_order("9712.34"_d, "0.01"_d).ok());
}

TEST(Instrument, check_order_names_the_limit_that_was_broken) {
  const auto i = binance_btcusdt();
  EXPECT_TRUE(i.check_order("45000.12"_d, "0.001"_d).ok());
  EXPECT_NE(i.check_order("45000.123"_d, "0.001"_d).error().message.find("tick"),
            std::string::npos);
  EXPECT_NE(i.check_order("45000"_d, "0.000015"_d).error().message.find("lot"), std::string::npos);
  EXPECT_NE(i.check_order("45000"_d, "9001"_d).error().message.find("maximum"), std::string::npos);
  auto notional = i.check_order("100"_d, "0.0001"_d);
  ASSERT_FALSE(notional.ok());
  EXPECT_NE(notional.error().message.find("notional 0.01"), std::string::npos);
  EXPECT_NE(kraken_xbtusd().check_order("45000"_d, "0.00005"_d).error().message.find("minimum"),
            std::string::npos);
}

TEST(MarketEvent, trade_ids_are_inline_and_bounded) {
  TradeId id;
  EXPECT_TRUE(TradeId::assign(id, "1234567890"));
  EXPECT_EQ(id.view(), "1234567890");
  EXPECT_FALSE(TradeId::assign(id, std::string(41, 'x')));
  Quote q{"100"_d, "1"_d, "101"_d, "2"_d};
  EXPECT_EQ(q.mid(), "100.5"_d);
  EXPECT_EQ(to_string(FeedState::circuit_open), "CIRCUIT_OPEN");
}

TEST(Venue, names_round_trip) {
  for (Venue v : kAllVenues) EXPECT_EQ(parse_venue(to_string(v)), v);
  EXPECT_EQ(parse_venue("BINANCE"), Venue::binance);
  EXPECT_EQ(parse_venue("ftx"), std::nullopt);
}

}  // namespace
}  // namespace nzeza
