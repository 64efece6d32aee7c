#include "api/stream_hub.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <variant>

#include "app/trading_server.hpp"
#include "core/enum_names.hpp"

namespace nzeza::api {

namespace json = boost::json;

namespace {

constexpr EnumNames kTopicNames{
    Topic::alerts,
    {"prices", "candles", "signals", "orders", "fills", "positions", "metrics", "alerts"}};
static_assert(kTopicNames.size() == kTopicCount);

std::string known_topics() {
  std::string out;
  for (std::size_t i = 0; i < kTopicCount; ++i)
    out += (out.empty() ? "" : ", ") + std::string(kTopicNames.name(static_cast<Topic>(i)));
  return out;
}

// What the pipeline hands over: plain values, copied only while a client is authenticated.
struct QuoteSeen {
  Venue venue = Venue::paper;
  SymbolId symbol;
  Decimal bid;
  Decimal ask;
  Timestamp at;
};
struct MarkSeen {
  SymbolId symbol;
  Decimal price;
  bool fresh = false;
};
struct CandleSeen {
  SymbolId symbol;
  market::Candle candle;
};
using Published = std::variant<QuoteSeen, MarkSeen, CandleSeen, app::SignalMsg, app::TradeEvent>;

// Which topic a trade event belongs to, and an alert's level.
Topic topic_of(std::string_view kind) noexcept {
  if (kind == "order" || kind == "cancel" || kind == "resolution") return Topic::orders;
  if (kind == "fill" || kind == "exit") return Topic::fills;
  return Topic::alerts;
}
std::string_view level_of(std::string_view kind) noexcept {
  if (kind == "halt" || kind == "journal" || kind == "restart" || kind == "fault") return "error";
  if (kind == "refusal" || kind == "reconcile" || kind == "stale") return "warning";
  return "info";
}

}  // namespace

std::string_view to_string(Topic t) noexcept {
  return kTopicNames.name(t);
}

std::optional<Topic> parse_topic(std::string_view text) noexcept {
  return kTopicNames.parse(text);
}

// ── the pipeline's side ──────────────────────────────────────────────────────────────────────

struct StreamHub::Inbox {
  std::atomic<bool> active{false};  // a client is authenticated: worth copying values
  std::atomic<std::uint64_t> dropped{0};
  std::mutex mu;
  std::vector<Published> items;
  std::function<void()> waker;
  bool wake_pending = false;

  void push(Published p) {
    std::function<void()> wake;
    {
      std::lock_guard lock(mu);
      if (items.size() >= kInboxLimit) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      items.push_back(std::move(p));
      if (!wake_pending && waker) {
        wake_pending = true;
        wake = waker;
      }
    }
    if (wake) wake();
  }
};

namespace {

class HubObserver final : public app::ServerObserver {
 public:
  explicit HubObserver(std::shared_ptr<StreamHub::Inbox> inbox) : inbox_(std::move(inbox)) {}
  void on_market(const MarketEvent& e) override {
    if (!inbox_->active.load(std::memory_order_relaxed)) return;
    const auto* q = std::get_if<Quote>(&e.body);
    if (q == nullptr) return;
    inbox_->push(QuoteSeen{e.venue, e.symbol, q->bid, q->ask, e.receive_time});
  }
  void on_mark(const app::ReferenceMark& m) override {
    if (!inbox_->active.load(std::memory_order_relaxed)) return;
    inbox_->push(MarkSeen{m.symbol, m.price, m.fresh});
  }
  void on_candle(SymbolId symbol, const market::Candle& c) override {
    if (!inbox_->active.load(std::memory_order_relaxed)) return;
    inbox_->push(CandleSeen{symbol, c});
  }
  void on_signal(const app::SignalMsg& s) override {
    if (!inbox_->active.load(std::memory_order_relaxed)) return;
    inbox_->push(s);
  }
  void on_event(const app::TradeEvent& e) override {
    if (!inbox_->active.load(std::memory_order_relaxed)) return;
    inbox_->push(e);
  }

