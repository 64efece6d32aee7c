// StreamHub alone (no socket): what a client's queue holds when it does not read — prices
// conflated per symbol in their first order, a queue that overflows closes its client.
#include "api/stream_hub.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/metrics.hpp"
#include "app/trading_server.hpp"
#include "support/wait.hpp"

namespace nzeza::api {
namespace {

namespace json = boost::json;

// Queue conflation alone: a prices event per change (no interval).
StreamHubOptions every_change() {
  StreamHubOptions o;
  o.price_interval = Duration::zero();
  return o;
}

struct HubRig {
  SymbolTable symbols;
  SymbolId btc = symbols.intern("BTC-USD");
  SymbolId eth = symbols.intern("ETH-USD");
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};
  StreamHub hub;
  std::shared_ptr<app::ServerObserver> observer = hub.observer();

  explicit HubRig(StreamHubOptions o = every_change())
      : hub(
            symbols, clock,
            [](std::string_view token, const std::string&) -> Result<Scope> {
              if (token == "good") return Scope::read;
              return Error{ErrorCode::auth_failed, "not a key"};
            },
            {}, o) {}

  std::shared_ptr<StreamClient> subscribed(std::string_view topics) {
    auto c = hub.connect("127.0.0.1");
    hub.receive(*c, R"({"op":"auth","token":"good"})");
    hub.receive(*c, R"({"op":"subscribe","topics":)" + std::string(topics) + "}");
    EXPECT_NE(c->pop()->find("authenticated"), std::string::npos);
    EXPECT_NE(c->pop()->find("subscribed"), std::string::npos);
    return c;
  }

  void mark(SymbolId s, std::int64_t price) {
    observer->on_mark(
        app::ReferenceMark{s, Decimal::from_integer(price), clock.now(), true, 1, {}});
    hub.drain();
  }
};

json::value data_of(const std::shared_ptr<const std::string>& text) {
  EXPECT_TRUE(text);
  return text ? json::parse(*text).at("data") : json::value(nullptr);
}

TEST(StreamHub, a_client_that_does_not_read_keeps_only_the_latest_price_per_symbol_in_order) {
  HubRig r;
  auto c = r.subscribed(R"(["prices"])");
  r.mark(r.btc, 100);
  r.mark(r.eth, 10);
  for (int p = 101; p <= 150; ++p) r.mark(r.btc, p);
  r.mark(r.eth, 11);

  ASSERT_EQ(c->queued(), 2u);
  auto first = data_of(c->pop());
  auto second = data_of(c->pop());
  EXPECT_EQ(first.at("symbol"), "BTC-USD");
  EXPECT_EQ(*Decimal::parse(first.at("reference").as_string()), Decimal::from_integer(150));
  EXPECT_EQ(second.at("symbol"), "ETH-USD");
  EXPECT_EQ(*Decimal::parse(second.at("reference").as_string()), Decimal::from_integer(11));
  EXPECT_EQ(c->pop(), nullptr);
  EXPECT_EQ(r.hub.stats().conflated, 51u);

  // Once written, the next price of a symbol queues anew.
  r.mark(r.btc, 151);
  EXPECT_EQ(c->queued(), 1u);
}

TEST(StreamHub, an_overflowing_queue_closes_its_client_too_slow_and_the_reader_keeps_going) {
  StreamHubOptions o = every_change();
  o.max_queue_messages = 4;
  HubRig r(o);
  auto slow = r.subscribed(R"(["alerts"])");
  auto fast = r.subscribed(R"(["alerts"])");
  std::size_t fast_read = 0;
  for (int i = 0; i < 10; ++i) {
    r.observer->on_event(app::TradeEvent{r.clock.now(), "halt", "halted " + std::to_string(i), {}});
    r.hub.drain();
    while (fast->pop()) ++fast_read;
  }
  ASSERT_TRUE(slow->close());
  EXPECT_EQ(slow->close()->code, 1008);
  EXPECT_EQ(slow->close()->reason, "too slow");
  EXPECT_EQ(slow->queued(), 4u);
  EXPECT_FALSE(fast->close());
  EXPECT_EQ(fast_read, 10u);
  EXPECT_EQ(r.hub.stats().dropped_clients, 1u);
  EXPECT_EQ(r.hub.stats().messages[static_cast<std::size_t>(Topic::alerts)], 14u);
}

TEST(StreamHub, nothing_is_published_while_no_client_is_authenticated) {
  HubRig r;
  auto c = r.hub.connect("127.0.0.1");  // connected, not authenticated
  r.mark(r.btc, 100);
  r.hub.receive(*c, R"({"op":"auth","token":"good"})");
  r.hub.receive(*c, R"({"op":"subscribe","topics":["prices"]})");
  (void)c->pop();
  (void)c->pop();
  r.hub.drain();
  EXPECT_EQ(c->pop(), nullptr);  // the price before the auth was never taken in
  r.mark(r.btc, 101);
  EXPECT_EQ(data_of(c->pop()).at("symbol"), "BTC-USD");
}

TEST(StreamHub, twenty_bad_messages_close_the_client) {
  HubRig r;
  auto c = r.subscribed(R"([])");
  for (int i = 0; i < 19; ++i) r.hub.receive(*c, "nope");
  EXPECT_FALSE(c->close());
  r.hub.receive(*c, "nope");
  ASSERT_TRUE(c->close());
  EXPECT_EQ(c->close()->code, 1008);
  EXPECT_EQ(c->close()->reason, "too many errors");
}

TEST(StreamHub, prices_within_the_interval_wait_and_leave_as_one_event_with_the_latest_state) {
  StreamHubOptions o;
  o.price_interval = std::chrono::milliseconds(50);
  HubRig r(o);
  auto c = r.subscribed(R"(["prices"])");
  r.mark(r.btc, 100);  // the first of the symbol leaves at once
  for (int p = 101; p <= 120; ++p) r.mark(r.btc, p);
  ASSERT_EQ(c->queued(), 1u);
  EXPECT_EQ(*Decimal::parse(data_of(c->pop()).at("reference").as_string()),
            Decimal::from_integer(100));
  EXPECT_EQ(r.hub.stats().conflated, 0u);  // held at the source, not in the queue
  // Once the interval passed, the server's periodic drain sends the latest state, once.
  ASSERT_TRUE(testsupport::wait_until([&] {
    r.hub.drain();
    return c->queued() == 1;
  }));
  EXPECT_EQ(*Decimal::parse(data_of(c->pop()).at("reference").as_string()),
            Decimal::from_integer(120));
  r.hub.drain();
  EXPECT_EQ(c->queued(), 0u);
}

TEST(StreamHub, the_stream_metrics_name_every_topic_and_count_drops_and_conflation) {
  StreamStats s;
  s.clients = 3;
  s.messages[static_cast<std::size_t>(Topic::fills)] = 7;
  s.dropped_clients = 2;
  s.conflated = 11;
  const std::string text = stream_prometheus_text(s);
  EXPECT_NE(text.find("# TYPE nzeza_api_stream_clients gauge\nnzeza_api_stream_clients 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nzeza_api_stream_messages_total{topic=\"fills\"} 7\n"), std::string::npos);
  EXPECT_NE(text.find("nzeza_api_stream_messages_total{topic=\"alerts\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("nzeza_api_stream_dropped_clients_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("nzeza_api_stream_conflated_total 11\n"), std::string::npos);
  EXPECT_EQ(text.find("# TYPE nzeza_api_stream_messages_total counter"),
            text.rfind("# TYPE nzeza_api_stream_messages_total counter"));
}

}  // namespace
}  // namespace nzeza::api
