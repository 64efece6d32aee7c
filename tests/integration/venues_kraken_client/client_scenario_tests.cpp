// Kraken scenarios beyond single calls: the unknown-order resolver on a lagging venue, nonces
// under concurrency and after a resync, the dead-man switch, the executions private stream, and
// the factory.

#include <atomic>
#include <cstdlib>
#include <map>
#include <thread>
#include <vector>

#include "kraken_fixture.hpp"
#include "support/test_pki.hpp"
#include "venues/kraken/factory.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::kraken::test {
namespace {

TEST_F(KrakenClientTest, timed_out_place_that_rested_is_found_by_client_id_and_never_resent) {
  ResolverConfig rc;
  rc.not_found_grace = 3s;  // distinct from the 2 s request timeout (see the wait below)
  rc.not_found_confirmations = 1;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(client()).ok());
  std::vector<ResolutionEvent> resolutions;
  std::mutex mu;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(mu);
    resolutions.push_back(e);
  });
  // The venue executes the AddOrder (the order rests) but its answer never arrives.
  SimFault hold;
  hold.kind = SimFaultKind::hold;
  hold.execute_first = true;
  sim_->fail_next("AddOrder", hold);
  // A lagging venue: the first status question answers "not found".
  sim_->not_found_first(1);
  const auto s = spec(40, domain::OrderType::limit, Side::buy, "0.01", "40000");
  Waiter<PlaceAck> w;
  tracker.place(s, w.cb());
  ASSERT_TRUE(wait_until([&] { return sim_->held() == 1; }));
  ASSERT_TRUE(sim_->order_by_client_id(s.client_order_id.text));  // it rests at the venue
  clock_.advance(2s);                                             // request timeout
  auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_TRUE(tracker.resolving(s.client_order_id.text));
  // No status query before the deadline window (5 s) + query lag (1 s) from the send.
  clock_.advance(3s);
  EXPECT_EQ(sim_->stats().status_queries, 0u);
  clock_.advance(1s);  // now sent_at + 6 s: first query, answered "not found"
  ASSERT_TRUE(wait_until([&] { return sim_->stats().status_queries >= 2; }));  // Open + Closed
  ASSERT_TRUE(wait_until([&] { return tracker.order(s.client_order_id.text).has_value(); }));
  EXPECT_TRUE(tracker.resolving(s.client_order_id.text));
  EXPECT_FALSE(tracker.resend_allowed(s.client_order_id.text));
  // The tracker read the "not found" and armed its grace timer (the only timer left).
  ASSERT_TRUE(wait_until([&] { return clock_.next_deadline() == clock_.now() + 3s; }));
  clock_.advance(3s);  // not_found_grace: asked again, now found
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return !resolutions.empty();
  }));
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(resolutions.size(), 1u);
    EXPECT_EQ(resolutions[0].resolution, Resolution::found);
    ASSERT_TRUE(resolutions[0].venue_order);
    EXPECT_EQ(resolutions[0].venue_order->client_order_id, s.client_order_id.text);
    EXPECT_EQ(resolutions[0].venue_order->report.status, domain::VenueOrderStatus::open);
  }
  EXPECT_EQ(tracker.sends(s.client_order_id.text), 1u);
  EXPECT_FALSE(tracker.resend_allowed(s.client_order_id.text));
  EXPECT_EQ(sim_->stats().add_orders, 1u);  // never sent twice
  EXPECT_EQ(sim_->orders().size(), 1u);
  sim_->release_held();
}

TEST_F(KrakenClientTest, concurrent_calls_from_many_threads_never_send_a_stale_nonce) {
  auto c = config();
  c.rest_counter_max = 1000;
  auto shared = make(c);
  constexpr int kThreads = 4;
  constexpr int kCalls = 10;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<Waiter<std::vector<domain::Balance>>> waits(kCalls);
      for (auto& w : waits) shared->balances(w.cb());
      for (auto& w : waits) (w.get().ok() ? ok : failed)++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kCalls);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(sim_->stats().bad_nonces, 0u);
  EXPECT_EQ(sim_->stats().private_requests, static_cast<std::uint64_t>(kThreads * kCalls));
}

