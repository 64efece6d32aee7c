// HyperliquidClient against the simulator: every operation on its happy path, the per-item
// statuses (resting, filled with fills, tick and margin rejections), nonce reuse refused,
// expiresAfter, the dead-man switch, and the OrderTracker resolving a timed-out place by cloid.

#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "net/http_client.hpp"
#include "venues/hyperliquid/wire.hpp"
#include "venues/order_tracker.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::hyperliquid::testing {
namespace {

namespace json = boost::json;
using domain::TimeInForce;
using domain::VenueOrderStatus;

class HyperliquidClientTest : public HyperliquidClientFixture {};

TEST_F(HyperliquidClientTest, metadata_maps_universe_index_and_sz_decimals) {
  const auto* btc = registry_.get(btc_);
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->hyperliquid_asset, 0U);
  EXPECT_EQ(btc->hyperliquid_sz_decimals, 5);
  EXPECT_EQ(btc->canonical, "BTC-USDC");
  EXPECT_EQ(btc->kind, InstrumentKind::perpetual);
  EXPECT_EQ(btc->price_rule, PriceRule::hyperliquid_sigfig);
  EXPECT_EQ(btc->lot_size, Decimal::parse("0.00001").value());
  EXPECT_EQ(btc->min_notional, Decimal::parse("10").value());
  const auto* eth = registry_.get(eth_);
  EXPECT_EQ(eth->hyperliquid_asset, 1U);
  // The core price rule: 5 significant figures, at most 6 - szDecimals decimals.
  EXPECT_EQ(eth->round_price(Decimal::parse("3000.123").value(), RoundingMode::down).value(),
            Decimal::parse("3000.1").value());
}

TEST_F(HyperliquidClientTest, gtc_limit_below_the_mark_rests_with_its_cloid) {
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  const auto ack = place(spec);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  EXPECT_FALSE(ack->venue_order_id.empty());
  EXPECT_EQ(ack->client_order_id, spec.client_order_id.text);
  // The simulator recovered our address from the signature with its own code.
  EXPECT_EQ(sim_->last_signer(), client_->signer_address());
  const auto orders = sim_->orders(client_->user_address());
  ASSERT_EQ(orders.size(), 1U);
  EXPECT_EQ(orders[0].cloid, spec.client_order_id.text);
  EXPECT_EQ(orders[0].status, "open");
  EXPECT_EQ(std::to_string(orders[0].oid), ack->venue_order_id);
  // The request carried expiresAfter = now + 30 s.
  const auto body = json::parse(sim_->server().requests().back().body);
  EXPECT_EQ(body.at("expiresAfter").to_number<std::int64_t>(), clock_.now().ms() + 30'000);
}

TEST_F(HyperliquidClientTest, order_filled_in_the_place_response_returns_its_fills) {
  const auto spec = limit(btc_, Side::buy, "0.002", "61000", TimeInForce::ioc);
  const auto ack = place(spec);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(ack->report.cumulative_filled, Decimal::parse("0.002").value());
  EXPECT_EQ(ack->report.average_price, Decimal::parse("60000").value());
  ASSERT_EQ(ack->fills.size(), 1U);
  const auto& f = ack->fills[0];
  EXPECT_EQ(f.price, Decimal::parse("60000").value());
  EXPECT_EQ(f.quantity, Decimal::parse("0.002").value());
  EXPECT_EQ(f.client_order_id, spec.client_order_id.text);
  EXPECT_EQ(f.trade_id, std::to_string(sim_->fills(client_->user_address())[0].tid));
  EXPECT_EQ(f.fee, Decimal::parse("0.042").value());  // 120 * 0.00035
  EXPECT_EQ(f.fee_currency, "USDC");
  EXPECT_EQ(f.liquidity, domain::Liquidity::taker);
}

TEST_F(HyperliquidClientTest, tick_size_rejection_is_a_per_item_error_with_the_venue_text) {
  // 59000.5 has 6 significant figures: not a valid BTC price.
  const auto ack = place(limit(btc_, Side::buy, "0.001", "59000.5"));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::rejected);
  EXPECT_EQ(ack.error().venue_text, "Price must be divisible by tick size. asset=0");
  EXPECT_EQ(ack.error().venue_code, "Tick");
  EXPECT_TRUE(sim_->orders(client_->user_address()).empty());
}

