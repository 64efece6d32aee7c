#include "sim/feeds/feed_sim.hpp"

#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include "core/decimal.hpp"
#include "support/http_server.hpp"
#include "support/ws_server.hpp"
#include "venues/coinbase/market_data_frames.hpp"

namespace nzeza::sim::feeds {
namespace json = boost::json;
namespace cb = venues::coinbase::frames;
using testsupport::HttpReply;
using testsupport::HttpSeen;
using testsupport::WsServer;
using testsupport::WsSession;

std::vector<SimLevel> default_bids() {
  return {{"50000.5", "1"}, {"49999.5", "2"}};
}
std::vector<SimLevel> default_asks() {
  return {{"50001.5", "1"}, {"50002.5", "2"}};
}

namespace {

enum class Kind { quote, trade, book };

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

// The sim's Coinbase ticker: the top of book with fixed 24 h / 52 w statistics.
cb::TickerFields cb_ticker(const std::string& product, const SimLevel& bid, const SimLevel& ask) {
  cb::TickerFields t;
  t.product_id = product;
  t.price = bid.price;
  t.best_bid = bid.price;
  t.best_bid_quantity = bid.size;
  t.best_ask = ask.price;
  t.best_ask_quantity = ask.size;
  t.volume_24_h = "1000";
  t.low_24_h = "49000";
  t.high_24_h = "51000";
  t.low_52_w = "30000";
  t.high_52_w = "70000";
  t.price_percent_chg_24_h = "0.5";
  return t;
}

Decimal dec(const std::string& text) {
  auto d = Decimal::parse(text);
  return d.ok() ? *d : Decimal::zero();
}

struct Book {
  std::map<Decimal, SimLevel, std::greater<>> bids;  // best (highest) first
  std::map<Decimal, SimLevel> asks;                  // best (lowest) first
  std::uint64_t update_id = 1000;                    // Binance lastUpdateId
  bool bad_checksum_next = false;                    // Kraken

  void apply(const std::vector<SimLevel>& b, const std::vector<SimLevel>& a) {
    for (const auto& l : b) {
      if (dec(l.size).is_zero()) {
        bids.erase(dec(l.price));
      } else {
        bids[dec(l.price)] = l;
      }
    }
    for (const auto& l : a) {
      if (dec(l.size).is_zero()) {
        asks.erase(dec(l.price));
      } else {
        asks[dec(l.price)] = l;
      }
    }
  }
  void truncate(std::size_t depth) {
    while (bids.size() > depth) bids.erase(std::prev(bids.end()));
    while (asks.size() > depth) asks.erase(std::prev(asks.end()));
  }
  template <typename M>
  static std::vector<SimLevel> levels(const M& m) {
    std::vector<SimLevel> out;
    for (const auto& [k, v] : m) out.push_back(v);
    return out;
  }
};

// Kraken v2: the wire text without '.' and leading zeros.
std::string checksum_text(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '.') continue;
    if (out.empty() && c == '0') continue;
    out += c;
  }
  return out;
}

std::uint32_t kraken_checksum(const Book& book) {
  std::string text;
  std::size_t n = 0;
  for (const auto& [k, l] : book.asks) {
    if (n++ == 10) break;
    text += checksum_text(l.price) + checksum_text(l.size);
  }
  n = 0;
  for (const auto& [k, l] : book.bids) {
    if (n++ == 10) break;
    text += checksum_text(l.price) + checksum_text(l.size);
  }
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

}  // namespace

struct Conn {
  WsSession* session = nullptr;
  std::uint64_t seq = 0;  // Coinbase: next sequence_num; dYdX: next message_id
  std::set<std::string> subs;
  std::size_t sub_frames = 0;
  std::size_t unsub_frames = 0;
  std::vector<std::string> received;
};

struct FeedSim::Impl {
  Venue venue;
  FeedSimOptions opt;
  mutable std::mutex mu;
  std::map<std::string, Book> books;
  std::vector<Conn> conns;
  std::size_t stale_snapshots = 0;
  std::size_t snapshot_requests = 0;
  std::size_t app_pings = 0;
  std::uint64_t heartbeat_counter = 0;
  std::uint64_t quote_u = 1;
  // Declared last: destroyed first, so their threads stop before the state above dies.
  std::unique_ptr<testsupport::HttpServer> http;
  std::unique_ptr<WsServer> ws;

  Timestamp now() const {
    if (opt.now) return opt.now();
    return Timestamp::from_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  }
  std::string ms() const { return std::to_string(now().ms()); }
  std::string iso() const { return quoted(now().to_iso8601()); }

