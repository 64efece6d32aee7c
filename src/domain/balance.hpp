#pragma once
// Balance: one currency's funds in one account, split into available and locked (reserved by
// open orders). total() == available() + locked() holds exactly at every moment: total is not
// stored, and every operation checks its precondition before touching anything, so a refused
// operation changes nothing. Amounts are never negative.
//
// The Rust reference accepted |available + locked - total| <= 1e-9 on f64; with exact
// decimals a venue snapshot must add up exactly or it is refused (docs/domain/orders.md).

#include <string>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace nzeza::domain {

class Balance {
 public:
  // Empty currency code or negative part → invalid_argument.
  static Result<Balance> create(std::string currency, Decimal available = Decimal::zero(),
                                Decimal locked = Decimal::zero());
  // From a venue snapshot that states all three figures: they must add up exactly.
  static Result<Balance> from_snapshot(std::string currency, Decimal total, Decimal available,
                                       Decimal locked);

  [[nodiscard]] const std::string& currency() const noexcept { return currency_; }
  [[nodiscard]] Decimal available() const noexcept { return available_; }
  [[nodiscard]] Decimal locked() const noexcept { return locked_; }
  [[nodiscard]] Decimal total() const noexcept { return available_ + locked_; }

  // Each amount must be >= 0 (invalid_argument otherwise); a shortfall is
  // insufficient_balance naming the currency, the amount and what was there.
  Status credit(Decimal amount);        // available += amount (deposit, sale proceeds)
  Status debit(Decimal amount);         // available -= amount
  Status lock(Decimal amount);          // available → locked (an order reserves funds)
  Status unlock(Decimal amount);        // locked → available (cancel, leftover reservation)
  Status debit_locked(Decimal amount);  // locked -= amount (a fill spends reserved funds)

  // Whether debit/lock/debit_locked of `amount` would succeed.
  [[nodiscard]] bool can_debit(Decimal amount) const noexcept {
    return !amount.is_negative() && amount <= available_;
  }
  [[nodiscard]] bool can_debit_locked(Decimal amount) const noexcept {
    return !amount.is_negative() && amount <= locked_;
  }

  friend bool operator==(const Balance&, const Balance&) = default;

 private:
  Balance(std::string currency, Decimal available, Decimal locked)
      : currency_(std::move(currency)), available_(available), locked_(locked) {}
  [[nodiscard]] Status check_amount(Decimal amount, std::string_view op) const;
  // Takes `amount` out of `part` (available_ or locked_, named `part_name` in errors) for `op`;
  // refused, changing nothing, when negative or more than `part` holds.
  [[nodiscard]] Status take(Decimal amount, std::string_view op, Decimal& part,
                            std::string_view part_name);

  std::string currency_;
  Decimal available_;
  Decimal locked_;
};

}  // namespace nzeza::domain
