#include "venues/dydx/factory.hpp"

#include <cstdlib>

#include "venues/dydx/client.hpp"
#include "venues/dydx/subaccount_stream.hpp"

namespace nzeza::venues::dydx {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps) {
  auto creds = load_client_credentials("dydx", options, deps, {"mnemonic"}, {"passphrase"});
  if (!creds) return creds.error();
  const Secret* pass = creds->find("passphrase");
  auto wallet = Wallet::from_mnemonic(*creds->get("mnemonic"),
                                      pass != nullptr ? pass->reveal() : std::string_view{});
  if (!wallet) return wallet.error().with_context("dydx credentials (mnemonic)");

  DydxClientConfig config;
  if (!options.base_url.empty()) {
    std::string base = options.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    config.node_url = base;
    config.indexer_url = base;
  } else {
    config.indexer_url = std::string(kMainnetIndexerUrl);
    const char* node = std::getenv("NZEZA_DYDX_NODE_URL");
    if (node == nullptr || *node == '\0')
      return fail(ErrorCode::invalid_argument,
                  "dydx factory: no node REST URL — set NZEZA_DYDX_NODE_URL (or --base-url)");
    config.node_url = node;
  }
  if (!options.ws_url.empty()) {
    config.ws_url = options.ws_url;
  } else if (options.base_url.empty()) {
    config.ws_url = std::string(kMainnetIndexerWsUrl);
  }  // a base_url without ws_url (a simulator without WebSocket): no private stream
  if (const char* chain = std::getenv("NZEZA_DYDX_CHAIN_ID"); chain != nullptr && *chain != '\0')
    config.chain_id = chain;
  if (options.ca_file) config.tls.extra_ca_file = *options.ca_file;
  if (options.request_timeout.count() > 0) config.request_timeout = options.request_timeout;
  config.symbols = options.symbols;
  return std::unique_ptr<VenueClient>(std::make_unique<DydxClient>(
      *deps.net, *deps.clock, *deps.registry, std::move(*wallet), std::move(config)));
}

}  // namespace nzeza::venues::dydx
