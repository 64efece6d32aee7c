#include "venues/hyperliquid/factory.hpp"

#include <algorithm>

#include "venues/credentials.hpp"
#include "venues/hyperliquid/client.hpp"

namespace nzeza::venues::hyperliquid {

Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions& options,
                                                 const ClientDeps& deps) {
  auto creds = load_client_credentials("hyperliquid", options, deps, {"private_key"},
                                       {"account_address", "vault_address"});
  if (!creds) return creds.error();
  auto key = creds->get("private_key");
  if (!key) return key.error();
  auto signer = Signer::from_private_key(*key);
  if (!signer) return signer.error();

  HyperliquidClientConfig config;
  config.base_url = options.base_url.empty() ? std::string(kMainnetUrl) : options.base_url;
  while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
  config.mainnet = config.base_url.find("testnet") == std::string::npos;
  if (const auto* a = creds->find("account_address"); a != nullptr && !a->empty()) {
    if (!parse_address(a->reveal())) {
      return Error(ErrorCode::invalid_argument,
                   "hyperliquid account_address: expected 0x + 40 hex digits");
    }
    config.account_address = std::string(a->reveal());
  }
  if (const auto* v = creds->find("vault_address"); v != nullptr && !v->empty()) {
    auto addr = parse_address(v->reveal());
    if (!addr) {
      return Error(ErrorCode::invalid_argument,
                   "hyperliquid vault_address: expected 0x + 40 hex digits");
    }
    config.vault_address = *addr;
  }
  if (options.request_timeout.count() > 0) config.request_timeout = options.request_timeout;
  if (options.ca_file) {
    config.tls.extra_ca_file = *options.ca_file;
  }
  config.symbols = options.symbols;
  // Private stream: the given URL, else the venue's own beside its REST host; a local simulator
  // must name its WebSocket URL.
  if (!options.ws_url.empty()) {
    config.ws_url = options.ws_url;
  } else if (config.base_url == kMainnetUrl) {
    config.ws_url = "wss://api.hyperliquid.xyz/ws";
  } else if (config.base_url == kTestnetUrl) {
    config.ws_url = "wss://api.hyperliquid-testnet.xyz/ws";
  }
  return std::unique_ptr<VenueClient>(std::make_unique<HyperliquidClient>(
      *deps.net, *deps.clock, *deps.registry, std::move(signer).value(), std::move(config)));
}

}  // namespace nzeza::venues::hyperliquid