 private:
  std::shared_ptr<StreamHub::Inbox> inbox_;
};

}  // namespace

// ── the client's queue ───────────────────────────────────────────────────────────────────────

std::shared_ptr<const std::string> StreamClient::pop() {
  if (queue_.empty()) return nullptr;
  Queued q = std::move(queue_.front());
  queue_.pop_front();
  bytes_ -= q.text->size();
  if (q.symbol != kNoSymbol) {
    auto it = price_seq_.find(q.symbol);
    if (it != price_seq_.end() && it->second == q.seq) price_seq_.erase(it);
  }
  return std::move(q.text);
}

// ── the hub ──────────────────────────────────────────────────────────────────────────────────

struct StreamHub::PriceState {
  std::optional<Decimal> reference;
  bool fresh = false;
  struct VenueQuote {
    Decimal bid;
    Decimal ask;
    Timestamp at;
  };
  std::map<Venue, VenueQuote> venues;
  bool dirty = false;
  std::chrono::steady_clock::time_point flushed{};  // of its last event
};

StreamHub::StreamHub(const SymbolTable& symbols, Clock& clock, StreamAuthenticator authenticate,
                     StatusSource status, StreamHubOptions options)
    : symbols_(symbols),
      clock_(clock),
      authenticate_(std::move(authenticate)),
      status_(std::move(status)),
      options_(options),
      inbox_(std::make_shared<Inbox>()) {}

StreamHub::~StreamHub() {
  set_waker(nullptr);
  inbox_->active.store(false);
}

std::shared_ptr<app::ServerObserver> StreamHub::observer() const {
  return std::make_shared<HubObserver>(inbox_);
}

void StreamHub::set_waker(std::function<void()> waker) {
  std::lock_guard lock(inbox_->mu);
  inbox_->waker = std::move(waker);
  inbox_->wake_pending = false;
}

std::shared_ptr<StreamClient> StreamHub::connect(std::string remote) {
  auto c = std::make_shared<StreamClient>();
  c->remote_ = std::move(remote);
  clients_.push_back(c);
  open_.fetch_add(1);
  return c;
}

void StreamHub::disconnect(StreamClient& client) {
  if (client.gone_) return;
  client.gone_ = true;
  client.wake = nullptr;
  std::erase_if(clients_, [&](const auto& c) { return c.get() == &client; });
  open_.fetch_sub(1);
  update_active();
}

void StreamHub::update_active() {
  const bool any = std::any_of(clients_.begin(), clients_.end(),
                               [](const auto& c) { return c->authenticated() && !c->close_; });
  inbox_->active.store(any, std::memory_order_relaxed);
}

bool StreamHub::enqueue(StreamClient& c, const std::shared_ptr<const std::string>& text,
                        std::uint32_t symbol) {
  if (c.close_ || c.gone_) return false;
  if (symbol != StreamClient::kNoSymbol) {
    auto it = c.price_seq_.find(symbol);
    if (it != c.price_seq_.end() && !c.queue_.empty() && it->second >= c.queue_.front().seq) {
      auto& slot = c.queue_[static_cast<std::size_t>(it->second - c.queue_.front().seq)];
      c.bytes_ = c.bytes_ - slot.text->size() + text->size();
      slot.text = text;
      conflated_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  }
  if (c.queue_.size() + 1 > options_.max_queue_messages ||
      c.bytes_ + text->size() > options_.max_queue_bytes) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    close(c, 1008, "too slow");
    return false;
  }
  const std::uint64_t seq = c.next_seq_++;
  c.queue_.push_back({text, seq, symbol});
  c.bytes_ += text->size();
  if (symbol != StreamClient::kNoSymbol) c.price_seq_[symbol] = seq;
  if (c.wake) c.wake();
  return true;
}

void StreamHub::reply(StreamClient& c, std::string text) {
  (void)enqueue(c, std::make_shared<const std::string>(std::move(text)), StreamClient::kNoSymbol);
}

void StreamHub::close(StreamClient& c, std::uint16_t code, std::string reason) {
  if (c.close_) return;
  c.close_ = StreamClose{code, std::move(reason)};
  update_active();
  if (c.wake) c.wake();
}

void StreamHub::fail(StreamClient& c, std::string_view code, std::string_view message) {
  reply(c, json::serialize(json::object{
               {"type", "error"}, {"error", json::object{{"code", code}, {"message", message}}}}));
}

std::string StreamHub::subscribed_text(const StreamClient& c) const {
  json::array topics;
  for (std::size_t i = 0; i < kTopicCount; ++i)
    if (c.topics_[i]) topics.emplace_back(kTopicNames.name(static_cast<Topic>(i)));
  return json::serialize(json::object{{"type", "subscribed"}, {"topics", std::move(topics)}});
}

void StreamHub::auth_expired(StreamClient& client) {
  if (client.authenticated() || client.close_) return;
  close(client, 1008, "authentication timeout");
}

void StreamHub::receive(StreamClient& c, std::string_view text) {
  if (c.close_ || c.gone_) return;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  const json::object* o = (!ec && v.is_object()) ? &v.as_object() : nullptr;
  const json::value* op = o ? o->if_contains("op") : nullptr;
  const bool has_op = op && op->is_string();

  if (!c.authenticated()) {
    const json::value* token = o ? o->if_contains("token") : nullptr;
    if (!has_op || op->as_string() != "auth" || !token || !token->is_string()) {
      fail(c, "unauthorized",
           "the first message must be {\"op\":\"auth\",\"token\":\"<API key>\"}");
      close(c, 1008, "authentication required");
      return;
    }
    auto scope = authenticate_ ? authenticate_(std::string_view(token->as_string()), c.remote_)
                               : Result<Scope>(Error{ErrorCode::unavailable, "no key store"});
    if (!scope) {
      const bool limited = scope.error().code == ErrorCode::rate_limited;
      fail(c, limited ? "rate_limited" : "unauthorized", scope.error().message);
      close(c, 1008, limited ? "rate limited" : "unauthorized");
      return;
    }
    c.scope_ = *scope;
    reply(c, json::serialize(
                 json::object{{"type", "authenticated"}, {"scope", api::to_string(*scope)}}));
    update_active();
    return;
  }

  auto bad = [&](std::string message) {
    fail(c, "bad_request", message);
    if (++c.errors_ >= options_.max_errors) close(c, 1008, "too many errors");
  };
  if (ec) return bad("malformed JSON: " + ec.message());
  if (!o) return bad("a message must be a JSON object with an \"op\"");
  if (!has_op) return bad("\"op\" (a string: subscribe, unsubscribe) is missing");
  const std::string_view name = op->as_string();
  if (name == "auth") return bad("already authenticated");
  if (name != "subscribe" && name != "unsubscribe")
    return bad("unknown op '" + std::string(name) + "' (known: subscribe, unsubscribe)");
  const json::value* topics = o->if_contains("topics");
  if (!topics || !topics->is_array())
    return bad("\"topics\" must be an array of topic names (known: " + known_topics() + ")");
  std::vector<Topic> wanted;
  for (const auto& t : topics->as_array()) {
    std::optional<Topic> topic = t.is_string() ? parse_topic(t.as_string()) : std::nullopt;
    if (!topic)
      return bad("unknown topic '" +
                 (t.is_string() ? std::string(t.as_string()) : json::serialize(t)) +
                 "' (known: " + known_topics() + ")");
    wanted.push_back(*topic);
  }
  for (Topic t : wanted) c.topics_[static_cast<std::size_t>(t)] = name == "subscribe";
  reply(c, subscribed_text(c));
}

std::string StreamHub::envelope(Topic topic, const std::string& data) const {
  std::string out;
  out.reserve(data.size() + 80);
  out += R"({"type":"event","topic":")";
  out += to_string(topic);
  out += R"(","time":")";
  out += clock_.now().to_iso8601();
  out += R"(","data":)";
  out += data;
  out += '}';
  return out;
}

