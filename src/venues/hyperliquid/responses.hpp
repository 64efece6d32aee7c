#pragma once
// Readers for the JSON Hyperliquid answers with (REST /info and the user WebSocket streams share
// the order and fill shapes): exact decimals from strings, ids from numbers or strings, and an
// Error naming the field when a required one is missing or malformed.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "domain/fill.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::hyperliquid {

// "hyperliquid <op>: <message>" with the venue's code and text (venues::venue_error's form, built
// here so that this library needs nothing beyond core: the fuzz build links it alone).
[[nodiscard]] Error hl_error(ErrorCode code, std::string_view op, std::string_view message,
                             std::string venue_code = {}, std::string venue_text = {});
[[nodiscard]] Error protocol(std::string_view op, std::string_view what);
[[nodiscard]] const boost::json::value* field(const boost::json::value& v, std::string_view key);
[[nodiscard]] std::optional<std::string_view> str_field(const boost::json::value& v,
                                                        std::string_view key);
[[nodiscard]] Result<Decimal> decimal_field(const boost::json::value& v, std::string_view key,
                                            std::string_view op);
[[nodiscard]] std::optional<std::uint64_t> parse_u64(std::string_view s);
[[nodiscard]] std::optional<std::uint64_t> uint_of(const boost::json::value* f);
[[nodiscard]] std::optional<bool> bool_field(const boost::json::value& v, std::string_view key);
// A venue time in ms; nullopt past what Timestamp holds (year 2262): malformed.
[[nodiscard]] std::optional<Timestamp> ms_time(std::uint64_t ms);
// ms_time of an optional integer field: nullopt when absent or out of range.
[[nodiscard]] std::optional<Timestamp> ms_time_field(const boost::json::value& v,
                                                     std::string_view key);

// An order as openOrders / orderStatus.order.order / WsOrder.order send it: {coin, side "B"|"A",
// limitPx, sz (remaining), oid, timestamp, origSz?, cloid?, reduceOnly?, tif?}. Status is open
// (partially_filled when origSz > sz). venue_symbol is the coin verbatim; a coin not in the
// registry (a spot "@107", a perp not loaded) keeps an invalid instrument — never dropped.
// nullopt (with `error` set) only when malformed.
[[nodiscard]] std::optional<VenueOrder> parse_order(const boost::json::value& v,
                                                    const InstrumentRegistry& registry,
                                                    std::string_view op, Error& error);
// Applies an order status word (orderStatus, orderUpdates) to a parsed order: filled, open and
// triggered, rejected and *Rejected, canceled, *Canceled and scheduledCancel (reason = the word).
// False for a word it does not know.
[[nodiscard]] bool apply_order_status(VenueOrder& order, std::string_view status);

// A fill as userFills / userFillsByTime / WsUserFills send it: {coin, px, sz, side, time, oid,
// tid, fee?, feeToken?, crossed?, cloid?}. Same conventions (venue_symbol, invalid instrument
// for a coin not loaded, nullopt only when malformed).
[[nodiscard]] std::optional<domain::Fill> parse_fill(const boost::json::value& v,
                                                     const InstrumentRegistry& registry,
                                                     std::string_view op, Error& error);

// One message of the user WebSocket (orderUpdates, userFills; pong, subscriptionResponse and the
// plain-text greeting carry nothing). `ok` is false for a message that is not one of those
// shapes; `malformed` counts the items of a readable message that could not be read (skipped).
struct UserMessage {
  bool ok = true;
  std::vector<VenueOrder> orders;
  std::vector<domain::Fill> fills;
  std::uint64_t malformed = 0;
};
[[nodiscard]] UserMessage read_user_message(std::string_view text,
                                            const InstrumentRegistry& registry);

}  // namespace nzeza::venues::hyperliquid
