#include "venues/feed/feed_session.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "net/ws_client.hpp"

namespace nzeza::venues::feed {

std::size_t connections_needed(const FeedRules& rules, std::size_t instruments) {
  if (instruments == 0) return 1;
  if (rules.max_subscriptions_per_connection == 0) return 1;
  const std::size_t per = std::max<std::size_t>(1, rules.subscriptions_per_instrument);
  const std::size_t fit = std::max<std::size_t>(1, rules.max_subscriptions_per_connection / per);
  return (instruments + fit - 1) / fit;
}

namespace {

FeedState feed_state(net::ConnectionState s) {
  switch (s) {
    case net::ConnectionState::connecting:
      return FeedState::connecting;
    case net::ConnectionState::connected:
      return FeedState::connected;
    case net::ConnectionState::reconnecting:
      return FeedState::reconnecting;
    case net::ConnectionState::circuit_open:
      return FeedState::circuit_open;
    case net::ConnectionState::stopped:
      return FeedState::stopped;
  }
  return FeedState::stopped;
}

bool is_market_data(const MarketEvent& e) {
  return !std::holds_alternative<VenueStatus>(e.body);
}

}  // namespace

struct Connection {
  std::size_t index = 0;
  std::vector<InstrumentId> instruments;
  std::unique_ptr<FeedProtocol> protocol;
  std::unique_ptr<net::WsClient> ws;
  std::deque<std::string> pending;  // paced control frames
  double tokens = 0;
  Timestamp tokens_at;
  bool pace_armed = false;
  TimerId pace_timer{};
  TimerId age_timer{};
  bool age_armed = false;
  std::uint64_t generation = 0;  // one per connect
  net::ConnectionState state = net::ConnectionState::stopped;
  Timestamp connected_at;
  Timestamp last_heartbeat;
};

struct Tracked {
  const Instrument* instrument = nullptr;
  std::size_t connection = 0;
  Timestamp last_event;
  bool stale = false;
  bool snapshot_in_flight = false;
};

struct FeedSession::State : std::enable_shared_from_this<FeedSession::State>, MarketEventSink {
  State(net::NetContext& n, Clock& c, const InstrumentRegistry& r, FeedOptions o, ProtocolFactory f,
        MarketEventSink& s, net::HttpClient* h)
      : net(n),
        clock(c),
        registry(r),
        options(std::move(o)),
        factory(std::move(f)),
        sink(s),
        http(h) {}

  net::NetContext& net;
  Clock& clock;
  const InstrumentRegistry& registry;
  FeedOptions options;
  ProtocolFactory factory;
  MarketEventSink& sink;
  net::HttpClient* http;

  mutable std::mutex mu;
  bool started = false;
  bool stopping = false;
  std::vector<std::unique_ptr<Connection>> connections;
  std::unordered_map<std::uint32_t, Tracked> tracked;
  FeedStats stats;
  TimerId stale_timer{};
  TimerId ping_timer{};
  ErrorCallback error_cb;
  StatusCallback status_cb;
  // Work decided under the lock and done after it (user callbacks, blocking calls).
  struct Deferred {
    std::vector<Error> errors;
    std::vector<std::pair<std::size_t, net::ConnectionTransition>> statuses;
    std::vector<std::pair<net::WsClient*, std::string>> reconnects;
  };
  Deferred* deferred = nullptr;  // set while the lock is held by a callback

  std::weak_ptr<State> weak() { return weak_from_this(); }

  // --- sink side (under mu) ---
  void on_event(const MarketEvent& e) override {
    if (is_market_data(e)) {
      auto it = tracked.find(e.instrument.value);
      if (it != tracked.end()) {
        it->second.last_event = e.receive_time;
        if (it->second.stale) unmark_stale(it->second, e.receive_time);
      }
      if (e.has_venue_time()) {
        const std::int64_t skew = (e.receive_time - e.venue_time).count() / 1'000'000;
        stats.last_skew_ms = skew;
        stats.max_skew_ms = std::max(stats.max_skew_ms, skew < 0 ? -skew : skew);
      }
    }
    ++stats.events;
    sink.on_event(e);
  }

  void emit_status(const Instrument& inst, FeedState state, Timestamp now) {
    MarketEvent ev;
    ev.venue = options.venue;
    ev.instrument = inst.id;
    ev.symbol = inst.symbol;
    ev.receive_time = now;
    ev.body = VenueStatus{state, inst.status};
    ++stats.events;
    sink.on_event(ev);
  }

