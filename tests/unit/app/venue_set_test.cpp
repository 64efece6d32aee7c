// start_banner: what a trader reads before the start; venue_limits: every call of every venue
// has a rate-limit class; venue_feed: the feed options `nzeza feed` and the server share.
#include "app/venue_set.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/live_feeds.hpp"
#include "app/venue_limits.hpp"
#include "core/clock.hpp"
#include "net/net_context.hpp"

namespace nzeza::app {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class StartBannerTest : public ::testing::Test {
 protected:
  StartBannerTest() {
    Instrument btc;
    btc.venue = Venue::binance;
    btc.canonical = "BTC-USDT";
    btc.venue_symbol = "BTCUSDT";
    btc.base = "BTC";
    btc.quote = "USDT";
    btc.tick_size = dec("0.01");
    btc.lot_size = dec("0.00001");
    btc.min_size = dec("0.00002");
    btc.min_notional = dec("5");
    btc_ = registry_.add(btc).value();
    Instrument eth = btc;
    eth.canonical = "ETH-USDT";
    eth.venue_symbol = "ETHUSDT";
    eth.base = "ETH";
    eth.max_size = dec("9000");
    eth.status = TradingStatus::halted;
    eth_ = registry_.add(eth).value();

    config_.mode = Mode::live;
    config_.risk.max_trades_per_hour = 7;
    config_.risk.max_trades_per_day = 33;
    config_.risk.max_daily_loss_fraction = dec("0.03");
    config_.risk.max_order_notional = dec("2500");
    config_.risk.max_total_positions = 4;
    config_.sizing.exposure_per_trade = dec("0.15");
    config_.exits.stop_loss = dec("0.02");
    config_.exits.take_profit.reset();
    config_.exits.trailing_stop = dec("0.01");
    config_.shutdown = ShutdownPolicy::keep_resting;
  }

  std::unique_ptr<OpenVenue> binance() const {
    auto v = std::make_unique<OpenVenue>();
    v->config.venue = Venue::binance;
    v->config.symbols = {"BTCUSDT", "ETHUSDT"};
    v->config.rest_url = "https://api.binance.com";
    v->instruments = {btc_, eth_};
    v->metadata_from_venue = true;
    v->balances.push_back(domain::Balance::create("USDT", dec("1234.5"), dec("10")).value());
    v->balances.push_back(domain::Balance::create("BNB").value());
    return v;
  }

