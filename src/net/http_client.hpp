#pragma once
// HttpClient: HTTP/1.1 requests to https:// and http:// URLs (venue REST APIs, local simulators),
// with kept-alive connections per host, a deadline per request on the Clock, a response size
// limit, and a typed error for every way a request can fail.
//
// Transport failures are errors of the Result. Each says, in Error::delivery, how far the
// request got — the one fact a caller needs to know whether the server may have executed it:
//   not_sent        no byte of the request was written: bad URL, DNS, TCP connect refused, TLS
//                   handshake failure (certificate...), deadline or client destroyed before the
//                   write, a write that failed with 0 bytes. Certainly not executed.
//   sent_no_answer  some byte was written and no byte of an answer arrived: reset, EOF, deadline,
//                   a write that failed part-way, client destroyed while waiting.
//   answer_cut      an answer began and then was cut (truncated body, reset mid-answer), was
//                   larger than max_response_bytes, or was not HTTP.
// Every value after not_sent means "the server may have executed it": resolve, never resend
// blindly (venues::classify turns it into outcome_unknown). The code says what went wrong:
//   network   refused, reset, closed before a response, TLS failure
//   timeout   no complete response within the request's deadline
//   protocol  truncated body, response above max_response_bytes, malformed response
//   cancelled the client was destroyed first
//   invalid_argument / invalid_state  a bad URL, or request_blocking misused (not_sent)
// A code never implies a delivery: a `network` error after the write is sent_no_answer.
// Messages name the method, scheme://host:port and path only — never the query string or the
// body (Binance signs GET and DELETE requests in the query: signature=...).
//
// Any complete response is a value, whatever its status: venue clients need the body of a 400
// (the venue's error code) and the headers of a 429 (Retry-After). HttpResponse::check() turns a
// non-2xx status into its typed error (429 rate_limited, 418 banned, 401/403 auth_failed,
// 5xx unavailable, 408 timeout, other rejected), the status kept in Error::venue_code and the
// body in Error::venue_text. A 5xx or a 408 (a proxy's or the server's) also carries
// Delivery::answer_unknown: it is a complete answer that does not say what became of the
// request. Other statuses carry Delivery::none: the server answered, the code decides. A venue
// client turns a 5xx into a refusal only on a code the venue documents as "not processed".
//
// Connections: one request per connection at a time; after a response that allows keep-alive the
// connection returns to its host's idle pool (at most max_idle_per_host) and the next request to
// that host reuses it. A reused connection that the server had already closed is detected (no
// byte of response) and the request is retried once on a new connection when that is safe: the
// request was never written (any method), or the method changes nothing at the server (GET,
// HEAD, OPTIONS). A POST, PUT or DELETE that was written is never re-sent (venues cancel with
// DELETE: a second cancel would answer "unknown order"); it fails with sent_no_answer. When a
// written first try is retried and the retry fails too, the error says sent_no_answer at least
// (the first try may have reached the server). A pooled connection the server is closing (FIN or
// bytes pending) is detected before reuse and dropped.
//
// Threading: all methods thread-safe. Callbacks run on the NetContext's thread and must not
// block. The NetContext and the Clock must outlive the client; destroying the client cancels
// pending requests, whose callbacks run (with `cancelled` and the delivery reached so far) before
// the destructor returns.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"

namespace nzeza::net {

struct HttpHeader {
  std::string name;
  std::string value;
};
using HttpHeaders = std::vector<HttpHeader>;

struct HttpRequest {
  std::string method = "GET";  // any token: GET, POST, PUT, DELETE, HEAD, ...
  std::string url;             // http://host[:port]/path?query or https://...
  HttpHeaders headers;         // Host, User-Agent and Content-Length are set by the client
  std::string body;
  Duration timeout{0};  // whole request deadline; 0 = the client's request_timeout
};

struct HttpResponse {
  unsigned status = 0;
  std::string reason;
  HttpHeaders headers;
  std::string body;
  bool reused_connection = false;  // served on a kept-alive connection

  // First header of that name (case-insensitive); empty when absent.
  [[nodiscard]] std::string_view header(std::string_view name) const;
  [[nodiscard]] bool success() const noexcept { return status >= 200 && status < 300; }
  // Retry-After in delta-seconds or as an HTTP date (relative to `now`); nullopt when absent or
  // unreadable. Never negative.
  [[nodiscard]] std::optional<Duration> retry_after(Timestamp now) const;
  // ok for 2xx; otherwise 429 rate_limited, 418 banned, 401/403 auth_failed, 5xx unavailable,
  // 408 timeout, other statuses rejected — message "HTTP <status> <reason>", venue_code the
  // status, venue_text the body (truncated to 512 bytes). 5xx and 408 carry
  // Delivery::answer_unknown (the request may have been executed); others Delivery::none.
  [[nodiscard]] Status check() const;
};

struct HttpClientConfig {
  TlsConfig tls;
  Duration request_timeout = 10s;
  std::size_t max_response_bytes = 8u * 1024 * 1024;  // body limit; above it: protocol error
  std::size_t max_idle_per_host = 4;                  // kept-alive connections kept per host
  std::string user_agent = "nzeza";
};

struct HttpClientStats {
  std::uint64_t requests = 0;            // completed (any outcome)
  std::uint64_t connections_opened = 0;  // TCP (+TLS) connections established
  std::uint64_t reused = 0;              // requests served on a pooled connection
  std::uint64_t stale_retries = 0;       // retries after a pooled connection turned out closed
};

class HttpClient {
 public:
  using Callback = std::function<void(Result<HttpResponse>)>;

  // TLS configuration errors surface in the first https request's result.
  HttpClient(NetContext& net, Clock& clock, HttpClientConfig config = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts the request; `callback` runs exactly once on the NetContext's thread.
  void async_request(HttpRequest request, Callback callback);
  // Same, as a future.
  [[nodiscard]] std::future<Result<HttpResponse>> request(HttpRequest request);
  // Blocking convenience for CLIs: waits for the result. Refused (invalid_state) on the
  // NetContext's own thread, where waiting would deadlock.
  [[nodiscard]] Result<HttpResponse> request_blocking(HttpRequest request);

  [[nodiscard]] HttpClientStats stats() const;
  // Kept-alive connections currently idle in the pools (all hosts).
  [[nodiscard]] std::size_t idle_connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::net