void StreamHub::fan_out(Topic topic, const std::shared_ptr<const std::string>& text,
                        std::uint32_t symbol) {
  const auto t = static_cast<std::size_t>(topic);
  // Copied: enqueue may close (never remove) a client.
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    StreamClient& c = *clients_[i];
    if (!c.authenticated() || !c.topics_[t] || c.close_) continue;
    if (enqueue(c, text, symbol)) messages_[t].fetch_add(1, std::memory_order_relaxed);
  }
}

void StreamHub::drain() {
  std::vector<Published> items;
  {
    std::lock_guard lock(inbox_->mu);
    items.swap(inbox_->items);
    inbox_->wake_pending = false;
  }
  auto price = [&](SymbolId s) -> PriceState& {
    auto& p = prices_[s.value];
    if (!p) p = std::make_unique<PriceState>();
    if (!p->dirty) {
      p->dirty = true;
      pending_prices_.push_back(s.value);
    }
    return *p;
  };
  auto emit = [&](Topic t, const json::value& data) {
    fan_out(t, std::make_shared<const std::string>(envelope(t, json::serialize(data))));
  };
  for (auto& item : items) {
    if (auto* q = std::get_if<QuoteSeen>(&item)) {
      price(q->symbol).venues[q->venue] = {q->bid, q->ask, q->at};
    } else if (auto* m = std::get_if<MarkSeen>(&item)) {
      auto& p = price(m->symbol);
      p.reference = m->price;
      p.fresh = m->fresh;
    } else if (auto* k = std::get_if<CandleSeen>(&item)) {
      const auto& c = k->candle;
      emit(Topic::candles,
           json::object{{"symbol", symbols_.name(k->symbol)},
                        {"interval", std::chrono::duration<double>(c.interval).count()},
                        {"open_time", c.start.to_iso8601()},
                        {"open", c.open.to_string()},
                        {"high", c.high.to_string()},
                        {"low", c.low.to_string()},
                        {"close", c.close.to_string()},
                        {"volume", c.volume.to_string()},
                        {"closed", true}});
    } else if (auto* s = std::get_if<app::SignalMsg>(&item)) {
      emit(Topic::signals,
           json::object{{"symbol", symbols_.name(s->symbol)},
                        {"kind", strategy::to_string(s->kind)},
                        {"confidence", s->confidence},
                        {"candle_end", s->from_operator ? json::value(nullptr)
                                                        : json::value(s->candle_end.to_iso8601())},
                        {"reference", s->reference ? json::value(s->reference->to_string())
                                                   : json::value(nullptr)},
                        {"strategy", s->strategy},
                        {"from_operator", s->from_operator}});
    } else if (auto* e = std::get_if<app::TradeEvent>(&item)) {
      const Topic t = topic_of(e->kind);
      json::object fields;
      for (const auto& [k2, v] : e->fields) fields[k2] = v;
      if (t == Topic::alerts) {
        emit(t, json::object{{"level", level_of(e->kind)},
                             {"source", e->kind},
                             {"message", e->text},
                             {"fields", std::move(fields)},
                             {"at", e->at.to_iso8601()}});
      } else {
        // An order's or a fill's fields at the top (symbol, sequence, side, quantity, price...),
        // then what the event is.
        fields["event"] = e->kind;
        fields["text"] = e->text;
        fields["at"] = e->at.to_iso8601();
        emit(t, fields);
      }
    }
  }
  flush_prices();
}

