// HttpClient against the loopback HTTP(S) simulator: keep-alive, deadlines on a ManualClock and
// one test per fault of docs/testing/net.md's matrix. Every failure asserts how far the request
// got (Error::delivery) and what venues::classify makes of it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "net/url.hpp"
#include "support/http_server.hpp"
#include "support/test_pki.hpp"
#include "support/wait.hpp"
#include "support/ws_server.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::net {
namespace {

using testsupport::closed_port;
using testsupport::HttpFault;
using testsupport::HttpReply;
using testsupport::HttpSeen;
using testsupport::HttpServer;
using testsupport::HttpServerOptions;
using testsupport::TestPki;
using testsupport::wait_until;
using venues::classify;
using venues::FailureClass;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

HttpReply fault_reply(HttpFault fault) {
  HttpReply reply;
  reply.fault = fault;
  return reply;
}

bool ready(const std::future<Result<HttpResponse>>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

// A TCP listener that never accepts: the kernel completes the TCP handshake from its backlog, and
// then nothing is ever read or answered (a TLS handshake to it never ends).
class SilentListener {
 public:
  SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    const bool ok = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
                    ::listen(fd_, 16) == 0 &&
                    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    EXPECT_TRUE(ok) << "cannot listen on 127.0.0.1";
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  [[nodiscard]] std::string https_url(const std::string& target,
                                      const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + target;
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

// The signed query and the body of a Binance-like order request: none of it may appear in any
// error text.
constexpr const char* kSecretQuery =
    "?symbol=BTCUSDT&timestamp=1700000000000&signature=SECRETSIGNATURE0123456789abcdef";
constexpr const char* kSecretBody = "apiKey=SECRETBODYKEY&quantity=1";

void expect_no_secret(const Error& e, const std::string& where) {
  for (const std::string& text : {e.message, e.venue_code, e.venue_text, e.to_string()}) {
    EXPECT_EQ(text.find("SECRET"), std::string::npos) << where << ": " << text;
    EXPECT_EQ(text.find("signature="), std::string::npos) << where << ": " << text;
    EXPECT_EQ(text.find("timestamp="), std::string::npos) << where << ": " << text;
  }
}

// The delivery and the class a router or tracker acts on, in one assertion.
void expect_delivery(const Error& e, Delivery delivery, FailureClass cls) {
  EXPECT_EQ(e.delivery, delivery) << to_string(e.delivery) << " — " << e.to_string();
  EXPECT_EQ(classify(e), cls) << venues::to_string(classify(e)) << " — " << e.to_string();
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { net_.start(); }

  HttpClientConfig config() const {
    HttpClientConfig c;
    c.tls.extra_ca_file = TestPki::shared().ca_file();
    return c;
  }

  static HttpRequest get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
  }

  // An order-like POST: may it have arrived is the question every failure must answer.
  static HttpRequest post(std::string url) {
    HttpRequest r;
    r.method = "POST";
    r.url = std::move(url);
    r.body = "{\"symbol\":\"BTCUSDT\",\"quantity\":\"1\"}";
    return r;
  }

  // Runs `request`, which must fail, and returns its error.
  static Error failure(HttpClient& client, HttpRequest request) {
    auto result = client.request_blocking(std::move(request));
    EXPECT_FALSE(result.ok()) << "status " << (result.ok() ? result->status : 0);
    return result.ok() ? Error{} : result.error();
  }

  ManualClock clock_;
  NetContext net_;
};

TEST_F(HttpClientTest, get_returns_status_headers_and_body) {
  HttpServer server;
  server.on_request([](const HttpSeen& seen) {
    return HttpReply{200, {{"X-MBX-USED-WEIGHT-1M", "12"}}, "{\"path\":\"" + seen.target + "\"}"};
  });
  HttpClient client(net_, clock_, config());
  auto result = client.request_blocking(get(server.url("/api/v3/time?x=1")));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->status, 200u);
  EXPECT_EQ(result->body, "{\"path\":\"/api/v3/time?x=1\"}");
  EXPECT_EQ(result->header("x-mbx-used-weight-1m"), "12");
  EXPECT_TRUE(result->check().ok());
  EXPECT_FALSE(result->reused_connection);
  EXPECT_EQ(server.requests()[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST_F(HttpClientTest, post_sends_the_body_and_the_caller_headers) {
  HttpServer server;
  HttpClient client(net_, clock_, config());
  HttpRequest request;
  request.method = "POST";
  request.url = server.url("/order");
  request.headers = {{"X-MBX-APIKEY", "key"}, {"Content-Type", "application/json"}};
  request.body = "{\"qty\":\"1.5\"}";
  auto result = client.request_blocking(request);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  const HttpSeen seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, "{\"qty\":\"1.5\"}");
  EXPECT_EQ(seen.header("X-MBX-APIKEY"), "key");
  EXPECT_EQ(seen.header("Content-Length"), "13");
}

TEST_F(HttpClientTest, keep_alive_reuses_one_connection_for_sequential_requests) {
  HttpServer server;
  HttpClient client(net_, clock_, config());
  for (int i = 0; i < 3; ++i) {
    auto result = client.request_blocking(get(server.url("/ping")));
    ASSERT_TRUE(result.ok()) << result.error().to_string();
    EXPECT_EQ(result->reused_connection, i > 0);
  }
  EXPECT_EQ(server.tcp_accepts(), 1u);
  for (const auto& seen : server.requests()) EXPECT_EQ(seen.connection, 0u);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().reused, 2u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTest, connection_close_response_is_not_reused) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    HttpReply r{200, {}, "bye"};
    r.close = true;
    return r;
  });
  HttpClient client(net_, clock_, config());
  ASSERT_TRUE(client.request_blocking(get(server.url())).ok());
  ASSERT_TRUE(client.request_blocking(get(server.url())).ok());
  EXPECT_EQ(server.tcp_accepts(), 2u);
  EXPECT_EQ(client.stats().reused, 0u);
}

TEST_F(HttpClientTest, https_verifies_the_server_by_name_with_the_extra_ca_and_reuses) {
  HttpServer server(HttpServerOptions{.tls = true});
  HttpClient client(net_, clock_, config());
  auto first = client.request_blocking(get(server.localhost_url("/a")));
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto second = client.request_blocking(get(server.localhost_url("/b")));
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_TRUE(second->reused_connection);
  EXPECT_EQ(server.tcp_accepts(), 1u);
}

TEST_F(HttpClientTest, tls_verification_fails_with_a_wrong_ca) {
  HttpServer server(HttpServerOptions{.tls = true});
  auto c = config();
  c.tls.extra_ca_file = TestPki::other().ca_file();
  HttpClient client(net_, clock_, c);
  const Error e = failure(client, get(server.localhost_url()));
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "TLS handshake")) << e.message;
  EXPECT_TRUE(contains(e.message, "certificate verify failed")) << e.message;
  EXPECT_EQ(server.request_count(), 0u);
  expect_delivery(e, Delivery::not_sent, FailureClass::refused_before_sending);
}

TEST_F(HttpClientTest, connection_refused_is_a_network_error_not_sent_that_may_fall_back) {
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, post("http://127.0.0.1:" + std::to_string(closed_port()) + "/"));
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "refused")) << e.message;
  expect_delivery(e, Delivery::not_sent, FailureClass::refused_before_sending);
}

TEST_F(HttpClientTest, deadline_before_anything_is_written_is_a_timeout_that_was_not_sent) {
  SilentListener silent;  // TCP connects; the TLS handshake is never answered
  HttpClient client(net_, clock_, config());
  auto future = client.request(post(silent.https_url("/api/v3/order")));
  ASSERT_TRUE(wait_until([&] { return clock_.pending_timers() == 1; }));
  clock_.advance(10s);
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  const Error& e = result.error();
  EXPECT_EQ(e.code, ErrorCode::timeout);
  EXPECT_TRUE(contains(e.message, "nothing was sent")) << e.message;
  expect_delivery(e, Delivery::not_sent, FailureClass::refused_before_sending);
}

TEST_F(HttpClientTest, a_deadline_that_fires_while_the_host_is_resolved_still_ends_the_request) {
  // The deadline closes the socket; a resolve already running completes with success anyway and
  // async_connect would re-open the socket: the step must notice, or the request hangs forever.
  // Firing the deadline the moment it is armed lands it in the resolve nearly every time.
  SilentListener silent;
  HttpClient client(net_, clock_, config());
  for (int i = 0; i < 300; ++i) {
    // A name, not an address: the resolver reads the hosts file, which widens the window.
    auto future = client.request(post(silent.https_url("/api/v3/order", "localhost")));
    const auto give_up = std::chrono::steady_clock::now() + testsupport::kWaitGuard;
    while (clock_.pending_timers() == 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();  // no sleep: land the deadline as early as possible
    }
    ASSERT_EQ(clock_.advance(10s), 1u) << "try " << i;
    ASSERT_EQ(future.wait_for(testsupport::kWaitGuard), std::future_status::ready) << "try " << i;
    auto result = future.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::timeout) << result.error().to_string();
    expect_delivery(result.error(), Delivery::not_sent, FailureClass::refused_before_sending);
  }
}

