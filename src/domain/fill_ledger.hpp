#pragma once
// FillLedger: the set of fills already applied, keyed by (venue, instrument, venue trade id).
//
// Venues resend fills (WebSocket replay after a reconnect, REST backfill overlapping the
// stream); applying one twice must change nothing. record() says whether the fill is new. A
// second report of the same trade with different economics is an error, not a duplicate:
// one of the two is wrong and reconciliation must look. Not thread-safe (one owner).

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "domain/fill.hpp"

namespace nzeza::domain {

enum class FillOutcome : std::uint8_t { applied, duplicate };
[[nodiscard]] std::string_view to_string(FillOutcome o) noexcept;

class FillLedger {
 public:
  // Validates and records `fill`: applied when new, duplicate when the same trade was already
  // recorded with identical economics (nothing changes). Errors: invalid fill
  // (invalid_argument); same key with different economics (invalid_state).
  Result<FillOutcome> record(const Fill& fill);

  [[nodiscard]] bool contains(const FillKey& key) const;
  [[nodiscard]] const Fill* find(const FillKey& key) const;
  [[nodiscard]] std::size_t size() const noexcept { return fills_.size(); }
  // In the order they were recorded.
  [[nodiscard]] const std::vector<Fill>& fills() const noexcept { return fills_; }
  [[nodiscard]] std::uint64_t duplicates_seen() const noexcept { return duplicates_; }

 private:
  std::vector<Fill> fills_;
  std::unordered_map<FillKey, std::size_t, FillKeyHash> index_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace nzeza::domain
