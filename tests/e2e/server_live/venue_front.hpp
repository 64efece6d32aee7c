#pragma once
// VenueFront: one loopback address for a simulated venue whose REST API and private WebSocket
// listen on different ports.
//
// Why: the live clients take ONE base URL from the config (VenueConfig::rest_url) and derive their
// private stream from it when it points at a loopback host — Binance ws://<authority>/ws-api/v3,
// Kraken ws://<authority>/v2 — while the simulators serve REST (HttpServer) and the private stream
// (WsServer) on two ports. The config has no key for the private stream's URL, so without this
// front `mode = "live"` against a simulator would trade with no private stream.
//
// What it does: a plain TCP relay. Each accepted connection is sent, for its whole life, to the
// upstream port whose path prefix its FIRST request's target starts with (longest prefix wins),
// else to the default upstream; bytes are relayed both ways unchanged (HTTP keep-alive, WebSocket
// frames, signatures). A REST connection never carries a WebSocket upgrade (the clients open a
// fresh connection for each stream), so one decision per connection is enough.
//
// refuse(): from its return on, the venue refuses connections (the listener is closed: a connect
// gets ECONNREFUSED before a byte is written) and every open connection is shut down (the client
// sees FIN, as from a venue that went away).
//
// Threading: one accept thread and one relay thread per connection; every method is thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace nzeza::app::e2e {

// The port of "http://127.0.0.1:1234", "ws://127.0.0.1:1234/ws-api/v3"; 0 when there is none.
[[nodiscard]] std::uint16_t url_port(std::string_view url);

class VenueFront {
 public:
  // `routes`: path prefix → upstream port on 127.0.0.1; `default_port` for any other path.
  VenueFront(std::uint16_t default_port, std::map<std::string, std::uint16_t> routes);
  ~VenueFront();  // stop()
  VenueFront(const VenueFront&) = delete;
  VenueFront& operator=(const VenueFront&) = delete;

  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string url() const;
  // Connections accepted whose first request's path starts with `prefix` ("" counts them all).
  [[nodiscard]] std::size_t connections(std::string_view prefix = {}) const;

  // Stops accepting (connections are refused) and shuts every open connection down. Idempotent.
  void refuse();
  // refuse(), then joins every thread. Idempotent.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::app::e2e
