// The simulated Coinbase market-data server: the one Beast translation unit of app. One
// coroutine per connection reads top to bottom (WebSocket accept, then control messages); a
// second one drains that connection's queue of frames, one write in flight at a time (Beast's
// rule). The queues, books and subscriptions live under one mutex, so a frame queued by publish()
// on the caller's thread and one queued by a subscribe on the server's thread keep their order.
#include "app/simulated_feed_server.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/enum_names.hpp"
#include "market/order_book.hpp"
#include "venues/coinbase/market_data_frames.hpp"

namespace nzeza::app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace frames = venues::coinbase::frames;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::string_view kHeartbeats = "heartbeats";
constexpr std::string_view kTicker = "ticker";
constexpr std::string_view kTrades = "market_trades";
constexpr std::string_view kLevel2 = "level2";

enum class Kind : std::uint8_t { ticker, trades, l2, heartbeat, subscriptions, error, close };

// The envelope's "channel" of each kind of frame: subscription answers, errors and the close
// frame all travel as "subscriptions".
constexpr EnumNames kChannelOf{Kind::close,
                               {"ticker", "market_trades", "l2_data", "heartbeats", "subscriptions",
                                "subscriptions", "subscriptions"},
                               "subscriptions"};

// A frame waiting for its connection's writer: the envelope (and its sequence number) is added
// when it is written.
struct Outgoing {
  Kind kind = Kind::ticker;
  Timestamp time;
  std::shared_ptr<const std::string> events;  // the events array (error: the whole message)
};

bool droppable(const Outgoing& o) noexcept {
  return o.kind == Kind::ticker || o.kind == Kind::heartbeat;
}

// Level changes of a book message: (is bid, level).
using Changes = std::vector<std::pair<bool, market::BookLevel>>;

struct RecentTrade {
  std::string trade_id;
  std::string price;
  std::string size;
  bool buy = true;
  Timestamp time;
};

// One product's state: its book, last quote, statistics and recent trades.
struct Product {
  std::string id;
  Decimal tick;
  Decimal lot;
  std::optional<Quote> quote;
  std::vector<market::BookLevel> bids;  // best first
  std::vector<market::BookLevel> asks;
  bool has_price = false;
  bool has_trade = false;
  Decimal open;  // the first price seen: the base of price_percent_chg_24_h
  Decimal last;  // the last trade price (the bid before any trade)
  Decimal low;   // over quoted bids and trade prices
  Decimal high;
  Decimal volume;
  std::deque<RecentTrade> recent;

  void see_price(Decimal price) {
    if (!has_price) {
      open = low = high = price;
      has_price = true;
    }
    low = std::min(low, price);
    high = std::max(high, price);
  }
};

Timestamp event_time(const MarketEvent& e) noexcept {
  return e.has_venue_time() ? e.venue_time : e.receive_time;
}

// The book around a quote: `depth` levels a tick apart, the touch sized as quoted (a lot when
// the quote has no size), each deeper level one lot more.
std::vector<market::BookLevel> side_levels(Decimal touch, Decimal touch_size, Decimal tick,
                                           Decimal lot, std::size_t depth, bool bid) {
  std::vector<market::BookLevel> levels;
  const Decimal base = touch_size.is_positive() ? touch_size : lot;
  Decimal price = touch;
  Decimal size = base;
  for (std::size_t k = 0; k < depth && price.is_positive(); ++k) {
    levels.push_back({price, size});
    price = bid ? price - tick : price + tick;
    size = size + lot;
  }
  return levels;
}

// The changes that turn `before` into `after` (one side): removed levels with "0", new or
// resized ones with their size.
void diff_side(const std::vector<market::BookLevel>& before,
               const std::vector<market::BookLevel>& after, bool bid, Changes& out) {
  for (const auto& old : before) {
    const bool kept = std::any_of(after.begin(), after.end(),
                                  [&](const market::BookLevel& l) { return l.price == old.price; });
    if (!kept) out.push_back({bid, {old.price, Decimal::zero()}});
  }
  for (const auto& level : after) {
    const bool same = std::any_of(before.begin(), before.end(),
                                  [&](const market::BookLevel& l) { return l == level; });
    if (!same) out.push_back({bid, level});
  }
}

