#include "venues/binance/user_stream.hpp"

#include <boost/json.hpp>

#include "venues/binance/client.hpp"

namespace nzeza::venues::binance {

namespace json = boost::json;

namespace {

struct Bad {
  std::string what;
};

std::string_view sv(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr || !v->is_string())
    throw Bad{"field '" + std::string(k) + "' missing or not a string"};
  return v->get_string();
}
std::int64_t iv(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v != nullptr && v->is_int64()) return v->get_int64();
  if (v != nullptr && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  throw Bad{"field '" + std::string(k) + "' missing or not an integer"};
}
Decimal dv(const json::object& o, std::string_view k) {
  auto d = Decimal::parse(sv(o, k));
  if (!d) throw Bad{"field '" + std::string(k) + "': " + d.error().message};
  return *d;
}

void parse_execution(const json::object& e, const SymbolLookup& lookup, UserStreamEvent& out) {
  auto id = lookup(sv(e, "s"));
  if (!id) return;  // a symbol nzeza does not trade: ignored
  VenueOrder v;
  v.instrument = *id;
  const std::string_view exec = sv(e, "x");
  // On a cancel, "c" is the cancel request's id and "C" the order's own.
  const std::string_view orig =
      e.contains("C") && e.at("C").is_string() ? e.at("C").get_string() : std::string_view{};
  v.client_order_id = std::string(exec == "CANCELED" && !orig.empty() ? orig : sv(e, "c"));
  const std::string_view side = sv(e, "S");
  if (side != "BUY" && side != "SELL") throw Bad{"unknown side"};
  v.side = side == "BUY" ? Side::buy : Side::sell;
  const std::string_view type = sv(e, "o");
  const std::string_view tif = sv(e, "f");
  if (type == "MARKET") {
    v.type = domain::OrderType::market;
  } else if (type == "LIMIT" || type == "LIMIT_MAKER") {
    v.type = domain::OrderType::limit;
  } else if (type == "STOP_LOSS") {
    v.type = domain::OrderType::stop;
  } else if (type == "TAKE_PROFIT") {
    v.type = domain::OrderType::take_profit;
  } else {
    v.type = domain::OrderType::stop_limit;
  }
  v.time_in_force = type == "LIMIT_MAKER" ? domain::TimeInForce::post_only
                    : tif == "IOC"        ? domain::TimeInForce::ioc
                    : tif == "FOK"        ? domain::TimeInForce::fok
                                          : domain::TimeInForce::gtc;
  v.quantity = dv(e, "q");
  if (Decimal p = dv(e, "p"); !p.is_zero()) v.price = p;
  auto status = parse_order_status(sv(e, "X"));
  if (!status) throw Bad{"unknown order status '" + std::string(sv(e, "X")) + "'"};
  v.report.status = *status;
  v.report.cumulative_filled = dv(e, "z");
  if (v.report.cumulative_filled.is_positive()) {
    auto avg = dv(e, "Z").checked_div(v.report.cumulative_filled);
    if (avg) v.report.average_price = *avg;
  }
  v.report.venue_order_id = std::to_string(iv(e, "i"));
  if (const auto* r = e.if_contains("r"); r && r->is_string() && r->get_string() != "NONE")
    v.report.reason = std::string(r->get_string());
  v.report.at = Timestamp::from_ms(iv(e, "T"));
  if (exec == "TRADE") {
    domain::Fill f;
    f.venue = Venue::binance;
    f.instrument = *id;
    f.trade_id = std::to_string(iv(e, "t"));
    f.client_order_id = v.client_order_id;
    f.side = v.side;
    f.price = dv(e, "L");
    f.quantity = dv(e, "l");
    f.fee = dv(e, "n");
    if (const auto* n = e.if_contains("N"); n && n->is_string())
      f.fee_currency = std::string(n->get_string());
    const auto* m = e.if_contains("m");
    f.liquidity =
        m && m->is_bool() && m->get_bool() ? domain::Liquidity::maker : domain::Liquidity::taker;
    f.time = v.report.at;
    out.fill = std::move(f);
  }
  out.order = std::move(v);
}

}  // namespace