TEST_F(HyperliquidClientTest, insufficient_margin_item_is_insufficient_balance) {
  // 50 BTC at 59000 / 10x leverage needs 295000 USDC of margin; the account has 100000.
  const auto ack = place(limit(btc_, Side::buy, "50", "59000"));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(ack.error().venue_text, "Insufficient margin to place order. asset=0");
  EXPECT_EQ(ack.error().venue_code, "PerpMargin");
}

TEST_F(HyperliquidClientTest, post_only_that_would_cross_and_ioc_that_cannot_match_are_rejected) {
  auto alo = place(limit(eth_, Side::buy, "0.01", "3100", TimeInForce::post_only));
  ASSERT_FALSE(alo.ok());
  EXPECT_EQ(alo.error().venue_code, "BadAloPx");
  EXPECT_TRUE(alo.error().venue_text.starts_with("Post only order would have immediately matched"));
  auto ioc = place(limit(eth_, Side::buy, "0.01", "2900", TimeInForce::ioc));
  ASSERT_FALSE(ioc.ok());
  EXPECT_EQ(ioc.error().venue_code, "IocCancel");
}

TEST_F(HyperliquidClientTest, scripted_item_errors_keep_the_docs_text_verbatim) {
  sim_->reject_next_orders({"Order price too far from oracle"});
  const auto ack = place(limit(btc_, Side::buy, "0.001", "59000"));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, ErrorCode::rejected);
  EXPECT_EQ(ack.error().venue_text, "Order price too far from oracle");
  EXPECT_EQ(ack.error().venue_code, "Oracle");
}

