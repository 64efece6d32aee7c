// DydxClient against the simulator: metadata, short-term and long-term orders as signed Cosmos
// transactions (the simulator decodes each TxRaw and verifies the signature with its own code),
// fills, cancels, sequence-mismatch recovery, a short-term order expiring unfilled, an unknown
// order resolved after its good-til-block, the timed-out place found by client id (directly and
// through the OrderTracker), and the
// factory refusing a mnemonic with a bad checksum.

#include <cstdlib>

#include "client_fixture.hpp"
#include "support/wait.hpp"
#include "venues/dydx/factory.hpp"
#include "venues/dydx/quantums.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

using domain::TimeInForce;
using domain::VenueOrderStatus;

class DydxClientTest : public DydxClientFixture {};

TEST_F(DydxClientTest, metadata_carries_the_exact_conversion_parameters) {
  const auto* btc = registry_.get(btc_);
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->kind, InstrumentKind::perpetual);
  EXPECT_EQ(btc->dydx_clob_pair_id, 0U);
  EXPECT_EQ(btc->dydx_atomic_resolution, -10);
  EXPECT_EQ(btc->dydx_quantum_conversion_exponent, -9);
  EXPECT_EQ(btc->dydx_step_base_quantums, 1'000'000U);
  EXPECT_EQ(btc->dydx_subticks_per_tick, 100'000U);
  EXPECT_EQ(btc->tick_size, Decimal::parse("1").value());
  EXPECT_EQ(btc->lot_size, Decimal::parse("0.0001").value());
  EXPECT_EQ(registry_.get(eth_)->dydx_clob_pair_id, 1U);
}

TEST_F(DydxClientTest, load_instruments_accepts_a_long_tail_market_with_a_ten_decimal_tick) {
  // A permissionless listing priced in the 10^-7 decade: atomicResolution 1, subticksPerTick
  // 10^6, so one tick is 10^-10 USDC and one step 10^7 coins (docs/domain.md "Decimal range").
  sim::dydx::SimMarket tail;
  tail.ticker = "TAIL-USD";
  tail.clob_pair_id = 2;
  tail.atomic_resolution = 1;
  tail.subticks_per_tick = 1'000'000;
  tail.tick_size = "0.0000000001";
  tail.step_size = "10000000";
  tail.oracle_price = Decimal::parse("0.0000001234").value();
  sim_->add_market(tail);
  Waiter<std::vector<Instrument>> w;
  client_->load_instruments(w.callback());
  auto list = w.get();
  ASSERT_TRUE(list.ok()) << list.error().to_string();
  const Instrument* found = nullptr;
  for (const auto& in : *list)
    if (in.venue_symbol == "TAIL-USD") found = &in;
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->tick_size.to_string(), "0.0000000001");
  EXPECT_EQ(found->lot_size.to_string(), "10000000");
  EXPECT_EQ(list->size(), 3U);
  // Its prices convert to subticks and back exactly.
  const PerpetualMarket m{"TAIL-USD", 2, 1, -9, 1'000'000, 1'000'000};
  const Decimal price = Decimal::parse("0.0000001234").value();
  auto subticks = price_to_subticks(m, price);
  ASSERT_TRUE(subticks.ok()) << subticks.error().to_string();
  EXPECT_EQ(*subticks, 1'234'000'000U);
  EXPECT_EQ(subticks_to_price(m, *subticks).value(), price);
}

TEST_F(DydxClientTest, short_term_ioc_buy_through_the_oracle_fills_with_a_verified_signature) {
  const auto spec = limit(btc_, Side::buy, "0.0125", "60100", TimeInForce::ioc);
  const auto ack = place(spec);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->client_order_id, spec.client_order_id.text);
  EXPECT_EQ(sim_->verified_signatures(), 1U);
  const auto orders = sim_->orders();
  ASSERT_EQ(orders.size(), 1U);
  EXPECT_EQ(std::to_string(orders[0].client_id), spec.client_order_id.text);
  EXPECT_EQ(orders[0].order_flags, kOrderFlagsShortTerm);
  EXPECT_EQ(orders[0].good_til_block, sim_->height() + 20);
  EXPECT_EQ(orders[0].quantums, 125'000'000U);
  EXPECT_EQ(orders[0].subticks, 6'010'000'000U);
  EXPECT_EQ(orders[0].time_in_force, 1);
  EXPECT_EQ(orders[0].status, "FILLED");
  EXPECT_EQ(sim_->sequence(client_->address()), 0U) << "short-term orders do not use the sequence";

  const auto st = status(spec.client_order_id.text, btc_);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(st->report.cumulative_filled, Decimal::parse("0.0125").value());
  EXPECT_EQ(st->time_in_force, TimeInForce::ioc);

  Waiter<std::vector<domain::Fill>> fw;
  client_->fills_since(Timestamp::from_seconds(0), std::nullopt, fw.callback());
  auto fills = fw.get();
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 1U);
  EXPECT_EQ((*fills)[0].price, Decimal::parse("60000").value());
  EXPECT_EQ((*fills)[0].quantity, Decimal::parse("0.0125").value());
  EXPECT_EQ((*fills)[0].client_order_id, spec.client_order_id.text);
  EXPECT_EQ((*fills)[0].instrument, btc_);
}

