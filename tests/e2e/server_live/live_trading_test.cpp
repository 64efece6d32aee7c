// mode = "live" end to end: the trading server, configured from TOML text with its venues' base
// URLs pointed at the loopback simulators, trades through the real venue clients — signed
// requests checked by the simulators' own code, fills from the real private streams, market data
// from the real feeds and codecs.
//
// Layout per venue: the venue simulator (BinanceSim / KrakenSim: REST and private stream on two
// ports) behind one VenueFront address, which is the config's rest_url (the clients derive their
// private stream from it); a FeedSim speaking the venue's market-data protocol at the config's
// ws_url. The server runs on a ManualClock with manual dispatch: the test thread drains the actors
// while it waits for what the sockets deliver, and time only moves when a test moves it.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "e2e/server_live/live_support.hpp"
#include "e2e/server_live/venue_front.hpp"
#include "sim/binance/binance_sim.hpp"
#include "sim/feeds/feed_sim.hpp"
#include "sim/kraken/kraken_sim.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace nzeza::app::e2e {
namespace {

using namespace std::chrono_literals;
using strategy::SignalKind;
using testsupport::HttpSeen;
using testsupport::wait_until;

// Prefixes that are not the clients' defaults: the config's env:PREFIX is what must be read.
constexpr const char* kBinancePrefix = "LIVEE2E_BINANCE";
constexpr const char* kKrakenPrefix = "LIVEE2E_KRAKEN";
constexpr const char* kKrakenSecret = "bGl2ZWUyZS1rcmFrZW4tc2ltLXNlY3JldC1mb3Itc2VydmVyLXRlc3Rz";
constexpr const char* kSymbol = "BTC-USDT";
// Real-time bound of one wait for sockets and threads (never simulated time).
constexpr std::chrono::milliseconds kGuard{20'000};

class LiveServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::binance::SimOptions bo;
    bo.now_ms = [this] { return clock_.now().ms(); };
    binance_ = std::make_unique<sim::binance::BinanceSim>(bo);
    sim::binance::SimSymbol btc{"BTCUSDT", "BTC", "USDT"};
    btc.tick = dec("0.01");
    btc.step = dec("0.00001");
    btc.min_qty = dec("0.00001");
    btc.min_notional = dec("5");
    binance_->add_symbol(btc);
    binance_->set_price("BTCUSDT", dec("50000"));
    binance_->set_balance("USDT", dec("10000"));
    binance_front_ = std::make_unique<VenueFront>(
        url_port(binance_->base_url()),
        std::map<std::string, std::uint16_t>{{"/ws-api", url_port(binance_->ws_api_url())}});
    sim::feeds::FeedSimOptions fo;
    fo.now = [this] { return clock_.now(); };
    binance_feed_ = std::make_unique<sim::feeds::FeedSim>(Venue::binance, fo);
  }

  // A second venue listing the same canonical symbol: Kraken's XBTUSDT (BTC/USDT, BTC-USDT).
  void add_kraken() {
    testsupport::kraken::KrakenSimOptions ko;
    ko.api_secret_b64 = kKrakenSecret;
    ko.now = [this] { return clock_.now(); };
    kraken_ = std::make_unique<testsupport::kraken::KrakenSim>(ko);
    testsupport::kraken::SimPair pair;
    pair.key = "XBTUSDT";
    pair.altname = "XBTUSDT";
    pair.wsname = "XBT/USDT";
    pair.base = "XXBT";
    pair.quote = "USDT";
    pair.v2_symbol = "BTC/USDT";
    pair.market_price = dec("50000");
    kraken_->add_pair(pair);
    kraken_->set_balance("USDT", dec("10000"));
    kraken_front_ = std::make_unique<VenueFront>(
        url_port(kraken_->base_url()),
        std::map<std::string, std::uint16_t>{{"/v2", url_port(kraken_->ws_url())}});
    sim::feeds::FeedSimOptions fo;
    fo.now = [this] { return clock_.now(); };
    kraken_feed_ = std::make_unique<sim::feeds::FeedSim>(Venue::kraken, fo);
    env_.set(std::string(kKrakenPrefix) + "_API_KEY", ko.api_key);
    env_.set(std::string(kKrakenPrefix) + "_API_SECRET", kKrakenSecret);
  }

  void TearDown() override {
    if (server_) (void)server_->stop();
    server_.reset();
    if (binance_front_) binance_front_->stop();
    if (kraken_front_) kraken_front_->stop();
    binance_->release_held();
    binance_->stop();
    binance_feed_->stop();
    if (kraken_feed_) kraken_feed_->stop();
    kraken_.reset();
  }

