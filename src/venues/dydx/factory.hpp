#pragma once
// The dYdX v4 client factory (signature per venues/client_options.hpp).
//
// Credentials (venue "dydx", env NZEZA_DYDX_<FIELD> or the credentials file):
//   mnemonic     required: the BIP-39 English mnemonic (12..24 words); a bad checksum, an unknown
//                word or a wrong word count is refused with a clear error (naming the word's
//                position, never the word)
//   passphrase   optional: the BIP-39 passphrase (ASCII)
// URLs: base_url set (a testnet, a local simulator) -> both the node REST gateway and the
// Indexer are at base_url. Empty -> Indexer https://indexer.dydx.trade and the node REST gateway
// from NZEZA_DYDX_NODE_URL (dYdX publishes no official REST node: refused when unset).
// The chain id is read from the node's node_info (NZEZA_DYDX_CHAIN_ID overrides it).
// ws_url: the Indexer WebSocket for the private v4_subaccounts stream; empty -> the mainnet
// Indexer's when base_url is empty too, else no private stream. request_timeout zero -> 10 s.
// The factory derives the key (PBKDF2, ~10 ms) but does not contact the venue.

#include <memory>

#include "core/result.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::dydx {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps);

}  // namespace nzeza::venues::dydx
