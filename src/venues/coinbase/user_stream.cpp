#include "venues/coinbase/user_stream.hpp"

#include <boost/json.hpp>

#include "net/ws_client.hpp"
#include "venues/coinbase/rest_codec.hpp"

namespace nzeza::venues::coinbase {
namespace json = boost::json;
namespace {

Error protocol(std::string what) {
  return Error(ErrorCode::protocol, "coinbase user channel: " + std::move(what));
}

std::string_view str_or(const json::object& o, std::string_view k, std::string_view fallback) {
  const json::value* v = o.if_contains(k);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : fallback;
}

Result<Decimal> dec_or_zero(const json::object& o, std::string_view k) {
  const std::string_view s = str_or(o, k, "");
  if (s.empty()) return Decimal::zero();
  auto d = Decimal::parse(s);
  if (!d) return protocol("'" + std::string(k) + "' is not a decimal: '" + std::string(s) + "'");
  return *d;
}

Result<VenueOrder> order_of(const json::object& o, const InstrumentRegistry& registry) {
  using domain::OrderType;
  using domain::TimeInForce;
  VenueOrder out;
  const std::string_view id = str_or(o, "order_id", "");
  if (id.empty()) return protocol("order without order_id");
  out.report.venue_order_id = std::string(id);
  out.client_order_id = std::string(str_or(o, "client_order_id", ""));
  if (const Instrument* ins = registry.find(Venue::coinbase, str_or(o, "product_id", "")))
    out.instrument = ins->id;
  const std::string_view side = str_or(o, "order_side", "");
  if (side != "BUY" && side != "SELL") return protocol("order side '" + std::string(side) + "'");
  out.side = side == "BUY" ? Side::buy : Side::sell;
  const std::string_view type = str_or(o, "order_type", "");
  out.type = (type == "Market" || type == "MARKET")          ? OrderType::market
             : (type == "StopLimit" || type == "STOP_LIMIT") ? OrderType::stop_limit
                                                             : OrderType::limit;
  const std::string_view tif = str_or(o, "time_in_force", "");
  out.time_in_force = tif == "IMMEDIATE_OR_CANCEL" ? TimeInForce::ioc
                      : tif == "FILL_OR_KILL"      ? TimeInForce::fok
                                                   : TimeInForce::gtc;
  auto cum = dec_or_zero(o, "cumulative_quantity");
  if (!cum) return cum.error();
  auto leaves = dec_or_zero(o, "leaves_quantity");
  if (!leaves) return leaves.error();
  auto avg = dec_or_zero(o, "avg_price");
  if (!avg) return avg.error();
  auto total = cum->checked_add(*leaves);
  if (!total) return protocol("cumulative + leaves overflows");
  out.quantity = *total;
  out.report.cumulative_filled = *cum;
  if (cum->is_positive() && avg->is_positive()) out.report.average_price = *avg;
  auto status = order_status_from(str_or(o, "status", ""), *cum);
  if (!status) return status.error();
  out.report.status = *status;
  std::string_view reason = str_or(o, "reject_reason", "");
  if (reason.empty()) reason = str_or(o, "cancel_reason", "");
  out.report.reason = std::string(reason);
  if (auto t = Timestamp::parse_iso8601(str_or(o, "creation_time", ""))) out.report.at = *t;
  return out;
}

}  // namespace

Result<std::vector<VenueOrder>> parse_user_message(std::string_view text,
                                                   const InstrumentRegistry& registry) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return protocol("malformed JSON");
  const auto& msg = v.as_object();
  std::vector<VenueOrder> out;
  if (str_or(msg, "channel", "") != "user") return out;
  const json::value* events = msg.if_contains("events");
  if (events == nullptr || !events->is_array()) return protocol("user message without events");
  for (const auto& e : events->as_array()) {
    if (!e.is_object()) return protocol("an event is not an object");
    const json::value* orders = e.as_object().if_contains("orders");
    if (orders == nullptr) continue;
    if (!orders->is_array()) return protocol("'orders' is not an array");
    for (const auto& o : orders->as_array()) {
      if (!o.is_object()) return protocol("an order is not an object");
      auto order = order_of(o.as_object(), registry);
      if (!order) return order.error();
      out.push_back(std::move(order).value());
    }
  }
  return out;
}

struct UserStream::Shared {
  std::mutex mu;
  PrivateStreamHandlers handlers;
  std::map<std::string, Decimal> cumulative;  // order id → cumulative quantity seen
  std::set<std::string> delivered;            // trade ids delivered
  std::string last_error;
  bool stopped = false;
};