  Book& book(const std::string& symbol) {
    auto it = books.find(symbol);
    if (it == books.end()) {
      Book b;
      b.apply(default_bids(), default_asks());
      it = books.emplace(symbol, std::move(b)).first;
    }
    return it->second;
  }

  Conn& conn(std::size_t index) {
    if (conns.size() <= index) conns.resize(index + 1);
    return conns[index];
  }

  // --- channel keys ---
  std::string key(Kind kind, const std::string& symbol) const {
    switch (venue) {
      case Venue::binance: {
        const std::string s = lower(symbol);
        return kind == Kind::quote ? s + "@bookTicker"
                                   : (kind == Kind::trade ? s + "@trade" : s + "@depth@100ms");
      }
      case Venue::coinbase:
        return (kind == Kind::quote   ? "ticker:"
                : kind == Kind::trade ? "market_trades:"
                                      : "level2:") +
               symbol;
      case Venue::kraken:
        return (kind == Kind::quote   ? "ticker:"
                : kind == Kind::trade ? "trade:"
                                      : "book:") +
               symbol;
      case Venue::hyperliquid:
        return (kind == Kind::quote   ? "bbo:"
                : kind == Kind::trade ? "trades:"
                                      : "l2Book:") +
               symbol;
      case Venue::dydx:
        return (kind == Kind::trade ? "v4_trades:" : "v4_orderbook:") + symbol;
      default:
        return "price:" + symbol;
    }
  }
  bool subscribed(const Conn& c, Kind kind, const std::string& symbol) const {
    if (venue == Venue::binance && kind == Kind::book) {
      return c.subs.count(lower(symbol) + "@depth@100ms") || c.subs.count(lower(symbol) + "@depth");
    }
    if (venue == Venue::dydx && kind == Kind::quote) return false;
    return c.subs.count(key(kind, symbol)) > 0;
  }
  std::string binance_stream(const Conn& c, Kind kind, const std::string& symbol) const {
    if (kind == Kind::book && !c.subs.count(lower(symbol) + "@depth@100ms")) {
      return lower(symbol) + "@depth";
    }
    return key(kind, symbol);
  }