TEST_F(HyperliquidClientTest, market_and_fok_orders_are_refused_before_sending) {
  auto spec = limit(btc_, Side::buy, "0.001", "59000", TimeInForce::fok);
  EXPECT_EQ(place(spec).error().code, ErrorCode::invalid_argument);
  spec = limit(btc_, Side::buy, "0.001", "59000");
  spec.type = domain::OrderType::market;
  spec.price.reset();
  EXPECT_EQ(place(spec).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(sim_->exchange_requests(), 0U);
}

TEST_F(HyperliquidClientTest, a_ninth_decimal_never_reaches_a_signed_payload) {
  auto spec = limit(btc_, Side::buy, "0.001000001", "59000");
  EXPECT_EQ(place(spec).error().code, ErrorCode::precision);
  spec = limit(btc_, Side::buy, "0.001", "59000.000000001");
  EXPECT_EQ(place(spec).error().code, ErrorCode::precision);
  EXPECT_EQ(sim_->exchange_requests(), 0U);
}

TEST_F(HyperliquidClientTest, stop_order_is_a_trigger_waiting_for_its_price) {
  auto spec = limit(btc_, Side::sell, "0.001", "59000");
  spec.type = domain::OrderType::stop;
  spec.price.reset();
  spec.stop_price = Decimal::parse("55000").value();
  spec.reduce_only = false;
  const auto ack = place(spec);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  const auto body = json::parse(sim_->server().requests().back().body);
  const auto& t = body.at("action").at("orders").at(0).at("t").at("trigger");
  EXPECT_EQ(t.at("triggerPx").as_string(), "55000");
  EXPECT_EQ(t.at("tpsl").as_string(), "sl");
  EXPECT_TRUE(t.at("isMarket").as_bool());
  // Market on trigger: worst price 5% below the trigger for a sell.
  EXPECT_EQ(body.at("action").at("orders").at(0).at("p").as_string(), "52250");
}

TEST_F(HyperliquidClientTest, unknown_signer_is_auth_failed_with_the_venue_text) {
  auto stranger = make("0x0000000000000000000000000000000000000000000000000000000000000007");
  Waiter<PlaceAck> w;
  stranger->place(limit(btc_, Side::buy, "0.001", "59000"), w.callback());
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(r.error().venue_text,
            "User or API Wallet " + stranger->signer_address() + " does not exist.");
}

TEST_F(HyperliquidClientTest, nonces_strictly_increase_and_a_replayed_nonce_is_refused) {
  // The clock does not move: three actions in the same millisecond still get distinct nonces.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  const auto nonces = sim_->nonces(client_->signer_address());
  ASSERT_EQ(nonces.size(), 3U);
  EXPECT_EQ(nonces[0], static_cast<std::uint64_t>(clock_.now().ms()));
  EXPECT_EQ(nonces[1], nonces[0] + 1);
  EXPECT_EQ(nonces[2], nonces[0] + 2);
  // Replaying a signed request verbatim (same nonce) is refused by the venue.
  testsupport::HttpSeen first;
  for (const auto& r : sim_->server().requests()) {
    if (r.target == "/exchange") {
      first = r;
      break;
    }
  }
  net::HttpClient raw(net_, clock_);
  net::HttpRequest req;
  req.method = "POST";
  req.url = sim_->base_url() + "/exchange";
  req.body = first.body;
  const auto resp = raw.request_blocking(req);
  ASSERT_TRUE(resp.ok());
  const auto body = json::parse(resp->body);
  EXPECT_EQ(body.at("status").as_string(), "err");
  EXPECT_TRUE(std::string(body.at("response").as_string()).starts_with("Invalid nonce: duplicate"));
  EXPECT_EQ(sim_->orders(client_->user_address()).size(), 3U);
}

TEST_F(HyperliquidClientTest, an_action_past_its_expires_after_is_refused) {
  auto signer = Signer::from_private_key(kTestKey).value();
  const auto action = schedule_cancel_action(std::nullopt);
  ActionEnvelope env;
  env.nonce = static_cast<std::uint64_t>(clock_.now().ms());
  env.expires_after = env.nonce - 1;
  const auto sig = signer.sign_l1_action(action, env, true).value();
  net::HttpClient raw(net_, clock_);
  net::HttpRequest req;
  req.method = "POST";
  req.url = sim_->base_url() + "/exchange";
  req.body = exchange_body(action, env.nonce, sig, std::nullopt, env.expires_after);
  const auto resp = raw.request_blocking(req);
  ASSERT_TRUE(resp.ok());
  const auto body = json::parse(resp->body);
  EXPECT_TRUE(std::string(body.at("response").as_string()).starts_with("Action expired"));
}

TEST_F(HyperliquidClientTest, cancel_by_oid_and_by_cloid) {
  const auto a = place(limit(btc_, Side::buy, "0.001", "59000"));
  const auto b_spec = limit(btc_, Side::buy, "0.001", "58000");
  const auto b = place(b_spec);
  ASSERT_TRUE(a.ok() && b.ok());
  Waiter<CancelAck> w1;
  client_->cancel(OrderRef{a->venue_order_id, "", btc_}, w1.callback());
  const auto c1 = w1.get();
  ASSERT_TRUE(c1.ok()) << c1.error().to_string();
  EXPECT_EQ(c1->report.status, VenueOrderStatus::cancelled);
  Waiter<CancelAck> w2;
  client_->cancel(OrderRef{"", b_spec.client_order_id.text, btc_}, w2.callback());
  ASSERT_TRUE(w2.get().ok());
  const auto body = json::parse(sim_->server().requests().back().body);
  EXPECT_EQ(body.at("action").at("type").as_string(), "cancelByCloid");
  for (const auto& o : sim_->orders(client_->user_address())) EXPECT_EQ(o.status, "canceled");
}

TEST_F(HyperliquidClientTest, cancel_of_an_unknown_order_is_not_found_with_the_venue_text) {
  Waiter<CancelAck> w;
  client_->cancel(OrderRef{"424242", "", btc_}, w.callback());
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().venue_text, "Order was never placed, already canceled, or filled.");
}

