#include "domain/position.hpp"

#include <stdexcept>
#include <string>

#include "core/enum_names.hpp"

namespace nzeza::domain {
namespace {
std::string str(std::string_view s) {
  return std::string(s);
}
}  // namespace

constexpr EnumNames kPositionSideNames{
    PositionSide::short_side, {"flat", "long", "short"}, "invalid"};

std::string_view to_string(PositionSide s) noexcept {
  return kPositionSideNames.name(s);
}

Result<PositionFill> to_position_fill(const Instrument& instrument, const Fill& fill,
                                      std::optional<Decimal> fee_price_in_quote) {
  if (auto s = validate(fill); !s) return s.error();
  if (fill.instrument != instrument.id || fill.venue != instrument.venue) {
    return fail(ErrorCode::invalid_argument, "fill '" + fill.trade_id + "' is not for instrument " +
                                                 instrument.canonical + " on " +
                                                 str(to_string(instrument.venue)));
  }
  PositionFill pf{fill.side,       fill.price,      fill.quantity,
                  Decimal::zero(), Decimal::zero(), fill.time};
  if (fill.fee.is_zero()) return pf;
  if (fill.fee_currency == instrument.quote) {
    pf.fee_quote = fill.fee;
  } else if (fill.fee_currency == instrument.base && instrument.kind == InstrumentKind::spot) {
    pf.base_fee = fill.fee;
  } else {
    if (!fee_price_in_quote || !fee_price_in_quote->is_positive()) {
      return fail(ErrorCode::not_found, "fill '" + fill.trade_id + "': fee of " +
                                            fill.fee.to_string() + " " + fill.fee_currency +
                                            " needs a price in " + instrument.quote +
                                            " to count in PnL");
    }
    auto v = fill.fee.checked_mul(*fee_price_in_quote);
    if (!v) return v.error();
    pf.fee_quote = *v;
  }
  return pf;
}

Result<Position> Position::spot(Venue venue, InstrumentId instrument, std::string base,
                                std::string quote) {
  if (!instrument.valid() || base.empty() || quote.empty() || base == quote) {
    return fail(ErrorCode::invalid_argument,
                "spot position: needs an instrument and distinct base/quote");
  }
  return Position(venue, instrument, InstrumentKind::spot, std::move(base), std::move(quote),
                  Decimal::one());
}

Result<Position> Position::perpetual(Venue venue, InstrumentId instrument, std::string base,
                                     std::string quote, Decimal leverage) {
  if (!instrument.valid() || base.empty() || quote.empty() || base == quote) {
    return fail(ErrorCode::invalid_argument,
                "perpetual position: needs an instrument and distinct base/settlement currency");
  }
  if (leverage < Decimal::one()) {
    return fail(
        ErrorCode::invalid_argument,
        "perpetual position " + base + ": leverage must be >= 1, got " + leverage.to_string());
  }
  return Position(venue, instrument, InstrumentKind::perpetual, std::move(base), std::move(quote),
                  leverage);
}

Result<Position> Position::for_instrument(const Instrument& instrument, Decimal leverage) {
  if (instrument.kind == InstrumentKind::spot) {
    return spot(instrument.venue, instrument.id, instrument.base, instrument.quote);
  }
  return perpetual(instrument.venue, instrument.id, instrument.base, instrument.quote, leverage);
}

std::string Position::where() const {
  return str(to_string(kind_)) + " position " + base_ + "/" + quote_ + " on " +
         str(to_string(venue_));
}

PositionSide Position::side() const noexcept {
  if (quantity_.is_positive()) return PositionSide::long_side;
  if (quantity_.is_negative()) return PositionSide::short_side;
  return PositionSide::flat;
}

std::optional<Decimal> Position::average_entry_price() const {
  if (quantity_.is_zero()) return std::nullopt;
  auto avg = cost_.checked_div(quantity_.abs(), RoundingMode::nearest_even);
  if (!avg) return std::nullopt;
  return *avg;
}

Result<PositionChange> Position::apply(const PositionFill& fill) {
  if (!fill.price.is_positive() || !fill.quantity.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                where() + ": fill price and quantity must be > 0, got " +
                    fill.quantity.to_string() + " at " + fill.price.to_string());
  }
  if (fill.base_fee.is_negative() ||
      (kind_ == InstrumentKind::perpetual && !fill.base_fee.is_zero())) {
    return fail(ErrorCode::invalid_argument,
                where() + ": base-asset fee " + fill.base_fee.to_string() + " not allowed here");
  }
  try {
    // Spot: a base fee shrinks what a buy brings in and grows what a sell takes out.
    Decimal qty = fill.quantity;
    if (kind_ == InstrumentKind::spot) {
      qty = fill.side == Side::buy ? fill.quantity - fill.base_fee : fill.quantity + fill.base_fee;
      if (!qty.is_positive()) {
        return fail(ErrorCode::invalid_argument,
                    where() + ": base fee " + fill.base_fee.to_string() +
                        " eats the whole fill of " + fill.quantity.to_string());
      }
      if (fill.side == Side::sell && qty > quantity_) {
        return fail(ErrorCode::insufficient_balance, where() + ": no shorting on spot: sell of " +
                                                         qty.to_string() + " exceeds holdings of " +
                                                         quantity_.to_string());
      }
    }
    const Decimal fee_value = fill.fee_quote + fill.base_fee * fill.price;
    const int dir = fill.side == Side::buy ? 1 : -1;
    const bool opening = quantity_.is_zero() || quantity_.signum() == dir;

    PositionChange change;
    change.fee_quote = fee_value;
    Decimal q = quantity_;
    Decimal cost = cost_;
    Decimal realized = realized_trading_;
    if (opening) {
      cost += qty * fill.price;
      q += dir > 0 ? qty : -qty;
      change.opened_quantity = qty;
    } else {
      const Decimal open_abs = q.abs();
      const Decimal closing = qty < open_abs ? qty : open_abs;
      Decimal removed = cost;
      if (closing != open_abs) {
        auto part = cost.checked_mul_div(closing, open_abs, RoundingMode::nearest_even);
        if (!part) return part.error();
        removed = *part;
      }
      const Decimal exit_value = closing * fill.price;
      const Decimal trading = q.is_positive() ? exit_value - removed : removed - exit_value;
      realized += trading;
      cost -= removed;
      q += dir > 0 ? closing : -closing;
      change.closed_quantity = closing;
      change.realized_trading = trading;
      const Decimal rest = qty - closing;
      if (rest.is_positive()) {  // only a perpetual gets here: spot sells were bounded above
        cost = rest * fill.price;
        q = dir > 0 ? rest : -rest;
        change.opened_quantity = rest;
        change.flipped = true;
      }
    }
    const Decimal fees = fees_ + fee_value;
    // Commit.
    if (quantity_.is_zero() || change.flipped) opened_at_ = fill.time;
    quantity_ = q;
    cost_ = q.is_zero() ? Decimal::zero() : cost;
    realized_trading_ = realized;
    fees_ = fees;
    updated_at_ = fill.time;
    change.quantity_after = q;
    return change;
  } catch (const std::exception& e) {
    return fail(ErrorCode::overflow, where() + ": fill arithmetic out of range (" + e.what() + ")");
  }
}

