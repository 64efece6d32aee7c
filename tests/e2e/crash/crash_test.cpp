// The kill -9 test (issue 18): the real `nzeza` binary in mode = "live", every venue URL at a
// simulator run in this test process, killed with SIGKILL at seeded random instants and
// restarted, over a scripted market that makes it trade within seconds. After the last round the
// server starts once more (it reconciles with every venue), stops in order, and the simulators'
// own records are compared with the journal it left in its data_dir:
//   duplicates   a client order id a simulator received more than once
//   lost orders  an order a simulator received whose intent the journal does not hold
//   lost fills   a trade a simulator made that the journal does not hold (and no journal fill may
//                be one the simulator never made)
//   positions    what the journal's fills imply (base coins and quote balance at the spot venue,
//                signed sizes at the perpetual venue) equals what the simulator holds
//
// Layout: BinanceSim (spot: REST + WS-API private stream) and HyperliquidSim (perpetuals: REST +
// user stream), each with a FeedSim speaking its market-data protocol; a MarketScript moves the
// prices of all of them on its own thread, also while the server is down (a resting stop may
// fill then). The server reads its config from a file in its data_dir's parent.
//
// Seeds: each KillLoop instance has its seed, which fixes the market's walk and every kill point's
// choices (how many new orders to wait for, the extra delay, the down time). The instants
// themselves fall where the real processes' timing puts them, so two runs of a seed kill at
// nearby, not identical, points. NZEZA_CRASH_SEED shifts every seed and NZEZA_CRASH_ROUNDS sets
// the kills per test (default 5); scripts/crash-soak.sh uses both and sums the "crash-counts:"
// line each test prints. A failing test keeps its directory (config, journal, one log per nzeza
// run) under the test temp dir.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/client_id.hpp"
#include "core/decimal.hpp"
#include "e2e/crash/journal_view.hpp"
#include "e2e/crash/market_script.hpp"
#include "sim/binance/binance_sim.hpp"
#include "sim/feeds/feed_sim.hpp"
#include "sim/hyperliquid/hyperliquid_sim.hpp"
#include "support/subprocess.hpp"
#include "support/wait.hpp"
#include "venues/hyperliquid/signer.hpp"

