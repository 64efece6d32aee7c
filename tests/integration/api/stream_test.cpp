// The live stream (/api/v1/stream): a real TradingServer (paper, scripted prices, threaded on a
// manual clock) behind a real ApiServer, spoken to by real WebSocket clients (stream_client.hpp).
#include <gtest/gtest.h>

#include <fstream>

#include "api/stream_hub.hpp"
#include "integration/api/api_harness.hpp"
#include "integration/api/stream_client.hpp"
#include "support/test_pki.hpp"

namespace nzeza::api::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

OperatorApiOptions stream_options(Duration auth_timeout = 5s) {
  OperatorApiOptions o;
  o.stream.auth_timeout = auth_timeout;
  return o;
}

std::unique_ptr<StreamTestClient> open_stream(ApiHarness& h, StreamClientOptions o = {}) {
  std::string why;
  auto c = StreamTestClient::open(h.port(), std::move(o), &why);
  EXPECT_TRUE(c) << why;
  return c;
}

json::value read_json(StreamTestClient& c, std::chrono::milliseconds timeout = 5s) {
  auto text = c.read(timeout);
  if (!text) return nullptr;
  return parse_json(*text);
}

// An error `unauthorized`, then the close 1008.
void expect_unauthorized_then_closed(StreamTestClient& c) {
  const auto e = read_json(c);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e.at("type"), "error");
  EXPECT_EQ(e.at("error").at("code"), "unauthorized");
  EXPECT_FALSE(c.read(5s));
  ASSERT_TRUE(c.closed());
  EXPECT_EQ(c.closed()->code, 1008);
}

// Reads until `pred` holds for a message (firing the manual clock's due timers meanwhile: the
// paper venue answers on them); the message, or null after the guard.
template <typename Pred>
json::value read_until(ApiHarness& h, StreamTestClient& c, Pred&& pred,
                       std::chrono::milliseconds guard = 10s) {
  const auto give_up = std::chrono::steady_clock::now() + guard;
  while (std::chrono::steady_clock::now() < give_up) {
    h.clock.run_due();
    auto text = c.read(20ms);
    if (c.closed()) return nullptr;
    if (!text) continue;
    json::value v = parse_json(*text);
    if (pred(v)) return v;
  }
  return nullptr;
}

bool is_event(const json::value& v, std::string_view topic) {
  return v.is_object() && v.as_object().contains("type") && v.at("type") == "event" &&
         v.at("topic").is_string() && v.at("topic").as_string() == topic;
}

// Authenticates with `token` and subscribes to `topics`; true when both were acknowledged.
bool auth_and_subscribe(StreamTestClient& c, const std::string& token,
                        std::string_view topics_json) {
  if (!c.send(R"({"op":"auth","token":")" + token + R"("})")) return false;
  const auto a = read_json(c);
  if (!a.is_object() || a.at("type") != "authenticated") return false;
  if (!c.send(R"({"op":"subscribe","topics":)" + std::string(topics_json) + "}")) return false;
  const auto s = read_json(c);
  return s.is_object() && s.at("type") == "subscribed";
}

TEST(ApiStream, a_read_key_authenticates_subscribes_and_unsubscribes) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(R"({"op":"auth","token":")" + key + R"("})"));
  const auto a = read_json(*c);
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a.at("type"), "authenticated");
  EXPECT_EQ(a.at("scope"), "read");

  ASSERT_TRUE(c->send(R"({"op":"subscribe","topics":["prices","orders","fills"]})"));
  auto s = read_json(*c);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s.at("type"), "subscribed");
  EXPECT_EQ(json::serialize(s.at("topics")), R"(["prices","orders","fills"])");

  ASSERT_TRUE(c->send(R"({"op":"unsubscribe","topics":["orders"]})"));
  s = read_json(*c);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(json::serialize(s.at("topics")), R"(["prices","fills"])");
  EXPECT_FALSE(c->closed());
}

