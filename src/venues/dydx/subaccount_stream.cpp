#include "venues/dydx/subaccount_stream.hpp"

#include <boost/json.hpp>

#include "venues/dydx/indexer_json.hpp"

namespace nzeza::venues::dydx {
namespace json = boost::json;

SubaccountStream::SubaccountStream(net::NetContext& net, Clock& clock,
                                   const InstrumentRegistry& registry, std::string address,
                                   std::uint32_t subaccount_number, std::string ws_url,
                                   net::TlsConfig tls)
    : net_(net),
      clock_(clock),
      registry_(registry),
      address_(std::move(address)),
      subaccount_number_(subaccount_number),
      ws_url_(std::move(ws_url)),
      tls_(std::move(tls)) {}

SubaccountStream::~SubaccountStream() {
  stop();
}

std::string SubaccountStream::subscribe_frame() const {
  json::object f;
  f["type"] = "subscribe";
  f["channel"] = "v4_subaccounts";
  f["id"] = address_ + "/" + std::to_string(subaccount_number_);
  return json::serialize(f);
}

void SubaccountStream::set_handlers(PrivateStreamHandlers handlers) {
  std::lock_guard lock(mu_);
  handlers_ = std::move(handlers);
}

void SubaccountStream::start(PrivateStreamHandlers handlers) {
  net::WsClient* ws = nullptr;
  {
    std::lock_guard lock(mu_);
    handlers_ = std::move(handlers);
    if (ws_) return;
    net::WsClientConfig cfg;
    cfg.url = ws_url_;
    cfg.name = "dydx v4_subaccounts";
    cfg.tls = tls_;
    // The Indexer pings every 30 s; silence for 45 s means the connection is gone.
    cfg.idle_timeout = std::chrono::seconds(45);
    ws_ = std::make_unique<net::WsClient>(net_, clock_, cfg);
    ws_->on_subscribe([this] { return std::vector<std::string>{subscribe_frame()}; });
    ws_->on_message([this](std::string_view text) { handle_message(text); });
    ws_->on_status([this](const net::ConnectionTransition& t) {
      std::function<void(net::ConnectionState)> cb;
      {
        std::lock_guard l(mu_);
        cb = handlers_.on_state;
      }
      if (cb) cb(t.to);
    });
    ws = ws_.get();
  }
  // Outside the lock: start() hops to the NetContext thread, where on_status takes the lock.
  // A refusal (bad URL, circuit open) shows in state() and on_state.
  (void)ws->start();
}

void SubaccountStream::stop() {
  std::unique_ptr<net::WsClient> ws;
  {
    std::lock_guard lock(mu_);
    ws = std::move(ws_);
  }
  if (!ws) return;
  ws->stop();
  (void)ws->wait_stopped();
}

net::ConnectionState SubaccountStream::state() const {
  auto* self = const_cast<SubaccountStream*>(this);
  std::lock_guard lock(self->mu_);
  return ws_ ? ws_->state() : net::ConnectionState::stopped;
}

void SubaccountStream::handle_message(std::string_view text) {
  std::error_code ec;
  auto msg = json::parse(text, ec);
  if (ec || !msg.is_object()) {
    ++dropped_;
    return;
  }
  const auto& o = msg.as_object();
  const auto* type = o.if_contains("type");
  const auto* channel = o.if_contains("channel");
  if (type == nullptr || !type->is_string() || channel == nullptr || !channel->is_string() ||
      channel->get_string() != "v4_subaccounts")
    return;  // connected, errors of other channels...
  const std::string_view t = type->get_string();
  const auto* contents = o.if_contains("contents");
  if (contents == nullptr) return;
  std::vector<const json::value*> parts;
  if (t == "channel_batch_data" && contents->is_array()) {
    for (const auto& c : contents->as_array()) parts.push_back(&c);
  } else if (t == "channel_data" || t == "subscribed") {
    parts.push_back(contents);
  } else {
    return;
  }
  PrivateStreamHandlers h;
  {
    std::lock_guard lock(mu_);
    h = handlers_;
  }
  for (const json::value* part : parts) {
    if (!part->is_object()) continue;
    // The snapshot nests the orders under "subaccount" in some Indexer versions.
    const json::value* holder = part;
    if (const auto* sub = part->as_object().if_contains("subaccount"); sub && sub->is_object())
      holder = sub;
    if (const auto* orders = holder->as_object().if_contains("orders");
        orders != nullptr && orders->is_array()) {
      for (const auto& ord : orders->as_array()) {
        auto v = parse_indexer_order(ord, registry_, clock_.now());
        if (!v) {
          ++dropped_;
          continue;
        }
        if (h.on_order) h.on_order(*v);
      }
    }
    if (t == "subscribed") continue;
    if (const auto* fills = part->as_object().if_contains("fills");
        fills != nullptr && fills->is_array()) {
      for (const auto& f : fills->as_array()) {
        auto fill = parse_indexer_fill(f, registry_);
        if (!fill) {
          ++dropped_;
          continue;
        }
        // The fill names the Indexer's order id; the order object in the same message (when
        // present) gives our client id.
        if (const auto* orders = part->as_object().if_contains("orders");
            orders != nullptr && orders->is_array()) {
          const auto* oid = f.as_object().if_contains("orderId");
          for (const auto& ord : orders->as_array()) {
            const auto* id = ord.is_object() ? ord.as_object().if_contains("id") : nullptr;
            const auto* cid = ord.is_object() ? ord.as_object().if_contains("clientId") : nullptr;
            if (oid && id && cid && cid->is_string() && *id == *oid)
              fill->client_order_id = std::string(cid->get_string());
          }
        }
        if (h.on_fill) h.on_fill(*fill);
      }
    }
  }
}

}  // namespace nzeza::venues::dydx
