// Properties of the sizing arithmetic and the trade-rate window over random inputs.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "domain/risk_trade_window.hpp"
#include "domain/sizing.hpp"
#include "risk_test_support.hpp"

namespace nzeza::domain {
namespace {

// A Decimal with `decimals` fractional digits in [lo, hi] (in units of 10^-decimals).
Decimal scaled(std::int64_t lo, std::int64_t hi, int decimals) {
  const auto mantissa = *rc::gen::inRange<std::int64_t>(lo, hi + 1);
  return *Decimal::from_scaled(mantissa, decimals);
}

RC_GTEST_PROP(SizingProperty, sized_order_never_exceeds_any_bound_and_is_a_lot_multiple, ()) {
  Instrument inst = testing::perp_eth();
  inst.lot_size = *rc::gen::element("0.001"_d, "0.01"_d, "1"_d, "0.00000001"_d);
  inst.min_size = inst.lot_size;
  inst.max_leverage.reset();
  SizingRequest r;
  r.symbol = "ETH-USD-PERP";
  r.instrument = &inst;
  r.available_balance = scaled(0, 100'000'000, 2);  // 0 .. 1 000 000.00
  r.equity = *rc::gen::arbitrary<bool>() ? std::optional<Decimal>(scaled(0, 200'000'000, 2))
                                         : std::nullopt;
  r.leverage = scaled(1, 50, 0);
  r.price = scaled(1, 10'000'000, 2);               // 0.01 .. 100 000.00
  r.max_portfolio_exposure = scaled(1, 200000, 4);  // 0.0001 .. 20
  r.min_order_notional = scaled(0, 1'000, 0);
  r.max_order_notional = r.min_order_notional + scaled(0, 50'000'000, 0);

  const auto res = size_position(r);
  RC_ASSERT(res.ok());
  const SizingResult& s = *res;
  RC_TAG(to_string(s.limit));
  if (s.refused()) {
    RC_ASSERT(s.notional.is_zero());
    RC_ASSERT(s.margin_used.is_zero());
    RC_ASSERT(!s.reason.empty());
    return;
  }
  const Decimal equity = r.equity.value_or(r.available_balance);
  RC_ASSERT(s.quantity.is_multiple_of(inst.lot_size));
  RC_ASSERT(s.notional == s.quantity * r.price);
  RC_ASSERT(s.notional <= max_notional_value(r.available_balance, r.leverage));  // leverage binds
  RC_ASSERT(s.notional <= equity * r.max_portfolio_exposure);
  RC_ASSERT(s.notional <= r.max_order_notional);
  RC_ASSERT(s.notional >= r.min_order_notional);
  RC_ASSERT(s.margin_used <= r.available_balance);
  RC_ASSERT(is_sufficient_balance(r.available_balance, r.leverage, s.notional));
}

RC_GTEST_PROP(RiskTradeWindowProperty, counts_equal_a_naive_recount_in_any_record_order, ()) {
  const auto offsets = *rc::gen::container<std::vector<std::int64_t>>(
      rc::gen::inRange<std::int64_t>(0, 3 * 24 * 3600));
  const auto now_offset = *rc::gen::inRange<std::int64_t>(0, 3 * 24 * 3600);
  const Timestamp base = testing::kNoon;
  const Timestamp now = base + std::chrono::seconds(now_offset);
  RiskTradeWindow w(24h);
  std::vector<Timestamp> all;
  for (auto o : offsets) {
    const Timestamp t = base + std::chrono::seconds(o);
    w.record(t);
    all.push_back(t);
  }
  for (const Duration window : {Duration(1h), Duration(24h)}) {
    const auto naive = static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [&](Timestamp t) { return t > now - window; }));
    RC_ASSERT(w.count(now, window) == naive);
  }
}

}  // namespace
}  // namespace nzeza::domain