TEST_F(DydxClientTest, gtc_limit_is_a_long_term_order_that_rests_and_advances_the_sequence) {
  const auto spec = limit(eth_, Side::sell, "0.5", "3456.7");
  const auto ack = place(spec);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  const auto orders = sim_->orders();
  ASSERT_EQ(orders.size(), 1U);
  EXPECT_EQ(orders[0].order_flags, kOrderFlagsLongTerm);
  EXPECT_EQ(orders[0].good_til_block_time,
            static_cast<std::uint32_t>(clock_.now().ms() / 1000 + 28 * 86400));
  EXPECT_EQ(orders[0].status, "OPEN");
  EXPECT_EQ(sim_->sequence(client_->address()), 1U);
  EXPECT_EQ(client_->sequence(), 1U);

  Waiter<std::vector<VenueOrder>> ow;
  client_->open_orders(std::nullopt, ow.callback());
  auto open = ow.get();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1U);
  EXPECT_EQ((*open)[0].client_order_id, spec.client_order_id.text);
  EXPECT_EQ((*open)[0].price, Decimal::parse("3456.7").value());
  EXPECT_EQ((*open)[0].quantity, Decimal::parse("0.5").value());
  EXPECT_EQ((*open)[0].side, Side::sell);
}

TEST_F(DydxClientTest, cancel_of_a_long_term_order_is_a_sequenced_stateful_cancel) {
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec).ok());
  const auto ack = cancel(spec.client_order_id.text, btc_);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::cancelled);
  EXPECT_EQ(sim_->orders()[0].status, "CANCELED");
  EXPECT_EQ(sim_->sequence(client_->address()), 2U);
  EXPECT_EQ(sim_->verified_signatures(), 2U);
  // Cancelling it again: the chain no longer has it ("clob" 3006, kept verbatim).
  const auto again = cancel(spec.client_order_id.text, btc_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::not_found) << again.error().to_string();
}

TEST_F(DydxClientTest, cancel_by_client_id_of_an_order_placed_elsewhere_reads_its_flags) {
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec).ok());
  auto other = make();  // a fresh process: no local record of the order
  Waiter<CancelAck> w;
  other->cancel(OrderRef{{}, spec.client_order_id.text, btc_}, w.callback());
  auto ack = w.get();
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(sim_->orders()[0].status, "CANCELED");
}

TEST_F(DydxClientTest, sequence_mismatch_rereads_the_account_and_retries_once) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  EXPECT_EQ(client_->sequence(), 1U);
  sim_->bump_sequence(client_->address(), 3);  // another sender used the account
  const auto ack = place(limit(btc_, Side::buy, "0.001", "58000"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  const auto errors = sim_->tx_errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].rfind("sdk:32 account sequence mismatch, expected 4, got 1", 0), 0U)
      << errors[0];
  EXPECT_EQ(sim_->broadcasts(), 3U);
  EXPECT_EQ(sim_->sequence(client_->address()), 5U);
  EXPECT_EQ(client_->sequence(), 5U);
}

TEST_F(DydxClientTest, persistent_sequence_mismatch_is_reported_after_one_retry) {
  sim_->fail_next_broadcasts(
      {{"sdk", 32, "account sequence mismatch, expected 9, got 0: incorrect account sequence"},
       {"sdk", 32, "account sequence mismatch, expected 9, got 0: incorrect account sequence"}});
  const auto ack = place(limit(btc_, Side::buy, "0.001", "59000"));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::invalid_state);
  EXPECT_EQ(ack.error().venue_code, "sdk:32");
  EXPECT_EQ(sim_->broadcasts(), 2U) << "one retry, not more";
}

