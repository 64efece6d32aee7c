#include "domain/fill.hpp"

#include <functional>
#include <string>

namespace nzeza::domain {

std::string_view to_string(Liquidity l) noexcept {
  return l == Liquidity::maker ? "maker" : "taker";
}

Status validate(const Fill& fill) {
  const auto where = [&] { return "fill '" + fill.trade_id + "': "; };
  if (fill.trade_id.empty()) return fail(ErrorCode::invalid_argument, "fill: empty venue trade id");
  if (!fill.instrument.valid()) return fail(ErrorCode::invalid_argument, where() + "no instrument");
  if (!fill.price.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                where() + "price must be > 0, got " + fill.price.to_string());
  }
  if (!fill.quantity.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                where() + "quantity must be > 0, got " + fill.quantity.to_string());
  }
  if (!fill.fee.is_zero() && fill.fee_currency.empty()) {
    return fail(ErrorCode::invalid_argument,
                where() + "fee " + fill.fee.to_string() + " has no currency");
  }
  if (!notional(fill).ok()) {
    return fail(ErrorCode::overflow, where() + "price * quantity does not fit a Decimal");
  }
  return {};
}

Result<Decimal> notional(const Fill& fill) noexcept {
  return fill.price.checked_mul(fill.quantity, RoundingMode::nearest_even);
}

bool same_economics(const Fill& a, const Fill& b) noexcept {
  return a.side == b.side && a.price == b.price && a.quantity == b.quantity && a.fee == b.fee &&
         a.fee_currency == b.fee_currency && a.client_order_id == b.client_order_id;
}

std::size_t FillKeyHash::operator()(const FillKey& k) const noexcept {
  std::size_t h = std::hash<std::string>{}(k.trade_id);
  h ^= (static_cast<std::size_t>(k.instrument.value) << 8) + static_cast<std::size_t>(k.venue) +
       0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

}  // namespace nzeza::domain
