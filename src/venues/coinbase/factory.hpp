#pragma once
// Builds the Coinbase Advanced Trade VenueClient from ClientOptions (client_options.hpp).
//
// Credentials ("coinbase"): api_key_name ("organizations/{org}/apiKeys/{key}") and
// api_private_key (EC P-256 PEM — newlines may be written "\n" on one line — or a base64
// Ed25519 key), from NZEZA_COINBASE_API_KEY_NAME / NZEZA_COINBASE_API_PRIVATE_KEY or the
// credentials file. A key that cannot be read is refused here, before any request.
//
// URLs: base_url empty → https://api.coinbase.com. ws_url empty → the production user channel
// (wss://advanced-trade-ws-user.coinbase.com) when base_url is production too; with a custom
// base_url (a simulator) and no ws_url the client has no private stream (capabilities()
// .private_stream false), since the simulator's WebSocket listens on its own port.

#include <memory>

#include "core/result.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::coinbase {

[[nodiscard]] Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                               const ClientDeps& deps);

}  // namespace nzeza::venues::coinbase