TEST_F(DydxClientTest, out_of_gas_and_order_errors_keep_codespace_code_and_log) {
  sim_->fail_next_broadcasts({{"sdk", 11,
                               "out of gas in location: ReadFlat; gasWanted: 1000000, gasUsed: "
                               "1000321: out of gas"}});
  auto ack = place(limit(btc_, Side::buy, "0.001", "59000", TimeInForce::ioc));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::rejected);
  EXPECT_EQ(ack.error().venue_code, "sdk:11");
  EXPECT_EQ(ack.error().venue_text,
            "out of gas in location: ReadFlat; gasWanted: 1000000, gasUsed: 1000321: out of gas");
  // The chain's own check: a duplicate long-term order id is "clob" 3005.
  auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec).ok());
  ack = place(spec);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().venue_code, "clob:3005");
}

TEST_F(DydxClientTest, price_off_the_tick_is_refused_before_anything_is_signed) {
  const auto ack = place(limit(btc_, Side::buy, "0.001", "59000.5"));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::precision);
  const auto size = place(limit(btc_, Side::buy, "0.00015", "59000"));
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error().code, ErrorCode::precision);
  auto market = limit(btc_, Side::buy, "0.001", "59000");
  market.type = domain::OrderType::market;
  market.price.reset();
  EXPECT_EQ(place(market).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(sim_->broadcasts(), 0U);
}

TEST_F(DydxClientTest, short_term_order_expires_unfilled_after_its_good_til_block) {
  DydxClientConfig cfg;
  cfg.short_term_limits = true;
  auto c = make(cfg);
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec, c.get()).ok());
  ASSERT_EQ(sim_->orders()[0].status, "OPEN");
  EXPECT_EQ(sim_->orders()[0].order_flags, kOrderFlagsShortTerm);
  sim_->advance_blocks(21);
  Waiter<VenueOrder> w;
  c->order_status(OrderRef{{}, spec.client_order_id.text, btc_}, w.callback());
  auto st = w.get();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->report.status, VenueOrderStatus::cancelled);
  EXPECT_EQ(st->report.cumulative_filled, Decimal::zero());
}

TEST_F(DydxClientTest, unknown_short_term_order_is_resolved_as_expired_once_past_its_block) {
  DydxClientConfig cfg;
  cfg.short_term_limits = true;
  auto c = make(cfg);
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec, c.get()).ok());
  const OrderRef ref{{}, spec.client_order_id.text, btc_};
  // A lagging Indexer: before the good-til-block, "not found" proves nothing.
  sim_->empty_orders_for_next(1);
  Waiter<VenueOrder> w1;
  c->order_status(ref, w1.callback());
  auto st = w1.get();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::not_found);
  // Past the good-til-block and still unknown: it can never execute.
  sim_->advance_blocks(25);
  sim_->empty_orders_for_next(1);
  Waiter<VenueOrder> w2;
  c->order_status(ref, w2.callback());
  st = w2.get();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->report.status, VenueOrderStatus::expired);
}

TEST_F(DydxClientTest, timed_out_place_that_rested_is_found_by_client_id_and_never_resent) {
  DydxClientConfig cfg;
  cfg.request_timeout = 300ms;
  auto c = make(cfg);
  // The node processes the broadcast (the order rests) but the answer never comes.
  testsupport::HttpReply hold;
  hold.fault = testsupport::HttpFault::hold;
  sim_->push_fault({"broadcast", true, hold});
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  Waiter<PlaceAck> pw;
  c->place(spec, pw.callback());
  ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
  clock_.advance(300ms);  // the request deadline runs on the client's clock
  const auto ack = pw.get();
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::timeout);
  EXPECT_EQ(sim_->broadcasts(), 1U);
  // The Indexer lags once ("not found"), then shows the resting order by its client id.
  sim_->empty_orders_for_next(1);
  Waiter<VenueOrder> w1;
  c->order_status(OrderRef{{}, spec.client_order_id.text, btc_}, w1.callback());
  EXPECT_EQ(w1.get().error().code, ErrorCode::not_found);
  Waiter<VenueOrder> w2;
  c->order_status(OrderRef{{}, spec.client_order_id.text, btc_}, w2.callback());
  auto found = w2.get();
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(found->report.status, VenueOrderStatus::open);
  EXPECT_EQ(sim_->broadcasts(), 1U) << "never re-sent";
  sim_->release_held();
}

