#include "app/execution.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "app/order_fills.hpp"
#include "domain/sizing.hpp"
#include "store/journal.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::app {
namespace {

bool terminal(domain::VenueOrderStatus s) {
  using S = domain::VenueOrderStatus;
  return s == S::filled || s == S::cancelled || s == S::rejected || s == S::expired;
}

std::string side_text(Side s) {
  return std::string(to_string(s));
}

// The journal's purpose of an order from its log label ("close (signal)" → "close").
std::string purpose_of(const std::string& label) {
  return label.rfind("close", 0) == 0 ? std::string("close") : label;
}

store::OrderPhase phase_of(domain::VenueOrderStatus s) {
  return terminal(s) ? store::OrderPhase::done : store::OrderPhase::working;
}

// This actor's own ref, from the cell running the turn. Not the holder: its owner fills that
// after spawn, while the first turn (on_start) may already run on another thread.
Execution::Self own_ref(actor::ActorContext& ctx) {
  return Execution::Self(
      std::static_pointer_cast<Execution::Self::Cell>(ctx.cell().shared_from_this()));
}

// A venue's answer (on the venue's thread) told to the actor through its weak self: once the
// owner let the holder go, nobody is left to hear it.
template <typename M>
void tell_self(const std::weak_ptr<Execution::Self>& self, M&& m) {
  if (auto to = self.lock()) (void)to->tell(std::forward<M>(m));
}

}  // namespace

Result<std::unique_ptr<ExecutionState>> Execution::make_state(const ExecutionConfig& config,
                                                              Timestamp session_start) {
  auto gate = domain::RiskGate::create(config.risk);
  if (!gate) return gate.error().with_context("execution risk config");
  auto s = std::make_unique<ExecutionState>(std::move(*gate));
  s->session_start = session_start;
  return s;
}

Result<std::unique_ptr<Execution>> Execution::create(ExecutionConfig config, Deps deps) {
  if (deps.registry == nullptr || deps.router == nullptr || deps.tracker == nullptr ||
      deps.counter == nullptr || deps.codec == nullptr || deps.state == nullptr ||
      deps.self.expired())
    return Error{ErrorCode::invalid_argument, "execution: missing a dependency"};
  if (!config.exposure_per_trade.is_positive())
    return Error{ErrorCode::invalid_argument, "execution: exposure_per_trade must be > 0"};
  return std::unique_ptr<Execution>(new Execution(std::move(config), std::move(deps)));
}

void Execution::fault(std::string_view what) {
  if (deps_.fault) deps_.fault(what);
}

void Execution::emit(Timestamp at, std::string kind, std::string text,
                     std::vector<std::pair<std::string, std::string>> fields) {
  if (deps_.journal != nullptr) deps_.journal->record(store::AuditRecord{at, kind, text, fields});
  if (deps_.log) deps_.log(TradeEvent{at, std::move(kind), std::move(text), std::move(fields)});
}

void Execution::audit(Timestamp at, std::string kind, std::string text,
                      std::vector<std::pair<std::string, std::string>> fields) {
  if (deps_.journal != nullptr)
    deps_.journal->record(
        store::AuditRecord{at, std::move(kind), std::move(text), std::move(fields)});
}

void Execution::journal_order(std::uint64_t sequence, store::OrderPhase phase,
                              const venues::VenueOrder* order, std::optional<Venue> venue,
                              std::string detail, Timestamp now) {
  if (deps_.journal == nullptr || sequence == 0) return;
  store::OrderEventRecord e;
  e.sequence = sequence;
  e.phase = phase;
  e.venue = venue;
  e.detail = std::move(detail);
  e.at = now;
  if (order != nullptr) {
    e.client_order_id = order->client_order_id;
    e.venue_order_id = order->report.venue_order_id;
    e.venue_symbol = order->venue_symbol;
    e.status = order->report.status;
    e.filled = order->report.cumulative_filled;
    if (!venue) {
      if (const Instrument* inst = deps_.registry->get(order->instrument); inst != nullptr)
        e.venue = inst->venue;
    }
  }
  deps_.journal->record(std::move(e));
}

void Execution::journal_position(const ExecutionBook& b, Timestamp now) {
  if (deps_.journal == nullptr || !b.position) return;
  const Instrument* inst = deps_.registry->get(b.instrument);
  store::PositionRecord p;
  p.venue = b.venue;
  p.venue_symbol = inst != nullptr ? inst->venue_symbol : std::string();
  p.canonical = b.canonical;
  p.quantity = b.position->quantity();
  p.average_entry = b.position->average_entry_price();
  p.realized_pnl = b.position->realized_pnl();
  p.at = now;
  deps_.journal->record(std::move(p));
}

void Execution::journal_exit_levels(const ExecutionBook& b, const domain::ExitRules* rules,
                                    Timestamp now) {
  if (deps_.journal == nullptr) return;
  store::ExitLevelsRecord x;
  x.canonical = b.canonical;
  x.armed = rules != nullptr;
  x.at = now;
  if (rules != nullptr) {
    if (b.position) x.entry = b.position->average_entry_price();
    x.stop_loss = rules->stop_loss;
    x.take_profit = rules->take_profit;
    if (rules->trailing && rules->trailing->kind == domain::TrailingStop::Kind::fraction)
      x.trailing_fraction = rules->trailing->amount;
  }
  deps_.journal->record(std::move(x));
}

void Execution::on_start(actor::ActorContext& ctx) {
  ++st().starts;
  if (st().starts == 1) {
    // A position recovered from the journal with nothing resting at its venue (the exits were
    // cancelled or expired while nzeza was down, or the paper venue restarted): protect it again.
    for (auto& [id, b] : st().books) {
      if (!holds(b) || !b.exits.empty() || b.working != 0 || b.closing()) continue;
      b.exits_armed = false;
      arm_exits(b, ctx.now());
    }
  }
  if (st().starts > 1) {
    emit(ctx.now(), "restart",
         "execution restarted (start " + std::to_string(st().starts) +
             "): positions and orders kept; fills since the session start asked again");
    resync(st().session_start);
  }
  if (config_.reconcile_every > Duration::zero()) {
    if (st().last_reconcile == Timestamp{}) st().last_reconcile = ctx.now();
    reconcile_timer_ = ctx.tell_after(config_.reconcile_every, own_ref(ctx), ReconcileTick{});
  }
}

void Execution::on_stop(actor::ActorContext& ctx) {
  if (reconcile_timer_ != 0) ctx.cancel_timer(reconcile_timer_);
  reconcile_timer_ = 0;
}

void Execution::resync(Timestamp since) {
  auto self = deps_.self;
  for (const Venue v : kAllVenues) {
    venues::VenueClient* client = deps_.router->client(v);
    if (client == nullptr) continue;
    client->fills_since(since, std::nullopt, [self](Result<std::vector<domain::Fill>> fills) {
      auto to = self.lock();
      if (!fills || !to) return;  // the private stream still delivers new ones
      for (auto& f : *fills) (void)to->tell(VenueFillMsg{std::move(f)});
    });
    client->open_orders(std::nullopt, [self](Result<std::vector<venues::VenueOrder>> orders) {
      auto to = self.lock();
      if (!orders || !to) return;
      for (auto& o : *orders) (void)to->tell(VenueOrderMsg{std::move(o)});
    });
  }
}

ExecutionBook& Execution::book(SymbolId symbol) {
  auto [it, inserted] = st().books.try_emplace(symbol.value);
  if (inserted) {
    it->second.symbol = symbol;
    it->second.canonical = std::string(deps_.registry->symbols().name(symbol));
  }
  return it->second;
}

ExecutionBook* Execution::book_of_order(Venue venue, std::string_view client_order_id,
                                        std::uint64_t* sequence) {
  const auto seq = deps_.codec->decode(venue, client_order_id);
  if (!seq) return nullptr;
  auto it = st().orders.find(*seq);
  if (it == st().orders.end()) return nullptr;
  if (sequence != nullptr) *sequence = *seq;
  return &book(SymbolId{it->second});
}