void StreamHub::flush_prices() {
  if (pending_prices_.empty()) return;
  const auto steady = std::chrono::steady_clock::now();
  const Timestamp now = clock_.now();
  std::vector<std::uint32_t> waiting;
  for (std::uint32_t id : pending_prices_) {
    PriceState& p = *prices_[id];
    if (options_.price_interval > Duration::zero() &&
        steady - p.flushed < options_.price_interval) {
      waiting.push_back(id);
      continue;
    }
    p.dirty = false;
    p.flushed = steady;
    json::array venues;
    for (const auto& [venue, q] : p.venues) {
      venues.push_back(json::object{
          {"venue", to_string(venue)},
          {"bid", q.bid.to_string()},
          {"ask", q.ask.to_string()},
          {"age_ms", std::chrono::duration_cast<std::chrono::milliseconds>(now - q.at).count()}});
    }
    const json::object data{
        {"symbol", symbols_.name(SymbolId{id})},
        {"reference", p.reference ? json::value(p.reference->to_string()) : json::value(nullptr)},
        {"fresh", p.fresh},
        {"venues", std::move(venues)}};
    fan_out(Topic::prices,
            std::make_shared<const std::string>(envelope(Topic::prices, json::serialize(data))),
            id);
  }
  pending_prices_ = std::move(waiting);
}

