#pragma once
// The Binance spot client factory (client_options.hpp): credentials `api_key` and `api_secret`
// from NZEZA_BINANCE_API_KEY / NZEZA_BINANCE_API_SECRET or an owner-only credentials file.
// base_url empty: https://api.binance.com. ws_url: the WS-API endpoint for the user data stream
// (empty: derived from a local base_url, else wss://ws-api.binance.com:443/ws-api/v3).
// request_timeout zero: 10 s. symbols: what load_instruments() asks exchangeInfo for.

#include <memory>

#include "core/result.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::binance {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps);

}  // namespace nzeza::venues::binance