  void unmark_stale(Tracked& t, Timestamp now) {
    t.stale = false;
    emit_status(*t.instrument, FeedState::connected, now);
  }

  void report(Error e) {
    if (deferred != nullptr) deferred->errors.push_back(std::move(e));
  }

  // Runs `body` under the lock, then the deferred work outside it.
  template <typename F>
  void locked(F&& body) {
    Deferred work;
    {
      std::lock_guard lock(mu);
      deferred = &work;
      body();
      deferred = nullptr;
    }
    for (auto& [ws, reason] : work.reconnects) {
      // A refused planned reconnect (not CONNECTED at that moment) must not pass silently.
      if (Status st = ws->reconnect(reason); !st.ok()) work.errors.push_back(st.error());
    }
    if (error_cb) {
      for (const auto& e : work.errors) error_cb(e);
    }
    if (status_cb) {
      for (const auto& [index, t] : work.statuses) status_cb(index, t);
    }
  }

  // --- pacing (under mu) ---
  void refill(Connection& c, Timestamp now) {
    const double rate = options.rules.control_per_second;
    if (rate <= 0) return;
    const double elapsed = std::chrono::duration<double>(now - c.tokens_at).count();
    if (elapsed > 0) {
      c.tokens =
          std::min(static_cast<double>(options.rules.control_burst), c.tokens + elapsed * rate);
      c.tokens_at = now;
    }
  }

  void enqueue(Connection& c, std::string frame) {
    c.pending.push_back(std::move(frame));
    pump(c);
  }

  void pump(Connection& c) {
    if (stopping || !c.ws) return;
    const double rate = options.rules.control_per_second;
    const Timestamp now = clock.now();
    refill(c, now);
    while (!c.pending.empty() && (rate <= 0 || c.tokens >= 1.0)) {
      Status sent = c.ws->send(std::move(c.pending.front()));
      c.pending.pop_front();
      if (!sent.ok()) {
        // Not connected: the reconnect regenerates every subscription.
        c.pending.clear();
        return;
      }
      ++stats.control_frames_sent;
      if (rate > 0) c.tokens -= 1.0;
    }
    if (!c.pending.empty() && !c.pace_armed) {
      const double wait_s = (1.0 - c.tokens) / rate;
      const auto delay =
          std::chrono::duration_cast<Duration>(std::chrono::duration<double>(wait_s));
      c.pace_armed = true;
      const std::size_t index = c.index;
      c.pace_timer =
          clock.schedule_after(std::max(delay, Duration{1'000'000}), [w = weak(), index] {
            if (auto self = w.lock()) {
              self->locked([&] {
                Connection& conn = *self->connections[index];
                conn.pace_armed = false;
                self->pump(conn);
              });
            }
          });
    }
  }

  // --- connection callbacks ---
  std::vector<std::string> on_connected(Connection& c) {
    std::vector<std::string> first;
    locked([&] {
      ++c.generation;
      ++stats.connects;
      c.pending.clear();
      const Timestamp now = clock.now();
      c.connected_at = now;
      c.last_heartbeat = now;
      c.tokens = static_cast<double>(options.rules.control_burst);
      c.tokens_at = now;
      for (InstrumentId id : c.instruments) {
        auto& t = tracked[id.value];
        t.snapshot_in_flight = false;
        t.last_event = now;
      }
      auto frames = c.protocol->on_connected(c.instruments);
      if (!frames.ok()) {
        report(frames.error().with_context(ws_name(c)));
        return;
      }
      const bool paced = options.rules.control_per_second > 0;
      std::size_t n = 0;
      for (auto& f : *frames) {
        if (!paced || n < options.rules.control_burst) {
          first.push_back(std::move(f));
          ++n;
        } else {
          c.pending.push_back(std::move(f));
        }
      }
      if (paced) c.tokens -= static_cast<double>(n);
      stats.control_frames_sent += n;
      arm_age(c);
      if (!c.pending.empty()) pump(c);
    });
    return first;
  }

  std::string ws_name(const Connection& c) const {
    return std::string(to_string(options.venue)) + " feed #" + std::to_string(c.index);
  }

