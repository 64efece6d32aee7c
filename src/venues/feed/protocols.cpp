#include "venues/feed/protocols.hpp"

#include <utility>

namespace nzeza::venues::feed {

FeedRules default_rules(Venue venue) {
  FeedRules r;
  switch (venue) {
    case Venue::binance:
      r.default_url = "wss://stream.binance.com:9443/stream";
      r.max_subscriptions_per_connection = 1024;
      r.subscriptions_per_instrument = 3;
      r.control_per_second = 4;  // the limit is 5 incoming messages/s, pongs included
      r.control_burst = 4;
      r.ws_ping_interval = 10s;
      r.idle_timeout = 30s;
      r.stale_after = 30s;
      r.max_connection_age = std::chrono::hours(23) + std::chrono::minutes(55);
      r.max_message_bytes = 2u << 20;
      break;
    case Venue::coinbase:
      r.default_url = "wss://advanced-trade-ws.coinbase.com";
      r.control_per_second = 6;  // 8 unauthenticated messages/s per IP
      r.control_burst = 6;
      r.idle_timeout = 10s;  // heartbeats every second
      r.stale_after = 10s;
      r.max_message_bytes = 8u << 20;
      break;
    case Venue::kraken:
      r.default_url = "wss://ws.kraken.com/v2";
      r.control_per_second = 10;
      r.control_burst = 10;
      r.app_ping_interval = 30s;
      r.idle_timeout = 15s;  // heartbeat channel about once a second
      r.stale_after = 15s;
      r.max_message_bytes = 1u << 20;
      break;
    case Venue::hyperliquid:
      r.default_url = "wss://api.hyperliquid.xyz/ws";
      r.subscriptions_per_instrument = 3;
      r.max_subscriptions_per_connection = 900;  // 1000 per IP
      r.control_per_second = 20;                 // 2000 messages/min per IP
      r.control_burst = 20;
      r.app_ping_interval = 30s;  // the venue closes after 60 s without a client message
      r.idle_timeout = 45s;
      r.stale_after = 30s;
      r.max_message_bytes = 1u << 20;
      break;
    case Venue::dydx:
      r.default_url = "wss://indexer.dydx.trade/v4/ws";
      r.max_subscriptions_per_connection = 32;  // per channel per connection
      r.subscriptions_per_instrument = 1;       // one per channel
      r.control_per_second = 10;
      r.control_burst = 10;
      r.ws_ping_interval = 10s;
      r.idle_timeout = 35s;  // server pings every 30 s, our pings' pongs every 10 s
      r.stale_after = 60s;
      r.max_message_bytes = 4u << 20;
      break;
    case Venue::generic:
      r.idle_timeout = 30s;
      r.stale_after = 15s;
      r.max_message_bytes = 64u << 10;
      break;
    case Venue::paper:
      break;
  }
  return r;
}

Result<ProtocolFactory> protocol_factory(Venue venue, const InstrumentRegistry& registry) {
  using Make = std::unique_ptr<FeedProtocol> (*)(const InstrumentRegistry&);
  static constexpr std::pair<Venue, Make> kProtocols[] = {
      {Venue::binance, make_binance_protocol}, {Venue::coinbase, make_coinbase_protocol},
      {Venue::kraken, make_kraken_protocol},   {Venue::hyperliquid, make_hyperliquid_protocol},
      {Venue::dydx, make_dydx_protocol},       {Venue::generic, make_generic_protocol}};
  for (const auto& [v, make] : kProtocols) {
    if (v == venue) return ProtocolFactory([make, reg = &registry] { return make(*reg); });
  }
  return Error{ErrorCode::invalid_argument,
               "no market-data feed for venue " + std::string(to_string(venue))};
}

}  // namespace nzeza::venues::feed