  void binance_credentials(const std::string& secret) {
    env_.set(std::string(kBinancePrefix) + "_API_KEY", binance_->options().api_key);
    env_.set(std::string(kBinancePrefix) + "_API_SECRET", secret);
  }

  // What a trader writes: live mode, live market data, each venue's URLs at its simulator.
  std::string config_text() const {
    std::string t = R"(mode = "live"
candle_interval = 300
data_dir = ")" + data_dir_.str() +
                    R"("

[market_data]
source = "live"

[exits]
stop_loss = "0.02"

[venues.binance]
symbols = ["BTCUSDT"]
rest_url = ")" + binance_front_->url() +
                    "\"\nws_url = \"" + binance_feed_->ws_url() +
                    "\"\ncredentials = \"env:" + kBinancePrefix + "\"\n";
    if (kraken_) {
      t += "\n[venues.kraken]\nsymbols = [\"BTC/USDT\"]\nrest_url = \"" + kraken_front_->url() +
           "\"\nws_url = \"" + kraken_feed_->ws_url() + "\"\ncredentials = \"env:" + kKrakenPrefix +
           "\"\n";
    }
    return t;
  }

  Result<std::unique_ptr<TradingServer>> start_server() {
    const ConfigResult parsed = parse_config(config_text(), "<live e2e>");
    if (!parsed.ok()) {
      std::string all;
      for (const auto& e : parsed.errors()) all += e.to_string() + "\n";
      return Error{ErrorCode::invalid_argument, all};
    }
    ServerOptions o;
    o.manual_dispatch = true;
    o.on_event = [this](const TradeEvent& e) {
      std::lock_guard lock(events_mu_);
      events_.push_back(e);
    };
    return TradingServer::start(parsed.config(), clock_, std::move(o));
  }
  // Starts the server and waits until every feed and private stream is subscribed.
  void start() {
    auto made = start_server();
    ASSERT_TRUE(made.ok()) << made.error().message;
    server_ = std::move(*made);
    ASSERT_TRUE(until([&] { return subscribed(*binance_feed_, "btcusdt@bookTicker"); }));
    ASSERT_TRUE(until([&] { return binance_->stream_subscriptions() >= 1; }));
    if (kraken_) {
      ASSERT_TRUE(until([&] { return subscribed(*kraken_feed_, "BTC/USDT"); }));
      ASSERT_TRUE(until([&] { return kraken_->ws_subscriptions() >= 1; }));
    }
  }

  // Runs whatever the sockets delivered: due timers, then every actor's queued work.
  void drain() {
    clock_.run_due();
    server_->poll();
  }
  // Waits (real time, bounded) for a state that the sockets and threads produce.
  template <typename P>
  bool until(P&& p) {
    return wait_until(
        [&] {
          if (server_) drain();
          return p();
        },
        kGuard);
  }
  // Moves simulated time `step` at a time until `p` holds (behaviour that runs on the clock).
  template <typename P>
  bool advance_until(P&& p, Duration step, int max_steps) {
    for (int i = 0; i < max_steps; ++i) {
      if (wait_until(
              [&] {
                drain();
                return p();
              },
              20ms))
        return true;
      clock_.advance(step);
    }
    return until(p);
  }
  void advance(Duration d, Duration step = 1s) {
    for (Duration done{}; done < d; done += step) {
      clock_.advance(step);
      drain();
    }
  }

  // Moves time with no quote while the venue keeps the connection alive as Binance does: a ping
  // every 5 s, answered before time moves on (the simulated clock must not outrun the socket).
  void quiet_but_alive(Duration d) {
    for (Duration done{}; done < d; done += 1s) {
      if (done % 5s == Duration::zero()) {
        const std::size_t before = binance_feed_->pongs();
        binance_feed_->publish_heartbeat();
        ASSERT_TRUE(until([&] { return binance_feed_->pongs() > before; }));
      }
      clock_.advance(1s);
      drain();
    }
  }

