#pragma once
// Readers for Hyperliquid's REST answers (POST /exchange, POST /info), with no I/O: the client
// feeds them the parsed body, the fuzz targets feed them arbitrary bytes. Each returns a typed
// value or an Error ("hyperliquid <op>: ..."); none throws, none drops an item it could read.
//
// /exchange
//   {"status":"ok","response":R}           → R (read_exchange_answer)
//   {"status":"err","response":"text"}     → top_level_error: a refusal of the whole action
//                                            only when the text says it was not taken (unknown
//                                            signer or bad signature: auth_failed; "Too many..."
//                                            rate_limited; nonce, expiresAfter, unreadable action,
//                                            the docs' order errors: rejected...); any other text
//                                            is protocol with Delivery::answer_unknown (outcome
//                                            unknown). venue_code "err" or the docs' error type,
//                                            venue_text verbatim.
//   R.data.statuses[i] (read_statuses), one per order/cancel, in the request's order:
//     {"resting":{"oid"}} | {"filled":{"totalSz","avgPx","oid"}} | "waitingForTrigger" |
//     "waitingForFill" | "success" (cancel) | {"error":"text"} — a refusal of that item by the
//     venue, documented on the "Error responses" page (docs/errors/hyperliquid.md): item_error,
//     venue_code = the docs' error type ("Tick", "PerpMargin", "MissingOrder"...).
// /info
//   orderStatus {"status":"order","order":{"order":{..},"status","statusTimestamp"}} |
//   {"status":"unknownOid"} (not_found); openOrders [order...]; userFills(ByTime) [fill...];
//   clearinghouseState {marginSummary{accountValue}, withdrawable, assetPositions[{position}]};
//   meta {universe[{name, szDecimals, maxLeverage?, isDelisted?}]}; the HTTP Date header;
//   candleSnapshot [{t, T, s, i, o, c, h, l, v, n}] | null (read_candles).
// Orders, fills and positions on a coin the registry does not hold keep an invalid instrument
// and the coin in venue_symbol: listed, never dropped.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/fill.hpp"
#include "market/candle.hpp"
#include "venues/candle_history.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::hyperliquid {

// Parses a complete answer body. A body that is not JSON is a protocol error with
// Delivery::answer_cut: the venue answered, we cannot tell what it did.
[[nodiscard]] Result<boost::json::value> parse_answer(std::string_view body, std::string_view op);

// A per-item {"error": text} as a typed refusal (delivery none); a top-level {"status":"err"} as
// a refusal when its text says the action was not taken, otherwise outcome unknown.
[[nodiscard]] Error item_error(std::string_view op, std::string_view text);
[[nodiscard]] Error top_level_error(std::string_view op, std::string_view text);

// The `response` of a top-level "status":"ok"; the refusal of a "status":"err".
[[nodiscard]] Result<boost::json::value> read_exchange_answer(const boost::json::value& body,
                                                              std::string_view op);
// response.data.statuses.
[[nodiscard]] Result<const boost::json::array*> read_statuses(const boost::json::value& response,
                                                              std::string_view op);

// One order status item. A {"error"} item is item_error; an unknown shape is protocol.
struct PlaceStatus {
  enum class Kind : std::uint8_t { resting, filled, waiting };
  Kind kind = Kind::resting;
  std::string venue_order_id;  // empty for waiting (a trigger not yet in the book)
  Decimal total_size;          // filled only
  Decimal average_price;       // filled only
};
[[nodiscard]] Result<PlaceStatus> read_place_status(const boost::json::value& item,
                                                    std::string_view op);
// One cancel status item: "success", or the venue's refusal.
[[nodiscard]] Status read_cancel_status(const boost::json::value& item, std::string_view op);

[[nodiscard]] Result<VenueOrder> read_order_status(const boost::json::value& body,
                                                   const InstrumentRegistry& registry,
                                                   std::string_view op);
[[nodiscard]] Result<std::vector<VenueOrder>> read_open_orders(const boost::json::value& body,
                                                               const InstrumentRegistry& registry,
                                                               std::string_view op);
// Oldest first; only order `oid`'s fills when given.
[[nodiscard]] Result<std::vector<domain::Fill>> read_fills(const boost::json::value& body,
                                                           const InstrumentRegistry& registry,
                                                           std::string_view op,
                                                           std::optional<std::uint64_t> oid = {});

struct MarginSummary {
  Decimal account_value;  // total, USDC
  Decimal withdrawable;   // never above account_value
};
[[nodiscard]] Result<MarginSummary> read_margin_summary(const boost::json::value& body,
                                                        std::string_view op);
[[nodiscard]] Result<std::vector<VenuePosition>> read_positions(const boost::json::value& body,
                                                                const InstrumentRegistry& registry,
                                                                std::string_view op);

// meta.universe → perpetual instruments (asset index = position in the universe), only the
// `wanted` coins when it is not empty.
[[nodiscard]] Result<std::vector<Instrument>> read_meta(const boost::json::value& body,
                                                        const std::vector<std::string>& wanted,
                                                        std::string_view op);

// Candle history: {"type":"candleSnapshot","req":{"coin","interval","startTime","endTime"}}
// (times in ms; the venue keeps the 5000 most recent candles of each interval).
// The intervals offered, finest first: 1m 3m 5m 15m 30m 1h 2h 4h 8h 12h 1d. The venue also
// publishes 3d, 1w and 1M; they are not offered: a month has no fixed length, and how 3d and 1w
// candles are aligned is not documented (a Candle starts on a multiple of its interval since
// the epoch).
using CandleInterval = history::CandleInterval;  // {length, wire: "1m"}
// Look one up with history::find_wire, list them with history::intervals_text.
[[nodiscard]] std::span<const CandleInterval> candle_intervals() noexcept;

// A candleSnapshot answer → the candles CLOSED at `now` (end <= now; the venue's last one is
// usually still open), oldest first whatever the order sent. Each item: t (start, ms), s (coin),
// i (interval), o/h/l/c (exact decimal strings), v (volume in the coin, exact), n (trades); T is
// not read. `gap` is set when n is 0 (no trade: nothing to signal on). null is no candle.
// protocol error (naming the candle's index and the field) for: an item that is not an object,
// a missing or malformed field, s or i other than `coin` and `interval`, t not a multiple of the
// interval, two candles with the same t, a candle failing market::check_candle (low > open...).
[[nodiscard]] Result<std::vector<market::Candle>> read_candles(const boost::json::value& body,
                                                               std::string_view coin,
                                                               Duration interval, Timestamp now,
                                                               std::string_view op);

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); nullopt for anything else.
[[nodiscard]] std::optional<Timestamp> parse_http_date(std::string_view text);

}  // namespace nzeza::venues::hyperliquid
