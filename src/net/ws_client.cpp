// WsClient on Boost.Beast. The whole life of the client is one coroutine on a strand (run()),
// reading top to bottom: permission from the breaker -> connect under a Clock deadline ->
// subscribe -> read loop -> verdict for breaker and backoff -> wait -> again. Writes run in a
// second coroutine (write_loop) so one write is in flight at a time, as Beast requires; pings and
// the close frame go through the same queue for the same reason.
#include "net/ws_client.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>

#include "net/detail/asio_context.hpp"
#include "net/detail/clock_alarm.hpp"
#include "net/detail/dial.hpp"
#include "net/detail/tls_context.hpp"
#include "net/reconnect_policy.hpp"
#include "net/url.hpp"

namespace nzeza::net {

namespace websocket = beast::websocket;
using detail::ClockAlarm;
using detail::Strand;

namespace {

// One WebSocket over TCP or TLS. Everything here runs on the client's strand.
class Transport {
 public:
  virtual ~Transport() = default;
  // resolve -> TCP connect -> (TLS) -> upgrade; the error names the step that failed.
  virtual asio::awaitable<Status> open(const Url& url, const WsClientConfig& config) = 0;
  virtual asio::awaitable<error_code> read(beast::flat_buffer& buffer) = 0;
  virtual asio::awaitable<error_code> write(const std::string& text) = 0;
  virtual asio::awaitable<error_code> ping() = 0;
  virtual asio::awaitable<error_code> close(std::uint16_t code) = 0;
  // Ends every pending operation at once (deadline, idle, stop): closes the socket.
  virtual void abort() = 0;
  [[nodiscard]] virtual websocket::close_reason peer_close_reason() const = 0;
  // Called for every ping/pong/close frame read; `pong` tells a pong apart.
  virtual void on_control(std::function<void(bool pong)> callback) = 0;
};

template <typename Next>
class WsTransport final : public Transport {
 public:
  template <typename... Args>
  explicit WsTransport(Strand strand, Args&&... args)
      : ws_(strand, std::forward<Args>(args)...), resolver_(strand) {}

