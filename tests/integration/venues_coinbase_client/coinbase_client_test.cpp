// The Coinbase client against the loopback simulator: every operation's happy path with real
// values, the venue's refusals kept verbatim, and the JWT checks of the simulator (expired, not
// yet valid, wrong key) refusing with 401.

#include <map>
#include <set>
#include <thread>

#include "coinbase_fixture.hpp"
#include "support/test_pki.hpp"

namespace nzeza::venues::coinbase::test {
namespace {

using domain::OrderType;
using domain::TimeInForce;
using domain::VenueOrderStatus;
using testsupport::wait_until;

using CoinbaseClientTest = CoinbaseClientFixture;

TEST_F(CoinbaseClientTest, limit_gtc_rests_and_carries_the_client_order_id) {
  auto ack = place(limit("nz-t-1", Side::buy, "0.01", "49000.00"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->client_order_id, "nz-t-1");
  EXPECT_FALSE(ack->venue_order_id.empty());
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  auto o = sim_->order_by_client_id("nz-t-1");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->order_id, ack->venue_order_id);
  EXPECT_EQ(o->configuration, "limit_limit_gtc");
  EXPECT_EQ(o->limit_price, dec("49000"));
  EXPECT_EQ(o->base_size, dec("0.01"));
  EXPECT_FALSE(o->post_only);
  EXPECT_EQ(o->status, "OPEN");
  EXPECT_TRUE(sim_->auth_failures().empty());
  // The body as Coinbase documents it.
  const auto reqs = sim_->requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back().body, R"({"client_order_id":"nz-t-1","product_id":"BTC-USD","side":"BUY",)"
                              R"("order_configuration":{"limit_limit_gtc":{"base_size":"0.01",)"
                              R"("limit_price":"49000","post_only":false}}})");
  EXPECT_TRUE(reqs.back().header("Authorization").starts_with("Bearer ey"));
}

TEST_F(CoinbaseClientTest, order_types_map_to_their_order_configuration) {
  ASSERT_TRUE(place(limit("nz-t-po", Side::buy, "0.01", "40000", TimeInForce::post_only)).ok());
  ASSERT_TRUE(place(limit("nz-t-ioc", Side::buy, "0.01", "40000", TimeInForce::ioc)).ok());
  ASSERT_TRUE(place(limit("nz-t-fok", Side::buy, "0.01", "40000", TimeInForce::fok)).ok());
  ASSERT_TRUE(place(spec("nz-t-mkt", Side::buy, OrderType::market, "0.01")).ok());
  auto stop = spec("nz-t-stop", Side::sell, OrderType::stop_limit, "0.01", "44000");
  stop.stop_price = dec("45000");
  ASSERT_TRUE(place(stop).ok());
  EXPECT_EQ(sim_->order_by_client_id("nz-t-po")->configuration, "limit_limit_gtc");
  EXPECT_TRUE(sim_->order_by_client_id("nz-t-po")->post_only);
  EXPECT_EQ(sim_->order_by_client_id("nz-t-ioc")->configuration, "sor_limit_ioc");
  EXPECT_EQ(sim_->order_by_client_id("nz-t-ioc")->status, "EXPIRED");  // not marketable
  EXPECT_EQ(sim_->order_by_client_id("nz-t-fok")->configuration, "limit_limit_fok");
  EXPECT_EQ(sim_->order_by_client_id("nz-t-mkt")->configuration, "market_market_ioc");
  EXPECT_EQ(sim_->order_by_client_id("nz-t-mkt")->status, "FILLED");
  auto s = sim_->order_by_client_id("nz-t-stop");
  EXPECT_EQ(s->configuration, "stop_limit_stop_limit_gtc");
  EXPECT_EQ(s->stop_price, dec("45000"));
  EXPECT_EQ(s->limit_price, dec("44000"));
}

TEST_F(CoinbaseClientTest, inexpressible_orders_are_refused_before_sending) {
  auto reduce = limit("nz-t-ro", Side::sell, "0.01", "60000");
  reduce.reduce_only = true;
  auto r = place(reduce);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  auto stop = spec("nz-t-st", Side::sell, OrderType::stop, "0.01");
  stop.stop_price = dec("45000");
  EXPECT_EQ(place(stop).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(sim_->place_requests(), 0u);
}

TEST_F(CoinbaseClientTest, success_false_keeps_the_failure_reason_verbatim) {
  auto r = place(limit("nz-t-big", Side::buy, "10", "49000"));  // 490000 USD > 100000
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(r.error().venue_code, "INSUFFICIENT_FUND");
  EXPECT_EQ(r.error().venue_text, "Insufficient balance in source account");
  auto p = place(limit("nz-t-prec", Side::buy, "0.01", "49000.005"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::precision);
  EXPECT_EQ(p.error().venue_code, "INVALID_PRICE_PRECISION");
  EXPECT_EQ(p.error().venue_text, "Invalid price precision");
  EXPECT_FALSE(sim_->order_by_client_id("nz-t-big").has_value());
}

TEST_F(CoinbaseClientTest, concurrent_places_from_several_threads_are_each_sent_once) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        auto r = place(limit("nz-c-" + std::to_string(t) + "-" + std::to_string(i), Side::buy,
                             "0.001", "40000"));
        if (r.ok()) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12);
  EXPECT_EQ(sim_->orders().size(), 12u);
  EXPECT_EQ(sim_->place_requests(), 12u);
  EXPECT_TRUE(sim_->auth_failures().empty());
}

TEST_F(CoinbaseClientTest, reused_client_order_id_returns_the_original_order) {
  auto a = place(limit("nz-t-dup", Side::buy, "0.01", "49000"));
  auto b = place(limit("nz-t-dup", Side::buy, "0.01", "49000"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->venue_order_id, b->venue_order_id);
  EXPECT_EQ(sim_->orders().size(), 1u);
}

TEST_F(CoinbaseClientTest, cancel_by_venue_id_and_by_client_id) {
  auto a = place(limit("nz-t-c1", Side::buy, "0.01", "49000"));
  auto b = place(limit("nz-t-c2", Side::buy, "0.01", "48000"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto c1 = await<CancelAck>([&](auto cb) {
    client_->cancel(OrderRef{a->venue_order_id, "", btc_}, cb);
  });
  ASSERT_TRUE(c1.ok()) << c1.error().to_string();
  EXPECT_EQ(c1->client_order_id, "nz-t-c1");
  EXPECT_EQ(c1->report.status, VenueOrderStatus::cancelled);
  auto c2 = await<CancelAck>([&](auto cb) { client_->cancel(OrderRef{"", "nz-t-c2", btc_}, cb); });
  ASSERT_TRUE(c2.ok()) << c2.error().to_string();
  EXPECT_EQ(c2->venue_order_id, b->venue_order_id);
  EXPECT_EQ(sim_->order_by_client_id("nz-t-c1")->status, "CANCELLED");
  EXPECT_EQ(sim_->order_by_client_id("nz-t-c2")->status, "CANCELLED");
  // Cancelling again: the venue's reason, verbatim.
  auto again = await<CancelAck>([&](auto cb) {
    client_->cancel(OrderRef{a->venue_order_id, "", btc_}, cb);
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::not_found);
  EXPECT_EQ(again.error().venue_code, "UNKNOWN_CANCEL_ORDER");
}

TEST_F(CoinbaseClientTest, cancel_all_cancels_every_open_order_of_one_product) {
  ASSERT_TRUE(place(limit("nz-t-a1", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(place(limit("nz-t-a2", Side::sell, "0.01", "52000")).ok());
  auto eth = limit("nz-t-a3", Side::buy, "0.1", "2900");
  eth.instrument = eth_;
  ASSERT_TRUE(place(eth).ok());
  auto r = await<CancelAllAck>([&](auto cb) { client_->cancel_all(btc_, cb); });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  std::set<std::string> ids;
  for (const auto& c : r->cancelled) ids.insert(c.client_order_id);
  EXPECT_EQ(ids, (std::set<std::string>{"nz-t-a1", "nz-t-a2"}));
  EXPECT_EQ(sim_->order_by_client_id("nz-t-a3")->status, "OPEN");
}

TEST_F(CoinbaseClientTest, amend_edits_price_and_size_of_a_resting_order) {
  auto a = place(limit("nz-t-e", Side::buy, "0.01", "49000"));
  ASSERT_TRUE(a.ok());
  AmendRequest req{OrderRef{"", "nz-t-e", btc_}, dec("49500"), dec("0.02")};
  auto r = await<PlaceAck>([&](auto cb) { client_->amend(req, cb); });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->venue_order_id, a->venue_order_id);
  auto o = sim_->order_by_client_id("nz-t-e");
  EXPECT_EQ(o->limit_price, dec("49500"));
  EXPECT_EQ(o->base_size, dec("0.02"));
  AmendRequest bad{OrderRef{a->venue_order_id, "", btc_}, dec("49500.001"), std::nullopt};
  auto refused = await<PlaceAck>([&](auto cb) { client_->amend(bad, cb); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().venue_code, "INVALID_EDITED_PRICE");
}

TEST_F(CoinbaseClientTest, order_status_by_venue_id_and_by_client_id_reads_fills) {
  auto a = place(limit("nz-t-s", Side::buy, "0.02", "49000"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(sim_->fill(a->venue_order_id, dec("0.005")));
  auto by_id = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{a->venue_order_id, "", btc_}, cb);
  });
  ASSERT_TRUE(by_id.ok()) << by_id.error().to_string();
  EXPECT_EQ(by_id->client_order_id, "nz-t-s");
  EXPECT_EQ(by_id->instrument, btc_);
  EXPECT_EQ(by_id->side, Side::buy);
  EXPECT_EQ(by_id->type, OrderType::limit);
  EXPECT_EQ(by_id->quantity, dec("0.02"));
  EXPECT_EQ(by_id->price, dec("49000"));
  EXPECT_EQ(by_id->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(by_id->report.cumulative_filled, dec("0.005"));
  EXPECT_EQ(by_id->report.average_price, dec("49000"));
  auto by_cid = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-t-s", btc_}, cb);
  });
  ASSERT_TRUE(by_cid.ok()) << by_cid.error().to_string();
  EXPECT_EQ(by_cid->report.venue_order_id, a->venue_order_id);
  auto missing = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-t-none", btc_}, cb);
  });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  auto missing_id = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"no-such-id", "", btc_}, cb);
  });
  ASSERT_FALSE(missing_id.ok());
  EXPECT_EQ(missing_id.error().code, ErrorCode::not_found);
  EXPECT_EQ(missing_id.error().venue_code, "NOT_FOUND");
}