  // --- sending (under mu) ---
  void send(Conn& c, std::string text) {
    if (c.session != nullptr) c.session->send(std::move(text));
  }
  std::string cb_envelope(Conn& c, const std::string& channel, const std::string& events) {
    return cb::envelope(channel, now(), c.seq++, events);
  }
  std::string dydx_head(Conn& c, const std::string& type) {
    return R"({"type":")" + type + R"(","connection_id":"sim-)" +
           std::to_string(&c - conns.data()) + R"(","message_id":)" + std::to_string(c.seq++);
  }

  static std::string pairs(const std::vector<SimLevel>& ls) {  // [["p","s"],...]
    std::string out = "[";
    for (std::size_t i = 0; i < ls.size(); ++i) {
      if (i) out += ',';
      out += "[" + quoted(ls[i].price) + "," + quoted(ls[i].size) + "]";
    }
    return out + "]";
  }
  static std::string kraken_levels(const std::vector<SimLevel>& ls) {
    std::string out = "[";
    for (std::size_t i = 0; i < ls.size(); ++i) {
      if (i) out += ',';
      out += R"({"price":)" + ls[i].price + R"(,"qty":)" + ls[i].size + "}";
    }
    return out + "]";
  }
  static std::string hl_levels(const std::vector<SimLevel>& ls) {
    std::string out = "[";
    for (std::size_t i = 0; i < ls.size(); ++i) {
      if (i) out += ',';
      out += R"({"px":)" + quoted(ls[i].price) + R"(,"sz":)" + quoted(ls[i].size) + R"(,"n":1})";
    }
    return out + "]";
  }
  static std::string dydx_levels(const std::vector<SimLevel>& ls) {
    std::string out = "[";
    for (std::size_t i = 0; i < ls.size(); ++i) {
      if (i) out += ',';
      out += R"({"price":)" + quoted(ls[i].price) + R"(,"size":)" + quoted(ls[i].size) + "}";
    }
    return out + "]";
  }
  // A Coinbase l2_data event of `type` ("snapshot" / "update") for these levels.
  std::string cb_l2(const char* type, const std::string& product, const std::vector<SimLevel>& b,
                    const std::vector<SimLevel>& a) const {
    std::vector<cb::LevelUpdate> updates;
    for (const auto& l : b) updates.push_back({true, l.price, l.size});
    for (const auto& l : a) updates.push_back({false, l.price, l.size});
    return cb::l2_events(type, product, updates, now());
  }
  std::string hl_book(const std::string& coin, const std::vector<SimLevel>& b,
                      const std::vector<SimLevel>& a) const {
    return R"({"channel":"l2Book","data":{"coin":)" + quoted(coin) + R"(,"time":)" + ms() +
           R"(,"levels":[)" + hl_levels(b) + "," + hl_levels(a) + "]}}";
  }
  std::string kraken_book(const char* type, const std::string& symbol,
                          const std::vector<SimLevel>& b, const std::vector<SimLevel>& a,
                          std::uint32_t checksum) const {
    return R"({"channel":"book","type":")" + std::string(type) + R"(","data":[{"symbol":)" +
           quoted(symbol) + R"(,"bids":)" + kraken_levels(b) + R"(,"asks":)" + kraken_levels(a) +
           R"(,"checksum":)" + std::to_string(checksum) + R"(,"timestamp":)" + iso() + "}]}";
  }

  // The snapshot a (re)subscribe brings on venues that send one over the socket.
  void send_book_snapshot(Conn& c, const std::string& symbol) {
    Book& b = book(symbol);
    const auto bids = Book::levels(b.bids);
    const auto asks = Book::levels(b.asks);
    switch (venue) {
      case Venue::coinbase:
        send(c, cb_envelope(c, "l2_data", cb_l2("snapshot", symbol, bids, asks)));
        break;
      case Venue::kraken:
        send(c, kraken_book("snapshot", symbol, bids, asks, kraken_checksum(b)));
        break;
      case Venue::hyperliquid:
        send(c, hl_book(symbol, bids, asks));
        break;
      default:
        break;
    }
  }

  // --- receiving (server thread) ---
  void on_connect(WsSession& s) {
    std::lock_guard lock(mu);
    Conn& c = conn(s.index());
    c = Conn{};
    c.session = &s;
    switch (venue) {
      case Venue::kraken:
        send(c,
             R"({"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":)" +
                 std::to_string(s.index() + 1) + R"(,"system":"online","version":"2.0.9"}]})");
        break;
      case Venue::hyperliquid:
        send(c, "Websocket connection established.");
        break;
      case Venue::dydx:
        send(c, dydx_head(c, "connected") + "}");
        break;
      default:
        break;
    }
  }

  void on_message(WsSession& s, const std::string& text) {
    std::lock_guard lock(mu);
    Conn& c = conn(s.index());
    c.received.push_back(text);
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return;
    const json::object& o = v.as_object();
    switch (venue) {
      case Venue::binance:
        return binance_msg(c, o);
      case Venue::coinbase:
        return coinbase_msg(c, text);
      case Venue::kraken:
        return kraken_msg(c, o);
      case Venue::hyperliquid:
        return hyperliquid_msg(c, o);
      case Venue::dydx:
        return dydx_msg(c, o);
      default:
        return generic_msg(c, o);
    }
  }

  static std::string str(const json::object& o, const char* field) {
    const json::value* v = o.if_contains(field);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  }

  void binance_msg(Conn& c, const json::object& o) {
    const std::string method = str(o, "method");
    const json::value* params = o.if_contains("params");
    const std::string id = o.contains("id") ? json::serialize(o.at("id")) : "null";
    if ((method != "SUBSCRIBE" && method != "UNSUBSCRIBE") || params == nullptr ||
        !params->is_array()) {
      return;
    }
    const bool sub = method == "SUBSCRIBE";
    (sub ? c.sub_frames : c.unsub_frames)++;
    std::vector<std::string> depth_symbols;
    for (const auto& p : params->as_array()) {
      if (!p.is_string()) continue;
      const std::string stream(p.as_string());
      if (sub) {
        c.subs.insert(stream);
        const auto at = stream.find("@depth");
        if (at != std::string::npos && stream.find("@depth@") == at) {
          depth_symbols.push_back(upper(stream.substr(0, at)));
        } else if (at != std::string::npos && stream.size() == at + 6) {
          depth_symbols.push_back(upper(stream.substr(0, at)));
        }
      } else {
        c.subs.erase(stream);
      }
    }
    send(c, R"({"result":null,"id":)" + id + "}");
    if (opt.binance_first_diff) {
      for (const auto& sym : depth_symbols) {
        Book& b = book(sym);
        ++b.update_id;
        send(c, binance_wrap(binance_stream(c, Kind::book, sym),
                             R"({"e":"depthUpdate","E":)" + ms() + R"(,"s":")" + sym + R"(","U":)" +
                                 std::to_string(b.update_id) + R"(,"u":)" +
                                 std::to_string(b.update_id) + R"(,"b":[],"a":[]})"));
      }
    }
  }
  static std::string binance_wrap(const std::string& stream, const std::string& data) {
    return R"({"stream":")" + stream + R"(","data":)" + data + "}";
  }

  std::string cb_subscriptions(const Conn& c) const {
    std::map<std::string, std::vector<std::string>> by;
    for (const auto& k : c.subs) {
      const auto colon = k.find(':');
      auto& list = by[k.substr(0, colon)];
      if (colon + 1 < k.size()) list.push_back(k.substr(colon + 1));
    }
    return cb::subscriptions_events(by);
  }

  void coinbase_msg(Conn& c, const std::string& text) {
    auto request = cb::parse_control(text);
    if (!request.ok()) return;
    const bool sub = request->subscribe;
    const std::string& channel = request->channel;
    const std::vector<std::string>& products = request->product_ids;
    (sub ? c.sub_frames : c.unsub_frames)++;
    if (products.empty()) {
      sub ? (void)c.subs.insert(channel + ":") : (void)c.subs.erase(channel + ":");
    }
    for (const auto& p : products) {
      sub ? (void)c.subs.insert(channel + ":" + p) : (void)c.subs.erase(channel + ":" + p);
    }
    send(c, cb_envelope(c, "subscriptions", cb_subscriptions(c)));
    if (sub && channel == "level2") {
      for (const auto& p : products) send_book_snapshot(c, p);
    }
  }

  void kraken_msg(Conn& c, const json::object& o) {
    const std::string method = str(o, "method");
    const std::string req = o.contains("req_id") ? json::serialize(o.at("req_id")) : "0";
    if (method == "ping") {
      ++app_pings;
      send(c, R"({"method":"pong","req_id":)" + req + R"(,"time_in":)" + iso() + R"(,"time_out":)" +
                  iso() + "}");
      return;
    }
    if (method != "subscribe" && method != "unsubscribe") return;
    const json::value* params = o.if_contains("params");
    if (params == nullptr || !params->is_object()) return;
    const json::object& p = params->as_object();
    const std::string channel = str(p, "channel");
    const bool sub = method == "subscribe";
    (sub ? c.sub_frames : c.unsub_frames)++;
    const json::value* symbols = p.if_contains("symbol");
    if (symbols == nullptr || !symbols->is_array()) return;
    for (const auto& x : symbols->as_array()) {
      if (!x.is_string()) continue;
      const std::string sym(x.as_string());
      const std::string k = channel + ":" + sym;
      sub ? (void)c.subs.insert(k) : (void)c.subs.erase(k);
      std::string result = R"({"channel":)" + quoted(channel) + R"(,"symbol":)" + quoted(sym);
      if (channel == "book") result += R"(,"depth":10)";
      if (sub) result += std::string(R"(,"snapshot":)") + (channel == "trade" ? "false" : "true");
      send(c, R"({"method":)" + quoted(method) + R"(,"result":)" + result +
                  R"(},"success":true,"time_in":)" + iso() + R"(,"time_out":)" + iso() +
                  R"(,"req_id":)" + req + "}");
      if (sub && channel == "book") send_book_snapshot(c, sym);
    }
  }

  void hyperliquid_msg(Conn& c, const json::object& o) {
    const std::string method = str(o, "method");
    if (method == "ping") {
      ++app_pings;
      send(c, R"({"channel":"pong"})");
      return;
    }
    if (method != "subscribe" && method != "unsubscribe") return;
    const json::value* s = o.if_contains("subscription");
    if (s == nullptr || !s->is_object()) return;
    const std::string type = str(s->as_object(), "type");
    const std::string coin = str(s->as_object(), "coin");
    const bool sub = method == "subscribe";
    (sub ? c.sub_frames : c.unsub_frames)++;
    sub ? (void)c.subs.insert(type + ":" + coin) : (void)c.subs.erase(type + ":" + coin);
    send(c, R"({"channel":"subscriptionResponse","data":{"method":)" + quoted(method) +
                R"(,"subscription":)" + json::serialize(*s) + "}}");
    if (sub && type == "l2Book") send_book_snapshot(c, coin);
  }

  void dydx_msg(Conn& c, const json::object& o) {
    const std::string type = str(o, "type");
    const std::string channel = str(o, "channel");
    const std::string id = str(o, "id");
    if (type != "subscribe" && type != "unsubscribe") return;
    const bool sub = type == "subscribe";
    (sub ? c.sub_frames : c.unsub_frames)++;
    const std::string k = channel + ":" + id;
    if (!sub) {
      c.subs.erase(k);
      send(c, dydx_head(c, "unsubscribed") + R"(,"channel":)" + quoted(channel) + R"(,"id":)" +
                  quoted(id) + "}");
      return;
    }
    c.subs.insert(k);
    std::string contents = R"({"trades":[]})";
    if (channel == "v4_orderbook") {
      Book& b = book(id);
      contents = R"({"bids":)" + dydx_levels(Book::levels(b.bids)) + R"(,"asks":)" +
                 dydx_levels(Book::levels(b.asks)) + "}";
    }
    send(c, dydx_head(c, "subscribed") + R"(,"channel":)" + quoted(channel) + R"(,"id":)" +
                quoted(id) + R"(,"contents":)" + contents + "}");
  }

  void generic_msg(Conn& c, const json::object& o) {
    if (str(o, "action") != "subscribe") return;
    ++c.sub_frames;
    const json::value* s = o.if_contains("symbols");
    if (s == nullptr || !s->is_array()) return;
    for (const auto& x : s->as_array()) {
      if (x.is_string()) c.subs.insert("price:" + std::string(x.as_string()));
    }
  }

  HttpReply on_http(const HttpSeen& req) {
    std::lock_guard lock(mu);
    HttpReply r;
    r.headers.emplace_back("Content-Type", "application/json");
    const auto q = req.target.find("symbol=");
    if (req.target.rfind("/api/v3/depth", 0) != 0 || q == std::string::npos) {
      r.status = 404;
      r.body = R"({"code":-1121,"msg":"Invalid symbol."})";
      return r;
    }
    ++snapshot_requests;
    std::string sym = req.target.substr(q + 7);
    sym = sym.substr(0, sym.find('&'));
    Book& b = book(sym);
    std::uint64_t id = b.update_id;
    if (stale_snapshots > 0) {
      --stale_snapshots;
      id = 1;
    }
    r.body = R"({"lastUpdateId":)" + std::to_string(id) + R"(,"bids":)" +
             pairs(Book::levels(b.bids)) + R"(,"asks":)" + pairs(Book::levels(b.asks)) + "}";
    return r;
  }
};

