#pragma once
// Kraken spot REST answers → nzeza values, without the network: the envelope, AddOrder,
// CancelOrder, QueryOrders/OpenOrders/ClosedOrders, TradesHistory, BalanceEx, AssetPairs, Time,
// CancelAllOrdersAfter, GetWebSocketsToken and OHLC. KrakenClient (client.hpp) sends the requests
// and calls these; the fuzz targets (fuzz/kraken/) call them on arbitrary bytes.
//
// Envelope: {"error":["<E>Category:Message[:detail]", ...],"result":{...}} at HTTP 200 (also
// inside some 5xx bodies). parse_answer() returns the first error string or the `result`; an
// unreadable body is ErrorCode::protocol (the caller decides what that means for the request).
//
// Money is exact: decimals are read from JSON strings (or integers), never from a double.
// Nothing the account holds is dropped: an order or a trade on a pair the resolver does not know
// keeps an invalid InstrumentId and the venue's pair name in venue_symbol (always set).
//
// Threading: pure functions; the resolvers are called on the caller's thread.

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/error.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/fill.hpp"
#include "market/candle.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::kraken {

// ---- error vocabulary ---------------------------------------------------------------------

// The ErrorCode of a Kraken error string ("EOrder:Insufficient funds" → insufficient_balance).
[[nodiscard]] ErrorCode kraken_error_code(std::string_view error) noexcept;
// True when a request answered with this error string certainly was not processed: Kraken
// documents every answer with a non-empty error array as a failed request, except its service
// trouble (EService:*) and internal errors, which stay outcome unknown for orders. The table
// with the doc lines: docs/errors/kraken.md.
[[nodiscard]] bool kraken_error_proves_not_processed(std::string_view error) noexcept;
// "EService:Throttled: 1700000000" → "EService:Throttled" (the part before a third ':').
[[nodiscard]] std::string kraken_error_prefix(std::string_view error);
// "XXBT" → "BTC", "ZUSD" → "USD", "XDG" → "DOGE", "USDT" → "USDT" (unchanged when unknown).
[[nodiscard]] std::string normalize_asset(std::string_view kraken_asset);

namespace rest {

// ---- envelope -------------------------------------------------------------------------------

struct Answer {
  std::optional<std::string> error;  // the first error string, verbatim, when the array is not
                                     // empty (a non-string entry is serialized)
  boost::json::value result;         // `result` when there is no error
};
// protocol error: not JSON, not an object, no "error" array, or no "result" without an error.
[[nodiscard]] Result<Answer> parse_answer(std::string_view body);
// The first error string of a Kraken envelope in `body` (a 5xx body), if it is one.
[[nodiscard]] std::optional<std::string> envelope_error(std::string_view body);

// ---- orders ---------------------------------------------------------------------------------

// Kraken pair name (REST key, altname, wsname) → a loaded instrument.
using PairResolver = std::function<std::optional<InstrumentId>(std::string_view pair)>;
// txid → the client id we placed it with (empty when unknown).
using ClientIdOf = std::function<std::string(std::string_view txid)>;

struct OrderContext {
  PairResolver resolve;
  ClientIdOf client_id_of;           // may be empty
  InstrumentId fallback;             // when the pair does not resolve (a status query)
  std::optional<InstrumentId> only;  // keep only this instrument (parse_orders)
  Timestamp now;                     // report time when the order has none
};

// AddOrder's result → the first txid.
[[nodiscard]] Result<std::string> parse_add_order(const boost::json::value& result);
// CancelOrder / CancelAll result → count.
[[nodiscard]] Result<std::int64_t> parse_cancel_count(const boost::json::value& result);
// One order object of QueryOrders / OpenOrders / ClosedOrders.
[[nodiscard]] Result<VenueOrder> parse_order(std::string_view op, const std::string& txid,
                                             const boost::json::value& order,
                                             const OrderContext& ctx);
// {txid: order, ...} in the venue's order (nullptr: none).
[[nodiscard]] Result<std::vector<VenueOrder>> parse_orders(std::string_view op,
                                                           const boost::json::value* orders,
                                                           const OrderContext& ctx);

// ---- fills ----------------------------------------------------------------------------------

struct TradesContext {
  PairResolver resolve;
  ClientIdOf client_id_of;  // may be empty
  // The quote currency of a loaded instrument (Kraken charges spot fees in quote); empty for
  // a pair that is not loaded (its fee currency stays unknown, never guessed).
  std::function<std::string(InstrumentId)> quote_of;
  std::optional<InstrumentId> only;
  Timestamp since;
};
struct TradesPage {
  std::vector<domain::Fill> fills;  // time >= since, in the venue's order
  std::size_t page_size = 0;        // trades in this page (before filtering)
  std::size_t total = 0;            // `count`: trades matching the query, all pages
};
[[nodiscard]] Result<TradesPage> parse_trades(const boost::json::value& result,
                                              const TradesContext& ctx);
// A fill's own numbers are sane (trade id, price > 0, quantity > 0, fee >= 0, notional fits),
// whether or not its instrument is loaded.
[[nodiscard]] Status check_fill(const domain::Fill& fill);

// ---- account, metadata, time ----------------------------------------------------------------

struct BalanceRow {
  std::string currency;  // normalized ("BTC", "USD"); several Kraken assets may sum into one
  Decimal total;
  Decimal hold;  // hold_trade (0 when absent); 0 <= hold <= total is checked
};
[[nodiscard]] Result<std::vector<BalanceRow>> parse_balance_ex(const boost::json::value& result);

struct AssetPairs {
  std::vector<Instrument> instruments;  // id/symbol set for pairs the registry knows
  std::map<std::string, InstrumentId, std::less<>> aliases;  // altname/wsname/key → known id
};
// `wanted`: venue symbols, altnames or wsnames to keep (all when empty).
[[nodiscard]] Result<AssetPairs> parse_asset_pairs(const boost::json::value& result,
                                                   const InstrumentRegistry& registry,
                                                   const std::vector<std::string>& wanted);

[[nodiscard]] Result<Timestamp> parse_server_time(const boost::json::value& result);
// CancelAllOrdersAfter → trigger time (zero when disarmed).
[[nodiscard]] Result<Timestamp> parse_dead_man(const boost::json::value& result, bool disarming);
[[nodiscard]] Result<std::string> parse_ws_token(const boost::json::value& result);

// OHLC's result at `interval`: {"<pair>":[[time, "open", "high", "low", "close", "vwap",
// "volume", count], ...], "last": <unix s>}, one pair (whatever its key), oldest first. Every
// entry: time (integer unix seconds) a multiple of `interval`, decimal strings for prices and
// volume (history::check_candle), count an integer (0: nobody traded, a gap candle); entries
// strictly increasing. Kraken: "The last entry in the OHLC array is for the current,
// not-yet-committed timeframe, and will always be present" — it is read, checked and dropped.
// Errors name the entry and the field ("OHLC: entry 3: field 'high' (index 2): ...").
[[nodiscard]] Result<std::vector<market::Candle>> parse_ohlc(const boost::json::value& result,
                                                             Duration interval);

}  // namespace rest
}  // namespace nzeza::venues::kraken
