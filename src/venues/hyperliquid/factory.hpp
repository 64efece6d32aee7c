#pragma once
// The Hyperliquid client factory (signature per venues/client_options.hpp).
//
// Credentials (venue "hyperliquid", env NZEZA_HYPERLIQUID_<FIELD> or the credentials file):
//   private_key      required: 64 hex digits — the account's key or an API (agent) wallet's key
//   account_address  optional: the account queried by /info when trading through an agent
//                    wallet (the agent's own address holds no orders)
//   vault_address    optional: trade for this vault / sub-account (sent as vaultAddress)
// base_url: empty → https://api.hyperliquid.xyz (mainnet). The phantom-agent source is "b"
// (testnet) when the URL's host contains "testnet", else "a" — a local simulator verifies
// mainnet signatures. ws_url: the private stream (orderUpdates, userFills); empty → the venue's
// wss://<host>/ws for the mainnet and testnet URLs, none otherwise (a simulator names its own).
// request_timeout zero → 10 s. The factory does not contact the venue.

#include <memory>

#include "core/result.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::hyperliquid {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps);

}  // namespace nzeza::venues::hyperliquid
