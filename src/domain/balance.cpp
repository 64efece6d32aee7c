#include "domain/balance.hpp"

#include <string>

namespace nzeza::domain {
namespace {
Error shortfall(const std::string& currency, std::string_view op, Decimal amount,
                std::string_view part, Decimal have) {
  return Error(ErrorCode::insufficient_balance, std::string(op) + " " + amount.to_string() + " " +
                                                    currency + ": only " + have.to_string() + " " +
                                                    std::string(part));
}
}  // namespace

Result<Balance> Balance::create(std::string currency, Decimal available, Decimal locked) {
  if (currency.empty()) return fail(ErrorCode::invalid_argument, "balance: empty currency code");
  if (available.is_negative() || locked.is_negative()) {
    return fail(ErrorCode::invalid_argument, "balance " + currency + ": available " +
                                                 available.to_string() + " and locked " +
                                                 locked.to_string() + " must be >= 0");
  }
  if (!available.checked_add(locked)) {
    return fail(ErrorCode::overflow, "balance " + currency + ": total does not fit a Decimal");
  }
  return Balance(std::move(currency), available, locked);
}

Result<Balance> Balance::from_snapshot(std::string currency, Decimal total, Decimal available,
                                       Decimal locked) {
  auto b = create(currency, available, locked);
  if (!b) return b;
  if (b->total() != total) {
    return fail(ErrorCode::invalid_argument,
                "balance " + currency + ": total " + total.to_string() + " != available " +
                    available.to_string() + " + locked " + locked.to_string());
  }
  return b;
}

Status Balance::check_amount(Decimal amount, std::string_view op) const {
  if (amount.is_negative()) {
    return fail(ErrorCode::invalid_argument, "balance " + currency_ + ": " + std::string(op) +
                                                 " of negative amount " + amount.to_string());
  }
  return {};
}

Status Balance::credit(Decimal amount) {
  if (auto s = check_amount(amount, "credit"); !s) return s;
  auto sum = available_.checked_add(amount);
  if (!sum || !sum->checked_add(locked_)) {
    return fail(ErrorCode::overflow,
                "balance " + currency_ + ": credit " + amount.to_string() + " overflows");
  }
  available_ = *sum;
  return {};
}

Status Balance::take(Decimal amount, std::string_view op, Decimal& part,
                     std::string_view part_name) {
  if (auto s = check_amount(amount, op); !s) return s;
  if (amount > part) return shortfall(currency_, op, amount, part_name, part);
  part -= amount;
  return {};
}

Status Balance::debit(Decimal amount) {
  return take(amount, "debit", available_, "available");
}

Status Balance::lock(Decimal amount) {
  if (auto s = take(amount, "lock", available_, "available"); !s) return s;
  locked_ += amount;
  return {};
}

Status Balance::unlock(Decimal amount) {
  if (auto s = take(amount, "unlock", locked_, "locked"); !s) return s;
  available_ += amount;
  return {};
}

Status Balance::debit_locked(Decimal amount) {
  return take(amount, "debit_locked", locked_, "locked");
}

}  // namespace nzeza::domain
