// Nothing dropped: the account trades SOL-USD, a market the client under test has not loaded
// (its registry holds BTC-USD and ETH-USD only). open_orders(nullopt), fills_since, order_status
// and positions list the SOL-USD items with an invalid instrument and venue_symbol "SOL-USD";
// every item has its venue_symbol. The v4_subaccounts stream delivers them too (the channel
// names the market by clob pair only: "clobPairId:2"), and drops nothing.

#include <mutex>

#include "client_fixture.hpp"
#include "support/wait.hpp"
#include "venues/dydx/subaccount_stream.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

using domain::TimeInForce;
using domain::VenueOrderStatus;

class DydxUnmappedMarket : public DydxClientFixture {
 protected:
  void SetUp() override {
    DydxClientFixture::SetUp();
    sim::dydx::SimMarket sol;
    sol.ticker = "SOL-USD";
    sol.clob_pair_id = 2;
    sol.atomic_resolution = -9;
    sol.tick_size = "0.1";
    sol.step_size = "0.001";
    sol.oracle_price = Decimal::parse("150").value();
    sim_->add_market(sol);
    // Another process of the same account that does trade SOL-USD.
    placer_ = make_with(full_);
    Waiter<std::vector<Instrument>> w;
    placer_->load_instruments(w.callback());
    auto list = w.get();
    ASSERT_TRUE(list.ok()) << list.error().to_string();
    for (auto& in : *list) ASSERT_TRUE(full_.add(in).ok());
    sol_full_ = full_.find(Venue::dydx, "SOL-USD")->id;
    btc_full_ = full_.find(Venue::dydx, "BTC-USD")->id;
    ASSERT_EQ(registry_.find(Venue::dydx, "SOL-USD"), nullptr) << "the client under test lacks it";
  }
  void TearDown() override {
    streamed_.reset();
    placer_.reset();
    DydxClientFixture::TearDown();
  }

  // Places through the SOL-aware process.
  domain::OrderSpec place_elsewhere(InstrumentId inst, std::string_view qty, std::string_view px,
                                    TimeInForce tif = TimeInForce::gtc) {
    auto spec = limit(inst, Side::buy, qty, px, tif);
    const auto ack = place(spec, placer_.get());
    EXPECT_TRUE(ack.ok()) << ack.error().to_string();
    return spec;
  }

  InstrumentRegistry full_;
  std::unique_ptr<DydxClient> placer_;
  std::unique_ptr<DydxClient> streamed_;
  InstrumentId sol_full_;
  InstrumentId btc_full_;
};

TEST_F(DydxUnmappedMarket, open_orders_status_fills_and_positions_list_the_unloaded_market) {
  const auto sol_rest = place_elsewhere(sol_full_, "1.5", "140");
  const auto sol_fill = place_elsewhere(sol_full_, "2", "151", TimeInForce::ioc);
  const auto btc_rest = place(limit(btc_, Side::buy, "0.001", "59000"));
  ASSERT_TRUE(btc_rest.ok()) << btc_rest.error().to_string();
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "60100", TimeInForce::ioc)).ok());

  Waiter<std::vector<VenueOrder>> ow;
  client_->open_orders(std::nullopt, ow.callback());
  const auto open = ow.get();
  ASSERT_TRUE(open.ok()) << open.error().to_string();
  ASSERT_EQ(open->size(), 2U) << "the SOL-USD order is not dropped";
  for (const auto& o : *open) {
    if (o.client_order_id == sol_rest.client_order_id.text) {
      EXPECT_FALSE(o.instrument.valid());
      EXPECT_EQ(o.venue_symbol, "SOL-USD");
      EXPECT_EQ(o.quantity, Decimal::parse("1.5").value());
      EXPECT_EQ(o.price, Decimal::parse("140").value());
    } else {
      EXPECT_EQ(o.instrument, btc_);
      EXPECT_EQ(o.venue_symbol, "BTC-USD");
    }
  }

  const auto st = status(sol_fill.client_order_id.text, InstrumentId{});
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->report.status, VenueOrderStatus::filled);
  EXPECT_FALSE(st->instrument.valid());
  EXPECT_EQ(st->venue_symbol, "SOL-USD");

  Waiter<std::vector<domain::Fill>> fw;
  client_->fills_since(Timestamp::from_seconds(0), std::nullopt, fw.callback());
  const auto fills = fw.get();
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 2U) << "the SOL-USD fill is not dropped";
  bool saw_sol = false;
  for (const auto& f : *fills) {
    EXPECT_FALSE(f.venue_symbol.empty());
    if (f.venue_symbol == "SOL-USD") {
      saw_sol = true;
      EXPECT_FALSE(f.instrument.valid());
      EXPECT_EQ(f.client_order_id, sol_fill.client_order_id.text);
      EXPECT_EQ(f.quantity, Decimal::parse("2").value());
      EXPECT_EQ(f.price, Decimal::parse("150").value());
    } else {
      EXPECT_EQ(f.instrument, btc_);
      EXPECT_EQ(f.venue_symbol, "BTC-USD");
    }
  }
  EXPECT_TRUE(saw_sol);

  Waiter<std::vector<VenuePosition>> pw;
  client_->positions(pw.callback());
  const auto positions = pw.get();
  ASSERT_TRUE(positions.ok()) << positions.error().to_string();
  ASSERT_EQ(positions->size(), 2U) << "the SOL-USD position is not dropped";
  for (const auto& p : *positions) {
    if (p.venue_symbol == "SOL-USD") {
      EXPECT_FALSE(p.instrument.valid());
      EXPECT_EQ(p.quantity, Decimal::parse("2").value());
    } else {
      EXPECT_EQ(p.venue_symbol, "BTC-USD");
      EXPECT_EQ(p.instrument, btc_);
      EXPECT_EQ(p.quantity, Decimal::parse("0.001").value());
    }
  }
}