std::string l2_text(std::string_view type, const std::string& product, const Changes& changes,
                    Timestamp time) {
  std::vector<std::string> text;  // keeps the views below alive
  text.reserve(changes.size() * 2);
  std::vector<frames::LevelUpdate> updates;
  updates.reserve(changes.size());
  for (const auto& [bid, level] : changes) {
    text.push_back(level.price.to_string());
    text.push_back(level.size.to_string());
    updates.push_back({bid, text[text.size() - 2], text.back()});
  }
  return frames::l2_events(type, product, updates, time);
}

Changes whole_book(const Product& p) {
  Changes out;
  for (const auto& l : p.bids) out.push_back({true, l});
  for (const auto& l : p.asks) out.push_back({false, l});
  return out;
}

std::string ticker_text(std::string_view type, const Product& p) {
  const Quote& q = *p.quote;
  Decimal change = Decimal::zero();
  if (p.has_price && p.open.is_positive()) {
    auto pct = ((p.last - p.open) * Decimal::from_integer(100) / p.open)
                   .round_to_step(*Decimal::parse("0.01"), RoundingMode::nearest);
    if (pct) change = *pct;
  }
  const std::string price = p.last.to_string(), bid = q.bid.to_string(),
                    bid_qty = q.bid_size.to_string(), ask = q.ask.to_string(),
                    ask_qty = q.ask_size.to_string(), volume = p.volume.to_string(),
                    low = p.low.to_string(), high = p.high.to_string(), pct = change.to_string();
  frames::TickerFields t;
  t.product_id = p.id;
  t.price = price;
  t.best_bid = bid;
  t.best_bid_quantity = bid_qty;
  t.best_ask = ask;
  t.best_ask_quantity = ask_qty;
  t.volume_24_h = volume;
  t.low_24_h = t.low_52_w = low;
  t.high_24_h = t.high_52_w = high;
  t.price_percent_chg_24_h = pct;
  return frames::ticker_events(type, t);
}

std::string trades_text(std::string_view type, const std::string& product,
                        const std::deque<RecentTrade>& trades) {
  std::vector<frames::TradeFields> fields;
  fields.reserve(trades.size());
  for (const auto& t : trades)
    fields.push_back({t.trade_id, product, t.price, t.size, t.buy, t.time});
  return frames::market_trades_events(type, fields);
}

}  // namespace

// One accepted client. Everything but the stream is guarded by Impl::mu.
struct Connection {
  explicit Connection(tcp::socket socket) : ws(std::move(socket)) {}
  websocket::stream<beast::tcp_stream> ws;
  std::map<std::string, std::set<std::string>, std::less<>> subs;  // channel → products
  std::deque<Outgoing> outbox;
  std::uint64_t sequence = 0;
  std::uint64_t heartbeat_counter = 0;
  bool open = false;     // handshake done and not closed
  bool writing = false;  // a writer coroutine is draining outbox

  [[nodiscard]] bool holds(std::string_view channel, const std::string& product) const {
    const auto it = subs.find(channel);
    return it != subs.end() && it->second.count(product) > 0;
  }
};

struct SimulatedFeedServer::Impl : std::enable_shared_from_this<SimulatedFeedServer::Impl> {
  Impl(Clock& c, const InstrumentRegistry& r, SimulatedFeedServerOptions o)
      : clock(c), registry(r), options(o) {}

  Clock& clock;
  const InstrumentRegistry& registry;
  SimulatedFeedServerOptions options;

  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread thread;
  std::promise<void> loop_done;
  std::mutex stop_mu;  // serialises stop()

