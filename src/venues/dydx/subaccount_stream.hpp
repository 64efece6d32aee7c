#pragma once
// SubaccountStream: the Indexer's private-ish `v4_subaccounts` WebSocket channel for one
// subaccount (id "<address>/<number>"; the channel is public data keyed by address, no auth),
// delivered as PrivateStream events: each order object in `contents.orders` is an on_order
// (ack, fill progress, cancel, expiry), each `contents.fills` item an on_fill. The `subscribed`
// snapshot's orders are delivered too (the state after a reconnect); its fills are not (the
// snapshot carries none; missed fills come from fills_since, and the FillLedger deduplicates).
// Messages of `channel_data` and `channel_batch_data` (contents as an array) are both read.
// An order or fill of a market the registry does not hold is delivered all the same, with an
// invalid instrument and its venue_symbol (the ticker, or "clobPairId:<id>" for an order, which
// the channel names by pair only); a malformed message, order or fill is dropped and counted in
// dropped().
// Reconnects, backoff and ping answers are net::WsClient's: the subscription is re-sent after
// each reconnect. Threading: handlers run on the NetContext thread, one at a time.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"
#include "net/ws_client.hpp"
#include "venues/private_stream.hpp"

namespace nzeza::venues::dydx {

inline constexpr std::string_view kMainnetIndexerWsUrl = "wss://indexer.dydx.trade/v4/ws";

class SubaccountStream final : public PrivateStream {
 public:
  SubaccountStream(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                   std::string address, std::uint32_t subaccount_number, std::string ws_url,
                   net::TlsConfig tls = {});
  ~SubaccountStream() override;

  void start(PrivateStreamHandlers handlers) override;
  void stop() override;
  [[nodiscard]] net::ConnectionState state() const override;

  // The subscribe frame sent after each (re)connect.
  [[nodiscard]] std::string subscribe_frame() const;
  // Replaces the handlers without connecting (start() does both).
  void set_handlers(PrivateStreamHandlers handlers);
  // Handles one text message (public for the unit test of the parsing).
  void handle_message(std::string_view text);
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(); }

 private:
  net::NetContext& net_;
  Clock& clock_;
  const InstrumentRegistry& registry_;
  std::string address_;
  std::uint32_t subaccount_number_;
  std::string ws_url_;
  net::TlsConfig tls_;
  std::mutex mu_;  // guards handlers_ and ws_
  PrivateStreamHandlers handlers_;
  std::unique_ptr<net::WsClient> ws_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace nzeza::venues::dydx
