// Nothing dropped: the account holds orders, fills and positions on coins the client did not load
// (a spot pair "@107", a perpetual "SOL" the meta it loaded did not list). open_orders without a
// symbol, fills_since, order_status and positions list every one of them, with an invalid
// instrument and the venue's own coin in venue_symbol; venue_symbol is set on every item. Fills
// beyond one capped userFillsByTime answer are paged in.

#include <set>

#include "client_fixture.hpp"
#include "domain/fill_ledger.hpp"

namespace nzeza::venues::hyperliquid::testing {
namespace {

using domain::VenueOrderStatus;

constexpr std::string_view kSpotCloid = "0x0000000000000000000000000000f107";
constexpr std::string_view kSolCloid = "0x00000000000000000000000000000501";

class HyperliquidNothingDropped : public HyperliquidClientFixture {
 protected:
  // Orders on coins the registry does not hold, placed outside this client.
  void inject_foreign_orders() {
    sim::hyperliquid::SimOrder spot;
    spot.coin = "@107";
    spot.is_buy = true;
    spot.limit_px = Decimal::parse("25.5").value();
    spot.orig_sz = spot.sz = Decimal::parse("3").value();
    spot.cloid = std::string(kSpotCloid);
    spot.tif = "Gtc";
    spot_oid_ = sim_->inject_order(client_->user_address(), spot);
    sim::hyperliquid::SimOrder sol;
    sol.coin = "SOL";
    sol.is_buy = false;
    sol.limit_px = Decimal::parse("180").value();
    sol.orig_sz = Decimal::parse("2").value();
    sol.sz = Decimal::parse("1.5").value();
    sol.cloid = std::string(kSolCloid);
    sol.tif = "Alo";
    sol_oid_ = sim_->inject_order(client_->user_address(), sol);
  }
  static const VenueOrder* by_symbol(const std::vector<VenueOrder>& list, std::string_view s) {
    for (const auto& o : list) {
      if (o.venue_symbol == s) return &o;
    }
    return nullptr;
  }

  std::uint64_t spot_oid_ = 0;
  std::uint64_t sol_oid_ = 0;
};

TEST_F(HyperliquidNothingDropped, open_orders_without_a_symbol_lists_coins_not_loaded) {
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec).ok());
  inject_foreign_orders();
  Waiter<std::vector<VenueOrder>> all;
  client_->open_orders(std::nullopt, all.callback());
  const auto r = all.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  const auto* btc = by_symbol(*r, "BTC");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->instrument, btc_);
  EXPECT_EQ(btc->client_order_id, spec.client_order_id.text);
  const auto* spot = by_symbol(*r, "@107");
  ASSERT_NE(spot, nullptr);
  EXPECT_FALSE(spot->instrument.valid());
  EXPECT_EQ(spot->client_order_id, kSpotCloid);
  EXPECT_EQ(spot->report.venue_order_id, std::to_string(spot_oid_));
  EXPECT_EQ(spot->price, Decimal::parse("25.5").value());
  EXPECT_EQ(spot->quantity, Decimal::parse("3").value());
  const auto* sol = by_symbol(*r, "SOL");
  ASSERT_NE(sol, nullptr);
  EXPECT_FALSE(sol->instrument.valid());
  EXPECT_EQ(sol->side, Side::sell);
  EXPECT_EQ(sol->time_in_force, domain::TimeInForce::post_only);
  EXPECT_EQ(sol->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(sol->report.cumulative_filled, Decimal::parse("0.5").value());
  // With a symbol, only that instrument's orders.
  Waiter<std::vector<VenueOrder>> only_btc;
  client_->open_orders(btc_, only_btc.callback());
  const auto b = only_btc.get();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 1U);
  EXPECT_EQ((*b)[0].venue_symbol, "BTC");
}

TEST_F(HyperliquidNothingDropped, order_status_of_an_order_on_a_coin_not_loaded_is_found) {
  inject_foreign_orders();
  Waiter<VenueOrder> w;
  client_->order_status(OrderRef{"", std::string(kSpotCloid), InstrumentId{}}, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_FALSE(r->instrument.valid());
  EXPECT_EQ(r->venue_symbol, "@107");
  EXPECT_EQ(r->client_order_id, kSpotCloid);
  EXPECT_EQ(r->report.status, VenueOrderStatus::open);
  EXPECT_EQ(r->report.venue_order_id, std::to_string(spot_oid_));
}

TEST_F(HyperliquidNothingDropped, fills_since_lists_fills_on_coins_not_loaded) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "61000", domain::TimeInForce::ioc)).ok());
  sim::hyperliquid::SimFill f;
  f.coin = "@107";
  f.px = Decimal::parse("25.4").value();
  f.sz = Decimal::parse("1").value();
  f.is_buy = false;
  f.oid = 77;
  f.fee = Decimal::parse("0.01").value();
  f.crossed = false;
  sim_->inject_fill(client_->user_address(), f);
  Waiter<std::vector<domain::Fill>> w;
  client_->fills_since(clock_.now() - 10s, std::nullopt, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].instrument, btc_);
  EXPECT_EQ((*r)[0].venue_symbol, "BTC");
  EXPECT_FALSE((*r)[1].instrument.valid());
  EXPECT_EQ((*r)[1].venue_symbol, "@107");
  EXPECT_EQ((*r)[1].price, Decimal::parse("25.4").value());
  EXPECT_EQ((*r)[1].side, Side::sell);
  EXPECT_EQ((*r)[1].liquidity, domain::Liquidity::maker);
  EXPECT_FALSE((*r)[1].trade_id.empty());
  // With an instrument, only its fills.
  Waiter<std::vector<domain::Fill>> only_btc;
  client_->fills_since(clock_.now() - 10s, btc_, only_btc.callback());
  ASSERT_EQ(only_btc.get()->size(), 1U);
}

