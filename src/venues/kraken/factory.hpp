#pragma once
// The Kraken spot client factory (client_options.hpp): credentials "kraken" fields api_key and
// api_secret (NZEZA_KRAKEN_API_KEY / NZEZA_KRAKEN_API_SECRET or an owner-only file),
// base_url default https://api.kraken.com, ws_url derived (private_stream.hpp).

#include <memory>

#include "core/result.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::kraken {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps);

}  // namespace nzeza::venues::kraken
