// The simulated market served through the live feed path: SimulatedMarket → SimulatedFeedServer
// (Coinbase Advanced Trade over a loopback WebSocket) → a real FeedSession with the real Coinbase
// protocol and codec. Real sockets; the ManualClock drives the generator, the server's
// heartbeats and the session's timers.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/market_data_instruments.hpp"
#include "app/simulated_feed_server.hpp"
#include "app/simulated_market.hpp"
#include "integration/feeds/feed_harness.hpp"
#include "market/order_book.hpp"
#include "net/net_context.hpp"
#include "net/ws_client.hpp"
#include "venues/feed/feed_session.hpp"
#include "venues/feed/protocols.hpp"

namespace nzeza::app {
namespace {

namespace json = boost::json;
using testsupport::wait_until;
using venues::feed::test::SyncSink;
using namespace std::chrono_literals;

constexpr Duration kStep = 250ms;

// A sink that can be made to block on the next event: a consumer that stops reading.
class GatedSink final : public MarketEventSink {
 public:
  explicit GatedSink(SyncSink& inner) : inner_(inner) {}
  void on_event(const MarketEvent& e) override {
    {
      std::unique_lock lock(mu_);
      if (armed_) {
        blocked_ = true;
        cv_.wait(lock, [this] { return !armed_; });
        blocked_ = false;
      }
    }
    inner_.on_event(e);
  }
  void arm() {
    std::lock_guard lock(mu_);
    armed_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      armed_ = false;
    }
    cv_.notify_all();
  }
  bool blocked() const {
    std::lock_guard lock(mu_);
    return blocked_;
  }

 private:
  SyncSink& inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool armed_ = false;
  bool blocked_ = false;
};

// "Q 45000.01x0.012/45000.02x0.004 @ns" / "T 45000.02x0.013 buy #7 @ns": what a consumer sees.
std::string describe(const MarketEvent& e) {
  std::ostringstream out;
  if (const auto* q = std::get_if<Quote>(&e.body)) {
    out << "Q " << q->bid << 'x' << q->bid_size << '/' << q->ask << 'x' << q->ask_size;
  } else if (const auto* t = std::get_if<Trade>(&e.body)) {
    out << "T " << t->price << 'x' << t->size << (t->aggressor == Side::buy ? " buy #" : " sell #")
        << t->trade_id.view();
  } else {
    return {};
  }
  out << " @" << e.venue_time.ns();
  return out.str();
}

bool is_market(const MarketEvent& e) {
  return std::holds_alternative<Quote>(e.body) || std::holds_alternative<Trade>(e.body);
}

// Three paper instruments for the generator, three Coinbase instruments for the feed, one
// registry; the server; the generator publishing into it; a Coinbase FeedSession reading it.
class SimulatedFeed {
 public:
  explicit SimulatedFeed(SimulatedFeedServerOptions options = {}) : gate_(sink_) {
    net_.start();
    struct Spec {
      const char* symbol;
      const char* tick;
      const char* lot;
      const char* start;
    };
    for (const Spec& s :
         {Spec{"BTC-USD", "0.01", "0.0001", "45000"}, Spec{"ETH-USD", "0.01", "0.001", "3000"},
          Spec{"SOL-USD", "0.001", "0.01", "150"}}) {
      Instrument paper;
      paper.venue = Venue::paper;
      paper.canonical = paper.venue_symbol = s.symbol;
      paper.base = std::string(s.symbol).substr(0, 3);
      paper.quote = "USD";
      paper.tick_size = Decimal::parse(s.tick).value();
      paper.lot_size = paper.min_size = Decimal::parse(s.lot).value();
      const InstrumentId pid = registry_.add(paper).value();
      const InstrumentId cid =
          registry_.add(market_data_instrument(Venue::coinbase, s.symbol).value()).value();
      paper_.push_back(pid);
      coinbase_.push_back(cid);
      generated_.push_back({pid, Decimal::parse(s.start).value(), 0.0005, 1});
    }
    server_ = SimulatedFeedServer::start(clock_, registry_, options).value();
  }

  ~SimulatedFeed() {
    if (market_) market_->stop();
    if (session_) session_->stop();
    server_->stop();
  }

  void make_market() {
    SimulatedMarketConfig cfg;
    cfg.step_interval = kStep;
    cfg.seed = 2026;
    market_.emplace(
        SimulatedMarket::create(clock_, registry_, generated_, cfg, [this](const MarketEvent& e) {
          published_.push_back(e);
          server_->publish(e);
        }).value());
  }

  // Starts the session and waits until its four subscriptions are acknowledged.
  void start_session() {
    venues::feed::FeedOptions o;
    o.venue = Venue::coinbase;
    o.instruments = coinbase_;
    o.url = server_->ws_url();
    o.rules = venues::feed::default_rules(Venue::coinbase);
    o.backoff.jitter = false;  // reconnect after 1 s
    session_.emplace(net_, clock_, registry_, o,
                     venues::feed::protocol_factory(Venue::coinbase, registry_).value(), gate_);
    ASSERT_TRUE(session_->start().ok());
    ASSERT_TRUE(wait_until([&] { return session_->stats().control >= 4; }));
  }

  // Advances the clock `step` at a time until `p` holds.
  template <typename P>
  bool advance_until(P p, Duration step = 1s, int max_steps = 40) {
    for (int i = 0; i < max_steps; ++i) {
      if (wait_until(p, 20ms)) return true;
      clock_.advance(step);
    }
    return wait_until(p);
  }

  // One generator step, then waits until the session has decoded the last event the generator
  // published: frames arrive in order on the one connection, so everything before it has too.
  void step_and_deliver() {
    clock_.advance(kStep);
    ASSERT_FALSE(published_.empty());
    const MarketEvent& last = published_.back();
    const InstrumentId id = coinbase_for(last.instrument);
    const std::string want = describe(last);
    ASSERT_TRUE(wait_until([&] {
      const auto got = received_market();
      return !got.empty() && got.back().instrument == id && describe(got.back()) == want;
    })) << "waiting for "
        << want;
  }
  InstrumentId coinbase_for(InstrumentId paper) const {
    for (std::size_t i = 0; i < paper_.size(); ++i) {
      if (paper_[i] == paper) return coinbase_[i];
    }
    return {};
  }

  std::vector<MarketEvent> received_market() const {
    std::vector<MarketEvent> out;
    for (const auto& e : sink_.events()) {
      if (is_market(e)) out.push_back(e);
    }
    return out;
  }
  // What the consumer should see for the i-th symbol: the generator's events from `from`.
  std::vector<std::string> expected(std::size_t i, std::size_t from = 0) const {
    std::vector<std::string> out;
    for (std::size_t k = from; k < published_.size(); ++k) {
      if (published_[k].instrument == paper_[i]) out.push_back(describe(published_[k]));
    }
    return out;
  }
  std::vector<std::string> received(std::size_t i) const {
    std::vector<std::string> out;
    for (const auto& e : received_market()) {
      if (e.instrument == coinbase_[i]) out.push_back(describe(e));
    }
    return out;
  }
  std::optional<Quote> last_quote(std::size_t i) const {
    std::optional<Quote> q;
    for (const auto& e : published_) {
      if (e.instrument == paper_[i] && std::holds_alternative<Quote>(e.body)) {
        q = std::get<Quote>(e.body);
      }
    }
    return q;
  }
  // The i-th symbol's book as the codec built it: its BookChange events replayed. The codec
  // emits updates only for a synced book, so an update after no snapshot change follows an
  // empty snapshot (which has no change to carry).
  market::OrderBook book(std::size_t i) const {
    market::OrderBook b;
    for (const auto& e : sink_.events()) {
      if (e.instrument != coinbase_[i]) continue;
      const auto* c = std::get_if<BookChange>(&e.body);
      if (c == nullptr) continue;
      if (!c->snapshot && b.state() == market::BookSyncState::awaiting_snapshot) b.mark_synced(0);
      EXPECT_TRUE(b.apply(*c).ok());
    }
    return b;
  }
  Decimal tick(std::size_t i) const { return registry_.get(paper_[i])->tick_size; }
  Decimal lot(std::size_t i) const { return registry_.get(paper_[i])->lot_size; }

  // The book must be the quote's: `depth` levels a tick apart, the touch as quoted, each deeper
  // level one lot more.
  void expect_book_matches_last_quote(std::size_t i, std::size_t depth = 5) const {
    const auto q = last_quote(i);
    ASSERT_TRUE(q.has_value());
    const market::OrderBook b = book(i);
    EXPECT_TRUE(b.synced()) << i;
    ASSERT_EQ(b.bids().size(), depth) << i;
    ASSERT_EQ(b.asks().size(), depth) << i;
    for (std::size_t k = 0; k < depth; ++k) {
      const Decimal n = Decimal::from_integer(static_cast<std::int64_t>(k));
      EXPECT_EQ(b.bids()[k].price, q->bid - tick(i) * n) << i << " bid level " << k;
      EXPECT_EQ(b.asks()[k].price, q->ask + tick(i) * n) << i << " ask level " << k;
      EXPECT_EQ(b.bids()[k].size, q->bid_size + lot(i) * n) << i << " bid level " << k;
      EXPECT_EQ(b.asks()[k].size, q->ask_size + lot(i) * n) << i << " ask level " << k;
    }
  }

  ManualClock& clock() { return clock_; }
  SimulatedFeedServer& server() { return *server_; }
  SimulatedMarket& market() { return *market_; }
  venues::feed::FeedSession& session() { return *session_; }
  SyncSink& sink() { return sink_; }
  GatedSink& gate() { return gate_; }
  const std::vector<MarketEvent>& published() const { return published_; }
  InstrumentId paper(std::size_t i) const { return paper_[i]; }
  InstrumentId coinbase(std::size_t i) const { return coinbase_[i]; }
  const InstrumentRegistry& registry() const { return registry_; }
  net::NetContext& net() { return net_; }

 private:
  ManualClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
  SyncSink sink_;
  GatedSink gate_;
  std::vector<InstrumentId> paper_;
  std::vector<InstrumentId> coinbase_;
  std::vector<SimulatedInstrument> generated_;
  std::unique_ptr<SimulatedFeedServer> server_;
  std::optional<SimulatedMarket> market_;
  std::vector<MarketEvent> published_;  // the generator's events (the test thread advances)
  std::optional<venues::feed::FeedSession> session_;
};

TEST(SimulatedFeed, the_generators_quotes_and_trades_of_three_symbols_arrive_decoded_in_order) {
  SimulatedFeed f;
  f.make_market();
  ASSERT_NO_FATAL_FAILURE(f.start_session());
  f.market().start();
  for (int step = 0; step < 120; ++step) {  // 30 s of market
    ASSERT_NO_FATAL_FAILURE(f.step_and_deliver());
    for (std::size_t i = 0; i < 3; ++i) {
      ASSERT_NO_FATAL_FAILURE(f.expect_book_matches_last_quote(i)) << "after step " << step;
    }
  }
  for (std::size_t i = 0; i < 3; ++i) {
    const auto want = f.expected(i);
    EXPECT_GE(want.size(), 120U);  // a quote per step, plus trades
    EXPECT_EQ(f.received(i), want) << "symbol " << i;
  }
  // Alive and in sync the whole time: heartbeats every second, no gap, no stale mark.
  ASSERT_TRUE(wait_until([&] { return f.session().stats().heartbeats >= 30; }));
  const auto stats = f.session().stats();
  EXPECT_EQ(stats.resyncs, 0U);
  EXPECT_EQ(stats.stale_marks, 0U);
  EXPECT_EQ(stats.rejected, 0U);
  EXPECT_EQ(stats.connects, 1U);
  EXPECT_EQ(f.sink().count_state(FeedState::stale), 0U);
  EXPECT_EQ(f.sink().count_state(FeedState::resyncing), 0U);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_FALSE(f.session().is_stale(f.coinbase(i)));
  const auto served = f.server().stats();
  EXPECT_EQ(served.events_published, f.published().size());
  EXPECT_EQ(served.quote_frames_dropped, 0U);
  EXPECT_EQ(served.slow_clients_closed, 0U);
  EXPECT_EQ(served.connections, 1U);
}

TEST(SimulatedFeed, after_the_server_drops_the_connection_the_session_reconnects_and_data_resumes) {
  SimulatedFeed f;
  f.make_market();
  ASSERT_NO_FATAL_FAILURE(f.start_session());
  f.market().start();
  for (int step = 0; step < 8; ++step) ASSERT_NO_FATAL_FAILURE(f.step_and_deliver());

  f.server().disconnect_all();
  // The generator keeps stepping while the session waits out its backoff on the clock.
  ASSERT_TRUE(f.advance_until(
      [&] { return f.session().stats().connects >= 2 && f.session().stats().control >= 8; },
      kStep));
  EXPECT_EQ(f.server().stats().connections_accepted, 2U);

  const std::size_t from = f.published().size();
  for (int step = 0; step < 12; ++step) ASSERT_NO_FATAL_FAILURE(f.step_and_deliver());
  for (std::size_t i = 0; i < 3; ++i) {
    const auto want = f.expected(i, from);
    ASSERT_FALSE(want.empty());
    const auto got = f.received(i);
    ASSERT_GE(got.size(), want.size());
    EXPECT_EQ(
        std::vector<std::string>(got.end() - static_cast<std::ptrdiff_t>(want.size()), got.end()),
        want)
        << "symbol " << i;
    ASSERT_NO_FATAL_FAILURE(f.expect_book_matches_last_quote(i));  // a fresh snapshot, then updates
  }
  EXPECT_EQ(f.session().stats().resyncs, 0U);
  EXPECT_EQ(f.server().stats().connections, 1U);
}

// A synthetic quote of the first symbol (no generator: the test publishes as fast as it can).
MarketEvent quote_event(const SimulatedFeed& f, std::size_t n, Timestamp t) {
  MarketEvent e;
  e.venue = Venue::paper;
  e.instrument = f.paper(0);
  e.symbol = f.registry().get(f.paper(0))->symbol;
  e.venue_time = e.receive_time = t;
  const Decimal bid =
      Decimal::from_integer(100) +
      Decimal::parse("0.01").value() * Decimal::from_integer(static_cast<std::int64_t>(n % 50));
  e.body = Quote{bid, Decimal::one(), bid + Decimal::one(), Decimal::one()};
  return e;
}

MarketEvent trade_event(const SimulatedFeed& f, std::size_t n, Timestamp t) {
  MarketEvent e = quote_event(f, n, t);
  Trade tr;
  tr.price = std::get<Quote>(e.body).bid;
  tr.size = Decimal::one();
  tr.aggressor = Side::sell;
  (void)TradeId::assign(tr.trade_id, std::to_string(n));
  e.body = tr;
  return e;
}

TEST(SimulatedFeed, a_stalled_consumer_never_blocks_publish_loses_no_trade_silently_and_recovers) {
  SimulatedFeedServerOptions options;
  options.max_queued_frames = 64;
  SimulatedFeed f(options);
  ASSERT_NO_FATAL_FAILURE(f.start_session());

  // The consumer stops reading (its network thread blocks in the sink on the next event).
  f.gate().arm();
  f.server().publish(quote_event(f, 0, f.clock().now()));
  ASSERT_TRUE(wait_until([&] { return f.gate().blocked(); }));

  // Publishing goes on regardless: tickers are dropped first, then the client is closed once
  // its queue holds only frames that may not be dropped (book updates, trades).
  std::vector<std::string> trades_published;
  std::size_t n = 1;
  for (; n < 2'000'000 && f.server().stats().slow_clients_closed == 0; ++n) {
    f.server().publish(quote_event(f, n, f.clock().now()));
    if (n % 10 == 0) {
      const MarketEvent t = trade_event(f, n, f.clock().now());
      trades_published.push_back(describe(t));
      f.server().publish(t);
    }
  }
  const auto stalled = f.server().stats();
  EXPECT_EQ(stalled.slow_clients_closed, 1U) << "after " << n << " quotes";
  EXPECT_GT(stalled.quote_frames_dropped, 0U);

  f.gate().release();
  // The consumer first drains what reached its socket (megabytes: slow under a sanitizer), then
  // finds the connection closed, and reconnects after its backoff on the clock.
  ASSERT_TRUE(wait_until([&] { return f.sink().count_state(FeedState::reconnecting) > 0; }, 60s));
  ASSERT_TRUE(f.advance_until(
      [&] { return f.session().stats().connects >= 2 && f.session().stats().control >= 8; }));
  // Every trade the consumer got before the close is in order with none missing between.
  std::vector<std::string> trades_received;
  for (const auto& e : f.received_market()) {
    if (std::holds_alternative<Trade>(e.body)) trades_received.push_back(describe(e));
  }
  ASSERT_LE(trades_received.size(), trades_published.size());
  EXPECT_EQ(trades_received,
            std::vector<std::string>(
                trades_published.begin(),
                trades_published.begin() + static_cast<std::ptrdiff_t>(trades_received.size())));
  EXPECT_EQ(f.session().stats().resyncs, 0U);  // dropped tickers left no sequence gap

  // Data resumes on the new connection.
  const MarketEvent last = trade_event(f, n + 1, f.clock().now());
  f.server().publish(quote_event(f, n + 1, f.clock().now()));
  f.server().publish(last);
  ASSERT_TRUE(wait_until([&] {
    const auto got = f.received(0);
    return !got.empty() && got.back() == describe(last);
  }));
  const market::OrderBook b = f.book(0);
  EXPECT_TRUE(b.synced());
  ASSERT_TRUE(b.best_bid().has_value());
  EXPECT_EQ(b.best_bid()->price, std::get<Quote>(quote_event(f, n + 1, {}).body).bid);
}

// --- the wire, as a plain WebSocket client sees it ---

class RawClient {
 public:
  RawClient(net::NetContext& net, Clock& clock, const std::string& url,
            std::vector<std::string> subscribe) {
    net::WsClientConfig cfg;
    cfg.url = url;
    cfg.reconnect = false;
    client_ = std::make_unique<net::WsClient>(net, clock, cfg);
    client_->on_subscribe([subscribe] { return subscribe; });
    client_->on_message([this](std::string_view m) {
      std::lock_guard lock(mu_);
      messages_.emplace_back(m);
    });
  }
  ~RawClient() {
    client_->stop();
    (void)client_->wait_stopped();
  }
  Status start() { return client_->start(); }
  Status send(std::string text) { return client_->send(std::move(text)); }
  std::vector<json::object> messages() const {
    std::lock_guard lock(mu_);
    std::vector<json::object> out;
    for (const auto& m : messages_) out.push_back(json::parse(m).as_object());
    return out;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> messages_;
  std::unique_ptr<net::WsClient> client_;
};

std::string channel(const json::object& o) {
  return o.contains("channel") ? std::string(o.at("channel").as_string()) : std::string();
}

std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

TEST(SimulatedFeedServer, speaks_coinbase_acks_refusals_snapshots_heartbeats_and_sequence_numbers) {
  SimulatedFeed f;
  RawClient raw(
      f.net(), f.clock(), f.server().ws_url(),
      {R"({"type":"subscribe","channel":"heartbeats"})",
       R"({"type":"subscribe","product_ids":["BTC-USD"],"channel":"candles"})", "not json",
       R"({"type":"subscribe","product_ids":["BTC-USD"],"channel":"level2"})"});
  ASSERT_TRUE(raw.start().ok());
  ASSERT_TRUE(wait_until([&] { return raw.count() >= 5; }));  // ack, 2 errors, ack, snapshot

  f.server().publish(
      quote_event(f, 3, f.clock().now()));  // not subscribed to ticker: a book update
  f.clock().advance(1s);
  f.clock().advance(1s);
  ASSERT_TRUE(wait_until([&] { return raw.count() >= 8; }));
  ASSERT_TRUE(raw.send(R"({"type":"unsubscribe","channel":"heartbeats"})").ok());
  ASSERT_TRUE(wait_until([&] { return raw.count() >= 9; }));

  const auto m = raw.messages();
  ASSERT_EQ(m.size(), 9U);
  EXPECT_EQ(channel(m[0]), "subscriptions");
  EXPECT_EQ(json::serialize(m[0].at("events")), R"([{"subscriptions":{"heartbeats":[]}}])");
  for (std::size_t k : {1, 2}) {
    EXPECT_EQ(text(m[k].at("type")), "error");
    EXPECT_FALSE(m[k].contains("sequence_num"));
  }
  EXPECT_NE(json::serialize(m[1]).find("candles"), std::string::npos);
  EXPECT_EQ(json::serialize(m[3].at("events")),
            R"([{"subscriptions":{"heartbeats":[],"level2":["BTC-USD"]}}])");
  EXPECT_EQ(channel(m[4]), "l2_data");  // no quote yet: an empty snapshot
  const auto& snapshot = m[4].at("events").as_array()[0].as_object();
  EXPECT_EQ(text(snapshot.at("type")), "snapshot");
  EXPECT_EQ(text(snapshot.at("product_id")), "BTC-USD");
  EXPECT_TRUE(snapshot.at("updates").as_array().empty());

  EXPECT_EQ(channel(m[5]), "l2_data");
  const auto& update = m[5].at("events").as_array()[0].as_object();
  EXPECT_EQ(text(update.at("type")), "update");
  const auto& levels = update.at("updates").as_array();
  ASSERT_EQ(levels.size(), 10U);
  EXPECT_EQ(text(levels[0].at("side")), "bid");
  EXPECT_EQ(text(levels[0].at("price_level")), "100.03");
  EXPECT_EQ(text(levels[0].at("new_quantity")), "1");
  EXPECT_EQ(text(levels[1].at("price_level")), "100.02");
  EXPECT_EQ(text(levels[1].at("new_quantity")), "1.0001");
  EXPECT_EQ(text(levels[5].at("side")), "offer");
  EXPECT_EQ(text(levels[5].at("price_level")), "101.03");

  for (std::size_t k : {6, 7}) {
    EXPECT_EQ(channel(m[k]), "heartbeats");
    EXPECT_EQ(m[k].at("events").as_array()[0].at("heartbeat_counter").as_int64(),
              static_cast<std::int64_t>(k - 5));
  }
  EXPECT_EQ(channel(m[8]), "subscriptions");
  EXPECT_EQ(json::serialize(m[8].at("events")), R"([{"subscriptions":{"level2":["BTC-USD"]}}])");

  // One sequence per connection, from 0, one more per frame (errors carry none).
  std::int64_t expected = 0;
  for (const auto& o : m) {
    if (!o.contains("sequence_num")) continue;
    EXPECT_EQ(o.at("sequence_num").as_int64(), expected++);
  }
  EXPECT_EQ(f.server().stats().control_refused, 2U);
}

TEST(SimulatedFeedServer, refuses_bad_options_and_a_taken_port_and_stops_idempotently) {
  ManualClock clock;
  InstrumentRegistry registry;
  SimulatedFeedServerOptions bad;
  bad.book_depth = 0;
  auto refused = SimulatedFeedServer::start(clock, registry, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);

  auto first = SimulatedFeedServer::start(clock, registry).value();
  EXPECT_EQ(first->ws_url(), "ws://127.0.0.1:" + std::to_string(first->port()) + "/");
  SimulatedFeedServerOptions same;
  same.port = first->port();
  auto taken = SimulatedFeedServer::start(clock, registry, same);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::network);
  EXPECT_NE(taken.error().message.find(std::to_string(first->port())), std::string::npos);

  first->stop();
  first->stop();
  MarketEvent e;
  e.body = Quote{};
  first->publish(e);  // after stop: nothing, not even counted
  EXPECT_EQ(first->stats().events_ignored, 0U);
  EXPECT_EQ(clock.pending_timers(), 0U);  // the heartbeat timer is cancelled
}

}  // namespace
}  // namespace nzeza::app