TEST_F(HyperliquidClientTest,
       top_level_err_saying_the_action_was_not_taken_refuses_place_and_cancel_with_its_text) {
  // Answered without processing: the venue's own words say nothing ran.
  sim::hyperliquid::SimFault nonce;
  nonce.match = "exchange:order";
  nonce.reply.status = 200;
  nonce.reply.body = R"({"status":"err","response":"Invalid nonce: duplicate nonce 17"})";
  sim_->push_fault(nonce);
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  const auto placed = place(spec);
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(placed.error().code, ErrorCode::rejected);
  EXPECT_EQ(placed.error().delivery, Delivery::none);
  EXPECT_EQ(classify(placed.error()), FailureClass::refused_by_venue);
  EXPECT_EQ(placed.error().venue_code, "err");
  EXPECT_EQ(placed.error().venue_text, "Invalid nonce: duplicate nonce 17");
  EXPECT_NE(placed.error().message.find(spec.client_order_id.text), std::string::npos);
  EXPECT_TRUE(sim_->orders(client_->user_address()).empty());

  const auto resting = place(limit(btc_, Side::buy, "0.001", "59000"));
  ASSERT_TRUE(resting.ok()) << resting.error().to_string();
  sim::hyperliquid::SimFault limited;
  limited.match = "exchange:cancel";
  limited.reply.status = 200;
  limited.reply.body =
      R"({"status":"err","response":"Too many cumulative requests sent (10001 > 10000) for cumulative volume traded $1."})";
  sim_->push_fault(limited);
  Waiter<CancelAck> w;
  client_->cancel(OrderRef{resting->venue_order_id, "", btc_}, w.callback());
  const auto cancelled = w.get();
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(cancelled.error().delivery, Delivery::none);
  EXPECT_TRUE(cancelled.error().venue_text.starts_with("Too many cumulative requests"));
  const auto orders = sim_->orders(client_->user_address());
  ASSERT_EQ(orders.size(), 1U);
  EXPECT_EQ(orders[0].status, "open");  // not cancelled: the answer said so
}

TEST_F(HyperliquidClientTest, an_error_inside_the_statuses_refuses_that_cancel_only) {
  const auto a = place(limit(btc_, Side::buy, "0.001", "59000"));
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  sim::hyperliquid::SimFault item;
  item.match = "exchange:cancel";
  item.reply.status = 200;
  item.reply.body =
      R"({"status":"ok","response":{"type":"cancel","data":{"statuses":[{"error":"Order was never placed, already canceled, or filled. asset=0"}]}}})";
  sim_->push_fault(item);
  Waiter<CancelAck> w;
  client_->cancel(OrderRef{a->venue_order_id, "", btc_}, w.callback());
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().delivery, Delivery::none);
  EXPECT_EQ(r.error().venue_code, "MissingOrder");
  EXPECT_EQ(r.error().venue_text, "Order was never placed, already canceled, or filled. asset=0");
}

TEST_F(HyperliquidClientTest, cancel_all_cancels_every_open_order_of_the_instrument) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "58000")).ok());
  ASSERT_TRUE(place(limit(eth_, Side::buy, "0.01", "2900")).ok());
  Waiter<CancelAllAck> w;
  client_->cancel_all(btc_, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->cancelled.size(), 2U);
  int open = 0;
  for (const auto& o : sim_->orders(client_->user_address())) open += o.status == "open";
  EXPECT_EQ(open, 1);
}

TEST_F(HyperliquidClientTest, order_status_by_cloid_and_by_oid) {
  const auto spec = limit(btc_, Side::sell, "0.001", "61000");
  const auto ack = place(spec);
  ASSERT_TRUE(ack.ok());
  Waiter<VenueOrder> w1;
  client_->order_status(OrderRef{"", spec.client_order_id.text, btc_}, w1.callback());
  const auto s1 = w1.get();
  ASSERT_TRUE(s1.ok()) << s1.error().to_string();
  EXPECT_EQ(s1->client_order_id, spec.client_order_id.text);
  EXPECT_EQ(s1->report.venue_order_id, ack->venue_order_id);
  EXPECT_EQ(s1->report.status, VenueOrderStatus::open);
  EXPECT_EQ(s1->side, Side::sell);
  EXPECT_EQ(s1->price, Decimal::parse("61000").value());
  // The mark moves through it: filled (maker) at its limit.
  sim_->set_mark("BTC", Decimal::parse("61500").value());
  Waiter<VenueOrder> w2;
  client_->order_status(OrderRef{ack->venue_order_id, "", btc_}, w2.callback());
  const auto s2 = w2.get();
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(s2->report.cumulative_filled, Decimal::parse("0.001").value());
}