  // The server's status. With manual dispatch, status() gives up when a poll finds nothing to
  // run, which can happen while a socket thread is between scheduling an actor and posting its
  // turn: ask again until it answers.
  ServerStatus status() {
    Result<ServerStatus> s = Error{ErrorCode::timeout, "not asked"};
    EXPECT_TRUE(wait_until(
        [&] {
          s = server_->status();
          return s.ok();
        },
        kGuard))
        << s.error().message;
    return s.ok() ? *s : ServerStatus{};
  }
  std::optional<SymbolStatus> symbol() {
    for (auto& s : status().symbols)
      if (s.symbol == kSymbol) return s;
    return std::nullopt;
  }
  std::optional<PositionStatus> position() {
    for (auto& p : status().portfolio.positions)
      if (p.symbol == kSymbol && !p.quantity.is_zero()) return p;
    return std::nullopt;
  }
  // The native stop-loss of the position rests at the venue and the server knows it.
  bool exit_resting() {
    const auto stops = binance_places("STOP_LOSS");
    if (stops.empty()) return false;
    const auto o = binance_->order(param(stops.back(), "newClientOrderId"));
    return o && o->status == "NEW" && !status().execution.open_orders.empty();
  }
  std::string orders_text() {
    std::string out;
    for (const auto& o : status().execution.open_orders) out += o.description + "\n";
    return out;
  }
  std::uint64_t refusals(std::string_view reason) {
    for (const auto& [r, n] : status().execution.refusals)
      if (r == reason) return n;
    return 0;
  }
  std::vector<TradeEvent> events() {
    std::lock_guard lock(events_mu_);
    return events_;
  }
  std::string log() {
    std::string out;
    for (const auto& e : events()) out += e.kind + ": " + e.text + "\n";
    return out;
  }
  std::string feed_lines() {
    std::string out =
        "feed connections at the sim: " + std::to_string(binance_feed_->connections());
    for (const auto& f : status().feeds)
      out += "\n" + f.venue + ": " + f.state + " age " + std::to_string(f.age.count() / 1'000'000) +
             " ms";
    return out;
  }
  bool logged(std::string_view kind, std::string_view part) {
    for (const auto& e : events())
      if (e.kind == kind && e.text.find(part) != std::string::npos) return true;
    return false;
  }

  // Quotes on a venue's feed until the server's reference price is `mid` and fresh.
  void quote_binance(const char* bid, const char* ask) {
    binance_feed_->publish_quote("BTCUSDT", {bid, "2"}, {ask, "2"});
  }
  void quote_kraken(const char* bid, const char* ask) {
    kraken_feed_->publish_quote("BTC/USDT", {bid, "2"}, {ask, "2"});
  }
  [[nodiscard]] bool reference_is(std::string_view mid) {
    auto s = symbol();
    return s && s->fresh && s->reference && *s->reference == dec(mid);
  }

  // POST /api/v3/order requests the Binance simulator received, of one order type ("" = all).
  std::vector<HttpSeen> binance_places(std::string_view type = {}) const {
    std::vector<HttpSeen> out;
    for (const auto& r : binance_->requests())
      if (r.method == "POST" && r.target.rfind("/api/v3/order", 0) == 0 &&
          (type.empty() || param(r, "type") == type))
        out.push_back(r);
    return out;
  }

  const Instrument& binance_btc() const {
    const Instrument* i = server_->registry().find(Venue::binance, "BTCUSDT");
    EXPECT_NE(i, nullptr);
    return *i;
  }

