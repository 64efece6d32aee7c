#include "venues/coinbase/factory.hpp"

#include "venues/coinbase/client.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::coinbase {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps) {
  if (deps.net == nullptr || deps.clock == nullptr || deps.registry == nullptr)
    return venue_error(ErrorCode::invalid_argument, Venue::coinbase, "make_client",
                       "net, clock and registry are required");
  auto credentials =
      Credentials::load("coinbase", {"api_key_name", "api_private_key"}, {}, options.credentials);
  if (!credentials) return credentials.error();
  auto name = credentials->get("api_key_name");
  auto key = credentials->get("api_private_key");
  if (!name || !key)
    return venue_error(ErrorCode::invalid_argument, Venue::coinbase, "make_client",
                       "api_key_name and api_private_key are required");
  auto signer = JwtSigner::create(std::string(*name), *key);
  if (!signer) return signer.error();

  CoinbaseConfig config;
  if (!options.base_url.empty()) config.base_url = options.base_url;
  if (options.ca_file) config.tls.extra_ca_file = *options.ca_file;
  if (options.request_timeout.count() > 0) config.request_timeout = options.request_timeout;
  config.symbols = options.symbols;

  auto client = std::make_unique<CoinbaseClient>(*deps.net, *deps.clock, *deps.registry,
                                                 std::move(signer).value(), std::move(config));
  return std::unique_ptr<VenueClient>(std::move(client));
}

}  // namespace nzeza::venues::coinbase
