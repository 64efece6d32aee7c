// Nothing dropped: the account holds orders and trades on SOLUSDT, a symbol client_ has not
// loaded (placed through other_, a client that has). Every listing of client_ shows them with an
// invalid instrument and the venue's own symbol, and every item carries venue_symbol.
#include <algorithm>

#include "binance_fixture.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::binance::test {
namespace {

using domain::VenueOrderStatus;

class BinanceUnloadedSymbol : public BinanceClientFixture {
 protected:
  void SetUp() override {
    BinanceClientFixture::SetUp();
    add_symbol_client_does_not_load();
  }
  Result<PlaceAck> place_other(const domain::OrderSpec& s) { return place(s, other_.get()); }
};

template <typename T>
const T* by_client_id(const std::vector<T>& items, const std::string& id) {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const T& x) { return x.client_order_id == id; });
  return it == items.end() ? nullptr : &*it;
}

TEST_F(BinanceUnloadedSymbol, open_orders_without_symbol_lists_orders_on_symbols_not_loaded) {
  ASSERT_TRUE(place(limit("nz-ul-btc", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(place_other(sol_limit("nz-ul-sol", Side::buy, "1", "90")).ok());

  auto all =
      await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(std::nullopt, cb); });
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  ASSERT_EQ(all->size(), 2u);
  const VenueOrder* sol = by_client_id(*all, "nz-ul-sol");
  ASSERT_NE(sol, nullptr);
  EXPECT_FALSE(sol->instrument.valid());
  EXPECT_EQ(sol->venue_symbol, "SOLUSDT");
  EXPECT_EQ(sol->quantity, dec("1"));
  EXPECT_EQ(*sol->price, dec("90"));
  EXPECT_EQ(sol->report.status, VenueOrderStatus::open);
  const VenueOrder* btc = by_client_id(*all, "nz-ul-btc");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->instrument, btc_);
  EXPECT_EQ(btc->venue_symbol, "BTCUSDT");
}

TEST_F(BinanceUnloadedSymbol, fills_without_symbol_list_trades_on_symbols_not_loaded) {
  const Timestamp t0 = clock_.now();
  auto taker = place(market("nz-ul-mkt", Side::buy, "0.01"));
  ASSERT_TRUE(taker.ok()) << taker.error().to_string();
  ASSERT_EQ(taker->fills.size(), 1u);
  EXPECT_EQ(taker->fills[0].venue_symbol, "BTCUSDT");
  clock_.advance(1s);
  // A SOL sell that rests, then trades 0.5 (maker): the order stays open on the account.
  ASSERT_TRUE(place_other(sol_limit("nz-ul-sell", Side::sell, "2", "110")).ok());
  clock_.advance(1s);
  ASSERT_TRUE(sim_->fill("nz-ul-sell", dec("0.5")));

  auto fills = await<std::vector<domain::Fill>>(
      [&](auto cb) { client_->fills_since(t0, std::nullopt, cb); });
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 2u);
  // Oldest first: the BTC taker fill, then the SOL maker fill.
  EXPECT_EQ((*fills)[0].instrument, btc_);
  EXPECT_EQ((*fills)[0].venue_symbol, "BTCUSDT");
  EXPECT_FALSE((*fills)[1].instrument.valid());
  EXPECT_EQ((*fills)[1].venue_symbol, "SOLUSDT");
  EXPECT_EQ((*fills)[1].side, Side::sell);
  EXPECT_EQ((*fills)[1].quantity, dec("0.5"));
  EXPECT_EQ((*fills)[1].price, dec("110"));
  EXPECT_EQ((*fills)[1].liquidity, domain::Liquidity::maker);
}

TEST_F(BinanceUnloadedSymbol, order_status_answer_carries_the_venue_symbol) {
  ASSERT_TRUE(place(limit("nz-ul-st", Side::buy, "0.01", "49000")).ok());
  auto st = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-ul-st", btc_}, cb);
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->venue_symbol, "BTCUSDT");
  EXPECT_EQ(st->instrument, btc_);
}

TEST_F(BinanceUnloadedSymbol,
       status_and_cancel_of_an_order_on_a_symbol_not_loaded_are_refused_before_sending) {
  ASSERT_TRUE(place_other(sol_limit("nz-ul-nl", Side::buy, "1", "90")).ok());
  // As open_orders lists it: an invalid instrument (no symbol, no filters known to client_).
  const OrderRef ref{"", "nz-ul-nl", InstrumentId{}};
  const std::size_t requests = sim_->request_count();
  auto st = await<VenueOrder>([&](auto cb) { client_->order_status(ref, cb); });
  ASSERT_FALSE(st.ok());
  auto c = await<CancelAck>([&](auto cb) { client_->cancel(ref, cb); });
  ASSERT_FALSE(c.ok());
  for (const Error& e : {st.error(), c.error()}) {
    EXPECT_EQ(e.code, ErrorCode::invalid_argument) << e.to_string();
    EXPECT_EQ(e.delivery, Delivery::not_sent) << e.to_string();
    EXPECT_EQ(classify(e), FailureClass::refused_before_sending) << e.to_string();
    EXPECT_NE(e.message.find("nz-ul-nl"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("not loaded"), std::string::npos) << e.message;
  }
  EXPECT_EQ(sim_->request_count(), requests);  // nothing reached the venue
  EXPECT_EQ(sim_->order("nz-ul-nl")->status, "NEW");
}

TEST_F(BinanceUnloadedSymbol, cancel_all_without_symbol_cancels_orders_on_symbols_not_loaded) {
  ASSERT_TRUE(place(limit("nz-ul-c1", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(place_other(sol_limit("nz-ul-c2", Side::buy, "1", "90")).ok());
  auto all = await<CancelAllAck>([&](auto cb) { client_->cancel_all(std::nullopt, cb); });
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  EXPECT_EQ(all->cancelled.size(), 2u);
  EXPECT_EQ(sim_->order("nz-ul-c1")->status, "CANCELED");
  EXPECT_EQ(sim_->order("nz-ul-c2")->status, "CANCELED");
}

}  // namespace
}  // namespace nzeza::venues::binance::test