  testsupport::TempDir data_dir_{"nzeza-live-e2e"};  // the journal of each test
  // 2026-01-01T00:00:01Z: the first candle closes 299 s later, after every test's time moves.
  ManualClock clock_{Timestamp::from_seconds(1'767'225'601)};
  ScopedEnv env_;
  std::unique_ptr<sim::binance::BinanceSim> binance_;
  std::unique_ptr<VenueFront> binance_front_;
  std::unique_ptr<sim::feeds::FeedSim> binance_feed_;
  std::unique_ptr<testsupport::kraken::KrakenSim> kraken_;
  std::unique_ptr<VenueFront> kraken_front_;
  std::unique_ptr<sim::feeds::FeedSim> kraken_feed_;
  std::unique_ptr<TradingServer> server_;
  std::mutex events_mu_;
  std::vector<TradeEvent> events_;
};

// 1. Signal → signed MARKET order at the venue → fill on the private stream → position and the
// venue's balances agree → native STOP_LOSS rests at the venue → the venue's price crosses it →
// it fills → flat, and the venue's balances still agree.
TEST_F(
    LiveServerTest,
    live_binance_entry_fills_and_its_native_stop_loss_rests_at_the_venue_and_closes_the_position) {
  binance_credentials(binance_->options().api_secret);
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string banner = server_->start_banner();
  EXPECT_NE(banner.find("binance"), std::string::npos) << banner;
  EXPECT_NE(banner.find("BTCUSDT"), std::string::npos) << banner;
  EXPECT_NE(banner.find("10000"), std::string::npos) << "the signed check's balance: " << banner;

  // Warm-up from the venue's REST candle history (5-minute klines for a 300 s interval).
  ASSERT_TRUE(until([&] {
    auto s = symbol();
    return s && s->warm_candles >= s->warm_needed && s->warm_candles > 0;
  })) << log();
  bool klines = false;
  for (const auto& r : binance_->requests())
    klines = klines || (r.target.rfind("/api/v3/klines", 0) == 0 && param(r, "interval") == "5m");
  EXPECT_TRUE(klines);

  quote_binance("49999.99", "50000.01");
  ASSERT_TRUE(until([&] { return reference_is("50000"); })) << log();

  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] {
    const auto placed = binance_places("MARKET");
    return placed.size() == 1 && binance_->order(param(placed[0], "newClientOrderId"));
  })) << log();
  const HttpSeen entry = binance_places("MARKET")[0];
  EXPECT_EQ(param(entry, "side"), "BUY");
  // 20 % of the 10000 USDT the signed check reported, at the 50000 reference.
  EXPECT_EQ(param(entry, "quantity"), "0.04");
  EXPECT_FALSE(param(entry, "signature").empty());
  EXPECT_EQ(binance_->bad_signatures(), 0);
  const std::string entry_id = param(entry, "newClientOrderId");
  ASSERT_FALSE(entry_id.empty());
  ASSERT_TRUE(binance_->order(entry_id).has_value());
  EXPECT_EQ(binance_->order(entry_id)->status, "FILLED");

  // The fill (0.04 less the venue's 0.1 % commission in BTC) and the native stop-loss resting.
  ASSERT_TRUE(until([&] {
    auto p = position();
    return p && p->quantity == dec("0.03996") && binance_places("STOP_LOSS").size() == 1 &&
           binance_->order(param(binance_places("STOP_LOSS")[0], "newClientOrderId")) &&
           !status().execution.open_orders.empty();
  })) << log();
  const PositionStatus held = *position();
  EXPECT_EQ(held.venue, Venue::binance);
  const PortfolioStatus after_entry = status().portfolio;
  const auto btc_at_venue = binance_->balance("BTC");
  const auto usdt_at_venue = binance_->balance("USDT");
  ASSERT_TRUE(btc_at_venue && usdt_at_venue);
  EXPECT_EQ(btc_at_venue->first + btc_at_venue->second, held.quantity);
  EXPECT_EQ(usdt_at_venue->first + usdt_at_venue->second, dec("8000"));
  EXPECT_EQ(after_entry.cash, dec("8000"));

  const HttpSeen stop_request = binance_places("STOP_LOSS")[0];
  EXPECT_EQ(param(stop_request, "reduceOnly"), "") << "spot has no reduce-only flag";
  const auto stop = binance_->order(param(stop_request, "newClientOrderId"));
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->side, "SELL");
  EXPECT_EQ(stop->type, "STOP_LOSS");
  EXPECT_EQ(stop->status, "NEW");
  EXPECT_FALSE(stop->working);
  EXPECT_EQ(stop->quantity, held.quantity);
  // 2 % under the entry, on the tick, rounded toward the market.
  const Decimal level =
      *binance_btc().round_price(*held.average_entry.checked_mul(dec("0.98")), RoundingMode::up);
  EXPECT_EQ(stop->stop_price, level);
  EXPECT_EQ(btc_at_venue->second, held.quantity) << "the stop holds the coins at the venue";
  bool listed = false;
  for (const auto& o : status().execution.open_orders)
    listed = listed || (o.description.find("stop_loss") != std::string::npos &&
                        o.description.find("native") != std::string::npos);
  EXPECT_TRUE(listed) << orders_text();

  // The venue's last price falls through the stop: it fires there, the fill arrives on the stream.
  binance_->set_price("BTCUSDT", dec("48000"));
  quote_binance("47999.99", "48000.01");
  ASSERT_TRUE(until([&] { return !position().has_value(); })) << log();
  EXPECT_EQ(binance_->order(stop->client_order_id)->status, "FILLED");
  const auto btc_after = binance_->balance("BTC");
  const auto usdt_after = binance_->balance("USDT");
  ASSERT_TRUE(btc_after && usdt_after);
  EXPECT_TRUE((btc_after->first + btc_after->second).is_zero());
  ASSERT_TRUE(until([&] {
    return status().portfolio.cash == usdt_after->first + usdt_after->second;
  })) << "portfolio cash "
      << status().portfolio.cash << " venue " << usdt_after->first;
  // Nothing else left: no local close, no second exit.
  EXPECT_EQ(binance_places().size(), 2u) << log();
  EXPECT_EQ(binance_->bad_signatures(), 0);
  EXPECT_EQ(binance_->time_rejections(), 0);
}

