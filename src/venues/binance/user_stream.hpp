#pragma once
// BinanceUserStream: the Binance spot user data stream, over the WebSocket API (the listenKey
// REST mechanism for spot was discontinued on 2026-02-20; the WS API's
// `userDataStream.subscribe.signature` is its replacement).
//
//   connect   wss://ws-api.binance.com:443/ws-api/v3 (or a local simulator's /ws-api/v3)
//   subscribe {"id":"nz-uds-<n>","method":"userDataStream.subscribe.signature",
//              "params":{"apiKey":..,"recvWindow":..,"timestamp":..,"signature":..}}
//             signed as every WS-API request: HMAC-SHA256 over the params sorted by name
//             (signer.hpp wsapi_payload), sent again after every reconnect with a fresh timestamp
//   events    {"subscriptionId":N,"event":{"e":"executionReport",...}}      → on_order (+ on_fill
//                                                                             for x = TRADE)
//             {"subscriptionId":N,"event":{"e":"outboundAccountPosition",...}} → on_balance
//             {"subscriptionId":N,"event":{"e":"eventStreamTerminated",...}}  → reconnect
//   refusal   {"id":..,"status":4xx,"error":{"code":..,"msg":..}} to the subscribe → kept in
//             last_error(); the next reconnect signs a fresh subscribe.
// Frames are parsed by parse_user_stream_frame (user_stream_codec.hpp): an order or fill on a
// symbol nzeza has not loaded is delivered with an invalid instrument and its venue_symbol; a
// frame that cannot be read is counted (rejected_frames(), last_rejected()) and one of an
// unknown type too (ignored_frames()) — nothing vanishes silently.
// The server pings every 20 s (answered by WsClient); 60 s of silence drops the connection.
//
// Threading: handlers run on the NetContext's thread, one at a time, in the venue's order.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"
#include "net/ws_client.hpp"
#include "venues/binance/user_stream_codec.hpp"
#include "venues/private_stream.hpp"

namespace nzeza::venues::binance {

struct UserStreamConfig {
  std::string url;
  net::TlsConfig tls;
  Duration idle_timeout = 60s;
  Duration connect_timeout = 5s;
};

class BinanceUserStream final : public PrivateStream {
 public:
  // `subscribe_frame` builds a freshly signed subscribe request (called on every connect).
  BinanceUserStream(net::NetContext& net, Clock& clock, UserStreamConfig config,
                    std::function<std::string()> subscribe_frame, SymbolLookup lookup);
  ~BinanceUserStream() override;

  void start(PrivateStreamHandlers handlers) override;
  void stop() override;
  [[nodiscard]] net::ConnectionState state() const override;
  // Frames understood as events / subscribe answers accepted (for tests and metrics).
  [[nodiscard]] std::uint64_t events() const noexcept { return events_.load(); }
  [[nodiscard]] bool subscribed() const noexcept { return subscribed_.load(); }
  // The venue's refusal of the last subscribe request ("" when none).
  [[nodiscard]] std::string last_error() const;
  // Frames that could not be read (no event delivered) and why the last one was not.
  [[nodiscard]] std::uint64_t rejected_frames() const noexcept { return rejected_.load(); }
  [[nodiscard]] std::string last_rejected() const;
  // Well-formed frames of a kind nzeza does not use.
  [[nodiscard]] std::uint64_t ignored_frames() const noexcept { return ignored_.load(); }

 private:
  void on_frame(std::string_view frame);

  net::WsClient ws_;
  std::function<std::string()> subscribe_frame_;
  SymbolLookup lookup_;
  mutable std::mutex mu_;
  PrivateStreamHandlers handlers_;
  std::string last_error_;
  std::string last_rejected_;
  bool started_ = false;
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> ignored_{0};
  std::atomic<bool> subscribed_{false};
};

}  // namespace nzeza::venues::binance
