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
  {
    std::lock_guard lock(mu_);
    handlers_ = std::move(handlers);
    if (ws_) return;
  }
  // Built and wired outside `mu_`: WsClient takes its own lock to register callbacks, and its
  // status callback takes `mu_` (lock order: WsClient, then mu_ — never the reverse).
  net::WsClientConfig cfg;
  cfg.url = ws_url_;
  cfg.name = "dydx v4_subaccounts";
  cfg.tls = tls_;
  // The Indexer pings every 30 s; silence for 45 s means the connection is gone.
  cfg.idle_timeout = std::chrono::seconds(45);
  auto fresh = std::make_unique<net::WsClient>(net_, clock_, cfg);
  fresh->on_subscribe([this] { return std::vector<std::string>{subscribe_frame()}; });
  fresh->on_message([this](std::string_view text) { handle_message(text); });
  fresh->on_status([this](const net::ConnectionTransition& t) {
    if (auto cb = copy_locked(mu_, handlers_.on_state)) cb(t.to);
  });
  net::WsClient* ws = nullptr;
  {
    std::lock_guard lock(mu_);
    if (ws_) return;  // a concurrent start() won; `fresh` never started, dropped here
    ws_ = std::move(fresh);
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
  auto msg = parse_subaccounts_message(text, registry_, clock_.now());
  dropped_ += msg.dropped;
  if (msg.events.empty()) return;
  PrivateStreamHandlers h;
  {
    std::lock_guard lock(mu_);
    h = handlers_;
  }
  for (const auto& event : msg.events) {
    if (const auto* o = std::get_if<VenueOrder>(&event)) {
      if (h.on_order) h.on_order(*o);
    } else if (h.on_fill) {
      h.on_fill(std::get<domain::Fill>(event));
    }
  }
}

}  // namespace nzeza::venues::dydx