TEST_F(CoinbaseClientTest, status_by_client_id_pages_through_the_order_list) {
  CoinbaseConfig c = config();
  c.page_limit = 3;
  client_ = make(key_.private_key, kKeyName, c);
  for (int i = 0; i < 8; ++i)  // three pages of three
    ASSERT_TRUE(place(limit("nz-t-p" + std::to_string(i), Side::buy, "0.0001", "40000")).ok());
  clock_.advance(1s);  // the rate limiter's bucket refills
  auto first = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-t-p0", {}}, cb);
  });
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->client_order_id, "nz-t-p0");
  auto open = await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_, cb); });
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 8u);
  EXPECT_EQ(sim_->status_queries(), 6u);  // 3 pages for the status, 3 for open orders
}

TEST_F(CoinbaseClientTest, open_orders_lists_only_open_ones) {
  ASSERT_TRUE(place(limit("nz-t-o1", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(place(spec("nz-t-o2", Side::buy, OrderType::market, "0.01")).ok());  // filled
  auto usdc = limit("nz-t-o3", Side::buy, "0.01", "49000");
  usdc.instrument = btc_usdc_;
  ASSERT_TRUE(place(usdc).ok());
  auto all =
      await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(std::nullopt, cb); });
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  ASSERT_EQ(all->size(), 2u);
  auto usdc_only =
      await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_usdc_, cb); });
  ASSERT_TRUE(usdc_only.ok());
  ASSERT_EQ(usdc_only->size(), 1u);
  EXPECT_EQ(usdc_only->front().client_order_id, "nz-t-o3");
  EXPECT_EQ(usdc_only->front().instrument, btc_usdc_);
}

