#pragma once
// FaultProxy: a loopback HTTP/1.1 proxy (plain http) in front of a simulator, for tests that need
// the simulator to PROCESS a request and the client to lose the answer — the case that makes an
// outcome unknown. It forwards every request to the upstream and relays the answer, except for
// the next request matching an armed method + path prefix: that one is forwarded (or, for
// swallow_request, not), the upstream's answer is received, and then instead of relaying it the
// proxy resets the connection, answers 502, cuts the body mid-way or sends garbage.
//
// It binds 127.0.0.1 on an ephemeral port, runs its own thread (like HttpServer), opens one fresh
// upstream connection per request (so a stale upstream keep-alive never turns into a fault the
// test did not ask for) and counts the requests it forwarded per method and path.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace nzeza::testsupport {

enum class ProxyFault : std::uint8_t {
  reset,            // forward; then a TCP RST instead of the answer
  bad_gateway,      // forward; then "502 Bad Gateway" instead of the answer
  cut_body,         // forward; then the answer's head and half its body, then FIN
  garbage,          // forward; then bytes that are not HTTP, then FIN
  swallow_request,  // do NOT forward; TCP RST (the request was written, the venue never saw it)
};

class FaultProxy {
 public:
  // `upstream`: "http://127.0.0.1:<port>" (a path or trailing '/' is ignored).
  explicit FaultProxy(std::string_view upstream);
  ~FaultProxy();  // stop()
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string url() const;

  // Arms one fault for the next request whose method equals `method` and whose path (the target
  // without its query) starts with `path_prefix`. Replaces a fault armed before.
  void fail_next(std::string method, std::string path_prefix, ProxyFault fault);
  // Faults applied so far.
  [[nodiscard]] std::size_t faults_applied() const;
  // Requests forwarded to the upstream (swallowed ones excluded) with this method and a path
  // starting with `path_prefix`.
  [[nodiscard]] std::size_t forwarded(std::string_view method, std::string_view path_prefix) const;

  // Closes every connection and the listener, joins the thread. Idempotent.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::testsupport
