#pragma once
// KrakenPrivateStream: the v2 `executions` channel (wss://ws-auth.kraken.com/v2) as a
// PrivateStream: order acks, cancels, expiries and fills pushed by Kraken.
//
// Connection: a token from REST GetWebSocketsToken (KrakenClient::websockets_token), then
//   {"method":"subscribe","params":{"channel":"executions","token":"..","snap_orders":true,
//    "snap_trades":false},"req_id":1}
// on every (re)connect. Tokens are short-lived: a fresh one is fetched before the first
// connection and after every disconnect, and a refused subscribe (success:false) fetches a new
// token and reconnects.
//
// Messages: {"channel":"executions","type":"snapshot"|"update","data":[{order_id, cl_ord_id,
// exec_type, order_status, symbol, side, order_type, order_qty, limit_price, cum_qty, avg_price,
// time_in_force, post_only, exec_id, last_qty, last_price, liquidity_ind, fees:[{asset,qty}],
// timestamp, reason}]}. Updates carry only what changed: the stream keeps each live order's
// last view and merges. Each entry → on_order (VenueOrder); exec_type "trade" also → on_fill
// with trade_id = exec_id (the same id REST TradesHistory keys trades by, so the FillLedger
// dedupes stream and polling). Numbers are parsed from their raw JSON text (exact).
//
// Threading: handlers run on the NetContext's thread, one at a time, in the venue's order.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "net/ws_client.hpp"
#include "venues/kraken/executions_codec.hpp"
#include "venues/private_stream.hpp"

namespace nzeza::venues::kraken {

class KrakenClient;
struct KrakenClientConfig;

class KrakenPrivateStream final : public PrivateStream {
 public:
  KrakenPrivateStream(KrakenClient& client, net::NetContext& net, Clock& clock,
                      const InstrumentRegistry& registry, const KrakenClientConfig& config);
  ~KrakenPrivateStream() override;

  void start(PrivateStreamHandlers handlers) override;
  void stop() override;
  [[nodiscard]] net::ConnectionState state() const override;

  // Messages that could not be read (counted, skipped).
  [[nodiscard]] std::uint64_t malformed() const;
  [[nodiscard]] const std::string& url() const noexcept { return url_; }

  struct Shared;

 private:
  KrakenClient& client_;
  net::NetContext& net_;
  Clock& clock_;
  std::string url_;
  net::TlsConfig tls_;
  std::shared_ptr<Shared> shared_;
};

// The private WS URL for a REST base URL (see KrakenClientConfig::ws_url).
[[nodiscard]] std::string derive_private_ws_url(std::string_view base_url,
                                                std::string_view configured);

}  // namespace nzeza::venues::kraken
