#include "venues/coinbase/factory.hpp"

#include "venues/coinbase/client.hpp"
#include "venues/coinbase/user_stream.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::coinbase {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps) {
  auto credentials =
      load_client_credentials("coinbase", options, deps, {"api_key_name", "api_private_key"});
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

  std::string ws_url = options.ws_url;
  if (ws_url.empty() && config.base_url == kProductionRestUrl)
    ws_url = std::string(kProductionUserWsUrl);
  UserStreamConfig sc;
  sc.url = ws_url;
  sc.tls = config.tls;
  sc.symbols = options.symbols;

  auto client = std::make_unique<CoinbaseClient>(*deps.net, *deps.clock, *deps.registry,
                                                 std::move(signer).value(), std::move(config));
  if (!ws_url.empty()) {
    // The stream signs with its own copy of the key (both wiped with their owners).
    auto stream_signer = JwtSigner::create(std::string(*name), *key);
    if (!stream_signer) return stream_signer.error();
    auto stream = std::make_unique<UserStream>(*deps.net, *deps.clock, *deps.registry,
                                               std::move(stream_signer).value(), std::move(sc));
    CoinbaseClient* raw = client.get();
    stream->set_fill_fetcher(
        [raw](const std::string& order_id, Callback<std::vector<domain::Fill>> done) {
          raw->fills_of_order(order_id, std::move(done));
        });
    client->attach_private_stream(std::move(stream));
  }
  return std::unique_ptr<VenueClient>(std::move(client));
}

}  // namespace nzeza::venues::coinbase