TEST_F(HyperliquidClientTest, order_status_of_an_unknown_cloid_is_not_found) {
  Waiter<VenueOrder> w;
  client_->order_status(OrderRef{"", "0x00000000000000000000000000000bad", btc_}, w.callback());
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST_F(HyperliquidClientTest, open_orders_lists_ours_with_cloid_filtered_by_instrument) {
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  ASSERT_TRUE(place(spec).ok());
  ASSERT_TRUE(place(limit(eth_, Side::sell, "0.01", "3100")).ok());
  Waiter<std::vector<VenueOrder>> all;
  client_->open_orders(std::nullopt, all.callback());
  EXPECT_EQ(all.get()->size(), 2U);
  Waiter<std::vector<VenueOrder>> w;
  client_->open_orders(btc_, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].client_order_id, spec.client_order_id.text);
  EXPECT_EQ((*r)[0].quantity, Decimal::parse("0.001").value());
}

TEST_F(HyperliquidClientTest, fills_since_returns_trades_oldest_first_with_trade_ids) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "61000", TimeInForce::ioc)).ok());
  clock_.advance(1s);
  ASSERT_TRUE(place(limit(eth_, Side::sell, "0.01", "2900", TimeInForce::ioc)).ok());
  Waiter<std::vector<domain::Fill>> w;
  client_->fills_since(clock_.now() - 10s, std::nullopt, w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].instrument, btc_);
  EXPECT_EQ((*r)[1].instrument, eth_);
  EXPECT_EQ((*r)[1].side, Side::sell);
  EXPECT_LT((*r)[0].time, (*r)[1].time);
  EXPECT_NE((*r)[0].trade_id, (*r)[1].trade_id);
  Waiter<std::vector<domain::Fill>> later;
  client_->fills_since(clock_.now(), std::nullopt, later.callback());
  EXPECT_EQ(later.get()->size(), 1U);
}

TEST_F(HyperliquidClientTest, balances_and_positions_from_clearinghouse_state) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.01", "61000", TimeInForce::ioc)).ok());
  Waiter<std::vector<domain::Balance>> wb;
  client_->balances(wb.callback());
  const auto b = wb.get();
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_EQ(b->size(), 1U);
  EXPECT_EQ((*b)[0].currency(), "USDC");
  // 100000 minus the 0.21 taker fee; 60 USDC of margin (600 notional at 10x) is locked.
  EXPECT_EQ((*b)[0].total(), Decimal::parse("99999.79").value());
  EXPECT_EQ((*b)[0].locked(), Decimal::parse("60").value());
  Waiter<std::vector<VenuePosition>> wp;
  client_->positions(wp.callback());
  const auto p = wp.get();
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  ASSERT_EQ(p->size(), 1U);
  EXPECT_EQ((*p)[0].instrument, btc_);
  EXPECT_EQ((*p)[0].quantity, Decimal::parse("0.01").value());
  EXPECT_EQ((*p)[0].entry_price, Decimal::parse("60000").value());
  EXPECT_EQ((*p)[0].leverage, Decimal::parse("10").value());
}

TEST_F(HyperliquidClientTest, server_time_is_the_date_header_of_an_info_answer) {
  Waiter<Timestamp> w;
  client_->server_time(w.callback());
  const auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->ms() / 1000, clock_.now().ms() / 1000);
}

TEST_F(HyperliquidClientTest, dead_man_switch_arms_and_disarms) {
  Waiter<Timestamp> arm;
  client_->set_dead_man_switch(60s, arm.callback());
  const auto at = arm.get();
  ASSERT_TRUE(at.ok()) << at.error().to_string();
  EXPECT_EQ(at->ms(), (clock_.now() + 60s).ms());
  EXPECT_EQ(sim_->dead_man_time(client_->user_address()), at->ms());
  // The switch fires at the venue: resting orders are cancelled.
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());
  clock_.advance(61s);
  Waiter<std::vector<VenueOrder>> open;
  client_->open_orders(std::nullopt, open.callback());
  EXPECT_TRUE(open.get()->empty());
  Waiter<Timestamp> disarm;
  client_->set_dead_man_switch(0s, disarm.callback());
  ASSERT_TRUE(disarm.get().ok());
  EXPECT_FALSE(sim_->dead_man_time(client_->user_address()).has_value());
}