  asio::awaitable<Status> open(const Url& url, const WsClientConfig& config) override {
    Status dialled = co_await dial(ws_.next_layer(), resolver_, aborted_, url, config.tls);
    if (!dialled) co_return dialled;

    error_code ec;
    // Deadlines come from the Clock (ClockAlarm), never from Beast's real-time timers.
    ws_.set_option(websocket::stream_base::timeout{websocket::stream_base::none(),
                                                   websocket::stream_base::none(), false});
    websocket::permessage_deflate deflate;
    deflate.client_enable = config.permessage_deflate;
    ws_.set_option(deflate);
    ws_.read_message_max(config.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.set_option(websocket::stream_base::decorator(
        [headers = config.headers](websocket::request_type& request) {
          request.set(beast::http::field::user_agent, "nzeza");
          for (const auto& [name, value] : headers) request.set(name, value);
        }));
    websocket::response_type response;
    co_await ws_.async_handshake(response, url.host_header(), url.target,
                                 asio::redirect_error(kAwait, ec));
    if (ec == websocket::error::upgrade_declined) {
      co_return Status(fail(ErrorCode::protocol, "WebSocket upgrade to " + url.authority() +
                                                     url.target + " declined with HTTP " +
                                                     std::to_string(response.result_int())));
    }
    if (ec) co_return step_error("WebSocket handshake", url, ec);
    ws_.text(true);
    co_return Status{};
  }

  asio::awaitable<error_code> read(beast::flat_buffer& buffer) override {
    error_code ec;
    co_await ws_.async_read(buffer, asio::redirect_error(kAwait, ec));
    co_return ec;
  }

  asio::awaitable<error_code> write(const std::string& text) override {
    error_code ec;
    co_await ws_.async_write(asio::buffer(text), asio::redirect_error(kAwait, ec));
    co_return ec;
  }

  asio::awaitable<error_code> ping() override {
    error_code ec;
    co_await ws_.async_ping({}, asio::redirect_error(kAwait, ec));
    co_return ec;
  }

  asio::awaitable<error_code> close(std::uint16_t code) override {
    error_code ec;
    co_await ws_.async_close(websocket::close_reason(code), asio::redirect_error(kAwait, ec));
    co_return ec;
  }

  void abort() override {
    aborted_ = true;
    resolver_.cancel();
    beast::get_lowest_layer(ws_).close();
  }

  websocket::close_reason peer_close_reason() const override { return ws_.reason(); }

  void on_control(std::function<void(bool pong)> callback) override {
    ws_.control_callback(
        [callback = std::move(callback)](websocket::frame_type kind, beast::string_view) {
          callback(kind == websocket::frame_type::pong);
        });
  }

 private:
  websocket::stream<Next> ws_;
  tcp::resolver resolver_;
  bool aborted_ = false;  // abort() was called (strand only)
};

// Why a connection ended, as a typed error.
Error describe_read_error(const error_code& ec, const Transport& transport,
                          const std::string& where, std::size_t max_bytes) {
  if (ec == websocket::error::closed) {
    const auto reason = transport.peer_close_reason();
    return Error(ErrorCode::unavailable,
                 where + ": closed by the peer (code " + std::to_string(reason.code) +
                     (reason.reason.empty() ? "" : ", " + std::string(reason.reason.c_str())) +
                     ")");
  }
  if (ec == websocket::error::message_too_big || ec == beast::http::error::body_limit) {
    return Error(ErrorCode::protocol,
                 where + ": message larger than the " + std::to_string(max_bytes) + "-byte limit");
  }
  if (ec == asio::error::connection_reset) {
    return Error(ErrorCode::network, where + ": connection reset by the peer");
  }
  if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
    return Error(ErrorCode::network, where + ": connection closed without a close frame");
  }
  if (ec == websocket::condition::protocol_violation ||
      ec.category() == error_code(websocket::error::closed).category()) {
    return Error(ErrorCode::protocol, where + ": protocol error from the peer: " + ec.message());
  }
  return Error(ErrorCode::network, where + ": read failed: " + ec.message());
}

struct Outgoing {
  enum class Kind : std::uint8_t { text, ping, close } kind = Kind::text;
  std::string text;
  bool subscription = false;
};

}  // namespace

struct WsClient::Impl : std::enable_shared_from_this<WsClient::Impl> {
  Impl(NetContext& n, Clock& c, WsClientConfig cfg)
      : net(n),
        clock(c),
        config(std::move(cfg)),
        name(config.name.empty() ? config.url : config.name),
        strand(asio::make_strand(io_of(net))),
        policy(clock, ReconnectPolicyConfig{config.backoff, config.breaker}, name),
        wake(strand),
        connect_alarm(clock, strand),
        sleep_alarm(clock, strand),
        idle_alarm(clock, strand),
        ping_alarm(clock, strand),
        close_alarm(clock, strand) {
    wake.expires_at(asio::steady_timer::time_point::max());
  }

  // --- fixed at construction ---
  NetContext& net;
  Clock& clock;
  const WsClientConfig config;
  const std::string name;
  Strand strand;

  // --- strand-only state (the policy's status and breaker queries are thread-safe) ---
  // Backoff + circuit breaker + connection status: decides when to (re)connect; this loop only
  // does what it answers.
  ReconnectPolicy policy;
  asio::steady_timer wake;  // never expires by itself: cancel() wakes a sleeping run()
  ClockAlarm connect_alarm;
  ClockAlarm sleep_alarm;
  ClockAlarm idle_alarm;
  ClockAlarm ping_alarm;
  ClockAlarm close_alarm;
  std::shared_ptr<Transport> transport;  // set while connecting or connected
  std::deque<Outgoing> outgoing;
  bool writing = false;
  bool stopping = false;
  bool connecting = false;
  bool sleeping = false;
  bool sleep_elapsed = false;
  bool deadline_hit = false;
  bool idle_hit = false;
  bool useful = false;
  bool subscribed = false;
  std::string planned;  // non-empty: the current connection is being closed for a reconnect
  std::size_t subscriptions_pending = 0;
  Timestamp last_receive;

  // --- shared with API threads ---
  std::atomic<bool> running{false};
  std::atomic<std::size_t> queued_bytes{0};
  mutable std::mutex stats_mu;
  WsClientStats stats;
  mutable std::mutex stopped_mu;
  mutable std::condition_variable stopped_cv;
  // User callbacks: invoked under callbacks_mu so the destructor can detach them.
  // Recursive: a status callback may run inside a policy event that a user callback triggered.
  std::recursive_mutex callbacks_mu;
  bool detached = false;
  MessageCallback message_cb;
  SubscribeCallback subscribe_cb;
  ErrorCallback error_cb;
  ControlCallback control_cb;

