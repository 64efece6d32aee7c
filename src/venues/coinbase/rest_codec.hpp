#pragma once
// The Coinbase Advanced Trade REST bodies (api/v3/brokerage), both directions: request bodies
// built from the port's types, responses read into them. Decimals are read exactly from the
// venue's strings (Decimal::parse), never through double. No I/O here: the client sends, this
// file only reads and writes text, so every shape has unit tests.
//
// Every reader answers ErrorCode::protocol naming the field when the body is not what Coinbase
// sends (malformed JSON, a missing or mistyped field), so an unreadable answer is never taken
// for a refusal.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/balance.hpp"
#include "domain/fill.hpp"
#include "domain/order.hpp"
#include "market/candle.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::coinbase {

// ---- requests --------------------------------------------------------------------------------

// POST /orders body. Order types (order_configuration key):
//   market (any TIF but post_only)      market_market_ioc {base_size}
//   limit GTC                           limit_limit_gtc {base_size, limit_price, post_only:false}
//   limit post_only                     limit_limit_gtc {..., post_only:true}
//   limit IOC                           sor_limit_ioc {base_size, limit_price}
//   limit FOK                           limit_limit_fok {base_size, limit_price}
//   stop_limit GTC                      stop_limit_stop_limit_gtc {base_size, limit_price,
//                                       stop_price, stop_direction}: a buy triggers on the way
//                                       up (STOP_DIRECTION_STOP_UP), a sell on the way down.
// GTD (end_time) cannot be expressed by OrderSpec (it has no expiry); stop and take_profit
// without a limit price, stop-limit IOC/FOK/post-only, and reduce-only (spot) are refused with
// invalid_argument before anything is sent.
[[nodiscard]] Result<std::string> order_request_body(const domain::OrderSpec& spec,
                                                     std::string_view product_id);
// POST /orders/batch_cancel body: {"order_ids":[...]}.
[[nodiscard]] std::string cancel_request_body(const std::vector<std::string>& order_ids);
// POST /orders/edit body: {"order_id":..,"price":..,"size":..}.
[[nodiscard]] std::string edit_request_body(std::string_view order_id, std::optional<Decimal> price,
                                            std::optional<Decimal> size);

// ---- responses -------------------------------------------------------------------------------

// The venue's refusal in a 200 answer or an error status body, verbatim.
struct VenueRefusal {
  ErrorCode code = ErrorCode::rejected;
  std::string venue_code;  // "INSUFFICIENT_FUND", "UNKNOWN_CANCEL_ORDER", "NOT_FOUND" ...
  std::string venue_text;  // the venue's message
};

// POST /orders answer: the order id, or the refusal (success:false).
struct CreateOrderAnswer {
  bool success = false;
  std::string order_id;
  std::string client_order_id;
  VenueRefusal refusal;  // when !success
};
[[nodiscard]] Result<CreateOrderAnswer> parse_create_order(std::string_view body);

// The error body of a non-2xx status ({"error":"NOT_FOUND","message":"..."}); nullopt when the
// body is not that shape (then the HTTP status speaks alone).
[[nodiscard]] std::optional<VenueRefusal> parse_error_body(std::string_view body);

// POST /orders/batch_cancel answer: one result per id.
struct CancelResult {
  std::string order_id;
  bool success = false;
  std::string failure_reason;
};
[[nodiscard]] Result<std::vector<CancelResult>> parse_cancel_results(std::string_view body);

// POST /orders/edit answer: success, or the first error's reason.
[[nodiscard]] Result<std::optional<VenueRefusal>> parse_edit(std::string_view body);

// One order as GET /orders/historical/{id} (`{"order":{...}}`) or the batch list carries it.
// The instrument is resolved through `registry` (invalid id when the product is not there).
[[nodiscard]] Result<VenueOrder> parse_order_object(std::string_view json_object_text,
                                                    const InstrumentRegistry& registry);
[[nodiscard]] Result<VenueOrder> parse_order(std::string_view body,
                                             const InstrumentRegistry& registry);

// A page of GET /orders/historical/batch or /orders/historical/fills, /accounts.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string cursor;     // empty: last page
  bool has_next = false;  // the venue says more pages follow
};
[[nodiscard]] Result<Page<VenueOrder>> parse_orders_page(std::string_view body,
                                                         const InstrumentRegistry& registry);

// Fills: `client_ids` maps a venue order id to our client order id (fills do not carry it);
// `size_in_quote` fills are converted to base units (size / price, exact or refused).
struct FillRow {
  domain::Fill fill;
  std::string order_id;
};
[[nodiscard]] Result<Page<FillRow>> parse_fills_page(std::string_view body,
                                                     const InstrumentRegistry& registry);

// Accounts: one row per account (a currency may have several: portfolios), available + hold.
struct AccountRow {
  std::string currency;
  Decimal available;
  Decimal hold;
};
[[nodiscard]] Result<Page<AccountRow>> parse_accounts_page(std::string_view body);

// GET /products answer (or one product object) → instruments of kind spot. Products whose
// product_type is not SPOT are skipped. Status: trading_disabled / is_disabled / status other
// than "online" → halted; cancel_only → cancel_only; else trading. USDC books that mirror USD
// books (alias/alias_to) stay distinct instruments. Ids are copied from `registry` when the
// product is known there.
[[nodiscard]] Result<std::vector<Instrument>> parse_products(std::string_view body,
                                                             const InstrumentRegistry& registry);

// GET /time answer: epochMillis (string) or iso.
[[nodiscard]] Result<Timestamp> parse_server_time(std::string_view body);

// GET /market/products/{product_id}/candles at `interval` (public):
// {"candles":[{"start":"<unix seconds>","low":..,"high":..,"open":..,"close":..,"volume":..}]},
// newest first as Coinbase sends it (any order is read), answered oldest first; two candles with
// one start are refused. Every candle: start a multiple of `interval`, decimal strings for prices
// and volume (history::check_candle). Coinbase gives no trade count and publishes nothing for an
// interval without trades: never a gap candle (trades 0, price_updates 1), and the series may
// jump. Candles still open at `now` are dropped. Errors name the candle and the field.
[[nodiscard]] Result<std::vector<market::Candle>> parse_candles(std::string_view body,
                                                                Duration interval, Timestamp now);

// Order status text (OPEN, FILLED, CANCELLED, EXPIRED, FAILED, PENDING, QUEUED, CANCEL_QUEUED)
// → the port's status; partially_filled when open with a positive filled size.
[[nodiscard]] Result<domain::VenueOrderStatus> order_status_from(std::string_view status,
                                                                 Decimal filled);

}  // namespace nzeza::venues::coinbase