bool Execution::holds(const ExecutionBook& b) const {
  if (!b.position || b.position->quantity().is_zero()) return false;
  // Dust below the venue's lot (a spot fee paid in the base coin leaves 1e-8 BTC that no order
  // can sell) is no position: it must not keep a symbol from ever reading flat.
  const Instrument* inst = deps_.registry->get(b.instrument);
  if (inst == nullptr) return true;
  const Decimal smallest = inst->min_size.is_positive() ? inst->min_size : inst->lot_size;
  return !smallest.is_positive() || b.position->abs_quantity() >= smallest;
}

domain::RiskContext Execution::context(const ExecutionBook& b) const {
  domain::RiskContext c;
  for (const auto& [id, other] : deps_.state->books) {
    if (!holds(other)) continue;
    ++c.open_positions_total;
    if (other.symbol == b.symbol) ++c.open_positions_for_symbol;
    if (other.mark)
      c.gross_exposure += other.position->notional(other.mark->price).value_or(Decimal{});
  }
  const AccountUpdate& a = deps_.state->account;
  c.equity = a.equity;
  c.daily_pnl = a.equity - a.day_start_equity;
  c.available_quote = a.available_quote;
  c.available_base =
      b.position && b.position->quantity().is_positive() ? b.position->quantity() : Decimal{};
  return c;
}

void Execution::refuse(ExecutionBook& b, std::string_view reason, const std::string& text,
                       Timestamp now) {
  ++st().stats.orders_refused;
  ++st().refusals[std::string(reason)];
  emit(now, "refusal", b.canonical + ": " + text,
       {{"symbol", b.canonical}, {"reason", std::string(reason)}, {"detail", text}});
}

// ── signals ──────────────────────────────────────────────────────────────────────────────────

void Execution::on(SignalMsg& m, actor::ActorContext& ctx) {
  fault("SignalMsg");
  ++st().stats.signals;
  const Timestamp now = ctx.now();
  ExecutionBook& b = book(m.symbol);
  const Decimal qty = holds(b) ? b.position->quantity() : Decimal{};
  const bool is_long = qty.is_positive();
  const bool is_short = qty.is_negative();
  if (m.kind == strategy::SignalKind::buy && is_short) return close(b, "signal", now);
  if (m.kind == strategy::SignalKind::sell && is_long) return close(b, "signal", now);
  if (is_long || is_short) return;  // already positioned that way
  if (m.kind == strategy::SignalKind::hold) return;
  audit(now, "signal",
        b.canonical + ' ' + std::string(strategy::to_string(m.kind)) + " confidence " +
            std::to_string(m.confidence),
        {{"symbol", b.canonical},
         {"kind", std::string(strategy::to_string(m.kind))},
         {"confidence", std::to_string(m.confidence)},
         {"operator", m.from_operator ? "true" : "false"}});
  open(b, m.kind == strategy::SignalKind::buy ? Side::buy : Side::sell, m, now);
}

