#pragma once
// What every live venue client needs to be built: where to connect, how to trust the server,
// whose credentials, and the shared services. `nzeza order` and the server build clients through
// one factory per venue with this signature, in src/venues/<venue>/factory.hpp:
//
//   namespace nzeza::venues::<venue> {
//   Result<std::unique_ptr<VenueClient>> make_client(const ClientOptions&, const ClientDeps&);
//   }
//
// The factory loads credentials (credentials.hpp) and refuses clearly when one is missing; it
// does not contact the venue (load_instruments() does, when the caller asks).

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "net/net_context.hpp"
#include "venues/credentials.hpp"

namespace nzeza::venues {

struct ClientOptions {
  // REST base URL, e.g. "https://api.binance.com"; a testnet or a local simulator
  // ("http://127.0.0.1:8443") for tests. Empty: the venue's production URL.
  std::string base_url;
  // Private-stream WebSocket URL; empty: the venue's production URL (or derived from base_url
  // when it points at a local simulator — each venue documents which).
  std::string ws_url;
  // PEM bundle to trust instead of the system store (a testnet's or the test PKI's CA).
  std::optional<std::string> ca_file;
  CredentialOptions credentials;
  // Per-request deadline; zero: the venue's default.
  Duration request_timeout{0};
  // Venue symbols nzeza trades there ("BTCUSDT", "XBT/USD", "BTC-USD", "BTC"); load_instruments
  // answers these only (all the venue lists when empty).
  std::vector<std::string> symbols;
};

// Shared services; all must outlive the client.
struct ClientDeps {
  net::NetContext* net = nullptr;
  Clock* clock = nullptr;
  // The client resolves InstrumentId <-> venue symbol through it; load_instruments() results are
  // added/updated by the owner (the client only reads).
  const InstrumentRegistry* registry = nullptr;
};

// What every venue's make_client does first: invalid_argument unless `deps` has all three, else
// `venue`'s credentials (Credentials::load: `required` must all be present).
[[nodiscard]] inline Result<Credentials> load_client_credentials(
    std::string_view venue, const ClientOptions& options, const ClientDeps& deps,
    std::initializer_list<std::string_view> required,
    std::initializer_list<std::string_view> optional = {}) {
  if (deps.net == nullptr || deps.clock == nullptr || deps.registry == nullptr) {
    return Error(
        ErrorCode::invalid_argument,
        std::string(venue) + " client: the network context, clock and registry are required");
  }
  return Credentials::load(venue, required, optional, options.credentials);
}

}  // namespace nzeza::venues