  // Replaces one user callback (never while another thread runs it).
  template <typename Callback>
  void set_callback(Callback& slot, Callback callback) {
    std::lock_guard lock(callbacks_mu);
    slot = std::move(callback);
  }

  std::weak_ptr<void> weak() { return std::weak_ptr<void>(shared_from_this()); }

  void report(const Error& error) {
    {
      std::lock_guard lock(stats_mu);
      stats.last_error = error.message;
    }
    std::lock_guard lock(callbacks_mu);
    if (!detached && error_cb) error_cb(error);
  }

  // Waits until the Clock reaches `until` (`delay` from now, recorded as the retry delay); false
  // when woken early (stop, connect_now).
  asio::awaitable<bool> sleep_until(Timestamp until, Duration delay) {
    {
      std::lock_guard lock(stats_mu);
      stats.last_retry_delay = delay;
    }
    sleep_elapsed = false;
    sleeping = true;
    sleep_alarm.arm_at(until, weak(), [this] {
      sleep_elapsed = true;
      wake.cancel();
    });
    error_code ec;
    co_await wake.async_wait(asio::redirect_error(kAwait, ec));
    wake.expires_at(asio::steady_timer::time_point::max());
    sleep_alarm.disarm();
    sleeping = false;
    co_return sleep_elapsed;
  }

  asio::awaitable<Status> connect_once(const Url& url, std::shared_ptr<ssl::context> tls_context) {
    std::shared_ptr<Transport> t;
    if (url.tls()) {
      t = std::make_shared<WsTransport<beast::ssl_stream<beast::tcp_stream>>>(strand, *tls_context);
    } else {
      t = std::make_shared<WsTransport<beast::tcp_stream>>(strand);
    }
    transport = t;
    connecting = true;
    deadline_hit = false;
    connect_alarm.arm(config.connect_timeout, weak(), [this, t] {
      deadline_hit = true;
      t->abort();
    });
    Status result = co_await t->open(url, config);
    connect_alarm.disarm();
    connecting = false;
    if (deadline_hit) {
      result = fail(ErrorCode::timeout, "connect to " + config.url + " did not complete within " +
                                            seconds_text(config.connect_timeout));
    } else if (!result.ok() && stopping) {
      result = fail(ErrorCode::cancelled, "connect to " + config.url + " cancelled by stop()");
    }
    if (!result.ok()) transport.reset();
    co_return result;
  }

  void arm_idle(Duration delay) {
    if (config.idle_timeout <= Duration::zero()) return;
    idle_alarm.arm(delay, weak(), [this] {
      if (!transport || connecting) return;
      const Duration silent = clock.now() - last_receive;
      if (silent >= config.idle_timeout) {
        idle_hit = true;
        transport->abort();
      } else {
        arm_idle(config.idle_timeout - silent);
      }
    });
  }

  void arm_ping() {
    if (config.ping_interval <= Duration::zero()) return;
    ping_alarm.arm(config.ping_interval, weak(), [this] {
      if (!transport || connecting) return;
      enqueue(Outgoing{Outgoing::Kind::ping, {}, false});
      arm_ping();
    });
  }

  void enqueue(Outgoing item) {
    outgoing.push_back(std::move(item));
    if (!writing && transport && !connecting) {
      writing = true;
      asio::co_spawn(strand, write_loop(shared_from_this(), transport), asio::detached);
    }
  }

  // Drains the queue on transport `t`; ends when the queue is empty or `t` is replaced.
  asio::awaitable<void> write_loop(std::shared_ptr<Impl> self, std::shared_ptr<Transport> t) {
    while (!outgoing.empty() && transport == t) {
      Outgoing item = std::move(outgoing.front());
      outgoing.pop_front();
      error_code ec;
      switch (item.kind) {
        case Outgoing::Kind::text:
          queued_bytes -= item.text.size();
          ec = co_await t->write(item.text);
          if (!ec) {
            std::lock_guard lock(stats_mu);
            ++stats.messages_sent;
          }
          break;
        case Outgoing::Kind::ping:
          ec = co_await t->ping();
          break;
        case Outgoing::Kind::close:
          ec = co_await t->close(1000);
          break;
      }
      if (ec) {
        if (transport == t) t->abort();
        break;
      }
      if (item.subscription && subscriptions_pending > 0 && --subscriptions_pending == 0) {
        subscribed = true;
      }
    }
    writing = false;
    (void)self;
  }

