// rapidcheck properties: the order state machine under random event orders, and cash
// conservation of portfolios over random fill sequences.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "domain/portfolio.hpp"
#include "support.hpp"

namespace nzeza::domain::test {
namespace {

struct RandomEvent {
  int kind;      // 0..11, as in the transition table
  int quantity;  // hundredths: fills 1..60 (0.01..0.6), reports 0..120 (may overfill)
  int trade;     // 0..7: a small pool so trade ids repeat
};

OrderEvent make_event(const RandomEvent& e) {
  const Decimal q = Decimal::from_raw8(static_cast<std::int64_t>(e.quantity) * 1'000'000);
  switch (e.kind) {
    case 0:
      return order_event::Submit{kT};
    case 1:
      return order_event::Acknowledge{"v-1", kT};
    case 2:
      return fill("t" + std::to_string(e.trade), q.is_zero() ? "0.01"_d : q);
    case 3:
      return order_event::RequestCancel{kT};
    case 4:
      return order_event::CancelRejected{"no", kT};
    case 5:
      return order_event::Cancelled{kT};
    case 6:
      return order_event::Rejected{"no", kT};
    case 7:
      return order_event::Expired{kT};
    case 8:
      return order_event::TimedOut{kT};
    default: {
      static constexpr VenueOrderStatus kStatus[] = {
          VenueOrderStatus::open, VenueOrderStatus::partially_filled, VenueOrderStatus::filled};
      return report(kStatus[e.kind - 9], q);
    }
  }
}

RC_GTEST_PROP(OrderStateMachineProperty, never_overfills_never_revives_and_refusals_change_nothing,
              ()) {
  const auto events = *rc::gen::container<std::vector<RandomEvent>>(
      rc::gen::build<RandomEvent>(rc::gen::set(&RandomEvent::kind, rc::gen::inRange(0, 12)),
                                  rc::gen::set(&RandomEvent::quantity, rc::gen::inRange(0, 121)),
                                  rc::gen::set(&RandomEvent::trade, rc::gen::inRange(0, 8))));
  Order o = new_order("1"_d);
  for (const RandomEvent& e : events) {
    const OrderState before = o.state();
    const Decimal filled_before = o.filled_quantity();
    auto r = o.apply(make_event(e));
    RC_ASSERT(o.filled_quantity() <= o.spec().quantity);
    RC_ASSERT(o.fills_quantity() <= o.spec().quantity);
    RC_ASSERT(o.filled_quantity() >= filled_before);  // filled never goes down
    if (is_terminal(before)) RC_ASSERT(is_terminal(o.state()));
    if (!r.ok()) {
      RC_ASSERT(o.state() == before);
      RC_ASSERT(o.filled_quantity() == filled_before);
    } else {
      RC_ASSERT(r->to == o.state());
    }
    if (o.filled_quantity() == o.spec().quantity && before != OrderState::created) {
      RC_ASSERT(o.state() == OrderState::filled || !r.ok() || before == OrderState::filled);
    }
  }
}

struct RandomTrade {
  bool a_buys;
  int quantity;  // hundredths of BTC: 1..500
  int price;     // cents: 1..10'000'000
  int fee_a;     // cents: 0..500
  int fee_b;
};

rc::Gen<RandomTrade> trade_gen() {
  return rc::gen::build<RandomTrade>(
      rc::gen::set(&RandomTrade::a_buys, rc::gen::arbitrary<bool>()),
      rc::gen::set(&RandomTrade::quantity, rc::gen::inRange(1, 501)),
      rc::gen::set(&RandomTrade::price, rc::gen::inRange(1, 10'000'001)),
      rc::gen::set(&RandomTrade::fee_a, rc::gen::inRange(0, 501)),
      rc::gen::set(&RandomTrade::fee_b, rc::gen::inRange(0, 501)));
}

Decimal cents(int c) {
  return Decimal::from_raw8(static_cast<std::int64_t>(c) * 1'000'000);
}

Decimal total(const Portfolio& p, Venue v, const std::string& ccy) {
  const Balance* b = p.balance(v, ccy);
  return b ? b->total() : Decimal::zero();
}

// Two accounts trade with each other; the venue keeps the fees. Whatever the sequence, every
// currency's sum over both accounts plus the fees collected stays what was deposited, and each
// account's balances equal its deposits plus the sum of its reported cash flows.
RC_GTEST_PROP(PortfolioConservationProperty, spot_cash_and_base_are_conserved_between_two_accounts,
              ()) {
  const auto trades = *rc::gen::container<std::vector<RandomTrade>>(trade_gen());
  const Instrument inst = spot_btc_usd();
  Portfolio a, b;
  for (Portfolio* p : {&a, &b}) {
    RC_ASSERT(p->deposit(inst.venue, "USD", "1000000"_d).ok());
    RC_ASSERT(p->deposit(inst.venue, "BTC", "20"_d).ok());
    Position seed = Position::for_instrument(inst).value();
    RC_ASSERT(seed.restore("20"_d, "600000"_d).ok());
    RC_ASSERT(p->adopt_position(seed).ok());
  }
  Decimal fees;
  Decimal flows_usd_a;
  int n = 0;
  for (const RandomTrade& t : trades) {
    const std::string id = "x" + std::to_string(n++);
    const Decimal qty = cents(t.quantity);
    const Decimal px = cents(t.price);
    Fill fa = fill(id, qty, px, t.a_buys ? Side::buy : Side::sell, cents(t.fee_a), "USD");
    Fill fb = fill(id, qty, px, t.a_buys ? Side::sell : Side::buy, cents(t.fee_b), "USD");
    Portfolio na = a, nb = b;
    auto ra = na.apply_fill(inst, fa);
    auto rb = nb.apply_fill(inst, fb);
    if (!ra.ok() || !rb.ok()) continue;  // refused on one side: the trade did not happen
    a = std::move(na);
    b = std::move(nb);
    fees += cents(t.fee_a) + cents(t.fee_b);
    for (const CashFlow& f : ra->flows) {
      if (f.currency == "USD") flows_usd_a += f.amount;
    }
  }
  RC_ASSERT(total(a, inst.venue, "USD") + total(b, inst.venue, "USD") + fees == "2000000"_d);
  RC_ASSERT(total(a, inst.venue, "BTC") + total(b, inst.venue, "BTC") == "40"_d);
  RC_ASSERT(total(a, inst.venue, "USD") == "1000000"_d + flows_usd_a);
  RC_ASSERT(a.position(inst.venue, inst.id)->quantity() == total(a, inst.venue, "BTC"));
  RC_ASSERT(!total(a, inst.venue, "USD").is_negative());
}

RC_GTEST_PROP(PortfolioConservationProperty,
              perpetual_pnl_is_zero_sum_and_settlement_cash_conserved, ()) {
  const auto trades = *rc::gen::container<std::vector<RandomTrade>>(trade_gen());
  const Instrument inst = perp_btc_usdc();
  Portfolio a, b;
  RC_ASSERT(a.deposit(inst.venue, "USDC", "50000000"_d).ok());
  RC_ASSERT(b.deposit(inst.venue, "USDC", "50000000"_d).ok());
  Decimal fees;
  int n = 0;
  for (const RandomTrade& t : trades) {
    const std::string id = "p" + std::to_string(n++);
    const Decimal qty = cents(t.quantity);
    const Decimal px = cents(t.price);
    Fill fa = fill(id, qty, px, t.a_buys ? Side::buy : Side::sell, cents(t.fee_a), "USDC", kPerpId,
                   inst.venue);
    Fill fb = fill(id, qty, px, t.a_buys ? Side::sell : Side::buy, cents(t.fee_b), "USDC", kPerpId,
                   inst.venue);
    Portfolio na = a, nb = b;
    auto ra = na.apply_fill(inst, fa);
    auto rb = nb.apply_fill(inst, fb);
    if (!ra.ok() || !rb.ok()) continue;
    a = std::move(na);
    b = std::move(nb);
    fees += cents(t.fee_a) + cents(t.fee_b);
  }
  RC_ASSERT(total(a, inst.venue, "USDC") + total(b, inst.venue, "USDC") + fees == "100000000"_d);
  const Position* pa = a.position(inst.venue, inst.id);
  const Position* pb = b.position(inst.venue, inst.id);
  if (pa && pb) {
    RC_ASSERT(pa->quantity() == -pb->quantity());
    RC_ASSERT(pa->realized_trading_pnl() + pb->realized_trading_pnl() == Decimal::zero());
  }
}

}  // namespace
}  // namespace nzeza::domain::test