  mutable std::mutex mu;
  bool stopped = false;
  TimerId heartbeat_timer = 0;
  std::map<std::string, Product, std::less<>> products;
  std::unordered_map<std::uint32_t, Product*> by_instrument;  // nullptr: not served
  // Accepted connections, from the TCP accept (open once the handshake is done) to the end.
  std::vector<std::shared_ptr<Connection>> conns;
  SimulatedFeedStats stats;

  // --- under mu ---
  Product* product_for(const MarketEvent& e);
  void enqueue(const std::shared_ptr<Connection>& c, Outgoing o);
  void to_subscribers(std::string_view channel, const std::string& product, Kind kind,
                      Timestamp time, std::string events);
  void on_quote(Product& p, const Quote& q, Timestamp time);
  void on_trade(Product& p, const Trade& t, Timestamp time);
  void on_control(const std::shared_ptr<Connection>& c, const std::string& text);
  void abort(const std::shared_ptr<Connection>& c);

  // --- Clock thread ---
  void arm_heartbeat();
  void beat();

  // --- server thread ---
  asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self);
  asio::awaitable<void> serve(std::shared_ptr<Impl> self, std::shared_ptr<Connection> c);
  asio::awaitable<void> write_loop(std::shared_ptr<Impl> self, std::shared_ptr<Connection> c);
};

Product* SimulatedFeedServer::Impl::product_for(const MarketEvent& e) {
  if (const auto it = by_instrument.find(e.instrument.value); it != by_instrument.end()) {
    return it->second;
  }
  Product* served = nullptr;
  if (const Instrument* inst = registry.get(e.instrument); inst != nullptr) {
    std::string id = inst->canonical;
    const Instrument* coinbase = inst->venue == Venue::coinbase
                                     ? inst
                                     : registry.find_canonical(Venue::coinbase, inst->canonical);
    if (coinbase != nullptr) {
      id = coinbase->ws_symbol.empty() ? coinbase->venue_symbol : coinbase->ws_symbol;
    }
    auto [it, fresh] = products.try_emplace(id);
    Product& p = it->second;
    if (fresh) {
      p.id = id;
      p.tick = inst->price_rule == PriceRule::tick && inst->tick_size.is_positive()
                   ? inst->tick_size
                   : *Decimal::parse("0.01");
      p.lot = inst->lot_size;
    }
    served = &p;
  }
  by_instrument.emplace(e.instrument.value, served);
  return served;
}

void SimulatedFeedServer::Impl::enqueue(const std::shared_ptr<Connection>& c, Outgoing o) {
  if (!c->open) return;
  if (c->outbox.size() >= options.max_queued_frames && o.kind != Kind::close) {
    const auto victim = std::find_if(c->outbox.begin(), c->outbox.end(), droppable);
    if (victim == c->outbox.end()) {
      ++stats.slow_clients_closed;
      abort(c);
      return;
    }
    ++(victim->kind == Kind::ticker ? stats.quote_frames_dropped : stats.heartbeats_dropped);
    c->outbox.erase(victim);
  }
  c->outbox.push_back(std::move(o));
  if (!c->writing) {
    c->writing = true;
    // Spawned from the server thread (the coroutine frame is born and dies there).
    asio::post(io, [self = shared_from_this(), c] {
      asio::co_spawn(self->io, self->write_loop(self, c), asio::detached);
    });
  }
}

void SimulatedFeedServer::Impl::to_subscribers(std::string_view channel, const std::string& product,
                                               Kind kind, Timestamp time, std::string events) {
  auto shared = std::make_shared<const std::string>(std::move(events));
  for (const auto& c : conns) {
    if (c->holds(channel, product)) enqueue(c, Outgoing{kind, time, shared});
  }
}

void SimulatedFeedServer::Impl::on_quote(Product& p, const Quote& q, Timestamp time) {
  p.see_price(q.bid);
  if (!p.has_trade) p.last = q.bid;
  p.quote = q;
  auto bids = side_levels(q.bid, q.bid_size, p.tick, p.lot, options.book_depth, true);
  auto asks = side_levels(q.ask, q.ask_size, p.tick, p.lot, options.book_depth, false);
  Changes changes;
  diff_side(p.bids, bids, true, changes);
  diff_side(p.asks, asks, false, changes);
  p.bids = std::move(bids);
  p.asks = std::move(asks);

  // The book first: a client holds the quote's book by the time the quote arrives.
  const bool books = std::any_of(conns.begin(), conns.end(),
                                 [&](const auto& c) { return c->holds(kLevel2, p.id); });
  if (books && !changes.empty()) {
    to_subscribers(kLevel2, p.id, Kind::l2, time, l2_text("update", p.id, changes, time));
  }
  const bool tickers = std::any_of(conns.begin(), conns.end(),
                                   [&](const auto& c) { return c->holds(kTicker, p.id); });
  if (tickers) to_subscribers(kTicker, p.id, Kind::ticker, time, ticker_text("update", p));
}

void SimulatedFeedServer::Impl::on_trade(Product& p, const Trade& t, Timestamp time) {
  p.see_price(t.price);
  p.has_trade = true;
  p.last = t.price;
  p.volume += t.size;
  std::deque<RecentTrade> one{RecentTrade{std::string(t.trade_id.view()), t.price.to_string(),
                                          t.size.to_string(), t.aggressor == Side::buy, time}};
  if (options.trade_snapshot_size > 0) {
    p.recent.push_back(one.front());
    while (p.recent.size() > options.trade_snapshot_size) p.recent.pop_front();
  }
  const bool any = std::any_of(conns.begin(), conns.end(),
                               [&](const auto& c) { return c->holds(kTrades, p.id); });
  if (any) to_subscribers(kTrades, p.id, Kind::trades, time, trades_text("update", p.id, one));
}

void SimulatedFeedServer::Impl::on_control(const std::shared_ptr<Connection>& c,
                                           const std::string& text) {
  const Timestamp now = clock.now();
  auto refuse = [&](const std::string& why) {
    ++stats.control_refused;
    enqueue(c, Outgoing{Kind::error, now,
                        std::make_shared<const std::string>(frames::error_message(why))});
  };
  auto request = frames::parse_control(text);
  if (!request.ok()) return refuse(request.error().message);
  const std::string& channel = request->channel;
  const bool heartbeats = channel == kHeartbeats;
  if (!heartbeats && channel != kTicker && channel != kTrades && channel != kLevel2) {
    return refuse("channel '" + channel + "' is not served by the nzeza market simulator");
  }
  if (!heartbeats && request->product_ids.empty()) {
    return refuse("channel '" + channel + "' needs product_ids");
  }
  if (request->subscribe) {
    auto& held = c->subs[channel];
    held.insert(request->product_ids.begin(), request->product_ids.end());
  } else if (auto it = c->subs.find(channel); it != c->subs.end()) {
    for (const auto& p : request->product_ids) it->second.erase(p);
    if (heartbeats || it->second.empty()) c->subs.erase(it);
  }
  std::map<std::string, std::vector<std::string>> held;
  for (const auto& [ch, products] : c->subs) held[ch].assign(products.begin(), products.end());
  enqueue(c, Outgoing{Kind::subscriptions, now,
                      std::make_shared<const std::string>(frames::subscriptions_events(held))});
  if (!request->subscribe) return;

  for (const auto& id : request->product_ids) {
    const auto it = products.find(id);
    const Product* p = it == products.end() ? nullptr : &it->second;
    std::string events;
    Kind kind = Kind::l2;
    if (channel == kLevel2) {
      events = l2_text("snapshot", id, p != nullptr ? whole_book(*p) : Changes{}, now);
    } else if (channel == kTicker && p != nullptr && p->quote) {
      events = ticker_text("snapshot", *p);
      kind = Kind::ticker;
    } else if (channel == kTrades && p != nullptr && !p->recent.empty()) {
      events = trades_text("snapshot", id, p->recent);
      kind = Kind::trades;
    } else {
      continue;
    }
    enqueue(c, Outgoing{kind, now, std::make_shared<const std::string>(std::move(events))});
  }
}

