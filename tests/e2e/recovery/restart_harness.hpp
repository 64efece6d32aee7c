#pragma once
// RestartTest: the trading server in mode = "live" against loopback venue simulators that live in
// the test process and OUTLIVE each server, so a restart is what an operator does — stop (or
// lose) the server and start a new one on the same config and the same data_dir (the journal) —
// while the venue keeps every order, fill and position it holds.
//
// Venues (a test picks one or both before its first start):
//   binance      spot: BinanceSim (REST + user data stream behind one VenueFront address) and a
//                FeedSim in Binance's protocol. Native STOP_LOSS orders rest there and fire when
//                the sim's price reaches them (set_price).
//   hyperliquid  perpetual: HyperliquidSim (REST /exchange + /info, user stream at its own URL:
//                the config's private_ws_url) and a FeedSim in Hyperliquid's protocol. Native
//                stop-loss and take-profit triggers rest there and fire on set_mark.
// Every assertion that matters reads the SIMULATORS' own records (requests received, orders,
// fills, positions) and the server's status.
//
// The server runs on a ManualClock with manual dispatch: the test thread drains the actors while
// it waits (bounded, real time) for what the sockets deliver. Between two servers the clock moves
// a few seconds (a restart takes time; Hyperliquid nonces are milliseconds of the clock and a
// signer never reuses one).

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "e2e/server_live/live_support.hpp"
#include "e2e/server_live/venue_front.hpp"
#include "sim/binance/binance_sim.hpp"
#include "sim/feeds/feed_sim.hpp"
#include "sim/hyperliquid/hyperliquid_sim.hpp"
#include "store/journal.hpp"
#include "store/store_actor.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace nzeza::app::e2e {

using namespace std::chrono_literals;
using strategy::SignalKind;
using testsupport::HttpSeen;
using testsupport::wait_until;

inline constexpr const char* kBinancePrefix = "RECOVERY_BINANCE";
inline constexpr const char* kHyperliquidPrefix = "RECOVERY_HYPERLIQUID";
// A well-known development key (Ganache's first account) and its address.
inline constexpr const char* kHyperliquidAddress = "0x90F8bf6A479f320ead074411a4B0e7944Ea8c9C1";
inline constexpr const char* kHyperliquidKey =
    "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";