TEST_F(CoinbaseClientTest, fills_since_reads_exact_fills_oldest_first_with_client_ids) {
  const Timestamp start = clock_.now();
  auto a = place(limit("nz-t-f", Side::buy, "0.02", "49000"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(sim_->fill(a->venue_order_id, dec("0.005")));
  clock_.advance(5s);
  ASSERT_TRUE(sim_->fill(a->venue_order_id, dec("0.015")));
  ASSERT_TRUE(place(spec("nz-t-m", Side::sell, OrderType::market, "0.1")).ok());
  auto fills =
      await<std::vector<domain::Fill>>([&](auto cb) { client_->fills_since(start, btc_, cb); });
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 3u);
  const auto& f0 = (*fills)[0];
  EXPECT_EQ(f0.client_order_id, "nz-t-f");
  EXPECT_EQ(f0.quantity, dec("0.005"));
  EXPECT_EQ(f0.price, dec("49000"));
  EXPECT_EQ(f0.fee, dec("0.98"));  // 245 USD x 0.004 maker
  EXPECT_EQ(f0.fee_currency, "USD");
  EXPECT_EQ(f0.liquidity, domain::Liquidity::maker);
  EXPECT_EQ(f0.instrument, btc_);
  EXPECT_EQ((*fills)[1].quantity, dec("0.015"));
  EXPECT_EQ((*fills)[2].side, Side::sell);
  EXPECT_EQ((*fills)[2].price, dec("50000"));
  EXPECT_EQ((*fills)[2].fee, dec("30"));  // 5000 x 0.006 taker
  EXPECT_EQ((*fills)[2].liquidity, domain::Liquidity::taker);
  EXPECT_LE((*fills)[0].time, (*fills)[1].time);
  auto later = await<std::vector<domain::Fill>>(
      [&](auto cb) { client_->fills_since(start + 3s, btc_, cb); });
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 2u);
}

