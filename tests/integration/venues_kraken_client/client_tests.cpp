// KrakenClient against the simulator: what each call sends and how each answer is read.

#include <map>

#include "kraken_fixture.hpp"

namespace nzeza::venues::kraken::test {
namespace {

std::map<std::string, std::string> form_of(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    const auto amp = body.find('&', pos);
    const std::string kv =
        body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    const auto eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

testsupport::HttpSeen last_private(KrakenSim& sim, const std::string& method) {
  auto reqs = sim.requests();
  for (auto it = reqs.rbegin(); it != reqs.rend(); ++it)
    if (it->target == "/0/private/" + method) return *it;
  return {};
}

TEST_F(KrakenClientTest, place_limit_sends_signed_form_with_client_id_and_deadline_and_rests) {
  const auto s = spec(7, domain::OrderType::limit, Side::buy, "0.015", "41000.5");
  auto ack = place(s);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  const auto seen = last_private(*sim_, "AddOrder");
  EXPECT_EQ(seen.header("API-Key"), kKey);
  EXPECT_EQ(seen.header("Content-Type").rfind("application/x-www-form-urlencoded", 0), 0u);
  auto f = form_of(seen.body);
  EXPECT_EQ(f["ordertype"], "limit");
  EXPECT_EQ(f["type"], "buy");
  EXPECT_EQ(f["volume"], "0.015");
  EXPECT_EQ(f["pair"], "XXBTZUSD");
  EXPECT_EQ(f["price"], "41000.5");
  EXPECT_EQ(f["timeinforce"], "GTC");
  EXPECT_EQ(f["cl_ord_id"], s.client_order_id.text);
  // deadline = now + 5 s, RFC 3339 (':' form-escaped).
  EXPECT_EQ(f["deadline"], "2023-11-14T22%3A13%3A25Z");
  EXPECT_EQ(seen.body.rfind("nonce=", 0), 0u);
  EXPECT_EQ(ack->client_order_id, s.client_order_id.text);
  EXPECT_EQ(ack->report.status, domain::VenueOrderStatus::open);
  auto rested = sim_->order(ack->venue_order_id);
  ASSERT_TRUE(rested);
  EXPECT_EQ(rested->status, "open");
  EXPECT_EQ(rested->cl_ord_id, s.client_order_id.text);
  EXPECT_EQ(rested->vol, D("0.015"));
  EXPECT_EQ(client().request_validity().window, 5s);
}

TEST_F(KrakenClientTest, post_only_sends_oflags_post_and_ioc_sends_timeinforce) {
  auto po = spec(8, domain::OrderType::limit, Side::sell, "0.01", "60000");
  po.time_in_force = domain::TimeInForce::post_only;
  ASSERT_TRUE(place(po).ok());
  auto f = form_of(last_private(*sim_, "AddOrder").body);
  EXPECT_EQ(f["oflags"], "post");
  auto ioc = spec(9, domain::OrderType::limit, Side::sell, "0.01", "60000");
  ioc.time_in_force = domain::TimeInForce::ioc;
  ASSERT_TRUE(place(ioc).ok());
  EXPECT_EQ(form_of(last_private(*sim_, "AddOrder").body)["timeinforce"], "IOC");
}

TEST_F(KrakenClientTest, fok_and_foreign_instrument_are_refused_before_sending) {
  auto fok = spec(10, domain::OrderType::limit, Side::buy, "0.01", "40000");
  fok.time_in_force = domain::TimeInForce::fok;
  auto r = place(fok);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  auto bad = spec(11, domain::OrderType::limit, Side::buy, "0.01", "40000");
  bad.instrument = InstrumentId{999};
  EXPECT_EQ(place(bad).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(sim_->stats().private_requests, 0u);
}

TEST_F(KrakenClientTest, venue_refusal_keeps_code_and_text_and_places_nothing) {
  auto r = place(spec(12, domain::OrderType::limit, Side::buy, "100", "40000"));  // 4M USD
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(r.error().venue_code, "EOrder:Insufficient funds");
  EXPECT_EQ(r.error().venue_text, "EOrder:Insufficient funds");
  EXPECT_TRUE(sim_->orders().empty());
  auto small = place(spec(13, domain::OrderType::limit, Side::buy, "0.00001", "40000"));
  EXPECT_EQ(small.error().venue_code, "EOrder:Order minimum not met");
  EXPECT_EQ(small.error().code, ErrorCode::invalid_argument);
}

TEST_F(KrakenClientTest, market_order_fills_and_fills_since_reports_it_exactly) {
  const auto t0 = clock_.now();
  auto ack = place(spec(14, domain::OrderType::market, Side::buy, "0.1"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  Waiter<std::vector<domain::Fill>> w;
  client().fills_since(t0, std::nullopt, w.cb());
  auto fills = w.get();
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 1u);
  const auto& f = fills->front();
  EXPECT_EQ(f.instrument, btc_);
  EXPECT_EQ(f.side, Side::buy);
  EXPECT_EQ(f.price, D("50000"));
  EXPECT_EQ(f.quantity, D("0.1"));
  EXPECT_EQ(f.fee, D("13"));  // 5000 * 0.0026
  EXPECT_EQ(f.fee_currency, "USD");
  EXPECT_EQ(f.liquidity, domain::Liquidity::taker);
  EXPECT_EQ(f.client_order_id, ack->client_order_id);  // learnt from our own place
  EXPECT_EQ(f.time, t0);
  // Nothing after the fill's time + 1 s.
  Waiter<std::vector<domain::Fill>> later;
  client().fills_since(t0 + 1s, std::nullopt, later.cb());
  EXPECT_TRUE(later.get()->empty());
}

TEST_F(KrakenClientTest, fills_since_pages_through_more_than_fifty_trades_oldest_first) {
  auto ack = rest_buy(15, "1", "40000");
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(sim_->fill(ack.venue_order_id, D("0.01"), D("40000"), true));
    clock_.advance(1ms);
  }
  Waiter<std::vector<domain::Fill>> w;
  client().fills_since(clock_.now() - 1h, btc_, w.cb());
  auto fills = w.get();
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 60u);
  for (std::size_t i = 1; i < fills->size(); ++i) EXPECT_LE((*fills)[i - 1].time, (*fills)[i].time);
  EXPECT_EQ(fills->front().liquidity, domain::Liquidity::maker);
}

TEST_F(KrakenClientTest, cancel_by_txid_and_by_client_id_and_unknown_is_not_found) {
  auto a = rest_buy(16);
  auto b = rest_buy(17);
  Waiter<CancelAck> w1;
  client().cancel(OrderRef{a.venue_order_id, "", btc_}, w1.cb());
  auto c1 = w1.get();
  ASSERT_TRUE(c1.ok()) << c1.error().to_string();
  EXPECT_EQ(c1->report.status, domain::VenueOrderStatus::cancelled);
  EXPECT_EQ(sim_->order(a.venue_order_id)->status, "canceled");
  Waiter<CancelAck> w2;
  client().cancel(OrderRef{"", b.client_order_id, btc_}, w2.cb());
  ASSERT_TRUE(w2.get().ok());
  EXPECT_EQ(form_of(last_private(*sim_, "CancelOrder").body)["cl_ord_id"], b.client_order_id);
  EXPECT_EQ(sim_->order(b.venue_order_id)->status, "canceled");
  Waiter<CancelAck> w3;
  client().cancel(OrderRef{a.venue_order_id, "", btc_}, w3.cb());
  auto c3 = w3.get();
  ASSERT_FALSE(c3.ok());
  EXPECT_EQ(c3.error().code, ErrorCode::not_found);
  EXPECT_EQ(c3.error().venue_code, "EOrder:Unknown order");
}

TEST_F(KrakenClientTest, cancel_all_everything_and_per_instrument) {
  rest_buy(18);
  rest_buy(19);
  auto eth = spec(20, domain::OrderType::limit, Side::buy, "0.5", "2000");
  eth.instrument = eth_;
  ASSERT_TRUE(place(eth).ok());
  Waiter<CancelAllAck> w;
  client().cancel_all(btc_, w.cb());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->cancelled.size(), 2u);
  EXPECT_EQ(sim_->order_by_client_id(eth.client_order_id.text)->status, "open");
  Waiter<CancelAllAck> all;
  client().cancel_all(std::nullopt, all.cb());
  ASSERT_TRUE(all.get().ok());
  for (const auto& o : sim_->orders()) EXPECT_EQ(o.status, "canceled");
}

TEST_F(KrakenClientTest, status_by_txid_and_by_client_id_open_partial_and_filled) {
  auto a = rest_buy(21, "0.02", "40000");
  ASSERT_TRUE(sim_->fill(a.venue_order_id, D("0.005"), D("40000")));
  Waiter<VenueOrder> w;
  client().order_status(OrderRef{a.venue_order_id, "", btc_}, w.cb());
  auto o = w.get();
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->report.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(o->report.cumulative_filled, D("0.005"));
  EXPECT_EQ(o->report.average_price, D("40000"));
  EXPECT_EQ(o->quantity, D("0.02"));
  EXPECT_EQ(o->price, D("40000"));
  EXPECT_EQ(o->instrument, btc_);
  EXPECT_EQ(o->client_order_id, a.client_order_id);
  ASSERT_TRUE(sim_->fill(a.venue_order_id, D("0.015"), D("40000")));
  Waiter<VenueOrder> byid;
  client().order_status(OrderRef{"", a.client_order_id, btc_}, byid.cb());
  auto closed = byid.get();
  ASSERT_TRUE(closed.ok()) << closed.error().to_string();
  EXPECT_EQ(closed->report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(closed->report.venue_order_id, a.venue_order_id);
  Waiter<VenueOrder> none;
  client().order_status(OrderRef{"", "nt1zzzz", btc_}, none.cb());
  EXPECT_EQ(none.get().error().code, ErrorCode::not_found);
}

TEST_F(KrakenClientTest, open_orders_lists_resting_orders_and_filters_by_instrument) {
  rest_buy(22);
  auto eth = spec(23, domain::OrderType::limit, Side::buy, "0.5", "2000");
  eth.instrument = eth_;
  ASSERT_TRUE(place(eth).ok());
  // The client learns the altname aliases (XBTUSD, ETHUSD) from AssetPairs.
  Waiter<std::vector<Instrument>> meta;
  client().load_instruments(meta.cb());
  ASSERT_TRUE(meta.get().ok());
  Waiter<std::vector<VenueOrder>> all;
  client().open_orders(std::nullopt, all.cb());
  auto r = all.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->size(), 2u);
  Waiter<std::vector<VenueOrder>> eth_only;
  client().open_orders(eth_, eth_only.cb());
  auto e = eth_only.get();
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->size(), 1u);
  EXPECT_EQ(e->front().client_order_id, eth.client_order_id.text);
  EXPECT_EQ(e->front().price, D("2000"));
}

TEST_F(KrakenClientTest, balances_map_kraken_asset_names_and_hold_to_locked) {
  rest_buy(24, "0.5", "40000");  // holds 20000 USD
  Waiter<std::vector<domain::Balance>> w;
  client().balances(w.cb());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  std::map<std::string, domain::Balance> by;
  for (const auto& b : *r) by.emplace(b.currency(), b);
  ASSERT_TRUE(by.count("USD"));
  ASSERT_TRUE(by.count("BTC"));
  EXPECT_EQ(by.at("USD").total(), D("100000"));
  EXPECT_EQ(by.at("USD").locked(), D("20000"));
  EXPECT_EQ(by.at("USD").available(), D("80000"));
  EXPECT_EQ(by.at("BTC").available(), D("2"));
  EXPECT_EQ(by.count("ZUSD"), 0u);
}

TEST_F(KrakenClientTest, load_instruments_reads_tick_lot_minimums_and_status) {
  SimPair halted;
  halted.key = "XLTCZUSD";
  halted.altname = "LTCUSD";
  halted.wsname = "LTC/USD";
  halted.base = "XLTC";
  halted.status = "cancel_only";
  sim_->add_pair(halted);
  Waiter<std::vector<Instrument>> w;
  client().load_instruments(w.cb());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  std::map<std::string, Instrument> by;
  for (const auto& i : *r) by.emplace(i.venue_symbol, i);
  const auto& btc = by.at("XXBTZUSD");
  EXPECT_EQ(btc.canonical, "BTC-USD");
  EXPECT_EQ(btc.ws_symbol, "BTC/USD");
  EXPECT_EQ(btc.base, "BTC");
  EXPECT_EQ(btc.quote, "USD");
  EXPECT_EQ(btc.tick_size, D("0.1"));
  EXPECT_EQ(btc.lot_size, D("0.00000001"));
  EXPECT_EQ(btc.min_size, D("0.0001"));
  EXPECT_EQ(btc.min_notional, D("0.5"));
  EXPECT_EQ(btc.status, TradingStatus::trading);
  EXPECT_EQ(btc.id, btc_);  // already in the registry: same id
  EXPECT_EQ(by.at("XETHZUSD").tick_size, D("0.01"));
  EXPECT_EQ(by.at("XLTCZUSD").status, TradingStatus::cancel_only);
  // Restricted to the configured symbols.
  auto c = config();
  c.symbols = {"XBTUSD"};
  auto only = make(c);
  Waiter<std::vector<Instrument>> w2;
  only->load_instruments(w2.cb());
  auto r2 = w2.get();
  ASSERT_TRUE(r2.ok());
  ASSERT_EQ(r2->size(), 1u);
  EXPECT_EQ(r2->front().venue_symbol, "XXBTZUSD");
}

TEST_F(KrakenClientTest, load_instruments_accepts_a_nine_decimal_tick_beside_the_other_pairs) {
  // PEPE/USD and SHIB/USD quote with pair_decimals 9 (docs/domain.md "Decimal range").
  SimPair pepe;
  pepe.key = "PEPEUSD";
  pepe.altname = "PEPEUSD";
  pepe.wsname = "PEPE/USD";
  pepe.base = "PEPE";
  pepe.v2_symbol = "PEPE/USD";
  pepe.tick_size = "0.000000001";
  pepe.pair_decimals = 9;
  pepe.lot_decimals = 2;
  pepe.ordermin = "2500000";
  pepe.market_price = D("0.000012345");
  sim_->add_pair(pepe);
  Waiter<std::vector<Instrument>> w;
  client().load_instruments(w.cb());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  std::map<std::string, Instrument> by;
  for (const auto& i : *r) by.emplace(i.venue_symbol, i);
  const auto& p = by.at("PEPEUSD");
  EXPECT_EQ(p.tick_size.to_string(), "0.000000001");
  EXPECT_EQ(p.lot_size, D("0.01"));
  EXPECT_EQ(p.min_size, D("2500000"));
  EXPECT_TRUE(D("0.000012345").is_multiple_of(p.tick_size));
  EXPECT_EQ(by.at("XXBTZUSD").tick_size, D("0.1"));
}

TEST_F(KrakenClientTest, server_time_reads_unixtime) {
  sim_->set_server_time(1'700'000'123);
  Waiter<Timestamp> w;
  client().server_time(w.cb());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, Timestamp::from_seconds(1'700'000'123));
}

TEST_F(KrakenClientTest, wrong_secret_is_refused_by_the_simulators_own_verification) {
  auto bad = make(config(), "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZy1zZWNyZXQtd3Jvbmctc2VjcmV0");
  Waiter<std::vector<domain::Balance>> w;
  bad->balances(w.cb());
  auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(r.error().venue_code, "EAPI:Invalid signature");
  EXPECT_EQ(sim_->stats().bad_signatures, 1u);
}

TEST_F(KrakenClientTest, gateway_502_after_booking_is_unknown_and_names_the_client_order_id) {
  SimFault f;
  f.kind = SimFaultKind::http_status;
  f.status = 502;
  f.text = "bad gateway";
  f.execute_first = true;
  sim_->fail_next("AddOrder", f);
  const std::string cl = codec_.encode(Venue::kraken, 25)->text;
  auto r = place(spec(25, domain::OrderType::limit, Side::buy, "0.01", "40000"));
  ASSERT_FALSE(r.ok());
  // The transport's verdict is kept: no code forced, no text matched.
  EXPECT_EQ(r.error().delivery, Delivery::answer_unknown);
  EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown);
  EXPECT_FALSE(may_fall_back(r.error()));
  EXPECT_EQ(r.error().venue_code, "502");
  EXPECT_NE(r.error().message.find("cl_ord_id " + cl), std::string::npos) << r.error().message;
  EXPECT_TRUE(sim_->order_by_client_id(cl));
  EXPECT_EQ(sim_->add_order_requests(cl), 1u);
}

TEST_F(KrakenClientTest, service_busy_answer_to_an_order_is_unknown_but_to_a_read_is_unavailable) {
  // Kraken does not document EService:* answers as "not processed": for an order it is unknown.
  for (const char* text : {"EService:Busy", "EService:Unavailable", "EGeneral:Internal error"}) {
    SimFault f;
    f.kind = SimFaultKind::venue_error;
    f.text = text;
    sim_->fail_next("AddOrder", f);
    const auto s = spec(26, domain::OrderType::limit, Side::buy, "0.01", "40000");
    auto r = place(s);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().venue_code, text);
    EXPECT_EQ(r.error().delivery, Delivery::answer_unknown) << text;
    EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown) << text;
    EXPECT_NE(r.error().message.find(s.client_order_id.text), std::string::npos);
  }
  SimFault f;
  f.kind = SimFaultKind::venue_error;
  f.text = "EService:Busy";
  sim_->fail_next("CancelOrder", f);
  Waiter<CancelAck> c;
  client().cancel(OrderRef{"OABC-1", "", btc_}, c.cb());
  auto cr = c.get();
  ASSERT_FALSE(cr.ok());
  EXPECT_EQ(classify(cr.error()), FailureClass::outcome_unknown);
  EXPECT_NE(cr.error().message.find("OABC-1"), std::string::npos) << cr.error().message;
  // A balance query changes nothing: the code decides (the venue is unavailable).
  sim_->fail_next("BalanceEx", f);
  Waiter<std::vector<domain::Balance>> b;
  client().balances(b.cb());
  auto br = b.get();
  ASSERT_FALSE(br.ok());
  EXPECT_EQ(br.error().code, ErrorCode::unavailable);
  EXPECT_EQ(br.error().delivery, Delivery::none);
}

