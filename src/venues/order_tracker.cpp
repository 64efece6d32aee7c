#include "venues/order_tracker.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "core/enum_names.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues {

constexpr EnumNames kResolutionNames{
    Resolution::unresolved, {"found", "never_executed", "unresolved"}, "unresolved"};

std::string_view to_string(Resolution r) noexcept {
  return kResolutionNames.name(r);
}

struct OrderTracker::Tracked {
  explicit Tracked(domain::Order o) : order(std::move(o)) {}
  domain::Order order;
  Timestamp sent_at;
  std::uint64_t sends = 0;
  std::uint64_t attempt = 0;  // which send the pending answer belongs to
  bool in_flight = false;
  bool resolving = false;
  bool resend_allowed = false;
  int not_found_answers = 0;
  int queries = 0;
  TimerId timer = 0;
  TimerId place_timer = 0;
};

// What outlives the tracker: every callback the tracker hands out (its timers, a client's
// answers) holds it weakly and reaches the tracker only through enter(), so an answer arriving
// while or after the tracker is destroyed (a client completing, or dropping, a request as it is
// torn down) never touches it: the caller still gets the answer.
struct OrderTracker::Shared {
  std::mutex mu;
  std::condition_variable idle;
  OrderTracker* self = nullptr;  // null once the tracker is being destroyed
  bool quiesced = false;         // the tracker's own timers do nothing more
  int calls = 0;                 // calls into the tracker running now

  enum class From { timer, answer };
  // Runs f(tracker) unless the tracker is being destroyed, or quiesced for a timer; false then.
  // Calls may nest (a client answering inside the call that asked it) and run on several threads
  // at once; wait_idle() waits for them all.
  template <typename F>
  bool enter(From from, F&& f) {
    OrderTracker* tracker = nullptr;
    {
      std::lock_guard lock(mu);
      if (self == nullptr || (from == From::timer && quiesced)) return false;
      tracker = self;
      ++calls;
    }
    struct Leave {
      Shared& s;
      ~Leave() {
        std::lock_guard lock(s.mu);
        if (--s.calls == 0) s.idle.notify_all();
      }
    } leave{*this};
    std::forward<F>(f)(*tracker);
    return true;
  }
  // Not from inside a call (it would wait for itself).
  void wait_idle(std::unique_lock<std::mutex>& lock) {
    idle.wait(lock, [this] { return calls == 0; });
  }
};

OrderTracker::OrderTracker(Clock& clock, ResolverConfig config)
    : clock_(clock), config_(config), shared_(std::make_shared<Shared>()) {
  shared_->self = this;
  config_.not_found_confirmations = std::max(0, config_.not_found_confirmations);
  config_.max_queries = std::max(1, config_.max_queries);
}

OrderTracker::~OrderTracker() {
  quiesce();
  std::unique_lock lock(shared_->mu);
  shared_->self = nullptr;
  shared_->wait_idle(lock);
}

void OrderTracker::quiesce() {
  {
    // Every timer reaches the tracker through Shared::enter, which does nothing for a timer once
    // quiesced: after this block none runs (those running now have finished; later ones, even
    // those scheduled after this by a client's answer, return at once). The clients' answers
    // still reach the tracker until it is destroyed.
    std::unique_lock lock(shared_->mu);
    shared_->quiesced = true;
    shared_->wait_idle(lock);
  }
  std::lock_guard lock(mu_);
  for (auto& [id, t] : orders_) {
    if (t->timer != 0) clock_.cancel(t->timer);
    if (t->place_timer != 0) clock_.cancel(t->place_timer);
    t->timer = 0;
    t->place_timer = 0;
  }
}

Status OrderTracker::add_client(VenueClient& c) {
  std::lock_guard lock(mu_);
  for (VenueClient* existing : clients_) {
    if (existing->venue() == c.venue()) {
      return fail(
          ErrorCode::already_exists,
          "order tracker: a client for " + std::string(to_string(c.venue())) + " is registered");
    }
  }
  clients_.push_back(&c);
  return {};
}

void OrderTracker::on_resolution(ResolutionCallback callback) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(callback));
}

VenueClient* OrderTracker::client(Venue venue) const {
  for (VenueClient* c : clients_) {
    if (c->venue() == venue) return c;
  }
  return nullptr;
}