// Reconciliation relies on these lists: an order or a fill on a product this client has not
// loaded is listed with an invalid instrument and the venue's product id — never dropped.
TEST_F(CoinbaseClientTest, orders_and_fills_on_a_product_the_client_did_not_load_are_all_listed) {
  sim_->add_product(product("SOL-USD", "SOL", "USD", "150"));
  sim_->set_balance("SOL", dec("100"));
  // Another process (its own registry, which knows SOL-USD) trades SOL-USD on the same account.
  InstrumentRegistry other;
  Instrument sol;
  sol.venue = Venue::coinbase;
  sol.canonical = sol.venue_symbol = "SOL-USD";
  sol.base = "SOL";
  sol.quote = "USD";
  sol.tick_size = dec("0.01");
  sol.lot_size = sol.min_size = dec("0.00000001");
  sol.min_notional = dec("1");
  const InstrumentId sol_id = other.add(sol).value();
  auto signer = JwtSigner::create(kKeyName, key_.private_key);
  ASSERT_TRUE(signer.ok());
  CoinbaseClient trader(net_, clock_, other, std::move(signer).value(), config());
  const Timestamp start = clock_.now();
  auto resting = limit("nz-t-x1", Side::buy, "2", "140");
  resting.instrument = sol_id;
  auto r1 = await<PlaceAck>([&](auto cb) { trader.place(resting, cb); });
  ASSERT_TRUE(r1.ok()) << r1.error().to_string();
  ASSERT_TRUE(sim_->fill(r1->venue_order_id, dec("0.5")));  // a fill on SOL-USD, still open
  auto taker = spec("nz-t-x2", Side::sell, OrderType::market, "1");
  taker.instrument = sol_id;
  ASSERT_TRUE(await<PlaceAck>([&](auto cb) { trader.place(taker, cb); }).ok());
  ASSERT_TRUE(place(limit("nz-t-x3", Side::buy, "0.01", "49000")).ok());  // a known one

  auto open =
      await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(std::nullopt, cb); });
  ASSERT_TRUE(open.ok()) << open.error().to_string();
  ASSERT_EQ(open->size(), 2u);
  std::map<std::string, VenueOrder> by_cid;
  for (const auto& o : *open) by_cid[o.client_order_id] = o;
  ASSERT_TRUE(by_cid.contains("nz-t-x1"));
  EXPECT_FALSE(by_cid["nz-t-x1"].instrument.valid());
  EXPECT_EQ(by_cid["nz-t-x1"].venue_symbol, "SOL-USD");
  EXPECT_EQ(by_cid["nz-t-x1"].report.status, VenueOrderStatus::partially_filled);
  ASSERT_TRUE(by_cid.contains("nz-t-x3"));
  EXPECT_EQ(by_cid["nz-t-x3"].instrument, btc_);
  EXPECT_EQ(by_cid["nz-t-x3"].venue_symbol, "BTC-USD");

  auto fills = await<std::vector<domain::Fill>>(
      [&](auto cb) { client_->fills_since(start, std::nullopt, cb); });
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->size(), 2u);  // the maker fill of x1 and the taker fill of x2
  for (const auto& f : *fills) {
    EXPECT_FALSE(f.instrument.valid());
    EXPECT_EQ(f.venue_symbol, "SOL-USD");
    EXPECT_EQ(f.fee_currency, "USD");
  }

  auto by_id = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{r1->venue_order_id, "", InstrumentId{}}, cb);
  });
  ASSERT_TRUE(by_id.ok()) << by_id.error().to_string();
  EXPECT_EQ(by_id->venue_symbol, "SOL-USD");
  EXPECT_FALSE(by_id->instrument.valid());
  auto by_cid_query = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "nz-t-x2", InstrumentId{}}, cb);
  });
  ASSERT_TRUE(by_cid_query.ok()) << by_cid_query.error().to_string();
  EXPECT_EQ(by_cid_query->venue_symbol, "SOL-USD");
  EXPECT_EQ(by_cid_query->report.status, VenueOrderStatus::filled);
}