TEST_F(HyperliquidNothingDropped,
       fills_with_one_trade_id_on_two_coins_are_both_kept_and_a_replayed_fill_once) {
  // The venue does not promise a tid unique across coins: a fill is (coin, tid). The same trade
  // answered twice (a replay) is one fill.
  const Timestamp t0 = clock_.now() - 10s;
  auto inject = [&](const std::string& coin, std::string_view px, int ms) {
    sim::hyperliquid::SimFill f;
    f.coin = coin;
    f.px = Decimal::parse(px).value();
    f.sz = Decimal::parse("0.5").value();
    f.oid = 31;
    f.tid = 4242;
    f.time = (t0 + std::chrono::milliseconds(ms)).ms();
    sim_->inject_fill(client_->user_address(), f);
  };
  inject("BTC", "60000", 1);
  inject("ETH", "3000", 2);
  inject("BTC", "60000", 1);  // the BTC trade again
  Waiter<std::vector<domain::Fill>> w;
  client_->fills_since(t0, std::nullopt, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].venue_symbol, "BTC");
  EXPECT_EQ((*r)[0].instrument, btc_);
  EXPECT_EQ((*r)[1].venue_symbol, "ETH");
  EXPECT_EQ((*r)[1].instrument, eth_);
  EXPECT_EQ((*r)[0].trade_id, "4242");
  EXPECT_EQ((*r)[1].trade_id, "4242");
  // Counted twice by the ledger the portfolio keeps; asked again, each is a duplicate.
  domain::FillLedger ledger;
  for (const auto& f : *r) EXPECT_EQ(ledger.record(f).value(), domain::FillOutcome::applied);
  for (const auto& f : *r) EXPECT_EQ(ledger.record(f).value(), domain::FillOutcome::duplicate);
  EXPECT_EQ(ledger.size(), 2U);
}

TEST_F(HyperliquidNothingDropped, fills_beyond_one_capped_answer_are_paged_not_dropped) {
  // The venue caps an answer at 500 fills here; 1250 fills, one per ms, on a coin not loaded.
  sim_->set_fills_page(500);
  const Timestamp t0 = clock_.now() - 10s;
  for (int i = 0; i < 1250; ++i) {
    sim::hyperliquid::SimFill f;
    f.coin = "@107";
    f.px = Decimal::parse("25").value();
    f.sz = Decimal::parse("1").value();
    f.oid = 900;
    f.time = (t0 + std::chrono::milliseconds(i)).ms();
    sim_->inject_fill(client_->user_address(), f);
  }
  auto fill_queries = [&] {
    std::size_t n = 0;
    for (const auto& r : sim_->server().requests()) {
      n += r.body.find("\"userFillsByTime\"") != std::string::npos;
    }
    return n;
  };
  Waiter<std::vector<domain::Fill>> w;
  client_->fills_since(t0, std::nullopt, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1250U);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < r->size(); ++i) {
    ids.insert((*r)[i].trade_id);
    if (i > 0) {
      EXPECT_LE((*r)[i - 1].time, (*r)[i].time);
    }
  }
  EXPECT_EQ(ids.size(), 1250U);  // each once, although pages overlap on their boundary ms
  EXPECT_EQ((*r)[0].time, t0);
  EXPECT_EQ((*r)[1249].time, t0 + std::chrono::milliseconds(1249));
  // Pages from t0, t0+499 ms, t0+998 ms (252 fills: under the cap, the last).
  EXPECT_EQ(fill_queries(), 3U);
}

TEST_F(HyperliquidNothingDropped, positions_list_coins_not_loaded) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.01", "61000", domain::TimeInForce::ioc)).ok());
  sim_->inject_position(client_->user_address(), "SOL", Decimal::parse("-4").value(),
                        Decimal::parse("175").value());
  Waiter<std::vector<VenuePosition>> w;
  client_->positions(w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  const VenuePosition* btc = nullptr;
  const VenuePosition* sol = nullptr;
  for (const auto& p : *r) {
    if (p.venue_symbol == "BTC") btc = &p;
    if (p.venue_symbol == "SOL") sol = &p;
  }
  ASSERT_NE(btc, nullptr);
  ASSERT_NE(sol, nullptr);
  EXPECT_EQ(btc->instrument, btc_);
  EXPECT_FALSE(sol->instrument.valid());
  EXPECT_EQ(sol->quantity, Decimal::parse("-4").value());
  EXPECT_EQ(sol->entry_price, Decimal::parse("175").value());
}

TEST_F(HyperliquidNothingDropped, cancel_all_cancels_loaded_coins_and_leaves_the_others_listed) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  inject_foreign_orders();
  Waiter<CancelAllAck> w;
  client_->cancel_all(std::nullopt, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->cancelled.size(), 1U);  // no asset index for "@107" or an unloaded "SOL"
  Waiter<std::vector<VenueOrder>> open;
  client_->open_orders(std::nullopt, open.callback());
  const auto left = open.get();
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2U);
  for (const auto& o : *left) EXPECT_FALSE(o.instrument.valid()) << o.venue_symbol;
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid::testing