inline constexpr const char* kSpot = "BTC-USDT";
// Real-time bound of one wait for sockets and threads (never simulated time).
inline constexpr std::chrono::milliseconds kGuard{20'000};

// One order request a simulator received: its client id and, when ours, the sequence it carries.
struct SeenOrder {
  std::string client_id;
  std::optional<std::uint64_t> sequence;
  std::string type;  // Binance: MARKET / STOP_LOSS...; Hyperliquid: "limit" or "trigger"
};

class RestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(data_dir_.path().empty()) << "no temp dir for the journal";
    auto codec = ClientIdCodec::create("nz");
    ASSERT_TRUE(codec.ok());
    codec_.emplace(std::move(*codec));
  }

  void TearDown() override {
    if (server_) (void)server_->stop();
    server_.reset();
    if (binance_front_) binance_front_->stop();
    for (auto& f : retired_fronts_) f->stop();
    if (binance_) {
      binance_->release_held();
      binance_->stop();
    }
    if (binance_feed_) binance_feed_->stop();
    if (hyperliquid_) {
      hyperliquid_->release_held();
      hyperliquid_->stop();
    }
    if (hyperliquid_feed_) hyperliquid_feed_->stop();
  }

  // ---- venues ------------------------------------------------------------------------------

  void with_binance() {
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
    env_.set(std::string(kBinancePrefix) + "_API_KEY", binance_->options().api_key);
    env_.set(std::string(kBinancePrefix) + "_API_SECRET", binance_->options().api_secret);
  }

  // The Binance front refuses every connection from now on (the network is gone for this
  // server); the next start() gets a fresh front at a new address (config_text() names it).
  void cut_binance_network() {
    binance_front_->refuse();
    retired_fronts_.push_back(std::move(binance_front_));
    binance_front_ = std::make_unique<VenueFront>(
        url_port(binance_->base_url()),
        std::map<std::string, std::uint16_t>{{"/ws-api", url_port(binance_->ws_api_url())}});
  }

  void with_hyperliquid() {
    sim::hyperliquid::SimOptions ho;
    ho.now_ms = [this] { return clock_.now().ms(); };
    ho.initial_usdc = dec("10000");
    hyperliquid_ = std::make_unique<sim::hyperliquid::HyperliquidSim>(ho);
    sim::hyperliquid::SimAsset btc;
    btc.name = "BTC";
    btc.sz_decimals = 5;
    btc.mark = dec("50000");
    hyperliquid_->add_asset(btc);
    hyperliquid_->add_account(kHyperliquidAddress, dec("10000"));
    sim::feeds::FeedSimOptions fo;
    fo.now = [this] { return clock_.now(); };
    hyperliquid_feed_ = std::make_unique<sim::feeds::FeedSim>(Venue::hyperliquid, fo);
    env_.set(std::string(kHyperliquidPrefix) + "_PRIVATE_KEY", kHyperliquidKey);
  }

  // ---- the server --------------------------------------------------------------------------

  // What a trader writes: live mode, live market data, each venue's URLs at its simulator, the
  // journal under data_dir, resting orders kept or cancelled on an orderly stop.
  std::string config_text() const {
    std::string t = "mode = \"live\"\ncandle_interval = 300\ndata_dir = \"" + data_dir_.str() +
                    "\"\nshutdown = \"" + (keep_on_stop_ ? "keep" : "cancel") +
                    "\"\n\n[market_data]\nsource = \"live\"\n\n[exits]\nstop_loss = "
                    "\"0.02\"\ntake_profit = \"" +
                    take_profit_ + "\"\n";
    if (hyperliquid_) {
      // Hyperliquid has no market order: entries are IOC limits at most 50 bps from the mark.
      t += "\n[sizing]\nmax_entry_slippage_bps = \"50\"\n";
    }
    if (binance_) {
      t += "\n[venues.binance]\nsymbols = [\"BTCUSDT\"]\nrest_url = \"" + binance_front_->url() +
           "\"\nws_url = \"" + binance_feed_->ws_url() +
           "\"\ncredentials = \"env:" + kBinancePrefix + "\"\n";
    }
    if (hyperliquid_) {
      t += "\n[venues.hyperliquid]\nsymbols = [\"BTC\"]\nrest_url = \"" + hyperliquid_->base_url() +
           "\"\nws_url = \"" + hyperliquid_feed_->ws_url() + "\"\nprivate_ws_url = \"" +
           hyperliquid_->ws_url() + "\"\ncredentials = \"env:" + kHyperliquidPrefix + "\"\n";
    }
    return t;
  }

  Result<std::unique_ptr<TradingServer>> start_server() {
    const ConfigResult parsed = parse_config(config_text(), "<recovery e2e>");
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

  // Starts a server on the config and data_dir and waits until every feed and private stream it
  // opened is subscribed (each start opens new connections: the newest must be subscribed).
  void start() {
    ++sessions_;
    const std::size_t binance_feeds = binance_feed_ ? binance_feed_->connections() : 0;
    const std::size_t hyperliquid_feeds = hyperliquid_feed_ ? hyperliquid_feed_->connections() : 0;
    const int binance_streams = binance_ ? binance_->stream_subscriptions() : 0;
    const std::size_t hyperliquid_streams = hyperliquid_ ? hyperliquid_->ws_subscriptions() : 0;
    auto made = start_server();
    ASSERT_TRUE(made.ok()) << "start #" << sessions_ << ": " << made.error().message;
    server_ = std::move(*made);
    if (binance_) {
      ASSERT_TRUE(until([&] {
        return binance_feed_->connections() > binance_feeds &&
               subscribed(*binance_feed_, "btcusdt@bookTicker");
      })) << log();
      // The simulator keeps every subscription it ever had: the new session's is one more.
      ASSERT_TRUE(until([&] { return binance_->stream_subscriptions() > binance_streams; }))
          << log();
    }
    if (hyperliquid_) {
      ASSERT_TRUE(until([&] {
        return hyperliquid_feed_->connections() > hyperliquid_feeds &&
               subscribed(*hyperliquid_feed_, "BTC");
      })) << log();
      // orderUpdates and userFills, added to every subscription the simulator ever had.
      ASSERT_TRUE(until([&] {
        return hyperliquid_->ws_subscriptions() >= hyperliquid_streams + 2;
      })) << log();
    }
  }

  // An orderly stop (what `nzeza run` does on Ctrl-C), then the server is gone.
  void stop_server() {
    ASSERT_TRUE(server_ != nullptr);
    auto final_status = server_->stop();
    ASSERT_TRUE(final_status.ok()) << final_status.error().message;
    server_.reset();
  }

  // Stop, `pause` passes, start a new server on the same config and journal.
  void restart(Duration pause = 3s) {
    if (server_) {
      ASSERT_NO_FATAL_FAILURE(stop_server());
    }
    if (pause > Duration::zero()) clock_.advance(pause);
    ASSERT_NO_FATAL_FAILURE(start());
  }

  // ---- driving -----------------------------------------------------------------------------

  void drain() {
    clock_.run_due();
    server_->poll();
  }
  template <typename P>
  bool until(P&& p) {
    return wait_until(
        [&] {
          if (server_) drain();
          return p();
        },
        kGuard);
  }

  void quote_binance(const char* bid, const char* ask) {
    binance_feed_->publish_quote("BTCUSDT", {bid, "2"}, {ask, "2"});
  }
  void quote_hyperliquid(const char* bid, const char* ask) {
    hyperliquid_feed_->publish_quote("BTC", {bid, "2"}, {ask, "2"});
  }
  // Quotes until the server's reference price is `mid` and fresh. The quote is sent again every
  // 100 ms: a feed that subscribes to several channels may not hold the quote's one yet.
  void price_binance(const char* bid, const char* ask, std::string_view mid) {
    ASSERT_NO_FATAL_FAILURE(price([&] { quote_binance(bid, ask); }, kSpot, mid));
  }
  void price_hyperliquid(const char* bid, const char* ask, std::string_view mid) {
    ASSERT_NO_FATAL_FAILURE(price([&] { quote_hyperliquid(bid, ask); }, perp(), mid));
  }
  template <typename Publish>
  void price(Publish&& publish, std::string_view symbol, std::string_view mid) {
    auto next = std::chrono::steady_clock::now();
    ASSERT_TRUE(until([&] {
      if (std::chrono::steady_clock::now() >= next) {
        publish();
        next = std::chrono::steady_clock::now() + 100ms;
      }
      return reference_is(symbol, mid);
    })) << "no fresh reference "
        << mid << " for " << symbol << "\n"
        << log();
  }
  [[nodiscard]] bool reference_is(std::string_view symbol, std::string_view mid) {
    auto s = symbol_status(symbol);
    return s && s->fresh && s->reference && *s->reference == dec(mid);
  }

  // The canonical symbol of Hyperliquid's BTC perpetual, as the server's registry names it.
  std::string perp() {
    if (perp_.empty() && server_) {
      if (const Instrument* i = server_->registry().find(Venue::hyperliquid, "BTC"))
        perp_ = i->canonical;
    }
    return perp_;
  }

  // ---- the server's view -------------------------------------------------------------------

  // With manual dispatch, status() gives up when a poll finds nothing to run while a socket
  // thread is between scheduling an actor and posting its turn: ask again until it answers.
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
  std::optional<SymbolStatus> symbol_status(std::string_view symbol) {
    for (auto& s : status().symbols)
      if (s.symbol == symbol) return s;
    return std::nullopt;
  }
  std::optional<PositionStatus> position(std::string_view symbol) {
    for (auto& p : status().portfolio.positions)
      if (p.symbol == symbol && !p.quantity.is_zero()) return p;
    return std::nullopt;
  }
  // Sequences (client-id counter values) of the orders the server lists as open, every venue.
  // The status names an order by its sequence, or by its wire client id, which is decoded.
  std::set<std::uint64_t> tracked_sequences() {
    std::set<std::uint64_t> out;
    for (const auto& o : status().execution.open_orders) {
      const std::string& id = o.client_order_id;
      if (!id.empty() &&
          std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
        out.insert(std::stoull(id));
      else if (const auto seq = codec_->decode(o.venue, id))
        out.insert(*seq);
    }
    return out;
  }
  // Whether the server lists the order the venue knows by this client id (an id that is not one
  // of ours cannot be tracked).
  bool tracked(Venue venue, const std::string& client_id) {
    const auto seq = codec_->decode(venue, client_id);
    return seq && tracked_sequences().count(*seq) == 1;
  }
  std::set<std::uint64_t> sequences(Venue venue, const std::set<std::string>& client_ids) const {
    std::set<std::uint64_t> out;
    for (const auto& id : client_ids) out.insert(codec_->decode(venue, id).value_or(0));
    return out;
  }
  std::string orders_text() {
    std::string out;
    for (const auto& o : status().execution.open_orders)
      out += o.client_order_id + " " + o.description + "\n";
    return out;
  }
  // Why the reconciliation blocked new entries on `symbol`; "" when it did not.
  std::string blocked(std::string_view symbol) {
    for (const auto& [s, why] : status().execution.blocked)
      if (s == symbol) return why.empty() ? "(no reason given)" : why;
    return {};
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
  bool logged(std::string_view kind, std::string_view part) {
    for (const auto& e : events())
      if (e.kind == kind && e.text.find(part) != std::string::npos) return true;
    return false;
  }
  std::string log() {
    std::string out;
    for (const auto& e : events()) out += e.kind + ": " + e.text + "\n";
    return out;
  }

  // ---- what the simulators saw -------------------------------------------------------------

  // POST /api/v3/order requests the Binance simulator received, of one order type ("" = all).
  std::vector<HttpSeen> binance_places(std::string_view type = {}) const {
    std::vector<HttpSeen> out;
    for (const auto& r : binance_->requests())
      if (r.method == "POST" && r.target.rfind("/api/v3/order", 0) == 0 &&
          (type.empty() || param(r, "type") == type))
        out.push_back(r);
    return out;
  }
  std::vector<SeenOrder> binance_orders_seen() const {
    std::vector<SeenOrder> out;
    for (const auto& r : binance_places()) {
      const std::string id = param(r, "newClientOrderId");
      out.push_back({id, codec_->decode(Venue::binance, id), param(r, "type")});
    }
    return out;
  }
  // Client ids of the orders open at the Binance simulator (resting or waiting for a trigger).
  std::set<std::string> binance_open_ids() const {
    std::set<std::string> out;
    for (const auto& seen : binance_orders_seen()) {
      const auto o = binance_->order(seen.client_id);
      if (o && (o->status == "NEW" || o->status == "PARTIALLY_FILLED")) out.insert(seen.client_id);
    }
    return out;
  }

  // Every order item of every /exchange "order" action the Hyperliquid simulator received, in
  // request order (its cloid "c"; "trigger" or "limit" from its "t").
  std::vector<SeenOrder> hyperliquid_orders_seen() const {
    std::vector<SeenOrder> out;
    for (const auto& r : hyperliquid_->server().requests()) {
      if (r.target.rfind("/exchange", 0) != 0) continue;
      boost::system::error_code ec;
      const boost::json::value body = boost::json::parse(r.body, ec);
      if (ec || !body.is_object()) continue;
      const auto* action = body.get_object().if_contains("action");
      if (action == nullptr || !action->is_object()) continue;
      const auto* type = action->get_object().if_contains("type");
      const auto* orders = action->get_object().if_contains("orders");
      if (type == nullptr || !type->is_string() || type->get_string() != "order" ||
          orders == nullptr || !orders->is_array())
        continue;
      for (const auto& item : orders->get_array()) {
        if (!item.is_object()) continue;
        const auto* c = item.get_object().if_contains("c");
        const auto* t = item.get_object().if_contains("t");
        const std::string id = c != nullptr && c->is_string() ? std::string(c->get_string()) : "";
        const bool trigger = t != nullptr && t->is_object() && t->get_object().contains("trigger");
        out.push_back({id, codec_->decode(Venue::hyperliquid, id), trigger ? "trigger" : "limit"});
      }
    }
    return out;
  }
  std::set<std::string> hyperliquid_open_ids() const {
    std::set<std::string> out;
    for (const auto& o : hyperliquid_->orders(kHyperliquidAddress))
      if (o.status == "open") out.insert(o.cloid);
    return out;
  }
  std::optional<std::pair<Decimal, Decimal>> hyperliquid_position() const {
    return hyperliquid_->position(kHyperliquidAddress, "BTC");
  }

  // ---- the journal (read between two servers: while one runs, the file is its own) ----------

  std::vector<store::FillRecord> journal_fills() {
    EXPECT_EQ(server_, nullptr) << "read the journal with the server stopped";
    auto journal = store::Journal::open(store::journal_path(data_dir_.str()));
    EXPECT_TRUE(journal.ok()) << journal.error().message;
    if (!journal.ok()) return {};
    auto fills = (*journal)->fills_since(Timestamp::from_ns(0), 100'000);
    EXPECT_TRUE(fills.ok()) << fills.error().message;
    return fills.ok() ? *fills : std::vector<store::FillRecord>{};
  }
  static std::string fills_text(const std::vector<store::FillRecord>& fills) {
    std::string out;
    for (const auto& f : fills)
      out += f.fill.venue_symbol + " trade " + f.fill.trade_id + " order " +
             f.fill.client_order_id + " seq " + std::to_string(f.sequence) + " " +
             f.fill.quantity.to_string() + "\n";
    return out;
  }

  // Client ids received more than once in a list of orders seen.
  static std::vector<std::string> duplicates(const std::vector<SeenOrder>& seen) {
    std::map<std::string, int> count;
    for (const auto& s : seen) ++count[s.client_id];
    std::vector<std::string> out;
    for (const auto& [id, n] : count)
      if (n > 1) out.push_back(id + " x" + std::to_string(n));
    return out;
  }
  static std::string ids_text(const std::set<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += id + " ";
    return out;
  }

  // 2026-01-01T00:00:01Z: the first 300 s candle closes long after every test's time moves.
  ManualClock clock_{Timestamp::from_seconds(1'767'225'601)};
  ScopedEnv env_;
  testsupport::TempDir data_dir_{"nzeza-recovery-e2e"};  // the journal, shared by every server
  bool keep_on_stop_ = true;
  std::string take_profit_ = "0.1";  // "0": none
  int sessions_ = 0;
  std::optional<ClientIdCodec> codec_;
  std::string perp_;
  std::unique_ptr<sim::binance::BinanceSim> binance_;
  std::unique_ptr<VenueFront> binance_front_;
  std::vector<std::unique_ptr<VenueFront>> retired_fronts_;
  std::unique_ptr<sim::feeds::FeedSim> binance_feed_;
  std::unique_ptr<sim::hyperliquid::HyperliquidSim> hyperliquid_;
  std::unique_ptr<sim::feeds::FeedSim> hyperliquid_feed_;
  std::unique_ptr<TradingServer> server_;
  std::mutex events_mu_;
  std::vector<TradeEvent> events_;
};

}  // namespace nzeza::app::e2e