  void clear_outgoing() {
    for (const auto& item : outgoing) {
      if (item.kind == Outgoing::Kind::text) queued_bytes -= item.text.size();
    }
    outgoing.clear();
  }

  // Reads until the connection ends; returns why it ended.
  asio::awaitable<Error> read_loop(std::shared_ptr<Transport> t) {
    beast::flat_buffer buffer;
    for (;;) {
      const error_code ec = co_await t->read(buffer);
      if (ec) {
        if (idle_hit) {
          co_return Error(ErrorCode::timeout, name + ": no message for " +
                                                  seconds_text(config.idle_timeout) +
                                                  ", connection dropped");
        }
        if (stopping) co_return Error(ErrorCode::cancelled, name + ": stopped");
        co_return describe_read_error(ec, *t, name, config.max_message_bytes);
      }
      last_receive = clock.now();
      const std::size_t size = buffer.size();
      {
        std::lock_guard lock(stats_mu);
        ++stats.messages_received;
        stats.bytes_received += size;
      }
      if (!useful && subscribed) {
        useful = true;
        policy.connected_useful();
        std::lock_guard lock(stats_mu);
        ++stats.useful_connections;
      }
      {
        const auto data = buffer.cdata();
        std::lock_guard lock(callbacks_mu);
        if (!detached && message_cb) {
          message_cb(std::string_view(static_cast<const char*>(data.data()), data.size()));
        }
      }
      buffer.consume(size);
    }
  }

  // The connection's life. Entered with an attempt granted (policy.start()).
  asio::awaitable<void> run(std::shared_ptr<Impl> self, Url url,
                            std::shared_ptr<ssl::context> tls_context) {
    while (!stopping) {
      {
        std::lock_guard lock(stats_mu);
        ++stats.attempts;
      }
      ReconnectAction next;
      Status connected = co_await connect_once(url, tls_context);
      if (!connected.ok()) {
        if (stopping) break;
        report(connected.error());
        next = policy.connect_failed("connect failed: " + connected.error().message);
      } else {
        // Connected: subscriptions first, then read until the connection ends.
        auto t = transport;
        useful = false;
        idle_hit = false;
        last_receive = clock.now();
        {
          std::lock_guard lock(stats_mu);
          ++stats.connections;
        }
        t->on_control([this](bool pong) {
          last_receive = clock.now();
          {
            std::lock_guard lock(stats_mu);
            ++(pong ? stats.pongs_received : stats.pings_received);
          }
          std::lock_guard lock(callbacks_mu);
          if (!detached && control_cb) control_cb(pong);
        });
        policy.connected();
        std::vector<std::string> frames;
        {
          std::lock_guard lock(callbacks_mu);
          if (!detached && subscribe_cb) frames = subscribe_cb();
        }
        subscriptions_pending = frames.size();
        subscribed = frames.empty();
        for (auto& frame : frames) {
          queued_bytes += frame.size();
          enqueue(Outgoing{Outgoing::Kind::text, std::move(frame), true});
        }
        arm_idle(config.idle_timeout);
        arm_ping();
        Error why = co_await read_loop(t);
        idle_alarm.disarm();
        ping_alarm.disarm();
        close_alarm.disarm();
        transport.reset();
        clear_outgoing();
        if (stopping) break;
        if (!planned.empty()) {
          // Planned: not a failure, and no backoff wait.
          next = policy.disconnected("planned reconnect: " + planned);
          planned.clear();
          {
            std::lock_guard lock(stats_mu);
            ++stats.planned_reconnects;
          }
          if (policy.connect_now().ok()) {
            next = ReconnectAction{ReconnectActionKind::connect_now, clock.now(), "planned"};
          }
        } else {
          report(why);
          next = policy.disconnected("disconnected: " + why.message);
        }
      }
      if (!config.reconnect) break;
      if (!co_await wait_for_turn(std::move(next))) break;
    }
    policy.stop(stopping || !config.reconnect ? "stop requested" : "reconnect disabled");
    stopping = false;
    {
      std::lock_guard lock(stopped_mu);
      running = false;
    }
    stopped_cv.notify_all();
    (void)self;
  }