  void arm_age(Connection& c) {
    if (options.rules.max_connection_age <= Duration::zero()) return;
    if (c.age_armed) clock.cancel(c.age_timer);
    c.age_armed = true;
    const std::size_t index = c.index;
    const std::uint64_t gen = c.generation;
    c.age_timer = clock.schedule_after(options.rules.max_connection_age, [w = weak(), index, gen] {
      auto self = w.lock();
      if (!self) return;
      self->locked([&] {
        Connection& conn = *self->connections[index];
        conn.age_armed = false;
        if (self->stopping || conn.generation != gen) return;
        ++self->stats.planned_reconnects;
        self->deferred->reconnects.emplace_back(conn.ws.get(),
                                                "connection age limit (venue cuts at 24 h)");
      });
    });
  }

  void heartbeat(Connection& c, Timestamp now) {
    c.last_heartbeat = now;
    for (InstrumentId id : c.instruments) {
      auto& t = tracked[id.value];
      if (t.stale) unmark_stale(t, now);
    }
  }

  void on_frame(Connection& c, std::string_view frame) {
    locked([&] {
      if (stopping) return;
      ++stats.frames;
      const Timestamp now = clock.now();
      FrameOutcome out = c.protocol->on_frame(frame, now, *this);
      handle(c, std::move(out), now);
    });
  }

  void handle(Connection& c, FrameOutcome out, Timestamp now) {
    switch (out.kind) {
      case FrameClass::data:
        break;
      case FrameClass::heartbeat:
        ++stats.heartbeats;
        heartbeat(c, now);
        break;
      case FrameClass::control:
        ++stats.control;
        break;
      case FrameClass::ignored:
        ++stats.ignored;
        break;
      case FrameClass::rejected:
        ++stats.rejected;
        report(out.error.with_context(ws_name(c)));
        break;
    }
    if (!out.venue_error.empty()) {
      ++stats.venue_errors;
      report(
          Error{ErrorCode::rejected, ws_name(c) + ": venue refused a request: " + out.venue_error});
    }
    stats.resyncs += out.resyncs;
    for (auto& f : out.send) {
      ++stats.resubscribe_frames;
      enqueue(c, std::move(f));
    }
    for (InstrumentId id : out.need_snapshot) request_snapshot(c, id);
    if (out.reconnect) {
      ++stats.planned_reconnects;
      deferred->reconnects.emplace_back(c.ws.get(), *out.reconnect);
    }
  }

  void on_control_frame(Connection& c) {
    locked([&] {
      if (!stopping) heartbeat(c, clock.now());
    });
  }

  void on_status(Connection& c, const net::ConnectionTransition& t) {
    locked([&] {
      c.state = t.to;
      if (deferred) deferred->statuses.emplace_back(c.index, t);
      if (stopping && t.to != net::ConnectionState::stopped) return;
      for (InstrumentId id : c.instruments) {
        auto& tr = tracked[id.value];
        tr.stale = false;
        emit_status(*tr.instrument, feed_state(t.to), t.at);
      }
    });
  }

  // --- REST snapshots (under mu) ---
  void request_snapshot(Connection& c, InstrumentId id) {
    auto& t = tracked[id.value];
    if (t.snapshot_in_flight) return;
    const auto path = c.protocol->snapshot_path(id);
    if (!path) return;
    if (http == nullptr || options.rest_url.empty()) {
      report(Error{ErrorCode::invalid_state,
                   ws_name(c) + ": book " + t.instrument->venue_symbol +
                       " needs a REST snapshot but no REST URL is configured"});
      return;
    }
    t.snapshot_in_flight = true;
    ++stats.snapshot_requests;
    net::HttpRequest req;
    req.method = "GET";
    req.url = options.rest_url + *path;
    const std::size_t index = c.index;
    const std::uint64_t gen = c.generation;
    http->async_request(std::move(req), [w = weak(), index, gen, id](Result<net::HttpResponse> r) {
      auto self = w.lock();
      if (!self) return;
      self->locked([&] { self->on_snapshot(index, gen, id, std::move(r)); });
    });
  }

