// Reconciliation classes, severities and the trading-allowed verdict.

#include "domain/reconciliation.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

constexpr Venue kV = Venue::coinbase;

OrderSnapshot open_order(std::string id, Decimal qty = "1"_d, Decimal filled = "0"_d,
                         std::optional<OrderState> state = {}) {
  return OrderSnapshot{std::move(id), "v-" + qty.to_string(), kSpotId, Side::buy, qty, filled,
                       state};
}

// A venue report that matches an empty local state.
VenueReport clean_report() {
  VenueReport r;
  r.venue = kV;
  r.open_orders = std::vector<OrderSnapshot>{};
  r.fills = std::vector<Fill>{};
  r.positions = std::vector<PositionSnapshot>{};
  r.balances = std::vector<BalanceSnapshot>{};
  return r;
}

LocalState empty_local() {
  LocalState l;
  l.venue = kV;
  return l;
}

ReconciliationContext ctx() {
  ReconciliationContext c;
  c.is_ours = [](std::string_view id) { return id.starts_with("nz-"); };
  return c;
}

ReconciliationResult run(const LocalState& l, const VenueReport& r,
                         const ReconciliationContext& c = ctx()) {
  auto res = reconcile(l, r, c);
  EXPECT_TRUE(res.ok()) << res.error().message;
  return res.value();
}

TEST(Reconciliation, identical_views_allow_trading) {
  LocalState l = empty_local();
  l.open_orders.push_back(open_order("nz-a-1", "1"_d, "0.2"_d, OrderState::partially_filled));
  l.balances.push_back({"USD", "100"_d});
  l.positions.push_back({kSpotId, "0.2"_d, "USD"});
  VenueReport r = clean_report();
  r.open_orders->push_back(open_order("nz-a-1", "1"_d, "0.2"_d));
  r.balances->push_back({"USD", "100"_d});
  r.positions->push_back({kSpotId, "0.2"_d, "USD"});
  auto res = run(l, r);
  EXPECT_TRUE(res.discrepancies.empty());
  EXPECT_EQ(res.worst, Severity::ok);
  EXPECT_TRUE(res.trading_allowed);
}

TEST(Reconciliation, missing_position_report_is_unknown_not_flat_and_blocks_trading) {
  VenueReport r = clean_report();
  r.positions.reset();
  auto res = run(empty_local(), r);
  ASSERT_EQ(res.count(Subject::position, DiscrepancyKind::report_missing), 1u);
  const Discrepancy* d = res.find(Subject::position, "position");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::critical);
  EXPECT_NE(d->detail.find("not flat"), std::string::npos);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, missing_balance_or_order_reports_block_trading) {
  VenueReport r = clean_report();
  r.balances.reset();
  EXPECT_FALSE(run(empty_local(), r).trading_allowed);
  VenueReport r2 = clean_report();
  r2.open_orders.reset();
  auto res = run(empty_local(), r2);
  EXPECT_EQ(res.count(Subject::order, DiscrepancyKind::report_missing), 1u);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, external_order_is_reported_never_adopted_and_does_not_block) {
  VenueReport r = clean_report();
  r.open_orders->push_back(open_order("manual-123", "3"_d));
  auto res = run(empty_local(), r);
  ASSERT_EQ(res.count(DiscrepancyKind::external_order), 1u);
  const Discrepancy* d = res.find(Subject::order, "manual-123");
  EXPECT_EQ(d->severity, Severity::minor);
  EXPECT_NE(d->detail.find("not adopted, not cancelled"), std::string::npos);
  EXPECT_TRUE(res.trading_allowed);
}

TEST(Reconciliation, our_order_missing_from_the_journal_is_critical) {
  VenueReport r = clean_report();
  r.open_orders->push_back(open_order("nz-a-7"));
  auto res = run(empty_local(), r);
  const Discrepancy* d = res.find(Subject::order, "nz-a-7");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, DiscrepancyKind::missing_locally);
  EXPECT_EQ(d->severity, Severity::critical);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, local_open_order_absent_at_venue_blocks_and_unknown_is_critical) {
  LocalState l = empty_local();
  l.open_orders.push_back(open_order("nz-a-1", "1"_d, "0"_d, OrderState::acknowledged));
  l.open_orders.push_back(open_order("nz-a-2", "1"_d, "0"_d, OrderState::unknown));
  auto res = run(l, clean_report());
  EXPECT_EQ(res.count(Subject::order, DiscrepancyKind::missing_at_venue), 2u);
  EXPECT_EQ(res.find(Subject::order, "nz-a-1")->severity, Severity::major);
  EXPECT_EQ(res.find(Subject::order, "nz-a-2")->severity, Severity::critical);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, order_filled_quantity_mismatch_is_graded_by_percent) {
  LocalState l = empty_local();
  l.open_orders.push_back(open_order("nz-a-1", "1"_d, "0.2"_d, OrderState::partially_filled));
  VenueReport r = clean_report();
  r.open_orders->push_back(open_order("nz-a-1", "1"_d, "0.5"_d));
  auto res = run(l, r);
  const Discrepancy* d = res.find(Subject::order, "nz-a-1");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, DiscrepancyKind::mismatch);
  EXPECT_EQ(d->relative_percent, "60"_d);
  EXPECT_EQ(d->severity, Severity::critical);
}