TEST_F(CoinbaseClientTest, balances_keep_usd_and_usdc_apart_with_holds) {
  ASSERT_TRUE(place(limit("nz-t-b", Side::buy, "0.1", "40000")).ok());  // holds 4000 x 1.006
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  std::map<std::string, domain::Balance> by;
  for (const auto& x : *b) by.emplace(x.currency(), x);
  ASSERT_TRUE(by.contains("USD") && by.contains("USDC") && by.contains("BTC"));
  EXPECT_EQ(by.at("USD").locked(), dec("4024"));
  EXPECT_EQ(by.at("USD").available(), dec("95976"));
  EXPECT_EQ(by.at("USD").total(), dec("100000"));
  EXPECT_EQ(by.at("USDC").available(), dec("25000"));
  EXPECT_EQ(by.at("USDC").locked(), dec("0"));
  EXPECT_EQ(by.at("BTC").available(), dec("2"));
}

TEST_F(CoinbaseClientTest, load_instruments_reads_increments_limits_and_keeps_usdc_books) {
  auto halted = product("DOGE-USD", "DOGE", "USD", "0.1");
  halted.trading_disabled = true;
  halted.price_increment = dec("0.00001");
  halted.base_increment = dec("0.1");
  sim_->add_product(halted);
  auto cancel_only = product("SOL-USD", "SOL", "USD", "150");
  cancel_only.cancel_only = true;
  sim_->add_product(cancel_only);
  auto r = await<std::vector<Instrument>>([&](auto cb) { client_->load_instruments(cb); });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  std::map<std::string, Instrument> by;
  for (const auto& i : *r) by.emplace(i.venue_symbol, i);
  ASSERT_EQ(by.size(), 5u);
  const Instrument& btc = by.at("BTC-USD");
  EXPECT_EQ(btc.id, btc_);  // known to the registry: its id
  EXPECT_EQ(btc.tick_size, dec("0.01"));
  EXPECT_EQ(btc.lot_size, dec("0.00000001"));
  EXPECT_EQ(btc.min_size, dec("0.00001"));
  EXPECT_EQ(btc.max_size, dec("3400"));
  EXPECT_EQ(btc.min_notional, dec("1"));
  EXPECT_EQ(btc.status, TradingStatus::trading);
  const Instrument& usdc = by.at("BTC-USDC");  // mirrors BTC-USD, still its own instrument
  EXPECT_EQ(usdc.id, btc_usdc_);
  EXPECT_EQ(usdc.quote, "USDC");
  EXPECT_EQ(usdc.canonical, "BTC-USDC");
  EXPECT_EQ(by.at("DOGE-USD").status, TradingStatus::halted);
  EXPECT_EQ(by.at("DOGE-USD").tick_size, dec("0.00001"));
  EXPECT_FALSE(by.at("DOGE-USD").id.valid());
  EXPECT_EQ(by.at("SOL-USD").status, TradingStatus::cancel_only);
  for (const auto& [sym, ins] : by) EXPECT_TRUE(ins.validate().ok()) << sym;

  CoinbaseConfig only = config();
  only.symbols = {"BTC-USDC", "ETH-USD"};
  auto some_client = make(key_.private_key, kKeyName, only);
  auto some = await<std::vector<Instrument>>([&](auto cb) { some_client->load_instruments(cb); });
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 2u);
  EXPECT_EQ(
      sim_->requests().back().target,
      "/api/v3/brokerage/products?product_type=SPOT&product_ids=BTC-USDC&product_ids=ETH-USD");
}