TEST_F(HyperliquidClientTest, rate_limiter_charges_the_documented_weights) {
  auto& limiter = client_->rate_limiter();
  // SetUp's meta request weighed 20 of the 1200 per minute; the clock has not moved.
  EXPECT_DOUBLE_EQ(limiter.available("ip_weight").value(), 1180);
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());  // an action: 1
  EXPECT_DOUBLE_EQ(limiter.available("ip_weight").value(), 1179);
  EXPECT_DOUBLE_EQ(limiter.available("address").value(), 9999);
  Waiter<VenueOrder> status;  // orderStatus: 2
  client_->order_status(OrderRef{"", "0x00000000000000000000000000000bad", btc_},
                        status.callback());
  (void)status.get();
  EXPECT_DOUBLE_EQ(limiter.available("ip_weight").value(), 1177);
  Waiter<std::vector<VenueOrder>> open;  // openOrders: 20
  client_->open_orders(std::nullopt, open.callback());
  ASSERT_TRUE(open.get().ok());
  EXPECT_DOUBLE_EQ(limiter.available("ip_weight").value(), 1157);
}

TEST_F(HyperliquidClientTest, request_validity_is_the_expires_after_window) {
  EXPECT_EQ(client_->request_validity().window, 30s + 10s);  // + the limiter's longest wait
  HyperliquidClientConfig cfg;
  cfg.expires_after = 0s;
  auto no_expiry = make(kTestKey, cfg);
  EXPECT_EQ(no_expiry->request_validity().window, std::chrono::hours(48));
}

TEST_F(HyperliquidClientTest, vault_trading_hashes_and_sends_the_vault_address) {
  const std::string vault = "0x1719884eb866cb12b2287399b15f7db5e7d775ea";
  sim_->add_account(vault, Decimal::parse("50000").value());
  HyperliquidClientConfig cfg;
  cfg.vault_address = parse_address(vault);
  auto vc = make(kTestKey, cfg);
  Waiter<PlaceAck> w;
  vc->place(limit(btc_, Side::buy, "0.001", "59000"), w.callback());
  ASSERT_TRUE(w.get().ok());
  EXPECT_EQ(sim_->orders(vault).size(), 1U);
  EXPECT_TRUE(sim_->orders(client_->user_address()).empty());
}

// No order twice: a place whose answer never comes (the venue did rest it) times out; the
// tracker waits out the expiresAfter window, asks by cloid, gets "not found" once (a lagging
// venue), asks again, finds it — and never sends it again.
TEST_F(HyperliquidClientTest, tracker_resolves_a_timed_out_place_by_cloid_without_resending) {
  ResolverConfig rc;
  rc.not_found_grace = 2s;
  rc.not_found_confirmations = 3;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(*client_).ok());
  std::mutex mu;
  std::optional<ResolutionEvent> resolved;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(mu);
    resolved = e;
  });
  sim::hyperliquid::SimFault hold;
  hold.match = "exchange:order";
  hold.process = true;  // the venue rests it, the answer never arrives
  hold.reply.fault = testsupport::HttpFault::hold;
  sim_->push_fault(hold);
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  Waiter<PlaceAck> w;
  tracker.place(spec, w.callback());
  ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
  clock_.advance(kRequestTimeout);
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  ASSERT_EQ(sim_->orders(client_->user_address()).size(), 1U);  // it did rest
  sim_->unknown_oid_for_next(1);
  const auto requests_before = sim_->server().request_count();
  // Nothing is asked before the window (expiresAfter + limiter wait) + query lag has passed.
  clock_.advance(40s - kRequestTimeout);
  EXPECT_EQ(sim_->server().request_count(), requests_before);
  clock_.advance(2s);  // first query: "unknownOid"
  ASSERT_TRUE(testsupport::wait_until(
      [&] { return sim_->server().request_count() == requests_before + 1; }));
  // The grace timer is scheduled when that answer arrives (network thread): step time until
  // the second query finds the order.
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
  EXPECT_EQ(resolved->venue_order->report.status, VenueOrderStatus::open);
  EXPECT_EQ(tracker.sends(spec.client_order_id.text), 1U);
  EXPECT_FALSE(tracker.resend_allowed(spec.client_order_id.text));
  EXPECT_EQ(sim_->exchange_requests(), 1U);
  sim_->release_held();
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid::testing