namespace nzeza::e2e::crash {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testsupport::HttpSeen;
using testsupport::Subprocess;

constexpr const char* kBinancePrefix = "CRASH_BINANCE";
constexpr const char* kHyperliquidPrefix = "CRASH_HL";
// A secp256k1 secret for the Hyperliquid account (registered at the simulator with 100000 USDC).
constexpr const char* kHyperliquidKey =
    "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
constexpr const char* kStartUsdt = "10000";
// Real-time bound of one wait for the server process (start, first orders, reconciliation).
constexpr std::chrono::milliseconds kGuard{45'000};

Decimal dec(std::string_view text) {
  auto d = Decimal::parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Decimal{};
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::atoi(v);
}

// A form parameter of a request, from its query string or its body ("" when absent).
std::string param(const HttpSeen& r, std::string_view name) {
  const std::string key = std::string(name) + '=';
  for (std::string_view text : {std::string_view(r.target), std::string_view(r.body)}) {
    if (const auto q = text.find('?'); q != std::string_view::npos) text.remove_prefix(q + 1);
    std::size_t at = 0;
    while (at <= text.size()) {
      const std::size_t end = std::min(text.find('&', at), text.size());
      const std::string_view pair = text.substr(at, end - at);
      if (pair.substr(0, key.size()) == key) return std::string(pair.substr(key.size()));
      at = end + 1;
    }
  }
  return {};
}

std::string path_of(const HttpSeen& r) {
  return r.target.substr(0, r.target.find('?'));
}

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// ── the server as a process ─────────────────────────────────────────────────────────────────

// One `nzeza run --json` process: its lines are read as they come (the pipe never fills), the
// latest status line is kept, and the last lines are kept for failure messages.
class NzezaRun {
 public:
  // Every line is also appended to `log` (kept beside the journal when a test fails).
  NzezaRun(const std::string& config, std::vector<std::string> env, const std::string& log)
      : p_({NZEZA_BINARY, "run", "--config", config, "--json", "--status-every", "1"},
           std::move(env)),
        log_(log, std::ios::app) {}
  ~NzezaRun() { log_ << "--- stderr ---\n" << p_.all_stderr() << std::flush; }

  [[nodiscard]] int pid() const { return p_.pid(); }
  [[nodiscard]] const std::optional<json::object>& status() const { return status_; }
  [[nodiscard]] std::size_t statuses() const { return statuses_; }

  // Reads the process's lines until `done()` holds (checked after each line and every 50 ms),
  // the guard passes (false) or the process exits (false).
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds guard = kGuard) {
    const auto give_up = std::chrono::steady_clock::now() + guard;
    for (;;) {
      if (done()) return true;
      if (exited_ || std::chrono::steady_clock::now() >= give_up) return false;
      auto line = p_.read_line(50ms);
      if (line) {
        take(*line);
      } else if (p_.wait(0ms).has_value()) {
        exited_ = true;
        for (std::string rest = p_.rest_of_stdout(); !rest.empty();) {
          const auto nl = rest.find('\n');
          take(rest.substr(0, nl));
          rest = nl == std::string::npos ? std::string() : rest.substr(nl + 1);
        }
      }
    }
  }
  // Reads lines for `d` of real time (the seeded extra delay before a kill).
  void pump_for(std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    (void)pump_until([&] { return std::chrono::steady_clock::now() >= until; }, d + 1s);
  }

  void kill9() {
    ASSERT_EQ(::kill(p_.pid(), SIGKILL), 0);
    const auto st = p_.wait(10s);
    ASSERT_TRUE(st.has_value()) << "no exit after SIGKILL";
    EXPECT_EQ(*st, 128 + SIGKILL);
  }
  // Orderly stop (SIGTERM): the exit status, nullopt when it does not exit in time.
  std::optional<int> terminate() {
    p_.terminate();
    auto st = p_.wait(30s);
    if (st) (void)pump_until([] { return false; }, 0ms);
    return st;
  }

  [[nodiscard]] std::string tail() {
    std::string out = "--- last lines of nzeza (pid " + std::to_string(p_.pid()) + ") ---\n";
    for (const auto& l : lines_) out += l.substr(0, 600) + "\n";
    out += "--- stderr ---\n" + p_.all_stderr().substr(0, 4000);
    return out;
  }

 private:
  void take(const std::string& line) {
    if (line.empty()) return;
    log_ << line << '\n';
    lines_.push_back(line);
    if (lines_.size() > 30) lines_.erase(lines_.begin());
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) return;
    if (str(v.as_object(), "kind") == "status") {
      status_ = v.as_object();
      ++statuses_;
    }
  }

  Subprocess p_;
  std::ofstream log_;
  std::vector<std::string> lines_;
  std::optional<json::object> status_;
  std::size_t statuses_ = 0;
  bool exited_ = false;
};

// How a status line names its open orders (client_order_id: the order's sequence).
std::set<std::string> open_order_ids(const json::object& status) {
  std::set<std::string> ids;
  if (const auto* orders = status.if_contains("open_orders"); orders && orders->is_array())
    for (const auto& o : orders->as_array())
      if (o.is_object()) ids.insert(str(o.as_object(), "client_order_id"));
  return ids;
}

// Every symbol priced and fresh: the server is trading.
bool trading(const std::optional<json::object>& status) {
  if (!status) return false;
  const auto* symbols = status->if_contains("symbols");
  if (symbols == nullptr || !symbols->is_array() || symbols->as_array().empty()) return false;
  for (const auto& s : symbols->as_array()) {
    const auto& o = s.as_object();
    if (!o.at("reference").is_string() || !o.at("fresh").as_bool()) return false;
  }
  return true;
}

// ── what the simulators and the journal say ─────────────────────────────────────────────────

struct Counts {
  std::size_t orders = 0;       // order requests at the simulators
  std::size_t fills = 0;        // trades the simulators made
  std::size_t duplicates = 0;   // order requests beyond the first with the same client id
  std::size_t lost_orders = 0;  // orders received whose intent the journal lacks
  std::size_t lost_fills = 0;   // trades the journal lacks
  std::size_t extra_fills = 0;  // journal fills twice, or fills no simulator made
  std::size_t mismatches = 0;   // positions / balances the journal implies != the simulators'
  std::vector<std::string> details;
  void detail(std::string text) {
    if (details.size() < 40) details.push_back(std::move(text));
  }
  [[nodiscard]] bool clean() const {
    return duplicates + lost_orders + lost_fills + extra_fills + mismatches == 0;
  }
  [[nodiscard]] std::string report() const {
    std::string out = "what the simulators and the journal disagree on:\n";
    for (const auto& d : details) out += "  " + d + "\n";
    return out;
  }
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("nzeza_crash_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    data_dir_ = root_ / "data";
  }
  void TearDown() override {
    run_.reset();
    if (market_) market_->stop();
    if (binance_) binance_->stop();
    if (binance_feed_) binance_feed_->stop();
    if (hl_) hl_->stop();
    if (hl_feed_) hl_feed_->stop();
    if (!HasFailure()) std::filesystem::remove_all(root_);
  }

