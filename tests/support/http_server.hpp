#pragma once
// HttpServer: a loopback HTTP/1.1 server (http:// or https://) for tests, scripted per request and
// able to fail on purpose: TCP reset, close without a response, truncated body, garbage, a held
// (slow) response, and any status with any headers (429 + Retry-After, 418, 5xx).
//
// It binds 127.0.0.1 on an ephemeral port, runs its own thread, keeps connections alive unless
// told otherwise, and records every request with the connection it came on (so tests can prove
// keep-alive reuse). The handler runs on the server's thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nzeza::testsupport {

class TestPki;

enum class HttpFault : std::uint8_t {
  none,
  reset,                   // TCP RST instead of a response
  close_without_response,  // FIN instead of a response
  truncate_body,           // full Content-Length, then only truncate_at body bytes, then FIN
  garbage,                 // bytes that are not HTTP, then FIN
  hold                     // no response until release_held() (a slow server)
};

struct HttpReply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  HttpFault fault = HttpFault::none;
  std::size_t truncate_at = 0;
  bool close = false;  // Connection: close, then FIN after the response
  // Answers as keep-alive, then closes anyway (what an idle-timeout does to a pooled connection).
  bool drop_after = false;
};

struct HttpSeen {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t connection = 0;  // 0-based index of the TCP connection it arrived on

  [[nodiscard]] std::string header(std::string_view name) const;  // "" when absent
};

struct HttpServerOptions {
  bool tls = false;
  const TestPki* pki = nullptr;  // nullptr: TestPki::shared()
};

class HttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpSeen&)>;

  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  // "http://127.0.0.1:<port><target>" (https:// with TLS); localhost_url uses "localhost".
  [[nodiscard]] std::string url(std::string_view target = "/") const;
  [[nodiscard]] std::string localhost_url(std::string_view target = "/") const;

  // Default handler: 200 with body "ok".
  void on_request(Handler handler);
  // Sends every reply held so far (as scripted, without the hold); later holds wait for the
  // next call.
  void release_held();

  [[nodiscard]] std::size_t tcp_accepts() const;
  // Connections the server has closed after answering (drop_after, Connection: close, a fault).
  [[nodiscard]] std::size_t closed_connections() const;
  [[nodiscard]] std::size_t request_count() const;
  [[nodiscard]] std::vector<HttpSeen> requests() const;
  // Replies currently held.
  [[nodiscard]] std::size_t held() const;

  // Closes every connection and the listener, joins the thread. Idempotent.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::testsupport