TEST_F(KrakenClientTest, invalid_nonce_resyncs_the_floor_and_resends_once) {
  // Another process used the same key with nonces half a second ahead of ours.
  auto other = KrakenKeySigner::create(kKey, kSecret).value();
  other->advance_nonce_to(static_cast<std::uint64_t>(clock_.now().ms()) + 500);
  auto other_client = std::make_unique<KrakenClient>(net_, clock_, registry_, other, config());
  Waiter<std::vector<domain::Balance>> first;
  other_client->balances(first.cb());
  ASSERT_TRUE(first.get().ok());
  // Ours is below: the venue says EAPI:Invalid nonce, the client resyncs and resends once.
  const auto s = spec(41, domain::OrderType::limit, Side::buy, "0.01", "40000");
  auto ack = place(s);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(sim_->stats().bad_nonces, 1u);
  EXPECT_EQ(sim_->stats().add_orders, 1u);  // the refused one never reached the engine
  EXPECT_EQ(sim_->orders().size(), 1u);
  // Far ahead (beyond one resync step): refused twice, auth_failed with the venue's text.
  other->advance_nonce_to(static_cast<std::uint64_t>(clock_.now().ms()) + 10'000'000);
  Waiter<std::vector<domain::Balance>> second;
  other_client->balances(second.cb());
  ASSERT_TRUE(second.get().ok());
  Waiter<std::vector<domain::Balance>> mine;
  client().balances(mine.cb());
  auto r = mine.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(r.error().venue_code, "EAPI:Invalid nonce");
}

TEST_F(KrakenClientTest, dead_man_switch_arms_cancels_at_trigger_and_disarms) {
  auto a = rest_buy(42);
  Waiter<Timestamp> arm;
  client().set_dead_man_switch(60s, arm.cb());
  auto trigger = arm.get();
  ASSERT_TRUE(trigger.ok()) << trigger.error().to_string();
  EXPECT_EQ(*trigger, clock_.now() + 60s);
  EXPECT_EQ(sim_->dead_man_trigger(), clock_.now() + 60s);
  // Re-armed within the window: the trigger moves.
  clock_.advance(30s);
  Waiter<Timestamp> rearm;
  client().set_dead_man_switch(60s, rearm.cb());
  EXPECT_EQ(*rearm.get(), clock_.now() + 60s);
  clock_.advance(59s);
  sim_->tick();
  EXPECT_EQ(sim_->order(a.venue_order_id)->status, "open");
  clock_.advance(1s);
  sim_->tick();
  EXPECT_EQ(sim_->order(a.venue_order_id)->status, "canceled");
  // Disarm.
  rest_buy(43);
  Waiter<Timestamp> arm2;
  client().set_dead_man_switch(10s, arm2.cb());
  ASSERT_TRUE(arm2.get().ok());
  Waiter<Timestamp> off;
  client().set_dead_man_switch(0s, off.cb());
  auto z = off.get();
  ASSERT_TRUE(z.ok());
  EXPECT_TRUE(z->is_zero());
  EXPECT_FALSE(sim_->dead_man_trigger());
  clock_.advance(11s);
  sim_->tick();
  EXPECT_EQ(sim_->order_by_client_id(codec_.encode(Venue::kraken, 43)->text)->status, "open");
  // Sub-second timeouts round up (Kraken takes whole seconds).
  Waiter<Timestamp> frac;
  client().set_dead_man_switch(1500ms, frac.cb());
  EXPECT_EQ(*frac.get(), clock_.now() + 2s);
}

