#pragma once
// The trading server on a ManualClock with every actor polled on the test thread, and helpers
// to script prices, ask the paper venue what it holds, and read the events the server logged.
//
// Prices: quote()/trade() inject a market event as a feed would (venue coinbase by default,
// carrying the paper instrument's ids) and drain the actors; run_for() moves time in steps.
// The paper venue answers with zero latency on clock timers: settle() fires them and drains.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "support/temp_dir.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::app::e2e {

inline Decimal dec(std::string_view text) {
  auto d = Decimal::parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Decimal{};
}

// Paper mode, no built-in market (tests script prices), every default from Config otherwise.
inline Config scripted_config(std::vector<std::string> symbols = {"BTC-USD"}) {
  Config c;
  c.paper.symbols = std::move(symbols);
  c.risk.min_confidence = 0.5;
  c.risk.max_trades_per_hour = 100;
  c.risk.max_trades_per_day = 500;
  return c;
}

// Options of a scripted run: no built-in market, the test injects every price.
inline ServerOptions scripted_options() {
  ServerOptions o;
  o.simulate_market = false;
  return o;
}

struct Harness {
  // The journal's directory: the config's data_dir when a test set one, else a fresh one removed
  // with the harness.
  testsupport::TempDir data_dir{"nzeza-e2e"};
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};  // 2026-01-01T00:00:00Z
  std::vector<TradeEvent> events;
  std::vector<venues::PlaceIntent> intents;  // every order handed to the router
  std::unique_ptr<TradingServer> server;
  std::uint64_t next_trade = 1;

  explicit Harness(Config config, ServerOptions options = scripted_options()) {
    if (config.data_dir == Config{}.data_dir) config.data_dir = data_dir.str();
    options.manual_dispatch = true;
    options.feed = MarketFeed::in_process;
    options.on_event = [this](const TradeEvent& e) { events.push_back(e); };
    auto probe = options.on_intent;
    options.on_intent = [this, probe](const venues::PlaceIntent& i, Timestamp t) {
      intents.push_back(i);
      if (probe) probe(i, t);
    };
    auto made = TradingServer::start(config, clock, std::move(options));
    EXPECT_TRUE(made.ok()) << (made ? "" : made.error().message);
    if (made) server = std::move(*made);
  }
  ~Harness() {
    if (server) (void)server->stop();
  }

  [[nodiscard]] venues::paper::PaperVenue& paper() const { return *server->paper_venue(); }
  [[nodiscard]] const Instrument& instrument(std::string_view symbol) const {
    const Instrument* i = server->registry().find_canonical(Venue::paper, symbol);
    EXPECT_NE(i, nullptr) << symbol;
    return *i;
  }

  // Fires the venue's due timers and drains every actor until nothing moves.
  void settle() {
    for (int i = 0; i < 100; ++i) {
      const std::size_t fired = clock.run_due();
      const std::size_t ran = server->poll();
      if (fired == 0 && ran == 0) return;
    }
    ADD_FAILURE() << "the server never settled";
  }
  // Simulated time in small steps, every actor drained after each.
  void run_for(Duration d, Duration step = std::chrono::milliseconds(250)) {
    const Timestamp end = clock.now() + d;
    while (clock.now() < end) {
      clock.advance(std::min(step, end - clock.now()));
      settle();
    }
  }

  void inject(MarketEvent e) {
    e.receive_time = clock.now();
    server->inject(e);
    settle();
  }
  MarketEvent event(std::string_view symbol, Venue venue) const {
    const Instrument& i = instrument(symbol);
    MarketEvent e;
    e.venue = venue;
    e.instrument = i.id;
    e.symbol = i.symbol;
    return e;
  }
  // A top of book; sizes zero: "not published" (unlimited liquidity at the paper venue).
  void quote(std::string_view symbol, Decimal bid, Decimal ask, Venue venue = Venue::coinbase,
             Decimal bid_size = {}, Decimal ask_size = {}) {
    MarketEvent e = event(symbol, venue);
    e.body = Quote{bid, bid_size, ask, ask_size};
    inject(e);
  }
  // A quote one tick wide: bid, ask = bid + tick.
  void touch(std::string_view symbol, Decimal bid, Venue venue = Venue::coinbase) {
    quote(symbol, bid, bid + instrument(symbol).tick_size, venue);
  }
  void trade(std::string_view symbol, Decimal price, Decimal size = Decimal::one(),
             Venue venue = Venue::coinbase) {
    MarketEvent e = event(symbol, venue);
    Trade t;
    t.price = price;
    t.size = size;
    (void)TradeId::assign(t.trade_id, "t" + std::to_string(next_trade++));
    e.body = t;
    inject(e);
  }
  void feed_state(std::string_view symbol, Venue venue, FeedState state) {
    MarketEvent e = event(symbol, venue);
    e.body = VenueStatus{state, TradingStatus::trading};
    inject(e);
  }
  // Keeps a symbol's price at `bid` (quote every second) for `d`: the feed stays fresh.
  void hold(std::string_view symbol, Decimal bid, Duration d) {
    const Timestamp end = clock.now() + d;
    while (clock.now() < end) {
      touch(symbol, bid);
      run_for(std::min<Duration>(std::chrono::seconds(1), end - clock.now()));
    }
  }

  // Market orders handed to the router: entries, and closes (reduce-only). Native exits that
  // rest at the venue (type stop...) are in `intents` but in neither.
  [[nodiscard]] std::vector<venues::PlaceIntent> entries() const {
    std::vector<venues::PlaceIntent> out;
    for (const auto& i : intents)  // market entries, or limit IOC ones (max_entry_slippage_bps)
      if ((i.type == domain::OrderType::market || i.type == domain::OrderType::limit) &&
          !i.reduce_only)
        out.push_back(i);
    return out;
  }
  [[nodiscard]] std::vector<venues::PlaceIntent> closes() const {
    std::vector<venues::PlaceIntent> out;
    for (const auto& i : intents)
      if (i.type == domain::OrderType::market && i.reduce_only) out.push_back(i);
    return out;
  }
  // An entry or a close is still working (resting native exits do not count).
  [[nodiscard]] bool order_in_flight() {
    for (const auto& o : status().execution.open_orders)
      if (o.description.find("entry") == 0 || o.description.find("close") == 0) return true;
    return false;
  }

  // The price a paper market order fills at: the touch moved `slippage_bps` against the taker,
  // rounded to the tick against the taker (paper_venue.hpp).
  [[nodiscard]] Decimal market_fill_price(std::string_view symbol, Side side, Decimal touch,
                                          Decimal slippage_bps = Decimal::from_integer(2)) const {
    const Decimal slip =
        *touch.checked_mul_div(slippage_bps, Decimal::from_integer(10'000), RoundingMode::up);
    return *instrument(symbol).round_price(
        side == Side::buy ? touch + slip : touch - slip,
        side == Side::buy ? RoundingMode::up : RoundingMode::down);
  }
  // The size of an entry: `notional` at `price`, rounded down to the lot (domain/sizing.hpp).
  [[nodiscard]] Decimal entry_size(std::string_view symbol, Decimal notional, Decimal price) const {
    return *instrument(symbol).round_size(*notional.checked_div(price, RoundingMode::down),
                                          RoundingMode::down);
  }

  Status signal(std::string_view symbol, strategy::SignalKind kind, double confidence = 0.9) {
    auto st = server->submit_signal(symbol, kind, confidence);
    settle();
    return st;
  }

  [[nodiscard]] ServerStatus status() {
    auto s = server->status();
    EXPECT_TRUE(s.ok()) << (s ? "" : s.error().message);
    return s.ok() ? *s : ServerStatus{};
  }
  [[nodiscard]] std::optional<PositionStatus> position(std::string_view symbol) {
    for (auto& p : status().portfolio.positions)
      if (p.symbol == symbol) return p;
    return std::nullopt;
  }

  // What the paper venue says (its queries answer on a zero-latency timer).
  [[nodiscard]] std::vector<domain::Fill> venue_fills() {
    std::vector<domain::Fill> out;
    paper().fills_since(Timestamp{}, std::nullopt,
                        [&](Result<std::vector<domain::Fill>> r) { out = r.ok() ? *r : out; });
    settle();
    return out;
  }
  [[nodiscard]] std::vector<domain::Fill> venue_fills(std::string_view symbol) {
    std::vector<domain::Fill> out;
    for (auto& f : venue_fills())
      if (f.instrument == instrument(symbol).id) out.push_back(f);
    return out;
  }
  [[nodiscard]] std::vector<venues::VenueOrder> venue_open_orders() {
    std::vector<venues::VenueOrder> out;
    paper().open_orders(
        std::nullopt, [&](Result<std::vector<venues::VenueOrder>> r) { out = r.ok() ? *r : out; });
    settle();
    return out;
  }
  [[nodiscard]] Decimal venue_balance(const std::string& currency) const {
    auto b = paper().balance_now(currency);
    return b ? b->total() : Decimal{};
  }

  [[nodiscard]] std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == kind ? 1 : 0;
    return n;
  }
  [[nodiscard]] static std::string field(const TradeEvent& e, std::string_view key) {
    for (const auto& [k, v] : e.fields)
      if (k == key) return v;
    return {};
  }
  // Events of `kind` whose field `key` is `value`.
  [[nodiscard]] std::vector<TradeEvent> find(std::string_view kind, std::string_view key = {},
                                             std::string_view value = {}) const {
    std::vector<TradeEvent> out;
    for (const auto& e : events)
      if (e.kind == kind && (key.empty() || field(e, key) == value)) out.push_back(e);
    return out;
  }
  [[nodiscard]] std::uint64_t refusals(std::string_view reason) {
    for (const auto& [r, n] : status().execution.refusals)
      if (r == reason) return n;
    return 0;
  }
  [[nodiscard]] std::string log() const {
    std::string out;
    for (const auto& e : events) out += e.kind + ": " + e.text + "\n";
    return out;
  }
};

}  // namespace nzeza::app::e2e