// One-sided items carry zero on the side that lacks them and venue − local as the difference.
TEST(Reconciliation,
     one_sided_and_conflicting_items_carry_both_quantities_their_difference_and_a_detail) {
  LocalState l = empty_local();
  l.open_orders.push_back(open_order("nz-a-1", "1"_d, "0.25"_d, OrderState::acknowledged));
  l.fills.push_back(fill("t-local", "1"_d));
  l.fills.push_back(fill("t-both", "1"_d));
  VenueReport r = clean_report();
  r.open_orders->push_back(open_order("nz-a-9", "2"_d));
  r.open_orders->push_back(open_order("manual-1", "3"_d));
  r.fills->push_back(fill("t-venue", "0.5"_d));
  r.fills->push_back(fill("t-both", "1.5"_d));
  const auto res = run(l, r);
  struct Expected {
    Subject subject;
    std::string key;
    Decimal local, venue, difference;
    std::string detail;
  };
  const std::vector<Expected> expected{
      {Subject::order, "nz-a-1", "0.75"_d, "0"_d, "-0.75"_d,
       "order nz-a-1 (acknowledged locally) is not open at the venue: query its status before "
       "trading"},
      {Subject::order, "nz-a-9", "0"_d, "2"_d, "2"_d,
       "open order nz-a-9 carries our client id but is not in the journal"},
      {Subject::order, "manual-1", "0"_d, "3"_d, "3"_d,
       "external order manual-1 (buy 3): reported, not adopted, not cancelled"},
      {Subject::fill, "t-venue", "0"_d, "0.5"_d, "0.5"_d,
       "fill t-venue (buy 0.5 at 100) was never applied locally"},
      {Subject::fill, "t-both", "1"_d, "1.5"_d, "0.5"_d,
       "fill t-both differs: local 1 at 100, venue 1.5 at 100"},
      {Subject::fill, "t-local", "1"_d, "0"_d, "-1"_d,
       "local fill t-local is unknown to the venue"},
  };
  for (const Expected& e : expected) {
    const Discrepancy* d = res.find(e.subject, e.key);
    ASSERT_NE(d, nullptr) << e.key;
    EXPECT_EQ(d->local, e.local) << e.key;
    EXPECT_EQ(d->venue, e.venue) << e.key;
    EXPECT_EQ(d->difference, e.difference) << e.key;
    EXPECT_EQ(d->detail, e.detail) << e.key;
  }
}

TEST(Reconciliation, fills_missing_locally_missing_at_venue_and_conflicting) {
  LocalState l = empty_local();
  l.fills.push_back(fill("t-local", "1"_d));
  l.fills.push_back(fill("t-both", "1"_d));
  VenueReport r = clean_report();
  r.fills->push_back(fill("t-venue", "0.5"_d));
  r.fills->push_back(fill("t-both", "1.5"_d));
  auto res = run(l, r);
  EXPECT_EQ(res.find(Subject::fill, "t-venue")->kind, DiscrepancyKind::missing_locally);
  EXPECT_EQ(res.find(Subject::fill, "t-venue")->severity, Severity::major);
  EXPECT_EQ(res.find(Subject::fill, "t-local")->kind, DiscrepancyKind::missing_at_venue);
  EXPECT_EQ(res.find(Subject::fill, "t-both")->kind, DiscrepancyKind::mismatch);
  EXPECT_EQ(res.find(Subject::fill, "t-both")->severity, Severity::critical);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, position_mismatch_carries_relative_percent_and_quote_value) {
  LocalState l = empty_local();
  l.positions.push_back({kPerpId, "1.9"_d, "USDC"});
  VenueReport r = clean_report();
  r.positions->push_back({kPerpId, "2"_d, "USDC"});
  MarkPrices marks;
  ASSERT_TRUE(marks.set(kPerpId, "50000"_d).ok());
  ReconciliationContext c = ctx();
  c.marks = &marks;
  auto res = run(l, r, c);
  ASSERT_EQ(res.discrepancies.size(), 1u);
  const Discrepancy& d = res.discrepancies[0];
  EXPECT_EQ(d.kind, DiscrepancyKind::mismatch);
  EXPECT_EQ(d.difference, "0.1"_d);
  EXPECT_EQ(d.relative_percent, "5"_d);
  EXPECT_EQ(d.quote_value, "5000"_d);
  EXPECT_EQ(d.quote_currency, "USDC");
  EXPECT_EQ(d.severity, Severity::critical);  // 5000 >= 100 in quote terms
}