void Execution::open(ExecutionBook& b, Side side, const SignalMsg& m, Timestamp now) {
  if (st().stopping) return refuse(b, "stopping", "the server is stopping: no new entry", now);
  if (!b.blocked.empty())
    return refuse(b, "reconciliation", "blocked until an operator decides: " + b.blocked, now);
  if (b.working != 0)
    return refuse(b, b.working_unknown ? "outcome unknown" : "order in flight",
                  b.working_unknown ? "an earlier order's outcome is being resolved"
                                    : "an order is already in flight",
                  now);
  if ((!m.reference && !m.from_operator) || !b.mark || !b.mark->fresh ||
      now - b.mark->at > config_.max_mark_age)
    return refuse(b, "stale price", "no fresh reference price: holding, no new entry", now);
  // The instrument at the symbol's primary venue (sizing needs its lot and min notional).
  venues::PlaceIntent probe;
  probe.canonical = b.canonical;
  auto venues = deps_.router->candidates(probe);
  if (!venues || venues->empty())
    return refuse(b, "no route", venues ? "no venue for the symbol" : venues.error().message, now);
  const Instrument* inst = deps_.registry->find_canonical(venues->front(), b.canonical);
  if (inst == nullptr) return refuse(b, "no route", "no instrument at the venue", now);
  if (side == Side::sell && inst->kind != InstrumentKind::perpetual)
    return;  // spot: a sell signal when flat is nothing to do (no shorting)
  const Decimal price = b.mark->price;  // the freshest reference price
  domain::SizingRequest sizing;
  sizing.symbol = b.canonical;
  sizing.available_balance = st().account.available_quote;
  sizing.equity = st().account.equity;
  sizing.leverage = inst->kind == InstrumentKind::perpetual ? config_.leverage : Decimal::one();
  sizing.price = price;
  sizing.max_portfolio_exposure = config_.exposure_per_trade;
  sizing.min_order_notional = config_.min_order_notional;
  sizing.max_order_notional = std::max(config_.risk.max_order_notional, config_.min_order_notional);
  sizing.instrument = inst;
  auto size = domain::size_position(sizing);
  if (!size) return refuse(b, "sizing", size.error().message, now);
  if (size->refused()) return refuse(b, "sizing", size->reason, now);
  domain::RiskRequest request;
  request.instrument = inst;
  request.side = side;
  request.quantity = size->quantity;
  request.price = price;
  request.leverage = sizing.leverage;
  request.confidence = m.confidence;
  const auto decision = st().gate.evaluate(request, context(b), now);
  if (!decision.approved())
    return refuse(b, "risk: " + std::string(domain::to_string(decision.refusal->reason)),
                  decision.refusal->message, now);
  venues::PlaceIntent intent;
  intent.canonical = b.canonical;
  intent.side = side;
  intent.type = domain::OrderType::market;
  intent.time_in_force = domain::TimeInForce::ioc;
  intent.quantity = size->quantity;
  if (config_.max_entry_slippage_bps) {
    // The worst price accepted, on the tick and never worse than the slippage allows.
    const Decimal move = price * *config_.max_entry_slippage_bps / Decimal::from_integer(10'000);
    const Decimal limit = side == Side::buy ? price + move : price - move;
    auto rounded =
        inst->round_price(limit, side == Side::buy ? RoundingMode::down : RoundingMode::up);
    if (!rounded || !rounded->is_positive())
      return refuse(b, "sizing", "no valid entry limit price near " + price.to_string(), now);
    intent.type = domain::OrderType::limit;
    intent.price = *rounded;
  }
  st().gate.record_trade(now);
  b.working_is_close = false;
  b.exits_armed = false;
  b.working = route(b, std::move(intent), m.tick_received, "entry", now);
}

std::uint64_t Execution::route(ExecutionBook& b, venues::PlaceIntent intent, Timestamp tick,
                               const std::string& label, Timestamp now) {
  if (st().frozen) {
    refuse(b, "stopped", label + " not sent: the server has stopped", now);
    return 0;
  }
  intent.sequence = deps_.counter->next();
  const std::uint64_t seq = intent.sequence;
  if (deps_.journal != nullptr) {
    // Durable before the order leaves: after a crash at any instant the restart finds this intent
    // and asks the venues about it by client id before anything else is sent.
    const store::IntentRecord record{seq,
                                     b.canonical,
                                     intent.side,
                                     intent.type,
                                     intent.time_in_force,
                                     intent.reduce_only,
                                     intent.quantity,
                                     intent.price,
                                     intent.stop_price,
                                     purpose_of(label),
                                     now};
    if (auto written = deps_.journal->write_intent(record); !written) {
      refuse(
          b, "journal",
          label + " not sent: its intent could not be journaled (" + written.error().message + ")",
          now);
      return 0;
    }
  }
  st().orders[seq] = b.symbol.value;
  {
    OrderView& r = st().records[seq];
    r.sequence = seq;
    r.symbol = b.canonical;
    r.purpose = label;
    r.side = intent.side;
    r.type = intent.type;
    r.quantity = intent.quantity;
    r.price = intent.price;
    r.stop_price = intent.stop_price;
    r.reduce_only = intent.reduce_only;
    r.created = now;
    r.updated = now;
  }
  ++st().stats.orders_sent;
  if (deps_.on_intent) deps_.on_intent(intent, tick);
  std::string text = label + " #" + std::to_string(seq) + ' ' + side_text(intent.side) + ' ' +
                     intent.quantity.to_string() + ' ' + b.canonical + ' ' +
                     std::string(domain::to_string(intent.type));
  if (intent.stop_price) text += " trigger " + intent.stop_price->to_string();
  if (intent.reduce_only) text += " reduce-only";
  emit(now, "order", text,
       {{"symbol", b.canonical},
        {"sequence", std::to_string(seq)},
        {"purpose", label},
        {"side", side_text(intent.side)},
        {"quantity", intent.quantity.to_string()},
        {"type", std::string(domain::to_string(intent.type))}});
  auto self = deps_.self;
  const SymbolId symbol = b.symbol;
  deps_.router->place(intent, [self, seq, symbol](Result<venues::RoutedAck> r) {
    tell_self(self, PlaceResult{seq, symbol, std::move(r)});
  });
  return seq;
}

// ── order answers ────────────────────────────────────────────────────────────────────────────

void Execution::on(PlaceResult& m, actor::ActorContext& ctx) {
  fault("PlaceResult");
  const Timestamp now = ctx.now();
  ExecutionBook& b = book(m.symbol);
  auto exit_it = std::find_if(b.exits.begin(), b.exits.end(),
                              [&](const ExitOrder& e) { return e.sequence == m.sequence; });
  if (!m.result) {
    const Error& e = m.result.error();
    const bool unknown = venues::outcome_unknown(e);
    if (unknown) {
      ++st().stats.unknown_outcomes;
      emit(now, "order",
           "#" + std::to_string(m.sequence) + " outcome unknown (" + e.message +
               "): resolving by client id, never resent blindly",
           {{"sequence", std::to_string(m.sequence)}, {"outcome", "unknown"}});
      if (b.working == m.sequence) b.working_unknown = true;
      if (exit_it != b.exits.end()) exit_it->acknowledged = true;  // may rest: keep it
      settle(m.sequence, "unknown", false, now, e.message);
      journal_order(m.sequence, store::OrderPhase::unknown, nullptr, std::nullopt, e.message, now);
      return;
    }
    journal_order(m.sequence, store::OrderPhase::refused, nullptr, std::nullopt, e.message, now);
    settle(m.sequence, "rejected", true, now, e.message);
    std::string reason = "venue refused";
    if (auto kind = venues::route_error_kind(e)) reason = "venue " + std::string(to_string(*kind));
    refuse(b, reason, "#" + std::to_string(m.sequence) + ": " + e.message, now);
    if (exit_it != b.exits.end()) {
      // A native exit the venue refused: that level is watched locally instead.
      const ExitOrder gone = *exit_it;
      b.exits.erase(exit_it);
      domain::ExitRules rules = b.monitor ? b.monitor->rules() : domain::ExitRules{};
      if (gone.reason == domain::ExitReason::stop_loss) rules.stop_loss = gone.level;
      if (gone.reason == domain::ExitReason::take_profit) rules.take_profit = gone.level;
      if (auto mon = domain::ExitMonitor::create(rules)) b.monitor = std::move(*mon);
      progress_close(b, now);
      return;
    }
    if (b.working == m.sequence) {
      b.working = 0;
      b.working_unknown = false;
      if (b.closing()) progress_close(b, now);
    }
    return;
  }
  const venues::RoutedAck& ack = *m.result;
  b.venue = ack.venue;
  b.instrument = ack.spec.instrument;
  if (OrderView* r = record(m.sequence); r != nullptr) {
    r->venue = ack.venue;
    r->client_order_id = ack.ack.client_order_id;
    settle(m.sequence, std::string(domain::to_string(ack.ack.report.status)), false, now);
  }
  {
    venues::VenueOrder placed;
    placed.client_order_id = ack.ack.client_order_id;
    placed.instrument = ack.spec.instrument;
    if (const Instrument* inst = deps_.registry->get(ack.spec.instrument); inst != nullptr)
      placed.venue_symbol = inst->venue_symbol;
    placed.report = ack.ack.report;
    if (placed.report.venue_order_id.empty()) placed.report.venue_order_id = ack.ack.venue_order_id;
    journal_order(m.sequence, phase_of(ack.ack.report.status), &placed, ack.venue, "placed", now);
  }
  for (const auto& f : ack.ack.fills) apply_fill(f, now);
  if (exit_it != b.exits.end()) exit_it->acknowledged = true;
  if (terminal(ack.ack.report.status)) order_done(b, m.sequence, ack.ack.report.status, now);
}

void Execution::on(CancelResult& m, actor::ActorContext& ctx) {
  fault("CancelResult");
  const Timestamp now = ctx.now();
  ExecutionBook& b = book(m.symbol);
  if (!m.result) {
    auto it = std::find_if(b.exits.begin(), b.exits.end(),
                           [&](const ExitOrder& e) { return e.sequence == m.sequence; });
    if (OrderView* r = record(m.sequence); r != nullptr && r->cancelling) {
      r->cancelling = false;
      r->detail = "cancel failed: " + m.result.error().message;
      r->updated = now;
    }
    if (it == b.exits.end() && b.working == m.sequence)
      emit(now, "cancel",
           "cancel #" + std::to_string(m.sequence) + " failed: " + m.result.error().message,
           {{"symbol", b.canonical}, {"sequence", std::to_string(m.sequence)}});
    if (it != b.exits.end()) {
      if (m.result.error().code == ErrorCode::not_found && !it->gone_asked) {
        // Gone already (filled or cancelled). It may have filled while no stream listened
        // (before this process subscribed, or during a reconnect): its state and fills are asked
        // for, and it is let go only with them applied, so a close never acts on a position the
        // venue no longer holds.
        it->gone_asked = true;
        ask_gone_exit(b, *it);
        return;
      }
      if (m.result.error().code == ErrorCode::not_found) {
        b.exits.erase(it);  // gone, and the venue could not say more: the next check has its fills
      } else {
        // Tried again after a backoff (0.5 s doubling to 30 s), never in a tight loop.
        it->cancelling = false;
        ++it->cancel_failures;
        const Duration backoff =
            std::min<Duration>(std::chrono::seconds(30),
                               std::chrono::milliseconds(500) *
                                   (std::int64_t{1} << std::min(it->cancel_failures - 1, 6)));
        it->retry_after = now + backoff;
        emit(now, "cancel",
             "cancel #" + std::to_string(m.sequence) + " failed: " + m.result.error().message +
                 " (tried again in " + std::to_string(backoff.count() / 1'000'000) + " ms)");
        (void)ctx.tell_after(backoff, own_ref(ctx), CancelRetry{b.symbol});
      }
    }
    progress_close(b, now);
    return;
  }
  journal_order(m.sequence, phase_of(m.result->report.status), nullptr, b.venue, "cancel answered",
                now);
  order_done(b, m.sequence, m.result->report.status, now);
}

void Execution::on(VenueOrderMsg& m, actor::ActorContext& ctx) {
  fault("VenueOrderMsg");
  (void)deps_.tracker->apply_update(m.order);
  std::uint64_t seq = 0;
  const Venue venue = deps_.registry->get(m.order.instrument) != nullptr
                          ? deps_.registry->get(m.order.instrument)->venue
                          : Venue::paper;
  ExecutionBook* b = book_of_order(venue, m.order.client_order_id, &seq);
  if (b == nullptr) return;
  journal_order(seq, phase_of(m.order.report.status), &m.order, venue, "venue update", ctx.now());
  settle(seq, std::string(domain::to_string(m.order.report.status)), false, ctx.now());
  if (terminal(m.order.report.status)) order_done(*b, seq, m.order.report.status, ctx.now());
}

void Execution::on(venues::ResolutionEvent& m, actor::ActorContext& ctx) {
  fault("ResolutionEvent");
  const Timestamp now = ctx.now();
  std::uint64_t seq = 0;
  ExecutionBook* b = book_of_order(m.venue, m.client_order_id, &seq);
  if (b == nullptr) return;
  emit(now, "resolution",
       "#" + std::to_string(seq) + " resolved: " + std::string(venues::to_string(m.resolution)),
       {{"sequence", std::to_string(seq)},
        {"resolution", std::string(venues::to_string(m.resolution))}});
  switch (m.resolution) {
    case venues::Resolution::found:
      if (m.venue_order)
        journal_order(seq, phase_of(m.venue_order->report.status), &*m.venue_order, m.venue,
                      "resolved: found", now);
      else
        journal_order(seq, store::OrderPhase::working, nullptr, m.venue, "resolved: found", now);
      if (m.venue_order)
        settle(seq, std::string(domain::to_string(m.venue_order->report.status)), false, now,
               "resolved: found");
      if (m.venue_order && terminal(m.venue_order->report.status))
        order_done(*b, seq, m.venue_order->report.status, now);
      else if (b->working == seq)
        b->working_unknown = false;  // it lives: its end arrives on the stream
      break;
    case venues::Resolution::never_executed:
      journal_order(seq, store::OrderPhase::never_executed, nullptr, m.venue,
                    "resolved: never executed", now);
      settle(seq, "never_executed", true, now, "resolved: never executed");
      order_done(*b, seq, domain::VenueOrderStatus::rejected, now);
      break;
    case venues::Resolution::unresolved:
      journal_order(seq, store::OrderPhase::unresolved, nullptr, m.venue,
                    "unresolved: " + m.last_error.message, now);
      settle(seq, "unresolved", false, now, "unresolved: " + m.last_error.message);
      break;  // stays blocked: an operator or the restart reconciliation decides
  }
}

void Execution::order_done(ExecutionBook& b, std::uint64_t sequence,
                           domain::VenueOrderStatus status, Timestamp now) {
  settle(sequence, std::string(domain::to_string(status)), true, now);
  auto exit_it = std::find_if(b.exits.begin(), b.exits.end(),
                              [&](const ExitOrder& e) { return e.sequence == sequence; });
  if (exit_it != b.exits.end()) {
    b.exits.erase(exit_it);
    progress_close(b, now);
    return;
  }
  if (b.working != sequence) return;
  b.working = 0;
  b.working_unknown = false;
  (void)status;
  const bool flat = !holds(b);
  if (b.working_is_close) {
    if (!flat && b.closing()) {
      progress_close(b, now);  // a close that left a remainder: close what is left
    } else if (flat) {
      b.closing_why.clear();
      b.close_attempts = 0;
    }
    return;
  }
  if (!flat) {
    if (b.closing())
      progress_close(b, now);  // a close was asked while the entry was in flight
    else
      arm_exits(b, now);
  }
}

// ── fills ────────────────────────────────────────────────────────────────────────────────────

void Execution::on(VenueFillMsg& m, actor::ActorContext& ctx) {
  fault("VenueFillMsg");
  apply_fill(m.fill, ctx.now());
}

void Execution::apply_fill(const domain::Fill& fill, Timestamp now) {
  auto outcome = st().ledger.record(fill);
  if (!outcome) {
    emit(now, "fill", "fill refused: " + outcome.error().message);
    return;
  }
  if (*outcome == domain::FillOutcome::duplicate) return;
  if (deps_.journal != nullptr)
    deps_.journal->record(store::FillRecord{
        fill, deps_.codec->decode(fill.venue, fill.client_order_id).value_or(0), now});
  (void)deps_.tracker->apply_fill(fill);
  const Instrument* inst = deps_.registry->get(fill.instrument);
  if (inst == nullptr) {
    emit(now, "fill",
         "fill " + fill.trade_id + " on " + fill.venue_symbol +
             ": instrument not loaded, kept for reconciliation");
    return;
  }
  ExecutionBook& b = book(inst->symbol);
  if (!b.position || (b.position->quantity().is_zero() && b.instrument != inst->id)) {
    auto p = domain::Position::for_instrument(
        *inst, inst->kind == InstrumentKind::perpetual ? config_.leverage : Decimal::one());
    if (!p) {
      emit(now, "fill", "fill " + fill.trade_id + ": " + p.error().message);
      return;
    }
    b.position = std::move(*p);
  }
  b.venue = inst->venue;
  b.instrument = inst->id;
  auto pf = domain::to_position_fill(*inst, fill);
  if (!pf) {
    emit(now, "fill", "fill " + fill.trade_id + ": " + pf.error().message);
    return;
  }
  auto change = b.position->apply(*pf);
  if (!change) {
    emit(now, "fill", "fill " + fill.trade_id + ": " + change.error().message);
    return;
  }
  if (deps_.to_portfolio) deps_.to_portfolio(VenueFillMsg{fill});
  std::uint64_t seq = 0;
  (void)book_of_order(inst->venue, fill.client_order_id, &seq);
  if (OrderView* r = record(seq); r != nullptr) {
    r->fills.push_back(OrderFillView{fill.trade_id, fill.price, fill.quantity, fill.fee,
                                     fill.fee_currency, fill.time});
    r->filled += fill.quantity;
    r->updated = now;
  }
  auto exit_it = std::find_if(b.exits.begin(), b.exits.end(),
                              [&](const ExitOrder& e) { return e.sequence == seq && seq != 0; });
  const bool is_exit = exit_it != b.exits.end();
  emit(
      now, is_exit ? "exit" : "fill",
      std::string(is_exit ? "exit (" + std::string(domain::to_string(exit_it->reason)) + ") #"
                          : "#") +
          std::to_string(seq) + ' ' + side_text(fill.side) + ' ' + fill.quantity.to_string() + ' ' +
          b.canonical + " @ " + fill.price.to_string() + " fee " + fill.fee.to_string() + ' ' +
          fill.fee_currency + "; position " + b.position->quantity().to_string(),
      {{"symbol", b.canonical},
       {"sequence", std::to_string(seq)},
       {"trade_id", fill.trade_id},
       {"side", side_text(fill.side)},
       {"quantity", fill.quantity.to_string()},
       {"price", fill.price.to_string()},
       {"fee", fill.fee.to_string()},
       {"position", b.position->quantity().to_string()},
       {"exit_reason", is_exit ? std::string(domain::to_string(exit_it->reason)) : b.closing_why}});
  journal_position(b, now);
  if (!holds(b)) {
    if (b.exits_armed) journal_exit_levels(b, nullptr, now);
    // Flat (or dust below the lot): whatever still rests is not needed any more.
    b.monitor.reset();
    b.exits_armed = false;
    if (!b.exits.empty()) {
      if (!b.closing()) b.closing_why = "flat";
      cancel_exits(b, now);
    } else {
      b.closing_why.clear();
      b.close_attempts = 0;
    }
  }
}

// ── exits ────────────────────────────────────────────────────────────────────────────────────

void Execution::arm_exits(ExecutionBook& b, Timestamp now) {
  if (b.exits_armed || !holds(b)) return;
  const auto entry = b.position->average_entry_price();
  if (!entry) return;
  b.exits_armed = true;
  const domain::PositionSide side = b.position->side();
  auto rules =
      domain::ExitRules::from_fractions(side, *entry, config_.stop_loss, config_.take_profit);
  if (!rules) {
    emit(now, "exit", b.canonical + ": no exit levels: " + rules.error().message);
    return;
  }
  if (config_.trailing_stop)
    rules->trailing =
        domain::TrailingStop{domain::TrailingStop::Kind::fraction, *config_.trailing_stop};
  venues::VenueClient* client = deps_.router->client(b.venue);
  const venues::VenueCapabilities caps =
      client != nullptr ? client->capabilities() : venues::VenueCapabilities{};
  const Instrument* inst = deps_.registry->get(b.instrument);
  const bool perp = inst != nullptr && inst->kind == InstrumentKind::perpetual;
  domain::ExitRules local = *rules;
  std::string how;
  if (st().stopping && st().stop_cancels_resting) {
    // An entry that filled while the server stops: its exits would be cancelled by the stop
    // itself (shutdown = "cancel"), so none is sent.
    emit(now, "exit",
         b.canonical + ": position of " + b.position->quantity().to_string() +
             " left without exits at the venue: the server is stopping with shutdown = cancel",
         {{"symbol", b.canonical}});
    return;
  }
  // A native exit that could not be sent is watched locally instead.
  if (config_.native_exits && caps.stop_market && rules->stop_loss &&
      place_native_exit(b, domain::ExitReason::stop_loss, domain::OrderType::stop,
                        *rules->stop_loss, now)) {
    local.stop_loss.reset();
    how += " stop-loss native";
  }
  if (config_.native_exits && perp && caps.take_profit_market && rules->take_profit &&
      place_native_exit(b, domain::ExitReason::take_profit, domain::OrderType::take_profit,
                        *rules->take_profit, now)) {
    local.take_profit.reset();
    how += " take-profit native";
  }
  journal_exit_levels(b, &*rules, now);
  if (local.stop_loss || local.take_profit || local.trailing) {
    if (auto mon = domain::ExitMonitor::create(local)) {
      b.monitor = std::move(*mon);
      // The trailing stop follows the best price since the position opened: the entry first.
      (void)b.monitor->on_price(*b.position, *entry);
    }
    if (local.stop_loss) how += " stop-loss local";
    if (local.take_profit) how += " take-profit local";
    if (local.trailing) how += " trailing local";
  }
  emit(now, "exit",
       b.canonical + " exits armed at entry " + entry->to_string() + ':' + how +
           (rules->stop_loss ? " (SL " + rules->stop_loss->to_string() + ')' : std::string()) +
           (rules->take_profit ? " (TP " + rules->take_profit->to_string() + ')' : std::string()),
       {{"symbol", b.canonical}, {"entry", entry->to_string()}});
}

bool Execution::place_native_exit(ExecutionBook& b, domain::ExitReason reason,
                                  domain::OrderType type, Decimal level, Timestamp now) {
  venues::PlaceIntent intent;
  intent.canonical = b.canonical;
  intent.side = b.position->quantity().is_positive() ? Side::sell : Side::buy;
  intent.type = type;
  intent.time_in_force = domain::TimeInForce::gtc;
  intent.reduce_only = true;
  intent.quantity = b.position->abs_quantity();
  // On the venue's tick, toward the market: a stop triggers no later than its level (a long's
  // stop below the price rounds up, a short's above rounds down); a take-profit likewise never
  // asks for more than its level.
  if (const Instrument* inst = deps_.registry->get(b.instrument); inst != nullptr) {
    const bool toward_up = (intent.side == Side::sell) == (type == domain::OrderType::stop);
    if (auto r = inst->round_price(level, toward_up ? RoundingMode::up : RoundingMode::down))
      level = *r;
  }
  intent.stop_price = level;
  ExitOrder e;
  e.reason = reason;
  e.type = type;
  e.level = level;
  e.quantity = intent.quantity;
  ++st().stats.exits_sent;
  // The router's answer arrives as a message on a later turn, so recording the exit after
  // routing is in time for it.
  e.sequence =
      route(b, std::move(intent), Timestamp{}, std::string(domain::to_string(reason)), now);
  if (e.sequence == 0) return false;  // not sent (its intent could not be journaled)
  b.exits.push_back(e);
  return true;
}

void Execution::on(ReferenceMark& m, actor::ActorContext& ctx) {
  fault("ReferenceMark");
  ExecutionBook& b = book(m.symbol);
  b.mark = m;
  if (!m.fresh || !b.monitor || !holds(b) || b.closing() || b.working != 0) return;
  auto intent = b.monitor->on_price(*b.position, m.price);
  if (!intent || !*intent) return;
  const domain::ExitIntent& x = **intent;
  emit(ctx.now(), "exit",
       b.canonical + ' ' + std::string(domain::to_string(x.reason)) + " triggered locally: mark " +
           x.mark_price.to_string() + " crossed " + x.trigger_price.to_string(),
       {{"symbol", b.canonical},
        {"reason", std::string(domain::to_string(x.reason))},
        {"trigger", x.trigger_price.to_string()},
        {"mark", x.mark_price.to_string()}});
  close(b, std::string(domain::to_string(x.reason)), ctx.now());
}

void Execution::close(ExecutionBook& b, std::string why, Timestamp now) {
  if (!holds(b)) return;
  if (b.closing()) return;  // already under way
  b.closing_why = std::move(why);
  b.close_attempts = 0;
  emit(now, "exit", b.canonical + " closing (" + b.closing_why + ')',
       {{"symbol", b.canonical}, {"reason", b.closing_why}});
  cancel_exits(b, now);
  progress_close(b, now);
}

void Execution::cancel_exits(ExecutionBook& b, Timestamp now) {
  if (st().frozen) return;  // stopped: what rests stays (the restart adopts it)
  for (auto& e : b.exits) {
    if (e.cancelling) continue;
    if (e.cancel_failures > 0 && now < e.retry_after) continue;  // its CancelRetry comes
    e.cancelling = true;
    venues::VenueClient* client = deps_.router->client(b.venue);
    auto id = deps_.codec->encode(b.venue, e.sequence);
    if (client == nullptr || !id) continue;
    venues::OrderRef ref;
    ref.client_order_id = id->text;
    ref.instrument = b.instrument;
    auto self = deps_.self;
    const std::uint64_t seq = e.sequence;
    const SymbolId symbol = b.symbol;
    client->cancel(ref, [self, seq, symbol](Result<venues::CancelAck> r) {
      tell_self(self, CancelResult{seq, symbol, std::move(r)});
    });
  }
}

// The fills of an exit gone from the venue, then its final state: sent to this actor in that
// order (one mailbox), so apply_fill has the position right before order_done lets the exit go
// and the close goes on. Binance lists fills by venue order id only: those of this order's id
// are its fills. A failed query lets the exit go as before (CancelResult not_found).
void Execution::ask_gone_exit(const ExecutionBook& b, const ExitOrder& e) {
  venues::VenueClient* client = deps_.router->client(b.venue);
  auto id = deps_.codec->encode(b.venue, e.sequence);
  auto self = deps_.self;
  const std::uint64_t seq = e.sequence;
  const SymbolId symbol = b.symbol;
  auto give_up = [self, seq, symbol](std::string why) {
    tell_self(self, CancelResult{seq, symbol, Error{ErrorCode::not_found, std::move(why)}});
  };
  if (client == nullptr || !id) return give_up("no client to ask");
  Timestamp since = st().session_start;
  if (const OrderView* r = record(seq); r != nullptr && r->created != Timestamp{})
    since = std::min(since, r->created);
  since = since - std::chrono::minutes(1);  // the venue's clock may run behind ours
  venues::OrderRef ref;
  ref.client_order_id = id->text;
  ref.instrument = b.instrument;
  const InstrumentId instrument = b.instrument;
  const std::string client_id = id->text;
  client->order_status(ref, [client, self, seq, symbol, since, instrument, client_id,
                             give_up](Result<venues::VenueOrder> order) {
    if (!order) return give_up("order status: " + order.error().message);
    if (!terminal(order->report.status)) {
      // Listed again (a lagging cancel answer): the cancel is tried again after a backoff.
      tell_self(self, CancelResult{seq, symbol,
                                   Error{ErrorCode::unavailable,
                                         "cancel said unknown order, "
                                         "the order query lists it open"}});
      return;
    }
    venues::VenueOrder done = std::move(*order);
    if (!done.instrument.valid()) done.instrument = instrument;  // its book is found by it
    client->fills_since(since, instrument,
                        [self, done, client_id, give_up](Result<std::vector<domain::Fill>> fills) {
                          auto to = self.lock();
                          if (!to) return;
                          if (!fills) return give_up("fills: " + fills.error().message);
                          for (auto f : *fills)
                            if (claim_fill(f, client_id, &done))
                              (void)to->tell(VenueFillMsg{std::move(f)});
                          (void)to->tell(VenueOrderMsg{done});
                        });
  });
}

void Execution::progress_close(ExecutionBook& b, Timestamp now) {
  if (!b.closing()) return;
  if (!b.exits.empty()) {
    cancel_exits(b, now);  // those whose cancel failed are asked again
    return;
  }
  if (b.working != 0) return;
  if (!holds(b)) {
    b.closing_why.clear();
    return;
  }
  if (++b.close_attempts > 3) {
    refuse(b, "close failed", "three closes did not flatten the position: left to the operator",
           now);
    return;
  }
  venues::PlaceIntent intent;
  intent.canonical = b.canonical;
  intent.side = b.position->quantity().is_positive() ? Side::sell : Side::buy;
  intent.type = domain::OrderType::market;
  intent.time_in_force = domain::TimeInForce::ioc;
  intent.reduce_only = true;
  intent.quantity = b.position->abs_quantity();
  b.working_is_close = true;
  b.working = route(b, std::move(intent), Timestamp{}, "close (" + b.closing_why + ")", now);
}

// ── account and operator ─────────────────────────────────────────────────────────────────────

void Execution::on(AccountUpdate& m, actor::ActorContext& ctx) {
  fault("AccountUpdate");
  st().account = m;
  st().have_account = true;
  const bool was_halted = st().gate.halted();
  ExecutionBook none;
  st().gate.observe(context(none), ctx.now());
  if (!was_halted && st().gate.halted())
    emit(ctx.now(), "halt", "risk halt latched: no new entries (exits still allowed)");
}

void Execution::on(KillSwitch& m, actor::ActorContext& ctx) {
  if (m.engage) {
    st().gate.engage_kill_switch(m.reason, ctx.now());
    emit(ctx.now(), "halt", "kill switch engaged: " + m.reason);
  } else {
    st().gate.release_kill_switch();
    emit(ctx.now(), "halt", "kill switch released");
  }
}

std::string Execution::on(StopTrading& m, actor::ActorContext& ctx) {
  if (m.freeze) {
    st().frozen = true;
    return "stopped: nothing more is sent";
  }
  st().stopping = true;
  st().stop_cancels_resting = m.cancel_resting;
  std::size_t resting = 0;
  for (auto& [id, b] : st().books) {
    resting += b.exits.size();
    if (m.cancel_resting) cancel_exits(b, ctx.now());
  }
  return m.cancel_resting ? "stopping: " + std::to_string(resting) + " resting order(s) cancelled"
                          : "stopping: " + std::to_string(resting) +
                                " resting order(s) kept at the venues (they protect positions)";
}

void Execution::on(CancelRetry& m, actor::ActorContext& ctx) {
  fault("CancelRetry");
  ExecutionBook& b = book(m.symbol);
  if (b.closing())
    progress_close(b, ctx.now());
  else if (st().stopping && st().stop_cancels_resting)
    cancel_exits(b, ctx.now());
}

// ── reconciliation while trading ─────────────────────────────────────────────────────────────

void Execution::on(ReconcileTick& /*m*/, actor::ActorContext& ctx) {
  fault("ReconcileTick");
  reconcile_timer_ = ctx.tell_after(config_.reconcile_every, own_ref(ctx), ReconcileTick{});
  if (st().stopping) return;
  ++st().stats.reconciliations;
  // Fills since the last check (with a period of overlap: each is applied once), open orders
  // (their states), and the positions of the venues that report them.
  const Timestamp now = ctx.now();
  const Timestamp since =
      std::max(st().session_start, st().last_reconcile - config_.reconcile_every);
  st().last_reconcile = now;
  resync(since);
  auto self = deps_.self;
  for (const Venue v : kAllVenues) {
    venues::VenueClient* client = deps_.router->client(v);
    if (client == nullptr) continue;
    client->positions([self, v](Result<std::vector<venues::VenuePosition>> r) {
      tell_self(self, VenuePositionsMsg{v, std::move(r)});
    });
  }
}

void Execution::on(VenuePositionsMsg& m, actor::ActorContext& ctx) {
  fault("VenuePositionsMsg");
  if (!m.positions) return;  // not offered (spot venues) or not answered: the next check asks again
  const Timestamp now = ctx.now();
  // Signed quantity per instrument, at the venue and ours.
  std::map<std::uint32_t, Decimal> venue_qty;
  std::map<std::uint32_t, std::string> names;
  for (const auto& p : *m.positions) {
    const Instrument* inst = deps_.registry->get(p.instrument);
    if (inst == nullptr || inst->kind != InstrumentKind::perpetual) continue;
    venue_qty[inst->id.value] += p.quantity;
  }
  std::map<std::uint32_t, Decimal> ours;
  for (const auto& [id, b] : st().books)
    if (b.venue == m.venue && b.position && b.instrument.valid()) {
      const Instrument* inst = deps_.registry->get(b.instrument);
      if (inst != nullptr && inst->kind == InstrumentKind::perpetual)
        ours[b.instrument.value] = b.position->quantity();
    }
  std::string findings;
  boost::json::array differences;
  bool blocking = false;
  std::set<std::uint32_t> seen;
  for (const auto& [id, q] : venue_qty) seen.insert(id);
  for (const auto& [id, q] : ours) seen.insert(id);
  for (const std::uint32_t id : seen) {
    const Instrument* inst = deps_.registry->get(InstrumentId{id});
    if (inst == nullptr) continue;
    const Decimal theirs = venue_qty.count(id) != 0 ? venue_qty[id] : Decimal{};
    const Decimal mine = ours.count(id) != 0 ? ours[id] : Decimal{};
    const Decimal lot = inst->min_size.is_positive() ? inst->min_size : inst->lot_size;
    const bool differs = (theirs - mine).abs() >= lot && !(theirs - mine).is_zero();
    auto sym = deps_.registry->symbols().find(inst->canonical);
    if (!differs || !sym) {
      st().position_mismatches.erase(inst->canonical);
      continue;
    }
    const int times = ++st().position_mismatches[inst->canonical];
    const std::string why = "position at " + std::string(to_string(m.venue)) + ' ' +
                            theirs.to_string() + ", nzeza's " + mine.to_string();
    if (!findings.empty()) findings += "; ";
    findings += inst->canonical + ": " + why;
    differences.push_back(boost::json::object{{"symbol", inst->canonical},
                                              {"venue_quantity", theirs.to_string()},
                                              {"quantity", mine.to_string()},
                                              {"checks_in_a_row", times}});
    ExecutionBook& b = book(*sym);
    if (times >= 2 && b.blocked.empty()) {
      // Twice in a row (a fill still on its way explains one check, not two).
      b.blocked = why;
      blocking = true;
      emit(now, "reconciliation",
           b.canonical + " blocked: " + why + " (new entries stop until an operator decides)",
           {{"symbol", b.canonical},
            {"venue", std::string(to_string(m.venue))},
            {"venue_quantity", theirs.to_string()},
            {"quantity", mine.to_string()}});
    }
  }
  if (deps_.journal != nullptr) {
    store::ReconciliationRecord r;
    r.at = now;
    r.venue = m.venue;
    r.worst = findings.empty() ? "ok" : (blocking ? "critical" : "major");
    r.trading_allowed = !blocking;
    r.report_json = boost::json::serialize(
        boost::json::object{{"kind", "periodic"}, {"positions_differ", std::move(differences)}});
    deps_.journal->record(std::move(r));
  }
}

// ── the operator's orders ────────────────────────────────────────────────────────────────────

OrderView* Execution::record(std::uint64_t sequence) {
  if (sequence == 0) return nullptr;
  auto it = st().records.find(sequence);
  return it == st().records.end() ? nullptr : &it->second;
}

void Execution::settle(std::uint64_t sequence, std::string state, bool final, Timestamp now,
                       std::string detail) {
  OrderView* r = record(sequence);
  if (r == nullptr) return;
  // A final state stays, except a cancel that lost the race against the last fill.
  if (r->final && state != "filled") return;
  const bool was_final = r->final;
  r->state = std::move(state);
  r->final = final || r->state == "filled" || r->state == "cancelled" || r->state == "rejected" ||
             r->state == "expired";
  if (r->final) r->cancelling = false;
  if (!detail.empty()) r->detail = std::move(detail);
  r->updated = now;
  if (r->final && !was_final) {
    st().finished.push_back(sequence);
    while (st().finished.size() > kOrderRecords) {
      st().records.erase(st().finished.front());
      st().finished.pop_front();
    }
  }
}

std::optional<OrderView> Execution::view_of(std::uint64_t sequence) {
  if (const OrderView* r = record(sequence); r != nullptr) return *r;
  auto owner = st().orders.find(sequence);
  if (owner == st().orders.end()) return std::nullopt;
  const ExecutionBook& b = book(SymbolId{owner->second});
  OrderView v;
  v.sequence = sequence;
  v.symbol = b.canonical;
  v.venue = b.venue;
  v.detail = "recovered at start: no record of its steps in this session";
  if (b.working == sequence) {
    v.purpose = b.working_is_close ? "close" : "entry";
    v.state = b.working_unknown ? "unknown" : "sent";
    return v;
  }
  for (const auto& e : b.exits) {
    if (e.sequence != sequence) continue;
    v.purpose = std::string(domain::to_string(e.reason));
    v.type = e.type;
    v.side = b.position && b.position->quantity().is_negative() ? Side::buy : Side::sell;
    v.quantity = e.quantity;
    v.stop_price = e.level;
    v.reduce_only = true;
    v.state = "open";
    v.cancelling = e.cancelling;
    return v;
  }
  return std::nullopt;
}

bool Execution::protective(const ExecutionBook& b, std::uint64_t sequence) const {
  if (b.working == sequence) return b.working_is_close;
  const bool is_exit = std::any_of(b.exits.begin(), b.exits.end(),
                                   [&](const ExitOrder& e) { return e.sequence == sequence; });
  return is_exit && holds(b);
}

bool Execution::send_cancel(ExecutionBook& b, std::uint64_t sequence, Timestamp now) {
  // The venue the order went to: known once answered; before, the symbol's primary venue.
  Venue venue = b.venue;
  InstrumentId instrument = b.instrument;
  if (const OrderView* r = record(sequence); r != nullptr && r->venue) {
    venue = *r->venue;
  } else if (b.working == sequence) {
    venues::PlaceIntent probe;
    probe.canonical = b.canonical;
    if (auto c = deps_.router->candidates(probe); c && !c->empty()) venue = c->front();
  }
  if (const Instrument* inst = deps_.registry->find_canonical(venue, b.canonical); inst != nullptr)
    instrument = inst->id;
  venues::VenueClient* client = deps_.router->client(venue);
  auto id = deps_.codec->encode(venue, sequence);
  if (client == nullptr || !id) return false;
  for (auto& e : b.exits)
    if (e.sequence == sequence) e.cancelling = true;
  if (OrderView* r = record(sequence); r != nullptr) {
    r->cancelling = true;
    r->updated = now;
  }
  venues::OrderRef ref;
  ref.client_order_id = id->text;
  ref.instrument = instrument;
  auto self = deps_.self;
  const SymbolId symbol = b.symbol;
  client->cancel(ref, [self, sequence, symbol](Result<venues::CancelAck> r) {
    tell_self(self, CancelResult{sequence, symbol, std::move(r)});
  });
  return true;
}

std::optional<OrderView> Execution::on(OrderQuery& q, actor::ActorContext& /*ctx*/) {
  return view_of(q.sequence);
}

CancelOrders::Answer Execution::on(CancelOrders& m, actor::ActorContext& ctx) {
  fault("CancelOrders");
  const Timestamp now = ctx.now();
  CancelOrders::Answer a;
  if (st().frozen) {
    a.refused = Error{ErrorCode::unavailable, "the server has stopped: nothing more is sent"};
    return a;
  }
  auto what = [](const ExecutionBook& b, std::uint64_t seq) {
    for (const auto& e : b.exits)
      if (e.sequence == seq)
        return "the " + std::string(domain::to_string(e.reason)) + " resting for the position of " +
               (b.position ? b.position->quantity().to_string() : std::string("0")) + ' ' +
               b.canonical;
    return "the close of the position of " +
           (b.position ? b.position->quantity().to_string() : std::string("0")) + ' ' + b.canonical;
  };
  auto cancel = [&](ExecutionBook& b, std::uint64_t seq) {
    if (!send_cancel(b, seq, now)) return false;
    const bool naked = protective(b, seq);
    emit(now, naked ? "warning" : "cancel",
         "cancel #" + std::to_string(seq) + " asked by " + m.who +
             (naked ? ": forced, " + what(b, seq) + " is cancelled: the position is left " +
                          "unprotected at the venue"
                    : std::string()),
         {{"symbol", b.canonical}, {"sequence", std::to_string(seq)}, {"who", m.who}});
    if (auto v = view_of(seq)) a.cancelling.push_back(std::move(*v));
    return true;
  };
  if (m.sequence) {
    const std::uint64_t seq = *m.sequence;
    auto owner = st().orders.find(seq);
    if (owner == st().orders.end()) {
      a.refused = Error{ErrorCode::not_found, "no order #" + std::to_string(seq)};
      return a;
    }
    ExecutionBook& b = book(SymbolId{owner->second});
    const bool is_exit = std::any_of(b.exits.begin(), b.exits.end(),
                                     [&](const ExitOrder& e) { return e.sequence == seq; });
    if (!is_exit && b.working != seq) {
      const OrderView* r = record(seq);
      a.refused = Error{ErrorCode::invalid_state,
                        "order #" + std::to_string(seq) + " is no longer working (" +
                            (r != nullptr ? r->state : std::string("finished")) + ")"};
      return a;
    }
    if (const OrderView* r = record(seq); r != nullptr && r->cancelling) {
      a.refused = Error{ErrorCode::invalid_state,
                        "order #" + std::to_string(seq) + " is being cancelled already"};
      return a;
    }
    if (protective(b, seq) && !m.force) {
      a.refused = Error{
          ErrorCode::invalid_state,
          "order #" + std::to_string(seq) + " is " + what(b, seq) +
              ": cancelling it leaves the position without its protection at the venue (a "
              "position without its stop is how accounts are lost); add ?force=true to cancel "
              "it anyway, or close the position (an opposite order) instead"};
      return a;
    }
    if (!cancel(b, seq))
      a.refused = Error{ErrorCode::unavailable, "order #" + std::to_string(seq) +
                                                    ": no client can cancel it at " +
                                                    std::string(to_string(b.venue))};
    return a;
  }
  for (auto& [id, b] : st().books) {
    if (!m.symbol.empty() && b.canonical != m.symbol) continue;
    std::vector<std::uint64_t> seqs;
    if (b.working != 0) seqs.push_back(b.working);
    for (const auto& e : b.exits) seqs.push_back(e.sequence);
    for (const std::uint64_t seq : seqs) {
      const OrderView* r = record(seq);
      if (r != nullptr && r->cancelling) continue;
      if (protective(b, seq) && !m.force) {
        a.kept.push_back({seq, b.canonical, what(b, seq) + ": kept (force=true cancels it)"});
        continue;
      }
      if (!cancel(b, seq))
        a.kept.push_back(
            {seq, b.canonical, "no client can cancel it at " + std::string(to_string(b.venue))});
    }
  }
  return a;
}

ManualOrder::Answer Execution::on(ManualOrder& m, actor::ActorContext& ctx) {
  fault("ManualOrder");
  const Timestamp now = ctx.now();
  ExecutionBook& b = book(m.symbol);
  ManualOrder::Answer a;
  auto refused = [&](ErrorCode code, std::string_view reason, const std::string& text) {
    refuse(b, reason, "manual order: " + text, now);
    a.refused = Error{code, b.canonical + ": " + text};
    return a;
  };
  if (st().stopping || st().frozen)
    return refused(ErrorCode::invalid_state, "stopping", "the server is stopping: no new order");
  if (!b.blocked.empty())
    return refused(ErrorCode::invalid_state, "reconciliation",
                   "blocked until an operator decides: " + b.blocked);
  if (b.working != 0)
    return refused(ErrorCode::invalid_state, "order in flight",
                   "order #" + std::to_string(b.working) + " is already in flight");
  if (holds(b) || b.closing())
    return refused(ErrorCode::invalid_state, "position held",
                   "a position of " +
                       (b.position ? b.position->quantity().to_string() : std::string("0")) +
                       " is held: a manual order with a quantity opens positions only (close "
                       "with an opposite order without quantity)");
  if (!b.mark || !b.mark->fresh || now - b.mark->at > config_.max_mark_age)
    return refused(ErrorCode::invalid_state, "stale price",
                   "no fresh reference price: no new order on stale data");
  venues::PlaceIntent probe;
  probe.canonical = b.canonical;
  auto venues = deps_.router->candidates(probe);
  if (!venues || venues->empty())
    return refused(ErrorCode::invalid_state, "no route",
                   venues ? "no venue for the symbol" : venues.error().message);
  const Instrument* inst = deps_.registry->find_canonical(venues->front(), b.canonical);
  if (inst == nullptr)
    return refused(ErrorCode::invalid_state, "no route", "no instrument at the venue");
  if (m.side == Side::sell && inst->kind != InstrumentKind::perpetual)
    return refused(ErrorCode::invalid_argument, "sizing",
                   "a sell when flat opens a short: " + inst->venue_symbol + " at " +
                       std::string(to_string(inst->venue)) + " is spot (no shorting)");
  // The instrument's rules, checked, never rounded: the operator asked for this quantity.
  if (!m.quantity.is_positive())
    return refused(ErrorCode::invalid_argument, "sizing", "the quantity must be > 0");
  if (auto lot = inst->round_size(m.quantity, RoundingMode::down); !lot || *lot != m.quantity)
    return refused(ErrorCode::invalid_argument, "sizing",
                   "quantity " + m.quantity.to_string() + " is not a multiple of the lot size " +
                       inst->lot_size.to_string() + " of " + inst->venue_symbol + " at " +
                       std::string(to_string(inst->venue)));
  if (m.limit_price) {
    auto tick = inst->round_price(*m.limit_price, RoundingMode::down);
    if (!m.limit_price->is_positive() || !tick || *tick != *m.limit_price)
      return refused(ErrorCode::invalid_argument, "sizing",
                     "limit price " + m.limit_price->to_string() +
                         " is not a positive multiple of the tick size " +
                         inst->tick_size.to_string() + " of " + inst->venue_symbol);
  }
  // A market order has no price of its own: the rules' size and notional checks take the mark
  // on the instrument's price grid (a buy's rounded up, a sell's down), as a mid between two
  // ticks is no price the venue could fill at.
  Decimal price;
  if (m.limit_price) {
    price = *m.limit_price;
  } else if (auto on_grid = inst->round_price(
                 b.mark->price, m.side == Side::buy ? RoundingMode::up : RoundingMode::down)) {
    price = *on_grid;
  } else {
    return refused(ErrorCode::invalid_state, "stale price",
                   "the reference price " + b.mark->price.to_string() + " has no price on the " +
                       inst->venue_symbol + " grid: " + on_grid.error().message);
  }
  if (auto ok = inst->check_order(price, m.quantity); !ok)
    return refused(ErrorCode::invalid_argument, "sizing", ok.error().message);
  domain::RiskRequest request;
  request.instrument = inst;
  request.side = m.side;
  request.quantity = m.quantity;
  // The gate weighs the worse of the mark and the limit (a buy limit above the mark costs more).
  request.price = m.side == Side::buy ? std::max(price, b.mark->price) : price;
  request.leverage = inst->kind == InstrumentKind::perpetual ? config_.leverage : Decimal::one();
  request.confidence = 1.0;
  const auto decision = st().gate.evaluate(request, context(b), now);
  if (!decision.approved())
    return refused(ErrorCode::risk_refused,
                   "risk: " + std::string(domain::to_string(decision.refusal->reason)),
                   decision.refusal->message);
  venues::PlaceIntent intent;
  intent.canonical = b.canonical;
  intent.side = m.side;
  intent.type = m.limit_price ? domain::OrderType::limit : domain::OrderType::market;
  intent.time_in_force = domain::TimeInForce::ioc;
  intent.quantity = m.quantity;
  intent.price = m.limit_price;
  audit(now, "manual order",
        b.canonical + ' ' + side_text(m.side) + ' ' + m.quantity.to_string() +
            (m.limit_price ? " limit " + m.limit_price->to_string() : std::string(" market")) +
            " by " + m.who,
        {{"symbol", b.canonical}, {"who", m.who}});
  st().gate.record_trade(now);
  b.working_is_close = false;
  b.exits_armed = false;
  b.working = route(b, std::move(intent), Timestamp{}, "manual", now);
  if (b.working == 0) {
    a.refused = Error{ErrorCode::unavailable, b.canonical +
                                                  ": the order was not sent (see "
                                                  "/api/v1/alerts)"};
    return a;
  }
  a.sequence = b.working;
  return a;
}

ExecutionStatus Execution::on(ExecutionStatusQuery& /*q*/, actor::ActorContext& /*ctx*/) {
  ExecutionStatus s = st().stats;
  s.open_orders.clear();
  s.refusals.assign(st().refusals.begin(), st().refusals.end());
  s.kill_switch = st().gate.kill_switch_engaged();
  s.halted = st().gate.halted();
  s.stopping = st().stopping;
  for (const auto& [id, b] : st().books) {
    if (!b.blocked.empty()) s.blocked.emplace_back(b.canonical, b.blocked);
    if (b.working != 0) ++s.in_flight;
    for (const auto& e : b.exits)
      if (!e.acknowledged || e.cancelling) ++s.in_flight;
    if (b.working != 0)
      s.open_orders.push_back({std::to_string(b.working), b.venue, b.canonical,
                               std::string(b.working_is_close ? "close" : "entry") +
                                   (b.working_unknown ? " (outcome unknown)" : " in flight")});
    for (const auto& e : b.exits)
      s.open_orders.push_back({std::to_string(e.sequence), b.venue, b.canonical,
                               std::string(domain::to_string(e.reason)) + ' ' +
                                   e.quantity.to_string() + " at " + e.level.to_string() +
                                   " (native" + (e.cancelling ? ", cancelling)" : ")")});
  }
  return s;
}

}  // namespace nzeza::app