// 2. A wrong secret: the start refuses, naming the venue and the signed call; nothing trades.
TEST_F(LiveServerTest, a_wrong_secret_refuses_the_start_naming_binance_and_the_signed_call) {
  binance_credentials("wrong-secret-0001");
  auto made = start_server();
  ASSERT_FALSE(made.ok());
  const std::string& m = made.error().message;
  EXPECT_NE(m.find("binance: signed read-only call balances()"), std::string::npos) << m;
  EXPECT_NE(m.find("-1022"), std::string::npos) << "the venue's answer: " << m;
  for (const std::string& secret : {std::string("wrong-secret-0001"), binance_->options().api_key,
                                    binance_->options().api_secret, std::string("signature=")})
    EXPECT_EQ(m.find(secret), std::string::npos) << "'" << secret << "' leaks in: " << m;
  EXPECT_TRUE(binance_places().empty());
  EXPECT_EQ(binance_->stream_subscriptions(), 0);
  EXPECT_EQ(binance_feed_->connections(), 0u) << "no feed starts before the venues are checked";
}

// 3a. The primary's REST refuses connections: the order goes to the fallback venue, and the
// primary never received a byte of it.
TEST_F(LiveServerTest, primary_refusing_connections_sends_the_order_to_the_fallback_venue) {
  binance_credentials(binance_->options().api_secret);
  add_kraken();
  ASSERT_NO_FATAL_FAILURE(start());
  quote_binance("49999.99", "50000.01");
  quote_kraken("49999.9", "50000.1");
  ASSERT_TRUE(until([&] { return reference_is("50000") && symbol()->venues == 2; })) << log();
  binance_front_->refuse();
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] {
    auto p = position();
    return p && p->venue == Venue::kraken;
  })) << log();
  const auto orders = kraken_->orders();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].side, "buy");
  EXPECT_EQ(orders[0].ordertype, "market");
  // 20 % of the 20000 USDT both venues reported, at 50000.
  EXPECT_EQ(orders[0].vol, dec("0.08"));
  EXPECT_EQ(kraken_->add_order_requests(orders[0].cl_ord_id), 1u);
  EXPECT_EQ(kraken_->stats().bad_signatures, 0u);
  // Binance: no order request ever arrived. (Its connection count is not compared: a connection
  // the kernel accepted just before refuse() may still be counted after it — TSan showed it —
  // and carries nothing: the orders the simulator saw are what matters.)
  EXPECT_TRUE(binance_places().empty());
  EXPECT_EQ(status().execution.unknown_outcomes, 0u);
}

// 3b. The primary processes the order and answers 503: the outcome is unknown, so the order is
// NOT sent to the fallback; the order tracker resolves it at the primary by its client id.
TEST_F(LiveServerTest, primary_answering_5xx_after_processing_is_not_rerouted_and_is_resolved) {
  binance_credentials(binance_->options().api_secret);
  add_kraken();
  ASSERT_NO_FATAL_FAILURE(start());
  quote_binance("49999.99", "50000.01");
  quote_kraken("49999.9", "50000.1");
  ASSERT_TRUE(until([&] { return reference_is("50000") && symbol()->venues == 2; })) << log();

  sim::binance::Fault lost;
  lost.kind = sim::binance::FaultKind::server_error;
  lost.status = 503;
  lost.execute = true;  // executed at the venue, then the answer is a 503
  binance_->script("POST /api/v3/order", lost);
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return logged("order", "outcome unknown"); })) << log();
  ASSERT_TRUE(advance_until(
      [&] {
        auto p = position();
        return p && p->venue == Venue::binance && logged("resolution", "resolved: found");
      },
      250ms, 40))
      << log();
  const auto entries = binance_places("MARKET");
  ASSERT_EQ(entries.size(), 1u);
  const std::string id = param(entries[0], "newClientOrderId");
  EXPECT_EQ(binance_->place_requests(id), 1) << "never resent";
  EXPECT_EQ(binance_->order(id)->status, "FILLED");
  EXPECT_EQ(position()->quantity, dec("0.07992"));  // 0.08 less 0.1 % commission in BTC
  EXPECT_EQ(kraken_->stats().add_orders, 0u) << "an unknown outcome is never re-routed";
  EXPECT_TRUE(kraken_->orders().empty());
  EXPECT_EQ(status().execution.unknown_outcomes, 1u);
}