UserStream::UserStream(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                       JwtSigner signer, UserStreamConfig config)
    : clock_(clock),
      registry_(registry),
      signer_(std::move(signer)),
      config_(std::move(config)),
      shared_(std::make_shared<Shared>()) {
  net::WsClientConfig wc;
  wc.url = config_.url;
  wc.name = "coinbase user";
  wc.tls = config_.tls;
  wc.idle_timeout = config_.idle_timeout;
  wc.connect_timeout = config_.connect_timeout;
  ws_ = std::make_unique<net::WsClient>(net, clock, std::move(wc));
}

UserStream::~UserStream() {
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopped = true;
    shared_->handlers = {};
  }
  ws_.reset();
}

void UserStream::set_fill_fetcher(FillFetcher fetcher) {
  fetcher_ = std::move(fetcher);
}

std::vector<std::string> UserStream::subscribe_frames() const {
  std::vector<std::string> frames;
  const std::int64_t nbf = clock_.now().seconds();
  for (const char* channel : {"user", "heartbeats"}) {
    auto jwt = signer_.sign(std::nullopt, nbf);
    if (!jwt) continue;
    json::array products;
    for (const auto& s : config_.symbols) products.emplace_back(s);
    json::object frame{{"type", "subscribe"},
                       {"product_ids", std::move(products)},
                       {"channel", channel},
                       {"jwt", *jwt}};
    frames.push_back(json::serialize(frame));
  }
  return frames;
}

void UserStream::start(PrivateStreamHandlers handlers) {
  {
    std::lock_guard lock(shared_->mu);
    shared_->handlers = std::move(handlers);
    shared_->stopped = false;
  }
  if (started_) return;
  started_ = true;
  ws_->on_subscribe([this] { return subscribe_frames(); });
  ws_->on_message([this](std::string_view text) { on_message(text); });
  std::weak_ptr<Shared> weak = shared_;
  ws_->on_error([weak](const Error& e) {
    if (auto s = weak.lock()) {
      std::lock_guard lock(s->mu);
      s->last_error = e.to_string();
    }
  });
  ws_->on_status([weak](const net::ConnectionTransition& t) {
    auto s = weak.lock();
    if (!s) return;
    std::function<void(net::ConnectionState)> cb;
    {
      std::lock_guard lock(s->mu);
      cb = s->handlers.on_state;
    }
    if (cb) cb(t.to);
  });
  if (auto st = ws_->start(); !st) {
    std::lock_guard lock(shared_->mu);
    shared_->last_error = st.error().to_string();
  }
}

void UserStream::stop() {
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopped = true;
  }
  ws_->stop();
  (void)ws_->wait_stopped(std::chrono::seconds(3));
}

net::ConnectionState UserStream::state() const {
  return ws_->state();
}

std::string UserStream::last_error() const {
  std::lock_guard lock(shared_->mu);
  return shared_->last_error;
}

void UserStream::on_message(std::string_view text) {
  if (text.find("\"type\":\"error\"") != std::string_view::npos) {
    std::lock_guard lock(shared_->mu);
    shared_->last_error = std::string(text.substr(0, 512));
    return;
  }
  auto orders = parse_user_message(text, registry_);
  if (!orders) {
    std::lock_guard lock(shared_->mu);
    shared_->last_error = orders.error().to_string();
    return;
  }
  std::function<void(const VenueOrder&)> on_order;
  std::vector<std::string> fetch;
  {
    std::lock_guard lock(shared_->mu);
    if (shared_->stopped) return;
    on_order = shared_->handlers.on_order;
    for (const auto& o : *orders) {
      Decimal& seen = shared_->cumulative[o.report.venue_order_id];
      if (o.report.cumulative_filled > seen) {
        seen = o.report.cumulative_filled;
        fetch.push_back(o.report.venue_order_id);
      }
    }
  }
  if (on_order)
    for (const auto& o : *orders) on_order(o);
  if (!fetcher_) return;
  std::weak_ptr<Shared> weak = shared_;
  for (const auto& id : fetch) {
    fetcher_(id, [weak](Result<std::vector<domain::Fill>> fills) {
      // Only the shared state: the stream itself may be gone by the time the answer comes.
      auto s = weak.lock();
      if (!s) return;
      if (!fills) {
        std::lock_guard lock(s->mu);
        s->last_error = fills.error().to_string();
        return;
      }
      deliver_fills(*s, *fills);
    });
  }
}

void UserStream::deliver_fills(Shared& shared, const std::vector<domain::Fill>& fills) {
  std::function<void(const domain::Fill&)> on_fill;
  std::vector<const domain::Fill*> fresh;
  {
    std::lock_guard lock(shared.mu);
    if (shared.stopped) return;
    on_fill = shared.handlers.on_fill;
    for (const auto& f : fills)
      if (shared.delivered.insert(f.trade_id).second) fresh.push_back(&f);
  }
  if (on_fill)
    for (const auto* f : fresh) on_fill(*f);
}

}  // namespace nzeza::venues::coinbase
