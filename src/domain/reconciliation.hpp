#pragma once
// Reconciliation: our view of one venue account (orders, fills, positions, balances) against the
// venue's own reports, before trading starts and periodically after.
//
// Classification of each difference:
//   missing_locally   the venue has it, we do not (a fill we never applied, a position we lost)
//   missing_at_venue  we have it, the venue does not (an open order the venue no longer lists)
//   mismatch          both have it with different quantities; carries the relative difference
//                     in % of the venue figure and, when the caller gave a price, its value in
//                     quote terms
//   precision_only    the difference is within the tolerance (decimal dust): info only
//   external_order    an open order whose client id is not ours: reported, never adopted and
//                     never cancelled (someone else trades on the account)
//   report_missing    the venue sent no report of that kind: unknown, not empty — a missing
//                     position report is NOT a flat position
// Severity: info < minor < major < critical; major and critical block trading. Quantity
// differences are graded by their quote value when a price is known (>= critical_value →
// critical, >= major_value → major, else minor), else by relative % (>= critical_percent,
// >= major_percent). Every currency and instrument on either side is compared (the Rust
// reference iterated only over local currencies and graded in raw units).
// Pure function of its inputs; no I/O.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"
#include "domain/fill.hpp"
#include "domain/order.hpp"
#include "domain/portfolio.hpp"
#include "domain/portfolio_prices.hpp"

namespace nzeza::domain {

struct OrderSnapshot {
  std::string client_order_id;
  std::string venue_order_id;
  InstrumentId instrument;
  Side side = Side::buy;
  Decimal quantity;
  Decimal filled;                         // cumulative
  std::optional<OrderState> local_state;  // set on our side only
};

struct PositionSnapshot {
  InstrumentId instrument;
  Decimal quantity;   // signed: long > 0, short < 0; spot holdings >= 0
  std::string quote;  // currency of the instrument's mark price (labels position values)
};

struct BalanceSnapshot {
  std::string currency;
  Decimal total;
};

// What the venue said. A nullopt member means "no report of this kind arrived" (not "none").
struct VenueReport {
  Venue venue = Venue::paper;
  std::optional<std::vector<OrderSnapshot>> open_orders;
  std::optional<std::vector<Fill>> fills;  // the venue's recent-fills window
  std::optional<std::vector<PositionSnapshot>> positions;
  std::optional<std::vector<BalanceSnapshot>> balances;
};

// Our side, for the same venue and the same fills window.
struct LocalState {
  Venue venue = Venue::paper;
  std::vector<OrderSnapshot> open_orders;  // orders that may still trade (may_trade(state))
  std::vector<Fill> fills;
  std::vector<PositionSnapshot> positions;
  std::vector<BalanceSnapshot> balances;
};

// Builds LocalState for `venue` from the orders we track and the portfolio; fills at or after
// `fills_since` (the start of the venue's window).
[[nodiscard]] LocalState capture_local_state(Venue venue, std::span<const Order> orders,
                                             const Portfolio& portfolio, Timestamp fills_since);

enum class Severity : std::uint8_t { ok, info, minor, major, critical };
[[nodiscard]] std::string_view to_string(Severity s) noexcept;

enum class DiscrepancyKind : std::uint8_t {
  missing_locally,
  missing_at_venue,
  mismatch,
  precision_only,
  external_order,
  report_missing
};
[[nodiscard]] std::string_view to_string(DiscrepancyKind k) noexcept;

enum class Subject : std::uint8_t { order, fill, position, balance };
[[nodiscard]] std::string_view to_string(Subject s) noexcept;

struct Discrepancy {
  Subject subject = Subject::order;
  DiscrepancyKind kind = DiscrepancyKind::mismatch;
  Severity severity = Severity::info;
  bool blocks_trading = false;
  std::string key;                          // client order id, trade id, instrument id, currency
  Decimal local;                            // our quantity (0 when missing locally)
  Decimal venue;                            // the venue's (0 when missing at venue)
  Decimal difference;                       // venue − local
  std::optional<Decimal> relative_percent;  // |difference| / |venue| · 100 (100 when venue is 0)
  std::optional<Decimal> quote_value;       // |difference| valued with a caller's price
  std::string quote_currency;               // currency of quote_value
  std::string detail;                       // one line for humans
};

struct ReconciliationConfig {
  Decimal precision_tolerance = Decimal::from_raw8(10'000);      // 0.0001 units (reference default)
  Decimal major_percent = Decimal::one();                        // 1 %
  Decimal critical_percent = Decimal::from_raw8(1'000'000'000);  // 10 % (the reference's threshold)
  Decimal major_value = Decimal::from_raw8(1'000'000'000);       // 10 in quote terms
  Decimal critical_value = Decimal::from_raw8(10'000'000'000);   // 100 in quote terms
  std::string quote_currency = "USD";  // for balance values (through ConversionPrices)
};

struct ReconciliationContext {
  ReconciliationConfig config;
  const ConversionPrices* prices = nullptr;  // optional: values of balance differences
  const MarkPrices* marks = nullptr;         // optional: values of position differences
  // Recognises our client order ids (ClientIdCodec::decode); unset → every id counts as ours.
  std::function<bool(std::string_view client_order_id)> is_ours;
};

struct ReconciliationResult {
  Venue venue = Venue::paper;
  std::vector<Discrepancy> discrepancies;
  Severity worst = Severity::ok;
  bool trading_allowed = true;  // no discrepancy blocks trading

  [[nodiscard]] std::size_t count(DiscrepancyKind kind) const noexcept;
  [[nodiscard]] std::size_t count(Subject subject, DiscrepancyKind kind) const noexcept;
  [[nodiscard]] const Discrepancy* find(Subject subject, std::string_view key) const noexcept;
};

// Compares `local` with `report`; error only when they are for different venues or a figure
// is malformed (negative total, fill without trade id).
[[nodiscard]] Result<ReconciliationResult> reconcile(const LocalState& local,
                                                     const VenueReport& report,
                                                     const ReconciliationContext& context);

}  // namespace nzeza::domain
