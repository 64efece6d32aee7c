#pragma once
// The FeedProtocol of each venue and its connection rules (exchanges.md §1.1-5.1, §6).
//
//   venue        subscriptions per instrument           liveness                      limits
//   binance      bookTicker, trade, depth@100ms (3)     server pings 20 s; our pings  1024
//   streams/conn,
//                 + REST depth snapshot per book         10 s; 24 h cut → planned      4 control
//                 msgs/s
//   coinbase     heartbeats (conn), ticker,             heartbeats channel 1/s        6 msgs/s, all
//                 market_trades, level2                                                within 5 s
//   kraken       ticker, trade, book depth 10           heartbeat channel + ping 30s  —
//   hyperliquid  l2Book, trades, bbo (3)                {"method":"ping"} every 30 s  20 msgs/s
//   dydx         v4_orderbook, v4_trades                server pings 30 s; our 10 s   32 per
//   channel/conn generic      nzeza's {"action":"subscribe"}         heartbeat messages —

#include <memory>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venues/feed/feed_protocol.hpp"
#include "venues/feed/feed_session.hpp"

namespace nzeza::venues::feed {

[[nodiscard]] FeedRules default_rules(Venue venue);

// A factory of protocol objects (one per connection) for `venue`; the registry must outlive it.
// invalid_argument for paper (no feed).
[[nodiscard]] Result<ProtocolFactory> protocol_factory(Venue venue,
                                                       const InstrumentRegistry& registry);

std::unique_ptr<FeedProtocol> make_binance_protocol(const InstrumentRegistry& registry);
std::unique_ptr<FeedProtocol> make_coinbase_protocol(const InstrumentRegistry& registry);
std::unique_ptr<FeedProtocol> make_kraken_protocol(const InstrumentRegistry& registry);
std::unique_ptr<FeedProtocol> make_hyperliquid_protocol(const InstrumentRegistry& registry);
std::unique_ptr<FeedProtocol> make_dydx_protocol(const InstrumentRegistry& registry);
std::unique_ptr<FeedProtocol> make_generic_protocol(const InstrumentRegistry& registry);

}  // namespace nzeza::venues::feed
