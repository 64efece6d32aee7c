#pragma once
// The frames of Binance's user data stream (WS API, see user_stream.hpp) → typed events,
// without sockets: what BinanceUserStream applies and what fuzz/binance feeds arbitrary bytes.
//
//   {"subscriptionId":N,"event":{"e":"executionReport",...}}         → order (+ fill on TRADE)
//   {"subscriptionId":N,"event":{"e":"outboundAccountPosition",...}} → balances
//   {"subscriptionId":N,"event":{"e":"eventStreamTerminated",...}}   → terminated
//   {"id":..,"status":200,...} / {"id":..,"status":4xx,"error":{...}} → subscribed / refused
// Nothing is dropped: an execution report on a symbol nzeza has not loaded keeps an invalid
// `instrument` and the venue's symbol in `venue_symbol` (set on every order and fill). A frame
// that cannot be read yields no event and says why in `error` (the stream counts it); an
// event type it does not know is `ignored` (counted too, never silently lost).
//
// Threading: pure function; `lookup` is called on the caller's thread.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "domain/balance.hpp"
#include "domain/fill.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::binance {

struct UserStreamEvent {
  std::optional<VenueOrder> order;
  std::optional<domain::Fill> fill;
  std::vector<domain::Balance> balances;
  bool terminated = false;         // eventStreamTerminated
  bool subscribe_refused = false;  // an error answer to our subscribe
  bool subscribed = false;         // the success answer
  bool ignored = false;            // a well-formed event of a type nzeza does not use
  std::string error;               // why a frame was not understood or was refused
};
// Instrument of a venue symbol; nullopt when not loaded.
using SymbolLookup = std::function<std::optional<InstrumentId>(std::string_view symbol)>;
[[nodiscard]] UserStreamEvent parse_user_stream_frame(std::string_view frame,
                                                      const SymbolLookup& lookup);

}  // namespace nzeza::venues::binance
