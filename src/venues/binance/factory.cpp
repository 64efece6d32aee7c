#include "venues/binance/factory.hpp"

#include "venues/binance/client.hpp"
#include "venues/credentials.hpp"

namespace nzeza::venues::binance {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps) {
  auto creds = load_client_credentials("binance", options, deps, {"api_key", "api_secret"});
  if (!creds) return creds.error();
  BinanceConfig config;
  if (!options.base_url.empty()) config.base_url = options.base_url;
  config.ws_api_url = options.ws_url;
  if (options.ca_file) config.tls.extra_ca_file = *options.ca_file;
  if (options.request_timeout.count() > 0) config.request_timeout = options.request_timeout;
  config.symbols = options.symbols;
  config.api_key = std::string(*creds->get("api_key"));
  auto client = BinanceClient::create(*deps.net, *deps.clock, *deps.registry, std::move(config),
                                      *creds->get("api_secret"));
  if (!client) return client.error();
  return std::unique_ptr<VenueClient>(std::move(*client));
}

}  // namespace nzeza::venues::binance