  InstrumentRegistry registry_;
  InstrumentId btc_;
  InstrumentId eth_;
  Config config_;
};

TEST_F(StartBannerTest, live_banner_lists_each_symbol_with_its_rules_and_every_limit) {
  VenueSet set(VenueSet::Kind::trading);
  set.add(binance());
  const std::string b = start_banner(set, config_, registry_);
  EXPECT_TRUE(contains(b, "LIVE: real orders with real money on 1 venue")) << b;
  EXPECT_TRUE(contains(b, "binance (REST https://api.binance.com, market data production URL)"))
      << b;
  EXPECT_TRUE(contains(b, "credentials checked")) << b;
  EXPECT_TRUE(contains(b,
                       "BTCUSDT (BTC-USDT): tick 0.01, lot 0.00001, min size 0.00002, "
                       "max size none, min notional 5, trading"))
      << b;
  EXPECT_TRUE(contains(b,
                       "ETHUSDT (ETH-USDT): tick 0.01, lot 0.00001, min size 0.00002, "
                       "max size 9000, min notional 5, NOT TRADING (halted)"))
      << b;
  EXPECT_TRUE(contains(b, "balances: USDT 1234.5 available + 10 locked\n")) << b;
  EXPECT_FALSE(contains(b, "BNB")) << "empty balances are left out: " << b;
  EXPECT_TRUE(contains(b, "trades: at most 7 per hour, 33 per day")) << b;
  EXPECT_TRUE(contains(b, "positions: at most 1 per symbol, 4 in total")) << b;
  EXPECT_TRUE(contains(b, "order notional: at most 2500")) << b;
  EXPECT_TRUE(contains(b, "daily loss: halt at 3% of start-of-day equity")) << b;
  EXPECT_TRUE(contains(b, "sizing: 15% of equity per order")) << b;
  EXPECT_TRUE(
      contains(b, "exits (from the entry price): stop-loss 2%, take-profit none, trailing stop 1%"))
      << b;
  EXPECT_TRUE(contains(b, "on stop: keep resting orders")) << b;
  EXPECT_FALSE(contains(b, "paper venue")) << b;
}

TEST_F(StartBannerTest, paper_on_live_banner_says_no_real_money_and_market_data_only) {
  config_.mode = Mode::paper;
  config_.market_data.source = MarketDataSource::live;
  VenueConfig v;
  v.venue = Venue::kraken;
  v.symbols = {"BTC/USD"};
  v.ws_url = "wss://ws.kraken.com/v2";
  config_.venues = {v};
  net::NetContext net;  // not started: paper-on-live opens nothing
  ManualClock clock;
  auto set = open_venues(config_, net, clock, registry_);
  ASSERT_TRUE(set.ok()) << set.error().message;
  const std::string b = start_banner(**set, config_, registry_);
  EXPECT_TRUE(contains(b, "paper-trades: orders go to the paper venue (no real money)")) << b;
  EXPECT_TRUE(contains(b, "market data wss://ws.kraken.com/v2")) << b;
  EXPECT_TRUE(contains(b, "BTCUSD (BTC-USD): market data only")) << b;
  EXPECT_TRUE(contains(b, "paper venue: starting cash 100000 USD")) << b;
  EXPECT_FALSE(contains(b, "balances:")) << b;
  EXPECT_FALSE(contains(b, "LIVE")) << b;
  EXPECT_TRUE(contains(b, "trades: at most 7 per hour")) << b;
}

TEST(OpenVenues, paper_on_live_refuses_every_unreadable_symbol_at_once) {
  Config config;
  config.mode = Mode::paper;
  config.market_data.source = MarketDataSource::live;
  VenueConfig b;
  b.venue = Venue::binance;
  b.symbols = {"BTCUSDT", "BTC USDT"};
  VenueConfig k;
  k.venue = Venue::kraken;
  k.symbols = {"BTCUSD!"};
  config.venues = {b, k};
  net::NetContext net;
  ManualClock clock;
  InstrumentRegistry registry;
  auto set = open_venues(config, net, clock, registry);
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_TRUE(contains(m, "2 of 2 venues failed")) << m;
  EXPECT_TRUE(contains(m, "binance: symbol 'BTC USDT'")) << m;
  EXPECT_TRUE(contains(m, "kraken: symbol 'BTCUSD!'")) << m;
}

TEST(OpenVenues, paper_on_simulated_market_opens_nothing) {
  Config config;  // paper, simulated
  VenueConfig b;
  b.venue = Venue::binance;
  b.symbols = {"BTCUSDT"};
  config.venues = {b};
  net::NetContext net;
  ManualClock clock;
  InstrumentRegistry registry;
  auto set = open_venues(config, net, clock, registry);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE((*set)->empty());
  EXPECT_EQ(registry.size(), 0u);
}

TEST(ClientOptions, env_credentials_set_the_prefix_and_file_credentials_read_only_the_file) {
  VenueConfig v;
  v.venue = Venue::kraken;
  v.symbols = {"BTC/USD"};
  v.rest_url = "http://127.0.0.1:9";
  v.credentials = {CredentialsSource::Kind::env, "MY_KRAKEN"};
  OpenOptions o;
  o.request_timeout = std::chrono::seconds(3);
  auto env = client_options(v, o);
  EXPECT_EQ(env.base_url, "http://127.0.0.1:9");
  EXPECT_EQ(env.symbols, v.symbols);
  EXPECT_EQ(env.credentials.env_prefix, "MY_KRAKEN");
  EXPECT_TRUE(env.credentials.use_environment);
  EXPECT_EQ(env.request_timeout, std::chrono::seconds(3));
  v.credentials = {CredentialsSource::Kind::file, "/home/t/kraken.key"};
  auto file = client_options(v, o);
  ASSERT_TRUE(file.credentials.file.has_value());
  EXPECT_EQ(file.credentials.file->string(), "/home/t/kraken.key");
  EXPECT_FALSE(file.credentials.use_environment);
}

TEST(VenueLimits, every_call_of_every_venue_reserves_from_a_defined_class) {
  for (Venue venue :
       {Venue::binance, Venue::coinbase, Venue::kraken, Venue::hyperliquid, Venue::dydx}) {
    ManualClock clock;
    auto limiter = make_venue_limiter(venue, clock, std::chrono::seconds(10));
    ASSERT_TRUE(limiter.ok()) << to_string(venue) << ": " << limiter.error().message;
    EXPECT_EQ((*limiter)->name(), std::string(to_string(venue)));
    const auto c = venue_limits(venue).value().classes;
    for (const std::string& cls : {c.place, c.cancel, c.cancel_all, c.amend, c.dead_man_switch,
                                   c.order_status, c.open_orders, c.fills, c.balances, c.positions,
                                   c.instruments, c.server_time, c.candles}) {
      auto wait = (*limiter)->reserve(cls);
      ASSERT_TRUE(wait.ok()) << to_string(venue) << " class '" << cls
                             << "': " << wait.error().message;
      EXPECT_EQ(*wait, Duration::zero()) << to_string(venue) << " " << cls;
    }
  }
}

TEST(VenueLimits, binance_orders_wait_after_fifty_in_ten_seconds) {
  ManualClock clock;
  auto limiter = make_venue_limiter(Venue::binance, clock, std::chrono::seconds(10));
  ASSERT_TRUE(limiter.ok());
  for (int i = 0; i < 50; ++i) ASSERT_EQ((*limiter)->reserve("order").value(), Duration::zero());
  auto wait = (*limiter)->reserve("order");
  ASSERT_TRUE(wait.ok());
  EXPECT_GT(*wait, Duration::zero());  // ORDERS 50 per 10 s (exchanges.md §1.4)
}

TEST(VenueLimits, venues_without_a_live_client_have_none) {
  EXPECT_FALSE(venue_limits(Venue::paper).ok());
  EXPECT_FALSE(venue_limits(Venue::generic).ok());
}

TEST(VenueFeed, defaults_to_the_production_feed_and_binance_rest_for_snapshots) {
  InstrumentRegistry registry;
  Instrument i;
  i.venue = Venue::binance;
  i.canonical = "BTC-USDT";
  i.venue_symbol = "BTCUSDT";
  i.ws_symbol = "btcusdt";
  i.base = "BTC";
  i.quote = "USDT";
  i.tick_size = dec("0.01");
  i.lot_size = dec("0.00001");
  const InstrumentId id = registry.add(i).value();
  FeedRequest r;
  r.venue = Venue::binance;
  r.instruments = {id};
  auto feed = venue_feed(r, registry);
  ASSERT_TRUE(feed.ok()) << feed.error().message;
  EXPECT_TRUE(feed->options.url.empty());
  EXPECT_FALSE(feed->options.rules.default_url.empty());
  EXPECT_EQ(feed->options.rest_url, "https://api.binance.com");
  EXPECT_EQ(feed->options.instruments, std::vector<InstrumentId>{id});
  ASSERT_TRUE(static_cast<bool>(feed->factory));
  EXPECT_NE(feed->factory(), nullptr);

  r.ws_url = "ws://127.0.0.1:5555/stream";
  r.rest_url = "http://127.0.0.1:5556";
  r.stale_after = std::chrono::seconds(3);
  r.ca_file = "/tmp/ca.pem";
  auto custom = venue_feed(r, registry);
  ASSERT_TRUE(custom.ok()) << custom.error().message;
  EXPECT_EQ(custom->options.url, "ws://127.0.0.1:5555/stream");
  EXPECT_EQ(custom->options.rest_url, "http://127.0.0.1:5556");
  EXPECT_EQ(custom->options.rules.stale_after, std::chrono::seconds(3));
  EXPECT_EQ(custom->options.tls.extra_ca_file, "/tmp/ca.pem");
}

TEST(VenueFeed, a_venue_without_a_production_feed_needs_a_url_and_a_feed_needs_instruments) {
  InstrumentRegistry registry;
  Instrument i;
  i.venue = Venue::generic;
  i.canonical = "BTC-USD";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = dec("0.01");
  i.lot_size = dec("0.01");
  FeedRequest r;
  r.venue = Venue::generic;
  r.instruments = {registry.add(i).value()};
  auto feed = venue_feed(r, registry);
  ASSERT_FALSE(feed.ok());
  EXPECT_TRUE(contains(feed.error().message, "generic feed: a WebSocket URL is required"))
      << feed.error().message;
  r.instruments.clear();
  r.ws_url = "ws://127.0.0.1:1";
  auto empty = venue_feed(r, registry);
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(contains(empty.error().message, "no instrument")) << empty.error().message;
}

}  // namespace
}  // namespace nzeza::app
