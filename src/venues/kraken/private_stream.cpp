#include "venues/kraken/private_stream.hpp"

#include "venues/kraken/client.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::kraken {

std::string derive_private_ws_url(std::string_view base_url, std::string_view configured) {
  if (!configured.empty()) return std::string(configured);
  const bool http = base_url.substr(0, 7) == "http://";
  const bool https = base_url.substr(0, 8) == "https://";
  if (http || https) {
    std::string_view rest = base_url.substr(http ? 7 : 8);
    const std::string_view host = rest.substr(0, rest.find_first_of(":/"));
    if (host == "127.0.0.1" || host == "localhost" || host == "[::1]") {
      const auto slash = rest.find('/');
      std::string authority(rest.substr(0, slash));
      return std::string(http ? "ws://" : "wss://") + authority + "/v2";
    }
  }
  return std::string(kDefaultPrivateWsUrl);
}

// ---------------------------------------------------------------------------------------------

struct KrakenPrivateStream::Shared : std::enable_shared_from_this<KrakenPrivateStream::Shared> {
  Shared(KrakenClient& c, net::NetContext& n, Clock& k, const InstrumentRegistry& r,
         std::function<std::optional<InstrumentId>(std::string_view)> resolve)
      : client(c), net(n), clock(k), tracker(r, std::move(resolve)) {}
  KrakenClient& client;
  net::NetContext& net;
  Clock& clock;
  mutable std::mutex mu;
  PrivateStreamHandlers handlers;
  std::string token;
  bool started = false;
  bool stopped = false;
  bool fetching = false;
  std::unique_ptr<net::WsClient> ws;
  ExecutionsTracker tracker;  // touched on the NetContext's thread only
  std::uint64_t malformed = 0;
  net::WsClientConfig ws_config;
  TimerId retry_timer = 0;

  void fetch_token(bool reconnect_after) {
    {
      std::lock_guard lock(mu);
      if (stopped || fetching) return;
      fetching = true;
    }
    auto weak = weak_from_this();
    client.websockets_token([weak, reconnect_after](Result<std::string> t) {
      auto self = weak.lock();
      if (!self) return;
      self->on_token(std::move(t), reconnect_after);
    });
  }

  void on_token(Result<std::string> t, bool reconnect_after) {
    net::WsClient* to_start = nullptr;
    net::WsClient* to_reconnect = nullptr;
    bool need_client = false;
    {
      std::lock_guard lock(mu);
      fetching = false;
      if (stopped) return;
      if (!t) {
        // Retry in a second (the REST layer applies its own limits).
        auto weak = weak_from_this();
        retry_timer = clock.schedule_after(1s, [weak, reconnect_after] {
          if (auto self = weak.lock()) self->fetch_token(reconnect_after);
        });
        return;
      }
      token = std::move(t).value();
      if (ws && reconnect_after) to_reconnect = ws.get();
      need_client = !ws;
    }
    if (need_client) {
      // Built and wired outside `mu`: WsClient takes its own lock to register callbacks, and its
      // callbacks take `mu` (lock order: WsClient, then mu — never the reverse).
      auto fresh = std::make_unique<net::WsClient>(net, clock, ws_config);
      wire(*fresh);
      std::lock_guard lock(mu);
      if (!stopped && !ws) {
        ws = std::move(fresh);
        to_start = ws.get();
      }
    }
    if (to_start != nullptr) (void)to_start->start();
    if (to_reconnect != nullptr) (void)to_reconnect->reconnect("fresh executions token");
  }

  void wire(net::WsClient& w) {
    auto weak = weak_from_this();
    w.on_subscribe([weak]() -> std::vector<std::string> {
      auto self = weak.lock();
      if (!self) return {};
      std::string tok;
      {
        std::lock_guard lock(self->mu);
        tok = self->token;
      }
      return {R"({"method":"subscribe","params":{"channel":"executions","token":")" + tok +
              R"(","snap_orders":true,"snap_trades":false},"req_id":1})"};
    });
    w.on_message([weak](std::string_view m) {
      if (auto self = weak.lock()) self->on_message(m);
    });
    w.on_status([weak](const net::ConnectionTransition& tr) {
      auto self = weak.lock();
      if (!self) return;
      if (auto cb = copy_locked(self->mu, self->handlers.on_state)) cb(tr.to);
      // A token is good for one connection: fetch the next one while reconnecting.
      if (tr.from == net::ConnectionState::connected && tr.to == net::ConnectionState::reconnecting)
        self->fetch_token(false);
    });
  }

  static bool subscribe_refused(std::string_view m) {
    return m.find("\"method\":\"subscribe\"") != std::string_view::npos &&
           m.find("\"success\":false") != std::string_view::npos;
  }

  void on_message(std::string_view m) {
    if (subscribe_refused(m)) {
      fetch_token(true);
      return;
    }
    auto parsed = parse_executions_frame(m);
    if (!parsed) {
      std::lock_guard lock(mu);
      ++malformed;
      return;
    }
    if (!parsed->has_value()) return;
    PrivateStreamHandlers h;
    {
      std::lock_guard lock(mu);
      h = handlers;
    }
    for (const auto& entry : **parsed) {
      auto ev = tracker.apply(entry);
      if (!ev) {
        std::lock_guard lock(mu);
        ++malformed;
        continue;
      }
      if (ev->order && h.on_order) h.on_order(*ev->order);
      if (ev->fill && h.on_fill) h.on_fill(*ev->fill);
    }
  }
};

KrakenPrivateStream::KrakenPrivateStream(KrakenClient& client, net::NetContext& net, Clock& clock,
                                         const InstrumentRegistry& registry,
                                         const KrakenClientConfig& config)
    : client_(client),
      net_(net),
      clock_(clock),
      url_(derive_private_ws_url(config.base_url, config.ws_url)),
      tls_(config.tls) {
  const InstrumentRegistry* reg = &registry;
  shared_ = std::make_shared<Shared>(client_, net_, clock_, registry,
                                     [reg](std::string_view sym) -> std::optional<InstrumentId> {
                                       if (const auto* i = reg->find(Venue::kraken, sym))
                                         return i->id;
                                       return std::nullopt;
                                     });
  shared_->ws_config.url = url_;
  shared_->ws_config.name = "kraken executions";
  shared_->ws_config.tls = tls_;
}

KrakenPrivateStream::~KrakenPrivateStream() {
  stop();
}

void KrakenPrivateStream::start(PrivateStreamHandlers handlers) {
  {
    std::lock_guard lock(shared_->mu);
    shared_->handlers = std::move(handlers);
    if (shared_->started) return;
    shared_->started = true;
  }
  shared_->fetch_token(false);
}

void KrakenPrivateStream::stop() {
  std::unique_ptr<net::WsClient> ws;
  TimerId timer = 0;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopped = true;
    ws = std::move(shared_->ws);
    timer = shared_->retry_timer;
  }
  if (timer != 0) clock_.cancel(timer);
  if (ws) {
    ws->stop();
    if (!net_.on_loop_thread()) (void)ws->wait_stopped(std::chrono::seconds(3));
  }
  ws.reset();
}

net::ConnectionState KrakenPrivateStream::state() const {
  std::lock_guard lock(shared_->mu);
  return shared_->ws ? shared_->ws->state() : net::ConnectionState::stopped;
}

std::uint64_t KrakenPrivateStream::malformed() const {
  std::lock_guard lock(shared_->mu);
  return shared_->malformed;
}

}  // namespace nzeza::venues::kraken
