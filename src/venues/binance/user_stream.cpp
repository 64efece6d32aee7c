#include "venues/binance/user_stream.hpp"

#include "venues/private_stream_ws.hpp"

namespace nzeza::venues::binance {

BinanceUserStream::BinanceUserStream(net::NetContext& net, Clock& clock, UserStreamConfig config,
                                     std::function<std::string()> subscribe_frame,
                                     SymbolLookup lookup)
    : ws_(net, clock, private_ws_config(config, "binance user stream")),
      subscribe_frame_(std::move(subscribe_frame)),
      lookup_(std::move(lookup)) {
  ws_.on_subscribe([this] { return std::vector<std::string>{subscribe_frame_()}; });
  ws_.on_message([this](std::string_view m) { on_frame(m); });
  ws_.on_status([this](const net::ConnectionTransition& t) {
    if (t.to != net::ConnectionState::connected) subscribed_.store(false);
    if (auto cb = copy_locked(mu_, handlers_.on_state)) cb(t.to);
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

std::string BinanceUserStream::last_rejected() const {
  std::lock_guard lock(mu_);
  return last_rejected_;
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
  if (!ev.error.empty()) {
    rejected_.fetch_add(1);
    std::lock_guard lock(mu_);
    last_rejected_ = ev.error;
    return;
  }
  if (ev.ignored) ignored_.fetch_add(1);
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
