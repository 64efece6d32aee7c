#include "venues/balance_report.hpp"

#include <algorithm>
#include <map>

namespace nzeza::venues {

bool BalanceReport::complete() const noexcept {
  return std::none_of(per_venue.begin(), per_venue.end(),
                      [](const VenueBalances& v) { return v.error.has_value(); });
}

const CurrencyTotal* BalanceReport::currency(std::string_view code) const noexcept {
  for (const auto& c : per_currency) {
    if (c.currency == code) return &c;
  }
  return nullptr;
}

const VenueBalances* BalanceReport::venue(Venue v) const noexcept {
  for (const auto& b : per_venue) {
    if (b.venue == v) return &b;
  }
  return nullptr;
}

Result<BalanceReport> build_balance_report(std::vector<VenueBalances> per_venue) {
  std::map<std::string, CurrencyTotal, std::less<>> totals;
  for (const auto& vb : per_venue) {
    if (vb.error) continue;
    for (const auto& b : vb.balances) {
      CurrencyTotal& t = totals[b.currency()];
      t.currency = b.currency();
      auto total = t.total.checked_add(b.total());
      auto available = t.available.checked_add(b.available());
      auto locked = t.locked.checked_add(b.locked());
      if (!total || !available || !locked) {
        return Error{ErrorCode::overflow, "balance report: " + b.currency() + " total on " +
                                              std::string(to_string(vb.venue)) + " overflows"};
      }
      t.total = *total;
      t.available = *available;
      t.locked = *locked;
      if (std::find(t.venues.begin(), t.venues.end(), vb.venue) == t.venues.end()) {
        t.venues.push_back(vb.venue);
      }
    }
  }
  BalanceReport report;
  report.per_venue = std::move(per_venue);
  for (auto& [code, total] : totals) report.per_currency.push_back(std::move(total));
  return report;
}

}  // namespace nzeza::venues