FeedSim::FeedSim(Venue venue, FeedSimOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->venue = venue;
  impl_->opt = std::move(options);
  testsupport::WsServerOptions wo;
  wo.on_text_write = impl_->opt.on_frame_write;
  wo.permessage_deflate = impl_->opt.permessage_deflate;
  impl_->ws = std::make_unique<WsServer>(wo);
  Impl* self = impl_.get();
  impl_->ws->on_connect([self](WsSession& s) { self->on_connect(s); });
  impl_->ws->on_message([self](WsSession& s, const std::string& m) { self->on_message(s, m); });
  if (venue == Venue::binance) {
    impl_->http = std::make_unique<testsupport::HttpServer>();
    impl_->http->on_request([self](const HttpSeen& r) { return self->on_http(r); });
  }
}

FeedSim::~FeedSim() {
  stop();
}

void FeedSim::stop() {
  if (impl_->ws) impl_->ws->stop();
  if (impl_->http) impl_->http->stop();
}

Venue FeedSim::venue() const noexcept {
  return impl_->venue;
}

std::string FeedSim::ws_url() const {
  return impl_->ws->url(impl_->venue == Venue::binance ? "/stream" : "/");
}

std::string FeedSim::rest_url() const {
  if (!impl_->http) return {};
  return "http://127.0.0.1:" + std::to_string(impl_->http->port());
}

