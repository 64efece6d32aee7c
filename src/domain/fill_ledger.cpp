#include "domain/fill_ledger.hpp"

#include <string>

namespace nzeza::domain {

std::string_view to_string(FillOutcome o) noexcept {
  return o == FillOutcome::applied ? "applied" : "duplicate";
}

Result<FillOutcome> FillLedger::record(const Fill& fill) {
  if (auto s = validate(fill); !s) return s.error();
  FillKey key = key_of(fill);
  if (auto it = index_.find(key); it != index_.end()) {
    const Fill& seen = fills_[it->second];
    if (!same_economics(seen, fill)) {
      return fail(ErrorCode::invalid_state,
                  "fill '" + fill.trade_id + "' on " + std::string(to_string(fill.venue)) +
                      " was already recorded with different figures (quantity " +
                      seen.quantity.to_string() + " at " + seen.price.to_string() + ", now " +
                      fill.quantity.to_string() + " at " + fill.price.to_string() + ")");
    }
    ++duplicates_;
    return FillOutcome::duplicate;
  }
  index_.emplace(std::move(key), fills_.size());
  fills_.push_back(fill);
  return FillOutcome::applied;
}

bool FillLedger::contains(const FillKey& key) const {
  return index_.contains(key);
}

const Fill* FillLedger::find(const FillKey& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &fills_[it->second];
}

}  // namespace nzeza::domain