TEST(ApiStream, a_bad_token_is_told_unauthorized_and_closed_1008) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(R"({"op":"auth","token":"nzk_not_a_key"})"));
  ASSERT_NO_FATAL_FAILURE(expect_unauthorized_then_closed(*c));
  EXPECT_EQ(c->closed()->reason, "unauthorized");
  for (const auto& line : h.log()) EXPECT_EQ(line.find("nzk_not_a_key"), std::string::npos) << line;
}

TEST(ApiStream, a_socket_that_never_authenticates_is_closed_after_the_deadline) {
  ApiHarness h(stream_options(200ms));
  ASSERT_TRUE(h.api);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->read(5s));
  ASSERT_TRUE(c->closed());
  EXPECT_EQ(c->closed()->code, 1008);
  EXPECT_EQ(c->closed()->reason, "authentication timeout");
  EXPECT_TRUE(h.wait_for([&] { return h.api->stream().stats().clients == 0; }));
}

TEST(ApiStream, a_message_before_auth_is_refused_and_closed) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(R"({"op":"subscribe","topics":["prices"]})"));
  ASSERT_NO_FATAL_FAILURE(expect_unauthorized_then_closed(*c));
}

TEST(ApiStream, unknown_topics_and_malformed_messages_are_errors_and_the_socket_stays_open) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::trade);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(R"({"op":"auth","token":")" + key + R"("})"));
  EXPECT_EQ(read_json(*c).at("scope"), "trade");

  ASSERT_TRUE(c->send(R"({"op":"subscribe","topics":["prices","weather"]})"));
  auto e = read_json(*c);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e.at("error").at("code"), "bad_request");
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("unknown topic 'weather'"),
            std::string::npos)
      << e;
  ASSERT_TRUE(c->send("{not json"));
  e = read_json(*c);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("malformed JSON"),
            std::string::npos)
      << e;
  ASSERT_TRUE(c->send(R"({"op":"dance"})"));
  e = read_json(*c);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("unknown op 'dance'"),
            std::string::npos)
      << e;
  // Nothing was subscribed by the refused message; a good one still works.
  ASSERT_TRUE(c->send(R"({"op":"subscribe","topics":["alerts"]})"));
  const auto s = read_json(*c);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(json::serialize(s.at("topics")), R"(["alerts"])");
  EXPECT_FALSE(c->closed());
}

TEST(ApiStream, prices_arrive_with_each_venue_and_move) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(auth_and_subscribe(*c, key, R"(["prices"])"));

  h.quote("BTC-USD", "100", "101");
  auto first = read_until(h, *c, [](const json::value& v) {
    return is_event(v, "prices") && v.at("data").at("reference").is_string();
  });
  ASSERT_TRUE(first.is_object()) << "no price event";
  const auto& d = first.at("data");
  EXPECT_EQ(d.at("symbol"), "BTC-USD");
  ASSERT_EQ(d.at("venues").as_array().size(), 1u);
  EXPECT_EQ(d.at("venues").at(0).at("venue"), "coinbase");
  EXPECT_EQ(*Decimal::parse(d.at("venues").at(0).at("bid").as_string()),
            Decimal::from_integer(100));
  EXPECT_EQ(*Decimal::parse(d.at("reference").as_string()), *Decimal::parse("100.5"));

  h.quote("BTC-USD", "200", "201");
  auto moved = read_until(h, *c, [](const json::value& v) {
    return is_event(v, "prices") &&
           *Decimal::parse(v.at("data").at("venues").at(0).at("bid").as_string()) ==
               Decimal::from_integer(200);
  });
  ASSERT_TRUE(moved.is_object()) << "the price did not move";
  EXPECT_EQ(moved.at("topic"), "prices");
  EXPECT_FALSE(moved.at("time").as_string().empty());
}