testsupport::WsServer& FeedSim::ws_server() {
  return *impl_->ws;
}

void FeedSim::set_book(const std::string& symbol, std::vector<SimLevel> bids,
                       std::vector<SimLevel> asks) {
  std::lock_guard lock(impl_->mu);
  Book b;
  b.update_id = impl_->books.count(symbol) ? impl_->books[symbol].update_id : 1000;
  b.apply(bids, asks);
  impl_->books[symbol] = std::move(b);
}

void FeedSim::publish_quote(const std::string& symbol, const SimLevel& bid, const SimLevel& ask) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  for (Conn& c : m.conns) {
    if (!m.subscribed(c, Kind::quote, symbol)) continue;
    switch (m.venue) {
      case Venue::binance:
        m.send(c, Impl::binance_wrap(m.key(Kind::quote, symbol),
                                     R"({"u":)" + std::to_string(m.quote_u++) + R"(,"s":")" +
                                         symbol + R"(","b":)" + quoted(bid.price) + R"(,"B":)" +
                                         quoted(bid.size) + R"(,"a":)" + quoted(ask.price) +
                                         R"(,"A":)" + quoted(ask.size) + "}"));
        break;
      case Venue::coinbase:
        m.send(c, m.cb_envelope(c, "ticker",
                                cb::ticker_events("update", cb_ticker(symbol, bid, ask))));
        break;
      case Venue::kraken:
        m.send(
            c,
            R"({"channel":"ticker","type":"update","data":[{"symbol":)" + quoted(symbol) +
                R"(,"bid":)" + bid.price + R"(,"bid_qty":)" + bid.size + R"(,"ask":)" + ask.price +
                R"(,"ask_qty":)" + ask.size + R"(,"last":)" + bid.price +
                R"(,"volume":1000.5,"vwap":50000.1,"low":49000.0,"high":51000.0,"change":10.5,"change_pct":0.02}]})");
        break;
      case Venue::hyperliquid:
        m.send(c, R"({"channel":"bbo","data":{"coin":)" + quoted(symbol) + R"(,"time":)" + m.ms() +
                      R"(,"bbo":[{"px":)" + quoted(bid.price) + R"(,"sz":)" + quoted(bid.size) +
                      R"(,"n":1},{"px":)" + quoted(ask.price) + R"(,"sz":)" + quoted(ask.size) +
                      R"(,"n":1}]}})");
        break;
      case Venue::dydx:
        break;
      default:
        m.send(c, R"({"symbol":)" + quoted(symbol) + R"(,"price":)" + bid.price + R"(,"ts":)" +
                      m.ms() + "}");
        break;
    }
  }
}

