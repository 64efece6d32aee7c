#include "app/paper_trader.hpp"

#include <sstream>

namespace nzeza::app {

Result<std::unique_ptr<PaperTrader>> PaperTrader::create(Clock& clock,
                                                         const InstrumentRegistry& registry,
                                                         venues::VenueClient& venue,
                                                         PaperTraderConfig config,
                                                         ClientIdCodec ids, Log log) {
  if (!config.exposure_per_trade.is_positive()) {
    return Error{ErrorCode::invalid_argument, "paper trader: exposure_per_trade must be > 0"};
  }
  if (config.starting_cash.is_negative()) {
    return Error{ErrorCode::invalid_argument, "paper trader: starting_cash must be >= 0"};
  }
  auto gate = domain::RiskGate::create(config.risk);
  if (!gate) return gate.error().with_context("paper trader risk config");
  auto trader = std::unique_ptr<PaperTrader>(new PaperTrader(
      clock, registry, venue, std::move(config), std::move(ids), std::move(log), std::move(*gate)));
  if (auto* stream = venue.private_stream(); stream != nullptr) {
    venues::PrivateStreamHandlers handlers;
    PaperTrader* self = trader.get();
    handlers.on_fill = [self](const domain::Fill& f) { self->on_fill(f); };
    handlers.on_order = [self](const venues::VenueOrder& o) { self->on_order(o); };
    stream->start(std::move(handlers));
  }
  return trader;
}

PaperTrader::PaperTrader(Clock& clock, const InstrumentRegistry& registry,
                         venues::VenueClient& venue, PaperTraderConfig config, ClientIdCodec ids,
                         Log log, domain::RiskGate gate)
    : clock_(clock),
      registry_(registry),
      venue_(venue),
      config_(std::move(config)),
      ids_(std::move(ids)),
      log_(std::move(log)),
      gate_(std::move(gate)),
      cash_(config_.starting_cash),
      day_start_equity_(config_.starting_cash),
      day_start_(clock.now().floor_to(std::chrono::hours(24))) {}

PaperTrader::~PaperTrader() {
  if (auto* stream = venue_.private_stream(); stream != nullptr) stream->stop();
}

PaperTrader::Book* PaperTrader::book_for(SymbolId symbol) {
  const auto name = registry_.symbols().name(symbol);
  const Instrument* inst = registry_.find_canonical(venue_.venue(), name);
  if (inst == nullptr) return nullptr;
  Book& b = books_[inst->id.value];
  b.instrument = inst;
  return &b;
}

void PaperTrader::on_market_event(const MarketEvent& event) {
  auto it = books_.find(event.instrument.value);
  if (it == books_.end()) {
    if (const Instrument* inst = registry_.get(event.instrument);
        inst != nullptr && inst->venue == venue_.venue()) {
      it = books_.emplace(event.instrument.value, Book{inst, {}, {}, {}}).first;
    } else {
      return;
    }
  }
  if (const auto* q = std::get_if<Quote>(&event.body)) {
    it->second.mark = q->bid;  // a long position is worth what it can be sold for
  }
}

Decimal PaperTrader::equity() const {
  Decimal total = cash_;
  for (const auto& [id, b] : books_) {
    if (b.position && b.mark) {
      auto value = b.position->notional(*b.mark);
      if (value) total += *value;
    }
  }
  return total;
}

domain::RiskContext PaperTrader::context(const Book& book) const {
  domain::RiskContext c;
  for (const auto& [id, b] : books_) {
    if (!b.position || b.position->quantity().is_zero()) continue;
    ++c.open_positions_total;
    if (b.instrument->symbol == book.instrument->symbol) ++c.open_positions_for_symbol;
    if (b.mark) c.gross_exposure += b.position->notional(*b.mark).value_or(Decimal{});
  }
  c.equity = equity();
  c.daily_pnl = c.equity - day_start_equity_;
  c.available_quote = cash_;
  c.available_base = book.position ? book.position->quantity() : Decimal{};
  return c;
}

void PaperTrader::on_signal(const SignalReport& report) {
  if (!report.output.signal) return;
  ++stats_.signals;
  const Timestamp now = clock_.now();
  if (now.floor_to(std::chrono::hours(24)) != day_start_) {  // a new UTC day: daily PnL restarts
    day_start_ = now.floor_to(std::chrono::hours(24));
    day_start_equity_ = equity();
  }
  Book* book = book_for(report.symbol);
  if (book == nullptr || !book->pending.empty()) return;
  const auto& signal = report.output.signal->signal;
  const bool long_now = book->position && book->position->quantity().is_positive();
  if (signal.kind == strategy::SignalKind::buy && !long_now) {
    open_long(*book, signal.confidence);
  } else if (signal.kind == strategy::SignalKind::sell && long_now) {
    close_long(*book);
  }
  gate_.observe(context(*book), now);
}

void PaperTrader::open_long(Book& book, double confidence) {
  const Instrument& inst = *book.instrument;
  if (!book.mark) return;
  const Decimal price = *book.mark;
  domain::SizingRequest sizing;
  sizing.symbol = inst.canonical;
  sizing.available_balance = cash_;
  sizing.equity = equity();
  sizing.price = price;
  sizing.max_portfolio_exposure = config_.exposure_per_trade;
  sizing.min_order_notional = config_.min_order_notional;
  sizing.max_order_notional = std::max(config_.risk.max_order_notional, config_.min_order_notional);
  sizing.instrument = &inst;
  auto size = domain::size_position(sizing);
  if (!size || size->refused()) {
    ++stats_.orders_refused;
    log_("sizing " + inst.canonical + ": " + (size ? size->reason : size.error().message));
    return;
  }
  gate_and_send(book, Side::buy, size->quantity, price, confidence, false);
}

void PaperTrader::close_long(Book& book) {
  gate_and_send(book, Side::sell, book.position->quantity(), book.mark.value_or(Decimal::one()),
                0.0, true);
}

void PaperTrader::gate_and_send(Book& book, Side side, Decimal quantity, Decimal price,
                                double confidence, bool reduce_only) {
  const Instrument& inst = *book.instrument;
  domain::RiskRequest request;
  request.instrument = &inst;
  request.side = side;
  request.quantity = quantity;
  request.price = price;
  request.confidence = confidence;
  request.reduce_only = reduce_only;
  const auto decision = gate_.evaluate(request, context(book), clock_.now());
  if (!decision.approved()) {
    ++stats_.orders_refused;
    log_(decision.refusal->to_error().message);
    return;
  }
  domain::OrderSpec spec;
  spec.venue = venue_.venue();
  spec.instrument = inst.id;
  spec.side = side;
  spec.type = domain::OrderType::market;
  spec.time_in_force = domain::TimeInForce::ioc;
  spec.reduce_only = reduce_only;
  spec.quantity = quantity;
  send(book, std::move(spec));
}

void PaperTrader::send(Book& book, domain::OrderSpec spec) {
  auto id = ids_.encode(spec.venue, counter_.next());
  if (!id) {
    ++stats_.orders_refused;
    log_(id.error().message);
    return;
  }
  spec.client_order_id = *id;
  auto order = domain::Order::create(spec, clock_.now());
  if (!order) {
    ++stats_.orders_refused;
    log_(order.error().message);
    return;
  }
  (void)order->submit(clock_.now());
  const std::string client_id = id->text;
  orders_.emplace(client_id, std::move(*order));
  book.pending = client_id;
  ++stats_.orders_sent;
  gate_.record_trade(clock_.now());
  std::ostringstream line;
  line << "order " << client_id << ' ' << to_string(spec.side) << ' ' << spec.quantity.to_string()
       << ' ' << book.instrument->canonical << " market"
       << (spec.reduce_only ? " reduce-only" : "");
  log_(line.str());
  const std::uint32_t instrument = book.instrument->id.value;
  venue_.place(spec, [this, client_id, instrument](Result<venues::PlaceAck> ack) {
    auto it = orders_.find(client_id);
    if (!ack) {
      ++stats_.orders_refused;
      log_("order " + client_id + " refused: " + ack.error().message);
      if (it != orders_.end()) (void)it->second.mark_rejected(ack.error().message, clock_.now());
      books_[instrument].pending.clear();
      return;
    }
    if (it != orders_.end()) {
      (void)it->second.acknowledge(ack->venue_order_id, ack->at);
      for (const auto& f : ack->fills) on_fill(f);
      (void)it->second.apply_report(ack->report);
      if (domain::is_terminal(it->second.state())) books_[instrument].pending.clear();
    }
  });
}

void PaperTrader::on_order(const venues::VenueOrder& order) {
  auto it = orders_.find(order.client_order_id);
  if (it == orders_.end()) return;  // not ours
  (void)it->second.apply_report(order.report);
  if (domain::is_terminal(it->second.state())) books_[order.instrument.value].pending.clear();
}

void PaperTrader::on_fill(const domain::Fill& fill) {
  auto outcome = ledger_.record(fill);
  if (!outcome) {
    log_("fill refused: " + outcome.error().message);
    return;
  }
  if (*outcome == domain::FillOutcome::duplicate) {
    ++stats_.duplicate_fills;
    return;
  }
  ++stats_.fills;
  if (auto it = orders_.find(fill.client_order_id); it != orders_.end())
    (void)it->second.apply_fill(fill);
  const Instrument* inst = registry_.get(fill.instrument);
  if (inst == nullptr) return;
  Book& book = books_[inst->id.value];
  book.instrument = inst;
  if (!book.position) {
    auto p = domain::Position::spot(inst->venue, inst->id, inst->base, inst->quote);
    if (!p) return;
    book.position = std::move(*p);
  }
  auto pf = domain::to_position_fill(*inst, fill);
  if (!pf) {
    log_("fill " + fill.trade_id + ": " + pf.error().message);
    return;
  }
  auto change = book.position->apply(*pf);
  if (!change) {
    log_("fill " + fill.trade_id + ": " + change.error().message);
    return;
  }
  auto notional = domain::notional(fill);
  if (notional) cash_ += fill.side == Side::buy ? -*notional : *notional;
  cash_ -= pf->fee_quote;
  std::ostringstream line;
  line << "fill " << fill.client_order_id << ' ' << to_string(fill.side) << ' '
       << fill.quantity.to_string() << ' ' << inst->canonical << " @ " << fill.price.to_string()
       << " fee " << fill.fee.to_string() << ' ' << fill.fee_currency << "; position "
       << book.position->quantity().to_string() << ", realised PnL "
       << book.position->realized_pnl().to_string() << ", cash " << cash_.to_string();
  log_(line.str());
}

Decimal PaperTrader::realized_pnl() const {
  Decimal total;
  for (const auto& [id, b] : books_) {
    if (b.position) total += b.position->realized_pnl();
  }
  return total;
}

Decimal PaperTrader::unrealized_pnl() const {
  Decimal total;
  for (const auto& [id, b] : books_) {
    if (b.position && b.mark) total += b.position->unrealized_pnl(*b.mark).value_or(Decimal{});
  }
  return total;
}

Decimal PaperTrader::position(InstrumentId instrument) const {
  auto it = books_.find(instrument.value);
  return it == books_.end() || !it->second.position ? Decimal{} : it->second.position->quantity();
}

}  // namespace nzeza::app
