#include "domain/sizing.hpp"

#include <utility>

#include "core/enum_names.hpp"

namespace nzeza::domain {
namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::invalid_argument, "position sizing: " + std::move(message)};
}

constexpr Decimal kMaxExposure = Decimal::from_integer(100);

}  // namespace

constexpr EnumNames kSizingLimitNames{
    SizingLimit::rounds_to_zero,
    {"balance_and_leverage", "portfolio_exposure", "max_order_notional", "instrument_max_size",
     "below_min_order_notional", "below_instrument_min_size", "below_instrument_min_notional",
     "rounds_to_zero"}};

std::string_view to_string(SizingLimit l) noexcept {
  return kSizingLimitNames.name(l);
}

Status SizingRequest::validate() const {
  if (symbol.empty()) return invalid("symbol cannot be empty");
  if (available_balance.is_negative()) {
    return invalid("available_balance must be non-negative, got " + available_balance.to_string());
  }
  if (leverage < Decimal::one()) {
    return invalid("leverage must be >= 1.0, got " + leverage.to_string());
  }
  if (!price.is_positive())
    return invalid("current_price must be positive, got " + price.to_string());
  if (!max_portfolio_exposure.is_positive() || max_portfolio_exposure > kMaxExposure) {
    return invalid("max_portfolio_exposure must be in range (0, 100], got " +
                   max_portfolio_exposure.to_string());
  }
  if (min_order_notional.is_negative()) {
    return invalid("min_order_notional must be non-negative, got " +
                   min_order_notional.to_string());
  }
  if (max_order_notional < min_order_notional) {
    return invalid("max_order_notional must be >= min_order_notional, got " +
                   max_order_notional.to_string() + " < " + min_order_notional.to_string());
  }
  if (equity && equity->is_negative()) {
    return invalid("equity must be non-negative, got " + equity->to_string());
  }
  if (instrument != nullptr) {
    if (instrument->kind == InstrumentKind::spot && leverage != Decimal::one()) {
      return invalid("spot instrument " + symbol + " cannot use leverage " + leverage.to_string());
    }
    if (instrument->max_leverage) {
      auto cap = Decimal::from_int(*instrument->max_leverage);
      if (cap && leverage > *cap) {
        return invalid("leverage " + leverage.to_string() + " exceeds the instrument maximum " +
                       cap->to_string() + " for " + symbol);
      }
    }
    if (!instrument->lot_size.is_positive()) {
      return invalid("instrument " + symbol + " has no positive lot size");
    }
  }
  return {};
}

Result<SizingResult> size_position(const SizingRequest& r) {
  if (auto st = r.validate(); !st) return st.error();
  const Decimal equity = r.equity.value_or(r.available_balance);

  auto n_bal = r.available_balance.checked_mul(r.leverage, RoundingMode::down);
  if (!n_bal) return n_bal.error().with_context("position sizing: balance × leverage");
  auto n_exp = equity.checked_mul(r.max_portfolio_exposure, RoundingMode::down);
  if (!n_exp) return n_exp.error().with_context("position sizing: equity × exposure");

  SizingResult out;
  out.leverage = r.leverage;
  Decimal target;
  if (*n_bal < *n_exp) {
    target = *n_bal;
    out.limit = SizingLimit::balance_and_leverage;
    out.reason = "Sized by balance and leverage: notional " + n_bal->to_string() + " = available " +
                 r.available_balance.to_string() + " x leverage " + r.leverage.to_string() +
                 " (exposure budget " + n_exp->to_string() + ")";
  } else {
    target = *n_exp;
    out.limit = SizingLimit::portfolio_exposure;
    out.reason = "Sized by portfolio exposure: notional " + n_exp->to_string() + " = equity " +
                 equity.to_string() + " x exposure " + r.max_portfolio_exposure.to_string() +
                 " (buying power " + n_bal->to_string() + ")";
  }
  if (target > r.max_order_notional) {
    target = r.max_order_notional;
    out.limit = SizingLimit::max_order_notional;
    out.reason = "Sized by maximum order notional " + r.max_order_notional.to_string();
  }

  auto q = target.checked_div(r.price, RoundingMode::down);
  if (!q) return q.error().with_context("position sizing: notional / price");
  Decimal quantity = *q;
  const Decimal unrounded = quantity;
  const Instrument* inst = r.instrument;
  if (inst != nullptr) {
    if (inst->max_size.is_positive() && quantity > inst->max_size) {
      quantity = inst->max_size;
      out.limit = SizingLimit::instrument_max_size;
      out.reason = "Sized by instrument maximum size " + inst->max_size.to_string();
    }
    auto rounded = inst->round_size(quantity, RoundingMode::down);
    if (!rounded) return rounded.error().with_context("position sizing");
    quantity = *rounded;
  }
  auto notional = quantity.checked_mul(r.price, RoundingMode::nearest_even);
  if (!notional) return notional.error().with_context("position sizing: quantity × price");

  auto refuse = [&](SizingLimit limit, std::string why) {
    out.quantity = Decimal::zero();
    out.notional = Decimal::zero();
    out.margin_used = Decimal::zero();
    out.limit = limit;
    out.reason = std::move(why);
    return out;
  };
  if (*notional < r.min_order_notional) {
    return refuse(SizingLimit::below_min_order_notional, "Position too small: notional value " +
                                                             notional->to_string() + " < minimum " +
                                                             r.min_order_notional.to_string());
  }
  if (inst != nullptr && quantity < inst->min_size) {
    return refuse(SizingLimit::below_instrument_min_size,
                  "Position too small: quantity " + quantity.to_string() +
                      " < instrument minimum size " + inst->min_size.to_string());
  }
  if (inst != nullptr && *notional < inst->min_notional) {
    return refuse(SizingLimit::below_instrument_min_notional,
                  "Position too small: notional value " + notional->to_string() +
                      " < instrument minimum notional " + inst->min_notional.to_string());
  }
  if (quantity.is_zero()) {
    std::string why = "Position too small: quantity " + unrounded.to_string() + " rounds to 0";
    if (inst != nullptr) why += " at lot size " + inst->lot_size.to_string();
    return refuse(SizingLimit::rounds_to_zero, std::move(why));
  }

  out.quantity = quantity;
  out.notional = *notional;
  auto margin = required_margin(*notional, r.leverage);
  if (!margin) return margin.error();
  out.margin_used = *margin;
  return out;
}

bool is_sufficient_balance(Decimal balance, Decimal leverage, Decimal notional) {
  if (balance.is_negative() || notional.is_negative() || leverage < Decimal::one()) return false;
  auto margin = required_margin(notional, leverage);
  return margin && balance >= *margin;
}

Result<Decimal> required_margin(Decimal notional, Decimal leverage) {
  if (notional.is_negative()) {
    return invalid("notional must be non-negative, got " + notional.to_string());
  }
  if (leverage < Decimal::one()) {
    return invalid("leverage must be >= 1.0, got " + leverage.to_string());
  }
  auto r = notional.checked_div(leverage, RoundingMode::up);
  if (!r) return r.error().with_context("required margin");
  return *r;
}

Decimal max_notional_value(Decimal balance, Decimal leverage) {
  if (balance.is_negative() || leverage < Decimal::one()) return Decimal::zero();
  auto r = balance.checked_mul(leverage, RoundingMode::down);
  return r ? *r : Decimal::zero();
}

}  // namespace nzeza::domain