TEST_F(KrakenClientTest, executions_stream_delivers_ack_fill_and_cancel_with_exact_numbers) {
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
  auto resting = rest_buy(44, "0.3", "40000.1");  // in the snapshot
  ASSERT_NE(client().private_stream(), nullptr);
  client().private_stream()->start(h);
  ASSERT_TRUE(wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return orders.size() == 1;
  }));
  EXPECT_EQ(sim_->tokens_issued(), 1u);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(orders[0].report.venue_order_id, resting.venue_order_id);
    EXPECT_EQ(orders[0].client_order_id, resting.client_order_id);
    EXPECT_EQ(orders[0].instrument, btc_);
    EXPECT_EQ(orders[0].quantity, D("0.3"));
    EXPECT_EQ(orders[0].price, D("40000.1"));
  }
  ASSERT_TRUE(sim_->fill(resting.venue_order_id, D("0.12345678"), D("40000.1"), true));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return fills.size() == 1;
  }));
  {
    std::lock_guard lock(mu);
    const auto& f = fills[0];
    EXPECT_EQ(f.quantity, D("0.12345678"));
    EXPECT_EQ(f.price, D("40000.1"));
    EXPECT_EQ(f.liquidity, domain::Liquidity::maker);
    EXPECT_EQ(f.fee_currency, "USD");
    EXPECT_EQ(f.client_order_id, resting.client_order_id);
    EXPECT_EQ(orders.back().report.status, domain::VenueOrderStatus::partially_filled);
    EXPECT_EQ(orders.back().report.cumulative_filled, D("0.12345678"));
  }
  // The fill id is the one TradesHistory reports (so stream and polling dedupe).
  Waiter<std::vector<domain::Fill>> polled;
  client().fills_since(clock_.now() - 1h, std::nullopt, polled.cb());
  auto p = polled.get();
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 1u);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(p->front().trade_id, fills[0].trade_id);
  }
  Waiter<CancelAck> c;
  client().cancel(OrderRef{resting.venue_order_id, "", btc_}, c.cb());
  ASSERT_TRUE(c.get().ok());
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return orders.back().report.status == domain::VenueOrderStatus::cancelled;
  }));
  client().private_stream()->stop();
  EXPECT_EQ(client().private_stream()->state(), net::ConnectionState::stopped);
}

TEST_F(KrakenClientTest, executions_stream_reconnects_with_a_fresh_token_and_keeps_delivering) {
  std::mutex mu;
  std::vector<domain::Fill> fills;
  PrivateStreamHandlers h;
  h.on_fill = [&](const domain::Fill& f) {
    std::lock_guard lock(mu);
    fills.push_back(f);
  };
  auto resting = rest_buy(45, "0.3", "40000");
  client().private_stream()->start(h);
  ASSERT_TRUE(wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  // The venue drops the connection; the token it used is spent (one connection per token).
  sim_->drop_private_connections();
  bool resubscribed = false;
  for (int i = 0; i < 120 && !resubscribed; ++i) {
    clock_.advance(500ms);  // reconnect backoff runs on the clock
    resubscribed =
        wait_until([&] { return sim_->ws_subscriptions() == 2; }, std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(resubscribed);
  EXPECT_GE(sim_->tokens_issued(), 2u);  // a fresh token for the new connection
  ASSERT_TRUE(sim_->fill(resting.venue_order_id, D("0.1"), D("40000"), true));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return fills.size() == 1;
  }));
  client().private_stream()->stop();
}

TEST_F(KrakenClientTest, executions_frame_parser_ignores_other_channels_and_refuses_garbage) {
  auto status = parse_executions_frame(R"({"channel":"heartbeat"})");
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->has_value());
  auto pong = parse_executions_frame(R"({"method":"pong","req_id":1})");
  ASSERT_TRUE(pong.ok());
  EXPECT_FALSE(pong->has_value());
  EXPECT_FALSE(parse_executions_frame(R"({"channel":"executions","data":[1]})").ok());
  EXPECT_FALSE(parse_executions_frame("{not json").ok());
  auto ok = parse_executions_frame(
      R"({"channel":"executions","type":"update","data":[{"order_id":"O1","exec_type":"new",)"
      R"("order_status":"new","symbol":"BTC/USD","side":"sell","order_type":"limit",)"
      R"("order_qty":0.10000001,"limit_price":65000.12345678,"post_only":true}]})");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->has_value());
  ExecutionsTracker tracker(registry_, [this](std::string_view s) -> std::optional<InstrumentId> {
    if (s == "BTC/USD") return btc_;
    return std::nullopt;
  });
  auto ev = tracker.apply((**ok)[0]);
  ASSERT_TRUE(ev.ok()) << ev.error().to_string();
  EXPECT_EQ(ev->order->quantity, D("0.10000001"));
  EXPECT_EQ(ev->order->price, D("65000.12345678"));
  EXPECT_EQ(ev->order->time_in_force, domain::TimeInForce::post_only);
  EXPECT_EQ(ev->order->side, Side::sell);
  // An update for an order never seen, without symbol: refused, not guessed.
  ExecutionEntry lone;
  lone.fields = {{"order_id", "O2"}, {"exec_type", "canceled"}, {"order_status", "canceled"}};
  EXPECT_FALSE(tracker.apply(lone).ok());
}

