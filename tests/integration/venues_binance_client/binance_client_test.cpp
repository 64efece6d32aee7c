// BinanceClient against the simulator: every operation on its happy path, the venue's refusals,
// server time and -1021 resync, and the rate-limit feedback (used weight, 429, 418).
#include "binance_fixture.hpp"
#include "domain/fill_ledger.hpp"

namespace nzeza::venues::binance::test {
namespace {

using domain::TimeInForce;
using domain::VenueOrderStatus;
using testsupport::wait_until;

using BinanceClientTest = BinanceClientFixture;

TEST_F(BinanceClientTest, resting_limit_order_is_acknowledged_open_with_its_client_id) {
  auto ack = place(limit("nz-t-1", Side::buy, "0.01", "49000"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->client_order_id, "nz-t-1");
  EXPECT_FALSE(ack->venue_order_id.empty());
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  EXPECT_TRUE(ack->fills.empty());
  auto o = sim_->order("nz-t-1");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->type, "LIMIT");
  EXPECT_EQ(o->tif, "GTC");
  EXPECT_EQ(o->price, dec("49000"));
  EXPECT_EQ(sim_->bad_signatures(), 0);
  // USDT 490 locked for it.
  EXPECT_EQ(sim_->balance("USDT")->second, dec("490"));
}

TEST_F(BinanceClientTest, place_request_carries_documented_parameters_and_signature) {
  ASSERT_TRUE(place(limit("nz-t-2", Side::sell, "0.5", "51000.5", TimeInForce::ioc)).ok());
  const auto reqs = sim_->requests();
  ASSERT_FALSE(reqs.empty());
  const auto& r = reqs.back();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.header("X-MBX-APIKEY"), sim_->options().api_key);
  EXPECT_EQ(
      r.target.rfind("/api/v3/order?symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=IOC&"
                     "quantity=0.5&price=51000.5&newClientOrderId=nz-t-2&newOrderRespType=FULL&"
                     "recvWindow=5000&timestamp=1700000000000&signature=",
                     0),
      0u)
      << r.target;
}

TEST_F(BinanceClientTest, market_order_fills_at_once_with_fills_from_full_response) {
  auto ack = place(market("nz-t-3", Side::buy, "0.1"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(ack->report.cumulative_filled, dec("0.1"));
  ASSERT_TRUE(ack->report.average_price.has_value());
  EXPECT_EQ(*ack->report.average_price, dec("50000"));
  ASSERT_EQ(ack->fills.size(), 1u);
  const auto& f = ack->fills[0];
  EXPECT_EQ(f.venue, Venue::binance);
  EXPECT_EQ(f.instrument, btc_);
  EXPECT_EQ(f.client_order_id, "nz-t-3");
  EXPECT_EQ(f.price, dec("50000"));
  EXPECT_EQ(f.quantity, dec("0.1"));
  EXPECT_EQ(f.fee, dec("0.0001"));
  EXPECT_EQ(f.fee_currency, "BTC");
  EXPECT_EQ(f.liquidity, domain::Liquidity::taker);
  EXPECT_FALSE(f.trade_id.empty());
}

TEST_F(BinanceClientTest,
       post_only_is_sent_as_limit_maker_and_a_crossing_one_is_rejected_verbatim) {
  auto ok = place(limit("nz-t-4", Side::buy, "0.01", "40000", TimeInForce::post_only));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(sim_->order("nz-t-4")->type, "LIMIT_MAKER");
  auto bad = place(limit("nz-t-5", Side::buy, "0.01", "60000", TimeInForce::post_only));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::rejected);
  EXPECT_EQ(bad.error().venue_code, "-2010");
  EXPECT_EQ(bad.error().venue_text, "Order would immediately match and take.");
}

TEST_F(BinanceClientTest, ioc_that_does_not_cross_expires) {
  auto ack = place(limit("nz-t-6", Side::buy, "0.01", "45000", TimeInForce::ioc));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->report.status, VenueOrderStatus::expired);
}

TEST_F(BinanceClientTest, insufficient_balance_is_classified_and_kept_verbatim) {
  auto r = place(limit("nz-t-7", Side::buy, "10", "49000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(r.error().venue_code, "-2010");
  EXPECT_EQ(r.error().venue_text, "Account has insufficient balance for requested action.");
  EXPECT_EQ(classify(r.error()), FailureClass::refused_by_venue);
}

TEST_F(BinanceClientTest, filter_failure_is_invalid_argument_with_the_filter_named) {
  auto r = place(limit("nz-t-8", Side::buy, "0.01", "49000.005"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().venue_code, "-1013");
  EXPECT_EQ(r.error().venue_text, "Filter failure: PRICE_FILTER");
}

TEST_F(BinanceClientTest, invalid_client_id_or_foreign_instrument_is_refused_before_sending) {
  auto bad_id = place(limit("has space", Side::buy, "0.01", "49000"));
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, ErrorCode::invalid_argument);
  auto spec = limit("nz-t-9", Side::buy, "0.01", "49000");
  spec.instrument = InstrumentId{12345};
  auto bad_inst = place(spec);
  ASSERT_FALSE(bad_inst.ok());
  EXPECT_EQ(sim_->request_count(), 0u);
}

TEST_F(BinanceClientTest, cancel_by_client_id_and_by_venue_id) {
  auto a = place(limit("nz-c-1", Side::buy, "0.01", "49000"));
  auto b = place(limit("nz-c-2", Side::buy, "0.01", "48000"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto c1 = await<CancelAck>([&](auto cb) { client_->cancel(OrderRef{"", "nz-c-1", btc_}, cb); });
  ASSERT_TRUE(c1.ok()) << c1.error().to_string();
  EXPECT_EQ(c1->client_order_id, "nz-c-1");  // origClientOrderId, not the cancel's own id
  EXPECT_EQ(c1->report.status, VenueOrderStatus::cancelled);
  auto c2 = await<CancelAck>([&](auto cb) {
    client_->cancel(OrderRef{b->venue_order_id, "", btc_}, cb);
  });
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->venue_order_id, b->venue_order_id);
  EXPECT_EQ(sim_->order("nz-c-2")->status, "CANCELED");
  EXPECT_EQ(sim_->balance("USDT")->second, dec("0"));
}

TEST_F(BinanceClientTest, cancel_of_unknown_order_is_not_found) {
  auto r = await<CancelAck>([&](auto cb) { client_->cancel(OrderRef{"", "nz-none", btc_}, cb); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().venue_code, "-2011");
  EXPECT_EQ(r.error().venue_text, "Unknown order sent.");
}

TEST_F(BinanceClientTest, cancel_all_on_one_symbol_and_on_every_symbol) {
  ASSERT_TRUE(place(limit("nz-a-1", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(place(limit("nz-a-2", Side::buy, "0.01", "48000")).ok());
  auto eth = limit("nz-a-3", Side::sell, "1", "3500");
  eth.instrument = eth_;
  ASSERT_TRUE(place(eth).ok());
  auto one = await<CancelAllAck>([&](auto cb) { client_->cancel_all(btc_, cb); });
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  EXPECT_EQ(one->cancelled.size(), 2u);
  EXPECT_EQ(sim_->order("nz-a-3")->status, "NEW");
  auto all = await<CancelAllAck>([&](auto cb) { client_->cancel_all(std::nullopt, cb); });
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  ASSERT_EQ(all->cancelled.size(), 1u);
  EXPECT_EQ(all->cancelled[0].client_order_id, "nz-a-3");
  // Nothing left: Binance's -2011 on an empty symbol is an empty answer, not an error.
  auto none = await<CancelAllAck>([&](auto cb) { client_->cancel_all(btc_, cb); });
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->cancelled.empty());
}

TEST_F(BinanceClientTest, order_status_by_client_id_reports_partial_fill_and_average) {
  ASSERT_TRUE(place(limit("nz-s-1", Side::sell, "0.5", "51000")).ok());
  ASSERT_TRUE(sim_->fill("nz-s-1", dec("0.2")));
  auto st = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-s-1", btc_}, cb);
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->client_order_id, "nz-s-1");
  EXPECT_EQ(st->instrument, btc_);
  EXPECT_EQ(st->side, Side::sell);
  EXPECT_EQ(st->quantity, dec("0.5"));
  EXPECT_EQ(*st->price, dec("51000"));
  EXPECT_EQ(st->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(st->report.cumulative_filled, dec("0.2"));
  EXPECT_EQ(*st->report.average_price, dec("51000"));
}

TEST_F(BinanceClientTest, order_status_of_unknown_order_is_not_found) {
  auto st = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-missing", btc_}, cb);
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::not_found);
  EXPECT_EQ(st.error().venue_code, "-2013");
  EXPECT_EQ(st.error().venue_text, "Order does not exist.");
}

TEST_F(BinanceClientTest, open_orders_lists_only_resting_orders) {
  ASSERT_TRUE(place(limit("nz-o-1", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(place(market("nz-o-2", Side::buy, "0.01")).ok());
  auto eth = limit("nz-o-3", Side::sell, "1", "3500");
  eth.instrument = eth_;
  ASSERT_TRUE(place(eth).ok());
  auto btc_only = await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_, cb); });
  ASSERT_TRUE(btc_only.ok());
  ASSERT_EQ(btc_only->size(), 1u);
  EXPECT_EQ((*btc_only)[0].client_order_id, "nz-o-1");
  auto all =
      await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(std::nullopt, cb); });
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(BinanceClientTest, fills_since_returns_taker_and_maker_trades_oldest_first) {
  ASSERT_TRUE(place(market("nz-f-1", Side::buy, "0.1")).ok());
  clock_.advance(1s);
  ASSERT_TRUE(place(limit("nz-f-2", Side::sell, "0.3", "52000")).ok());
  clock_.advance(1s);
  ASSERT_TRUE(sim_->fill("nz-f-2", dec("0.3")));
  auto fills = await<std::vector<domain::Fill>>([&](auto cb) {
    client_->fills_since(Timestamp::from_ms(1'700'000'000'000), std::nullopt, cb);
  });
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 2u);
  EXPECT_EQ((*fills)[0].side, Side::buy);
  EXPECT_EQ((*fills)[0].liquidity, domain::Liquidity::taker);
  EXPECT_EQ((*fills)[1].side, Side::sell);
  EXPECT_EQ((*fills)[1].liquidity, domain::Liquidity::maker);
  EXPECT_EQ((*fills)[1].price, dec("52000"));
  EXPECT_EQ((*fills)[1].fee, dec("15.6"));
  EXPECT_EQ((*fills)[1].fee_currency, "USDT");
  auto later = await<std::vector<domain::Fill>>(
      [&](auto cb) { client_->fills_since(Timestamp::from_ms(1'700'000'001'500), btc_, cb); });
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 1u);
}

TEST_F(BinanceClientTest,
       trades_with_one_id_on_two_symbols_are_two_fills_and_a_replayed_trade_is_one) {
  // Binance numbers trades per symbol: the first trade of BTCUSDT and of ETHUSDT share an id.
  auto btc = place(market("nz-tid-1", Side::buy, "0.1"));
  ASSERT_TRUE(btc.ok()) << btc.error().to_string();
  auto eth_buy = market("nz-tid-2", Side::buy, "1");
  eth_buy.instrument = eth_;
  auto eth = place(eth_buy);
  ASSERT_TRUE(eth.ok()) << eth.error().to_string();
  auto fills = await<std::vector<domain::Fill>>([&](auto cb) {
    client_->fills_since(Timestamp::from_ms(1'700'000'000'000), std::nullopt, cb);
  });
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 2u);
  EXPECT_EQ((*fills)[0].trade_id, (*fills)[1].trade_id);
  EXPECT_NE((*fills)[0].venue_symbol, (*fills)[1].venue_symbol);
  domain::FillLedger ledger;
  for (const auto& f : *fills) EXPECT_EQ(ledger.record(f).value(), domain::FillOutcome::applied);
  // Asked again (a restart, a reconnect): the same two trades, each counted once already.
  auto again = await<std::vector<domain::Fill>>([&](auto cb) {
    client_->fills_since(Timestamp::from_ms(1'700'000'000'000), std::nullopt, cb);
  });
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  ASSERT_EQ(again->size(), 2u);
  for (const auto& f : *again) EXPECT_EQ(ledger.record(f).value(), domain::FillOutcome::duplicate);
  EXPECT_EQ(ledger.size(), 2u);
  ASSERT_EQ(btc->fills.size(), 1u);  // the FULL answers carried the same ids
  ASSERT_EQ(eth->fills.size(), 1u);
  EXPECT_EQ(btc->fills[0].trade_id, eth->fills[0].trade_id);
}

TEST_F(BinanceClientTest, balances_report_free_and_locked_per_currency) {
  ASSERT_TRUE(place(limit("nz-b-1", Side::sell, "0.5", "55000")).ok());
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_EQ(b->size(), 3u);
  for (const auto& bal : *b) {
    if (bal.currency() == "BTC") {
      EXPECT_EQ(bal.available(), dec("1.5"));
      EXPECT_EQ(bal.locked(), dec("0.5"));
      EXPECT_EQ(bal.total(), dec("2"));
    }
  }
}

TEST_F(BinanceClientTest, load_instruments_reads_filters_status_and_keeps_registry_ids) {
  auto c = config();
  c.symbols = {"BTCUSDT", "ETHUSDT"};
  auto client = make(c);
  auto r = await<std::vector<Instrument>>([&](auto cb) { client->load_instruments(cb); });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  const Instrument& btc = (*r)[0];
  EXPECT_EQ(btc.venue_symbol, "BTCUSDT");
  EXPECT_EQ(btc.ws_symbol, "btcusdt");
  EXPECT_EQ(btc.canonical, "BTC-USDT");
  EXPECT_EQ(btc.id, btc_);
  EXPECT_EQ(btc.tick_size, dec("0.01"));
  EXPECT_EQ(btc.lot_size, dec("0.00001"));
  EXPECT_EQ(btc.min_size, dec("0.00001"));
  EXPECT_EQ(btc.max_size, dec("9000"));
  EXPECT_EQ(btc.min_notional, dec("5"));
  EXPECT_EQ(btc.status, TradingStatus::trading);
  EXPECT_EQ((*r)[1].lot_size, dec("0.0001"));
  EXPECT_NE(sim_->requests().back().target.find("symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D"),
            std::string::npos);
}

TEST_F(BinanceClientTest, halted_symbol_is_loaded_as_halted) {
  sim::binance::SimSymbol s{"SOLUSDT", "SOL", "USDT"};
  s.status = "BREAK";
  sim_->add_symbol(s);
  auto r = await<std::vector<Instrument>>([&](auto cb) { client_->load_instruments(cb); });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  for (const auto& i : *r)
    if (i.venue_symbol == "SOLUSDT") {
      EXPECT_EQ(i.status, TradingStatus::halted);
    }
}

TEST_F(BinanceClientTest, server_time_measures_the_offset_used_for_timestamps) {
  sim_->set_clock_skew_ms(3000);
  auto t = await<Timestamp>([&](auto cb) { client_->server_time(cb); });
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->ms(), 1'700'000'003'000);
  EXPECT_EQ(client_->time_offset(), std::chrono::milliseconds(3000));
  ASSERT_TRUE(place(limit("nz-time-1", Side::buy, "0.01", "49000")).ok());
  EXPECT_NE(sim_->requests().back().target.find("timestamp=1700000003000"), std::string::npos);
}

TEST_F(BinanceClientTest, timestamp_outside_recv_window_resyncs_and_resends_once) {
  // The venue's clock is 20 s ahead: our first timestamp is outside recvWindow (-1021).
  sim_->set_clock_skew_ms(20'000);
  auto ack = place(limit("nz-r-1", Side::buy, "0.01", "49000"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(client_->resyncs(), 1u);
  EXPECT_EQ(sim_->time_rejections(), 1);
  EXPECT_EQ(sim_->place_requests("nz-r-1"), 2);  // the first was refused, not executed
  EXPECT_EQ(client_->time_offset(), std::chrono::milliseconds(20'000));
  // Later calls use the new offset: no more rejections.
  ASSERT_TRUE(place(limit("nz-r-2", Side::buy, "0.01", "49000")).ok());
  EXPECT_EQ(sim_->time_rejections(), 1);
}

TEST_F(BinanceClientTest, wrong_secret_is_auth_failed_with_binance_code) {
  auto bad = make(config(), "not-the-secret");
  auto r = place(limit("nz-x-1", Side::buy, "0.01", "49000"), bad.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(r.error().venue_code, "-1022");
  EXPECT_EQ(r.error().venue_text, "Signature for this request is not valid.");
  EXPECT_EQ(sim_->bad_signatures(), 1);
  EXPECT_FALSE(sim_->order("nz-x-1").has_value());
}

TEST_F(BinanceClientTest, used_weight_header_tightens_the_limiter) {
  sim_->set_used_weight_header(5990);
  auto t = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_TRUE(t.ok());
  auto avail = client_->limiter()->available("REQUEST_WEIGHT_1M");
  ASSERT_TRUE(avail.ok());
  EXPECT_LE(*avail, 10.0);
}

TEST_F(BinanceClientTest, retry_after_from_429_holds_the_next_call_until_it_passes) {
  sim::binance::Fault f;
  f.kind = sim::binance::FaultKind::rate_limited;
  f.retry_after_s = 3;
  sim_->script("GET /api/v3/account", f);
  auto first = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(client_->limiter()->retry_after_until(), clock_.now() + 3s);
  const auto before = sim_->request_count();
  auto p = std::make_shared<std::promise<Result<std::vector<domain::Balance>>>>();
  auto fut = p->get_future();
  client_->balances([p](auto r) { p->set_value(std::move(r)); });
  EXPECT_EQ(sim_->request_count(), before);  // held locally
  EXPECT_EQ(fut.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
  clock_.advance(3s);
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(fut.get().ok());
  EXPECT_EQ(sim_->request_count(), before + 1);
}

TEST_F(BinanceClientTest, ban_418_stops_every_call_until_it_ends) {
  sim::binance::Fault f;
  f.kind = sim::binance::FaultKind::banned;
  f.retry_after_s = 120;
  sim_->script("GET /api/v3/openOrders", f);
  auto first = await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_, cb); });
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::banned);
  EXPECT_EQ(first.error().venue_code, "-1003");
  const auto before = sim_->request_count();
  // Every endpoint is refused locally, nothing leaves.
  auto placed = place(limit("nz-ban-1", Side::buy, "0.01", "49000"));
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(placed.error().code, ErrorCode::banned);
  auto t = await<Timestamp>([&](auto cb) { client_->server_time(cb); });
  EXPECT_EQ(t.error().code, ErrorCode::banned);
  EXPECT_EQ(sim_->request_count(), before);
  EXPECT_EQ(sim_->place_requests("nz-ban-1"), 0);
  clock_.advance(121s);
  EXPECT_TRUE(place(limit("nz-ban-2", Side::buy, "0.01", "49000")).ok());
}

TEST_F(BinanceClientTest, connection_reset_after_a_place_was_sent_is_an_unknown_outcome) {
  sim::binance::Fault f;
  f.kind = sim::binance::FaultKind::reset;
  f.execute = true;  // the venue took the order, then the connection died
  sim_->script("POST /api/v3/order", f);
  auto r = place(limit("nz-rst-1", Side::buy, "0.01", "49000"));
  ASSERT_FALSE(r.ok());
  // The transport says the request was written and no answer came: kept as it is.
  EXPECT_EQ(r.error().delivery, Delivery::sent_no_answer) << r.error().to_string();
  EXPECT_TRUE(outcome_unknown(r.error()));
  EXPECT_FALSE(may_fall_back(r.error()));
  EXPECT_NE(r.error().message.find("nz-rst-1"), std::string::npos) << r.error().message;
  EXPECT_TRUE(sim_->order("nz-rst-1").has_value());
  // A query reset the same way carries the same delivery (harmless: a query changes nothing).
  sim_->script("GET /api/v3/account", f);
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().delivery, Delivery::sent_no_answer) << b.error().to_string();
}

TEST_F(BinanceClientTest, refused_connection_is_network_and_may_fall_back) {
  auto c = config();
  c.base_url = "http://127.0.0.1:" + std::to_string(testsupport::closed_port());
  auto client = make(c);
  auto r = place(limit("nz-ref-1", Side::buy, "0.01", "49000"), client.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::network) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::not_sent) << r.error().to_string();
  EXPECT_TRUE(may_fall_back(r.error()));
  expect_no_secret_in(r.error());
}

TEST_F(BinanceClientTest, request_validity_is_recv_window_plus_query_lag) {
  const auto v = client_->request_validity();
  EXPECT_EQ(v.window, 5s);
  EXPECT_EQ(v.query_lag, 1s);
  EXPECT_EQ(client_->venue(), Venue::binance);
}

TEST_F(BinanceClientTest, create_refuses_bad_configuration) {
  auto c = config();
  c.recv_window = 61s;
  EXPECT_FALSE(BinanceClient::create(net_, clock_, registry_, c, "s").ok());
  c = config();
  c.api_key.clear();
  EXPECT_FALSE(BinanceClient::create(net_, clock_, registry_, c, "s").ok());
  c = config();
  EXPECT_FALSE(BinanceClient::create(net_, clock_, registry_, c, "").ok());
  c.base_url = "ftp://x";
  EXPECT_FALSE(BinanceClient::create(net_, clock_, registry_, c, "s").ok());
}

TEST(BinanceStatusMapping, every_documented_status_maps) {
  EXPECT_EQ(parse_order_status("NEW"), VenueOrderStatus::open);
  EXPECT_EQ(parse_order_status("PENDING_NEW"), VenueOrderStatus::open);
  EXPECT_EQ(parse_order_status("PARTIALLY_FILLED"), VenueOrderStatus::partially_filled);
  EXPECT_EQ(parse_order_status("FILLED"), VenueOrderStatus::filled);
  EXPECT_EQ(parse_order_status("CANCELED"), VenueOrderStatus::cancelled);
  EXPECT_EQ(parse_order_status("PENDING_CANCEL"), VenueOrderStatus::open);
  EXPECT_EQ(parse_order_status("REJECTED"), VenueOrderStatus::rejected);
  EXPECT_EQ(parse_order_status("EXPIRED"), VenueOrderStatus::expired);
  EXPECT_EQ(parse_order_status("EXPIRED_IN_MATCH"), VenueOrderStatus::expired);
  EXPECT_FALSE(parse_order_status("WHATEVER").has_value());
}

TEST(BinanceErrorClassification, codes_map_to_what_they_mean_for_money) {
  EXPECT_EQ(
      classify_binance_error(400, -2010, "Account has insufficient balance for requested action."),
      ErrorCode::insufficient_balance);
  EXPECT_EQ(classify_binance_error(400, -2010, "Order would immediately match and take."),
            ErrorCode::rejected);
  EXPECT_EQ(classify_binance_error(400, -2011, "Unknown order sent."), ErrorCode::not_found);
  EXPECT_EQ(classify_binance_error(400, -2011, "Order was canceled or expired."),
            ErrorCode::rejected);
  EXPECT_EQ(classify_binance_error(400, -2013, "Order does not exist."), ErrorCode::not_found);
  EXPECT_EQ(classify_binance_error(400, -1022, ""), ErrorCode::auth_failed);
  EXPECT_EQ(classify_binance_error(401, -2015, ""), ErrorCode::auth_failed);
  EXPECT_EQ(classify_binance_error(400, -1013, "Filter failure: LOT_SIZE"),
            ErrorCode::invalid_argument);
  EXPECT_EQ(classify_binance_error(400, -1111, ""), ErrorCode::precision);
  EXPECT_EQ(classify_binance_error(429, -1003, ""), ErrorCode::rate_limited);
  EXPECT_EQ(classify_binance_error(400, -1015, ""), ErrorCode::rate_limited);
  EXPECT_EQ(classify_binance_error(503, -1007, ""), ErrorCode::timeout);
  EXPECT_EQ(classify_binance_error(400, -1021, ""), ErrorCode::rejected);
}

}  // namespace
}  // namespace nzeza::venues::binance::test
