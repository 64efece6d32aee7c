#pragma once
// The user channel's messages read into the port's types: no I/O, no network library, so the
// fuzz preset builds it (fuzz/coinbase) beside rest_codec.
//
// Each order in a `snapshot` or `update` event of a `user` message becomes a VenueOrder: status,
// cumulative filled quantity, average price, venue and client order ids, quantity = cumulative +
// leaves, and the product id verbatim as venue_symbol. An order on a product the registry does
// not hold keeps an invalid instrument — it is never dropped.

#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::coinbase {

// The orders of one user-channel message (empty for other channels: heartbeats,
// subscriptions). protocol error when a user message is malformed (the whole message: the
// stream counts it as skipped, see UserStream::skipped_messages()).
[[nodiscard]] Result<std::vector<VenueOrder>> parse_user_message(
    std::string_view text, const InstrumentRegistry& registry);

}  // namespace nzeza::venues::coinbase