  // Binance spot: BTCUSDT and ETHUSDT, 10000 USDT, no coins.
  void add_binance() {
    binance_ = std::make_unique<sim::binance::BinanceSim>();
    sim::binance::SimSymbol btc{"BTCUSDT", "BTC", "USDT"};
    sim::binance::SimSymbol eth{"ETHUSDT", "ETH", "USDT"};
    eth.step = dec("0.0001");
    eth.min_qty = dec("0.0001");
    binance_->add_symbol(btc);
    binance_->add_symbol(eth);
    binance_->set_price("BTCUSDT", dec("50000"));
    binance_->set_price("ETHUSDT", dec("3000"));
    binance_->set_balance("USDT", dec(kStartUsdt));
    binance_feed_ = std::make_unique<sim::feeds::FeedSim>(Venue::binance);
  }
  struct PerpAsset {
    const char* coin;
    int sz_decimals;
    double start;
    int decimals;  // price decimals: 5 significant figures
  };
  static std::vector<PerpAsset> perp_assets() {
    return {{"BTC", 5, 50000, 0}, {"ETH", 4, 3000, 1}, {"SOL", 2, 150, 2}, {"AVAX", 2, 30, 3},
            {"LINK", 1, 15, 3},   {"DOT", 1, 7, 4},    {"ADA", 0, 0.5, 5}};
  }
  void add_hyperliquid(std::size_t assets) {
    sim::hyperliquid::SimOptions o;
    hl_ = std::make_unique<sim::hyperliquid::HyperliquidSim>(o);
    // The account exists before the server's first signed read (its balance check).
    auto signer = venues::hyperliquid::Signer::from_private_key(kHyperliquidKey);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    hl_address_ = signer->address_hex();
    hl_->add_account(hl_address_, Decimal::from_integer(100000));
    const auto all = perp_assets();
    for (std::size_t i = 0; i < assets && i < all.size(); ++i) {
      sim::hyperliquid::SimAsset a;
      a.name = all[i].coin;
      a.sz_decimals = all[i].sz_decimals;
      a.mark = dec(price_text(all[i].start, all[i].decimals));
      hl_->add_asset(a);
      hl_coins_.push_back(all[i].coin);
    }
    hl_feed_ = std::make_unique<sim::feeds::FeedSim>(Venue::hyperliquid);
  }

  void script_market(std::uint64_t seed, Shape shape) {
    market_ = std::make_unique<MarketScript>(seed, 100ms);
    if (binance_) {
      sim::binance::BinanceSim* b = binance_.get();
      market_->add({"BTCUSDT", 50000, 2, shape, 0.004, 3, 0.0001, binance_feed_.get(),
                    [b](const std::string& px) { b->set_price("BTCUSDT", dec(px)); }});
      market_->add({"ETHUSDT", 3000, 2, shape, 0.005, 4, 0.0001, binance_feed_.get(),
                    [b](const std::string& px) { b->set_price("ETHUSDT", dec(px)); }});
    }
    if (hl_) {
      sim::hyperliquid::HyperliquidSim* h = hl_.get();
      const auto all = perp_assets();
      for (std::size_t i = 0; i < hl_coins_.size(); ++i) {
        const std::string coin = all[i].coin;
        market_->add({coin, all[i].start, all[i].decimals, shape, 0.004, 6, 0.00005, hl_feed_.get(),
                      [h, coin](const std::string& px) { h->set_mark(coin, dec(px)); }});
      }
    }
    market_->start();
  }

