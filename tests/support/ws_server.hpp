#pragma once
// WsServer: a loopback WebSocket server (ws:// or wss://) for tests, scriptable per test and able
// to misbehave on purpose. Later venue simulators build on it: they script on_connect/on_message
// to speak a venue's protocol.
//
// It binds 127.0.0.1 on an ephemeral port and runs its own event-loop thread, independent of the
// client under test. Handlers run on that thread; WsSession methods may be called from any
// thread (they are queued to the server's thread, in call order).
//
// Faults: clean close, TCP reset, silence (half-open: stops reading, so no pongs, and sends
// nothing), garbage bytes, fragmented frames, oversized messages (send a big text), slow reader
// (pause_reading), and at the handshake: an HTTP error status, no answer at all, or a close.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nzeza::testsupport {

class TestPki;

// What the server does with the HTTP upgrade request.
enum class WsHandshake : std::uint8_t {
  accept,        // a normal WebSocket handshake
  reject,        // answers with an HTTP error status (reject_status, default 503) and closes
  never_answer,  // reads the request, then says nothing (the client's deadline must fire)
  close_at_once  // closes the TCP connection without answering
};

struct WsServerOptions {
  bool tls = false;
  const TestPki* pki = nullptr;  // nullptr: TestPki::shared()
  bool permessage_deflate = true;
  // Latency probe (benchmarks): called on the server thread just before a text frame's write
  // starts, with the frame and steady_clock::now(). Must be short and must not block.
  std::function<void(std::string_view text, std::chrono::steady_clock::time_point at)>
      on_text_write{};
};

// One accepted connection. Methods are asynchronous: they queue the action and return.
class WsSession {
 public:
  virtual ~WsSession() = default;
  [[nodiscard]] virtual std::size_t index() const noexcept = 0;  // 0-based, in handshake order
  virtual void send(std::string text) = 0;
  // Sends `text` as `pieces` frames (a first frame and continuations).
  virtual void send_fragmented(std::string text, std::size_t pieces) = 0;
  // Writes raw bytes on the connection, outside WebSocket framing.
  virtual void send_garbage(std::string bytes) = 0;
  // A ping frame (the client must answer with a pong; see WsServer::pongs()).
  virtual void ping() = 0;
  // Clean close: a close frame with `code`, then the TCP close.
  virtual void close(std::uint16_t code = 1000) = 0;
  // Abrupt drop: TCP RST, no close frame.
  virtual void reset() = 0;
  // Half-open: never reads again (so never answers pings or a close) and sends nothing after
  // what is already queued. A read already in flight completes: call it from on_connect for a
  // peer that is silent from the start.
  virtual void go_silent() = 0;
  // Slow reader: stops/resumes reading (the client's writes back up in the TCP buffers). Takes
  // effect before the next read, like go_silent().
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
  [[nodiscard]] virtual bool is_open() const noexcept = 0;
};

class WsServer {
 public:
  using ConnectHandler = std::function<void(WsSession&)>;
  using MessageHandler = std::function<void(WsSession&, const std::string&)>;

  explicit WsServer(WsServerOptions options = {});
  ~WsServer();  // stop()
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  // "ws://127.0.0.1:<port><target>" (wss:// with TLS).
  [[nodiscard]] std::string url(std::string_view target = "/") const;
  // Same, with "localhost" as the host (certificate name checks by DNS name).
  [[nodiscard]] std::string localhost_url(std::string_view target = "/") const;

  // Applies to handshakes that start after the call.
  void set_handshake(WsHandshake mode, unsigned reject_status = 503);
  // Called after each successful handshake / each received message (on the server thread).
  void on_connect(ConnectHandler handler);
  void on_message(MessageHandler handler);

  [[nodiscard]] std::size_t tcp_accepts() const;
  [[nodiscard]] std::size_t handshakes() const;             // successful WebSocket handshakes
  [[nodiscard]] std::size_t upgrade_requests() const;       // HTTP upgrade requests read
  [[nodiscard]] std::vector<std::string> messages() const;  // every message received, in order
  // Pongs received (answers to WsSession::ping) and pings received, over all sessions.
  [[nodiscard]] std::size_t pongs() const;
  [[nodiscard]] std::size_t pings() const;
  // Close codes of the close frames clients sent, in arrival order.
  [[nodiscard]] std::vector<std::uint16_t> close_codes() const;
  // The index-th handshaken session (nullptr if none yet).
  [[nodiscard]] std::shared_ptr<WsSession> session(std::size_t index) const;
  [[nodiscard]] std::shared_ptr<WsSession> latest_session() const;
  // Value of a header of the index-th upgrade request ("" if absent), e.g. the offered
  // Sec-WebSocket-Extensions or the Host.
  [[nodiscard]] std::string upgrade_header(std::size_t index, std::string_view name) const;

  // Closes every connection and the listener, joins the thread. Idempotent.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// A TCP port on 127.0.0.1 with nothing listening (bound, then released): connects are refused.
[[nodiscard]] std::uint16_t closed_port();

}  // namespace nzeza::testsupport