TEST_F(DydxClientTest, balances_positions_and_server_time) {
  Waiter<std::vector<domain::Balance>> bw;
  client_->balances(bw.callback());
  auto b = bw.get();
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_EQ(b->size(), 1U);
  EXPECT_EQ((*b)[0].currency(), "USDC");
  EXPECT_EQ((*b)[0].available(), Decimal::parse("25000").value());
  Waiter<std::vector<VenuePosition>> pw;
  client_->positions(pw.callback());
  auto p = pw.get();
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
  Waiter<Timestamp> tw;
  client_->server_time(tw.callback());
  auto t = tw.get();
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->ms(), clock_.now().ms());
}

TEST_F(DydxClientTest, cancel_all_cancels_every_open_order_in_sequence) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  ASSERT_TRUE(place(limit(eth_, Side::buy, "0.01", "2900")).ok());
  Waiter<CancelAllAck> w;
  client_->cancel_all(std::nullopt, w.callback());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->cancelled.size(), 2U);
  for (const auto& o : sim_->orders()) EXPECT_EQ(o.status, "CANCELED");
  EXPECT_EQ(sim_->sequence(client_->address()), 4U);
}

TEST(DydxFactory, refuses_a_mnemonic_with_a_bad_checksum_clearly) {
  ClientOptions options;
  options.base_url = "http://127.0.0.1:9";
  options.credentials.use_environment = true;
  ::setenv("NZEZA_DYDX_MNEMONIC",
           "legal winner thank year wave sausage worth useful legal winner thank thank", 1);
  net::NetContext net;
  ManualClock clock;
  InstrumentRegistry registry;
  auto client = make_client(options, ClientDeps{&net, &clock, &registry});
  ::unsetenv("NZEZA_DYDX_MNEMONIC");
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(client.error().message.find("checksum mismatch"), std::string::npos)
      << client.error().message;
  EXPECT_EQ(client.error().message.find("thank thank"), std::string::npos) << "leaks the secret";
}