void SimulatedFeedServer::Impl::abort(const std::shared_ptr<Connection>& c) {
  c->open = false;
  c->outbox.clear();
  asio::post(io, [c] {
    error_code ec;
    beast::get_lowest_layer(c->ws).socket().close(ec);
  });
}

void SimulatedFeedServer::Impl::arm_heartbeat() {
  heartbeat_timer = clock.schedule_after(options.heartbeat_interval, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->beat();
  });
}

void SimulatedFeedServer::Impl::beat() {
  std::lock_guard lock(mu);
  if (stopped) return;
  const Timestamp now = clock.now();
  for (const auto& c : conns) {
    if (c->subs.count(kHeartbeats) > 0) enqueue(c, Outgoing{Kind::heartbeat, now, nullptr});
  }
  arm_heartbeat();
}

asio::awaitable<void> SimulatedFeedServer::Impl::accept_loop(std::shared_ptr<Impl> self) {
  for (;;) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // the listener was closed (stop)
    socket.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(mu);
      if (stopped) co_return;
      conns.push_back(c);
    }
    asio::co_spawn(io, serve(self, std::move(c)), asio::detached);
  }
}

asio::awaitable<void> SimulatedFeedServer::Impl::serve(std::shared_ptr<Impl> self,
                                                       std::shared_ptr<Connection> c) {
  error_code ec;
  c->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  c->ws.read_message_max(64 * 1024);  // control messages are small
  c->ws.text(true);
  co_await c->ws.async_accept(asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    std::lock_guard lock(mu);
    if (!stopped) {
      c->open = true;
      ++stats.connections_accepted;
    }
  }
  while (!ec) {
    beast::flat_buffer buffer;
    co_await c->ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const std::string text = beast::buffers_to_string(buffer.data());
    std::lock_guard lock(mu);
    if (!c->open) break;
    on_control(c, text);
  }
  // The handshake failed, the client left, or the server closed the socket.
  std::lock_guard lock(mu);
  if (c->open) abort(c);
  conns.erase(std::remove(conns.begin(), conns.end(), c), conns.end());
  (void)self;
}

asio::awaitable<void> SimulatedFeedServer::Impl::write_loop(std::shared_ptr<Impl> self,
                                                            std::shared_ptr<Connection> c) {
  error_code ec;
  for (;;) {
    Outgoing o;
    std::uint64_t sequence = 0;
    std::uint64_t counter = 0;
    {
      std::lock_guard lock(mu);
      if (!c->open || c->outbox.empty()) {
        c->writing = false;
        co_return;
      }
      o = std::move(c->outbox.front());
      c->outbox.pop_front();
      if (o.kind != Kind::error && o.kind != Kind::close) sequence = c->sequence++;
      if (o.kind == Kind::heartbeat) counter = ++c->heartbeat_counter;
    }
    if (o.kind == Kind::close) {
      co_await c->ws.async_close(websocket::close_code::going_away,
                                 asio::redirect_error(asio::use_awaitable, ec));
      std::lock_guard lock(mu);
      c->writing = false;
      if (c->open) abort(c);
      co_return;
    }
    std::string text;
    if (o.kind == Kind::error) {
      text = *o.events;
    } else if (o.kind == Kind::heartbeat) {
      text = frames::envelope(kChannelOf.name(o.kind), o.time, sequence,
                              frames::heartbeats_events(o.time, counter));
    } else {
      text = frames::envelope(kChannelOf.name(o.kind), o.time, sequence, *o.events);
    }
    co_await c->ws.async_write(asio::buffer(text), asio::redirect_error(asio::use_awaitable, ec));
    std::lock_guard lock(mu);
    if (ec) {
      c->writing = false;
      if (c->open) abort(c);
      co_return;
    }
    ++stats.frames_sent;
  }
  (void)self;
}