TEST_F(KrakenClientTest, http_5xx_carrying_a_documented_kraken_refusal_is_that_refusal) {
  SimFault f;
  f.kind = SimFaultKind::http_status;
  f.status = 500;
  f.text = R"({"error":["EOrder:Insufficient funds"],"result":{}})";
  sim_->fail_next("AddOrder", f);
  auto r = place(spec(27, domain::OrderType::limit, Side::buy, "0.01", "40000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(r.error().delivery, Delivery::none);
  EXPECT_EQ(classify(r.error()), FailureClass::refused_by_venue);
  EXPECT_EQ(r.error().venue_code, "EOrder:Insufficient funds");
  // The same status with a service error inside stays unknown.
  f.text = R"({"error":["EService:Unavailable"],"result":{}})";
  sim_->fail_next("AddOrder", f);
  auto u = place(spec(28, domain::OrderType::limit, Side::buy, "0.01", "40000"));
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().delivery, Delivery::answer_unknown);
  EXPECT_EQ(classify(u.error()), FailureClass::outcome_unknown);
}

TEST_F(KrakenClientTest, only_documented_refusals_prove_a_request_was_not_processed) {
  for (const char* e :
       {"EOrder:Insufficient funds", "EOrder:Rate limit exceeded", "EAPI:Invalid nonce",
        "EAPI:Rate limit exceeded", "EGeneral:Temporary lockout",
        "EGeneral:Invalid arguments:volume", "EQuery:Unknown asset pair", "EOrder:Unknown order"})
    EXPECT_TRUE(kraken_error_proves_not_processed(e)) << e;
  for (const char* e : {"EService:Unavailable", "EService:Busy", "EService:Deadline elapsed",
                        "EService:Throttled: 1700000000", "EService:Market in cancel_only mode",
                        "EGeneral:Internal error", "EGeneral:Internal error:1234",
                        "EDatabase:Internal error", "", "garbage", "WGeneral:Danger"})
    EXPECT_FALSE(kraken_error_proves_not_processed(e)) << e;
}

TEST_F(KrakenClientTest, throttled_until_a_time_holds_every_request_until_then) {
  SimFault f;
  f.kind = SimFaultKind::venue_error;
  f.text = "EService:Throttled: " + std::to_string(clock_.now().seconds() + 30);
  sim_->fail_next("BalanceEx", f);
  Waiter<std::vector<domain::Balance>> w;
  client().balances(w.cb());
  auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(r.error().venue_code, "EService:Throttled");
  EXPECT_EQ(client().rest_limiter().retry_after_until(), clock_.now() + 30s);
}

TEST_F(KrakenClientTest, rest_counter_holds_the_call_above_its_capacity_until_it_decays) {
  auto c = config();
  c.rest_counter_max = 2;
  c.rest_counter_decay = 0.5;  // 2 s per call
  auto limited = make(c);
  Waiter<std::vector<domain::Balance>> a, b, third;
  limited->balances(a.cb());
  limited->balances(b.cb());
  ASSERT_TRUE(a.get().ok());
  ASSERT_TRUE(b.get().ok());
  limited->balances(third.cb());
  EXPECT_FALSE(third.ready());
  EXPECT_EQ(sim_->stats().private_requests, 2u);
  clock_.advance(2s);
  ASSERT_TRUE(third.get().ok());
  EXPECT_EQ(sim_->stats().private_requests, 3u);
}

TEST_F(KrakenClientTest, cancelling_a_young_order_costs_eight_on_the_pair_trading_counter) {
  auto c = config();
  c.trading_counter_max = 10;  // place 1 + 1, then one cancel of a < 5 s old order (8) fits
  c.trading_counter_decay = 1.0;
  client_ = make(c);
  auto a = rest_buy(30);
  auto b = rest_buy(31);
  auto cancels = [&] {
    std::size_t n = 0;
    for (const auto& r : sim_->requests()) n += r.target == "/0/private/CancelOrder";
    return n;
  };
  Waiter<CancelAck> first;
  client().cancel(OrderRef{a.venue_order_id, "", btc_}, first.cb());
  ASSERT_TRUE(first.get().ok());
  Waiter<CancelAck> second;
  client().cancel(OrderRef{b.venue_order_id, "", btc_}, second.cb());
  EXPECT_FALSE(second.ready());  // the counter is at 10: 8 more must decay first
  EXPECT_EQ(cancels(), 1u);
  clock_.advance(7s);
  EXPECT_FALSE(second.ready());
  clock_.advance(1s);
  ASSERT_TRUE(second.get().ok());
  EXPECT_EQ(cancels(), 2u);
}

TEST_F(KrakenClientTest, error_codes_map_by_prefix) {
  EXPECT_EQ(kraken_error_code("EOrder:Insufficient funds"), ErrorCode::insufficient_balance);
  EXPECT_EQ(kraken_error_code("EAPI:Invalid nonce"), ErrorCode::auth_failed);
  EXPECT_EQ(kraken_error_code("EAPI:Rate limit exceeded"), ErrorCode::rate_limited);
  EXPECT_EQ(kraken_error_code("EOrder:Domain rate limit exceeded"), ErrorCode::rate_limited);
  EXPECT_EQ(kraken_error_code("EService:Throttled: 1700000000"), ErrorCode::rate_limited);
  EXPECT_EQ(kraken_error_code("EService:Deadline elapsed"), ErrorCode::unavailable);
  EXPECT_EQ(kraken_error_code("EGeneral:Invalid arguments:volume"), ErrorCode::invalid_argument);
  EXPECT_EQ(kraken_error_code("EGeneral:Internal error"), ErrorCode::internal);
  EXPECT_EQ(kraken_error_code("EOrder:Something new"), ErrorCode::rejected);
  EXPECT_EQ(normalize_asset("XXBT"), "BTC");
  EXPECT_EQ(normalize_asset("ZUSD"), "USD");
  EXPECT_EQ(normalize_asset("XXDG"), "DOGE");
  EXPECT_EQ(normalize_asset("XBT.F"), "BTC.F");
  EXPECT_EQ(normalize_asset("USDT"), "USDT");
}

}  // namespace
}  // namespace nzeza::venues::kraken::test