TEST(Reconciliation, position_missing_at_venue_or_locally_blocks) {
  LocalState l = empty_local();
  l.positions.push_back({kPerpId, "-1"_d, "USDC"});
  VenueReport r = clean_report();
  r.positions->push_back({kSpotId, "0.3"_d, "USD"});
  auto res = run(l, r);
  EXPECT_EQ(res.count(Subject::position, DiscrepancyKind::missing_at_venue), 1u);
  EXPECT_EQ(res.count(Subject::position, DiscrepancyKind::missing_locally), 1u);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, dust_within_tolerance_is_precision_only_and_does_not_block) {
  LocalState l = empty_local();
  l.balances.push_back({"BTC", "1.00000000"_d});
  VenueReport r = clean_report();
  r.balances->push_back({"BTC", "1.00005"_d});
  auto res = run(l, r);
  ASSERT_EQ(res.count(DiscrepancyKind::precision_only), 1u);
  EXPECT_EQ(res.worst, Severity::info);
  EXPECT_TRUE(res.trading_allowed);
}

TEST(Reconciliation, currency_only_at_the_venue_is_found_unlike_the_reference) {
  VenueReport r = clean_report();
  r.balances->push_back({"USDT", "250"_d});
  auto res = run(empty_local(), r);
  const Discrepancy* d = res.find(Subject::balance, "USDT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, DiscrepancyKind::missing_locally);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, balance_mismatch_graded_by_quote_value_when_priced_else_by_percent) {
  LocalState l = empty_local();
  l.balances.push_back({"USDT", "1000"_d});
  VenueReport r = clean_report();
  r.balances->push_back({"USDT", "1005"_d});  // 0.4975 % off
  auto by_pct = run(l, r);
  EXPECT_EQ(by_pct.find(Subject::balance, "USDT")->severity, Severity::minor);
  EXPECT_TRUE(by_pct.trading_allowed);
  ConversionPrices prices;
  ASSERT_TRUE(prices.set("USDT", "USD", "1"_d).ok());
  ReconciliationContext c = ctx();
  c.prices = &prices;
  auto by_value = run(l, r, c);
  const Discrepancy* d = by_value.find(Subject::balance, "USDT");
  EXPECT_EQ(d->quote_value, "5"_d);
  EXPECT_EQ(d->quote_currency, "USD");
  EXPECT_EQ(d->severity, Severity::minor);  // 5 < 10
  r.balances->at(0).total = "1050"_d;
  EXPECT_EQ(run(l, r, c).find(Subject::balance, "USDT")->severity, Severity::major);  // 50
}

TEST(Reconciliation, reports_for_another_venue_are_an_error) {
  VenueReport r = clean_report();
  r.venue = Venue::kraken;
  auto res = reconcile(empty_local(), r, ctx());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::invalid_argument);
}

TEST(Reconciliation, captures_local_state_from_orders_and_portfolio) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kV, "USD", "1000"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "0.5"_d)).ok());
  std::vector<Order> orders;
  orders.push_back(acked_order());
  orders.push_back(new_order());  // not sent: not expected at the venue
  LocalState l = capture_local_state(kV, orders, p, Timestamp{});
  ASSERT_EQ(l.open_orders.size(), 1u);
  EXPECT_EQ(l.open_orders[0].local_state, OrderState::acknowledged);
  EXPECT_EQ(l.fills.size(), 1u);
  ASSERT_EQ(l.positions.size(), 1u);
  EXPECT_EQ(l.positions[0].quantity, "0.5"_d);
  EXPECT_EQ(l.balances.size(), 2u);  // BTC and USD
}

TEST(Reconciliation, without_an_id_decoder_every_unknown_venue_order_counts_as_ours) {
  VenueReport r = clean_report();
  r.open_orders->push_back(open_order("manual-1"));
  ReconciliationContext c;  // no is_ours: the safe reading is "ours, missing from the journal"
  auto res = run(empty_local(), r, c);
  EXPECT_EQ(res.find(Subject::order, "manual-1")->kind, DiscrepancyKind::missing_locally);
  EXPECT_FALSE(res.trading_allowed);
}

TEST(Reconciliation, worst_severity_is_the_maximum_over_discrepancies) {
  LocalState l = empty_local();
  l.balances.push_back({"BTC", "1"_d});
  VenueReport r = clean_report();
  r.balances->push_back({"BTC", "1.00001"_d});           // precision only
  r.open_orders->push_back(open_order("someone-else"));  // external, minor
  auto res = run(l, r);
  EXPECT_EQ(res.discrepancies.size(), 2u);
  EXPECT_EQ(res.worst, Severity::minor);
  EXPECT_TRUE(res.trading_allowed);
  EXPECT_EQ(to_string(res.worst), "minor");
}

}  // namespace
}  // namespace nzeza::domain::test