TEST_F(HttpClientTest, destroying_the_client_before_anything_is_written_is_cancelled_not_sent) {
  SilentListener silent;
  std::future<Result<HttpResponse>> future;
  {
    HttpClient client(net_, clock_, config());
    future = client.request(post(silent.https_url("/api/v3/order")));
    ASSERT_TRUE(wait_until([&] { return clock_.pending_timers() == 1; }));
  }
  ASSERT_TRUE(ready(future));
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::cancelled);
  expect_delivery(result.error(), Delivery::not_sent, FailureClass::refused_before_sending);
}

TEST_F(HttpClientTest, reset_after_a_post_was_read_is_sent_no_answer_and_outcome_unknown) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::reset); });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, post(server.url("/order")));
  EXPECT_EQ(server.request_count(), 1u);  // the server read the order: it may have booked it
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "reset") || contains(e.message, "closed by the server"))
      << e.message;
  EXPECT_TRUE(contains(e.message, "may have been executed")) << e.message;
  expect_delivery(e, Delivery::sent_no_answer, FailureClass::outcome_unknown);
  EXPECT_FALSE(venues::may_fall_back(e));
}

TEST_F(HttpClientTest, reset_while_the_request_is_being_written_is_sent_no_answer) {
  // The server reads headers and part of a body above its 1 MB limit, then closes with unread
  // bytes (a TCP reset): the write fails part-way or the read sees the reset. Either way some of
  // the request left.
  HttpServer server;
  HttpClient client(net_, clock_, config());
  HttpRequest big = post(server.url("/order"));
  big.body = std::string(16u * 1024 * 1024, 'x');
  const Error e = failure(client, big);
  EXPECT_EQ(e.code, ErrorCode::network);
  expect_delivery(e, Delivery::sent_no_answer, FailureClass::outcome_unknown);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpClientTest, close_without_a_response_is_a_network_error_saying_so) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::close_without_response); });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, post(server.url()));
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "closed by the server before a response")) << e.message;
  expect_delivery(e, Delivery::sent_no_answer, FailureClass::outcome_unknown);
}

TEST_F(HttpClientTest, truncated_body_is_a_protocol_error_with_the_answer_cut) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    return HttpReply{200, {}, std::string(100, 'b'), HttpFault::truncate_body, 40};
  });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, post(server.url()));
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_TRUE(contains(e.message, "truncated")) << e.message;
  expect_delivery(e, Delivery::answer_cut, FailureClass::outcome_unknown);
}

TEST_F(HttpClientTest, garbage_instead_of_http_is_a_protocol_error_with_the_answer_cut) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::garbage); });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, post(server.url()));
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_TRUE(contains(e.message, "malformed response")) << e.message;
  expect_delivery(e, Delivery::answer_cut, FailureClass::outcome_unknown);
}

TEST_F(HttpClientTest, response_above_the_size_limit_is_a_protocol_error_with_the_answer_cut) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return HttpReply{200, {}, std::string(2048, 'z')}; });
  auto c = config();
  c.max_response_bytes = 1024;
  HttpClient client(net_, clock_, c);
  const Error e = failure(client, post(server.url()));
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_TRUE(contains(e.message, "1024-byte limit")) << e.message;
  expect_delivery(e, Delivery::answer_cut, FailureClass::outcome_unknown);
}

