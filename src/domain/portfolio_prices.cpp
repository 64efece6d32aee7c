#include "domain/portfolio_prices.hpp"

namespace nzeza::domain {

Status ConversionPrices::set(const std::string& from, const std::string& to, Decimal price) {
  if (from.empty() || to.empty() || from == to) {
    return fail(
        ErrorCode::invalid_argument,
        "conversion price: needs two distinct currencies, got '" + from + "' and '" + to + "'");
  }
  if (!price.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "conversion price " + from + "/" + to + " must be > 0, got " + price.to_string());
  }
  prices_[{from, to}] = price;
  return {};
}

std::optional<Decimal> ConversionPrices::price(const std::string& from,
                                               const std::string& to) const {
  if (from == to) return Decimal::one();
  if (auto it = prices_.find({from, to}); it != prices_.end()) return it->second;
  if (auto it = prices_.find({to, from}); it != prices_.end()) {
    auto inv = Decimal::one().checked_div(it->second, RoundingMode::nearest_even);
    if (inv) return *inv;
  }
  return std::nullopt;
}

Result<Decimal> ConversionPrices::convert(Decimal amount, const std::string& from,
                                          const std::string& to) const {
  if (from == to) return amount;
  if (auto it = prices_.find({from, to}); it != prices_.end())
    return amount.checked_mul(it->second);
  if (auto it = prices_.find({to, from}); it != prices_.end()) {
    return amount.checked_div(it->second, RoundingMode::nearest_even);
  }
  return fail(ErrorCode::not_found, "no price given for " + from + " in " + to + " (amount " +
                                        amount.to_string() + " " + from + " cannot be valued)");
}

Status MarkPrices::set(InstrumentId instrument, Decimal mark) {
  if (!instrument.valid() || !mark.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "mark price must be > 0 for a valid instrument, got " + mark.to_string());
  }
  marks_[instrument.value] = mark;
  return {};
}

std::optional<Decimal> MarkPrices::get(InstrumentId instrument) const {
  if (auto it = marks_.find(instrument.value); it != marks_.end()) return it->second;
  return std::nullopt;
}

}  // namespace nzeza::domain