TEST_F(CoinbaseClientTest, server_time_is_read_from_epoch_millis_without_a_jwt) {
  sim_skew_s_ = 7;
  auto t = await<Timestamp>([&](auto cb) { client_->server_time(cb); });
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, clock_.now() + 7s);
  EXPECT_EQ(sim_->requests().back().header("Authorization"), "");
}

TEST_F(CoinbaseClientTest, every_private_request_carries_a_jwt_for_its_own_uri) {
  ASSERT_TRUE(place(limit("nz-t-j", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); }).ok());
  ASSERT_TRUE(
      await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_, cb); }).ok());
  EXPECT_TRUE(sim_->auth_failures().empty());
  std::set<std::string> tokens;
  for (const auto& r : sim_->requests()) tokens.insert(r.header("Authorization"));
  EXPECT_EQ(tokens.size(), 3u);  // a fresh token per request
}

TEST_F(CoinbaseClientTest, ed25519_key_works_end_to_end) {
  const KeyPair ed = generate_key(/*ed25519=*/true);
  sim_->set_public_key(kKeyName, ed.public_pem);
  auto client = make(ed.private_key);
  ASSERT_EQ(client->signer().algorithm(), KeyAlgorithm::ed25519);
  auto ack = place(limit("nz-t-ed", Side::sell, "0.5", "51000"), client.get());
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_TRUE(sim_->auth_failures().empty());
  // The old ES256 key is now refused.
  auto refused = place(limit("nz-t-es", Side::sell, "0.5", "51000"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::auth_failed);
}

TEST_F(CoinbaseClientTest, expired_jwt_is_rejected_with_401) {
  sim_skew_s_ = 121;  // the venue is 121 s ahead: our token expired when it arrives
  auto r = place(limit("nz-t-x", Side::buy, "0.01", "49000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(r.error().venue_code, "UNAUTHENTICATED");
  EXPECT_NE(r.error().venue_text.find("JWT expired"), std::string::npos) << r.error().venue_text;
  EXPECT_FALSE(sim_->order_by_client_id("nz-t-x").has_value());
  sim_skew_s_ = 119;  // inside the window: accepted
  EXPECT_TRUE(place(limit("nz-t-x2", Side::buy, "0.01", "49000")).ok());
}

TEST_F(CoinbaseClientTest, jwt_not_yet_valid_is_rejected_with_401) {
  sim_skew_s_ = -5;  // our clock runs ahead of the venue's
  auto r = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_NE(r.error().venue_text.find("not valid yet"), std::string::npos);
}

TEST_F(CoinbaseClientTest, jwt_of_another_key_name_is_rejected) {
  auto other = make(key_.private_key, "organizations/test-org/apiKeys/other");
  auto r = await<std::vector<domain::Balance>>([&](auto cb) { other->balances(cb); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_NE(r.error().venue_text.find("kid"), std::string::npos);
}

TEST_F(CoinbaseClientTest, https_with_the_test_ca_signs_the_host_it_connects_to) {
  sim::coinbase::SimOptions o;
  o.key_name = kKeyName;
  o.public_key_pem = key_.public_pem;
  o.tls = true;
  o.websocket = false;
  o.now_seconds = [this] { return clock_.now().seconds(); };
  sim::coinbase::CoinbaseSim tls_sim(o);
  tls_sim.add_product(product("BTC-USD", "BTC", "USD", "50000"));
  tls_sim.set_balance("USD", dec("10"));
  CoinbaseConfig c = config();
  c.base_url = tls_sim.base_url();
  ASSERT_TRUE(c.base_url.starts_with("https://127.0.0.1:"));
  c.base_url.replace(8, 9, "localhost");
  c.tls.extra_ca_file = testsupport::TestPki::shared().ca_file();
  auto client = make(key_.private_key, kKeyName, c);
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { client->balances(cb); });
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ(b->front().available(), dec("10"));
  EXPECT_TRUE(tls_sim.auth_failures().empty());
  EXPECT_EQ(tls_sim.requests().back().header("Host").substr(0, 10), "localhost:");
  // An unknown CA: refused before anything is sent.
  CoinbaseConfig untrusted = c;
  untrusted.tls.extra_ca_file = testsupport::TestPki::other().ca_file();
  untrusted.tls.use_system_cas = false;
  auto refused_client = make(key_.private_key, kKeyName, untrusted);
  auto refused =
      await<std::vector<domain::Balance>>([&](auto cb) { refused_client->balances(cb); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::network);
  refused_client.reset();
  client.reset();
}

TEST_F(CoinbaseClientTest, request_validity_is_the_jwt_lifetime) {
  EXPECT_EQ(client_->request_validity().window, 120s);
  EXPECT_TRUE(client_->capabilities().amend);
  EXPECT_TRUE(client_->capabilities().status_by_client_id);
  EXPECT_FALSE(client_->capabilities().private_stream);
}

TEST_F(CoinbaseClientTest, retry_after_of_a_429_holds_the_next_requests) {
  testsupport::HttpReply r429;
  r429.status = 429;
  r429.headers = {{"Retry-After", "3"}};
  r429.body = R"({"error":"RATE_LIMIT_EXCEEDED","message":"Too many requests"})";
  sim_->script({"GET", "/api/v3/brokerage/accounts", r429});
  auto first = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(first.error().venue_code, "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(client_->rate_limiter().retry_after_until(), clock_.now() + 3s);
  // The next call waits on the clock for the Retry-After, then goes.
  auto p = std::make_shared<std::promise<Result<std::vector<domain::Balance>>>>();
  auto f = p->get_future();
  client_->balances([p](auto r) { p->set_value(std::move(r)); });
  EXPECT_EQ(f.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  const std::size_t before = sim_->requests().size();
  clock_.advance(3s);
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(sim_->requests().size(), before + 1);
}

TEST_F(CoinbaseClientTest, destroying_the_client_cancels_waiting_calls) {
  client_->rate_limiter().on_retry_after(10s);
  auto p = std::make_shared<std::promise<Result<std::vector<domain::Balance>>>>();
  auto f = p->get_future();
  client_->balances([p](auto r) { p->set_value(std::move(r)); });
  client_.reset();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::cancelled);
}

}  // namespace
}  // namespace nzeza::venues::coinbase::test