  // Waits as the policy says (backoff, or the circuit's OPEN time); true when an attempt is
  // granted, false when stopped.
  asio::awaitable<bool> wait_for_turn(ReconnectAction next) {
    for (;;) {
      switch (next.kind) {
        case ReconnectActionKind::connect_now:
          co_return true;
        case ReconnectActionKind::stopped:
          co_return false;
        case ReconnectActionKind::ignored:
          // connect_now() granted an attempt while we slept.
          co_return policy.phase() == ReconnectPhase::attempting;
        case ReconnectActionKind::wait_until:
        case ReconnectActionKind::refused_circuit_open:
          break;
      }
      const Duration delay = next.at - clock.now();
      if (delay > Duration::zero()) {
        co_await sleep_until(next.at, delay);
        if (stopping) co_return false;
      }
      next = policy.connect_started();
    }
  }

  // Runs `f` on the loop thread (where the policy lives) and returns its Status. With one loop
  // thread, code already on it cannot race a strand handler.
  template <typename F>
  Status on_loop(F&& f) {
    if (net.on_loop_thread()) return f();
    if (!net.running()) {
      return fail(ErrorCode::invalid_state, name + ": the NetContext is not running");
    }
    std::promise<Status> done;
    auto result = done.get_future();
    asio::post(strand, [&] { done.set_value(f()); });
    return result.get();
  }