void FeedSim::publish_trade(const std::string& symbol, const std::string& price,
                            const std::string& size, const std::string& side,
                            std::uint64_t trade_id) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  const bool buy = side == "buy";
  const std::string id = std::to_string(trade_id);
  for (Conn& c : m.conns) {
    if (!m.subscribed(c, Kind::trade, symbol)) continue;
    switch (m.venue) {
      case Venue::binance:
        m.send(c, Impl::binance_wrap(m.key(Kind::trade, symbol),
                                     R"({"e":"trade","E":)" + m.ms() + R"(,"s":")" + symbol +
                                         R"(","t":)" + id + R"(,"p":)" + quoted(price) +
                                         R"(,"q":)" + quoted(size) + R"(,"T":)" + m.ms() +
                                         R"(,"m":)" + (buy ? "false" : "true") + R"(,"M":true})"));
        break;
      case Venue::coinbase: {
        const cb::TradeFields trade{id, symbol, price, size, buy, m.now()};
        m.send(c,
               m.cb_envelope(c, "market_trades", cb::market_trades_events("update", {&trade, 1})));
      } break;
      case Venue::kraken:
        m.send(c, R"({"channel":"trade","type":"update","data":[{"symbol":)" + quoted(symbol) +
                      R"(,"side":)" + quoted(side) + R"(,"price":)" + price + R"(,"qty":)" + size +
                      R"(,"ord_type":"market","trade_id":)" + id + R"(,"timestamp":)" + m.iso() +
                      "}]}");
        break;
      case Venue::hyperliquid:
        m.send(c, R"({"channel":"trades","data":[{"coin":)" + quoted(symbol) + R"(,"side":)" +
                      (buy ? "\"B\"" : "\"A\"") + R"(,"px":)" + quoted(price) + R"(,"sz":)" +
                      quoted(size) + R"(,"hash":"0x5ee1","time":)" + m.ms() + R"(,"tid":)" + id +
                      R"(,"users":["0x1","0x2"]}]})");
        break;
      case Venue::dydx:
        m.send(c, m.dydx_head(c, "channel_data") + R"(,"id":)" + quoted(symbol) +
                      R"(,"channel":"v4_trades","version":"2.1.0","contents":{"trades":[{"id":)" +
                      quoted(id) + R"(,"side":)" + (buy ? "\"BUY\"" : "\"SELL\"") + R"(,"size":)" +
                      quoted(size) + R"(,"price":)" + quoted(price) +
                      R"(,"type":"LIMIT","createdAt":)" + m.iso() +
                      R"(,"createdAtHeight":"100"}]}})");
        break;
      default:
        break;
    }
  }
}