// --- SimulatedFeedServer ---

Result<std::unique_ptr<SimulatedFeedServer>> SimulatedFeedServer::start(
    Clock& clock, const InstrumentRegistry& registry, SimulatedFeedServerOptions options) {
  if (options.book_depth < 1 || options.max_queued_frames < 8 ||
      options.heartbeat_interval <= Duration::zero()) {
    return Error{ErrorCode::invalid_argument,
                 "simulated feed server: book_depth must be >= 1, max_queued_frames >= 8 and "
                 "heartbeat_interval > 0"};
  }
  auto impl = std::make_shared<Impl>(clock, registry, options);
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), options.port);
  error_code ec;
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{ErrorCode::network, "simulated feed server: cannot listen on 127.0.0.1:" +
                                         std::to_string(options.port) + ": " + ec.message()};
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->work.emplace(impl->io.get_executor());
  asio::co_spawn(impl->io, impl->accept_loop(impl), asio::detached);
  impl->thread = std::thread([raw = impl.get()] {
    raw->io.run();
    raw->loop_done.set_value();
  });
  {
    std::lock_guard lock(impl->mu);
    impl->arm_heartbeat();
  }
  return std::unique_ptr<SimulatedFeedServer>(new SimulatedFeedServer(std::move(impl)));
}

SimulatedFeedServer::SimulatedFeedServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

SimulatedFeedServer::~SimulatedFeedServer() {
  stop();
}

void SimulatedFeedServer::publish(const MarketEvent& event) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  if (m.stopped) return;
  const Quote* quote = std::get_if<Quote>(&event.body);
  const Trade* trade = std::get_if<Trade>(&event.body);
  Product* p = quote != nullptr || trade != nullptr ? m.product_for(event) : nullptr;
  if (p == nullptr) {
    ++m.stats.events_ignored;
    return;
  }
  ++m.stats.events_published;
  if (quote != nullptr) {
    m.on_quote(*p, *quote, event_time(event));
  } else {
    m.on_trade(*p, *trade, event_time(event));
  }
}

std::string SimulatedFeedServer::ws_url() const {
  return "ws://127.0.0.1:" + std::to_string(impl_->port) + "/";
}

std::uint16_t SimulatedFeedServer::port() const noexcept {
  return impl_->port;
}

void SimulatedFeedServer::disconnect_all() {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  for (const auto& c : m.conns) m.enqueue(c, Outgoing{Kind::close, m.clock.now(), nullptr});
}

SimulatedFeedStats SimulatedFeedServer::stats() const {
  std::lock_guard lock(impl_->mu);
  SimulatedFeedStats s = impl_->stats;
  s.connections = static_cast<std::size_t>(std::count_if(impl_->conns.begin(), impl_->conns.end(),
                                                         [](const auto& c) { return c->open; }));
  return s;
}

void SimulatedFeedServer::stop() {
  Impl& m = *impl_;
  std::lock_guard stopping(m.stop_mu);
  TimerId timer = 0;
  {
    std::lock_guard lock(m.mu);
    if (m.stopped) return;
    m.stopped = true;
    timer = m.heartbeat_timer;
  }
  m.clock.cancel(timer);
  auto loop_done = m.loop_done.get_future();
  asio::post(m.io, [&m] {
    error_code ec;
    m.acceptor.close(ec);
    std::lock_guard lock(m.mu);
    for (const auto& c : m.conns) {
      c->open = false;
      c->outbox.clear();
      beast::get_lowest_layer(c->ws).socket().close(ec);
    }
  });
  // Every operation now ends with an error, so the loop runs dry and each coroutine frame (and
  // the connection it holds) is freed; the guard only matters if a bug leaves one pending.
  m.work.reset();
  if (loop_done.wait_for(std::chrono::seconds(5)) != std::future_status::ready) m.io.stop();
  m.thread.join();
  std::lock_guard lock(m.mu);
  m.conns.clear();
}

}  // namespace nzeza::app