void StreamHub::on_second() {
  bool want_metrics = false;
  bool want_positions = false;
  for (const auto& c : clients_) {
    if (!c->authenticated() || c->close_) continue;
    want_metrics = want_metrics || c->topics_[static_cast<std::size_t>(Topic::metrics)];
    want_positions = want_positions || c->topics_[static_cast<std::size_t>(Topic::positions)];
  }
  if ((!want_metrics && !want_positions) || !status_) return;
  auto s = status_();
  if (!s) return;
  auto emit = [&](Topic t, const json::value& data) {
    fan_out(t, std::make_shared<const std::string>(envelope(t, json::serialize(data))));
  };
  if (want_metrics) {
    json::array feeds;
    for (const auto& f : s->feeds) {
      feeds.push_back(json::object{
          {"venue", f.venue},
          {"state", f.state},
          {"live", f.live},
          {"age_s", f.has_event ? json::value(std::chrono::duration<double>(f.age).count())
                                : json::value(nullptr)}});
    }
    const auto& p = s->portfolio;
    const auto& x = s->execution;
    emit(Topic::metrics, json::object{{"mode", s->mode},
                                      {"feeds", std::move(feeds)},
                                      {"equity", p.equity.to_string()},
                                      {"cash", p.cash.to_string()},
                                      {"realized_pnl", p.realized_pnl.to_string()},
                                      {"unrealized_pnl", p.unrealized_pnl.to_string()},
                                      {"fees", p.fees.to_string()},
                                      {"fills", p.fills},
                                      {"positions", p.positions.size()},
                                      {"open_orders", x.open_orders.size()},
                                      {"signals", x.signals},
                                      {"orders_sent", x.orders_sent},
                                      {"orders_refused", x.orders_refused},
                                      {"kill_switch", x.kill_switch},
                                      {"halted", x.halted},
                                      {"restarts", s->restarts}});
  }
  // Positions: the ones that changed since the last second, and the ones that went (quantity 0).
  std::unordered_map<std::string, std::string> now_held;
  for (const auto& pos : s->portfolio.positions) {
    const std::string key = pos.symbol + "|" + std::string(to_string(pos.venue));
    const json::object data{
        {"symbol", pos.symbol},
        {"venue", to_string(pos.venue)},
        {"quantity", pos.quantity.to_string()},
        {"average_entry", pos.average_entry.to_string()},
        {"mark", pos.mark ? json::value(pos.mark->to_string()) : json::value(nullptr)},
        {"realized_pnl", pos.realized_pnl.to_string()},
        {"unrealized_pnl", pos.unrealized_pnl.to_string()},
        {"fees", pos.fees.to_string()}};
    std::string text = json::serialize(data);
    auto it = positions_.find(key);
    if (want_positions && (it == positions_.end() || it->second != text))
      fan_out(Topic::positions,
              std::make_shared<const std::string>(envelope(Topic::positions, text)));
    now_held[key] = std::move(text);
  }
  for (const auto& [key, text] : positions_) {
    if (now_held.count(key) != 0 || !want_positions) continue;
    const auto bar = key.find('|');
    emit(Topic::positions,
         json::object{
             {"symbol", key.substr(0, bar)}, {"venue", key.substr(bar + 1)}, {"quantity", "0"}});
  }
  positions_ = std::move(now_held);
}

StreamStats StreamHub::stats() const {
  StreamStats s;
  s.clients = open_.load();
  for (std::size_t i = 0; i < kTopicCount; ++i) s.messages[i] = messages_[i].load();
  s.dropped_clients = dropped_.load();
  s.conflated = conflated_.load();
  s.inbox_dropped = inbox_->dropped.load();
  return s;
}

}  // namespace nzeza::api