TEST_F(HttpClientTest, deadline_fires_on_the_manual_clock_when_the_response_is_held) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::hold); });
  HttpClient client(net_, clock_, config());
  auto future = client.request(post(server.url("/slow")));
  ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
  EXPECT_EQ(clock_.advance(10s - 1ms), 0u);
  EXPECT_FALSE(ready(future));
  clock_.advance(1ms);
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(result.error().message, "within 10s")) << result.error().message;
  EXPECT_TRUE(contains(result.error().message, "may have been executed")) << result.error().message;
  expect_delivery(result.error(), Delivery::sent_no_answer, FailureClass::outcome_unknown);
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(HttpClientTest, per_request_timeout_overrides_the_default) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::hold); });
  HttpClient client(net_, clock_, config());
  auto request = get(server.url());
  request.timeout = 1500ms;
  auto future = client.request(request);
  ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
  clock_.advance(1500ms);
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(result.error().message, "within 1500ms")) << result.error().message;
}

TEST_F(HttpClientTest, slow_response_within_the_deadline_succeeds) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    return HttpReply{200, {}, "late but fine", HttpFault::hold};
  });
  HttpClient client(net_, clock_, config());
  auto future = client.request(get(server.url()));
  ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
  EXPECT_EQ(clock_.advance(9s), 0u);
  server.release_held();
  auto result = future.get();
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->body, "late but fine");
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(HttpClientTest, status_429_keeps_retry_after_and_maps_to_rate_limited) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    return HttpReply{429, {{"Retry-After", "7"}}, "{\"code\":-1003,\"msg\":\"Too many requests\"}"};
  });
  HttpClient client(net_, clock_, config());
  auto result = client.request_blocking(get(server.url()));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->status, 429u);
  EXPECT_EQ(result->retry_after(clock_.now()), std::optional<Duration>(7s));
  const Status s = result->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(s.error().venue_code, "429");
  EXPECT_TRUE(contains(s.error().venue_text, "-1003"));
  EXPECT_TRUE(contains(s.error().message, "Retry-After: 7")) << s.error().message;
}

TEST_F(HttpClientTest, status_418_maps_to_banned_with_an_http_date_retry_after) {
  HttpServer server;
  // 1'700'000'000 s is 2023-11-14T22:13:20Z, the ManualClock's default start.
  server.on_request([](const HttpSeen&) {
    return HttpReply{418, {{"Retry-After", "Tue, 14 Nov 2023 22:15:20 GMT"}}, "banned"};
  });
  HttpClient client(net_, clock_, config());
  auto result = client.request_blocking(get(server.url()));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->check().error().code, ErrorCode::banned);
  EXPECT_EQ(result->retry_after(clock_.now()), std::optional<Duration>(120s));
}

TEST_F(HttpClientTest, status_5xx_maps_to_unavailable_and_keeps_the_body) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return HttpReply{503, {}, "maintenance"}; });
  HttpClient client(net_, clock_, config());
  auto result = client.request_blocking(get(server.url()));
  ASSERT_TRUE(result.ok());
  const Status s = result->check();
  EXPECT_EQ(s.error().code, ErrorCode::unavailable);
  EXPECT_EQ(s.error().venue_code, "503");
  EXPECT_EQ(s.error().venue_text, "maintenance");
}

TEST_F(HttpClientTest, status_5xx_and_408_after_a_post_are_answer_unknown_and_outcome_unknown) {
  HttpServer server;
  server.on_request([](const HttpSeen& seen) {
    return HttpReply{static_cast<unsigned>(std::stoi(seen.target.substr(1))), {}, "busy"};
  });
  HttpClient client(net_, clock_, config());
  for (const unsigned status : {500u, 502u, 503u, 504u, 408u}) {
    auto result = client.request_blocking(post(server.url("/" + std::to_string(status))));
    ASSERT_TRUE(result.ok()) << result.error().to_string();  // a complete answer is a value
    ASSERT_EQ(result->status, status);
    const Status s = result->check();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, status == 408 ? ErrorCode::timeout : ErrorCode::unavailable)
        << status;
    EXPECT_EQ(s.error().venue_code, std::to_string(status));
    EXPECT_EQ(s.error().venue_text, "busy");
    expect_delivery(s.error(), Delivery::answer_unknown, FailureClass::outcome_unknown);
  }
}

TEST_F(HttpClientTest, other_error_statuses_carry_no_delivery_and_classify_by_their_code) {
  HttpServer server;
  server.on_request([](const HttpSeen& seen) {
    return HttpReply{static_cast<unsigned>(std::stoi(seen.target.substr(1))), {}, "no"};
  });
  HttpClient client(net_, clock_, config());
  const std::vector<std::pair<unsigned, FailureClass>> cases = {
      {400, FailureClass::refused_by_venue},       {401, FailureClass::refused_by_venue},
      {403, FailureClass::refused_by_venue},       {404, FailureClass::refused_by_venue},
      {418, FailureClass::refused_before_sending}, {429, FailureClass::refused_before_sending}};
  for (const auto& [status, cls] : cases) {
    auto result = client.request_blocking(post(server.url("/" + std::to_string(status))));
    ASSERT_TRUE(result.ok()) << result.error().to_string();
    const Status s = result->check();
    ASSERT_FALSE(s.ok()) << status;
    EXPECT_EQ(s.error().delivery, Delivery::none) << status;
    EXPECT_EQ(classify(s.error()), cls) << status;
  }
}

TEST_F(HttpClientTest, status_400_maps_to_rejected_with_the_venue_text) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    return HttpReply{400, {}, "{\"code\":-1013,\"msg\":\"Filter failure: LOT_SIZE\"}"};
  });
  HttpClient client(net_, clock_, config());
  auto result = client.request_blocking(get(server.url()));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->check().error().code, ErrorCode::rejected);
  EXPECT_TRUE(contains(result->check().error().venue_text, "LOT_SIZE"));
}

TEST_F(HttpClientTest, pooled_connection_the_server_closed_is_dropped_before_reuse_even_for_post) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    HttpReply r{200, {}, "ok"};
    r.drop_after = true;  // keep-alive in the answer, then FIN (an idle timeout)
    return r;
  });
  HttpClient client(net_, clock_, config());
  ASSERT_TRUE(client.request_blocking(get(server.url())).ok());
  ASSERT_EQ(client.idle_connections(), 1u);
  ASSERT_TRUE(wait_until([&] { return server.closed_connections() == 1; }));
  // The FIN is pending on the pooled socket: it is seen before reuse, so the POST goes out once,
  // on a new connection, and is answered.
  auto r = client.request_blocking(post(server.url("/order")));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(server.tcp_accepts(), 2u);
  EXPECT_EQ(client.stats().stale_retries, 0u);
  std::size_t posts = 0;
  for (const auto& seen : server.requests()) posts += seen.method == "POST" ? 1 : 0;
  EXPECT_EQ(posts, 1u);
}

// A pooled connection reset after the request was read and before any answer byte: the server
// may have acted on it. A GET is re-sent once on a new connection; a POST or a DELETE (venues
// cancel with DELETE) never is.
class PooledResetTest : public HttpClientTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(PooledResetTest, only_a_get_is_re_sent_after_a_reset_on_a_pooled_connection) {
  const std::string method = GetParam();
  HttpServer server;
  std::atomic<int> n{0};
  server.on_request([&](const HttpSeen&) {
    HttpReply r{200, {}, "ok"};
    if (++n == 2) r.fault = HttpFault::reset;  // the second request: read, then RST
    return r;
  });
  HttpClient client(net_, clock_, config());
  ASSERT_TRUE(client.request_blocking(get(server.url())).ok());
  ASSERT_EQ(client.idle_connections(), 1u);
  HttpRequest req = get(server.url("/order"));
  req.method = method;
  auto r = client.request_blocking(req);
  std::size_t seen_second = 0;
  for (const auto& seen : server.requests()) seen_second += seen.target == "/order" ? 1 : 0;
  if (method == "GET") {
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(client.stats().stale_retries, 1u);
    EXPECT_EQ(seen_second, 2u);
  } else {
    ASSERT_FALSE(r.ok());
    expect_delivery(r.error(), Delivery::sent_no_answer, FailureClass::outcome_unknown);
    EXPECT_EQ(client.stats().stale_retries, 0u);
    EXPECT_EQ(seen_second, 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, PooledResetTest,
                         ::testing::Values("GET", "POST", "DELETE", "PUT"));

TEST_F(HttpClientTest, blocking_request_on_the_network_thread_is_refused) {
  HttpServer server;
  HttpClient client(net_, clock_, config());
  std::promise<Error> inner;
  client.async_request(get(server.url()), [&](Result<HttpResponse>) {
    auto nested = client.request_blocking(get(server.url()));
    inner.set_value(nested.ok() ? Error{} : nested.error());
  });
  const Error e = inner.get_future().get();
  EXPECT_EQ(e.code, ErrorCode::invalid_state);
  EXPECT_TRUE(contains(e.message, "deadlock")) << e.message;
}

TEST_F(HttpClientTest, destroying_the_client_after_the_write_is_cancelled_and_sent_no_answer) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::hold); });
  std::future<Result<HttpResponse>> future;
  {
    HttpClient client(net_, clock_, config());
    future = client.request(post(server.url()));
    ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
  }
  ASSERT_TRUE(ready(future));
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::cancelled);
  expect_delivery(result.error(), Delivery::sent_no_answer, FailureClass::outcome_unknown);
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(HttpClientTest, non_http_url_is_an_invalid_argument_not_sent) {
  HttpClient client(net_, clock_, config());
  for (const char* url : {"ws://127.0.0.1:1/", "not a url"}) {
    const Error e = failure(client, get(url));
    EXPECT_EQ(e.code, ErrorCode::invalid_argument) << url;
    EXPECT_EQ(e.delivery, Delivery::not_sent) << url;
  }
}

