#include "app/portfolio_actor.hpp"

namespace nzeza::app {

std::unique_ptr<PortfolioState> PortfolioActor::make_state(Decimal starting_cash, Timestamp now) {
  auto s = std::make_unique<PortfolioState>();
  s->starting_cash = starting_cash;
  s->cash = starting_cash;
  s->day_start_equity = starting_cash;
  s->day = now.floor_to(std::chrono::hours(24));
  s->session_start = now;
  return s;
}

void PortfolioActor::on_start(actor::ActorContext& ctx) {
  ++st().starts;
  if (st().starts == 1) {
    publish(ctx.now());
    return;
  }
  auto self = deps_.self;
  for (venues::VenueClient* client : deps_.clients) {
    client->fills_since(st().session_start, std::nullopt,
                        [self](Result<std::vector<domain::Fill>> fills) {
                          auto to = self.lock();
                          if (!fills || !to) return;
                          for (auto& f : *fills) (void)to->tell(VenueFillMsg{std::move(f)});
                        });
  }
}

void PortfolioActor::on(VenueFillMsg& m, actor::ActorContext& ctx) {
  if (deps_.fault) deps_.fault("VenueFillMsg");
  auto outcome = apply_fill(st(), *deps_.registry, deps_.leverage, m.fill);
  if (!outcome || *outcome != domain::FillOutcome::applied) return;
  publish(ctx.now());
}

Result<domain::FillOutcome> PortfolioActor::apply_fill(PortfolioState& s,
                                                       const InstrumentRegistry& registry,
                                                       Decimal leverage, const domain::Fill& fill) {
  auto outcome = s.ledger.record(fill);
  if (!outcome) return outcome.error();
  if (*outcome == domain::FillOutcome::duplicate) {
    ++s.duplicates;
    return domain::FillOutcome::duplicate;
  }
  const Instrument* inst = registry.get(fill.instrument);
  if (inst == nullptr)
    return Error{ErrorCode::not_found, "portfolio: fill " + fill.trade_id + " on " +
                                           fill.venue_symbol + ": instrument not loaded"};
  auto& slot = s.slots[inst->id.value];
  slot.symbol = inst->symbol;
  slot.canonical = inst->canonical;
  const bool perp = inst->kind == InstrumentKind::perpetual;
  if (!slot.position) {
    auto p = domain::Position::for_instrument(*inst, perp ? leverage : Decimal::one());
    if (!p) return p.error();
    slot.position = std::move(*p);
  }
  auto pf = domain::to_position_fill(*inst, fill);
  if (!pf) return pf.error();
  auto change = slot.position->apply(*pf);
  if (!change) return change.error();
  ++s.fills;
  slot.fees += change->fee_quote;
  if (perp) {
    s.cash += change->realized_trading;
  } else if (auto notional = domain::notional(fill)) {
    s.cash += fill.side == Side::buy ? -*notional : *notional;
  }
  // Only a fee paid in money leaves the cash: a spot fee in the base coin already shrank the
  // position (change->fee_quote also values that one, for the fees reported).
  s.cash -= pf->fee_quote;
  if (s.marks.count(inst->symbol.value) == 0) s.marks[inst->symbol.value] = fill.price;
  return domain::FillOutcome::applied;
}

void PortfolioActor::on(ReferenceMark& m, actor::ActorContext& ctx) {
  if (deps_.fault) deps_.fault("ReferenceMark");
  st().marks[m.symbol.value] = m.price;
  if (ctx.now() - st().last_update >= deps_.update_every) publish(ctx.now());
}

PortfolioStatus PortfolioActor::snapshot(const PortfolioState& s,
                                         const InstrumentRegistry& registry) {
  PortfolioStatus out;
  out.cash = s.cash;
  out.equity = s.cash;
  out.fills = s.fills;
  out.duplicate_fills = s.duplicates;
  for (const auto& [id, slot] : s.slots) {
    if (!slot.position) continue;
    const Instrument* inst = registry.get(InstrumentId{id});
    PositionStatus p;
    p.symbol = slot.canonical;
    p.venue = inst != nullptr ? inst->venue : Venue::paper;
    p.quantity = slot.position->quantity();
    p.average_entry = slot.position->average_entry_price().value_or(Decimal{});
    p.realized_pnl = slot.position->realized_pnl();
    p.fees = slot.fees;
    if (auto it = s.marks.find(slot.symbol.value); it != s.marks.end()) {
      p.mark = it->second;
      p.unrealized_pnl = slot.position->unrealized_pnl(it->second).value_or(Decimal{});
      const bool perp = inst != nullptr && inst->kind == InstrumentKind::perpetual;
      out.equity += perp ? p.unrealized_pnl
                         : slot.position->notional(it->second).value_or(Decimal{}) *
                               (p.quantity.is_negative() ? -Decimal::one() : Decimal::one());
    }
    out.realized_pnl += p.realized_pnl;
    out.unrealized_pnl += p.unrealized_pnl;
    out.fees += p.fees;
    out.positions.push_back(std::move(p));
  }
  return out;
}

void PortfolioActor::publish(Timestamp now) {
  // On the tick path (marks): computed in place, no allocation.
  st().last_update = now;
  Decimal equity = st().cash;
  Decimal margin;
  Decimal gross;
  for (const auto& [id, slot] : st().slots) {
    if (!slot.position || slot.position->quantity().is_zero()) continue;
    auto it = st().marks.find(slot.symbol.value);
    if (it == st().marks.end()) continue;
    const Instrument* inst = deps_.registry->get(InstrumentId{id});
    const bool perp = inst != nullptr && inst->kind == InstrumentKind::perpetual;
    const Decimal value = (slot.position->quantity() * it->second).abs();
    gross += value;
    if (perp) {
      equity += slot.position->unrealized_pnl(it->second).value_or(Decimal{});
      margin += deps_.leverage.is_positive() ? value / deps_.leverage : value;
    } else {
      equity += slot.position->quantity().is_negative() ? -value : value;
    }
  }
  if (now.floor_to(std::chrono::hours(24)) != st().day) {  // a new UTC day: daily PnL restarts
    st().day = now.floor_to(std::chrono::hours(24));
    st().day_start_equity = equity;
  }
  if (!deps_.to_execution) return;
  AccountUpdate a;
  a.equity = equity;
  a.day_start_equity = st().day_start_equity;
  a.at = now;
  a.available_quote = st().cash - margin;
  if (a.available_quote.is_negative()) a.available_quote = Decimal{};
  a.gross_exposure = gross;
  deps_.to_execution(a);
}

PortfolioStatus PortfolioActor::on(PortfolioStatusQuery& /*q*/, actor::ActorContext& /*ctx*/) {
  return snapshot(st(), *deps_.registry);
}

}  // namespace nzeza::app