void OrderTracker::place(const domain::OrderSpec& spec, Callback<PlaceAck> done_fn) {
  const std::string id = spec.client_order_id.text;
  Completion<PlaceAck> done(std::move(done_fn), "order tracker place " + id);
  domain::OrderSpec to_send = spec;
  std::uint64_t attempt = 0;
  {
    std::lock_guard lock(mu_);
    if (client(spec.venue) == nullptr) {
      done.complete(Error{ErrorCode::not_found, "order '" + id + "': no client for venue " +
                                                    std::string(to_string(spec.venue))});
      return;
    }
    const Timestamp now = clock_.now();
    auto it = orders_.find(id);
    if (it == orders_.end()) {
      auto order = domain::Order::create(spec, now);
      if (!order) {
        done.complete(std::move(order).error());
        return;
      }
      it = orders_.emplace(id, std::make_unique<Tracked>(std::move(*order))).first;
    } else {
      Tracked& t = *it->second;
      const std::string state(domain::to_string(t.order.state()));
      if (t.in_flight) {
        done.complete(Error{ErrorCode::invalid_state,
                            "order '" + id + "': a place request is in flight; not resent"});
        return;
      }
      if (!t.resend_allowed) {
        if (t.order.state() == domain::OrderState::unknown) {
          done.complete(Error{ErrorCode::invalid_state,
                              "order '" + id + "': outcome unknown" +
                                  (t.resolving ? " (resolving by client id)" : " (unresolved)") +
                                  "; not resent"});
        } else {
          done.complete(Error{ErrorCode::already_exists,
                              "order '" + id + "' was already sent (state " + state + ")"});
        }
        return;
      }
      // The resend of an order proven not executed: the same order, the same client id.
      to_send = t.order.spec();
      if (domain::is_terminal(t.order.state())) {  // refused before sending: start afresh
        auto fresh = domain::Order::create(to_send, now);
        if (!fresh) {
          done.complete(std::move(fresh).error());
          return;
        }
        t.order = std::move(*fresh);
      }
      t.resend_allowed = false;
      t.not_found_answers = 0;
      t.queries = 0;
    }
    Tracked& t = *it->second;
    if (auto s = t.order.submit(now); !s) {
      done.complete(std::move(s).error());
      return;
    }
    t.in_flight = true;
    t.sent_at = now;
    ++t.sends;
    attempt = ++t.attempt;
    if (config_.place_timeout > Duration::zero()) {
      std::weak_ptr<Shared> weak = shared_;
      t.place_timer = clock_.schedule_after(config_.place_timeout, [weak, id, attempt, done] {
        auto shared = weak.lock();
        if (!shared) return;
        (void)shared->enter(Shared::From::timer, [&](OrderTracker& tracker) {
          tracker.on_place_answer(
              id, attempt,
              Error{ErrorCode::timeout, "order '" + id + "': no answer to place; outcome unknown"},
              done);
        });
      });
    }
  }
  send(id, to_send, attempt, std::move(done));
}

Status OrderTracker::track_unknown(const domain::OrderSpec& spec, Timestamp sent_at) {
  const std::string id = spec.client_order_id.text;
  std::lock_guard lock(mu_);
  if (client(spec.venue) == nullptr)
    return fail(ErrorCode::not_found,
                "order '" + id + "': no client for venue " + std::string(to_string(spec.venue)));
  if (orders_.count(id) != 0)
    return fail(ErrorCode::already_exists, "order '" + id + "' is tracked already");
  auto order = domain::Order::create(spec, sent_at);
  if (!order) return std::move(order).error();
  // As if this process had sent it at `sent_at` and its answer had been lost.
  if (auto st = order->submit(sent_at); !st) return std::move(st).error();
  const Timestamp now = clock_.now();
  if (auto st = order->time_out(now); !st) return std::move(st).error();
  auto& t = *orders_.emplace(id, std::make_unique<Tracked>(std::move(*order))).first->second;
  t.sent_at = sent_at;
  t.sends = 1;
  t.attempt = 1;
  start_resolving_locked(t, id, now);
  return {};
}