  void on_snapshot(std::size_t index, std::uint64_t gen, InstrumentId id,
                   Result<net::HttpResponse> r) {
    Connection& c = *connections[index];
    auto& t = tracked[id.value];
    t.snapshot_in_flight = false;
    if (stopping || c.generation != gen) return;
    const Timestamp now = clock.now();
    bool retry = false;
    if (!r.ok()) {
      report(r.error().with_context(ws_name(c) + " snapshot " + t.instrument->venue_symbol));
      retry = true;
    } else if (Status s = r->check(); !s.ok()) {
      report(s.error().with_context(ws_name(c) + " snapshot " + t.instrument->venue_symbol));
      retry = true;
    } else {
      FrameOutcome out = c.protocol->apply_snapshot(id, r->body, now, *this);
      if (out.kind == FrameClass::rejected) {
        // Too old for the buffered diffs (stale_data) or malformed: fetch again.
        retry = true;
      } else {
        ++stats.snapshots_applied;
      }
      handle(c, std::move(out), now);
    }
    if (retry) {
      clock.schedule_after(options.snapshot_retry, [w = weak(), index, gen, id] {
        auto self = w.lock();
        if (!self) return;
        self->locked([&] {
          Connection& conn = *self->connections[index];
          if (!self->stopping && conn.generation == gen) self->request_snapshot(conn, id);
        });
      });
    }
  }

  // --- periodic work ---
  Duration stale_period() const {
    const Duration p = options.rules.stale_after / 4;
    return std::max(p, Duration{100'000'000});
  }

  void arm_stale_check() {
    stale_timer = clock.schedule_after(stale_period(), [w = weak()] {
      auto self = w.lock();
      if (!self) return;
      self->locked([&] {
        if (self->stopping) return;
        self->check_stale();
        self->arm_stale_check();
      });
    });
  }

  void check_stale() {
    const Timestamp now = clock.now();
    for (auto& [key, t] : tracked) {
      if (t.stale) continue;
      const Connection& c = *connections[t.connection];
      if (c.state != net::ConnectionState::connected) continue;
      const Timestamp fresh = std::max(t.last_event, c.last_heartbeat);
      if (now - fresh >= options.rules.stale_after) {
        t.stale = true;
        ++stats.stale_marks;
        emit_status(*t.instrument, FeedState::stale, now);
      }
    }
  }