TEST_F(DydxUnmappedMarket, private_stream_delivers_orders_and_fills_of_the_unloaded_market) {
  DydxClientConfig cfg;
  cfg.ws_url = sim_->ws_url();
  streamed_ = make(cfg);
  std::mutex mu;
  std::vector<VenueOrder> orders;
  std::vector<domain::Fill> fills;
  PrivateStreamHandlers h;
  h.on_order = [&](const VenueOrder& o) {
    std::lock_guard lock(mu);
    orders.push_back(o);
  };
  h.on_fill = [&](const domain::Fill& f) {
    std::lock_guard lock(mu);
    fills.push_back(f);
  };
  streamed_->private_stream()->start(h);
  ASSERT_TRUE(testsupport::wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  const auto spec = place_elsewhere(sol_full_, "2", "151", TimeInForce::ioc);
  ASSERT_TRUE(testsupport::wait_until([&] {
    std::lock_guard lock(mu);
    return !orders.empty() && !fills.empty();
  }));
  std::lock_guard lock(mu);
  ASSERT_EQ(orders.size(), 1U);
  EXPECT_EQ(orders[0].client_order_id, spec.client_order_id.text);
  EXPECT_FALSE(orders[0].instrument.valid());
  EXPECT_EQ(orders[0].venue_symbol, "clobPairId:2");
  EXPECT_EQ(orders[0].report.status, VenueOrderStatus::filled);
  ASSERT_EQ(fills.size(), 1U);
  EXPECT_FALSE(fills[0].instrument.valid());
  EXPECT_EQ(fills[0].venue_symbol, "SOL-USD");
  EXPECT_EQ(fills[0].client_order_id, spec.client_order_id.text);
  const auto* s = dynamic_cast<SubaccountStream*>(streamed_->private_stream());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->dropped(), 0U);
}

// A malformed order in a channel message is not delivered, and it is counted, not silent.
TEST(DydxSubaccountStreamParse, malformed_order_is_counted_as_dropped) {
  ManualClock clock;
  InstrumentRegistry registry;
  net::NetContext net;
  SubaccountStream stream(net, clock, registry, "dydx1x", 0, "ws://127.0.0.1:9/v4/ws");
  std::vector<VenueOrder> seen;
  PrivateStreamHandlers h;
  h.on_order = [&](const VenueOrder& o) { seen.push_back(o); };
  stream.set_handlers(h);
  stream.handle_message(
      R"({"type":"channel_data","channel":"v4_subaccounts","id":"dydx1x/0","contents":{"orders":[)"
      R"({"id":"a","clientId":"1","clobPairId":"7","side":"BUY","size":"oops","price":"1","status":"OPEN"},)"
      R"({"id":"b","clientId":"2","clobPairId":"7","side":"BUY","size":"1","price":"1","status":"OPEN"}]}})");
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].client_order_id, "2");
  EXPECT_EQ(seen[0].venue_symbol, "clobPairId:7");
  EXPECT_FALSE(seen[0].instrument.valid());
  EXPECT_EQ(stream.dropped(), 1U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing
