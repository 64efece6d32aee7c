// HttpClient against the loopback HTTP(S) simulator: keep-alive, deadlines on a ManualClock and
// one test per fault of docs/testing/net.md's matrix.
#include <gtest/gtest.h>

#include <future>
#include <string>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "net/url.hpp"
#include "support/http_server.hpp"
#include "support/test_pki.hpp"
#include "support/wait.hpp"
#include "support/ws_server.hpp"

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
}

TEST_F(HttpClientTest, connection_refused_is_a_network_error) {
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, get("http://127.0.0.1:" + std::to_string(closed_port()) + "/"));
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "refused")) << e.message;
}

TEST_F(HttpClientTest, reset_instead_of_a_response_is_a_network_error) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::reset); });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, get(server.url()));
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "reset") || contains(e.message, "closed by the server"))
      << e.message;
}

TEST_F(HttpClientTest, close_without_a_response_is_a_network_error_saying_so) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::close_without_response); });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, get(server.url()));
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "closed by the server before a response")) << e.message;
}

TEST_F(HttpClientTest, truncated_body_is_a_protocol_error) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    return HttpReply{200, {}, std::string(100, 'b'), HttpFault::truncate_body, 40};
  });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, get(server.url()));
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_TRUE(contains(e.message, "truncated")) << e.message;
}

TEST_F(HttpClientTest, garbage_instead_of_http_is_a_protocol_error) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::garbage); });
  HttpClient client(net_, clock_, config());
  const Error e = failure(client, get(server.url()));
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_TRUE(contains(e.message, "malformed response")) << e.message;
}

TEST_F(HttpClientTest, response_above_the_size_limit_is_a_protocol_error) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return HttpReply{200, {}, std::string(2048, 'z')}; });
  auto c = config();
  c.max_response_bytes = 1024;
  HttpClient client(net_, clock_, c);
  const Error e = failure(client, get(server.url()));
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_TRUE(contains(e.message, "1024-byte limit")) << e.message;
}

TEST_F(HttpClientTest, deadline_fires_on_the_manual_clock_when_the_response_is_held) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::hold); });
  HttpClient client(net_, clock_, config());
  auto future = client.request(get(server.url("/slow")));
  ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
  EXPECT_EQ(clock_.advance(10s - 1ms), 0u);
  EXPECT_FALSE(ready(future));
  clock_.advance(1ms);
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(result.error().message, "within 10s")) << result.error().message;
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

TEST_F(HttpClientTest, pooled_connection_closed_by_the_server_is_retried_for_get) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    HttpReply r{200, {}, "ok"};
    r.drop_after = true;
    return r;
  });
  HttpClient client(net_, clock_, config());
  ASSERT_TRUE(client.request_blocking(get(server.url())).ok());
  ASSERT_TRUE(wait_until([&] { return server.tcp_accepts() == 1; }));
  auto second = client.request_blocking(get(server.url()));
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(server.tcp_accepts(), 2u);
  EXPECT_EQ(client.stats().stale_retries, 1u);
}

TEST_F(HttpClientTest, pooled_connection_closed_by_the_server_is_not_retried_for_post) {
  HttpServer server;
  server.on_request([](const HttpSeen&) {
    HttpReply r{200, {}, "ok"};
    r.drop_after = true;
    return r;
  });
  HttpClient client(net_, clock_, config());
  ASSERT_TRUE(client.request_blocking(get(server.url())).ok());
  HttpRequest post;
  post.method = "POST";
  post.url = server.url("/order");
  post.body = "{}";
  auto result = client.request_blocking(post);
  // Either the write already failed (then a retry is safe and succeeds) or the request may have
  // reached the server: a POST is never silently sent twice.
  if (result.ok()) {
    EXPECT_EQ(server.request_count(), 2u);
  } else {
    EXPECT_EQ(result.error().code, ErrorCode::network);
    EXPECT_EQ(client.stats().stale_retries, 0u);
  }
  std::size_t posts = 0;
  for (const auto& seen : server.requests()) posts += seen.method == "POST" ? 1 : 0;
  EXPECT_LE(posts, 1u);
}

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

TEST_F(HttpClientTest, destroying_the_client_cancels_pending_requests) {
  HttpServer server;
  server.on_request([](const HttpSeen&) { return fault_reply(HttpFault::hold); });
  std::future<Result<HttpResponse>> future;
  {
    HttpClient client(net_, clock_, config());
    future = client.request(get(server.url()));
    ASSERT_TRUE(wait_until([&] { return server.held() == 1; }));
  }
  ASSERT_TRUE(ready(future));
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::cancelled);
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(HttpClientTest, non_http_url_is_an_invalid_argument) {
  HttpClient client(net_, clock_, config());
  EXPECT_EQ(failure(client, get("ws://127.0.0.1:1/")).code, ErrorCode::invalid_argument);
  EXPECT_EQ(failure(client, get("not a url")).code, ErrorCode::invalid_argument);
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
