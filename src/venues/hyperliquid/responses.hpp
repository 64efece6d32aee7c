#pragma once
// Readers for the JSON Hyperliquid answers with (REST /info and the user WebSocket streams share
// the order and fill shapes): exact decimals from strings, ids from numbers or strings, and an
// Error naming the field when a required one is missing or malformed.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "domain/fill.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::hyperliquid {

[[nodiscard]] Error protocol(std::string_view op, std::string_view what);
[[nodiscard]] const boost::json::value* field(const boost::json::value& v, std::string_view key);
[[nodiscard]] std::optional<std::string_view> str_field(const boost::json::value& v,
                                                        std::string_view key);
[[nodiscard]] Result<Decimal> decimal_field(const boost::json::value& v, std::string_view key,
                                            std::string_view op);
[[nodiscard]] std::optional<std::uint64_t> parse_u64(std::string_view s);
[[nodiscard]] std::optional<std::uint64_t> uint_of(const boost::json::value* f);
[[nodiscard]] std::optional<bool> bool_field(const boost::json::value& v, std::string_view key);
[[nodiscard]] Timestamp ms_time(std::uint64_t ms);

// An order as openOrders / orderStatus.order.order / WsOrder.order send it: {coin, side "B"|"A",
// limitPx, sz (remaining), oid, timestamp, origSz?, cloid?, reduceOnly?, tif?}. Status is open
// (partially_filled when origSz > sz). nullopt with `error` empty: a coin not in the registry
// (not an order nzeza trades); nullopt with `error` set: malformed.
[[nodiscard]] std::optional<VenueOrder> parse_order(const boost::json::value& v,
                                                    const InstrumentRegistry& registry,
                                                    std::string_view op, Error& error);
// Applies an order status word (orderStatus, orderUpdates) to a parsed order: filled, open and
// triggered, rejected and *Rejected, canceled, *Canceled and scheduledCancel (reason = the word).
// False for a word it does not know.
[[nodiscard]] bool apply_order_status(VenueOrder& order, std::string_view status);

// A fill as userFills / userFillsByTime / WsUserFills send it: {coin, px, sz, side, time, oid,
// tid, fee?, feeToken?, crossed?, cloid?}. Same nullopt convention.
[[nodiscard]] std::optional<domain::Fill> parse_fill(const boost::json::value& v,
                                                     const InstrumentRegistry& registry,
                                                     std::string_view op, Error& error);

}  // namespace nzeza::venues::hyperliquid
