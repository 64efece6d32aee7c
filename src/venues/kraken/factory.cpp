#include "venues/kraken/factory.hpp"

#include "venues/kraken/client.hpp"

namespace nzeza::venues::kraken {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps) {
  auto creds = load_client_credentials("kraken", options, deps, {"api_key", "api_secret"});
  if (!creds) return creds.error().with_context("kraken credentials");
  auto key = creds->get("api_key");
  auto secret = creds->get("api_secret");
  if (!key || !secret) return fail(ErrorCode::invalid_argument, "kraken: credentials incomplete");
  auto signer = KrakenKeySigner::shared(std::string(*key), *secret);
  if (!signer) return signer.error();

  KrakenClientConfig config;
  if (!options.base_url.empty()) config.base_url = options.base_url;
  config.ws_url = options.ws_url;
  if (options.ca_file) config.tls.extra_ca_file = *options.ca_file;
  if (options.request_timeout > Duration{0}) config.request_timeout = options.request_timeout;
  config.symbols = options.symbols;
  return std::unique_ptr<VenueClient>(std::make_unique<KrakenClient>(
      *deps.net, *deps.clock, *deps.registry, std::move(signer).value(), std::move(config)));
}

}  // namespace nzeza::venues::kraken
