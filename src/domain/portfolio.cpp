#include "domain/portfolio.hpp"

#include <string>

#include "core/enum_names.hpp"

namespace nzeza::domain {
namespace {

std::string str(std::string_view s) {
  return std::string(s);
}

// An operation on a currency the venue never had a balance in.
Error no_balance(std::string_view op, Decimal amount, const std::string& currency, Venue venue) {
  return Error{ErrorCode::insufficient_balance, str(op) + " " + amount.to_string() + " " +
                                                    currency + " on " + str(to_string(venue)) +
                                                    ": no balance"};
}

struct Delta {
  Decimal available;
  Decimal locked;
};

}  // namespace

constexpr EnumNames kCashFlowKindNames{
    CashFlowKind::withdrawal,
    {"trade", "fee", "realized_pnl", "funding", "deposit", "withdrawal"},
    "invalid"};

std::string_view to_string(CashFlowKind k) noexcept {
  return kCashFlowKindNames.name(k);
}

Balance& Portfolio::balance_slot(Venue venue, const std::string& currency) {
  auto it = balances_.find(BalanceKey{venue, currency});
  if (it == balances_.end()) {
    it = balances_.emplace(BalanceKey{venue, currency}, Balance::create(currency).value()).first;
  }
  return it->second;
}

Status Portfolio::deposit(Venue venue, const std::string& currency, Decimal amount) {
  if (currency.empty()) return fail(ErrorCode::invalid_argument, "deposit: empty currency");
  Balance copy =
      balance(venue, currency) ? *balance(venue, currency) : Balance::create(currency).value();
  if (auto s = copy.credit(amount); !s) return s;
  balance_slot(venue, currency) = copy;
  return {};
}

Status Portfolio::withdraw(Venue venue, const std::string& currency, Decimal amount) {
  const Balance* b = balance(venue, currency);
  if (!b) return no_balance("withdraw", amount, currency, venue);
  Balance copy = *b;
  if (auto s = copy.debit(amount); !s) return s;
  balance_slot(venue, currency) = copy;
  return {};
}

Status Portfolio::set_balance(Venue venue, Balance balance) {
  balance_slot(venue, balance.currency()) = std::move(balance);
  return {};
}

Status Portfolio::lock(Venue venue, const std::string& currency, Decimal amount) {
  if (balance(venue, currency) == nullptr) return no_balance("lock", amount, currency, venue);
  return balance_slot(venue, currency).lock(amount);
}

Status Portfolio::unlock(Venue venue, const std::string& currency, Decimal amount) {
  if (balance(venue, currency) == nullptr) return no_balance("unlock", amount, currency, venue);
  return balance_slot(venue, currency).unlock(amount);
}

const Balance* Portfolio::balance(Venue venue, const std::string& currency) const {
  auto it = balances_.find(BalanceKey{venue, currency});
  return it == balances_.end() ? nullptr : &it->second;
}

Result<std::map<std::string, Decimal>> Portfolio::totals_by_currency() const {
  std::map<std::string, Decimal> totals;
  for (const auto& [key, b] : balances_) {
    auto sum = totals[key.currency].checked_add(b.total());
    if (!sum) return sum.error().with_context("total of " + key.currency);
    totals[key.currency] = *sum;
  }
  return totals;
}

const Position* Portfolio::position(Venue venue, InstrumentId instrument) const {
  auto it = positions_.find(PositionKey{venue, instrument.value});
  return it == positions_.end() ? nullptr : &it->second;
}

Status Portfolio::adopt_position(Position position) {
  const PositionKey key{position.venue(), position.instrument().value};
  positions_.insert_or_assign(key, std::move(position));
  return {};
}

Result<FillApplication> Portfolio::apply_fill(const Instrument& instrument, const Fill& fill,
                                              FillFunding funding,
                                              std::optional<Decimal> fee_price_in_quote,
                                              Decimal leverage) {
  if (auto s = validate(fill); !s) return s.error();
  if (const Fill* seen = ledger_.find(key_of(fill))) {
    if (!same_economics(*seen, fill)) {
      return fail(ErrorCode::invalid_state,
                  "fill '" + fill.trade_id + "' was already applied with different figures");
    }
    return FillApplication{FillOutcome::duplicate, {}, {}};
  }
  auto pf = to_position_fill(instrument, fill, fee_price_in_quote);
  if (!pf) return pf.error();

  // 1. Position leg, on a copy.
  const PositionKey pkey{instrument.venue, instrument.id.value};
  std::optional<Position> pos;
  if (auto it = positions_.find(pkey); it != positions_.end()) {
    pos = it->second;
  } else {
    auto created = Position::for_instrument(instrument, leverage);
    if (!created) return created.error();
    pos = std::move(*created);
  }
  auto change = pos->apply(*pf);
  if (!change) return change.error();

  // 2. Cash legs, netted per currency.
  auto n = notional(fill);
  if (!n) return n.error();
  const Venue venue = instrument.venue;
  std::vector<CashFlow> flows;
  std::map<std::string, Delta> deltas;
  const bool spot = instrument.kind == InstrumentKind::spot;
  const std::string& reserved =
      spot && fill.side == Side::sell ? instrument.base : instrument.quote;
  try {
    const auto move = [&](const std::string& currency, Decimal amount, CashFlowKind kind) {
      if (amount.is_zero()) return;
      flows.push_back(CashFlow{venue, currency, amount, kind});
      Delta& d = deltas[currency];
      if (amount.is_negative() && funding == FillFunding::locked && currency == reserved) {
        d.locked += amount;
      } else {
        d.available += amount;
      }
    };
    if (spot) {
      if (fill.side == Side::buy) {
        move(instrument.quote, -*n, CashFlowKind::trade);
        move(instrument.base, fill.quantity, CashFlowKind::trade);
      } else {
        move(instrument.base, -fill.quantity, CashFlowKind::trade);
        move(instrument.quote, *n, CashFlowKind::trade);
      }
    } else {
      move(instrument.quote, change->realized_trading, CashFlowKind::realized_pnl);
    }
    move(fill.fee_currency, -fill.fee, CashFlowKind::fee);

    // 3. Every leg must be possible before anything moves.
    for (const auto& [currency, d] : deltas) {
      const Balance* b = balance(venue, currency);
      const Decimal available = b ? b->available() : Decimal::zero();
      const Decimal locked = b ? b->locked() : Decimal::zero();
      if ((available + d.available).is_negative() || (locked + d.locked).is_negative()) {
        const bool from_locked = (locked + d.locked).is_negative();
        return fail(ErrorCode::insufficient_balance,
                    "fill '" + fill.trade_id + "' on " + str(to_string(venue)) + " needs " +
                        (from_locked ? (-d.locked).to_string() : (-d.available).to_string()) + " " +
                        currency + (from_locked ? " locked" : " available") + ", has " +
                        (from_locked ? locked.to_string() : available.to_string()));
      }
      if (!(available + d.available).checked_add(locked + d.locked)) {
        return fail(ErrorCode::overflow,
                    "fill '" + fill.trade_id + "': " + currency + " balance overflows");
      }
    }
  } catch (const std::exception& e) {
    return fail(ErrorCode::overflow,
                "fill '" + fill.trade_id + "': arithmetic out of range (" + e.what() + ")");
  }

  // 4. Commit.
  auto recorded = ledger_.record(fill);
  if (!recorded) return recorded.error();
  for (const auto& [currency, d] : deltas) {
    Balance& b = balance_slot(venue, currency);
    Status s = d.available.is_negative() ? b.debit(-d.available) : b.credit(d.available);
    if (s && d.locked.is_negative()) s = b.debit_locked(-d.locked);
    if (!s) return fail(ErrorCode::internal, "portfolio: checked leg failed: " + s.error().message);
  }
  positions_.insert_or_assign(pkey, std::move(*pos));
  return FillApplication{FillOutcome::applied, std::move(flows), *change};
}

Result<CashFlow> Portfolio::apply_funding(const Instrument& instrument, Decimal amount) {
  auto it = positions_.find(PositionKey{instrument.venue, instrument.id.value});
  if (it == positions_.end() || instrument.kind != InstrumentKind::perpetual) {
    return fail(ErrorCode::not_found, "funding for " + instrument.canonical +
                                          ": no perpetual position on " +
                                          str(to_string(instrument.venue)));
  }
  const Balance* b = balance(instrument.venue, instrument.quote);
  const Decimal available = b ? b->available() : Decimal::zero();
  auto after = available.checked_add(amount);
  if (!after) return after.error();
  if (after->is_negative()) {
    return fail(ErrorCode::insufficient_balance, "funding " + amount.to_string() + " " +
                                                     instrument.quote + " exceeds available " +
                                                     available.to_string());
  }
  Position pos = it->second;
  if (auto s = pos.apply_funding(amount); !s) return s.error();
  Balance& slot = balance_slot(instrument.venue, instrument.quote);
  Status s = amount.is_negative() ? slot.debit(-amount) : slot.credit(amount);
  if (!s) return s.error();
  it->second = std::move(pos);
  return CashFlow{instrument.venue, instrument.quote, amount, CashFlowKind::funding};
}

Result<Decimal> Portfolio::equity(const std::string& quote, const ConversionPrices& prices,
                                  const MarkPrices& marks) const {
  Decimal sum;
  for (const auto& [key, b] : balances_) {
    if (b.total().is_zero()) continue;
    auto v = prices.convert(b.total(), key.currency, quote);
    if (!v) return v.error().with_context("equity on " + str(to_string(key.venue)));
    auto s = sum.checked_add(*v);
    if (!s) return s.error();
    sum = *s;
  }
  for (const auto& [key, p] : positions_) {
    if (p.kind() != InstrumentKind::perpetual || p.is_flat()) continue;
    auto mark = marks.get(p.instrument());
    if (!mark) {
      return fail(ErrorCode::not_found, "equity: no mark price for perpetual " + p.base() + "/" +
                                            p.quote() + " on " + str(to_string(p.venue())));
    }
    auto u = p.unrealized_pnl(*mark);
    if (!u) return u.error();
    auto v = prices.convert(*u, p.quote(), quote);
    if (!v) return v.error().with_context("equity");
    auto s = sum.checked_add(*v);
    if (!s) return s.error();
    sum = *s;
  }
  return sum;
}

Result<Decimal> Portfolio::exposure(Venue venue, InstrumentId instrument,
                                    const MarkPrices& marks) const {
  const Position* p = position(venue, instrument);
  if (!p || p->is_flat()) return Decimal::zero();
  auto mark = marks.get(instrument);
  if (!mark) {
    return fail(ErrorCode::not_found, "exposure: no mark price for " + p->base() + "/" +
                                          p->quote() + " on " + str(to_string(venue)));
  }
  return p->notional(*mark);
}

Result<Decimal> Portfolio::exposure_in(Venue venue, InstrumentId instrument,
                                       const std::string& quote, const ConversionPrices& prices,
                                       const MarkPrices& marks) const {
  auto e = exposure(venue, instrument, marks);
  if (!e || e->is_zero()) return e;
  return prices.convert(*e, position(venue, instrument)->quote(), quote);
}

Result<Decimal> Portfolio::total_exposure(const std::string& quote, const ConversionPrices& prices,
                                          const MarkPrices& marks) const {
  Decimal sum;
  for (const auto& [key, p] : positions_) {
    if (p.is_flat()) continue;
    auto e = exposure_in(p.venue(), p.instrument(), quote, prices, marks);
    if (!e) return e.error();
    auto s = sum.checked_add(*e);
    if (!s) return s.error();
    sum = *s;
  }
  return sum;
}

}  // namespace nzeza::domain
