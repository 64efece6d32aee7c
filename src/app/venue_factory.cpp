#include "app/venue_factory.hpp"

#include <string>

// Each venue client library that this build has defines NZEZA_HAVE_<VENUE>_CLIENT (see
// src/app/CMakeLists.txt).
#ifdef NZEZA_HAVE_BINANCE_CLIENT
#include "venues/binance/factory.hpp"
#endif
#ifdef NZEZA_HAVE_COINBASE_CLIENT
#include "venues/coinbase/factory.hpp"
#endif
#ifdef NZEZA_HAVE_KRAKEN_CLIENT
#include "venues/kraken/factory.hpp"
#endif
#ifdef NZEZA_HAVE_HYPERLIQUID_CLIENT
#include "venues/hyperliquid/factory.hpp"
#endif
#ifdef NZEZA_HAVE_DYDX_CLIENT
#include "venues/dydx/factory.hpp"
#endif

namespace nzeza::app {

Result<std::unique_ptr<venues::VenueClient>> make_venue_client(Venue venue,
                                                               const venues::ClientOptions& options,
                                                               const venues::ClientDeps& deps) {
  if (deps.net == nullptr || deps.clock == nullptr || deps.registry == nullptr) {
    return Error{ErrorCode::invalid_argument, "venue client needs a NetContext, Clock, registry"};
  }
  switch (venue) {
#ifdef NZEZA_HAVE_BINANCE_CLIENT
    case Venue::binance:
      return venues::binance::make_client(options, deps);
#endif
#ifdef NZEZA_HAVE_COINBASE_CLIENT
    case Venue::coinbase:
      return venues::coinbase::make_client(options, deps);
#endif
#ifdef NZEZA_HAVE_KRAKEN_CLIENT
    case Venue::kraken:
      return venues::kraken::make_client(options, deps);
#endif
#ifdef NZEZA_HAVE_HYPERLIQUID_CLIENT
    case Venue::hyperliquid:
      return venues::hyperliquid::make_client(options, deps);
#endif
#ifdef NZEZA_HAVE_DYDX_CLIENT
    case Venue::dydx:
      return venues::dydx::make_client(options, deps);
#endif
    default:
      break;
  }
  return Error{ErrorCode::invalid_argument,
               "no live client for venue " + std::string(to_string(venue)) + " in this build"};
}

}  // namespace nzeza::app