TEST(DydxFactory, builds_a_client_for_a_valid_mnemonic) {
  ClientOptions options;
  options.base_url = "http://127.0.0.1:9/";
  ::setenv("NZEZA_DYDX_MNEMONIC", std::string(kTestMnemonic).c_str(), 1);
  net::NetContext net;
  ManualClock clock;
  InstrumentRegistry registry;
  auto client = make_client(options, ClientDeps{&net, &clock, &registry});
  ::unsetenv("NZEZA_DYDX_MNEMONIC");
  ASSERT_TRUE(client.ok()) << client.error().to_string();
  EXPECT_EQ((*client)->venue(), Venue::dydx);
  EXPECT_TRUE((*client)->capabilities().positions);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

namespace nzeza::venues::dydx::testing {
namespace {

TEST_F(DydxClientFixture, third_stateful_order_in_one_block_waits_for_the_block_rate_limit) {
  DydxClientConfig cfg;
  cfg.rate_buckets = default_rate_buckets();  // 2 stateful orders per block (~1 s)
  auto c = make(cfg);
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000"), c.get()).ok());
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "58000"), c.get()).ok());
  Waiter<PlaceAck> w;
  c->place(limit(btc_, Side::buy, "0.001", "57000"), w.callback());
  EXPECT_EQ(w.f.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_EQ(sim_->broadcasts(), 2U) << "held back by the limiter, not sent";
  clock_.advance(1s);
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(sim_->broadcasts(), 3U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

namespace nzeza::venues::dydx::testing {
namespace {

// No order twice: a short-term place whose answer never comes (the node did accept it and the
// order rests) times out; the tracker waits out request_validity (20 blocks x 1.5 s + query lag),
// asks by client id, gets "not found" once (a lagging Indexer), asks again, finds it — and never
// sends it again.
TEST_F(DydxClientFixture, tracker_resolves_a_timed_out_place_by_client_id_without_resending) {
  DydxClientConfig cfg;
  cfg.short_term_limits = true;
  auto c = make(cfg);
  ResolverConfig rc;
  rc.not_found_grace = 2s;
  rc.not_found_confirmations = 3;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(*c).ok());
  std::mutex mu;
  std::optional<ResolutionEvent> resolved;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(mu);
    resolved = e;
  });
  testsupport::HttpReply hold;
  hold.fault = testsupport::HttpFault::hold;
  sim_->push_fault({"broadcast", true, hold});  // processed (rests), answer never arrives
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  Waiter<PlaceAck> w;
  tracker.place(spec, w.callback());
  ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
  clock_.advance(kRequestTimeout);
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  ASSERT_EQ(sim_->orders().size(), 1U);  // it did rest
  EXPECT_EQ(c->request_validity().window, 30s);
  sim_->empty_orders_for_next(1);
  const auto requests_before = sim_->server().request_count();
  // Nothing is asked before the window (30 s) + query lag (2 s) has passed.
  clock_.advance(30s - kRequestTimeout);
  EXPECT_EQ(sim_->server().request_count(), requests_before);
  clock_.advance(2s);  // first query: the lagging Indexer does not list it
  ASSERT_TRUE(testsupport::wait_until(
      [&] { return sim_->server().request_count() == requests_before + 1; }));
  ASSERT_TRUE(testsupport::wait_until([&] {
    {
      std::lock_guard lock(mu);
      if (resolved.has_value()) return true;
    }
    clock_.advance(100ms);
    return false;
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(resolved->resolution, Resolution::found);
  EXPECT_EQ(resolved->client_order_id, spec.client_order_id.text);
  ASSERT_TRUE(resolved->venue_order.has_value());
  EXPECT_EQ(resolved->venue_order->report.status, domain::VenueOrderStatus::open);
  EXPECT_EQ(tracker.sends(spec.client_order_id.text), 1U);
  EXPECT_FALSE(tracker.resend_allowed(spec.client_order_id.text));
  EXPECT_EQ(sim_->broadcasts(), 1U);
  sim_->release_held();
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

namespace nzeza::venues::dydx::testing {
namespace {

TEST_F(DydxClientFixture, concurrent_long_term_orders_take_consecutive_sequences) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());  // account now cached
  Waiter<PlaceAck> a;
  Waiter<PlaceAck> b;
  Waiter<PlaceAck> c;
  client_->place(limit(btc_, Side::buy, "0.001", "58000"), a.callback());
  client_->place(limit(btc_, Side::buy, "0.001", "57000"), b.callback());
  client_->place(limit(eth_, Side::buy, "0.01", "2900"), c.callback());
  ASSERT_TRUE(a.get().ok());
  ASSERT_TRUE(b.get().ok());
  ASSERT_TRUE(c.get().ok());
  EXPECT_TRUE(sim_->tx_errors().empty()) << sim_->tx_errors()[0];
  EXPECT_EQ(sim_->broadcasts(), 4U);
  EXPECT_EQ(sim_->sequence(client_->address()), 4U);
  EXPECT_EQ(client_->sequence(), 4U);
}

TEST_F(DydxClientFixture, refused_stateful_tx_gives_its_sequence_back) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  sim_->fail_next_broadcasts({{"clob", 3003, "The block time exceeds the GoodTilBlockTime"}});
  EXPECT_FALSE(place(limit(btc_, Side::buy, "0.001", "58000")).ok());
  EXPECT_EQ(client_->sequence(), 1U);
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "57000")).ok());
  EXPECT_EQ(sim_->broadcasts(), 3U) << "no mismatch round trip";
  EXPECT_EQ(sim_->sequence(client_->address()), 2U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

namespace nzeza::venues::dydx::testing {
namespace {

TEST_F(DydxClientFixture, destroying_the_client_answers_queued_stateful_orders_cancelled) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  testsupport::HttpReply hold;
  hold.fault = testsupport::HttpFault::hold;
  sim_->push_fault({"broadcast", false, hold});
  Waiter<PlaceAck> first;
  Waiter<PlaceAck> queued;
  client_->place(limit(btc_, Side::buy, "0.001", "58000"), first.callback());
  ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
  client_->place(limit(btc_, Side::buy, "0.001", "57000"), queued.callback());
  EXPECT_EQ(queued.f.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout)
      << "the second waits for the first";
  client_.reset();
  EXPECT_EQ(queued.get().error().code, ErrorCode::cancelled);
  clock_.advance(kRequestTimeout);  // the one on the wire ends at its deadline
  EXPECT_EQ(first.get().error().code, ErrorCode::timeout);
  sim_->release_held();
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing
