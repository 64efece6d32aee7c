#pragma once
// Binance spot REST answers → typed values, without sockets: the parsing half of BinanceClient,
// and what fuzz/binance feeds arbitrary bytes.
//
// Every parser takes the body of a 2xx answer and returns the value, or an Error with
// ErrorCode::protocol that names the field and never quotes the body (it is the venue's, not
// ours, but a caller may log the message). Prices and sizes are strings on the wire and are
// parsed exactly (Decimal); a number where a decimal string belongs is refused.
//
// Nothing is dropped: an order or trade on a symbol the registry does not hold keeps an invalid
// `instrument` and the venue's symbol verbatim in `venue_symbol` (reconciliation must see it).
// `venue_symbol` is set on every order and fill.
//
// Errors: {"code":-2010,"msg":"..."} → ApiError; classify_binance_error() maps Binance's code to
// an ErrorCode — the HTTP status and the delivery rules (5xx: outcome unknown) are the client's
// (docs/errors/binance.md lists each code and the doc line behind it).
//
// Threading: pure functions; the registry is only read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/balance.hpp"
#include "domain/fill.hpp"
#include "domain/order_event.hpp"
#include "market/candle.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::binance {

// Binance status text → domain status; nullopt for an unknown one. NEW/PENDING_NEW and
// PENDING_CANCEL (it may still trade) → open, CANCELED → cancelled, EXPIRED/EXPIRED_IN_MATCH →
// expired.
[[nodiscard]] std::optional<domain::VenueOrderStatus> parse_order_status(
    std::string_view status) noexcept;

// The ErrorCode for a Binance error code + message on an HTTP status. Only Binance's own text
// inside a documented code refines it (-2010 "insufficient balance", "Duplicate order sent.";
// -2011 "Unknown order sent.").
[[nodiscard]] ErrorCode classify_binance_error(int http_status, long long code,
                                               std::string_view msg) noexcept;

// Codes Binance documents as "execution status unknown" (-1006 UNEXPECTED_RESP, -1007 TIMEOUT)
// or that say nothing of it (-1000 UNKNOWN: "An unknown error occurred while processing the
// request."): whatever the HTTP status, the request may have executed.
[[nodiscard]] bool execution_unknown_code(long long code) noexcept;

struct ApiError {
  long long code = 0;
  std::string msg;
};
// {"code":<int>,"msg":<string>}; nullopt when the body is not one.
[[nodiscard]] std::optional<ApiError> parse_api_error(std::string_view body);

// GET /api/v3/order (one order object).
[[nodiscard]] Result<VenueOrder> parse_order_answer(std::string_view body,
                                                    const InstrumentRegistry& registry,
                                                    Timestamp now);
// POST /api/v3/order with newOrderRespType=FULL (immediate fills included; ACK/RESULT answers
// are read too).
[[nodiscard]] Result<PlaceAck> parse_place_answer(std::string_view body,
                                                  const InstrumentRegistry& registry,
                                                  Timestamp now);
// DELETE /api/v3/order (origClientOrderId is the order's own id).
[[nodiscard]] Result<CancelAck> parse_cancel_answer(std::string_view body,
                                                    const InstrumentRegistry& registry,
                                                    Timestamp now);
// DELETE /api/v3/openOrders (order-list entries, without an orderId, are skipped).
[[nodiscard]] Result<std::vector<CancelAck>> parse_cancel_all_answer(
    std::string_view body, const InstrumentRegistry& registry, Timestamp now);
// GET /api/v3/openOrders.
[[nodiscard]] Result<std::vector<VenueOrder>> parse_open_orders(std::string_view body,
                                                                const InstrumentRegistry& registry,
                                                                Timestamp now);
// GET /api/v3/myTrades.
[[nodiscard]] Result<std::vector<domain::Fill>> parse_my_trades(std::string_view body,
                                                                const InstrumentRegistry& registry);
// GET /api/v3/account: balances[].
[[nodiscard]] Result<std::vector<domain::Balance>> parse_account(std::string_view body);
// GET /api/v3/exchangeInfo: symbols[] → Instruments (id and symbol of a known one kept).
[[nodiscard]] Result<std::vector<Instrument>> parse_exchange_info(
    std::string_view body, const InstrumentRegistry& registry);
// GET /api/v3/time: serverTime.
[[nodiscard]] Result<Timestamp> parse_server_time(std::string_view body);

// GET /api/v3/klines at `interval`: rows [openTime, "open", "high", "low", "close", "volume",
// closeTime, "quoteVolume", trades, "takerBuyBase", "takerBuyQuote", "ignore"], oldest first.
// Every row: openTime (ms) a multiple of `interval`, closeTime = openTime + interval - 1 ms,
// decimal strings for prices and volume (history::check_candle), trades an integer; rows strictly
// increasing. Binance publishes a kline for every interval, with 0 trades when nothing traded:
// that one is a gap candle (O = H = L = C = the previous close, as Binance sends it). The kline
// still open at `now` (Binance includes the current one) is dropped. Errors name the row and the
// field ("kline 3: field 'high' (index 2): ...").
[[nodiscard]] Result<std::vector<market::Candle>> parse_klines(std::string_view body,
                                                               Duration interval, Timestamp now);

}  // namespace nzeza::venues::binance
