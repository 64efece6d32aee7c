#pragma once
// The answers of a dYdX node's REST gateway and of the Indexer REST API, read into the port's
// types. No network and no state: DydxClient's transport parses the body and hands the JSON
// document here. Kept apart from client.cpp so that the fuzz build (no Beast/Asio) drives every
// reader (fuzz/dydx/).
//
// Every reader answers ErrorCode::protocol for a document that does not have the documented
// shape, with what was missing; none of them throws or drops an item silently: an order, fill or
// position of a market the registry does not hold is read with an invalid instrument and its
// venue_symbol (see indexer_json.hpp).

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/fill.hpp"
#include "market/candle.hpp"
#include "venues/candle_history.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::dydx {

// tx_response of a BROADCAST_MODE_SYNC answer ({"tx_response": {code, codespace, raw_log,
// txhash...}}). `code` is nullopt when present but not a uint32; an omitted code is 0.
struct BroadcastAnswer {
  std::optional<std::uint32_t> code;
  std::string codespace;
  std::string raw_log;
  std::string txhash;
  std::string venue_code;  // "<codespace>:<code>" as the answer spelled it
};
[[nodiscard]] Result<BroadcastAnswer> parse_broadcast_answer(const boost::json::value& answer);

// What a broadcast answer says about the tx (docs/errors/dydx.md lists every refused code with
// the line that documents it):
//   accepted  code 0, or "sdk" 19 (the identical tx is already in the mempool);
//   refused   CheckTx refused it, nothing placed or cancelled; `code` is our ErrorCode;
//   unknown   any other code: the answer does not say what became of the tx.
enum class TxVerdict : std::uint8_t { accepted, refused, unknown };
struct TxClass {
  TxVerdict verdict = TxVerdict::unknown;
  ErrorCode code = ErrorCode::rejected;
};
[[nodiscard]] TxClass classify_tx(const BroadcastAnswer& answer) noexcept;

// The venue's words in an error body: the gateway's {"code": 3, "message": "..."} or the
// Indexer's {"errors": [{"msg": "..."}]}; empty strings when the body has neither.
struct ErrorBody {
  std::string code;
  std::string text;
};
[[nodiscard]] ErrorBody error_body_of(const boost::json::value& body);

// /v4/height {"height": "123"}.
[[nodiscard]] Result<std::uint32_t> parse_height(const boost::json::value& answer);
// /v4/time {"iso": "...Z", "epoch": ...}.
[[nodiscard]] Result<Timestamp> parse_server_time(const boost::json::value& answer);
// /cosmos/auth/v1beta1/accounts/{a}: {"account": {account_number, sequence}} (a vesting or
// module account nests them in "base_account").
struct AccountInfo {
  std::uint64_t number = 0;
  std::uint64_t sequence = 0;
};
[[nodiscard]] Result<AccountInfo> parse_account(const boost::json::value& answer);
// /cosmos/base/tendermint/v1beta1/node_info: default_node_info.network (the chain id).
[[nodiscard]] Result<std::string> parse_node_network(const boost::json::value& answer);

// /v4/orders: a list of Indexer orders, each with the flags and pair a cancel needs.
struct IndexerOrder {
  VenueOrder order;
  std::uint32_t order_flags = 0;
  std::uint32_t clob_pair_id = 0;
};
[[nodiscard]] Result<std::vector<IndexerOrder>> parse_orders(const boost::json::value& answer,
                                                             const InstrumentRegistry& registry,
                                                             Timestamp now);

// /v4/fills {"fills": [...]}: each fill with the Indexer's id of its order.
struct IndexerFill {
  domain::Fill fill;
  std::string order_id;
};
[[nodiscard]] Result<std::vector<IndexerFill>> parse_fills(const boost::json::value& answer,
                                                           const InstrumentRegistry& registry);

// /v4/addresses/{a}/subaccountNumber/{n}: USDC equity and free collateral, open positions
// (quantity negative when SHORT).
struct SubaccountAnswer {
  Decimal equity;
  Decimal free_collateral;
  std::vector<VenuePosition> positions;
};
[[nodiscard]] Result<SubaccountAnswer> parse_subaccount(const boost::json::value& answer,
                                                        const InstrumentRegistry& registry);

// /v4/perpetualMarkets {"markets": {...}}: the instruments with their exact conversion
// parameters; `wanted` empty means every market.
[[nodiscard]] Result<std::vector<Instrument>> parse_markets(const boost::json::value& answer,
                                                            const std::vector<std::string>& wanted);

// Candle history: GET /v4/candles/perpetualMarkets/{ticker}?resolution=R&limit=N&fromISO&toISO
// (fromISO <= startedAt < toISO, newest first, limit at most the Indexer's API limit: 100 on
// older deployments, 1000 on newer ones). Resolutions, finest first: 1MIN 5MINS 15MINS 30MINS
// 1HOUR 4HOURS 1DAY.
using CandleResolution = history::CandleInterval;  // {length, wire: "1MIN"}
// Look one up with history::find_wire, list them with history::intervals_text.
[[nodiscard]] std::span<const CandleResolution> candle_resolutions() noexcept;

// {"candles":[{startedAt, ticker, resolution, open, high, low, close, baseTokenVolume, trades,
// usdVolume?, startingOpenInterest?, orderbookMidPrice*?}]} → the candles CLOSED at `now`
// (end <= now), oldest first whatever the order sent (the Indexer sends newest first). Decimals
// exact from their strings; volume = baseTokenVolume (in the base asset, like a trade's size);
// trades a JSON integer; `gap` when trades is 0 (the Indexer's candle of an interval without a
// trade, flat at the previous close). protocol error naming the candle's index and the field
// for: no "candles" list, an item that is not an object, a missing or malformed field, a ticker
// or resolution other than asked, startedAt not a multiple of the resolution, two candles with
// the same startedAt, a candle failing market::check_candle.
[[nodiscard]] Result<std::vector<market::Candle>> parse_candles(const boost::json::value& answer,
                                                                std::string_view ticker,
                                                                Duration resolution, Timestamp now);

}  // namespace nzeza::venues::dydx
