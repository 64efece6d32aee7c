#pragma once
// The Indexer's order and fill objects (REST /v4/orders, /v4/fills and the v4_subaccounts
// WebSocket channel share them) read into the port's types. Decimals are parsed exactly from
// their strings; the market is found by "ticker"/"market" or, in channel messages that only
// carry it, by "clobPairId".

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/fill.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::dydx {

// The dYdX instrument with that ticker, else with that clob pair id; nullptr when neither.
[[nodiscard]] const Instrument* find_market(const InstrumentRegistry& registry,
                                            std::string_view ticker, std::string_view clob_pair_id);

// The venue's name of a market: the ticker when the object carries one, else
// "clobPairId:<id>" (the v4_subaccounts channel names the market only by its clob pair id);
// empty when it carries neither.
[[nodiscard]] std::string venue_symbol_of(std::string_view ticker, std::string_view clob_pair_id);

// An order or fill of a market the registry does not hold is read all the same, with an invalid
// `instrument` and venue_symbol_of(...) (never dropped: reconciliation must see it);
// venue_symbol is always set. parse_error for a malformed object (no market, bad decimals...).
[[nodiscard]] Result<VenueOrder> parse_indexer_order(const boost::json::value& order,
                                                     const InstrumentRegistry& registry,
                                                     Timestamp fallback_time);
[[nodiscard]] Result<domain::Fill> parse_indexer_fill(const boost::json::value& fill,
                                                      const InstrumentRegistry& registry);

// One text message of the Indexer's v4_subaccounts channel (`subscribed`, `channel_data`,
// `channel_batch_data`): per part, its orders (the snapshot's too), then its fills, each fill
// carrying our client id when the same message holds its order. Messages of other types or
// channels yield nothing; an unparsable message, or an order or fill that cannot be read, is
// counted in `dropped` (never silently lost). The snapshot's fills are not delivered (it carries
// none).
struct SubaccountsMessage {
  std::vector<std::variant<VenueOrder, domain::Fill>> events;  // in delivery order
  std::size_t dropped = 0;
};
[[nodiscard]] SubaccountsMessage parse_subaccounts_message(std::string_view text,
                                                           const InstrumentRegistry& registry,
                                                           Timestamp now);

}  // namespace nzeza::venues::dydx