void FeedSim::publish_book_update(const std::string& symbol, const std::vector<SimLevel>& bids,
                                  const std::vector<SimLevel>& asks) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  Book& b = m.book(symbol);
  b.apply(bids, asks);
  if (m.venue == Venue::kraken) b.truncate(10);
  std::uint64_t first = 0;
  if (m.venue == Venue::binance) first = ++b.update_id;
  std::uint32_t checksum = kraken_checksum(b);
  if (b.bad_checksum_next) {
    checksum ^= 0x5a5a5a5au;
    b.bad_checksum_next = false;
  }
  for (Conn& c : m.conns) {
    if (!m.subscribed(c, Kind::book, symbol)) continue;
    switch (m.venue) {
      case Venue::binance:
        m.send(c, Impl::binance_wrap(m.binance_stream(c, Kind::book, symbol),
                                     R"({"e":"depthUpdate","E":)" + m.ms() + R"(,"s":")" + symbol +
                                         R"(","U":)" + std::to_string(first) + R"(,"u":)" +
                                         std::to_string(b.update_id) + R"(,"b":)" +
                                         Impl::pairs(bids) + R"(,"a":)" + Impl::pairs(asks) + "}"));
        break;
      case Venue::coinbase:
        m.send(c, m.cb_envelope(c, "l2_data", m.cb_l2("update", symbol, bids, asks)));
        break;
      case Venue::kraken:
        m.send(c, m.kraken_book("update", symbol, bids, asks, checksum));
        break;
      case Venue::hyperliquid:
        m.send(c, m.hl_book(symbol, Book::levels(b.bids), Book::levels(b.asks)));
        break;
      case Venue::dydx:
        m.send(c, m.dydx_head(c, "channel_data") + R"(,"id":)" + quoted(symbol) +
                      R"(,"channel":"v4_orderbook","version":"1.0.0","contents":{"bids":)" +
                      Impl::pairs(bids) + R"(,"asks":)" + Impl::pairs(asks) + "}}");
        break;
      default:
        break;
    }
  }
}

void FeedSim::publish_heartbeat() {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  ++m.heartbeat_counter;
  for (Conn& c : m.conns) {
    if (c.session == nullptr) continue;
    switch (m.venue) {
      case Venue::coinbase:
        if (c.subs.count("heartbeats:")) {
          m.send(c, m.cb_envelope(c, "heartbeats",
                                  cb::heartbeats_events(m.now(), m.heartbeat_counter)));
        }
        break;
      case Venue::kraken:
        if (!c.subs.empty()) m.send(c, R"({"channel":"heartbeat"})");
        break;
      case Venue::binance:
      case Venue::dydx:
        c.session->ping();
        break;
      case Venue::hyperliquid:
        break;
      default:
        m.send(c, R"({"type":"heartbeat","ts":)" + m.ms() + "}");
        break;
    }
  }
}

void FeedSim::inject_gap(const std::string& symbol) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  Book& b = m.book(symbol);
  switch (m.venue) {
    case Venue::binance:
      b.update_id += 5;  // five ids the client never sees
      break;
    case Venue::coinbase:
    case Venue::dydx:
      for (Conn& c : m.conns) ++c.seq;
      break;
    case Venue::kraken:
      b.bad_checksum_next = true;
      break;
    case Venue::hyperliquid: {
      // A crossed snapshot: the best bid above the best ask.
      const auto asks = Book::levels(b.asks);
      std::vector<SimLevel> bids{{asks.empty() ? "1" : asks.front().price, "1"}};
      bids.front().price = (dec(bids.front().price) + Decimal::one()).to_string();
      for (Conn& c : m.conns) {
        if (m.subscribed(c, Kind::book, symbol)) m.send(c, m.hl_book(symbol, bids, asks));
      }
      break;
    }
    default:
      break;
  }
}

void FeedSim::send_malformed(std::size_t session) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  Conn& c = m.conn(session);
  std::string text;
  switch (m.venue) {
    case Venue::binance:
      text = Impl::binance_wrap("btcusdt@bookTicker",
                                R"({"u":1,"s":"BTCUSDT","b":"abc","B":"1","a":"50001.5","A":"1"})");
      break;
    case Venue::coinbase:
      text = m.cb_envelope(
          c, "ticker",
          cb::ticker_events("update", cb_ticker("BTC-USD", {"abc", "1"}, {"50001.5", "1"})));
      break;
    case Venue::kraken:
      text =
          R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":"abc","bid_qty":1,"ask":50001.5,"ask_qty":1}]})";
      break;
    case Venue::hyperliquid:
      text =
          R"({"channel":"trades","data":[{"coin":"BTC","side":"A","px":"abc","sz":"1","hash":"0x1","time":1,"tid":1,"users":["0x1","0x2"]}]})";
      break;
    case Venue::dydx:
      text =
          m.dydx_head(c, "channel_data") +
          R"(,"id":"BTC-USD","channel":"v4_trades","version":"2.1.0","contents":{"trades":[{"id":"x","side":"HOLD","size":"1","price":"1","type":"LIMIT","createdAt":"2024-05-06T12:00:00.000Z","createdAtHeight":"1"}]}})";
      break;
    default:
      text = R"({"symbol":"BTC-USD","price":"abc","ts":)" + m.ms() + "}";
      break;
  }
  m.send(c, std::move(text));
}