// 4a. The live feed's socket goes silent (half-open): past five seconds without a price, no new
// entry. Once the dead socket is gone (reset) the feed reconnects and resubscribes by itself,
// and the same signal trades on the fresh price.
TEST_F(LiveServerTest, live_feed_gone_silent_refuses_entries_for_a_stale_price_until_it_is_back) {
  binance_credentials(binance_->options().api_secret);
  ASSERT_NO_FATAL_FAILURE(start());
  quote_binance("49999.99", "50000.01");
  ASSERT_TRUE(until([&] { return reference_is("50000"); })) << log();

  binance_feed_->go_silent(0);  // half-open: no frame, no close
  advance(6s);
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return refusals("stale price") == 1; })) << log();
  EXPECT_TRUE(binance_places().empty()) << log();

  binance_feed_->reset(0);
  ASSERT_TRUE(advance_until(
      [&] {
        return binance_feed_->connections() == 2 &&
               subscribed(*binance_feed_, "btcusdt@bookTicker");
      },
      1s, 30))
      << log() << feed_lines();
  quote_binance("50099.99", "50100.01");
  ASSERT_TRUE(until([&] { return reference_is("50100"); })) << log();
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return binance_places("MARKET").size() == 1; })) << log();
  EXPECT_EQ(refusals("stale price"), 1u);
  ASSERT_TRUE(until([&] { return position().has_value() && exit_resting(); })) << log();
}

// 4b. The feed stays connected (its pings answered) but stops quoting: after five seconds the
// price is stale and entries are refused on the same open connection; the first quote back makes
// it tradable again.
TEST_F(LiveServerTest, live_feed_that_stops_quoting_holds_entries_until_quotes_return) {
  binance_credentials(binance_->options().api_secret);
  ASSERT_NO_FATAL_FAILURE(start());
  quote_binance("49999.99", "50000.01");
  ASSERT_TRUE(until([&] { return reference_is("50000"); })) << log();

  ASSERT_NO_FATAL_FAILURE(quiet_but_alive(6s));
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return refusals("stale price") == 1; })) << log();
  ASSERT_NO_FATAL_FAILURE(quiet_but_alive(30s));  // past the feed's idle and stale limits
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return refusals("stale price") == 2; })) << log();
  EXPECT_TRUE(binance_places().empty()) << log();
  EXPECT_EQ(binance_feed_->connections(), 1u) << "the connection itself stayed up";

  quote_binance("50099.99", "50100.01");
  ASSERT_TRUE(until([&] { return reference_is("50100"); })) << log();
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return binance_places("MARKET").size() == 1; })) << log();
  EXPECT_EQ(param(binance_places("MARKET")[0], "side"), "BUY");
  ASSERT_TRUE(until([&] { return position().has_value() && exit_resting(); })) << log();
}

// 5. An orderly stop (shutdown = "cancel") cancels the native stop-loss resting at the venue
// before the server is gone: the venue no longer holds it.
TEST_F(LiveServerTest, orderly_stop_cancels_the_resting_native_stop_loss_at_the_venue) {
  binance_credentials(binance_->options().api_secret);
  ASSERT_NO_FATAL_FAILURE(start());
  quote_binance("49999.99", "50000.01");
  ASSERT_TRUE(until([&] { return reference_is("50000"); })) << log();
  ASSERT_TRUE(server_->submit_signal(kSymbol, SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return position().has_value() && exit_resting(); })) << log();
  const std::string stop_id = param(binance_places("STOP_LOSS")[0], "newClientOrderId");

  auto final_status = server_->stop();
  ASSERT_TRUE(final_status.ok()) << final_status.error().message;
  server_.reset();  // what `nzeza run` does after the stop
  EXPECT_EQ(binance_->cancel_requests(stop_id), 1) << log();
  ASSERT_TRUE(binance_->order(stop_id).has_value());
  EXPECT_EQ(binance_->order(stop_id)->status, "CANCELED") << log();
}

}  // namespace
}  // namespace nzeza::app::e2e
