// The API's HTTP server under abuse: oversized, slow, malformed and too many requests get their
// status and the close, and the server keeps serving others. Deadlines here are real time (the
// server's own), so each wait is on the server's answer, bounded by a guard.
#include <gtest/gtest.h>

#include "integration/api/api_harness.hpp"

namespace nzeza::api::test {
namespace {

using std::chrono::milliseconds;

OperatorApiOptions small_limits() {
  OperatorApiOptions o;
  o.server.max_body_bytes = 1024;
  o.server.max_header_bytes = 2048;
  return o;
}

TEST(ApiTransport, keep_alive_serves_several_requests_on_one_connection) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  RawConnection c(h.port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    const auto r = c.request("GET", "/api/v1/portfolio", key);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200u);
  }
  EXPECT_EQ(h.api->server().stats().accepted, 1u);
}

// The deadline timer is re-armed lazily (only for an earlier deadline): a wait begun for the
// first request's deadline must, when it ends, wait again for the later one, never cut a
// connection whose requests keep coming; and the last deadline still closes an idle one.
TEST(ApiTransport,
     a_busy_keep_alive_connection_outlives_its_first_deadline_and_idle_it_closes_at_the_last) {
  OperatorApiOptions o;
  o.server.header_deadline = milliseconds(1000);
  ApiHarness h(o);
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  RawConnection c(h.port());
  ASSERT_TRUE(c.connected());
  const auto first = std::chrono::steady_clock::now();
  auto last_sent = first;
  int answered = 0;
  // Requests 250 ms apart (the pause is a wait for an answer that must not come) for 2.5 s.
  while (std::chrono::steady_clock::now() - first < milliseconds(2500)) {
    last_sent = std::chrono::steady_clock::now();
    const auto r = c.request("GET", "/api/v1/health", key);
    ASSERT_TRUE(r) << "request " << answered << " not answered";
    ASSERT_EQ(r->status, 200u);
    ++answered;
    EXPECT_FALSE(c.read_response(milliseconds(250)).has_value());
    ASSERT_FALSE(c.closed_by_server(milliseconds(0))) << "cut after " << answered << " requests";
  }
  EXPECT_GE(answered, 4);
  last_sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.request("GET", "/api/v1/health", key));
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_GE(std::chrono::steady_clock::now() - last_sent, milliseconds(1000));
  EXPECT_TRUE(testsupport::wait_until([&] { return h.api->server().stats().idle_closed == 1; }));
  EXPECT_EQ(h.api->server().stats().accepted, 1u);
}

TEST(ApiTransport, an_oversized_body_gets_413_from_its_content_length_and_the_close) {
  ApiHarness h(small_limits());
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::trade);
  RawConnection c(h.port());
  // Only the header is sent: the answer comes before a byte of the body.
  ASSERT_TRUE(c.send("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
                     "\r\nContent-Length: 100000\r\n\r\n"));
  const auto r = c.read_response();
  expect_error(r, 413, "payload_too_large");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(h.api->server().stats().requests, 0u) << "the handler never saw it";
}

TEST(ApiTransport, an_oversized_header_gets_431_and_the_close) {
  ApiHarness h(small_limits());
  ASSERT_TRUE(h.api);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Padding: " +
                     std::string(4096, 'a') + "\r\n\r\n"));
  expect_error(c.read_response(), 431, "header_too_large");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(ApiTransport, a_malformed_request_gets_400_and_the_server_keeps_serving) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  for (std::string_view garbage :
       {std::string_view("GET /api/v1/health HTTP/9.9\r\n\r\n"),
        std::string_view("\x01\x02\x03 nonsense\r\n\r\n"),
        std::string_view("GET /api/v1/health HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    RawConnection c(h.port());
    ASSERT_TRUE(c.send(garbage));
    expect_error(c.read_response(), 400, "bad_request");
    EXPECT_TRUE(c.closed_by_server());
  }
  EXPECT_EQ(h.api->server().stats().malformed, 3u);
  const auto fine = h.get("/api/v1/health");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200u);
}

TEST(ApiTransport, a_header_sent_byte_by_byte_slower_than_the_deadline_gets_408_and_the_close) {
  OperatorApiOptions o;
  o.server.header_deadline = milliseconds(300);
  ApiHarness h(o);
  ASSERT_TRUE(h.api);
  RawConnection c(h.port());
  const std::string header =
      "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(200, 's') +
      "\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  std::optional<RawResponse> answer;
  // One byte, then wait up to 20 ms for the server's answer (the pace of the slow sender).
  for (std::size_t i = 0; i < header.size() && !answer; ++i) {
    if (!c.send(header.substr(i, 1))) break;
    answer = c.read_response(milliseconds(20));
  }
  if (!answer) answer = c.read_response();
  expect_error(answer, 408, "request_timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(300));
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(h.api->server().stats().timed_out, 1u);
  EXPECT_EQ(h.api->server().stats().requests, 0u);
}

TEST(ApiTransport, a_silent_connection_is_closed_without_an_answer_at_the_deadline) {
  OperatorApiOptions o;
  o.server.header_deadline = milliseconds(200);
  ApiHarness h(o);
  ASSERT_TRUE(h.api);
  RawConnection c(h.port());
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_FALSE(c.read_response(milliseconds(10)).has_value());
  EXPECT_TRUE(testsupport::wait_until([&] { return h.api->server().stats().idle_closed == 1; }));
}

TEST(ApiTransport, connections_past_the_cap_get_503_and_a_freed_slot_serves_again) {
  OperatorApiOptions o;
  o.server.max_connections = 2;
  ApiHarness h(o);
  ASSERT_TRUE(h.api);
  auto a = std::make_unique<RawConnection>(h.port());
  RawConnection b(h.port());
  ASSERT_TRUE(a->connected() && b.connected());
  ASSERT_TRUE(
      testsupport::wait_until([&] { return h.api->server().stats().open_connections == 2; }));

  RawConnection third(h.port());
  const auto refused = third.read_response();
  expect_error(refused, 503, "unavailable");
  EXPECT_TRUE(third.closed_by_server());
  EXPECT_EQ(h.api->server().stats().refused_at_cap, 1u);

  // The held connections still work.
  const auto on_b = b.request("GET", "/api/v1/health");
  ASSERT_TRUE(on_b);
  EXPECT_EQ(on_b->status, 200u);

  a.reset();
  ASSERT_TRUE(
      testsupport::wait_until([&] { return h.api->server().stats().open_connections == 1; }));
  const auto fourth = h.get("/api/v1/health");
  ASSERT_TRUE(fourth);
  EXPECT_EQ(fourth->status, 200u);
}

}  // namespace
}  // namespace nzeza::api::test