TEST(ApiStream, a_manual_order_and_its_fill_arrive_on_orders_and_fills) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  const std::string reader = h.add_key(Scope::read);
  const std::string trader = h.add_key(Scope::trade);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(auth_and_subscribe(*c, reader, R"(["orders","fills","positions"])"));
  h.quote("BTC-USD", "100", "101");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));

  const auto posted =
      h.post("/api/v1/orders", trader, R"({"symbol":"BTC-USD","side":"buy","confidence":0.9})");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202u) << posted->body;

  auto order = read_until(h, *c, [](const json::value& v) { return is_event(v, "orders"); });
  ASSERT_TRUE(order.is_object()) << "no order event";
  EXPECT_EQ(order.at("data").at("event"), "order");
  EXPECT_EQ(order.at("data").at("symbol"), "BTC-USD");
  EXPECT_EQ(order.at("data").at("side"), "buy");

  auto fill = read_until(h, *c, [](const json::value& v) { return is_event(v, "fills"); });
  ASSERT_TRUE(fill.is_object()) << "no fill event";
  EXPECT_EQ(fill.at("data").at("symbol"), "BTC-USD");
  EXPECT_EQ(fill.at("data").at("sequence"), order.at("data").at("sequence"));

  // The position it opened, within the stream's once-a-second refresh.
  auto position = read_until(h, *c, [](const json::value& v) { return is_event(v, "positions"); });
  ASSERT_TRUE(position.is_object()) << "no position event";
  EXPECT_EQ(position.at("data").at("symbol"), "BTC-USD");
  EXPECT_GT(*Decimal::parse(position.at("data").at("quantity").as_string()), Decimal{});
}

TEST(ApiStream, signals_refusals_and_the_metrics_summary_arrive_on_their_topics) {
  ApiHarness h(stream_options());
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  auto c = open_stream(h);
  ASSERT_TRUE(c);
  ASSERT_TRUE(auth_and_subscribe(*c, key, R"(["signals","alerts","metrics"])"));
  // No price yet: the signal is refused (an alert), and it is a signal of the operator.
  ASSERT_TRUE(h.server->submit_signal("BTC-USD", strategy::SignalKind::buy, 0.9).ok());
  auto signal = read_until(h, *c, [](const json::value& v) { return is_event(v, "signals"); });
  ASSERT_TRUE(signal.is_object()) << "no signal event";
  EXPECT_EQ(signal.at("data").at("symbol"), "BTC-USD");
  EXPECT_EQ(signal.at("data").at("kind"), "buy");
  EXPECT_TRUE(signal.at("data").at("from_operator").as_bool());
  auto alert = read_until(h, *c, [](const json::value& v) { return is_event(v, "alerts"); });
  ASSERT_TRUE(alert.is_object()) << "no alert";
  EXPECT_EQ(alert.at("data").at("source"), "refusal");
  EXPECT_EQ(alert.at("data").at("level"), "warning");
  auto metrics = read_until(h, *c, [](const json::value& v) { return is_event(v, "metrics"); });
  ASSERT_TRUE(metrics.is_object()) << "no metrics summary";
  EXPECT_TRUE(metrics.at("data").at("equity").is_string());
  EXPECT_FALSE(metrics.at("data").at("kill_switch").as_bool());
}