Status Position::apply_funding(Decimal amount) {
  if (kind_ != InstrumentKind::perpetual) {
    return fail(ErrorCode::invalid_argument, where() + ": funding applies to perpetuals only");
  }
  auto f = funding_.checked_add(amount);
  if (!f) return f.error();
  funding_ = *f;
  return {};
}

Status Position::set_leverage(Decimal leverage) {
  if (kind_ != InstrumentKind::perpetual) {
    return fail(ErrorCode::invalid_argument, where() + ": leverage applies to perpetuals only");
  }
  if (leverage < Decimal::one()) {
    return fail(ErrorCode::invalid_argument,
                where() + ": leverage must be >= 1, got " + leverage.to_string());
  }
  leverage_ = leverage;
  return {};
}

Result<Decimal> Position::funding_payment(Decimal signed_quantity, Decimal mark, Decimal rate) {
  if (!mark.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "funding: mark price must be > 0, got " + mark.to_string());
  }
  auto n = signed_quantity.checked_mul(mark);
  if (!n) return n.error();
  auto p = n->checked_mul(rate);
  if (!p) return p.error();
  return -*p;
}

Result<Decimal> Position::notional(Decimal mark) const {
  if (!mark.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                where() + ": mark price must be > 0, got " + mark.to_string());
  }
  return quantity_.abs().checked_mul(mark);
}

Result<Decimal> Position::unrealized_pnl(Decimal mark) const {
  auto value = notional(mark);
  if (!value) return value;
  if (quantity_.is_zero()) return Decimal::zero();
  return quantity_.is_positive() ? value->checked_sub(cost_) : cost_.checked_sub(*value);
}

Result<Decimal> Position::total_pnl(Decimal mark) const {
  auto u = unrealized_pnl(mark);
  if (!u) return u;
  return u->checked_add(realized_pnl());
}

Result<Decimal> Position::initial_margin() const {
  return cost_.checked_div(leverage_, RoundingMode::up);
}

Status Position::restore(Decimal signed_quantity, Decimal cost_basis) {
  if (kind_ == InstrumentKind::spot && signed_quantity.is_negative()) {
    return fail(ErrorCode::invalid_argument, where() + ": a spot holding cannot be negative (" +
                                                 signed_quantity.to_string() + ")");
  }
  if (cost_basis.is_negative() || (signed_quantity.is_zero() != cost_basis.is_zero())) {
    return fail(ErrorCode::invalid_argument, where() + ": cost basis " + cost_basis.to_string() +
                                                 " does not fit quantity " +
                                                 signed_quantity.to_string());
  }
  quantity_ = signed_quantity;
  cost_ = cost_basis;
  return {};
}

}  // namespace nzeza::domain