TEST_F(HttpClientTest, errors_name_method_and_path_and_never_the_signed_query_or_the_body) {
  const std::string q = kSecretQuery;
  std::vector<std::pair<std::string, Error>> errors;
  const auto fail_with = [&](const std::string& what, HttpClient& via, HttpRequest r) {
    r.body = kSecretBody;
    errors.emplace_back(what, failure(via, std::move(r)));
  };
  HttpClient client(net_, clock_, config());

  // Nothing written: refused, TLS refused, invalid URLs, a deadline and a destroyed client.
  fail_with("refused", client,
            post("http://127.0.0.1:" + std::to_string(closed_port()) + "/api/v3/order" + q));
  HttpServer tls_server(HttpServerOptions{.tls = true});
  {
    auto c = config();
    c.tls.extra_ca_file = TestPki::other().ca_file();
    HttpClient wrong_ca(net_, clock_, c);
    fail_with("wrong CA", wrong_ca, post(tls_server.localhost_url("/api/v3/order" + q)));
  }
  for (const std::string& bad : {"ftp://127.0.0.1/api/v3/order" + q, "http://h:0/x" + q,
                                 "http://user:SECRETPASSWORD@h/x" + q, "not a url" + q}) {
    fail_with("bad URL " + bad.substr(0, 10), client, post(bad));
  }
  SilentListener silent;
  {
    auto future = client.request(post(silent.https_url("/api/v3/order" + q)));
    ASSERT_TRUE(wait_until([&] { return clock_.pending_timers() == 1; }));
    clock_.advance(10s);
    auto r = future.get();
    ASSERT_FALSE(r.ok());
    errors.emplace_back("deadline before the write", r.error());
  }
  {
    std::future<Result<HttpResponse>> future;
    {
      HttpClient doomed(net_, clock_, config());
      future = doomed.request(post(silent.https_url("/api/v3/order" + q)));
      ASSERT_TRUE(wait_until([&] { return clock_.pending_timers() == 1; }));
    }
    auto r = future.get();
    ASSERT_FALSE(r.ok());
    errors.emplace_back("destroyed before the write", r.error());
  }

  // Written: every fault of the server, a held answer, a destroyed client.
  HttpServer server;
  server.on_request([](const HttpSeen& seen) {
    const std::string path = seen.target.substr(0, seen.target.find('?'));
    if (path == "/reset") return fault_reply(HttpFault::reset);
    if (path == "/close") return fault_reply(HttpFault::close_without_response);
    if (path == "/garbage") return fault_reply(HttpFault::garbage);
    if (path == "/hold") return fault_reply(HttpFault::hold);
    if (path == "/truncate") {
      return HttpReply{200, {}, std::string(100, 'b'), HttpFault::truncate_body, 40};
    }
    if (path == "/big") return HttpReply{200, {}, std::string(4096, 'z')};
    return HttpReply{503, {}, "busy"};
  });
  for (const char* path : {"/reset", "/close", "/garbage", "/truncate"}) {
    fail_with(path, client, post(server.url(path + q)));
  }
  {
    auto c = config();
    c.max_response_bytes = 1024;
    HttpClient small(net_, clock_, c);
    fail_with("/big", small, post(server.url("/big" + q)));
  }
  {
    HttpRequest r = post(server.url("/hold" + q));
    r.body = kSecretBody;
    auto future = client.request(r);
    ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
    clock_.advance(10s);
    auto result = future.get();
    ASSERT_FALSE(result.ok());
    errors.emplace_back("deadline after the write", result.error());
  }
  {
    std::future<Result<HttpResponse>> future;
    {
      HttpClient doomed(net_, clock_, config());
      HttpRequest r = post(server.url("/hold" + q));
      r.body = kSecretBody;
      future = doomed.request(r);
      ASSERT_TRUE(wait_until([&] { return server.held() == 2; }));
    }
    auto result = future.get();
    ASSERT_FALSE(result.ok());
    errors.emplace_back("destroyed after the write", result.error());
  }
  {
    auto result = client.request_blocking(post(server.url("/503" + q)));
    ASSERT_TRUE(result.ok()) << result.error().to_string();
    errors.emplace_back("503", result->check().error());
  }

  // Misuse: on the network thread, and with the NetContext stopped.
  {
    std::promise<Error> inner;
    client.async_request(get(server.url("/503")), [&](Result<HttpResponse>) {
      auto nested = client.request_blocking(get(server.url("/x" + q)));
      inner.set_value(nested.ok() ? Error{} : nested.error());
    });
    errors.emplace_back("on the network thread", inner.get_future().get());
  }
  server.release_held();
  NetContext stopped;
  {
    HttpClient idle(stopped, clock_, config());
    fail_with("stopped", idle, post(server.url("/x" + q)));
  }

  ASSERT_EQ(errors.size(), 18u);
  for (const auto& [what, e] : errors) {
    expect_no_secret(e, what);
    EXPECT_NE(e.delivery, Delivery::none) << what << ": " << e.to_string();
  }
  // The path is named, so a human still knows which call failed.
  EXPECT_TRUE(contains(errors[0].second.message, "POST http://127.0.0.1:"))
      << errors[0].second.message;
  EXPECT_TRUE(contains(errors[0].second.message, "/api/v3/order:")) << errors[0].second.message;
}

TEST(UrlTest, parses_scheme_host_default_port_and_target) {
  auto url = parse_url("WSS://stream.binance.com/ws?x=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "wss");
  EXPECT_EQ(url->host, "stream.binance.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/ws?x=1");
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->host_header(), "stream.binance.com");
  EXPECT_EQ(url->authority(), "stream.binance.com:443");
}

TEST(UrlTest, parses_ipv6_with_port_and_query_without_path) {
  auto url = parse_url("http://[::1]:8080?a=b");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/?a=b");
  EXPECT_EQ(url->host_header(), "[::1]:8080");
}

TEST(UrlTest, refuses_credentials_fragments_bad_ports_and_other_schemes) {
  for (const char* bad :
       {"https://user:pw@host/", "https://host/#frag", "http://host:0/", "http://host:65536/",
        "http://host:/", "ftp://host/", "http:///x", "host:80"}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_TRUE(contains(url.error().message, bad)) << url.error().message;
  }
}

}  // namespace
}  // namespace nzeza::net