TEST_F(KrakenClientTest, orders_and_fills_on_a_pair_not_loaded_are_listed_with_the_venue_symbol) {
  // The account trades XRP/USD elsewhere (another program, the web UI); this client never
  // loaded that pair. Reconciliation must still see every order and fill.
  SimPair xrp;
  xrp.key = "XXRPZUSD";
  xrp.altname = "XRPUSD";
  xrp.wsname = "XRP/USD";
  xrp.base = "XXRP";
  xrp.v2_symbol = "XRP/USD";
  xrp.tick_size = "0.00001";
  xrp.market_price = D("0.5");
  sim_->add_pair(xrp);
  sim_->set_balance("XXRP", D("1000"));
  std::mutex mu;
  std::vector<VenueOrder> streamed;
  std::vector<domain::Fill> streamed_fills;
  PrivateStreamHandlers h;
  h.on_order = [&](const VenueOrder& o) {
    std::lock_guard lock(mu);
    streamed.push_back(o);
  };
  h.on_fill = [&](const domain::Fill& f) {
    std::lock_guard lock(mu);
    streamed_fills.push_back(f);
  };
  client().private_stream()->start(h);
  ASSERT_TRUE(wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  const PlaceAck ours = rest_buy(50);
  const std::string resting = sim_->book_order("XXRPZUSD", "sell", D("100"), D("0.6"), "ext-1");
  const std::string filled = sim_->book_order("XXRPZUSD", "buy", D("40"), D("0.4"));
  ASSERT_TRUE(sim_->fill(filled, D("15"), D("0.4"), false));

  Waiter<std::vector<VenueOrder>> all;
  client().open_orders(std::nullopt, all.cb());
  auto open = all.get();
  ASSERT_TRUE(open.ok()) << open.error().to_string();
  ASSERT_EQ(open->size(), 3u);
  std::map<std::string, VenueOrder> by_txid;
  for (const auto& o : *open) by_txid[o.report.venue_order_id] = o;
  ASSERT_TRUE(by_txid.count(ours.venue_order_id));
  EXPECT_EQ(by_txid[ours.venue_order_id].instrument, btc_);
  EXPECT_EQ(by_txid[ours.venue_order_id].venue_symbol, "XBTUSD");
  ASSERT_TRUE(by_txid.count(resting));
  EXPECT_FALSE(by_txid[resting].instrument.valid());
  EXPECT_EQ(by_txid[resting].venue_symbol, "XRPUSD");
  EXPECT_EQ(by_txid[resting].client_order_id, "ext-1");
  EXPECT_EQ(by_txid[resting].quantity, D("100"));
  EXPECT_EQ(by_txid[resting].price, D("0.6"));
  ASSERT_TRUE(by_txid.count(filled));
  EXPECT_EQ(by_txid[filled].report.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(by_txid[filled].report.cumulative_filled, D("15"));
  // Filtered by a loaded instrument: only ours.
  Waiter<std::vector<VenueOrder>> btc_only;
  client().open_orders(btc_, btc_only.cb());
  ASSERT_EQ(btc_only.get()->size(), 1u);

  Waiter<VenueOrder> status;
  client().order_status(OrderRef{resting, "", InstrumentId{}}, status.cb());
  auto st = status.get();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_FALSE(st->instrument.valid());
  EXPECT_EQ(st->venue_symbol, "XRPUSD");

  Waiter<std::vector<domain::Fill>> fills;
  client().fills_since(clock_.now() - 1h, std::nullopt, fills.cb());
  auto f = fills.get();
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  ASSERT_EQ(f->size(), 1u);
  EXPECT_FALSE(f->front().instrument.valid());
  EXPECT_EQ(f->front().venue_symbol, "XXRPZUSD");
  EXPECT_EQ(f->front().quantity, D("15"));
  EXPECT_EQ(f->front().price, D("0.4"));
  EXPECT_EQ(f->front().side, Side::buy);
  Waiter<std::vector<domain::Fill>> btc_fills;
  client().fills_since(clock_.now() - 1h, btc_, btc_fills.cb());
  EXPECT_TRUE(btc_fills.get()->empty());

  // The private stream delivers them too, with the v2 symbol, and counts nothing as malformed.
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return streamed_fills.size() == 1 && streamed.size() >= 4;
  }));
  {
    // Released before stop(): the stream's callbacks take `mu` under the WsClient's lock.
    std::lock_guard lock(mu);
    EXPECT_FALSE(streamed_fills[0].instrument.valid());
    EXPECT_EQ(streamed_fills[0].venue_symbol, "XRP/USD");
    EXPECT_EQ(streamed_fills[0].quantity, D("15"));
    std::size_t xrp_updates = 0;
    for (const auto& o : streamed) {
      EXPECT_FALSE(o.venue_symbol.empty());
      if (o.venue_symbol == "XRP/USD") {
        ++xrp_updates;
        EXPECT_FALSE(o.instrument.valid());
      }
    }
    EXPECT_EQ(xrp_updates, 3u);  // two "new", one "trade"
  }
  auto* stream = dynamic_cast<KrakenPrivateStream*>(client().private_stream());
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->malformed(), 0u);
  client().private_stream()->stop();
}