  void request_stop() {
    if (stopping) return;
    stopping = true;
    if (sleeping) wake.cancel();
    if (!transport) return;
    if (connecting) {
      transport->abort();
      return;
    }
    // Graceful: flush what is queued, then the close frame; the close must finish on time.
    close_alarm.arm(config.close_timeout, weak(), [this] {
      if (transport) transport->abort();
    });
    enqueue(Outgoing{Outgoing::Kind::close, {}, false});
  }
};

WsClient::WsClient(NetContext& net, Clock& clock, WsClientConfig config)
    : impl_(std::make_shared<Impl>(net, clock, std::move(config))) {}

WsClient::~WsClient() {
  {
    std::lock_guard lock(impl_->callbacks_mu);
    impl_->detached = true;
  }
  if (impl_->running.load()) {
    // No close handshake here: abort at once, then wait for the loop to end so that nothing of
    // this client touches the socket after the destructor returns.
    asio::post(impl_->strand, [impl = impl_] {
      impl->request_stop();
      if (impl->transport) impl->transport->abort();
    });
    if (impl_->net.running() && !impl_->net.on_loop_thread()) {
      (void)wait_stopped(std::chrono::seconds(5));
    }
  }
}

void WsClient::on_message(MessageCallback callback) {
  impl_->set_callback(impl_->message_cb, std::move(callback));
}

void WsClient::on_control(ControlCallback callback) {
  impl_->set_callback(impl_->control_cb, std::move(callback));
}

void WsClient::on_subscribe(SubscribeCallback callback) {
  impl_->set_callback(impl_->subscribe_cb, std::move(callback));
}

void WsClient::on_error(ErrorCallback callback) {
  impl_->set_callback(impl_->error_cb, std::move(callback));
}

SubscriptionId WsClient::on_status(ConnectionStatus::Callback callback) {
  std::weak_ptr<Impl> weak = impl_;
  return impl_->policy.status().subscribe(
      [weak, callback = std::move(callback)](const ConnectionTransition& transition) {
        const auto impl = weak.lock();
        if (!impl) return;
        std::lock_guard lock(impl->callbacks_mu);
        if (!impl->detached) callback(transition);
      });
}

namespace {

// An explicit connect refused by the policy, said plainly.
Status refused(const WsClient::Impl& impl, const Error& why) {
  if (why.code == ErrorCode::circuit_open) {
    return fail(ErrorCode::circuit_open,
                impl.name + ": connect refused, circuit is open (" + why.message + ")");
  }
  return fail(why.code, impl.name + ": connect refused: " + why.message);
}

}  // namespace

Status WsClient::start() {
  auto url = parse_url(impl_->config.url);
  if (!url.ok()) return std::move(url).error().with_context(impl_->name);
  if (url->scheme != "ws" && url->scheme != "wss") {
    return fail(ErrorCode::invalid_argument,
                impl_->name + ": a WebSocket URL must start with ws:// or wss://");
  }
  std::shared_ptr<ssl::context> tls_context;
  if (url->tls()) {
    auto ctx = detail::make_client_tls_context(impl_->config.tls);
    if (!ctx.ok()) return std::move(ctx).error().with_context(impl_->name);
    tls_context = std::move(ctx).value();
  }
  return impl_->on_loop([&]() -> Status {
    Impl& impl = *impl_;
    if (impl.running.load()) {
      return fail(ErrorCode::invalid_state,
                  impl.name + ": already started (state " +
                      std::string(to_string(impl.policy.status().state())) +
                      "); one connection per client, stop() first");
    }
    Status granted = impl.policy.start();
    if (!granted.ok()) return refused(impl, granted.error());
    impl.running = true;
    impl.stopping = false;
    asio::co_spawn(impl.strand, impl.run(impl_, std::move(url).value(), std::move(tls_context)),
                   [](const std::exception_ptr&) {
                     // Errors are values in this loop; an exception is a bug (or bad_alloc).
                     // Swallowing it keeps the NetContext thread alive.
                   });
    return {};
  });
}

Status WsClient::connect_now() {
  if (!impl_->running.load()) return start();
  return impl_->on_loop([&]() -> Status {
    Impl& impl = *impl_;
    if (!impl.running.load() || impl.stopping) {
      return fail(ErrorCode::invalid_state, impl.name + ": stopping");
    }
    Status granted = impl.policy.connect_now();
    if (!granted.ok()) return refused(impl, granted.error());
    if (impl.sleeping) impl.wake.cancel();
    return {};
  });
}

Status WsClient::reconnect(std::string reason) {
  return impl_->on_loop([&]() -> Status {
    Impl& impl = *impl_;
    if (!impl.running.load() || impl.stopping || !impl.transport || impl.connecting) {
      return fail(ErrorCode::invalid_state,
                  impl.name + ": reconnect needs a connection (state " +
                      std::string(to_string(impl.policy.status().state())) + ")");
    }
    if (!impl.planned.empty()) return {};  // already closing for a reconnect
    impl.planned = reason.empty() ? std::string("requested") : std::move(reason);
    impl.close_alarm.arm(impl.config.close_timeout, impl.weak(), [&impl] {
      if (impl.transport) impl.transport->abort();
    });
    impl.enqueue(Outgoing{Outgoing::Kind::close, {}, false});
    return {};
  });
}

Status WsClient::send(std::string text) {
  const ConnectionState state = impl_->policy.status().state();
  if (state != ConnectionState::connected) {
    return fail(ErrorCode::invalid_state,
                impl_->name + ": cannot send while " + std::string(to_string(state)));
  }
  const std::size_t size = text.size();
  const std::size_t queued = impl_->queued_bytes.load();
  if (queued + size > impl_->config.max_send_queue_bytes) {
    return fail(ErrorCode::unavailable, impl_->name + ": send queue full (" +
                                            std::to_string(queued) + " bytes waiting, limit " +
                                            std::to_string(impl_->config.max_send_queue_bytes) +
                                            "): the peer reads too slowly");
  }
  impl_->queued_bytes += size;
  asio::post(impl_->strand, [impl = impl_, text = std::move(text)]() mutable {
    if (!impl->transport || impl->connecting || impl->stopping) {
      impl->queued_bytes -= text.size();
      return;
    }
    impl->enqueue(Outgoing{Outgoing::Kind::text, std::move(text), false});
  });
  return {};
}

void WsClient::stop() {
  asio::post(impl_->strand, [impl = impl_] { impl->request_stop(); });
}

bool WsClient::wait_stopped(std::chrono::milliseconds guard) const {
  if (impl_->net.on_loop_thread()) return !impl_->running.load();
  std::unique_lock lock(impl_->stopped_mu);
  return impl_->stopped_cv.wait_for(lock, guard, [&] { return !impl_->running.load(); });
}

ConnectionState WsClient::state() const {
  return impl_->policy.status().state();
}
ConnectionSnapshot WsClient::status() const {
  return impl_->policy.status().snapshot();
}
CircuitState WsClient::circuit() const {
  return impl_->policy.breaker().state();
}

WsClientStats WsClient::stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

const std::string& WsClient::name() const noexcept {
  return impl_->name;
}

}  // namespace nzeza::net
