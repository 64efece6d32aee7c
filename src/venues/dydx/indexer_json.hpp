#pragma once
// The Indexer's order and fill objects (REST /v4/orders, /v4/fills and the v4_subaccounts
// WebSocket channel share them) read into the port's types. Decimals are parsed exactly from
// their strings; the market is found by "ticker"/"market" or, in channel messages that only
// carry it, by "clobPairId".

#include <boost/json/value.hpp>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/fill.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::dydx {

// The dYdX instrument with that ticker, else with that clob pair id; nullptr when neither.
[[nodiscard]] const Instrument* find_market(const InstrumentRegistry& registry,
                                            std::string_view ticker, std::string_view clob_pair_id);

// not_found for a market nzeza does not know; parse_error for a malformed object.
[[nodiscard]] Result<VenueOrder> parse_indexer_order(const boost::json::value& order,
                                                     const InstrumentRegistry& registry,
                                                     Timestamp fallback_time);
[[nodiscard]] Result<domain::Fill> parse_indexer_fill(const boost::json::value& fill,
                                                      const InstrumentRegistry& registry);

}  // namespace nzeza::venues::dydx