void FeedSim::send_unknown_type(std::size_t session) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  Conn& c = m.conn(session);
  std::string text;
  switch (m.venue) {
    case Venue::binance:
      text = Impl::binance_wrap("btcusdt@ticker", R"({"e":"24hrTicker","E":)" + m.ms() +
                                                      R"(,"s":"BTCUSDT","c":"50001"})");
      break;
    case Venue::coinbase:
      text = m.cb_envelope(c, "candles", "[]");
      break;
    case Venue::kraken:
      text = R"({"channel":"ohlc","type":"update","data":[{"symbol":"BTC/USD"}]})";
      break;
    case Venue::hyperliquid:
      text = R"({"channel":"allMids","data":{"mids":{"BTC":"50001"}}})";
      break;
    case Venue::dydx:
      text =
          m.dydx_head(c, "channel_data") +
          R"(,"id":"v4_block_height","channel":"v4_block_height","contents":{"blockHeight":"5"}})";
      break;
    default:
      text = R"({"type":"news","text":"hello"})";
      break;
  }
  m.send(c, std::move(text));
}

void FeedSim::send_oversized(std::size_t session, std::size_t bytes) {
  std::string text = R"({"channel":"heartbeat","pad":")";
  const std::size_t tail = 2;
  if (bytes > text.size() + tail) text.append(bytes - text.size() - tail, 'x');
  text += "\"}";
  send_raw(session, std::move(text));
}

void FeedSim::send_server_shutdown(std::size_t session) {
  send_raw(session, R"({"e":"serverShutdown","E":)" + impl_->ms() + "}");
}

void FeedSim::send_raw(std::size_t session, std::string text) {
  std::lock_guard lock(impl_->mu);
  impl_->send(impl_->conn(session), std::move(text));
}

void FeedSim::ping(std::size_t session) {
  std::lock_guard lock(impl_->mu);
  if (auto* s = impl_->conn(session).session) s->ping();
}

void FeedSim::go_silent(std::size_t session) {
  std::lock_guard lock(impl_->mu);
  if (auto* s = impl_->conn(session).session) s->go_silent();
}

void FeedSim::reset(std::size_t session) {
  std::lock_guard lock(impl_->mu);
  if (auto* s = impl_->conn(session).session) s->reset();
}

void FeedSim::serve_stale_snapshots(std::size_t count) {
  std::lock_guard lock(impl_->mu);
  impl_->stale_snapshots = count;
}

std::size_t FeedSim::connections() const {
  return impl_->ws->handshakes();
}

std::vector<std::string> FeedSim::received(std::size_t session) const {
  std::lock_guard lock(impl_->mu);
  return session < impl_->conns.size() ? impl_->conns[session].received
                                       : std::vector<std::string>{};
}

std::vector<std::string> FeedSim::received_all() const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& c : impl_->conns) out.insert(out.end(), c.received.begin(), c.received.end());
  return out;
}

std::vector<std::string> FeedSim::subscriptions(std::size_t session) const {
  std::lock_guard lock(impl_->mu);
  if (session >= impl_->conns.size()) return {};
  const auto& s = impl_->conns[session].subs;
  return {s.begin(), s.end()};
}

std::size_t FeedSim::subscribe_frames(std::size_t session) const {
  std::lock_guard lock(impl_->mu);
  return session < impl_->conns.size() ? impl_->conns[session].sub_frames : 0;
}

std::size_t FeedSim::unsubscribe_frames(std::size_t session) const {
  std::lock_guard lock(impl_->mu);
  return session < impl_->conns.size() ? impl_->conns[session].unsub_frames : 0;
}

std::size_t FeedSim::snapshot_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->snapshot_requests;
}

std::size_t FeedSim::pongs() const {
  return impl_->ws->pongs();
}

std::size_t FeedSim::app_pings() const {
  std::lock_guard lock(impl_->mu);
  return impl_->app_pings;
}

}  // namespace nzeza::sim::feeds