TEST(ApiStream, a_slow_client_is_dropped_and_counted_while_a_fast_one_keeps_receiving) {
  OperatorApiOptions o = stream_options();
  // Room for a whole burst of the loop below (a burst beyond a queue's bound drops any client).
  o.stream.max_queue_messages = 256;
  o.server.stream_send_buffer = 4096;
  o.server.write_deadline = 2s;
  ApiHarness h(std::move(o));
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  const std::string trader = h.add_key(Scope::trade);
  StreamClientOptions small;
  small.receive_buffer = 4096;
  auto slow = open_stream(h, small);
  auto fast = open_stream(h);
  ASSERT_TRUE(slow && fast);
  ASSERT_TRUE(auth_and_subscribe(*slow, key, R"(["alerts"])"));
  ASSERT_TRUE(auth_and_subscribe(*fast, key, R"(["alerts","orders"])"));

  // Refused signals (no price yet) are alerts; the slow client reads none of them. A burst goes
  // only once execution refused all but the last one, so the fast client is never more than two
  // bursts behind: its queue stays far below its bound whatever the pipeline's lag. (Unpaced, the
  // loop ran ahead of a slow pipeline under ASan, and the alerts still in flight when the loop
  // ended filled the fast client's queue while the test no longer read it: dropped too.)
  constexpr std::uint64_t kBurst = 20;
  std::uint64_t fast_alerts = 0;
  std::uint64_t submitted = 0;
  const bool dropped = testsupport::wait_until(
      [&] {
        if (h.status().execution.orders_refused + kBurst >= submitted)
          for (std::uint64_t i = 0; i < kBurst; ++i)
            if (h.server->submit_signal("BTC-USD", strategy::SignalKind::buy, 0.9).ok())
              ++submitted;
        while (auto text = fast->read(1ms))
          if (text->find("\"alerts\"") != std::string::npos) ++fast_alerts;
        return h.api->stream().stats().dropped_clients >= 1;
      },
      20s);
  ASSERT_TRUE(dropped) << "the slow client was never dropped; fast read " << fast_alerts
                       << " alerts; queued "
                       << h.api->stream().stats().messages[static_cast<std::size_t>(Topic::alerts)]
                       << "; refusals " << h.status().execution.orders_refused;
  EXPECT_GT(fast_alerts, 0u);
  EXPECT_FALSE(fast->closed());
  EXPECT_EQ(h.api->stream().stats().dropped_clients, 1u);

  // The pipeline kept trading: a manual order still reaches the fast client.
  h.quote("BTC-USD", "100", "101");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  const auto posted = h.post("/api/v1/orders", trader, R"({"symbol":"BTC-USD","side":"buy"})");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202u) << posted->body;
  auto order = read_until(h, *fast, [](const json::value& v) { return is_event(v, "orders"); });
  EXPECT_TRUE(order.is_object()) << "the fast client got no order after the drop";

  // The slow one's socket ends (a 1008 "too slow" if its buffers let the close through).
  EXPECT_TRUE(h.wait_for([&] { return h.api->stream().stats().clients == 1; }));
  const auto scrape = h.get("/metrics", key);
  ASSERT_TRUE(scrape);
  EXPECT_NE(scrape->body.find("nzeza_api_stream_dropped_clients_total 1\n"), std::string::npos);
  EXPECT_NE(scrape->body.find("nzeza_api_stream_clients 1\n"), std::string::npos);
}

TEST(ApiStream, the_upgrade_costs_its_address_a_token_and_a_refused_one_is_a_429) {
  OperatorApiOptions o = stream_options();
  o.service.per_address = BucketLimits{2, 0.001};
  ApiHarness h(std::move(o));
  ASSERT_TRUE(h.api);
  auto a = open_stream(h);
  auto b = open_stream(h);
  ASSERT_TRUE(a && b);
  std::string why;
  unsigned status = 0;
  auto c = StreamTestClient::open(h.port(), {}, &why, &status);
  EXPECT_FALSE(c);
  EXPECT_EQ(status, 429u) << why;
}

TEST(ApiStream, stream_sockets_count_toward_the_connection_cap) {
  OperatorApiOptions o = stream_options();
  o.server.max_connections = 2;
  ApiHarness h(std::move(o));
  ASSERT_TRUE(h.api);
  auto a = open_stream(h);
  auto b = open_stream(h);
  ASSERT_TRUE(a && b);
  const auto refused = h.get("/api/v1/health");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503u);
}

TEST(ApiStream, the_stream_works_over_tls) {
  const auto& pki = testsupport::TestPki::shared();
  testsupport::TempDir certs("nzeza-stream-tls");
  const std::string cert = certs.str() + "/server.pem";
  const std::string key_file = certs.str() + "/server.key";
  std::ofstream(cert) << pki.server_cert_pem();
  std::ofstream(key_file) << pki.server_key_pem();
  app::Config cfg = scripted_config();
  cfg.api.cert_file = cert;
  cfg.api.key_file = key_file;
  ApiHarness h(stream_options(), cfg);
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  StreamClientOptions tls;
  tls.ca_file = pki.ca_file();
  auto c = open_stream(h, tls);
  ASSERT_TRUE(c);
  ASSERT_TRUE(auth_and_subscribe(*c, key, R"(["prices"])"));
  h.quote("BTC-USD", "100", "101");
  auto price = read_until(h, *c, [](const json::value& v) { return is_event(v, "prices"); });
  EXPECT_TRUE(price.is_object()) << "no price over wss";
}

}  // namespace
}  // namespace nzeza::api::test
