#include "venues/hyperliquid/user_stream.hpp"

#include <boost/json.hpp>

#include "net/ws_client.hpp"
#include "venues/hyperliquid/responses.hpp"
#include "venues/private_stream_ws.hpp"

namespace nzeza::venues::hyperliquid {

namespace json = boost::json;

// Shared with the ping timer so a timer firing during destruction never touches a dead stream.
struct HyperliquidUserStream::PingState {
  std::mutex mu;
  net::WsClient* ws = nullptr;  // null once stopped
};

namespace {

using PingState = HyperliquidUserStream::PingState;

std::string subscribe(std::string_view type, std::string_view user) {
  json::object sub;
  sub["type"] = type;
  sub["user"] = user;
  json::object m;
  m["method"] = "subscribe";
  m["subscription"] = std::move(sub);
  return json::serialize(m);
}

void ping_loop(Clock& clock, Duration every, std::shared_ptr<PingState> state) {
  clock.schedule_after(every, [&clock, every, state] {
    {
      std::lock_guard lock(state->mu);
      if (state->ws == nullptr) return;
      (void)state->ws->send(R"({"method":"ping"})");  // not connected: the next one will do
    }
    ping_loop(clock, every, state);
  });
}

}  // namespace

HyperliquidUserStream::HyperliquidUserStream(net::NetContext& net, Clock& clock,
                                             const InstrumentRegistry& registry,
                                             UserStreamConfig config)
    : net_(net), clock_(clock), registry_(registry), config_(std::move(config)) {}

HyperliquidUserStream::~HyperliquidUserStream() {
  stop();
}

void HyperliquidUserStream::start(PrivateStreamHandlers handlers) {
  {
    std::lock_guard hl(handlers_mu_);
    handlers_ = std::move(handlers);
  }
  // mu_ guards ws_ only; the WebSocket's callbacks take handlers_mu_ (start() waits for the
  // network thread, which may be delivering a status change at that moment).
  std::lock_guard lock(mu_);
  if (ws_) return;  // idempotent: new handlers, same connection
  ws_ = std::make_unique<net::WsClient>(
      net_, clock_, private_ws_config(config_, "hyperliquid user " + config_.user));
  const std::string user = config_.user;
  ws_->on_subscribe([user] {
    return std::vector<std::string>{subscribe("orderUpdates", user), subscribe("userFills", user)};
  });
  ws_->on_message([this](std::string_view text) { (void)handle_message(text); });
  ws_->on_status([this](const net::ConnectionTransition& t) {
    if (auto cb = copy_locked(handlers_mu_, handlers_.on_state)) cb(t.to);
  });
  auto ping = std::make_shared<PingState>();
  ping->ws = ws_.get();
  ping_state_ = ping;
  (void)ws_->start();
  ping_loop(clock_, config_.ping_interval, ping);
}

void HyperliquidUserStream::stop() {
  std::unique_ptr<net::WsClient> ws;
  {
    std::lock_guard lock(mu_);
    if (auto p = ping_state_.lock()) {
      std::lock_guard pl(p->mu);
      p->ws = nullptr;
    }
    ws = std::move(ws_);
  }
  if (ws) {
    ws->stop();
    (void)ws->wait_stopped(std::chrono::seconds(2));
  }
}

net::ConnectionState HyperliquidUserStream::state() const {
  std::lock_guard lock(mu_);
  return ws_ ? ws_->state() : net::ConnectionState::stopped;
}

bool HyperliquidUserStream::handle_message(std::string_view text) {
  auto m = read_user_message(text, registry_);
  malformed_ += m.malformed + (m.ok ? 0 : 1);
  if (!m.ok) return false;
  PrivateStreamHandlers h;
  {
    std::lock_guard lock(handlers_mu_);
    h = handlers_;
  }
  if (h.on_order) {
    for (const auto& o : m.orders) h.on_order(o);
  }
  if (h.on_fill) {
    for (const auto& f : m.fills) h.on_fill(f);
  }
  return true;
}

}  // namespace nzeza::venues::hyperliquid