void OrderTracker::send(const std::string& id, const domain::OrderSpec& spec, std::uint64_t attempt,
                        Completion<PlaceAck> done) {
  VenueClient* c = nullptr;
  {
    std::lock_guard lock(mu_);
    c = client(spec.venue);
  }
  // Guarded so that a client dropping the callback unanswered (shutdown) still tells the
  // tracker (`cancelled`: outcome unknown), not only the caller.
  // The answer may come after the tracker is gone (a client completing or dropping it while it
  // is torn down): the caller still gets it.
  Completion<PlaceAck> answer(
      [weak = std::weak_ptr<Shared>(shared_), id, attempt, done](Result<PlaceAck> r) {
        auto shared = weak.lock();
        if (shared && shared->enter(Shared::From::answer, [&](OrderTracker& tracker) {
              tracker.on_place_answer(id, attempt, std::move(r), done);
            }))
          return;
        done.complete(std::move(r));
      },
      "order tracker place " + id);
  c->place(spec, [answer](Result<PlaceAck> r) { answer.complete(std::move(r)); });
}

void OrderTracker::on_place_answer(const std::string& id, std::uint64_t attempt, Result<PlaceAck> r,
                                   const Completion<PlaceAck>& done) {
  std::optional<ResolutionEvent> resolved;
  {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end()) return;
    Tracked& t = *it->second;
    const Timestamp now = clock_.now();
    const bool current = t.in_flight && t.attempt == attempt;
    if (current) {
      t.in_flight = false;
      if (t.place_timer != 0) {
        clock_.cancel(t.place_timer);
        t.place_timer = 0;
      }
    }
    if (r) {
      // Also a late ack after our own place_timeout: it resolves the unknown order.
      const PlaceAck& ack = *r;
      (void)t.order.acknowledge(ack.venue_order_id, ack.at.is_zero() ? now : ack.at);
      for (const auto& f : ack.fills) (void)t.order.apply_fill(f);
      domain::VenueOrderReport report = ack.report;
      if (report.venue_order_id.empty()) report.venue_order_id = ack.venue_order_id;
      if (report.at.is_zero()) report.at = now;
      (void)t.order.apply_report(report);
      if (t.resolving && t.attempt == attempt) {
        resolved = found_locked(t, id, std::nullopt, now);
      }
    } else if (current) {
      const Error& e = r.error();
      switch (classify(e)) {
        case FailureClass::refused_before_sending:
          (void)t.order.mark_rejected("not sent: " + e.message, now);
          t.resend_allowed = true;
          break;
        case FailureClass::refused_by_venue:
          (void)t.order.mark_rejected(e.venue_text.empty() ? e.message : e.venue_text, now);
          break;
        case FailureClass::outcome_unknown:
          (void)t.order.time_out(now);
          start_resolving_locked(t, id, now);
          break;
      }
    }
  }
  if (resolved) publish(*resolved);
  done.complete(std::move(r));
}

void OrderTracker::start_resolving_locked(Tracked& t, const std::string& id, Timestamp now) {
  t.resolving = true;
  t.not_found_answers = 0;
  t.queries = 0;
  VenueClient* c = client(t.order.spec().venue);
  const RequestValidity v = c->request_validity();
  const Timestamp first = request_expiry(v, t.sent_at) + v.query_lag;
  schedule_query_locked(t, id, std::max(first, now));
}

void OrderTracker::schedule_query_locked(Tracked& t, const std::string& id, Timestamp at) {
  std::weak_ptr<Shared> weak = shared_;
  t.timer = clock_.schedule_at(at, [weak, id] {
    auto shared = weak.lock();
    if (!shared) return;
    (void)shared->enter(Shared::From::timer, [&](OrderTracker& tracker) { tracker.query(id); });
  });
}

void OrderTracker::query(const std::string& id) {
  VenueClient* c = nullptr;
  OrderRef ref;
  {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end() || !it->second->resolving) return;
    Tracked& t = *it->second;
    t.timer = 0;
    ++t.queries;
    ref.client_order_id = id;
    ref.venue_order_id = t.order.venue_order_id();
    ref.instrument = t.order.spec().instrument;
    c = client(t.order.spec().venue);
  }
  Completion<VenueOrder> answer(
      [weak = std::weak_ptr<Shared>(shared_), id](Result<VenueOrder> r) {
        if (auto shared = weak.lock()) {
          (void)shared->enter(Shared::From::answer, [&](OrderTracker& tracker) {
            tracker.on_query_answer(id, std::move(r));
          });
        }
      },
      "order tracker status " + id);
  c->order_status(ref, [answer](Result<VenueOrder> r) { answer.complete(std::move(r)); });
}