  // What a trader writes for these venues: live, 1 s candles, the fast strategy alone (it votes
  // at every candle once warm), entries as IOC limits (Hyperliquid has no market orders), exits
  // resting at the venues, limits that let it trade all day.
  std::string config_text() const {
    std::string t = "mode = \"live\"\ncandle_interval = 1\nshutdown = \"keep\"\ndata_dir = \"" +
                    data_dir_.string() + "\"\n" + R"(
[market_data]
source = "live"

[strategies]
fast_scalping = 1
momentum_scalping = 0
conservative_scalping = 0

[risk]
min_confidence = 0.5
max_trades_per_hour = 100
max_trades_per_day = 500
max_positions_per_symbol = 1
max_total_positions = 10
max_daily_loss_fraction = "1"
max_drawdown_fraction = "1"

[sizing]
max_entry_slippage_bps = "50"
exposure_per_trade = ")" +
                    std::string(hl_ ? "0.05" : "0.2") +
                    R"("

[exits]
stop_loss = "0.0015"
take_profit = "0.02"
)";
    if (binance_) {
      t += "\n[venues.binance]\nsymbols = [\"BTCUSDT\", \"ETHUSDT\"]\nrest_url = \"" +
           binance_->base_url() + "\"\nws_url = \"" + binance_feed_->ws_url() +
           "\"\nprivate_ws_url = \"" + binance_->ws_api_url() +
           "\"\ncredentials = \"env:" + kBinancePrefix + "\"\n";
    }
    if (hl_) {
      t += "\n[venues.hyperliquid]\nsymbols = [";
      for (std::size_t i = 0; i < hl_coins_.size(); ++i)
        t += (i > 0 ? ", \"" : "\"") + hl_coins_[i] + "\"";
      t += "]\nrest_url = \"" + hl_->base_url() + "\"\nws_url = \"" + hl_feed_->ws_url() +
           "\"\nprivate_ws_url = \"" + hl_->ws_url() +
           "\"\ncredentials = \"env:" + kHyperliquidPrefix + "\"\n";
    }
    return t;
  }
  std::vector<std::string> env() const {
    std::vector<std::string> e;
    if (binance_) {
      e.push_back(std::string(kBinancePrefix) + "_API_KEY=" + binance_->options().api_key);
      e.push_back(std::string(kBinancePrefix) + "_API_SECRET=" + binance_->options().api_secret);
    }
    if (hl_) e.push_back(std::string(kHyperliquidPrefix) + "_PRIVATE_KEY=" + kHyperliquidKey);
    return e;
  }
  void start_server() {
    const auto path = root_ / "nzeza.toml";
    if (!std::filesystem::exists(path)) std::ofstream(path) << config_text();
    run_.reset();
    ++starts_;
    run_ = std::make_unique<NzezaRun>(
        path.string(), env(), (root_ / ("nzeza-" + std::to_string(starts_) + ".log")).string());
  }

  // Order requests (client id, per venue) in arrival order.
  std::vector<std::pair<Venue, std::string>> orders_at_venues() const {
    std::vector<std::pair<Venue, std::string>> out;
    if (binance_)
      for (const auto& r : binance_->requests())
        if (r.method == "POST" && path_of(r) == "/api/v3/order")
          out.emplace_back(Venue::binance, param(r, "newClientOrderId"));
    if (hl_)
      for (const auto& r : hl_->server().requests()) {
        if (r.method != "POST" || path_of(r) != "/exchange") continue;
        boost::system::error_code ec;
        const json::value v = json::parse(r.body, ec);
        if (ec || !v.is_object()) continue;
        const auto* action = v.as_object().if_contains("action");
        if (action == nullptr || !action->is_object() ||
            str(action->as_object(), "type") != "order")
          continue;
        const auto* orders = action->as_object().if_contains("orders");
        if (orders == nullptr || !orders->is_array()) continue;
        for (const auto& o : orders->as_array())
          if (o.is_object()) out.emplace_back(Venue::hyperliquid, str(o.as_object(), "c"));
      }
    return out;
  }
  std::string hl_account() const { return hl_address_; }
  std::size_t venue_fill_count() const {
    return (binance_ ? binance_->trades().size() : 0) + (hl_ ? hl_->fills(hl_account()).size() : 0);
  }

  // The seeded kill loop: start, wait for new orders at the venues (1 or 2), a random extra
  // delay (0 to 1 s), SIGKILL. While the server is down the market moves on: for 0 to 1.5 s, or
  // (one round in three) until a venue trades — a resting stop fills — or 4 s have passed.
  void kill_rounds(std::uint64_t seed, int rounds) {
    std::mt19937_64 rng(seed);
    for (int round = 0; round < rounds; ++round) {
      const std::size_t before = orders_at_venues().size();
      const std::size_t want = 1 + rng() % 2;
      const auto extra = std::chrono::milliseconds(rng() % 1000);
      const bool until_a_fill = rng() % 3 == 0;
      const std::uint64_t down_ticks = until_a_fill ? 40 : rng() % 16;
      ASSERT_NO_FATAL_FAILURE(start_server());
      ASSERT_TRUE(run_->pump_until([&] { return orders_at_venues().size() >= before + want; }))
          << "round " << round << ": no new order at the venues\n"
          << run_->tail();
      run_->pump_for(extra);
      ASSERT_NO_FATAL_FAILURE(run_->kill9());
      ++kills_;
      const std::size_t fills_at_kill = venue_fill_count();
      const std::uint64_t t0 = market_->ticks();
      ASSERT_TRUE(testsupport::wait_until(
          [&] {
            return market_->ticks() >= t0 + down_ticks ||
                   (until_a_fill && venue_fill_count() > fills_at_kill);
          },
          10s));
      fills_while_down_ += venue_fill_count() - fills_at_kill;
    }
  }

  // The last start: the server reconciles and trades; the market stops (nothing can fill any
  // more), the server sees a few more seconds, then stops in order (resting orders kept).
  void final_run() {
    ASSERT_NO_FATAL_FAILURE(start_server());
    ASSERT_TRUE(run_->pump_until([&] { return trading(run_->status()); }))
        << "the server did not reach trading after the last kill\n"
        << run_->tail();
    market_->stop();
    const std::size_t seen = run_->statuses();
    ASSERT_TRUE(run_->pump_until([&] { return run_->statuses() >= seen + 2; })) << run_->tail();
    final_status_ = run_->status();
    const auto st = run_->terminate();
    ASSERT_TRUE(st.has_value()) << "no exit after SIGTERM\n" << run_->tail();
    EXPECT_EQ(*st, 0) << run_->tail();
  }

  // The positions the server itself holds at the end (its last status, the market stopped) are
  // the venue's holdings: a fill applied twice or missed by the portfolio shows here even when
  // the journal is right. Dust is not compared: a commission's remainder no order can sell (below
  // the 5 USDT minimum notional), which the server may read as flat, and a difference below one
  // lot (such a remainder left from an earlier position). The journal's fills are compared with
  // the venue exactly (compare()).
  void compare_server_positions(Counts& c) const {
    if (!final_status_ || !binance_) return;
    std::map<std::string, Decimal> held_by_server;
    const auto& pf = final_status_->at("portfolio").as_object();
    for (const auto& p : pf.at("positions").as_array()) {
      const auto& o = p.as_object();
      if (str(o, "venue") != "binance") continue;
      const std::string symbol = str(o, "symbol");
      held_by_server[symbol.substr(0, symbol.find('-'))] += dec(str(o, "quantity"));
    }
    struct Dust {
      const char* asset;
      const char* lot;
      const char* unsellable;  // 5 USDT at the scripted price
    };
    for (const Dust d : {Dust{"BTC", "0.00001", "0.0001"}, Dust{"ETH", "0.0001", "0.002"}}) {
      const auto b = binance_->balance(d.asset);
      const Decimal at_venue = b ? b->first + b->second : Decimal::zero();
      const Decimal server = held_by_server[d.asset];
      if (at_venue < dec(d.unsellable) && server < dec(d.unsellable)) continue;
      if ((server - at_venue).abs() >= dec(d.lot)) {
        ++c.mismatches;
        c.detail(std::string("binance ") + d.asset + ": the venue holds " + at_venue.to_string() +
                 ", the server's last status says " + server.to_string());
      }
    }
  }

  // Binance spot balances (start: kStartUsdt, no coins) after these fills: base coins bought less
  // sold, quote paid and received, each commission taken from the asset it was charged in.
  static std::map<std::string, Decimal> binance_implied(const std::vector<JournalFill>& fills) {
    std::map<std::string, Decimal> implied{
        {"USDT", dec(kStartUsdt)}, {"BTC", Decimal::zero()}, {"ETH", Decimal::zero()}};
    for (const auto& f : fills) {
      if (f.venue != Venue::binance) continue;
      const std::string base = f.venue_symbol.substr(0, f.venue_symbol.size() - 4);
      const Decimal quote = f.price * f.quantity;
      implied[base] += f.buy ? f.quantity : -f.quantity;
      implied["USDT"] += f.buy ? -quote : quote;
      if (!f.fee_currency.empty()) implied[f.fee_currency] -= f.fee;
    }
    return implied;
  }

  // Compares the simulators' records with the journal.
  Counts compare() {
    Counts c;
    auto codec = ClientIdCodec::create("nz");
    EXPECT_TRUE(codec.ok());
    auto view = read_journal(data_dir_ / "journal.sqlite");
    if (!view) {
      ADD_FAILURE() << "cannot read the journal: " << view.error().message;
      view = JournalView{};
    }

    // Duplicates and lost orders.
    std::map<std::pair<Venue, std::string>, int> seen;
    for (const auto& o : orders_at_venues()) {
      ++c.orders;
      if (++seen[o] > 1) {
        ++c.duplicates;
        c.detail("duplicate: " + std::string(to_string(o.first)) + " client id " + o.second +
                 " received " + std::to_string(seen[o]) + " times");
      }
    }
    for (const auto& [key, n] : seen) {
      const std::optional<std::uint64_t> decoded =
          codec.ok() ? codec->decode(key.first, key.second) : std::nullopt;
      const std::uint64_t seq = decoded.value_or(0);
      const auto it = decoded ? view->orders.find(seq) : view->orders.end();
      if (it == view->orders.end()) {
        ++c.lost_orders;
        c.detail("lost order: " + std::string(to_string(key.first)) + " client id " + key.second +
                 " (sequence " + (decoded ? std::to_string(seq) : std::string("not ours")) +
                 ") is not in the journal");
      } else if (it->second.venue && *it->second.venue == key.first &&
                 !it->second.client_order_id.empty() && it->second.client_order_id != key.second) {
        ++c.lost_orders;
        c.detail("order " + key.second + ": the journal's sequence " + std::to_string(seq) +
                 " names client id " + it->second.client_order_id);
      }
    }

    // Fills, by (venue, venue symbol, trade id): Binance numbers trades per symbol (BTCUSDT and
    // ETHUSDT each have a trade 500), Hyperliquid account-wide (its symbol is left out).
    using FillId = std::tuple<Venue, std::string, std::string>;
    auto fill_name = [](const FillId& k) {
      return std::string(to_string(std::get<0>(k))) + ' ' +
             (std::get<1>(k).empty() ? std::string() : std::get<1>(k) + ' ') + "trade " +
             std::get<2>(k);
    };
    std::map<FillId, int> journal_fills;
    for (const auto& f : view->fills) {
      const FillId k{f.venue, f.venue == Venue::binance ? f.venue_symbol : std::string(),
                     f.trade_id};
      if (++journal_fills[k] > 1) {
        ++c.extra_fills;
        c.detail("journal holds " + fill_name(k) + " twice");
      }
    }
    std::set<FillId> venue_fills;
    if (binance_)
      for (const auto& t : binance_->trades())
        venue_fills.insert({Venue::binance, t.symbol, std::to_string(t.id)});
    if (hl_)
      for (const auto& f : hl_->fills(hl_account()))
        venue_fills.insert({Venue::hyperliquid, std::string(), std::to_string(f.tid)});
    c.fills = venue_fills.size();
    for (const auto& k : venue_fills)
      if (journal_fills.count(k) == 0) {
        ++c.lost_fills;
        c.detail("lost fill: " + fill_name(k) + " is not in the journal");
      }
    for (const auto& [k, n] : journal_fills)
      if (venue_fills.count(k) == 0) {
        ++c.extra_fills;
        c.detail("journal fill " + fill_name(k) + " was never made by the venue");
      }

    // Positions and balances the journal's fills imply. The same sum over the simulator's own
    // trades must give its balances exactly, or this comparison itself is wrong.
    if (binance_) {
      std::vector<JournalFill> own;
      for (const auto& t : binance_->trades()) {
        JournalFill f;
        f.venue = Venue::binance;
        f.venue_symbol = t.symbol;
        f.buy = t.is_buyer;
        f.price = t.price;
        f.quantity = t.qty;
        f.fee = t.commission;
        f.fee_currency = t.commission_asset;
        own.push_back(std::move(f));
      }
      const auto venue_says = binance_implied(own);
      for (const auto& [asset, qty] : binance_implied(view->fills)) {
        const auto b = binance_->balance(asset);
        const Decimal held = b ? b->first + b->second : Decimal::zero();
        EXPECT_EQ(venue_says.at(asset), held) << "the simulator's own trades do not explain its "
                                              << asset << " balance: the harness's sum is wrong";
        if (held != qty) {
          ++c.mismatches;
          c.detail("binance " + asset + ": the venue holds " + held.to_string() +
                   ", the journal's fills imply " + qty.to_string());
        }
      }
    }
    if (hl_) {
      std::map<std::string, Decimal> implied, held;
      for (const auto& f : view->fills)
        if (f.venue == Venue::hyperliquid)
          implied[f.venue_symbol] += f.buy ? f.quantity : -f.quantity;
      for (const auto& f : hl_->fills(hl_account())) held[f.coin] += f.is_buy ? f.sz : -f.sz;
      for (const auto& coin : hl_coins_)
        if (implied[coin] != held[coin]) {
          ++c.mismatches;
          c.detail("hyperliquid " + coin + ": the venue's position is " + held[coin].to_string() +
                   ", the journal's fills imply " + implied[coin].to_string());
        }
    }
    return c;
  }

  void print_counts(std::uint64_t seed, int rounds, const Counts& c) const {
    std::cout << "crash-counts: seed " << seed << " rounds " << rounds << " kills " << kills_
              << " starts " << starts_ << " fills_while_down " << fills_while_down_ << " orders "
              << c.orders << " fills " << c.fills << " duplicates " << c.duplicates
              << " lost_orders " << c.lost_orders << " lost_fills " << c.lost_fills
              << " extra_fills " << c.extra_fills << " mismatches " << c.mismatches << std::endl;
  }

  std::filesystem::path root_;
  std::filesystem::path data_dir_;
  std::unique_ptr<sim::binance::BinanceSim> binance_;
  std::unique_ptr<sim::feeds::FeedSim> binance_feed_;
  std::unique_ptr<sim::hyperliquid::HyperliquidSim> hl_;
  std::unique_ptr<sim::feeds::FeedSim> hl_feed_;
  std::vector<std::string> hl_coins_;
  std::string hl_address_;
  std::unique_ptr<MarketScript> market_;
  std::unique_ptr<NzezaRun> run_;
  std::optional<json::object> final_status_;  // the last status line of the final run
  int kills_ = 0;
  int starts_ = 0;
  std::size_t fills_while_down_ = 0;  // trades the venues made while the server was killed
};

