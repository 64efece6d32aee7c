#pragma once
// UserStream: the private `user` channel of Coinbase Advanced Trade (wss://advanced-trade-ws-user
// .coinbase.com) as the port's PrivateStream: order updates pushed by the venue, and the fills
// behind them.
//
// On every (re)connect it subscribes to `user` (the configured product ids, or all) and to
// `heartbeats` (Coinbase closes quiet connections), each message with a fresh JWT without a uri
// claim (jwt_signer.hpp) — Coinbase requires the subscribe within 5 s of connecting.
// Each order in a `snapshot` or `update` event becomes a VenueOrder (status, cumulative filled
// quantity, average price, venue and client order ids, the product id as venue_symbol); its
// quantity is cumulative + leaves.
// The user channel carries cumulative figures, not trades: when an order's cumulative quantity
// grows, the stream asks the REST fills of that order (the FillFetcher the client provides) and
// delivers each trade it has not delivered yet, keyed by Coinbase's trade id — the same ids
// fills_since() answers, so the two sources never double count.
//
// Threading: handlers run on the NetContext's thread, one at a time. stop() waits (bounded) for
// the connection to close; call it from another thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"
#include "venues/coinbase/jwt_signer.hpp"
#include "venues/coinbase/user_message.hpp"
#include "venues/completion.hpp"
#include "venues/private_stream.hpp"

namespace nzeza::net {
class WsClient;
}

namespace nzeza::venues::coinbase {

struct UserStreamConfig {
  std::string url;
  net::TlsConfig tls;
  std::vector<std::string> symbols;  // product ids; empty: every product
  Duration idle_timeout = 15s;       // heartbeats come every second; 0 turns the check off
  Duration connect_timeout = 5s;
};

class UserStream final : public PrivateStream {
 public:
  using FillFetcher =
      std::function<void(const std::string& order_id, Callback<std::vector<domain::Fill>>)>;

  UserStream(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
             JwtSigner signer, UserStreamConfig config);
  ~UserStream() override;

  // Set before start(): how to fetch an order's trades (CoinbaseClient::fills_of_order).
  void set_fill_fetcher(FillFetcher fetcher);

  void start(PrivateStreamHandlers handlers) override;
  void stop() override;
  [[nodiscard]] net::ConnectionState state() const override;

  // Subscribe frames as sent on a (re)connect (for tests).
  [[nodiscard]] std::vector<std::string> subscribe_frames() const;
  [[nodiscard]] std::string last_error() const;
  // User-channel messages that could not be read and were skipped (the last one's error is
  // last_error()). An order on a product the registry does not hold is NOT skipped: it arrives
  // with an invalid instrument and its venue_symbol.
  [[nodiscard]] std::uint64_t skipped_messages() const;

 private:
  void on_message(std::string_view text);
  struct Shared;
  static void deliver_fills(Shared& shared, const std::vector<domain::Fill>& fills);

  Clock& clock_;
  const InstrumentRegistry& registry_;
  JwtSigner signer_;
  UserStreamConfig config_;
  std::unique_ptr<net::WsClient> ws_;
  FillFetcher fetcher_;
  std::shared_ptr<Shared> shared_;
  bool started_ = false;
};

}  // namespace nzeza::venues::coinbase
