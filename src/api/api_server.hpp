#pragma once
// ApiServer: the operator API's HTTP/1.1 server (Boost.Beast, this layer's one Beast translation
// unit). It knows nothing of routes: each complete request goes to the handler (routes.hpp) and
// its answer is written back.
//
// What it guarantees, whatever a client does:
//   * at most max_connections at once; one more is answered 503 and closed at once;
//   * a request's header must arrive within header_deadline of the connection being ready for it
//     (accepted, or the previous answer written): a slow sender (slowloris) that sent part of a
//     header gets 408 and the close; a silent kept-alive connection is closed without a word;
//   * its body within body_deadline after the header;
//   * a header above max_header_bytes gets 431, a body above max_body_bytes 413 (from the
//     Content-Length alone, before a byte of it is read), a request Beast cannot parse 400 —
//     each with the close, since the rest of the stream cannot be trusted;
//   * keep-alive as the client asks (HTTP/1.1 default); answers carry Content-Length.
// Every error answer is {"error":{"code","message"}} like the handler's.
//
// TLS when cert_file and key_file are set (PEM): the same, on TLS 1.2+ (handshake within
// header_deadline).
//
// The live stream (when ApiServerOptions::stream is set): a WebSocket upgrade of stream_path is
// admitted by admit_stream (its refusal, e.g. 429, is written as the HTTP answer), accepted within
// write_deadline, and then handed to the StreamHub, which decides what each message means; the
// socket counts toward max_connections like any other. The hub's auth deadline runs from the
// upgrade; a write a client does not read within write_deadline ends its socket; the hub's
// metrics and positions are refreshed once a second on this thread.
//
// Threading: one thread of its own (one io_context) runs every connection and the handler: a
// slow handler delays API answers, never the trading pipeline. start()/stop()/stats() from any
// thread; the destructor stops.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::api {

class StreamHub;

struct ApiServerOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port (tests)
  std::string cert_file;   // TLS when both are set
  std::string key_file;
  std::size_t max_connections = 64;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  Duration header_deadline = std::chrono::seconds(10);
  Duration body_deadline = std::chrono::seconds(10);
  Duration write_deadline = std::chrono::seconds(10);
  // The live stream (absent: an upgrade is an ordinary request, answered by the handler).
  std::shared_ptr<StreamHub> stream;
  std::string stream_path = "/api/v1/stream";
  // > 0: SO_SNDBUF of a stream socket (bytes; the kernel's buffering in front of the hub's
  // bounded queue). 0: the system's default.
  int stream_send_buffer = 0;
  std::function<std::optional<ApiResponse>(const ApiRequest& upgrade)> admit_stream;
};

struct ApiServerStats {
  std::size_t open_connections = 0;
  std::uint64_t accepted = 0;
  std::uint64_t refused_at_cap = 0;  // answered 503: max_connections reached
  std::uint64_t requests = 0;        // handed to the handler
  std::uint64_t timed_out = 0;       // 408 sent (slow header or body)
  std::uint64_t idle_closed = 0;     // closed silently: no byte within header_deadline
  std::uint64_t too_large = 0;       // 413 / 431
  std::uint64_t malformed = 0;       // 400 from the parser
  std::uint64_t streams = 0;         // WebSocket upgrades accepted on the stream path
};

class ApiServer {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&)>;

  // Binds and starts the thread. invalid_argument for a bad address or a TLS half-configured;
  // network when the port cannot be bound; invalid_argument naming the file when the certificate
  // or key cannot be loaded.
  static Result<std::unique_ptr<ApiServer>> start(Handler handler, ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] bool tls() const noexcept;
  [[nodiscard]] ApiServerStats stats() const;
  // Closes the listener and every connection, joins the thread. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit ApiServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// {"error":{"code":...,"message":...}} with the status: the one error shape of the API.
[[nodiscard]] ApiResponse error_response(unsigned status, std::string_view code,
                                         std::string_view message);

}  // namespace nzeza::api
