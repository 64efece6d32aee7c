#pragma once
// Coinbase Advanced Trade market data as the venue *writes* it (exchanges.md §3.1): the server
// side of what CoinbaseCodec reads. Used by everything in this project that plays the venue —
// app::SimulatedFeedServer (paper trading on the simulated market) and the loopback test
// simulator (tests/sim/feeds) — so that both write the same bytes and a change of the wire
// format is made once.
//
// Every message is an envelope {"channel","client_id":"","timestamp","sequence_num","events"};
// the *_events functions write the `events` array of one channel, envelope() wraps it. Values
// are wire text (prices and sizes as the venue prints them: "45000.5", "0.001"), so callers
// choose the formatting and a test can write a deliberately bad value ("abc").
//
// parse_control reads what a client sends: {"type":"subscribe"|"unsubscribe","channel":..,
// "product_ids":[..],"jwt":..} (one channel per message; heartbeats takes no products).
//
// No sockets, no state, no Asio: plain functions, any thread.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::venues::coinbase::frames {

// {"channel":<channel>,"client_id":"","timestamp":<RFC 3339>,"sequence_num":N,"events":<events>}.
[[nodiscard]] std::string envelope(std::string_view channel, Timestamp timestamp,
                                   std::uint64_t sequence_num, std::string_view events_json);

// One product's ticker (channel `ticker`): the 24 h / 52 w statistics are the venue's own
// figures, carried as text.
struct TickerFields {
  std::string_view product_id;
  std::string_view price;  // last trade price
  std::string_view best_bid;
  std::string_view best_bid_quantity;
  std::string_view best_ask;
  std::string_view best_ask_quantity;
  std::string_view volume_24_h = "0";
  std::string_view low_24_h = "0";
  std::string_view high_24_h = "0";
  std::string_view low_52_w = "0";
  std::string_view high_52_w = "0";
  std::string_view price_percent_chg_24_h = "0";
};
// [{"type":<type>,"tickers":[{"type":"ticker",...}]}]; type "snapshot" (on subscribe) or "update".
[[nodiscard]] std::string ticker_events(std::string_view type, const TickerFields& ticker);

struct TradeFields {
  std::string_view trade_id;
  std::string_view product_id;
  std::string_view price;
  std::string_view size;
  bool buy = true;  // taker side: "BUY" / "SELL"
  Timestamp time;
};
// [{"type":<type>,"trades":[...]}] (channel `market_trades`); "snapshot" on subscribe.
[[nodiscard]] std::string market_trades_events(std::string_view type,
                                               std::span<const TradeFields> trades);

struct LevelUpdate {
  bool bid = true;  // "bid" / "offer"
  std::string_view price_level;
  std::string_view new_quantity;  // absolute size; "0" removes the level
};
// [{"type":<type>,"product_id":..,"updates":[{"side","event_time","price_level","new_quantity"}]}]
// (channel `l2_data`): "snapshot" on a level2 subscribe, "update" after.
[[nodiscard]] std::string l2_events(std::string_view type, std::string_view product_id,
                                    std::span<const LevelUpdate> updates, Timestamp event_time);

// [{"current_time":"2026-11-24 00:00:00.000000000 +0000 UTC","heartbeat_counter":N}] (Go's
// time format, as the venue prints it).
[[nodiscard]] std::string heartbeats_events(Timestamp current_time, std::uint64_t counter);

// [{"subscriptions":{"level2":["BTC-USD"],"heartbeats":[]}}]: every channel the connection
// holds with its products, answering each subscribe and unsubscribe.
[[nodiscard]] std::string subscriptions_events(
    const std::map<std::string, std::vector<std::string>>& by_channel);

// {"type":"error","message":<text>}: the venue's refusal of a request (no envelope).
[[nodiscard]] std::string error_message(std::string_view text);

struct ControlRequest {
  bool subscribe = true;  // false: unsubscribe
  std::string channel;
  std::vector<std::string> product_ids;  // empty for heartbeats
};
// A client's subscribe/unsubscribe. parse_error for text that is not such a message (not JSON,
// another type, no channel, product_ids not an array of strings), naming what is wrong.
[[nodiscard]] Result<ControlRequest> parse_control(std::string_view text);

}  // namespace nzeza::venues::coinbase::frames
