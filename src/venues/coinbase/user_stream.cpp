#include "venues/coinbase/user_stream.hpp"

#include <boost/json.hpp>
#include <utility>

#include "net/ws_client.hpp"
#include "venues/private_stream_ws.hpp"

namespace nzeza::venues::coinbase {
namespace json = boost::json;

struct UserStream::Shared {
  std::mutex mu;
  PrivateStreamHandlers handlers;
  std::map<std::string, Decimal> cumulative;  // order id → cumulative quantity seen
  // (product, trade id) of each fill delivered: a trade id is not promised unique across
  // products.
  std::set<std::pair<std::string, std::string>> delivered;
  std::string last_error;
  std::uint64_t skipped = 0;  // user messages that could not be read (each one in last_error)
  bool stopped = false;
};

UserStream::UserStream(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                       JwtSigner signer, UserStreamConfig config)
    : clock_(clock),
      registry_(registry),
      signer_(std::move(signer)),
      config_(std::move(config)),
      shared_(std::make_shared<Shared>()) {
  ws_ = std::make_unique<net::WsClient>(net, clock, private_ws_config(config_, "coinbase user"));
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
    if (auto cb = copy_locked(s->mu, s->handlers.on_state)) cb(t.to);
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

std::uint64_t UserStream::skipped_messages() const {
  std::lock_guard lock(shared_->mu);
  return shared_->skipped;
}

void UserStream::on_message(std::string_view text) {
  if (text.find("\"type\":\"error\"") != std::string_view::npos) {
    std::lock_guard lock(shared_->mu);
    shared_->last_error = std::string(text.substr(0, 512));
    return;
  }
  auto orders = parse_user_message(text, registry_);
  if (!orders) {
    // Skipped, never silently: counted and reported; the REST reconciliation (open_orders,
    // fills_since) still lists what it carried.
    std::lock_guard lock(shared_->mu);
    ++shared_->skipped;
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
      if (shared.delivered.emplace(f.venue_symbol, f.trade_id).second) fresh.push_back(&f);
  }
  if (on_fill)
    for (const auto* f : fresh) on_fill(*f);
}

}  // namespace nzeza::venues::coinbase