TEST_F(KrakenClientTest, factory_client_speaks_https_trusting_the_given_ca_file_only) {
  KrakenSimOptions o;
  o.api_key = kKey;
  o.api_secret_b64 = kSecret;
  o.tls = true;
  o.now = [this] { return clock_.now(); };
  KrakenSim tls_sim(o);
  tls_sim.add_pair(SimPair{});
  tls_sim.set_balance("ZUSD", D("5"));
  ASSERT_EQ(tls_sim.base_url().rfind("https://", 0), 0u);
  ClientOptions opts;
  opts.base_url = tls_sim.base_url();
  opts.ca_file = testsupport::TestPki::shared().ca_file();
  opts.credentials.use_environment = true;
  ::setenv("NZEZA_KRAKEN_API_KEY", kKey, 1);
  ::setenv("NZEZA_KRAKEN_API_SECRET", kSecret, 1);
  auto made = make_client(opts, ClientDeps{&net_, &clock_, &registry_});
  opts.ca_file.reset();
  auto untrusting = make_client(opts, ClientDeps{&net_, &clock_, &registry_});
  ::unsetenv("NZEZA_KRAKEN_API_KEY");
  ::unsetenv("NZEZA_KRAKEN_API_SECRET");
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  Waiter<std::vector<domain::Balance>> w;
  (*made)->balances(w.cb());
  auto r = w.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().currency(), "USD");
  // Without the test CA the certificate is refused before anything is sent.
  ASSERT_TRUE(untrusting.ok());
  Waiter<std::vector<domain::Balance>> w2;
  (*untrusting)->balances(w2.cb());
  auto refused = w2.get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::network) << refused.error().to_string();
}

TEST_F(KrakenClientTest, factory_builds_a_client_from_environment_credentials_and_refuses_without) {
  net::NetContext& net = net_;
  ClientOptions opts;
  opts.base_url = sim_->base_url();
  opts.credentials.use_environment = true;
  ClientDeps deps{&net, &clock_, &registry_};
  ::unsetenv("NZEZA_KRAKEN_API_KEY");
  ::unsetenv("NZEZA_KRAKEN_API_SECRET");
  ::unsetenv("NZEZA_KRAKEN_CREDENTIALS_FILE");
  auto missing = make_client(opts, deps);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("NZEZA_KRAKEN_API_KEY"), std::string::npos)
      << missing.error().message;
  ::setenv("NZEZA_KRAKEN_API_KEY", kKey, 1);
  ::setenv("NZEZA_KRAKEN_API_SECRET", kSecret, 1);
  auto made = make_client(opts, deps);
  ::unsetenv("NZEZA_KRAKEN_API_KEY");
  ::unsetenv("NZEZA_KRAKEN_API_SECRET");
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  EXPECT_EQ((*made)->venue(), Venue::kraken);
  EXPECT_TRUE((*made)->capabilities().dead_man_switch);
  EXPECT_FALSE((*made)->capabilities().amend);
  Waiter<std::vector<domain::Balance>> w;
  (*made)->balances(w.cb());
  EXPECT_TRUE(w.get().ok());
  EXPECT_EQ(make_client(opts, ClientDeps{}).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace nzeza::venues::kraken::test