// ── the kill loop ───────────────────────────────────────────────────────────────────────────

class KillLoop : public CrashTest, public ::testing::WithParamInterface<int> {};

TEST_P(KillLoop, no_order_is_sent_twice_or_lost_and_every_fill_is_journaled_once_across_kill_9s) {
  const std::uint64_t seed =
      static_cast<std::uint64_t>(env_int("NZEZA_CRASH_SEED", 0)) * 1000 + GetParam();
  const int rounds = std::max(1, env_int("NZEZA_CRASH_ROUNDS", 5));
  add_binance();
  script_market(seed, Shape::wave);
  ASSERT_NO_FATAL_FAILURE(kill_rounds(seed, rounds));
  ASSERT_NO_FATAL_FAILURE(final_run());

  Counts c = compare();
  compare_server_positions(c);
  print_counts(seed, rounds, c);
  EXPECT_GT(c.orders, static_cast<std::size_t>(rounds)) << "every round placed orders";
  EXPECT_GT(c.fills, 0u);
  EXPECT_TRUE(c.clean()) << c.report();
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.lost_orders, 0u);
  EXPECT_EQ(c.lost_fills, 0u);
  EXPECT_EQ(c.extra_fills, 0u);
  EXPECT_EQ(c.mismatches, 0u);
}