  void arm_app_ping() {
    if (options.rules.app_ping_interval <= Duration::zero()) return;
    ping_timer = clock.schedule_after(options.rules.app_ping_interval, [w = weak()] {
      auto self = w.lock();
      if (!self) return;
      self->locked([&] {
        if (self->stopping) return;
        for (auto& c : self->connections) {
          if (c->state != net::ConnectionState::connected) continue;
          if (auto ping = c->protocol->app_ping()) self->enqueue(*c, std::move(*ping));
        }
        self->arm_app_ping();
      });
    });
  }
};

FeedSession::FeedSession(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                         FeedOptions options, ProtocolFactory factory, MarketEventSink& sink,
                         net::HttpClient* http)
    : state_(std::make_shared<State>(net, clock, registry, std::move(options), std::move(factory),
                                     sink, http)) {}

FeedSession::~FeedSession() {
  stop();
}

void FeedSession::on_error(ErrorCallback callback) {
  state_->error_cb = std::move(callback);
}
void FeedSession::on_status(StatusCallback callback) {
  state_->status_cb = std::move(callback);
}

Status FeedSession::start() {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  if (s.started) return Error{ErrorCode::invalid_state, "feed session already started"};
  const std::string venue(to_string(s.options.venue));
  if (s.options.instruments.empty()) {
    return Error{ErrorCode::invalid_argument, venue + " feed: no instruments to subscribe"};
  }
  const std::string base = s.options.url.empty() ? s.options.rules.default_url : s.options.url;
  if (base.empty()) return Error{ErrorCode::invalid_argument, venue + " feed: no URL"};
  if (!s.factory) return Error{ErrorCode::invalid_argument, venue + " feed: no protocol"};
  for (InstrumentId id : s.options.instruments) {
    const Instrument* inst = s.registry.get(id);
    if (inst == nullptr) {
      return Error{ErrorCode::not_found,
                   venue + " feed: instrument id " + std::to_string(id.value) + " not registered"};
    }
    if (inst->venue != s.options.venue) {
      return Error{ErrorCode::invalid_argument, venue + " feed: instrument " + inst->canonical +
                                                    " belongs to " +
                                                    std::string(to_string(inst->venue))};
    }
  }
  const std::size_t n_conn = connections_needed(s.options.rules, s.options.instruments.size());
  const std::size_t per_conn = (s.options.instruments.size() + n_conn - 1) / n_conn;
  for (std::size_t i = 0; i < n_conn; ++i) {
    auto c = std::make_unique<Connection>();
    c->index = i;
    const std::size_t from = i * per_conn;
    const std::size_t to = std::min(from + per_conn, s.options.instruments.size());
    c->instruments.assign(s.options.instruments.begin() + static_cast<std::ptrdiff_t>(from),
                          s.options.instruments.begin() + static_cast<std::ptrdiff_t>(to));
    c->protocol = s.factory();
    if (!c->protocol) return Error{ErrorCode::internal, venue + " feed: protocol factory failed"};
    for (InstrumentId id : c->instruments) {
      Tracked t;
      t.instrument = s.registry.get(id);
      t.connection = i;
      t.last_event = s.clock.now();
      s.tracked[id.value] = t;
    }
    net::WsClientConfig cfg;
    cfg.url = c->protocol->url(base);
    cfg.name = s.ws_name(*c);
    cfg.tls = s.options.tls;
    cfg.connect_timeout = s.options.connect_timeout;
    cfg.idle_timeout = s.options.rules.idle_timeout;
    cfg.ping_interval = s.options.rules.ws_ping_interval;
    cfg.max_message_bytes = s.options.rules.max_message_bytes;
    cfg.backoff = s.options.backoff;
    cfg.breaker = s.options.breaker;
    c->ws = std::make_unique<net::WsClient>(s.net, s.clock, std::move(cfg));
    s.connections.push_back(std::move(c));
  }
  s.stats.connections = n_conn;
  s.started = true;
  s.arm_stale_check();
  s.arm_app_ping();
  std::vector<Connection*> built;
  for (auto& c : s.connections) built.push_back(c.get());
  lock.unlock();
  // Callbacks are set and clients started outside the session's lock: WsClient calls them
  // under its own callback lock and they take the session's, so holding the session's lock
  // while WsClient takes its callback lock would order the two locks both ways.
  std::weak_ptr<State> w = state_;
  for (Connection* raw : built) {
    net::WsClient& ws = *raw->ws;
    ws.on_subscribe([w, raw] {
      auto self = w.lock();
      return self ? self->on_connected(*raw) : std::vector<std::string>{};
    });
    ws.on_message([w, raw](std::string_view m) {
      if (auto self = w.lock()) self->on_frame(*raw, m);
    });
    ws.on_control([w, raw](bool /*pong*/) {
      if (auto self = w.lock()) self->on_control_frame(*raw);
    });
    ws.on_error([w](const Error& e) {
      auto self = w.lock();
      if (self && self->error_cb) self->error_cb(e);
    });
    ws.on_status([w, raw](const net::ConnectionTransition& t) {
      if (auto self = w.lock()) self->on_status(*raw, t);
    });
  }
  Status result;
  for (Connection* raw : built) {
    Status st = raw->ws->start();
    if (!st.ok() && result.ok()) result = st;
  }
  return result;
}

void FeedSession::stop() {
  State& s = *state_;
  std::vector<net::WsClient*> clients;
  {
    std::lock_guard lock(s.mu);
    if (!s.started || s.stopping) return;
    s.stopping = true;
    s.clock.cancel(s.stale_timer);
    s.clock.cancel(s.ping_timer);
    for (auto& c : s.connections) {
      if (c->pace_armed) s.clock.cancel(c->pace_timer);
      if (c->age_armed) s.clock.cancel(c->age_timer);
      clients.push_back(c->ws.get());
    }
  }
  for (auto* ws : clients) ws->stop();
  for (auto* ws : clients) (void)ws->wait_stopped(std::chrono::seconds(5));
  std::vector<std::unique_ptr<net::WsClient>> dead;
  {
    std::lock_guard lock(s.mu);
    for (auto& c : s.connections) dead.push_back(std::move(c->ws));
  }
  dead.clear();
}

FeedStats FeedSession::stats() const {
  std::lock_guard lock(state_->mu);
  return state_->stats;
}

std::vector<net::ConnectionState> FeedSession::connection_states() const {
  std::vector<net::ConnectionState> out;
  std::lock_guard lock(state_->mu);
  for (const auto& c : state_->connections) {
    out.push_back(c->ws ? c->ws->state() : net::ConnectionState::stopped);
  }
  return out;
}

bool FeedSession::is_stale(InstrumentId id) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->tracked.find(id.value);
  return it != state_->tracked.end() && it->second.stale;
}

}  // namespace nzeza::venues::feed