UserStreamEvent parse_user_stream_frame(std::string_view frame, const SymbolLookup& lookup) {
  UserStreamEvent out;
  boost::system::error_code ec;
  auto v = json::parse(frame, ec);
  if (ec || !v.is_object()) {
    out.error = "binance user stream: malformed frame";
    return out;
  }
  const auto& o = v.get_object();
  try {
    if (const auto* ev = o.if_contains("event")) {
      if (!ev->is_object()) throw Bad{"'event' is not an object"};
      const auto& e = ev->get_object();
      const std::string_view type = sv(e, "e");
      if (type == "executionReport") {
        parse_execution(e, lookup, out);
      } else if (type == "outboundAccountPosition") {
        const auto* b = e.if_contains("B");
        if (b == nullptr || !b->is_array()) throw Bad{"'B' missing"};
        for (const auto& x : b->get_array()) {
          if (!x.is_object()) throw Bad{"balance entry is not an object"};
          const auto& bo = x.get_object();
          auto bal = domain::Balance::create(std::string(sv(bo, "a")), dv(bo, "f"), dv(bo, "l"));
          if (!bal) throw Bad{bal.error().message};
          out.balances.push_back(std::move(*bal));
        }
      } else if (type == "eventStreamTerminated") {
        out.terminated = true;
      }
      return out;
    }
    if (const auto* status = o.if_contains("status")) {
      if (status->is_int64() && status->get_int64() == 200) {
        out.subscribed = true;
      } else {
        out.subscribe_refused = true;
        out.error = "binance user stream: subscribe refused: " +
                    json::serialize(o.contains("error") ? o.at("error") : *status);
      }
    }
  } catch (const Bad& b) {
    out.order.reset();
    out.fill.reset();
    out.balances.clear();
    out.error = "binance user stream: unreadable event: " + b.what;
  }
  return out;
}

BinanceUserStream::BinanceUserStream(net::NetContext& net, Clock& clock, UserStreamConfig config,
                                     std::function<std::string()> subscribe_frame,
                                     SymbolLookup lookup)
    : ws_(net, clock,
          [&config] {
            net::WsClientConfig c;
            c.url = config.url;
            c.name = "binance user stream";
            c.tls = config.tls;
            c.idle_timeout = config.idle_timeout;
            c.connect_timeout = config.connect_timeout;
            return c;
          }()),
      subscribe_frame_(std::move(subscribe_frame)),
      lookup_(std::move(lookup)) {
  ws_.on_subscribe([this] { return std::vector<std::string>{subscribe_frame_()}; });
  ws_.on_message([this](std::string_view m) { on_frame(m); });
  ws_.on_status([this](const net::ConnectionTransition& t) {
    if (t.to != net::ConnectionState::connected) subscribed_.store(false);
    std::function<void(net::ConnectionState)> cb;
    {
      std::lock_guard lock(mu_);
      cb = handlers_.on_state;
    }
    if (cb) cb(t.to);
  });
}

BinanceUserStream::~BinanceUserStream() {
  stop();
}

void BinanceUserStream::start(PrivateStreamHandlers handlers) {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    handlers_ = std::move(handlers);
    first = !started_;
    started_ = true;
  }
  if (first) (void)ws_.start();
}

void BinanceUserStream::stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    started_ = false;
  }
  ws_.stop();
  (void)ws_.wait_stopped();
  std::lock_guard lock(mu_);
  handlers_ = {};
}

net::ConnectionState BinanceUserStream::state() const {
  return ws_.state();
}

std::string BinanceUserStream::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void BinanceUserStream::on_frame(std::string_view frame) {
  UserStreamEvent ev = parse_user_stream_frame(frame, lookup_);
  PrivateStreamHandlers h;
  {
    std::lock_guard lock(mu_);
    h = handlers_;
  }
  if (ev.subscribed) subscribed_.store(true);
  if (ev.subscribe_refused) {
    // A refused subscription (bad key, clock) does not heal by reconnecting at once: it is
    // kept for the operator; the next (re)connect signs a fresh request.
    std::lock_guard lock(mu_);
    last_error_ = ev.error;
    return;
  }
  if (ev.terminated) {
    (void)ws_.reconnect("eventStreamTerminated");
    return;
  }
  if (ev.order || !ev.balances.empty()) events_.fetch_add(1);
  // The trade first, then the order's cumulative report that includes it.
  if (ev.fill && h.on_fill) h.on_fill(*ev.fill);
  if (ev.order && h.on_order) h.on_order(*ev.order);
  if (h.on_balance)
    for (const auto& b : ev.balances) h.on_balance(b);
}

}  // namespace nzeza::venues::binance