// 4 seeds × 5 kills: 20 seeded kill points in the suite.
INSTANTIATE_TEST_SUITE_P(Seeds, KillLoop, ::testing::Values(1, 2, 3, 4),
                         [](const auto& info) { return "seed" + std::to_string(info.param); });

// ── scenario 2 (NautilusTrader #5000): kill -9 with 14 working orders at the venue ──────────

// Seven perpetuals on Hyperliquid, a market rising on all of them: the server goes long each one
// and rests its native stop-loss and take-profit (trigger orders) at the venue — 14 working
// orders. SIGKILL; the market keeps rising; restart: the status lists all 14, no order is sent
// again (the venue's order count does not move: no re-entry, no second exit), none is cancelled,
// and the venue still holds the 7 positions the journal explains.
TEST_F(CrashTest, kill_9_with_14_working_orders_at_the_venue_keeps_all_14_tracked_none_resent) {
  ASSERT_NO_FATAL_FAILURE(add_hyperliquid(7));
  script_market(2026, Shape::rise);
  ASSERT_NO_FATAL_FAILURE(start_server());

  auto codec = ClientIdCodec::create("nz");
  ASSERT_TRUE(codec.ok());
  auto open_triggers = [&] {
    std::set<std::string> ids;
    for (const auto& o : hl_->orders(hl_account()))
      if (o.trigger && o.status == "open") ids.insert(o.cloid);
    return ids;
  };
  // Whether the server's latest status lists every one of these cloids (the status names an
  // order by its sequence: the client-id counter value the cloid encodes).
  auto status_lists = [&](const std::set<std::string>& cloids) {
    if (!trading(run_->status())) return false;
    const auto listed = open_order_ids(*run_->status());
    for (const auto& id : cloids) {
      const auto seq = codec->decode(Venue::hyperliquid, id);
      if (!seq || listed.count(std::to_string(*seq)) == 0) return false;
    }
    return true;
  };
  ASSERT_TRUE(run_->pump_until(
      [&] {
        const auto working = open_triggers();
        return working.size() == 14 && status_lists(working);
      },
      90s))
      << "working at the venue: " << open_triggers().size() << "\n"
      << run_->tail();
  const std::set<std::string> working = open_triggers();
  const std::size_t orders_before = orders_at_venues().size();
  EXPECT_EQ(orders_before, 21u) << "7 entries and their 14 exits";

  ASSERT_NO_FATAL_FAILURE(run_->kill9());
  ++kills_;
  const std::uint64_t t0 = market_->ticks();
  ASSERT_TRUE(testsupport::wait_until([&] { return market_->ticks() >= t0 + 5; }, 10s));

  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_TRUE(run_->pump_until([&] { return status_lists(working); }))
      << "after the restart the status does not list the 14 working orders\n"
      << run_->tail();
  // A few more seconds of a rising market: every buy signal finds its position already held.
  const std::size_t seen = run_->statuses();
  ASSERT_TRUE(run_->pump_until([&] { return run_->statuses() >= seen + 3; })) << run_->tail();
  market_->stop();
  const json::object last = *run_->status();
  const auto st = run_->terminate();
  ASSERT_TRUE(st.has_value()) << run_->tail();

  // The server holds the 7 positions the venue holds (rebuilt, not doubled, not flattened).
  std::map<std::string, Decimal> at_venue;
  for (const auto& f : hl_->fills(hl_account())) at_venue[f.coin] += f.is_buy ? f.sz : -f.sz;
  std::map<std::string, Decimal> at_server;
  for (const auto& p : last.at("portfolio").as_object().at("positions").as_array()) {
    const auto& o = p.as_object();
    const std::string symbol = str(o, "symbol");
    at_server[symbol.substr(0, symbol.find('-'))] += dec(str(o, "quantity"));
  }
  for (const auto& coin : hl_coins_) {
    EXPECT_TRUE(at_venue[coin].is_positive()) << coin;
    EXPECT_EQ(at_server[coin], at_venue[coin]) << coin;
  }
  EXPECT_EQ(open_triggers(), working) << "none dropped or replaced at the venue";
  EXPECT_EQ(orders_at_venues().size(), orders_before) << "nothing sent again after the restart";
  for (const auto& id : working) {
    EXPECT_EQ(hl_->place_requests(id), 1u) << id;
    EXPECT_EQ(hl_->cancel_requests(id), 0u) << id;
  }
  const Counts c = compare();
  print_counts(2026, 1, c);
  EXPECT_TRUE(c.clean()) << c.report();
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.lost_orders, 0u);
  EXPECT_EQ(c.lost_fills, 0u);
  EXPECT_EQ(c.extra_fills, 0u);
  EXPECT_EQ(c.mismatches, 0u);
}

}  // namespace
}  // namespace nzeza::e2e::crash