void OrderTracker::on_query_answer(const std::string& id, Result<VenueOrder> r) {
  std::optional<ResolutionEvent> event;
  {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end() || !it->second->resolving) return;
    Tracked& t = *it->second;
    const Timestamp now = clock_.now();
    const Venue venue = t.order.spec().venue;
    if (r) {
      domain::VenueOrderReport report = r->report;
      if (report.at.is_zero()) report.at = now;
      if (!report.venue_order_id.empty()) (void)t.order.acknowledge(report.venue_order_id, now);
      (void)t.order.apply_report(report);
      t.resolving = false;
      event = ResolutionEvent{id, venue, Resolution::found, *r, t.queries, Error{}, now};
    } else if (r.error().code == ErrorCode::not_found) {
      ++t.not_found_answers;
      if (t.not_found_answers > config_.not_found_confirmations) {
        t.resolving = false;
        t.resend_allowed = true;  // stays `unknown` in the domain until the resend submits it
        event = ResolutionEvent{
            id, venue, Resolution::never_executed, std::nullopt, t.queries, r.error(), now};
      } else {
        schedule_query_locked(t, id, now + config_.not_found_grace);
      }
    } else if (t.queries >= config_.max_queries) {
      t.resolving = false;
      event = ResolutionEvent{id,        venue, Resolution::unresolved, std::nullopt, t.queries,
                              r.error(), now};
    } else {
      schedule_query_locked(t, id, now + config_.query_retry);
    }
  }
  if (event) publish(*event);
}

void OrderTracker::publish(const ResolutionEvent& e) {
  std::vector<ResolutionCallback> listeners;
  {
    std::lock_guard lock(mu_);
    listeners = listeners_;
  }
  for (const auto& l : listeners) l(e);
}

ResolutionEvent OrderTracker::found_locked(Tracked& t, const std::string& id,
                                           std::optional<VenueOrder> update, Timestamp at) {
  t.resolving = false;
  if (t.timer != 0) clock_.cancel(t.timer);
  t.timer = 0;
  return ResolutionEvent{
      id, t.order.spec().venue, Resolution::found, std::move(update), t.queries, Error{}, at};
}

Status OrderTracker::apply_update(const VenueOrder& update) {
  std::optional<ResolutionEvent> event;
  Status status;
  {
    std::lock_guard lock(mu_);
    auto it = orders_.find(update.client_order_id);
    if (it == orders_.end()) {
      return fail(ErrorCode::not_found,
                  "order update for '" + update.client_order_id + "': not an order we sent");
    }
    Tracked& t = *it->second;
    const Timestamp now = clock_.now();
    domain::VenueOrderReport report = update.report;
    if (report.at.is_zero()) report.at = now;
    if (!report.venue_order_id.empty()) (void)t.order.acknowledge(report.venue_order_id, now);
    auto applied = t.order.apply_report(report);
    if (!applied) status = applied.error();
    if (t.resolving) {
      event = found_locked(t, update.client_order_id, update, now);
    }
  }
  if (event) publish(*event);
  return status;
}

Status OrderTracker::apply_fill(const domain::Fill& fill) {
  std::optional<ResolutionEvent> event;
  Status status;
  {
    std::lock_guard lock(mu_);
    auto it = orders_.find(fill.client_order_id);
    if (it == orders_.end()) {
      return fail(ErrorCode::not_found, "fill '" + fill.trade_id + "' for '" +
                                            fill.client_order_id + "': not an order we sent");
    }
    Tracked& t = *it->second;
    auto applied = t.order.apply_fill(fill);
    if (!applied) status = applied.error();
    if (applied && t.resolving) {
      event = found_locked(t, fill.client_order_id, std::nullopt, clock_.now());
    }
  }
  if (event) publish(*event);
  return status;
}

std::optional<domain::Order> OrderTracker::order(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = orders_.find(id);
  if (it == orders_.end()) return std::nullopt;
  return it->second->order;
}

std::uint64_t OrderTracker::sends(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = orders_.find(id);
  return it == orders_.end() ? 0 : it->second->sends;
}

bool OrderTracker::resend_allowed(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = orders_.find(id);
  return it != orders_.end() && it->second->resend_allowed;
}

bool OrderTracker::resolving(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = orders_.find(id);
  return it != orders_.end() && it->second->resolving;
}

std::size_t OrderTracker::size() const {
  std::lock_guard lock(mu_);
  return orders_.size();
}

}  // namespace nzeza::venues
