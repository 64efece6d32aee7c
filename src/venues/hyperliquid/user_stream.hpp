#pragma once
// HyperliquidUserStream: the private WebSocket subscriptions `orderUpdates` and `userFills` for
// one user (wss://api.hyperliquid.xyz/ws), delivered as VenueOrder and Fill through the
// PrivateStream port.
//
//   subscribe   {"method":"subscribe","subscription":{"type":"orderUpdates","user":"0x.."}}
//               {"method":"subscribe","subscription":{"type":"userFills","user":"0x.."}}
//               replayed after every reconnect (WsClient).
//   orderUpdates data: [{"order":{coin,side,limitPx,sz,oid,timestamp,origSz,cloid?},
//               "status":"open"|"filled"|"canceled"|"...Canceled"|"rejected"|...,
//               "statusTimestamp":ms}]
//   userFills   data: {"isSnapshot"?:true,"user":..,"fills":[WsFill...]} — the first message
//               after subscribing is a snapshot of recent fills; they are delivered too (the
//               FillLedger deduplicates by trade id, and a fill missed while disconnected is
//               exactly what the snapshot brings back).
//   keepalive   {"method":"ping"} every 50 s (the server drops a connection silent for 60 s);
//               {"channel":"pong"}, "subscriptionResponse" and the plain-text greeting are
//               ignored. Silence for 70 s drops and reconnects.
// Orders and fills of coins not in the registry (spot "@N", perps not loaded) are delivered
// with an invalid instrument and the coin in venue_symbol — never dropped; a malformed message
// or item is counted (malformed()) and skipped (the stream keeps going).
//
// Threading: handlers run on the NetContext thread, one at a time, in the venue's order.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"
#include "venues/private_stream.hpp"

namespace nzeza::net {
class WsClient;
}

namespace nzeza::venues::hyperliquid {

struct UserStreamConfig {
  std::string url;   // wss://api.hyperliquid.xyz/ws, or a simulator's ws:// URL
  std::string user;  // the account address (lower-case 0x...)
  net::TlsConfig tls;
  Duration ping_interval = 50s;
  Duration idle_timeout = 70s;
};

class HyperliquidUserStream final : public PrivateStream {
 public:
  // `net`, `clock`, `registry` must outlive the stream.
  HyperliquidUserStream(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                        UserStreamConfig config);
  ~HyperliquidUserStream() override;

  void start(PrivateStreamHandlers handlers) override;
  void stop() override;
  [[nodiscard]] net::ConnectionState state() const override;

  // Decodes one message and calls the handlers (public for tests). Returns false for a
  // malformed message.
  bool handle_message(std::string_view text);
  [[nodiscard]] std::uint64_t malformed() const noexcept { return malformed_.load(); }

  struct PingState;  // shared with the ping timer

 private:
  net::NetContext& net_;
  Clock& clock_;
  const InstrumentRegistry& registry_;
  UserStreamConfig config_;
  mutable std::mutex mu_;  // ws_
  std::mutex handlers_mu_;
  PrivateStreamHandlers handlers_;
  std::unique_ptr<net::WsClient> ws_;
  std::weak_ptr<PingState> ping_state_;
  std::atomic<std::uint64_t> malformed_{0};
};

}  // namespace nzeza::venues::hyperliquid
