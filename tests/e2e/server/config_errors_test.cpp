// A bad configuration never starts a trader: parse_config lists every error with its key, and
// TradingServer::start refuses what the parser cannot see.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "e2e/server/harness.hpp"

namespace nzeza::app::e2e {
namespace {

using ::testing::HasSubstr;

std::map<std::string, ConfigError> by_key(const ConfigResult& r) {
  std::map<std::string, ConfigError> out;
  for (const auto& e : r.errors()) out[e.key] = e;
  return out;
}

TEST(ServerConfig, bad_exits_sizing_and_market_values_are_all_reported_with_their_keys) {
  const auto r = parse_config(
      "candle_interval = 0\n"
      "[market_data]\nvolatility = 0.5\nspread_ticks = 0\n"
      "[strategies]\nmomentum_scalping = -1\n"
      "[sizing]\nexposure_per_trade = \"0\"\nleverage = \"0.5\"\n"
      "[exits]\ntrailing_stop = \"1.5\"\ntake_profit = 0.1\n",
      "bad.toml");
  ASSERT_FALSE(r.ok());
  const auto errors = by_key(r);
  for (const char* key : {"candle_interval", "market_data.volatility", "market_data.spread_ticks",
                          "strategies.momentum_scalping", "sizing.exposure_per_trade",
                          "sizing.leverage", "exits.trailing_stop", "exits.take_profit"}) {
    ASSERT_EQ(errors.count(key), 1u) << key;
    const ConfigError& e = errors.at(key);
    EXPECT_FALSE(e.allowed.empty()) << key;
    EXPECT_THAT(e.where, HasSubstr("bad.toml:")) << key;
    EXPECT_THAT(e.to_string(), HasSubstr(key));
  }
  EXPECT_EQ(r.errors().size(), 8u);
  EXPECT_EQ(errors.at("exits.trailing_stop").found, "\"1.5\"");
  EXPECT_THAT(errors.at("exits.take_profit").allowed, HasSubstr("inexact"));  // a TOML float
  EXPECT_EQ(errors.at("market_data.volatility").line, 3u);
}

TEST(ServerConfig, live_venue_errors_and_paper_errors_come_back_together) {
  const auto r = parse_config(
      "mode = \"live\"\n"
      "[venues.kraken]\nsymbols = []\nrest_url = \"ftp://kraken\"\n"
      "[paper]\nstarting_cash = \"-5\"\nquote_currency = \"\"\n",
      "live.toml");
  ASSERT_FALSE(r.ok());
  const auto errors = by_key(r);
  for (const char* key : {"venues.kraken.symbols", "venues.kraken.rest_url", "paper.starting_cash",
                          "paper.quote_currency"})
    EXPECT_EQ(errors.count(key), 1u) << key;
  EXPECT_THAT(errors.at("venues.kraken.rest_url").allowed, HasSubstr("https://"));
}

TEST(ServerConfig, start_refuses_a_paper_symbol_without_an_instrument_and_builds_nothing) {
  Config c = scripted_config({"BTC-USD", "DOGE-USD"});  // DOGE-USD has no paper instrument
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};
  bool any_event = false;
  ServerOptions options;
  options.manual_dispatch = true;
  options.feed = MarketFeed::in_process;
  options.on_event = [&](const TradeEvent&) { any_event = true; };
  auto made = TradingServer::start(c, clock, options);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, ErrorCode::invalid_argument);
  EXPECT_THAT(made.error().message, HasSubstr("paper.symbols"));
  EXPECT_THAT(made.error().message, HasSubstr("DOGE-USD"));
  EXPECT_FALSE(any_event);
  EXPECT_EQ(clock.pending_timers(), 0u);  // nothing left running

  // The same text through the parser is refused there first, naming the key.
  const auto parsed = parse_config("[paper]\nsymbols = [\"BTC-USD\", \"DOGE-USD\"]\n", "p.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.errors()[0].key, "paper.symbols");
}

}  // namespace
}  // namespace nzeza::app::e2e
